-- The audit trail is asked "what did this organisation's system do", "what did this vendor do on
-- its customers' behalf" and "what came in through this issuer" by the numbers and issuer that
-- tokens of trusted issuers carry. Only those events have them, so the indexes hold only those.
CREATE INDEX audit_events_actor_organisation_number
    ON audit_events (actor_organisation_number, occurred_at, id)
    WHERE actor_organisation_number IS NOT NULL;
CREATE INDEX audit_events_actor_supplier_number
    ON audit_events (actor_supplier_number, occurred_at, id)
    WHERE actor_supplier_number IS NOT NULL;
CREATE INDEX audit_events_actor_issuer
    ON audit_events (actor_issuer, occurred_at, id)
    WHERE actor_issuer IS NOT NULL;

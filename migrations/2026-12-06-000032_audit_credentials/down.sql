ALTER TABLE audit_events
    DROP COLUMN actor_client,
    DROP COLUMN actor_organisation_number,
    DROP COLUMN actor_supplier_number,
    DROP COLUMN actor_issuer;

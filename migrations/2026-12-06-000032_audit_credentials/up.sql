-- Who acted, as the issuer of the caller's token vouched for it (Normen asks the trail to name the
-- person or system, the organisation and whoever acted for it): the client system, the
-- organisation number the token named, the vendor (supplier) acting for that organisation, and
-- the issuer. Empty for Samhandling's own tokens, the public and system jobs, and for older events.
-- Never a national identity number: the subject stays in `actor`, and no pid is read.
ALTER TABLE audit_events
    ADD COLUMN actor_client text CHECK (char_length(actor_client) BETWEEN 1 AND 255),
    ADD COLUMN actor_organisation_number text CHECK (actor_organisation_number ~ '^[0-9]{9}$'),
    ADD COLUMN actor_supplier_number text CHECK (actor_supplier_number ~ '^[0-9]{9}$'),
    ADD COLUMN actor_issuer text CHECK (char_length(actor_issuer) BETWEEN 1 AND 500);

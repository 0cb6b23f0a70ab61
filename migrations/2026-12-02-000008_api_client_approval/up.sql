-- A client whose roles read personal data for an organisation acts only once that organisation
-- has approved it: the operator registers systems, but only the data's owner lets one read.
ALTER TABLE api_clients
    ADD COLUMN approved_at timestamptz,
    ADD COLUMN approved_by text CHECK (approved_by IS NULL OR length(approved_by) BETWEEN 1 AND 200);

-- Clients registered before this rule: those that cannot read personal data stay approved; those
-- that can wait for their organisation, like every new one.
UPDATE api_clients SET approved_at = created_at, approved_by = 'system:migration'
WHERE NOT ('centre_coordinator' = ANY (roles));

-- Third-party systems that obtain tokens with the client-credentials grant.
-- The secret is stored only as an Argon2 PHC string.
CREATE TABLE api_clients (
    id              uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    roles           text[] NOT NULL CHECK (cardinality(roles) > 0),
    secret_hash     text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz
);

CREATE INDEX api_clients_created_at_id ON api_clients (created_at, id);
CREATE INDEX api_clients_organisation_created_at_id ON api_clients (organisation_id, created_at, id);

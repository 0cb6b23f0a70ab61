-- Idempotency keys: the first response to a creating POST, replayed when a client retries.
-- The row is inserted in the same transaction as the creation, so a concurrent retry waits
-- on the primary key and then sees the finished response.
CREATE TABLE idempotency_keys (
    organisation_id uuid NOT NULL,
    subject         text NOT NULL,
    key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash    bytea NOT NULL,
    response_status smallint NOT NULL,
    response_body   jsonb NOT NULL,
    response_headers jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, subject, key)
);

CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- Webhook subscriptions of referring organisations. The secret signs deliveries (HMAC-SHA256), so
-- it must be kept readable; it is shown to the subscriber once and never returned again.
CREATE TABLE webhook_subscriptions (
    id              uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    url             text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    event_types     text[] NOT NULL CHECK (cardinality(event_types) > 0),
    secret          text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz
);

CREATE INDEX webhook_subscriptions_organisation ON webhook_subscriptions (organisation_id, created_at, id);

-- The outbox: one row per event and subscription, written in the transaction of the change.
-- Workers claim due rows with FOR UPDATE SKIP LOCKED and a lease (next_attempt_at moves forward),
-- so several instances share the work and a crashed worker's rows come due again.
CREATE TABLE webhook_deliveries (
    id              uuid PRIMARY KEY,
    subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id),
    event_type      text NOT NULL,
    payload         jsonb NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    abandoned_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND abandoned_at IS NULL;
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, created_at, id);

CREATE TABLE webhook_attempts (
    id           uuid PRIMARY KEY,
    delivery_id  uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at timestamptz NOT NULL DEFAULT now(),
    status_code  smallint,
    error        text,
    duration_ms  integer NOT NULL
);

CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempted_at);

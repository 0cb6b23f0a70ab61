-- Webhook delivery that no receiver can hold up.
--
-- A subscription is the unit of delivery: one attempt at a time (under a lease), in the order
-- the events happened, and a subscription that keeps failing waits as a whole (paused_until, a
-- circuit breaker) instead of retrying every queued event at everyone's cost. After the retry
-- window its deliveries are abandoned and it is marked failing until its owner replays.
ALTER TABLE webhook_subscriptions
    ADD COLUMN state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'failing')),
    ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    ADD COLUMN paused_until timestamptz,
    ADD COLUMN last_attempt_at timestamptz,
    ADD COLUMN last_success_at timestamptz,
    ADD COLUMN last_outcome text
        CHECK (last_outcome IN ('delivered', 'timeout', 'refused', 'unreachable', 'http_4xx', 'http_5xx')),
    ADD COLUMN lease_until timestamptz,
    ADD COLUMN previous_secret text,
    ADD COLUMN previous_secret_until timestamptz;

-- Standard Webhooks secrets are `whsec_` and the base64 of the key bytes. The key of an existing
-- subscription stays what it was (the bytes of its old secret), now spelled that way.
UPDATE webhook_subscriptions
SET secret = 'whsec_' || replace(encode(convert_to(secret, 'UTF8'), 'base64'), E'\n', '')
WHERE secret NOT LIKE 'whsec\_%';

-- The event as columns rather than a JSON document, so that erasure and consent withdrawal
-- change columns, and the body is rendered from what may still be said when it is sent.
ALTER TABLE webhook_deliveries
    ADD COLUMN referral_id uuid,
    ADD COLUMN external_reference text,
    ADD COLUMN coarse_status text,
    ADD COLUMN detailed_status text,
    ADD COLUMN coarse_changed boolean NOT NULL DEFAULT true;

UPDATE webhook_deliveries
SET referral_id = (payload -> 'referral' ->> 'id')::uuid,
    external_reference = payload -> 'referral' ->> 'external_reference',
    coarse_status = payload -> 'referral' ->> 'coarse_status',
    detailed_status = payload -> 'referral' ->> 'status';

ALTER TABLE webhook_deliveries
    DROP COLUMN payload,
    DROP COLUMN next_attempt_at,
    ALTER COLUMN created_at SET DEFAULT clock_timestamp(),
    ADD CONSTRAINT webhook_deliveries_referral_event CHECK (
        event_type <> 'referral_status_changed'
        OR (referral_id IS NOT NULL AND coarse_status IS NOT NULL));

-- A subscription's next delivery is its oldest pending one.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (subscription_id, created_at, id)
    WHERE delivered_at IS NULL AND abandoned_at IS NULL;
CREATE INDEX webhook_deliveries_referral ON webhook_deliveries (referral_id);
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (created_at)
    WHERE delivered_at IS NOT NULL OR abandoned_at IS NOT NULL;

-- Attempts keep a coarse outcome, never transport error text.
ALTER TABLE webhook_attempts
    ADD COLUMN outcome text
        CHECK (outcome IN ('delivered', 'timeout', 'refused', 'unreachable', 'http_4xx', 'http_5xx'));
UPDATE webhook_attempts SET outcome = CASE
    WHEN status_code BETWEEN 200 AND 299 THEN 'delivered'
    WHEN status_code BETWEEN 500 AND 599 THEN 'http_5xx'
    WHEN status_code IS NOT NULL THEN 'http_4xx'
    WHEN error ILIKE '%timed out%' OR error ILIKE '%timeout%' THEN 'timeout'
    WHEN error ILIKE '%refused%' OR error ILIKE '%connection failed%' THEN 'refused'
    ELSE 'unreachable' END;
ALTER TABLE webhook_attempts ALTER COLUMN outcome SET NOT NULL, DROP COLUMN error;

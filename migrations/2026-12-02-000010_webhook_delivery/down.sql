ALTER TABLE webhook_attempts ADD COLUMN error text;
UPDATE webhook_attempts SET error = outcome WHERE outcome <> 'delivered';
ALTER TABLE webhook_attempts DROP COLUMN outcome;

DROP INDEX webhook_deliveries_finished;
DROP INDEX webhook_deliveries_referral;
DROP INDEX webhook_deliveries_pending;
ALTER TABLE webhook_deliveries
    DROP CONSTRAINT webhook_deliveries_referral_event,
    ALTER COLUMN created_at SET DEFAULT now(),
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN payload jsonb;
UPDATE webhook_deliveries SET payload = jsonb_build_object('type', event_type, 'occurred_at', created_at,
    'referral', jsonb_build_object('id', referral_id, 'external_reference', external_reference,
        'coarse_status', coarse_status, 'status', detailed_status));
ALTER TABLE webhook_deliveries
    ALTER COLUMN payload SET NOT NULL,
    DROP COLUMN coarse_changed,
    DROP COLUMN detailed_status,
    DROP COLUMN coarse_status,
    DROP COLUMN external_reference,
    DROP COLUMN referral_id;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND abandoned_at IS NULL;

ALTER TABLE webhook_subscriptions
    DROP COLUMN previous_secret_until,
    DROP COLUMN previous_secret,
    DROP COLUMN lease_until,
    DROP COLUMN last_outcome,
    DROP COLUMN last_success_at,
    DROP COLUMN last_attempt_at,
    DROP COLUMN paused_until,
    DROP COLUMN consecutive_failures,
    DROP COLUMN state;

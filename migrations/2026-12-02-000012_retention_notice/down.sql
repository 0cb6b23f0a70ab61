ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_erasure_event;
ALTER TABLE webhook_deliveries DROP COLUMN due_at;
DROP INDEX referrals_open_idle;
ALTER TABLE referrals DROP COLUMN erasure_notice_at;

-- Retention covers inactivity too: a referral nobody works on keeps no one's name forever. The
-- centre is told before anything is erased (erasure_notice_at, and a webhook event whose due
-- time is kept with it); a change of the referral withdraws the notice.
ALTER TABLE referrals ADD COLUMN erasure_notice_at timestamptz;

CREATE INDEX referrals_open_idle ON referrals (updated_at) WHERE ended_at IS NULL AND erased_at IS NULL;

ALTER TABLE webhook_deliveries ADD COLUMN due_at timestamptz;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_erasure_event CHECK (
    event_type <> 'referral_erasure_due' OR (referral_id IS NOT NULL AND due_at IS NOT NULL));

ALTER TABLE referrals DROP COLUMN referrer_updated_at, DROP COLUMN referrer_version;

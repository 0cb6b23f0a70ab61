-- What the referrer may see changes less often than the referral does: without the person's
-- consent to feedback only the coarse status is its to know, so a counter or time that moved
-- with every step of the centre would tell it what the coarse status hides. The referrer's view
-- carries its own version and time of change, moved only by changes that view shows.
ALTER TABLE referrals
    ADD COLUMN referrer_version integer NOT NULL DEFAULT 1 CHECK (referrer_version > 0),
    ADD COLUMN referrer_updated_at timestamptz NOT NULL DEFAULT now();

UPDATE referrals SET referrer_version = version, referrer_updated_at = updated_at;

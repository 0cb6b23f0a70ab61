DELETE FROM audit_events WHERE actor_organisation_id IS NULL;
ALTER TABLE audit_events ALTER COLUMN actor_organisation_id SET NOT NULL;
DROP TABLE referral_transitions;
DROP TABLE referral_people;
DROP TABLE referrals;

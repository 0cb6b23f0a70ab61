DROP INDEX referrals_agreement_pair;
ALTER TABLE referrals DROP COLUMN feedback_by_agreement, DROP COLUMN agreed_feedback;
DROP TABLE collaboration_agreements;

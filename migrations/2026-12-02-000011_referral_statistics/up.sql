-- What erasure keeps for statistics, and only that: no id or reference that a referrer, a centre
-- or the person holds leads here, and times are kept to the month. The erased referral itself
-- keeps only what its referrer's view shows (its status, no history, groups or municipality).
CREATE TABLE referral_statistics (
    id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    target_centre_id          uuid NOT NULL,
    referring_organisation_id uuid,
    source                    text NOT NULL,
    offer                     text NOT NULL,
    target_groups             text[] NOT NULL,
    residence_municipality    text,
    final_status              text NOT NULL,
    created_month             date NOT NULL,
    ended_month               date,
    erased_month              date NOT NULL
);

CREATE INDEX referral_statistics_centre_month ON referral_statistics (target_centre_id, created_month);

-- Referrals erased before this rule: their statistics move here, and their tombstones are cut.
INSERT INTO referral_statistics (target_centre_id, referring_organisation_id, source, offer,
    target_groups, residence_municipality, final_status, created_month, ended_month, erased_month)
SELECT target_centre_id, referring_organisation_id, source, offer, target_groups,
    residence_municipality, status, date_trunc('month', created_at)::date,
    date_trunc('month', ended_at)::date, date_trunc('month', erased_at)::date
FROM referrals WHERE erased_at IS NOT NULL;

UPDATE referrals SET target_groups = '{}', residence_municipality = NULL, preferred_format = 'no_preference'
WHERE erased_at IS NOT NULL;

DELETE FROM referral_transitions t USING referrals r
WHERE t.referral_id = r.id AND r.erased_at IS NOT NULL;

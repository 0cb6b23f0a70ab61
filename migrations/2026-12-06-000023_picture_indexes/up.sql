-- What a municipality's picture and its county's overview count, read from indexes alone: a
-- municipality's referrals of a year with the centre each went to, the places people took from
-- referrals in that year, and the staff of an employer who completed a course.
CREATE INDEX referrals_referrer_created_centre ON referrals (referring_organisation_id, created_at)
    INCLUDE (target_centre_id, id);
CREATE INDEX memberships_referral_joined_at ON memberships (joined_at) INCLUDE (referral_id)
    WHERE referral_id IS NOT NULL;
CREATE INDEX enrolments_employer_completed ON enrolments (employer_organisation_id, course_id)
    WHERE status = 'completed';

-- The counts about people of a county's year, suppressed and audited together, kept: too much
-- work to redo for every overview and picture. They count only quarters that have ended, which
-- change only through a late record (an enrolment completed after its course), so a result is
-- served for a minute after it was computed; then one request (`refreshing_since`, claimed for a
-- minute at most) computes it again while the others serve it.
CREATE TABLE published_county_figures (
    county           text NOT NULL CHECK (county ~ '^[0-9]{2}$'),
    year             integer NOT NULL,
    counted_until    date NOT NULL,
    figures          jsonb NOT NULL,
    computed_at      timestamptz NOT NULL DEFAULT now(),
    refreshing_since timestamptz,
    PRIMARY KEY (county, year, counted_until)
);

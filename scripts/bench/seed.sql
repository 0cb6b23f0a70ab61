-- Seeds a benchmark database: 50 organisations (25 self-help centres, 25 municipalities) and
-- :rows referrals spread over them, set-based. Ids are md5('bench-'||n)::uuid, so pgbench can
-- address the same rows; created_at is one second apart, starting :rows seconds ago. A third of
-- the referrals are closed, as in a centre's real history, so even the 10,000-row database gives
-- each centre full pages of its closed referrals (133 of them) to list.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO organisations (id, kind, name, municipality_number)
SELECT md5('org-' || n)::uuid,
       CASE WHEN n <= 25 THEN 'self_help_centre' ELSE 'municipality' END,
       'Bench organisation ' || n,
       CASE WHEN n > 25 THEN lpad((9000 + n)::text, 4, '0') END
FROM generate_series(1, 50) AS n;

INSERT INTO referrals (id, reference, source, target_centre_id, referring_organisation_id,
                       referring_subject, external_reference, offer, status, target_groups,
                       preferred_format, residence_municipality, consent_contact, consent_feedback,
                       consent_method, consent_obtained_at, version, created_at, updated_at)
SELECT md5('bench-' || n)::uuid,
       upper(substr(lpad(to_hex(n), 8, '0'), 1, 4) || '-' || substr(lpad(to_hex(n), 8, '0'), 5, 4)),
       'referral',
       md5('org-' || (1 + n % 25))::uuid,
       md5('org-' || (26 + n % 25))::uuid,
       'bench',
       'BENCH-' || n,
       'self_help_group',
       CASE WHEN n % 3 = 0 THEN 'closed'
            ELSE (ARRAY['submitted', 'received', 'contacted', 'intake_scheduled', 'intake_completed',
                        'waiting_for_group', 'placed', 'declined_by_person', 'not_reachable',
                        'withdrawn', 'redirected'])[1 + (n / 3) % 11] END,
       ARRAY[(ARRAY['immigrant_or_refugee', 'work_assessment_allowance',
                    'young_adult_outside_work_or_study', 'other'])[1 + n % 4]],
       'no_preference',
       lpad((9026 + n % 25)::text, 4, '0'),
       true, n % 2 = 0, 'in_person', now() - interval '400 days',
       1,
       now() - (:rows - n) * interval '1 second',
       now() - (:rows - n) * interval '1 second'
FROM generate_series(1, :rows) AS n;

INSERT INTO referral_people (referral_id, given_name, family_name, phone, preferred_language, wishes)
SELECT md5('bench-' || n)::uuid, 'Given' || n, 'Family' || n, '+47' || (90000000 + n % 9999999), 'nb',
       'Ønsker en gruppe på dagtid.'
FROM generate_series(1, :rows) AS n;

CREATE SEQUENCE bench_reference START 268435456;
COMMIT;
-- Leave the database as a long-running one is: vacuumed (visibility map and hint bits set, so the
-- first reads do not rewrite every page) and statistics current.
VACUUM (ANALYZE);

-- Adds to county-seed.sql's county what the `newer` reads of `make bench` need, set-based:
--
--   evaluations   every municipality evaluates each dialogue meeting it took part in, so a
--                 municipality's timeline over the ten years is its meeting, finding, evaluation
--                 and two actions a year (50 entries), and the dialogue statistics average ratings
--   facilitators  :facilitators network-meeting facilitators employed by 350 municipalities
--                 (numbers 9101 to 9750, beside the county's own), the country's count, each
--                 followed up by one of the 2 competence centres (confirmed), one in ten by both
--   logs          :logs network-meeting logs by them, spread evenly over the ten years
--                 (:first_year to :first_year + 9), a facilitator's logs a few days apart
--
-- Ids are md5 of a name, so that pgbench can address the same rows.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO dialogue_evaluations (id, meeting_id, municipality_id, rating, comments, submitted_by, created_at)
SELECT md5('county-evaluation-' || p.meeting_id || '-' || p.organisation_id)::uuid, p.meeting_id, p.organisation_id,
       1 + abs(hashtext(p.meeting_id::text || p.organisation_id::text)) % 5, NULL, 'bench',
       m.held_on + interval '14 days'
FROM dialogue_participants p JOIN dialogue_meetings m ON m.id = p.meeting_id
WHERE p.role = 'municipality';

INSERT INTO organisations (id, kind, name, municipality_number)
SELECT md5('county-employer-' || k)::uuid, 'municipality', 'Bench arbeidsgiver ' || k,
       ((91 + k / 50) * 100 + k % 50 + 1)::text
FROM generate_series(0, 349) AS k;

INSERT INTO facilitators (id, competence_centre_id, employer_organisation_id, subject, name, created_at, confirmed_at)
SELECT md5('county-facilitator-' || f || '-' || c)::uuid, md5('county-competence-' || c)::uuid,
       md5('county-employer-' || f % 350)::uuid, 'facilitator-' || f, 'Veileder ' || f,
       make_timestamptz(:first_year, 1, 1, 8, 0, 0, 'UTC'), make_timestamptz(:first_year, 1, 1, 9, 0, 0, 'UTC')
FROM generate_series(0, :facilitators - 1) AS f, generate_series(1, 2) AS c
WHERE c = 1 + f % 2 OR f % 10 = 0;

INSERT INTO network_meetings (id, organisation_id, facilitator_subject, held_on, municipality_number, service,
                              suggested_by, age_band, gender, family, partner, friend, colleague, neighbour,
                              professional, other, themes, next_meeting_planned, supervision_wanted,
                              supervision_topic, created_at, updated_at)
SELECT md5('county-log-' || n)::uuid, md5('county-employer-' || f % 350)::uuid, 'facilitator-' || f,
       at::date, ((91 + f % 350 / 50) * 100 + f % 350 % 50 + 1)::text, 'Psykisk helse og rus',
       (ARRAY['professional', 'main_person', 'network'])[1 + n % 3],
       (ARRAY['under_18', '18_29', '30_49', '50_66', '67_or_older'])[1 + n % 5],
       (ARRAY['female', 'male', NULL])[1 + n % 3], n % 4, n % 2, n % 3, 0, n % 2, 1 + n % 2, 0,
       ARRAY[(ARRAY['mental_health', 'substance_use', 'family', 'housing', 'loneliness'])[1 + n % 5]],
       n % 3 = 0, n % 7 = 0, CASE WHEN n % 7 = 0 THEN 'Veiledning' END, at, at
FROM (SELECT n, n % :facilitators AS f,
             make_timestamptz(:first_year, 1, 1, 8, 0, 0, 'UTC')
                 + (n::float8 / :logs) * (make_date(:first_year + 10, 1, 1) - make_date(:first_year, 1, 1))
                   * interval '1 day' AS at
      FROM generate_series(0, :logs - 1) AS n) AS logs;
COMMIT;
VACUUM (ANALYZE);

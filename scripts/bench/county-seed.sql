-- Seeds a county for GET /counties/{county}/overview: a county governor of county :county, 40
-- municipalities (:county01 to :county40), 3 self-help centres and 2 competence centres, and ten
-- years (:first_year to :first_year + 9) of the governor's dialogue and the municipalities' work:
--
--   dialogue     4 meetings a year of 10 municipalities each, every one held; a finding per
--                municipality and meeting, with a risk judgement and a need addressed to a
--                competence centre (about a third still pending); 2 follow-up actions per finding,
--                the older ones done, the latest year's about half pending, some overdue
--   referrals    250 a year from each municipality to the centres (100,000), about 40 % placed
--                in one of 30 groups (left again after a month)
--   courses      4 network-meeting courses a year by the competence centres, with 3 to 8 staff of
--                each municipality completing them a year
--
-- Ids are md5 of a name, so that pgbench can address the same rows.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO organisations (id, kind, name, municipality_number, county_number)
VALUES (md5('county-governor')::uuid, 'county_governor', 'Bench statsforvalter', NULL, :'county');
INSERT INTO organisations (id, kind, name, municipality_number)
SELECT md5('county-municipality-' || m)::uuid, 'municipality', 'Bench kommune ' || m, :'county' || lpad(m::text, 2, '0')
FROM generate_series(1, 40) AS m;
INSERT INTO organisations (id, kind, name, municipality_number)
SELECT md5('county-centre-' || c)::uuid, 'self_help_centre', 'Bench senter ' || c, :'county' || '01'
FROM generate_series(1, 3) AS c;
INSERT INTO organisations (id, kind, name)
SELECT md5('county-competence-' || c)::uuid, 'competence_centre', 'Bench kompetansesenter ' || c
FROM generate_series(1, 2) AS c;

-- Dialogue: meeting (year, q) with municipalities 10 * (q % 4) + 1 .. + 10.
CREATE TEMP TABLE bench_meeting ON COMMIT DROP AS
SELECT md5('county-meeting-' || y || '-' || q)::uuid AS id, y, q,
       make_date(y, 1 + q * 3, 15) AS held_on
FROM generate_series(:first_year, :first_year + 9) AS y, generate_series(0, 3) AS q;
INSERT INTO dialogue_meetings (id, county_governor_id, county_number, title, held_on, digital, status,
                               focus_areas, created_at, updated_at)
SELECT id, md5('county-governor')::uuid, :'county', 'Dialogmøte ' || y || '-' || q, held_on, true, 'closed',
       '{mental_health}', held_on, held_on
FROM bench_meeting;
INSERT INTO dialogue_participants (meeting_id, organisation_id, role)
SELECT b.id, md5('county-municipality-' || (10 * b.q + m))::uuid, 'municipality'
FROM bench_meeting b, generate_series(1, 10) AS m;
INSERT INTO dialogue_findings (id, meeting_id, municipality_id, challenges, risk_level, risk_rationale,
                               created_at, shared_with_partners)
SELECT md5('county-finding-' || b.y || '-' || b.q || '-' || m)::uuid, b.id,
       md5('county-municipality-' || (10 * b.q + m))::uuid, 'Bemanning og rekruttering',
       (ARRAY['low', 'moderate', 'high'])[1 + (b.y + m) % 3], 'Vurdert', b.held_on, true
FROM bench_meeting b, generate_series(1, 10) AS m;
INSERT INTO collaboration_needs (id, origin, municipality_id, county_number, meeting_id, finding_id,
                                 partner_kind, partner_organisation_id, description, status, decline_reason,
                                 raised_by, created_at, updated_at)
SELECT md5('county-need-' || f.id)::uuid, 'dialogue_finding', f.municipality_id, :'county', f.meeting_id, f.id,
       'competence_centre', md5('county-competence-' || (1 + b.q % 2))::uuid, 'Veiledning',
       (ARRAY['open', 'accepted', 'done', 'declined', 'done', 'withdrawn'])[1 + (b.y * 4 + b.q) % 6],
       CASE WHEN (b.y * 4 + b.q) % 6 = 3 THEN 'Ikke kapasitet' END, 'bench', b.held_on, b.held_on
FROM dialogue_findings f JOIN bench_meeting b ON b.id = f.meeting_id;
INSERT INTO follow_up_actions (id, meeting_id, owner_organisation_id, description, due_on, follow_up_digital,
                               status, created_at, updated_at)
SELECT md5('county-action-' || f.id || '-' || a)::uuid, f.meeting_id, f.municipality_id, 'Tiltak ' || a,
       b.held_on + (90 * a) * interval '1 day', true,
       CASE WHEN b.y < :first_year + 9 THEN 'done'
            ELSE (ARRAY['open', 'in_progress', 'done', 'cancelled'])[1 + (b.q + a) % 4] END,
       b.held_on, b.held_on
FROM dialogue_findings f JOIN bench_meeting b ON b.id = f.meeting_id, generate_series(1, 2) AS a;

-- Referrals, and the groups that place about 40 % of them.
INSERT INTO groups (id, centre_id, title, theme, languages, format, municipality, weekday, start_time,
                    min_members, max_members, status, started_at, created_at, updated_at)
SELECT md5('county-group-' || g)::uuid, md5('county-centre-' || (1 + g % 3))::uuid, 'Benkgruppe ' || g,
       'general', '{nb}', 'digital', :'county' || lpad((1 + g % 40)::text, 2, '0'), 'monday', '18:00',
       5, 8, 'self_running', make_timestamptz(:first_year, 1, 1, 8, 0, 0, 'UTC'),
       make_timestamptz(:first_year, 1, 1, 8, 0, 0, 'UTC'), make_timestamptz(:first_year, 1, 1, 8, 0, 0, 'UTC')
FROM generate_series(1, 30) AS g;
CREATE TEMP TABLE bench_county_referral ON COMMIT DROP AS
SELECT n, md5('county-referral-' || n)::uuid AS id,
       1 + n % 40 AS m,
       make_timestamptz(:first_year, 1, 1, 0, 0, 0, 'UTC') + (n / 40) * interval '2102 minutes' AS created_at
FROM generate_series(0, 99999) AS n;
INSERT INTO referrals (id, reference, source, target_centre_id, referring_organisation_id, referring_subject,
                       offer, status, target_groups, preferred_format, consent_contact, consent_feedback,
                       consent_method, consent_obtained_at, created_at, updated_at)
SELECT id, 'C' || upper(substr(lpad(to_hex(n), 7, '0'), 1, 3)) || '-' || upper(substr(lpad(to_hex(n), 7, '0'), 4, 4)), 'referral', md5('county-centre-' || (1 + n % 3))::uuid,
       md5('county-municipality-' || m)::uuid, 'bench', 'self_help_group',
       CASE WHEN n % 5 < 2 THEN 'closed' ELSE 'declined_by_person' END, '{other}', 'no_preference',
       true, n % 2 = 0, 'in_person', created_at, created_at, created_at
FROM bench_county_referral;
INSERT INTO memberships (id, group_id, referral_id, joined_at, waited_days, left_at, leave_reason, created_at)
SELECT md5('county-membership-' || n)::uuid, md5('county-group-' || (1 + n % 30))::uuid, id,
       created_at + interval '20 days', 20, created_at + interval '50 days', 'completed', created_at + interval '20 days'
FROM bench_county_referral
WHERE n % 5 < 2;

-- Courses, and the staff who complete them.
INSERT INTO courses (id, title, digital, dates, capacity, created_at, updated_at)
SELECT md5('county-course-' || y || '-' || c)::uuid, 'Nettverksmøter ' || y || '-' || c, true,
       ARRAY[make_date(y, 2 + c * 3, 10), make_date(y, 2 + c * 3, 11)], 200,
       make_timestamptz(y, 1, 1, 8, 0, 0, 'UTC'), make_timestamptz(y, 1, 1, 8, 0, 0, 'UTC')
FROM generate_series(:first_year, :first_year + 9) AS y, generate_series(0, 3) AS c;
INSERT INTO course_organisers (course_id, organisation_id)
SELECT md5('county-course-' || y || '-' || c)::uuid, md5('county-competence-' || (1 + c % 2))::uuid
FROM generate_series(:first_year, :first_year + 9) AS y, generate_series(0, 3) AS c;
INSERT INTO enrolments (id, course_id, name, work_email, employer_organisation_id, service, subject, status,
                        created_at, updated_at)
SELECT md5('county-enrolment-' || y || '-' || m || '-' || s)::uuid,
       md5('county-course-' || y || '-' || ((m + s) % 4))::uuid, 'Fagperson ' || m || '-' || s,
       'fagperson-' || y || '-' || m || '-' || s || '@bench.example', md5('county-municipality-' || m)::uuid,
       'Psykisk helse og rus', 'bench-' || y || '-' || m || '-' || s, 'completed',
       make_timestamptz(y, 1, 2, 8, 0, 0, 'UTC'), make_timestamptz(y, 1, 2, 8, 0, 0, 'UTC')
FROM generate_series(:first_year, :first_year + 9) AS y, generate_series(1, 40) AS m, generate_series(1, 3 + m % 6) AS s;
COMMIT;
VACUUM (ANALYZE);

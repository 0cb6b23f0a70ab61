-- Seeds self-help groups over a database seed.sql has seeded, set-based: :groups groups over its
-- 25 self-help centres, intakes for the referrals that need one, :places memberships and the
-- sessions of the groups that meet, all in the bench year :year (a past calendar year, so every
-- quarter is whole). Ids are md5('bench-group-'||g), md5('bench-intake-'||n) (n the referral's
-- number in seed.sql, its external_reference BENCH-n), md5('bench-membership-'||n); every other
-- choice comes from the bytes of such an md5, so runs are alike and the choices independent.
--
--   groups       centre org-(1 + g % 25); a theme, languages, format, municipality (the referrals'
--                9026–9050), weekday and time each; max_members 8. Status: 30 % recruiting, 20 %
--                starting, 30 % self_running, 5 % planned, 5 % paused, 10 % ended (in December).
--   intakes      one per referral that has come that far: intake_scheduled (not yet held),
--                intake_completed, waiting_for_group and placed (a group outcome), declined_by_person
--                (declined), and the closed referrals that once had a place (a group outcome).
--   memberships  current places: the centre's placed referrals fill its groups' seats (recruiting
--                0–8, starting 5–8, self_running 6–8, paused 4–6) as far as they go; former places:
--                its closed referrals in the groups that have started, up to :places in all, each
--                left 2–8 weeks after joining (or when the group ended). Joined over the bench year,
--                waited_days 0–180. member_count is then counted from the current places.
--   sessions     every meeting of a started group in the bench year on its weekday and interval,
--                90 % held.
--
-- group_statistics and group_quarters_met are left to their row triggers, which fire for these
-- set-based inserts as for the API's: each group's start and end, each place and each held session
-- is counted once as it is inserted (the member_count update sets no column they watch), so the
-- summary is what the API would have kept (a check against counts from the tables themselves
-- found no difference); with them the seed takes about 70 s at 1M rows. Only the version of each
-- ended quarter's counts is bumped once at the end rather than by its row trigger: that trigger
-- updates one row a quarter for every change, and within one transaction none of those row
-- versions can be pruned, so every bump walked all before it (18 minutes at 1M rows). A kept
-- result asks only whether the version moved, and it has.
--
-- seed.sql gives the referrals a created_at of the last days, so a referral's dates and its
-- place's do not line up; nothing the group queries read compares them.
\set ON_ERROR_STOP on
BEGIN;
ALTER TABLE group_statistics DISABLE TRIGGER group_statistics_version;

CREATE TEMP TABLE bench_referral ON COMMIT DROP AS
SELECT substr(external_reference, 7)::int AS n, id, status, target_centre_id AS centre_id, created_at
FROM referrals WHERE external_reference LIKE 'BENCH-%';

CREATE TEMP TABLE bench_group ON COMMIT DROP AS
SELECT g, id, centre_id, h, status, seats, created_at, started_at,
       CASE WHEN status = 'ended'
            THEN make_timestamptz(:year, 12, 1, 20, 0, 0, 'Europe/Oslo') + get_byte(h, 12) % 21 * interval '1 day'
       END AS ended_at
FROM (
    SELECT g, id, centre_id, h, status, seats, created_at,
           CASE WHEN status = 'starting'
                THEN make_timestamptz(:year, 10, 1, 18, 0, 0, 'Europe/Oslo') + get_byte(h, 11) % 60 * interval '1 day'
                WHEN status IN ('self_running', 'paused', 'ended')
                THEN created_at + interval '60 days' + get_byte(h, 11) * interval '1 day'
           END AS started_at
    FROM (
        SELECT g, md5('bench-group-' || g)::uuid AS id, md5('org-' || (1 + g % 25))::uuid AS centre_id, h, status,
               CASE status WHEN 'recruiting' THEN get_byte(h, 1) % 9
                           WHEN 'starting' THEN 5 + get_byte(h, 1) % 4
                           WHEN 'self_running' THEN 6 + get_byte(h, 1) % 3
                           WHEN 'paused' THEN 4 + get_byte(h, 1) % 3
                           ELSE 0 END AS seats,
               make_timestamptz(:year - 1, 1, 1, 12, 0, 0, 'Europe/Oslo') + get_byte(h, 10) * interval '1 day' AS created_at
        FROM (
            SELECT g, decode(md5('bench-group-' || g), 'hex') AS h,
                   (ARRAY['recruiting', 'recruiting', 'recruiting', 'recruiting', 'recruiting', 'recruiting',
                          'starting', 'starting', 'starting', 'starting',
                          'self_running', 'self_running', 'self_running', 'self_running', 'self_running', 'self_running',
                          'planned', 'paused', 'ended', 'ended'])[1 + get_byte(decode(md5('bench-group-' || g), 'hex'), 0) % 20] AS status
            FROM generate_series(0, :groups - 1) AS g
        ) hashed
    ) planned
) started;

INSERT INTO groups (id, centre_id, title, theme, languages, format, municipality, weekday, start_time,
                    interval_weeks, min_members, max_members, age_from, age_to, address, status,
                    started_at, ended_at, created_at, updated_at)
SELECT id, centre_id, 'Benkgruppe ' || g, theme,
       CASE WHEN get_byte(h, 3) % 10 < 6 THEN ARRAY['nb'] WHEN get_byte(h, 3) % 10 < 8 THEN ARRAY['nb', 'en']
            WHEN get_byte(h, 3) % 10 = 8 THEN ARRAY['en'] ELSE ARRAY['ar', 'nb'] END,
       format,
       lpad((9026 + get_byte(h, 5) % 25)::text, 4, '0'),
       (ARRAY['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'])[1 + get_byte(h, 6) % 7],
       time '17:00' + get_byte(h, 7) % 4 * interval '30 minutes',
       1 + (get_byte(h, 8) % 4 = 0)::int,
       5, 8,
       CASE WHEN get_byte(h, 9) % 10 = 0 THEN 18 END,
       CASE WHEN get_byte(h, 9) % 10 = 0 THEN 35 END,
       CASE WHEN format <> 'digital' THEN 'Benkgata ' || (1 + g % 99) END,
       status, started_at, ended_at, created_at, coalesce(ended_at, started_at, created_at)
FROM (
    SELECT *, (ARRAY['general', 'ptsd', 'grief', 'loneliness', 'anxiety_and_depression', 'substance_use',
                     'relatives', 'other'])[1 + get_byte(h, 2) % 8] AS theme,
              (ARRAY['centre_premises', 'centre_premises', 'centre_premises', 'municipality_premises',
                     'digital'])[1 + get_byte(h, 4) % 5] AS format
    FROM bench_group
) chosen;

-- Who gets a place where: each centre's placed referrals fill its groups' seats in order, then its
-- closed referrals, round robin over its started groups, make up the rest of :places.
CREATE TEMP TABLE bench_place (n int PRIMARY KEY, g int NOT NULL, current boolean NOT NULL) ON COMMIT DROP;

INSERT INTO bench_place
SELECT placed.n, seat.g, true
FROM (SELECT g, centre_id, row_number() OVER (PARTITION BY centre_id ORDER BY g, s) AS rank
      FROM bench_group, generate_series(1, seats) AS s) seat
JOIN (SELECT n, centre_id, row_number() OVER (PARTITION BY centre_id ORDER BY n) AS rank
      FROM bench_referral WHERE status = 'placed') placed USING (centre_id, rank)
ORDER BY placed.n LIMIT :places;

INSERT INTO bench_place
SELECT chosen.n, started.g, false
FROM (SELECT n, centre_id, r FROM (
          SELECT n, centre_id, row_number() OVER (PARTITION BY centre_id ORDER BY n) - 1 AS r
          FROM bench_referral WHERE status = 'closed') closed
      ORDER BY r, centre_id LIMIT greatest(:places - (SELECT count(*) FROM bench_place), 0)) chosen
JOIN (SELECT centre_id, count(*) AS groups FROM bench_group WHERE started_at IS NOT NULL GROUP BY centre_id) per_centre
    USING (centre_id)
JOIN (SELECT g, centre_id, row_number() OVER (PARTITION BY centre_id ORDER BY g) - 1 AS e
      FROM bench_group WHERE started_at IS NOT NULL) started
    ON started.centre_id = chosen.centre_id AND started.e = chosen.r % per_centre.groups;

INSERT INTO intakes (id, referral_id, centre_id, scheduled_at, format, preferred_themes, preferred_languages,
                     preferred_weekdays, held_at, outcome, outcome_theme, pseudonym, created_at, updated_at)
SELECT md5('bench-intake-' || n)::uuid, id, centre_id, scheduled_at,
       (ARRAY['in_person', 'phone', 'digital'])[1 + n % 3],
       themes, languages, weekdays,
       CASE WHEN outcome IS NOT NULL THEN scheduled_at END,
       outcome,
       CASE WHEN outcome = 'specific_group' THEN themes[1] END,
       CASE WHEN outcome IN ('general_group', 'specific_group') THEN 'Deltaker ' || n END,
       created_at, CASE WHEN outcome IS NOT NULL THEN scheduled_at ELSE created_at END
FROM (
    SELECT r.n, r.id, r.centre_id, r.created_at, least(r.created_at + interval '1 day', now()) AS scheduled_at,
           CASE WHEN r.status = 'intake_scheduled' THEN NULL
                WHEN r.status = 'declined_by_person' THEN 'declined'
                WHEN r.n % 2 = 0 THEN 'general_group'
                ELSE 'specific_group' END AS outcome,
           CASE WHEN r.n % 5 = 0 THEN ARRAY[t[1 + r.n / 7 % 8], t[1 + (r.n / 7 + 3) % 8]]
                ELSE ARRAY[t[1 + r.n / 7 % 8]] END AS themes,
           CASE WHEN r.n % 10 < 7 THEN ARRAY['nb'] WHEN r.n % 10 < 9 THEN ARRAY['nb', 'en'] ELSE ARRAY['ar'] END AS languages,
           CASE WHEN r.n % 4 = 0 THEN '{}'::text[]
                ELSE ARRAY[w[1 + r.n / 11 % 7], w[1 + (r.n / 11 + 2) % 7]] END AS weekdays
    FROM bench_referral r,
         (SELECT ARRAY['general', 'ptsd', 'grief', 'loneliness', 'anxiety_and_depression', 'substance_use',
                       'relatives', 'other'] AS t,
                 ARRAY['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] AS w) names
    WHERE r.status IN ('intake_scheduled', 'intake_completed', 'waiting_for_group', 'placed', 'declined_by_person')
       OR EXISTS (SELECT 1 FROM bench_place p WHERE p.n = r.n)
) person;

INSERT INTO memberships (id, group_id, referral_id, intake_id, pseudonym, joined_at, waited_days,
                         confidentiality_signed_at, left_at, leave_reason, created_at)
SELECT md5('bench-membership-' || n)::uuid, group_id, referral_id, md5('bench-intake-' || n)::uuid,
       'Deltaker ' || n, joined_at, waited_days, joined_at, left_at,
       CASE WHEN left_at IS NULL THEN NULL
            WHEN left_at = ended_at THEN 'group_ended'
            ELSE (ARRAY['completed', 'could_not_attend', 'no_longer_wanted', 'other'])[1 + get_byte(h, 4) % 4] END,
       joined_at
FROM (
    SELECT n, group_id, referral_id, h, joined_at, waited_days, ended_at,
           CASE WHEN NOT current
                THEN least(joined_at + (14 + get_byte(h, 3) % 43) * interval '1 day',
                           coalesce(ended_at, make_timestamptz(:year, 12, 31, 23, 0, 0, 'Europe/Oslo'))) END AS left_at
    FROM (
        SELECT p.n, p.current, g.id AS group_id, r.id AS referral_id, g.ended_at, m.h,
               make_timestamptz(:year, 1, 1, 8, 0, 0, 'Europe/Oslo')
                   + ((get_byte(m.h, 0) * 65536 + get_byte(m.h, 1) * 256 + get_byte(m.h, 2))
                      % (CASE WHEN p.current THEN 364 ELSE 330 END * 1440)) * interval '1 minute' AS joined_at,
               get_byte(m.h, 5) % 181 AS waited_days
        FROM bench_place p
        JOIN bench_group g USING (g)
        JOIN bench_referral r USING (n),
        LATERAL (SELECT decode(md5('bench-membership-' || p.n), 'hex') AS h) m
    ) joined
) placed;

UPDATE groups SET member_count = current.members
FROM (SELECT group_id, count(*) AS members FROM memberships WHERE left_at IS NULL GROUP BY group_id) current
WHERE groups.id = current.group_id;

INSERT INTO group_sessions (id, group_id, held_on, held, present, starter_present, format, follow_up_requested, created_at)
SELECT md5('bench-session-' || g.g || '-' || day)::uuid, g.id, day, held,
       CASE WHEN held THEN (3 + (g.g + extract(doy FROM day)::int) % 6)::smallint END,
       day < (g.started_at AT TIME ZONE 'Europe/Oslo')::date + 56,
       gr.format, (g.g + extract(doy FROM day)::int) % 50 = 0,
       day + time '21:00'
FROM bench_group g
JOIN groups gr ON gr.id = g.id,
LATERAL (SELECT greatest((g.started_at AT TIME ZONE 'Europe/Oslo')::date, make_date(:year, 1, 1)) AS first,
                array_position(ARRAY['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
                               gr.weekday) AS isodow) f,
LATERAL generate_series(
    (f.first + (f.isodow - extract(isodow FROM f.first)::int + 7) % 7)::timestamp,
    CASE g.status WHEN 'ended' THEN (g.ended_at AT TIME ZONE 'Europe/Oslo')::date - 1
                  WHEN 'paused' THEN make_date(:year, 6, 30)
                  ELSE make_date(:year, 12, 31) END::timestamp,
    gr.interval_weeks * interval '7 days') AS series,
LATERAL (SELECT series::date AS day, (g.g + extract(doy FROM series)::int) % 10 <> 0 AS held) s
WHERE g.started_at IS NOT NULL;

ALTER TABLE group_statistics ENABLE TRIGGER group_statistics_version;
INSERT INTO group_statistics_versions AS v (quarter, version)
SELECT DISTINCT quarter, 1 FROM group_statistics WHERE quarter < oslo_quarter(now())
ON CONFLICT (quarter) DO UPDATE SET version = v.version + 1;
COMMIT;
-- One transaction updated each summary row some twenty times (277,000 updates of 12,600 rows at
-- 1M), and none of the old versions could be pruned while it ran: the table came out 3,500 pages
-- for what fits in 150, and a year's sum read them all. A running database makes those updates
-- one placement or session at a time and prunes them as it goes; rewriting the table gives what
-- it would have.
VACUUM (FULL) group_statistics, group_quarters_met;
VACUUM (ANALYZE);

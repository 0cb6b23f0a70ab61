-- The physical limit for GET /statistics/groups?measure=groups_running&rows=theme&columns=quarter
-- for the whole country: the text group_statistics.rs builds for it, with the year's bounds and
-- the absent centre written as in pgbench-statistics.sql.
SELECT g.theme AS row_label, to_char(s.held_on::timestamptz AT TIME ZONE 'Europe/Oslo', 'YYYY-"Q"Q') AS column_label, count(DISTINCT g.id) AS count, coalesce(0, 0)::float8 AS wait_days FROM group_sessions s JOIN groups g ON g.id = s.group_id AND s.held WHERE s.held_on::timestamptz >= to_timestamp(:from) AND s.held_on::timestamptz < to_timestamp(:to) AND (NULL::uuid IS NULL OR g.centre_id = NULL) GROUP BY 1, 2;

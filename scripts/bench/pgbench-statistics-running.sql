-- The physical limit for GET /statistics/groups?measure=groups_running (any breakdown) for the
-- whole country: the text group_statistics.rs builds for it, reading every cell of the
-- group_statistics summary, with the year's bounds written as in pgbench-statistics.sql.
SELECT centre_id::text AS centre, theme, municipality, to_char(quarter, 'YYYY-"Q"Q') AS quarter, sum(groups_running)::bigint AS count, sum(0)::float8 AS wait_days FROM group_statistics WHERE quarter >= make_date(:year, 1, 1) AND quarter < make_date(:year + 1, 1, 1) GROUP BY 1, 2, 3, 4 HAVING sum(groups_running) > 0;

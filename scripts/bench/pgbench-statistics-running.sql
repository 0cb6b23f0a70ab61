-- The physical limit for GET /statistics/groups?measure=groups_running&rows=theme&columns=quarter
-- for the whole country: the text group_statistics.rs builds for it, summing the group_statistics
-- summary, with the year's bounds and the absent centre written as in pgbench-statistics.sql.
SELECT theme AS row_label, to_char(quarter, 'YYYY-"Q"Q') AS column_label, sum(groups_running)::bigint AS count, sum(0)::float8 AS wait_days FROM group_statistics WHERE quarter >= make_date(:year, 1, 1) AND quarter < make_date(:year + 1, 1, 1) AND (NULL::uuid IS NULL OR centre_id = NULL) GROUP BY 1, 2 HAVING sum(groups_running) > 0;

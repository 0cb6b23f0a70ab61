-- The physical limit for GET /statistics/groups?measure=members_placed (any breakdown) for the
-- whole country: the text group_statistics.rs builds for it, reading every cell of the
-- group_statistics summary that the breakdowns sum (by centre, theme, municipality and quarter),
-- since every breakdown is suppressed together. The API binds $1 and $2 (the first days of the
-- year and of the next) as dates; pgbench has no date it could substitute in both protocols, so
-- the bounds come from the bench year :year through make_date (folded to the same constants).
SELECT centre_id::text AS centre, theme, municipality, to_char(quarter, 'YYYY-"Q"Q') AS quarter, sum(members_placed)::bigint AS count, sum(wait_days)::float8 AS wait_days FROM group_statistics WHERE quarter >= make_date(:year, 1, 1) AND quarter < make_date(:year + 1, 1, 1) GROUP BY 1, 2, 3, 4 HAVING sum(members_placed) > 0;

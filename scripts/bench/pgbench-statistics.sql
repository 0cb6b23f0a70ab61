-- The physical limit for GET /statistics/groups?measure=members_placed&rows=municipality&columns=quarter
-- for the whole country: the text group_statistics.rs builds for it, summing the group_statistics
-- summary. The API binds $1 and $2 (the first days of the year and of the next) as dates and $3 (no
-- centre) as NULL; pgbench has no date it could substitute in both protocols, so the bounds come
-- from the bench year :year through make_date (folded to the same constants), and the NULL is
-- written out.
SELECT municipality AS row_label, to_char(quarter, 'YYYY-"Q"Q') AS column_label, sum(members_placed)::bigint AS count, sum(wait_days)::float8 AS wait_days FROM group_statistics WHERE quarter >= make_date(:year, 1, 1) AND quarter < make_date(:year + 1, 1, 1) AND (NULL::uuid IS NULL OR centre_id = NULL) GROUP BY 1, 2 HAVING sum(members_placed) > 0;

-- The physical limit for GET /statistics/groups?measure=members_placed&rows=municipality&columns=quarter
-- for the whole country: the text group_statistics.rs builds for it. The API binds $1 and $2 (the
-- year's bounds) as timestamptz and $3 (no centre) as NULL; pgbench has neither, so the bounds
-- come as epoch seconds (:from, :to) through to_timestamp, which folds to the same constants, and
-- the NULL is written out.
SELECT g.municipality AS row_label, to_char(m.joined_at AT TIME ZONE 'Europe/Oslo', 'YYYY-"Q"Q') AS column_label, count(*) AS count, coalesce(sum(m.waited_days), 0)::float8 AS wait_days FROM memberships m JOIN groups g ON g.id = m.group_id WHERE m.joined_at >= to_timestamp(:from) AND m.joined_at < to_timestamp(:to) AND (NULL::uuid IS NULL OR g.centre_id = NULL) GROUP BY 1, 2;

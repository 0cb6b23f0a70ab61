-- The physical limit for GET /statistics/groups?measure=members_placed for the whole country's
-- bench year, as it is served while the counts behind it stand: the statements
-- group_statistics.rs runs then, the versions of the year's ended quarters and the result kept at
-- that version. (Computing a result, on the first request after a change, reads every cell of the
-- group_statistics summary; run.py times that first request on its own.) The API binds dates;
-- pgbench has no date it could substitute in both protocols, so the bounds come from the bench
-- year :year through make_date (folded to the same constants).
SELECT coalesce(sum(version), 0)::bigint AS version FROM group_statistics_versions WHERE quarter >= make_date(:year, 1, 1) AND quarter < make_date(:year + 1, 1, 1) \gset
SELECT figures FROM published_group_statistics WHERE measure = 'members_placed' AND year = :year AND counted_until = make_date(:year + 1, 1, 1) AND version = :version;

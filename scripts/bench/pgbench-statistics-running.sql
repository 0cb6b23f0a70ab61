-- The physical limit for GET /statistics/groups?measure=groups_running for the whole country's
-- bench year, as served while the counts behind it stand: the statements of
-- pgbench-statistics.sql for this measure.
SELECT coalesce(sum(version), 0)::bigint AS version FROM group_statistics_versions WHERE quarter >= make_date(:year, 1, 1) AND quarter < make_date(:year + 1, 1, 1) \gset
SELECT figures FROM published_group_statistics WHERE measure = 'groups_running' AND year = :year AND counted_until = make_date(:year + 1, 1, 1) AND version = :version;

DROP TABLE published_group_statistics;
DROP TRIGGER group_statistics_version ON group_statistics;
DROP FUNCTION bump_group_statistics_version();
DROP TABLE group_statistics_versions;

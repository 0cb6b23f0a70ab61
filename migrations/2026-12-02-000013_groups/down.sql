DROP TABLE group_follow_ups;
DROP TABLE group_sessions;
DROP TABLE group_starters;
DROP TABLE memberships;
DROP TABLE intakes;
DROP TABLE groups;

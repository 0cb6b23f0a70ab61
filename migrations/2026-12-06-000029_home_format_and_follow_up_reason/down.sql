ALTER TABLE group_follow_ups DROP COLUMN reason;
UPDATE intakes SET format = 'in_person' WHERE format = 'home';
ALTER TABLE intakes DROP CONSTRAINT intakes_format_check;
ALTER TABLE intakes ADD CONSTRAINT intakes_format_check
    CHECK (format IN ('in_person', 'phone', 'digital'));
UPDATE group_sessions SET format = 'centre_premises' WHERE format = 'home';
ALTER TABLE group_sessions DROP CONSTRAINT group_sessions_format_check;
ALTER TABLE group_sessions ADD CONSTRAINT group_sessions_format_check
    CHECK (format IN ('centre_premises', 'municipality_premises', 'digital'));
UPDATE groups SET format = 'centre_premises', confidential_location = true WHERE format = 'home';
ALTER TABLE groups DROP CONSTRAINT groups_format_check;
ALTER TABLE groups ADD CONSTRAINT groups_format_check
    CHECK (format IN ('centre_premises', 'municipality_premises', 'digital'));

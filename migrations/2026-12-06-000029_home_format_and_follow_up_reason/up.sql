-- A group or an intake may take place at home: LINK comes home to the participants. A group
-- meeting at home keeps its address from the catalogue, as a confidential location does.
ALTER TABLE groups DROP CONSTRAINT groups_format_check;
ALTER TABLE groups ADD CONSTRAINT groups_format_check
    CHECK (format IN ('centre_premises', 'municipality_premises', 'digital', 'home'));
ALTER TABLE group_sessions DROP CONSTRAINT group_sessions_format_check;
ALTER TABLE group_sessions ADD CONSTRAINT group_sessions_format_check
    CHECK (format IN ('centre_premises', 'municipality_premises', 'digital', 'home'));
ALTER TABLE intakes DROP CONSTRAINT intakes_format_check;
ALTER TABLE intakes ADD CONSTRAINT intakes_format_check
    CHECK (format IN ('in_person', 'phone', 'digital', 'home'));

-- Why a group asked for a follow-up visit ("one person takes too much space"), for the centre.
ALTER TABLE group_follow_ups ADD COLUMN reason text CHECK (length(reason) BETWEEN 1 AND 300);

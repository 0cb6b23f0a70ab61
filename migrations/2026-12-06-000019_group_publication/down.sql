DROP INDEX groups_catalogue;
CREATE INDEX groups_catalogue ON groups (created_at, id)
    WHERE status IN ('recruiting', 'starting') AND member_count < max_members;
ALTER TABLE groups DROP COLUMN published;

DROP INDEX groups_catalogue;
CREATE INDEX groups_catalogue ON groups (created_at, id)
    WHERE status = 'recruiting' AND member_count < max_members;

-- The catalogue shows every open group with an open seat: recruiting, and starting (a group that
-- has its minimum and begins meeting still fills its remaining seats), as GroupStatus::OPEN says
-- and as groups_open_seats already did.
DROP INDEX groups_catalogue;
CREATE INDEX groups_catalogue ON groups (created_at, id)
    WHERE status IN ('recruiting', 'starting') AND member_count < max_members;

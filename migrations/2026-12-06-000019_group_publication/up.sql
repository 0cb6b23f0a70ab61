-- Publishing a group in the catalogue is its centre's choice, group by group, and off until the
-- centre makes it: a low-threshold offer may want no public register, and the intake decides the
-- group. A published group stays in the catalogue while it is open (recruiting or starting), full
-- or not, so that a group does not vanish at the moment someone is placed in it.
ALTER TABLE groups ADD COLUMN published boolean NOT NULL DEFAULT false;

DROP INDEX groups_catalogue;
CREATE INDEX groups_catalogue ON groups (created_at, id)
    WHERE published AND status IN ('recruiting', 'starting');

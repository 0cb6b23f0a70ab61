-- Group statistics kept as they happen: one row per centre, theme, municipality and quarter
-- (Norwegian time), counted by triggers in the transaction of each placement, session log and
-- start or end of a group. A country's year is then a few thousand rows to add up, where
-- counting it from the places themselves read every one of them (GET /statistics/groups).
-- A group's centre, theme and municipality never change, so its counts never move between rows.

CREATE TABLE group_statistics (
    quarter        date NOT NULL,
    centre_id      uuid NOT NULL,
    theme          text NOT NULL,
    municipality   text NOT NULL,
    groups_started integer NOT NULL DEFAULT 0,
    groups_ended   integer NOT NULL DEFAULT 0,
    groups_running integer NOT NULL DEFAULT 0,
    members_placed integer NOT NULL DEFAULT 0,
    wait_days      bigint NOT NULL DEFAULT 0,
    sessions_held  integer NOT NULL DEFAULT 0,
    -- Behind GET /statistics/groups: a year is a range of quarters.
    PRIMARY KEY (quarter, centre_id, theme, municipality)
);

-- The quarters in which a group met at least once: it counts as running once per quarter.
CREATE TABLE group_quarters_met (
    group_id uuid NOT NULL REFERENCES groups (id),
    quarter  date NOT NULL,
    PRIMARY KEY (group_id, quarter)
);

CREATE FUNCTION oslo_quarter(at timestamptz) RETURNS date
    LANGUAGE sql STABLE AS $$ SELECT date_trunc('quarter', at AT TIME ZONE 'Europe/Oslo')::date $$;

-- Adds to the counts of group `id`'s row for `quarter`.
CREATE FUNCTION count_group_statistics(id uuid, quarter date, started integer, ended integer,
        running integer, placed integer, waited bigint, sessions integer) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO group_statistics AS s (quarter, centre_id, theme, municipality, groups_started,
        groups_ended, groups_running, members_placed, wait_days, sessions_held)
    SELECT quarter, g.centre_id, g.theme, g.municipality, started, ended, running, placed, waited,
        sessions
    FROM groups g WHERE g.id = count_group_statistics.id
    ON CONFLICT ON CONSTRAINT group_statistics_pkey DO UPDATE SET
        groups_started = s.groups_started + EXCLUDED.groups_started,
        groups_ended = s.groups_ended + EXCLUDED.groups_ended,
        groups_running = s.groups_running + EXCLUDED.groups_running,
        members_placed = s.members_placed + EXCLUDED.members_placed,
        wait_days = s.wait_days + EXCLUDED.wait_days,
        sessions_held = s.sessions_held + EXCLUDED.sessions_held
$$;

CREATE FUNCTION count_group_lifecycle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.started_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.started_at IS NULL) THEN
        PERFORM count_group_statistics(NEW.id, oslo_quarter(NEW.started_at), 1, 0, 0, 0, 0, 0);
    END IF;
    IF NEW.ended_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.ended_at IS NULL) THEN
        PERFORM count_group_statistics(NEW.id, oslo_quarter(NEW.ended_at), 0, 1, 0, 0, 0, 0);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER groups_count_lifecycle AFTER INSERT OR UPDATE OF started_at, ended_at ON groups
    FOR EACH ROW EXECUTE FUNCTION count_group_lifecycle();

CREATE FUNCTION count_group_placement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM count_group_statistics(NEW.group_id, oslo_quarter(NEW.joined_at), 0, 0, 0, 1,
        NEW.waited_days, 0);
    RETURN NULL;
END $$;

CREATE TRIGGER memberships_count_placement AFTER INSERT ON memberships
    FOR EACH ROW EXECUTE FUNCTION count_group_placement();

CREATE FUNCTION count_group_session() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    quarter date := date_trunc('quarter', NEW.held_on)::date;
    first_of_quarter integer;
BEGIN
    INSERT INTO group_quarters_met (group_id, quarter) VALUES (NEW.group_id, quarter)
        ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS first_of_quarter = ROW_COUNT;
    PERFORM count_group_statistics(NEW.group_id, quarter, 0, 0, first_of_quarter, 0, 0, 1);
    RETURN NULL;
END $$;

CREATE TRIGGER group_sessions_count AFTER INSERT ON group_sessions
    FOR EACH ROW WHEN (NEW.held) EXECUTE FUNCTION count_group_session();

-- What happened before this migration, counted once.
INSERT INTO group_quarters_met (group_id, quarter)
SELECT DISTINCT group_id, date_trunc('quarter', held_on)::date FROM group_sessions WHERE held;

SELECT count_group_statistics(id, oslo_quarter(started_at), 1, 0, 0, 0, 0, 0)
FROM groups WHERE started_at IS NOT NULL;
SELECT count_group_statistics(id, oslo_quarter(ended_at), 0, 1, 0, 0, 0, 0)
FROM groups WHERE ended_at IS NOT NULL;
SELECT count_group_statistics(group_id, oslo_quarter(joined_at), 0, 0, 0, 1, waited_days, 0)
FROM memberships;
SELECT count_group_statistics(group_id, quarter, 0, 0, 1, 0, 0, 0) FROM group_quarters_met;
SELECT count_group_statistics(group_id, date_trunc('quarter', held_on)::date, 0, 0, 0, 0, 0, 1)
FROM group_sessions WHERE held;

-- Counted from the summary now.
DROP INDEX memberships_joined_at;
DROP INDEX group_sessions_held_on;
DROP INDEX groups_started_at;
DROP INDEX groups_ended_at;

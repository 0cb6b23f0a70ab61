-- The network-meeting statistics a reader gets are one table over every year, suppressed and
-- audited for an outsider and for each employer and competence centre that knows some of its
-- counts: seconds of work over a country's logs, too much to redo for every request. The counts
-- change only when a log or a facilitator link does, so the result is kept here and served
-- until then.

-- How often what the statistics count (the logs, and the facilitator links that say which
-- centres know a facilitator's logs) has changed. Bumped by a trigger in the writing
-- transaction, so no API path, job or script can change the counts without the kept result
-- going out of date, and the new version is seen exactly when the change is.
CREATE TABLE network_meeting_statistics_version (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version  bigint NOT NULL DEFAULT 0
);
INSERT INTO network_meeting_statistics_version DEFAULT VALUES;

-- Once per statement, not per row: loading many logs at once bumps it once.
CREATE FUNCTION bump_network_meeting_statistics_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE network_meeting_statistics_version SET version = version + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER network_meeting_statistics_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON network_meetings
    FOR EACH STATEMENT EXECUTE FUNCTION bump_network_meeting_statistics_version();
CREATE TRIGGER network_meeting_statistics_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON facilitators
    FOR EACH STATEMENT EXECUTE FUNCTION bump_network_meeting_statistics_version();

-- One published result per statistic (`network_meetings`), as of the version of its counts it
-- was computed at. While one request computes a newer one (`refreshing_since`, claimed for a
-- minute at most), the others serve this one.
CREATE TABLE published_statistics (
    statistic        text PRIMARY KEY,
    version          bigint NOT NULL,
    figures          jsonb NOT NULL,
    computed_at      timestamptz NOT NULL DEFAULT now(),
    refreshing_since timestamptz
);

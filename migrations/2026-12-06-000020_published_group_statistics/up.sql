-- The group statistics a reader gets are every breakdown of a measure and year suppressed
-- together, audited for an outsider and for each centre: too much work to redo for every request
-- over a country's year. They count only quarters that have ended, and those change rarely (a
-- session logged late), so each result is kept here and reused until the counts behind it change.

-- How often the counts of each quarter have changed since it ended. Changes to the quarter still
-- running (nearly all of them: every placement) bump nothing, so they never wait on this table.
CREATE TABLE group_statistics_versions (
    quarter date PRIMARY KEY,
    version bigint NOT NULL DEFAULT 0
);

CREATE FUNCTION bump_group_statistics_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed date := CASE WHEN TG_OP = 'DELETE' THEN OLD.quarter ELSE NEW.quarter END;
BEGIN
    IF changed < oslo_quarter(now()) THEN
        INSERT INTO group_statistics_versions AS v (quarter, version) VALUES (changed, 1)
            ON CONFLICT (quarter) DO UPDATE SET version = v.version + 1;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.quarter <> NEW.quarter AND OLD.quarter < oslo_quarter(now()) THEN
        INSERT INTO group_statistics_versions AS v (quarter, version) VALUES (OLD.quarter, 1)
            ON CONFLICT (quarter) DO UPDATE SET version = v.version + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER group_statistics_version AFTER INSERT OR UPDATE OR DELETE ON group_statistics
    FOR EACH ROW EXECUTE FUNCTION bump_group_statistics_version();

-- What was counted before this migration: each past quarter at version 1.
INSERT INTO group_statistics_versions (quarter, version)
SELECT DISTINCT quarter, 1 FROM group_statistics WHERE quarter < oslo_quarter(now());

-- One published result: a measure's year, counted up to the first day of `counted_until`'s
-- quarter, as of the sum of the versions of the quarters it counts. While one request computes
-- a newer one (`refreshing_since`, claimed for a minute at most), the others serve this one.
CREATE TABLE published_group_statistics (
    measure          text NOT NULL,
    year             integer NOT NULL,
    counted_until    date NOT NULL,
    version          bigint NOT NULL,
    figures          jsonb NOT NULL,
    computed_at      timestamptz NOT NULL DEFAULT now(),
    refreshing_since timestamptz,
    PRIMARY KEY (measure, year, counted_until)
);

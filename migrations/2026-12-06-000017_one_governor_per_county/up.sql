-- A county has one county governor: two `county_governor` organisations may not cover the same
-- county_number. Organisations of other kinds may still name a county (or none).
--
-- Fails safe: existing duplicates are not resolved by guessing which governor is the real one
-- (each may own dialogue meetings). The migration stops, changing nothing, and names the counties
-- an administrator must resolve first (PATCH one governor's county_number).
DO $$
DECLARE
    duplicated text;
BEGIN
    SELECT string_agg(county_number, ', ' ORDER BY county_number) INTO duplicated
    FROM (
        SELECT county_number FROM organisations
        WHERE kind = 'county_governor' AND county_number IS NOT NULL
        GROUP BY county_number HAVING count(*) > 1
    ) AS duplicates;
    IF duplicated IS NOT NULL THEN
        RAISE EXCEPTION 'more than one county governor holds county_number %: give each county one governor, then migrate again', duplicated;
    END IF;
END
$$;

CREATE UNIQUE INDEX organisations_county_governor_key
    ON organisations (county_number) WHERE kind = 'county_governor';

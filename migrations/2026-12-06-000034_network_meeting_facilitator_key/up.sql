-- A centre's list of its facilitators' logs, in the order logged. A facilitator is the pair
-- (employer, token subject); joined on the two columns, PostgreSQL multiplies their separate
-- selectivities and, with 350 employers, expected 350 times fewer logs than a centre follows
-- (427 of 150,000 at 300,000 logs), and read all of them to sort. One column naming the pair
-- gives the planner the pair's own statistics; with the logs in the order logged, a page reads
-- its rows and stops.
ALTER TABLE network_meetings ADD COLUMN facilitator text NOT NULL
    GENERATED ALWAYS AS (organisation_id::text || ' ' || facilitator_subject) STORED;
ALTER TABLE facilitators ADD COLUMN facilitator text NOT NULL
    GENERATED ALWAYS AS (employer_organisation_id::text || ' ' || subject) STORED;
CREATE INDEX network_meetings_created ON network_meetings (created_at, id);
-- A centre that follows few facilitators reads their logs by facilitator instead.
CREATE INDEX network_meetings_facilitator_key ON network_meetings (facilitator, created_at, id);
CREATE UNIQUE INDEX facilitators_followed ON facilitators (competence_centre_id, facilitator)
    WHERE confirmed_at IS NOT NULL;

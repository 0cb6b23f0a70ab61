DROP INDEX facilitators_followed;
DROP INDEX network_meetings_facilitator_key;
DROP INDEX network_meetings_created;
ALTER TABLE facilitators DROP COLUMN facilitator;
ALTER TABLE network_meetings DROP COLUMN facilitator;

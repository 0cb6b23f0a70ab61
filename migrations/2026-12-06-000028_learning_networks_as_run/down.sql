DROP TABLE improvement_tasks;
ALTER TABLE gatherings DROP COLUMN ends_on;
DROP INDEX learning_networks_programme;
ALTER TABLE learning_networks
    DROP COLUMN national_programme_id,
    DROP COLUMN national_programme,
    DROP COLUMN end_note,
    DROP COLUMN end_reason;
UPDATE learning_networks n
SET steering_group = (
    SELECT coalesce(jsonb_agg(
        CASE WHEN seat ? 'organisation_id'
             THEN (seat - 'organisation_id') || jsonb_build_object('name', (
                 SELECT name FROM organisations WHERE id = (seat->>'organisation_id')::uuid))
             ELSE seat - 'organisation_id' END
        ORDER BY ordinality), '[]'::jsonb)
    FROM jsonb_array_elements(n.steering_group) WITH ORDINALITY AS s (seat, ordinality)
);
ALTER TABLE learning_networks ADD COLUMN coordinating_centre_id uuid REFERENCES organisations (id);
UPDATE learning_networks n SET coordinating_centre_id = c.organisation_id
FROM learning_network_coordinators c WHERE c.network_id = n.id AND c.position = 0;
ALTER TABLE learning_networks ALTER COLUMN coordinating_centre_id SET NOT NULL;
CREATE INDEX learning_networks_centre ON learning_networks (coordinating_centre_id, created_at, id);
DROP TABLE learning_network_coordinators;

-- Twin of GET /api/v1/municipalities/{number}/dialogue?limit=20 as the county's governor
-- (usecases::dialogue::municipality_timeline, persistence/dialogue.rs): the caller's
-- organisation, the governor's county, the municipality by its number, and the timeline's first
-- page (the statement reads the municipality's whole ten years and sorts them for every page, so
-- any page costs the same).
-- The municipality is county-seed.sql's first of county :county.
SELECT id, kind, name, municipality_number, county, region, county_number, version, created_at, updated_at, organisation_number
FROM organisations WHERE id = md5('county-governor')::uuid LIMIT 1;
SELECT county_number FROM organisations WHERE id = md5('county-governor')::uuid AND kind = 'county_governor' LIMIT 1;
SELECT id FROM organisations WHERE kind = 'municipality' AND municipality_number = :county::text || '01' LIMIT 1;
WITH m AS (SELECT id FROM organisations WHERE kind = 'municipality' AND id = md5('county-municipality-1')::uuid),
entries AS (
    SELECT 'meeting' AS kind, dm.id, dm.id AS meeting_id,
        (dm.held_on::timestamp AT TIME ZONE 'UTC') AS at, dm.title AS summary, dm.status
    FROM dialogue_meetings dm JOIN dialogue_participants p ON p.meeting_id = dm.id
    JOIN m ON p.organisation_id = m.id
    UNION ALL
    SELECT 'finding', f.id, f.meeting_id, (dm.held_on::timestamp AT TIME ZONE 'UTC'),
        coalesce(f.improvement_areas, f.challenges, f.strengths, f.presented_work, ''), NULL
    FROM dialogue_findings f JOIN dialogue_meetings dm ON dm.id = f.meeting_id
    JOIN m ON f.municipality_id = m.id
    UNION ALL
    SELECT 'evaluation', e.id, e.meeting_id, e.created_at, e.rating::text, NULL
    FROM dialogue_evaluations e JOIN m ON e.municipality_id = m.id
    UNION ALL
    SELECT 'action', a.id, a.meeting_id, (a.due_on::timestamp AT TIME ZONE 'UTC'), a.description, a.status
    FROM follow_up_actions a JOIN m ON a.owner_organisation_id = m.id
)
SELECT * FROM entries
WHERE NULL::timestamptz IS NULL OR (at, id) > (NULL::timestamptz, '00000000-0000-0000-0000-000000000000'::uuid)
ORDER BY at, id LIMIT 21;

-- Twin of GET /api/v1/counties/{county}/overview?year=… (picture.rs, persistence/picture.rs) as it
-- is served while the county's counts about people are kept: the governor's county, the county's
-- municipalities, the kept counts, the risk judgements, pending needs and overdue actions, and the
-- read event. (Computing the counts, once a minute at most, reads the year's referrals, places
-- and completed enrolments; run.py times that on its own.)
-- The county (:county) and year (:year) are numbers, so that both protocols bind them alike; the
-- governor is county-seed.sql's.
SELECT county_number FROM organisations WHERE id = md5('county-governor')::uuid AND kind = 'county_governor';
SELECT id, municipality_number AS number, name FROM organisations
WHERE kind = 'municipality' AND left(municipality_number, 2) = :county::text ORDER BY municipality_number;
SELECT figures, computed_at > now() - interval '1 minute' AS fresh FROM published_county_figures
WHERE county = :county::text AND year = :year AND counted_until = make_date(:year + 1, 1, 1);
SELECT f.municipality_id, m.held_on, f.risk_level AS level
FROM dialogue_meetings m JOIN dialogue_findings f ON f.meeting_id = m.id
WHERE m.county_number = :county::text AND f.risk_level IS NOT NULL AND m.held_on <= current_date
ORDER BY f.municipality_id, m.held_on, m.id;
SELECT municipality_id, count(*) AS count FROM collaboration_needs
WHERE county_number = :county::text AND status IN ('open', 'accepted') GROUP BY municipality_id;
SELECT a.owner_organisation_id AS municipality_id, count(*) AS count
FROM dialogue_meetings m JOIN follow_up_actions a ON a.meeting_id = m.id
WHERE m.county_number = :county::text AND a.status IN ('open', 'in_progress') AND a.due_on < current_date
GROUP BY a.owner_organisation_id;
INSERT INTO audit_events (id, actor, actor_organisation_id, action, resource_type, resource_id, request_id)
VALUES (gen_random_uuid(), 'bench', md5('county-governor')::uuid, 'read', 'county_overview', md5('county-governor')::uuid, 'bench');

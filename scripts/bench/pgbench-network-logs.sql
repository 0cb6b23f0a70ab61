-- Twin of GET /api/v1/network-meetings?limit=50 as a competence adviser of centre
-- md5('county-competence-1') (persistence/network_meetings.rs `list`, and the page's reads in the
-- audit trail): the caller's organisation, a 51-row keyset page of the logs of the facilitators
-- the centre follows up, when each was answered by supervision (by anyone, and by the centre),
-- the facilitators' names, and a `read` event per log. The page starts after a random log of
-- newer-seed.sql (:first_year, :logs and :facilitators are its), at the position the seed gave
-- it; the answers and names are asked for 50 logs from there, as the API asks for the page's.
\set n random(0, :logs - 1)
SELECT id, kind, name, municipality_number, county, region, county_number, version, created_at, updated_at, organisation_number
FROM organisations WHERE id = md5('county-competence-1')::uuid LIMIT 1;
SELECT id, organisation_id, facilitator_subject, held_on, municipality_number, service, co_facilitators, suggested_by,
    age_band, gender, family, partner, friend, colleague, neighbour, professional, other, themes, resources_identified,
    next_steps, next_meeting_planned, next_meeting_on, supervision_wanted, supervision_topic, series_id, version,
    created_at, updated_at
FROM network_meetings
WHERE EXISTS (SELECT competence_centre_id, employer_organisation_id, subject FROM facilitators
        WHERE competence_centre_id = md5('county-competence-1')::uuid AND confirmed_at IS NOT NULL
            AND facilitators.facilitator = network_meetings.facilitator)
    AND (created_at, id) > (make_timestamptz(:first_year, 1, 1, 8, 0, 0, 'UTC')
            + (:n::float8 / :logs) * (make_date(:first_year + 10, 1, 1) - make_date(:first_year, 1, 1)) * interval '1 day',
        md5('county-log-' || :n)::uuid)
ORDER BY created_at, id LIMIT 51;
SELECT a.network_meeting_id, s.id, s.held_on FROM supervision_answers a JOIN supervision_sessions s ON a.session_id = s.id
WHERE a.network_meeting_id = ANY(ARRAY(SELECT md5('county-log-' || g)::uuid FROM generate_series(:n, :n + 49) AS g))
ORDER BY s.held_on DESC, s.created_at DESC;
SELECT a.network_meeting_id, s.id, s.held_on FROM supervision_answers a JOIN supervision_sessions s ON a.session_id = s.id
WHERE a.network_meeting_id = ANY(ARRAY(SELECT md5('county-log-' || g)::uuid FROM generate_series(:n, :n + 49) AS g))
    AND s.competence_centre_id = md5('county-competence-1')::uuid
ORDER BY s.held_on DESC, s.created_at DESC;
SELECT employer_organisation_id, subject, name FROM facilitators
WHERE competence_centre_id = md5('county-competence-1')::uuid AND confirmed_at IS NOT NULL
    AND subject = ANY(ARRAY(SELECT 'facilitator-' || g % :facilitators FROM generate_series(:n, :n + 49) AS g));
INSERT INTO audit_events (id, actor, actor_organisation_id, action, resource_type, resource_id, request_id)
SELECT gen_random_uuid(), 'bench', md5('county-competence-1')::uuid, 'read', 'network_meeting', md5('county-log-' || g)::uuid, 'bench'
FROM generate_series(:n, :n + 49) AS g;

-- Twin of GET /api/v1/statistics/network-meetings (usecases::network_meetings::published_meetings,
-- persistence/meeting_statistics.rs): the logs counted by municipality, quarter and facilitator
-- with who knows each count, and their sums over all years; the API then suppresses the table
-- in memory.
SELECT m.municipality_number AS municipality, to_char(m.held_on, 'YYYY-"Q"Q') AS quarter,
    m.organisation_id::text AS employer,
    coalesce(array_agg(DISTINCT f.competence_centre_id::text)
        FILTER (WHERE f.competence_centre_id IS NOT NULL), '{}') AS followers,
    count(DISTINCT m.id) AS count
FROM network_meetings m
LEFT JOIN facilitators f
    ON f.employer_organisation_id = m.organisation_id AND f.subject = m.facilitator_subject
GROUP BY m.municipality_number, 2, m.organisation_id, m.facilitator_subject;
SELECT count(*) AS meetings, coalesce(sum(network_size), 0)::float8 AS network_size_sum,
    count(*) FILTER (WHERE supervision_wanted) AS supervision_wanted,
    count(*) FILTER (WHERE next_meeting_planned) AS next_meeting_planned
FROM network_meetings
WHERE NULL::int IS NULL OR (held_on >= make_date(NULL::int, 1, 1) AND held_on < make_date(NULL::int + 1, 1, 1));

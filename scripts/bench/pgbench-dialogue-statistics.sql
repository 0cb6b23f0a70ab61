-- Twin of GET /api/v1/statistics/dialogue (usecases::dialogue::statistics, persistence/dialogue.rs):
-- every county's years, the one statement the API runs before suppressing in memory.
WITH held AS (
    SELECT id, county_number, extract(year FROM held_on)::int AS year FROM dialogue_meetings
    WHERE status <> 'planned' AND (NULL::text IS NULL OR county_number = NULL::text)
)
SELECT h.county_number, h.year, count(*) AS meetings_held,
    (SELECT count(DISTINCT p.organisation_id) FROM dialogue_participants p JOIN held h2 ON h2.id = p.meeting_id
        WHERE p.role = 'municipality' AND h2.county_number = h.county_number AND h2.year = h.year) AS municipalities_reached,
    (SELECT count(*) FROM follow_up_actions a JOIN held h2 ON h2.id = a.meeting_id
        WHERE h2.county_number = h.county_number AND h2.year = h.year) AS actions_opened,
    (SELECT count(*) FROM follow_up_actions a JOIN held h2 ON h2.id = a.meeting_id
        WHERE h2.county_number = h.county_number AND h2.year = h.year AND a.status = 'done') AS actions_done,
    (SELECT count(*) FROM follow_up_actions a JOIN held h2 ON h2.id = a.meeting_id
        WHERE h2.county_number = h.county_number AND h2.year = h.year
            AND a.status IN ('open', 'in_progress') AND a.due_on < current_date) AS actions_overdue,
    (SELECT count(*) FROM dialogue_evaluations e JOIN held h2 ON h2.id = e.meeting_id
        WHERE h2.county_number = h.county_number AND h2.year = h.year) AS evaluations,
    (SELECT coalesce(sum(e.rating), 0)::bigint FROM dialogue_evaluations e JOIN held h2 ON h2.id = e.meeting_id
        WHERE h2.county_number = h.county_number AND h2.year = h.year) AS rating_sum
FROM held h
GROUP BY h.county_number, h.year
ORDER BY h.county_number, h.year;

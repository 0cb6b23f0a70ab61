-- The physical limit for GET /intakes/{id}/suggested-groups: matching.rs's SUGGESTED_GROUPS, its
-- concat! of criteria! and score! written out, for a random waiting_for_group intake of org-1
-- ($1 intake, $2 centre, $3 limit 10, as the API binds them). groups-seed.sql gives referral n
-- the intake md5('bench-intake-'||n); seed.sql makes n one of org-1's waiting referrals when
-- n % 25 = 0, n % 3 <> 0 and n / 3 % 11 = 5, that is n = 50 or 775 modulo 825: the k-th of them
-- (from 0) is 825 * (k / 2) + 50 + 725 * (k % 2), and :rows holds this many.
\set k random(0, 2 * (:rows / 825) + (CASE WHEN :rows % 825 >= 775 THEN 2 WHEN :rows % 825 >= 50 THEN 1 ELSE 0 END) - 1)
\set n 825 * (:k / 2) + 50 + 725 * (:k % 2)
\set limit 10
WITH p AS (SELECT i.centre_id, i.outcome, i.outcome_theme, i.preferred_themes, i.preferred_languages, i.preferred_weekdays, r.preferred_format, r.residence_municipality FROM intakes i JOIN referrals r ON r.id = i.referral_id WHERE i.id = md5('bench-intake-' || :n)::uuid AND i.centre_id = md5('org-1')::uuid), scored AS (SELECT g.*, coalesce(g.theme = p.outcome_theme OR (p.outcome = 'general_group' AND g.theme = 'general') OR g.theme = ANY (p.preferred_themes), false) AS theme_met, coalesce(g.languages && p.preferred_languages, false) AS language_met, coalesce(p.preferred_format = 'no_preference' OR (p.preferred_format = 'digital') = (g.format = 'digital'), false) AS format_met, coalesce(g.format = 'digital' OR g.municipality = p.residence_municipality, false) AS municipality_met, coalesce(cardinality(p.preferred_weekdays) = 0 OR g.weekday = ANY (p.preferred_weekdays), false) AS weekday_met FROM p JOIN groups g ON g.centre_id = p.centre_id WHERE g.status IN ('recruiting', 'starting') AND g.member_count < g.max_members) SELECT *, (4 * theme_met::int + 2 * language_met::int + 2 * format_met::int + municipality_met::int + weekday_met::int) AS score FROM scored ORDER BY score DESC, max_members - member_count DESC, created_at, id LIMIT :limit;

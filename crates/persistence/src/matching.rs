//! Matching people who wait with groups that have a seat, in both directions, and the demand of
//! those who wait. The criteria and their weights are written once, in [`criteria!`], and both
//! rankings use them, so a suggestion and a candidate are judged alike.

use crate::error::{parse_stored, StoreError};
use crate::groups::GroupRow;
use crate::statement::statement;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Int4, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use samhandling_domain::group::{Group, GroupTheme};
use samhandling_domain::intake::MatchCriteria;
use uuid::Uuid;

/// The criteria of a match between a group `g` and a person `p` (columns `outcome`,
/// `outcome_theme`, `preferred_themes`, `preferred_languages`, `preferred_weekdays`,
/// `preferred_format` and `residence_municipality`), and the score that ranks them: the theme
/// weighs most, then language and format, then place and weekday.
macro_rules! criteria {
    () => {
        "coalesce(g.theme = p.outcome_theme OR (p.outcome = 'general_group' AND g.theme = 'general') \
             OR g.theme = ANY (p.preferred_themes), false) AS theme_met, \
         coalesce(g.languages && p.preferred_languages, false) AS language_met, \
         coalesce(p.preferred_format = 'no_preference' \
             OR (p.preferred_format = 'digital') = (g.format = 'digital'), false) AS format_met, \
         coalesce(g.format = 'digital' OR g.municipality = p.residence_municipality, false) AS municipality_met, \
         coalesce(cardinality(p.preferred_weekdays) = 0 OR g.weekday = ANY (p.preferred_weekdays), false) AS weekday_met"
    };
}

/// What [`criteria!`] scores, from its columns.
macro_rules! score {
    () => {
        "(4 * theme_met::int + 2 * language_met::int + 2 * format_met::int \
          + municipality_met::int + weekday_met::int)"
    };
}

/// The open groups (`GroupStatus::OPEN`: recruiting or starting) of the intake's centre with an
/// open seat, ranked for the person: the `groups_open_seats` index finds them, and only they are scored. `$1` intake, `$2` centre,
/// `$3` limit.
pub const SUGGESTED_GROUPS: &str = concat!(
    "WITH p AS (SELECT i.centre_id, i.outcome, i.outcome_theme, i.preferred_themes, \
         i.preferred_languages, i.preferred_weekdays, r.preferred_format, r.residence_municipality \
         FROM intakes i JOIN referrals r ON r.id = i.referral_id WHERE i.id = $1 AND i.centre_id = $2), \
     scored AS (SELECT g.*, ",
    criteria!(),
    " FROM p JOIN groups g ON g.centre_id = p.centre_id \
         WHERE g.status IN ('recruiting', 'starting') AND g.member_count < g.max_members) \
     SELECT *, ",
    score!(),
    " AS score FROM scored \
     ORDER BY score DESC, max_members - member_count DESC, created_at, id LIMIT $3"
);

/// The people of the group's centre who wait for a group, ranked for it, the longest waiting
/// first among equals. `$1` group, `$2` centre, `$3` limit.
const CANDIDATES: &str = concat!(
    "WITH g AS (SELECT * FROM groups WHERE id = $1 AND centre_id = $2), \
     scored AS (SELECT i.id AS intake_id, i.pseudonym, i.outcome, i.outcome_theme, \
         r.created_at AS referred_at, ",
    criteria!(),
    " FROM g JOIN intakes i ON i.centre_id = g.centre_id \
         JOIN referrals r ON r.id = i.referral_id \
         CROSS JOIN LATERAL (SELECT i.outcome, i.outcome_theme, i.preferred_themes, \
             i.preferred_languages, i.preferred_weekdays, r.preferred_format, \
             r.residence_municipality) p \
         WHERE r.status = 'waiting_for_group' AND i.outcome IN ('general_group', 'specific_group')) \
     SELECT *, ",
    score!(),
    " AS score FROM scored ORDER BY score DESC, referred_at, intake_id LIMIT $3"
);

/// A group suggested for a person.
#[derive(Debug)]
pub struct Suggestion {
    /// The group.
    pub group: Group,
    /// What fits.
    pub criteria: MatchCriteria,
    /// The rank's score.
    pub score: i32,
}

/// The criteria columns of a ranking, as [`criteria!`] names them.
#[derive(QueryableByName)]
#[allow(clippy::struct_excessive_bools, clippy::struct_field_names)]
struct Met {
    #[diesel(sql_type = Bool)]
    theme_met: bool,
    #[diesel(sql_type = Bool)]
    language_met: bool,
    #[diesel(sql_type = Bool)]
    format_met: bool,
    #[diesel(sql_type = Bool)]
    municipality_met: bool,
    #[diesel(sql_type = Bool)]
    weekday_met: bool,
    #[diesel(sql_type = Int4)]
    score: i32,
}

impl Met {
    fn criteria(&self) -> MatchCriteria {
        MatchCriteria {
            theme: self.theme_met,
            language: self.language_met,
            format: self.format_met,
            municipality: self.municipality_met,
            weekday: self.weekday_met,
        }
    }
}

#[derive(QueryableByName)]
struct SuggestionRow {
    #[diesel(embed)]
    group: GroupRow,
    #[diesel(embed)]
    met: Met,
}

/// The first `limit` rows of a ranking statement, whose `$1` is what is matched (an intake, a
/// group), `$2` the centre and `$3` the limit: the binds of both rankings, in one place.
fn ranked<Row>(
    conn: &mut PgConnection,
    sql: &'static str,
    matched: Uuid,
    centre_id: Uuid,
    limit: u16,
) -> Result<Vec<Row>, StoreError>
where
    Row: QueryableByName<diesel::pg::Pg> + 'static,
{
    Ok(statement(sql)
        .bind::<SqlUuid, _>(matched)
        .bind::<SqlUuid, _>(centre_id)
        .bind::<BigInt, _>(i64::from(limit))
        .load(conn)?)
}

/// Up to `limit` groups for the intake `intake_id` of `centre_id`, best first.
pub fn suggested_groups(
    conn: &mut PgConnection,
    intake_id: Uuid,
    centre_id: Uuid,
    limit: u16,
) -> Result<Vec<Suggestion>, StoreError> {
    let rows: Vec<SuggestionRow> = ranked(conn, SUGGESTED_GROUPS, intake_id, centre_id, limit)?;
    rows.into_iter()
        .map(|row| {
            Ok(Suggestion {
                criteria: row.met.criteria(),
                score: row.met.score,
                group: row.group.try_into()?,
            })
        })
        .collect()
}

/// A person who waits, as a candidate for a group.
#[derive(Debug)]
pub struct Candidate {
    /// The person's intake.
    pub intake_id: Uuid,
    /// The name they go by in a group.
    pub pseudonym: Option<String>,
    /// The theme they asked for, for a specific group.
    pub outcome_theme: Option<GroupTheme>,
    /// When they were referred (their wait counts from here).
    pub referred_at: DateTime<Utc>,
    /// What fits.
    pub criteria: MatchCriteria,
    /// The rank's score.
    pub score: i32,
}

#[derive(QueryableByName)]
struct CandidateRow {
    #[diesel(sql_type = SqlUuid)]
    intake_id: Uuid,
    #[diesel(sql_type = Nullable<Text>)]
    pseudonym: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    outcome_theme: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    referred_at: DateTime<Utc>,
    #[diesel(embed)]
    met: Met,
}

/// Up to `limit` people who wait, for the group `group_id` of `centre_id`, best first.
pub fn candidates(
    conn: &mut PgConnection,
    group_id: Uuid,
    centre_id: Uuid,
    limit: u16,
) -> Result<Vec<Candidate>, StoreError> {
    let rows: Vec<CandidateRow> = ranked(conn, CANDIDATES, group_id, centre_id, limit)?;
    rows.into_iter()
        .map(|row| {
            Ok(Candidate {
                intake_id: row.intake_id,
                pseudonym: row.pseudonym,
                outcome_theme: row.outcome_theme.as_deref().map(parse_stored).transpose()?,
                referred_at: row.referred_at,
                criteria: row.met.criteria(),
                score: row.met.score,
            })
        })
        .collect()
}

/// How many of a centre's people wait for a group of one theme in one municipality.
#[derive(Debug, QueryableByName)]
pub struct Demand {
    /// The theme (`general` for a general group).
    #[diesel(sql_type = Text)]
    pub theme: String,
    /// Where they live; `None` when not given.
    #[diesel(sql_type = Nullable<Text>)]
    pub municipality: Option<String>,
    /// How many wait.
    #[diesel(sql_type = BigInt)]
    pub waiting: i64,
    /// The longest wait so far, in days since the referral.
    #[diesel(sql_type = Int4)]
    pub longest_wait_days: i32,
    /// The median wait so far, in days.
    #[diesel(sql_type = Int4)]
    pub median_wait_days: i32,
    /// Open seats in the centre's open (recruiting or starting) groups of the theme there (or
    /// digital).
    #[diesel(sql_type = BigInt)]
    pub open_seats: i64,
}

const WAITING_DEMAND: &str = "\
WITH waiting AS (
    SELECT coalesce(i.outcome_theme, 'general') AS theme, r.residence_municipality AS municipality,
        extract(day FROM now() - r.created_at)::int AS waited
    FROM intakes i JOIN referrals r ON r.id = i.referral_id
    WHERE i.centre_id = $1 AND r.status = 'waiting_for_group'
        AND i.outcome IN ('general_group', 'specific_group')
)
SELECT w.theme, w.municipality, count(*) AS waiting, max(w.waited) AS longest_wait_days,
    (percentile_disc(0.5) WITHIN GROUP (ORDER BY w.waited))::int AS median_wait_days,
    coalesce((SELECT sum(g.max_members - g.member_count) FROM groups g
        WHERE g.centre_id = $1 AND g.status IN ('recruiting', 'starting')
            AND g.member_count < g.max_members AND g.theme = w.theme
            AND (g.format = 'digital' OR g.municipality IS NOT DISTINCT FROM w.municipality)), 0)::bigint
        AS open_seats
FROM waiting w
GROUP BY w.theme, w.municipality
ORDER BY count(*) DESC, w.theme, w.municipality";

/// What the centre's waiting people ask for, the largest demand first.
pub fn waiting_demand(conn: &mut PgConnection, centre_id: Uuid) -> Result<Vec<Demand>, StoreError> {
    Ok(statement(WAITING_DEMAND)
        .bind::<SqlUuid, _>(centre_id)
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::{SUGGESTED_GROUPS, WAITING_DEMAND};
    use samhandling_domain::group::GroupStatus;

    #[test]
    fn the_queries_take_the_domain_s_open_groups() {
        let open = GroupStatus::OPEN
            .map(|status| format!("'{status}'"))
            .join(", ");
        let condition = format!("status IN ({open})");
        assert!(SUGGESTED_GROUPS.contains(&condition), "{condition}");
        assert!(WAITING_DEMAND.contains(&condition), "{condition}");
    }
}

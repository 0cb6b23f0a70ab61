//! What a municipality's whole picture and its county's overview read across the families, for
//! one county at a time: its municipalities, the counts about people before suppression (with
//! who knows each count from its own records, for `statistics::linked`), the governor's risk
//! judgements over time, the pending needs and overdue actions per municipality, and the kept
//! results of the counts.

use crate::error::StoreError;
use crate::statement::statement;
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Date, Text, Uuid as SqlUuid};
use uuid::Uuid;

/// A municipality of a county.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct CountyMunicipality {
    /// Its organisation.
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    /// Its kommunenummer.
    #[diesel(sql_type = Text)]
    pub number: String,
    /// Its name.
    #[diesel(sql_type = Text)]
    pub name: String,
}

const MUNICIPALITIES: &str = "\
SELECT id, municipality_number AS number, name FROM organisations
WHERE kind = 'municipality' AND left(municipality_number, 2) = $1
ORDER BY municipality_number";

/// The municipalities of the county numbered `county`, by kommunenummer.
pub fn municipalities(
    conn: &mut PgConnection,
    county: &str,
) -> Result<Vec<CountyMunicipality>, StoreError> {
    Ok(statement(MUNICIPALITIES)
        .bind::<Text, _>(county)
        .load(conn)?)
}

/// Referrals a municipality sent to one centre in a period, by whether the person was placed in
/// a group by the period's end (a place taken in the period: none is taken before its referral).
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct ReferralCount {
    /// The referring municipality (kommunenummer).
    #[diesel(sql_type = Text)]
    pub municipality: String,
    /// Its organisation.
    #[diesel(sql_type = Text)]
    pub referrer: String,
    /// The centre referred to.
    #[diesel(sql_type = Text)]
    pub centre: String,
    /// Whether placed by the period's end.
    #[diesel(sql_type = Bool)]
    pub placed: bool,
    /// How many.
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

const REFERRALS: &str = "\
SELECT municipality, referrer::text AS referrer, centre::text AS centre, placed, count FROM (
    SELECT o.municipality_number AS municipality, o.id AS referrer, r.target_centre_id AS centre,
        p.referral_id IS NOT NULL AS placed, count(*) AS count
    FROM organisations o
    JOIN referrals r ON r.referring_organisation_id = o.id
    LEFT JOIN (SELECT DISTINCT referral_id FROM memberships
               WHERE joined_at >= $2 AND joined_at < $3) p ON p.referral_id = r.id
    WHERE o.kind = 'municipality' AND left(o.municipality_number, 2) = $1
        AND r.created_at >= $2 AND r.created_at < $3
    GROUP BY 1, 2, 3, 4
) counted";

/// The referrals the municipalities of `county` sent from `from` to the day before `to`.
pub fn referrals(
    conn: &mut PgConnection,
    county: &str,
    (from, to): (NaiveDate, NaiveDate),
) -> Result<Vec<ReferralCount>, StoreError> {
    Ok(statement(REFERRALS)
        .bind::<Text, _>(county)
        .bind::<Date, _>(from)
        .bind::<Date, _>(to)
        .load(conn)?)
}

/// A municipality's staff who completed one network-meeting course in a period.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct TrainedCount {
    /// The employer municipality (kommunenummer).
    #[diesel(sql_type = Text)]
    pub municipality: String,
    /// Its organisation.
    #[diesel(sql_type = Text)]
    pub employer: String,
    /// The course.
    #[diesel(sql_type = Text)]
    pub course: String,
    /// The centres that organised it.
    #[diesel(sql_type = Array<Text>)]
    pub organisers: Vec<String>,
    /// How many.
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

const TRAINED: &str = "\
SELECT o.municipality_number AS municipality, o.id::text AS employer, c.id::text AS course,
    ARRAY(SELECT co.organisation_id::text FROM course_organisers co WHERE co.course_id = c.id)
        AS organisers,
    count(*) AS count
FROM organisations o
JOIN enrolments e ON e.employer_organisation_id = o.id AND e.status = 'completed'
JOIN courses c ON c.id = e.course_id
WHERE o.kind = 'municipality' AND left(o.municipality_number, 2) = $1
    AND (SELECT max(d) FROM unnest(c.dates) AS d) >= $2
    AND (SELECT max(d) FROM unnest(c.dates) AS d) < $3
GROUP BY o.municipality_number, o.id, c.id";

/// The staff of `county`'s municipalities who completed a course whose last day fell from
/// `from` to the day before `to`.
pub fn trained(
    conn: &mut PgConnection,
    county: &str,
    (from, to): (NaiveDate, NaiveDate),
) -> Result<Vec<TrainedCount>, StoreError> {
    Ok(statement(TRAINED)
        .bind::<Text, _>(county)
        .bind::<Date, _>(from)
        .bind::<Date, _>(to)
        .load(conn)?)
}

/// One risk judgement of the governor, at one meeting.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct RiskJudgement {
    /// The municipality.
    #[diesel(sql_type = SqlUuid)]
    pub municipality_id: Uuid,
    /// The meeting's day.
    #[diesel(sql_type = Date)]
    pub held_on: NaiveDate,
    /// The level.
    #[diesel(sql_type = Text)]
    pub level: String,
}

const RISKS: &str = "\
SELECT f.municipality_id, m.held_on, f.risk_level AS level
FROM dialogue_meetings m
JOIN dialogue_findings f ON f.meeting_id = m.id
WHERE m.county_number = $1 AND f.risk_level IS NOT NULL AND m.held_on <= $2
ORDER BY f.municipality_id, m.held_on, m.id";

/// The governor's risk judgements of the municipalities of `county` at meetings held up to
/// `until`, oldest first.
pub fn risks(
    conn: &mut PgConnection,
    county: &str,
    until: NaiveDate,
) -> Result<Vec<RiskJudgement>, StoreError> {
    Ok(statement(RISKS)
        .bind::<Text, _>(county)
        .bind::<Date, _>(until)
        .load(conn)?)
}

/// How many of something one municipality has.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct MunicipalityCount {
    /// The municipality.
    #[diesel(sql_type = SqlUuid)]
    pub municipality_id: Uuid,
    /// How many.
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

const PENDING_NEEDS: &str = "\
SELECT municipality_id, count(*) AS count FROM collaboration_needs
WHERE county_number = $1 AND status IN ('open', 'accepted')
GROUP BY municipality_id";

/// The pending (open or accepted) needs of the municipalities of `county`.
pub fn pending_needs(
    conn: &mut PgConnection,
    county: &str,
) -> Result<Vec<MunicipalityCount>, StoreError> {
    Ok(statement(PENDING_NEEDS)
        .bind::<Text, _>(county)
        .load(conn)?)
}

const OVERDUE_ACTIONS: &str = "\
SELECT a.owner_organisation_id AS municipality_id, count(*) AS count
FROM dialogue_meetings m
JOIN follow_up_actions a ON a.meeting_id = m.id
WHERE m.county_number = $1 AND a.status IN ('open', 'in_progress') AND a.due_on < $2
GROUP BY a.owner_organisation_id";

/// The overdue actions on `today` of the meetings of `county`, by owner.
pub fn overdue_actions(
    conn: &mut PgConnection,
    county: &str,
    today: NaiveDate,
) -> Result<Vec<MunicipalityCount>, StoreError> {
    Ok(statement(OVERDUE_ACTIONS)
        .bind::<Text, _>(county)
        .bind::<Date, _>(today)
        .load(conn)?)
}

/// A learning network a municipality has a service in, with its gatherings in a period.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct NetworkMembership {
    /// The network.
    #[diesel(sql_type = SqlUuid)]
    pub network_id: Uuid,
    /// Its name.
    #[diesel(sql_type = Text)]
    pub name: String,
    /// The member service.
    #[diesel(sql_type = Text)]
    pub service: String,
    /// Gatherings held in the period.
    #[diesel(sql_type = BigInt)]
    pub gatherings_held: i64,
    /// Of them, those the service attended.
    #[diesel(sql_type = BigInt)]
    pub gatherings_attended: i64,
}

const MEMBERSHIPS: &str = "\
SELECT n.id AS network_id, n.name, s.service,
    count(g.id) AS gatherings_held,
    count(a.gathering_id) FILTER (WHERE a.attendees > 0) AS gatherings_attended
FROM learning_network_members s
JOIN learning_networks n ON n.id = s.network_id
LEFT JOIN gatherings g ON g.network_id = n.id AND g.held_on >= $2 AND g.held_on < $3
LEFT JOIN gathering_attendance a ON a.gathering_id = g.id AND a.member_id = s.id
WHERE s.organisation_id = $1
GROUP BY n.id, n.name, s.id, s.service
ORDER BY n.name, s.service";

/// The learning networks `municipality` has a service in, with the gatherings held from `from`
/// to the day before `to` and how many of them each service attended.
pub fn network_memberships(
    conn: &mut PgConnection,
    municipality: Uuid,
    (from, to): (NaiveDate, NaiveDate),
) -> Result<Vec<NetworkMembership>, StoreError> {
    Ok(statement(MEMBERSHIPS)
        .bind::<SqlUuid, _>(municipality)
        .bind::<Date, _>(from)
        .bind::<Date, _>(to)
        .load(conn)?)
}

const KEPT: &str = "\
SELECT figures, computed_at > now() - interval '1 minute' AS fresh FROM published_county_figures
WHERE county = $1 AND year = $2 AND counted_until = $3";

/// A kept result of a county's counts about people.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct KeptFigures {
    /// The figures, as kept.
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    pub figures: serde_json::Value,
    /// Whether it was computed less than a minute ago.
    #[diesel(sql_type = Bool)]
    pub fresh: bool,
}

/// The figures kept for `county`'s `year` counted until `until`.
pub fn kept(
    conn: &mut PgConnection,
    county: &str,
    (year, until): (i32, NaiveDate),
) -> Result<Option<KeptFigures>, StoreError> {
    Ok(statement(KEPT)
        .bind::<Text, _>(county)
        .bind::<diesel::sql_types::Integer, _>(year)
        .bind::<Date, _>(until)
        .load(conn)?
        .pop())
}

const CLAIM: &str = "\
UPDATE published_county_figures SET refreshing_since = now()
WHERE county = $1 AND year = $2 AND counted_until = $3
    AND (refreshing_since IS NULL OR refreshing_since < now() - interval '1 minute')";

/// Claims the refresh of the figures kept for `county`'s `year` counted until `until`, unless
/// another request claimed it less than a minute ago; whether this one did.
pub fn claim_refresh(
    conn: &mut PgConnection,
    county: &str,
    (year, until): (i32, NaiveDate),
) -> Result<bool, StoreError> {
    Ok(statement(CLAIM)
        .bind::<Text, _>(county)
        .bind::<diesel::sql_types::Integer, _>(year)
        .bind::<Date, _>(until)
        .execute(conn)?
        > 0)
}

const KEEP: &str = "\
INSERT INTO published_county_figures (county, year, counted_until, figures) VALUES ($1, $2, $3, $4)
ON CONFLICT (county, year, counted_until) DO UPDATE
SET figures = EXCLUDED.figures, computed_at = now(), refreshing_since = NULL";

/// Keeps `figures` as the result for `county`'s `year` counted until `until`, ending a claimed
/// refresh.
pub fn keep(
    conn: &mut PgConnection,
    county: &str,
    (year, until): (i32, NaiveDate),
    figures: &serde_json::Value,
) -> Result<(), StoreError> {
    statement(KEEP)
        .bind::<Text, _>(county)
        .bind::<diesel::sql_types::Integer, _>(year)
        .bind::<Date, _>(until)
        .bind::<diesel::sql_types::Jsonb, _>(figures)
        .execute(conn)?;
    Ok(())
}

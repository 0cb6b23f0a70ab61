//! Gatherings (samlinger) of a learning network in storage, with the attendance of each member
//! service. A gathering is reached through its network: callers find the network in their
//! scope first (`learning_networks::find`), then the gathering within that network only.

use crate::error::StoreError;
use crate::pagination::{self, created_order};
use crate::record::{assemble_one, find_and_lock, one_version_up, with_children};
use crate::schema::{gathering_attendance, gatherings};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use samhandling_domain::learning_network::{EvaluationSummary, Gathering, ProgrammeItem};
use samhandling_domain::page::{Page, PageRequest};
use uuid::Uuid;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = gatherings, check_for_backend(diesel::pg::Pg))]
struct GatheringRow {
    id: Uuid,
    network_id: Uuid,
    held_on: NaiveDate,
    place: Option<String>,
    digital: bool,
    programme: serde_json::Value,
    respondents: Option<i32>,
    average_rating: Option<f64>,
    highlights: Vec<Option<String>>,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    ends_on: Option<NaiveDate>,
}

samhandling_domain::keyed_by!(GatheringRow, created_at);

impl GatheringRow {
    fn into_gathering(self, attendance: &[(Uuid, Uuid, i32)]) -> Result<Gathering, StoreError> {
        Ok(Gathering {
            attendance: attendance
                .iter()
                .filter(|(gathering, _, _)| *gathering == self.id)
                .map(|(_, member, attendees)| (*member, *attendees))
                .collect(),
            programme: serde_json::from_value(self.programme)
                .map_err(|error| StoreError::Corrupt(format!("programme: {error}")))?,
            evaluation: self.respondents.zip(self.average_rating).map(
                |(respondents, average_rating)| EvaluationSummary {
                    respondents,
                    average_rating,
                },
            ),
            highlights: self.highlights.into_iter().flatten().collect(),
            id: self.id,
            network_id: self.network_id,
            held_on: self.held_on,
            ends_on: self.ends_on,
            place: self.place,
            digital: self.digital,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

fn programme_json(programme: &[ProgrammeItem]) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(programme)
        .map_err(|error| StoreError::Corrupt(format!("programme: {error}")))
}

/// `(gathering, member, attendees)` for `gatherings`.
fn attendance_of(
    conn: &mut PgConnection,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, Uuid, i32)>, StoreError> {
    Ok(gathering_attendance::table
        .filter(gathering_attendance::gathering_id.eq_any(ids))
        .select((
            gathering_attendance::gathering_id,
            gathering_attendance::member_id,
            gathering_attendance::attendees,
        ))
        .order(gathering_attendance::member_id)
        .load(conn)?)
}

fn with_attendance(
    conn: &mut PgConnection,
    rows: Vec<GatheringRow>,
) -> Result<Vec<Gathering>, StoreError> {
    with_children(
        conn,
        rows,
        |row| row.id,
        attendance_of,
        GatheringRow::into_gathering,
    )
}

fn one(conn: &mut PgConnection, row: GatheringRow) -> Result<Gathering, StoreError> {
    assemble_one(conn, row, with_attendance, "a gathering vanished")
}

/// Stores a new gathering (its network found in the caller's scope and locked).
pub fn insert(conn: &mut PgConnection, gathering: &Gathering) -> Result<Gathering, StoreError> {
    let row: GatheringRow = diesel::insert_into(gatherings::table)
        .values((
            gatherings::id.eq(gathering.id),
            gatherings::network_id.eq(gathering.network_id),
            recorded(gathering)?,
        ))
        .returning(GatheringRow::as_returning())
        .get_result(conn)?;
    one(conn, row)
}

fn evaluation_columns(evaluation: Option<&EvaluationSummary>) -> (Option<i32>, Option<f64>) {
    evaluation.map_or((None, None), |evaluation| {
        (
            Some(evaluation.respondents),
            Some(evaluation.average_rating),
        )
    })
}

/// The columns a gathering records and a change may rewrite: all but its network and its times.
#[allow(clippy::type_complexity)]
fn recorded(
    gathering: &Gathering,
) -> Result<
    (
        diesel::dsl::Eq<gatherings::held_on, NaiveDate>,
        diesel::dsl::Eq<gatherings::ends_on, Option<NaiveDate>>,
        diesel::dsl::Eq<gatherings::place, Option<&str>>,
        diesel::dsl::Eq<gatherings::digital, bool>,
        diesel::dsl::Eq<gatherings::programme, serde_json::Value>,
        diesel::dsl::Eq<gatherings::respondents, Option<i32>>,
        diesel::dsl::Eq<gatherings::average_rating, Option<f64>>,
        diesel::dsl::Eq<gatherings::highlights, &Vec<String>>,
    ),
    StoreError,
> {
    let (respondents, average_rating) = evaluation_columns(gathering.evaluation.as_ref());
    Ok((
        gatherings::held_on.eq(gathering.held_on),
        gatherings::ends_on.eq(gathering.ends_on),
        gatherings::place.eq(gathering.place.as_deref()),
        gatherings::digital.eq(gathering.digital),
        gatherings::programme.eq(programme_json(&gathering.programme)?),
        gatherings::respondents.eq(respondents),
        gatherings::average_rating.eq(average_rating),
        gatherings::highlights.eq(&gathering.highlights),
    ))
}

find_and_lock! {
    /// The gathering `id` of the network `network_id` (already found in the caller's scope).
    fn find / find_for_update(network_id: Uuid, id: Uuid) -> Gathering {
        gatherings::table
            .filter(gatherings::id.eq(id))
            .filter(gatherings::network_id.eq(network_id))
            .select(GatheringRow::as_select())
    } assembled by with_attendance;
}

/// One page of the gatherings of the network `network_id`, in the order recorded.
pub fn list(
    conn: &mut PgConnection,
    network_id: Uuid,
    page: PageRequest,
) -> Result<Page<Gathering>, StoreError> {
    let query =
        created_order!(gatherings, GatheringRow).filter(gatherings::network_id.eq(network_id));
    pagination::load_assembled_page(conn, query, page, with_attendance)
}

/// Writes the changeable fields of `gathering` (locked and checked) as a new version.
pub fn update(conn: &mut PgConnection, gathering: &Gathering) -> Result<Gathering, StoreError> {
    let row: GatheringRow = diesel::update(gatherings::table.find(gathering.id))
        .set((recorded(gathering)?, one_version_up!(gatherings)))
        .returning(GatheringRow::as_returning())
        .get_result(conn)?;
    one(conn, row)
}

/// Records how many came from the member service `member_id` to the gathering `gathering_id`
/// (locked and checked), replacing an earlier count; the gathering becomes a new version.
pub fn record_attendance(
    conn: &mut PgConnection,
    gathering_id: Uuid,
    member_id: Uuid,
    attendees: i32,
) -> Result<Gathering, StoreError> {
    diesel::insert_into(gathering_attendance::table)
        .values((
            gathering_attendance::gathering_id.eq(gathering_id),
            gathering_attendance::member_id.eq(member_id),
            gathering_attendance::attendees.eq(attendees),
        ))
        .on_conflict((
            gathering_attendance::gathering_id,
            gathering_attendance::member_id,
        ))
        .do_update()
        .set((
            gathering_attendance::attendees.eq(attendees),
            gathering_attendance::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    let row: GatheringRow = diesel::update(gatherings::table.find(gathering_id))
        .set((one_version_up!(gatherings),))
        .returning(GatheringRow::as_returning())
        .get_result(conn)?;
    one(conn, row)
}

//! Session logs of groups: whether a meeting was held, how many came, whether a starter was
//! there. Only the centre that runs the group reaches them.

use crate::error::{parse_stored, StoreError};
use crate::pagination::{self, created_order};
use crate::schema::group_sessions;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use samhandling_domain::group::Session;
use samhandling_domain::page::{Page, PageRequest};
use uuid::Uuid;

/// The unique index that gives a group one log per date.
pub const ONE_PER_DAY_KEY: &str = "group_sessions_key";

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = group_sessions, check_for_backend(diesel::pg::Pg))]
struct SessionRow {
    id: Uuid,
    group_id: Uuid,
    held_on: NaiveDate,
    held: bool,
    present: Option<i16>,
    starter_present: bool,
    format: String,
    follow_up_requested: bool,
    note: Option<String>,
    created_at: DateTime<Utc>,
}

impl TryFrom<SessionRow> for Session {
    type Error = StoreError;

    fn try_from(row: SessionRow) -> Result<Self, Self::Error> {
        Ok(Session {
            id: row.id,
            group_id: row.group_id,
            held_on: row.held_on,
            held: row.held,
            present: row.present,
            starter_present: row.starter_present,
            format: parse_stored(&row.format)?,
            follow_up_requested: row.follow_up_requested,
            note: row.note,
            created_at: row.created_at,
        })
    }
}

/// Stores a session log of a group the caller has found and locked in its scope.
pub fn insert(conn: &mut PgConnection, session: &Session) -> Result<Session, StoreError> {
    let row: SessionRow = diesel::insert_into(group_sessions::table)
        .values((
            group_sessions::id.eq(session.id),
            group_sessions::group_id.eq(session.group_id),
            group_sessions::held_on.eq(session.held_on),
            group_sessions::held.eq(session.held),
            group_sessions::present.eq(session.present),
            group_sessions::starter_present.eq(session.starter_present),
            group_sessions::format.eq(session.format.as_str()),
            group_sessions::follow_up_requested.eq(session.follow_up_requested),
            group_sessions::note.eq(session.note.as_deref()),
        ))
        .returning(SessionRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// One page of a group's session logs, in the order they were logged.
pub fn list_for_group(
    conn: &mut PgConnection,
    group_id: Uuid,
    page: PageRequest,
) -> Result<Page<Session>, StoreError> {
    let query =
        created_order!(group_sessions, SessionRow).filter(group_sessions::group_id.eq(group_id));
    pagination::load_created_page::<_, SessionRow, Session>(conn, query, page)
}

//! Follow-up actions after dialogue meetings. An action is reached through its meeting's
//! [`DialogueScope`]; a municipality reaches only the actions it owns.

use crate::error::{parse_stored, StoreError};
use crate::pagination::{self, created_order};
use crate::record::{one_version_up, OptionalRecord};
use crate::schema::{dialogue_meetings, follow_up_actions, organisations};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use samhandling_domain::dialogue::{ActionStatus, DialogueScope, FollowUpAction};
use samhandling_domain::page::{Page, PageRequest};
use uuid::Uuid;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = follow_up_actions, check_for_backend(diesel::pg::Pg))]
struct ActionRow {
    id: Uuid,
    meeting_id: Uuid,
    owner_organisation_id: Uuid,
    description: String,
    due_on: NaiveDate,
    follow_up_meeting_on: Option<NaiveDate>,
    follow_up_digital: bool,
    status: String,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ActionRow> for FollowUpAction {
    type Error = StoreError;

    fn try_from(row: ActionRow) -> Result<Self, Self::Error> {
        Ok(FollowUpAction {
            id: row.id,
            meeting_id: row.meeting_id,
            owner_organisation_id: row.owner_organisation_id,
            description: row.description,
            due_on: row.due_on,
            follow_up_meeting_on: row.follow_up_meeting_on,
            follow_up_digital: row.follow_up_digital,
            status: parse_stored(&row.status)?,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// A condition on actions.
type Reach = Box<dyn BoxableExpression<follow_up_actions::table, Pg, SqlType = Bool>>;

/// Which actions a caller reaches: every action of the meetings of the county it governs, and
/// the actions its organisation owns in meetings it took part in, in the part (municipality or
/// partner) the caller speaks for.
fn reachable(scope: DialogueScope) -> Reach {
    let governed = scope.governor.map(|governor| {
        Box::new(
            follow_up_actions::meeting_id.eq_any(
                dialogue_meetings::table
                    .filter(
                        dialogue_meetings::county_number.eq_any(
                            organisations::table
                                .filter(organisations::id.eq(governor))
                                .filter(organisations::kind.eq("county_governor"))
                                .select(organisations::county_number.assume_not_null()),
                        ),
                    )
                    .select(dialogue_meetings::id),
            ),
        ) as Reach
    });
    let owned_as = |organisation: Option<Uuid>, role: &'static str| {
        organisation.map(|organisation| {
            Box::new(
                follow_up_actions::owner_organisation_id
                    .eq(organisation)
                    .and(
                        follow_up_actions::meeting_id
                            .eq_any(crate::dialogue::attended_as(organisation, role)),
                    ),
            ) as Reach
        })
    };
    [
        governed,
        owned_as(scope.municipality, "municipality"),
        owned_as(scope.partner, "partner"),
    ]
    .into_iter()
    .flatten()
    .reduce(|one, other| Box::new(one.or(other)))
    .unwrap_or_else(|| Box::new(follow_up_actions::id.is_null()))
}

/// An action to store.
#[derive(Debug)]
pub struct NewAction<'a> {
    /// The meeting (found in the caller's scope).
    pub meeting_id: Uuid,
    /// Whose it is.
    pub owner_organisation_id: Uuid,
    /// What to do.
    pub description: &'a str,
    /// By when.
    pub due_on: NaiveDate,
    /// A follow-up meeting.
    pub follow_up_meeting_on: Option<NaiveDate>,
    /// Whether that meeting is digital.
    pub follow_up_digital: bool,
}

/// Stores an action, open.
pub fn insert(conn: &mut PgConnection, new: &NewAction<'_>) -> Result<FollowUpAction, StoreError> {
    let row: ActionRow = diesel::insert_into(follow_up_actions::table)
        .values((
            follow_up_actions::id.eq(Uuid::now_v7()),
            follow_up_actions::meeting_id.eq(new.meeting_id),
            follow_up_actions::owner_organisation_id.eq(new.owner_organisation_id),
            follow_up_actions::description.eq(new.description),
            follow_up_actions::due_on.eq(new.due_on),
            follow_up_actions::follow_up_meeting_on.eq(new.follow_up_meeting_on),
            follow_up_actions::follow_up_digital.eq(new.follow_up_digital),
        ))
        .returning(ActionRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// The action `id`, locked, if `scope` reaches it.
pub fn find_for_update(
    conn: &mut PgConnection,
    id: Uuid,
    scope: DialogueScope,
) -> Result<Option<FollowUpAction>, StoreError> {
    follow_up_actions::table
        .filter(follow_up_actions::id.eq(id))
        .filter(reachable(scope))
        .select(ActionRow::as_select())
        .for_update()
        .first(conn)
        .optional_record()
}

/// Moves an action (locked and checked) to `to`.
pub fn set_status(
    conn: &mut PgConnection,
    id: Uuid,
    to: ActionStatus,
) -> Result<FollowUpAction, StoreError> {
    let row: ActionRow = diesel::update(follow_up_actions::table.find(id))
        .set((
            follow_up_actions::status.eq(to.as_str()),
            one_version_up!(follow_up_actions),
        ))
        .returning(ActionRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// Filters for the list.
#[derive(Debug, Clone, Copy, Default)]
pub struct ActionFilter {
    /// Only pending actions due before this date.
    pub overdue_on: Option<NaiveDate>,
    /// Only the actions of this meeting.
    pub meeting_id: Option<Uuid>,
    /// Only the actions this organisation owns.
    pub owner_organisation_id: Option<Uuid>,
    /// Only the actions still to be done (open or in progress).
    pub pending: bool,
}

/// One page of the actions `scope` reaches.
pub fn list(
    conn: &mut PgConnection,
    scope: DialogueScope,
    filter: ActionFilter,
    page: PageRequest,
) -> Result<Page<FollowUpAction>, StoreError> {
    let mut query = created_order!(follow_up_actions, ActionRow).filter(reachable(scope));
    if let Some(today) = filter.overdue_on {
        query = query
            .filter(follow_up_actions::due_on.lt(today))
            .filter(follow_up_actions::status.eq_any(pending()));
    }
    if let Some(meeting) = filter.meeting_id {
        query = query.filter(follow_up_actions::meeting_id.eq(meeting));
    }
    if let Some(owner) = filter.owner_organisation_id {
        query = query.filter(follow_up_actions::owner_organisation_id.eq(owner));
    }
    if filter.pending {
        query = query.filter(follow_up_actions::status.eq_any(["open", "in_progress"]));
    }
    pagination::load_created_page::<_, ActionRow, FollowUpAction>(conn, query, page)
}

/// The stored statuses of an action that still counts as to be done.
fn pending() -> Vec<&'static str> {
    ActionStatus::ALL
        .iter()
        .filter(|status| status.is_pending())
        .map(|status| status.as_str())
        .collect()
}

/// Claims up to `limit` actions that are overdue on `today` and whose owner was never told,
/// records `today` as the day they were told, and returns them; call it inside a transaction,
/// which holds the claimed rows until it commits. Rows another transaction holds are skipped
/// (`FOR UPDATE SKIP LOCKED`) and a told row no longer matches, so instances sweeping at once
/// claim each action once between them. The action's version does not move:
/// telling its owner changes nothing the owner or the governor wrote.
pub fn claim_overdue(
    conn: &mut PgConnection,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<FollowUpAction>, StoreError> {
    let untold: Vec<Uuid> = follow_up_actions::table
        .filter(follow_up_actions::status.eq_any(pending()))
        .filter(follow_up_actions::due_on.lt(today))
        .filter(follow_up_actions::overdue_notified_on.is_null())
        .order((follow_up_actions::due_on, follow_up_actions::id))
        .limit(limit)
        .select(follow_up_actions::id)
        .for_update()
        .skip_locked()
        .load(conn)?;
    let rows: Vec<ActionRow> =
        diesel::update(follow_up_actions::table.filter(follow_up_actions::id.eq_any(&untold)))
            .set(follow_up_actions::overdue_notified_on.eq(today))
            .returning(ActionRow::as_returning())
            .get_results(conn)?;
    rows.into_iter().map(FollowUpAction::try_from).collect()
}

//! A group's session logs: logging a meeting, with the follow-up visit it may ask for. A session
//! is dated by its day, which is checked against the group: not before the group was created,
//! not past tomorrow (`chronology::check_happened_on`).

use crate::{Context, UseCaseError};
use chrono::NaiveDate;
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::chronology::check_happened_on;
use samhandling_domain::group::{CentreAccess, GroupFormat, Session};
use samhandling_domain::ids::{FollowUpId, GroupId, SessionId};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_persistence::group_sessions::{self as store, ONE_PER_DAY_KEY};
use samhandling_persistence::groups;
use samhandling_persistence::PgConnection;
use uuid::Uuid;

/// A meeting to log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionLog {
    /// The new log's id.
    pub id: SessionId,
    /// The group.
    pub group_id: GroupId,
    /// The day it met (or would have).
    pub held_on: NaiveDate,
    /// Whether it took place.
    pub held: bool,
    /// How many members came.
    pub present: Option<i16>,
    /// Whether a starter was there.
    pub starter_present: bool,
    /// Where it met; the group's format when absent.
    pub format: Option<GroupFormat>,
    /// Whether the group asked for a follow-up visit.
    pub follow_up_requested: bool,
    /// The id the follow-up request gets, when the group asked for one.
    pub follow_up_id: FollowUpId,
    /// A short note, never about a person.
    pub note: Option<String>,
}

const LOGGED_ALREADY: &str = "this group's meeting on that date is logged already";

/// Logs a meeting of the caller's centre's group (locked): the group must meet (409 otherwise),
/// and `held_on` must lie between the day the group was created and tomorrow (422 naming
/// `held_on`). One log per group and day. With `follow_up_requested`, a follow-up request dated
/// `held_on` is recorded with it. A group outside the centre is [`UseCaseError::NotFound`].
pub fn log_session(
    ctx: &mut Context<'_>,
    access: CentreAccess,
    log: SessionLog,
) -> Result<Session, UseCaseError> {
    let group = groups::find_for_update(ctx.conn(), log.group_id.uuid(), access.own_groups())?
        .ok_or(UseCaseError::NotFound)?;
    group.check_session()?;
    check_happened_on(
        log.held_on,
        group.created_at.date_naive(),
        "the group was created",
        ctx.now(),
    )
    .map_err(|refusal| UseCaseError::invalid("held_on", refusal.code(), refusal.to_string()))?;
    let session = Session {
        id: log.id.uuid(),
        group_id: group.id,
        held_on: log.held_on,
        held: log.held,
        present: log.present,
        starter_present: log.starter_present,
        format: log.format.unwrap_or(group.format),
        follow_up_requested: log.follow_up_requested,
        note: log.note,
        created_at: ctx.now(),
    };
    let stored = store::insert(ctx.conn(), &session)
        .map_err(UseCaseError::unique(ONE_PER_DAY_KEY, LOGGED_ALREADY))?;
    if stored.follow_up_requested {
        groups::request_follow_up(
            ctx.conn(),
            log.follow_up_id.uuid(),
            group.id,
            stored.held_on,
            Some(stored.id),
        )?;
    }
    ctx.audit(AuditAction::Created, ResourceType::GroupSession, stored.id)?;
    Ok(stored)
}

/// One page of the session logs of the caller's centre's own group `group_id`.
pub fn list_for_group(
    conn: &mut PgConnection,
    access: CentreAccess,
    group_id: Uuid,
    page: PageRequest,
) -> Result<Option<Page<Session>>, UseCaseError> {
    if crate::groups::own_group(conn, access, group_id)?.is_none() {
        return Ok(None);
    }
    Ok(Some(store::list_for_group(conn, group_id, page)?))
}

//! A group's session logs: logging a meeting, with the follow-up visit it may ask for. A session
//! is dated by its day, which is checked against the group: not before the group was created,
//! not past tomorrow (`chronology::check_happened_on`).

use crate::input::check_plain_text;
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
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError};

/// A meeting to log.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "check_attendance"))]
#[schema(example = json!({
    "held_on": "2026-12-01", "held": true, "present": 6, "starter_present": true,
    "follow_up_requested": false, "note": "God samtale om å komme i gang igjen etter ferien."
}))]
pub struct LogSession {
    /// The date.
    pub held_on: NaiveDate,
    /// Whether the meeting took place.
    pub held: bool,
    /// How many members came (only for a meeting that took place).
    #[serde(default, deserialize_with = "crate::input::integral")]
    #[validate(range(min = 0, max = 8))]
    #[schema(minimum = 0, maximum = 8, nullable = false)]
    pub present: Option<i16>,
    /// Whether a starter was there.
    #[serde(default)]
    pub starter_present: bool,
    /// Where it met; the group's format when absent.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub format: Option<GroupFormat>,
    /// Whether the group asked for a follow-up visit (recorded as a follow-up request).
    #[serde(default)]
    pub follow_up_requested: bool,
    /// A short note about the meeting: never about a person, never a name.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(length(min = 1, max = 280), custom(function = "check_plain_text"))]
    #[schema(
        min_length = 1,
        max_length = 280,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$",
        nullable = false
    )]
    pub note: Option<String>,
}

fn check_attendance(session: &LogSession) -> Result<(), ValidationError> {
    if !session.held && session.present.is_some() {
        return Err(ValidationError::new("present").with_message(Cow::Borrowed(
            "a cancelled meeting has no attendance: leave present out",
        )));
    }
    Ok(())
}

const LOGGED_ALREADY: &str = "this group's meeting on that date is logged already";

/// Logs a meeting of the caller's centre's group `group_id` (locked), as the log `ids.0` (and
/// the follow-up request `ids.1`): the group must meet (409 otherwise),
/// and `held_on` must lie between the day the group was created and tomorrow (422 naming
/// `held_on`). One log per group and day. With `follow_up_requested`, a follow-up request dated
/// `held_on` is recorded with it. A group outside the centre is [`UseCaseError::NotFound`].
pub fn log_session(
    ctx: &mut Context<'_>,
    access: CentreAccess,
    group_id: GroupId,
    ids: (SessionId, FollowUpId),
    log: &LogSession,
) -> Result<Session, UseCaseError> {
    let group = groups::find_for_update(ctx.conn(), group_id.uuid(), access.own_groups())?
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
        id: ids.0.uuid(),
        group_id: group.id,
        held_on: log.held_on,
        held: log.held,
        present: log.present,
        starter_present: log.starter_present,
        format: log.format.unwrap_or(group.format),
        follow_up_requested: log.follow_up_requested,
        note: log.note.clone(),
        created_at: ctx.now(),
    };
    let stored = store::insert(ctx.conn(), &session)
        .map_err(UseCaseError::unique(ONE_PER_DAY_KEY, LOGGED_ALREADY))?;
    if stored.follow_up_requested {
        groups::request_follow_up(
            ctx.conn(),
            ids.1.uuid(),
            group.id,
            stored.held_on,
            (Some(stored.id), None),
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

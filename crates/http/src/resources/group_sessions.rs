//! `/api/v1/groups/{id}/sessions`: the session logs of a group. Counts and facts only (held or
//! cancelled, how many came, whether a starter was there); the short note is never about a
//! person. Only the running centre reaches them.

use crate::auth::Authorized;
use crate::error::ApiError;
use crate::idempotency::{self, Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::ValidJson;
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::resources::groups::GroupPath;
use crate::resources::referrals::Coordinators;
use crate::state::AppState;
use crate::text::check_plain_text;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::group::{CentreAccess, GroupFormat, Session};
use samhandling_usecases::group_sessions::{self as usecases, SessionLog};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::{Validate, ValidationError};

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config.service(log_session).service(list_sessions);
}

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
    #[serde(default, deserialize_with = "crate::text::integral")]
    #[validate(range(min = 0, max = 8))]
    #[schema(minimum = 0, maximum = 8, nullable = false)]
    pub present: Option<i16>,
    /// Whether a starter was there.
    #[serde(default)]
    pub starter_present: bool,
    /// Where it met; the group's format when absent.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[schema(nullable = false)]
    pub format: Option<GroupFormat>,
    /// Whether the group asked for a follow-up visit (recorded as a follow-up request).
    #[serde(default)]
    pub follow_up_requested: bool,
    /// A short note about the meeting: never about a person, never a name.
    #[serde(default, deserialize_with = "crate::text::present")]
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

/// The rule across fields of a session log, as JSON Schema: a cancelled meeting has no
/// attendance.
pub(crate) fn schema_rules() -> Vec<(&'static str, serde_json::Value)> {
    vec![(
        "LogSession",
        serde_json::json!({
            "if": { "properties": { "held": { "const": false } }, "required": ["held"] },
            "then": { "not": { "required": ["present"] } }
        }),
    )]
}

/// A session log.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// Identifier.
    pub id: Uuid,
    /// The group.
    pub group_id: Uuid,
    /// The date.
    pub held_on: NaiveDate,
    /// Whether it took place.
    pub held: bool,
    /// How many came.
    pub present: Option<i16>,
    /// Whether a starter was there.
    pub starter_present: bool,
    /// Where it met.
    pub format: GroupFormat,
    /// Whether the group asked for a follow-up visit.
    pub follow_up_requested: bool,
    /// The note.
    pub note: Option<String>,
    /// Logged.
    pub created_at: DateTime<Utc>,
}

impl From<Session> for SessionView {
    fn from(session: Session) -> Self {
        SessionView {
            id: session.id,
            group_id: session.group_id,
            held_on: session.held_on,
            held: session.held,
            present: session.present,
            starter_present: session.starter_present,
            format: session.format,
            follow_up_requested: session.follow_up_requested,
            note: session.note,
            created_at: session.created_at,
        }
    }
}

/// Log a meeting of a group.
///
/// For the running centre's coordinators, for a group that has started (`starting`,
/// `self_running`, or `paused` for cancelled meetings). One log per group and date (409 again).
/// `held_on` is not before the day the group was created nor after tomorrow (422, `before_start`
/// or `in_the_future`). With `follow_up_requested`, a follow-up request is recorded too.
#[utoipa::path(
    tag = "groups",
    params(GroupPath, IdempotencyKeyHeader),
    request_body = LogSession,
    responses(
        (status = 201, description = "Logged", body = SessionView),
        (status = 409, description = "The group does not meet, or this date is logged", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/groups/{id}/sessions")]
async fn log_session(
    caller: Authorized<Coordinators>,
    key: IdempotencyKey,
    state: web::Data<AppState>,
    path: web::Path<GroupPath>,
    body: ValidJson<LogSession>,
) -> Result<HttpResponse, ApiError> {
    let group_id = path.id;
    let request = body.into_inner();
    let access = CentreAccess::of(&caller.caller);
    let route = format!("/api/v1/groups/{group_id}/sessions");
    let log = SessionLog {
        id: Uuid::now_v7().into(),
        group_id: group_id.into(),
        held_on: request.held_on,
        held: request.held,
        present: request.present,
        starter_present: request.starter_present,
        format: request.format,
        follow_up_requested: request.follow_up_requested,
        note: request.note.clone(),
        follow_up_id: Uuid::now_v7().into(),
    };
    let logged = idempotency::create_by(&state, &caller, key, &route, &request, move |ctx| {
        let stored = usecases::log_session(ctx, access, log)?;
        Created::new(
            &SessionView::from(stored),
            format!("/api/v1/groups/{group_id}/sessions"),
            None,
        )
    })
    .await;
    caller
        .noting_denial(&state, ResourceType::Group, group_id, logged)
        .await
}

/// List a group's session logs.
#[utoipa::path(
    tag = "groups",
    params(GroupPath, PageQuery),
    responses((status = 200, description = "One page, in the order logged", body = Paginated<SessionView>)),
    security(("bearer" = []))
)]
#[get("/groups/{id}/sessions")]
async fn list_sessions(
    caller: Authorized<Coordinators>,
    state: web::Data<AppState>,
    path: web::Path<GroupPath>,
    page: Pagination,
) -> Result<web::Json<Paginated<SessionView>>, ApiError> {
    let id = path.id;
    let access = CentreAccess::of(&caller.caller);
    let found = record::read(&state, &caller, ResourceType::Group, id, move |conn| {
        Ok(usecases::list_for_group(conn, access, id, page.0)?)
    })
    .await?;
    Ok(web::Json(pagination::to_wire(
        &state,
        found,
        SessionView::from,
    )?))
}

//! `/api/v1/intakes`: the intake conversations (inntakssamtaler) a centre holds with the people
//! referred to it or signed up, the groups suggested for each, and what those who wait ask for.
//!
//! An intake moves its referral through the referral lifecycle, one checked step at a time in
//! the same transaction (see [`walk_referral`]): booking walks it to `intake_scheduled` (from
//! `received` through `contacted`, so an intake booked on the first call keeps every step in
//! the history), and completing it moves it to `intake_completed` and on to `waiting_for_group`
//! or the exit the outcome names. The referrer's webhooks hear of each step its view shows, and
//! nothing else: an intake is the centre's alone, and another centre gets 404 on its id.

use crate::auth::Authorized;
use crate::error::ApiError;
use crate::etag::Tagged;
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::{ValidJson, ValidQuery};
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::resources::groups::RankQuery;
use crate::resources::referrals::Coordinators;
use actix_web::{get, post, web, HttpResponse};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::group::CentreAccess;
use samhandling_domain::referral::ReferralAccess;
use samhandling_usecases::intake_views::{IntakeView, Suggestions, WaitingDemand};
use samhandling_usecases::intakes::{
    self as usecases, CompleteIntake, CreateIntake, IntakeFilter, IntakeQuery,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// The collection new records are posted to.
const ROUTE: &str = "/api/v1/intakes";

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_intake)
        .service(list_intakes)
        .service(get_intake)
        .service(complete_intake)
        .service(suggested_groups)
        .service(waiting_demand);
}

/// The rules across fields of a completion, as JSON Schema: `outcome_theme` with
/// `specific_group` and only then, and a `pseudonym` for every group outcome.
pub(crate) fn schema_rules() -> Vec<(&'static str, serde_json::Value)> {
    vec![(
        "CompleteIntake",
        serde_json::json!({
            "allOf": [
                {
                    "if": { "properties": { "outcome": { "const": "specific_group" } }, "required": ["outcome"] },
                    "then": { "required": ["outcome_theme"] },
                    "else": { "not": { "required": ["outcome_theme"] } }
                },
                {
                    "if": { "properties": { "outcome": { "enum": ["general_group", "specific_group"] } }, "required": ["outcome"] },
                    "then": { "required": ["pseudonym"] }
                }
            ]
        }),
    )]
}

/// The path of one intake.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IntakePath {
    /// The intake's id.
    id: Uuid,
}

/// Book an intake conversation.
///
/// For the coordinators of the centre the referral is addressed to; one intake per referral
/// (409 again). The referral moves to `intake_scheduled`, step by step from where it is
/// (`submitted` or `received` through `contacted`), each step in its history and told to the
/// referrer as far as its view shows it. A referral past booking, ended or erased is 409.
#[utoipa::path(
    tag = "intakes",
    params(IdempotencyKeyHeader),
    request_body = CreateIntake,
    responses(
        (status = 201, description = "Booked", body = IntakeView,
            headers(("Location" = String, description = "The intake"), ("ETag" = String, description = "Its version"))),
        (status = 404, description = "`referral_id` names no referral addressed to your centre", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The referral has an intake already, or is past booking", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/intakes")]
async fn create_intake(
    caller: Authorized<Coordinators>,
    key: IdempotencyKey,
    body: ValidJson<CreateIntake>,
) -> Result<HttpResponse, ApiError> {
    let referral_access = ReferralAccess::of(&caller.caller);
    let request = body.into_inner();
    key.create_by(&caller, ROUTE, request, move |ctx, request| {
        let stored = usecases::book_intake(ctx, referral_access, Uuid::now_v7(), &request)?;
        let shown = IntakeView::of(stored, true);
        Created::new(
            &shown,
            format!("/api/v1/intakes/{}", shown.id),
            Some(shown.version),
        )
    })
    .await
}

/// List your centre's intakes.
///
/// Items leave out the preferences, the pseudonym and the notes: read one intake for those.
#[utoipa::path(
    tag = "intakes",
    params(IntakeQuery, PageQuery),
    responses((status = 200, description = "One page", body = Paginated<IntakeView>))
)]
#[get("/intakes")]
async fn list_intakes(
    caller: Authorized<Coordinators>,
    query: ValidQuery<IntakeQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<IntakeView>>, ApiError> {
    let scope = CentreAccess::of(&caller.caller).scope();
    let filter = IntakeFilter::from(query.0);
    pagination::list(
        caller.state(),
        move |conn| usecases::list(conn, scope, &filter, page.0),
        |intake| IntakeView::of(intake, false),
    )
    .await
}

/// Read an intake.
///
/// For the centre's coordinators: with the preferences, pseudonym and notes. The read is
/// audited (an `intake` `read` event) before the answer leaves. Another centre: 404.
#[utoipa::path(
    tag = "intakes",
    params(IntakePath),
    responses((status = 200, description = "The intake", body = IntakeView,
        headers(("ETag" = String, description = "Its version"))))
)]
#[get("/intakes/{id}")]
async fn get_intake(
    caller: Authorized<Coordinators>,
    path: web::Path<IntakePath>,
) -> Result<Tagged<IntakeView>, ApiError> {
    let id = path.id;
    let scope = CentreAccess::of(&caller.caller).scope();
    let intake = record::read(&caller, ResourceType::Intake, id, move |conn| {
        usecases::find(conn, scope, id)
    })
    .await?;
    // What the person said leaves only once the read is on record.
    let event = caller.audit(AuditAction::Read, ResourceType::Intake, id);
    caller.state().read_audit.record(event).await?;
    Ok(Tagged::new(IntakeView::of(intake, true)))
}

/// Record the outcome of a held intake.
///
/// The referral moves to `intake_completed`, then to `waiting_for_group` (a group outcome),
/// `redirected` (`not_suitable_now`) or `declined_by_person` (`declined`); after `wants_to_wait`
/// it stays at `intake_completed`. A group outcome needs the person's `pseudonym`. An intake is
/// completed once (409 again).
#[utoipa::path(
    tag = "intakes",
    params(IntakePath),
    request_body = CompleteIntake,
    responses(
        (status = 200, description = "Recorded", body = IntakeView, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Already completed, or the referral has moved on", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/intakes/{id}/completion")]
async fn complete_intake(
    caller: Authorized<Coordinators>,
    path: web::Path<IntakePath>,
    body: ValidJson<CompleteIntake>,
) -> Result<Tagged<IntakeView>, ApiError> {
    let id = path.id;
    let request = body.into_inner();
    let who = caller.caller.clone();
    let completed = record::operate(&caller, ResourceType::Intake, id, move |ctx| {
        usecases::complete_intake(ctx, &who, id, &request)
    })
    .await?;
    Ok(Tagged::new(IntakeView::of(completed, true)))
}

/// Groups for a person.
///
/// Your centre's recruiting and starting groups with an open seat, ranked for the person by
/// theme (weight 4), language and format (2 each), municipality and weekday (1 each); each with
/// the criteria it meets and those it does not.
#[utoipa::path(
    tag = "intakes",
    params(IntakePath, RankQuery),
    responses((status = 200, description = "Ranked, best first", body = Suggestions))
)]
#[get("/intakes/{id}/suggested-groups")]
async fn suggested_groups(
    caller: Authorized<Coordinators>,
    path: web::Path<IntakePath>,
    query: ValidQuery<RankQuery>,
) -> Result<web::Json<Suggestions>, ApiError> {
    let id = path.id;
    let limit = query.0.limit();
    let access = CentreAccess::of(&caller.caller);
    let found = record::read(&caller, ResourceType::Intake, id, move |conn| {
        usecases::suggested_groups(conn, access, id, limit)
    })
    .await?;
    Ok(web::Json(found.into()))
}

/// How many of your centre's people wait for a group, by theme and municipality.
///
/// For the centre's coordinators: how many wait, for how long, and the open seats that could
/// take them. Where many wait for a theme with few seats, a new group of that theme can start.
#[utoipa::path(
    tag = "intakes",
    responses((status = 200, description = "By theme and municipality", body = WaitingDemand))
)]
#[get("/waiting-demand")]
async fn waiting_demand(
    caller: Authorized<Coordinators>,
) -> Result<web::Json<WaitingDemand>, ApiError> {
    let centre = caller.caller.organisation_id.uuid();
    let found = record::load(caller.state(), move |conn| {
        usecases::waiting_demand(conn, centre)
    })
    .await?;
    Ok(web::Json(found.into()))
}

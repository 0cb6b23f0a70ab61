//! `GET /api/v1/municipalities/{municipality_number}/dialogue`: one municipality's dialogue with
//! its county governor in date order: every meeting it took part in, its findings (never a risk
//! assessment), evaluations and actions. For that county's governor and the municipality itself.

use crate::auth::{Authorized, Policy};
use crate::error::ApiError;
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::resources::dialogue_meetings::DialogueParties;
use crate::text::MunicipalityNumberText;
use actix_web::{get, web};
use chrono::{DateTime, Utc};
use samhandling_domain::audit::ResourceType;
use samhandling_usecases::dialogue::{self as usecases, HiddenTimeline};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config.service(municipality_dialogue);
}

/// The path of one municipality.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MunicipalityPath {
    /// Its kommunenummer.
    #[param(value_type = MunicipalityNumberText)]
    municipality_number: String,
}

/// `number` if it is a kommunenummer (four digits), else 400.
pub(crate) fn municipality_number(number: String) -> Result<String, ApiError> {
    match crate::text::check_municipality_number(&number) {
        Ok(()) => Ok(number),
        Err(_) => Err(ApiError::bad_request(
            "a kommunenummer is exactly four digits",
        )),
    }
}

/// What a read of one municipality's records found, or the 404 of a municipality the caller may
/// not see, traced as a denial on the municipality.
pub(crate) async fn revealed<P: Policy, T>(
    caller: &Authorized<P>,
    found: Result<T, HiddenTimeline>,
) -> Result<T, ApiError> {
    match found {
        Ok(found) => Ok(found),
        Err(HiddenTimeline(municipality)) => {
            let denied = Err(ApiError::NotFound);
            caller
                .noting_denial(ResourceType::Organisation, municipality, denied)
                .await
        }
    }
}

/// One entry of the timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntryView {
    /// `meeting`, `finding`, `evaluation` or `action`.
    #[schema(example = "meeting")]
    pub kind: String,
    /// The record.
    pub id: Uuid,
    /// Its meeting.
    pub meeting_id: Uuid,
    /// When: the meeting's date (meetings, findings), the submission (evaluations), the due date
    /// (actions).
    pub at: DateTime<Utc>,
    /// A line to show.
    pub summary: String,
    /// The meeting's or action's status.
    pub status: Option<String>,
}

/// A municipality's dialogue, in date order.
///
/// For the governor of the municipality's county and for the municipality itself; anyone else
/// gets 404, which leaves an `access_denied` trace on the municipality's organisation.
#[utoipa::path(
    tag = "dialogue",
    params(MunicipalityPath, PageQuery),
    responses((status = 200, description = "One page, oldest first", body = Paginated<TimelineEntryView>))
)]
#[get("/municipalities/{municipality_number}/dialogue")]
async fn municipality_dialogue(
    caller: Authorized<DialogueParties>,
    path: web::Path<MunicipalityPath>,
    page: Pagination,
) -> Result<web::Json<Paginated<TimelineEntryView>>, ApiError> {
    let number = municipality_number(path.into_inner().municipality_number)?;
    let who = caller.caller.clone();
    let found = record::load(caller.state(), move |conn| {
        usecases::municipality_timeline(conn, &who, &number, page.0)
    })
    .await?;
    let found = revealed(&caller, found).await?;
    pagination::to_wire(caller.state(), found, |entry| TimelineEntryView {
        kind: entry.kind,
        id: entry.id,
        meeting_id: entry.meeting_id,
        at: entry.at,
        summary: entry.summary,
        status: entry.status,
    })
}

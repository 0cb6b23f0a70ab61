//! `/api/v1/network-meetings`: the logs facilitators write of the network meetings they lead.
//! A log identifies nobody: the main person by age band and optional gender, the network by
//! counts per relation, a series by a label the facilitator chooses, and free text that holds a
//! national identity number is refused.
//!
//! The facilitator who logged a meeting reads and changes it (the `facilitator` view, with its
//! series label, version and `ETag`); a competence centre reads the logs of the facilitators it
//! follows up (the `competence_centre` view, without the label or version). Anyone else, a
//! colleague of the same organisation included, gets 404.

use crate::auth::{Authorized, Facilitators, Policy};
use crate::error::ApiError;
use crate::etag::{IfMatch, IfMatchHeader, Tagged};
use crate::idempotency::{self, Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::{ValidJson, ValidQuery};
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::state::AppState;
use crate::text::{
    check_municipality_number, check_plain_text, LogLine, LogText, MunicipalityNumberText, Name,
};
use actix_web::{get, patch, post, web, Either, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::network_meeting::{
    distinct_themes, AgeGroup, FollowedFacilitator, Gender, NetworkMeeting, NetworkMeetingScope,
    NetworkTheme, Participants, SuggestedBy, PRINCIPLE,
};
use samhandling_domain::Role;
use samhandling_usecases::network_meetings::{self as usecases, MeetingFilter, ShownMeeting};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::{Validate, ValidationError};

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(log_network_meeting)
        .service(list_network_meetings)
        .service(get_network_meeting)
        .service(update_network_meeting);
}

/// Who reads network-meeting logs: facilitators their own, competence advisers those of the
/// facilitators their centre follows up.
#[derive(Debug)]
pub struct MeetingReaders;

impl Policy for MeetingReaders {
    const ROLES: &'static [Role] = &[Role::Facilitator, Role::CompetenceAdviser];
}

// validator hands custom checks a reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn check_principle(chose: &bool) -> Result<(), ValidationError> {
    if *chose {
        Ok(())
    } else {
        Err(ValidationError::new("principle").with_message(Cow::Borrowed(PRINCIPLE)))
    }
}

fn check_themes(themes: &[NetworkTheme]) -> Result<(), ValidationError> {
    if distinct_themes(themes) {
        Ok(())
    } else {
        Err(ValidationError::new("distinct")
            .with_message(Cow::Borrowed("name each theme at most once")))
    }
}

/// The main person of a meeting: described by age band and optional gender, never identified.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MainPerson {
    /// The age band.
    pub age_group: AgeGroup,
    /// The gender, if recorded.
    #[serde(
        default,
        deserialize_with = "crate::text::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(nullable = false)]
    pub gender: Option<Gender>,
    /// Whether the main person alone chose who from their network took part. The method stands
    /// on it: it must be `true`, and `false` is refused with 422 on
    /// `main_person.chose_participants` explaining why (such a meeting is not a network meeting).
    #[validate(custom(function = "check_principle"))]
    pub chose_participants: bool,
}

/// Who came besides the main person and the facilitators, counted by relation; nobody is named.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkParticipants {
    /// Family.
    #[serde(default, deserialize_with = "crate::text::integral_required")]
    #[validate(range(min = 0, max = 50))]
    #[schema(minimum = 0, maximum = 50, default = 0)]
    pub family: i16,
    /// Partner.
    #[serde(default, deserialize_with = "crate::text::integral_required")]
    #[validate(range(min = 0, max = 50))]
    #[schema(minimum = 0, maximum = 50, default = 0)]
    pub partner: i16,
    /// Friends.
    #[serde(default, deserialize_with = "crate::text::integral_required")]
    #[validate(range(min = 0, max = 50))]
    #[schema(minimum = 0, maximum = 50, default = 0)]
    pub friend: i16,
    /// Colleagues.
    #[serde(default, deserialize_with = "crate::text::integral_required")]
    #[validate(range(min = 0, max = 50))]
    #[schema(minimum = 0, maximum = 50, default = 0)]
    pub colleague: i16,
    /// Neighbours.
    #[serde(default, deserialize_with = "crate::text::integral_required")]
    #[validate(range(min = 0, max = 50))]
    #[schema(minimum = 0, maximum = 50, default = 0)]
    pub neighbour: i16,
    /// Professionals besides the facilitators.
    #[serde(default, deserialize_with = "crate::text::integral_required")]
    #[validate(range(min = 0, max = 50))]
    #[schema(minimum = 0, maximum = 50, default = 0)]
    pub professional: i16,
    /// Anyone else.
    #[serde(default, deserialize_with = "crate::text::integral_required")]
    #[validate(range(min = 0, max = 50))]
    #[schema(minimum = 0, maximum = 50, default = 0)]
    pub other: i16,
}

impl From<NetworkParticipants> for Participants {
    fn from(counts: NetworkParticipants) -> Self {
        Participants {
            family: counts.family,
            partner: counts.partner,
            friend: counts.friend,
            colleague: counts.colleague,
            neighbour: counts.neighbour,
            professional: counts.professional,
            other: counts.other,
        }
    }
}

impl From<Participants> for NetworkParticipants {
    fn from(counts: Participants) -> Self {
        NetworkParticipants {
            family: counts.family,
            partner: counts.partner,
            friend: counts.friend,
            colleague: counts.colleague,
            neighbour: counts.neighbour,
            professional: counts.professional,
            other: counts.other,
        }
    }
}

/// Whether another meeting is planned, and when if known.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NextNetworkMeeting {
    /// Whether another meeting is planned.
    pub planned: bool,
    /// Its date, if known (only when planned).
    #[serde(
        default,
        deserialize_with = "crate::text::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(nullable = false)]
    pub on: Option<NaiveDate>,
}

/// Whether the facilitator wants supervision (veiledning) on the meeting.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupervisionWish {
    /// Whether supervision is wanted: the log then waits in the centres' queues.
    pub wanted: bool,
    /// On what (only when wanted): one line, never a name.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[validate(length(min = 1, max = 500), custom(function = "check_plain_text"))]
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$",
        nullable = false
    )]
    pub topic: Option<String>,
}

/// The rules across fields of a log, as JSON Schema: a date only for a planned next meeting, a
/// topic only when supervision is wanted, and each theme once.
pub(crate) fn schema_rules() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        (
            "NextNetworkMeeting",
            serde_json::json!({
                "if": { "properties": { "planned": { "const": false } }, "required": ["planned"] },
                "then": { "not": { "required": ["on"] } }
            }),
        ),
        (
            "SupervisionWish",
            serde_json::json!({
                "if": { "properties": { "wanted": { "const": false } }, "required": ["wanted"] },
                "then": { "not": { "required": ["topic"] } }
            }),
        ),
        (
            "LogNetworkMeeting",
            serde_json::json!({ "properties": { "themes": { "uniqueItems": true } } }),
        ),
        (
            "UpdateNetworkMeeting",
            serde_json::json!({ "properties": { "themes": { "uniqueItems": true } } }),
        ),
    ]
}

/// A network meeting to log. Identify nobody: no names, initials, birth dates or national
/// identity numbers in any field (text holding one is refused with 422).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "held_on": "2026-11-24",
    "municipality_number": "5037",
    "service": "Psykisk helse og rus, Levanger kommune",
    "co_facilitators": ["Rådgiver i NAV Levanger"],
    "suggested_by": "main_person",
    "main_person": {"age_group": "30_49", "gender": "female", "chose_participants": true},
    "participants": {"family": 2, "friend": 1, "professional": 1},
    "themes": ["mental_health", "housing"],
    "resources_identified": "Søsteren kan være med på møter med NAV; en venn hjelper med flyttingen.",
    "next_steps": "Nytt møte om fire uker; hovedpersonen tar kontakt med boligkontoret.",
    "next_meeting": {"planned": true, "on": "2026-12-22"},
    "supervision": {"wanted": true, "topic": "Hvordan holde nettverket samlet mellom møtene"},
    "series_id": "levanger-2026-07"
}))]
pub struct LogNetworkMeeting {
    /// The date.
    pub held_on: NaiveDate,
    /// The municipality it was held in (kommunenummer).
    #[validate(custom(function = "check_municipality_number"))]
    #[schema(value_type = MunicipalityNumberText)]
    pub municipality_number: String,
    /// The service that held it.
    pub service: Name,
    /// Co-facilitators: professionals, by name or title (at most 5).
    #[serde(default)]
    #[validate(length(max = 5))]
    #[schema(max_items = 5)]
    pub co_facilitators: Vec<LogLine>,
    /// Who suggested the meeting.
    pub suggested_by: SuggestedBy,
    /// The main person.
    #[validate(nested)]
    pub main_person: MainPerson,
    /// Who came, by relation; absent relations count 0.
    #[serde(default)]
    #[validate(nested)]
    pub participants: NetworkParticipants,
    /// What it was about: each theme at most once.
    #[serde(default)]
    #[validate(length(max = 9), custom(function = "check_themes"))]
    #[schema(max_items = 9)]
    pub themes: Vec<NetworkTheme>,
    /// The resources the person and the network found.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[schema(nullable = false)]
    pub resources_identified: Option<LogText>,
    /// What was agreed next.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[schema(nullable = false)]
    pub next_steps: Option<LogText>,
    /// Whether another meeting is planned; not planned when absent.
    #[serde(default)]
    #[validate(nested)]
    pub next_meeting: NextNetworkMeeting,
    /// Whether supervision is wanted; not wanted when absent.
    #[serde(default)]
    #[validate(nested)]
    pub supervision: SupervisionWish,
    /// A label you choose to link the meetings of one main person — never a name, initials or
    /// birth date. Only you see it.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[validate(length(min = 1, max = 64), custom(function = "check_plain_text"))]
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$",
        nullable = false
    )]
    pub series_id: Option<String>,
}

/// Changes to a log; absent fields stay as they are, `null` clears an optional text. Send
/// `If-Match` with the log's `ETag`. The same rules as for a new log apply.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "next_steps": "Hovedpersonen har fått time hos boligkontoret; nytt møte om to uker.",
    "next_meeting": {"planned": true, "on": "2026-12-08"}
}))]
#[allow(clippy::option_option)]
pub struct UpdateNetworkMeeting {
    /// The date.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[schema(nullable = false)]
    pub held_on: Option<NaiveDate>,
    /// The municipality it was held in.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[validate(custom(function = "check_municipality_number"))]
    #[schema(value_type = Option<MunicipalityNumberText>, nullable = false)]
    pub municipality_number: Option<String>,
    /// The service that held it.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[schema(nullable = false)]
    pub service: Option<Name>,
    /// Co-facilitators, replacing the list.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[validate(length(max = 5))]
    #[schema(max_items = 5, nullable = false)]
    pub co_facilitators: Option<Vec<LogLine>>,
    /// Who suggested the meeting.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[schema(nullable = false)]
    pub suggested_by: Option<SuggestedBy>,
    /// The main person, replaced whole (`chose_participants` stays `true`).
    #[serde(default, deserialize_with = "crate::text::present")]
    #[validate(nested)]
    #[schema(nullable = false)]
    pub main_person: Option<MainPerson>,
    /// Who came, replaced whole; absent relations count 0.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[validate(nested)]
    #[schema(nullable = false)]
    pub participants: Option<NetworkParticipants>,
    /// What it was about, replacing the list.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[validate(length(max = 9), custom(function = "check_themes"))]
    #[schema(max_items = 9, nullable = false)]
    pub themes: Option<Vec<NetworkTheme>>,
    /// The resources found, or `null` to clear them.
    #[serde(
        default,
        deserialize_with = "crate::text::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(nullable = true)]
    pub resources_identified: Option<Option<LogText>>,
    /// What was agreed next, or `null` to clear it.
    #[serde(
        default,
        deserialize_with = "crate::text::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(nullable = true)]
    pub next_steps: Option<Option<LogText>>,
    /// The next meeting, replaced whole.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[validate(nested)]
    #[schema(nullable = false)]
    pub next_meeting: Option<NextNetworkMeeting>,
    /// The supervision wish, replaced whole.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[validate(nested)]
    #[schema(nullable = false)]
    pub supervision: Option<SupervisionWish>,
    /// Your series label, or `null` to clear it: never a name, initials or birth date.
    #[serde(
        default,
        deserialize_with = "crate::text::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(min = 1, max = 64), custom(function = "check_plain_text"))]
    #[schema(
        value_type = Option<String>,
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$",
        nullable = true
    )]
    pub series_id: Option<Option<String>>,
}

impl UpdateNetworkMeeting {
    /// `meeting` with the changes applied.
    fn apply(self, meeting: &mut NetworkMeeting) {
        if let Some(held_on) = self.held_on {
            meeting.held_on = held_on;
        }
        if let Some(number) = self.municipality_number {
            meeting.municipality_number = number;
        }
        if let Some(service) = self.service {
            meeting.service = String::from(service);
        }
        if let Some(co_facilitators) = self.co_facilitators {
            meeting.co_facilitators = co_facilitators.into_iter().map(String::from).collect();
        }
        if let Some(suggested_by) = self.suggested_by {
            meeting.suggested_by = suggested_by;
        }
        if let Some(person) = self.main_person {
            meeting.age_group = person.age_group;
            meeting.gender = person.gender;
        }
        if let Some(participants) = self.participants {
            meeting.participants = participants.into();
        }
        if let Some(themes) = self.themes {
            meeting.themes = themes;
        }
        if let Some(resources) = self.resources_identified {
            meeting.resources_identified = resources.map(String::from);
        }
        if let Some(next_steps) = self.next_steps {
            meeting.next_steps = next_steps.map(String::from);
        }
        if let Some(next) = self.next_meeting {
            meeting.next_meeting_planned = next.planned;
            meeting.next_meeting_on = next.on;
        }
        if let Some(wish) = self.supervision {
            meeting.supervision_wanted = wish.wanted;
            meeting.supervision_topic = wish.topic;
        }
        if let Some(series) = self.series_id {
            meeting.series_id = series;
        }
    }
}

/// Whether supervision is wanted, and whether a centre has answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupervisionState {
    /// Whether supervision is wanted.
    pub wanted: bool,
    /// On what.
    pub topic: Option<String>,
    /// When a supervision session answered the request; `null` while open.
    pub answered_on: Option<NaiveDate>,
}

/// A facilitator as its competence centre knows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NetworkMeetingFacilitator {
    /// The employer.
    pub employer_organisation_id: Uuid,
    /// The token subject.
    pub subject: String,
    /// The name in the centre's register of facilitators.
    pub name: String,
}

impl From<FollowedFacilitator> for NetworkMeetingFacilitator {
    fn from(facilitator: FollowedFacilitator) -> Self {
        NetworkMeetingFacilitator {
            employer_organisation_id: facilitator.employer_organisation_id,
            subject: facilitator.subject,
            name: facilitator.name,
        }
    }
}

/// What every view of a log shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct NetworkMeetingFacts {
    /// Identifier.
    pub id: Uuid,
    /// The date.
    pub held_on: NaiveDate,
    /// The municipality it was held in.
    pub municipality_number: String,
    /// The service that held it.
    pub service: String,
    /// Co-facilitators.
    pub co_facilitators: Vec<String>,
    /// Who suggested it.
    pub suggested_by: SuggestedBy,
    /// The main person.
    pub main_person: MainPerson,
    /// Who came, by relation.
    pub participants: NetworkParticipants,
    /// Everyone who came besides the main person and the facilitators.
    pub network_size: i16,
    /// What it was about.
    pub themes: Vec<NetworkTheme>,
    /// The resources found.
    pub resources_identified: Option<String>,
    /// What was agreed next.
    pub next_steps: Option<String>,
    /// The next meeting.
    pub next_meeting: NextNetworkMeeting,
    /// The supervision request and its answer.
    pub supervision: SupervisionState,
    /// Logged.
    pub created_at: DateTime<Utc>,
}

/// The facilitator's own view: everything, with the series label and the version.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacilitatorNetworkMeeting {
    /// The log.
    #[serde(flatten)]
    pub meeting: NetworkMeetingFacts,
    /// The facilitator's employer.
    pub organisation_id: Uuid,
    /// The facilitator (token subject).
    pub facilitator_subject: String,
    /// Your label linking the meetings of one main person.
    pub series_id: Option<String>,
    /// Version, also the `ETag`.
    pub version: i32,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A competence centre's view: the log and who wrote it, without the series label or the
/// version (either could tell what the view leaves out).
#[derive(Debug, Serialize, ToSchema)]
pub struct CentreNetworkMeeting {
    /// The log.
    #[serde(flatten)]
    pub meeting: NetworkMeetingFacts,
    /// The facilitator who logged it.
    pub facilitator: NetworkMeetingFacilitator,
}

/// A log as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum NetworkMeetingView {
    /// The facilitator's own.
    Facilitator(Box<FacilitatorNetworkMeeting>),
    /// A competence centre's.
    CompetenceCentre(Box<CentreNetworkMeeting>),
}

fn facts(meeting: &NetworkMeeting) -> NetworkMeetingFacts {
    NetworkMeetingFacts {
        id: meeting.id,
        held_on: meeting.held_on,
        municipality_number: meeting.municipality_number.clone(),
        service: meeting.service.clone(),
        co_facilitators: meeting.co_facilitators.clone(),
        suggested_by: meeting.suggested_by,
        main_person: MainPerson {
            age_group: meeting.age_group,
            gender: meeting.gender,
            chose_participants: true,
        },
        participants: meeting.participants.into(),
        network_size: meeting.participants.size(),
        themes: meeting.themes.clone(),
        resources_identified: meeting.resources_identified.clone(),
        next_steps: meeting.next_steps.clone(),
        next_meeting: NextNetworkMeeting {
            planned: meeting.next_meeting_planned,
            on: meeting.next_meeting_on,
        },
        supervision: SupervisionState {
            wanted: meeting.supervision_wanted,
            topic: meeting.supervision_topic.clone(),
            answered_on: meeting.supervision_answered_on,
        },
        created_at: meeting.created_at,
    }
}

fn facilitator_view(meeting: NetworkMeeting) -> FacilitatorNetworkMeeting {
    FacilitatorNetworkMeeting {
        meeting: facts(&meeting),
        organisation_id: meeting.organisation_id,
        facilitator_subject: meeting.facilitator_subject,
        series_id: meeting.series_id,
        version: meeting.version,
        updated_at: meeting.updated_at,
    }
}

/// The facilitator's view as a versioned answer.
fn tagged(meeting: NetworkMeeting) -> Tagged<NetworkMeetingView> {
    let view = facilitator_view(meeting);
    Tagged {
        version: view.version,
        body: NetworkMeetingView::Facilitator(Box::new(view)),
    }
}

fn view(shown: ShownMeeting) -> NetworkMeetingView {
    match shown.facilitator {
        Some(facilitator) => NetworkMeetingView::CompetenceCentre(Box::new(CentreNetworkMeeting {
            meeting: facts(&shown.meeting),
            facilitator: facilitator.into(),
        })),
        None => NetworkMeetingView::Facilitator(Box::new(facilitator_view(shown.meeting))),
    }
}

fn location(id: Uuid) -> String {
    format!("/api/v1/network-meetings/{id}")
}

/// The path of one log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MeetingPath {
    /// The log's id.
    id: Uuid,
}

/// Log a network meeting.
///
/// For facilitators. The log identifies nobody: do not enter names, initials, birth dates or
/// national identity numbers in any field (text holding a national identity number is refused
/// with 422, and nothing is stored). The main person must have chosen the participants
/// (`main_person.chose_participants: true`): the method stands on it, and `false` is refused with
/// 422. Send an `Idempotency-Key` so that a retry cannot log the meeting twice.
#[utoipa::path(
    tag = "network-meetings",
    params(IdempotencyKeyHeader),
    request_body = LogNetworkMeeting,
    responses(
        (status = 201, description = "Logged; the facilitator's view", body = NetworkMeetingView,
            headers(("Location" = String, description = "The log"), ("ETag" = String, description = "Its version"))),
        (status = 422, description = "Invalid fields: a national identity number in text, a main person who did not choose the participants, a rule across fields", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/network-meetings")]
async fn log_network_meeting(
    caller: Authorized<Facilitators>,
    key: IdempotencyKey,
    state: web::Data<AppState>,
    body: ValidJson<LogNetworkMeeting>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let now = Utc::now();
    let meeting = NetworkMeeting {
        id: Uuid::now_v7(),
        organisation_id: caller.caller.organisation_id.uuid(),
        facilitator_subject: caller.caller.subject.clone(),
        held_on: request.held_on,
        municipality_number: request.municipality_number.clone(),
        service: request.service.to_string(),
        co_facilitators: request
            .co_facilitators
            .clone()
            .into_iter()
            .map(String::from)
            .collect(),
        suggested_by: request.suggested_by,
        age_group: request.main_person.age_group,
        gender: request.main_person.gender,
        participants: request.participants.into(),
        themes: request.themes.clone(),
        resources_identified: request.resources_identified.clone().map(String::from),
        next_steps: request.next_steps.clone().map(String::from),
        next_meeting_planned: request.next_meeting.planned,
        next_meeting_on: request.next_meeting.on,
        supervision_wanted: request.supervision.wanted,
        supervision_topic: request.supervision.topic.clone(),
        series_id: request.series_id.clone(),
        supervision_answered_on: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    idempotency::create_by(
        &state,
        &caller,
        key,
        "/api/v1/network-meetings",
        &request,
        move |ctx| {
            let stored = usecases::log_meeting(ctx, &meeting)?;
            let (id, version) = (stored.id, stored.version);
            Created::new(
                &NetworkMeetingView::Facilitator(Box::new(facilitator_view(stored))),
                location(id),
                Some(version),
            )
        },
    )
    .await
}

/// Filters for the list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingQuery {
    /// Only the logs of your series with this label (facilitators only: a centre never sees the
    /// labels, so it may not filter by one; 400).
    #[validate(length(min = 1, max = 64), custom(function = "check_plain_text"))]
    #[param(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    series_id: Option<String>,
}

/// List network-meeting logs.
///
/// A facilitator sees its own logs; a competence adviser the logs of the facilitators its
/// centre follows up, in the centre's view. In the order logged. Every log listed is a read in
/// the audit trail.
#[utoipa::path(
    tag = "network-meetings",
    params(MeetingQuery, PageQuery),
    responses(
        (status = 200, description = "One page", body = Paginated<NetworkMeetingView>),
        (status = 400, description = "`series_id` asked by a caller who is not a facilitator", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/network-meetings")]
async fn list_network_meetings(
    caller: Authorized<MeetingReaders>,
    state: web::Data<AppState>,
    query: ValidQuery<MeetingQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<NetworkMeetingView>>, ApiError> {
    let scope = NetworkMeetingScope::of(&caller.caller);
    let filter = MeetingFilter {
        series_id: query.0.series_id,
    };
    if filter.series_id.is_some() && scope.facilitator.is_none() {
        return Err(ApiError::bad_request(
            "series_id filters a facilitator's own logs: the labels are the facilitator's \
             alone, so a competence centre cannot filter by one",
        ));
    }
    let found = crate::db::run(&state.database, move |conn| {
        Ok(usecases::list_meetings(conn, scope, &filter, page.0)?)
    })
    .await?;
    let ids: Vec<Uuid> = found.items.iter().map(|shown| shown.meeting.id).collect();
    record::note_list_read(&state, &caller, ResourceType::NetworkMeeting, ids).await?;
    Ok(web::Json(pagination::to_wire(&state, found, view)?))
}

/// Read a network-meeting log.
///
/// The facilitator who logged it gets the `facilitator` view, with its series label, version
/// and `ETag`. A competence centre that follows the facilitator up gets the `competence_centre`
/// view: the log and the facilitator's name, without the label or version. Anyone else: 404.
#[utoipa::path(
    tag = "network-meetings",
    params(MeetingPath),
    responses((status = 200, description = "The log, as the caller may see it", body = NetworkMeetingView,
        headers(("ETag" = String, description = "Its version (the facilitator's view only)")))),
    security(("bearer" = []))
)]
#[get("/network-meetings/{id}")]
async fn get_network_meeting(
    caller: Authorized<MeetingReaders>,
    state: web::Data<AppState>,
    path: web::Path<MeetingPath>,
) -> Result<Either<Tagged<NetworkMeetingView>, web::Json<NetworkMeetingView>>, ApiError> {
    let id = path.id;
    let scope = NetworkMeetingScope::of(&caller.caller);
    let found = record::read_audited(
        &state,
        &caller,
        ResourceType::NetworkMeeting,
        id,
        move |conn| Ok(Some(usecases::read_meeting(conn, &scope, id)?)),
    )
    .await?;
    Ok(match found.facilitator {
        None => Either::Left(tagged(found.meeting)),
        Some(_) => Either::Right(web::Json(view(found))),
    })
}

/// Change a network-meeting log.
///
/// For the facilitator who logged it, with `If-Match`. The same fields and rules as a new log:
/// nobody identified, and the main person chose the participants.
#[utoipa::path(
    tag = "network-meetings",
    params(MeetingPath, IfMatchHeader),
    request_body = UpdateNetworkMeeting,
    responses(
        (status = 200, description = "Changed; the facilitator's view", body = NetworkMeetingView, headers(("ETag" = String, description = "The new version"))),
        (status = 422, description = "Invalid fields", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/network-meetings/{id}")]
async fn update_network_meeting(
    caller: Authorized<Facilitators>,
    state: web::Data<AppState>,
    path: web::Path<MeetingPath>,
    if_match: IfMatch,
    body: ValidJson<UpdateNetworkMeeting>,
) -> Result<Tagged<NetworkMeetingView>, ApiError> {
    let id = path.id;
    let edit = body.into_inner();
    let precondition = if_match.precondition()?;
    let scope = NetworkMeetingScope::own(&caller.caller);
    let changed = record::operate(
        &state,
        &caller,
        ResourceType::NetworkMeeting,
        id,
        move |ctx| {
            usecases::update_meeting(ctx, &scope, id, precondition, |meeting| edit.apply(meeting))
        },
    )
    .await?;
    Ok(tagged(changed))
}

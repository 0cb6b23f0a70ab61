//! A network-meeting log as each reader is shown it (the facilitator's own, a following competence
//! centre's), and the supervision around the logs: a centre's queue of requests and its sessions.

use crate::input::Subject;
use crate::network_meetings::{
    MainPerson, NetworkParticipants, NextNetworkMeeting, ShownMeeting, SupervisionAttendee,
};
use chrono::{DateTime, NaiveDate, Utc};
use samhandling_domain::network_meeting::{
    FollowedFacilitator, NetworkMeeting, NetworkTheme, SuggestedBy, SupervisionRequest,
    SupervisionSession,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

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
    pub facilitator: FollowedFacilitator,
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

/// What every view of `meeting` shows.
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

impl NetworkMeetingView {
    /// The facilitator's own view of `meeting`.
    pub fn own(meeting: NetworkMeeting) -> Self {
        NetworkMeetingView::Facilitator(Box::new(FacilitatorNetworkMeeting {
            meeting: facts(&meeting),
            organisation_id: meeting.organisation_id,
            facilitator_subject: meeting.facilitator_subject,
            series_id: meeting.series_id,
            version: meeting.version,
            updated_at: meeting.updated_at,
        }))
    }
}

impl From<ShownMeeting> for NetworkMeetingView {
    /// The competence centre's view when the log is another's, else the facilitator's own.
    fn from(shown: ShownMeeting) -> Self {
        match shown.facilitator {
            Some(facilitator) => {
                NetworkMeetingView::CompetenceCentre(Box::new(CentreNetworkMeeting {
                    meeting: facts(&shown.meeting),
                    facilitator,
                }))
            }
            None => NetworkMeetingView::own(shown.meeting),
        }
    }
}

/// A request for supervision, as the centre's queue shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupervisionRequestView {
    /// The log that asks (readable in the centre's view).
    pub network_meeting_id: Uuid,
    /// Who asks.
    pub facilitator: FollowedFacilitator,
    /// On what.
    pub topic: Option<String>,
    /// When the meeting was held.
    pub held_on: NaiveDate,
    /// When the log was written: the queue's order.
    pub requested_at: DateTime<Utc>,
    /// When one of the centre's sessions answered it; `null` while open.
    pub answered_on: Option<NaiveDate>,
    /// That session; `null` while open.
    pub session_id: Option<Uuid>,
}

impl From<SupervisionRequest> for SupervisionRequestView {
    fn from(request: SupervisionRequest) -> Self {
        SupervisionRequestView {
            network_meeting_id: request.network_meeting_id,
            facilitator: request.facilitator,
            topic: request.topic,
            held_on: request.held_on,
            requested_at: request.requested_at,
            answered_on: request.answer.map(|answer| answer.held_on),
            session_id: request.answer.map(|answer| answer.session_id),
        }
    }
}

/// A supervision session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupervisionSessionView {
    /// Identifier.
    pub id: Uuid,
    /// The competence centre that held it.
    pub competence_centre_id: Uuid,
    /// The date.
    pub held_on: NaiveDate,
    /// The adviser who held it (token subject).
    pub adviser_subject: String,
    /// What it was about.
    pub topics: Vec<String>,
    /// The facilitators there.
    pub facilitators: Vec<SupervisionAttendee>,
    /// The requests (log ids) it answered.
    pub answers: Vec<Uuid>,
    /// Recorded.
    pub created_at: DateTime<Utc>,
}

impl From<SupervisionSession> for SupervisionSessionView {
    fn from(session: SupervisionSession) -> Self {
        SupervisionSessionView {
            id: session.id,
            competence_centre_id: session.competence_centre_id,
            held_on: session.held_on,
            adviser_subject: session.adviser_subject,
            topics: session.topics,
            facilitators: session
                .facilitators
                .into_iter()
                .map(|(employer_organisation_id, subject)| SupervisionAttendee {
                    employer_organisation_id,
                    subject: Subject::from_stored(subject),
                })
                .collect(),
            answers: session.answers,
            created_at: session.created_at,
        }
    }
}

//! Network-meeting logs and the supervision that answers them: a facilitator logs a meeting
//! (identifying nobody) and changes its own logs; a competence centre records the supervision
//! sessions that answer its facilitators' requests.

use crate::input::{
    check_municipality_number, check_plain_text, LogLine, LogText, MunicipalityNumberText, Name,
    Subject,
};
use crate::kept::{kept_or_computed, ServedResults, Statistic};
use crate::{Context, UseCaseError};
use chrono::NaiveDate;
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::ids::{OrganisationId, SupervisionSessionId};
use samhandling_domain::network_meeting::{
    distinct_themes, AgeGroup, FollowedFacilitator, Gender, NetworkMeeting, NetworkMeetingScope,
    NetworkTheme, Participants, SuggestedBy, SupervisionRequest, SupervisionSession, PRINCIPLE,
};
use samhandling_domain::page::{Keyed, Page, PageRequest, Position};
use samhandling_domain::refusal::FieldRefusal;
use samhandling_domain::statistics::linked::{
    leaves_few_to_others, Breakdowns, CubeCell, LinkedTables,
};
use samhandling_domain::statistics::SuppressedTable;
use samhandling_domain::version::Precondition;
use samhandling_persistence::PgConnection;
use samhandling_persistence::{meeting_statistics, network_meetings as store, supervision};

pub use samhandling_persistence::meeting_statistics::MeetingSums;
pub use samhandling_persistence::network_meetings::{MeetingFilter, RequestFilter};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError};

fn refused(refusals: Vec<FieldRefusal>) -> Result<(), UseCaseError> {
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(UseCaseError::Invalid(refusals))
    }
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
        deserialize_with = "crate::input::present",
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
    #[serde(default, deserialize_with = "crate::input::integral_required")]
    #[validate(range(min = 0, max = 50))]
    #[schema(minimum = 0, maximum = 50, default = 0)]
    pub family: i16,
    /// Partner.
    #[serde(default, deserialize_with = "crate::input::integral_required")]
    #[validate(range(min = 0, max = 50))]
    #[schema(minimum = 0, maximum = 50, default = 0)]
    pub partner: i16,
    /// Friends.
    #[serde(default, deserialize_with = "crate::input::integral_required")]
    #[validate(range(min = 0, max = 50))]
    #[schema(minimum = 0, maximum = 50, default = 0)]
    pub friend: i16,
    /// Colleagues.
    #[serde(default, deserialize_with = "crate::input::integral_required")]
    #[validate(range(min = 0, max = 50))]
    #[schema(minimum = 0, maximum = 50, default = 0)]
    pub colleague: i16,
    /// Neighbours.
    #[serde(default, deserialize_with = "crate::input::integral_required")]
    #[validate(range(min = 0, max = 50))]
    #[schema(minimum = 0, maximum = 50, default = 0)]
    pub neighbour: i16,
    /// Professionals besides the facilitators.
    #[serde(default, deserialize_with = "crate::input::integral_required")]
    #[validate(range(min = 0, max = 50))]
    #[schema(minimum = 0, maximum = 50, default = 0)]
    pub professional: i16,
    /// Anyone else.
    #[serde(default, deserialize_with = "crate::input::integral_required")]
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
        deserialize_with = "crate::input::present",
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
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(length(min = 1, max = 500), custom(function = "check_plain_text"))]
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$",
        nullable = false
    )]
    pub topic: Option<String>,
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
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub resources_identified: Option<LogText>,
    /// What was agreed next.
    #[serde(default, deserialize_with = "crate::input::present")]
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
    #[serde(default, deserialize_with = "crate::input::present")]
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
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub held_on: Option<NaiveDate>,
    /// The municipality it was held in.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(custom(function = "check_municipality_number"))]
    #[schema(value_type = Option<MunicipalityNumberText>, nullable = false)]
    pub municipality_number: Option<String>,
    /// The service that held it.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub service: Option<Name>,
    /// Co-facilitators, replacing the list.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(length(max = 5))]
    #[schema(max_items = 5, nullable = false)]
    pub co_facilitators: Option<Vec<LogLine>>,
    /// Who suggested the meeting.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub suggested_by: Option<SuggestedBy>,
    /// The main person, replaced whole (`chose_participants` stays `true`).
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(nested)]
    #[schema(nullable = false)]
    pub main_person: Option<MainPerson>,
    /// Who came, replaced whole; absent relations count 0.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(nested)]
    #[schema(nullable = false)]
    pub participants: Option<NetworkParticipants>,
    /// What it was about, replacing the list.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(length(max = 9), custom(function = "check_themes"))]
    #[schema(max_items = 9, nullable = false)]
    pub themes: Option<Vec<NetworkTheme>>,
    /// The resources found, or `null` to clear them.
    #[serde(
        default,
        deserialize_with = "crate::input::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(nullable = true)]
    pub resources_identified: Option<Option<LogText>>,
    /// What was agreed next, or `null` to clear it.
    #[serde(
        default,
        deserialize_with = "crate::input::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(nullable = true)]
    pub next_steps: Option<Option<LogText>>,
    /// The next meeting, replaced whole.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(nested)]
    #[schema(nullable = false)]
    pub next_meeting: Option<NextNetworkMeeting>,
    /// The supervision wish, replaced whole.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(nested)]
    #[schema(nullable = false)]
    pub supervision: Option<SupervisionWish>,
    /// Your series label, or `null` to clear it: never a name, initials or birth date.
    #[serde(
        default,
        deserialize_with = "crate::input::present",
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
    pub fn apply(self, meeting: &mut NetworkMeeting) {
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

/// A facilitator at a session: employer and token subject, as the centre's register of
/// facilitators names them.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupervisionAttendee {
    /// The facilitator's employer.
    pub employer_organisation_id: Uuid,
    /// The facilitator's token subject.
    pub subject: Subject,
}

/// A supervision session to record.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "held_on": "2026-12-01",
    "topics": ["Å holde nettverket samlet mellom møtene", "Når hovedpersonen vil avlyse"],
    "facilitators": [{"employer_organisation_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a70", "subject": "veileder-levanger-1"}],
    "answers": ["0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a71"]
}))]
pub struct RecordSupervisionSession {
    /// The date.
    pub held_on: NaiveDate,
    /// What it was about: lines that name nobody.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub topics: Vec<LogLine>,
    /// The facilitators there: each one your centre follows up (else 422 naming
    /// `facilitators[i]`).
    #[validate(length(min = 1, max = 50), nested)]
    #[schema(min_items = 1, max_items = 50)]
    pub facilitators: Vec<SupervisionAttendee>,
    /// The requests it answered: ids of logs in your centre's supervision queue (else 422 naming
    /// `answers[i]`).
    #[serde(default)]
    #[validate(length(max = 100))]
    #[schema(max_items = 100)]
    pub answers: Vec<Uuid>,
}

/// Stores the log `id` of the meeting `log` describes, written by the facilitator `(employer,
/// subject)`, checked across its fields.
pub fn log_meeting(
    ctx: &mut Context<'_>,
    (organisation_id, subject): (Uuid, &str),
    id: Uuid,
    log: &LogNetworkMeeting,
) -> Result<NetworkMeeting, UseCaseError> {
    let now = ctx.now();
    let log = log.clone();
    let meeting = &NetworkMeeting {
        id,
        organisation_id,
        facilitator_subject: subject.to_owned(),
        held_on: log.held_on,
        municipality_number: log.municipality_number,
        service: log.service.into(),
        co_facilitators: log.co_facilitators.into_iter().map(String::from).collect(),
        suggested_by: log.suggested_by,
        age_group: log.main_person.age_group,
        gender: log.main_person.gender,
        participants: log.participants.into(),
        themes: log.themes,
        resources_identified: log.resources_identified.map(String::from),
        next_steps: log.next_steps.map(String::from),
        next_meeting_planned: log.next_meeting.planned,
        next_meeting_on: log.next_meeting.on,
        supervision_wanted: log.supervision.wanted,
        supervision_topic: log.supervision.topic,
        series_id: log.series_id,
        supervision_answered_on: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    refused(meeting.check_coherent(ctx.now()))?;
    let stored = store::insert(ctx.conn(), meeting)?;
    ctx.audit(
        AuditAction::Created,
        ResourceType::NetworkMeeting,
        stored.id,
    )?;
    Ok(stored)
}

/// Changes the facilitator's own log `id` (in `scope`) with `edit`, as of the version the
/// facilitator read; the result is checked across its fields.
pub fn update_meeting(
    ctx: &mut Context<'_>,
    scope: &NetworkMeetingScope,
    id: Uuid,
    read: Precondition,
    edit: UpdateNetworkMeeting,
) -> Result<NetworkMeeting, UseCaseError> {
    let mut meeting =
        store::find_for_update(ctx.conn(), id, scope)?.ok_or(UseCaseError::NotFound)?;
    read.check(meeting.version)?;
    edit.apply(&mut meeting);
    refused(meeting.check_coherent(ctx.now()))?;
    let updated = store::update(ctx.conn(), &meeting)?;
    ctx.audit(AuditAction::Updated, ResourceType::NetworkMeeting, id)?;
    Ok(updated)
}

/// Records the supervision session `id` the adviser `(centre, subject)` held, as `held`
/// describes it: every facilitator one the centre follows up, every answered request one in its
/// queue (each refusal by field). Each answered request leaves the open queue.
pub fn record_supervision(
    ctx: &mut Context<'_>,
    (centre, adviser, id): (OrganisationId, &str, SupervisionSessionId),
    held: &RecordSupervisionSession,
) -> Result<SupervisionSession, UseCaseError> {
    let (centre, id) = (centre.uuid(), id.uuid());
    let session = &SupervisionSession {
        id,
        competence_centre_id: centre,
        held_on: held.held_on,
        adviser_subject: adviser.to_owned(),
        facilitators: held
            .facilitators
            .iter()
            .map(|f| (f.employer_organisation_id, f.subject.to_string()))
            .collect(),
        topics: held.topics.iter().cloned().map(String::from).collect(),
        answers: held.answers.clone(),
        created_at: ctx.now(),
    };
    let followed = store::followed_facilitators(ctx.conn(), centre, &session.facilitators)?;
    let queued = store::requests_in_queue(ctx.conn(), centre, &session.answers)?;
    let mut refusals = session.check_coherent(ctx.now());
    refusals.extend(FieldRefusal::each(
        "facilitators",
        &session.facilitators,
        |(employer, subject)| {
            !followed
                .iter()
                .any(|f| f.employer_organisation_id == *employer && f.subject == *subject)
        },
        "not_followed",
        "your centre does not follow up this facilitator",
    ));
    refusals.extend(FieldRefusal::each(
        "answers",
        &session.answers,
        |id| !queued.contains(id),
        "not_in_queue",
        "no request for supervision in your centre's queue has this id",
    ));
    UseCaseError::unless_refused(refusals)?;
    let stored = supervision::insert(ctx.conn(), session)?;
    ctx.audit(
        AuditAction::Created,
        ResourceType::SupervisionSession,
        stored.id,
    )?;
    Ok(stored)
}

// Reads.

/// A log with what its view needs: for a competence centre's view, the centre's record of the
/// facilitator who logged it (`None` for the facilitator's own log).
#[derive(Debug, Clone, PartialEq)]
pub struct ShownMeeting {
    /// The log.
    pub meeting: NetworkMeeting,
    /// The facilitator as the centre follows it up.
    pub facilitator: Option<FollowedFacilitator>,
}

impl Keyed for ShownMeeting {
    fn position(&self) -> Position {
        self.meeting.position()
    }
}

/// Pairs each log with the centre's record of its facilitator, unless it is the caller's own.
fn shown(
    conn: &mut PgConnection,
    scope: &NetworkMeetingScope,
    meetings: Vec<NetworkMeeting>,
) -> Result<Vec<ShownMeeting>, UseCaseError> {
    let followed = match scope.competence_centre {
        Some(centre) => {
            let pairs: Vec<(Uuid, String)> = meetings
                .iter()
                .filter(|meeting| !scope.logged(meeting))
                .map(|meeting| (meeting.organisation_id, meeting.facilitator_subject.clone()))
                .collect();
            store::followed_facilitators(conn, centre, &pairs)?
        }
        None => Vec::new(),
    };
    Ok(meetings
        .into_iter()
        .map(|meeting| {
            let facilitator = (!scope.logged(&meeting)).then(|| {
                followed
                    .iter()
                    .find(|f| {
                        f.employer_organisation_id == meeting.organisation_id
                            && f.subject == meeting.facilitator_subject
                    })
                    .cloned()
                    .unwrap_or_else(|| FollowedFacilitator {
                        employer_organisation_id: meeting.organisation_id,
                        subject: meeting.facilitator_subject.clone(),
                        name: String::new(),
                    })
            });
            ShownMeeting {
                meeting,
                facilitator,
            }
        })
        .collect())
}

/// The logs `scope` reaches that pass `filter`, in the order logged. A series label is the
/// facilitator's own: filtering by one never selects among the logs a centre follows.
pub fn list_meetings(
    conn: &mut PgConnection,
    mut scope: NetworkMeetingScope,
    filter: &MeetingFilter,
    page: PageRequest,
) -> Result<Page<ShownMeeting>, UseCaseError> {
    if filter.series_id.is_some() {
        scope.competence_centre = None;
    }
    let found = store::list(conn, &scope, filter, page)?;
    Ok(Page {
        items: shown(conn, &scope, found.items)?,
        next: found.next,
    })
}

/// The log `id` in `scope`.
pub fn read_meeting(
    conn: &mut PgConnection,
    scope: &NetworkMeetingScope,
    id: Uuid,
) -> Result<ShownMeeting, UseCaseError> {
    let meeting = store::find(conn, id, scope)?.ok_or(UseCaseError::NotFound)?;
    shown(conn, scope, vec![meeting])?
        .pop()
        .ok_or(UseCaseError::NotFound)
}

/// The supervision requests of the logs the competence centre `centre` follows.
pub fn list_requests(
    conn: &mut PgConnection,
    centre: Uuid,
    filter: RequestFilter,
    page: PageRequest,
) -> Result<Page<SupervisionRequest>, UseCaseError> {
    Ok(store::supervision_requests(conn, centre, filter, page)?)
}

/// The supervision sessions the competence centre `centre` held, in the order recorded.
pub fn list_sessions(
    conn: &mut PgConnection,
    centre: Uuid,
    page: PageRequest,
) -> Result<Page<SupervisionSession>, UseCaseError> {
    Ok(supervision::list(conn, centre, page)?)
}

/// The supervision session `id`, if the competence centre `centre` held it.
pub fn read_session(
    conn: &mut PgConnection,
    centre: OrganisationId,
    id: SupervisionSessionId,
) -> Result<SupervisionSession, UseCaseError> {
    supervision::find(conn, id.uuid(), centre.uuid())?.ok_or(UseCaseError::NotFound)
}

/// The network meetings logged, municipality (kommunenummer) by quarter, over every year: one
/// table, suppressed and audited once, of which a year or a municipality is only ever a view, so
/// that no two answers can be differenced. Each facilitator's employer and the competence
/// centres that follow it up know its logs, so the table is audited for each of them too. It
/// serializes, so that it is kept and served again while the counts behind it stand.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublishedMeetings {
    /// The table.
    pub table: SuppressedTable,
    /// Whether an employer or a centre, subtracting its own meetings from a figure over all,
    /// would be left with 1 to 4 of others': averages over all are then withheld.
    pub few_beside_own: bool,
    /// What the averages and shares rest on.
    pub sums: MeetingSums,
}

/// The network meetings of every year, published (see [`PublishedMeetings`]): the result kept
/// since the last change to a log or a facilitator link, computed afresh after one, and read
/// from the database once per version by each server instance (`served`).
pub fn published_meetings(
    conn: &mut PgConnection,
    served: &ServedResults,
) -> Result<Arc<PublishedMeetings>, UseCaseError> {
    const STATISTIC: &str = "network_meetings";
    let version = meeting_statistics::version(conn)?;
    served.at_version(STATISTIC, version, || {
        kept_or_computed(
            conn,
            &Statistic(STATISTIC),
            version,
            compute_published_meetings,
        )
    })
}

/// The network meetings of every year, suppressed and audited afresh from the logs.
fn compute_published_meetings(conn: &mut PgConnection) -> Result<PublishedMeetings, UseCaseError> {
    let cells: Vec<CubeCell> = meeting_statistics::meetings_by_facilitator(conn)?
        .into_iter()
        .map(|count| CubeCell {
            labels: vec![count.municipality, count.quarter],
            count: u64::try_from(count.count).unwrap_or(0),
            known_by: std::iter::once(count.employer)
                .chain(count.followers)
                .collect(),
        })
        .collect();
    Ok(PublishedMeetings {
        table: LinkedTables::publish(2, &cells, Breakdowns::Only(&[(0, 1)])).table(0, 1),
        few_beside_own: leaves_few_to_others(&cells),
        sums: meeting_statistics::meeting_sums(conn, None)?,
    })
}

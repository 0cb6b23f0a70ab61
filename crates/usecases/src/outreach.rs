//! Outreach meetings: a self-help centre's `centre_coordinator` or a competence centre's
//! `competence_adviser` plans a meeting for its organisation ([`plan_outreach_meeting`]),
//! changes its plan while planned ([`change_outreach_plan`]), marks it held with who was present,
//! or cancelled ([`move_outreach_meeting`]), and once held notes each invited organisation's
//! presence and follow-up ([`record_outreach_invitation`]). The organiser reads everything; an
//! invited organisation reads the meeting and its own invitation; for anyone else a meeting is
//! [`UseCaseError::NotFound`].

use crate::input::{FreeText, LogLine, Name};
use crate::{Context, UseCaseError};
use chrono::{DateTime, NaiveDate, Utc};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::chronology::{check_happened_on, check_past_on, check_within_horizon};
use samhandling_domain::ids::{OrganisationId, OutreachMeetingId};
use samhandling_domain::lifecycle::Lifecycle;
use samhandling_domain::outreach::{
    check_follow_up, check_invited, check_present, FollowUp, Invitation, OutreachKind,
    OutreachMeeting, OutreachOutcome, OutreachScope, OutreachStatus, SpeakerItem,
};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::refusal::FieldRefusal;
use samhandling_domain::venue::Venue;
use samhandling_domain::version::Precondition;
use samhandling_domain::Caller;
use samhandling_persistence::outreach as store;
use samhandling_persistence::{courses, PgConnection};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

pub use samhandling_persistence::outreach::OutreachFilter;

/// One item of the programme: a title and the speaker's organisation, with the speaker's role
/// at most (never a person's name).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutreachSpeaker {
    /// The title.
    pub title: LogLine,
    /// The speaker's organisation; it must exist (422 naming
    /// `programme[i].speaker_organisation_id`).
    pub speaker_organisation_id: Uuid,
    /// The speaker's role ("daglig leder", "deltaker"), if it says something; absent otherwise.
    #[serde(
        default,
        deserialize_with = "crate::input::present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(nullable = false)]
    pub speaker_role: Option<Name>,
}

impl From<OutreachSpeaker> for SpeakerItem {
    fn from(entry: OutreachSpeaker) -> Self {
        SpeakerItem {
            title: entry.title.into(),
            speaker_organisation_id: entry.speaker_organisation_id,
            speaker_role: entry.speaker_role.map(String::from),
        }
    }
}

impl From<SpeakerItem> for OutreachSpeaker {
    fn from(item: SpeakerItem) -> Self {
        OutreachSpeaker {
            title: LogLine::from_stored(item.title),
            speaker_organisation_id: item.speaker_organisation_id,
            speaker_role: item.speaker_role.map(Name::from_stored),
        }
    }
}

/// A new outreach meeting, organised by the caller's organisation.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "municipal_meeting",
    "title": "Kommunemøte om selvhjelp i Bergensregionen",
    "held_on": "2027-03-11",
    "place": "LINK Bergen, Kaigaten 4",
    "programme": [
        {"title": "Hva er LINK?", "speaker_organisation_id": "de300000-0000-7000-8000-001600000017", "speaker_role": "Daglig leder"},
        {"title": "Samarbeid med NAV", "speaker_organisation_id": "de300000-0000-7000-8000-001600000027"}
    ],
    "invited": ["de300000-0000-7000-8000-001600000015", "de300000-0000-7000-8000-001600000027"]
}))]
pub struct CreateOutreachMeeting {
    /// `municipal_meeting` (kommunemøte) or `information_meeting` (informasjonsmøte).
    pub kind: OutreachKind,
    /// What it is called.
    pub title: Name,
    /// Its date: within two years of today, either way.
    pub held_on: NaiveDate,
    /// Where; required unless `digital`.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub place: Option<Name>,
    /// Whether it is held digitally.
    #[serde(default)]
    pub digital: bool,
    /// The programme, item by item.
    #[serde(default)]
    #[validate(length(max = 30), nested)]
    #[schema(max_items = 30)]
    pub programme: Vec<OutreachSpeaker>,
    /// The organisations invited: each once, existing, and not the organiser.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_items = 1, max_items = 200)]
    pub invited: Vec<Uuid>,
}

/// Changes to a planned meeting; absent fields stay as they are, lists are replaced whole.
/// Send `If-Match` with its `ETag`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"held_on": "2027-03-18", "digital": true}))]
pub struct UpdateOutreachMeeting {
    /// What it is called.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub title: Option<Name>,
    /// Its date: within two years of today, either way.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub held_on: Option<NaiveDate>,
    /// Where; a meeting that is not digital keeps a place (422).
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub place: Option<Name>,
    /// Whether it is held digitally.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub digital: Option<bool>,
    /// The programme, replaced whole.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(length(max = 30), nested)]
    #[schema(max_items = 30, nullable = false)]
    pub programme: Option<Vec<OutreachSpeaker>>,
    /// The organisations invited, replaced whole.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_items = 1, max_items = 200, nullable = false)]
    pub invited: Option<Vec<Uuid>>,
}

/// A move of a planned meeting: to `held`, with who was present, or to `cancelled`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "held", "present": ["de300000-0000-7000-8000-001600000015"]}))]
pub struct MoveOutreachMeeting {
    /// The new status; see `allowed_transitions`.
    pub to: OutreachStatus,
    /// For `held` only: the invited organisations that were present (422 naming `present[i]`
    /// for one not invited).
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(length(max = 200))]
    #[schema(max_items = 200, nullable = false)]
    pub present: Option<Vec<Uuid>>,
}

/// The organiser's note of what one invited organisation wants.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutreachFollowUp {
    /// `interested`, `not_now` or `agreement_made`.
    pub outcome: OutreachOutcome,
    /// When it said so: not before the meeting, nor after tomorrow.
    pub on: NaiveDate,
    /// For `agreement_made`: the collaboration agreement between the organiser and this
    /// organisation (422 for any other).
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub agreement_id: Option<Uuid>,
    /// What was said, without names or national identity numbers.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub note: Option<FreeText>,
}

impl From<OutreachFollowUp> for FollowUp {
    fn from(entry: OutreachFollowUp) -> Self {
        FollowUp {
            outcome: entry.outcome,
            on: entry.on,
            agreement_id: entry.agreement_id,
            note: entry.note.map(String::from),
        }
    }
}

impl From<FollowUp> for OutreachFollowUp {
    fn from(follow_up: FollowUp) -> Self {
        OutreachFollowUp {
            outcome: follow_up.outcome,
            on: follow_up.on,
            agreement_id: follow_up.agreement_id,
            note: follow_up.note.map(FreeText::from_stored),
        }
    }
}

/// One invited organisation's presence and follow-up, replaced whole. Send `If-Match` with
/// the meeting's `ETag`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "present": true,
    "follow_up": {"outcome": "interested", "on": "2027-03-18", "note": "Vil ha tilbakemelding på henvisninger"}
}))]
pub struct RecordOutreachInvitation {
    /// Whether it was present.
    pub present: bool,
    /// Its follow-up; absent when none is noted yet.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(nested)]
    #[schema(nullable = false)]
    pub follow_up: Option<OutreachFollowUp>,
}

/// One invitation as its reader sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutreachInvitationView {
    /// The invited organisation.
    pub organisation_id: Uuid,
    /// Whether it was present.
    pub present: bool,
    /// The organiser's follow-up, once noted.
    pub follow_up: Option<OutreachFollowUp>,
}

/// An outreach meeting as its reader sees it: the organiser with every invitation, an invited
/// organisation with its own only.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutreachMeetingView {
    /// Identifier.
    pub id: Uuid,
    /// The organisation that holds it.
    pub organiser_id: Uuid,
    /// Its kind.
    pub kind: OutreachKind,
    /// What it is called.
    pub title: String,
    /// Its date.
    pub held_on: NaiveDate,
    /// Where, unless digital.
    pub place: Option<String>,
    /// Whether it is held digitally.
    pub digital: bool,
    /// The programme, in order.
    pub programme: Vec<OutreachSpeaker>,
    /// Where it stands.
    pub status: OutreachStatus,
    /// Where you may move it: the organiser's moves; none for an invited organisation.
    pub allowed_transitions: Vec<OutreachStatus>,
    /// Every invitation for the organiser; your own for an invited organisation.
    pub invitations: Vec<OutreachInvitationView>,
    /// Version, also the `ETag`.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

samhandling_domain::versioned!(OutreachMeetingView);

impl OutreachMeetingView {
    /// `meeting` as `scope` reads it (its invitations already those the scope shows).
    pub fn of(scope: OutreachScope, meeting: OutreachMeeting) -> OutreachMeetingView {
        OutreachMeetingView {
            allowed_transitions: if scope.organises(&meeting) {
                meeting.status.allowed_transitions()
            } else {
                Vec::new()
            },
            invitations: meeting
                .invitations
                .into_iter()
                .map(|invitation| OutreachInvitationView {
                    organisation_id: invitation.organisation_id,
                    present: invitation.present,
                    follow_up: invitation.follow_up.map(Into::into),
                })
                .collect(),
            programme: meeting.programme.into_iter().map(Into::into).collect(),
            id: meeting.id,
            organiser_id: meeting.organiser_id,
            kind: meeting.kind,
            title: meeting.title,
            held_on: meeting.held_on,
            place: meeting.place,
            digital: meeting.digital,
            status: meeting.status,
            version: meeting.version,
            created_at: meeting.created_at,
            updated_at: meeting.updated_at,
        }
    }
}

/// Every fault of a plan: its venue, the speakers' organisations and the invited list, and its
/// date when `date_given` (a change that keeps the date does not check it again).
fn check_plan(
    ctx: &mut Context<'_>,
    meeting: &OutreachMeeting,
    date_given: bool,
) -> Result<(), UseCaseError> {
    let speakers: Vec<Uuid> = meeting
        .programme
        .iter()
        .map(|item| item.speaker_organisation_id)
        .collect();
    let invited: Vec<Uuid> = meeting
        .invitations
        .iter()
        .map(|invitation| invitation.organisation_id)
        .collect();
    let named: Vec<Uuid> = speakers.iter().chain(&invited).copied().collect();
    let known: BTreeSet<Uuid> = courses::organisation_kinds(ctx.conn(), &named)?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mut refusals: Vec<FieldRefusal> = Vec::new();
    if date_given {
        let dated = check_within_horizon(meeting.held_on, ctx.now());
        refusals.extend(dated.err().map(|refusal| refusal.at("held_on")));
    }
    refusals.extend(Venue::new("a meeting", meeting.place.clone(), meeting.digital).err());
    refusals.extend(
        speakers
            .iter()
            .enumerate()
            .filter(|(_, id)| !known.contains(id))
            .map(|(index, _)| {
                FieldRefusal::new(
                    format!("programme[{index}].speaker_organisation_id"),
                    "not_found",
                    "names no organisation",
                )
            }),
    );
    refusals.extend(check_invited(meeting.organiser_id, &invited, |id| {
        known.contains(&id)
    }));
    UseCaseError::unless_refused(refusals)
}

fn invitations(invited: &[Uuid]) -> Vec<Invitation> {
    invited
        .iter()
        .map(|&organisation_id| Invitation {
            organisation_id,
            present: false,
            follow_up: None,
        })
        .collect()
}

/// Reads the meeting `id` back after a change, as its organiser.
fn organised(
    ctx: &mut Context<'_>,
    scope: OutreachScope,
    id: Uuid,
) -> Result<OutreachMeeting, UseCaseError> {
    store::find(ctx.conn(), id, scope)?.ok_or(UseCaseError::NotFound)
}

/// The caller's organisation plans the meeting `id`. Every fault of the plan is listed in one
/// refusal.
pub fn plan_outreach_meeting(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    plan: &CreateOutreachMeeting,
) -> Result<OutreachMeeting, UseCaseError> {
    let now = ctx.now();
    let meeting = OutreachMeeting {
        id,
        organiser_id: caller.organisation_id.uuid(),
        kind: plan.kind,
        title: plan.title.to_string(),
        held_on: plan.held_on,
        place: plan.place.clone().map(String::from),
        digital: plan.digital,
        programme: plan.programme.iter().cloned().map(Into::into).collect(),
        invitations: invitations(&plan.invited),
        status: OutreachStatus::Planned,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    check_plan(ctx, &meeting, true)?;
    store::insert(ctx.conn(), &meeting, &caller.subject)?;
    ctx.audit(AuditAction::Created, ResourceType::OutreachMeeting, id)?;
    organised(ctx, OutreachScope::organiser_of(caller), id)
}

/// The meeting `id` the caller's organisation organises, locked, as of the version it read.
fn locked(
    ctx: &mut Context<'_>,
    scope: OutreachScope,
    id: Uuid,
    read: Precondition,
) -> Result<OutreachMeeting, UseCaseError> {
    let meeting = store::find_for_update(ctx.conn(), id, scope)?.ok_or(UseCaseError::NotFound)?;
    read.check(meeting.version)?;
    Ok(meeting)
}

/// Changes the plan of the meeting `id` while it is planned (409 once held or cancelled).
pub fn change_outreach_plan(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    read: Precondition,
    edit: UpdateOutreachMeeting,
) -> Result<OutreachMeeting, UseCaseError> {
    let scope = OutreachScope::organiser_of(caller);
    let mut meeting = locked(ctx, scope, id, read)?;
    if meeting.status != OutreachStatus::Planned {
        return Err(UseCaseError::Conflict(format!(
            "the meeting is {}: only a planned meeting's plan changes",
            meeting.status
        )));
    }
    let date_given = edit.held_on.is_some();
    if let Some(title) = edit.title {
        meeting.title = title.into();
    }
    if let Some(held_on) = edit.held_on {
        meeting.held_on = held_on;
    }
    if let Some(place) = edit.place {
        meeting.place = Some(place.into());
    }
    if let Some(digital) = edit.digital {
        meeting.digital = digital;
    }
    if let Some(programme) = edit.programme {
        meeting.programme = programme.into_iter().map(Into::into).collect();
    }
    if let Some(invited) = edit.invited {
        meeting.invitations = invitations(&invited);
    }
    check_plan(ctx, &meeting, date_given)?;
    store::update_plan(ctx.conn(), &meeting)?;
    ctx.audit(AuditAction::Updated, ResourceType::OutreachMeeting, id)?;
    organised(ctx, scope, id)
}

/// Moves the meeting `id`: to `held` once its date has come, with the invited organisations
/// that were present, or to `cancelled`.
pub fn move_outreach_meeting(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    read: Precondition,
    step: &MoveOutreachMeeting,
) -> Result<OutreachMeeting, UseCaseError> {
    let scope = OutreachScope::organiser_of(caller);
    let meeting = locked(ctx, scope, id, read)?;
    meeting.status.check_transition(step.to)?;
    let present = step.present.clone().unwrap_or_default();
    let mut refusals = Vec::new();
    if step.to == OutreachStatus::Held {
        if check_past_on(meeting.held_on, ctx.now()).is_err() {
            refusals.push(FieldRefusal::new(
                "to",
                "not_yet_held",
                "the meeting's date has not come: mark it held once it has been",
            ));
        }
        let invited: Vec<Uuid> = meeting
            .invitations
            .iter()
            .map(|invitation| invitation.organisation_id)
            .collect();
        refusals.extend(check_present(&invited, &present));
    } else if step.present.is_some() {
        refusals.push(FieldRefusal::new(
            "present",
            "not_allowed",
            "who was present is recorded with the move to held",
        ));
    }
    UseCaseError::unless_refused(refusals)?;
    store::set_status(ctx.conn(), id, step.to, &present)?;
    ctx.audit(AuditAction::Transitioned, ResourceType::OutreachMeeting, id)?;
    organised(ctx, scope, id)
}

/// Records the presence and follow-up of the invited organisation `organisation` at the held
/// meeting `id` (409 before it is held or once cancelled; not found for an organisation not
/// invited).
pub fn record_outreach_invitation(
    ctx: &mut Context<'_>,
    caller: &Caller,
    (id, organisation): (OutreachMeetingId, OrganisationId),
    read: Precondition,
    record: &RecordOutreachInvitation,
) -> Result<OutreachMeeting, UseCaseError> {
    let (id, organisation) = (id.uuid(), organisation.uuid());
    let scope = OutreachScope::organiser_of(caller);
    let meeting = locked(ctx, scope, id, read)?;
    if !meeting
        .invitations
        .iter()
        .any(|invitation| invitation.organisation_id == organisation)
    {
        return Err(UseCaseError::NotFound);
    }
    if meeting.status != OutreachStatus::Held {
        return Err(UseCaseError::Conflict(format!(
            "the meeting is {}: presence and follow-ups are recorded once it is held",
            meeting.status
        )));
    }
    let follow_up: Option<FollowUp> = record.follow_up.clone().map(Into::into);
    if let Some(follow_up) = &follow_up {
        check_follow_up_of(ctx, &meeting, organisation, follow_up)?;
    }
    let invitation = Invitation {
        organisation_id: organisation,
        present: record.present,
        follow_up,
    };
    store::record_invitation(ctx.conn(), id, &invitation)?;
    ctx.audit(AuditAction::Updated, ResourceType::OutreachMeeting, id)?;
    organised(ctx, scope, id)
}

/// Every fault of a follow-up of `organisation` at `meeting`: its date, and the agreement it
/// names.
fn check_follow_up_of(
    ctx: &mut Context<'_>,
    meeting: &OutreachMeeting,
    organisation: Uuid,
    follow_up: &FollowUp,
) -> Result<(), UseCaseError> {
    let mut refusals: Vec<FieldRefusal> = Vec::new();
    let dated = check_happened_on(follow_up.on, meeting.held_on, "the meeting", ctx.now());
    refusals.extend(dated.err().map(|refusal| refusal.at("follow_up.on")));
    match (check_follow_up(follow_up), follow_up.agreement_id) {
        (Err(refusal), _) => refusals.push(refusal),
        (Ok(()), Some(agreement)) => {
            let between = store::agreement_between(
                ctx.conn(),
                agreement,
                meeting.organiser_id,
                organisation,
            )?;
            if !between {
                refusals.push(FieldRefusal::new(
                    "follow_up.agreement_id",
                    "not_between",
                    "names no collaboration agreement between the organiser and this organisation",
                ));
            }
        }
        (Ok(()), None) => {}
    }
    UseCaseError::unless_refused(refusals)
}

/// The meeting `id` as `scope` reads it, if it reaches it.
pub fn read_outreach_meeting(
    conn: &mut PgConnection,
    scope: OutreachScope,
    id: Uuid,
) -> Result<Option<OutreachMeeting>, UseCaseError> {
    Ok(store::find(conn, id, scope)?)
}

/// One page of the meetings `scope` reaches that pass `filter`.
pub fn list_outreach_meetings(
    conn: &mut PgConnection,
    scope: OutreachScope,
    filter: &OutreachFilter,
    page: PageRequest,
) -> Result<Page<OutreachMeeting>, UseCaseError> {
    Ok(store::list(conn, scope, filter, page)?)
}

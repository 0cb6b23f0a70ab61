//! The county governor's dialogue: planning and moving meetings, and what is recorded about them
//! (attendees, the IS-24/8 basis, findings, evaluations and follow-up actions). The governor's
//! advisers write to the meetings of their county; a municipality's contacts evaluate and move
//! its actions. A meeting outside what the caller may write to is [`UseCaseError::NotFound`].

use crate::coordination::{self, FindingNeedDraft, FindingOfNeeds};
use crate::input::{check_plain_text, FreeText, Name};
use crate::{Context, UseCaseError};
use chrono::NaiveDate;
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::chronology::check_past_on;
use samhandling_domain::dialogue::{
    check_figures, check_participants, county_of, ActionStatus, AttendeeRole, DialogueAccess,
    DialogueMeeting, DialogueStatus, DialogueView, Finding, FindingNeed, FocusArea, FollowUpAction,
    PartnerKind, RiskAssessment, RiskLevel,
};
use samhandling_domain::ids::{DialogueMeetingId, FindingId};
use samhandling_domain::lifecycle::Lifecycle;
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::refusal::FieldRefusal;
use samhandling_domain::venue::Venue;
use samhandling_domain::version::Precondition;
use samhandling_domain::{Caller, Role};
use samhandling_persistence::dialogue::{self as store, FindingsOf, EVALUATION_KEY, FINDING_KEY};
use samhandling_persistence::follow_up_actions as actions;
use samhandling_persistence::{is24, PgConnection, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

pub use samhandling_persistence::dialogue::{
    AttendeeRow, DialogueYear, EvaluationRow, TimelineEntry,
};
pub use samhandling_persistence::follow_up_actions::{ActionFilter, NewAction};
pub use samhandling_persistence::is24::BasisFigure;

/// The caller's access to dialogue records, with the county its organisation governs (if any).
pub fn access_of(conn: &mut PgConnection, caller: &Caller) -> Result<DialogueAccess, StoreError> {
    let county = if caller.has_role(Role::GovernorAdviser) {
        store::governed_county(conn, caller.organisation_id.uuid())?
    } else {
        None
    };
    Ok(DialogueAccess::of(caller, county))
}

/// The meeting `id` the caller governs, locked.
fn governed(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
) -> Result<(DialogueAccess, DialogueMeeting), UseCaseError> {
    let access = access_of(ctx.conn(), caller)?;
    let meeting = store::find_for_update(ctx.conn(), id, access.scope())?
        .filter(|meeting| access.view_of(meeting) == Some(DialogueView::Governor))
        .ok_or(UseCaseError::NotFound)?;
    Ok((access, meeting))
}

/// A new dialogue meeting.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Dialogmøte Innherred og Namdal",
    "held_on": "2026-10-14",
    "place": "Levanger rådhus",
    "digital": false,
    "focus_areas": ["substance_abuse", "mental_health"],
    "programme": ["Kommunene presenterer sitt arbeid", "IS-24/8: hva tallene viser", "Behov for bistand"],
    "municipalities": ["0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a70"],
    "partners": []
}))]
pub struct CreateMeeting {
    /// What it is called.
    pub title: Name,
    /// The date.
    pub held_on: NaiveDate,
    /// Where, unless digital.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub place: Option<Name>,
    /// Whether it is held digitally.
    #[serde(default)]
    pub digital: bool,
    /// What it is about.
    #[validate(length(min = 1, max = 3))]
    #[schema(min_items = 1, max_items = 3)]
    pub focus_areas: Vec<FocusArea>,
    /// The programme, item by item.
    #[serde(default)]
    #[validate(length(max = 30), custom(function = "check_programme"))]
    #[schema(value_type = Vec<Name>, max_items = 30)]
    pub programme: Vec<String>,
    /// The participating municipalities (organisations of kind `municipality` in your county).
    #[validate(length(min = 1, max = 30))]
    #[schema(min_items = 1, max_items = 30)]
    pub municipalities: Vec<Uuid>,
    /// Partner organisations (Mental Helse, RIO, KoRus, NAPHA, KBT …).
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub partners: Vec<Uuid>,
}

/// Each programme item is a name: a line of plain text of at most 200 characters.
fn check_programme(items: &[String]) -> Result<(), validator::ValidationError> {
    items.iter().try_for_each(|item| {
        if item.chars().count() > 200 {
            return Err(validator::ValidationError::new("length"));
        }
        check_plain_text(item)
    })
}

/// An attendee, by municipality and role.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"municipality_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a70", "role": "unit_leader", "title": "Enhetsleder psykisk helse og rus"}))]
pub struct AddAttendee {
    /// The participating municipality the attendee came from.
    pub municipality_id: Uuid,
    /// Their role.
    pub role: AttendeeRole,
    /// Their title.
    pub title: Name,
    /// Their name, if they want it recorded.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub name: Option<Name>,
}

/// The IS-24/8 figures a meeting used for one municipality.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"municipality_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a70", "report_year": 2026, "figures": {"arsverk_psykisk_helse": 12.5, "arsverk_rus": 4.0}}))]
pub struct RecordBasis {
    /// The participating municipality.
    pub municipality_id: Uuid,
    /// The report year; its questionnaire must be loaded (`PUT /api/v1/is24-questionnaires/{year}`).
    #[validate(range(min = 2000, max = 2100))]
    #[schema(minimum = 2000, maximum = 2100)]
    pub report_year: i16,
    /// Variable code → value; every code in the year's questionnaire, every value a number.
    #[validate(length(min = 1, max = 500))]
    #[schema(value_type = BTreeMap<String, f64>)]
    pub figures: BTreeMap<String, serde_json::Value>,
}

/// A need for help, naming the partner asked (who then sees and answers it), or at least the
/// kind of partner.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CollaborationNeedInput {
    /// The kind of partner; may be left out when `partner_organisation_id` is given.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub partner_kind: Option<PartnerKind>,
    /// The partner asked: a competence centre, a user organisation, or the governor itself.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub partner_organisation_id: Option<Uuid>,
    /// What.
    pub description: FreeText,
}

impl From<CollaborationNeedInput> for FindingNeedDraft {
    fn from(input: CollaborationNeedInput) -> Self {
        FindingNeedDraft {
            partner_kind: input.partner_kind,
            partner_organisation_id: input.partner_organisation_id,
            description: input.description.into(),
        }
    }
}

/// The governor's risk judgement: internal, seen by the county governor alone.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskInput {
    /// The level.
    pub level: RiskLevel,
    /// Why.
    pub rationale: FreeText,
}

/// What the governor found for one municipality.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "municipality_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a70",
    "presented_work": "Lavterskel rustilbud og FACT-team i samarbeid med nabokommunene.",
    "strengths": "Godt samarbeid med brukerorganisasjonene.",
    "challenges": "Få årsverk i rustjenesten.",
    "improvement_areas": "Systematisk brukermedvirkning.",
    "collaboration_needs": [{"partner_organisation_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a71", "description": "Opplæring i kartleggingsverktøy"}],
    "risk": {"level": "moderate", "rationale": "Bemanningen er sårbar."}
}))]
pub struct RecordFinding {
    /// The participating municipality.
    pub municipality_id: Uuid,
    /// The work presented, and good practice.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub presented_work: Option<FreeText>,
    /// Strengths.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub strengths: Option<FreeText>,
    /// Challenges.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub challenges: Option<FreeText>,
    /// Improvement areas.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub improvement_areas: Option<FreeText>,
    /// What help it needs, and from whom.
    #[serde(default)]
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    pub collaboration_needs: Vec<CollaborationNeedInput>,
    /// The governor's internal risk judgement.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(nested)]
    #[schema(nullable = false)]
    pub risk: Option<RiskInput>,
    /// Whether the partners who took part in the meeting see the finding's presented work,
    /// challenges and improvement areas (never the risk); `false` withholds it from them.
    #[serde(default = "shared_by_default")]
    #[schema(default = true)]
    pub shared_with_partners: bool,
}

/// A finding is shared with the meeting's partners unless the governor withholds it: the
/// meetings are where the competence centres and user organisations learn where they can help.
const fn shared_by_default() -> bool {
    true
}

/// A municipality's evaluation of a meeting.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"rating": 4, "comments": "Nyttig å høre hvordan nabokommunene jobber."}))]
pub struct SubmitEvaluation {
    /// 1 (poor) to 5 (very good).
    #[serde(deserialize_with = "crate::input::integral_required")]
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub rating: i16,
    /// Comments.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub comments: Option<FreeText>,
}

/// A follow-up action.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"owner_organisation_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a70", "description": "Lage plan for brukermedvirkning", "due_on": "2027-03-01", "follow_up_meeting_on": "2027-03-15", "follow_up_digital": true}))]
pub struct CreateAction {
    /// Whose action it is: a participant of the meeting, or your own organisation.
    pub owner_organisation_id: Uuid,
    /// What to do.
    pub description: FreeText,
    /// By when.
    pub due_on: NaiveDate,
    /// A follow-up meeting, if one is planned.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub follow_up_meeting_on: Option<NaiveDate>,
    /// Whether that meeting is digital.
    #[serde(default)]
    pub follow_up_digital: bool,
}

/// Plans the meeting `id` for the caller's county governor: every municipality of its county,
/// partners that are not municipalities (every refusal named). A governor without a county
/// number is a conflict.
pub fn plan_meeting(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    plan: &CreateMeeting,
) -> Result<(DialogueAccess, DialogueMeeting), UseCaseError> {
    Venue::new(
        "a meeting",
        plan.place.clone().map(String::from),
        plan.digital,
    )?;
    let access = access_of(ctx.conn(), caller)?;
    let county = access.governs().map(str::to_owned).ok_or_else(|| {
        UseCaseError::Conflict(
            "your organisation has no county_number: set it on the organisation first".into(),
        )
    })?;
    let named: Vec<Uuid> = plan
        .municipalities
        .iter()
        .chain(&plan.partners)
        .copied()
        .collect();
    let known = store::candidates(ctx.conn(), &named)?;
    let refusals = check_participants(&county, &plan.municipalities, &plan.partners, &known);
    UseCaseError::unless_refused(refusals)?;
    let now = ctx.now();
    let plan = plan.clone();
    let meeting = DialogueMeeting {
        id,
        county_governor_id: access.organisation_id(),
        county_number: county,
        title: plan.title.into(),
        held_on: plan.held_on,
        place: plan.place.map(String::from),
        digital: plan.digital,
        status: DialogueStatus::Planned,
        focus_areas: plan.focus_areas,
        programme: plan.programme,
        municipalities: plan.municipalities,
        partners: plan.partners,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let stored = store::insert(ctx.conn(), &meeting)?;
    ctx.audit(AuditAction::Created, ResourceType::DialogueMeeting, id)?;
    Ok((access, stored))
}

/// Moves the governed meeting `id` on along its line, `planned → held → followed_up → closed`.
pub fn move_meeting(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    to: DialogueStatus,
) -> Result<(DialogueAccess, DialogueMeeting), UseCaseError> {
    let (access, meeting) = governed(ctx, caller, id)?;
    meeting.status.check_transition(to)?;
    if to == DialogueStatus::Held {
        // A meeting is held on its day: marking it held before then would count it early.
        check_past_on(meeting.held_on, ctx.now()).map_err(|refusal| {
            UseCaseError::Invalid(vec![FieldRefusal::new(
                "to",
                "not_yet_held",
                format!("the meeting is planned for {}: {refusal}", meeting.held_on),
            )])
        })?;
    }
    let moved = store::transition(ctx.conn(), &meeting, to)?;
    ctx.audit(AuditAction::Transitioned, ResourceType::DialogueMeeting, id)?;
    Ok((access, moved))
}

/// Records an attendee of the governed meeting `id`, for one of its municipalities.
pub fn add_attendee(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    attendee: &AddAttendee,
) -> Result<AttendeeRow, UseCaseError> {
    let (_, meeting) = governed(ctx, caller, id)?;
    meeting.check_municipality(attendee.municipality_id)?;
    let row = store::add_attendee(
        ctx.conn(),
        id,
        attendee.municipality_id,
        attendee.role,
        &attendee.title,
        attendee.name.as_deref(),
    )?;
    ctx.audit(AuditAction::Updated, ResourceType::DialogueMeeting, id)?;
    Ok(row)
}

/// Records the IS-24/8 figures of a report year the governed meeting `id` used for a
/// municipality, replacing that year's: every code a variable of the year's questionnaire, every
/// value a number.
pub fn record_basis(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    basis: &RecordBasis,
) -> Result<(), UseCaseError> {
    let (municipality, year) = (basis.municipality_id, basis.report_year);
    let figures: Vec<(String, Option<f64>)> = basis
        .figures
        .iter()
        .map(|(code, value)| (code.clone(), value.as_f64()))
        .collect();
    let figures = &figures;
    let (_, meeting) = governed(ctx, caller, id)?;
    meeting.check_municipality(municipality)?;
    let variables = is24::questionnaire(ctx.conn(), year)?;
    let known: Vec<&str> = variables.iter().map(|v| v.code.as_str()).collect();
    let checked = check_figures(year, &known, figures).map_err(UseCaseError::Invalid)?;
    is24::record_basis(ctx.conn(), id, municipality, year, &checked)?;
    ctx.audit(AuditAction::Updated, ResourceType::DialogueMeeting, id)?;
    Ok(())
}

fn check_held(meeting: &DialogueMeeting) -> Result<(), UseCaseError> {
    if meeting.status.has_been_held() {
        Ok(())
    } else {
        Err(UseCaseError::Conflict(
            "the meeting has not been held yet: move it to held first".into(),
        ))
    }
}

/// Records the finding `finding_id` of the held, governed meeting `meeting_id`: once per
/// municipality. Its needs are raised with it, each told to the partner it names.
pub fn record_finding(
    ctx: &mut Context<'_>,
    caller: &Caller,
    (meeting_id, finding_id): (DialogueMeetingId, FindingId),
    draft: &RecordFinding,
) -> Result<Finding, UseCaseError> {
    let draft = draft.clone();
    let id = meeting_id.uuid();
    let (_, meeting) = governed(ctx, caller, id)?;
    check_held(&meeting)?;
    meeting.check_municipality(draft.municipality_id)?;
    let needs: Vec<FindingNeedDraft> = draft
        .collaboration_needs
        .into_iter()
        .map(FindingNeedDraft::from)
        .collect();
    let kinds = coordination::check_finding_needs(ctx.conn(), &meeting.county_number, &needs)?;
    let finding = Finding {
        id: finding_id.uuid(),
        meeting_id: id,
        municipality_id: draft.municipality_id,
        presented_work: draft.presented_work.map(String::from),
        strengths: draft.strengths.map(String::from),
        challenges: draft.challenges.map(String::from),
        improvement_areas: draft.improvement_areas.map(String::from),
        collaboration_needs: Vec::new(),
        risk: draft.risk.map(|risk| RiskAssessment {
            level: risk.level,
            rationale: risk.rationale.into(),
        }),
        shared_with_partners: draft.shared_with_partners,
        version: 1,
        created_at: ctx.now(),
    };
    let mut stored = store::insert_finding(ctx.conn(), &finding).map_err(UseCaseError::unique(
        FINDING_KEY,
        "the municipality's finding for this meeting is recorded already",
    ))?;
    let of = FindingOfNeeds {
        meeting_id: id,
        finding_id: stored.id,
        municipality_id: stored.municipality_id,
        county: &meeting.county_number,
    };
    stored.collaboration_needs = coordination::raise_from_finding(ctx, of, needs, kinds)?
        .into_iter()
        .map(FindingNeed::from)
        .collect();
    ctx.audit(AuditAction::Updated, ResourceType::DialogueMeeting, id)?;
    Ok(stored)
}

/// Shares the finding `finding_id` of the governed meeting `meeting_id` with the meeting's
/// partners, or withholds it from them, as of the version the governor read.
pub fn share_finding(
    ctx: &mut Context<'_>,
    caller: &Caller,
    (meeting_id, finding_id): (DialogueMeetingId, FindingId),
    read: Precondition,
    shared: bool,
) -> Result<Finding, UseCaseError> {
    let (meeting_id, finding_id) = (meeting_id.uuid(), finding_id.uuid());
    governed(ctx, caller, meeting_id)?;
    let (_, version) = store::finding_sharing_for_update(ctx.conn(), meeting_id, finding_id)?
        .ok_or(UseCaseError::NotFound)?;
    read.check(version)?;
    store::set_finding_sharing(ctx.conn(), finding_id, shared)?;
    ctx.audit(
        AuditAction::Updated,
        ResourceType::DialogueMeeting,
        meeting_id,
    )?;
    store::findings(ctx.conn(), meeting_id, FindingsOf::All)?
        .into_iter()
        .find(|finding| finding.id == finding_id)
        .ok_or(UseCaseError::NotFound)
}

/// Records the caller's municipality's evaluation of the held meeting `id`, once. Only a
/// contact of a participating municipality reaches the meeting.
pub fn submit_evaluation(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    evaluation: &SubmitEvaluation,
) -> Result<EvaluationRow, UseCaseError> {
    let access = access_of(ctx.conn(), caller)?;
    let meeting = store::find_for_update(ctx.conn(), id, access.scope())?
        .filter(|meeting| access.is_contact_of(meeting))
        .ok_or(UseCaseError::NotFound)?;
    check_held(&meeting)?;
    let row = store::insert_evaluation(
        ctx.conn(),
        id,
        access.organisation_id(),
        evaluation.rating,
        evaluation.comments.as_deref(),
        &caller.subject,
    )
    .map_err(UseCaseError::unique(
        EVALUATION_KEY,
        "your municipality has evaluated this meeting already",
    ))?;
    ctx.audit(AuditAction::Updated, ResourceType::DialogueMeeting, id)?;
    Ok(row)
}

/// Agrees a follow-up action at the governed meeting `id`: its owner takes part in the meeting
/// or is the governor.
pub fn agree_action(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    action: &CreateAction,
) -> Result<FollowUpAction, UseCaseError> {
    let (_, meeting) = governed(ctx, caller, id)?;
    meeting.check_action_owner(action.owner_organisation_id)?;
    let new = NewAction {
        meeting_id: id,
        owner_organisation_id: action.owner_organisation_id,
        description: action.description.as_str(),
        due_on: action.due_on,
        follow_up_meeting_on: action.follow_up_meeting_on,
        follow_up_digital: action.follow_up_digital,
    };
    let stored = actions::insert(ctx.conn(), &new)?;
    ctx.audit(
        AuditAction::Created,
        ResourceType::FollowUpAction,
        stored.id,
    )?;
    Ok(stored)
}

/// Moves the follow-up action `id` in the caller's reach (the governor's county, or its owner's
/// contacts) through its lifecycle: done and cancelled are final.
pub fn move_action(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    to: ActionStatus,
) -> Result<FollowUpAction, UseCaseError> {
    let access = access_of(ctx.conn(), caller)?;
    let action =
        actions::find_for_update(ctx.conn(), id, access.scope())?.ok_or(UseCaseError::NotFound)?;
    action.status.check_transition(to)?;
    let moved = actions::set_status(ctx.conn(), id, to)?;
    ctx.audit(AuditAction::Transitioned, ResourceType::FollowUpAction, id)?;
    Ok(moved)
}

// Reads: what each party may see, with the scope in every query.

/// The dialogue meetings the caller may see, with its access for rendering them.
pub fn list_meetings(
    conn: &mut PgConnection,
    caller: &Caller,
    status: Option<DialogueStatus>,
    page: PageRequest,
) -> Result<(DialogueAccess, Page<DialogueMeeting>), UseCaseError> {
    let access = access_of(conn, caller)?;
    let found = store::list(conn, access.scope(), status, page)?;
    Ok((access, found))
}

/// What a read adds to a meeting, as loaded for the caller's view (`None`: not shown to it).
#[derive(Debug, Default)]
pub struct MeetingDetails {
    /// The attendees.
    pub attendees: Option<Vec<AttendeeRow>>,
    /// The findings: every one for the governor, its own for a municipality, those shared with
    /// partners for a partner.
    pub findings: Option<Vec<Finding>>,
    /// The evaluations, likewise.
    pub evaluations: Option<Vec<EvaluationRow>>,
    /// The follow-up actions in the caller's scope.
    pub actions: Option<Vec<FollowUpAction>>,
}

/// The meeting `id` in the caller's scope, with what its view shows: a partner sees the
/// meeting and the findings shared with partners, a municipality only its own findings and
/// evaluations.
pub fn read_meeting(
    conn: &mut PgConnection,
    caller: &Caller,
    id: Uuid,
) -> Result<(DialogueAccess, DialogueMeeting, MeetingDetails), UseCaseError> {
    let access = access_of(conn, caller)?;
    let meeting = store::find(conn, id, access.scope())?.ok_or(UseCaseError::NotFound)?;
    let which = match access.view_of(&meeting) {
        Some(DialogueView::Governor) => FindingsOf::All,
        Some(DialogueView::Municipality) => FindingsOf::Municipality(access.organisation_id()),
        Some(DialogueView::Partner) => {
            let details = MeetingDetails {
                findings: Some(store::findings(
                    conn,
                    meeting.id,
                    FindingsOf::SharedWithPartners,
                )?),
                ..MeetingDetails::default()
            };
            return Ok((access, meeting, details));
        }
        None => return Ok((access, meeting, MeetingDetails::default())),
    };
    let own = match which {
        FindingsOf::Municipality(municipality) => Some(municipality),
        _ => None,
    };
    let filter = ActionFilter {
        meeting_id: Some(meeting.id),
        ..ActionFilter::default()
    };
    let page = PageRequest {
        limit: PageRequest::MAX_LIMIT,
        after: None,
    };
    let details = MeetingDetails {
        attendees: Some(store::attendees(conn, meeting.id)?),
        findings: Some(store::findings(conn, meeting.id, which)?),
        evaluations: Some(store::evaluations(conn, meeting.id, own)?),
        actions: Some(actions::list(conn, access.scope(), filter, page)?.items),
    };
    Ok((access, meeting, details))
}

/// The IS-24/8 basis of the meeting `id` in the caller's scope, municipality by municipality:
/// every one for the governor, its own for a municipality, none for a partner.
pub fn read_basis(
    conn: &mut PgConnection,
    caller: &Caller,
    id: Uuid,
) -> Result<Vec<BasisFigure>, UseCaseError> {
    let access = access_of(conn, caller)?;
    let meeting = store::find(conn, id, access.scope())?.ok_or(UseCaseError::NotFound)?;
    Ok(match access.view_of(&meeting) {
        Some(DialogueView::Governor) => is24::basis(conn, id, None)?,
        Some(DialogueView::Municipality) => is24::basis(conn, id, Some(access.organisation_id()))?,
        Some(DialogueView::Partner) | None => Vec::new(),
    })
}

/// The follow-up actions in the caller's scope that pass `filter`.
pub fn list_actions(
    conn: &mut PgConnection,
    caller: &Caller,
    filter: ActionFilter,
    page: PageRequest,
) -> Result<Page<FollowUpAction>, UseCaseError> {
    let access = access_of(conn, caller)?;
    Ok(actions::list(conn, access.scope(), filter, page)?)
}

/// A municipality the caller may not see: the organisation its denial is traced on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HiddenTimeline(pub Uuid);

/// Who reads a municipality's own records across meetings: its county's governor, or the
/// municipality itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MunicipalityReader {
    /// The governor of the municipality's county.
    Governor,
    /// The municipality's own contacts.
    Municipality,
}

/// The municipality numbered `number`, if the caller reads its records as its county's
/// governor or as the municipality itself. An unknown number is hidden as the nil id, which
/// names no organisation, so that its denial takes the same path as a municipality's the caller
/// may not see.
pub fn reach_municipality(
    conn: &mut PgConnection,
    caller: &Caller,
    number: &str,
) -> Result<Result<(Uuid, MunicipalityReader), HiddenTimeline>, UseCaseError> {
    let access = access_of(conn, caller)?;
    let Some(municipality) = store::municipality_by_number(conn, number)? else {
        return Ok(Err(HiddenTimeline(Uuid::nil())));
    };
    Ok(if access.governs() == Some(county_of(number)) {
        Ok((municipality, MunicipalityReader::Governor))
    } else if access.speaks_for(municipality) {
        Ok((municipality, MunicipalityReader::Municipality))
    } else {
        Err(HiddenTimeline(municipality))
    })
}

/// The dialogue timeline of the municipality numbered `number`, for its county's governor and
/// the municipality itself (see [`reach_municipality`]).
pub fn municipality_timeline(
    conn: &mut PgConnection,
    caller: &Caller,
    number: &str,
    page: PageRequest,
) -> Result<Result<Page<TimelineEntry>, HiddenTimeline>, UseCaseError> {
    Ok(match reach_municipality(conn, caller, number)? {
        Ok((municipality, _)) => Ok(store::timeline(conn, municipality, page)?),
        Err(hidden) => Err(hidden),
    })
}

/// The yearly dialogue counts, of one county or of all.
pub fn statistics(
    conn: &mut PgConnection,
    county: Option<&str>,
) -> Result<Vec<DialogueYear>, UseCaseError> {
    Ok(store::years(conn, county)?)
}

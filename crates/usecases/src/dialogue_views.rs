//! A dialogue meeting as each party is shown it (the governor's, a participating
//! municipality's, a partner's), with its attendees, findings, evaluations, actions and basis.

use crate::dialogue::{AttendeeRow, BasisFigure, EvaluationRow, MeetingDetails};
use chrono::{DateTime, NaiveDate, Utc};
use samhandling_domain::dialogue::{
    ActionStatus, AttendeeRole, DialogueAccess, DialogueMeeting, DialogueStatus, DialogueView,
    Finding, FindingNeed, FollowUpAction,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// An attendee.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeView {
    /// Identifier.
    pub id: Uuid,
    /// The municipality.
    pub municipality_id: Uuid,
    /// Their role.
    pub role: AttendeeRole,
    /// Their title.
    pub title: String,
    /// Their name, if recorded.
    pub name: Option<String>,
}

/// A finding as its municipality sees it: no risk assessment.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityFinding {
    /// Identifier.
    pub id: Uuid,
    /// The municipality (yours).
    pub municipality_id: Uuid,
    /// The work presented.
    pub presented_work: Option<String>,
    /// Strengths.
    pub strengths: Option<String>,
    /// Challenges.
    pub challenges: Option<String>,
    /// Improvement areas.
    pub improvement_areas: Option<String>,
    /// What help it needs, from whom, and where each need stands.
    pub collaboration_needs: Vec<FindingNeed>,
    /// Recorded.
    pub created_at: DateTime<Utc>,
}

impl From<Finding> for MunicipalityFinding {
    fn from(finding: Finding) -> Self {
        MunicipalityFinding {
            collaboration_needs: finding.collaboration_needs,
            id: finding.id,
            municipality_id: finding.municipality_id,
            presented_work: finding.presented_work,
            strengths: finding.strengths,
            challenges: finding.challenges,
            improvement_areas: finding.improvement_areas,
            created_at: finding.created_at,
        }
    }
}

/// An evaluation.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationView {
    /// Identifier.
    pub id: Uuid,
    /// The municipality.
    pub municipality_id: Uuid,
    /// 1 to 5.
    pub rating: i16,
    /// Comments.
    pub comments: Option<String>,
    /// Submitted.
    pub created_at: DateTime<Utc>,
}

impl From<EvaluationRow> for EvaluationView {
    fn from(row: EvaluationRow) -> Self {
        EvaluationView {
            id: row.id,
            municipality_id: row.municipality_id,
            rating: row.rating,
            comments: row.comments,
            created_at: row.created_at,
        }
    }
}

/// A follow-up action.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionView {
    /// Identifier.
    pub id: Uuid,
    /// The meeting.
    pub meeting_id: Uuid,
    /// Whose it is.
    pub owner_organisation_id: Uuid,
    /// What to do.
    pub description: String,
    /// By when.
    pub due_on: NaiveDate,
    /// A follow-up meeting.
    pub follow_up_meeting_on: Option<NaiveDate>,
    /// Whether that meeting is digital.
    pub follow_up_digital: bool,
    /// Where it is.
    pub status: ActionStatus,
    /// Where it may go.
    pub allowed_transitions: Vec<ActionStatus>,
    /// Whether it is late today.
    pub overdue: bool,
    /// Version, also the `ETag`.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
}

samhandling_domain::versioned!(ActionView);

impl AttendeeView {
    /// The attendee as shown; `None` for a row whose role this version does not know.
    pub fn of(row: AttendeeRow) -> Option<Self> {
        Some(AttendeeView {
            role: row.role.parse().ok()?,
            id: row.id,
            municipality_id: row.municipality_id,
            title: row.title,
            name: row.name,
        })
    }
}

impl From<FollowUpAction> for ActionView {
    fn from(action: FollowUpAction) -> Self {
        ActionView {
            overdue: action.is_overdue(Utc::now().date_naive()),
            allowed_transitions: action.status.allowed_transitions(),
            id: action.id,
            meeting_id: action.meeting_id,
            owner_organisation_id: action.owner_organisation_id,
            description: action.description,
            due_on: action.due_on,
            follow_up_meeting_on: action.follow_up_meeting_on,
            follow_up_digital: action.follow_up_digital,
            status: action.status,
            version: action.version,
            created_at: action.created_at,
        }
    }
}

/// The governor's view of a meeting: everything, with every risk assessment.
#[derive(Debug, Serialize, ToSchema)]
pub struct GovernorMeeting {
    /// The meeting.
    #[serde(flatten)]
    pub meeting: DialogueMeeting,
    /// Where it may move.
    pub allowed_transitions: Vec<DialogueStatus>,
    /// Attendees; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendees: Option<Vec<AttendeeView>>,
    /// Findings per municipality; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<Finding>>,
    /// Evaluations; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluations: Option<Vec<EvaluationView>>,
    /// Follow-up actions; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<ActionView>>,
}

/// A participating municipality's view: its own findings (never a risk assessment), its own
/// evaluations and actions.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityMeeting {
    /// The meeting.
    #[serde(flatten)]
    pub meeting: DialogueMeeting,
    /// Your findings; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<MunicipalityFinding>>,
    /// Your evaluation, once submitted; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluations: Option<Vec<EvaluationView>>,
    /// Your actions; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<ActionView>>,
}

/// A finding as the meeting's partners see it, when the governor shares it: the work presented,
/// the challenges and the improvement areas; never the risk, the strengths or the needs (a
/// partner sees the needs addressed to it at `/collaboration-needs`).
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerFinding {
    /// Identifier.
    pub id: Uuid,
    /// The municipality.
    pub municipality_id: Uuid,
    /// The work presented.
    pub presented_work: Option<String>,
    /// Challenges.
    pub challenges: Option<String>,
    /// Improvement areas.
    pub improvement_areas: Option<String>,
    /// Recorded.
    pub created_at: DateTime<Utc>,
}

impl From<Finding> for PartnerFinding {
    fn from(finding: Finding) -> Self {
        PartnerFinding {
            id: finding.id,
            municipality_id: finding.municipality_id,
            presented_work: finding.presented_work,
            challenges: finding.challenges,
            improvement_areas: finding.improvement_areas,
            created_at: finding.created_at,
        }
    }
}

/// A partner's view: the meeting, with the findings the governor shares with partners.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerMeeting {
    /// The meeting.
    #[serde(flatten)]
    pub meeting: DialogueMeeting,
    /// The findings shared with partners; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<PartnerFinding>>,
}

/// A meeting as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum MeetingView {
    /// The county governor's.
    Governor(Box<GovernorMeeting>),
    /// A participating municipality's.
    Municipality(Box<MunicipalityMeeting>),
    /// A partner's.
    Partner(Box<PartnerMeeting>),
}

/// The meeting as the caller `access` may see it, with what `details` holds of it.
pub fn view(
    access: &DialogueAccess,
    meeting: &DialogueMeeting,
    details: MeetingDetails,
) -> MeetingView {
    let facts = meeting.clone();
    let evaluations = details
        .evaluations
        .map(|rows| rows.into_iter().map(EvaluationView::from).collect());
    let actions = details
        .actions
        .map(|rows| rows.into_iter().map(ActionView::from).collect());
    match access.view_of(meeting) {
        Some(DialogueView::Governor) => MeetingView::Governor(Box::new(GovernorMeeting {
            allowed_transitions: meeting.status.next().into_iter().collect(),
            attendees: details
                .attendees
                .map(|rows| rows.into_iter().filter_map(AttendeeView::of).collect()),
            findings: details.findings,
            evaluations,
            actions,
            meeting: facts,
        })),
        Some(DialogueView::Municipality) => {
            MeetingView::Municipality(Box::new(MunicipalityMeeting {
                findings: details
                    .findings
                    .map(|rows| rows.into_iter().map(MunicipalityFinding::from).collect()),
                evaluations,
                actions,
                meeting: facts,
            }))
        }
        Some(DialogueView::Partner) | None => MeetingView::Partner(Box::new(PartnerMeeting {
            findings: details
                .findings
                .map(|rows| rows.into_iter().map(PartnerFinding::from).collect()),
            meeting: facts,
        })),
    }
}

/// One figure of the basis, with the previous year's when both exist.
#[derive(Debug, Serialize, ToSchema)]
pub struct FigureView {
    /// The variable's code.
    pub code: String,
    /// What it asks.
    pub label: String,
    /// Its unit.
    pub unit: String,
    /// The value.
    pub value: f64,
    /// The same variable the year before, when reported.
    pub previous_year: Option<f64>,
    /// `value - previous_year`, when both exist.
    pub change: Option<f64>,
}

impl From<BasisFigure> for FigureView {
    fn from(figure: BasisFigure) -> Self {
        FigureView {
            change: figure.previous.map(|previous| figure.value - previous),
            code: figure.code,
            label: figure.label,
            unit: figure.unit,
            value: figure.value,
            previous_year: figure.previous,
        }
    }
}

/// A municipality's basis in a meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityBasis {
    /// The municipality.
    pub municipality_id: Uuid,
    /// The report year used.
    pub report_year: i16,
    /// Its figures, by code.
    pub figures: Vec<FigureView>,
}

/// The basis of a meeting.
#[derive(Debug, Serialize, ToSchema)]
pub struct Basis {
    /// Per municipality (your own, for a municipality; none for a partner).
    pub items: Vec<MunicipalityBasis>,
}

impl Basis {
    /// The figures of a basis, municipality by municipality, each with its change from the year
    /// before.
    pub fn of(figures: Vec<BasisFigure>) -> Basis {
        let mut items: Vec<MunicipalityBasis> = Vec::new();
        for figure in figures {
            let (municipality_id, report_year) = (figure.municipality_id, figure.report_year);
            let shown = FigureView::from(figure);
            match items.last_mut() {
                Some(last) if last.municipality_id == municipality_id => {
                    last.figures.push(shown);
                }
                _ => items.push(MunicipalityBasis {
                    municipality_id,
                    report_year,
                    figures: vec![shown],
                }),
            }
        }
        Basis { items }
    }
}

//! Grants: a funder (county governor, municipality, national or regional health authority)
//! records a grant it gives, or a recipient (self-help centre, competence centre, user
//! organisation) applies for one ([`record_grant`]); the parties move it by party
//! ([`move_grant`]); the funder and the recipient read it and its report ([`grant_report`]),
//! whose every count goes through the disclosure control. A grant the caller is no party to is
//! [`UseCaseError::NotFound`]. A funded course or network shows what funds it
//! ([`funding_of`]).

use crate::group_statistics;
use crate::input::FreeText;
use crate::{Context, UseCaseError};
use chrono::{DateTime, NaiveDate, Utc};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::chronology::check_past_on;
use samhandling_domain::grant::{
    check_amount, check_move, check_party_kind, check_period, Activity, ActivityKind, Grant,
    GrantParty, GrantScope, GrantStatus, Quarter,
};
use samhandling_domain::group::{GroupDimension, GroupMeasure};
use samhandling_domain::ids::{CourseId, LearningNetworkId, OrganisationId};
use samhandling_domain::lifecycle::check_among;
use samhandling_domain::organisation::OrganisationKind;
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::refusal::FieldRefusal;
use samhandling_domain::statistics::{self, Cell, CountTable, SuppressedTable};
use samhandling_domain::version::Precondition;
use samhandling_domain::Caller;
use samhandling_persistence::grants::{self as store, Funding, Measure};
use samhandling_persistence::{agreements, PgConnection};
use serde::{Deserialize, Serialize};
use std::collections::btree_map::{BTreeMap, Entry};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

pub use samhandling_persistence::grants::{GrantFilter, Side};

/// One activity a grant pays for: exactly one of `course_id`, `learning_network_id`,
/// `centre_operation` (true) or `project`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantActivity {
    /// A network-meeting course the recipient organises.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub course_id: Option<Uuid>,
    /// A learning network the recipient coordinates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub learning_network_id: Option<Uuid>,
    /// The recipient self-help centre's operation: its groups and placements.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub centre_operation: bool,
    /// A project, in words (LINK Bergen's outreach to refugees, AAP recipients and young
    /// adults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub project: Option<FreeText>,
}

impl GrantActivity {
    /// The activity this names, or the refusal of an entry that names none or several.
    fn to_activity(&self, index: usize) -> Result<Activity, FieldRefusal> {
        let named = [
            self.course_id.map(Activity::Course),
            self.learning_network_id.map(Activity::LearningNetwork),
            self.centre_operation.then_some(Activity::CentreOperation),
            self.project
                .as_ref()
                .map(|text| Activity::Project(text.to_string())),
        ];
        let mut named = named.into_iter().flatten();
        match (named.next(), named.next()) {
            (Some(activity), None) => Ok(activity),
            _ => Err(FieldRefusal::new(
                format!("activities[{index}]"),
                "one_activity",
                "name exactly one of course_id, learning_network_id, centre_operation or project",
            )),
        }
    }

    /// `activity` as the wire shows it.
    fn of(activity: &Activity) -> GrantActivity {
        match activity {
            Activity::Course(id) => GrantActivity {
                course_id: Some(*id),
                ..GrantActivity::default()
            },
            Activity::LearningNetwork(id) => GrantActivity {
                learning_network_id: Some(*id),
                ..GrantActivity::default()
            },
            Activity::CentreOperation => GrantActivity {
                centre_operation: true,
                ..GrantActivity::default()
            },
            Activity::Project(text) => GrantActivity {
                project: Some(FreeText::from_stored(text.clone())),
                ..GrantActivity::default()
            },
        }
    }
}

/// A grant, as the funder records it or the recipient applies for it.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "funder_organisation_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a73",
    "recipient_organisation_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a74",
    "amount_nok": 100_000,
    "valid_from": "2027-09-01",
    "valid_until": "2027-12-31",
    "purpose": "Driftsmidler til nettverksmøtekursene resten av året",
    "activities": [{"course_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a75"}]
}))]
pub struct RecordGrant {
    /// Who gives the money: the caller's organisation when the funder records the grant.
    pub funder_organisation_id: Uuid,
    /// Who receives it: the caller's organisation when the recipient applies.
    pub recipient_organisation_id: Uuid,
    /// The amount in whole Norwegian kroner, an integer (no øre, never a fraction): 1 to
    /// 10 000 000 000.
    #[schema(minimum = 1, maximum = 10_000_000_000_i64, format = Int64)]
    pub amount_nok: i64,
    /// First day it pays for.
    pub valid_from: NaiveDate,
    /// Last day it pays for; open-ended when absent.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub valid_until: Option<NaiveDate>,
    /// What it is for.
    pub purpose: FreeText,
    /// What it pays for, 1 to 20 activities.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20)]
    pub activities: Vec<GrantActivity>,
}

/// A move of a grant.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "stopped", "reason": "Finansieringen avsluttet", "on": "2019-03-31"}))]
pub struct MoveGrant {
    /// The new status; see `allowed_transitions`.
    pub to: GrantStatus,
    /// Why: required to stop, refused otherwise.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub reason: Option<FreeText>,
    /// The day it ended or stopped (today when absent); refused for the other moves, and never
    /// in the future.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub on: Option<NaiveDate>,
}

/// A grant as its parties see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantView {
    /// Identifier.
    pub id: Uuid,
    /// Who gives the money.
    pub funder_organisation_id: Uuid,
    /// Who receives it.
    pub recipient_organisation_id: Uuid,
    /// The amount in whole Norwegian kroner (an integer).
    #[schema(format = Int64)]
    pub amount_nok: i64,
    /// First day it pays for.
    pub valid_from: NaiveDate,
    /// Last day it pays for.
    pub valid_until: Option<NaiveDate>,
    /// What it is for.
    pub purpose: String,
    /// What it pays for.
    pub activities: Vec<GrantActivity>,
    /// Where it stands.
    pub status: GrantStatus,
    /// Where you may move it.
    pub allowed_transitions: Vec<GrantStatus>,
    /// Why it was stopped.
    pub stop_reason: Option<String>,
    /// The day it ended or stopped.
    pub closed_on: Option<NaiveDate>,
    /// Version, also the `ETag`.
    pub version: i32,
    /// Recorded.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

samhandling_domain::versioned!(GrantView);

impl GrantView {
    /// `grant` as the caller with `scope` is shown it.
    pub fn of(scope: GrantScope, grant: Grant) -> GrantView {
        GrantView {
            allowed_transitions: scope.allowed_moves(&grant),
            activities: grant.activities.iter().map(GrantActivity::of).collect(),
            id: grant.id,
            funder_organisation_id: grant.funder_organisation_id,
            recipient_organisation_id: grant.recipient_organisation_id,
            amount_nok: grant.amount_nok,
            valid_from: grant.valid_from,
            valid_until: grant.valid_until,
            purpose: grant.purpose,
            status: grant.status,
            stop_reason: grant.stop_reason,
            closed_on: grant.closed_on,
            version: grant.version,
            created_at: grant.created_at,
            updated_at: grant.updated_at,
        }
    }
}

/// The party the caller records a grant as: the funder when its organisation is the funder
/// named and it holds a funder's role, else the recipient likewise; neither is a 422 naming
/// both fields.
fn recording_party(scope: GrantScope, request: &RecordGrant) -> Result<GrantParty, UseCaseError> {
    if scope.funder == Some(request.funder_organisation_id) {
        return Ok(GrantParty::Funder);
    }
    if scope.recipient == Some(request.recipient_organisation_id) {
        return Ok(GrantParty::Recipient);
    }
    Err(UseCaseError::Invalid(
        [GrantParty::Funder, GrantParty::Recipient]
            .into_iter()
            .map(|party| {
                FieldRefusal::new(
                    party.field(),
                    "not_yours",
                    "one of funder_organisation_id and recipient_organisation_id must be your organisation, in a role that acts for it",
                )
            })
            .collect(),
    ))
}

/// The refusals of activities the recipient does not run: a course it does not organise, a
/// network it does not coordinate, the operation of an organisation that is no self-help
/// centre.
fn activity_refusals(
    conn: &mut PgConnection,
    activities: &[(usize, Activity)],
    recipient: Uuid,
    recipient_kind: Option<OrganisationKind>,
) -> Result<Vec<FieldRefusal>, UseCaseError> {
    let ids = |kind: ActivityKind| -> Vec<Uuid> {
        activities
            .iter()
            .filter_map(|(_, activity)| match activity {
                Activity::Course(id) if kind == ActivityKind::Course => Some(*id),
                Activity::LearningNetwork(id) if kind == ActivityKind::LearningNetwork => Some(*id),
                _ => None,
            })
            .collect()
    };
    let foreign_courses =
        store::courses_not_organised_by(conn, &ids(ActivityKind::Course), recipient)?;
    let foreign_networks =
        store::networks_not_coordinated_by(conn, &ids(ActivityKind::LearningNetwork), recipient)?;
    let refusal = |index: usize, field: &str, code: &'static str, message: &str| {
        FieldRefusal::new(format!("activities[{index}].{field}"), code, message)
    };
    Ok(activities
        .iter()
        .filter_map(|(index, activity)| match activity {
            Activity::Course(id) if foreign_courses.contains(id) => Some(refusal(
                *index,
                "course_id",
                "not_organised_by_recipient",
                "names no course the recipient organises",
            )),
            Activity::LearningNetwork(id) if foreign_networks.contains(id) => Some(refusal(
                *index,
                "learning_network_id",
                "not_coordinated_by_recipient",
                "names no learning network the recipient coordinates",
            )),
            Activity::CentreOperation
                if recipient_kind != Some(OrganisationKind::SelfHelpCentre) =>
            {
                Some(refusal(
                    *index,
                    "centre_operation",
                    "not_a_centre",
                    "only a self-help centre's operation is funded this way",
                ))
            }
            _ => None,
        })
        .collect())
}

/// The funder records a grant it gives (`granted`), or the recipient applies for one
/// (`applied`). Every fault of the request is listed in one refusal.
pub fn record_grant(
    ctx: &mut Context<'_>,
    scope: GrantScope,
    caller: &Caller,
    id: Uuid,
    request: &RecordGrant,
) -> Result<Grant, UseCaseError> {
    let party = recording_party(scope, request)?;
    let funder_kind = agreements::kind_of(ctx.conn(), request.funder_organisation_id)?;
    let recipient_kind = agreements::kind_of(ctx.conn(), request.recipient_organisation_id)?;
    let mut activities = Vec::new();
    let mut refusals: Vec<FieldRefusal> = [
        check_amount(request.amount_nok),
        check_period(request.valid_from, request.valid_until),
        check_party_kind(GrantParty::Funder, funder_kind),
        check_party_kind(GrantParty::Recipient, recipient_kind),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect();
    for (index, entry) in request.activities.iter().enumerate() {
        match entry.to_activity(index) {
            Ok(activity) => activities.push((index, activity)),
            Err(refusal) => refusals.push(refusal),
        }
    }
    refusals.extend(activity_refusals(
        ctx.conn(),
        &activities,
        request.recipient_organisation_id,
        recipient_kind,
    )?);
    UseCaseError::unless_refused(refusals)?;
    let now = ctx.now();
    let grant = Grant {
        id,
        funder_organisation_id: request.funder_organisation_id,
        recipient_organisation_id: request.recipient_organisation_id,
        amount_nok: request.amount_nok,
        valid_from: request.valid_from,
        valid_until: request.valid_until,
        purpose: request.purpose.to_string(),
        activities: activities
            .into_iter()
            .map(|(_, activity)| activity)
            .collect(),
        status: party.records_as(),
        stop_reason: None,
        closed_on: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let stored = store::insert(ctx.conn(), &grant, &caller.subject)?;
    ctx.audit(AuditAction::Created, ResourceType::Grant, id)?;
    Ok(stored)
}

/// Moves the grant `id` the caller is a party to, as of the version it read. An end or a stop
/// is dated (`on`, today by default), never in the future.
pub fn move_grant(
    ctx: &mut Context<'_>,
    scope: GrantScope,
    id: Uuid,
    read: Precondition,
    step: &MoveGrant,
) -> Result<Grant, UseCaseError> {
    let grant = store::find_for_update(ctx.conn(), id, scope)?.ok_or(UseCaseError::NotFound)?;
    read.check(grant.version)?;
    check_among(grant.status, step.to, &scope.allowed_moves(&grant))?;
    let closes = matches!(step.to, GrantStatus::Ended | GrantStatus::Stopped);
    let mut refusals: Vec<FieldRefusal> = check_move(step.to, step.reason.is_some())
        .err()
        .into_iter()
        .collect();
    let now = ctx.now();
    let closed_on = match (closes, step.on) {
        (true, on) => {
            let on = on.unwrap_or_else(|| now.date_naive());
            if let Err(refusal) = check_past_on(on, now) {
                refusals.push(refusal.at("on"));
            }
            Some(on)
        }
        (false, None) => None,
        (false, Some(_)) => {
            refusals.push(FieldRefusal::new(
                "on",
                "not_allowed",
                format!("a move to {} is not dated", step.to),
            ));
            None
        }
    };
    UseCaseError::unless_refused(refusals)?;
    let moved = store::set_status(ctx.conn(), id, step.to, step.reason.as_deref(), closed_on)?;
    ctx.audit(AuditAction::Transitioned, ResourceType::Grant, id)?;
    Ok(moved)
}

/// The grant `id`, if the caller is a party to it.
pub fn read_grant(
    conn: &mut PgConnection,
    scope: GrantScope,
    id: Uuid,
) -> Result<Option<Grant>, UseCaseError> {
    Ok(store::find(conn, id, scope)?)
}

/// One page of the grants the caller is a party to.
pub fn list_grants(
    conn: &mut PgConnection,
    scope: GrantScope,
    filter: &GrantFilter,
    page: PageRequest,
) -> Result<Page<Grant>, UseCaseError> {
    Ok(store::list(conn, scope, filter, page)?)
}

/// The row label of `measure`'s table, as the report names it.
const fn measure_name(measure: Measure) -> &'static str {
    match measure {
        Measure::CoursesHeld => "courses_held",
        Measure::PeopleTrained => "people_trained",
        Measure::NetworkMeetings => "network_meetings",
        Measure::GatheringsHeld => "gatherings_held",
        Measure::Attendances => "attendances",
        Measure::GroupsStarted => "groups_started",
        Measure::PeoplePlaced => "people_placed",
    }
}

/// What a grant's report holds: the counts of each measure its activities have, by ended
/// quarter within its period, each published on its own.
#[derive(Debug)]
pub struct GrantReport {
    /// The grant.
    pub grant_id: Uuid,
    /// The quarters counted (`2027-Q1`), oldest first.
    pub quarters: Vec<String>,
    /// Each measure's table: a row per activity (a course's or a network's id, or
    /// `centre_operation`), a column per quarter, and the totals.
    pub tables: Vec<(&'static str, SuppressedTable)>,
    /// The projects it pays for, which are described rather than counted.
    pub projects: Vec<String>,
}

/// The measures `grant`'s activities are counted by, each with its rows: the label and the id
/// (course, network, or the recipient centre) of each activity it counts.
fn measures_of(grant: &Grant) -> Vec<(Measure, Vec<(String, Uuid)>)> {
    let rows = |kind: ActivityKind| -> Vec<(String, Uuid)> {
        grant
            .activities
            .iter()
            .filter(|activity| activity.kind() == kind)
            .map(|activity| match activity {
                Activity::Course(id) | Activity::LearningNetwork(id) => (id.to_string(), *id),
                _ => (
                    ActivityKind::CentreOperation.to_string(),
                    grant.recipient_organisation_id,
                ),
            })
            .collect()
    };
    let per_kind = [
        (
            ActivityKind::Course,
            &[
                Measure::CoursesHeld,
                Measure::PeopleTrained,
                Measure::NetworkMeetings,
            ][..],
        ),
        (
            ActivityKind::LearningNetwork,
            &[Measure::GatheringsHeld, Measure::Attendances][..],
        ),
        (
            ActivityKind::CentreOperation,
            &[Measure::GroupsStarted, Measure::PeoplePlaced][..],
        ),
    ];
    per_kind
        .into_iter()
        .flat_map(|(kind, measures)| {
            let rows = rows(kind);
            if rows.is_empty() {
                return Vec::new();
            }
            measures
                .iter()
                .map(|measure| (*measure, rows.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The report of the grant `id`, for its funder or recipient: what each of its activities did
/// in every whole, ended quarter of its period, and the totals. Every count goes through the
/// disclosure control on its own ([`statistics::cellwise`]): a count of 1 to 4 is `<5` in every
/// report that shows it, and a total is published only as the sum of shown counts. So no report,
/// nor any set of reports over periods and activities a funder chose, pins a small count. The
/// quarters are fixed by the grant, never chosen by the reader.
pub fn grant_report(
    conn: &mut PgConnection,
    scope: GrantScope,
    id: Uuid,
    today: NaiveDate,
) -> Result<Option<GrantReport>, UseCaseError> {
    let Some(grant) = store::find(conn, id, scope)? else {
        return Ok(None);
    };
    let quarters = grant.report_quarters(today);
    let labels: Vec<String> = quarters.iter().map(|quarter| quarter.label()).collect();
    let mut tables = Vec::new();
    if let (Some(first), Some(last)) = (quarters.first(), quarters.last()) {
        let span = (first.first_day(), last.end());
        for (measure, rows) in measures_of(&grant) {
            if measure == Measure::PeoplePlaced {
                let labels_of_rows = rows.into_iter().map(|(label, _)| label).collect();
                let centre = grant.recipient_organisation_id;
                let table =
                    placements_as_published(conn, centre, labels_of_rows, &quarters, today)?;
                tables.push((measure_name(measure), table));
                continue;
            }
            let ids: Vec<Uuid> = rows.iter().map(|(_, id)| *id).collect();
            let mut counts = vec![vec![0_u64; quarters.len()]; rows.len()];
            for dated in store::count(conn, measure, &ids, grant.recipient_organisation_id, span)? {
                let row = ids.iter().position(|id| *id == dated.activity);
                let column = quarters.binary_search(&Quarter::of(dated.day)).ok();
                if let (Some(row), Some(column)) = (row, column) {
                    counts[row][column] += u64::try_from(dated.count).unwrap_or(0);
                }
            }
            let table = CountTable {
                rows: rows.into_iter().map(|(label, _)| label).collect(),
                columns: labels.clone(),
                counts,
            };
            tables.push((measure_name(measure), statistics::cellwise(&table)));
        }
    }
    let projects = grant
        .activities
        .iter()
        .filter_map(|activity| match activity {
            Activity::Project(text) => Some(text.clone()),
            _ => None,
        })
        .collect();
    Ok(Some(GrantReport {
        grant_id: grant.id,
        quarters: labels,
        tables,
        projects,
    }))
}

/// The recipient centre's placements in `quarters`, one row per `rows` label, exactly as the
/// published group statistics show them (the centre's row of their centre × quarter breakdown,
/// which is suppressed with every other breakdown): a funder that knew a centre's placements
/// exactly could subtract them from the public breakdowns and pin a small count there, so the
/// report tells it nothing those breakdowns do not. Totals are sums of shown cells only.
fn placements_as_published(
    conn: &mut PgConnection,
    centre: Uuid,
    rows: Vec<String>,
    quarters: &[Quarter],
    today: NaiveDate,
) -> Result<SuppressedTable, UseCaseError> {
    let centre = centre.to_string();
    let mut published: BTreeMap<i32, SuppressedTable> = BTreeMap::new();
    let mut row = Vec::new();
    for quarter in quarters {
        let table = match published.entry(quarter.year) {
            Entry::Occupied(kept) => kept.into_mut(),
            Entry::Vacant(slot) => {
                let figures = group_statistics::publish(
                    conn,
                    GroupMeasure::MembersPlaced,
                    quarter.year,
                    today,
                )?;
                slot.insert(figures.table(GroupDimension::Centre, GroupDimension::Quarter))
            }
        };
        // No cell: the centre placed nobody that quarter.
        row.push(cell_of(table, &centre, &quarter.label()).unwrap_or(Cell {
            count: Some(0),
            shown: "0".to_owned(),
            suppressed: None,
        }));
    }
    let cells = vec![row; rows.len()];
    let columns = quarters.iter().map(|quarter| quarter.label()).collect();
    Ok(statistics::with_published_totals(rows, columns, cells))
}

/// The cell of `table` in the row `row` and the column `column`, if it has them.
fn cell_of(table: &SuppressedTable, row: &str, column: &str) -> Option<Cell> {
    let r = table.rows.iter().position(|label| label == row)?;
    let c = table.columns.iter().position(|label| label == column)?;
    table.cells.get(r)?.get(c).cloned()
}

/// A grant as a funded course or network shows it: the amount only to the grant's funder and
/// recipient.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FundingView {
    /// The grant.
    pub grant_id: Uuid,
    /// Who funds it.
    pub funder_organisation_id: Uuid,
    /// `granted`, `paid` or `stopped`.
    pub status: GrantStatus,
    /// The day it stopped (or ended), if it did.
    pub closed_on: Option<NaiveDate>,
    /// Whole kroner, shown to the grant's funder and recipient only; `null` to anyone else.
    #[schema(format = Int64)]
    pub amount_nok: Option<i64>,
}

impl FundingView {
    fn of(viewer: Uuid, funding: Funding) -> FundingView {
        let party =
            viewer == funding.funder_organisation_id || viewer == funding.recipient_organisation_id;
        FundingView {
            grant_id: funding.grant_id,
            funder_organisation_id: funding.funder_organisation_id,
            status: funding.status,
            closed_on: funding.closed_on,
            amount_nok: party.then_some(funding.amount_nok),
        }
    }
}

/// A course or a network with what funds it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Funded<T> {
    /// The record.
    #[serde(flatten)]
    pub record: T,
    /// The grants that fund it (granted, paid, or stopped with the day), oldest first.
    pub funding: Vec<FundingView>,
}

/// What a grant can fund that shows its funding: a course or a learning network.
#[derive(Debug, Clone, Copy)]
pub enum Fundable {
    /// A course.
    Course(CourseId),
    /// A learning network.
    Network(LearningNetworkId),
}

/// The funding of `funded`, as the organisation `viewer` (which reaches it) sees it.
pub fn funding_of(
    conn: &mut PgConnection,
    viewer: OrganisationId,
    funded: Fundable,
) -> Result<Vec<FundingView>, UseCaseError> {
    let (courses, networks) = match funded {
        Fundable::Course(id) => (vec![id.uuid()], vec![]),
        Fundable::Network(id) => (vec![], vec![id.uuid()]),
    };
    Ok(store::funding_of(conn, &courses, &networks)?
        .into_iter()
        .map(|funding| FundingView::of(viewer.uuid(), funding))
        .collect())
}

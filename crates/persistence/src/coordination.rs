//! Collaboration needs: a municipality's needs for help, from a dialogue finding or its own
//! request, each addressed to one partner. A caller reaches a need through its [`NeedScope`]:
//! addressed to its organisation, about its municipality, or in the county it governs.

use crate::error::{parse_stored, StoreError};
use crate::pagination::{self, created_order};
use crate::record::{find_and_lock, one_version_up};
use crate::schema::{
    collaboration_needs, course_organisers, learning_network_coordinators, organisations,
};
use chrono::{DateTime, Utc};
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use samhandling_domain::coordination::{
    Addressee, CollaborationNeed, NeedOrigin, NeedStatus, Offer, OfferKind,
};
use samhandling_domain::page::{Page, PageRequest};
use uuid::Uuid;

/// Which needs a caller reaches; each part is the caller's organisation in the capacity its
/// roles give it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NeedScope {
    /// The needs addressed to this organisation (a partner's).
    pub addressee: Option<Uuid>,
    /// The needs of this municipality (its contacts').
    pub municipality: Option<Uuid>,
    /// The needs of the municipalities of this county (its governor's).
    pub county: Option<String>,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = collaboration_needs, check_for_backend(diesel::pg::Pg))]
struct NeedRow {
    id: Uuid,
    origin: String,
    municipality_id: Uuid,
    county_number: String,
    meeting_id: Option<Uuid>,
    finding_id: Option<Uuid>,
    partner_kind: String,
    partner_organisation_id: Option<Uuid>,
    topic: Option<String>,
    description: String,
    status: String,
    decline_reason: Option<String>,
    offer_kind: Option<String>,
    offer_course_id: Option<Uuid>,
    offer_learning_network_id: Option<Uuid>,
    offer_text: Option<String>,
    answered_at: Option<DateTime<Utc>>,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<NeedRow> for CollaborationNeed {
    type Error = StoreError;

    fn try_from(row: NeedRow) -> Result<Self, Self::Error> {
        let offer = match row.offer_kind {
            Some(kind) => Some(Offer {
                kind: parse_stored(&kind)?,
                course_id: row.offer_course_id,
                learning_network_id: row.offer_learning_network_id,
                text: row.offer_text,
            }),
            None => None,
        };
        Ok(CollaborationNeed {
            id: row.id,
            origin: parse_stored(&row.origin)?,
            municipality_id: row.municipality_id,
            county_number: row.county_number,
            meeting_id: row.meeting_id,
            finding_id: row.finding_id,
            partner_kind: parse_stored(&row.partner_kind)?,
            partner_organisation_id: row.partner_organisation_id,
            topic: row.topic,
            description: row.description,
            status: parse_stored(&row.status)?,
            decline_reason: row.decline_reason,
            offer,
            answered_at: row.answered_at,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// A condition on needs.
type Reach = Box<dyn BoxableExpression<collaboration_needs::table, Pg, SqlType = Bool>>;

/// The needs `scope` reaches: nothing when it is empty.
fn reachable(scope: &NeedScope) -> Reach {
    let addressed = scope.addressee.map(|organisation| {
        Box::new(
            collaboration_needs::partner_organisation_id
                .eq(organisation)
                .assume_not_null(),
        ) as Reach
    });
    let own = scope.municipality.map(|municipality| {
        Box::new(collaboration_needs::municipality_id.eq(municipality)) as Reach
    });
    let governed = scope
        .county
        .clone()
        .map(|county| Box::new(collaboration_needs::county_number.eq(county)) as Reach);
    [addressed, own, governed]
        .into_iter()
        .flatten()
        .reduce(|one, other| Box::new(one.or(other)))
        .unwrap_or_else(|| Box::new(collaboration_needs::id.is_null()))
}

/// The organisations among `ids` that exist, as possible addressees.
pub fn addressees(conn: &mut PgConnection, ids: &[Uuid]) -> Result<Vec<Addressee>, StoreError> {
    organisations::table
        .filter(organisations::id.eq_any(ids))
        .select((
            organisations::id,
            organisations::kind,
            organisations::county_number,
        ))
        .load::<(Uuid, String, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, kind, county_number)| {
            Ok(Addressee {
                id,
                kind: parse_stored(&kind)?,
                county_number,
            })
        })
        .collect()
}

/// The kommunenummer of the organisation `id`, when it is a municipality.
pub fn municipality_number(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Option<String>, StoreError> {
    Ok(organisations::table
        .filter(organisations::id.eq(id))
        .filter(organisations::kind.eq("municipality"))
        .select(organisations::municipality_number)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// Stores a need, with what it was raised by (a token subject).
pub fn insert(
    conn: &mut PgConnection,
    need: &CollaborationNeed,
    position: i16,
    raised_by: &str,
) -> Result<CollaborationNeed, StoreError> {
    let row: NeedRow = diesel::insert_into(collaboration_needs::table)
        .values((
            collaboration_needs::id.eq(need.id),
            collaboration_needs::origin.eq(need.origin.as_str()),
            collaboration_needs::municipality_id.eq(need.municipality_id),
            collaboration_needs::county_number.eq(&need.county_number),
            collaboration_needs::meeting_id.eq(need.meeting_id),
            collaboration_needs::finding_id.eq(need.finding_id),
            collaboration_needs::position.eq(position),
            collaboration_needs::partner_kind.eq(need.partner_kind.as_str()),
            collaboration_needs::partner_organisation_id.eq(need.partner_organisation_id),
            collaboration_needs::topic.eq(need.topic.as_deref()),
            collaboration_needs::description.eq(&need.description),
            collaboration_needs::raised_by.eq(raised_by),
            collaboration_needs::created_at.eq(need.created_at),
            collaboration_needs::updated_at.eq(need.created_at),
        ))
        .returning(NeedRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

find_and_lock! {
    /// The need `id`, if `scope` reaches it.
    fn find / find_for_update(id: Uuid, scope: &NeedScope) -> CollaborationNeed {
        collaboration_needs::table
            .filter(collaboration_needs::id.eq(id))
            .filter(reachable(scope))
            .select(NeedRow::as_select())
    }
}

/// A move of a need (locked and checked), with what it carries.
#[derive(Debug, Clone, Copy)]
pub struct NeedMove<'a> {
    /// The new status.
    pub to: NeedStatus,
    /// Why it is declined.
    pub reason: Option<&'a str>,
    /// What the partner offers; kept from an earlier answer when `None`.
    pub offer: Option<&'a Offer>,
    /// When it was last answered: now for an answer, the earlier answer's time otherwise.
    pub answered_at: Option<DateTime<Utc>>,
}

/// Stores the move of the need `id`.
pub fn set_status(
    conn: &mut PgConnection,
    id: Uuid,
    step: NeedMove<'_>,
) -> Result<CollaborationNeed, StoreError> {
    let target = collaboration_needs::table.find(id);
    let common = (
        collaboration_needs::status.eq(step.to.as_str()),
        collaboration_needs::decline_reason.eq(step.reason),
        collaboration_needs::answered_at.eq(step.answered_at),
        one_version_up!(collaboration_needs),
    );
    let row: NeedRow = match step.offer {
        Some(offer) => diesel::update(target)
            .set((
                common,
                collaboration_needs::offer_kind.eq(Some(offer.kind.as_str())),
                collaboration_needs::offer_course_id.eq(offer.course_id),
                collaboration_needs::offer_learning_network_id.eq(offer.learning_network_id),
                collaboration_needs::offer_text.eq(offer.text.as_deref()),
            ))
            .returning(NeedRow::as_returning())
            .get_result(conn)?,
        None => diesel::update(target)
            .set(common)
            .returning(NeedRow::as_returning())
            .get_result(conn)?,
    };
    row.try_into()
}

/// Filters for the list.
#[derive(Debug, Clone, Default)]
pub struct NeedFilter {
    /// Only this status.
    pub status: Option<NeedStatus>,
    /// Only needs about this municipality.
    pub municipality_id: Option<Uuid>,
    /// Only needs addressed to this organisation.
    pub partner_organisation_id: Option<Uuid>,
    /// Only needs of this origin.
    pub origin: Option<NeedOrigin>,
    /// Only needs still waiting for help (open or accepted).
    pub pending: bool,
}

/// One page of the needs `scope` reaches that pass `filter`.
pub fn list(
    conn: &mut PgConnection,
    scope: &NeedScope,
    filter: &NeedFilter,
    page: PageRequest,
) -> Result<Page<CollaborationNeed>, StoreError> {
    let mut query = created_order!(collaboration_needs, NeedRow).filter(reachable(scope));
    if let Some(status) = filter.status {
        query = query.filter(collaboration_needs::status.eq(status.as_str()));
    }
    if let Some(municipality) = filter.municipality_id {
        query = query.filter(collaboration_needs::municipality_id.eq(municipality));
    }
    if let Some(partner) = filter.partner_organisation_id {
        query = query.filter(collaboration_needs::partner_organisation_id.eq(partner));
    }
    if let Some(origin) = filter.origin {
        query = query.filter(collaboration_needs::origin.eq(origin.as_str()));
    }
    if filter.pending {
        query = query.filter(collaboration_needs::status.eq_any(["open", "accepted"]));
    }
    pagination::load_created_page::<_, NeedRow, CollaborationNeed>(conn, query, page)
}

/// The needs of the findings `findings`, in their order within each finding.
pub fn of_findings(
    conn: &mut PgConnection,
    findings: &[Uuid],
) -> Result<Vec<CollaborationNeed>, StoreError> {
    collaboration_needs::table
        .filter(collaboration_needs::finding_id.eq_any(findings))
        .order((
            collaboration_needs::finding_id,
            collaboration_needs::position,
        ))
        .select(NeedRow::as_select())
        .load(conn)?
        .into_iter()
        .map(CollaborationNeed::try_from)
        .collect()
}

/// Whether `organisation` can offer the thing `offer` names: a course it organises, or a
/// learning network it coordinates. Visits and advice name nothing.
pub fn can_offer(
    conn: &mut PgConnection,
    organisation: Uuid,
    offer: &Offer,
) -> Result<bool, StoreError> {
    Ok(
        match (offer.kind, offer.course_id, offer.learning_network_id) {
            (OfferKind::Course, Some(course), _) => diesel::select(diesel::dsl::exists(
                course_organisers::table
                    .filter(course_organisers::course_id.eq(course))
                    .filter(course_organisers::organisation_id.eq(organisation)),
            ))
            .get_result(conn)?,
            (OfferKind::LearningNetwork, _, Some(network)) => diesel::select(diesel::dsl::exists(
                learning_network_coordinators::table
                    .filter(learning_network_coordinators::network_id.eq(network))
                    .filter(learning_network_coordinators::organisation_id.eq(organisation)),
            ))
            .get_result(conn)?,
            _ => true,
        },
    )
}

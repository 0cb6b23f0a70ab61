//! Collaboration agreements between a self-help centre and a municipality or NAV office. A caller
//! reaches an agreement its organisation is a party to, and no other.

use crate::error::{parse_stored, StoreError};
use crate::pagination::{self, created_order};
use crate::record::{find_and_lock, one_version_up};
use crate::schema::{collaboration_agreements, organisations};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use samhandling_domain::agreement::{AgreementStatus, CollaborationAgreement, FeedbackLevel};
use samhandling_domain::organisation::OrganisationKind;
use samhandling_domain::page::{Page, PageRequest};
use uuid::Uuid;

/// The unique index that keeps one agreement in force per centre and partner.
pub const ONE_IN_FORCE: &str = "collaboration_agreements_one_in_force";

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = collaboration_agreements, check_for_backend(diesel::pg::Pg))]
struct AgreementRow {
    id: Uuid,
    centre_id: Uuid,
    partner_organisation_id: Uuid,
    refers: String,
    feedback: String,
    centre_contact_role: String,
    partner_contact_role: String,
    valid_from: NaiveDate,
    valid_until: Option<NaiveDate>,
    status: String,
    end_reason: Option<String>,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<AgreementRow> for CollaborationAgreement {
    type Error = StoreError;

    fn try_from(row: AgreementRow) -> Result<Self, Self::Error> {
        Ok(CollaborationAgreement {
            id: row.id,
            centre_id: row.centre_id,
            partner_organisation_id: row.partner_organisation_id,
            refers: row.refers,
            feedback: parse_stored(&row.feedback)?,
            centre_contact_role: row.centre_contact_role,
            partner_contact_role: row.partner_contact_role,
            valid_from: row.valid_from,
            valid_until: row.valid_until,
            status: parse_stored(&row.status)?,
            end_reason: row.end_reason,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// The kind of the organisation `id`, if it exists.
pub fn kind_of(conn: &mut PgConnection, id: Uuid) -> Result<Option<OrganisationKind>, StoreError> {
    organisations::table
        .find(id)
        .select(organisations::kind)
        .first::<String>(conn)
        .optional()?
        .map(|kind| parse_stored(&kind))
        .transpose()
}

/// Stores a proposed agreement, with the subject that proposed it.
pub fn insert(
    conn: &mut PgConnection,
    agreement: &CollaborationAgreement,
    proposed_by: &str,
) -> Result<CollaborationAgreement, StoreError> {
    let row: AgreementRow = diesel::insert_into(collaboration_agreements::table)
        .values((
            collaboration_agreements::id.eq(agreement.id),
            collaboration_agreements::centre_id.eq(agreement.centre_id),
            collaboration_agreements::partner_organisation_id.eq(agreement.partner_organisation_id),
            collaboration_agreements::refers.eq(&agreement.refers),
            collaboration_agreements::feedback.eq(agreement.feedback.as_str()),
            collaboration_agreements::centre_contact_role.eq(&agreement.centre_contact_role),
            collaboration_agreements::partner_contact_role.eq(&agreement.partner_contact_role),
            collaboration_agreements::valid_from.eq(agreement.valid_from),
            collaboration_agreements::valid_until.eq(agreement.valid_until),
            collaboration_agreements::status.eq(agreement.status.as_str()),
            collaboration_agreements::proposed_by.eq(proposed_by),
            collaboration_agreements::created_at.eq(agreement.created_at),
            collaboration_agreements::updated_at.eq(agreement.updated_at),
        ))
        .returning(AgreementRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

find_and_lock! {
    /// The agreement `id`, if `organisation` is a party to it.
    fn find / find_for_update(id: Uuid, organisation: Uuid) -> CollaborationAgreement {
        collaboration_agreements::table
            .filter(collaboration_agreements::id.eq(id))
            .filter(
                collaboration_agreements::centre_id
                    .eq(organisation)
                    .or(collaboration_agreements::partner_organisation_id.eq(organisation)),
            )
            .select(AgreementRow::as_select())
    }
}

/// Stores the move of the agreement `id` (locked and checked) to `to`, with its reason.
pub fn set_status(
    conn: &mut PgConnection,
    id: Uuid,
    to: AgreementStatus,
    reason: Option<&str>,
) -> Result<CollaborationAgreement, StoreError> {
    let row: AgreementRow = diesel::update(collaboration_agreements::table.find(id))
        .set((
            collaboration_agreements::status.eq(to.as_str()),
            collaboration_agreements::end_reason.eq(reason),
            one_version_up!(collaboration_agreements),
        ))
        .returning(AgreementRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// The agreement in force between `centre` and `partner`, locked against a move until the
/// caller's transaction ends: a referral made meanwhile takes the feedback it gives, and an end
/// waits for that referral so that it reaches it too.
pub fn in_force_for_share(
    conn: &mut PgConnection,
    centre: Uuid,
    partner: Uuid,
) -> Result<Option<CollaborationAgreement>, StoreError> {
    collaboration_agreements::table
        .filter(collaboration_agreements::centre_id.eq(centre))
        .filter(collaboration_agreements::partner_organisation_id.eq(partner))
        .filter(collaboration_agreements::status.eq(AgreementStatus::InForce.as_str()))
        .select(AgreementRow::as_select())
        .for_share()
        .first(conn)
        .optional()?
        .map(CollaborationAgreement::try_from)
        .transpose()
}

/// Records that the pair's referrals now have the feedback `level` from the agreement `id`.
pub fn mark_applied(
    conn: &mut PgConnection,
    id: Uuid,
    level: FeedbackLevel,
) -> Result<(), StoreError> {
    diesel::update(collaboration_agreements::table.find(id))
        .set(collaboration_agreements::applied_feedback.eq(level.as_str()))
        .execute(conn)?;
    Ok(())
}

/// The agreements that give, or last gave, feedback: those whose period may start or run out,
/// with the feedback they last gave.
pub fn giving_feedback(
    conn: &mut PgConnection,
) -> Result<Vec<(CollaborationAgreement, FeedbackLevel)>, StoreError> {
    collaboration_agreements::table
        .filter(
            collaboration_agreements::status
                .eq(AgreementStatus::InForce.as_str())
                .or(collaboration_agreements::applied_feedback.ne(FeedbackLevel::None.as_str())),
        )
        .select((
            AgreementRow::as_select(),
            collaboration_agreements::applied_feedback,
        ))
        .load::<(AgreementRow, String)>(conn)?
        .into_iter()
        .map(|(row, applied)| Ok((row.try_into()?, parse_stored(&applied)?)))
        .collect()
}

/// Filters for the list.
#[derive(Debug, Clone, Default)]
pub struct AgreementFilter {
    /// Only this status.
    pub status: Option<AgreementStatus>,
    /// Only agreements with this other party.
    pub counterpart: Option<Uuid>,
}

/// One page of the agreements `organisation` is a party to that pass `filter`.
pub fn list(
    conn: &mut PgConnection,
    organisation: Uuid,
    filter: &AgreementFilter,
    page: PageRequest,
) -> Result<Page<CollaborationAgreement>, StoreError> {
    let mut query = created_order!(collaboration_agreements, AgreementRow).filter(
        collaboration_agreements::centre_id
            .eq(organisation)
            .or(collaboration_agreements::partner_organisation_id.eq(organisation)),
    );
    if let Some(status) = filter.status {
        query = query.filter(collaboration_agreements::status.eq(status.as_str()));
    }
    if let Some(other) = filter.counterpart {
        query = query.filter(
            collaboration_agreements::centre_id
                .eq(other)
                .or(collaboration_agreements::partner_organisation_id.eq(other)),
        );
    }
    pagination::load_created_page::<_, AgreementRow, CollaborationAgreement>(conn, query, page)
}

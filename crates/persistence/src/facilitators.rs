//! The facilitators a competence centre follows up: professionals who completed one of its
//! courses, or whom it affiliated after training elsewhere. A link is one centre, one employer
//! and one token subject; its centre and its facilitator reach it, and it gives the centre the
//! facilitator's logs only once the facilitator has confirmed it.

use crate::error::StoreError;
use crate::pagination::{self, created_order};
use crate::record::OptionalRecord;
use crate::schema::{enrolments, facilitators};
use chrono::{DateTime, Utc};
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use samhandling_domain::course::{Enrolment, Facilitator};
use samhandling_domain::page::{Page, PageRequest};
use uuid::Uuid;

/// The primary key that links a facilitator to a centre once.
pub const LINKED_ONCE_KEY: &str = "facilitators_pkey";

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = facilitators, check_for_backend(diesel::pg::Pg))]
struct FacilitatorRow {
    id: Uuid,
    competence_centre_id: Uuid,
    employer_organisation_id: Uuid,
    subject: String,
    name: String,
    enrolment_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    confirmed_at: Option<DateTime<Utc>>,
}

impl TryFrom<FacilitatorRow> for Facilitator {
    type Error = StoreError;

    fn try_from(row: FacilitatorRow) -> Result<Self, Self::Error> {
        Ok(Facilitator {
            id: row.id,
            competence_centre_id: row.competence_centre_id,
            employer_organisation_id: row.employer_organisation_id,
            subject: row.subject,
            name: row.name,
            enrolment_id: row.enrolment_id,
            created_at: row.created_at,
            confirmed_at: row.confirmed_at,
        })
    }
}

/// Links the professional of a completed `enrolment` to each of `centres` (the course's
/// organisers) it is not linked to yet; returns the links made.
pub fn link_trained(
    conn: &mut PgConnection,
    enrolment: &Enrolment,
    centres: &[Uuid],
) -> Result<Vec<Facilitator>, StoreError> {
    let rows: Vec<_> = centres
        .iter()
        .map(|centre| {
            (
                facilitators::id.eq(Uuid::now_v7()),
                facilitators::competence_centre_id.eq(*centre),
                facilitators::employer_organisation_id.eq(enrolment.employer_organisation_id),
                facilitators::subject.eq(&enrolment.subject),
                facilitators::name.eq(&enrolment.name),
                facilitators::enrolment_id.eq(Some(enrolment.id)),
            )
        })
        .collect();
    diesel::insert_into(facilitators::table)
        .values(&rows)
        .on_conflict_do_nothing()
        .returning(FacilitatorRow::as_returning())
        .load(conn)?
        .into_iter()
        .map(Facilitator::try_from)
        .collect()
}

/// Stores an affiliation (no enrolment); a second link of the same facilitator to the centre
/// violates [`LINKED_ONCE_KEY`].
pub fn affiliate(
    conn: &mut PgConnection,
    facilitator: &Facilitator,
) -> Result<Facilitator, StoreError> {
    let row: FacilitatorRow = diesel::insert_into(facilitators::table)
        .values((
            facilitators::id.eq(facilitator.id),
            facilitators::competence_centre_id.eq(facilitator.competence_centre_id),
            facilitators::employer_organisation_id.eq(facilitator.employer_organisation_id),
            facilitators::subject.eq(&facilitator.subject),
            facilitators::name.eq(&facilitator.name),
            facilitators::created_at.eq(facilitator.created_at),
        ))
        .returning(FacilitatorRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// The link `id`, if it is the centre's.
pub fn find(
    conn: &mut PgConnection,
    id: Uuid,
    centre: Uuid,
) -> Result<Option<Facilitator>, StoreError> {
    facilitators::table
        .filter(facilitators::id.eq(id))
        .filter(facilitators::competence_centre_id.eq(centre))
        .select(FacilitatorRow::as_select())
        .first(conn)
        .optional_record()
}

/// One page of the centre's facilitators, in the order linked.
pub fn list(
    conn: &mut PgConnection,
    centre: Uuid,
    page: PageRequest,
) -> Result<Page<Facilitator>, StoreError> {
    page_where(
        conn,
        Box::new(facilitators::competence_centre_id.eq(centre)),
        page,
    )
}

type Condition = Box<dyn BoxableExpression<facilitators::table, Pg, SqlType = Bool>>;

/// One page of the links `condition` keeps, in the order linked: the centre's list and the
/// facilitator's own differ only in whose links they keep.
fn page_where(
    conn: &mut PgConnection,
    condition: Condition,
    page: PageRequest,
) -> Result<Page<Facilitator>, StoreError> {
    let query = created_order!(facilitators, FacilitatorRow).filter(condition);
    pagination::load_created_page::<_, FacilitatorRow, Facilitator>(conn, query, page)
}

/// The course of each of `enrolment_ids`: where a facilitator was trained.
pub fn courses_of(
    conn: &mut PgConnection,
    enrolment_ids: &[Uuid],
) -> Result<Vec<(Uuid, Uuid)>, StoreError> {
    if enrolment_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(enrolments::table
        .filter(enrolments::id.eq_any(enrolment_ids))
        .select((enrolments::id, enrolments::course_id))
        .load(conn)?)
}

/// The links naming the facilitator `subject` of `employer`: only the facilitator itself
/// reaches them this way.
fn of_facilitator(
    employer: Uuid,
    subject: &str,
) -> diesel::dsl::And<
    diesel::dsl::Eq<facilitators::employer_organisation_id, Uuid>,
    diesel::dsl::Eq<facilitators::subject, String>,
> {
    facilitators::employer_organisation_id
        .eq(employer)
        .and(facilitators::subject.eq(subject.to_owned()))
}

/// One page of the links naming the facilitator `subject` of `employer`, in the order linked.
pub fn list_own(
    conn: &mut PgConnection,
    employer: Uuid,
    subject: &str,
    page: PageRequest,
) -> Result<Page<Facilitator>, StoreError> {
    page_where(conn, Box::new(of_facilitator(employer, subject)), page)
}

/// Confirms the link `id` if it names the facilitator `subject` of `employer` (a second
/// confirmation keeps the first time); `None` otherwise.
pub fn confirm(
    conn: &mut PgConnection,
    id: Uuid,
    employer: Uuid,
    subject: &str,
) -> Result<Option<Facilitator>, StoreError> {
    diesel::update(
        facilitators::table
            .filter(facilitators::id.eq(id))
            .filter(of_facilitator(employer, subject)),
    )
    .set(facilitators::confirmed_at.eq(diesel::dsl::sql::<
        diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
    >("coalesce(confirmed_at, now())")))
    .returning(FacilitatorRow::as_returning())
    .get_result(conn)
    .optional_record()
}

/// Ends the link `id` if it names the facilitator `subject` of `employer`: the centre no
/// longer sees the facilitator's logs (a new link needs a new confirmation). `None` otherwise.
pub fn withdraw(
    conn: &mut PgConnection,
    id: Uuid,
    employer: Uuid,
    subject: &str,
) -> Result<Option<Facilitator>, StoreError> {
    diesel::delete(
        facilitators::table
            .filter(facilitators::id.eq(id))
            .filter(of_facilitator(employer, subject)),
    )
    .returning(FacilitatorRow::as_returning())
    .get_result(conn)
    .optional_record()
}

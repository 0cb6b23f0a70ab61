//! Places in groups. A membership names its person by pseudonym only, and only the centre that
//! runs the group reaches it ([`CentreScope`], through the group's centre, in SQL).

use crate::error::{parse_stored, StoreError};
use crate::groups::{count_members, groups_of, owned_by};
use crate::pagination::{self, created_order};
use crate::record::{find_and_lock, first_row, OptionalRecord};
use crate::schema::memberships;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use samhandling_domain::group::{CentreScope, LeaveReason, Membership};
use samhandling_domain::page::{Page, PageRequest};
use std::collections::HashMap;
use uuid::Uuid;

/// The unique index that gives a person one place at a time.
pub const ONE_PLACE_KEY: &str = "memberships_one_place";

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = memberships, check_for_backend(diesel::pg::Pg))]
struct MembershipRow {
    id: Uuid,
    group_id: Uuid,
    referral_id: Option<Uuid>,
    intake_id: Option<Uuid>,
    pseudonym: Option<String>,
    joined_at: DateTime<Utc>,
    waited_days: i32,
    confidentiality_signed_at: Option<DateTime<Utc>>,
    left_at: Option<DateTime<Utc>>,
    leave_reason: Option<String>,
    version: i32,
    created_at: DateTime<Utc>,
}

impl TryFrom<MembershipRow> for Membership {
    type Error = StoreError;

    fn try_from(row: MembershipRow) -> Result<Self, Self::Error> {
        Ok(Membership {
            id: row.id,
            group_id: row.group_id,
            referral_id: row.referral_id,
            intake_id: row.intake_id,
            pseudonym: row.pseudonym,
            joined_at: row.joined_at,
            waited_days: row.waited_days,
            confidentiality_signed_at: row.confidentiality_signed_at,
            left_at: row.left_at,
            leave_reason: row.leave_reason.as_deref().map(parse_stored).transpose()?,
            version: row.version,
            created_at: row.created_at,
        })
    }
}

/// A place to store.
#[derive(Debug)]
pub struct NewMembership<'a> {
    /// Its id.
    pub id: Uuid,
    /// The group, already locked and checked to have a seat.
    pub group_id: Uuid,
    /// The person's referral.
    pub referral_id: Uuid,
    /// The intake that chose the pseudonym.
    pub intake_id: Uuid,
    /// The pseudonym.
    pub pseudonym: &'a str,
    /// When the referral was made, to count the wait from.
    pub referred_at: DateTime<Utc>,
    /// When the declaration was signed, if at placement.
    pub confidentiality_signed_at: Option<DateTime<Utc>>,
}

/// Stores a place and counts it on its (locked) group.
pub fn insert(conn: &mut PgConnection, new: &NewMembership<'_>) -> Result<Membership, StoreError> {
    let waited_days =
        i32::try_from((Utc::now() - new.referred_at).num_days().max(0)).unwrap_or(i32::MAX);
    let row: MembershipRow = diesel::insert_into(memberships::table)
        .values((
            memberships::id.eq(new.id),
            memberships::group_id.eq(new.group_id),
            memberships::referral_id.eq(new.referral_id),
            memberships::intake_id.eq(new.intake_id),
            memberships::pseudonym.eq(new.pseudonym),
            memberships::waited_days.eq(waited_days),
            memberships::confidentiality_signed_at.eq(new.confidentiality_signed_at),
        ))
        .returning(MembershipRow::as_returning())
        .get_result(conn)?;
    count_members(conn, new.group_id, 1)?;
    row.try_into()
}

/// Whether the person of `referral_id` holds a place now.
pub fn has_place(conn: &mut PgConnection, referral_id: Uuid) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(
        memberships::table
            .filter(memberships::referral_id.eq(referral_id))
            .filter(memberships::left_at.is_null()),
    ))
    .get_result(conn)?)
}

/// The membership `id` in a group of the scope's centre, locked when `lock`.
fn find_scoped(
    conn: &mut PgConnection,
    id: Uuid,
    scope: CentreScope,
    lock: bool,
) -> Result<Option<Membership>, StoreError> {
    let Some(centre) = owned_by(scope) else {
        return Ok(None);
    };
    first_row!(
        conn,
        memberships::table
            .filter(memberships::id.eq(id))
            .filter(memberships::group_id.eq_any(groups_of(centre)))
            .select(MembershipRow::as_select()),
        lock
    )
    .optional_record()
}

find_and_lock! {
    /// The membership `id`, if the scope's centre runs its group.
    fn find / find_for_update(id: Uuid, scope: CentreScope) -> Membership = find_scoped;
}

/// The places still held in a group (already locked), locked in their order of joining: what
/// ending the group ends.
pub fn open_in_group_for_update(
    conn: &mut PgConnection,
    group_id: Uuid,
) -> Result<Vec<Membership>, StoreError> {
    memberships::table
        .filter(memberships::group_id.eq(group_id))
        .filter(memberships::left_at.is_null())
        .order((memberships::created_at, memberships::id))
        .select(MembershipRow::as_select())
        .for_update()
        .load(conn)?
        .into_iter()
        .map(Membership::try_from)
        .collect()
}

/// One page of a group's members (the caller has found the group in its scope).
pub fn list_for_group(
    conn: &mut PgConnection,
    group_id: Uuid,
    page: PageRequest,
) -> Result<Page<Membership>, StoreError> {
    let query =
        created_order!(memberships, MembershipRow).filter(memberships::group_id.eq(group_id));
    pagination::load_created_page::<_, MembershipRow, Membership>(conn, query, page)
}

/// Records the signed confidentiality declaration; signing again keeps the first time.
pub fn sign_declaration(conn: &mut PgConnection, id: Uuid) -> Result<Membership, StoreError> {
    let row: MembershipRow = diesel::update(memberships::table.find(id))
        .set((
            memberships::confidentiality_signed_at.eq(diesel::dsl::sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >(
                "coalesce(confidentiality_signed_at, now())",
            )),
            memberships::version.eq(memberships::version + 1),
        ))
        .returning(MembershipRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// Records that a member left (the membership locked, its group locked before it), freeing the
/// seat.
pub fn depart(
    conn: &mut PgConnection,
    membership: &Membership,
    reason: LeaveReason,
    left_at: DateTime<Utc>,
) -> Result<Membership, StoreError> {
    let row: MembershipRow = diesel::update(memberships::table.find(membership.id))
        .set((
            memberships::left_at.eq(left_at),
            memberships::leave_reason.eq(reason.as_str()),
            memberships::version.eq(memberships::version + 1),
        ))
        .returning(MembershipRow::as_returning())
        .get_result(conn)?;
    count_members(conn, membership.group_id, -1)?;
    row.try_into()
}

/// Cuts a referral's places loose from the person (no pseudonym, referral or intake), keeping
/// the places so that counts stay true; returns their ids.
pub(crate) fn erase_for_referral(
    conn: &mut PgConnection,
    referral_id: Uuid,
) -> Result<Vec<Uuid>, StoreError> {
    Ok(
        diesel::update(memberships::table.filter(memberships::referral_id.eq(referral_id)))
            .set((
                memberships::pseudonym.eq(None::<String>),
                memberships::referral_id.eq(None::<Uuid>),
                memberships::intake_id.eq(None::<Uuid>),
                memberships::version.eq(memberships::version + 1),
            ))
            .returning(memberships::id)
            .get_results(conn)?,
    )
}

/// How many members each of `group_ids` held at the instant `at` (joined before it, not left by
/// it): what the catalogue's seat bands are read from, so that a placement shows only after it.
pub fn members_at(
    conn: &mut PgConnection,
    group_ids: &[Uuid],
    at: DateTime<Utc>,
) -> Result<HashMap<Uuid, i64>, StoreError> {
    let counts: Vec<(Uuid, i64)> = memberships::table
        .filter(memberships::group_id.eq_any(group_ids))
        .filter(memberships::joined_at.lt(at))
        .filter(
            memberships::left_at
                .is_null()
                .or(memberships::left_at.ge(at)),
        )
        .group_by(memberships::group_id)
        .select((memberships::group_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(counts.into_iter().collect())
}

//! Referrals in storage. Every query takes a [`ReferralScope`] and puts it in the WHERE clause:
//! a referral another organisation may not see is never loaded, so it cannot leak through a
//! forgotten check after loading.

use crate::error::{parse_stored, StoreError};
use crate::pagination;
use crate::schema::{referral_people, referral_transitions, referrals};
use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use samhandling_domain::page::{Page, PageRequest, Position};
use samhandling_domain::referral::{
    Consent, Offer, Person, ReasonCode, Referral, ReferralStatus, Source, TargetGroup, Transition,
};
use uuid::Uuid;

/// The unique index that makes a referrer's external reference identify one referral.
pub const EXTERNAL_REFERENCE_KEY: &str = "referrals_external_reference_key";
/// The unique constraint on short references.
pub const REFERENCE_KEY: &str = "referrals_reference_key";

/// Which referrals a caller may see: those addressed to its centre, those it referred, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReferralScope {
    /// The caller's organisation, when the caller coordinates a centre.
    pub centre: Option<Uuid>,
    /// The caller's organisation, when the caller refers.
    pub referrer: Option<Uuid>,
    /// Every referral: for administrators' erasure and access log only, never for reading.
    pub everything: bool,
}

type Condition<QS> = Box<dyn BoxableExpression<QS, Pg, SqlType = Bool>>;

impl ReferralScope {
    /// The scope as a WHERE condition on any query source holding `referrals`; an empty scope
    /// matches nothing.
    fn condition<QS: 'static>(self) -> Condition<QS>
    where
        referrals::target_centre_id: diesel::SelectableExpression<QS>,
    {
        if self.everything {
            return Box::new(sql::<Bool>("true"));
        }
        let centre: Option<Condition<QS>> = self
            .centre
            .map(|centre| Box::new(referrals::target_centre_id.eq(centre)) as Condition<QS>);
        let referrer: Option<Condition<QS>> = self.referrer.map(|referrer| {
            // Plain `=` (a NULL column compares false in WHERE), written as SQL because diesel
            // types a nullable comparison as nullable, which a boxed condition cannot be.
            Box::new(
                sql::<Bool>("referrals.referring_organisation_id = ")
                    .bind::<diesel::sql_types::Uuid, _>(referrer),
            ) as Condition<QS>
        });
        match (centre, referrer) {
            (Some(centre), Some(referrer)) => Box::new(centre.or(referrer)),
            (Some(one), None) | (None, Some(one)) => one,
            (None, None) => Box::new(sql::<Bool>("false")),
        }
    }
}

#[derive(Debug, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = referrals, check_for_backend(diesel::pg::Pg))]
struct ReferralRow {
    id: Uuid,
    reference: String,
    source: String,
    target_centre_id: Uuid,
    referring_organisation_id: Option<Uuid>,
    external_reference: Option<String>,
    offer: String,
    status: String,
    target_groups: Vec<Option<String>>,
    preferred_format: String,
    residence_municipality: Option<String>,
    consent_contact: bool,
    consent_feedback: bool,
    consent_method: String,
    consent_obtained_at: DateTime<Utc>,
    feedback_withdrawn_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
    erased_at: Option<DateTime<Utc>>,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ReferralRow> for Referral {
    type Error = StoreError;

    fn try_from(row: ReferralRow) -> Result<Self, Self::Error> {
        Ok(Referral {
            id: row.id,
            reference: row.reference,
            source: parse_stored(&row.source)?,
            target_centre_id: row.target_centre_id,
            referring_organisation_id: row.referring_organisation_id,
            external_reference: row.external_reference,
            offer: parse_stored(&row.offer)?,
            status: parse_stored(&row.status)?,
            target_groups: row
                .target_groups
                .iter()
                .flatten()
                .map(|group| parse_stored(group))
                .collect::<Result<_, _>>()?,
            preferred_format: parse_stored(&row.preferred_format)?,
            residence_municipality: row.residence_municipality,
            consent: Consent {
                contact: row.consent_contact,
                feedback_to_referrer: row.consent_feedback,
                method: parse_stored(&row.consent_method)?,
                obtained_at: row.consent_obtained_at,
                feedback_withdrawn_at: row.feedback_withdrawn_at,
            },
            ended_at: row.ended_at,
            erased_at: row.erased_at,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = referral_people, check_for_backend(diesel::pg::Pg))]
struct PersonRow {
    referral_id: Uuid,
    given_name: String,
    family_name: String,
    phone: Option<String>,
    email: Option<String>,
    preferred_language: String,
    birth_year: Option<i16>,
    wishes: Option<String>,
}

/// A referral to store.
#[derive(Debug)]
pub struct NewReferral<'a> {
    /// Its id.
    pub id: Uuid,
    /// Its short reference.
    pub reference: &'a str,
    /// Referred or self-registered.
    pub source: Source,
    /// The centre it is addressed to (already checked to be a self-help centre).
    pub target_centre_id: Uuid,
    /// Who referred, and as which subject.
    pub referrer: Option<(Uuid, &'a str)>,
    /// The referrer's own case reference.
    pub external_reference: Option<&'a str>,
    /// What the person is referred to.
    pub offer: Offer,
    /// Target groups.
    pub target_groups: &'a [TargetGroup],
    /// How the person would like to meet.
    pub preferred_format: samhandling_domain::referral::PreferredFormat,
    /// Kommunenummer of residence.
    pub residence_municipality: Option<&'a str>,
    /// Consent, already checked.
    pub consent: &'a Consent,
    /// The person.
    pub person: &'a Person,
}

/// Filters for listing; each is optional, and they combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferralFilter {
    /// Only this status.
    pub status: Option<ReferralStatus>,
    /// Only this offer.
    pub offer: Option<Offer>,
    /// Only referrals tagged with this target group.
    pub target_group: Option<TargetGroup>,
    /// Only people living in this municipality.
    pub municipality: Option<String>,
    /// Only referrals created at or after.
    pub created_after: Option<DateTime<Utc>>,
    /// Only referrals created before.
    pub created_before: Option<DateTime<Utc>>,
    /// Only referrals changed after (for delta sync).
    pub updated_after: Option<DateTime<Utc>>,
    /// Only the referral with this external reference.
    pub external_reference: Option<String>,
}

/// One step of the history, written in the transaction of the change.
struct Step<'a> {
    referral_id: Uuid,
    from: Option<ReferralStatus>,
    to: ReferralStatus,
    reason: Option<ReasonCode>,
    actor: &'a str,
    actor_organisation_id: Option<Uuid>,
}

fn record_step(conn: &mut PgConnection, step: &Step<'_>) -> Result<(), StoreError> {
    diesel::insert_into(referral_transitions::table)
        .values((
            referral_transitions::id.eq(Uuid::now_v7()),
            referral_transitions::referral_id.eq(step.referral_id),
            referral_transitions::from_status.eq(step.from.map(ReferralStatus::as_str)),
            referral_transitions::to_status.eq(step.to.as_str()),
            referral_transitions::reason.eq(step.reason.map(ReasonCode::as_str)),
            referral_transitions::actor.eq(step.actor),
            referral_transitions::actor_organisation_id.eq(step.actor_organisation_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// The insert chain of a new referral, as one statement: the referral (only if the target is a
/// self-help centre), its person, and the first step of its history. One round trip instead of
/// four matters: a create is dominated by waiting on the database, not by work in it.
const INSERT_REFERRAL: &str = "\
WITH centre AS (
    SELECT id FROM organisations WHERE id = $4 AND kind = 'self_help_centre'
), referral AS (
    INSERT INTO referrals (id, reference, source, target_centre_id, referring_organisation_id,
        referring_subject, external_reference, offer, status, target_groups, preferred_format,
        residence_municipality, consent_contact, consent_feedback, consent_method, consent_obtained_at)
    SELECT $1, $2, $3, centre.id, $5, $6, $7, $8, 'submitted', $9, $10, $11, true, $12, $13, $14
    FROM centre
    RETURNING *
), person AS (
    INSERT INTO referral_people (referral_id, given_name, family_name, phone, email,
        preferred_language, birth_year, wishes)
    SELECT id, $15, $16, $17, $18, $19, $20, $21 FROM referral
), step AS (
    INSERT INTO referral_transitions (id, referral_id, from_status, to_status, actor, actor_organisation_id)
    SELECT $22, id, NULL, 'submitted', $23, $5 FROM referral
)
SELECT * FROM referral";

/// Stores a new referral in `submitted`, its person, and the first step of its history.
/// `None` when `target_centre_id` names no self-help centre (nothing is stored then).
pub fn insert(
    conn: &mut PgConnection,
    new: &NewReferral<'_>,
    actor: &str,
) -> Result<Option<Referral>, StoreError> {
    use diesel::sql_types::{Array, Int2, Nullable, Text, Timestamptz, Uuid as SqlUuid};
    let groups: Vec<&str> = new
        .target_groups
        .iter()
        .map(|group| group.as_str())
        .collect();
    let referring_organisation = new.referrer.map(|(organisation, _)| organisation);
    let row: Option<ReferralRow> = diesel::sql_query(INSERT_REFERRAL)
        .bind::<SqlUuid, _>(new.id)
        .bind::<Text, _>(new.reference)
        .bind::<Text, _>(new.source.as_str())
        .bind::<SqlUuid, _>(new.target_centre_id)
        .bind::<Nullable<SqlUuid>, _>(referring_organisation)
        .bind::<Nullable<Text>, _>(new.referrer.map(|(_, subject)| subject))
        .bind::<Nullable<Text>, _>(new.external_reference)
        .bind::<Text, _>(new.offer.as_str())
        .bind::<Array<Text>, _>(groups)
        .bind::<Text, _>(new.preferred_format.as_str())
        .bind::<Nullable<Text>, _>(new.residence_municipality)
        .bind::<Bool, _>(new.consent.feedback_to_referrer)
        .bind::<Text, _>(new.consent.method.as_str())
        .bind::<Timestamptz, _>(new.consent.obtained_at)
        .bind::<Text, _>(&new.person.given_name)
        .bind::<Text, _>(&new.person.family_name)
        .bind::<Nullable<Text>, _>(new.person.phone.as_deref())
        .bind::<Nullable<Text>, _>(new.person.email.as_deref())
        .bind::<Text, _>(&new.person.preferred_language)
        .bind::<Nullable<Int2>, _>(new.person.birth_year)
        .bind::<Nullable<Text>, _>(new.person.wishes.as_deref())
        .bind::<SqlUuid, _>(Uuid::now_v7())
        .bind::<Text, _>(actor)
        .get_result(conn)
        .optional()?;
    row.map(Referral::try_from).transpose()
}

/// Finds a referral the scope may see.
pub fn find(
    conn: &mut PgConnection,
    id: Uuid,
    scope: ReferralScope,
) -> Result<Option<Referral>, StoreError> {
    find_scoped(conn, id, scope, false)
}

/// As [`find`], locking the row until the transaction ends.
pub fn find_for_update(
    conn: &mut PgConnection,
    id: Uuid,
    scope: ReferralScope,
) -> Result<Option<Referral>, StoreError> {
    find_scoped(conn, id, scope, true)
}

fn find_scoped(
    conn: &mut PgConnection,
    id: Uuid,
    scope: ReferralScope,
    lock: bool,
) -> Result<Option<Referral>, StoreError> {
    let query = || {
        referrals::table
            .filter(referrals::id.eq(id))
            .filter(scope.condition())
            .select(ReferralRow::as_select())
    };
    let row = if lock {
        query().for_update().first(conn)
    } else {
        query().first(conn)
    };
    row.optional()?.map(Referral::try_from).transpose()
}

impl From<PersonRow> for Person {
    fn from(row: PersonRow) -> Self {
        Person {
            given_name: row.given_name,
            family_name: row.family_name,
            phone: row.phone,
            email: row.email,
            preferred_language: row.preferred_language,
            birth_year: row.birth_year,
            wishes: row.wishes,
        }
    }
}

/// As [`find`], with the person (`None` once erased) in the same round trip.
pub fn find_with_person(
    conn: &mut PgConnection,
    id: Uuid,
    scope: ReferralScope,
) -> Result<Option<(Referral, Option<Person>)>, StoreError> {
    let found: Option<(ReferralRow, Option<PersonRow>)> = referrals::table
        .left_join(referral_people::table)
        .filter(referrals::id.eq(id))
        .filter(scope.condition())
        .select((ReferralRow::as_select(), Option::<PersonRow>::as_select()))
        .first(conn)
        .optional()?;
    found
        .map(|(referral, person)| Ok((referral.try_into()?, person.map(Person::from))))
        .transpose()
}

/// `(from, to, reason, actor organisation, time)` as stored.
type StepRow = (
    Option<String>,
    String,
    Option<String>,
    Option<Uuid>,
    DateTime<Utc>,
);

/// A referral's history, oldest first.
pub fn history(conn: &mut PgConnection, referral_id: Uuid) -> Result<Vec<Transition>, StoreError> {
    let rows: Vec<StepRow> = referral_transitions::table
        .filter(referral_transitions::referral_id.eq(referral_id))
        .order((referral_transitions::occurred_at, referral_transitions::id))
        .select((
            referral_transitions::from_status,
            referral_transitions::to_status,
            referral_transitions::reason,
            referral_transitions::actor_organisation_id,
            referral_transitions::occurred_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(from, to, reason, actor_organisation_id, occurred_at)| {
            Ok(Transition {
                from_status: from.as_deref().map(parse_stored).transpose()?,
                to_status: parse_stored(&to)?,
                reason: reason.as_deref().map(parse_stored).transpose()?,
                actor_organisation_id,
                occurred_at,
            })
        })
        .collect()
}

/// One page of the referrals the scope may see, in `(created_at, id)` order.
pub fn list(
    conn: &mut PgConnection,
    scope: ReferralScope,
    filter: &ReferralFilter,
    page: PageRequest,
) -> Result<Page<Referral>, StoreError> {
    let mut query = referrals::table
        .filter(scope.condition())
        .select(ReferralRow::as_select())
        .order((referrals::created_at, referrals::id))
        .limit(pagination::overfetch(page.limit))
        .into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(referrals::status.eq(status.as_str()));
    }
    if let Some(offer) = filter.offer {
        query = query.filter(referrals::offer.eq(offer.as_str()));
    }
    if let Some(group) = filter.target_group {
        query =
            query.filter(referrals::target_groups.contains(vec![Some(group.as_str().to_owned())]));
    }
    if let Some(municipality) = &filter.municipality {
        query = query.filter(referrals::residence_municipality.eq(municipality.clone()));
    }
    if let Some(after) = filter.created_after {
        query = query.filter(referrals::created_at.ge(after));
    }
    if let Some(before) = filter.created_before {
        query = query.filter(referrals::created_at.lt(before));
    }
    if let Some(after) = filter.updated_after {
        query = query.filter(referrals::updated_at.gt(after));
    }
    if let Some(external) = &filter.external_reference {
        query = query.filter(referrals::external_reference.eq(external.clone()));
    }
    if let Some(position) = page.after {
        query = query.filter(pagination::after("created_at", position));
    }
    let rows = query
        .load(conn)?
        .into_iter()
        .map(Referral::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetched(rows, page.limit, |referral| {
        Position {
            created_at: referral.created_at,
            id: referral.id,
        }
    }))
}

/// Moves a referral (already locked and checked) to `to`, recording the step.
pub fn transition(
    conn: &mut PgConnection,
    current: &Referral,
    to: ReferralStatus,
    reason: Option<ReasonCode>,
    actor: &str,
    actor_organisation_id: Option<Uuid>,
) -> Result<Referral, StoreError> {
    let ended_at = to.is_terminal().then(Utc::now);
    let row: ReferralRow = diesel::update(referrals::table.find(current.id))
        .set((
            referrals::status.eq(to.as_str()),
            referrals::ended_at.eq(ended_at),
            referrals::version.eq(referrals::version + 1),
            referrals::updated_at.eq(diesel::dsl::now),
        ))
        .returning(ReferralRow::as_returning())
        .get_result(conn)?;
    record_step(
        conn,
        &Step {
            referral_id: current.id,
            from: Some(current.status),
            to,
            reason,
            actor,
            actor_organisation_id,
        },
    )?;
    row.try_into()
}

/// Records that the person withdrew consent to feedback; withdrawing twice keeps the first time.
pub fn withdraw_feedback_consent(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Referral, StoreError> {
    let row: ReferralRow = diesel::update(referrals::table.find(id))
        .set((
            referrals::feedback_withdrawn_at.eq(sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >(
                "coalesce(feedback_withdrawn_at, now())"
            )),
            referrals::version.eq(referrals::version + 1),
            referrals::updated_at.eq(diesel::dsl::now),
        ))
        .returning(ReferralRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// Erases the person of a referral, keeping the tombstone. The referrer's external reference goes
/// too, wherever it was copied (webhook payloads, stored idempotent responses), since a case
/// reference may itself identify the person. Erasing twice keeps the first time.
pub fn erase(conn: &mut PgConnection, id: Uuid) -> Result<Referral, StoreError> {
    diesel::delete(referral_people::table.find(id)).execute(conn)?;
    diesel::sql_query(
        "UPDATE webhook_deliveries SET payload = jsonb_set(payload, '{referral,external_reference}', 'null') \
         WHERE payload -> 'referral' ->> 'id' = $1::text",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .execute(conn)?;
    diesel::sql_query("DELETE FROM idempotency_keys WHERE response_body ->> 'id' = $1::text")
        .bind::<diesel::sql_types::Uuid, _>(id)
        .execute(conn)?;
    let row: ReferralRow = diesel::update(referrals::table.find(id))
        .set((
            referrals::erased_at.eq(sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >("coalesce(erased_at, now())")),
            referrals::external_reference.eq(None::<String>),
            referrals::version.eq(referrals::version + 1),
            referrals::updated_at.eq(diesel::dsl::now),
        ))
        .returning(ReferralRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// Ids of referrals that ended before `cutoff` and still hold personal data, locked for erasure
/// (skipping rows another instance's sweep holds).
pub fn due_for_erasure(
    conn: &mut PgConnection,
    cutoff: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Uuid>, StoreError> {
    Ok(referrals::table
        .filter(referrals::erased_at.is_null())
        .filter(referrals::ended_at.lt(cutoff))
        .select(referrals::id)
        .order(referrals::ended_at)
        .limit(limit)
        .for_update()
        .skip_locked()
        .load(conn)?)
}

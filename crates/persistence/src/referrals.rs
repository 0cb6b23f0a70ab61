//! Referrals in storage. Every query takes a [`ReferralScope`] and puts it in the WHERE clause:
//! a referral another organisation may not see is never loaded, so it cannot leak through a
//! forgotten check after loading.

use crate::error::{parse_stored, parse_stored_all, StoreError};
use crate::idempotency::NewKey;
use crate::pagination::{self, created_order};
use crate::record::{find_and_lock, one_version_up};
use crate::schema::{memberships, referral_people, referral_transitions, referrals};
use crate::statement::statement;
use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Array, Bool, Int2, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use samhandling_domain::agreement::FeedbackLevel;
use samhandling_domain::audit::{AuditAction, Creation};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::referral::{
    CoarseStatus, Consent, Offer, Person, PreferredFormat, ReasonCode, Referral, ReferralScope,
    ReferralStatus, RetentionPolicy, Source, TargetGroup, Transition,
};
use uuid::Uuid;

/// The unique index that makes a referrer's external reference identify one referral.
pub const EXTERNAL_REFERENCE_KEY: &str = "referrals_external_reference_key";
/// The unique constraint on short references.
pub const REFERENCE_KEY: &str = "referrals_reference_key";

type Condition = Box<dyn BoxableExpression<referrals::table, Pg, SqlType = Bool>>;

/// `scope` as a WHERE condition on `referrals`; an empty scope matches nothing.
fn condition(scope: ReferralScope) -> Condition {
    if scope.everything {
        return Box::new(referrals::id.is_not_null());
    }
    let centre: Option<Condition> = scope
        .centre
        .map(|centre| Box::new(referrals::target_centre_id.eq(centre)) as Condition);
    let referrer: Option<Condition> = scope.referrer.map(|referrer| {
        // Plain `=` (a NULL column compares false in WHERE); `assume_not_null` only keeps
        // diesel from typing the comparison as nullable, which a boxed condition cannot be.
        Box::new(
            referrals::referring_organisation_id
                .assume_not_null()
                .eq(referrer),
        ) as Condition
    });
    match (centre, referrer) {
        (Some(centre), Some(referrer)) => Box::new(centre.or(referrer)),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => Box::new(referrals::id.is_null()),
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
    referrer_version: i32,
    referrer_updated_at: DateTime<Utc>,
    agreed_feedback: String,
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
            target_groups: parse_stored_all(&row.target_groups)?,
            preferred_format: parse_stored(&row.preferred_format)?,
            residence_municipality: row.residence_municipality,
            consent: Consent {
                contact: row.consent_contact,
                feedback_to_referrer: row.consent_feedback,
                method: parse_stored(&row.consent_method)?,
                obtained_at: row.consent_obtained_at,
                feedback_withdrawn_at: row.feedback_withdrawn_at,
            },
            agreed_feedback: parse_stored(&row.agreed_feedback)?,
            ended_at: row.ended_at,
            erased_at: row.erased_at,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
            referrer_version: row.referrer_version,
            referrer_updated_at: row.referrer_updated_at,
        })
    }
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
    /// The feedback the agreement between the referrer and the centre gives now.
    pub agreed_feedback: FeedbackLevel,
    /// When it is created, to the microsecond PostgreSQL keeps: chosen before it is stored, so
    /// that its representation is known before the statement that stores it.
    pub created_at: DateTime<Utc>,
}

impl NewReferral<'_> {
    /// The referral as [`insert`] stores it: submitted, version 1.
    pub fn to_referral(&self) -> Referral {
        Referral {
            id: self.id,
            reference: self.reference.to_owned(),
            source: self.source,
            target_centre_id: self.target_centre_id,
            referring_organisation_id: self.referrer.map(|(organisation, _)| organisation),
            external_reference: self.external_reference.map(str::to_owned),
            offer: self.offer,
            status: ReferralStatus::Submitted,
            target_groups: self.target_groups.to_vec(),
            preferred_format: self.preferred_format,
            residence_municipality: self.residence_municipality.map(str::to_owned),
            consent: Consent {
                contact: true,
                ..self.consent.clone()
            },
            agreed_feedback: self.agreed_feedback,
            ended_at: None,
            erased_at: None,
            version: 1,
            created_at: self.created_at,
            updated_at: self.created_at,
            referrer_version: 1,
            referrer_updated_at: self.created_at,
        }
    }
}

/// Filters for listing; each is optional, and they combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferralFilter {
    /// Only this status. For a referrer, only among referrals whose detailed status it may see
    /// (with the person's consent to feedback), so the filter tells it nothing its view hides.
    pub status: Option<ReferralStatus>,
    /// Only this coarse status.
    pub coarse_status: Option<CoarseStatus>,
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
    /// Only referrals changed after (for delta sync); for a referrer, changed in its view.
    pub updated_after: Option<DateTime<Utc>>,
    /// Only the referral with this external reference.
    pub external_reference: Option<String>,
    /// Only referrals whose person is due for erasure before the time, under the policy.
    pub erasure_due_before: Option<(DateTime<Utc>, RetentionPolicy)>,
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
/// self-help centre, and only if it claims its idempotency key when given one), its person, the
/// first step of its history, the audit event of its creation and the key with its response.
/// Committed on its own, it is one round trip where a transaction of claim, inserts, response and
/// commit was five; a create is dominated by waiting on the database, not by work in it.
///
/// A live key held by an earlier request (or one in flight, which the claim waits for) stores
/// nothing; an expired one is taken over.
const INSERT_REFERRAL: &str = "\
WITH centre AS (
    SELECT id FROM organisations WHERE id = $4 AND kind = 'self_help_centre'
), claim AS (
    INSERT INTO idempotency_keys (organisation_id, subject, key, request_hash, response_status,
        response_body, response_headers)
    SELECT $30, $31, $32, $33, $34, $35, $36 FROM centre WHERE $32::text IS NOT NULL
    ON CONFLICT (organisation_id, subject, key) DO UPDATE
    SET request_hash = EXCLUDED.request_hash, response_status = EXCLUDED.response_status,
        response_body = EXCLUDED.response_body, response_headers = EXCLUDED.response_headers,
        created_at = now()
    WHERE idempotency_keys.created_at < $37
    RETURNING 1
), referral AS (
    INSERT INTO referrals (id, reference, source, target_centre_id, referring_organisation_id,
        referring_subject, external_reference, offer, status, target_groups, preferred_format,
        residence_municipality, consent_contact, consent_feedback, consent_method, consent_obtained_at,
        created_at, updated_at, referrer_updated_at, agreed_feedback)
    SELECT $1, $2, $3, centre.id, $5, $6, $7, $8, 'submitted', $9, $10, $11, true, $12, $13, $14, $38, $38, $38, $39
    FROM centre
    WHERE $32::text IS NULL OR EXISTS (SELECT 1 FROM claim)
    RETURNING *
), person AS (
    INSERT INTO referral_people (referral_id, given_name, family_name, phone, email,
        preferred_language, birth_year, wishes)
    SELECT id, $15, $16, $17, $18, $19, $20, $21 FROM referral
), step AS (
    INSERT INTO referral_transitions (id, referral_id, from_status, to_status, actor, actor_organisation_id, occurred_at)
    SELECT $22, id, NULL, 'submitted', $23, $5, $38 FROM referral
), audited AS (
    INSERT INTO audit_events (id, actor, actor_organisation_id, action, resource_type, resource_id, request_id,
        actor_client, actor_organisation_number, actor_supplier_number, actor_issuer)
    SELECT $24, $25, $26, $27, $28, id, $29, $40, $41, $42, $43 FROM referral
)
SELECT * FROM referral";

/// What [`insert`] did.
#[derive(Debug)]
pub enum Inserted<T> {
    /// Stored.
    Stored(T),
    /// Nothing was stored: `target_centre_id` names no self-help centre, or an earlier request
    /// holds the idempotency key.
    NotAdmitted,
    /// Nothing was stored because the randomly chosen `reference` is taken: choose another and
    /// try again. The server chose it, so this is never the client's conflict.
    ReferenceTaken,
}

impl<T> Inserted<T> {
    /// The same outcome carrying something else when stored.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Inserted<U> {
        match self {
            Inserted::Stored(value) => Inserted::Stored(f(value)),
            Inserted::NotAdmitted => Inserted::NotAdmitted,
            Inserted::ReferenceTaken => Inserted::ReferenceTaken,
        }
    }
}

/// Stores a new referral in `submitted`, its person, the first step of its history, the event
/// of its creation, and `key`, if given, with its response.
///
/// One statement either stores all of it or nothing, so a taken reference leaves nothing behind
/// (not even the key's claim); inside a transaction the statement runs under a savepoint, so the
/// transaction survives the collision and the caller can try another reference.
pub fn insert(
    conn: &mut PgConnection,
    new: &NewReferral<'_>,
    actor: &str,
    created_event: &Creation,
    key: Option<&NewKey<'_>>,
) -> Result<Inserted<Referral>, StoreError> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let in_transaction = AnsiTransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .is_ok_and(|depth| depth.is_some());
    let outcome = if in_transaction {
        conn.transaction(|conn| insert_statement(conn, new, actor, created_event, key))
    } else {
        insert_statement(conn, new, actor, created_event, key)
    };
    match outcome {
        Ok(Some(referral)) => Ok(Inserted::Stored(referral)),
        Ok(None) => Ok(Inserted::NotAdmitted),
        Err(StoreError::UniqueViolation(constraint)) if constraint == REFERENCE_KEY => {
            Ok(Inserted::ReferenceTaken)
        }
        Err(error) => Err(error),
    }
}

fn insert_statement(
    conn: &mut PgConnection,
    new: &NewReferral<'_>,
    actor: &str,
    created_event: &Creation,
    key: Option<&NewKey<'_>>,
) -> Result<Option<Referral>, StoreError> {
    use diesel::sql_types::{Bytea, Jsonb};
    let groups: Vec<&str> = new
        .target_groups
        .iter()
        .map(|group| group.as_str())
        .collect();
    let referring_organisation = new.referrer.map(|(organisation, _)| organisation);
    let row: Option<ReferralRow> = statement(INSERT_REFERRAL)
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
        .bind::<SqlUuid, _>(Uuid::now_v7())
        .bind::<Text, _>(&created_event.actor)
        .bind::<Nullable<SqlUuid>, _>(created_event.actor_organisation_id)
        .bind::<Text, _>(AuditAction::Created.as_str())
        .bind::<Text, _>(created_event.resource_type.as_str())
        .bind::<Text, _>(&created_event.request_id)
        .bind::<Nullable<SqlUuid>, _>(key.map(|key| key.scope.organisation_id))
        .bind::<Nullable<Text>, _>(key.map(|key| key.scope.subject))
        .bind::<Nullable<Text>, _>(key.map(|key| key.scope.key))
        .bind::<Nullable<Bytea>, _>(key.map(|key| key.request_hash))
        .bind::<Nullable<Int2>, _>(key.map(NewKey::status).transpose()?)
        .bind::<Nullable<Jsonb>, _>(key.map(|key| &key.response.body))
        .bind::<Nullable<Jsonb>, _>(key.map(|key| &key.response.headers))
        .bind::<Timestamptz, _>(NewKey::expired_before())
        .bind::<Timestamptz, _>(new.created_at)
        .bind::<Text, _>(new.agreed_feedback.as_str())
        .bind::<Nullable<Text>, _>(&created_event.provenance.client)
        .bind::<Nullable<Text>, _>(&created_event.provenance.organisation_number)
        .bind::<Nullable<Text>, _>(&created_event.provenance.supplier_number)
        .bind::<Nullable<Text>, _>(&created_event.provenance.issuer)
        .get_result(conn)
        .optional()?;
    row.map(Referral::try_from).transpose()
}

find_and_lock! {
    /// Finds a referral the scope may see.
    fn find / find_for_update(id: Uuid, scope: ReferralScope) -> Referral {
        referrals::table
            .filter(referrals::id.eq(id))
            .filter(condition(scope))
            .select(ReferralRow::as_select())
    }
}

/// A referral read whole: with the person (`None` once erased; shown to the target centre only)
/// and every step of its history, oldest first.
#[derive(Debug)]
pub struct FullReferral {
    /// The referral.
    pub referral: Referral,
    /// The person, unless erased.
    pub person: Option<Person>,
    /// Every step so far.
    pub history: Vec<Transition>,
}

/// The read of one referral, as one statement: the referral the scope may see, its person and
/// its history.
const READ_REFERRAL: &str = "\
SELECT r.*, p.referral_id IS NOT NULL AS person_present, p.given_name, p.family_name, p.phone,
    p.email, p.preferred_language, p.birth_year, p.wishes, steps.*
FROM referrals r
LEFT JOIN referral_people p ON p.referral_id = r.id
LEFT JOIN LATERAL (
    SELECT array_agg(t.from_status ORDER BY t.occurred_at, t.id) AS step_from,
        array_agg(t.to_status ORDER BY t.occurred_at, t.id) AS step_to,
        array_agg(t.reason ORDER BY t.occurred_at, t.id) AS step_reason,
        array_agg(t.actor_organisation_id ORDER BY t.occurred_at, t.id) AS step_actor_organisation,
        array_agg(t.occurred_at ORDER BY t.occurred_at, t.id) AS step_occurred_at
    FROM referral_transitions t WHERE t.referral_id = r.id
) AS steps ON true
WHERE r.id = $1 AND ($2 OR r.target_centre_id = $3 OR r.referring_organisation_id = $4)";

#[derive(QueryableByName)]
struct ReadRow {
    #[diesel(embed)]
    referral: ReferralRow,
    #[diesel(sql_type = Bool)]
    person_present: bool,
    #[diesel(sql_type = Nullable<Text>)]
    given_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    family_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    phone: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    preferred_language: Option<String>,
    #[diesel(sql_type = Nullable<Int2>)]
    birth_year: Option<i16>,
    #[diesel(sql_type = Nullable<Text>)]
    wishes: Option<String>,
    #[diesel(sql_type = Nullable<Array<Nullable<Text>>>)]
    step_from: Option<Vec<Option<String>>>,
    #[diesel(sql_type = Nullable<Array<Text>>)]
    step_to: Option<Vec<String>>,
    #[diesel(sql_type = Nullable<Array<Nullable<Text>>>)]
    step_reason: Option<Vec<Option<String>>>,
    #[diesel(sql_type = Nullable<Array<Nullable<SqlUuid>>>)]
    step_actor_organisation: Option<Vec<Option<Uuid>>>,
    #[diesel(sql_type = Nullable<Array<Timestamptz>>)]
    step_occurred_at: Option<Vec<DateTime<Utc>>>,
}

impl ReadRow {
    fn person(&mut self) -> Option<Person> {
        if !self.person_present {
            return None;
        }
        Some(Person {
            given_name: self.given_name.take().unwrap_or_default(),
            family_name: self.family_name.take().unwrap_or_default(),
            phone: self.phone.take(),
            email: self.email.take(),
            preferred_language: self.preferred_language.take().unwrap_or_default(),
            birth_year: self.birth_year,
            wishes: self.wishes.take(),
        })
    }

    fn history(&mut self) -> Result<Vec<Transition>, StoreError> {
        let to = self.step_to.take().unwrap_or_default();
        let from = self.step_from.take().unwrap_or_default();
        let reasons = self.step_reason.take().unwrap_or_default();
        let actors = self.step_actor_organisation.take().unwrap_or_default();
        let times = self.step_occurred_at.take().unwrap_or_default();
        if [from.len(), reasons.len(), actors.len(), times.len()] != [to.len(); 4] {
            return Err(StoreError::Corrupt(
                "the history's columns differ in length".into(),
            ));
        }
        to.iter()
            .zip(from)
            .zip(reasons)
            .zip(actors)
            .zip(times)
            .map(
                |((((to, from), reason), actor_organisation_id), occurred_at)| {
                    step(from, to, reason, actor_organisation_id, occurred_at)
                },
            )
            .collect()
    }
}

/// Reads a referral the scope may see, whole, in one round trip. The caller audits the read
/// when it shows the person.
pub fn read(
    conn: &mut PgConnection,
    id: Uuid,
    scope: ReferralScope,
) -> Result<Option<FullReferral>, StoreError> {
    let found: Option<ReadRow> = statement(READ_REFERRAL)
        .bind::<SqlUuid, _>(id)
        .bind::<Bool, _>(scope.everything)
        .bind::<Nullable<SqlUuid>, _>(scope.centre)
        .bind::<Nullable<SqlUuid>, _>(scope.referrer)
        .get_result(conn)
        .optional()?;
    found
        .map(|mut row| {
            let person = row.person();
            let history = row.history()?;
            Ok(FullReferral {
                referral: row.referral.try_into()?,
                person,
                history,
            })
        })
        .transpose()
}

/// One step of a history as stored.
fn step(
    from: Option<String>,
    to: &str,
    reason: Option<String>,
    actor_organisation_id: Option<Uuid>,
    occurred_at: DateTime<Utc>,
) -> Result<Transition, StoreError> {
    Ok(Transition {
        from_status: from.as_deref().map(parse_stored).transpose()?,
        to_status: parse_stored(to)?,
        reason: reason.as_deref().map(parse_stored).transpose()?,
        actor_organisation_id,
        occurred_at,
    })
}

/// One page of the referrals the scope may see, in `(created_at, id)` order.
pub fn list(
    conn: &mut PgConnection,
    scope: ReferralScope,
    filter: &ReferralFilter,
    page: PageRequest,
) -> Result<Page<Referral>, StoreError> {
    let mut query = created_order!(referrals, ReferralRow).filter(condition(scope));
    // A referrer's filters see what its view shows: the coarse status only under an agreement
    // that gives feedback, the detailed status only under a detailed one and consent, the time
    // of the last change it could see.
    let as_referrer = scope.is_referrer_only();
    if let Some(status) = filter.status {
        query = query.filter(referrals::status.eq(status.as_str()));
        if as_referrer {
            query = query
                .filter(referrals::agreed_feedback.eq(FeedbackLevel::Detailed.as_str()))
                .filter(referrals::consent_feedback)
                .filter(referrals::feedback_withdrawn_at.is_null());
        }
    }
    if let Some(coarse) = filter.coarse_status {
        if as_referrer {
            query = query.filter(referrals::agreed_feedback.ne(FeedbackLevel::None.as_str()));
        }
        let statuses: Vec<&str> = ReferralStatus::ALL
            .iter()
            .filter(|status| status.coarse() == coarse)
            .map(|status| status.as_str())
            .collect();
        query = query.filter(referrals::status.eq_any(statuses));
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
        query = if as_referrer {
            query.filter(referrals::referrer_updated_at.gt(after))
        } else {
            query.filter(referrals::updated_at.gt(after))
        };
    }
    if let Some((before, policy)) = filter.erasure_due_before {
        let ended_before = before - policy.after_end;
        let idle_since = before - policy.when_inactive;
        let holds_place = diesel::dsl::exists(
            memberships::table
                .filter(memberships::referral_id.eq(referrals::id.nullable()))
                .filter(memberships::left_at.is_null()),
        );
        query = query.filter(referrals::erased_at.is_null()).filter(
            referrals::ended_at.lt(ended_before).or(referrals::ended_at
                .is_null()
                .and(referrals::updated_at.lt(idle_since))
                .and(diesel::dsl::not(holds_place))),
        );
    }
    if let Some(external) = &filter.external_reference {
        query = query.filter(referrals::external_reference.eq(external.clone()));
    }
    pagination::load_created_page::<_, ReferralRow, Referral>(conn, query, page)
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
    let noticed = current.referrer_notices(to);
    let row: ReferralRow = diesel::update(referrals::table.find(current.id))
        .set((
            referrals::status.eq(to.as_str()),
            referrals::ended_at.eq(ended_at),
            one_version_up!(referrals),
            // A change is work on the referral: the inactivity clock and its notice start over.
            referrals::erasure_notice_at.eq(None::<DateTime<Utc>>),
            referrer_view_changed(noticed),
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

/// The assignments that move the referrer's version and time, when `noticed`.
type ReferrerViewChange = (
    diesel::dsl::Eq<
        referrals::referrer_version,
        diesel::expression::SqlLiteral<diesel::sql_types::Integer>,
    >,
    diesel::dsl::Eq<referrals::referrer_updated_at, diesel::expression::SqlLiteral<Timestamptz>>,
);

/// Moves the referrer's version and time if `noticed` (see `Referral::referrer_notices`).
fn referrer_view_changed(noticed: bool) -> ReferrerViewChange {
    referrer_view_changed_when(if noticed { "true" } else { "false" })
}

/// As [`referrer_view_changed`], decided in SQL by `condition` on the row as it was before the
/// change.
fn referrer_view_changed_when(condition: &str) -> ReferrerViewChange {
    (
        referrals::referrer_version.eq(sql(&format!(
            "referrer_version + CASE WHEN {condition} THEN 1 ELSE 0 END"
        ))),
        referrals::referrer_updated_at.eq(sql(&format!(
            "CASE WHEN {condition} THEN now() ELSE referrer_updated_at END"
        ))),
    )
}

/// Records work on a referral that moves no status (its person left a group): the inactivity
/// clock and any erasure notice start over. The referrer's view does not change.
pub fn touch(conn: &mut PgConnection, id: Uuid) -> Result<(), StoreError> {
    diesel::update(referrals::table.find(id))
        .set((
            one_version_up!(referrals),
            referrals::erasure_notice_at.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records that the person withdrew consent to feedback; withdrawing twice keeps the first time.
///
/// What was queued or logged for the referrer's webhooks loses the detailed status with it.
pub fn withdraw_feedback_consent(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Referral, StoreError> {
    crate::webhooks::redact_referrer_feedback(conn, &[id], FeedbackLevel::Coarse)?;
    let row: ReferralRow = diesel::update(referrals::table.find(id))
        .set((
            referrals::feedback_withdrawn_at.eq(sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >(
                "coalesce(feedback_withdrawn_at, now())"
            )),
            one_version_up!(referrals),
            // A change is work on the referral: the inactivity clock and its notice start over.
            referrals::erasure_notice_at.eq(None::<DateTime<Utc>>),
            // The referrer's view loses the detailed status the first time only.
            referrer_view_changed_when(
                "consent_feedback AND feedback_withdrawn_at IS NULL AND agreed_feedback = 'detailed'",
            ),
        ))
        .returning(ReferralRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// Erases the person of a referral, leaving a tombstone that holds only what its referrer's view
/// shows. What statistics need (centre, referrer, offer, groups, municipality, final status,
/// months) is copied first to `referral_statistics`, under no id anyone outside holds; the
/// history, the groups and the municipality leave the tombstone, the referrer's external
/// reference goes wherever it was copied, and the delivery log of its webhooks goes. Its intake
/// is deleted, and its places in groups lose the pseudonym and every link to it (they keep
/// counting for their groups). Stored idempotent responses naming any of them (by id, or by
/// reference for self-registrations, whose receipt holds only that) are forgotten. Erasing twice keeps the first time.
pub fn erase(conn: &mut PgConnection, id: Uuid) -> Result<Referral, StoreError> {
    diesel::sql_query(
        "INSERT INTO referral_statistics (target_centre_id, referring_organisation_id, source, \
             offer, target_groups, residence_municipality, final_status, created_month, \
             ended_month, erased_month) \
         SELECT target_centre_id, referring_organisation_id, source, offer, target_groups, \
             residence_municipality, status, date_trunc('month', created_at)::date, \
             date_trunc('month', ended_at)::date, date_trunc('month', now())::date \
         FROM referrals WHERE id = $1 AND erased_at IS NULL",
    )
    .bind::<SqlUuid, _>(id)
    .execute(conn)?;
    diesel::delete(referral_people::table.find(id)).execute(conn)?;
    diesel::delete(referral_transitions::table.filter(referral_transitions::referral_id.eq(id)))
        .execute(conn)?;
    crate::webhooks::forget_referral(conn, id)?;
    // The person's place keeps counting for its group, cut loose; the intake goes.
    let mut named = crate::memberships::erase_for_referral(conn, id)?;
    named.extend(crate::intakes::erase_for_referral(conn, id)?);
    named.push(id);
    diesel::sql_query(
        "DELETE FROM idempotency_keys WHERE response_body ->> 'id' = ANY ($1::uuid[]::text[]) \
         OR response_body ->> 'reference' = (SELECT reference FROM referrals WHERE id = $2)",
    )
    .bind::<Array<SqlUuid>, _>(named)
    .bind::<SqlUuid, _>(id)
    .execute(conn)?;
    let row: ReferralRow = diesel::update(referrals::table.find(id))
        .set((
            referrals::erased_at.eq(sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >("coalesce(erased_at, now())")),
            referrals::external_reference.eq(None::<String>),
            referrals::target_groups.eq(Vec::<String>::new()),
            referrals::residence_municipality.eq(None::<String>),
            referrals::preferred_format.eq(PreferredFormat::NoPreference.as_str()),
            one_version_up!(referrals),
            // The referrer's view loses its external reference the first time only.
            referrer_view_changed_when("external_reference IS NOT NULL"),
        ))
        .returning(ReferralRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// `policy` as SQL, in two halves that each read one partial index in its order and stop at the
/// batch: the referrals holding personal data whose erasure is due before `$1`, those that
/// ended longer ago than `after_end` (`$2`, from `referrals_retention`) and those open and
/// untouched for `when_inactive` (`$3`, from `referrals_open_idle`), oldest first. A person who
/// holds a place in a group is not inactive, however long the group runs. `$4` is the batch;
/// `{notice}` is where each half adds its condition on the notice.
///
/// One condition on both (a `CASE` on `ended_at`) matched neither index: every sweep read every
/// referral, and on a database of a million it ran into the statement timeout.
fn erasure_due(notice: &str) -> String {
    format!(
        "ended AS (SELECT id, false AS open FROM referrals \
             WHERE erased_at IS NULL AND ended_at < $1 - $2 AND {notice} \
             ORDER BY ended_at LIMIT $4 FOR UPDATE SKIP LOCKED), \
         idle AS (SELECT id, true AS open FROM referrals \
             WHERE erased_at IS NULL AND ended_at IS NULL AND updated_at < $1 - $3 AND {notice} \
                 AND NOT EXISTS (SELECT 1 FROM memberships m \
                     WHERE m.referral_id = referrals.id AND m.left_at IS NULL) \
             ORDER BY updated_at LIMIT $4 - (SELECT count(*) FROM ended) FOR UPDATE SKIP LOCKED), \
         due AS (SELECT id, open FROM ended UNION ALL SELECT id, open FROM idle)"
    )
}

fn interval(delta: chrono::TimeDelta) -> diesel::pg::data_types::PgInterval {
    diesel::pg::data_types::PgInterval::from_microseconds(
        delta.num_microseconds().unwrap_or(i64::MAX),
    )
}

/// A referral whose centre is to be told that its person will be erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct ErasureNotice {
    /// The referral.
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    /// Its centre.
    #[diesel(sql_type = SqlUuid)]
    pub target_centre_id: Uuid,
    /// When it is due.
    #[diesel(sql_type = Timestamptz)]
    pub due_at: DateTime<Utc>,
}

/// Referrals due for erasure within the notice period whose centre has not been told yet, marked
/// as told (each instance's sweep skips the rows another holds).
pub fn take_erasure_notices(
    conn: &mut PgConnection,
    policy: &RetentionPolicy,
    limit: i64,
) -> Result<Vec<ErasureNotice>, StoreError> {
    Ok(diesel::sql_query(format!(
        "WITH {} \
         UPDATE referrals r SET erasure_notice_at = now() FROM due WHERE r.id = due.id \
         RETURNING r.id, r.target_centre_id, \
             CASE WHEN r.ended_at IS NOT NULL THEN r.ended_at + $2 ELSE r.updated_at + $3 END AS due_at",
        erasure_due("erasure_notice_at IS NULL")
    ))
    .bind::<Timestamptz, _>(Utc::now() + policy.notice)
    .bind::<diesel::sql_types::Interval, _>(interval(policy.after_end))
    .bind::<diesel::sql_types::Interval, _>(interval(policy.when_inactive))
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)?)
}

/// Ids of referrals due for erasure now whose centre was told at least the notice period ago,
/// with whether each is still open (to be ended as expired first), locked for erasure.
pub fn due_for_erasure(
    conn: &mut PgConnection,
    policy: &RetentionPolicy,
    limit: i64,
) -> Result<Vec<(Uuid, bool)>, StoreError> {
    #[derive(QueryableByName)]
    struct Due {
        #[diesel(sql_type = SqlUuid)]
        id: Uuid,
        #[diesel(sql_type = Bool)]
        open: bool,
    }
    let due: Vec<Due> = diesel::sql_query(format!(
        "WITH {} SELECT id, open FROM due",
        erasure_due("erasure_notice_at <= $5")
    ))
    .bind::<Timestamptz, _>(Utc::now())
    .bind::<diesel::sql_types::Interval, _>(interval(policy.after_end))
    .bind::<diesel::sql_types::Interval, _>(interval(policy.when_inactive))
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .bind::<Timestamptz, _>(Utc::now() - policy.notice)
    .load(conn)?;
    Ok(due.into_iter().map(|due| (due.id, due.open)).collect())
}

/// Gives the referrals from `partner` to `centre` made under agreements the feedback `level`,
/// moving the referrer's version and time where its view changes, and withdrawing from the
/// referrer's webhooks what it may no longer be told. Referrals from before agreements existed
/// keep theirs. Answers how many referrals changed.
pub fn apply_agreed_feedback(
    conn: &mut PgConnection,
    centre: Uuid,
    partner: Uuid,
    level: FeedbackLevel,
) -> Result<usize, StoreError> {
    // The referrer's view shows the coarse status under any feedback, the detailed one under
    // detailed feedback and consent: the view changes when either differs between the levels.
    let level_sql = format!("'{}'", level.as_str());
    let view_changes = format!(
        "(agreed_feedback <> 'none') <> ({level_sql} <> 'none') \
         OR ((agreed_feedback = 'detailed') <> ({level_sql} = 'detailed') \
             AND consent_feedback AND feedback_withdrawn_at IS NULL)"
    );
    let changed: Vec<Uuid> = diesel::update(
        referrals::table
            .filter(referrals::target_centre_id.eq(centre))
            .filter(referrals::referring_organisation_id.eq(partner))
            .filter(referrals::feedback_by_agreement)
            .filter(referrals::agreed_feedback.ne(level.as_str())),
    )
    .set((
        referrals::agreed_feedback.eq(level.as_str()),
        referrer_view_changed_when(&view_changes),
    ))
    .returning(referrals::id)
    .get_results(conn)?;
    crate::webhooks::redact_referrer_feedback(conn, &changed, level)?;
    Ok(changed.len())
}

//! The demo data `make run` loads, idempotently, so that a newcomer meets a living system: the
//! organisations named in the domain notes and seed articles, and at the LINK centres a few
//! months of work on them. LINK Trondheim has groups in every stage of their life, referrals from
//! the Trøndelag municipalities (and self-registrations) at every status, intakes booked and held
//! with every outcome, members known by pseudonyms, starters, session logs and follow-up visits;
//! LINK Bergen og omegn (referred to by NAV Årstad) and LINK Oslo have a little, so that the
//! catalogue shows other centres' groups.
//!
//! The seeds are data, in `data/demo/` (embedded in the binary): `organisations.json`,
//! `groups.json` (each group with its starters, members, sessions and follow-ups) and
//! `stories.json` (the referrals outside the groups), read into the seed structs below; the
//! procedures here walk them. Everything is done the way the API does it: through the use cases
//! where there is one (referrals, intakes, memberships, group moves), otherwise through the same
//! storage functions and domain checks. Each change has its audit event, as `system:demo-data`
//! acting for the organisation whose staff would have made it.
//!
//! The organisations and the records of the living part have fixed ids,
//! `de300000-0000-7000-8000-KKKKNNNNNNNN` with the kind in `KKKK` (0001 group, 0002 referral,
//! 0003 intake, 0004 membership, 0005 session, 0006 starter, 0007 follow-up, 0016 organisation)
//! and the number of the seed in `NNNNNNNN`, both written in decimal digits; a referral's intake
//! and membership share its number. So a walkthrough can name them: see [`WALKTHROUGH_INTAKE`]
//! and [`WALKTHROUGH_GROUP`]. A story (a group with its members, or one person's referral) whose
//! first record exists is left alone, so loading again changes nothing, whatever was done to the
//! demo records since.
//!
//! Time: the data says "N days ago"; the load reads its clock once and computes every time from
//! that instant, which the use cases are handed too as a [`FixedClock`]. So the times the
//! operations stamp (history steps after creation, placements, group starts and ends) are those
//! of the load; referrals, intakes, sessions and follow-ups are spread over the weeks before it.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, SubsecRound, TimeDelta, Utc};
use samhandling_domain::audit::Actor;
use samhandling_domain::group::{
    AgeBand, CentreAccess, Group, GroupFormat, GroupStatus, GroupTheme, LeaveReason, Schedule,
    Size, Starter, Weekday,
};
use samhandling_domain::intake::{Completion, Intake, IntakeFormat, IntakeOutcome, Preferences};
use samhandling_domain::organisation::{
    MunicipalityNumber, Organisation, OrganisationDraft, OrganisationKind,
};
use samhandling_domain::referral::{
    Consent, ConsentMethod, Offer, Person, PreferredFormat, ReasonCode, Referral, ReferralAccess,
    ReferralScope, ReferralStatus, Source, TargetGroup,
};
use samhandling_domain::{Caller, Role};
use samhandling_persistence::referrals::NewReferral;
use samhandling_persistence::{
    groups, in_transaction, intakes, organisations, referrals, PgConnection, StoreError,
};
use samhandling_usecases::group_sessions::{self as session_cases, SessionLog};
use samhandling_usecases::groups::{self as group_cases, Visit as GroupVisit};
use samhandling_usecases::intakes::{self as intake_cases, IntakeResult};
use samhandling_usecases::memberships::{self as membership_cases, Placement};
use samhandling_usecases::organisations as organisation_cases;
use samhandling_usecases::references::{with_free_reference, References};
use samhandling_usecases::referrals as referral_cases;
use samhandling_usecases::{
    Clock, Context as UseCaseContext, FixedClock, SystemClock, UseCaseError,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

#[cfg(test)]
mod tests;

/// Who the loader's changes are recorded as: in the audit trail and the referrals' histories.
pub const ACTOR: &str = "system:demo-data";
/// The request id of the loader's audit events.
pub(crate) const REQUEST_ID: &str = "demo-data";

/// The kinds of record with a fixed id, as the `KKKK` of the id.
const GROUP: u32 = 1;
const REFERRAL: u32 = 2;
const INTAKE: u32 = 3;
const MEMBERSHIP: u32 = 4;
const SESSION: u32 = 5;
const STARTER: u32 = 6;
const FOLLOW_UP: u32 = 7;
/// An organisation (kinds 8 to 15 are the dialogue meetings' and the network meetings').
pub const ORGANISATION: u32 = 16;

/// The fixed id of demo record `number` of `kind`: `de300000-0000-7000-8000-KKKKNNNNNNNN`, with
/// both numbers written in decimal digits (a UUIDv7 in shape).
pub fn demo_id(kind: u32, number: u32) -> Uuid {
    fn decimal_digits(mut n: u32) -> u128 {
        let (mut digits, mut shift) = (0_u128, 0);
        while n > 0 {
            digits |= u128::from(n % 10) << shift;
            n /= 10;
            shift += 4;
        }
        digits
    }
    const BASE: u128 = 0xde30_0000_0000_7000_8000_0000_0000_0000;
    Uuid::from_u128(BASE | decimal_digits(kind) << 32 | decimal_digits(number))
}

/// Kristin's intake at LINK Trondheim: held, she waits for a group on anxiety and depression;
/// `GET /intakes/{id}/suggested-groups` ranks [`WALKTHROUGH_GROUP`] first.
pub const WALKTHROUGH_INTAKE: u32 = 27;
/// LINK Trondheim's recruiting group on anxiety and depression: 3 of 8 seats taken, 2 short of
/// starting; place Kristin there with `POST /groups/{id}/members`.
pub const WALKTHROUGH_GROUP: u32 = 2;

/// The organisations, the groups and the stories, as data.
const ORGANISATIONS: &str = include_str!("../data/demo/organisations.json");
const GROUPS: &str = include_str!("../data/demo/groups.json");
const STORIES: &str = include_str!("../data/demo/stories.json");

/// Reads one of the demo's data files (embedded in the binary).
pub(crate) fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, DemoError> {
    serde_json::from_str(text).map_err(|error| refused(format!("data/demo/{file}: {error}")))
}

/// One organisation to load: its fixed id is `demo_id(ORGANISATION, number)`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganisationSeed {
    number: u32,
    kind: OrganisationKind,
    name: String,
    municipality_number: Option<String>,
    county: Option<String>,
    region: Option<String>,
    county_number: Option<String>,
}

/// A person referred (or self-registered, without a referrer), with the referral's details.
/// Left out: offer `self_help_group`, language `nb`, no format preference, consent to feedback,
/// consent taken in person (digitally on the centre's web page for a self-registration).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonSeed {
    /// The number of the referral's id, and of its intake's and membership's.
    number: u32,
    referrer: Option<String>,
    external_reference: Option<String>,
    offer: Option<Offer>,
    given_name: String,
    family_name: String,
    birth_year: Option<i16>,
    language: Option<String>,
    municipality: String,
    #[serde(default)]
    target_groups: Vec<TargetGroup>,
    preferred_format: Option<PreferredFormat>,
    wishes: Option<String>,
    feedback: Option<bool>,
    consent_via: Option<ConsentMethod>,
    /// How long ago the referral was made.
    #[serde(default)]
    days_ago: i64,
}

/// When a member signed the confidentiality declaration.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Signed {
    AtPlacement,
    AtFirstMeeting,
    NotYet,
}

/// A member of a group: the person, the pseudonym chosen at intake, and what happened since.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberSeed {
    person: PersonSeed,
    pseudonym: String,
    notes: Option<String>,
    signed: Signed,
    /// Left the group (with `group_ended`: when it ended; otherwise once it had started).
    leaves: Option<LeaveReason>,
    /// The centre closed the referral, its follow-up done.
    #[serde(default)]
    closed: bool,
}

/// A follow-up visit made, some days after the request, by a staff member.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Visit {
    days_later: i64,
    by: String,
}

/// A follow-up asked for at a meeting, and the visit if it was made.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Asked {
    visit: Option<Visit>,
}

/// One meeting of a group.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionSeed {
    /// Meetings ago: 1 is the last meeting day before today.
    meetings_ago: i64,
    held: bool,
    present: Option<i16>,
    #[serde(default)]
    starter_present: bool,
    note: Option<String>,
    follow_up: Option<Asked>,
}

/// A follow-up requested outside a session log, `days_ago`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FollowUpSeed {
    days_ago: i64,
    visit: Option<Visit>,
}

/// A starter (igangsetter) of the centre.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StarterSeed {
    subject: String,
    display_name: String,
    planned_meetings: i16,
}

fn norwegian() -> Vec<String> {
    vec!["nb".to_owned()]
}

const fn weekly() -> i16 {
    1
}

/// A group and its life up to `status`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupSeed {
    number: u32,
    centre: String,
    status: GroupStatus,
    title: String,
    theme: GroupTheme,
    #[serde(default = "norwegian")]
    languages: Vec<String>,
    format: GroupFormat,
    municipality: String,
    weekday: Weekday,
    /// `HH:MM`.
    start: String,
    #[serde(default = "weekly")]
    interval_weeks: i16,
    /// Minimum and maximum.
    size: (i16, i16),
    ages: Option<(i16, i16)>,
    address: Option<String>,
    #[serde(default)]
    confidential_location: bool,
    #[serde(default)]
    starters: Vec<StarterSeed>,
    #[serde(default)]
    members: Vec<MemberSeed>,
    #[serde(default)]
    sessions: Vec<SessionSeed>,
    #[serde(default)]
    follow_ups: Vec<FollowUpSeed>,
}

/// What an intake concluded, with the theme of a specific group and the pseudonym.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeSeed {
    outcome: IntakeOutcome,
    theme: Option<GroupTheme>,
    pseudonym: Option<String>,
}

/// An intake conversation outside a group story (in person and in Norwegian when left out).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IntakeSeed {
    format: Option<IntakeFormat>,
    #[serde(default)]
    themes: Vec<GroupTheme>,
    #[serde(default = "norwegian")]
    languages: Vec<String>,
    #[serde(default)]
    weekdays: Vec<Weekday>,
    notes: Option<String>,
    /// Days after the referral it was held; or, while only booked, days from today.
    days: i64,
    /// `None` while it is only booked.
    outcome: Option<OutcomeSeed>,
}

/// How far a referral outside a group has come.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Path {
    Submitted,
    Received,
    Contacted,
    /// Received, then not reached after several attempts.
    NotReachable,
    /// Received, then withdrawn by the referrer.
    Withdrawn,
    /// Received, then nobody worked on it: ended as expired and erased, as the retention sweep
    /// does.
    Expired,
    /// An intake booked or held.
    Intake(IntakeSeed),
}

/// One person's referral to a centre, outside any group.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Story {
    centre: String,
    person: PersonSeed,
    path: Path,
    /// The person withdrew consent to feedback to the referrer.
    #[serde(default)]
    feedback_withdrawn: bool,
}

/// The groups and the stories outside them.
fn living_seeds() -> Result<(Vec<GroupSeed>, Vec<Story>), DemoError> {
    Ok((
        parse("groups.json", GROUPS)?,
        parse("stories.json", STORIES)?,
    ))
}

/// What stops the demo: storage, or a step the rules refuse (a bug in the demo data, never
/// expected).
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The domain refused a step of the demo, or its data does not read.
    #[error("the demo data breaks a rule: {0}")]
    Refused(String),
    /// A use case refused a step of the demo.
    #[error("the demo data breaks a rule: {0}")]
    UseCase(#[from] UseCaseError),
}

pub(crate) fn refused(what: impl std::fmt::Display) -> DemoError {
    DemoError::Refused(what.to_string())
}

/// The living part: what each centre has now, as its coordinators would see it.
#[derive(Debug, Default)]
pub struct Activity {
    /// Stories (a group with its members, or one person's referral) this run created.
    pub created: usize,
    /// Stories already there.
    pub present: usize,
    /// The demo groups, as they are now.
    pub groups: Vec<Group>,
    /// The demo referrals, as they are now.
    pub referrals: Vec<Referral>,
    /// The demo intakes, as they are now.
    pub intakes: Vec<Intake>,
}

/// What the load found and did.
#[derive(Debug)]
pub struct Loaded {
    /// Each organisation, and whether this run created it.
    pub organisations: Vec<(Organisation, bool)>,
    /// The living part; empty when only the organisations were loaded.
    pub activity: Activity,
    /// The courses, facilitators, network-meeting logs, supervision and learning networks;
    /// empty when only the organisations were loaded.
    pub meetings: crate::demo_meetings::Meetings,
    /// The day of the load, which tells held from upcoming.
    pub today: NaiveDate,
}

/// The intake and the group of the walkthrough: ask the intake's suggested groups, place its
/// person in the group.
pub fn walkthrough() -> (Uuid, Uuid) {
    (
        demo_id(INTAKE, WALKTHROUGH_INTAKE),
        demo_id(GROUP, WALKTHROUGH_GROUP),
    )
}

impl Loaded {
    /// The living records, one `id<TAB>kind<TAB>state<TAB>description` line each (four fields,
    /// where an organisation's line has three).
    pub fn activity_lines(&self) -> Vec<String> {
        let name = |id: Uuid| {
            self.organisations
                .iter()
                .find(|(organisation, _)| organisation.id == id)
                .map_or_else(
                    || id.to_string(),
                    |(organisation, _)| organisation.name.clone(),
                )
        };
        let activity = &self.activity;
        let groups = activity.groups.iter().map(|group| {
            format!(
                "{}\tgroup\t{}\t{}: {} ({} of {} seats taken)",
                group.id,
                group.status,
                name(group.centre_id),
                group.title,
                group.member_count,
                group.size.maximum
            )
        });
        let referrals = activity.referrals.iter().map(|referral| {
            let from = referral.referring_organisation_id.map_or_else(
                || "self-registration".to_owned(),
                |id| format!("from {}", name(id)),
            );
            format!(
                "{}\treferral\t{}\t{}: {} ({}, {from})",
                referral.id,
                referral.status,
                name(referral.target_centre_id),
                referral.reference,
                referral.offer
            )
        });
        let intakes = activity.intakes.iter().map(|intake| {
            let (state, pseudonym) = intake.completion.as_ref().map_or(("booked", None), |c| {
                (c.outcome.as_str(), c.pseudonym.as_deref())
            });
            format!(
                "{}\tintake\t{state}\t{}: {} ({})",
                intake.id,
                name(intake.centre_id),
                pseudonym.unwrap_or("no pseudonym"),
                intake.scheduled_at.format("%Y-%m-%d %H:%M UTC")
            )
        });
        let meetings = self.meetings.lines(&name, self.today);
        groups
            .chain(referrals)
            .chain(intakes)
            .chain(meetings)
            .collect()
    }
}

/// One load: the organisations by name, and the instant it runs at, read once from its clock.
pub(crate) struct Demo {
    organisations: HashMap<String, Uuid>,
    /// The clock the use cases are handed: it stands still at `now`.
    clock: FixedClock,
    pub(crate) now: DateTime<Utc>,
    pub(crate) today: NaiveDate,
}

impl Demo {
    pub(crate) fn new(organisations: &[(Organisation, bool)], clock: &dyn Clock) -> Demo {
        let now = clock.now().trunc_subsecs(6);
        Demo {
            organisations: organisations
                .iter()
                .map(|(organisation, _)| (organisation.name.clone(), organisation.id))
                .collect(),
            clock: FixedClock(now),
            now,
            today: now.date_naive(),
        }
    }

    /// The id of the demo organisation `name`.
    pub(crate) fn organisation(&self, name: &str) -> Result<Uuid, DemoError> {
        self.organisations
            .get(name)
            .copied()
            .ok_or_else(|| refused(format!("no demo organisation is named {name}")))
    }

    /// Runs a use case as the demo, acting for `organisation` (none: the system's own work), at
    /// the load's instant.
    pub(crate) fn as_demo<T>(
        &self,
        conn: &mut PgConnection,
        organisation: Option<Uuid>,
        work: impl FnOnce(&mut UseCaseContext<'_>) -> Result<T, UseCaseError>,
    ) -> Result<T, DemoError> {
        as_demo_at(conn, organisation, self.clock.0, work)
    }

    /// The meeting day of a group `meetings_ago` meetings back: 1 is its last meeting day
    /// before today.
    fn meeting_day(&self, seed: &GroupSeed, meetings_ago: i64) -> NaiveDate {
        let today = i64::from(self.today.weekday().num_days_from_monday());
        let back = match (today - days_from_monday(seed.weekday)).rem_euclid(7) {
            0 => 7,
            days => days,
        };
        let weeks = i64::from(seed.interval_weeks) * (meetings_ago - 1);
        self.today - TimeDelta::days(back + 7 * weeks)
    }
}

/// 09:00 UTC (10:00 in Norway in winter) on the day of `time`.
fn morning_of(time: DateTime<Utc>) -> DateTime<Utc> {
    time.date_naive().and_time(NaiveTime::MIN).and_utc() + TimeDelta::hours(9)
}

fn days_from_monday(day: Weekday) -> i64 {
    match day {
        Weekday::Monday => 0,
        Weekday::Tuesday => 1,
        Weekday::Wednesday => 2,
        Weekday::Thursday => 3,
        Weekday::Friday => 4,
        Weekday::Saturday => 5,
        Weekday::Sunday => 6,
    }
}

/// The staff of `organisation` in `role`, as the demo acts for them.
pub(crate) fn staff(organisation: Uuid, role: Role) -> Caller {
    Caller {
        subject: ACTOR.to_owned(),
        organisation_id: organisation.into(),
        roles: vec![role],
    }
}

/// Runs a use case as the demo, acting for `organisation`, at the back-dated time `at`.
pub(crate) fn as_demo_at<T>(
    conn: &mut PgConnection,
    organisation: Option<Uuid>,
    at: DateTime<Utc>,
    work: impl FnOnce(&mut UseCaseContext<'_>) -> Result<T, UseCaseError>,
) -> Result<T, DemoError> {
    let actor = Actor {
        actor: ACTOR.to_owned(),
        actor_organisation_id: organisation,
        request_id: REQUEST_ID.to_owned(),
    };
    Ok(work(&mut UseCaseContext::new(
        conn,
        &actor,
        &FixedClock(at),
    ))?)
}

/// A made-up address at a domain reserved for examples.
fn email(seed: &PersonSeed) -> String {
    let mut local = String::new();
    for c in format!("{} {}", seed.given_name, seed.family_name)
        .to_lowercase()
        .chars()
    {
        match c {
            'æ' => local.push_str("ae"),
            'ø' => local.push('o'),
            'å' => local.push('a'),
            ' ' => local.push('.'),
            c if c.is_ascii_alphanumeric() || c == '-' => local.push(c),
            _ => {}
        }
    }
    format!("{local}@example.org")
}

/// Stores a referral as `POST /referrals` (or a self-registration) does: submitted, with its
/// person, the first step of its history and the audit event of its creation.
fn refer(
    conn: &mut PgConnection,
    demo: &Demo,
    centre: Uuid,
    seed: &PersonSeed,
) -> Result<Referral, DemoError> {
    let referrer = seed
        .referrer
        .as_deref()
        .map(|name| demo.organisation(name))
        .transpose()?;
    // A little past the hour, so that referrals of one day do not share a time.
    let created_at =
        demo.now - TimeDelta::days(seed.days_ago) - TimeDelta::minutes(i64::from(seed.number) * 7);
    let consent = Consent {
        contact: true,
        feedback_to_referrer: seed.feedback.unwrap_or(true) && referrer.is_some(),
        method: seed.consent_via.unwrap_or(if referrer.is_some() {
            ConsentMethod::InPerson
        } else {
            ConsentMethod::Digital
        }),
        obtained_at: if referrer.is_some() {
            created_at - TimeDelta::hours(2)
        } else {
            created_at
        },
        feedback_withdrawn_at: None,
    };
    let person = Person {
        given_name: seed.given_name.clone(),
        family_name: seed.family_name.clone(),
        phone: None,
        email: Some(email(seed)),
        preferred_language: seed.language.clone().unwrap_or_else(|| "nb".to_owned()),
        birth_year: seed.birth_year,
        wishes: seed.wishes.clone(),
    };
    let stored = with_free_reference(&References::random(), |reference| {
        let new = NewReferral {
            id: demo_id(REFERRAL, seed.number),
            reference,
            source: if referrer.is_some() {
                Source::Referral
            } else {
                Source::SelfRegistration
            },
            target_centre_id: centre,
            referrer: referrer.map(|organisation| (organisation, ACTOR)),
            external_reference: seed.external_reference.as_deref(),
            offer: seed.offer.unwrap_or(Offer::SelfHelpGroup),
            target_groups: &seed.target_groups,
            preferred_format: seed
                .preferred_format
                .unwrap_or(PreferredFormat::NoPreference),
            residence_municipality: Some(&seed.municipality),
            consent: &consent,
            person: &person,
            created_at,
        };
        as_demo_at(conn, referrer, created_at, |ctx| {
            referral_cases::refer(ctx, &new, None)
        })
    })?;
    stored.ok_or_else(|| refused(format!("{centre} is not a self-help centre")))
}

/// One move of a referral for `caller`, as `POST /referrals/{id}/transitions` makes it.
fn advance(
    conn: &mut PgConnection,
    demo: &Demo,
    caller: &Caller,
    id: Uuid,
    to: ReferralStatus,
    reason: Option<ReasonCode>,
) -> Result<Referral, DemoError> {
    demo.as_demo(conn, Some(caller.organisation_id.uuid()), |ctx| {
        referral_cases::move_referral(ctx, ReferralAccess::of(caller), id, to, reason)
    })
}

/// Ends an open referral as the retention sweep does after a year without work: `expired`,
/// then the person erased.
fn expire(conn: &mut PgConnection, demo: &Demo, id: Uuid) -> Result<(), DemoError> {
    demo.as_demo(conn, None, |ctx| {
        referral_cases::expire(ctx, id)?;
        referral_cases::erase_as_due(ctx, id)
    })?;
    Ok(())
}

/// Records that the person withdrew consent to feedback, as the centre does.
fn withdraw_feedback(
    conn: &mut PgConnection,
    demo: &Demo,
    centre: Uuid,
    id: Uuid,
) -> Result<(), DemoError> {
    let access = ReferralAccess::of(&staff(centre, Role::CentreCoordinator));
    demo.as_demo(conn, Some(centre), |ctx| {
        referral_cases::withdraw_feedback_consent(ctx, access, id)
    })?;
    Ok(())
}

/// Books an intake as `POST /intakes` does: the referral walks to `intake_scheduled`, step by
/// step from where it is.
fn book_intake(
    conn: &mut PgConnection,
    demo: &Demo,
    centre: Uuid,
    intake: &Intake,
) -> Result<Intake, DemoError> {
    let access = ReferralAccess::of(&staff(centre, Role::CentreCoordinator));
    demo.as_demo(conn, Some(centre), |ctx| {
        intake_cases::book_intake(ctx, access, intake)
    })
}

/// Records a held intake as `POST /intakes/{id}/completion` does: the referral moves to
/// `intake_completed` and on to where the outcome leads.
fn complete_intake(
    conn: &mut PgConnection,
    demo: &Demo,
    centre: Uuid,
    id: Uuid,
    completion: &Completion,
    notes: Option<&str>,
) -> Result<Intake, DemoError> {
    completion
        .check()
        .map_err(|refusal| refused(format!("intake {id}: {refusal}")))?;
    let result = IntakeResult {
        completion: completion.clone(),
        preferences: None,
        notes: notes.map(str::to_owned),
    };
    demo.as_demo(conn, Some(centre), |ctx| {
        intake_cases::complete_intake(ctx, &staff(centre, Role::CentreCoordinator), id, result)
    })
}

/// The intake of a referral, as the centre would book it.
fn new_intake(
    demo: &Demo,
    centre: Uuid,
    number: u32,
    scheduled_at: DateTime<Utc>,
    format: IntakeFormat,
    preferences: Preferences,
) -> Intake {
    Intake {
        id: demo_id(INTAKE, number),
        referral_id: demo_id(REFERRAL, number),
        centre_id: centre,
        scheduled_at,
        format,
        preferences,
        completion: None,
        notes: None,
        version: 1,
        created_at: demo.now,
        updated_at: demo.now,
    }
}

/// What the person would like, as the API stores it (weekdays in order).
fn preferences(themes: &[GroupTheme], languages: &[String], weekdays: &[Weekday]) -> Preferences {
    let mut weekdays = weekdays.to_vec();
    weekdays.sort();
    weekdays.dedup();
    Preferences {
        themes: themes.to_vec(),
        languages: languages.to_vec(),
        weekdays,
    }
}

/// Moves a group as `POST /groups/{id}/transitions` does (ending it ends its members' places).
fn move_group(
    conn: &mut PgConnection,
    demo: &Demo,
    centre: Uuid,
    id: Uuid,
    to: GroupStatus,
) -> Result<Group, DemoError> {
    let access = CentreAccess::of(&staff(centre, Role::CentreCoordinator));
    demo.as_demo(conn, Some(centre), |ctx| {
        samhandling_usecases::groups::move_group(ctx, access, id, to)
    })
}

/// Places the person of a completed intake as `POST /groups/{id}/members` does: the referral
/// moves to `placed`, and the group counts the member.
fn place(
    conn: &mut PgConnection,
    demo: &Demo,
    centre: Uuid,
    group_id: Uuid,
    intake_id: Uuid,
    membership_id: Uuid,
    confidentiality_signed: bool,
) -> Result<(), DemoError> {
    let placement = Placement {
        id: membership_id.into(),
        group_id: group_id.into(),
        intake_id: intake_id.into(),
        group_agreed: false,
        confidentiality_signed,
    };
    demo.as_demo(conn, Some(centre), |ctx| {
        membership_cases::place_member(ctx, &staff(centre, Role::CentreCoordinator), placement)
    })?;
    Ok(())
}

/// Records the confidentiality declaration, as `POST /memberships/{id}/confidentiality-declaration`.
fn sign_declaration(
    conn: &mut PgConnection,
    demo: &Demo,
    centre: Uuid,
    id: Uuid,
) -> Result<(), DemoError> {
    let access = CentreAccess::of(&staff(centre, Role::CentreCoordinator));
    demo.as_demo(conn, Some(centre), |ctx| {
        membership_cases::sign_declaration(ctx, access, id)
    })?;
    Ok(())
}

/// Records that a member left, as `POST /memberships/{id}/departure` does.
fn depart(
    conn: &mut PgConnection,
    demo: &Demo,
    centre: Uuid,
    id: Uuid,
    reason: LeaveReason,
) -> Result<(), DemoError> {
    let access = CentreAccess::of(&staff(centre, Role::CentreCoordinator));
    demo.as_demo(conn, Some(centre), |ctx| {
        membership_cases::record_departure(ctx, access, id, reason, None)
    })?;
    Ok(())
}

/// Logs a meeting as `POST /groups/{id}/sessions` does, with the follow-up it asks for.
fn log_session(
    conn: &mut PgConnection,
    demo: &Demo,
    centre: Uuid,
    group: &GroupSeed,
    index: u32,
    seed: &SessionSeed,
) -> Result<(), DemoError> {
    let group_id = demo_id(GROUP, group.number);
    let number = group.number * 10 + index;
    let held_on = demo.meeting_day(group, seed.meetings_ago);
    let access = CentreAccess::of(&staff(centre, Role::CentreCoordinator));
    let log = SessionLog {
        id: demo_id(SESSION, number).into(),
        group_id: group_id.into(),
        held_on,
        held: seed.held,
        present: seed.present,
        starter_present: seed.starter_present,
        format: None,
        follow_up_requested: seed.follow_up.is_some(),
        follow_up_id: demo_id(FOLLOW_UP, number).into(),
        note: seed.note.clone(),
    };
    demo.as_demo(conn, Some(centre), |ctx| {
        session_cases::log_session(ctx, access, log)
    })?;
    if let Some(visit) = seed
        .follow_up
        .as_ref()
        .and_then(|asked| asked.visit.as_ref())
    {
        let visit = GroupVisit {
            visited_on: held_on + TimeDelta::days(visit.days_later),
            visited_by: visit.by.clone(),
        };
        demo.as_demo(conn, Some(centre), |ctx| {
            group_cases::record_visit(ctx, access, demo_id(FOLLOW_UP, number).into(), visit)
        })?;
    }
    Ok(())
}

/// Creates a group as `POST /groups` does (planned) and assigns its starters.
fn create_group(
    conn: &mut PgConnection,
    demo: &Demo,
    centre: Uuid,
    seed: &GroupSeed,
) -> Result<Uuid, DemoError> {
    let id = demo_id(GROUP, seed.number);
    let start_time = NaiveTime::parse_from_str(&seed.start, "%H:%M")
        .map_err(|_| refused(format!("group {id} starts at no time of day")))?;
    let size = Size {
        minimum: seed.size.0,
        maximum: seed.size.1,
    }
    .check()
    .map_err(|refusal| refused(format!("group {id}: {refusal}")))?;
    // Created two weeks before its first logged meeting or follow-up, so each lies after it.
    let sessions = seed
        .sessions
        .iter()
        .map(|session| demo.meeting_day(seed, session.meetings_ago));
    let follow_ups = seed
        .follow_ups
        .iter()
        .map(|follow_up| demo.today - TimeDelta::days(follow_up.days_ago));
    let first_meeting = sessions.chain(follow_ups).min().unwrap_or(demo.today);
    let created = (first_meeting - TimeDelta::days(14))
        .and_time(NaiveTime::MIN)
        .and_utc()
        .min(demo.now);
    let group = Group {
        id,
        centre_id: centre,
        title: seed.title.clone(),
        theme: seed.theme,
        languages: seed.languages.clone(),
        format: seed.format,
        municipality: seed.municipality.clone(),
        schedule: Schedule {
            weekday: seed.weekday,
            start_time,
            interval_weeks: seed.interval_weeks,
        },
        size,
        age_band: AgeBand {
            from: seed.ages.map(|(from, _)| from),
            to: seed.ages.map(|(_, to)| to),
        },
        address: seed.address.clone(),
        confidential_location: seed.confidential_location,
        status: GroupStatus::Planned,
        member_count: 0,
        started_at: None,
        ended_at: None,
        version: 1,
        created_at: created,
        updated_at: created,
    };
    let access = CentreAccess::of(&staff(centre, Role::CentreCoordinator));
    as_demo_at(conn, Some(centre), created, |ctx| {
        group_cases::create_group(ctx, &group)
    })?;
    for (index, starter) in (1..).zip(&seed.starters) {
        let starter = Starter {
            id: demo_id(STARTER, seed.number * 10 + index),
            group_id: id,
            subject: starter.subject.clone(),
            display_name: starter.display_name.clone(),
            planned_meetings: starter.planned_meetings,
            created_at: created,
        };
        as_demo_at(conn, Some(centre), created, |ctx| {
            group_cases::assign_starter(ctx, access, &starter)
        })?;
    }
    Ok(id)
}

/// A member's way in: referred, an intake held with a group outcome, placed.
fn join(
    conn: &mut PgConnection,
    demo: &Demo,
    centre: Uuid,
    group: &GroupSeed,
    member: &MemberSeed,
) -> Result<(), DemoError> {
    let person = &member.person;
    let referral = refer(conn, demo, centre, person)?;
    let format = if group.format == GroupFormat::Digital {
        IntakeFormat::Digital
    } else {
        IntakeFormat::InPerson
    };
    let languages = &group.languages[..group.languages.len().min(1)];
    let wanted = preferences(&[group.theme], languages, &[group.weekday]);
    let held_at = morning_of(referral.created_at + TimeDelta::days((person.days_ago / 3).max(1)));
    let booked = book_intake(
        conn,
        demo,
        centre,
        &new_intake(demo, centre, person.number, held_at, format, wanted),
    )?;
    let (outcome, outcome_theme) = if group.theme == GroupTheme::General {
        (IntakeOutcome::GeneralGroup, None)
    } else {
        (IntakeOutcome::SpecificGroup, Some(group.theme))
    };
    let completion = Completion {
        held_at,
        outcome,
        outcome_theme,
        pseudonym: Some(member.pseudonym.clone()),
    };
    complete_intake(
        conn,
        demo,
        centre,
        booked.id,
        &completion,
        member.notes.as_deref(),
    )?;
    place(
        conn,
        demo,
        centre,
        demo_id(GROUP, group.number),
        booked.id,
        demo_id(MEMBERSHIP, person.number),
        member.signed == Signed::AtPlacement,
    )
}

/// Closes a member's referral, the centre's follow-up done.
fn close(conn: &mut PgConnection, demo: &Demo, centre: Uuid, number: u32) -> Result<(), DemoError> {
    let caller = staff(centre, Role::CentreCoordinator);
    advance(
        conn,
        demo,
        &caller,
        demo_id(REFERRAL, number),
        ReferralStatus::Closed,
        None,
    )?;
    Ok(())
}

/// A group's life up to its status, with its members, sessions and follow-ups. `false` when
/// the group exists already.
fn group_story(conn: &mut PgConnection, demo: &Demo, seed: &GroupSeed) -> Result<bool, DemoError> {
    let centre = demo.organisation(&seed.centre)?;
    let access = CentreAccess::of(&staff(centre, Role::CentreCoordinator));
    let id = demo_id(GROUP, seed.number);
    if groups::find(conn, id, access.own_groups())?.is_some() {
        return Ok(false);
    }
    create_group(conn, demo, centre, seed)?;
    if seed.status == GroupStatus::Planned {
        return Ok(true);
    }
    move_group(conn, demo, centre, id, GroupStatus::Recruiting)?;
    for member in &seed.members {
        join(conn, demo, centre, seed, member)?;
    }
    if seed.status != GroupStatus::Recruiting {
        meet(conn, demo, centre, seed)?;
    }
    for member in seed.members.iter().filter(|member| member.closed) {
        close(conn, demo, centre, member.person.number)?;
    }
    let access = CentreAccess::of(&staff(centre, Role::CentreCoordinator));
    for (index, follow_up) in (1..).zip(&seed.follow_ups) {
        let requested_on = demo.today - TimeDelta::days(follow_up.days_ago);
        // Apart from the follow-ups of session logs, which share their session's number.
        let number = 900 + seed.number * 10 + index;
        let follow_up_id = demo_id(FOLLOW_UP, number).into();
        demo.as_demo(conn, Some(centre), |ctx| {
            group_cases::request_follow_up(ctx, access, follow_up_id, id.into(), requested_on)
        })?;
        if let Some(visit) = &follow_up.visit {
            let visit = GroupVisit {
                visited_on: requested_on + TimeDelta::days(visit.days_later),
                visited_by: visit.by.clone(),
            };
            demo.as_demo(conn, Some(centre), |ctx| {
                group_cases::record_visit(ctx, access, follow_up_id, visit)
            })?;
        }
    }
    Ok(true)
}

/// A recruited group meets: it starts, the starter's meetings, then on its own, and on to where
/// the seed leaves it; members sign and leave on the way.
fn meet(
    conn: &mut PgConnection,
    demo: &Demo,
    centre: Uuid,
    seed: &GroupSeed,
) -> Result<(), DemoError> {
    let id = demo_id(GROUP, seed.number);
    move_group(conn, demo, centre, id, GroupStatus::Starting)?;
    let membership = |member: &MemberSeed| demo_id(MEMBERSHIP, member.person.number);
    for member in &seed.members {
        if member.signed == Signed::AtFirstMeeting {
            sign_declaration(conn, demo, centre, membership(member))?;
        }
    }
    // The starter's meetings while starting; the rest once the group runs itself.
    let sessions: Vec<(u32, &SessionSeed)> = (1..).zip(&seed.sessions).collect();
    let starting = seed.status == GroupStatus::Starting;
    for &(index, session) in &sessions {
        if starting || session.starter_present {
            log_session(conn, demo, centre, seed, index, session)?;
        }
    }
    if starting {
        return Ok(());
    }
    move_group(conn, demo, centre, id, GroupStatus::SelfRunning)?;
    for &(index, session) in &sessions {
        if !session.starter_present {
            log_session(conn, demo, centre, seed, index, session)?;
        }
    }
    for member in &seed.members {
        match member.leaves {
            Some(reason) if reason != LeaveReason::GroupEnded => {
                depart(conn, demo, centre, membership(member), reason)?;
            }
            _ => {}
        }
    }
    match seed.status {
        GroupStatus::Paused => {
            move_group(conn, demo, centre, id, GroupStatus::Paused)?;
        }
        GroupStatus::Ended => {
            // Its members still in it leave with it, as `group_ended`.
            move_group(conn, demo, centre, id, GroupStatus::Ended)?;
        }
        _ => {}
    }
    Ok(())
}

/// One person's referral outside the groups, up to where the story leaves it. `false` when the
/// referral exists already.
fn person_story(conn: &mut PgConnection, demo: &Demo, story: &Story) -> Result<bool, DemoError> {
    let centre = demo.organisation(&story.centre)?;
    let id = demo_id(REFERRAL, story.person.number);
    let everything = ReferralScope {
        everything: true,
        ..ReferralScope::default()
    };
    if referrals::find(conn, id, everything)?.is_some() {
        return Ok(false);
    }
    let referral = refer(conn, demo, centre, &story.person)?;
    let coordinator = staff(centre, Role::CentreCoordinator);
    match &story.path {
        Path::Submitted => {}
        Path::Received => {
            advance(conn, demo, &coordinator, id, ReferralStatus::Received, None)?;
        }
        Path::Contacted => {
            advance(conn, demo, &coordinator, id, ReferralStatus::Received, None)?;
            advance(
                conn,
                demo,
                &coordinator,
                id,
                ReferralStatus::Contacted,
                None,
            )?;
        }
        Path::NotReachable => {
            advance(conn, demo, &coordinator, id, ReferralStatus::Received, None)?;
            let reason = Some(ReasonCode::NoContactAfterAttempts);
            advance(
                conn,
                demo,
                &coordinator,
                id,
                ReferralStatus::NotReachable,
                reason,
            )?;
        }
        Path::Withdrawn => {
            advance(conn, demo, &coordinator, id, ReferralStatus::Received, None)?;
            let referrer = referral
                .referring_organisation_id
                .ok_or_else(|| refused(format!("self-registration {id} has no referrer")))?;
            let reason = Some(ReasonCode::PersonRequest);
            let caller = staff(referrer, Role::Referrer);
            advance(conn, demo, &caller, id, ReferralStatus::Withdrawn, reason)?;
        }
        Path::Expired => {
            advance(conn, demo, &coordinator, id, ReferralStatus::Received, None)?;
            expire(conn, demo, id)?;
        }
        Path::Intake(seed) => {
            intake_story(conn, demo, centre, &referral, story.person.number, seed)?;
        }
    }
    if story.feedback_withdrawn {
        withdraw_feedback(conn, demo, centre, id)?;
    }
    Ok(true)
}

/// An intake booked, and held if the seed has its outcome.
fn intake_story(
    conn: &mut PgConnection,
    demo: &Demo,
    centre: Uuid,
    referral: &Referral,
    number: u32,
    seed: &IntakeSeed,
) -> Result<(), DemoError> {
    let wanted = || preferences(&seed.themes, &seed.languages, &seed.weekdays);
    let format = seed.format.unwrap_or(IntakeFormat::InPerson);
    let Some(concluded) = &seed.outcome else {
        let scheduled_at = morning_of(demo.now + TimeDelta::days(seed.days));
        let mut intake = new_intake(demo, centre, number, scheduled_at, format, wanted());
        intake.notes.clone_from(&seed.notes);
        book_intake(conn, demo, centre, &intake)?;
        return Ok(());
    };
    let held_at = morning_of(referral.created_at + TimeDelta::days(seed.days));
    let intake = new_intake(demo, centre, number, held_at, format, wanted());
    book_intake(conn, demo, centre, &intake)?;
    let completion = Completion {
        held_at,
        outcome: concluded.outcome,
        outcome_theme: concluded.theme,
        pseudonym: concluded.pseudonym.clone(),
    };
    complete_intake(
        conn,
        demo,
        centre,
        demo_id(INTAKE, number),
        &completion,
        seed.notes.as_deref(),
    )?;
    Ok(())
}

/// Loads every story not yet present, and reads what the demo records are now.
fn load_activity(conn: &mut PgConnection, demo: &Demo) -> Result<Activity, DemoError> {
    let (group_seeds, stories) = living_seeds()?;
    let mut activity = Activity::default();
    let mut count = |created: bool| {
        if created {
            activity.created += 1;
        } else {
            activity.present += 1;
        }
    };
    for group in &group_seeds {
        count(group_story(conn, demo, group)?);
    }
    for story in &stories {
        count(person_story(conn, demo, story)?);
    }
    for group in &group_seeds {
        let centre = demo.organisation(&group.centre)?;
        let scope = CentreAccess::of(&staff(centre, Role::CentreCoordinator)).own_groups();
        let id = demo_id(GROUP, group.number);
        activity.groups.extend(groups::find(conn, id, scope)?);
    }
    let everything = ReferralScope {
        everything: true,
        ..ReferralScope::default()
    };
    // Every person of the demo, with the centre their referral is addressed to.
    let members = group_seeds.iter().flat_map(|group| {
        let people = group.members.iter().map(|member| &member.person);
        people.map(|person| (&group.centre, person))
    });
    let people = members.chain(stories.iter().map(|story| (&story.centre, &story.person)));
    for (centre, person) in people {
        let centre = demo.organisation(centre)?;
        let scope = CentreAccess::of(&staff(centre, Role::CentreCoordinator)).scope();
        let referral = demo_id(REFERRAL, person.number);
        activity
            .referrals
            .extend(referrals::find(conn, referral, everything)?);
        let intake = demo_id(INTAKE, person.number);
        activity.intakes.extend(intakes::find(conn, intake, scope)?);
    }
    Ok(activity)
}

fn draft(seed: &OrganisationSeed) -> Result<OrganisationDraft, DemoError> {
    Ok(OrganisationDraft {
        kind: seed.kind,
        name: seed.name.clone(),
        municipality_number: seed
            .municipality_number
            .clone()
            .map(MunicipalityNumber::try_from)
            .transpose()
            .map_err(|error| refused(format!("{}: {error}", seed.name)))?,
        county: seed.county.clone(),
        region: seed.region.clone(),
        county_number: seed.county_number.clone(),
    })
}

/// Loads every organisation not yet present, with its fixed id. One an older load made with a
/// random id (found by its kommunenummer, or by kind and name) is kept as it is: its id is
/// referred to everywhere, so it is not changed.
fn load_directory(
    conn: &mut PgConnection,
    clock: &dyn Clock,
) -> Result<Vec<(Organisation, bool)>, DemoError> {
    let seeds: Vec<OrganisationSeed> = parse("organisations.json", ORGANISATIONS)?;
    let mut loaded = Vec::with_capacity(seeds.len());
    for seed in &seeds {
        let id = demo_id(ORGANISATION, seed.number);
        let draft = draft(seed)?;
        let existing = match (organisations::find(conn, id)?, &draft.municipality_number) {
            (Some(organisation), _) => Some(organisation),
            (None, Some(number)) if seed.kind == OrganisationKind::Municipality => {
                organisations::find_municipality(conn, number)?
            }
            (None, _) => organisations::find_by_kind_and_name(conn, seed.kind, &seed.name)?,
        };
        if let Some(organisation) = existing {
            loaded.push((organisation, false));
            continue;
        }
        let organisation = as_demo_at(conn, None, clock.now(), |ctx| {
            organisation_cases::register(ctx, id, &draft)
        })?;
        loaded.push((organisation, true));
    }
    Ok(loaded)
}

/// Loads every organisation and every story of the living demo not yet present, in one
/// transaction, at the system clock's time; running it again changes nothing.
pub fn load(conn: &mut PgConnection) -> Result<Loaded, DemoError> {
    load_at(conn, &SystemClock)
}

/// [`load`], with "now" read once from `clock`.
pub fn load_at(conn: &mut PgConnection, clock: &dyn Clock) -> Result<Loaded, DemoError> {
    in_transaction(conn, |conn| {
        let organisations = load_directory(conn, clock)?;
        let demo = Demo::new(&organisations, clock);
        let activity = load_activity(conn, &demo)?;
        crate::demo_dialogue::load(conn, &demo)?;
        let meetings = crate::demo_meetings::load(conn, &demo)?;
        Ok(Loaded {
            organisations,
            activity,
            meetings,
            today: demo.today,
        })
    })
}

/// Loads only the organisations (for scripts that want the centres without any work on them),
/// in one transaction; running it again changes nothing.
pub fn load_organisations(conn: &mut PgConnection) -> Result<Loaded, DemoError> {
    in_transaction(conn, |conn| {
        Ok(Loaded {
            organisations: load_directory(conn, &SystemClock)?,
            activity: Activity::default(),
            meetings: crate::demo_meetings::Meetings::default(),
            today: SystemClock.now().date_naive(),
        })
    })
}

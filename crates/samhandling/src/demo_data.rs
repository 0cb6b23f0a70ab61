//! The demo data `make run` loads, idempotently, so that a newcomer meets a living system: the
//! organisations of the domain notes and a few months of work on them, as data in `data/demo/`
//! (embedded in the binary): `organisations.json`, then the scripts `groups.json`,
//! `referrals.json`, `dialogue.json` and `meetings.json`.
//!
//! A script is a list of stories (a group's life, a person's referral, a course, a meeting); a
//! story is a list of steps, each one use-case call as the API would make it: who acts (`as`, an
//! organisation's key or `system`, and a `role`; the story's when left out), when (`at`; the
//! load's instant when left out), which use case (`do`) and its input (`with`: the use case's
//! input type, or its arguments in order). Every change is audited as [`ACTOR`]. A story whose
//! `first` record has an audit event is left alone, so loading again changes nothing, whatever
//! was done to the demo records since.
//!
//! Placeholders: `@org KEY`; `@id KIND NUMBER`, a fixed id (see [`demo_id`]); `@time …` and
//! `@date …`, the load's instant (its clock is read once) moved by each token in turn: `±N` with
//! `w`, `d`, `h` or `m`; `day`, its midnight; a weekday, the last such day before it. So the
//! history is back-dated from the load.

use chrono::{DateTime, Datelike, NaiveTime, SecondsFormat, SubsecRound, TimeDelta, Utc};
use samhandling_domain::audit::{Actor, AuditFilter};
use samhandling_domain::course::{CourseScope, Facilitator};
use samhandling_domain::group::CentreAccess;
use samhandling_domain::ids::{CourseId, DialogueMeetingId, EnrolmentId, FollowUpId, GroupId};
use samhandling_domain::ids::{GatheringId, LearningNetworkId, MemberServiceId, MembershipId};
use samhandling_domain::learning_network::{LearningNetwork, LearningNetworkScope};
use samhandling_domain::organisation::{Organisation, OrganisationDraft, OrganisationKind};
use samhandling_domain::referral::{self as referral, ReferralAccess};
use samhandling_domain::{ids::SessionId, page::PageRequest, version::Precondition, Caller, Role};
use samhandling_persistence::{self as store, in_transaction, PgConnection, StoreError};
use samhandling_usecases::references::{with_free_reference, References};
use samhandling_usecases::{self as cases, Clock, Context, FixedClock, SystemClock, UseCaseError};
use serde::{de::DeserializeOwned, Deserialize};
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

mod listing;

use listing::{facilitator, listing};

#[cfg(test)]
mod dialogue_tests;
#[cfg(test)]
mod meetings_tests;
#[cfg(test)]
mod tests;

/// Who the loader's changes are recorded as: in the audit trail and the referrals' histories.
pub const ACTOR: &str = "system:demo-data";

/// The kinds of record with a fixed id, as `@id` names them: a kind's `KKKK` is its place here.
const KINDS: &str = "group referral intake membership session starter follow_up dialogue_meeting \
    course enrolment network_meeting supervision_session learning_network member_service \
    gathering organisation";
/// The `KKKK` of a group, an intake and an organisation.
pub const GROUP: u32 = 1;
pub const INTAKE: u32 = 3;
pub const ORGANISATION: u32 = 16;

/// The fixed id of demo record `number` of `kind`: `de300000-0000-7000-8000-KKKKNNNNNNNN`, with
/// both numbers written in decimal digits (a UUIDv7 in shape).
pub fn demo_id(kind: u32, number: u32) -> Uuid {
    let digits = u128::from_str_radix(&format!("{kind:04}{number:08}"), 16).unwrap_or_default();
    Uuid::from_u128(0xde30_0000_0000_7000_8000_0000_0000_0000 | digits)
}

/// Kristin's intake at LINK Trondheim: held, she waits for a group on anxiety and depression;
/// `GET /intakes/{id}/suggested-groups` ranks [`WALKTHROUGH_GROUP`] first.
pub const WALKTHROUGH_INTAKE: u32 = 27;
/// LINK Trondheim's recruiting group on anxiety and depression: 3 of 8 seats taken, 2 short of
/// starting; place Kristin there with `POST /groups/{id}/members`.
pub const WALKTHROUGH_GROUP: u32 = 2;
/// Kari, the facilitator the README names (her employer's key, her token's subject): the load
/// lists her links to the course organisers, the ids a tester confirms or ends.
const FACILITATOR: (&str, &str) = ("trondheim", "kari.nordmann@trondheim.kommune.example");

const ORGANISATIONS: &str = include_str!("../data/demo/organisations.json");
const SCRIPTS: [(&str, &str); 4] = [
    ("groups.json", include_str!("../data/demo/groups.json")),
    (
        "referrals.json",
        include_str!("../data/demo/referrals.json"),
    ),
    ("dialogue.json", include_str!("../data/demo/dialogue.json")),
    ("meetings.json", include_str!("../data/demo/meetings.json")),
];

/// A page big enough for every demo record of one kind.
const ALL: PageRequest = PageRequest {
    limit: PageRequest::MAX_LIMIT,
    after: None,
};

/// What stops the demo: storage, data that does not read, or a step a use case refuses (a bug
/// in the data, never expected).
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The data does not read.
    #[error("the demo data does not read: {0}")]
    Data(String),
    /// A use case refused a step.
    #[error("the demo data breaks a rule at {step}: {error}")]
    Step { step: String, error: UseCaseError },
}

/// An organisation of the directory: its key in the scripts and the number of its fixed id.
#[derive(Deserialize)]
struct Member {
    key: String,
    number: u32,
    #[serde(flatten)]
    draft: OrganisationDraft,
}

/// Steps that belong together, left alone when the `first` record has an audit event.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Story {
    first: Uuid,
    #[serde(rename = "as")]
    by: String,
    role: Role,
    steps: Vec<Step>,
}

/// One use-case call: who acts, when, and what.
#[derive(Deserialize)]
struct Step {
    #[serde(rename = "as")]
    by: Option<String>,
    role: Option<Role>,
    at: Option<DateTime<Utc>>,
    #[serde(flatten)]
    op: Op,
}

/// A referral as [`NewReferral`] holds it, owned; its reference is drawn at the load.
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct NewReferralData {
    id: Uuid,
    source: referral::Source,
    target_centre_id: Uuid,
    referrer: Option<(Uuid, String)>,
    external_reference: Option<String>,
    offer: referral::Offer,
    target_groups: Vec<referral::TargetGroup>,
    preferred_format: referral::PreferredFormat,
    residence_municipality: Option<String>,
    consent: referral::Consent,
    person: referral::Person,
    created_at: DateTime<Utc>,
}

/// Declares [`Op`], the use cases a step can call, and [`call`], which calls them: one line per
/// use case, with its input (its input type, or its arguments in order) and the call, which has
/// the names given first (the context, the caller, its accesses, its organisation, and where
/// the id of the last action agreed is kept).
macro_rules! operations {
    (|$ctx:ident, $caller:ident, $centre:ident, $referral:ident, $course:ident, $network:ident,
      $org:ident, $last:ident|
      $($(#[$doc:meta])* $op:ident($($arg:ident: $ty:ty),*) => $call:expr;)*) => {
        /// A use case a step calls, with its input.
        #[derive(Deserialize, Clone)]
        #[serde(tag = "do", content = "with", rename_all = "snake_case")]
        enum Op {
            $($(#[$doc])* $op($($ty),*),)*
        }

        /// Calls the use case of `op`.
        fn call(op: Op, $ctx: &mut Context<'_>, $caller: &Caller, $last: &mut Option<Uuid>)
            -> Result<(), UseCaseError> {
            let $org = $caller.organisation_id.uuid();
            let ($centre, $referral) = (CentreAccess::of($caller), ReferralAccess::of($caller));
            let $course = CourseScope { centre: Some($org) };
            let $network = LearningNetworkScope { coordinator: Some($org), member: None };
            match op {
                $(Op::$op($($arg),*) => drop($call?),)*
            }
            Ok(())
        }
    };
}

use cases::{courses, dialogue, enrolments, group_sessions, groups, intakes, is24};
use cases::{learning_networks as networks, memberships, network_meetings, referrals};

operations! { |ctx, caller, centre, referral, course, network, org, last|
    Refer(new: Box<NewReferralData>) => refer(ctx, &new);
    MoveReferral(id: Uuid, to: referral::ReferralStatus, why: Option<referral::ReasonCode>) =>
        referrals::move_referral(ctx, referral, id, to, why);
    Expire(id: Uuid) => referrals::expire(ctx, id);
    EraseAsDue(id: Uuid) => referrals::erase_as_due(ctx, id);
    WithdrawFeedbackConsent(id: Uuid) =>
        referrals::withdraw_feedback_consent(ctx, referral, id);
    BookIntake(id: Uuid, intake: Box<intakes::CreateIntake>) =>
        intakes::book_intake(ctx, referral, id, &intake);
    CompleteIntake(id: Uuid, result: Box<intakes::CompleteIntake>) =>
        intakes::complete_intake(ctx, caller, id, &result);
    CreateGroup(id: Uuid, group: Box<groups::CreateGroup>) =>
        groups::create_group(ctx, org, id, &group);
    AssignStarter(group: Uuid, id: Uuid, starter: groups::AssignStarter) =>
        groups::assign_starter(ctx, centre, group, id, &starter);
    MoveGroup(id: Uuid, to: samhandling_domain::group::GroupStatus) =>
        groups::move_group(ctx, centre, id, to);
    PlaceMember(id: MembershipId, group: GroupId, placement: memberships::PlaceMember) =>
        memberships::place_member(ctx, caller, id, group, &placement);
    SignDeclaration(id: Uuid) => memberships::sign_declaration(ctx, centre, id);
    RecordDeparture(id: Uuid, why: memberships::RecordDeparture) =>
        memberships::record_departure(ctx, centre, id, &why);
    LogSession(group: GroupId, ids: (SessionId, FollowUpId), log: Box<group_sessions::LogSession>) =>
        group_sessions::log_session(ctx, centre, group, ids, &log);
    RequestFollowUp(id: FollowUpId, group: GroupId, on: groups::RequestFollowUp) =>
        groups::request_follow_up(ctx, centre, id, group, &on);
    RecordVisit(id: FollowUpId, visit: groups::RecordVisit) =>
        groups::record_visit(ctx, centre, id, &visit);
    CreateCourse(id: Uuid, draft: courses::CreateCourse) =>
        courses::create_course(ctx, org, id, &draft);
    Enrol(id: CourseId, who: EnrolmentId, to: Box<enrolments::Enrol>) =>
        enrolments::enrol(ctx, course, id, who, &to);
    MoveEnrolment(id: CourseId, who: EnrolmentId, to: samhandling_domain::course::EnrolmentStatus) =>
        enrolments::move_enrolment(ctx, course, id, who, to);
    /// Confirms the links of the acting employer's `subject` not confirmed yet.
    ConfirmLinks(subject: String) => confirm_links(ctx, org, &subject);
    LogMeeting(id: Uuid, by: String, log: Box<network_meetings::LogNetworkMeeting>) =>
        network_meetings::log_meeting(ctx, (org, &by), id, &log);
    RecordSupervision(id: Uuid, by: String, held: network_meetings::RecordSupervisionSession) =>
        network_meetings::record_supervision(ctx, (org, &by, id), &held);
    StartNetwork(started: LearningNetwork) => networks::start_network(ctx, &started);
    RecordGathering(ids: (LearningNetworkId, GatheringId), held: Box<networks::CreateGathering>) =>
        networks::record_gathering(ctx, network, ids, &held);
    RecordAttendance(ids: (LearningNetworkId, GatheringId, MemberServiceId),
        came: networks::RecordAttendance) =>
        networks::record_attendance(ctx, network, ids, Precondition::Any, &came);
    LoadQuestionnaire(year: i16, questionnaire: is24::Questionnaire) =>
        is24::load_questionnaire(ctx, year, &questionnaire);
    PlanMeeting(id: Uuid, plan: dialogue::CreateMeeting) =>
        dialogue::plan_meeting(ctx, caller, id, &plan);
    MoveMeeting(id: Uuid, to: samhandling_domain::dialogue::DialogueStatus) =>
        dialogue::move_meeting(ctx, caller, id, to);
    RecordBasis(id: Uuid, basis: dialogue::RecordBasis) =>
        dialogue::record_basis(ctx, caller, id, &basis);
    RecordFinding(meeting: DialogueMeetingId, finding: dialogue::RecordFinding) =>
        dialogue::record_finding(ctx, caller, (meeting, Uuid::now_v7().into()), &finding);
    SubmitEvaluation(id: Uuid, evaluation: dialogue::SubmitEvaluation) =>
        dialogue::submit_evaluation(ctx, caller, id, &evaluation);
    AgreeAction(id: Uuid, action: dialogue::CreateAction) =>
        dialogue::agree_action(ctx, caller, id, &action).map(|agreed| *last = Some(agreed.id));
    /// Moves the action the step before agreed (storage gives its id).
    MoveAction(to: samhandling_domain::dialogue::ActionStatus) =>
        dialogue::move_action(ctx, caller, last.ok_or(UseCaseError::NotFound)?, to);
}

/// Confirms every link of `subject` at `employer` not confirmed yet, as the professional does.
fn confirm_links(ctx: &mut Context<'_>, employer: Uuid, subject: &str) -> Result<(), UseCaseError> {
    let links = store::facilitators::list_own(ctx.conn(), employer, subject, ALL)?.items;
    for link in links.iter().filter(|link| link.confirmed_at.is_none()) {
        cases::facilitators::confirm_link(ctx, employer, subject, link.id)?;
    }
    Ok(())
}

/// What the load found and did.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Each organisation, and whether this run created it.
    pub organisations: Vec<(Organisation, bool)>,
    /// Stories this run created, and stories already there.
    pub created: usize,
    pub present: usize,
    /// The demo records as they are now, one `id<TAB>kind<TAB>state<TAB>description` line each;
    /// none when only the organisations were loaded.
    pub lines: Vec<String>,
    /// Kari's links to the course organisers.
    pub facilitator_links: Vec<Facilitator>,
}

/// The intake and the group of the walkthrough: ask the intake's suggested groups, place its
/// person in the group.
pub fn walkthrough() -> (Uuid, Uuid) {
    (
        demo_id(INTAKE, WALKTHROUGH_INTAKE),
        demo_id(GROUP, WALKTHROUGH_GROUP),
    )
}

/// One load: the organisations (and learning networks) by key and by id, the instant it runs
/// at, and the last action agreed.
struct Demo {
    keys: HashMap<String, Uuid>,
    names: HashMap<Uuid, String>,
    now: DateTime<Utc>,
    last_action: Option<Uuid>,
}

impl Demo {
    fn organisation(&self, key: &str) -> Result<Uuid, DemoError> {
        let id = self.keys.get(key).copied();
        id.ok_or_else(|| DemoError::Data(format!("no demo organisation has the key {key}")))
    }

    fn name(&self, id: Uuid) -> String {
        self.names
            .get(&id)
            .map_or_else(|| id.to_string(), Clone::clone)
    }

    /// Replaces the placeholders in `value`.
    fn resolve(&self, value: &mut Value) -> Result<(), DemoError> {
        match value {
            Value::String(text) if text.starts_with('@') => *text = self.placeholder(text)?,
            Value::Array(items) => items.iter_mut().try_for_each(|item| self.resolve(item))?,
            Value::Object(fields) => fields.values_mut().try_for_each(|v| self.resolve(v))?,
            _ => {}
        }
        Ok(())
    }

    fn placeholder(&self, text: &str) -> Result<String, DemoError> {
        let bad = || DemoError::Data(format!("the placeholder {text:?}"));
        let mut words = text.split_whitespace();
        let what = words.next().unwrap_or_default();
        Ok(match (what, words.next(), words.next()) {
            ("@org", Some(key), None) => self.organisation(key)?.to_string(),
            ("@id", Some(kind), Some(number)) => {
                let kind = KINDS.split_whitespace().position(|known| known == kind);
                let kind = u32::try_from(kind.ok_or_else(bad)? + 1).map_err(|_| bad())?;
                demo_id(kind, number.parse().map_err(|_| bad())?).to_string()
            }
            ("@time" | "@date", first, second) => {
                let mut words = first.into_iter().chain(second).chain(words);
                let time = words.try_fold(self.now, shift).ok_or_else(bad)?;
                match what {
                    "@time" => time.to_rfc3339_opts(SecondsFormat::AutoSi, true),
                    _ => time.date_naive().to_string(),
                }
            }
            _ => return Err(bad()),
        })
    }

    /// The organisation a step of `story` acts for (`None`: the system's own work).
    fn acting(&self, story: &Story, step: &Step) -> Result<Option<Uuid>, DemoError> {
        match step.by.as_deref().unwrap_or(&story.by) {
            "system" => Ok(None),
            key => self.organisation(key).map(Some),
        }
    }
}

/// A coordinator of `organisation` (none: the system's own work), as the demo acts for it.
fn staff(organisation: Option<Uuid>) -> Caller {
    Caller {
        subject: ACTOR.to_owned(),
        organisation_id: organisation.unwrap_or_default().into(),
        roles: vec![Role::CentreCoordinator],
    }
}

/// The demo acting for `organisation`.
fn actor(organisation: Option<Uuid>) -> Actor {
    Actor {
        actor: ACTOR.to_owned(),
        actor_organisation_id: organisation,
        request_id: "demo-data".to_owned(),
    }
}

/// Stores a referral as `POST /referrals` does, under a free reference.
fn refer(ctx: &mut Context<'_>, data: &NewReferralData) -> Result<(), UseCaseError> {
    let referrer = data
        .referrer
        .as_ref()
        .map(|(id, subject)| (*id, subject.as_str()));
    let stored = with_free_reference(&References::random(), |reference| {
        let new = cases::referrals::NewReferral {
            id: data.id,
            reference,
            source: data.source,
            target_centre_id: data.target_centre_id,
            referrer,
            external_reference: data.external_reference.as_deref(),
            offer: data.offer,
            target_groups: &data.target_groups,
            preferred_format: data.preferred_format,
            residence_municipality: data.residence_municipality.as_deref(),
            consent: &data.consent,
            person: &data.person,
            created_at: data.created_at,
        };
        cases::referrals::refer(ctx, &new, None)
    })?;
    let not_a_centre = UseCaseError::MissingReference("target_centre_id");
    stored.map(drop).ok_or(not_a_centre)
}

/// `time` moved by one token of a `@time`.
fn shift(time: DateTime<Utc>, word: &str) -> Option<DateTime<Utc>> {
    let midnight = time.date_naive().and_time(NaiveTime::MIN).and_utc();
    if word == "day" {
        return Some(midnight);
    }
    if let Ok(day) = word.parse::<chrono::Weekday>() {
        let today = time.weekday().num_days_from_monday();
        let back = (today + 6 - day.num_days_from_monday()) % 7 + 1;
        return Some(midnight - TimeDelta::days(back.into()));
    }
    let unit = word.chars().last()?;
    let count: i64 = word[..word.len() - unit.len_utf8()].parse().ok()?;
    let delta = match unit {
        'w' => TimeDelta::try_weeks(count),
        'd' => TimeDelta::try_days(count),
        'h' => TimeDelta::try_hours(count),
        'm' => TimeDelta::try_minutes(count),
        _ => None,
    };
    time.checked_add_signed(delta?)
}

/// Reads one of the data files, as JSON or as what it holds.
fn read<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, DemoError> {
    serde_json::from_str(text).map_err(|error| DemoError::Data(format!("{file}: {error}")))
}

/// Whether the record `id` has an audit event: a story's first record, made by an earlier load.
fn audited(conn: &mut PgConnection, id: Uuid) -> Result<bool, DemoError> {
    let filter = AuditFilter {
        resource_id: Some(id),
        ..AuditFilter::default()
    };
    let first = PageRequest { limit: 1, ..ALL };
    Ok(!store::audit::list(conn, &filter, first)?.items.is_empty())
}

/// Loads every organisation not yet present, with its fixed id; returns them with their keys.
/// One an older load made with a random id (found by its kommunenummer, or by kind and name)
/// is kept as it is: its id is referred to everywhere.
fn load_directory(
    conn: &mut PgConnection,
    clock: &dyn Clock,
) -> Result<Vec<(String, Organisation, bool)>, DemoError> {
    let mut loaded = Vec::new();
    for Member { key, number, draft } in read::<Vec<Member>>("organisations.json", ORGANISATIONS)? {
        let id = demo_id(ORGANISATION, number);
        let (kind, found) = (draft.kind, store::organisations::find(conn, id)?);
        let existing = match (found, &draft.municipality_number) {
            (Some(organisation), _) => Some(organisation),
            (None, Some(number)) if kind == OrganisationKind::Municipality => {
                store::organisations::find_municipality(conn, number)?
            }
            (None, _) => store::organisations::find_by_kind_and_name(conn, kind, &draft.name)?,
        };
        if let Some(organisation) = existing {
            loaded.push((key, organisation, false));
            continue;
        }
        let actor = actor(None);
        let registered =
            cases::organisations::register(&mut Context::new(conn, &actor, clock), id, &draft);
        let step = format!("organisations.json, {}", draft.name);
        let registered = registered.map_err(|error| DemoError::Step { step, error })?;
        loaded.push((key, registered, true));
    }
    Ok(loaded)
}

/// Loads every organisation and every story not yet present, in one transaction, at the
/// system clock's time; running it again changes nothing.
pub fn load(conn: &mut PgConnection) -> Result<Loaded, DemoError> {
    load_at(conn, &SystemClock)
}

/// [`load`], with "now" read once from `clock`.
pub fn load_at(conn: &mut PgConnection, clock: &dyn Clock) -> Result<Loaded, DemoError> {
    in_transaction(conn, |conn| load_all(conn, clock, true))
}

/// Loads only the organisations (for scripts that want the centres without any work on them),
/// in one transaction; running it again changes nothing.
pub fn load_organisations(conn: &mut PgConnection) -> Result<Loaded, DemoError> {
    in_transaction(conn, |conn| load_all(conn, &SystemClock, false))
}

fn load_all(
    conn: &mut PgConnection,
    clock: &dyn Clock,
    stories: bool,
) -> Result<Loaded, DemoError> {
    let directory = load_directory(conn, clock)?;
    let mut demo = Demo {
        keys: directory
            .iter()
            .map(|(key, o, _)| (key.clone(), o.id))
            .collect(),
        names: directory
            .iter()
            .map(|(_, o, _)| (o.id, o.name.clone()))
            .collect(),
        now: clock.now().trunc_subsecs(6),
        last_action: None,
    };
    let organisations = directory.into_iter().map(|(_, o, created)| (o, created));
    let mut loaded = Loaded {
        organisations: organisations.collect(),
        ..Loaded::default()
    };
    let mut all = Vec::new();
    for (file, text) in SCRIPTS.iter().filter(|_| stories) {
        let mut value = read(file, text)?;
        demo.resolve(&mut value)?;
        let stories: Vec<Story> = read(file, &value.to_string())?;
        all.extend(stories.into_iter().map(|story| (file, story)));
    }
    for (file, story) in &all {
        let done = audited(conn, story.first)?;
        (loaded.present, loaded.created) = (
            loaded.present + usize::from(done),
            loaded.created + usize::from(!done),
        );
        for (index, step) in (1..).zip(&story.steps) {
            if let Op::StartNetwork(network) = &step.op {
                demo.names.insert(network.id, network.name.clone());
            }
            if done {
                continue;
            }
            let by = demo.acting(story, step)?;
            let caller = Caller {
                roles: vec![step.role.unwrap_or(story.role)],
                ..staff(by)
            };
            let (actor, clock) = (actor(by), FixedClock(step.at.unwrap_or(demo.now)));
            let result = call(
                step.op.clone(),
                &mut Context::new(conn, &actor, &clock),
                &caller,
                &mut demo.last_action,
            );
            let step = format!("{file}, story {}, step {index}", story.first);
            result.map_err(|error| DemoError::Step { step, error })?;
        }
    }
    let mut lines = Vec::new();
    for step in all
        .iter()
        .flat_map(|(_, story)| story.steps.iter().map(move |step| (story, step)))
    {
        lines.extend(listing(
            &demo,
            conn,
            demo.acting(step.0, step.1)?,
            &step.1.op,
        )?);
    }
    if stories {
        let employer = demo.organisation(FACILITATOR.0)?;
        loaded.facilitator_links =
            store::facilitators::list_own(conn, employer, FACILITATOR.1, ALL)?.items;
    }
    lines.extend(
        loaded
            .facilitator_links
            .iter()
            .map(|link| facilitator(&demo, link)),
    );
    lines.sort_by_key(|line| line.0);
    loaded.lines = lines.into_iter().map(|(_, line)| line).collect();
    Ok(loaded)
}

//! The demo data `make run` loads, idempotently, so that a newcomer meets a living system: the
//! organisations of the domain notes and a few months of work on them, as data in `data/demo/`
//! (embedded in the binary): `organisations.json`, then the scripts `groups.json`,
//! `referrals.json`, `dialogue.json`, `meetings.json` and `coordination.json`.
//!
//! A script is a list of stories (a group's life, a person's referral, a course, a meeting); a
//! story is a list of steps, each one use-case call as the API would make it: who acts (`as`, an
//! organisation's key or `system`, and a `role`; the story's when left out), when (`at`; the
//! load's instant when left out), which use case (`do`, named in [`operations`]) and its input
//! (`with`: the use case's input type, or its arguments in order). Every change is audited as
//! [`ACTOR`]. A story whose `first` record has an audit event is left alone, so loading again
//! changes nothing, whatever was done to the demo records since.
//!
//! Placeholders: `@org KEY`; `@id KIND NUMBER`, a fixed id (see [`demo_id`]); `@time …` and
//! `@date …`, the load's instant (its clock is read once) moved by each token in turn: `±` and a
//! duration (`16d`, `2h`, `30m`: see `humantime`); `day`, its midnight; a weekday, the last such
//! day before it. So the history is back-dated from the load.

use chrono::{DateTime, Datelike, NaiveTime, SecondsFormat, SubsecRound, TimeDelta, Utc, Weekday};
use samhandling_domain::audit::{Actor, AuditFilter};
use samhandling_domain::course::Facilitator;
use samhandling_domain::learning_network::LearningNetwork;
use samhandling_domain::organisation::{Organisation, OrganisationDraft, OrganisationKind};
use samhandling_domain::{page::PageRequest, Role};
use samhandling_persistence::{self as store, in_transaction, PgConnection, StoreError};
use samhandling_usecases::organisations::register;
use samhandling_usecases::{Clock, Context, FixedClock, SystemClock, UseCaseError};
use serde::{de::DeserializeOwned, Deserialize};
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

mod listing;
mod operations;

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
    gathering organisation collaboration_need collaboration_agreement outreach_meeting grant";
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
const SCRIPTS: [(&str, &str); 8] = [
    // First: the agreements decide the feedback on the referrals made after them.
    (
        "agreements.json",
        include_str!("../data/demo/agreements.json"),
    ),
    ("groups.json", include_str!("../data/demo/groups.json")),
    (
        "referrals.json",
        include_str!("../data/demo/referrals.json"),
    ),
    ("dialogue.json", include_str!("../data/demo/dialogue.json")),
    ("meetings.json", include_str!("../data/demo/meetings.json")),
    (
        "coordination.json",
        include_str!("../data/demo/coordination.json"),
    ),
    // After the agreements: a follow-up names the agreement made.
    ("outreach.json", include_str!("../data/demo/outreach.json")),
    // After the meetings: a grant names the courses and networks it funds.
    ("grants.json", include_str!("../data/demo/grants.json")),
];

/// A page big enough for every demo record of one kind.
const ALL: PageRequest = PageRequest {
    limit: PageRequest::MAX_LIMIT,
    after: None,
};

/// What stops the demo: storage, data that does not read, or a step that fails (a bug in the
/// data, never expected).
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The data does not read.
    #[error("the demo data does not read: {0}")]
    Data(String),
    /// A step failed.
    #[error("the demo data fails at {step}: {error}")]
    Step { step: String, error: StepError },
}

/// Why a step failed.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// No use case has its name.
    #[error("no use case is called {0:?}")]
    Unknown(String),
    /// Its input is not what the use case takes.
    #[error("its input does not read: {0}")]
    Input(#[from] serde_json::Error),
    /// The use case refused it.
    #[error("it breaks a rule: {0}")]
    Refused(#[from] UseCaseError),
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

/// One use-case call: who acts, when, which use case and its input.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    #[serde(rename = "as")]
    by: Option<String>,
    role: Option<Role>,
    at: Option<DateTime<Utc>>,
    #[serde(rename = "do")]
    op: String,
    with: Value,
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

/// One load: the organisations by key, the names of the organisations (and learning networks)
/// by id, and the instant it runs at.
struct Demo {
    keys: HashMap<String, Uuid>,
    names: HashMap<Uuid, String>,
    now: DateTime<Utc>,
}

impl Demo {
    fn organisation(&self, key: &str) -> Result<Uuid, DemoError> {
        let id = self.keys.get(key).copied();
        id.ok_or_else(|| DemoError::Data(format!("no demo organisation has the key {key}")))
    }

    fn name(&self, id: Uuid) -> String {
        self.names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    /// The organisation a step of `story` acts for (`None`: the system's own work).
    fn acting(&self, story: &Story, step: &Step) -> Result<Option<Uuid>, DemoError> {
        match step.by.as_deref().unwrap_or(&story.by) {
            "system" => Ok(None),
            key => self.organisation(key).map(Some),
        }
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
        Ok(
            match (words.next().unwrap_or_default(), words.next(), words.next()) {
                ("@org", Some(key), None) => self.organisation(key)?.to_string(),
                ("@id", Some(kind), Some(number)) => {
                    let kind = KINDS.split_whitespace().position(|known| known == kind);
                    let kind = u32::try_from(kind.ok_or_else(bad)? + 1).map_err(|_| bad())?;
                    demo_id(kind, number.parse().map_err(|_| bad())?).to_string()
                }
                (what @ ("@time" | "@date"), first, second) => {
                    let mut words = first.into_iter().chain(second).chain(words);
                    let time = words.try_fold(self.now, shift).ok_or_else(bad)?;
                    match what {
                        "@time" => time.to_rfc3339_opts(SecondsFormat::AutoSi, true),
                        _ => time.date_naive().to_string(),
                    }
                }
                _ => return Err(bad()),
            },
        )
    }
}

/// `time` moved by one token of a `@time`.
fn shift(time: DateTime<Utc>, word: &str) -> Option<DateTime<Utc>> {
    let midnight = time.date_naive().and_time(NaiveTime::MIN).and_utc();
    if let Ok(day) = word.parse::<Weekday>() {
        let today = time.weekday().num_days_from_monday();
        let back = (today + 6 - day.num_days_from_monday()) % 7 + 1;
        return Some(midnight - TimeDelta::days(back.into()));
    }
    let by = || TimeDelta::from_std(humantime::parse_duration(word.get(1..)?).ok()?).ok();
    match word.chars().next()? {
        '+' => time.checked_add_signed(by()?),
        '-' => time.checked_sub_signed(by()?),
        _ => (word == "day").then_some(midnight),
    }
}

/// The demo acting for `organisation` (none: the system's own work).
fn actor(organisation: Option<Uuid>) -> Actor {
    Actor {
        actor: ACTOR.to_owned(),
        actor_organisation_id: organisation,
        request_id: "demo-data".to_owned(),
        traceparent: None,
        provenance: samhandling_domain::audit::Provenance::default(),
    }
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
        let registered = register(&mut Context::new(conn, &actor, clock), id, &draft);
        let step = format!("organisations.json, {}", draft.name);
        let registered = registered.map_err(|error| DemoError::Step {
            step,
            error: error.into(),
        });
        loaded.push((key, registered?, true));
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
    };
    let mut loaded = Loaded {
        organisations: directory
            .into_iter()
            .map(|(_, o, created)| (o, created))
            .collect(),
        ..Loaded::default()
    };
    if !stories {
        return Ok(loaded);
    }
    let (mut steps, mut last) = (Vec::new(), None);
    for (file, text) in SCRIPTS {
        let mut value = read(file, text)?;
        demo.resolve(&mut value)?;
        for story in read::<Vec<Story>>(file, &value.to_string())? {
            let done = audited(conn, story.first)?;
            loaded.present += usize::from(done);
            loaded.created += usize::from(!done);
            for (number, step) in (1..).zip(story.steps.iter()) {
                let by = demo.acting(&story, step)?;
                if step.op == "start_network" {
                    let network = LearningNetwork::deserialize(&step.with);
                    let network = network.map_err(|error| DemoError::Data(error.to_string()))?;
                    demo.names.insert(network.id, network.name);
                }
                if !done {
                    let role = step.role.unwrap_or(story.role);
                    let at = FixedClock(step.at.unwrap_or(demo.now));
                    let played = operations::play(
                        &mut Context::new(conn, &actor(by), &at),
                        role,
                        step,
                        &mut last,
                    );
                    let step = format!("{file}, story {}, step {number}", story.first);
                    played.map_err(|error| DemoError::Step { step, error })?;
                }
                steps.push((by, step.op.clone(), step.with.clone()));
            }
        }
    }
    let mut lines = Vec::new();
    for (by, op, with) in &steps {
        lines.extend(listing(&demo, conn, *by, op, with)?);
    }
    let employer = demo.organisation(FACILITATOR.0)?;
    loaded.facilitator_links =
        store::facilitators::list_own(conn, employer, FACILITATOR.1, ALL)?.items;
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

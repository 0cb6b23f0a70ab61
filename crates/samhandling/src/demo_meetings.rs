//! The network-meeting part of the demo data: KoRus Midt and NAPHA's two courses in network
//! meetings (one held, one upcoming, each with more sign-ups than seats, as one recent round had
//! 80 sign-ups for two courses), the facilitators the held course trained (most confirmed, some
//! still pending, so the demo shows both), their network-meeting logs over 2026 across the
//! Trøndelag municipalities, KoRus Midt's supervision answering some of them, and two learning
//! networks with their gatherings.
//!
//! The seeds are data, `data/demo/meetings.json`; the loaders below walk them in the order the
//! API would take (enrol, cancel and let the line move up, complete, link, confirm), each change
//! with its audit event as `system:demo-data`; enrolments move through the use case. The sign-ups
//! of a course follow one rule: Kari (the data's `kari`, the facilitator the README names) first
//! on the held course, then "Fagperson N" from the data's municipalities and services in turn;
//! about two in three confirm their link. The records have fixed ids from [`demo_id`] with kinds
//! 9 to 15 (see the constants below), except the facilitator links, whose ids storage gives when
//! a course is completed: find Kari's among the printed lines. A part whose first record exists
//! is left alone, so loading again changes nothing.
//!
//! The free text never holds a name or a national identity number: the logs are about networks,
//! not people.

use crate::demo_data::{as_demo_at, demo_id, parse, refused, Demo, DemoError};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use samhandling_domain::course::{Course, CourseScope, EnrolmentStatus, Facilitator};
use samhandling_domain::learning_network::{
    EvaluationSummary, Gathering, LearningNetwork, LearningNetworkScope, MemberService,
    ProgrammeItem, SteeringMember,
};
use samhandling_domain::network_meeting::{
    AgeGroup, Gender, NetworkMeeting, NetworkMeetingScope, NetworkTheme, Participants, SuggestedBy,
    SupervisionSession,
};
use samhandling_domain::page::PageRequest;
use samhandling_domain::venue::Venue;
use samhandling_domain::version::Precondition;
use samhandling_persistence::{
    courses, facilitators, gatherings, learning_networks, network_meetings, supervision,
    PgConnection,
};
use samhandling_usecases::courses::{self as course_cases, CourseDraft};
use samhandling_usecases::enrolments::{self as enrolment_cases, MovedEnrolment, Professional};
use samhandling_usecases::facilitators as facilitator_cases;
use samhandling_usecases::learning_networks as network_cases;
use samhandling_usecases::network_meetings as meeting_cases;
use serde::Deserialize;
use uuid::Uuid;

#[cfg(test)]
mod tests;

/// The kind digits of a course's fixed id.
const COURSE: u32 = 9;
/// The kind digits of an enrolment's fixed id (number: course × 100 + place in the sign-ups).
const ENROLMENT: u32 = 10;
/// The kind digits of a network-meeting log's fixed id.
const NETWORK_MEETING: u32 = 11;
/// The kind digits of a supervision session's fixed id.
const SUPERVISION: u32 = 12;
/// The kind digits of a learning network's fixed id.
const LEARNING_NETWORK: u32 = 13;
/// The kind digits of a member service's fixed id (number: network × 100 + its place).
const MEMBER: u32 = 14;
/// The kind digits of a gathering's fixed id (number: network × 100 + its place).
const GATHERING: u32 = 15;

/// The courses, logs, supervision and learning networks, as data.
const MEETINGS: &str = include_str!("../data/demo/meetings.json");

/// This part of the demo's seeds.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Seeds {
    /// The courses' organisers; the first runs them and supervises the facilitators.
    organisers: Vec<String>,
    /// The adviser who holds the supervision sessions (a token subject, not a person's name).
    adviser: String,
    /// Seats per course.
    capacity: i32,
    /// Sign-ups per course.
    sign_ups: u32,
    /// The first sign-up of the held course.
    kari: Kari,
    /// The municipalities the sign-ups come from, in turn.
    municipalities: Vec<Municipality>,
    /// The services the sign-ups work in, in turn.
    services: Vec<String>,
    courses: Vec<CourseSeed>,
    logs: Vec<MeetingSeed>,
    supervision: Vec<SessionSeed>,
    networks: Vec<NetworkSeed>,
}

/// The facilitator the README names.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Kari {
    name: String,
    work_email: String,
}

/// A municipality the professionals work for: its organisation's name, the host part of its
/// demo e-mail addresses, and its kommunenummer (where its logs' meetings are held).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Municipality {
    name: String,
    host: String,
    number: String,
}

/// A course and what became of its sign-ups.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CourseSeed {
    number: u32,
    title: String,
    place: String,
    dates: Vec<NaiveDate>,
    /// When the first professional signed up; the others follow a few minutes apart.
    sign_ups_from: NaiveDate,
    /// Held: the seated are completed except `not_completed`.
    held: bool,
    /// Seated sign-ups who cancelled before the course (the first in line moved up).
    #[serde(default)]
    cancelled: Vec<u32>,
    /// Seated sign-ups who did not complete the held course.
    #[serde(default)]
    not_completed: Vec<u32>,
}

/// A network-meeting log of a facilitator trained on the held course.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeetingSeed {
    number: u32,
    /// The facilitator's place among the held course's sign-ups.
    by: u32,
    held_on: NaiveDate,
    suggested_by: Option<SuggestedBy>,
    age_group: AgeGroup,
    gender: Option<Gender>,
    /// Family, partner, friends, colleagues, neighbours, professionals.
    participants: [i16; 6],
    themes: Vec<NetworkTheme>,
    resources: Option<String>,
    next_steps: Option<String>,
    next_meeting: Option<NaiveDate>,
    /// The supervision asked for, if any.
    supervision: Option<String>,
    series: Option<String>,
}

/// A supervision session, with who came and the requests (logs) it answered.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionSeed {
    number: u32,
    held_on: NaiveDate,
    /// The facilitators who came, as their places among the held course's sign-ups.
    came: Vec<u32>,
    topics: Vec<String>,
    /// The logs whose requests it answered.
    answers: Vec<u32>,
}

/// A learning network with its member services and gatherings.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkSeed {
    number: u32,
    name: String,
    coordinator: String,
    target_group: String,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    steering_group: Vec<SteeringSeed>,
    members: Vec<MemberSeed>,
    gatherings: Vec<GatheringSeed>,
}

/// A member service: the municipality, and its service in the network.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberSeed {
    municipality: String,
    service: String,
}

/// A gathering of a learning network.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GatheringSeed {
    number: u32,
    held_on: NaiveDate,
    /// `None`: digital.
    place: Option<String>,
    programme: Vec<ProgrammeSeed>,
    evaluation: Option<EvaluationSeed>,
    highlights: Vec<String>,
    /// How many came from each member service, in the order of the network's members.
    attendance: Vec<i32>,
}

/// A member of a network's steering group, and whether it is a user organisation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SteeringSeed {
    name: String,
    user_organisation: bool,
}

/// An item of a gathering's programme: its title, the presenting organisation, and whether a
/// user representative presents it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProgrammeSeed {
    title: String,
    presenter: String,
    by_user_representative: bool,
}

/// A gathering's evaluation: respondents and average rating.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvaluationSeed {
    respondents: i32,
    average_rating: f64,
}

/// A trained professional's link is confirmed by about two in three: every third is pending.
const fn confirms(number: u32) -> bool {
    !number.is_multiple_of(3)
}

/// One sign-up of a course, as the organisers took it down.
struct Trainee<'s> {
    name: String,
    work_email: String,
    municipality: &'s Municipality,
    service: &'s str,
}

impl Seeds {
    /// Sign-up `number` of `course`: Kari first on the held course, then professionals from the
    /// municipalities in turn.
    fn trainee(&self, course: u32, number: u32) -> Result<Trainee<'_>, DemoError> {
        let index = usize::try_from(number.saturating_sub(1)).unwrap_or_default();
        let turn = |count: usize| (count > 0).then(|| index % count);
        let municipality = turn(self.municipalities.len()).map(|i| &self.municipalities[i]);
        let course_index = usize::try_from(course).unwrap_or_default();
        let service = turn(self.services.len())
            .map(|_| self.services[(index + course_index) % self.services.len()].as_str());
        let (Some(municipality), Some(service)) = (municipality, service) else {
            return Err(refused(
                "data/demo/meetings.json lists no municipality or service",
            ));
        };
        if course == 1 && number == 1 {
            return Ok(Trainee {
                name: self.kari.name.clone(),
                work_email: self.kari.work_email.clone(),
                municipality,
                service: &self.services[0],
            });
        }
        let person = (course - 1) * self.sign_ups + number;
        Ok(Trainee {
            name: format!("Fagperson {person}"),
            work_email: format!("fagperson{person}@{}.kommune.example", municipality.host),
            municipality,
            service,
        })
    }

    /// The organiser who runs the courses and supervises.
    fn lead(&self, demo: &Demo) -> Result<Uuid, DemoError> {
        let lead = self
            .organisers
            .first()
            .ok_or_else(|| refused("no organiser"))?;
        demo.organisation(lead)
    }
}

impl Trainee<'_> {
    /// The subject of the facilitator's token: the work e-mail, lower-cased.
    fn subject(&self) -> String {
        self.work_email.to_lowercase()
    }
}

fn seeds() -> Result<Seeds, DemoError> {
    parse("meetings.json", MEETINGS)
}

/// What this part of the demo holds, as the centres and facilitators see it now.
#[derive(Debug, Default)]
pub struct Meetings {
    /// The courses.
    pub courses: Vec<Course>,
    /// Kari's links to the course's organisers: the ids a tester confirms or ends.
    pub kari_links: Vec<Facilitator>,
    /// The network-meeting logs.
    pub logs: Vec<NetworkMeeting>,
    /// KoRus Midt's supervision sessions.
    pub supervision_sessions: Vec<SupervisionSession>,
    /// The learning networks.
    pub learning_networks: Vec<LearningNetwork>,
    /// Their gatherings.
    pub gatherings: Vec<Gathering>,
}

impl Meetings {
    /// One `id<TAB>kind<TAB>state<TAB>description` line per record, as main.rs prints the
    /// other living records; `name` labels an organisation.
    pub fn lines(&self, name: &dyn Fn(Uuid) -> String, today: NaiveDate) -> Vec<String> {
        let mut lines = Vec::new();
        for course in &self.courses {
            let held = course.dates.last().is_some_and(|last| *last < today);
            let organisers: Vec<String> = course.organisers.iter().map(|id| name(*id)).collect();
            lines.push(format!(
                "{}\tcourse\t{}\t{}: {} ({} of {} seats taken, {} waiting)",
                course.id,
                if held { "held" } else { "upcoming" },
                organisers.join(" and "),
                course.title,
                course.taken,
                course.capacity,
                course.waiting
            ));
        }
        for link in &self.kari_links {
            lines.push(format!(
                "{}\tfacilitator\t{}\t{}: {} ({}, {})",
                link.id,
                if link.confirmed_at.is_some() {
                    "confirmed"
                } else {
                    "pending"
                },
                name(link.competence_centre_id),
                link.name,
                link.subject,
                name(link.employer_organisation_id)
            ));
        }
        lines.extend(self.logs.iter().map(|meeting| meeting_line(meeting, name)));
        for session in &self.supervision_sessions {
            lines.push(format!(
                "{}\tsupervision_session\theld\t{}: {} ({} facilitators, {} requests answered)",
                session.id,
                name(session.competence_centre_id),
                session.held_on,
                session.facilitators.len(),
                session.answers.len()
            ));
        }
        for network in &self.learning_networks {
            let ended = network.ends_on.is_some_and(|end| end < today);
            lines.push(format!(
                "{}\tlearning_network\t{}\t{}: {} ({} member services)",
                network.id,
                if ended { "ended" } else { "active" },
                name(network.coordinating_centre_id),
                network.name,
                network.members.len()
            ));
        }
        for gathering in &self.gatherings {
            let network = self
                .learning_networks
                .iter()
                .find(|network| network.id == gathering.network_id)
                .map_or_else(|| gathering.network_id.to_string(), |n| n.name.clone());
            let came: i32 = gathering.attendance.iter().map(|(_, count)| count).sum();
            lines.push(format!(
                "{}\tgathering\t{}\t{network}: {} {} ({came} attended)",
                gathering.id,
                if gathering.held_on < today {
                    "held"
                } else {
                    "planned"
                },
                gathering.held_on,
                gathering.place.as_deref().unwrap_or("digital")
            ));
        }
        lines
    }
}

/// A log's line: whose service, when, where and how big a network, and whether it asks for
/// supervision (without the series label, which is the facilitator's own).
fn meeting_line(meeting: &NetworkMeeting, name: &dyn Fn(Uuid) -> String) -> String {
    let state = match (meeting.supervision_wanted, meeting.supervision_answered_on) {
        (true, Some(_)) => "supervision_answered",
        (true, None) => "supervision_wanted",
        (false, _) => "logged",
    };
    format!(
        "{}\tnetwork_meeting\t{state}\t{}: {} in {} ({}, {}, {} in the network)",
        meeting.id,
        name(meeting.organisation_id),
        meeting.held_on,
        meeting.municipality_number,
        meeting.service,
        meeting.age_group,
        meeting.participants.size()
    )
}

/// Noon (UTC) of a seed's date: when a record of that day was made.
fn noon(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc() + TimeDelta::hours(12)
}

/// A page big enough for every demo record of one kind.
const ALL: PageRequest = PageRequest {
    limit: PageRequest::MAX_LIMIT,
    after: None,
};

/// Loads the courses, facilitators, logs, supervision and learning networks not yet present;
/// returns them as they are now.
pub(crate) fn load(conn: &mut PgConnection, demo: &Demo) -> Result<Meetings, DemoError> {
    let seeds = seeds()?;
    let lead = seeds.lead(demo)?;
    let mut loaded = Meetings::default();
    for seed in &seeds.courses {
        loaded.courses.push(load_course(conn, demo, &seeds, seed)?);
    }
    let kari = seeds.trainee(1, 1)?;
    let trondheim = demo.organisation(&kari.municipality.name)?;
    loaded.kari_links = facilitators::list_own(conn, trondheim, &kari.subject(), ALL)?.items;
    for seed in &seeds.logs {
        loaded.logs.push(load_meeting(conn, demo, &seeds, seed)?);
    }
    for seed in &seeds.supervision {
        let session = load_session(conn, demo, &seeds, seed, lead)?;
        loaded.supervision_sessions.push(session);
    }
    for log in &mut loaded.logs {
        let own = NetworkMeetingScope {
            facilitator: Some((log.organisation_id, log.facilitator_subject.clone())),
            competence_centre: None,
        };
        if let Some(now) = network_meetings::find(conn, log.id, &own)? {
            *log = now;
        }
    }
    for seed in &seeds.networks {
        let (network, held) = load_network(conn, demo, seed)?;
        loaded.learning_networks.push(network);
        loaded.gatherings.extend(held);
    }
    Ok(loaded)
}

/// A course with its sign-ups, cancellations and completions; as it is now when present already.
fn load_course(
    conn: &mut PgConnection,
    demo: &Demo,
    seeds: &Seeds,
    seed: &CourseSeed,
) -> Result<Course, DemoError> {
    let lead = seeds.lead(demo)?;
    let scope = CourseScope { centre: Some(lead) };
    let id = demo_id(COURSE, seed.number);
    if let Some(present) = courses::find(conn, id, scope)? {
        return Ok(present);
    }
    let from = noon(seed.sign_ups_from);
    let mut co_organisers = Vec::new();
    for name in seeds.organisers.iter().skip(1) {
        co_organisers.push(demo.organisation(name)?);
    }
    let draft = CourseDraft {
        title: seed.title.clone(),
        venue: Venue::new("a course", Some(seed.place.clone()), false)
            .map_err(|refusal| refused(refusal.message))?,
        dates: seed.dates.clone(),
        capacity: seeds.capacity,
        co_organisers,
    };
    as_demo_at(conn, Some(lead), from - TimeDelta::days(7), |ctx| {
        course_cases::create_course(ctx, lead, id, draft)
    })?;
    for number in 1..=seeds.sign_ups {
        let trainee = seeds.trainee(seed.number, number)?;
        let professional = Professional {
            name: trainee.name.clone(),
            work_email: trainee.work_email.clone(),
            employer_organisation_id: demo.organisation(&trainee.municipality.name)?,
            service: trainee.service.to_owned(),
            subject: trainee.subject(),
        };
        let at = from + TimeDelta::minutes(i64::from(number) * 7);
        as_demo_at(conn, Some(lead), at, |ctx| {
            let enrolment = enrolment_id(seed, number).into();
            enrolment_cases::enrol(ctx, scope, id.into(), enrolment, professional)
        })?;
    }
    for number in &seed.cancelled {
        cancel(conn, demo, seed, *number, lead)?;
    }
    if seed.held {
        complete(conn, demo, seeds, seed, lead)?;
    }
    courses::find(conn, id, scope)?
        .ok_or_else(|| refused(format!("{}: the course went missing", seed.title)))
}

fn enrolment_id(course: &CourseSeed, number: u32) -> Uuid {
    demo_id(ENROLMENT, course.number * 100 + number)
}

/// Moves an enrolment through the use case, as the course's lead organiser.
fn move_enrolment(
    conn: &mut PgConnection,
    demo: &Demo,
    seed: &CourseSeed,
    number: u32,
    to: EnrolmentStatus,
    lead: Uuid,
) -> Result<MovedEnrolment, DemoError> {
    let course_id = demo_id(COURSE, seed.number);
    let id = enrolment_id(seed, number);
    let scope = CourseScope { centre: Some(lead) };
    demo.as_demo(conn, Some(lead), |ctx| {
        enrolment_cases::move_enrolment(ctx, scope, course_id.into(), id.into(), to)
    })
}

fn cancel(
    conn: &mut PgConnection,
    demo: &Demo,
    seed: &CourseSeed,
    number: u32,
    lead: Uuid,
) -> Result<(), DemoError> {
    move_enrolment(conn, demo, seed, number, EnrolmentStatus::Cancelled, lead)?;
    Ok(())
}

/// Completes the seated sign-ups of a held course; the links it gives are confirmed by about two
/// in three.
fn complete(
    conn: &mut PgConnection,
    demo: &Demo,
    seeds: &Seeds,
    seed: &CourseSeed,
    lead: Uuid,
) -> Result<(), DemoError> {
    let course_id = demo_id(COURSE, seed.number);
    let scope = CourseScope { centre: Some(lead) };
    for number in 1..=seeds.sign_ups {
        let id = enrolment_id(seed, number);
        let Some(enrolment) = courses::find_enrolment(conn, course_id, id, scope)? else {
            return Err(refused(format!("enrolment {number} went missing")));
        };
        if enrolment.status != EnrolmentStatus::Enrolled || seed.not_completed.contains(&number) {
            continue;
        }
        let completed = EnrolmentStatus::Completed;
        let MovedEnrolment { enrolment, links } =
            move_enrolment(conn, demo, seed, number, completed, lead)?;
        let employer = enrolment.employer_organisation_id;
        for link in links.iter().filter(|_| confirms(number)) {
            demo.as_demo(conn, Some(employer), |ctx| {
                facilitator_cases::confirm_link(ctx, employer, &enrolment.subject, link.id)
            })?;
        }
    }
    Ok(())
}

/// The employer and subject of sign-up `number` of the held course, who must have a confirmed
/// link to the lead organiser.
fn confirmed_facilitator<'s>(
    conn: &mut PgConnection,
    demo: &Demo,
    seeds: &'s Seeds,
    number: u32,
) -> Result<(Uuid, String, Trainee<'s>), DemoError> {
    let trainee = seeds.trainee(1, number)?;
    let employer = demo.organisation(&trainee.municipality.name)?;
    let subject = trainee.subject();
    let lead = seeds.lead(demo)?;
    let confirmed = facilitators::list_own(conn, employer, &subject, ALL)?
        .items
        .iter()
        .any(|link| link.competence_centre_id == lead && link.confirmed_at.is_some());
    if !confirmed {
        return Err(refused(format!(
            "{subject} has no confirmed link to {lead}"
        )));
    }
    Ok((employer, subject, trainee))
}

/// A log, as its facilitator stored it; as it is now when present already.
fn load_meeting(
    conn: &mut PgConnection,
    demo: &Demo,
    seeds: &Seeds,
    seed: &MeetingSeed,
) -> Result<NetworkMeeting, DemoError> {
    let (employer, subject, trainee) = confirmed_facilitator(conn, demo, seeds, seed.by)?;
    let scope = NetworkMeetingScope {
        facilitator: Some((employer, subject.clone())),
        competence_centre: None,
    };
    let id = demo_id(NETWORK_MEETING, seed.number);
    if let Some(present) = network_meetings::find(conn, id, &scope)? {
        return Ok(present);
    }
    let logged = noon(seed.held_on) + TimeDelta::hours(4);
    let [family, partner, friend, colleague, neighbour, professional] = seed.participants;
    let meeting = NetworkMeeting {
        id,
        organisation_id: employer,
        facilitator_subject: subject,
        held_on: seed.held_on,
        municipality_number: trainee.municipality.number.clone(),
        service: trainee.service.to_owned(),
        co_facilitators: Vec::new(),
        suggested_by: seed.suggested_by.unwrap_or(SuggestedBy::MainPerson),
        age_group: seed.age_group,
        gender: seed.gender,
        participants: Participants {
            family,
            partner,
            friend,
            colleague,
            neighbour,
            professional,
            other: 0,
        },
        themes: seed.themes.clone(),
        resources_identified: seed.resources.clone(),
        next_steps: seed.next_steps.clone(),
        next_meeting_planned: seed.next_meeting.is_some(),
        next_meeting_on: seed.next_meeting,
        supervision_wanted: seed.supervision.is_some(),
        supervision_topic: seed.supervision.clone(),
        series_id: seed.series.clone(),
        supervision_answered_on: None,
        version: 1,
        created_at: logged,
        updated_at: logged,
    };
    as_demo_at(conn, Some(employer), logged, |ctx| {
        meeting_cases::log_meeting(ctx, &meeting)
    })
}

/// A supervision session of the lead organiser; as it is now when present already.
fn load_session(
    conn: &mut PgConnection,
    demo: &Demo,
    seeds: &Seeds,
    seed: &SessionSeed,
    lead: Uuid,
) -> Result<SupervisionSession, DemoError> {
    let id = demo_id(SUPERVISION, seed.number);
    if let Some(present) = supervision::find(conn, id, lead)? {
        return Ok(present);
    }
    let mut came = Vec::new();
    for number in &seed.came {
        let (employer, subject, _) = confirmed_facilitator(conn, demo, seeds, *number)?;
        came.push((employer, subject));
    }
    let mut answers = Vec::new();
    for number in &seed.answers {
        let request = seeds.logs.iter().find(|log| log.number == *number);
        if !request.is_some_and(|log| log.supervision.is_some() && log.held_on <= seed.held_on) {
            let session = seed.number;
            return Err(refused(format!(
                "session {session} cannot answer log {number}"
            )));
        }
        answers.push(demo_id(NETWORK_MEETING, *number));
    }
    let session = SupervisionSession {
        id,
        competence_centre_id: lead,
        held_on: seed.held_on,
        adviser_subject: seeds.adviser.clone(),
        facilitators: came,
        topics: seed.topics.clone(),
        answers,
        created_at: noon(seed.held_on),
    };
    as_demo_at(conn, Some(lead), noon(seed.held_on), |ctx| {
        meeting_cases::record_supervision(ctx, &session)
    })
}

/// A learning network with its gatherings and their attendance; as they are now when present
/// already.
fn load_network(
    conn: &mut PgConnection,
    demo: &Demo,
    seed: &NetworkSeed,
) -> Result<(LearningNetwork, Vec<Gathering>), DemoError> {
    let coordinator = demo.organisation(&seed.coordinator)?;
    let scope = LearningNetworkScope {
        coordinator: Some(coordinator),
        member: None,
    };
    let id = demo_id(LEARNING_NETWORK, seed.number);
    if let Some(present) = learning_networks::find(conn, id, scope)? {
        let held = gatherings::list(conn, id, ALL)?.items;
        return Ok((present, held));
    }
    let mut members = Vec::new();
    for (index, member) in (1..).zip(&seed.members) {
        members.push(MemberService {
            id: demo_id(MEMBER, seed.number * 100 + index),
            organisation_id: demo.organisation(&member.municipality)?,
            service: member.service.clone(),
        });
    }
    let steering_group = seed.steering_group.iter().map(|member| SteeringMember {
        name: member.name.clone(),
        user_organisation: member.user_organisation,
    });
    let created = noon(seed.starts_on);
    let network = LearningNetwork {
        id,
        name: seed.name.clone(),
        coordinating_centre_id: coordinator,
        target_group: seed.target_group.clone(),
        starts_on: seed.starts_on,
        ends_on: seed.ends_on,
        steering_group: steering_group.collect(),
        members,
        version: 1,
        created_at: created,
        updated_at: created,
    };
    let network = as_demo_at(conn, Some(coordinator), created, |ctx| {
        network_cases::start_network(ctx, &network)
    })?;
    let mut held = Vec::new();
    for gathering in &seed.gatherings {
        held.push(load_gathering(
            conn,
            seed,
            &network,
            gathering,
            coordinator,
        )?);
    }
    Ok((network, held))
}

/// A gathering of `network` with the attendance of its member services.
fn load_gathering(
    conn: &mut PgConnection,
    seed: &NetworkSeed,
    network: &LearningNetwork,
    gathering: &GatheringSeed,
    coordinator: Uuid,
) -> Result<Gathering, DemoError> {
    let id = demo_id(GATHERING, seed.number * 100 + gathering.number);
    let recorded = noon(gathering.held_on);
    let programme = gathering.programme.iter().map(|item| ProgrammeItem {
        title: item.title.clone(),
        presenter_organisation: item.presenter.clone(),
        by_user_representative: item.by_user_representative,
    });
    let evaluation = gathering.evaluation.as_ref().map(|e| EvaluationSummary {
        respondents: e.respondents,
        average_rating: e.average_rating,
    });
    let scope = LearningNetworkScope {
        coordinator: Some(coordinator),
        member: None,
    };
    let gathering_record = Gathering {
        id,
        network_id: network.id,
        held_on: gathering.held_on,
        place: gathering.place.clone(),
        digital: gathering.place.is_none(),
        programme: programme.collect(),
        evaluation,
        highlights: gathering.highlights.clone(),
        attendance: Vec::new(),
        version: 1,
        created_at: recorded,
        updated_at: recorded,
    };
    let (_, mut stored) = as_demo_at(conn, Some(coordinator), recorded, |ctx| {
        network_cases::record_gathering(ctx, scope, &gathering_record)
    })?;
    for (member, came) in network.members.iter().zip(&gathering.attendance) {
        let attendance = (network.id.into(), id.into(), member.id.into());
        (_, stored) = as_demo_at(conn, Some(coordinator), recorded, |ctx| {
            network_cases::record_attendance(ctx, scope, attendance, Precondition::Any, *came)
        })?;
    }
    Ok(stored)
}

//! The network-meeting part's tests.

use super::tests::centre_id as org;
use super::*;
use chrono::NaiveDate;
use samhandling_domain::course::CourseScope;
use samhandling_domain::course::EnrolmentStatus;
use samhandling_domain::network_meeting::NetworkMeeting;
use samhandling_domain::network_meeting::NetworkMeetingScope;
use samhandling_persistence::network_meetings::MeetingFilter;
use samhandling_persistence::{courses, meeting_statistics, network_meetings};
use samhandling_tests::TestDatabase;

/// The `KKKK` of a course and of a network-meeting log.
const COURSE: u32 = 9;
const NETWORK_MEETING: u32 = 11;

const KORUS: &str = "KoRus Midt (Kompetansesenter rus – Midt-Norge)";
const NAPHA: &str = "NAPHA (Nasjonalt kompetansesenter for psykisk helsearbeid)";
/// The subject of Kari's token, as the README names it.
const KARI: &str = "kari.nordmann@trondheim.kommune.example";

/// How many logs the data holds.
fn logs() -> usize {
    let step = "\"do\": \"log_meeting\"";
    SCRIPTS
        .iter()
        .map(|(_, text)| text.matches(step).count())
        .sum()
}

/// How many of the load's lines are of `kind`.
fn count(loaded: &Loaded, kind: &str) -> usize {
    let kind = format!("\t{kind}\t");
    loaded
        .lines
        .iter()
        .filter(|line| line.contains(&kind))
        .count()
}

#[test]
fn loading_twice_gives_the_same_courses_logs_and_networks() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let first = load(&mut conn).expect("loads");
    let second = load(&mut conn).expect("loads again");
    assert_eq!(first.lines, second.lines);
    assert_eq!(count(&second, "course"), 2);
    assert_eq!(count(&second, "network_meeting"), logs());
    assert_eq!(count(&second, "supervision_session"), 2);
    assert_eq!(count(&second, "learning_network"), 2);
    assert_eq!(count(&second, "gathering"), 5);
    let karis = &second.facilitator_links;
    assert_eq!(karis.len(), 2, "linked to KoRus Midt and NAPHA");
    assert!(karis.iter().all(|l| l.confirmed_at.is_some()));
    assert_eq!(count(&second, "facilitator"), 2);
    let lines = &second.lines;
    assert!(lines.iter().any(|l| l.contains("\tcourse\t")));
    assert!(lines.iter().any(|l| l.contains(KARI)));
    assert!(lines.iter().any(|l| l.contains("Familienettverket")));
}

#[test]
fn each_course_seats_35_and_the_rest_wait() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let loaded = load(&mut conn).expect("loads");
    let scope = CourseScope {
        centre: Some(org(&loaded, NAPHA)),
    };
    let upcoming = courses::find(&mut conn, demo_id(COURSE, 2), scope)
        .expect("reads")
        .expect("the upcoming course");
    assert_eq!((upcoming.taken, upcoming.waiting), (35, 5));
    let held = courses::find(&mut conn, demo_id(COURSE, 1), scope)
        .expect("reads")
        .expect("the held course");
    // Two cancelled before the course; the first two in line took their seats.
    assert_eq!((held.taken, held.waiting), (35, 3));
    let enrolments = courses::list_enrolments(&mut conn, held.id, scope, ALL)
        .expect("lists")
        .items;
    let count = |status| enrolments.iter().filter(|e| e.status == status).count();
    assert_eq!(enrolments.len(), 40);
    assert_eq!(count(EnrolmentStatus::Completed), 33);
    assert_eq!(count(EnrolmentStatus::Cancelled), 2);
    assert_eq!(count(EnrolmentStatus::Enrolled), 2);
}

#[test]
fn korus_sees_the_logs_of_confirmed_facilitators_only() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let loaded = load(&mut conn).expect("loads");
    let korus = org(&loaded, KORUS);
    let centre = NetworkMeetingScope {
        facilitator: None,
        competence_centre: Some(korus),
    };
    let followed = network_meetings::list(&mut conn, &centre, &MeetingFilter::default(), ALL)
        .expect("lists")
        .items;
    // A pending facilitator (third on the held course, at Verdal: every third does not
    // confirm) logs a meeting.
    let verdal = org(&loaded, "Verdal kommune");
    let first = demo_id(NETWORK_MEETING, 1);
    let mut unconfirmed = network_meetings::find(&mut conn, first, &centre)
        .expect("reads")
        .expect("the first log");
    unconfirmed.id = Uuid::now_v7();
    unconfirmed.organisation_id = verdal;
    unconfirmed.facilitator_subject = "fagperson3@verdal.kommune.example".to_owned();
    unconfirmed.series_id = None;
    network_meetings::insert(&mut conn, &unconfirmed).expect("stores");

    let seen: Vec<Uuid> =
        network_meetings::list(&mut conn, &centre, &MeetingFilter::default(), ALL)
            .expect("lists")
            .items
            .iter()
            .map(|meeting| meeting.id)
            .collect();
    let karis: Vec<&NetworkMeeting> = followed
        .iter()
        .filter(|meeting| meeting.facilitator_subject == KARI)
        .collect();
    assert!(karis.len() >= 4);
    assert!(karis.iter().filter(|m| m.supervision_wanted).count() >= 2);
    assert!(karis.iter().any(|m| m.series_id.is_some()));
    assert!(karis.iter().all(|meeting| seen.contains(&meeting.id)));
    assert_eq!(seen.len(), logs());
    assert!(
        !seen.contains(&unconfirmed.id),
        "not confirmed: not followed"
    );

    // One of Kari's requests is answered, one still open.
    let answered: Vec<Option<NaiveDate>> =
        network_meetings::list(&mut conn, &centre, &MeetingFilter::default(), ALL)
            .expect("lists")
            .items
            .into_iter()
            .filter(|m| m.facilitator_subject == KARI && m.supervision_wanted)
            .map(|m| m.supervision_answered_on)
            .collect();
    assert!(answered.iter().any(Option::is_some));
    assert!(answered.iter().any(Option::is_none));
}

#[test]
fn the_statistics_have_a_municipality_of_five_or_more_and_one_below() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    load(&mut conn).expect("loads");
    let counts: Vec<_> = meeting_statistics::meetings_by_facilitator(&mut conn)
        .expect("counts")
        .into_iter()
        .filter(|count| count.quarter.starts_with("2026-"))
        .collect();
    // The most meetings of a municipality in one quarter.
    let most = |number: &str| {
        let mut by_quarter = std::collections::BTreeMap::<&str, i64>::new();
        for count in counts.iter().filter(|count| count.municipality == number) {
            *by_quarter.entry(count.quarter.as_str()).or_default() += count.count;
        }
        by_quarter.into_values().max().unwrap_or_default()
    };
    assert!(most("5001") >= 5, "Trondheim shows a number");
    assert!(most("5037") >= 5, "Levanger shows a number");
    assert!((1..5).contains(&most("5033")), "Tydal shows <5");
    let total: i64 = counts.iter().map(|count| count.count).sum();
    assert_eq!(total, 30);
}

//! The network-meeting part's tests.

use super::*;
use samhandling_persistence::meeting_statistics;
use samhandling_persistence::network_meetings::MeetingFilter;
use samhandling_tests::TestDatabase;

/// The id of the demo organisation `name`.
fn org(loaded: &crate::demo_data::Loaded, name: &str) -> Uuid {
    loaded
        .organisations
        .iter()
        .find(|(organisation, _)| organisation.name == name)
        .map(|(organisation, _)| organisation.id)
        .expect("a demo organisation")
}

const KORUS: &str = "KoRus Midt (Kompetansesenter rus – Midt-Norge)";
const NAPHA: &str = "NAPHA (Nasjonalt kompetansesenter for psykisk helsearbeid)";
/// The subject of Kari's token, as the README names it.
const KARI: &str = "kari.nordmann@trondheim.kommune.example";

/// How many logs the data holds.
fn logs() -> usize {
    seeds().expect("the data parses").logs.len()
}

#[test]
fn loading_twice_gives_the_same_courses_logs_and_networks() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let first = crate::demo_data::load(&mut conn).expect("loads");
    let second = crate::demo_data::load(&mut conn).expect("loads again");
    assert_eq!(first.activity_lines(), second.activity_lines());
    let meetings = &second.meetings;
    assert_eq!(meetings.courses.len(), 2);
    assert_eq!(meetings.logs.len(), logs());
    assert_eq!(meetings.supervision_sessions.len(), 2);
    assert_eq!(meetings.learning_networks.len(), 2);
    assert_eq!(meetings.gatherings.len(), 5);
    assert_eq!(
        meetings.kari_links.len(),
        2,
        "linked to KoRus Midt and NAPHA"
    );
    assert!(meetings.kari_links.iter().all(|l| l.confirmed_at.is_some()));
    let lines = second.activity_lines();
    assert!(lines.iter().any(|l| l.contains("\tcourse\t")));
    assert!(lines.iter().any(|l| l.contains(KARI)));
    assert!(lines.iter().any(|l| l.contains("Familienettverket")));
}

#[test]
fn each_course_seats_35_and_the_rest_wait() {
    let database = TestDatabase::create();
    let mut conn = database.connect();
    let loaded = crate::demo_data::load(&mut conn).expect("loads");
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
    let loaded = crate::demo_data::load(&mut conn).expect("loads");
    let korus = org(&loaded, KORUS);
    let centre = NetworkMeetingScope {
        facilitator: None,
        competence_centre: Some(korus),
    };
    // A pending facilitator (third on the held course, at Verdal) logs a meeting.
    let seeds = seeds().expect("the data parses");
    let pending = seeds.trainee(1, 3).expect("a sign-up");
    assert!(!confirms(3));
    let verdal = org(&loaded, &pending.municipality.name);
    let mut unconfirmed = loaded.meetings.logs[0].clone();
    unconfirmed.id = Uuid::now_v7();
    unconfirmed.organisation_id = verdal;
    unconfirmed.facilitator_subject = pending.subject();
    unconfirmed.series_id = None;
    network_meetings::insert(&mut conn, &unconfirmed).expect("stores");

    let seen: Vec<Uuid> =
        network_meetings::list(&mut conn, &centre, &MeetingFilter::default(), ALL)
            .expect("lists")
            .items
            .iter()
            .map(|meeting| meeting.id)
            .collect();
    let karis: Vec<&NetworkMeeting> = loaded
        .meetings
        .logs
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
    crate::demo_data::load(&mut conn).expect("loads");
    let counts = meeting_statistics::meetings_by_quarter(&mut conn, Some(2026)).expect("counts");
    let most = |number: &str| {
        counts
            .iter()
            .filter(|count| count.row_label == number)
            .map(|count| count.count)
            .max()
            .unwrap_or_default()
    };
    assert!(most("5001") >= 5, "Trondheim shows a number");
    assert!(most("5037") >= 5, "Levanger shows a number");
    assert!((1..5).contains(&most("5033")), "Tydal shows <5");
    let total: i64 = counts.iter().map(|count| count.count).sum();
    assert_eq!(total, 30);
}

//! The network-meeting part of the demo data: KoRus Midt and NAPHA's two courses in network
//! meetings (one held, one upcoming, each with more sign-ups than seats, as one recent round had
//! 80 sign-ups for two courses), the facilitators the held course trained (most confirmed, some
//! still pending, so the demo shows both), their network-meeting logs over 2026 across the
//! Trøndelag municipalities, KoRus Midt's supervision answering some of them, and two learning
//! networks with their gatherings.
//!
//! Everything goes through the storage functions the API uses, in the order the API would take
//! (enrol, cancel and let the line move up, complete, link, confirm), each change with its audit
//! event as `system:demo-data`. The records have fixed ids from [`demo_id`] with kinds 9 to 15
//! (see the constants below), except the facilitator links, whose ids storage gives when a
//! course is completed: find Kari's among the printed lines. A part whose first record exists is
//! left alone, so loading again changes nothing.
//!
//! The free text never holds a name or a national identity number: the logs are about networks,
//! not people. The one well-known facilitator is a made-up professional, [`KARI`].

use crate::demo_data::{demo_id, DemoError, ACTOR};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use samhandling_domain::audit::{AuditAction, NewAuditEvent, ResourceType};
use samhandling_domain::course::{Course, CourseScope, Enrolment, EnrolmentStatus, Facilitator};
use samhandling_domain::learning_network::{
    EvaluationSummary, Gathering, LearningNetwork, LearningNetworkScope, MemberService,
    ProgrammeItem, SteeringMember,
};
use samhandling_domain::network_meeting::{
    AgeGroup, Gender, NetworkMeeting, NetworkMeetingScope, NetworkTheme, Participants, SuggestedBy,
    SupervisionSession,
};
use samhandling_domain::organisation::Organisation;
use samhandling_domain::page::PageRequest;
use samhandling_persistence::{
    audit, courses, facilitators, gatherings, learning_networks, network_meetings, supervision,
    PgConnection,
};
use samhandling_usecases::enrolments::{self as enrolment_cases, MovedEnrolment};
use uuid::Uuid;

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
/// The request the demo's audit events name.
const REQUEST_ID: &str = "demo-data";

/// The competence centre that runs the courses with NAPHA and supervises the facilitators.
const KORUS: &str = "KoRus Midt (Kompetansesenter rus – Midt-Norge)";
/// The course's other organiser.
const NAPHA: &str = "NAPHA (Nasjonalt kompetansesenter for psykisk helsearbeid)";
/// The coordinator of Familienettverket.
const NK_TSB: &str =
    "NK TSB (Nasjonal kompetansetjeneste for tverrfaglig spesialisert rusbehandling)";

/// The facilitator the README names: the subject of her token, at Trondheim kommune.
pub const KARI: &str = "kari.nordmann@trondheim.kommune.example";
/// Kari's place among the held course's sign-ups.
const KARI_NUMBER: u32 = 1;
/// Sign-ups per course.
const SIGN_UPS: u32 = 40;
/// Seats per course.
const CAPACITY: i32 = 35;

/// A municipality the professionals work for: its organisation's name, the host part of its
/// demo e-mail addresses, and its kommunenummer (where its logs' meetings are held).
struct Municipality {
    name: &'static str,
    host: &'static str,
    number: &'static str,
}

/// The Trøndelag municipalities the sign-ups come from, in turn.
const MUNICIPALITIES: &[Municipality] = &[
    Municipality {
        name: "Trondheim kommune",
        host: "trondheim",
        number: "5001",
    },
    Municipality {
        name: "Levanger kommune",
        host: "levanger",
        number: "5037",
    },
    Municipality {
        name: "Verdal kommune",
        host: "verdal",
        number: "5038",
    },
    Municipality {
        name: "Steinkjer kommune",
        host: "steinkjer",
        number: "5006",
    },
    Municipality {
        name: "Namsos kommune",
        host: "namsos",
        number: "5007",
    },
    Municipality {
        name: "Stjørdal kommune",
        host: "stjordal",
        number: "5035",
    },
    Municipality {
        name: "Selbu kommune",
        host: "selbu",
        number: "5032",
    },
    Municipality {
        name: "Tydal kommune",
        host: "tydal",
        number: "5033",
    },
    Municipality {
        name: "Meråker kommune",
        host: "meraker",
        number: "5034",
    },
    Municipality {
        name: "Frosta kommune",
        host: "frosta",
        number: "5036",
    },
    Municipality {
        name: "Hitra kommune",
        host: "hitra",
        number: "5056",
    },
    Municipality {
        name: "Frøya kommune",
        host: "froya",
        number: "5014",
    },
    Municipality {
        name: "Heim kommune",
        host: "heim",
        number: "5055",
    },
];

/// The services the sign-ups work in, in turn.
const SERVICES: &[&str] = &[
    "Oppfølgingstjenesten psykisk helse og rus",
    "Barnevernstjenesten",
    "NAV-veileder",
];

/// A course and what became of its sign-ups.
struct CourseSeed {
    number: u32,
    title: &'static str,
    place: &'static str,
    dates: &'static [(i32, u32, u32)],
    /// When the first professional signed up; the others follow a few minutes apart.
    sign_ups_from: (i32, u32, u32),
    /// Held: the seated are completed except [`CourseSeed::not_completed`].
    held: bool,
    /// Seated sign-ups who cancelled before the course (the first in line moved up).
    cancelled: &'static [u32],
    /// Seated sign-ups who did not complete the held course.
    not_completed: &'static [u32],
}

/// The two courses, by KoRus Midt and NAPHA together.
const COURSES: &[CourseSeed] = &[
    CourseSeed {
        number: 1,
        title: "Nettverksmøter – kurs for veiledere, vår 2026",
        place: "Trondheim",
        dates: &[(2026, 1, 13), (2026, 1, 14), (2026, 1, 27)],
        sign_ups_from: (2025, 11, 3),
        held: true,
        cancelled: &[7, 19],
        not_completed: &[12, 30],
    },
    CourseSeed {
        number: 2,
        title: "Nettverksmøter – kurs for veiledere, vår 2027",
        place: "Levanger",
        dates: &[(2027, 2, 9), (2027, 2, 10), (2027, 3, 2)],
        sign_ups_from: (2026, 10, 5),
        held: false,
        cancelled: &[],
        not_completed: &[],
    },
];

/// A trained professional's link is confirmed by about two in three: every third is pending.
const fn confirms(number: u32) -> bool {
    !number.is_multiple_of(3)
}

/// One sign-up of a course, as the organisers took it down.
struct Trainee {
    name: String,
    work_email: String,
    municipality: &'static Municipality,
    service: &'static str,
}

impl Trainee {
    /// Sign-up `number` of `course`: Kari first on the held course, then professionals from the
    /// municipalities in turn.
    fn of(course: &CourseSeed, number: u32) -> Trainee {
        let index = usize::try_from(number.saturating_sub(1)).unwrap_or_default();
        let municipality = &MUNICIPALITIES[index % MUNICIPALITIES.len()];
        let service =
            SERVICES[(index + usize::try_from(course.number).unwrap_or_default()) % SERVICES.len()];
        if course.number == 1 && number == KARI_NUMBER {
            return Trainee {
                name: "Kari Nordmann".to_owned(),
                work_email: "Kari.Nordmann@trondheim.kommune.example".to_owned(),
                municipality,
                service: SERVICES[0],
            };
        }
        let person = (course.number - 1) * SIGN_UPS + number;
        Trainee {
            name: format!("Fagperson {person}"),
            work_email: format!("fagperson{person}@{}.kommune.example", municipality.host),
            municipality,
            service,
        }
    }

    /// The subject of the facilitator's token: the work e-mail, lower-cased.
    fn subject(&self) -> String {
        self.work_email.to_lowercase()
    }
}

/// The people in a network: family, partner, friends, colleagues, neighbours, professionals.
const fn people(
    family: i16,
    partner: i16,
    friend: i16,
    colleague: i16,
    neighbour: i16,
    professional: i16,
) -> Participants {
    Participants {
        family,
        partner,
        friend,
        colleague,
        neighbour,
        professional,
        other: 0,
    }
}

/// A network-meeting log of a facilitator trained on the held course.
struct MeetingSeed {
    number: u32,
    /// The facilitator's place among the held course's sign-ups.
    by: u32,
    held_on: (i32, u32, u32),
    suggested_by: SuggestedBy,
    age_group: AgeGroup,
    gender: Option<Gender>,
    participants: Participants,
    themes: &'static [NetworkTheme],
    resources: Option<&'static str>,
    next_steps: Option<&'static str>,
    next_meeting: Option<(i32, u32, u32)>,
    /// The supervision asked for, if any.
    supervision: Option<&'static str>,
    series: Option<&'static str>,
}

/// The fields most logs share.
const LOG: MeetingSeed = MeetingSeed {
    number: 0,
    by: 0,
    held_on: (2026, 1, 1),
    suggested_by: SuggestedBy::MainPerson,
    age_group: AgeGroup::From30To49,
    gender: None,
    participants: people(2, 0, 1, 0, 0, 1),
    themes: &[NetworkTheme::MentalHealth],
    resources: None,
    next_steps: None,
    next_meeting: None,
    supervision: None,
    series: None,
};

use AgeGroup as Age;
use NetworkTheme as Theme;

/// About 30 logs over 2026: Trondheim and Levanger with five or more in a quarter, the others
/// with fewer, so the statistics show both numbers and `<5`.
const MEETINGS: &[MeetingSeed] = &[
    // Kari, Trondheim: five logs, one series of three, two asking for supervision.
    MeetingSeed {
        number: 1,
        by: KARI_NUMBER,
        held_on: (2026, 3, 10),
        age_group: Age::From18To29,
        gender: Some(Gender::Female),
        participants: people(3, 0, 2, 0, 0, 1),
        themes: &[Theme::MentalHealth, Theme::WorkOrSchool],
        resources: Some(
            "En venn tilbyr seg å følge til samtaler; familien kan hjelpe med transport.",
        ),
        next_steps: Some("Avtale med skolen om tilrettelagt oppstart."),
        ..LOG
    },
    MeetingSeed {
        number: 2,
        by: KARI_NUMBER,
        held_on: (2026, 4, 14),
        age_group: Age::From30To49,
        gender: Some(Gender::Male),
        participants: people(2, 1, 1, 0, 1, 2),
        themes: &[Theme::SubstanceUse, Theme::Housing, Theme::Finances],
        resources: Some("Nabo og bror kan være der på kveldstid."),
        next_steps: Some("Søke om bolig med oppfølging; kontakt med NAV om økonomi."),
        next_meeting: Some((2026, 5, 12)),
        supervision: Some(
            "Hvordan holde fokus på nettverkets egne løsninger når mange fagfolk deltar",
        ),
        series: Some("serie-A"),
        ..LOG
    },
    MeetingSeed {
        number: 3,
        by: KARI_NUMBER,
        held_on: (2026, 5, 12),
        age_group: Age::From30To49,
        gender: Some(Gender::Male),
        participants: people(2, 1, 1, 0, 1, 1),
        themes: &[Theme::SubstanceUse, Theme::Housing],
        resources: Some("Nettverket har fordelt faste ukedager for besøk."),
        next_steps: Some("Følge opp boligsøknaden."),
        next_meeting: Some((2026, 6, 9)),
        series: Some("serie-A"),
        ..LOG
    },
    MeetingSeed {
        number: 4,
        by: KARI_NUMBER,
        held_on: (2026, 6, 9),
        age_group: Age::From30To49,
        gender: Some(Gender::Male),
        participants: people(3, 1, 1, 0, 1, 1),
        themes: &[Theme::SubstanceUse, Theme::Loneliness],
        resources: Some("Fast aktivitet sammen med venner én kveld i uka."),
        next_steps: Some("Nettverket møtes på egen hånd; ny samling ved behov."),
        series: Some("serie-A"),
        ..LOG
    },
    MeetingSeed {
        number: 5,
        by: KARI_NUMBER,
        held_on: (2026, 9, 22),
        suggested_by: SuggestedBy::Network,
        age_group: Age::Under18,
        participants: people(4, 0, 1, 0, 0, 2),
        themes: &[Theme::Family, Theme::MentalHealth, Theme::WorkOrSchool],
        resources: Some("Besteforeldre kan ha ansvar for henting to dager i uka."),
        next_steps: Some("Møte med skolen og helsesykepleier."),
        next_meeting: Some((2026, 12, 8)),
        supervision: Some("Nettverksmøte der barnet er hovedperson: hvordan sikre barnets stemme"),
        ..LOG
    },
    // A colleague of Kari's in Trondheim.
    MeetingSeed {
        number: 6,
        by: 14,
        held_on: (2026, 4, 28),
        suggested_by: SuggestedBy::Professional,
        age_group: Age::From50To66,
        gender: Some(Gender::Female),
        participants: people(1, 1, 0, 1, 1, 1),
        themes: &[Theme::MentalHealth, Theme::Loneliness],
        ..LOG
    },
    MeetingSeed {
        number: 7,
        by: 14,
        held_on: (2026, 6, 16),
        age_group: Age::From67,
        participants: people(3, 0, 0, 0, 2, 2),
        themes: &[Theme::Loneliness, Theme::Housing],
        resources: Some("Naboer følger med og ringer ved behov."),
        supervision: Some("Når nettverket er lite: hvordan finne flere å invitere"),
        ..LOG
    },
    MeetingSeed {
        number: 8,
        by: 14,
        held_on: (2026, 10, 20),
        age_group: Age::From18To29,
        gender: Some(Gender::Other),
        participants: people(1, 0, 3, 0, 0, 1),
        themes: &[Theme::MentalHealth, Theme::WorkOrSchool],
        next_meeting: Some((2027, 1, 12)),
        ..LOG
    },
    // Levanger: five in the third quarter.
    MeetingSeed {
        number: 9,
        by: 2,
        held_on: (2026, 8, 18),
        suggested_by: SuggestedBy::Professional,
        age_group: Age::From30To49,
        participants: people(2, 1, 0, 1, 0, 2),
        themes: &[Theme::SubstanceUse, Theme::WorkOrSchool],
        ..LOG
    },
    MeetingSeed {
        number: 10,
        by: 2,
        held_on: (2026, 9, 1),
        age_group: Age::From18To29,
        gender: Some(Gender::Male),
        participants: people(3, 0, 2, 0, 0, 1),
        themes: &[Theme::SubstanceUse, Theme::Family],
        next_steps: Some("Familien lager en plan for helgene."),
        next_meeting: Some((2026, 9, 29)),
        supervision: Some("Uenighet i familien om hva som er problemet"),
        series: Some("serie-B"),
        ..LOG
    },
    MeetingSeed {
        number: 11,
        by: 2,
        held_on: (2026, 9, 29),
        age_group: Age::From18To29,
        gender: Some(Gender::Male),
        participants: people(3, 0, 2, 0, 0, 1),
        themes: &[Theme::SubstanceUse, Theme::Family],
        resources: Some("Planen for helgene har holdt; flere i nettverket deltar."),
        series: Some("serie-B"),
        ..LOG
    },
    MeetingSeed {
        number: 12,
        by: 28,
        held_on: (2026, 7, 7),
        age_group: Age::From50To66,
        gender: Some(Gender::Female),
        participants: people(2, 1, 1, 0, 0, 0),
        themes: &[Theme::MentalHealth, Theme::Finances],
        ..LOG
    },
    MeetingSeed {
        number: 13,
        by: 28,
        held_on: (2026, 9, 15),
        suggested_by: SuggestedBy::Network,
        age_group: Age::From30To49,
        participants: people(1, 1, 2, 1, 0, 1),
        themes: &[Theme::Violence, Theme::Family],
        next_steps: Some("Trygghetsplan laget sammen med nettverket."),
        ..LOG
    },
    MeetingSeed {
        number: 14,
        by: 28,
        held_on: (2026, 11, 10),
        age_group: Age::From30To49,
        gender: Some(Gender::Female),
        participants: people(2, 0, 1, 0, 0, 2),
        themes: &[Theme::MentalHealth, Theme::Housing],
        next_meeting: Some((2026, 12, 15)),
        supervision: Some("Hvordan avslutte en nettverksmøteserie på en god måte"),
        ..LOG
    },
    // Verdal.
    MeetingSeed {
        number: 15,
        by: 16,
        held_on: (2026, 5, 5),
        age_group: Age::Under18,
        participants: people(3, 0, 1, 0, 0, 2),
        themes: &[Theme::Family, Theme::WorkOrSchool],
        ..LOG
    },
    MeetingSeed {
        number: 16,
        by: 29,
        held_on: (2026, 10, 6),
        age_group: Age::From18To29,
        gender: Some(Gender::Female),
        participants: people(2, 0, 2, 0, 0, 1),
        themes: &[Theme::MentalHealth, Theme::SubstanceUse],
        next_meeting: Some((2026, 11, 3)),
        supervision: Some("Rus og psykisk helse i samme møte: hvem leder samtalen"),
        series: Some("serie-C"),
        ..LOG
    },
    MeetingSeed {
        number: 17,
        by: 29,
        held_on: (2026, 11, 3),
        age_group: Age::From18To29,
        gender: Some(Gender::Female),
        participants: people(2, 0, 3, 0, 0, 1),
        themes: &[Theme::MentalHealth, Theme::SubstanceUse],
        series: Some("serie-C"),
        ..LOG
    },
    // Steinkjer.
    MeetingSeed {
        number: 18,
        by: 4,
        held_on: (2026, 2, 24),
        age_group: Age::From50To66,
        participants: people(1, 1, 0, 0, 1, 1),
        themes: &[Theme::SubstanceUse, Theme::Finances],
        ..LOG
    },
    MeetingSeed {
        number: 19,
        by: 4,
        held_on: (2026, 3, 24),
        age_group: Age::From30To49,
        gender: Some(Gender::Male),
        participants: people(2, 0, 1, 1, 0, 1),
        themes: &[Theme::WorkOrSchool, Theme::MentalHealth],
        supervision: Some("Arbeidsgiver i nettverket: hva er passende å dele"),
        ..LOG
    },
    MeetingSeed {
        number: 20,
        by: 17,
        held_on: (2026, 8, 25),
        age_group: Age::From67,
        participants: people(4, 0, 0, 0, 1, 1),
        themes: &[Theme::Loneliness],
        ..LOG
    },
    // The smaller municipalities: a log or two each.
    MeetingSeed {
        number: 21,
        by: 5,
        held_on: (2026, 6, 2),
        age_group: Age::From30To49,
        participants: people(2, 1, 1, 0, 0, 1),
        themes: &[Theme::Housing, Theme::Finances],
        ..LOG
    },
    MeetingSeed {
        number: 22,
        by: 32,
        held_on: (2026, 4, 21),
        age_group: Age::From18To29,
        gender: Some(Gender::Male),
        participants: people(2, 0, 2, 0, 0, 1),
        themes: &[Theme::SubstanceUse, Theme::WorkOrSchool],
        supervision: Some("Hovedpersonen vil ikke invitere foreldrene: hvordan respektere det"),
        ..LOG
    },
    MeetingSeed {
        number: 23,
        by: 32,
        held_on: (2026, 10, 13),
        age_group: Age::From50To66,
        participants: people(1, 1, 1, 1, 0, 0),
        themes: &[Theme::MentalHealth],
        next_meeting: Some((2027, 1, 19)),
        ..LOG
    },
    MeetingSeed {
        number: 24,
        by: 20,
        held_on: (2026, 9, 8),
        age_group: Age::Under18,
        participants: people(3, 0, 1, 0, 0, 2),
        themes: &[Theme::Family, Theme::WorkOrSchool],
        ..LOG
    },
    MeetingSeed {
        number: 25,
        by: 8,
        held_on: (2026, 11, 17),
        age_group: Age::From30To49,
        participants: people(1, 0, 1, 0, 2, 1),
        themes: &[Theme::Loneliness, Theme::SubstanceUse],
        supervision: Some("Lang reisevei for nettverket: digitalt møte eller ikke"),
        ..LOG
    },
    MeetingSeed {
        number: 26,
        by: 22,
        held_on: (2026, 6, 23),
        age_group: Age::From18To29,
        participants: people(2, 0, 2, 0, 0, 1),
        themes: &[Theme::MentalHealth, Theme::Other],
        ..LOG
    },
    MeetingSeed {
        number: 27,
        by: 10,
        held_on: (2026, 5, 19),
        age_group: Age::From50To66,
        participants: people(2, 1, 0, 0, 1, 1),
        themes: &[Theme::SubstanceUse],
        ..LOG
    },
    MeetingSeed {
        number: 28,
        by: 11,
        held_on: (2026, 3, 3),
        age_group: Age::From30To49,
        participants: people(2, 1, 1, 1, 0, 1),
        themes: &[Theme::WorkOrSchool, Theme::Finances],
        ..LOG
    },
    MeetingSeed {
        number: 29,
        by: 25,
        held_on: (2026, 8, 11),
        age_group: Age::From18To29,
        gender: Some(Gender::Female),
        participants: people(3, 0, 1, 0, 0, 1),
        themes: &[Theme::MentalHealth, Theme::Family],
        supervision: Some("Når hovedpersonen trekker seg rett før møtet"),
        ..LOG
    },
    MeetingSeed {
        number: 30,
        by: 13,
        held_on: (2026, 10, 27),
        age_group: Age::From67,
        participants: people(3, 0, 0, 0, 1, 2),
        themes: &[Theme::Loneliness, Theme::Housing],
        next_meeting: Some((2026, 12, 1)),
        ..LOG
    },
];

/// A supervision session KoRus Midt held, with who came and the requests (logs) it answered.
struct SessionSeed {
    number: u32,
    held_on: (i32, u32, u32),
    /// The facilitators who came, as their places among the held course's sign-ups.
    came: &'static [u32],
    topics: &'static [&'static str],
    /// The logs whose requests it answered.
    answers: &'static [u32],
}

/// Two sessions; Kari's request of September (log 5) and some others are still open.
const SESSIONS: &[SessionSeed] = &[
    SessionSeed {
        number: 1,
        held_on: (2026, 5, 6),
        came: &[KARI_NUMBER, 4, 32],
        topics: &[
            "Fagfolk i nettverksmøtet",
            "Arbeidsgiver og kolleger i nettverket",
        ],
        answers: &[2, 19, 22],
    },
    SessionSeed {
        number: 2,
        held_on: (2026, 9, 9),
        came: &[2, 14, 25],
        topics: &["Uenighet i nettverket", "Små nettverk og avlysninger"],
        answers: &[7, 10, 29],
    },
];

/// The adviser at KoRus Midt who holds the sessions (a token subject, not a person's name).
const ADVISER: &str = "veileder@korus-midt.example";

/// A gathering of a learning network.
struct GatheringSeed {
    number: u32,
    held_on: (i32, u32, u32),
    /// `None`: digital.
    place: Option<&'static str>,
    /// Title, presenting organisation, and whether a user representative presents it.
    programme: &'static [(&'static str, &'static str, bool)],
    /// Respondents and average rating.
    evaluation: Option<(i32, f64)>,
    highlights: &'static [&'static str],
    /// How many came from each member service, in the order of the network's members.
    attendance: &'static [i32],
}

/// A learning network with its member services and gatherings.
struct NetworkSeed {
    number: u32,
    name: &'static str,
    coordinator: &'static str,
    target_group: &'static str,
    starts_on: (i32, u32, u32),
    ends_on: Option<(i32, u32, u32)>,
    /// Name, and whether it is a user organisation.
    steering_group: &'static [(&'static str, bool)],
    /// The municipality, and its service in the network.
    members: &'static [(&'static str, &'static str)],
    gatherings: &'static [GatheringSeed],
}

/// Familienettverket (NK TSB) and the new network for services to children and young people in
/// Midt-Norge (KoRus Midt), which Levanger's municipal contact sees as a member.
const NETWORKS: &[NetworkSeed] = &[
    NetworkSeed {
        number: 1,
        name: "Familienettverket",
        coordinator: NK_TSB,
        target_group: "Tjenester til gravide og familier med små barn der foreldrene har \
                       rusmiddelproblemer",
        starts_on: (2024, 1, 1),
        ends_on: Some((2026, 12, 31)),
        steering_group: &[
            ("ProLAR", true),
            ("BAR", true),
            ("NUBS", true),
            ("KoRus Midt", false),
            (
                "Helse Midt-Norge, tverrfaglig spesialisert rusbehandling",
                false,
            ),
        ],
        members: &[
            ("Trondheim kommune", "Helsestasjon"),
            ("Levanger kommune", "Jordmortjenesten"),
            ("Verdal kommune", "Barnevernstjenesten"),
            ("Steinkjer kommune", "Familiesenteret"),
            ("Stjørdal kommune", "Rus- og psykisk helsetjenesten"),
        ],
        gatherings: &[
            GatheringSeed {
                number: 1,
                held_on: (2024, 10, 15),
                place: Some("Trondheim"),
                programme: &[
                    ("Oppstart: mål for nettverket", NK_TSB, false),
                    ("Å være gravid i LAR: erfaringer", "ProLAR", true),
                    (
                        "Tidlig samtale på helsestasjonen",
                        "Trondheim kommune",
                        false,
                    ),
                ],
                evaluation: Some((22, 4.3)),
                highlights: &[
                    "Erfaringsinnlegget ga et nytt blikk på første kontakt",
                    "Ønske om felles rutine for samarbeid jordmor–helsestasjon",
                ],
                attendance: &[6, 3, 4, 2, 3],
            },
            GatheringSeed {
                number: 2,
                held_on: (2025, 4, 9),
                place: None,
                programme: &[
                    ("Barn som pårørende: hva sier loven", NK_TSB, false),
                    ("Å vokse opp med rus i familien", "BAR", true),
                ],
                evaluation: Some((18, 4.0)),
                highlights: &["Flere tjenester vil prøve ut familiesamtaler"],
                attendance: &[4, 2, 3, 3, 2],
            },
            GatheringSeed {
                number: 3,
                held_on: (2025, 11, 12),
                place: Some("Levanger"),
                programme: &[
                    (
                        "Samarbeid i svangerskapet: jordmor og rustjeneste",
                        "Levanger kommune",
                        false,
                    ),
                    ("Unge foreldres stemme", "NUBS", true),
                    ("Erfaringsdeling i grupper", NK_TSB, false),
                ],
                evaluation: Some((25, 4.5)),
                highlights: &[
                    "Ungdomsrepresentantenes innlegg ble trukket fram av mange",
                    "Verdal og Levanger avtalte felles hospitering",
                ],
                attendance: &[5, 6, 4, 2, 3],
            },
            GatheringSeed {
                number: 4,
                held_on: (2026, 5, 20),
                place: Some("Stjørdal"),
                programme: &[
                    ("Hva har vi lært: nettverkets tre år", NK_TSB, false),
                    ("Brukerorganisasjonenes råd videre", "ProLAR", true),
                ],
                evaluation: Some((20, 4.2)),
                highlights: &[
                    "Rutinen for samarbeid jordmor–helsestasjon tas i bruk i tre kommuner",
                ],
                attendance: &[5, 4, 3, 3, 4],
            },
        ],
    },
    NetworkSeed {
        number: 2,
        name: "Nasjonalt læringsnettverk for tjenester til barn og unge – Midt-Norge",
        coordinator: KORUS,
        target_group: "Kommunale tjenester til barn og unge med psykiske vansker eller \
                       rusmiddelproblemer",
        starts_on: (2026, 9, 1),
        ends_on: None,
        steering_group: &[
            ("Mental Helse Ungdom", true),
            ("KoRus Midt", false),
            ("Værnesregionen", false),
        ],
        members: &[
            ("Stjørdal kommune", "Helsestasjon og skolehelsetjeneste"),
            ("Meråker kommune", "Psykisk helse og rus"),
            ("Selbu kommune", "Barnevernstjenesten"),
            ("Tydal kommune", "Helse og omsorg"),
            ("Frosta kommune", "Familietjenesten"),
            ("Levanger kommune", "Barne- og familietjenesten"),
        ],
        gatherings: &[GatheringSeed {
            number: 1,
            held_on: (2026, 10, 21),
            place: Some("Værnes"),
            programme: &[
                ("Velkommen og mål for nettverket", KORUS, false),
                (
                    "Hva unge trenger av tjenestene",
                    "Mental Helse Ungdom",
                    true,
                ),
                (
                    "Kartlegging av tilbudet i hver kommune",
                    "Stjørdal kommune",
                    false,
                ),
            ],
            evaluation: Some((19, 4.4)),
            highlights: &[
                "Kommunene vil kartlegge lavterskeltilbud før neste samling",
                "De minste kommunene ønsker felles fagdag",
            ],
            attendance: &[4, 2, 2, 1, 2, 3],
        }],
    },
];

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

/// An audit event of the loader, acting for `organisation`.
fn event(
    organisation: Uuid,
    action: AuditAction,
    resource_type: ResourceType,
    id: Uuid,
) -> NewAuditEvent {
    NewAuditEvent {
        actor: ACTOR.to_owned(),
        actor_organisation_id: Some(organisation),
        action,
        resource_type,
        resource_id: id,
        request_id: REQUEST_ID.to_owned(),
    }
}

/// A seed's date, or the rule it breaks.
fn date((year, month, day): (i32, u32, u32)) -> Result<NaiveDate, DemoError> {
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| DemoError::Refused(format!("{year}-{month}-{day}: no such date")))
}

/// Noon (UTC) of a seed's date: when a record of that day was made.
fn noon(day: (i32, u32, u32)) -> Result<DateTime<Utc>, DemoError> {
    Ok(date(day)?
        .and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default())
        .and_utc())
}

/// The organisations by name, as the loader needs them.
struct Directory<'a> {
    organisations: &'a [(Organisation, bool)],
}

impl Directory<'_> {
    /// The id of the organisation `name`.
    fn id(&self, name: &str) -> Result<Uuid, DemoError> {
        self.organisations
            .iter()
            .find(|(organisation, _)| organisation.name == name)
            .map(|(organisation, _)| organisation.id)
            .ok_or_else(|| DemoError::Refused(format!("no demo organisation is named {name}")))
    }
}

/// Runs a use case as the demo, acting for `organisation`, by the system clock.
fn as_demo<T>(
    conn: &mut PgConnection,
    organisation: Option<Uuid>,
    work: impl FnOnce(
        &mut samhandling_usecases::Context<'_>,
    ) -> Result<T, samhandling_usecases::UseCaseError>,
) -> Result<T, DemoError> {
    let actor = samhandling_domain::audit::Actor {
        actor: ACTOR.to_owned(),
        actor_organisation_id: organisation,
        request_id: REQUEST_ID.to_owned(),
    };
    let clock = samhandling_usecases::SystemClock;
    Ok(work(&mut samhandling_usecases::Context::new(
        conn, &actor, &clock,
    ))?)
}

/// A page big enough for every demo record of one kind.
const ALL: PageRequest = PageRequest {
    limit: PageRequest::MAX_LIMIT,
    after: None,
};

/// Loads the courses, facilitators, logs, supervision and learning networks not yet present;
/// returns them as they are now.
pub fn load(
    conn: &mut PgConnection,
    organisations: &[(Organisation, bool)],
) -> Result<Meetings, DemoError> {
    let directory = Directory { organisations };
    let korus = directory.id(KORUS)?;
    let mut loaded = Meetings::default();
    for seed in COURSES {
        loaded.courses.push(load_course(conn, seed, &directory)?);
    }
    let kari = Trainee::of(&COURSES[0], KARI_NUMBER);
    let trondheim = directory.id(kari.municipality.name)?;
    loaded.kari_links = facilitators::list_own(conn, trondheim, &kari.subject(), ALL)?.items;
    for seed in MEETINGS {
        loaded.logs.push(load_meeting(conn, seed, &directory)?);
    }
    for seed in SESSIONS {
        loaded
            .supervision_sessions
            .push(load_session(conn, seed, korus, &directory)?);
    }
    // As their facilitators see them now: with the sessions that answered them.
    for log in &mut loaded.logs {
        let own = NetworkMeetingScope {
            facilitator: Some((log.organisation_id, log.facilitator_subject.clone())),
            competence_centre: None,
        };
        if let Some(now) = network_meetings::find(conn, log.id, &own)? {
            *log = now;
        }
    }
    for seed in NETWORKS {
        let (network, held) = load_network(conn, seed, &directory)?;
        loaded.learning_networks.push(network);
        loaded.gatherings.extend(held);
    }
    Ok(loaded)
}

/// A course with its sign-ups and, once held, its trained facilitators; as it is now when
/// present already.
fn load_course(
    conn: &mut PgConnection,
    seed: &CourseSeed,
    directory: &Directory,
) -> Result<Course, DemoError> {
    let korus = directory.id(KORUS)?;
    let scope = CourseScope {
        centre: Some(korus),
    };
    let id = demo_id(COURSE, seed.number);
    if let Some(present) = courses::find(conn, id, scope)? {
        return Ok(present);
    }
    let from = noon(seed.sign_ups_from)?;
    let mut dates = seed
        .dates
        .iter()
        .map(|day| date(*day))
        .collect::<Result<Vec<_>, _>>()?;
    dates.sort_unstable();
    let course = Course {
        id,
        title: seed.title.to_owned(),
        organisers: vec![korus, directory.id(NAPHA)?],
        place: Some(seed.place.to_owned()),
        digital: false,
        dates,
        capacity: CAPACITY,
        taken: 0,
        waiting: 0,
        version: 1,
        created_at: from - TimeDelta::days(7),
        updated_at: from - TimeDelta::days(7),
    };
    courses::insert(conn, &course)?;
    audit::record(
        conn,
        &event(korus, AuditAction::Created, ResourceType::Course, id),
    )?;
    let mut taken = 0;
    for number in 1..=SIGN_UPS {
        let trainee = Trainee::of(seed, number);
        let status = EnrolmentStatus::on_enrolment(taken, CAPACITY);
        if status.holds_seat() {
            taken += 1;
        }
        let at = from + TimeDelta::minutes(i64::from(number) * 7);
        let enrolment = Enrolment {
            id: enrolment_id(seed, number),
            course_id: id,
            name: trainee.name.clone(),
            work_email: trainee.work_email.clone(),
            employer_organisation_id: directory.id(trainee.municipality.name)?,
            service: trainee.service.to_owned(),
            subject: trainee.subject(),
            status,
            waiting_position: None,
            version: 1,
            created_at: at,
            updated_at: at,
        };
        let stored = courses::insert_enrolment(conn, &enrolment)?;
        audit::record(
            conn,
            &event(
                korus,
                AuditAction::Created,
                ResourceType::Enrolment,
                stored.id,
            ),
        )?;
    }
    for number in seed.cancelled {
        cancel(conn, seed, *number, korus, scope)?;
    }
    if seed.held {
        complete(conn, seed, korus, scope)?;
    }
    courses::find(conn, id, scope)?
        .ok_or_else(|| DemoError::Refused(format!("{}: the course went missing", seed.title)))
}

/// The fixed id of sign-up `number` of `course`.
fn enrolment_id(course: &CourseSeed, number: u32) -> Uuid {
    demo_id(ENROLMENT, course.number * 100 + number)
}

/// Moves an enrolment as `POST /courses/{id}/enrolments/{enrolment_id}/transitions` does, for
/// KoRus Midt: a cancelled seat goes to the first in line, a completion links the facilitator.
fn move_enrolment(
    conn: &mut PgConnection,
    seed: &CourseSeed,
    number: u32,
    to: EnrolmentStatus,
    korus: Uuid,
    scope: CourseScope,
) -> Result<MovedEnrolment, DemoError> {
    let course_id = demo_id(COURSE, seed.number);
    let id = enrolment_id(seed, number);
    as_demo(conn, Some(korus), |ctx| {
        enrolment_cases::move_enrolment(ctx, scope, course_id, id, to)
    })
}

/// Cancels a seated sign-up; the seat goes to the first in line, as the API does.
fn cancel(
    conn: &mut PgConnection,
    seed: &CourseSeed,
    number: u32,
    korus: Uuid,
    scope: CourseScope,
) -> Result<(), DemoError> {
    move_enrolment(conn, seed, number, EnrolmentStatus::Cancelled, korus, scope)?;
    Ok(())
}

/// Completes the seated sign-ups of a held course (but those who did not finish), links each
/// to both organisers, and lets two in three confirm their links.
fn complete(
    conn: &mut PgConnection,
    seed: &CourseSeed,
    korus: Uuid,
    scope: CourseScope,
) -> Result<(), DemoError> {
    let course_id = demo_id(COURSE, seed.number);
    for number in 1..=SIGN_UPS {
        let id = enrolment_id(seed, number);
        let Some(enrolment) = courses::find_enrolment(conn, course_id, id, scope)? else {
            return Err(DemoError::Refused(format!(
                "enrolment {number} went missing"
            )));
        };
        if enrolment.status != EnrolmentStatus::Enrolled || seed.not_completed.contains(&number) {
            continue;
        }
        let MovedEnrolment {
            enrolment: completed,
            links,
        } = move_enrolment(conn, seed, number, EnrolmentStatus::Completed, korus, scope)?;
        for link in links {
            if !confirms(number) {
                continue;
            }
            let employer = completed.employer_organisation_id;
            if facilitators::confirm(conn, link.id, employer, &completed.subject)?.is_some() {
                audit::record(
                    conn,
                    &event(
                        employer,
                        AuditAction::Approved,
                        ResourceType::Facilitator,
                        link.id,
                    ),
                )?;
            }
        }
    }
    Ok(())
}

/// The employer and subject of a facilitator trained on the held course, refused unless the
/// facilitator confirmed a link to KoRus Midt (whose follow-up the logs are for).
fn confirmed_facilitator(
    conn: &mut PgConnection,
    number: u32,
    directory: &Directory,
) -> Result<(Uuid, String, Trainee), DemoError> {
    let trainee = Trainee::of(&COURSES[0], number);
    let employer = directory.id(trainee.municipality.name)?;
    let subject = trainee.subject();
    let korus = directory.id(KORUS)?;
    let confirmed = facilitators::list_own(conn, employer, &subject, ALL)?
        .items
        .iter()
        .any(|link| link.competence_centre_id == korus && link.confirmed_at.is_some());
    if !confirmed {
        return Err(DemoError::Refused(format!(
            "{subject} has no confirmed link to KoRus Midt"
        )));
    }
    Ok((employer, subject, trainee))
}

/// A log, as its facilitator stored it; as it is now when present already.
fn load_meeting(
    conn: &mut PgConnection,
    seed: &MeetingSeed,
    directory: &Directory,
) -> Result<NetworkMeeting, DemoError> {
    let (employer, subject, trainee) = confirmed_facilitator(conn, seed.by, directory)?;
    let scope = NetworkMeetingScope {
        facilitator: Some((employer, subject.clone())),
        competence_centre: None,
    };
    let id = demo_id(NETWORK_MEETING, seed.number);
    if let Some(present) = network_meetings::find(conn, id, &scope)? {
        return Ok(present);
    }
    let logged = noon(seed.held_on)? + TimeDelta::hours(4);
    let meeting = NetworkMeeting {
        id,
        organisation_id: employer,
        facilitator_subject: subject,
        held_on: date(seed.held_on)?,
        municipality_number: trainee.municipality.number.to_owned(),
        service: trainee.service.to_owned(),
        co_facilitators: Vec::new(),
        suggested_by: seed.suggested_by,
        age_group: seed.age_group,
        gender: seed.gender,
        participants: seed.participants,
        themes: seed.themes.to_vec(),
        resources_identified: seed.resources.map(str::to_owned),
        next_steps: seed.next_steps.map(str::to_owned),
        next_meeting_planned: seed.next_meeting.is_some(),
        next_meeting_on: seed.next_meeting.map(date).transpose()?,
        supervision_wanted: seed.supervision.is_some(),
        supervision_topic: seed.supervision.map(str::to_owned),
        series_id: seed.series.map(str::to_owned),
        supervision_answered_on: None,
        version: 1,
        created_at: logged,
        updated_at: logged,
    };
    let stored = network_meetings::insert(conn, &meeting)?;
    audit::record(
        conn,
        &event(
            employer,
            AuditAction::Created,
            ResourceType::NetworkMeeting,
            id,
        ),
    )?;
    Ok(stored)
}

/// A supervision session of KoRus Midt; as it is now when present already.
fn load_session(
    conn: &mut PgConnection,
    seed: &SessionSeed,
    korus: Uuid,
    directory: &Directory,
) -> Result<SupervisionSession, DemoError> {
    let id = demo_id(SUPERVISION, seed.number);
    if let Some(present) = supervision::find(conn, id, korus)? {
        return Ok(present);
    }
    let held_on = date(seed.held_on)?;
    let mut came = Vec::new();
    for number in seed.came {
        let (employer, subject, _) = confirmed_facilitator(conn, *number, directory)?;
        came.push((employer, subject));
    }
    let mut answers = Vec::new();
    for number in seed.answers {
        let Some(request) = MEETINGS.iter().find(|meeting| meeting.number == *number) else {
            return Err(DemoError::Refused(format!("no demo log {number}")));
        };
        if request.supervision.is_none() || date(request.held_on)? > held_on {
            return Err(DemoError::Refused(format!(
                "session {} cannot answer log {number}",
                seed.number
            )));
        }
        answers.push(demo_id(NETWORK_MEETING, *number));
    }
    let session = SupervisionSession {
        id,
        competence_centre_id: korus,
        held_on,
        adviser_subject: ADVISER.to_owned(),
        facilitators: came,
        topics: seed
            .topics
            .iter()
            .map(|topic| (*topic).to_owned())
            .collect(),
        answers,
        created_at: noon(seed.held_on)?,
    };
    let stored = supervision::insert(conn, &session)?;
    audit::record(
        conn,
        &event(
            korus,
            AuditAction::Created,
            ResourceType::SupervisionSession,
            id,
        ),
    )?;
    Ok(stored)
}

/// A learning network with its gatherings and their attendance; as they are now when present
/// already.
fn load_network(
    conn: &mut PgConnection,
    seed: &NetworkSeed,
    directory: &Directory,
) -> Result<(LearningNetwork, Vec<Gathering>), DemoError> {
    let coordinator = directory.id(seed.coordinator)?;
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
    for (index, (municipality, service)) in (1..).zip(seed.members) {
        members.push(MemberService {
            id: demo_id(MEMBER, seed.number * 100 + index),
            organisation_id: directory.id(municipality)?,
            service: (*service).to_owned(),
        });
    }
    let created = noon(seed.starts_on)?;
    let network = learning_networks::insert(
        conn,
        &LearningNetwork {
            id,
            name: seed.name.to_owned(),
            coordinating_centre_id: coordinator,
            target_group: seed.target_group.to_owned(),
            starts_on: date(seed.starts_on)?,
            ends_on: seed.ends_on.map(date).transpose()?,
            steering_group: seed
                .steering_group
                .iter()
                .map(|(name, user_organisation)| SteeringMember {
                    name: (*name).to_owned(),
                    user_organisation: *user_organisation,
                })
                .collect(),
            members,
            version: 1,
            created_at: created,
            updated_at: created,
        },
    )?;
    audit::record(
        conn,
        &event(
            coordinator,
            AuditAction::Created,
            ResourceType::LearningNetwork,
            id,
        ),
    )?;
    let mut held = Vec::new();
    for gathering in seed.gatherings {
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
    let recorded = noon(gathering.held_on)?;
    let mut stored = gatherings::insert(
        conn,
        &Gathering {
            id,
            network_id: network.id,
            held_on: date(gathering.held_on)?,
            place: gathering.place.map(str::to_owned),
            digital: gathering.place.is_none(),
            programme: gathering
                .programme
                .iter()
                .map(|(title, presenter, by_user)| ProgrammeItem {
                    title: (*title).to_owned(),
                    presenter_organisation: (*presenter).to_owned(),
                    by_user_representative: *by_user,
                })
                .collect(),
            evaluation: gathering.evaluation.map(|(respondents, average_rating)| {
                EvaluationSummary {
                    respondents,
                    average_rating,
                }
            }),
            highlights: gathering
                .highlights
                .iter()
                .map(|highlight| (*highlight).to_owned())
                .collect(),
            attendance: Vec::new(),
            version: 1,
            created_at: recorded,
            updated_at: recorded,
        },
    )?;
    audit::record(
        conn,
        &event(
            coordinator,
            AuditAction::Created,
            ResourceType::Gathering,
            id,
        ),
    )?;
    for (member, came) in network.members.iter().zip(gathering.attendance) {
        stored = gatherings::record_attendance(conn, id, member.id, *came)?;
        audit::record(
            conn,
            &event(
                coordinator,
                AuditAction::Updated,
                ResourceType::Gathering,
                id,
            ),
        )?;
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use samhandling_persistence::meeting_statistics;
    use samhandling_persistence::network_meetings::MeetingFilter;
    use samhandling_tests::TestDatabase;

    /// The id of the demo organisation `name`.
    fn org(loaded: &crate::demo_data::Loaded, name: &str) -> Uuid {
        Directory {
            organisations: &loaded.organisations,
        }
        .id(name)
        .expect("a demo organisation")
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
        assert_eq!(meetings.logs.len(), MEETINGS.len());
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
        let pending = Trainee::of(&COURSES[0], 3);
        assert!(!confirms(3));
        let verdal = org(&loaded, pending.municipality.name);
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
        assert_eq!(seen.len(), MEETINGS.len());
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
        let counts =
            meeting_statistics::meetings_by_quarter(&mut conn, Some(2026)).expect("counts");
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
}

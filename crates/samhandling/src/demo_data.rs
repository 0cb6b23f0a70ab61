//! The demo data `make run` loads, idempotently, so that a newcomer meets a living system: the
//! organisations named in the domain notes and seed articles, and at the LINK centres a few
//! months of work on them. LINK Trondheim has groups in every stage of their life, referrals from
//! the Trøndelag municipalities (and self-registrations) at every status, intakes booked and held
//! with every outcome, members known by pseudonyms, starters, session logs and follow-up visits;
//! LINK Bergen og omegn (referred to by NAV Årstad) and LINK Oslo have a little, so that the
//! catalogue shows other centres' groups.
//!
//! Everything is done the way the API does it, through the same storage functions and the same
//! domain checks: each referral walks its lifecycle step by step with its history (and a webhook
//! event wherever the referrer's view changes), an intake walks its referral as booking and
//! completing do, and a group starts only with its minimum. Each change has its audit event, as
//! `system:demo-data` acting for the organisation whose staff would have made it.
//!
//! The organisations and the records of the living part have fixed ids,
//! `de300000-0000-7000-8000-KKKKNNNNNNNN` with the kind in `KKKK` (0001 group, 0002 referral,
//! 0003 intake, 0004 membership, 0005 session, 0006 starter, 0007 follow-up, 0016 organisation)
//! and the number of the seed in `NNNNNNNN`, both written in decimal digits;
//! a referral's intake and membership share its number. So a walkthrough can name them: see
//! [`WALKTHROUGH_INTAKE`] and [`WALKTHROUGH_GROUP`]. A story (a group with its members, or one
//! person's referral) whose first record exists is left alone, so loading again changes nothing,
//! whatever was done to the demo records since. The times that storage stamps itself (history
//! steps after creation, placements, group starts and ends) are those of the load; referrals,
//! intakes, sessions and follow-ups are spread over the weeks before it.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, SubsecRound, TimeDelta, Utc};
use samhandling_domain::audit::{Actor, AuditAction, Creation, NewAuditEvent, ResourceType};
use samhandling_domain::group::{
    AgeBand, CentreAccess, Group, GroupFormat, GroupStatus, GroupTheme, LeaveReason, Schedule,
    Session, Size, Starter, Weekday,
};
use samhandling_domain::intake::{Completion, Intake, IntakeFormat, IntakeOutcome, Preferences};
use samhandling_domain::organisation::{
    MunicipalityNumber, Organisation, OrganisationDraft, OrganisationKind,
};
use samhandling_domain::referral::{
    reference_from, Consent, ConsentMethod, Offer, Person, PreferredFormat, ReasonCode, Referral,
    ReferralAccess, ReferralScope, ReferralStatus, Source, TargetGroup,
};
use samhandling_domain::{Caller, Role};
use samhandling_persistence::referrals::{Inserted, NewReferral};
use samhandling_persistence::{
    audit, group_sessions, groups, in_transaction, intakes, memberships, organisations, referrals,
    PgConnection, StoreError,
};
use samhandling_usecases::intakes::{self as intake_cases, IntakeResult};
use samhandling_usecases::memberships::{self as membership_cases, Placement};
use samhandling_usecases::referrals as referral_cases;
use samhandling_usecases::{Context as UseCaseContext, SystemClock, UseCaseError};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// One organisation to load, as `data/demo/organisations.json` lists it: its fixed id is
/// `demo_id(ORGANISATION, number)`.
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

/// The organisations of the field (the municipalities of the Trøndelag dialogue meetings, the
/// LINK centres and their cities, the competence centres and the others listed), with their real
/// kommunenummer, and the operator of this installation, whose organisation administrators'
/// tokens name.
const ORGANISATIONS: &str = include_str!("../data/demo/organisations.json");

/// Reads one of the demo's data files (embedded in the binary).
pub(crate) fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, DemoError> {
    serde_json::from_str(text).map_err(|error| refused(format!("data/demo/{file}: {error}")))
}

/// Who the loader's changes are recorded as: in the audit trail and the referrals' histories.
pub const ACTOR: &str = "system:demo-data";
/// The request id of the loader's audit events.
const REQUEST_ID: &str = "demo-data";

const LINK_TRONDHEIM: &str = "LINK Trondheim";
const LINK_BERGEN: &str = "LINK Bergen og omegn";
const LINK_OSLO: &str = "LINK Oslo";
const TRONDHEIM: &str = "Trondheim kommune";
const STJORDAL: &str = "Stjørdal kommune";
const LEVANGER: &str = "Levanger kommune";
const VERDAL: &str = "Verdal kommune";
const STEINKJER: &str = "Steinkjer kommune";
const FROSTA: &str = "Frosta kommune";
const SELBU: &str = "Selbu kommune";
const NAV_ARSTAD: &str = "NAV Årstad";

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

/// A person referred (or self-registered), with the referral's details.
#[derive(Clone, Copy)]
struct PersonSeed {
    /// The number of the referral's id, and of its intake's and membership's.
    number: u32,
    /// The referring organisation; `None` for a self-registration.
    referrer: Option<&'static str>,
    external_reference: Option<&'static str>,
    offer: Offer,
    given_name: &'static str,
    family_name: &'static str,
    birth_year: Option<i16>,
    language: &'static str,
    municipality: Option<&'static str>,
    target_groups: &'static [TargetGroup],
    preferred_format: PreferredFormat,
    wishes: Option<&'static str>,
    feedback: bool,
    consent_via: ConsentMethod,
    /// How long ago the referral was made.
    days_ago: i64,
}

const PERSON: PersonSeed = PersonSeed {
    number: 0,
    referrer: None,
    external_reference: None,
    offer: Offer::SelfHelpGroup,
    given_name: "",
    family_name: "",
    birth_year: None,
    language: "nb",
    municipality: Some("5001"),
    target_groups: &[],
    preferred_format: PreferredFormat::NoPreference,
    wishes: None,
    feedback: true,
    consent_via: ConsentMethod::InPerson,
    days_ago: 0,
};

/// Signed up on the centre's web page: digital consent, no referrer to tell.
const SELF_REGISTERED: PersonSeed = PersonSeed {
    feedback: false,
    consent_via: ConsentMethod::Digital,
    ..PERSON
};

/// When a member signed the confidentiality declaration.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Signed {
    AtPlacement,
    AtFirstMeeting,
    NotYet,
}

/// A member of a group: the person, the pseudonym chosen at intake, and what happened since.
struct MemberSeed {
    person: PersonSeed,
    pseudonym: &'static str,
    notes: Option<&'static str>,
    signed: Signed,
    /// Left the group (with `GroupEnded`: when it ended; otherwise once it had started).
    leaves: Option<LeaveReason>,
    /// The centre closed the referral, its follow-up done.
    closed: bool,
}

const fn member(person: PersonSeed, pseudonym: &'static str, signed: Signed) -> MemberSeed {
    MemberSeed {
        person,
        pseudonym,
        notes: None,
        signed,
        leaves: None,
        closed: false,
    }
}

/// A follow-up visit made, some days after the request, by a staff member.
#[derive(Clone, Copy)]
struct Visit {
    days_later: i64,
    by: &'static str,
}

/// A follow-up visit asked for at a meeting.
#[derive(Clone, Copy)]
enum Asked {
    Nothing,
    Visit,
    VisitMade(Visit),
}

/// One meeting of a group.
struct SessionSeed {
    /// Meetings ago: 1 is the last meeting day before today.
    meetings_ago: i64,
    held: bool,
    present: Option<i16>,
    starter_present: bool,
    note: Option<&'static str>,
    /// Whether the group asked for a follow-up visit at this meeting, and got it.
    follow_up: Asked,
}

const fn held(meetings_ago: i64, present: i16, starter_present: bool) -> SessionSeed {
    SessionSeed {
        meetings_ago,
        held: true,
        present: Some(present),
        starter_present,
        note: None,
        follow_up: Asked::Nothing,
    }
}

const fn cancelled(meetings_ago: i64, note: &'static str) -> SessionSeed {
    SessionSeed {
        meetings_ago,
        held: false,
        present: None,
        starter_present: false,
        note: Some(note),
        follow_up: Asked::Nothing,
    }
}

/// A follow-up requested outside a session log.
struct FollowUpSeed {
    days_ago: i64,
    visit: Option<Visit>,
}

/// A starter (igangsetter) of the centre.
struct StarterSeed {
    subject: &'static str,
    display_name: &'static str,
    planned_meetings: i16,
}

const MARTE: StarterSeed = StarterSeed {
    subject: "ansatt-17@link-trondheim.example",
    display_name: "Marte",
    planned_meetings: 3,
};
const JONAS: StarterSeed = StarterSeed {
    subject: "ansatt-23@link-trondheim.example",
    display_name: "Jonas",
    planned_meetings: 4,
};

/// A group and its life up to `status`.
struct GroupSeed {
    number: u32,
    centre: &'static str,
    title: &'static str,
    theme: GroupTheme,
    languages: &'static [&'static str],
    format: GroupFormat,
    municipality: &'static str,
    weekday: Weekday,
    start: (u32, u32),
    interval_weeks: i16,
    size: (i16, i16),
    ages: (Option<i16>, Option<i16>),
    address: Option<&'static str>,
    confidential_location: bool,
    status: GroupStatus,
    starters: &'static [StarterSeed],
    members: &'static [MemberSeed],
    sessions: &'static [SessionSeed],
    follow_ups: &'static [FollowUpSeed],
}

const GROUP_SEED: GroupSeed = GroupSeed {
    number: 0,
    centre: LINK_TRONDHEIM,
    title: "",
    theme: GroupTheme::General,
    languages: &["nb"],
    format: GroupFormat::CentrePremises,
    municipality: "5001",
    weekday: Weekday::Tuesday,
    start: (18, 0),
    interval_weeks: 1,
    size: (5, 8),
    ages: (None, None),
    address: Some("LINK Trondheim, grupperom 1"),
    confidential_location: false,
    status: GroupStatus::Planned,
    starters: &[],
    members: &[],
    sessions: &[],
    follow_ups: &[],
};

/// The demo groups: every status at LINK Trondheim, and a few at the other centres.
const GROUPS: &[GroupSeed] = &[
    GroupSeed {
        number: 1,
        title: "Sorggruppe – for deg som har mistet en av dine nærmeste",
        theme: GroupTheme::Grief,
        weekday: Weekday::Thursday,
        address: Some("LINK Trondheim, grupperom 2"),
        starters: &[MARTE],
        ..GROUP_SEED
    },
    GroupSeed {
        number: WALKTHROUGH_GROUP,
        title: "Samtalegruppe om angst og nedstemthet",
        theme: GroupTheme::AnxietyAndDepression,
        status: GroupStatus::Recruiting,
        starters: &[JONAS],
        members: &[
            MemberSeed {
                notes: Some("Vil helst gå i gruppe på kveldstid. Har fått informasjon om taushetserklæringen."),
                ..member(
                    PersonSeed {
                        number: 1,
                        referrer: Some(STJORDAL),
                        external_reference: Some("STJ-2026-0733"),
                        given_name: "Mari",
                        family_name: "Haugen",
                        birth_year: Some(1988),
                        municipality: Some("5035"),
                        preferred_format: PreferredFormat::InPerson,
                        wishes: Some("Jeg vil gjerne møte andre som kjenner seg igjen. Kveldstid passer best."),
                        days_ago: 24,
                        ..PERSON
                    },
                    "Mari",
                    Signed::AtPlacement,
                )
            },
            member(
                PersonSeed {
                    number: 2,
                    referrer: Some(TRONDHEIM),
                    external_reference: Some("TRD-2026-10452"),
                    given_name: "Anders",
                    family_name: "Lie",
                    birth_year: Some(1979),
                    target_groups: &[TargetGroup::WorkAssessmentAllowance],
                    days_ago: 19,
                    ..PERSON
                },
                "Anders",
                Signed::NotYet,
            ),
            member(
                PersonSeed {
                    number: 3,
                    given_name: "Sofie",
                    family_name: "Berg",
                    birth_year: Some(1995),
                    wishes: Some("Har lest om selvhjelpsgrupper og vil prøve."),
                    days_ago: 15,
                    ..SELF_REGISTERED
                },
                "Sol",
                Signed::AtPlacement,
            ),
        ],
        ..GROUP_SEED
    },
    GroupSeed {
        number: 3,
        title: "Digital samtalegruppe – åpen for alle",
        languages: &["nb", "en"],
        format: GroupFormat::Digital,
        weekday: Weekday::Wednesday,
        start: (19, 30),
        size: (4, 7),
        address: None,
        status: GroupStatus::Recruiting,
        starters: &[MARTE],
        members: &[member(
            PersonSeed {
                number: 4,
                referrer: Some(LEVANGER),
                external_reference: Some("LEV-2026-0219"),
                given_name: "Emil",
                family_name: "Nilsen",
                birth_year: Some(1990),
                municipality: Some("5037"),
                preferred_format: PreferredFormat::Digital,
                wishes: Some("Jobber turnus og vil helst ha en gruppe på nett."),
                days_ago: 17,
                ..PERSON
            },
            "Emil",
            Signed::AtPlacement,
        )],
        ..GROUP_SEED
    },
    GroupSeed {
        number: 4,
        title: "Pårørendegruppe i Stjørdal",
        theme: GroupTheme::Relatives,
        format: GroupFormat::MunicipalityPremises,
        municipality: "5035",
        weekday: Weekday::Monday,
        start: (17, 30),
        address: Some("Stjørdal helsehus, møterom 3"),
        confidential_location: true,
        status: GroupStatus::Recruiting,
        starters: &[JONAS],
        members: &[
            member(
                PersonSeed {
                    number: 5,
                    referrer: Some(STJORDAL),
                    external_reference: Some("STJ-2026-0760"),
                    given_name: "Hilde",
                    family_name: "Moen",
                    birth_year: Some(1966),
                    municipality: Some("5035"),
                    wishes: Some("Mannen min strever, og jeg trenger et sted å snakke om hvordan det er å være pårørende."),
                    days_ago: 21,
                    ..PERSON
                },
                "Hilde",
                Signed::AtPlacement,
            ),
            member(
                PersonSeed {
                    number: 6,
                    referrer: Some(FROSTA),
                    given_name: "Per",
                    family_name: "Aune",
                    birth_year: Some(1958),
                    municipality: Some("5036"),
                    feedback: false,
                    consent_via: ConsentMethod::Phone,
                    days_ago: 13,
                    ..PERSON
                },
                "P.",
                Signed::NotYet,
            ),
        ],
        ..GROUP_SEED
    },
    GroupSeed {
        number: 5,
        title: "Selvhjelpsgruppe om rus – Levanger",
        theme: GroupTheme::SubstanceUse,
        format: GroupFormat::MunicipalityPremises,
        municipality: "5037",
        weekday: Weekday::Thursday,
        address: Some("Levanger rådhus, møterom Fjorden"),
        confidential_location: true,
        status: GroupStatus::Starting,
        starters: &[JONAS],
        members: &[
            member(
                PersonSeed {
                    number: 7,
                    referrer: Some(LEVANGER),
                    external_reference: Some("LEV-2026-0188"),
                    given_name: "Tor",
                    family_name: "Eggen",
                    birth_year: Some(1975),
                    municipality: Some("5037"),
                    wishes: Some("Vil holde meg rusfri og trenger et fellesskap rundt det."),
                    days_ago: 38,
                    ..PERSON
                },
                "Tor",
                Signed::AtFirstMeeting,
            ),
            member(
                PersonSeed {
                    number: 8,
                    referrer: Some(LEVANGER),
                    external_reference: Some("LEV-2026-0194"),
                    given_name: "Line",
                    family_name: "Sandvik",
                    birth_year: Some(1983),
                    municipality: Some("5037"),
                    days_ago: 35,
                    ..PERSON
                },
                "Line",
                Signed::AtFirstMeeting,
            ),
            member(
                PersonSeed {
                    number: 9,
                    referrer: Some(VERDAL),
                    external_reference: Some("VER-2026-0311"),
                    given_name: "Rune",
                    family_name: "Valstad",
                    birth_year: Some(1969),
                    municipality: Some("5038"),
                    target_groups: &[TargetGroup::WorkAssessmentAllowance],
                    days_ago: 33,
                    ..PERSON
                },
                "Rune",
                Signed::AtFirstMeeting,
            ),
            member(
                PersonSeed {
                    number: 10,
                    referrer: Some(VERDAL),
                    external_reference: Some("VER-2026-0315"),
                    given_name: "Kjersti",
                    family_name: "Hoff",
                    birth_year: Some(1991),
                    municipality: Some("5038"),
                    days_ago: 30,
                    ..PERSON
                },
                "Kjersti",
                Signed::NotYet,
            ),
            member(
                PersonSeed {
                    number: 11,
                    referrer: Some(STJORDAL),
                    external_reference: Some("STJ-2026-0702"),
                    given_name: "Jan Ole",
                    family_name: "Vik",
                    birth_year: Some(1972),
                    municipality: Some("5035"),
                    days_ago: 29,
                    ..PERSON
                },
                "Jan Ole",
                Signed::AtFirstMeeting,
            ),
        ],
        sessions: &[
            SessionSeed {
                note: Some("Første møte: vi ble kjent og laget gruppens egne regler."),
                ..held(2, 5, true)
            },
            SessionSeed {
                note: Some("Samtale om hva som hjelper på de tunge dagene."),
                ..held(1, 4, true)
            },
        ],
        ..GROUP_SEED
    },
    GroupSeed {
        number: 6,
        title: "Torsdagsgruppa – samtalegruppe på dagtid",
        weekday: Weekday::Thursday,
        start: (12, 0),
        status: GroupStatus::SelfRunning,
        starters: &[MARTE],
        members: &[
            MemberSeed {
                closed: true,
                ..member(
                    PersonSeed {
                        number: 12,
                        referrer: Some(TRONDHEIM),
                        external_reference: Some("TRD-2026-09810"),
                        given_name: "Randi",
                        family_name: "Strand",
                        birth_year: Some(1961),
                        wishes: Some("Ønsker en gruppe på dagtid."),
                        days_ago: 84,
                        ..PERSON
                    },
                    "Randi",
                    Signed::AtFirstMeeting,
                )
            },
            MemberSeed {
                closed: true,
                ..member(
                    PersonSeed {
                        number: 13,
                        referrer: Some(TRONDHEIM),
                        external_reference: Some("TRD-2026-09877"),
                        given_name: "Ola",
                        family_name: "Bakken",
                        birth_year: Some(1984),
                        target_groups: &[TargetGroup::WorkAssessmentAllowance],
                        days_ago: 80,
                        ..PERSON
                    },
                    "Ola",
                    Signed::AtFirstMeeting,
                )
            },
            member(
                PersonSeed {
                    number: 14,
                    given_name: "Nora",
                    family_name: "Dahl",
                    birth_year: Some(1993),
                    days_ago: 77,
                    ..SELF_REGISTERED
                },
                "Nora",
                Signed::AtFirstMeeting,
            ),
            member(
                PersonSeed {
                    number: 15,
                    referrer: Some(SELBU),
                    external_reference: Some("SEL-2026-0042"),
                    given_name: "Geir",
                    family_name: "Solberg",
                    birth_year: Some(1970),
                    municipality: Some("5032"),
                    days_ago: 75,
                    ..PERSON
                },
                "Geir",
                Signed::AtFirstMeeting,
            ),
            MemberSeed {
                notes: Some("Snakker godt norsk; ønsker en gruppe på norsk."),
                ..member(
                    PersonSeed {
                        number: 16,
                        referrer: Some(TRONDHEIM),
                        external_reference: Some("TRD-2026-09902"),
                        given_name: "Amina",
                        family_name: "Yusuf",
                        birth_year: Some(1987),
                        language: "so",
                        target_groups: &[TargetGroup::ImmigrantOrRefugee],
                        days_ago: 72,
                        ..PERSON
                    },
                    "Amina",
                    Signed::AtFirstMeeting,
                )
            },
            MemberSeed {
                leaves: Some(LeaveReason::CouldNotAttend),
                closed: true,
                ..member(
                    PersonSeed {
                        number: 17,
                        referrer: Some(STJORDAL),
                        external_reference: Some("STJ-2026-0544"),
                        given_name: "Knut",
                        family_name: "Eide",
                        birth_year: Some(1956),
                        municipality: Some("5035"),
                        days_ago: 70,
                        ..PERSON
                    },
                    "Knut",
                    Signed::AtFirstMeeting,
                )
            },
        ],
        sessions: &[
            SessionSeed {
                note: Some("Første møte: vi ble kjent og laget gruppens egne regler."),
                ..held(7, 6, true)
            },
            held(6, 6, true),
            held(5, 5, true),
            cancelled(4, "Avlyst: møterommet var dobbeltbooket."),
            SessionSeed {
                note: Some("Gruppen ønsker et oppfølgingsbesøk fra senteret."),
                follow_up: Asked::VisitMade(Visit {
                    days_later: 7,
                    by: "ansatt-17@link-trondheim.example",
                }),
                ..held(3, 5, false)
            },
            SessionSeed {
                note: Some("Samtale om å sette grenser og ta vare på seg selv."),
                ..held(2, 4, false)
            },
            held(1, 5, false),
        ],
        follow_ups: &[FollowUpSeed {
            days_ago: 2,
            visit: None,
        }],
        ..GROUP_SEED
    },
    GroupSeed {
        number: 7,
        title: "Ung voksen – samtalegruppe for deg mellom 18 og 30",
        theme: GroupTheme::Loneliness,
        weekday: Weekday::Monday,
        size: (4, 6),
        ages: (Some(18), Some(30)),
        status: GroupStatus::Paused,
        starters: &[StarterSeed {
            planned_meetings: 2,
            ..JONAS
        }],
        members: &[
            member(
                PersonSeed {
                    number: 18,
                    referrer: Some(TRONDHEIM),
                    external_reference: Some("TRD-2026-10120"),
                    given_name: "Sindre",
                    family_name: "Lund",
                    birth_year: Some(2001),
                    target_groups: &[TargetGroup::YoungAdultOutsideWorkOrStudy],
                    wishes: Some("Har vært mye alene etter at jeg flyttet hit, og savner noen å snakke med."),
                    days_ago: 58,
                    ..PERSON
                },
                "Sindre",
                Signed::AtFirstMeeting,
            ),
            member(
                PersonSeed {
                    number: 19,
                    referrer: Some(STEINKJER),
                    external_reference: Some("STE-2026-0087"),
                    given_name: "Ida",
                    family_name: "Myhre",
                    birth_year: Some(2003),
                    municipality: Some("5006"),
                    target_groups: &[TargetGroup::YoungAdultOutsideWorkOrStudy],
                    days_ago: 55,
                    ..PERSON
                },
                "Ida",
                Signed::AtFirstMeeting,
            ),
            member(
                PersonSeed {
                    number: 20,
                    referrer: Some(TRONDHEIM),
                    external_reference: Some("TRD-2026-10133"),
                    given_name: "Mathias",
                    family_name: "Berge",
                    birth_year: Some(1999),
                    target_groups: &[TargetGroup::YoungAdultOutsideWorkOrStudy],
                    days_ago: 52,
                    ..PERSON
                },
                "Matte",
                Signed::AtFirstMeeting,
            ),
            member(
                PersonSeed {
                    number: 21,
                    given_name: "Thea",
                    family_name: "Foss",
                    birth_year: Some(2000),
                    days_ago: 50,
                    ..SELF_REGISTERED
                },
                "Thea",
                Signed::NotYet,
            ),
        ],
        sessions: &[
            held(4, 4, true),
            held(3, 4, true),
            SessionSeed {
                note: Some("Vi snakket om hvordan det er å starte på noe nytt."),
                ..held(2, 3, false)
            },
            SessionSeed {
                follow_up: Asked::Visit,
                ..cancelled(1, "Avlyst: for få kunne komme. Gruppen tar pause over jul og ønsker besøk før oppstart.")
            },
        ],
        ..GROUP_SEED
    },
    GroupSeed {
        number: 8,
        title: "Sorggruppe høsten 2026",
        theme: GroupTheme::Grief,
        weekday: Weekday::Wednesday,
        interval_weeks: 2,
        size: (4, 8),
        address: Some("LINK Trondheim, grupperom 2"),
        status: GroupStatus::Ended,
        starters: &[MARTE],
        members: &[
            MemberSeed {
                leaves: Some(LeaveReason::GroupEnded),
                closed: true,
                ..member(
                    PersonSeed {
                        number: 22,
                        referrer: Some(TRONDHEIM),
                        external_reference: Some("TRD-2026-08315"),
                        given_name: "Eva",
                        family_name: "Rønning",
                        birth_year: Some(1952),
                        wishes: Some("Mistet mannen min i vår og vil treffe andre i samme situasjon."),
                        days_ago: 120,
                        ..PERSON
                    },
                    "Eva",
                    Signed::AtFirstMeeting,
                )
            },
            MemberSeed {
                leaves: Some(LeaveReason::GroupEnded),
                closed: true,
                ..member(
                    PersonSeed {
                        number: 23,
                        referrer: Some(STJORDAL),
                        external_reference: Some("STJ-2026-0391"),
                        given_name: "Arne",
                        family_name: "Fjeld",
                        birth_year: Some(1949),
                        municipality: Some("5035"),
                        days_ago: 116,
                        ..PERSON
                    },
                    "Arne",
                    Signed::AtFirstMeeting,
                )
            },
            MemberSeed {
                leaves: Some(LeaveReason::GroupEnded),
                closed: true,
                ..member(
                    PersonSeed {
                        number: 24,
                        referrer: Some(LEVANGER),
                        external_reference: Some("LEV-2026-0102"),
                        given_name: "Turid",
                        family_name: "Bye",
                        birth_year: Some(1963),
                        municipality: Some("5037"),
                        days_ago: 112,
                        ..PERSON
                    },
                    "Turid",
                    Signed::AtFirstMeeting,
                )
            },
            MemberSeed {
                leaves: Some(LeaveReason::GroupEnded),
                closed: true,
                ..member(
                    PersonSeed {
                        number: 25,
                        referrer: Some(TRONDHEIM),
                        external_reference: Some("TRD-2026-08390"),
                        given_name: "Bjørn",
                        family_name: "Holm",
                        birth_year: Some(1960),
                        days_ago: 110,
                        ..PERSON
                    },
                    "Bjørn",
                    Signed::AtFirstMeeting,
                )
            },
            MemberSeed {
                leaves: Some(LeaveReason::Completed),
                closed: true,
                ..member(
                    PersonSeed {
                        number: 26,
                        referrer: Some(VERDAL),
                        external_reference: Some("VER-2026-0207"),
                        given_name: "Solveig",
                        family_name: "Ness",
                        birth_year: Some(1971),
                        municipality: Some("5038"),
                        days_ago: 105,
                        ..PERSON
                    },
                    "Solveig",
                    Signed::AtFirstMeeting,
                )
            },
        ],
        sessions: &[
            SessionSeed {
                note: Some("Første møte: vi ble kjent og laget gruppens egne regler."),
                ..held(6, 5, true)
            },
            held(5, 5, true),
            SessionSeed {
                follow_up: Asked::VisitMade(Visit {
                    days_later: 6,
                    by: "ansatt-17@link-trondheim.example",
                }),
                ..held(4, 5, false)
            },
            held(3, 4, false),
            held(2, 4, false),
            SessionSeed {
                note: Some("Siste møte: avslutning og takk for nå."),
                ..held(1, 4, false)
            },
        ],
        ..GROUP_SEED
    },
    GroupSeed {
        number: 11,
        centre: LINK_BERGEN,
        title: "Samtalegruppe for pårørende",
        theme: GroupTheme::Relatives,
        municipality: "4601",
        address: Some("LINK Bergen og omegn, møterom Fløyen"),
        status: GroupStatus::Recruiting,
        ..GROUP_SEED
    },
    GroupSeed {
        number: 12,
        centre: LINK_BERGEN,
        title: "Samtalegruppe for deg på arbeidsavklaringspenger",
        municipality: "4601",
        weekday: Weekday::Thursday,
        start: (10, 0),
        address: Some("LINK Bergen og omegn, møterom Ulriken"),
        ..GROUP_SEED
    },
    GroupSeed {
        number: 21,
        centre: LINK_OSLO,
        title: "Digital samtalegruppe om ensomhet",
        theme: GroupTheme::Loneliness,
        format: GroupFormat::Digital,
        municipality: "0301",
        weekday: Weekday::Sunday,
        start: (19, 0),
        address: None,
        status: GroupStatus::Recruiting,
        ..GROUP_SEED
    },
];

/// An intake conversation outside a group story.
struct IntakeSeed {
    format: IntakeFormat,
    themes: &'static [GroupTheme],
    languages: &'static [&'static str],
    weekdays: &'static [Weekday],
    notes: Option<&'static str>,
    /// Days after the referral it was held; or, while only booked, days from today.
    days: i64,
    /// What it concluded, with the theme of a specific group and the pseudonym; `None` while
    /// it is only booked.
    outcome: Option<(IntakeOutcome, Option<GroupTheme>, Option<&'static str>)>,
}

const INTAKE_SEED: IntakeSeed = IntakeSeed {
    format: IntakeFormat::InPerson,
    themes: &[],
    languages: &["nb"],
    weekdays: &[],
    notes: None,
    days: 5,
    outcome: None,
};

/// How far a referral outside a group has come.
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
struct Story {
    centre: &'static str,
    person: PersonSeed,
    path: Path,
    /// The person withdrew consent to feedback to the referrer.
    feedback_withdrawn: bool,
}

const fn story(person: PersonSeed, path: Path) -> Story {
    Story {
        centre: LINK_TRONDHEIM,
        person,
        path,
        feedback_withdrawn: false,
    }
}

/// The referrals outside the groups: waiting, in intake, at every other status.
const STORIES: &[Story] = &[
    story(
        PersonSeed {
            number: WALKTHROUGH_INTAKE,
            referrer: Some(STJORDAL),
            external_reference: Some("STJ-2026-0811"),
            given_name: "Kristin",
            family_name: "Hove",
            birth_year: Some(1986),
            municipality: Some("5035"),
            preferred_format: PreferredFormat::InPerson,
            wishes: Some("Ønsker å møte andre som også kjenner på mye uro. Kan komme på kveldstid."),
            days_ago: 16,
            ..PERSON
        },
        Path::Intake(IntakeSeed {
            themes: &[GroupTheme::AnxietyAndDepression],
            weekdays: &[Weekday::Tuesday, Weekday::Thursday],
            notes: Some("Ønsker gruppe i Trondheim sentrum, tirsdag eller torsdag kveld. Tar toget fra Stjørdal."),
            days: 9,
            outcome: Some((
                IntakeOutcome::SpecificGroup,
                Some(GroupTheme::AnxietyAndDepression),
                Some("Kristin"),
            )),
            ..INTAKE_SEED
        }),
    ),
    story(
        PersonSeed {
            number: 28,
            referrer: Some(TRONDHEIM),
            external_reference: Some("TRD-2026-09655"),
            given_name: "Lars",
            family_name: "Vold",
            birth_year: Some(1968),
            wishes: Some("Mistet broren min i sommer."),
            days_ago: 45,
            ..PERSON
        },
        Path::Intake(IntakeSeed {
            themes: &[GroupTheme::Grief],
            weekdays: &[Weekday::Wednesday, Weekday::Thursday],
            days: 8,
            outcome: Some((IntakeOutcome::SpecificGroup, Some(GroupTheme::Grief), Some("Lasse"))),
            ..INTAKE_SEED
        }),
    ),
    story(
        PersonSeed {
            number: 29,
            referrer: Some(LEVANGER),
            external_reference: Some("LEV-2026-0230"),
            given_name: "Marit",
            family_name: "Lyng",
            birth_year: Some(1977),
            municipality: Some("5037"),
            days_ago: 30,
            ..PERSON
        },
        Path::Intake(IntakeSeed {
            format: IntakeFormat::Phone,
            themes: &[GroupTheme::Grief],
            days: 6,
            outcome: Some((IntakeOutcome::SpecificGroup, Some(GroupTheme::Grief), Some("Marit"))),
            ..INTAKE_SEED
        }),
    ),
    story(
        PersonSeed {
            number: 30,
            given_name: "Yusuf",
            family_name: "Ahmadi",
            birth_year: Some(1992),
            language: "ar",
            target_groups: &[TargetGroup::ImmigrantOrRefugee],
            preferred_format: PreferredFormat::Digital,
            days_ago: 12,
            ..SELF_REGISTERED
        },
        Path::Intake(IntakeSeed {
            format: IntakeFormat::Digital,
            languages: &["nb", "en"],
            days: 4,
            outcome: Some((IntakeOutcome::GeneralGroup, None, Some("Yusuf"))),
            ..INTAKE_SEED
        }),
    ),
    story(
        PersonSeed {
            number: 31,
            referrer: Some(VERDAL),
            external_reference: Some("VER-2026-0340"),
            given_name: "Heidi",
            family_name: "Stene",
            birth_year: Some(1980),
            municipality: Some("5038"),
            days_ago: 25,
            ..PERSON
        },
        Path::Intake(IntakeSeed {
            format: IntakeFormat::Phone,
            themes: &[GroupTheme::General],
            notes: Some("Vil vente til over nyttår; tar kontakt igjen i januar."),
            days: 7,
            outcome: Some((IntakeOutcome::WantsToWait, None, None)),
            ..INTAKE_SEED
        }),
    ),
    story(
        PersonSeed {
            number: 32,
            referrer: Some(STJORDAL),
            external_reference: Some("STJ-2026-0840"),
            given_name: "Siri",
            family_name: "Aasen",
            birth_year: Some(1974),
            municipality: Some("5035"),
            wishes: Some("Datteren min har det vanskelig, og jeg trenger noen å dele det med."),
            days_ago: 6,
            ..PERSON
        },
        Path::Intake(IntakeSeed {
            themes: &[GroupTheme::Relatives],
            days: 2,
            ..INTAKE_SEED
        }),
    ),
    Story {
        feedback_withdrawn: true,
        ..story(
            PersonSeed {
                number: 33,
                referrer: Some(TRONDHEIM),
                external_reference: Some("TRD-2026-10561"),
                given_name: "Espen",
                family_name: "Brekke",
                birth_year: Some(1989),
                days_ago: 5,
                ..PERSON
            },
            Path::Intake(IntakeSeed {
                format: IntakeFormat::Phone,
                themes: &[GroupTheme::AnxietyAndDepression],
                weekdays: &[Weekday::Tuesday],
                days: 5,
                ..INTAKE_SEED
            }),
        )
    },
    story(
        PersonSeed {
            number: 34,
            referrer: Some(LEVANGER),
            external_reference: Some("LEV-2026-0251"),
            given_name: "Camilla",
            family_name: "Ystad",
            birth_year: Some(1994),
            municipality: Some("5037"),
            target_groups: &[TargetGroup::YoungAdultOutsideWorkOrStudy],
            days_ago: 6,
            ..PERSON
        },
        Path::Contacted,
    ),
    story(
        PersonSeed {
            number: 35,
            referrer: Some(TRONDHEIM),
            external_reference: Some("TRD-2026-10598"),
            given_name: "Øystein",
            family_name: "Grande",
            birth_year: Some(1981),
            days_ago: 3,
            ..PERSON
        },
        Path::Received,
    ),
    story(
        PersonSeed {
            number: 36,
            referrer: Some(STJORDAL),
            external_reference: Some("STJ-2026-0866"),
            given_name: "Ragnhild",
            family_name: "Kvam",
            birth_year: Some(1965),
            municipality: Some("5035"),
            wishes: Some("Vil gjerne høre mer om hva en selvhjelpsgruppe er før jeg bestemmer meg."),
            days_ago: 1,
            ..PERSON
        },
        Path::Submitted,
    ),
    story(
        PersonSeed {
            number: 37,
            given_name: "Jon",
            family_name: "Rye",
            birth_year: Some(1998),
            ..SELF_REGISTERED
        },
        Path::Submitted,
    ),
    story(
        PersonSeed {
            number: 38,
            referrer: Some(TRONDHEIM),
            external_reference: Some("TRD-2026-10002"),
            given_name: "Hanne",
            family_name: "Sæter",
            birth_year: Some(1976),
            days_ago: 28,
            ..PERSON
        },
        Path::Intake(IntakeSeed {
            notes: Some("Takket nei til gruppe nå; vil prøve på egen hånd først."),
            days: 6,
            outcome: Some((IntakeOutcome::Declined, None, None)),
            ..INTAKE_SEED
        }),
    ),
    story(
        PersonSeed {
            number: 39,
            referrer: Some(STJORDAL),
            external_reference: Some("STJ-2026-0795"),
            given_name: "Frode",
            family_name: "Melby",
            birth_year: Some(1967),
            municipality: Some("5035"),
            days_ago: 22,
            ..PERSON
        },
        Path::Intake(IntakeSeed {
            format: IntakeFormat::Phone,
            notes: Some("Avtalt at han får oppfølging i kommunen først. Velkommen tilbake senere."),
            days: 5,
            outcome: Some((IntakeOutcome::NotSuitableNow, None, None)),
            ..INTAKE_SEED
        }),
    ),
    story(
        PersonSeed {
            number: 40,
            referrer: Some(STEINKJER),
            external_reference: Some("STE-2026-0102"),
            given_name: "Terje",
            family_name: "Nygård",
            birth_year: Some(1959),
            municipality: Some("5006"),
            days_ago: 34,
            ..PERSON
        },
        Path::NotReachable,
    ),
    story(
        PersonSeed {
            number: 41,
            referrer: Some(VERDAL),
            external_reference: Some("VER-2026-0333"),
            given_name: "Grete",
            family_name: "Lien",
            birth_year: Some(1970),
            municipality: Some("5038"),
            days_ago: 20,
            ..PERSON
        },
        Path::Withdrawn,
    ),
    story(
        PersonSeed {
            number: 42,
            referrer: Some(FROSTA),
            external_reference: Some("FRO-2025-0017"),
            given_name: "Arvid",
            family_name: "Kolstad",
            birth_year: Some(1955),
            municipality: Some("5036"),
            days_ago: 400,
            ..PERSON
        },
        Path::Expired,
    ),
    story(
        PersonSeed {
            number: 43,
            referrer: Some(TRONDHEIM),
            external_reference: Some("TRD-2026-10340"),
            given_name: "Kjell",
            family_name: "Opsahl",
            birth_year: Some(1962),
            wishes: Some("Ønsker et møte med familien og fastlegen om hvordan de kan støtte meg."),
            days_ago: 9,
            ..PERSON
        },
        Path::Contacted,
    ),
    Story {
        centre: LINK_BERGEN,
        ..story(
            PersonSeed {
                number: 51,
                referrer: Some(NAV_ARSTAD),
                external_reference: Some("NAV-2026-448812"),
                given_name: "Kjetil",
                family_name: "Bø",
                birth_year: Some(1985),
                municipality: Some("4601"),
                target_groups: &[TargetGroup::WorkAssessmentAllowance],
                wishes: Some("Veilederen min foreslo en samtalegruppe mens jeg går på AAP."),
                days_ago: 2,
                ..PERSON
            },
            Path::Submitted,
        )
    },
    Story {
        centre: LINK_BERGEN,
        ..story(
            PersonSeed {
                number: 52,
                referrer: Some(NAV_ARSTAD),
                external_reference: Some("NAV-2026-447390"),
                given_name: "Linda",
                family_name: "Sæle",
                birth_year: Some(1990),
                municipality: Some("4601"),
                target_groups: &[TargetGroup::WorkAssessmentAllowance],
                days_ago: 8,
                ..PERSON
            },
            Path::Intake(IntakeSeed {
                themes: &[GroupTheme::General],
                days: 3,
                ..INTAKE_SEED
            }),
        )
    },
];

/// What stops the living part of the demo: storage, or a step the rules refuse (a bug in the
/// demo data, never expected).
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The domain refused a step of the demo.
    #[error("the demo data breaks a rule: {0}")]
    Refused(String),
    /// A use case refused a step of the demo.
    #[error("the demo data breaks a rule: {0}")]
    UseCase(#[from] UseCaseError),
}

fn refused(what: impl std::fmt::Display) -> DemoError {
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
        let meetings = self.meetings.lines(&name, Utc::now().date_naive());
        groups
            .chain(referrals)
            .chain(intakes)
            .chain(meetings)
            .collect()
    }
}

/// The demo's clock and the organisations by name.
struct Context {
    organisations: HashMap<String, Uuid>,
    now: DateTime<Utc>,
    today: NaiveDate,
}

impl Context {
    fn new(organisations: &[(Organisation, bool)]) -> Context {
        let now = Utc::now().trunc_subsecs(6);
        Context {
            organisations: organisations
                .iter()
                .map(|(organisation, _)| (organisation.name.clone(), organisation.id))
                .collect(),
            now,
            today: now.date_naive(),
        }
    }

    fn organisation(&self, name: &str) -> Result<Uuid, DemoError> {
        self.organisations
            .get(name)
            .copied()
            .ok_or_else(|| refused(format!("no demo organisation is named {name}")))
    }

    /// 09:00 UTC (10:00 in Norway in winter) on the day of `time`.
    fn morning_of(time: DateTime<Utc>) -> DateTime<Utc> {
        time.date_naive().and_time(NaiveTime::MIN).and_utc() + TimeDelta::hours(9)
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
fn staff(organisation: Uuid, role: Role) -> Caller {
    Caller {
        subject: ACTOR.to_owned(),
        organisation_id: organisation.into(),
        roles: vec![role],
    }
}

fn event(
    organisation: Option<Uuid>,
    action: AuditAction,
    resource_type: ResourceType,
    resource_id: Uuid,
) -> NewAuditEvent {
    NewAuditEvent {
        actor: ACTOR.to_owned(),
        actor_organisation_id: organisation,
        action,
        resource_type,
        resource_id,
        request_id: REQUEST_ID.to_owned(),
    }
}

/// A short reference from 40 random bits, as the API draws one.
fn random_reference() -> String {
    let random = Uuid::new_v4();
    let bytes = random.as_bytes();
    reference_from([bytes[0], bytes[1], bytes[2], bytes[3], bytes[4]])
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
    context: &Context,
    centre: Uuid,
    seed: &PersonSeed,
) -> Result<Referral, DemoError> {
    let referrer = seed
        .referrer
        .map(|name| context.organisation(name))
        .transpose()?;
    // A little past the hour, so that referrals of one day do not share a time.
    let created_at = context.now
        - TimeDelta::days(seed.days_ago)
        - TimeDelta::minutes(i64::from(seed.number) * 7);
    let consent = Consent {
        contact: true,
        feedback_to_referrer: seed.feedback && referrer.is_some(),
        method: seed.consent_via,
        obtained_at: if referrer.is_some() {
            created_at - TimeDelta::hours(2)
        } else {
            created_at
        },
        feedback_withdrawn_at: None,
    };
    let person = Person {
        given_name: seed.given_name.to_owned(),
        family_name: seed.family_name.to_owned(),
        phone: None,
        email: Some(email(seed)),
        preferred_language: seed.language.to_owned(),
        birth_year: seed.birth_year,
        wishes: seed.wishes.map(str::to_owned),
    };
    let created = Creation {
        actor: ACTOR.to_owned(),
        actor_organisation_id: referrer,
        resource_type: ResourceType::Referral,
        request_id: REQUEST_ID.to_owned(),
    };
    for _ in 0..8 {
        let reference = random_reference();
        let new = NewReferral {
            id: demo_id(REFERRAL, seed.number),
            reference: &reference,
            source: if referrer.is_some() {
                Source::Referral
            } else {
                Source::SelfRegistration
            },
            target_centre_id: centre,
            referrer: referrer.map(|organisation| (organisation, ACTOR)),
            external_reference: seed.external_reference,
            offer: seed.offer,
            target_groups: seed.target_groups,
            preferred_format: seed.preferred_format,
            residence_municipality: seed.municipality,
            consent: &consent,
            person: &person,
            created_at,
        };
        match referrals::insert(conn, &new, ACTOR, &created, None)? {
            Inserted::Stored(referral) => return Ok(referral),
            Inserted::ReferenceTaken => {}
            Inserted::NotAdmitted => {
                return Err(refused(format!("{centre} is not a self-help centre")));
            }
        }
    }
    Err(refused("no free referral reference was found"))
}

/// Runs a use case as the demo, acting for `organisation` (none: the system's own work).
pub(crate) fn as_demo<T>(
    conn: &mut PgConnection,
    organisation: Option<Uuid>,
    work: impl FnOnce(&mut UseCaseContext<'_>) -> Result<T, UseCaseError>,
) -> Result<T, DemoError> {
    let actor = Actor {
        actor: ACTOR.to_owned(),
        actor_organisation_id: organisation,
        request_id: REQUEST_ID.to_owned(),
    };
    Ok(work(&mut UseCaseContext::new(conn, &actor, &SystemClock))?)
}

/// One move of a referral for `caller`, as `POST /referrals/{id}/transitions` makes it.
fn advance(
    conn: &mut PgConnection,
    caller: &Caller,
    id: Uuid,
    to: ReferralStatus,
    reason: Option<ReasonCode>,
) -> Result<Referral, DemoError> {
    as_demo(conn, Some(caller.organisation_id.uuid()), |ctx| {
        referral_cases::move_referral(ctx, ReferralAccess::of(caller), id, to, reason)
    })
}

/// Ends an open referral as the retention sweep does after a year without work: `expired`,
/// then the person erased.
fn expire(conn: &mut PgConnection, id: Uuid) -> Result<(), DemoError> {
    as_demo(conn, None, |ctx| {
        referral_cases::expire(ctx, id)?;
        referral_cases::erase_as_due(ctx, id)
    })?;
    Ok(())
}

/// Records that the person withdrew consent to feedback, as the centre does.
fn withdraw_feedback(conn: &mut PgConnection, centre: Uuid, id: Uuid) -> Result<(), DemoError> {
    let access = ReferralAccess::of(&staff(centre, Role::CentreCoordinator));
    as_demo(conn, Some(centre), |ctx| {
        referral_cases::withdraw_feedback_consent(ctx, access, id)
    })?;
    Ok(())
}

/// Books an intake as `POST /intakes` does: the referral walks to `intake_scheduled`, step by
/// step from where it is.
fn book_intake(
    conn: &mut PgConnection,
    centre: Uuid,
    intake: &Intake,
) -> Result<Intake, DemoError> {
    let access = ReferralAccess::of(&staff(centre, Role::CentreCoordinator));
    as_demo(conn, Some(centre), |ctx| {
        intake_cases::book_intake(ctx, access, intake)
    })
}

/// Records a held intake as `POST /intakes/{id}/completion` does: the referral moves to
/// `intake_completed` and on to where the outcome leads.
fn complete_intake(
    conn: &mut PgConnection,
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
    as_demo(conn, Some(centre), |ctx| {
        intake_cases::complete_intake(ctx, &staff(centre, Role::CentreCoordinator), id, result)
    })
}

/// The intake of a referral, as the centre would book it.
fn new_intake(
    context: &Context,
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
        created_at: context.now,
        updated_at: context.now,
    }
}

/// What the person would like, as the API stores it (weekdays in order).
fn preferences(themes: &[GroupTheme], languages: &[&str], weekdays: &[Weekday]) -> Preferences {
    let mut weekdays = weekdays.to_vec();
    weekdays.sort();
    weekdays.dedup();
    Preferences {
        themes: themes.to_vec(),
        languages: languages.iter().map(|l| (*l).to_owned()).collect(),
        weekdays,
    }
}

/// Moves a group as `POST /groups/{id}/transitions` does (ending it ends its members' places).
fn move_group(
    conn: &mut PgConnection,
    centre: Uuid,
    id: Uuid,
    to: GroupStatus,
) -> Result<Group, DemoError> {
    let access = CentreAccess::of(&staff(centre, Role::CentreCoordinator));
    as_demo(conn, Some(centre), |ctx| {
        samhandling_usecases::groups::move_group(ctx, access, id, to)
    })
}

/// Locks a group of the centre for a change of what hangs off it.
fn lock_group(conn: &mut PgConnection, centre: Uuid, id: Uuid) -> Result<Group, DemoError> {
    let access = CentreAccess::of(&staff(centre, Role::CentreCoordinator));
    groups::find_for_update(conn, id, access.own_groups())?
        .ok_or_else(|| refused(format!("group {id} is not the centre's")))
}

/// Places the person of a completed intake as `POST /groups/{id}/members` does: the referral
/// moves to `placed`, and the group counts the member.
fn place(
    conn: &mut PgConnection,
    centre: Uuid,
    group_id: Uuid,
    intake_id: Uuid,
    membership_id: Uuid,
    confidentiality_signed: bool,
) -> Result<(), DemoError> {
    let placement = Placement {
        id: membership_id,
        group_id,
        intake_id,
        group_agreed: false,
        confidentiality_signed,
    };
    as_demo(conn, Some(centre), |ctx| {
        membership_cases::place_member(ctx, &staff(centre, Role::CentreCoordinator), placement)
    })?;
    Ok(())
}

/// Records the confidentiality declaration, as `POST /memberships/{id}/confidentiality-declaration`.
fn sign_declaration(conn: &mut PgConnection, centre: Uuid, id: Uuid) -> Result<(), DemoError> {
    let scope = CentreAccess::of(&staff(centre, Role::CentreCoordinator)).scope();
    memberships::find_for_update(conn, id, scope)?
        .ok_or_else(|| refused(format!("membership {id} is not the centre's")))?;
    memberships::sign_declaration(conn, id)?;
    audit::record(
        conn,
        &event(
            Some(centre),
            AuditAction::Updated,
            ResourceType::Membership,
            id,
        ),
    )?;
    Ok(())
}

/// Records that a member left, as `POST /memberships/{id}/departure` does.
fn depart(
    conn: &mut PgConnection,
    centre: Uuid,
    id: Uuid,
    reason: LeaveReason,
) -> Result<(), DemoError> {
    let access = CentreAccess::of(&staff(centre, Role::CentreCoordinator));
    as_demo(conn, Some(centre), |ctx| {
        membership_cases::record_departure(ctx, access, id, reason, None)
    })?;
    Ok(())
}

/// Logs a meeting as `POST /groups/{id}/sessions` does, with the follow-up it asks for.
fn log_session(
    conn: &mut PgConnection,
    context: &Context,
    centre: Uuid,
    group: &GroupSeed,
    index: u32,
    seed: &SessionSeed,
) -> Result<(), DemoError> {
    let group_id = demo_id(GROUP, group.number);
    let locked = lock_group(conn, centre, group_id)?;
    locked
        .check_session()
        .map_err(|refusal| refused(format!("group {group_id}: {refusal}")))?;
    let number = group.number * 10 + index;
    let held_on = context.meeting_day(group, seed.meetings_ago);
    let session = group_sessions::insert(
        conn,
        &Session {
            id: demo_id(SESSION, number),
            group_id,
            held_on,
            held: seed.held,
            present: seed.present,
            starter_present: seed.starter_present,
            format: locked.format,
            follow_up_requested: !matches!(seed.follow_up, Asked::Nothing),
            note: seed.note.map(str::to_owned),
            created_at: context.now,
        },
    )?;
    if !matches!(seed.follow_up, Asked::Nothing) {
        let follow_up = groups::request_follow_up(
            conn,
            demo_id(FOLLOW_UP, number),
            group_id,
            held_on,
            Some(session.id),
        )?;
        if let Asked::VisitMade(visit) = seed.follow_up {
            record_visit(conn, centre, follow_up.id, held_on, visit)?;
        }
    }
    audit::record(
        conn,
        &event(
            Some(centre),
            AuditAction::Created,
            ResourceType::GroupSession,
            session.id,
        ),
    )?;
    Ok(())
}

/// Records a follow-up visit as `POST /follow-ups/{id}/visit` does.
fn record_visit(
    conn: &mut PgConnection,
    centre: Uuid,
    id: Uuid,
    requested_on: NaiveDate,
    visit: Visit,
) -> Result<(), DemoError> {
    let scope = CentreAccess::of(&staff(centre, Role::CentreCoordinator)).scope();
    let follow_up = groups::find_follow_up_for_update(conn, id, scope)?
        .ok_or_else(|| refused(format!("follow-up {id} is not the centre's")))?;
    if follow_up.visited_on.is_some() {
        return Err(refused(format!("follow-up {id} is visited already")));
    }
    let visited_on = requested_on + TimeDelta::days(visit.days_later);
    let visited = groups::record_visit(conn, id, visited_on, visit.by)?;
    audit::record(
        conn,
        &event(
            Some(centre),
            AuditAction::Updated,
            ResourceType::Group,
            visited.group_id,
        ),
    )?;
    Ok(())
}

/// Creates a group as `POST /groups` does (planned) and assigns its starters.
fn create_group(
    conn: &mut PgConnection,
    context: &Context,
    centre: Uuid,
    seed: &GroupSeed,
) -> Result<Uuid, DemoError> {
    let id = demo_id(GROUP, seed.number);
    let start_time = NaiveTime::from_hms_opt(seed.start.0, seed.start.1, 0)
        .ok_or_else(|| refused(format!("group {id} starts at no time of day")))?;
    let size = Size {
        minimum: seed.size.0,
        maximum: seed.size.1,
    }
    .check()
    .map_err(|refusal| refused(format!("group {id}: {refusal}")))?;
    let group = Group {
        id,
        centre_id: centre,
        title: seed.title.to_owned(),
        theme: seed.theme,
        languages: seed.languages.iter().map(|l| (*l).to_owned()).collect(),
        format: seed.format,
        municipality: seed.municipality.to_owned(),
        schedule: Schedule {
            weekday: seed.weekday,
            start_time,
            interval_weeks: seed.interval_weeks,
        },
        size,
        age_band: AgeBand {
            from: seed.ages.0,
            to: seed.ages.1,
        },
        address: seed.address.map(str::to_owned),
        confidential_location: seed.confidential_location,
        status: GroupStatus::Planned,
        member_count: 0,
        started_at: None,
        ended_at: None,
        version: 1,
        created_at: context.now,
        updated_at: context.now,
    };
    groups::insert(conn, &group)?;
    audit::record(
        conn,
        &event(Some(centre), AuditAction::Created, ResourceType::Group, id),
    )?;
    for (index, starter) in (1..).zip(seed.starters) {
        lock_group(conn, centre, id)?;
        groups::insert_starter(
            conn,
            &Starter {
                id: demo_id(STARTER, seed.number * 10 + index),
                group_id: id,
                subject: starter.subject.to_owned(),
                display_name: starter.display_name.to_owned(),
                planned_meetings: starter.planned_meetings,
                created_at: context.now,
            },
        )?;
        audit::record(
            conn,
            &event(Some(centre), AuditAction::Updated, ResourceType::Group, id),
        )?;
    }
    Ok(id)
}

/// A member's way in: referred, an intake held with a group outcome, placed.
fn join(
    conn: &mut PgConnection,
    context: &Context,
    centre: Uuid,
    group: &GroupSeed,
    member: &MemberSeed,
) -> Result<(), DemoError> {
    let person = &member.person;
    let referral = refer(conn, context, centre, person)?;
    let format = if group.format == GroupFormat::Digital {
        IntakeFormat::Digital
    } else {
        IntakeFormat::InPerson
    };
    let languages: Vec<&str> = group.languages.iter().copied().take(1).collect();
    let wanted = preferences(&[group.theme], &languages, &[group.weekday]);
    let held_at =
        Context::morning_of(referral.created_at + TimeDelta::days((person.days_ago / 3).max(1)));
    let booked = book_intake(
        conn,
        centre,
        &new_intake(context, centre, person.number, held_at, format, wanted),
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
        pseudonym: Some(member.pseudonym.to_owned()),
    };
    complete_intake(conn, centre, booked.id, &completion, member.notes)?;
    place(
        conn,
        centre,
        demo_id(GROUP, group.number),
        booked.id,
        demo_id(MEMBERSHIP, person.number),
        member.signed == Signed::AtPlacement,
    )
}

/// Closes a member's referral, the centre's follow-up done.
fn close(conn: &mut PgConnection, centre: Uuid, number: u32) -> Result<(), DemoError> {
    let caller = staff(centre, Role::CentreCoordinator);
    advance(
        conn,
        &caller,
        demo_id(REFERRAL, number),
        ReferralStatus::Closed,
        None,
    )?;
    Ok(())
}

/// A group's life up to its status, with its members, sessions and follow-ups. `false` when
/// the group exists already.
fn group_story(
    conn: &mut PgConnection,
    context: &Context,
    seed: &GroupSeed,
) -> Result<bool, DemoError> {
    let centre = context.organisation(seed.centre)?;
    let access = CentreAccess::of(&staff(centre, Role::CentreCoordinator));
    let id = demo_id(GROUP, seed.number);
    if groups::find(conn, id, access.own_groups())?.is_some() {
        return Ok(false);
    }
    create_group(conn, context, centre, seed)?;
    if seed.status == GroupStatus::Planned {
        return Ok(true);
    }
    move_group(conn, centre, id, GroupStatus::Recruiting)?;
    for member in seed.members {
        join(conn, context, centre, seed, member)?;
    }
    if seed.status != GroupStatus::Recruiting {
        meet(conn, context, centre, seed)?;
    }
    for member in seed.members.iter().filter(|member| member.closed) {
        close(conn, centre, member.person.number)?;
    }
    for (index, follow_up) in (1..).zip(seed.follow_ups) {
        lock_group(conn, centre, id)?;
        let requested_on = context.today - TimeDelta::days(follow_up.days_ago);
        // Apart from the follow-ups of session logs, which share their session's number.
        let number = 900 + seed.number * 10 + index;
        let requested =
            groups::request_follow_up(conn, demo_id(FOLLOW_UP, number), id, requested_on, None)?;
        audit::record(
            conn,
            &event(Some(centre), AuditAction::Updated, ResourceType::Group, id),
        )?;
        if let Some(visit) = follow_up.visit {
            record_visit(conn, centre, requested.id, requested_on, visit)?;
        }
    }
    Ok(true)
}

/// A recruited group meets: it starts, the starter's meetings, then on its own, and on to where
/// the seed leaves it; members sign and leave on the way.
fn meet(
    conn: &mut PgConnection,
    context: &Context,
    centre: Uuid,
    seed: &GroupSeed,
) -> Result<(), DemoError> {
    let id = demo_id(GROUP, seed.number);
    move_group(conn, centre, id, GroupStatus::Starting)?;
    let membership = |member: &MemberSeed| demo_id(MEMBERSHIP, member.person.number);
    for member in seed.members {
        if member.signed == Signed::AtFirstMeeting {
            sign_declaration(conn, centre, membership(member))?;
        }
    }
    // The starter's meetings while starting; the rest once the group runs itself.
    let sessions: Vec<(u32, &SessionSeed)> = (1..).zip(seed.sessions).collect();
    let starting = seed.status == GroupStatus::Starting;
    for &(index, session) in &sessions {
        if starting || session.starter_present {
            log_session(conn, context, centre, seed, index, session)?;
        }
    }
    if starting {
        return Ok(());
    }
    move_group(conn, centre, id, GroupStatus::SelfRunning)?;
    for &(index, session) in &sessions {
        if !session.starter_present {
            log_session(conn, context, centre, seed, index, session)?;
        }
    }
    for member in seed.members {
        match member.leaves {
            Some(reason) if reason != LeaveReason::GroupEnded => {
                depart(conn, centre, membership(member), reason)?;
            }
            _ => {}
        }
    }
    match seed.status {
        GroupStatus::Paused => {
            move_group(conn, centre, id, GroupStatus::Paused)?;
        }
        GroupStatus::Ended => {
            // Its members still in it leave with it, as `group_ended`.
            move_group(conn, centre, id, GroupStatus::Ended)?;
        }
        _ => {}
    }
    Ok(())
}

/// One person's referral outside the groups, up to where the story leaves it. `false` when the
/// referral exists already.
fn person_story(
    conn: &mut PgConnection,
    context: &Context,
    story: &Story,
) -> Result<bool, DemoError> {
    let centre = context.organisation(story.centre)?;
    let id = demo_id(REFERRAL, story.person.number);
    let everything = ReferralScope {
        everything: true,
        ..ReferralScope::default()
    };
    if referrals::find(conn, id, everything)?.is_some() {
        return Ok(false);
    }
    let referral = refer(conn, context, centre, &story.person)?;
    let coordinator = staff(centre, Role::CentreCoordinator);
    match &story.path {
        Path::Submitted => {}
        Path::Received => {
            advance(conn, &coordinator, id, ReferralStatus::Received, None)?;
        }
        Path::Contacted => {
            advance(conn, &coordinator, id, ReferralStatus::Received, None)?;
            advance(conn, &coordinator, id, ReferralStatus::Contacted, None)?;
        }
        Path::NotReachable => {
            advance(conn, &coordinator, id, ReferralStatus::Received, None)?;
            let reason = Some(ReasonCode::NoContactAfterAttempts);
            advance(conn, &coordinator, id, ReferralStatus::NotReachable, reason)?;
        }
        Path::Withdrawn => {
            advance(conn, &coordinator, id, ReferralStatus::Received, None)?;
            let referrer = referral
                .referring_organisation_id
                .ok_or_else(|| refused(format!("self-registration {id} has no referrer")))?;
            let reason = Some(ReasonCode::PersonRequest);
            let caller = staff(referrer, Role::Referrer);
            advance(conn, &caller, id, ReferralStatus::Withdrawn, reason)?;
        }
        Path::Expired => {
            advance(conn, &coordinator, id, ReferralStatus::Received, None)?;
            expire(conn, id)?;
        }
        Path::Intake(seed) => {
            intake_story(conn, context, centre, &referral, story.person.number, seed)?;
        }
    }
    if story.feedback_withdrawn {
        withdraw_feedback(conn, centre, id)?;
    }
    Ok(true)
}

/// An intake booked, and held if the seed has its outcome.
fn intake_story(
    conn: &mut PgConnection,
    context: &Context,
    centre: Uuid,
    referral: &Referral,
    number: u32,
    seed: &IntakeSeed,
) -> Result<(), DemoError> {
    let wanted = || preferences(seed.themes, seed.languages, seed.weekdays);
    let Some((outcome, outcome_theme, pseudonym)) = seed.outcome else {
        let scheduled_at = Context::morning_of(context.now + TimeDelta::days(seed.days));
        let mut intake = new_intake(context, centre, number, scheduled_at, seed.format, wanted());
        intake.notes = seed.notes.map(str::to_owned);
        book_intake(conn, centre, &intake)?;
        return Ok(());
    };
    let held_at = Context::morning_of(referral.created_at + TimeDelta::days(seed.days));
    let intake = new_intake(context, centre, number, held_at, seed.format, wanted());
    book_intake(conn, centre, &intake)?;
    let completion = Completion {
        held_at,
        outcome,
        outcome_theme,
        pseudonym: pseudonym.map(str::to_owned),
    };
    complete_intake(
        conn,
        centre,
        demo_id(INTAKE, number),
        &completion,
        seed.notes,
    )?;
    Ok(())
}

/// Every person of the demo, with the centre their referral is addressed to.
fn people() -> impl Iterator<Item = (&'static str, &'static PersonSeed)> {
    GROUPS
        .iter()
        .flat_map(|group| {
            group
                .members
                .iter()
                .map(move |member| (group.centre, &member.person))
        })
        .chain(STORIES.iter().map(|story| (story.centre, &story.person)))
}

/// Loads every story not yet present, and reads what the demo records are now.
fn load_activity(conn: &mut PgConnection, context: &Context) -> Result<Activity, DemoError> {
    let mut activity = Activity::default();
    let mut count = |created: bool| {
        if created {
            activity.created += 1;
        } else {
            activity.present += 1;
        }
    };
    for group in GROUPS {
        count(group_story(conn, context, group)?);
    }
    for story in STORIES {
        count(person_story(conn, context, story)?);
    }
    for group in GROUPS {
        let centre = context.organisation(group.centre)?;
        let scope = CentreAccess::of(&staff(centre, Role::CentreCoordinator)).own_groups();
        activity
            .groups
            .extend(groups::find(conn, demo_id(GROUP, group.number), scope)?);
    }
    let everything = ReferralScope {
        everything: true,
        ..ReferralScope::default()
    };
    for (centre, person) in people() {
        let centre = context.organisation(centre)?;
        let scope = CentreAccess::of(&staff(centre, Role::CentreCoordinator)).scope();
        activity.referrals.extend(referrals::find(
            conn,
            demo_id(REFERRAL, person.number),
            everything,
        )?);
        activity
            .intakes
            .extend(intakes::find(conn, demo_id(INTAKE, person.number), scope)?);
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
fn load_directory(conn: &mut PgConnection) -> Result<Vec<(Organisation, bool)>, DemoError> {
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
        let organisation = organisations::insert(conn, id, &draft)?;
        let created = event(None, AuditAction::Created, ResourceType::Organisation, id);
        audit::record(conn, &created)?;
        loaded.push((organisation, true));
    }
    Ok(loaded)
}

/// Loads every organisation and every story of the living demo not yet present, in one
/// transaction; running it again changes nothing.
pub fn load(conn: &mut PgConnection) -> Result<Loaded, DemoError> {
    in_transaction(conn, |conn| {
        let organisations = load_directory(conn)?;
        let activity = load_activity(conn, &Context::new(&organisations))?;
        crate::demo_dialogue::load(conn, &organisations)?;
        let meetings = crate::demo_meetings::load(conn, &organisations)?;
        Ok(Loaded {
            organisations,
            activity,
            meetings,
        })
    })
}

/// Loads only the organisations (for scripts that want the centres without any work on them),
/// in one transaction; running it again changes nothing.
pub fn load_organisations(conn: &mut PgConnection) -> Result<Loaded, DemoError> {
    in_transaction(conn, |conn| {
        Ok(Loaded {
            organisations: load_directory(conn)?,
            activity: Activity::default(),
            meetings: crate::demo_meetings::Meetings::default(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use samhandling_domain::audit::AuditFilter;
    use samhandling_domain::group::{CentreScope, GroupScope};
    use samhandling_domain::page::{Page, PageRequest, Position};
    use samhandling_persistence::groups::GroupFilter;
    use samhandling_persistence::intakes::IntakeFilter;
    use samhandling_persistence::matching;
    use samhandling_persistence::organisations::{list, OrganisationFilter};
    use samhandling_persistence::referrals::ReferralFilter;
    use samhandling_tests::TestDatabase;
    use std::collections::BTreeSet;

    const FIRST_PAGE: PageRequest = PageRequest {
        limit: PageRequest::MAX_LIMIT,
        after: None,
    };

    /// Every item of a list, page after page.
    fn every<T>(mut page: impl FnMut(Option<Position>) -> Page<T>) -> Vec<T> {
        let mut items = Vec::new();
        let mut after = None;
        loop {
            let next = page(after);
            items.extend(next.items);
            match next.next {
                Some(position) => after = Some(position),
                None => return items,
            }
        }
    }

    fn from(after: Option<Position>) -> PageRequest {
        PageRequest {
            after,
            ..FIRST_PAGE
        }
    }

    fn centre_id(loaded: &Loaded, name: &str) -> Uuid {
        loaded
            .organisations
            .iter()
            .find(|(organisation, _)| organisation.name == name)
            .map(|(organisation, _)| organisation.id)
            .expect("the centre is loaded")
    }

    /// What a centre's coordinators see: its groups, referrals and intakes.
    struct Seen {
        groups: Vec<Group>,
        referrals: Vec<Referral>,
        intakes: Vec<Intake>,
    }

    fn seen(conn: &mut PgConnection, centre: Uuid) -> Seen {
        let own = GroupScope {
            centre: Some(centre),
            catalogue: false,
        };
        let groups = every(|after| {
            groups::list(conn, own, &GroupFilter::default(), from(after)).expect("lists groups")
        });
        let scope = ReferralScope {
            centre: Some(centre),
            ..ReferralScope::default()
        };
        let referrals = every(|after| {
            referrals::list(conn, scope, &ReferralFilter::default(), from(after))
                .expect("lists referrals")
        });
        let scope = CentreScope {
            centre: Some(centre),
        };
        let intakes = every(|after| {
            intakes::list(conn, scope, &IntakeFilter::default(), from(after))
                .expect("lists intakes")
        });
        Seen {
            groups,
            referrals,
            intakes,
        }
    }

    fn members(conn: &mut PgConnection, group: Uuid) -> Vec<samhandling_domain::group::Membership> {
        every(|after| memberships::list_for_group(conn, group, from(after)).expect("lists members"))
    }

    fn everything() -> ReferralScope {
        ReferralScope {
            everything: true,
            ..ReferralScope::default()
        }
    }

    #[test]
    fn loading_twice_creates_each_organisation_once() {
        let database = TestDatabase::create();
        let mut conn = database.connect();
        let first = load(&mut conn).expect("loads");
        assert!(first.organisations.iter().all(|(_, created)| *created));
        let second = load(&mut conn).expect("loads again");
        assert!(second.organisations.iter().all(|(_, created)| !*created));
        let ids = |loaded: &Loaded| {
            loaded
                .organisations
                .iter()
                .map(|(o, _)| o.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&first), ids(&second));

        let municipalities = list(
            &mut conn,
            &OrganisationFilter {
                kind: Some(OrganisationKind::Municipality),
                ..OrganisationFilter::default()
            },
            PageRequest {
                limit: 200,
                after: None,
            },
        )
        .expect("lists");
        let numbers: Vec<&str> = municipalities
            .items
            .iter()
            .filter_map(|o| {
                o.municipality_number
                    .as_ref()
                    .map(MunicipalityNumber::as_str)
            })
            .collect();
        // The twelve of the dialogue meetings, and the three LINK cities.
        for number in [
            "5037", "5038", "5006", "5007", "5035", "5032", "5033", "5034", "5036", "5056", "5014",
            "5055", "5001", "4601", "0301",
        ] {
            assert!(numbers.contains(&number), "{number} missing");
        }
        assert_eq!(numbers.len(), 15);
    }

    #[test]
    fn organisations_have_fixed_ids_and_one_an_older_load_made_is_kept() {
        let database = TestDatabase::create();
        let mut conn = database.connect();
        let older = OrganisationDraft {
            kind: OrganisationKind::SelfHelpCentre,
            name: LINK_TRONDHEIM.to_owned(),
            municipality_number: None,
            county: None,
            region: None,
            county_number: None,
        };
        let random = Uuid::now_v7();
        organisations::insert(&mut conn, random, &older).expect("stores");
        let loaded = load_organisations(&mut conn).expect("loads");
        assert_eq!(centre_id(&loaded, LINK_TRONDHEIM), random);
        let operator = &loaded.organisations[0];
        assert_eq!(
            (operator.0.id, operator.1),
            (demo_id(ORGANISATION, 1), true)
        );
        assert_eq!(
            centre_id(&loaded, "Levanger kommune").to_string(),
            "de300000-0000-7000-8000-001600000002"
        );
        let kept = loaded
            .organisations
            .iter()
            .filter(|(organisation, created)| !created && organisation.id == random)
            .count();
        assert_eq!(kept, 1);
    }

    #[test]
    fn link_trondheim_has_groups_and_referrals_at_every_status() {
        let database = TestDatabase::create();
        let mut conn = database.connect();
        let loaded = load(&mut conn).expect("loads");
        let centre = centre_id(&loaded, LINK_TRONDHEIM);
        let seen = seen(&mut conn, centre);

        let group_statuses: BTreeSet<GroupStatus> = seen.groups.iter().map(|g| g.status).collect();
        for status in GroupStatus::ALL {
            assert!(group_statuses.contains(status), "no {status} group");
        }
        let referral_statuses: BTreeSet<ReferralStatus> =
            seen.referrals.iter().map(|r| r.status).collect();
        for status in ReferralStatus::ALL {
            assert!(referral_statuses.contains(status), "no {status} referral");
        }
        assert!(seen
            .referrals
            .iter()
            .any(|r| r.source == Source::SelfRegistration));
        let expired = seen
            .referrals
            .iter()
            .find(|r| r.status == ReferralStatus::Expired)
            .expect("an expired referral");
        assert!(expired.erased_at.is_some(), "the sweep erases what expires");

        // Intakes: booked, and held with every outcome.
        assert!(seen.intakes.iter().any(|i| i.completion.is_none()));
        for outcome in IntakeOutcome::ALL {
            assert!(
                seen.intakes
                    .iter()
                    .any(|i| i.completion.as_ref().map(|c| c.outcome) == Some(*outcome)),
                "no intake concluded {outcome}"
            );
        }
        for intake in &seen.intakes {
            let referral = referrals::find(&mut conn, intake.referral_id, everything())
                .expect("finds")
                .expect("every intake has its referral");
            assert_eq!(referral.target_centre_id, intake.centre_id);
            assert_eq!(referral.offer, Offer::SelfHelpGroup);
            if let Some(completion) = &intake.completion {
                assert_eq!(completion.check(), Ok(()), "intake {}", intake.id);
                assert!(!matches!(
                    referral.status,
                    ReferralStatus::IntakeScheduled
                        | ReferralStatus::Contacted
                        | ReferralStatus::Received
                        | ReferralStatus::Submitted
                ));
            } else {
                assert_eq!(referral.status, ReferralStatus::IntakeScheduled);
            }
        }
    }

    #[test]
    fn members_are_counted_placed_and_known_by_their_intake_pseudonym() {
        let database = TestDatabase::create();
        let mut conn = database.connect();
        let loaded = load(&mut conn).expect("loads");
        let centre = centre_id(&loaded, LINK_TRONDHEIM);
        let seen = seen(&mut conn, centre);
        let scope = CentreScope {
            centre: Some(centre),
        };
        let (mut signed, mut left, mut aliases) = (0, 0, 0);
        let mut placed_with_a_place = BTreeSet::new();
        for group in &seen.groups {
            let members = members(&mut conn, group.id);
            let active = members.iter().filter(|m| m.left_at.is_none()).count();
            assert_eq!(
                usize::try_from(group.member_count).expect("a count"),
                active,
                "{}",
                group.title
            );
            if group.status == GroupStatus::Ended {
                assert_eq!(active, 0, "an ended group's members have left");
            }
            if group.status.has_started() {
                assert!(active >= usize::try_from(group.size.minimum).expect("a size"));
            }
            for membership in &members {
                let referral_id = membership.referral_id.expect("not erased");
                let referral = referrals::find(&mut conn, referral_id, everything())
                    .expect("finds")
                    .expect("the member's referral");
                assert!(
                    matches!(
                        referral.status,
                        ReferralStatus::Placed | ReferralStatus::Closed
                    ),
                    "a member's referral is {}",
                    referral.status
                );
                if membership.left_at.is_none() {
                    placed_with_a_place.insert(referral_id);
                } else {
                    left += 1;
                    assert!(membership.leave_reason.is_some());
                }
                let intake =
                    intakes::find(&mut conn, membership.intake_id.expect("not erased"), scope)
                        .expect("finds")
                        .expect("the member's intake is the centre's");
                let completion = intake.completion.expect("held");
                assert!(completion.outcome.wants_a_group());
                assert_eq!(completion.pseudonym, membership.pseudonym);
                let pseudonym = membership.pseudonym.as_deref().expect("a pseudonym");
                let person = referrals::read(&mut conn, referral_id, everything())
                    .expect("reads")
                    .and_then(|full| full.person)
                    .expect("the person");
                if person.given_name != pseudonym {
                    aliases += 1;
                }
                if membership.confidentiality_signed_at.is_some() {
                    signed += 1;
                }
            }
        }
        assert!(signed > 0 && left > 0 && aliases > 0);
        // Every placed referral holds a place.
        for referral in seen
            .referrals
            .iter()
            .filter(|r| r.status == ReferralStatus::Placed)
        {
            assert!(placed_with_a_place.contains(&referral.id));
            assert!(memberships::has_place(&mut conn, referral.id).expect("asks"));
        }

        // Starters, follow-ups with and without a visit, sessions held and cancelled.
        let mut visited = (false, false);
        let (mut held, mut cancelled, mut starters) = (false, false, 0);
        for group in &seen.groups {
            starters += groups::starters(&mut conn, group.id)
                .expect("starters")
                .len();
            for follow_up in groups::follow_ups(&mut conn, group.id).expect("follow-ups") {
                if follow_up.visited_on.is_some() {
                    visited.0 = true;
                } else {
                    visited.1 = true;
                }
            }
            let sessions = every(|after| {
                group_sessions::list_for_group(&mut conn, group.id, from(after)).expect("sessions")
            });
            for session in sessions {
                assert!(session.present.unwrap_or(0) <= group.size.maximum);
                held |= session.held;
                cancelled |= !session.held;
            }
        }
        assert!(starters > 0 && held && cancelled && visited == (true, true));
    }

    #[test]
    fn the_walkthrough_intake_finds_the_recruiting_group_first() {
        let database = TestDatabase::create();
        let mut conn = database.connect();
        let loaded = load(&mut conn).expect("loads");
        let centre = centre_id(&loaded, LINK_TRONDHEIM);
        let (intake, group) = walkthrough();
        let suggested = matching::suggested_groups(&mut conn, intake, centre, 5).expect("ranks");
        let best = suggested.first().expect("a suggestion");
        assert_eq!(best.group.id, group);
        assert_eq!(best.group.status, GroupStatus::Recruiting);
        assert!(best.group.open_seats() > 0);
        assert!(best.criteria.theme);

        // Her referral walked every step, each audited as the centre's.
        let full = referrals::read(
            &mut conn,
            demo_id(REFERRAL, WALKTHROUGH_INTAKE),
            everything(),
        )
        .expect("reads")
        .expect("her referral");
        let path: Vec<ReferralStatus> = full.history.iter().map(|step| step.to_status).collect();
        assert_eq!(
            path,
            [
                ReferralStatus::Submitted,
                ReferralStatus::Received,
                ReferralStatus::Contacted,
                ReferralStatus::IntakeScheduled,
                ReferralStatus::IntakeCompleted,
                ReferralStatus::WaitingForGroup,
            ]
        );
        assert!(full.history[1..]
            .iter()
            .all(|step| step.actor_organisation_id == Some(centre)));
        let events = audit::list(
            &mut conn,
            &AuditFilter {
                resource_id: Some(full.referral.id),
                ..AuditFilter::default()
            },
            FIRST_PAGE,
        )
        .expect("lists events");
        let moves = events
            .items
            .iter()
            .filter(|event| event.action == AuditAction::Transitioned)
            .count();
        assert_eq!(moves, path.len() - 1);
        assert!(events.items.iter().all(|event| event.actor == ACTOR));
    }

    #[test]
    fn loading_twice_duplicates_nothing() {
        let database = TestDatabase::create();
        let mut conn = database.connect();
        let count_events = |conn: &mut PgConnection| {
            every(|after| {
                audit::list(conn, &AuditFilter::default(), from(after)).expect("lists events")
            })
            .len()
        };
        let first = load(&mut conn).expect("loads");
        assert_eq!(first.activity.present, 0);
        assert_eq!(first.activity.created, GROUPS.len() + STORIES.len());
        let centre = centre_id(&first, LINK_TRONDHEIM);
        let before = seen(&mut conn, centre);
        let members_before: usize = before
            .groups
            .iter()
            .map(|group| members(&mut conn, group.id).len())
            .sum();
        let events_before = count_events(&mut conn);

        let second = load(&mut conn).expect("loads again");
        assert_eq!(second.activity.created, 0);
        assert_eq!(second.activity.present, GROUPS.len() + STORIES.len());
        assert_eq!(first.activity_lines(), second.activity_lines());
        let after = seen(&mut conn, centre);
        let ids = |seen: &Seen| {
            (
                seen.groups
                    .iter()
                    .map(|g| (g.id, g.version))
                    .collect::<Vec<_>>(),
                seen.referrals
                    .iter()
                    .map(|r| (r.id, r.version))
                    .collect::<Vec<_>>(),
                seen.intakes
                    .iter()
                    .map(|i| (i.id, i.version))
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(ids(&before), ids(&after));
        let members_after: usize = after
            .groups
            .iter()
            .map(|group| members(&mut conn, group.id).len())
            .sum();
        assert_eq!(members_before, members_after);
        assert_eq!(
            events_before,
            count_events(&mut conn),
            "nothing new to audit"
        );
    }

    #[test]
    fn the_organisations_alone_leave_the_centres_without_work() {
        let database = TestDatabase::create();
        let mut conn = database.connect();
        let loaded = load_organisations(&mut conn).expect("loads");
        assert!(loaded.activity_lines().is_empty());
        let centre = centre_id(&loaded, LINK_TRONDHEIM);
        let seen = seen(&mut conn, centre);
        assert!(seen.groups.is_empty() && seen.referrals.is_empty() && seen.intakes.is_empty());
        // The living part can follow later, on the same organisations.
        let full = load(&mut conn).expect("loads the rest");
        assert!(full.organisations.iter().all(|(_, created)| !*created));
        assert_eq!(full.activity.created, GROUPS.len() + STORIES.len());
    }
}

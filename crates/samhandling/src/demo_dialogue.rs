//! The county governor's part of the demo data: Statsforvalteren i Trøndelag's dialogue meetings
//! with three groups of municipalities (Innherred and Namdal; Værnesregionen; Hitra, Frøya and
//! Heim), with partners, the IS-24/8 figures of two report years, findings with risk
//! assessments, evaluations and follow-up actions, one of them overdue. The questionnaires are
//! data (`data/is24-questionnaires.json`), loaded as an administrator would load them.
//!
//! Every meeting has a fixed id, so loading twice changes nothing.

use crate::demo_data::{demo_id, DemoError, ACTOR};
use chrono::{NaiveDate, TimeDelta, Utc};
use samhandling_domain::audit::{AuditAction, NewAuditEvent, ResourceType};
use samhandling_domain::dialogue::{
    ActionStatus, CollaborationNeed, DialogueMeeting, DialogueScope, DialogueStatus, Finding,
    FocusArea, PartnerKind, RiskAssessment, RiskLevel,
};
use samhandling_domain::organisation::Organisation;
use samhandling_persistence::follow_up_actions::{self, NewAction};
use samhandling_persistence::{audit, dialogue, is24, PgConnection};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The kind digits of a dialogue meeting's fixed id.
const MEETING: u32 = 8;
/// The request the demo's audit events name.
const REQUEST_ID: &str = "demo-data";
/// The questionnaires, as data.
const QUESTIONNAIRES: &str = include_str!("../data/is24-questionnaires.json");

const GOVERNOR: &str = "Statsforvalteren i Trøndelag";
const KORUS: &str = "KoRus Midt (Kompetansesenter rus – Midt-Norge)";
const NAPHA: &str = "NAPHA (Nasjonalt kompetansesenter for psykisk helsearbeid)";
const KBT: &str = "KBT (Kompetansesenter for brukererfaring og tjenesteutvikling)";
const MENTAL_HELSE: &str = "Mental Helse";
const RIO: &str = "RIO (Rusmisbrukernes interesseorganisasjon)";

/// What the governor found for one municipality.
struct FindingSeed {
    municipality: &'static str,
    strengths: &'static str,
    challenges: &'static str,
    improvement_areas: &'static str,
    need: (PartnerKind, &'static str),
    risk: (RiskLevel, &'static str),
}

/// One agreed action; `due_in_days` is from today (negative: overdue unless done).
struct ActionSeed {
    owner: &'static str,
    description: &'static str,
    due_in_days: i64,
    follow_up_digital: bool,
    status: ActionStatus,
}

/// The IS-24/8 figures of one municipality and report year.
struct FiguresSeed {
    municipality: &'static str,
    year: i16,
    values: &'static [(&'static str, f64)],
}

/// A meeting and what came of it.
struct MeetingSeed {
    number: u32,
    title: &'static str,
    held_on: (i32, u32, u32),
    place: Option<&'static str>,
    status: DialogueStatus,
    municipalities: &'static [&'static str],
    partners: &'static [&'static str],
    /// The IS-24/8 figures the meeting used.
    figures: &'static [FiguresSeed],
    findings: &'static [FindingSeed],
    evaluations: &'static [(&'static str, i16, &'static str)],
    actions: &'static [ActionSeed],
}

const MEETINGS: &[MeetingSeed] = &[
    MeetingSeed {
        number: 1,
        title: "Dialogmøte Innherred og Namdal",
        held_on: (2026, 10, 14),
        place: Some("Levanger rådhus"),
        status: DialogueStatus::FollowedUp,
        municipalities: &[
            "Levanger kommune",
            "Verdal kommune",
            "Steinkjer kommune",
            "Namsos kommune",
        ],
        partners: &[KORUS, MENTAL_HELSE, RIO],
        figures: &[
            FiguresSeed {
                municipality: "Levanger kommune",
                year: 2024,
                values: &[("arsverk_psykisk_helse", 31.5), ("arsverk_rus", 9.0)],
            },
            FiguresSeed {
                municipality: "Levanger kommune",
                year: 2025,
                values: &[
                    ("arsverk_psykisk_helse", 33.0),
                    ("arsverk_rus", 8.2),
                    ("lavterskeltilbud", 3.0),
                ],
            },
            FiguresSeed {
                municipality: "Verdal kommune",
                year: 2025,
                values: &[("arsverk_psykisk_helse", 24.0), ("arsverk_rus", 7.5)],
            },
        ],
        findings: &[
            FindingSeed {
                municipality: "Levanger kommune",
                strengths: "Lavterskel psykisk helsetilbud uten henvisning og et aktivt FACT-team.",
                challenges: "Færre årsverk i rusarbeidet enn året før; lang ventetid på bolig.",
                improvement_areas: "Systematisk brukermedvirkning på tjenestenivå.",
                need: (
                    PartnerKind::CompetenceCentre,
                    "Opplæring i BrukerPlan og kartlegging",
                ),
                risk: (RiskLevel::Moderate, "Rusfeltet er sårbart bemannet."),
            },
            FindingSeed {
                municipality: "Verdal kommune",
                strengths: "Tett samarbeid med NAV og godt etablert pårørendearbeid.",
                challenges: "Lite tilbud til unge voksne med sammensatte behov.",
                improvement_areas: "Ettervern etter utskrivning fra døgnbehandling.",
                need: (
                    PartnerKind::UserOrganisation,
                    "Erfaringskonsulent i planarbeidet",
                ),
                risk: (RiskLevel::Low, "God planforankring og stabil bemanning."),
            },
            FindingSeed {
                municipality: "Steinkjer kommune",
                strengths: "Ny rusmiddelpolitisk handlingsplan vedtatt.",
                challenges: "Manglende oversikt over barn som pårørende.",
                improvement_areas: "Rutiner for å fange opp barn som pårørende.",
                need: (PartnerKind::CompetenceCentre, "Veiledning i BTI-modellen"),
                risk: (
                    RiskLevel::Moderate,
                    "Planen er ny og ikke fulgt opp med tiltak ennå.",
                ),
            },
            FindingSeed {
                municipality: "Namsos kommune",
                strengths: "Interkommunalt samarbeid om akuttilbud.",
                challenges: "Rekruttering av psykologer og sykepleiere.",
                improvement_areas: "Kompetanseplan for psykisk helse- og rusarbeid.",
                need: (PartnerKind::CountyGovernor, "Dialog om kompetansemidler"),
                risk: (
                    RiskLevel::High,
                    "Vakanser i flere stillinger over lang tid.",
                ),
            },
        ],
        evaluations: &[
            (
                "Levanger kommune",
                4,
                "Nyttig å høre hvordan nabokommunene jobber.",
            ),
            ("Verdal kommune", 5, "Godt forberedt og relevant program."),
            ("Steinkjer kommune", 4, "Ønsker mer tid til gruppearbeid."),
        ],
        actions: &[
            ActionSeed {
                owner: "Levanger kommune",
                description: "Lage plan for brukermedvirkning i rus- og psykisk helsetjenesten",
                due_in_days: -14,
                follow_up_digital: true,
                status: ActionStatus::Open,
            },
            ActionSeed {
                owner: "Namsos kommune",
                description: "Utarbeide kompetanseplan for psykisk helse- og rusarbeid",
                due_in_days: 45,
                follow_up_digital: true,
                status: ActionStatus::InProgress,
            },
            ActionSeed {
                owner: "Steinkjer kommune",
                description: "Innføre rutine for barn som pårørende",
                due_in_days: -30,
                follow_up_digital: false,
                status: ActionStatus::Done,
            },
        ],
    },
    MeetingSeed {
        number: 2,
        title: "Dialogmøte Værnesregionen",
        held_on: (2026, 11, 5),
        place: Some("Stjørdal kulturhus"),
        status: DialogueStatus::Held,
        municipalities: &[
            "Stjørdal kommune",
            "Selbu kommune",
            "Tydal kommune",
            "Meråker kommune",
            "Frosta kommune",
        ],
        partners: &[NAPHA, KBT],
        figures: &[FiguresSeed {
            municipality: "Stjørdal kommune",
            year: 2025,
            values: &[
                ("arsverk_psykisk_helse", 41.0),
                ("arsverk_rus", 12.5),
                ("arsverk_barn_unge", 9.0),
            ],
        }],
        findings: &[
            FindingSeed {
                municipality: "Stjørdal kommune",
                strengths: "Felles rus- og psykiatritjeneste for regionen.",
                challenges: "Økende ventetid for samtaletilbud.",
                improvement_areas: "Flere gruppetilbud, i samarbeid med selvhjelpssenteret.",
                need: (
                    PartnerKind::UserOrganisation,
                    "Selvhjelpsgrupper i regionen",
                ),
                risk: (RiskLevel::Low, "Robust fagmiljø."),
            },
            FindingSeed {
                municipality: "Tydal kommune",
                strengths: "Korte beslutningsveier og god kjennskap til innbyggerne.",
                challenges: "Små fagmiljø og lang reisevei til spesialisthelsetjenesten.",
                improvement_areas: "Digitale oppfølgingstilbud.",
                need: (PartnerKind::CompetenceCentre, "Nettverk for små kommuner"),
                risk: (RiskLevel::Moderate, "Tjenesten hviler på én person."),
            },
        ],
        evaluations: &[("Selbu kommune", 3, "For lite tid til de minste kommunene.")],
        actions: &[ActionSeed {
            owner: "Frosta kommune",
            description: "Kartlegge behov for lavterskeltilbud sammen med Værnesregionen",
            due_in_days: 60,
            follow_up_digital: true,
            status: ActionStatus::Open,
        }],
    },
    MeetingSeed {
        number: 3,
        title: "Dialogmøte Hitra, Frøya og Heim",
        held_on: (2027, 1, 20),
        place: None,
        status: DialogueStatus::Planned,
        municipalities: &["Hitra kommune", "Frøya kommune", "Heim kommune"],
        partners: &[KORUS],
        figures: &[],
        findings: &[],
        evaluations: &[],
        actions: &[],
    },
];

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

/// Loads the questionnaires and Statsforvalteren i Trøndelag's meetings not yet present; returns
/// the meetings as they are now.
pub fn load(
    conn: &mut PgConnection,
    organisations: &[(Organisation, bool)],
) -> Result<Vec<DialogueMeeting>, DemoError> {
    let id_of = |name: &str| {
        organisations
            .iter()
            .find(|(organisation, _)| organisation.name == name)
            .map(|(organisation, _)| organisation.id)
            .ok_or_else(|| DemoError::Refused(format!("no demo organisation is named {name}")))
    };
    load_questionnaires(conn)?;
    let governor = id_of(GOVERNOR)?;
    let scope = DialogueScope {
        governor: Some(governor),
        municipality: None,
        partner: None,
    };
    let mut meetings = Vec::new();
    for seed in MEETINGS {
        let id = demo_id(MEETING, seed.number);
        if let Some(present) = dialogue::find(conn, id, scope)? {
            meetings.push(present);
            continue;
        }
        meetings.push(load_meeting(conn, seed, id, governor, &id_of)?);
    }
    Ok(meetings)
}

fn load_questionnaires(conn: &mut PgConnection) -> Result<(), DemoError> {
    type Variables = Vec<BTreeMap<String, String>>;
    let parsed: BTreeMap<i16, Variables> = serde_json::from_str(QUESTIONNAIRES)
        .map_err(|error| DemoError::Refused(format!("the IS-24/8 questionnaires: {error}")))?;
    for (year, variables) in parsed {
        if !is24::questionnaire(conn, year)?.is_empty() {
            continue;
        }
        let field = |variable: &BTreeMap<String, String>, name: &str| {
            variable.get(name).cloned().unwrap_or_default()
        };
        let variables: Vec<(String, String, String)> = variables
            .iter()
            .map(|v| (field(v, "code"), field(v, "label"), field(v, "unit")))
            .collect();
        is24::load_questionnaire(conn, year, &variables)?;
    }
    Ok(())
}

fn load_meeting(
    conn: &mut PgConnection,
    seed: &MeetingSeed,
    id: Uuid,
    governor: Uuid,
    id_of: &dyn Fn(&str) -> Result<Uuid, DemoError>,
) -> Result<DialogueMeeting, DemoError> {
    let (year, month, day) = seed.held_on;
    let held_on = NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| DemoError::Refused(format!("{}: no such date", seed.title)))?;
    let now = Utc::now();
    let meeting = DialogueMeeting {
        id,
        county_governor_id: governor,
        county_number: "50".to_owned(),
        title: seed.title.to_owned(),
        held_on,
        place: seed.place.map(str::to_owned),
        digital: seed.place.is_none(),
        status: DialogueStatus::Planned,
        focus_areas: vec![FocusArea::SubstanceAbuse, FocusArea::MentalHealth],
        programme: vec![
            "Velkommen og bakgrunn for møtet".to_owned(),
            "Kommunene presenterer sitt arbeid".to_owned(),
            "IS-24/8: hva tallene viser".to_owned(),
            "Behov for bistand fra kompetansesentrene og brukerorganisasjonene".to_owned(),
        ],
        municipalities: seed
            .municipalities
            .iter()
            .map(|name| id_of(name))
            .collect::<Result<_, _>>()?,
        partners: seed
            .partners
            .iter()
            .map(|name| id_of(name))
            .collect::<Result<_, _>>()?,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut stored = dialogue::insert(conn, &meeting)?;
    audit::record(
        conn,
        &event(
            governor,
            AuditAction::Created,
            ResourceType::DialogueMeeting,
            id,
        ),
    )?;
    while stored.status != seed.status {
        let Some(next) = stored.status.next() else {
            break;
        };
        stored = dialogue::transition(conn, &stored, next)?;
        audit::record(
            conn,
            &event(
                governor,
                AuditAction::Transitioned,
                ResourceType::DialogueMeeting,
                id,
            ),
        )?;
    }
    for figures in seed.figures {
        let values: Vec<(String, f64)> = figures
            .values
            .iter()
            .map(|(code, value)| ((*code).to_owned(), *value))
            .collect();
        is24::record_basis(
            conn,
            id,
            id_of(figures.municipality)?,
            figures.year,
            &values,
        )?;
    }
    record_outcomes(conn, seed, id, governor, id_of)?;
    Ok(stored)
}

/// The findings, evaluations and actions of a held meeting.
fn record_outcomes(
    conn: &mut PgConnection,
    seed: &MeetingSeed,
    id: Uuid,
    governor: Uuid,
    id_of: &dyn Fn(&str) -> Result<Uuid, DemoError>,
) -> Result<(), DemoError> {
    let now = Utc::now();
    for finding in seed.findings {
        let (partner_kind, description) = finding.need;
        let (level, rationale) = finding.risk;
        dialogue::insert_finding(
            conn,
            &Finding {
                id: Uuid::now_v7(),
                meeting_id: id,
                municipality_id: id_of(finding.municipality)?,
                presented_work: None,
                strengths: Some(finding.strengths.to_owned()),
                challenges: Some(finding.challenges.to_owned()),
                improvement_areas: Some(finding.improvement_areas.to_owned()),
                collaboration_needs: vec![CollaborationNeed {
                    partner_kind,
                    description: description.to_owned(),
                }],
                risk: Some(RiskAssessment {
                    level,
                    rationale: rationale.to_owned(),
                }),
                version: 1,
                created_at: now,
            },
        )?;
    }
    for (municipality, rating, comments) in seed.evaluations {
        let municipality = id_of(municipality)?;
        dialogue::insert_evaluation(conn, id, municipality, *rating, Some(comments), ACTOR)?;
        audit::record(
            conn,
            &event(
                municipality,
                AuditAction::Updated,
                ResourceType::DialogueMeeting,
                id,
            ),
        )?;
    }
    for action in seed.actions {
        let due_on = now.date_naive() + TimeDelta::days(action.due_in_days);
        let stored_action = follow_up_actions::insert(
            conn,
            &NewAction {
                meeting_id: id,
                owner_organisation_id: id_of(action.owner)?,
                description: action.description,
                due_on,
                follow_up_meeting_on: action
                    .follow_up_digital
                    .then(|| due_on + TimeDelta::days(14)),
                follow_up_digital: action.follow_up_digital,
            },
        )?;
        audit::record(
            conn,
            &event(
                governor,
                AuditAction::Created,
                ResourceType::FollowUpAction,
                stored_action.id,
            ),
        )?;
        if action.status != ActionStatus::Open {
            follow_up_actions::set_status(conn, stored_action.id, action.status)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use samhandling_domain::dialogue::{DialogueAccess, DialogueView};
    use samhandling_domain::{Caller, Role};
    use samhandling_tests::TestDatabase;

    #[test]
    fn the_trondelag_meetings_load_once_with_their_findings_and_an_overdue_action() {
        let database = TestDatabase::create();
        let mut conn = database.connect();
        let first = crate::demo_data::load(&mut conn).expect("loads");
        let meetings = load(&mut conn, &first.organisations).expect("loads again");
        assert_eq!(meetings.len(), 3);
        assert_eq!(meetings[0].municipalities.len(), 4);
        assert_eq!(meetings[1].municipalities.len(), 5);
        assert_eq!(meetings[2].status, DialogueStatus::Planned);
        let governor = first
            .organisations
            .iter()
            .find(|(o, _)| o.name == GOVERNOR)
            .map(|(o, _)| o.id)
            .expect("the governor");
        let caller = Caller {
            subject: "t".into(),
            organisation_id: governor.into(),
            roles: vec![Role::GovernorAdviser],
        };
        let access = DialogueAccess::of(&caller, Some("50".into()));
        assert_eq!(access.view_of(&meetings[0]), Some(DialogueView::Governor));
        assert_eq!(
            dialogue::findings(&mut conn, meetings[0].id, None)
                .expect("reads")
                .len(),
            4
        );
        let overdue = follow_up_actions::list(
            &mut conn,
            access.scope(),
            follow_up_actions::ActionFilter {
                overdue_on: Some(Utc::now().date_naive()),
                meeting_id: None,
            },
            samhandling_domain::page::PageRequest {
                limit: 50,
                after: None,
            },
        )
        .expect("lists");
        assert_eq!(overdue.items.len(), 1, "Levanger's plan is late");
        assert_eq!(
            is24::basis(&mut conn, meetings[0].id, None)
                .expect("reads")
                .len(),
            5
        );
    }
}

//! The county governor's part of the demo data: Statsforvalteren i Trøndelag's dialogue meetings
//! with three groups of municipalities (Innherred and Namdal; Værnesregionen; Hitra, Frøya and
//! Heim), with partners, the IS-24/8 figures of two report years, findings with risk
//! assessments, evaluations and follow-up actions, one of them overdue. The meetings are data
//! (`data/demo/dialogue.json`, an action's due date as days from the load), and so are the
//! questionnaires (`data/is24-questionnaires.json`), loaded as an administrator would load them.
//!
//! Every meeting has a fixed id, so loading twice changes nothing.

use crate::demo_data::{demo_id, parse, refused, staff, Demo, DemoError};
use chrono::{NaiveDate, TimeDelta};
use samhandling_domain::dialogue::{
    ActionStatus, CollaborationNeed, DialogueMeeting, DialogueScope, DialogueStatus, FocusArea,
    PartnerKind, RiskAssessment, RiskLevel,
};
use samhandling_domain::venue::Venue;
use samhandling_domain::Role;
use samhandling_persistence::follow_up_actions::NewAction;
use samhandling_persistence::{dialogue, is24, PgConnection};
use samhandling_usecases::dialogue::{self as cases, FindingDraft, MeetingPlan};
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

#[cfg(test)]
mod tests;

/// The kind digits of a dialogue meeting's fixed id.
const MEETING: u32 = 8;
/// The questionnaires, as data.
const QUESTIONNAIRES: &str = include_str!("../data/is24-questionnaires.json");
/// The meetings, as data.
const DIALOGUE: &str = include_str!("../data/demo/dialogue.json");

/// This part of the demo's seeds: the governor, and what its meetings share.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Seeds {
    governor: String,
    focus_areas: Vec<FocusArea>,
    programme: Vec<String>,
    meetings: Vec<MeetingSeed>,
}

/// A meeting and what came of it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeetingSeed {
    number: u32,
    title: String,
    held_on: NaiveDate,
    /// `None`: digital.
    place: Option<String>,
    status: DialogueStatus,
    municipalities: Vec<String>,
    partners: Vec<String>,
    /// The IS-24/8 figures the meeting used.
    #[serde(default)]
    figures: Vec<FiguresSeed>,
    #[serde(default)]
    findings: Vec<FindingSeed>,
    #[serde(default)]
    evaluations: Vec<EvaluationSeed>,
    #[serde(default)]
    actions: Vec<ActionSeed>,
}

/// The IS-24/8 figures of one municipality and report year, by variable code.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FiguresSeed {
    municipality: String,
    year: i16,
    values: BTreeMap<String, f64>,
}

/// What the governor found for one municipality.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FindingSeed {
    municipality: String,
    strengths: String,
    challenges: String,
    improvement_areas: String,
    need: NeedSeed,
    risk: RiskSeed,
}

/// A need for collaboration, with a kind of partner.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NeedSeed {
    partner_kind: PartnerKind,
    description: String,
}

/// The governor's internal risk judgement.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RiskSeed {
    level: RiskLevel,
    rationale: String,
}

/// A municipality's evaluation of the meeting.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvaluationSeed {
    municipality: String,
    rating: i16,
    comments: String,
}

/// One agreed action; `due_in_days` is from the day of the load (negative: overdue unless done).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionSeed {
    owner: String,
    description: String,
    due_in_days: i64,
    follow_up_digital: bool,
    status: ActionStatus,
}

/// Loads the questionnaires and the governor's meetings not yet present; returns the meetings
/// as they are now.
pub(crate) fn load(
    conn: &mut PgConnection,
    demo: &Demo,
) -> Result<Vec<DialogueMeeting>, DemoError> {
    let seeds: Seeds = parse("dialogue.json", DIALOGUE)?;
    load_questionnaires(conn)?;
    let governor = demo.organisation(&seeds.governor)?;
    let scope = DialogueScope {
        governor: Some(governor),
        municipality: None,
        partner: None,
    };
    let mut meetings = Vec::new();
    for seed in &seeds.meetings {
        let id = demo_id(MEETING, seed.number);
        if let Some(present) = dialogue::find(conn, id, scope)? {
            meetings.push(present);
            continue;
        }
        meetings.push(load_meeting(conn, demo, &seeds, seed, governor)?);
    }
    Ok(meetings)
}

fn load_questionnaires(conn: &mut PgConnection) -> Result<(), DemoError> {
    type Variables = Vec<BTreeMap<String, String>>;
    let parsed: BTreeMap<i16, Variables> = serde_json::from_str(QUESTIONNAIRES)
        .map_err(|error| refused(format!("the IS-24/8 questionnaires: {error}")))?;
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

/// The ids of the demo organisations `names`.
fn ids(demo: &Demo, names: &[String]) -> Result<Vec<Uuid>, DemoError> {
    names.iter().map(|name| demo.organisation(name)).collect()
}

/// A meeting, planned and moved on to its status, with its figures and outcomes.
fn load_meeting(
    conn: &mut PgConnection,
    demo: &Demo,
    seeds: &Seeds,
    seed: &MeetingSeed,
    governor: Uuid,
) -> Result<DialogueMeeting, DemoError> {
    let id = demo_id(MEETING, seed.number);
    let adviser = staff(governor, Role::GovernorAdviser);
    let plan = MeetingPlan {
        title: seed.title.clone(),
        held_on: seed.held_on,
        venue: Venue::new("a meeting", seed.place.clone(), seed.place.is_none())
            .map_err(|refusal| refused(refusal.message))?,
        focus_areas: seeds.focus_areas.clone(),
        programme: seeds.programme.clone(),
        municipalities: ids(demo, &seed.municipalities)?,
        partners: ids(demo, &seed.partners)?,
    };
    let (_, mut stored) = demo.as_demo(conn, Some(governor), |ctx| {
        cases::plan_meeting(ctx, &adviser, id, plan)
    })?;
    while stored.status != seed.status {
        let Some(next) = stored.status.next() else {
            break;
        };
        (_, stored) = demo.as_demo(conn, Some(governor), |ctx| {
            cases::move_meeting(ctx, &adviser, id, next)
        })?;
    }
    for figures in &seed.figures {
        let values: Vec<(String, Option<f64>)> = figures
            .values
            .iter()
            .map(|(code, value)| (code.clone(), Some(*value)))
            .collect();
        let municipality = demo.organisation(&figures.municipality)?;
        demo.as_demo(conn, Some(governor), |ctx| {
            cases::record_basis(ctx, &adviser, id, municipality, figures.year, &values)
        })?;
    }
    record_outcomes(conn, demo, seed, id, governor)?;
    Ok(stored)
}

/// The findings, evaluations and actions of a held meeting.
fn record_outcomes(
    conn: &mut PgConnection,
    demo: &Demo,
    seed: &MeetingSeed,
    id: Uuid,
    governor: Uuid,
) -> Result<(), DemoError> {
    let adviser = staff(governor, Role::GovernorAdviser);
    for finding in &seed.findings {
        let draft = FindingDraft {
            municipality_id: demo.organisation(&finding.municipality)?,
            presented_work: None,
            strengths: Some(finding.strengths.clone()),
            challenges: Some(finding.challenges.clone()),
            improvement_areas: Some(finding.improvement_areas.clone()),
            collaboration_needs: vec![CollaborationNeed {
                partner_kind: finding.need.partner_kind,
                description: finding.need.description.clone(),
            }],
            risk: Some(RiskAssessment {
                level: finding.risk.level,
                rationale: finding.risk.rationale.clone(),
            }),
        };
        demo.as_demo(conn, Some(governor), |ctx| {
            cases::record_finding(ctx, &adviser, id.into(), Uuid::now_v7().into(), draft)
        })?;
    }
    for evaluation in &seed.evaluations {
        let municipality = demo.organisation(&evaluation.municipality)?;
        let contact = staff(municipality, Role::MunicipalContact);
        demo.as_demo(conn, Some(municipality), |ctx| {
            cases::submit_evaluation(
                ctx,
                &contact,
                id,
                evaluation.rating,
                Some(evaluation.comments.as_str()),
            )
        })?;
    }
    for action in &seed.actions {
        let due_on = demo.today + TimeDelta::days(action.due_in_days);
        let new = NewAction {
            meeting_id: id,
            owner_organisation_id: demo.organisation(&action.owner)?,
            description: &action.description,
            due_on,
            follow_up_meeting_on: action
                .follow_up_digital
                .then(|| due_on + TimeDelta::days(14)),
            follow_up_digital: action.follow_up_digital,
        };
        let stored = demo.as_demo(conn, Some(governor), |ctx| {
            cases::agree_action(ctx, &adviser, id, &new)
        })?;
        if action.status != ActionStatus::Open {
            demo.as_demo(conn, Some(governor), |ctx| {
                cases::move_action(ctx, &adviser, stored.id, action.status)
            })?;
        }
    }
    Ok(())
}

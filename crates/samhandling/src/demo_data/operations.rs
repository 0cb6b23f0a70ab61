//! The use cases a step calls, by the name its `do` gives: each reads the step's `with` as its
//! own input type (or a tuple of its arguments in order) and is called as the API calls it.

use super::{Step, StepError, ACTOR, ALL};
use samhandling_domain::course::CourseScope;
use samhandling_domain::grant::GrantScope;
use samhandling_domain::group::CentreAccess;
use samhandling_domain::learning_network::LearningNetworkScope;
use samhandling_domain::referral::{ReferralAccess, Source};
use samhandling_domain::{version::Precondition, Caller, Role};
use samhandling_persistence as store;
use samhandling_usecases::references::{with_free_reference, References};
use samhandling_usecases::referral_input::{CreateReferral, Prepared};
use samhandling_usecases::{self as cases, Context, UseCaseError};
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use cases::{
    agreements, coordination, courses, dialogue, enrolments, grants, group_sessions, groups,
    intakes, is24,
};
use cases::{learning_networks as networks, memberships, network_meetings, outreach, referrals};

/// Calls the use case of `step` for the organisation `ctx` acts for (none: the system's own
/// work) in `role`; `last` is the id of the last action agreed, which storage chose.
pub(super) fn play(
    ctx: &mut Context<'_>,
    role: Role,
    step: &Step,
    last: &mut Option<Uuid>,
) -> Result<(), StepError> {
    let org = ctx.actor().actor_organisation_id.unwrap_or_default();
    let caller = &Caller {
        subject: ACTOR.to_owned(),
        organisation_id: org.into(),
        roles: vec![role],
    };
    let (centre, referral) = (CentreAccess::of(caller), ReferralAccess::of(caller));
    let course = CourseScope { centre: Some(org) };
    let network = LearningNetworkScope {
        coordinator: Some(org),
        member: None,
    };
    let with = step.with.clone();
    match step.op.as_str() {
        "refer" => run(with, |(id, source, new)| refer(ctx, org, id, source, &new)),
        "move_referral" => run(with, |(id, to, why)| {
            referrals::move_referral(ctx, referral, id, to, why)
        }),
        "expire" => run(with, |id| referrals::expire(ctx, id)),
        "erase_as_due" => run(with, |id| referrals::erase_as_due(ctx, id)),
        "withdraw_feedback_consent" => run(with, |id| {
            referrals::withdraw_feedback_consent(ctx, referral, id)
        }),
        "book_intake" => run(with, |(id, new)| {
            intakes::book_intake(ctx, referral, id, &new)
        }),
        "complete_intake" => run(with, |(id, held)| {
            intakes::complete_intake(ctx, caller, id, &held)
        }),
        "create_group" => run(with, |(id, new)| {
            groups::create_group(ctx, caller.organisation_id, id, &new)
        }),
        "assign_starter" => run(with, |(group, id, starter)| {
            groups::assign_starter(ctx, centre, group, id, &starter)
        }),
        "move_group" => run(with, |(id, to)| groups::move_group(ctx, centre, id, to)),
        "place_member" => run(with, |(id, group, place)| {
            memberships::place_member(ctx, caller, id, group, &place)
        }),
        "sign_declaration" => run(with, |id| memberships::sign_declaration(ctx, centre, id)),
        "record_departure" => run(with, |(id, why)| {
            memberships::record_departure(ctx, centre, id, &why)
        }),
        "log_session" => run(with, |(group, ids, log)| {
            group_sessions::log_session(ctx, centre, group, ids, &log)
        }),
        "request_follow_up" => run(with, |(id, group, on)| {
            groups::request_follow_up(ctx, centre, id, group, &on)
        }),
        "record_visit" => run(with, |(id, visit)| {
            groups::record_visit(ctx, centre, id, &visit)
        }),
        "create_course" => run(with, |(id, new)| {
            courses::create_course(ctx, caller.organisation_id, id, &new)
        }),
        "enrol" => run(with, |(id, who, to)| {
            enrolments::enrol(ctx, course, id, who, &to)
        }),
        "move_enrolment" => run(with, |(id, who, to)| {
            enrolments::move_enrolment(ctx, course, id, who, to)
        }),
        "confirm_links" => run(with, |subject: String| confirm_links(ctx, org, &subject)),
        "log_meeting" => run(with, |(id, by, log): (_, String, _)| {
            network_meetings::log_meeting(ctx, (org, &by), id, &log)
        }),
        "record_supervision" => run(with, |(id, by, held): (_, String, _)| {
            network_meetings::record_supervision(ctx, (caller.organisation_id, &by, id), &held)
        }),
        "start_network" => run(with, |started| networks::start_network(ctx, &started)),
        "update_network" => run(with, |(id, edit)| {
            networks::update_network(ctx, network, id, Precondition::Any, edit)
        }),
        "record_gathering" => run(with, |(ids, held)| {
            networks::record_gathering(ctx, network, ids, &held)
        }),
        "record_attendance" => run(with, |(ids, came)| {
            networks::record_attendance(ctx, network, ids, Precondition::Any, &came)
        }),
        "load_questionnaire" => run(with, |(year, questionnaire)| {
            is24::load_questionnaire(ctx, year, &questionnaire)
        }),
        op => play_dialogue(ctx, caller, op, with, last),
    }
}

/// The dialogue's, coordination's and outreach's steps, as [`play`] calls them for `caller`.
fn play_dialogue(
    ctx: &mut Context<'_>,
    caller: &Caller,
    op: &str,
    with: Value,
    last: &mut Option<Uuid>,
) -> Result<(), StepError> {
    match op {
        "plan_meeting" => run(with, |(id, plan)| {
            dialogue::plan_meeting(ctx, caller, id, &plan)
        }),
        "move_meeting" => run(with, |(id, to)| dialogue::move_meeting(ctx, caller, id, to)),
        "record_basis" => run(with, |(id, basis)| {
            dialogue::record_basis(ctx, caller, id, &basis)
        }),
        "record_finding" => run(with, |(meeting, finding)| {
            dialogue::record_finding(ctx, caller, (meeting, Uuid::now_v7().into()), &finding)
        }),
        "submit_evaluation" => run(with, |(id, evaluation)| {
            dialogue::submit_evaluation(ctx, caller, id, &evaluation)
        }),
        "agree_action" => run(with, |(id, action)| {
            dialogue::agree_action(ctx, caller, id, &action).map(|agreed| *last = Some(agreed.id))
        }),
        // The action the step before agreed.
        "move_action" => run(with, |to| {
            dialogue::move_action(ctx, caller, last.ok_or(UseCaseError::NotFound)?, to)
        }),
        "propose_agreement" => run(with, |(id, proposal)| {
            agreements::propose_agreement(ctx, caller, id, &proposal)
        }),
        "move_agreement" => run(with, |(id, step)| {
            agreements::move_agreement(ctx, caller, id, Precondition::Any, &step)
        }),
        "plan_outreach_meeting" => run(with, |(id, plan)| {
            outreach::plan_outreach_meeting(ctx, caller, id, &plan)
        }),
        "move_outreach_meeting" => run(with, |(id, step)| {
            outreach::move_outreach_meeting(ctx, caller, id, Precondition::Any, &step)
        }),
        "record_outreach_invitation" => run(with, |(ids, record)| {
            outreach::record_outreach_invitation(ctx, caller, ids, Precondition::Any, &record)
        }),
        "record_grant" => run(with, |(id, request)| {
            grants::record_grant(ctx, GrantScope::of(caller), caller, id, &request)
        }),
        "move_grant" => run(with, |(id, step)| {
            grants::move_grant(ctx, GrantScope::of(caller), id, Precondition::Any, &step)
        }),
        "request_help" => run(with, |(id, request)| {
            coordination::request_help(ctx, caller, id, &request)
        }),
        // A finding's need addressed to the acting partner; storage chose its id.
        "answer_finding_need" => run(with, |(of, step): (FindingOf, _)| {
            let id = of.need_of(ctx.conn(), caller)?;
            coordination::move_need(ctx, caller, id, Precondition::Any, &step)
        }),
        op => Err(StepError::Unknown(op.to_owned())),
    }
}

/// Where a finding's need was voiced: its meeting and municipality.
#[derive(Debug, serde::Deserialize)]
struct FindingOf {
    meeting: Uuid,
    municipality: Uuid,
}

impl FindingOf {
    /// The need of this finding addressed to the caller's organisation, as the caller lists it.
    fn need_of(
        &self,
        conn: &mut store::PgConnection,
        caller: &Caller,
    ) -> Result<Uuid, UseCaseError> {
        let filter = coordination::NeedFilter {
            municipality_id: Some(self.municipality),
            partner_organisation_id: Some(caller.organisation_id.uuid()),
            ..coordination::NeedFilter::default()
        };
        let (_, found) = coordination::list_needs(conn, caller, &filter, ALL)?;
        found
            .items
            .into_iter()
            .find(|need| need.meeting_id == Some(self.meeting))
            .map(|need| need.id)
            .ok_or(UseCaseError::NotFound)
    }
}

/// Calls `call` with `with` read as its input.
fn run<I: DeserializeOwned, O>(
    with: Value,
    call: impl FnOnce(I) -> Result<O, UseCaseError>,
) -> Result<(), StepError> {
    call(serde_json::from_value(with)?)?;
    Ok(())
}

/// Stores `new` with the fixed `id` as `POST /referrals` does for `org` (or, from no referrer,
/// as a self-registration), under a free reference, created at the step's time.
fn refer(
    ctx: &mut Context<'_>,
    org: Uuid,
    id: Uuid,
    source: Source,
    new: &CreateReferral,
) -> Result<(), UseCaseError> {
    let referrer = (source == Source::Referral).then_some((org, ACTOR));
    let (prepared, consent) = (Prepared::from_request(new), new.consent.to_consent()?);
    let external = new.external_reference.as_deref();
    let feedback = cases::agreements::feedback_for_referral(
        ctx,
        new.target_centre_id.into(),
        referrer.map(|(org, _)| org.into()),
    )?;
    let stored = with_free_reference(&References::random(), |reference| {
        let mut new =
            prepared.new_referral(reference, source, referrer, external, &consent, feedback);
        (new.id, new.created_at) = (id, ctx.now());
        referrals::refer(ctx, &new, None)
    })?;
    stored
        .map(drop)
        .ok_or(UseCaseError::MissingReference("target_centre_id"))
}

/// Confirms every link of `subject` at `employer` not confirmed yet, as the professional does.
fn confirm_links(ctx: &mut Context<'_>, employer: Uuid, subject: &str) -> Result<(), UseCaseError> {
    let links = store::facilitators::list_own(ctx.conn(), employer, subject, ALL)?.items;
    for link in links.iter().filter(|link| link.confirmed_at.is_none()) {
        cases::facilitators::confirm_link(ctx, employer.into(), subject, link.id.into())?;
    }
    Ok(())
}

//! Every 404 on a record that exists leaves a trace. For each operation of the served OpenAPI
//! document whose path names a record, a caller of another organisation (with the role the
//! operation asks for) uses the id of a record it may not see: the answer is 404, and the audit
//! trail holds an `access_denied` event on that record. One world holds a record of each kind;
//! the table below says, per operation, who probes which record and how.

use actix_web::test::TestRequest;
use samhandling_domain::organisation::{Organisation, OrganisationKind};
use samhandling_domain::Role;
use samhandling_tests::dialogue::{meeting_uri, need_uri};
use samhandling_tests::groups::{book_intake, day, group_uri, meeting_group};
use samhandling_tests::referrals::{field, refer, referral_body, Field};
use samhandling_tests::webhooks::subscribe;
use samhandling_tests::{
    authorized, created, get, moved, post, register_client, send, App, TestApp,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The records, by kind, and the callers who own them or probe them.
struct World {
    f: Field,
    admin: String,
    ids: BTreeMap<&'static str, String>,
    tokens: BTreeMap<&'static str, String>,
}

impl World {
    fn id(&self, kind: &str) -> &str {
        self.ids
            .get(kind)
            .unwrap_or_else(|| panic!("the world has no {kind}"))
    }

    fn token(&self, who: &str) -> &str {
        self.tokens
            .get(who)
            .unwrap_or_else(|| panic!("the world has no {who}"))
    }
}

/// How the sweep probes one operation.
enum Probe {
    /// `caller` sends `body` to `uri` (with `If-Match: *` when `if_match`); the answer must be
    /// 404 and leave an `access_denied` event on `record`.
    Call {
        uri: String,
        caller: String,
        body: Option<Value>,
        if_match: bool,
        record: String,
    },
    /// Not probed, and why.
    NotCovered(&'static str),
}

fn call(uri: String, caller: &str, body: Option<Value>, record: &str) -> Probe {
    Probe::Call {
        uri,
        caller: caller.to_owned(),
        body,
        if_match: false,
        record: record.to_owned(),
    }
}

fn patch(uri: String, caller: &str, body: Value, record: &str) -> Probe {
    Probe::Call {
        uri,
        caller: caller.to_owned(),
        body: Some(body),
        if_match: true,
        record: record.to_owned(),
    }
}

/// The table: operation id → the probe of a record of another organisation. One row per
/// operation, so it is as long as the API is wide.
#[rustfmt::skip]
#[allow(clippy::too_many_lines)]
fn probes(w: &World) -> BTreeMap<&'static str, Probe> {
    let f = &w.f;
    let (group, membership, intake, follow_up) = (
        w.id("group"),
        w.id("membership"),
        w.id("intake"),
        w.id("follow_up"),
    );
    let (referral, subscription, client) = (w.id("referral"), w.id("subscription"), w.id("client"));
    let (course, enrolment, link) = (w.id("course"), w.id("enrolment"), w.id("link"));
    let (log, session) = (w.id("network_meeting"), w.id("supervision_session"));
    let (network, gathering, member) = (w.id("network"), w.id("gathering"), w.id("member"));
    let (meeting, action, verdal) = (w.id("meeting"), w.id("action"), w.id("verdal"));
    let (need, agreement) = (w.id("need"), w.id("agreement"));
    let (outreach, grant) = (w.id("outreach"), w.id("grant"));
    let other_centre = f.other_centre.as_str();
    let other_referrer = f.other_municipality.as_str();
    let (kbt, colleague) = (w.token("kbt"), w.token("colleague"));
    let (vestland, namsos) = (w.token("vestland"), w.token("namsos"));
    let course_path = format!("/api/v1/courses/{course}");
    let enrolment_path = format!("{course_path}/enrolments/{enrolment}");
    let network_path = format!("/api/v1/learning-networks/{network}");
    let gathering_path = format!("{network_path}/gatherings/{gathering}");
    let task = w.id("improvement_task");
    let task_path = format!("{network_path}/improvement-tasks/{task}");
    let meeting_path = meeting_uri(meeting);
    let group_path = format!("/api/v1/groups/{group}");
    let referral_path = format!("/api/v1/referrals/{referral}");
    let subscription_path = format!("/api/v1/webhook-subscriptions/{subscription}");
    let outreach_path = format!("/api/v1/outreach-meetings/{outreach}");
    let gathering_body = json!({"held_on": "2026-03-10", "place": "Værnes", "programme": []});
    BTreeMap::from([
        // API clients: a centre's client, seen by another centre's coordinator.
        ("get_api_client", call(format!("/api/v1/api-clients/{client}"), other_centre, None, client)),
        ("approve_api_client", call(format!("/api/v1/api-clients/{client}/approval"), other_centre, None, client)),
        ("revoke_api_client", Probe::NotCovered("administrators only, who reach every client")),
        // Courses, enrolments and facilitators: KoRus Midt's, probed by KBT's adviser.
        ("get_course", call(course_path.clone(), kbt, None, course)),
        ("update_course", patch(course_path.clone(), kbt, json!({"capacity": 100}), course)),
        ("list_enrolments", call(format!("{course_path}/enrolments"), kbt, None, course)),
        ("enrol", call(format!("{course_path}/enrolments"), kbt, Some(json!({
            "name": "Per Lie", "work_email": "per.lie@verdal.kommune.no",
            "employer_organisation_id": verdal, "service": "psykisk helse og rus"})), course)),
        ("get_enrolment", call(enrolment_path.clone(), kbt, None, enrolment)),
        ("move_enrolment", call(format!("{enrolment_path}/transitions"), kbt, Some(json!({"to": "cancelled"})), enrolment)),
        ("get_facilitator", call(format!("/api/v1/facilitators/{link}"), kbt, None, link)),
        // A facilitator link is confirmed or withdrawn by its facilitator: a colleague probes it.
        ("confirm_facilitator_link", call(format!("/api/v1/facilitator-links/{link}/confirmation"), colleague, None, link)),
        ("withdraw_facilitator_link", call(format!("/api/v1/facilitator-links/{link}/withdrawal"), colleague, None, link)),
        // Dialogue: Trøndelag's meeting, probed by Vestland's governor (Namsos, outside the
        // meeting, for the evaluation a municipality submits).
        ("get_meeting", call(meeting_path.clone(), vestland, None, meeting)),
        ("create_action", call(format!("{meeting_path}/actions"), vestland, Some(json!({
            "owner_organisation_id": verdal, "description": "Plan for brukermedvirkning",
            "due_on": "2027-03-01", "follow_up_digital": true})), meeting)),
        ("add_attendee", call(format!("{meeting_path}/attendees"), vestland, Some(json!({
            "municipality_id": verdal, "role": "unit_leader", "title": "Enhetsleder"})), meeting)),
        ("get_basis", call(format!("{meeting_path}/basis"), vestland, None, meeting)),
        ("record_basis", call(format!("{meeting_path}/basis"), vestland, Some(json!({
            "municipality_id": verdal, "report_year": 2025, "figures": {"arsverk_rus": 3}})), meeting)),
        ("submit_evaluation", call(format!("{meeting_path}/evaluations"), namsos, Some(json!({"rating": 4})), meeting)),
        ("share_finding", patch(format!("{meeting_path}/findings/{}/sharing", w.id("finding")), vestland,
            json!({"shared_with_partners": false}), meeting)),
        ("record_finding", call(format!("{meeting_path}/findings"), vestland, Some(json!({
            "municipality_id": verdal, "strengths": "Godt samarbeid."})), meeting)),
        ("transition_meeting", call(format!("{meeting_path}/transitions"), vestland, Some(json!({"to": "followed_up"})), meeting)),
        ("move_action", call(format!("/api/v1/follow-up-actions/{action}/transitions"), vestland, Some(json!({"to": "done"})), action)),
        ("municipality_dialogue", call("/api/v1/municipalities/5038/dialogue".to_owned(), vestland, None, verdal)),
        ("municipality_picture", call("/api/v1/municipalities/5038/picture".to_owned(), vestland, None, verdal)),
        ("county_overview", Probe::NotCovered("a county is no organisation's record: another county's governor gets the 404 of a county that does not exist, and neither leaves a trace")),
        // Coordination: Verdal's request to KoRus Midt, probed by KBT's adviser.
        ("get_need", call(need_uri(need), kbt, None, need)),
        ("move_need", patch(format!("/api/v1/collaboration-needs/{need}/transitions"), kbt, json!({"to": "accepted"}), need)),
        // Agreements: LINK Trondheim's proposal to Verdal, probed by LINK Oslo's coordinator.
        ("get_agreement", call(format!("/api/v1/collaboration-agreements/{agreement}"), other_centre, None, agreement)),
        ("move_agreement", patch(format!("/api/v1/collaboration-agreements/{agreement}/transitions"), other_centre, json!({"to": "withdrawn"}), agreement)),
        // Outreach: LINK Trondheim's meeting with Verdal invited, probed by LINK Oslo's
        // coordinator.
        ("get_outreach_meeting", call(outreach_path.clone(), other_centre, None, outreach)),
        ("update_outreach_meeting", patch(outreach_path.clone(), other_centre, json!({"title": "Kapret"}), outreach)),
        ("move_outreach_meeting", patch(format!("{outreach_path}/transitions"), other_centre, json!({"to": "cancelled"}), outreach)),
        ("record_outreach_invitation", patch(format!("{outreach_path}/invitations/{verdal}"), other_centre, json!({"present": true}), outreach)),
        // Grants: Trøndelag's governor's grant to KoRus Midt, probed by Vestland's governor.
        ("get_grant", call(format!("/api/v1/grants/{grant}"), vestland, None, grant)),
        ("move_grant", patch(format!("/api/v1/grants/{grant}/transitions"), vestland, json!({"to": "paid"}), grant)),
        ("grant_report", call(format!("/api/v1/grants/{grant}/report"), vestland, None, grant)),
        ("get_questionnaire", Probe::NotCovered("public, keyed by year: no organisation's record")),
        ("load_questionnaire", Probe::NotCovered("administrators only, keyed by year: no organisation's record")),
        // Groups, intakes and places: LINK Trondheim's, probed by LINK Oslo's coordinator.
        ("record_visit", call(format!("/api/v1/follow-ups/{follow_up}/visit"), other_centre, Some(json!({"visited_on": day(0)})), follow_up)),
        ("get_group", call(group_path.clone(), other_centre, None, group)),
        ("update_group", patch(group_path.clone(), other_centre, json!({"title": "Kapret"}), group)),
        ("group_candidates", call(format!("{group_path}/candidates"), other_centre, None, group)),
        ("request_follow_up", call(format!("{group_path}/follow-ups"), other_centre, Some(json!({"requested_on": day(0)})), group)),
        ("list_members", call(format!("{group_path}/members"), other_centre, None, group)),
        ("place_member", call(format!("{group_path}/members"), other_centre, Some(json!({"intake_id": intake})), group)),
        ("list_sessions", call(format!("{group_path}/sessions"), other_centre, None, group)),
        ("log_session", call(format!("{group_path}/sessions"), other_centre, Some(json!({"held_on": day(0), "held": false})), group)),
        ("assign_starter", call(format!("{group_path}/starters"), other_centre, Some(json!({
            "subject": "x", "display_name": "X", "planned_meetings": 2})), group)),
        ("transition_group", call(format!("{group_path}/transitions"), other_centre, Some(json!({"to": "self_running"})), group)),
        ("get_intake", call(format!("/api/v1/intakes/{intake}"), other_centre, None, intake)),
        ("complete_intake", call(format!("/api/v1/intakes/{intake}/completion"), other_centre, Some(json!({
            "held_at": chrono::Utc::now(), "outcome": "declined"})), intake)),
        ("suggested_groups", call(format!("/api/v1/intakes/{intake}/suggested-groups"), other_centre, None, intake)),
        ("get_membership", call(format!("/api/v1/memberships/{membership}"), other_centre, None, membership)),
        ("sign_declaration", call(format!("/api/v1/memberships/{membership}/confidentiality-declaration"), other_centre, None, membership)),
        ("record_departure", call(format!("/api/v1/memberships/{membership}/departure"), other_centre, Some(json!({"reason": "other"})), membership)),
        // Learning networks: KoRus Midt's, probed by KBT's adviser.
        ("get_learning_network", call(network_path.clone(), kbt, None, network)),
        ("update_learning_network", patch(network_path.clone(), kbt, json!({"name": "Overtatt"}), network)),
        ("list_gatherings", call(format!("{network_path}/gatherings"), kbt, None, network)),
        ("create_gathering", call(format!("{network_path}/gatherings"), kbt, Some(gathering_body), network)),
        ("get_gathering", call(gathering_path.clone(), kbt, None, gathering)),
        ("update_gathering", patch(gathering_path.clone(), kbt, json!({"place": "Stjørdal"}), gathering)),
        ("record_attendance", patch(format!("{gathering_path}/attendance/{member}"), kbt, json!({"attendees": 4}), gathering)),
        ("add_learning_network_member", call(format!("{network_path}/members"), kbt, Some(json!({
            "organisation_id": verdal, "service": "Helsestasjonen"})), network)),
        ("record_improvement_task", call(format!("{network_path}/improvement-tasks"), kbt, Some(json!({
            "gathering_id": gathering, "member_id": member, "title": "Overtatt"})), network)),
        ("list_improvement_tasks", call(format!("{network_path}/improvement-tasks"), kbt, None, network)),
        ("get_improvement_task", call(task_path.clone(), kbt, None, task)),
        ("report_improvement_task", patch(format!("{task_path}/report"), kbt, json!({"status": "done"}), task)),
        ("list_regional_networks", call(format!("{network_path}/regional-networks"), kbt, None, network)),
        // Network meetings: Kari's log, probed by her colleague; KoRus Midt's supervision
        // session, probed by KBT's adviser.
        ("get_network_meeting", call(format!("/api/v1/network-meetings/{log}"), colleague, None, log)),
        ("update_network_meeting", patch(format!("/api/v1/network-meetings/{log}"), colleague, json!({"next_steps": "Endret"}), log)),
        ("get_supervision_session", call(format!("/api/v1/supervision-sessions/{session}"), kbt, None, session)),
        // Organisations are a directory every signed-in caller reads.
        ("get_organisation", Probe::NotCovered("every signed-in caller reads every organisation")),
        ("update_organisation", Probe::NotCovered("administrators only, who reach every organisation")),
        // Referrals: addressed to LINK Trondheim by Stjørdal, probed by LINK Oslo's
        // coordinator.
        ("get_referral", call(referral_path.clone(), other_centre, None, referral)),
        ("referral_access_log", call(format!("{referral_path}/access-log"), other_centre, None, referral)),
        ("erase_referral", call(format!("{referral_path}/erase"), other_centre, None, referral)),
        ("withdraw_feedback_consent", call(format!("{referral_path}/feedback-consent/withdrawal"), other_centre, None, referral)),
        ("transition_referral", call(format!("{referral_path}/transitions"), other_centre, Some(json!({"to": "received"})), referral)),
        // Webhook subscriptions: Stjørdal's referrer's, probed by Levanger's.
        ("get_webhook_subscription", call(subscription_path.clone(), other_referrer, None, subscription)),
        ("delete_webhook_subscription", call(subscription_path.clone(), other_referrer, None, subscription)),
        ("list_webhook_deliveries", call(format!("{subscription_path}/deliveries"), other_referrer, None, subscription)),
        ("replay_webhook_deliveries", call(format!("{subscription_path}/replay"), other_referrer, Some(json!({"since": chrono::Utc::now()})), subscription)),
        ("rotate_webhook_secret", call(format!("{subscription_path}/secret-rotation"), other_referrer, None, subscription)),
    ])
}

#[actix_web::test]
async fn every_404_on_another_organisations_record_leaves_an_access_denied_event() {
    let t = TestApp::with_local_webhooks();
    let app = t.service().await;
    let w = world(&t, &app).await;
    let table = probes(&w);
    let document = get(&app, "/api-docs/openapi.json", &w.admin).await;
    let mut failures = Vec::new();
    let mut not_covered = Vec::new();
    let mut probed = 0;
    for (path, item) in document.body["paths"].as_object().unwrap() {
        if !path.contains('{') {
            continue;
        }
        for (method, operation) in item.as_object().unwrap() {
            let Some(operation_id) = operation["operationId"].as_str() else {
                continue;
            };
            let name = format!("{} {path} ({operation_id})", method.to_uppercase());
            let (uri, caller, body, if_match, record) = match table.get(operation_id) {
                None => {
                    failures.push(format!("{name}: no row in the sweep's table"));
                    continue;
                }
                Some(Probe::NotCovered(reason)) => {
                    not_covered.push(format!("{name}: {reason}"));
                    continue;
                }
                Some(Probe::Call {
                    uri,
                    caller,
                    body,
                    if_match,
                    record,
                }) => (uri, caller, body, *if_match, record),
            };
            let request = match method.as_str() {
                "get" => TestRequest::get(),
                "post" => TestRequest::post(),
                "put" => TestRequest::put(),
                "patch" => TestRequest::patch(),
                "delete" => TestRequest::delete(),
                other => panic!("{name}: unexpected method {other}"),
            };
            let mut request = authorized(request.uri(uri), caller);
            if let Some(body) = body {
                request = request.set_json(body);
            }
            if if_match {
                request = request.insert_header(("If-Match", "*"));
            }
            let before = t.database.events("access_denied", record);
            let reply = send(&app, request).await;
            probed += 1;
            if reply.status != 404 {
                failures.push(format!(
                    "{name}: {} instead of 404: {}",
                    reply.status, reply.text
                ));
                continue;
            }
            if t.database.events("access_denied", record) <= before {
                failures.push(format!("{name}: no access_denied event on {record}"));
            }
        }
    }
    eprintln!("not covered:\n{}", not_covered.join("\n"));
    assert!(probed > 50, "the sweep probed only {probed} operations");
    assert!(
        failures.is_empty(),
        "{} operations fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// One record of each kind, each owned by the party the probes are not.
#[rustfmt::skip]
async fn world(t: &TestApp, app: &impl App) -> World {
    let f = field(t);
    let admin = t.admin_token();
    let mut ids = BTreeMap::new();
    let mut tokens = BTreeMap::new();

    // LINK Trondheim's group (running itself, so out of the catalogue), a place in it, a
    // referral's intake, a follow-up.
    let group = meeting_group(app, &f, "Sveip").await;
    moved(app, &group_uri(&group), &f.coordinator, "self_running").await;
    let members = get(app, &format!("/api/v1/groups/{group}/members"), &f.coordinator).await;
    ids.insert("membership", members.body["items"][0]["id"].as_str().unwrap().to_owned());
    let referral = refer(app, &f.referrer, &referral_body(&f.centre, "Sveip", true)).await;
    let referral = referral["id"].as_str().unwrap().to_owned();
    ids.insert("intake", book_intake(app, &f.coordinator, &referral).await);
    let follow_up = created(app, &format!("/api/v1/groups/{group}/follow-ups"), &f.coordinator,
        &json!({"requested_on": day(0)})).await;
    ids.insert("follow_up", follow_up.id());
    ids.insert("group", group);
    ids.insert("referral", referral);
    let subscription = subscribe(app, &f.referrer, "http://127.0.0.1:9/hook").await;
    assert_eq!(subscription.status, 201, "{}", subscription.text);
    ids.insert("subscription", subscription.id());
    let client = register_client(app, &admin, f.centre.id, "LINK intake", &[Role::CentreCoordinator]).await;
    ids.insert("client", client.id());

    // KoRus Midt's course, enrolment, facilitator link (confirmed), supervision session and
    // learning network; Kari's network meeting log at Verdal.
    let korus = t.organisation(OrganisationKind::CompetenceCentre, "KoRus Midt", None);
    let kbt = t.organisation(OrganisationKind::CompetenceCentre, "KBT", None);
    let verdal = t.municipality("Verdal kommune", "5038");
    let namsos = t.municipality("Namsos kommune", "5007");
    let adviser = t.token_as("radgiver@korus", korus.id, &[Role::CompetenceAdviser]);
    let kari = t.token_as("verdal-idp|kari", verdal.id, &[Role::Facilitator]);
    tokens.insert("kbt", t.token_as("radgiver@kbt", kbt.id, &[Role::CompetenceAdviser]));
    tokens.insert("colleague", t.token_as("verdal-idp|ola", verdal.id, &[Role::Facilitator]));
    tokens.insert("namsos", t.token(namsos.id, &[Role::MunicipalContact]));
    let course = created(app, "/api/v1/courses", &adviser, &json!({
        "title": "Nettverksmøter i praksis", "place": "Trondheim", "dates": ["2027-02-09"], "capacity": 10})).await;
    let course = course.id();
    let enrolment = created(app, &format!("/api/v1/courses/{course}/enrolments"), &adviser, &json!({
        "name": "Kari Nordmann", "work_email": "kari@verdal.kommune.no",
        "employer_organisation_id": verdal.id, "service": "psykisk helse og rus"})).await;
    ids.insert("enrolment", enrolment.id());
    ids.insert("course", course);
    let link = created(app, "/api/v1/facilitators", &adviser, &json!({
        "subject": "verdal-idp|kari", "name": "Kari Nordmann", "employer_organisation_id": verdal.id})).await;
    let link = link.id();
    let confirmed = post(app, &format!("/api/v1/facilitator-links/{link}/confirmation"), &kari, &json!({})).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text);
    ids.insert("link", link);
    let log = created(app, "/api/v1/network-meetings", &kari, &json!({
        "held_on": "2026-11-24", "municipality_number": "5038", "service": "Psykisk helse og rus",
        "suggested_by": "main_person", "main_person": {"age_group": "30_49", "chose_participants": true},
        "participants": {"family": 2}, "next_meeting": {"planned": false}})).await;
    ids.insert("network_meeting", log.id());
    let session = created(app, "/api/v1/supervision-sessions", &adviser, &json!({
        "held_on": "2026-12-01", "topics": ["Oppstart"],
        "facilitators": [{"employer_organisation_id": verdal.id, "subject": "verdal-idp|kari"}], "answers": []})).await;
    ids.insert("supervision_session", session.id());
    let network = created(app, "/api/v1/learning-networks", &adviser, &json!({
        "name": "Familienettverket", "target_group": "Familier med små barn",
        "starts_on": "2026-01-15", "ends_on": "2028-12-31", "steering_group": [{"name": "KoRus Midt"}],
        "members": [{"organisation_id": verdal.id, "service": "Helsestasjonen"}]})).await;
    let network_id = network.id();
    ids.insert("member", network.body["members"][0]["id"].as_str().unwrap().to_owned());
    let gathering = created(app, &format!("/api/v1/learning-networks/{network_id}/gatherings"), &adviser,
        &json!({"held_on": "2026-03-10", "place": "Værnes", "programme": []})).await;
    ids.insert("gathering", gathering.id());
    let task = created(app, &format!("/api/v1/learning-networks/{network_id}/improvement-tasks"), &adviser,
        &json!({"gathering_id": gathering.id(), "member_id": ids["member"], "title": "Felles rutine"})).await;
    ids.insert("improvement_task", task.id());
    ids.insert("network", network_id);

    dialogue_world(t, app, (&verdal, &korus), &mut ids, &mut tokens).await;
    // LINK Trondheim's proposal of an agreement to Verdal.
    let agreement = created(app, "/api/v1/collaboration-agreements", &f.coordinator, &json!({
        "partner_organisation_id": verdal.id, "refers": "Unge voksne", "feedback": "coarse",
        "centre_contact_role": "Koordinator", "partner_contact_role": "Veileder",
        "valid_from": day(0)})).await;
    ids.insert("agreement", agreement.id());
    // LINK Trondheim's information meeting, with Verdal invited.
    let outreach = created(app, "/api/v1/outreach-meetings", &f.coordinator, &json!({
        "kind": "information_meeting", "title": "Informasjonsmøte", "held_on": day(7),
        "digital": true, "invited": [verdal.id]})).await;
    ids.insert("outreach", outreach.id());

    World { f, admin, ids, tokens }
}

/// Trøndelag's governor's held meeting with Verdal, its action and finding, and Verdal's request
/// to KoRus Midt; Vestland's governor, who probes them.
#[rustfmt::skip]
async fn dialogue_world(
    t: &TestApp,
    app: &impl App,
    (verdal, korus): (&Organisation, &Organisation),
    ids: &mut BTreeMap<&'static str, String>,
    tokens: &mut BTreeMap<&'static str, String>,
) {
    let trondelag = t.organisation(OrganisationKind::CountyGovernor, "Statsforvalteren i Trøndelag", None);
    let vestland = t.organisation(OrganisationKind::CountyGovernor, "Statsforvalteren i Vestland", None);
    for (governor, county) in [(trondelag.id, "50"), (vestland.id, "46")] {
        diesel::RunQueryDsl::execute(
            diesel::sql_query("UPDATE organisations SET county_number = $2 WHERE id = $1")
                .bind::<diesel::sql_types::Uuid, _>(governor)
                .bind::<diesel::sql_types::Text, _>(county),
            &mut t.database.connect(),
        )
        .unwrap();
    }
    let governor = t.token(trondelag.id, &[Role::GovernorAdviser]);
    tokens.insert("vestland", t.token(vestland.id, &[Role::GovernorAdviser]));
    let meeting = created(app, "/api/v1/dialogue-meetings", &governor, &json!({
        "title": "Dialogmøte Innherred", "held_on": "2026-10-14", "place": "Verdal rådhus",
        "focus_areas": ["mental_health"], "programme": ["IS-24/8"],
        "municipalities": [verdal.id], "partners": [korus.id]})).await;
    let meeting = meeting.id();
    moved(app, &meeting_uri(&meeting), &governor, "held").await;
    let action = created(app, &format!("/api/v1/dialogue-meetings/{meeting}/actions"), &governor, &json!({
        "owner_organisation_id": verdal.id, "description": "Plan for brukermedvirkning",
        "due_on": "2027-03-01", "follow_up_digital": true})).await;
    ids.insert("action", action.id());
    let finding = created(app, &format!("/api/v1/dialogue-meetings/{meeting}/findings"), &governor, &json!({
        "municipality_id": verdal.id, "challenges": "Bemanning"})).await;
    ids.insert("finding", finding.id());
    ids.insert("meeting", meeting);
    let verdal_contact = t.token(verdal.id, &[Role::MunicipalContact]);
    let need = created(app, "/api/v1/collaboration-needs", &verdal_contact, &json!({
        "partner_organisation_id": korus.id, "topic": "Ettervern", "description": "Råd om ettervern"})).await;
    ids.insert("need", need.id());
    ids.insert("verdal", verdal.id.to_string());
    let grant = created(app, "/api/v1/grants", &governor, &json!({
        "funder_organisation_id": trondelag.id, "recipient_organisation_id": korus.id,
        "amount_nok": 100_000, "valid_from": "2026-09-01", "purpose": "Driftsmidler",
        "activities": [{"project": "Nettverksmøtekurs"}]})).await;
    ids.insert("grant", grant.id());

}

//! Outreach meetings: a centre plans a kommunemøte, holds it and notes what each invited
//! organisation wants; who sees which invitation, and every fault refused at once.

use actix_web::test::TestRequest;
use samhandling_domain::organisation::{Organisation, OrganisationKind};
use samhandling_domain::Role;
use samhandling_tests::groups::day;
use samhandling_tests::{
    authorized, created, fetched, get, ids, post, send, send_if_match, texts, TestApp,
};
use serde_json::{json, Value};

const ROUTE: &str = "/api/v1/outreach-meetings";

/// LINK Bergen, the organisations it invites, and a stranger.
struct Parties {
    centre: Organisation,
    coordinator: String,
    bergen: Organisation,
    bergen_contact: String,
    nav: Organisation,
    nav_referrer: String,
    askoy: Organisation,
    askoy_contact: String,
    stranger: String,
}

fn parties(t: &TestApp) -> Parties {
    let centre = t.organisation(
        OrganisationKind::SelfHelpCentre,
        "LINK Bergen",
        Some("4601"),
    );
    let bergen = t.municipality("Bergen kommune", "4601");
    let nav = t.organisation(OrganisationKind::NavOffice, "NAV Årstad", Some("4601"));
    let askoy = t.municipality("Askøy kommune", "4627");
    let oslo = t.organisation(OrganisationKind::SelfHelpCentre, "LINK Oslo", Some("0301"));
    Parties {
        coordinator: t.token(centre.id, &[Role::CentreCoordinator]),
        bergen_contact: t.token(bergen.id, &[Role::MunicipalContact]),
        nav_referrer: t.token(nav.id, &[Role::Referrer]),
        askoy_contact: t.token(askoy.id, &[Role::Referrer]),
        stranger: t.token(oslo.id, &[Role::CentreCoordinator]),
        centre,
        bergen,
        nav,
        askoy,
    }
}

/// LINK Bergen's kommunemøte `days` from today, inviting Bergen, NAV Årstad and Askøy.
fn plan(p: &Parties, days: i64) -> Value {
    json!({
        "kind": "municipal_meeting",
        "title": "Kommunemøte om selvhjelp",
        "held_on": day(days),
        "place": "LINK Bergen",
        "programme": [
            {"title": "Hva er LINK?", "speaker_organisation_id": p.centre.id, "speaker_role": "Daglig leder"},
            {"title": "Min historie", "speaker_organisation_id": p.centre.id, "speaker_role": "Deltaker"},
            {"title": "Samarbeid med NAV", "speaker_organisation_id": p.nav.id},
        ],
        "invited": [p.bergen.id, p.nav.id, p.askoy.id],
    })
}

/// Sends `body` to `uri` (relative to the meeting at `meeting`) with the version `token` reads
/// first.
async fn change(
    app: &impl samhandling_tests::App,
    meeting: &str,
    request: TestRequest,
    token: &str,
    body: &Value,
) -> samhandling_tests::Reply {
    let read = fetched(app, meeting, token).await;
    send_if_match(app, request, token, read.header("etag"), body).await
}

/// Moves the meeting at `meeting` with `body` (the status `to` and what the move records), with
/// the version `token` reads first.
async fn move_meeting(
    app: &impl samhandling_tests::App,
    meeting: &str,
    token: &str,
    body: &Value,
) -> samhandling_tests::Reply {
    let request = TestRequest::post().uri(&format!("{meeting}/transitions"));
    change(app, meeting, request, token, body).await
}

/// Changes the plan of the meeting at `meeting` with `body`, with the version `token` reads
/// first.
async fn amend(
    app: &impl samhandling_tests::App,
    meeting: &str,
    token: &str,
    body: &Value,
) -> samhandling_tests::Reply {
    change(app, meeting, TestRequest::patch().uri(meeting), token, body).await
}

/// Plans a meeting `days` from today and marks it held with Bergen and NAV Årstad present;
/// returns its URI.
async fn held(app: &impl samhandling_tests::App, p: &Parties, days: i64) -> String {
    let planned = created(app, ROUTE, &p.coordinator, &plan(p, days)).await;
    let uri = planned.header("location").unwrap().to_owned();
    let moved = move_meeting(
        app,
        &uri,
        &p.coordinator,
        &json!({"to": "held", "present": [p.bergen.id, p.nav.id]}),
    )
    .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    uri
}

/// Records `body` as the invitation of `organisation` at `meeting`, as the coordinator.
async fn record(
    app: &impl samhandling_tests::App,
    p: &Parties,
    meeting: &str,
    organisation: &Organisation,
    body: &Value,
) -> samhandling_tests::Reply {
    let uri = format!("{meeting}/invitations/{}", organisation.id);
    change(
        app,
        meeting,
        TestRequest::put().uri(&uri),
        &p.coordinator,
        body,
    )
    .await
}

#[actix_web::test]
async fn a_centre_plans_holds_and_follows_up_a_kommunemote() {
    let (t, app, p) = TestApp::started(parties).await;
    let request = || {
        authorized(TestRequest::post().uri(ROUTE), &p.coordinator)
            .insert_header(("Idempotency-Key", "kommunemote-1"))
            .set_json(plan(&p, 14))
    };
    let planned = send(&app, request()).await;
    assert_eq!(planned.status, 201, "{}", planned.text);
    assert_eq!(planned.body["status"], "planned");
    assert_eq!(planned.body["organiser_id"], json!(p.centre.id));
    assert_eq!(
        planned.body["allowed_transitions"],
        json!(["held", "cancelled"])
    );
    assert_eq!(
        planned.body["invitations"].as_array().map(Vec::len),
        Some(3)
    );
    assert_eq!(planned.body["programme"][1]["speaker_role"], "Deltaker");
    // A retry with the same key answers the first response and stores nothing more.
    let again = send(&app, request()).await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.body["id"], planned.body["id"]);
    let count = "SELECT count(*) AS count FROM outreach_meetings";
    assert_eq!(t.database.count(count), 1);

    // Not held before its date; a change while planned moves it to today.
    let uri = planned.header("location").unwrap().to_owned();
    let early = move_meeting(&app, &uri, &p.coordinator, &json!({"to": "held"})).await;
    let problem = early.assert_problem(422);
    assert_eq!(texts(&problem["errors"], "field"), vec!["to"]);
    let moved = amend(
        &app,
        &uri,
        &p.coordinator,
        &json!({"held_on": day(0), "digital": true}),
    )
    .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.body["held_on"], day(0));
    let held = move_meeting(
        &app,
        &uri,
        &p.coordinator,
        &json!({"to": "held", "present": [p.bergen.id]}),
    )
    .await;
    assert_eq!(held.status, 200, "{}", held.text);
    assert_eq!(held.body["allowed_transitions"], json!([]));
    let recorded = record(
        &app,
        &p,
        &uri,
        &p.bergen,
        &json!({
            "present": true,
            "follow_up": {"outcome": "interested", "on": day(0), "note": "Vil ha tilbakemelding"},
        }),
    )
    .await;
    assert_eq!(recorded.status, 200, "{}", recorded.text);
    let bergen = recorded.body["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["organisation_id"] == json!(p.bergen.id))
        .cloned()
        .unwrap();
    assert_eq!(bergen["present"], true);
    assert_eq!(bergen["follow_up"]["outcome"], "interested");
    // Held is final: a change of plan is 409, and so is cancelling.
    let replan = amend(&app, &uri, &p.coordinator, &json!({"title": "Nytt navn"})).await;
    replan.assert_problem(409);
    let cancel = move_meeting(&app, &uri, &p.coordinator, &json!({"to": "cancelled"})).await;
    let problem = cancel.assert_problem(409);
    assert_eq!(problem["allowed_transitions"], json!([]));
    assert!(t.database.events("transitioned", &planned.id()) >= 1);
}

#[actix_web::test]
async fn a_plan_lists_every_fault_and_stores_nothing() {
    let (t, app, p) = TestApp::started(parties).await;
    let unknown = uuid::Uuid::now_v7();
    let mut body = plan(&p, 7);
    body["programme"][2]["speaker_organisation_id"] = json!(unknown);
    body["programme"][0]["speaker_organisation_id"] = json!(unknown);
    body["invited"] = json!([p.bergen.id, unknown, p.centre.id, p.bergen.id]);
    body["held_on"] = json!(day(3 * 365));
    // The text types refuse first; with the texts right, the rules across records are listed.
    body["programme"][1]["speaker_role"] = json!("Kari Nordmann 01010150074");
    let refused = post(&app, ROUTE, &p.coordinator, &body).await;
    let problem = refused.assert_problem(422);
    assert_eq!(
        texts(&problem["errors"], "field"),
        vec!["programme[1].speaker_role"]
    );
    assert!(!refused.text.contains("01010150074"));
    body["programme"][1]["speaker_role"] = json!("Deltaker");
    let refused = post(&app, ROUTE, &p.coordinator, &body).await;
    let problem = refused.assert_problem(422);
    let mut fields = texts(&problem["errors"], "field");
    fields.sort_unstable();
    assert_eq!(
        fields,
        vec![
            "held_on",
            "invited[1]",
            "invited[2]",
            "invited[3]",
            "programme[0].speaker_organisation_id",
            "programme[2].speaker_organisation_id",
        ],
        "{}",
        refused.text
    );
    // Not digital and no place.
    let mut placeless = plan(&p, 7);
    placeless.as_object_mut().unwrap().remove("place");
    let refused = post(&app, ROUTE, &p.coordinator, &placeless).await;
    let problem = refused.assert_problem(422);
    assert_eq!(texts(&problem["errors"], "field"), vec!["place"]);
    // Only an organiser's role plans one.
    post(&app, ROUTE, &p.bergen_contact, &plan(&p, 7))
        .await
        .assert_problem(403);
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM outreach_meetings"),
        0
    );
}

#[actix_web::test]
async fn presence_names_only_the_invited_and_a_follow_up_only_the_pairs_agreement() {
    let (t, app, p) = TestApp::started(parties).await;
    let planned = created(&app, ROUTE, &p.coordinator, &plan(&p, 0)).await;
    let uri = planned.header("location").unwrap().to_owned();
    let stranger_org = t.municipality("Bjørnafjorden kommune", "4624");
    let refused = move_meeting(
        &app,
        &uri,
        &p.coordinator,
        &json!({"to": "held", "present": [p.bergen.id, stranger_org.id, p.centre.id]}),
    )
    .await;
    let problem = refused.assert_problem(422);
    assert_eq!(
        texts(&problem["errors"], "field"),
        vec!["present[1]", "present[2]"]
    );
    // A follow-up before the meeting is held is 409.
    let early = record(&app, &p, &uri, &p.nav, &json!({"present": true})).await;
    early.assert_problem(409);

    let uri = held(&app, &p, 0).await;
    // LINK Bergen's own agreement with NAV Årstad, and LINK Oslo's with NAV Årstad.
    let ours = agreement(&app, &p.coordinator, &p.nav).await;
    let theirs = agreement(&app, &p.stranger, &p.nav).await;
    // NAV Årstad present, followed up with `outcome` `days` from today naming `agreement`.
    let agreed = |outcome: &str, days: i64, agreement: &str| {
        json!({"present": true,
        "follow_up": {"outcome": outcome, "on": day(days), "agreement_id": agreement}})
    };
    let foreign = record(
        &app,
        &p,
        &uri,
        &p.nav,
        &agreed("agreement_made", 0, &theirs),
    )
    .await;
    let problem = foreign.assert_problem(422);
    assert_eq!(
        texts(&problem["errors"], "field"),
        vec!["follow_up.agreement_id"]
    );
    // Nor before the meeting, nor an agreement with another outcome.
    let muddled = record(&app, &p, &uri, &p.nav, &agreed("not_now", -1, &ours)).await;
    let problem = muddled.assert_problem(422);
    let mut fields = texts(&problem["errors"], "field");
    fields.sort_unstable();
    assert_eq!(fields, vec!["follow_up.agreement_id", "follow_up.on"]);
    let made = record(&app, &p, &uri, &p.nav, &agreed("agreement_made", 0, &ours)).await;
    assert_eq!(made.status, 200, "{}", made.text);
    // An organisation not invited has no invitation to record.
    record(&app, &p, &uri, &stranger_org, &json!({"present": true}))
        .await
        .assert_problem(404);
}

/// Proposes an agreement to `partner` as the centre coordinator `token`; returns its id.
async fn agreement(
    app: &impl samhandling_tests::App,
    token: &str,
    partner: &Organisation,
) -> String {
    created(
        app,
        "/api/v1/collaboration-agreements",
        token,
        &json!({
        "partner_organisation_id": partner.id, "refers": "Mottakere av AAP", "feedback": "coarse",
        "centre_contact_role": "Koordinator", "partner_contact_role": "Veileder",
        "valid_from": day(0)}),
    )
    .await
    .id()
}

#[actix_web::test]
async fn an_invited_organisation_sees_its_own_invitation_and_a_stranger_nothing() {
    let (t, app, p) = TestApp::started(parties).await;
    let uri = held(&app, &p, 0).await;
    for (organisation, outcome, note) in [
        (
            &p.bergen,
            "interested",
            "Ønsker tilbakemelding på henvisninger",
        ),
        (&p.askoy, "not_now", "Tar det opp igjen til høsten"),
    ] {
        let noted = record(
            &app,
            &p,
            &uri,
            organisation,
            &json!({"present": true,
            "follow_up": {"outcome": outcome, "on": day(0), "note": note}}),
        )
        .await;
        assert_eq!(noted.status, 200, "{}", noted.text);
    }
    let id = uri.rsplit('/').next().unwrap().to_owned();

    // Bergen sees the meeting and its own invitation, never Askøy's follow-up.
    let seen = fetched(&app, &uri, &p.bergen_contact).await;
    assert_eq!(seen.body["programme"].as_array().map(Vec::len), Some(3));
    assert_eq!(seen.body["allowed_transitions"], json!([]));
    let invitations = seen.body["invitations"].as_array().unwrap();
    assert_eq!(invitations.len(), 1);
    assert_eq!(invitations[0]["organisation_id"], json!(p.bergen.id));
    assert_eq!(invitations[0]["follow_up"]["outcome"], "interested");
    seen.assert_hides("Bergen", &["Tar det opp igjen", &p.askoy.id.to_string()]);
    let listed = get(&app, ROUTE, &p.askoy_contact).await;
    assert_eq!(ids(&listed.body), vec![id.clone()]);
    listed.assert_hides(
        "Askøy",
        &["Ønsker tilbakemelding", &p.bergen.id.to_string()],
    );
    // NAV Årstad, invited without a follow-up yet, sees its presence.
    let nav = get(&app, &uri, &p.nav_referrer).await;
    assert_eq!(nav.body["invitations"][0]["present"], true);
    assert_eq!(nav.body["invitations"][0]["follow_up"], Value::Null);
    // An invited organisation's contact does not change it: not an organiser's role.
    let patched = amend(&app, &uri, &p.bergen_contact, &json!({"title": "Kapret"})).await;
    patched.assert_problem(403);

    // A stranger gets 404 on every path, and each leaves a trace; its list is empty.
    let before = t.database.events("access_denied", &id);
    let denied = get(&app, &uri, &p.stranger).await;
    denied.assert_problem(404);
    denied.assert_hides("a stranger", &["Kommunemøte", "Ønsker tilbakemelding"]);
    let moved = send_if_match(
        &app,
        TestRequest::post().uri(&format!("{uri}/transitions")),
        &p.stranger,
        Some("*"),
        &json!({"to": "cancelled"}),
    )
    .await;
    moved.assert_problem(404);
    assert_eq!(t.database.events("access_denied", &id), before + 2);
    let listed = get(&app, ROUTE, &p.stranger).await;
    assert_eq!(ids(&listed.body), Vec::<String>::new());
}

#[actix_web::test]
async fn changes_need_the_version_read() {
    let (_t, app, p) = TestApp::started(parties).await;
    let planned = created(&app, ROUTE, &p.coordinator, &plan(&p, 7)).await;
    let uri = planned.header("location").unwrap().to_owned();
    let body = json!({"title": "Informasjonsmøte"});
    let bare = send_if_match(
        &app,
        TestRequest::patch().uri(&uri),
        &p.coordinator,
        None,
        &body,
    )
    .await;
    bare.assert_problem(428);
    let first = send_if_match(
        &app,
        TestRequest::patch().uri(&uri),
        &p.coordinator,
        Some("\"1\""),
        &body,
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.header("etag"), Some("\"2\""));
    let stale = send_if_match(
        &app,
        TestRequest::post().uri(&format!("{uri}/transitions")),
        &p.coordinator,
        Some("\"1\""),
        &json!({"to": "cancelled"}),
    )
    .await;
    stale.assert_problem(412);
    let bare = send_if_match(
        &app,
        TestRequest::put().uri(&format!("{uri}/invitations/{}", p.bergen.id)),
        &p.coordinator,
        None,
        &json!({"present": true}),
    )
    .await;
    bare.assert_problem(428);
}

//! The county governor's dialogue meetings: a county's governor plans and records them, each
//! municipality sees its own part and never a risk assessment, partners see the meeting and the
//! findings shared with them, without risk.

use actix_web::test::TestRequest;
use samhandling_domain::organisation::{Organisation, OrganisationKind};
use samhandling_domain::Role;
use samhandling_jobs::overdue_actions;
use samhandling_tests::dialogue::meeting_uri;
use samhandling_tests::receiver::Receiver;
use samhandling_tests::webhooks::{deliver, deliverer, subscribe_to};
use samhandling_tests::{
    assert_not_found, authorized, client_token, created, fetched, get, moved, post, send,
    send_if_match, texts, try_move, App, TestApp,
};
use serde_json::{json, Value};

/// Statsforvalteren i Trøndelag (county 50), the four Innherred and Namdal municipalities, Bergen,
/// and a partner, with their tokens.
struct Trondelag {
    governor: String,
    municipalities: Vec<Organisation>,
    contacts: Vec<String>,
    bergen: Organisation,
    partner: String,
    partner_id: uuid::Uuid,
    admin: String,
}

fn trondelag(t: &TestApp) -> Trondelag {
    let governor = t.organisation(
        OrganisationKind::CountyGovernor,
        "Statsforvalteren i Trøndelag",
        None,
    );
    let mut conn = t.database.connect();
    diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE organisations SET county_number = '50' WHERE id = $1")
            .bind::<diesel::sql_types::Uuid, _>(governor.id),
        &mut conn,
    )
    .unwrap();
    let municipalities: Vec<Organisation> = [
        ("Levanger kommune", "5037"),
        ("Verdal kommune", "5038"),
        ("Steinkjer kommune", "5006"),
        ("Namsos kommune", "5007"),
    ]
    .iter()
    .map(|(name, number)| t.organisation(OrganisationKind::Municipality, name, Some(number)))
    .collect();
    let contacts = municipalities
        .iter()
        .map(|m| t.token(m.id, &[Role::MunicipalContact]))
        .collect();
    let bergen = t.municipality("Bergen kommune", "4601");
    let korus = t.organisation(OrganisationKind::CompetenceCentre, "KoRus Midt", None);
    Trondelag {
        governor: t.token(governor.id, &[Role::GovernorAdviser]),
        municipalities,
        contacts,
        bergen,
        partner: t.token(korus.id, &[Role::CompetenceAdviser]),
        partner_id: korus.id,
        admin: t.admin_token(),
    }
}

fn meeting_body(municipalities: &[&Organisation], partners: &[uuid::Uuid]) -> Value {
    json!({
        "title": "Dialogmøte Innherred og Namdal",
        "held_on": "2026-10-14",
        "place": "Levanger rådhus",
        "focus_areas": ["substance_abuse", "mental_health"],
        "programme": ["Kommunene presenterer sitt arbeid", "IS-24/8"],
        "municipalities": municipalities.iter().map(|m| m.id).collect::<Vec<_>>(),
        "partners": partners,
    })
}

/// Plans and holds the Namsos-area meeting with KoRus as partner; returns its id.
async fn held_meeting(app: &impl App, d: &Trondelag) -> String {
    let all: Vec<&Organisation> = d.municipalities.iter().collect();
    let created = created(
        app,
        "/api/v1/dialogue-meetings",
        &d.governor,
        &meeting_body(&all, &[d.partner_id]),
    )
    .await;
    assert_eq!(created.body["view"], "governor");
    let id = created.body["id"].as_str().unwrap().to_owned();
    moved(app, &meeting_uri(&id), &d.governor, "held").await;
    id
}

#[actix_web::test]
async fn a_meeting_with_the_four_namsos_area_municipalities_and_what_each_party_sees() {
    let (t, app, d) = TestApp::started(trondelag).await;
    let id = held_meeting(&app, &d).await;
    let [levanger, verdal, ..] = &d.municipalities[..] else {
        unreachable!()
    };

    // Levanger's finding is withheld from the partners; Verdal's is shared.
    for (municipality, risk, shared) in [(levanger, "high", false), (verdal, "low", true)] {
        let finding = created(
            &app,
            &format!("/api/v1/dialogue-meetings/{id}/findings"),
            &d.governor,
            &json!({
                "municipality_id": municipality.id,
                "strengths": format!("{} har godt samarbeid med brukerorganisasjonene.", municipality.name),
                "challenges": format!("Utfordring i {}", municipality.name),
                "collaboration_needs": [{"partner_kind": "competence_centre", "description": "Opplæring"}],
                "risk": {"level": risk, "rationale": format!("Vurdering av {}", municipality.name)},
                "shared_with_partners": shared
            }),
        ).await;
        assert_eq!(finding.body["risk"]["level"], risk);
    }
    let again = post(
        &app,
        &format!("/api/v1/dialogue-meetings/{id}/findings"),
        &d.governor,
        &json!({"municipality_id": levanger.id, "strengths": "igjen"}),
    )
    .await;
    again.assert_problem(409);

    created(
        &app,
        &format!("/api/v1/dialogue-meetings/{id}/attendees"),
        &d.governor,
        &json!({"municipality_id": verdal.id, "role": "unit_leader", "title": "Enhetsleder psykisk helse og rus"}),
    ).await;
    let governor = get(&app, &meeting_uri(&id), &d.governor).await;
    assert_eq!(governor.body["attendees"][0]["role"], "unit_leader");
    assert_eq!(governor.body["view"], "governor");
    assert_eq!(governor.body["municipalities"].as_array().unwrap().len(), 4);
    assert_eq!(governor.body["findings"].as_array().unwrap().len(), 2);
    assert!(governor.text.contains("risk"));

    // Verdal's contact sees its own finding only, and no risk assessment at all: in the JSON.
    let seen = fetched(&app, &meeting_uri(&id), &d.contacts[1]).await;
    assert_eq!(seen.body["view"], "municipality");
    let findings = seen.body["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["municipality_id"], verdal.id.to_string());
    assert!(findings[0].get("risk").is_none());
    seen.assert_hides(
        "Verdal",
        &[
            "Levanger kommune",
            "risk",
            "\"high\"",
            "Vurdering",
            "\"low\"",
        ],
    );

    let partner = get(&app, &meeting_uri(&id), &d.partner).await;
    assert_eq!(partner.body["view"], "partner");
    // The partner sees the shared finding's challenges, never a risk or a strength, and not
    // the withheld finding at all.
    let shared = partner.body["findings"].as_array().unwrap();
    assert_eq!(shared.len(), 1, "{}", partner.text);
    assert_eq!(shared[0]["municipality_id"], verdal.id.to_string());
    assert_eq!(shared[0]["challenges"], "Utfordring i Verdal kommune");
    partner.assert_hides(
        "the partner",
        &[
            "risk",
            "Vurdering",
            "Utfordring i Levanger",
            "strengths",
            "samarbeid",
        ],
    );

    let outsider = t.municipality("Frøya kommune", "5014");
    let frøya = t.token(outsider.id, &[Role::MunicipalContact]);
    get(&app, &meeting_uri(&id), &frøya)
        .await
        .assert_problem(404);
    let listed = get(&app, "/api/v1/dialogue-meetings", &frøya).await;
    assert_eq!(listed.body["items"], json!([]));
    let listed = get(&app, "/api/v1/dialogue-meetings", &d.contacts[0]).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn a_meeting_with_bergen_is_422_for_the_trondelag_governor() {
    let (_t, app, d) = TestApp::started(trondelag).await;
    let refused = post(
        &app,
        "/api/v1/dialogue-meetings",
        &d.governor,
        &meeting_body(&[&d.municipalities[0], &d.bergen], &[]),
    )
    .await;
    refused.assert_invalid("municipalities[1]", "outside_county");
    let listed = get(&app, "/api/v1/dialogue-meetings", &d.governor).await;
    assert_eq!(listed.body["items"], json!([]), "nothing was stored");
}

#[actix_web::test]
async fn an_evaluation_is_submitted_once() {
    let (t, app, d) = TestApp::started(trondelag).await;
    let id = held_meeting(&app, &d).await;
    let uri = format!("/api/v1/dialogue-meetings/{id}/evaluations");
    created(
        &app,
        &uri,
        &d.contacts[2],
        &json!({"rating": 4, "comments": "Nyttig."}),
    )
    .await;
    let second = post(&app, &uri, &d.contacts[2], &json!({"rating": 5})).await;
    assert_eq!(
        second.assert_problem(409)["detail"],
        "your municipality has evaluated this meeting already"
    );
    let outsider = t.municipality("Hitra kommune", "5056");
    post(
        &app,
        &uri,
        &t.token(outsider.id, &[Role::MunicipalContact]),
        &json!({"rating": 1}),
    )
    .await
    .assert_problem(404);
}

#[actix_web::test]
async fn the_basis_refuses_unknown_codes_and_text_and_compares_with_the_year_before() {
    let (_t, app, d) = TestApp::started(trondelag).await;
    let id = held_meeting(&app, &d).await;
    for (year, variables) in [
        (
            2025,
            json!({"arsverk_psykisk_helse": {"label": "Årsverk i psykisk helsearbeid", "unit": "årsverk"}}),
        ),
        (
            2026,
            json!({
                "arsverk_psykisk_helse": {"label": "Årsverk i psykisk helsearbeid", "unit": "årsverk"},
                "arsverk_rus": {"label": "Årsverk i rusarbeid", "unit": "årsverk"}
            }),
        ),
    ] {
        let loaded = send(
            &app,
            authorized(
                TestRequest::put().uri(&format!("/api/v1/is24-questionnaires/{year}")),
                &d.admin,
            )
            .set_json(json!({"variables": variables})),
        )
        .await;
        assert_eq!(loaded.status, 200, "{}", loaded.text);
    }
    let levanger = d.municipalities[0].id;
    let uri = format!("/api/v1/dialogue-meetings/{id}/basis");
    let unknown = post(
        &app,
        &uri,
        &d.governor,
        &json!({"municipality_id": levanger, "report_year": 2025, "figures": {"arsverk_rus": 3}}),
    )
    .await;
    unknown.assert_invalid("figures.arsverk_rus", "unknown_variable");
    let text = post(
        &app,
        &uri,
        &d.governor,
        &json!({"municipality_id": levanger, "report_year": 2026, "figures": {"arsverk_rus": "mange"}}),
    )
    .await;
    assert_eq!(
        text.assert_problem(422)["errors"][0]["code"],
        "not_a_number"
    );

    for (year, figures) in [
        (2025, json!({"arsverk_psykisk_helse": 10.0})),
        (
            2026,
            json!({"arsverk_psykisk_helse": 12.5, "arsverk_rus": 4}),
        ),
    ] {
        let recorded = post(
            &app,
            &uri,
            &d.governor,
            &json!({"municipality_id": levanger, "report_year": year, "figures": figures}),
        )
        .await;
        assert_eq!(recorded.status, 204, "{}", recorded.text);
    }
    let basis = fetched(&app, &uri, &d.contacts[0]).await;
    let figures = &basis.body["items"][0]["figures"];
    assert_eq!(basis.body["items"][0]["report_year"], 2026);
    assert_eq!(figures[0]["code"], "arsverk_psykisk_helse");
    assert_eq!(figures[0]["previous_year"], 10.0);
    assert_eq!(figures[0]["change"], 2.5);
    assert_eq!(
        figures[1]["previous_year"],
        Value::Null,
        "no 2025 figure for rus"
    );
    let verdal = get(&app, &uri, &d.contacts[1]).await;
    assert_eq!(
        verdal.body["items"],
        json!([]),
        "Verdal sees only its own figures"
    );
}

#[actix_web::test]
async fn overdue_actions_are_listed_across_municipalities_and_moved_by_their_owner() {
    let (_t, app, d) = TestApp::started(trondelag).await;
    let id = held_meeting(&app, &d).await;
    let uri = format!("/api/v1/dialogue-meetings/{id}/actions");
    let mut actions = Vec::new();
    for (owner, due) in [
        (d.municipalities[0].id, "2026-11-01"),
        (d.municipalities[3].id, "2026-11-15"),
        (d.municipalities[1].id, "2099-01-01"),
    ] {
        let created = created(
            &app,
            &uri,
            &d.governor,
            &json!({"owner_organisation_id": owner, "description": "Plan for brukermedvirkning", "due_on": due, "follow_up_digital": true}),
        ).await;
        actions.push(format!("/api/v1/follow-up-actions/{}", created.id()));
    }
    let overdue = get(&app, "/api/v1/follow-up-actions?overdue=true", &d.governor).await;
    let owners = texts(&overdue.body["items"], "owner_organisation_id");
    assert_eq!(
        owners,
        [
            d.municipalities[0].id.to_string(),
            d.municipalities[3].id.to_string()
        ]
    );
    let own = get(
        &app,
        "/api/v1/follow-up-actions?overdue=true",
        &d.contacts[0],
    )
    .await;
    assert_eq!(
        own.body["items"].as_array().unwrap().len(),
        1,
        "Levanger's own"
    );

    let done = moved(&app, &actions[0], &d.contacts[0], "done").await;
    assert_eq!(done.body["overdue"], false);
    try_move(&app, &actions[1], &d.contacts[0], "done")
        .await
        .assert_problem(404);
    try_move(&app, &actions[0], &d.contacts[0], "open")
        .await
        .assert_problem(409);

    let timeline = fetched(&app, "/api/v1/municipalities/5037/dialogue", &d.contacts[0]).await;
    let kinds = texts(&timeline.body["items"], "kind");
    assert_eq!(kinds, ["meeting", "action"]);
    get(&app, "/api/v1/municipalities/5037/dialogue", &d.contacts[1])
        .await
        .assert_problem(404);
    let governor = get(
        &app,
        "/api/v1/municipalities/5037/dialogue?limit=1",
        &d.governor,
    )
    .await;
    assert!(governor.body["next_cursor"].is_string());

    let stats = fetched(
        &app,
        "/api/v1/statistics/dialogue?county_number=50",
        &d.governor,
    )
    .await;
    assert_eq!(stats.body["years"][0]["meetings_held"], 1);
    assert_eq!(stats.body["years"][0]["actions_opened"], 3);
    assert_eq!(stats.body["years"][0]["actions_overdue"], 1);
    // Municipalities are organisations, not people: four are shown as four.
    assert_eq!(
        stats.body["municipalities_reached"]["rows"][0]["cells"][0]["count"],
        4
    );
    // A county is a view of the table for every county: the same cells, and its column totals
    // only where they are sums of shown figures.
    let everywhere = get(&app, "/api/v1/statistics/dialogue", &d.governor).await;
    let row = |body: &serde_json::Value| {
        body["evaluations"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["label"] == "50")
            .cloned()
            .unwrap()
    };
    assert_eq!(row(&stats.body), row(&everywhere.body));
}

/// A municipality's own system hears, once, that an action it owns is overdue: the sweep tells it
/// on the first day after the due date (not on the day), never again however often it runs or the
/// action moves between open and in progress, and never of another municipality's action or of
/// one done in time. The body carries ids and the date, not what the action says.
#[actix_web::test]
async fn a_municipalitys_system_is_told_once_that_its_action_is_overdue() {
    let (t, app, d) = TestApp::with_local_webhooks().serve(trondelag).await;
    let meeting = held_meeting(&app, &d).await;
    let (levanger, verdal) = (d.municipalities[0].id, d.municipalities[1].id);
    let system = client_token(&app, &d.admin, levanger, &[Role::MunicipalContact]).await;
    let receiver = Receiver::start(0);
    let subscribed = subscribe_to(&app, &system, &receiver.url, "follow_up_action_overdue").await;
    assert_eq!(subscribed.status, 201, "{}", subscribed.text);

    let due = chrono::Utc::now().date_naive() + chrono::TimeDelta::days(10);
    let mut actions = Vec::new();
    for owner in [levanger, levanger, verdal] {
        let action = created(
            &app,
            &format!("/api/v1/dialogue-meetings/{meeting}/actions"),
            &d.governor,
            &json!({"owner_organisation_id": owner, "description": "Plan for brukermedvirkning",
                    "due_on": due, "follow_up_digital": false}),
        )
        .await;
        actions.push(format!("/api/v1/follow-up-actions/{}", action.id()));
    }
    moved(&app, &actions[1], &d.contacts[0], "done").await;

    let db = t.state.database.pool();
    let day = |days| due + chrono::TimeDelta::days(days);
    assert_eq!(overdue_actions::sweep(db, day(0)).unwrap(), 0, "due today");
    assert_eq!(
        overdue_actions::sweep(db, day(1)).unwrap(),
        2,
        "Levanger's open action and Verdal's"
    );
    assert_eq!(overdue_actions::sweep(db, day(1)).unwrap(), 0, "told once");
    moved(&app, &actions[0], &d.contacts[0], "in_progress").await;
    assert_eq!(
        overdue_actions::sweep(db, day(2)).unwrap(),
        0,
        "still told once"
    );

    let deliverer = deliverer(&t);
    assert_eq!(deliver(&deliverer).await, 1);
    assert_eq!(deliver(&deliverer).await, 0);
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let told = received[0].json();
    let action_id = actions[0].rsplit('/').next().unwrap();
    assert_eq!(
        told,
        json!({"type": "follow_up_action_overdue", "timestamp": told["timestamp"],
               "data": {"follow_up_action": {
                   "id": action_id, "meeting_id": meeting, "due_on": due.to_string()}}})
    );
    assert!(!String::from_utf8_lossy(&received[0].body).contains("brukermedvirkning"));
    let log = get(
        &app,
        &format!(
            "/api/v1/webhook-subscriptions/{}/deliveries",
            subscribed.id()
        ),
        &system,
    )
    .await;
    assert_eq!(
        log.body["items"].as_array().unwrap().len(),
        1,
        "{}",
        log.text
    );
    assert_eq!(
        log.body["items"][0]["event_type"],
        "follow_up_action_overdue"
    );
    assert_eq!(log.body["items"][0]["payload"], told);
    receiver.stop().await;
}

#[actix_web::test]
async fn a_county_governor_is_given_its_county_number_and_no_one_else_is() {
    let (t, app, admin) = TestApp::started(TestApp::admin_token).await;
    let governor = created(
        &app,
        "/api/v1/organisations",
        &admin,
        &json!({"kind": "county_governor", "name": "Statsforvalteren i Vestland", "county_number": "46"}),
    )
    .await;
    assert_eq!(governor.body["county_number"], "46");
    let municipality = post(
        &app,
        "/api/v1/organisations",
        &admin,
        &json!({"kind": "municipality", "name": "Askøy kommune", "municipality_number": "4627", "county_number": "46"}),
    )
    .await;
    assert_eq!(
        municipality.assert_problem(422)["errors"][0]["field"],
        "county_number"
    );
    let bergen = t.municipality("Bergen kommune", "4601");
    let token = t.token(
        uuid::Uuid::parse_str(governor.body["id"].as_str().unwrap()).unwrap(),
        &[Role::GovernorAdviser],
    );
    let planned = post(
        &app,
        "/api/v1/dialogue-meetings",
        &token,
        &meeting_body(&[&bergen], &[]),
    )
    .await;
    assert_eq!(
        planned.status, 201,
        "Vestland's governor meets Bergen: {}",
        planned.text
    );
    assert_eq!(planned.body["county_number"], "46");
}

#[actix_web::test]
async fn an_evaluation_retried_with_its_idempotency_key_is_answered_as_the_first_time() {
    let (t, app, d) = TestApp::started(trondelag).await;
    let id = held_meeting(&app, &d).await;
    let uri = format!("/api/v1/dialogue-meetings/{id}/evaluations");
    let submit = |body: Value| {
        authorized(TestRequest::post().uri(&uri), &d.contacts[1])
            .insert_header(("Idempotency-Key", "verdal-evaluering-1"))
            .set_json(body)
    };
    let body = json!({"rating": 5, "comments": "Godt forberedt."});
    let first = send(&app, submit(body.clone())).await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(
        first.header("location"),
        Some(meeting_uri(&id).as_str()),
        "the meeting that shows the evaluation"
    );
    let again = send(&app, submit(body)).await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    let other = send(&app, submit(json!({"rating": 2}))).await;
    other.assert_problem(422);
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM dialogue_evaluations"),
        1
    );
    let shown = get(&app, &meeting_uri(&id), &d.contacts[1]).await;
    assert_eq!(shown.body["evaluations"][0]["id"], first.body["id"]);
    assert_eq!(t.database.events("updated", &id), 1, "audited once");
}

#[actix_web::test]
async fn a_county_has_one_county_governor() {
    let (t, app, admin) = TestApp::started(TestApp::admin_token).await;
    let first = created(
        &app,
        "/api/v1/organisations",
        &admin,
        &json!({"kind": "county_governor", "name": "Statsforvalteren i Vestland", "county_number": "46"}),
    )
    .await;
    let second = post(
        &app,
        "/api/v1/organisations",
        &admin,
        &json!({"kind": "county_governor", "name": "Statsforvalteren i Vestland (kopi)", "county_number": "46"}),
    )
    .await;
    assert_eq!(
        second.assert_problem(409)["detail"],
        "a county governor for this county_number is already registered"
    );
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM organisations WHERE kind = 'county_governor'"),
        1,
        "nothing stored"
    );
    let rogaland = created(
        &app,
        "/api/v1/organisations",
        &admin,
        &json!({"kind": "county_governor", "name": "Statsforvalteren i Rogaland", "county_number": "11"}),
    )
    .await;
    let moved = send_if_match(
        &app,
        TestRequest::patch().uri(&format!("/api/v1/organisations/{}", rogaland.id())),
        &admin,
        Some(rogaland.header("etag").unwrap()),
        &json!({"county_number": "46"}),
    )
    .await;
    assert_eq!(
        moved.assert_problem(409)["detail"],
        "a county governor for this county_number is already registered"
    );
    let kept = get(
        &app,
        &format!("/api/v1/organisations/{}", rogaland.id()),
        &admin,
    )
    .await;
    assert_eq!(kept.body["county_number"], "11");
    let vestland = get(
        &app,
        &format!("/api/v1/organisations/{}", first.id()),
        &admin,
    )
    .await;
    assert_eq!(vestland.body["county_number"], "46");
}

#[actix_web::test]
async fn a_municipality_is_spoken_for_by_its_contacts_alone_and_a_user_organisation_by_its_facilitators(
) {
    let (t, app, d) = TestApp::started(trondelag).await;
    let mental_helse = t.organisation(OrganisationKind::UserOrganisation, "Mental Helse", None);
    let all: Vec<&Organisation> = d.municipalities.iter().collect();
    let meeting = created(
        &app,
        "/api/v1/dialogue-meetings",
        &d.governor,
        &meeting_body(&all, &[d.partner_id, mental_helse.id]),
    )
    .await
    .id();
    let resource = meeting_uri(&meeting);
    moved(&app, &resource, &d.governor, "held").await;
    let levanger = d.municipalities[0].id;
    let action = created(
        &app,
        &format!("/api/v1/dialogue-meetings/{meeting}/actions"),
        &d.governor,
        &json!({"owner_organisation_id": levanger, "description": "Plan for brukermedvirkning", "due_on": "2027-03-01", "follow_up_digital": true}),
    )
    .await
    .id();
    let read = meeting_uri(&meeting);
    let timeline = "/api/v1/municipalities/5037/dialogue";
    let moved = format!("/api/v1/follow-up-actions/{action}/transitions");

    // Levanger's contact speaks for it: its view, its timeline, its actions.
    let contact = &d.contacts[0];
    assert_eq!(get(&app, &read, contact).await.body["view"], "municipality");
    assert_eq!(get(&app, timeline, contact).await.status, 200);
    let own = get(&app, "/api/v1/follow-up-actions", contact).await;
    assert_eq!(own.body["items"].as_array().unwrap().len(), 1);

    // Levanger's facilitator logs network meetings; the dialogue is not theirs to read or move.
    let facilitator = t.token(levanger, &[Role::Facilitator]);
    assert_not_found(&app, &[read.as_str(), timeline], &[&facilitator]).await;
    let none = fetched(&app, "/api/v1/follow-up-actions", &facilitator).await;
    assert_eq!(none.body["items"], json!([]));
    post(&app, &moved, &facilitator, &json!({"to": "in_progress"}))
        .await
        .assert_problem(404);

    // Levanger's referrer works referrals only.
    let referrer = t.token(levanger, &[Role::Referrer]);
    get(&app, &read, &referrer).await.assert_problem(403);
    get(&app, timeline, &referrer).await.assert_problem(403);
    post(&app, &moved, &referrer, &json!({"to": "in_progress"}))
        .await
        .assert_problem(403);

    // The partners see the meeting as partners: KoRus's adviser and Mental Helse's facilitator.
    assert_eq!(get(&app, &read, &d.partner).await.body["view"], "partner");
    let user_organisation = t.token(mental_helse.id, &[Role::Facilitator]);
    assert_eq!(
        get(&app, &read, &user_organisation).await.body["view"],
        "partner"
    );

    // The contact still moves the action nobody else could.
    let done = post(&app, &moved, contact, &json!({"to": "in_progress"})).await;
    assert_eq!(done.status, 200, "{}", done.text);
}

#[actix_web::test]
async fn a_meeting_is_marked_held_on_its_day_not_before() {
    let (_t, app, d) = TestApp::started(trondelag).await;
    let all: Vec<&Organisation> = d.municipalities.iter().collect();
    let mut body = meeting_body(&all, &[d.partner_id]);
    body["held_on"] = json!("2031-10-14");
    let planned = created(&app, "/api/v1/dialogue-meetings", &d.governor, &body).await;
    let id = planned.body["id"].as_str().unwrap();
    let early = try_move(&app, &meeting_uri(id), &d.governor, "held").await;
    early.assert_invalid("to", "not_yet_held");
    let read = get(&app, &meeting_uri(id), &d.governor).await;
    assert_eq!(read.body["status"], "planned");
}

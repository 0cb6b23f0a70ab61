//! Collaboration agreements: who proposes, answers and ends them, who sees them, and how they
//! decide what a referrer is told of its referrals, together with the person's consent.

use actix_web::test::TestRequest;
use samhandling_domain::audit::Actor;
use samhandling_domain::organisation::{Organisation, OrganisationKind};
use samhandling_domain::Role;
use samhandling_persistence::in_transaction;
use samhandling_tests::groups::day;
use samhandling_tests::referrals::{move_referral, refer, referral_body, referral_uri};
use samhandling_tests::webhooks::subscribe;
use samhandling_tests::{
    created, fetched, get, ids, post, send, send_if_match, texts, Reply, TestApp,
};
use samhandling_usecases::{agreements, Context, FixedClock};
use serde_json::{json, Value};

/// A centre, a municipality and a NAV office with no agreement yet, and an outsider centre.
struct Parties {
    centre: Organisation,
    coordinator: String,
    municipality: Organisation,
    referrer: String,
    nav_referrer: String,
    outsider: String,
}

fn parties(t: &TestApp) -> Parties {
    let centre = t.organisation(
        OrganisationKind::SelfHelpCentre,
        "LINK Bergen",
        Some("4601"),
    );
    let municipality = t.municipality("Stjørdal kommune", "5035");
    let nav = t.organisation(OrganisationKind::NavOffice, "NAV Årstad", Some("4601"));
    let outsider = t.organisation(OrganisationKind::SelfHelpCentre, "LINK Oslo", Some("0301"));
    Parties {
        coordinator: t.token(centre.id, &[Role::CentreCoordinator]),
        referrer: t.token(municipality.id, &[Role::Referrer]),
        nav_referrer: t.token(nav.id, &[Role::Referrer]),
        outsider: t.token(outsider.id, &[Role::CentreCoordinator]),
        centre,
        municipality,
    }
}

fn proposal(partner: &Organisation, feedback: &str) -> Value {
    json!({
        "partner_organisation_id": partner.id,
        "refers": "Personer som mottar arbeidsavklaringspenger",
        "feedback": feedback,
        "centre_contact_role": "Koordinator",
        "partner_contact_role": "Rådgiver psykisk helse",
        "valid_from": day(-30),
    })
}

/// Moves the agreement at `uri` to `to` (with `reason`, if any) as `token`, with the version it
/// reads first.
async fn move_agreement(
    app: &impl samhandling_tests::App,
    uri: &str,
    token: &str,
    to: &str,
    reason: Option<&str>,
) -> Reply {
    let read = fetched(app, uri, token).await;
    let mut body = json!({"to": to});
    if let Some(reason) = reason {
        body["reason"] = json!(reason);
    }
    send_if_match(
        app,
        TestRequest::post().uri(&format!("{uri}/transitions")),
        token,
        read.header("etag"),
        &body,
    )
    .await
}

/// Proposes, as the centre, an agreement giving `feedback` to the municipality; returns the
/// proposal as created.
async fn propose(app: &impl samhandling_tests::App, p: &Parties, feedback: &str) -> Reply {
    let body = proposal(&p.municipality, feedback);
    created(
        app,
        "/api/v1/collaboration-agreements",
        &p.coordinator,
        &body,
    )
    .await
}

/// Proposes an agreement giving `feedback` to the municipality and has it accepted; returns
/// its URI.
async fn in_force(app: &impl samhandling_tests::App, p: &Parties, feedback: &str) -> String {
    let proposed = propose(app, p, feedback).await;
    let uri = proposed.header("location").unwrap().to_owned();
    let accepted = move_agreement(app, &uri, &p.referrer, "in_force", None).await;
    assert_eq!(accepted.status, 200, "{}", accepted.text);
    assert_eq!(accepted.body["feedback_today"], feedback);
    uri
}

/// Refers a person to the centre as the municipality, with or without feedback consent, and
/// walks the referral to `contacted`; returns its id.
async fn referred_and_contacted(
    app: &impl samhandling_tests::App,
    p: &Parties,
    name: &str,
    consent: bool,
) -> String {
    let body = referral_body(&p.centre, name, consent);
    let id = refer(app, &p.referrer, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    move_referral(app, &id, &p.coordinator, &["received", "contacted"]).await;
    id
}

#[actix_web::test]
async fn without_an_agreement_a_referrer_gets_the_receipt_and_nothing_more() {
    let (t, app, p) = TestApp::started(parties).await;
    let subscribed = subscribe(&app, &p.referrer, "https://hooks.example.no/samhandling").await;
    assert_eq!(subscribed.status, 201, "{}", subscribed.text);
    let body = referral_body(&p.centre, "Kari", true);
    let receipt = refer(&app, &p.referrer, &body).await;
    assert_eq!(receipt["feedback"], "none");
    assert_eq!(receipt["coarse_status"], Value::Null);
    assert_eq!(receipt["status"], Value::Null);
    assert_eq!(receipt["allowed_transitions"], json!([]));
    let id = receipt["id"].as_str().unwrap();
    move_referral(
        &app,
        id,
        &p.coordinator,
        &["received", "contacted", "intake_scheduled"],
    )
    .await;

    let read = fetched(&app, &referral_uri(id), &p.referrer).await;
    assert_eq!(read.body["coarse_status"], Value::Null);
    assert_eq!(read.body["status"], Value::Null);
    assert!(read.body.get("history").is_none());
    // Not even the version tells that the centre worked it.
    assert_eq!(read.body["version"], receipt["version"]);
    assert_eq!(read.header("etag"), Some("\"1\""));
    // Nor a filter, nor a webhook.
    for filter in ["coarse_status=in_progress", "status=intake_scheduled"] {
        let listed = get(&app, &format!("/api/v1/referrals?{filter}"), &p.referrer).await;
        assert_eq!(ids(&listed.body), Vec::<String>::new(), "{filter}");
    }
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM webhook_deliveries"),
        0
    );
}

#[actix_web::test]
async fn the_agreement_and_the_persons_consent_together_decide_the_feedback() {
    let (_t, app, p) = TestApp::started(parties).await;
    // A coarse agreement gives the coarse status only, consent or not.
    let coarse = in_force(&app, &p, "coarse").await;
    let id = referred_and_contacted(&app, &p, "Kari", true).await;
    let read = get(&app, &referral_uri(&id), &p.referrer).await;
    assert_eq!(read.body["feedback"], "coarse");
    assert_eq!(read.body["coarse_status"], "in_progress");
    assert_eq!(read.body["status"], Value::Null);
    assert!(read.body.get("history").is_none());

    // A detailed one gives the detailed status and history with consent, and coarse without.
    let ended = move_agreement(&app, &coarse, &p.coordinator, "ended", Some("Ny avtale")).await;
    assert_eq!(ended.status, 200, "{}", ended.text);
    in_force(&app, &p, "detailed").await;
    let with = referred_and_contacted(&app, &p, "Ola", true).await;
    let read = get(&app, &referral_uri(&with), &p.referrer).await;
    assert_eq!(read.body["feedback"], "detailed");
    assert_eq!(read.body["status"], "contacted");
    assert_eq!(read.body["history"].as_array().map(Vec::len), Some(3));
    let without = referred_and_contacted(&app, &p, "Per", false).await;
    let read = get(&app, &referral_uri(&without), &p.referrer).await;
    assert_eq!(read.body["coarse_status"], "in_progress");
    assert_eq!(read.body["status"], Value::Null);
    // The new agreement reaches the earlier referral too.
    let earlier = get(&app, &referral_uri(&id), &p.referrer).await;
    assert_eq!(earlier.body["status"], "contacted");
}

#[actix_web::test]
async fn ending_the_agreement_withdraws_queued_deliveries_as_a_consent_withdrawal_does() {
    let (t, app, p) = TestApp::with_local_webhooks().serve(parties).await;
    let agreement = in_force(&app, &p, "detailed").await;
    let subscribed = subscribe(&app, &p.referrer, "http://127.0.0.1:9/hook").await;
    assert_eq!(subscribed.status, 201, "{}", subscribed.text);
    let id = referred_and_contacted(&app, &p, "Kari", true).await;
    let queued = "SELECT count(*) AS count FROM webhook_deliveries WHERE delivered_at IS NULL";
    let detailed =
        "SELECT count(*) AS count FROM webhook_deliveries WHERE detailed_status IS NOT NULL";
    // received (a detailed step only) and contacted (a coarse change), nothing delivered yet.
    assert_eq!(t.database.count(queued), 2);
    assert_eq!(t.database.count(detailed), 2);
    let before = get(&app, &referral_uri(&id), &p.referrer).await;

    let ended = move_agreement(&app, &agreement, &p.referrer, "ended", Some("Avsluttet")).await;
    assert_eq!(ended.status, 200, "{}", ended.text);
    assert_eq!(ended.body["feedback_today"], "none");
    assert_eq!(t.database.count(queued), 0);
    assert_eq!(t.database.count(detailed), 0);
    let after = get(&app, &referral_uri(&id), &p.referrer).await;
    assert_eq!(after.body["feedback"], "none");
    assert_eq!(after.body["coarse_status"], Value::Null);
    assert_eq!(after.body["status"], Value::Null);
    // The referrer's view changed, so its version moved, once.
    assert_eq!(
        after.body["version"].as_i64(),
        before.body["version"].as_i64().map(|v| v + 1)
    );
    // And the centre's next steps reach neither the view nor the outbox.
    move_referral(&app, &id, &p.coordinator, &["intake_scheduled"]).await;
    assert_eq!(t.database.count(queued), 0);
    let later = get(&app, &referral_uri(&id), &p.referrer).await;
    assert_eq!(later.body["version"], after.body["version"]);
}

#[actix_web::test]
async fn an_agreement_is_its_two_parties_business_and_moves_by_party() {
    let (t, app, p) = TestApp::started(parties).await;
    let proposed = propose(&app, &p, "detailed").await;
    assert_eq!(proposed.body["status"], "proposed");
    assert_eq!(proposed.body["allowed_transitions"], json!(["withdrawn"]));
    let uri = proposed.header("location").unwrap().to_owned();
    let id = proposed.id();

    // The partner sees it and may answer it; anyone else gets 404, and a trace is left.
    let seen = fetched(&app, &uri, &p.referrer).await;
    assert_eq!(
        seen.body["allowed_transitions"],
        json!(["in_force", "declined"])
    );
    for stranger in [&p.outsider, &p.nav_referrer] {
        let denied = get(&app, &uri, stranger).await;
        denied.assert_problem(404);
        denied.assert_hides("a stranger", &["Rådgiver psykisk helse"]);
        let listed = get(&app, "/api/v1/collaboration-agreements", stranger).await;
        assert_eq!(ids(&listed.body), Vec::<String>::new());
    }
    assert!(t.database.events("access_denied", &id) >= 2);

    // The centre cannot accept its own proposal; a move without If-Match is 428.
    let refused = move_agreement(&app, &uri, &p.coordinator, "in_force", None).await;
    let problem = refused.assert_problem(409);
    assert_eq!(problem["allowed_transitions"], json!(["withdrawn"]));
    let unconditional = send(
        &app,
        samhandling_tests::authorized(
            TestRequest::post().uri(&format!("{uri}/transitions")),
            &p.referrer,
        )
        .set_json(json!({"to": "in_force"})),
    )
    .await;
    unconditional.assert_problem(428);
    let accepted = move_agreement(&app, &uri, &p.referrer, "in_force", None).await;
    assert_eq!(accepted.status, 200, "{}", accepted.text);
    assert_eq!(accepted.body["allowed_transitions"], json!(["ended"]));

    // A second agreement with the same partner cannot come into force beside it.
    let second = propose(&app, &p, "coarse").await;
    let second_uri = second.header("location").unwrap().to_owned();
    let clash = move_agreement(&app, &second_uri, &p.referrer, "in_force", None).await;
    clash.assert_problem(409);

    // Ending needs a reason; with one, it ends, and nothing more moves it.
    let bare = move_agreement(&app, &uri, &p.referrer, "ended", None).await;
    let problem = bare.assert_problem(422);
    assert_eq!(texts(&problem["errors"], "field"), vec!["reason"]);
    let ended = move_agreement(&app, &uri, &p.coordinator, "ended", Some("Ny avtale")).await;
    assert_eq!(ended.status, 200, "{}", ended.text);
    assert_eq!(ended.body["end_reason"], "Ny avtale");
    assert_eq!(ended.body["allowed_transitions"], json!([]));
}

#[actix_web::test]
async fn a_proposal_lists_every_fault_and_stores_nothing() {
    let (t, app, p) = TestApp::started(parties).await;
    let korus = t.organisation(OrganisationKind::CompetenceCentre, "KoRus Midt", None);
    let mut body = proposal(&korus, "detailed");
    body["valid_until"] = json!(day(-60));
    // The text types refuse first; with the texts right, the rules across records are listed.
    for (contact, refused_fields) in [
        ("Kari Nordmann 01010150074", vec!["centre_contact_role"]),
        (
            "Koordinator",
            vec!["partner_organisation_id", "valid_until"],
        ),
    ] {
        body["centre_contact_role"] = json!(contact);
        let refused = post(
            &app,
            "/api/v1/collaboration-agreements",
            &p.coordinator,
            &body,
        )
        .await;
        let problem = refused.assert_problem(422);
        let mut fields = texts(&problem["errors"], "field");
        fields.sort_unstable();
        assert_eq!(fields, refused_fields, "{}", refused.text);
    }
    // Only a centre's coordinator proposes.
    let as_referrer = post(
        &app,
        "/api/v1/collaboration-agreements",
        &p.referrer,
        &proposal(&p.municipality, "none"),
    )
    .await;
    as_referrer.assert_problem(403);
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM collaboration_agreements"),
        0
    );
}

#[actix_web::test]
async fn the_feedback_ends_on_the_day_after_the_period_runs_out() {
    let (t, app, p) = TestApp::started(parties).await;
    let mut body = proposal(&p.municipality, "detailed");
    body["valid_until"] = json!(day(0));
    let proposed = created(
        &app,
        "/api/v1/collaboration-agreements",
        &p.coordinator,
        &body,
    )
    .await;
    let uri = proposed.header("location").unwrap().to_owned();
    let accepted = move_agreement(&app, &uri, &p.referrer, "in_force", None).await;
    assert_eq!(accepted.status, 200, "{}", accepted.text);
    let id = referred_and_contacted(&app, &p, "Kari", true).await;
    let read = get(&app, &referral_uri(&id), &p.referrer).await;
    assert_eq!(read.body["status"], "contacted");

    let sweep = |at: chrono::DateTime<chrono::Utc>| {
        let actor = Actor {
            actor: "system:test".into(),
            actor_organisation_id: None,
            request_id: "sweep".into(),
            traceparent: None,
            provenance: samhandling_domain::audit::Provenance::default(),
        };
        let mut conn = t.database.connect();
        in_transaction(&mut conn, |conn| {
            agreements::apply_periods(&mut Context::new(conn, &actor, &FixedClock(at)))
        })
        .expect("sweeps")
    };
    assert_eq!(sweep(chrono::Utc::now()), 0, "today it still applies");
    let tomorrow = chrono::Utc::now() + chrono::TimeDelta::days(1);
    assert_eq!(sweep(tomorrow), 1);
    assert_eq!(sweep(tomorrow), 0, "a second sweep finds nothing left");
    let read = get(&app, &referral_uri(&id), &p.referrer).await;
    assert_eq!(read.body["feedback"], "none");
    assert_eq!(read.body["coarse_status"], Value::Null);
}

//! Referrals: consent-bound, closed-loop, audited, scoped to the organisations involved.

use actix_web::test::TestRequest;
use samhandling_tests::referrals::{
    field, move_referral, refer, referral_body, referral_uri, referred, transition,
};
use samhandling_tests::{act, authorized, fetched, get, post, send, texts, TestApp};
use serde_json::{json, Value};

#[actix_web::test]
async fn a_referral_travels_from_referrer_to_centre_and_back() {
    let (_t, app, f) = TestApp::started(field).await;
    let created = refer(&app, &f.referrer, &referral_body(&f.centre, "Kari", true)).await;
    assert_eq!(created["view"], "referrer");
    assert_eq!(created["coarse_status"], "received");
    assert_eq!(created["status"], "submitted");
    assert_eq!(created["allowed_transitions"], json!(["withdrawn"]));
    assert!(
        created.get("person").is_none(),
        "the referrer's view never holds the person"
    );
    let id = created["id"].as_str().unwrap().to_owned();

    let listed = get(&app, "/api/v1/referrals?status=submitted", &f.coordinator).await;
    assert_eq!(listed.body["items"][0]["id"], id.as_str());
    assert_eq!(listed.body["items"][0]["view"], "centre");
    assert!(
        listed.body["items"][0].get("person").is_none(),
        "lists leave the person out"
    );

    let read = fetched(&app, &referral_uri(&id), &f.coordinator).await;
    assert_eq!(read.body["person"]["given_name"], "Kari");
    assert_eq!(read.body["person"]["phone"], "+4791234567");
    assert_eq!(
        read.body["allowed_transitions"],
        json!(["received", "redirected"])
    );

    for step in [
        "received",
        "contacted",
        "intake_scheduled",
        "intake_completed",
        "waiting_for_group",
        "placed",
    ] {
        let moved = send(&app, transition(&id, &f.coordinator, step)).await;
        assert_eq!(moved.status, 200, "{step}: {}", moved.text);
        assert_eq!(moved.body["status"], step);
    }
    let followed = get(&app, &referral_uri(&id), &f.referrer).await;
    assert_eq!(followed.body["status"], "placed");
    assert_eq!(followed.body["coarse_status"], "completed");
    assert_eq!(followed.body["history"].as_array().unwrap().len(), 7);
    assert!(followed.body.get("person").is_none());
    assert_eq!(
        followed.body["allowed_transitions"],
        json!([]),
        "no withdrawal once placed"
    );

    let log = get(
        &app,
        &format!("/api/v1/referrals/{id}/access-log"),
        &f.coordinator,
    )
    .await;
    let actions = texts(&log.body["items"], "action");
    assert_eq!(actions[0], "created");
    assert_eq!(actions[1], "read", "reading contact details is audited");
    assert_eq!(actions.iter().filter(|a| **a == "transitioned").count(), 6);
}

#[actix_web::test]
async fn another_organisation_finds_nothing() {
    let (_t, app, f) = TestApp::started(field).await;
    let id = &referred(&app, &f, "Per", true).await;
    for token in [&f.other_municipality, &f.other_centre] {
        get(&app, &referral_uri(id), token)
            .await
            .assert_problem(404);
        send(&app, transition(id, token, "withdrawn"))
            .await
            .assert_problem(404);
        send(&app, transition(id, token, "received"))
            .await
            .assert_problem(404);
        let listed = get(&app, "/api/v1/referrals", token).await;
        assert_eq!(listed.body["items"], json!([]));
    }
    let erase = |token: &str| {
        authorized(
            TestRequest::post().uri(&format!("/api/v1/referrals/{id}/erase")),
            token,
        )
    };
    send(&app, erase(&f.other_centre)).await.assert_problem(404);
    get(
        &app,
        &format!("/api/v1/referrals/{id}/access-log"),
        &f.other_centre,
    )
    .await
    .assert_problem(404);
    let read = get(&app, &referral_uri(id), &f.coordinator).await;
    assert_eq!(read.body["status"], "submitted", "nothing changed");
}

#[actix_web::test]
async fn without_feedback_consent_the_referrer_sees_only_the_coarse_status() {
    let (_t, app, f) = TestApp::started(field).await;
    let without = refer(&app, &f.referrer, &referral_body(&f.centre, "Ola", false)).await;
    let id = without["id"].as_str().unwrap();
    assert_eq!(without["status"], Value::Null);
    move_referral(&app, id, &f.coordinator, &["received", "contacted"]).await;
    let seen = get(&app, &referral_uri(id), &f.referrer).await;
    assert_eq!(seen.body["coarse_status"], "in_progress");
    assert_eq!(seen.body["status"], Value::Null);
    assert!(seen.body.get("history").is_none());
    assert_eq!(seen.body["feedback_consent"], false);

    // With consent, then withdrawn: from then on coarse only.
    let id = &referred(&app, &f, "Anne", true).await;
    move_referral(&app, id, &f.coordinator, &["received"]).await;
    let before = get(&app, &referral_uri(id), &f.referrer).await;
    assert_eq!(before.body["status"], "received");
    let withdrawn = act(
        &app,
        &format!("/api/v1/referrals/{id}/feedback-consent/withdrawal"),
        &f.coordinator,
    )
    .await;
    assert_eq!(withdrawn.status, 204, "{}", withdrawn.text);
    act(
        &app,
        &format!("/api/v1/referrals/{id}/feedback-consent/withdrawal"),
        &f.referrer,
    )
    .await
    .assert_problem(403);
    let after = get(&app, &referral_uri(id), &f.referrer).await;
    assert_eq!(after.body["status"], Value::Null);
    assert_eq!(after.body["coarse_status"], "received");
    assert!(after.body.get("history").is_none());
    let listed = get(&app, "/api/v1/referrals", &f.referrer).await;
    assert!(listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|item| item["status"].is_null()));
}

#[actix_web::test]
async fn an_illegal_transition_is_409_naming_the_allowed_ones() {
    let (_t, app, f) = TestApp::started(field).await;
    let id = &referred(&app, &f, "Siri", true).await;
    let refused = send(&app, transition(id, &f.coordinator, "placed")).await;
    let body = refused.assert_problem(409);
    assert_eq!(
        body["allowed_transitions"],
        json!(["received", "redirected"])
    );
    let refused = send(&app, transition(id, &f.referrer, "received")).await;
    assert_eq!(
        refused.assert_problem(409)["allowed_transitions"],
        json!(["withdrawn"])
    );
    send(&app, transition(id, &f.coordinator, "withdrawn"))
        .await
        .assert_problem(409);
    let withdrawn = send(&app, transition(id, &f.referrer, "withdrawn")).await;
    assert_eq!(withdrawn.status, 200);
    assert_eq!(withdrawn.body["coarse_status"], "ended");
    let after_end = send(&app, transition(id, &f.coordinator, "received")).await;
    assert_eq!(
        after_end.assert_problem(409)["allowed_transitions"],
        json!([])
    );
}

#[actix_web::test]
async fn creation_is_idempotent_and_external_references_are_unique() {
    let (_t, app, f) = TestApp::started(field).await;
    let body = referral_body(&f.centre, "Liv", true);
    let create = || {
        authorized(TestRequest::post().uri("/api/v1/referrals"), &f.referrer)
            .insert_header(("idempotency-key", "nav-2026-0001"))
            .set_json(&body)
    };
    let first = send(&app, create()).await;
    let again = send(&app, create()).await;
    assert_eq!(first.status, 201);
    assert_eq!(again.status, 201);
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    let duplicate = post(&app, "/api/v1/referrals", &f.referrer, &body).await;
    duplicate.assert_problem(409);
    let found = get(
        &app,
        "/api/v1/referrals?external_reference=SAK-Liv",
        &f.referrer,
    )
    .await;
    assert_eq!(found.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(found.body["items"][0]["id"], first.body["id"]);
}

#[actix_web::test]
async fn a_referral_without_consent_or_contact_is_refused_and_nothing_is_stored() {
    let (t, app, f) = TestApp::started(field).await;
    let mut no_consent = referral_body(&f.centre, "Evelina", true);
    no_consent["consent"]["contact"] = json!(false);
    let reply = post(&app, "/api/v1/referrals", &f.referrer, &no_consent).await;
    assert_eq!(
        reply.assert_problem(422)["errors"][0]["field"],
        "consent.contact"
    );

    let mut unreachable = referral_body(&f.centre, "Evelina", true);
    unreachable["person"]
        .as_object_mut()
        .unwrap()
        .remove("phone");
    unreachable["person"]["birth_year"] = json!(1850);
    let reply = post(&app, "/api/v1/referrals", &f.referrer, &unreachable).await;
    let fields = texts(&reply.assert_problem(422)["errors"], "field");
    assert!(fields.contains(&"person.birth_year"), "{fields:?}");
    assert!(fields.iter().any(|f| f.starts_with("person")), "{fields:?}");

    let mut diagnosis = referral_body(&f.centre, "Evelina", true);
    diagnosis["diagnosis"] = json!("F32.1");
    let reply = post(&app, "/api/v1/referrals", &f.referrer, &diagnosis).await;
    assert_eq!(reply.assert_problem(422)["errors"][0]["field"], "diagnosis");

    let municipality = t.municipality("Frosta kommune", "5036");
    let mut not_a_centre = referral_body(&f.centre, "Evelina", true);
    not_a_centre["target_centre_id"] = json!(municipality.id);
    post(&app, "/api/v1/referrals", &f.referrer, &not_a_centre)
        .await
        .assert_problem(422);
    let mut nowhere = referral_body(&f.centre, "Evelina", true);
    nowhere["target_centre_id"] = json!(uuid::Uuid::now_v7());
    post(&app, "/api/v1/referrals", &f.referrer, &nowhere)
        .await
        .assert_problem(404);
    // Network meetings are offered by the person's own professional and logged without identity,
    // never referred: the offer is not part of the contract.
    let mut network_meeting = referral_body(&f.centre, "Evelina", true);
    network_meeting["offer"] = json!("network_meeting");
    let refused = post(&app, "/api/v1/referrals", &f.referrer, &network_meeting).await;
    assert_eq!(refused.assert_problem(400)["errors"][0]["field"], "offer");

    post(
        &app,
        "/api/v1/referrals",
        &f.coordinator,
        &referral_body(&f.centre, "Evelina", true),
    )
    .await
    .assert_problem(403);
    assert!(
        samhandling_tests::tables_containing(&t.database, "Evelina").is_empty(),
        "nothing stored"
    );
}

#[actix_web::test]
async fn lists_filter_by_what_integrations_need() {
    let (_t, app, f) = TestApp::started(field).await;
    let first = refer(&app, &f.referrer, &referral_body(&f.centre, "Tor", true)).await;
    let mut ida = referral_body(&f.centre, "Ida", true);
    ida["target_groups"] = json!(["immigrant_or_refugee"]);
    ida["person"]["municipality_number"] = json!("5037");
    let second = refer(&app, &f.referrer, &ida).await;
    let count = |uri: String| {
        let app = &app;
        let token = f.coordinator.clone();
        async move {
            let reply = get(app, &uri, &token).await;
            assert_eq!(reply.status, 200, "{uri}: {}", reply.text);
            reply.body["items"].as_array().unwrap().len()
        }
    };
    assert_eq!(count("/api/v1/referrals".into()).await, 2);
    assert_eq!(
        count("/api/v1/referrals?offer=self_help_group".into()).await,
        2
    );
    assert_eq!(
        count("/api/v1/referrals?target_group=immigrant_or_refugee".into()).await,
        1
    );
    assert_eq!(
        count("/api/v1/referrals?target_group=work_assessment_allowance".into()).await,
        1
    );
    assert_eq!(count("/api/v1/referrals?municipality=5037".into()).await, 1);
    let since = second["updated_at"].as_str().unwrap().replace('+', "%2B");
    move_referral(
        &app,
        first["id"].as_str().unwrap(),
        &f.coordinator,
        &["received"],
    )
    .await;
    assert_eq!(
        count(format!("/api/v1/referrals?updated_after={since}")).await,
        1,
        "only the changed one"
    );
    assert_eq!(count("/api/v1/referrals?status=received".into()).await, 1);
}

/// The server chooses a referral's reference; when its random choice is taken, it chooses again
/// inside the create, for referrals and self-registrations alike, and the client never sees a 409.
#[actix_web::test]
async fn a_taken_reference_is_chosen_again_never_answered_with_409() {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};
    let mut t = TestApp::new();
    let draws: Arc<Mutex<VecDeque<&str>>> = Arc::new(Mutex::new(VecDeque::from([
        "AAAA-1111", // the first referral
        "AAAA-1111", // the second collides twice
        "AAAA-1111",
        "BBBB-2222",
        "BBBB-2222", // the self-registration collides once
        "CCCC-3333",
    ])));
    let queue = draws.clone();
    let references = samhandling_http::state::References::from_fn(move || {
        queue
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or("ZZZZ-ZZZZ")
            .to_owned()
    });
    t.state = actix_web::web::Data::new(t.state.get_ref().clone().with_references(references));
    let app = t.service().await;
    let f = field(&t);

    let first = refer(&app, &f.referrer, &referral_body(&f.centre, "Kari", true)).await;
    assert_eq!(first["reference"], "AAAA-1111");
    let second = refer(&app, &f.referrer, &referral_body(&f.centre, "Ola", true)).await;
    assert_eq!(second["reference"], "BBBB-2222");
    let registered = send(
        &app,
        TestRequest::post()
            .uri("/api/v1/self-registrations")
            .peer_addr("203.0.113.9:50000".parse().unwrap())
            .set_json(json!({
                "target_centre_id": f.centre.id,
                "offer": "self_help_group",
                "person": {"given_name": "Amina", "family_name": "Hansen", "email": "amina@example.no", "preferred_language": "en"},
                "consent": {"contact": true}
            })),
    )
    .await;
    assert_eq!(registered.status, 202, "{}", registered.text);
    assert_eq!(registered.body["reference"], "CCCC-3333");
    assert!(
        draws.lock().unwrap().is_empty(),
        "every collision drew again"
    );

    let listed = get(&app, "/api/v1/referrals", &f.coordinator).await;
    let references = texts(&listed.body["items"], "reference");
    assert_eq!(references, ["AAAA-1111", "BBBB-2222", "CCCC-3333"]);
}

/// Hiding a field is not hiding a fact: without the person's consent to feedback, nothing the
/// referrer can ask or read (a filter, a refused move, a version, an `ETag`, a time, a delta
/// sync) tells it the detailed status or counts the centre's steps.
#[actix_web::test]
async fn without_consent_no_filter_error_or_counter_discloses_the_detailed_status() {
    let (_t, app, f) = TestApp::started(field).await;
    let mut body = referral_body(&f.centre, "Ola", false);
    body["external_reference"] = json!("SAK-1");
    let created = refer(&app, &f.referrer, &body).await;
    let id = created["id"].as_str().unwrap().to_owned();
    move_referral(&app, &id, &f.coordinator, &["received"]).await;
    let first = get(&app, &referral_uri(&id), &f.referrer).await;
    move_referral(
        &app,
        &id,
        &f.coordinator,
        &["contacted", "intake_scheduled"],
    )
    .await;

    // The filter by detailed status finds nothing, whatever the status really is.
    for status in ["intake_scheduled", "contacted", "submitted"] {
        let found = get(
            &app,
            &format!("/api/v1/referrals?external_reference=SAK-1&status={status}"),
            &f.referrer,
        )
        .await;
        assert_eq!(found.body["items"], json!([]), "status={status}");
    }
    let coarse = get(
        &app,
        "/api/v1/referrals?external_reference=SAK-1&coarse_status=in_progress",
        &f.referrer,
    )
    .await;
    assert_eq!(coarse.body["items"][0]["id"], id.as_str());

    // A refused move names the rule, not the status.
    let refused = send(&app, transition(&id, &f.referrer, "received")).await;
    let problem = refused.assert_problem(409);
    let detail = problem["detail"].as_str().unwrap();
    assert!(!detail.contains("intake_scheduled"), "{detail}");

    // Two steps inside "in_progress" moved nothing the referrer holds, except the one coarse
    // change from received to in_progress.
    let read = get(&app, &referral_uri(&id), &f.referrer).await;
    assert_eq!(
        read.body["version"],
        first.body["version"].as_i64().unwrap() + 1
    );
    let reread = get(&app, &referral_uri(&id), &f.referrer).await;
    move_referral(&app, &id, &f.coordinator, &["intake_completed"]).await;
    let after_step = get(&app, &referral_uri(&id), &f.referrer).await;
    assert_eq!(after_step.header("etag"), reread.header("etag"));
    assert_eq!(after_step.body["version"], reread.body["version"]);
    assert_eq!(after_step.body["updated_at"], reread.body["updated_at"]);
    let since = get(
        &app,
        &format!(
            "/api/v1/referrals?updated_after={}",
            after_step.body["updated_at"]
                .as_str()
                .unwrap()
                .replace('+', "%2B")
        ),
        &f.referrer,
    )
    .await;
    assert_eq!(
        since.body["items"],
        json!([]),
        "a delta sync saw a hidden step"
    );

    // The centre sees every step in its own counters.
    let centre = get(&app, &referral_uri(&id), &f.coordinator).await;
    assert!(
        centre.body["version"].as_i64().unwrap() > after_step.body["version"].as_i64().unwrap()
    );
}

/// Probing another organisation's ids is answered 404 like any unknown id, and leaves an
/// `access_denied` event for the operator; an id that names nothing leaves none.
#[actix_web::test]
async fn probing_another_organisations_ids_leaves_a_trace() {
    let (t, app, f) = TestApp::started(field).await;
    let id = &referred(&app, &f, "Probe", true).await;
    let unknown = uuid::Uuid::now_v7();
    get(&app, &referral_uri(id), &f.other_centre)
        .await
        .assert_problem(404);
    send(&app, transition(id, &f.other_municipality, "withdrawn"))
        .await
        .assert_problem(404);
    get(&app, &referral_uri(unknown), &f.other_centre)
        .await
        .assert_problem(404);
    let admin = t.admin_token();
    let denied = get(&app, "/api/v1/audit-events?action=access_denied", &admin).await;
    let events = denied.body["items"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{}", denied.text);
    assert!(events
        .iter()
        .all(|event| event["resource_id"] == id.as_str()));
    assert!(events
        .iter()
        .all(|event| event["resource_type"] == "referral"));
}

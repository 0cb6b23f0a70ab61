//! Self-registration: public, minimal answer, rate-limited.

use actix_web::test::TestRequest;
use samhandling_http::Policies;
use samhandling_tests::metrics::scrape;
use samhandling_tests::referrals::field;
use samhandling_tests::{get, send, TestApp};
use serde_json::json;

fn registration(centre: uuid::Uuid, name: &str) -> serde_json::Value {
    json!({
        "target_centre_id": centre,
        "offer": "self_help_group",
        "person": {"given_name": name, "family_name": "Hansen", "email": "person@example.no", "preferred_language": "en"},
        "wishes": "I would like to meet others who have lost someone.",
        "consent": {"contact": true}
    })
}

fn post(body: &serde_json::Value) -> TestRequest {
    TestRequest::post()
        .uri("/api/v1/self-registrations")
        .peer_addr("203.0.113.7:50000".parse().unwrap())
        .set_json(body)
}

#[actix_web::test]
async fn a_person_signs_up_without_a_token_and_the_centre_sees_it() {
    let (_t, app, f) = TestApp::started(field).await;
    let reply = send(&app, post(&registration(f.centre.id, "Amina"))).await;
    assert_eq!(reply.status, 202, "{}", reply.text);
    let reference = reply.body["reference"].as_str().unwrap();
    assert_eq!(
        reply.body.as_object().unwrap().len(),
        1,
        "only the reference: {}",
        reply.text
    );
    assert!(reply.header("location").is_none());
    let listed = get(&app, "/api/v1/referrals", &f.coordinator).await;
    assert_eq!(listed.body["items"][0]["reference"], reference);
    assert_eq!(listed.body["items"][0]["source"], "self_registration");
    assert_eq!(
        listed.body["items"][0]["referring_organisation_id"],
        serde_json::Value::Null
    );
    let id = listed.body["items"][0]["id"].as_str().unwrap();
    let read = get(&app, &format!("/api/v1/referrals/{id}"), &f.coordinator).await;
    assert_eq!(read.body["person"]["given_name"], "Amina");
    assert_eq!(
        read.body["allowed_transitions"],
        json!(["received", "redirected"])
    );
    let referrers = get(&app, "/api/v1/referrals", &f.referrer).await;
    assert_eq!(referrers.body["items"], json!([]));

    let mut no_consent = registration(f.centre.id, "Amina");
    no_consent["consent"]["contact"] = json!(false);
    send(&app, post(&no_consent)).await.assert_problem(422);
}

#[actix_web::test]
async fn too_many_registrations_from_one_address_get_429() {
    let t = TestApp::with_policies(Policies {
        self_registrations_per_hour: 3,
        ..Policies::default()
    });
    let app = t.service().await;
    let f = field(&t);
    for n in 0..3 {
        let received = send(
            &app,
            post(&registration(f.centre.id, &format!("Person{n}"))),
        )
        .await;
        assert_eq!(received.status, 202, "{}", received.text);
        // Each answer tells what is left of the hour's 3.
        assert_eq!(
            received.header("ratelimit-policy"),
            Some("\"hourly\";q=3;w=3600")
        );
        assert!(
            received
                .header("ratelimit")
                .is_some_and(|left| left.starts_with(&format!("\"hourly\";r={};t=", 2 - n))),
            "{:?}",
            received.header("ratelimit")
        );
    }
    let refused = send(&app, post(&registration(f.centre.id, "Person3"))).await;
    refused.assert_problem(429);
    assert_eq!(
        scrape(&t).await.expect(
            "samhandling_rate_limit_refusals_total",
            &[("bucket", "self_registrations")]
        ),
        1
    );
    assert!(refused
        .header("retry-after")
        .is_some_and(|seconds| seconds.parse::<u64>().unwrap() > 0));
    // The IETF fields tell the allowance and that nothing is left of it.
    assert_eq!(
        refused.header("ratelimit-policy"),
        Some("\"hourly\";q=3;w=3600")
    );
    assert!(
        refused
            .header("ratelimit")
            .is_some_and(|left| left.starts_with("\"hourly\";r=0;t=")),
        "{:?}",
        refused.header("ratelimit")
    );
    let elsewhere = TestRequest::post()
        .uri("/api/v1/self-registrations")
        .peer_addr("198.51.100.9:40000".parse().unwrap())
        .set_json(registration(f.centre.id, "Person4"));
    assert_eq!(
        send(&app, elsewhere).await.status,
        202,
        "another address has its own allowance"
    );
    assert!(
        samhandling_tests::tables_containing(&t.database, "203.0.113.7").is_empty(),
        "addresses are not stored"
    );
}

/// Public callers do not share one idempotency scope: a key reused from another address is a
/// fresh request (no 422 telling that someone used it, no replay of another person's
/// reference), keys must be UUIDs, and erasure forgets the stored receipt.
#[actix_web::test]
async fn idempotency_keys_are_per_address_uuids_and_erasure_forgets_the_receipt() {
    let (t, app, f) = TestApp::started(field).await;
    let key = uuid::Uuid::new_v4().to_string();
    let from = |address: &str, body: &serde_json::Value, key: &str| {
        TestRequest::post()
            .uri("/api/v1/self-registrations")
            .peer_addr(format!("{address}:50000").parse().unwrap())
            .insert_header(("Idempotency-Key", key.to_owned()))
            .set_json(body)
    };
    let first = send(
        &app,
        from("203.0.113.7", &registration(f.centre.id, "Amina"), &key),
    )
    .await;
    assert_eq!(first.status, 202, "{}", first.text);
    let replay = send(
        &app,
        from("203.0.113.7", &registration(f.centre.id, "Amina"), &key),
    )
    .await;
    assert_eq!(replay.body, first.body);
    let stranger = send(
        &app,
        from("198.51.100.9", &registration(f.centre.id, "Jonas"), &key),
    )
    .await;
    assert_eq!(stranger.status, 202, "{}", stranger.text);
    assert_ne!(stranger.body["reference"], first.body["reference"]);
    send(
        &app,
        from(
            "203.0.113.7",
            &registration(f.centre.id, "Amina"),
            "not-a-uuid",
        ),
    )
    .await
    .assert_problem(400);

    let reference = first.body["reference"].as_str().unwrap();
    let listed = get(&app, "/api/v1/referrals", &f.coordinator).await;
    let id = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["reference"] == reference)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let erased = samhandling_tests::act(
        &app,
        &format!("/api/v1/referrals/{id}/erase"),
        &f.coordinator,
    )
    .await;
    assert_eq!(erased.status, 204);
    let holding: Vec<String> = samhandling_tests::tables_containing(&t.database, reference)
        .into_iter()
        .map(|(table, _)| table)
        .collect();
    assert_eq!(holding, ["referrals"], "the stored receipt is forgotten");
}

//! Webhooks close the loop: signed, retried, delivered once, never carrying personal data, never
//! sent to private addresses unless configured.

use crate::referrals::{field, refer, referral_body, transition};
use actix_web::test::TestRequest;
use hmac::{Hmac, Mac};
use samhandling_jobs::delivery::{Deliverer, DeliverySettings};
use samhandling_tests::receiver::Receiver;
use samhandling_tests::{authorized, get, send, TestApp};
use serde_json::json;
use sha2::Sha256;
use std::time::Duration;

fn immediate_retries() -> DeliverySettings {
    DeliverySettings {
        retry: samhandling_domain::webhook::RetryPolicy {
            base: chrono::TimeDelta::zero(),
            ..samhandling_domain::webhook::RetryPolicy::default()
        },
        timeout: Duration::from_secs(5),
        allow_private_targets: true,
        ..DeliverySettings::default()
    }
}

async fn deliver(deliverer: &Deliverer) -> usize {
    let deliverer = deliverer.clone();
    actix_web::web::block(move || deliverer.deliver_due())
        .await
        .unwrap()
        .unwrap()
}

fn verify(secret: &str, signature: &str, body: &[u8]) -> bool {
    let (Some(t), Some(v1)) = (
        signature
            .split(',')
            .find_map(|part| part.strip_prefix("t=")),
        signature
            .split(',')
            .find_map(|part| part.strip_prefix("v1=")),
    ) else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    let expected = mac
        .finalize()
        .into_bytes()
        .iter()
        .fold(String::new(), |mut hex, byte| {
            use std::fmt::Write;
            let _ = write!(hex, "{byte:02x}");
            hex
        });
    expected == v1
}

/// Subscribes `token`'s organisation to status changes at `url`.
async fn subscribe<S, B>(app: &S, token: &str, url: &str) -> samhandling_tests::Reply
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    B: actix_web::body::MessageBody,
{
    send(
        app,
        authorized(
            TestRequest::post().uri("/api/v1/webhook-subscriptions"),
            token,
        )
        .set_json(json!({"url": url, "event_types": ["referral_status_changed"]})),
    )
    .await
}

#[actix_web::test]
async fn a_status_change_reaches_the_referrers_receiver_signed_and_without_personal_data() {
    let t = TestApp::with_local_webhooks();
    let app = t.service().await;
    let f = field(&t);
    let receiver = Receiver::start(0);
    let subscribed = subscribe(&app, &f.referrer, &receiver.url).await;
    assert_eq!(subscribed.status, 201, "{}", subscribed.text);
    let secret = subscribed.body["secret"].as_str().unwrap().to_owned();
    let subscription = subscribed.body["id"].as_str().unwrap().to_owned();

    let mut body = referral_body(&f.centre, "Hallvard", true);
    body["external_reference"] = json!("SAK-2026-0001");
    let created = refer(&app, &f.referrer, &body).await;
    let id = created["id"].as_str().unwrap();
    send(&app, transition(id, &f.coordinator, "received")).await;
    let deliverer = Deliverer::new(t.state.db.clone(), immediate_retries());
    assert_eq!(deliver(&deliverer).await, 1);

    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let delivery = &received[0];
    assert!(verify(
        &secret,
        delivery.header("samhandling-signature").unwrap(),
        &delivery.body
    ));
    assert!(!verify(
        "another secret",
        delivery.header("samhandling-signature").unwrap(),
        &delivery.body
    ));
    let payload: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
    assert_eq!(payload["type"], "referral_status_changed");
    assert_eq!(payload["referral"]["id"], id);
    assert_eq!(payload["referral"]["status"], "received");
    assert_eq!(payload["referral"]["external_reference"], "SAK-2026-0001");
    let text = String::from_utf8_lossy(&delivery.body);
    for personal in ["Hallvard", "Nordmann", "+47", "1990", "dagtid"] {
        assert!(!text.contains(personal), "{personal} in {text}");
    }

    let deliveries = get(
        &app,
        &format!("/api/v1/webhook-subscriptions/{subscription}/deliveries"),
        &f.referrer,
    )
    .await;
    assert_eq!(
        deliveries.body["items"][0]["attempts"][0]["status_code"],
        200
    );
    assert!(deliveries.body["items"][0]["delivered_at"].is_string());
    assert_eq!(deliver(&deliverer).await, 0, "nothing left to deliver");
    get(
        &app,
        &format!("/api/v1/webhook-subscriptions/{subscription}/deliveries"),
        &f.other_municipality,
    )
    .await
    .assert_problem(404);
    receiver.stop().await;
}

#[actix_web::test]
async fn a_receiver_that_fails_twice_gets_the_event_exactly_once_in_the_end() {
    let t = TestApp::with_local_webhooks();
    let app = t.service().await;
    let f = field(&t);
    let receiver = Receiver::start(2);
    let subscribed = subscribe(&app, &f.referrer, &receiver.url).await;
    let subscription = subscribed.body["id"].as_str().unwrap().to_owned();
    let created = refer(&app, &f.referrer, &referral_body(&f.centre, "Birgit", true)).await;
    send(
        &app,
        transition(created["id"].as_str().unwrap(), &f.coordinator, "received"),
    )
    .await;
    let deliverer = Deliverer::new(t.state.db.clone(), immediate_retries());
    for _ in 0..5 {
        deliver(&deliverer).await;
    }
    let received = receiver.received();
    assert_eq!(
        received.iter().map(|r| r.answered).collect::<Vec<_>>(),
        vec![500, 500, 200]
    );
    let ids: Vec<&str> = received
        .iter()
        .map(|r| r.header("samhandling-delivery").unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|pair| pair[0] == pair[1]),
        "retries carry the same delivery id"
    );
    let deliveries = get(
        &app,
        &format!("/api/v1/webhook-subscriptions/{subscription}/deliveries"),
        &f.referrer,
    )
    .await;
    let attempts = deliveries.body["items"][0]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 3);
    assert_eq!(attempts[0]["status_code"], 500);
    assert!(deliveries.body["items"][0]["delivered_at"].is_string());
    receiver.stop().await;
}

#[actix_web::test]
async fn without_consent_only_coarse_changes_are_announced() {
    let t = TestApp::with_local_webhooks();
    let app = t.service().await;
    let f = field(&t);
    let receiver = Receiver::start(0);
    subscribe(&app, &f.referrer, &receiver.url).await;
    let created = refer(
        &app,
        &f.referrer,
        &referral_body(&f.centre, "Sverre", false),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    for step in [
        "received",
        "contacted",
        "intake_scheduled",
        "intake_completed",
    ] {
        send(&app, transition(id, &f.coordinator, step)).await;
    }
    let deliverer = Deliverer::new(t.state.db.clone(), immediate_retries());
    deliver(&deliverer).await;
    let statuses: Vec<serde_json::Value> = receiver
        .received()
        .iter()
        .map(|r| serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["referral"].clone())
        .collect();
    assert_eq!(
        statuses.len(),
        1,
        "submitted→received is not a coarse change; received→contacted is"
    );
    assert_eq!(statuses[0]["coarse_status"], "in_progress");
    assert_eq!(statuses[0]["status"], serde_json::Value::Null);
    receiver.stop().await;
}

#[actix_web::test]
async fn private_and_plain_http_targets_are_refused_by_default() {
    let t = TestApp::new();
    let app = t.service().await;
    let f = field(&t);
    for url in [
        "https://127.0.0.1/hook",
        "https://169.254.169.254/latest",
        "http://fagsystem.example.no/hook",
        "https://localhost/hook",
    ] {
        let reply = send(
            &app,
            authorized(
                TestRequest::post().uri("/api/v1/webhook-subscriptions"),
                &f.referrer,
            )
            .set_json(json!({"url": url, "event_types": ["referral_status_changed"]})),
        )
        .await;
        assert_eq!(
            reply.assert_problem(422)["errors"][0]["field"],
            "url",
            "{url}"
        );
    }
    let ok = send(
        &app,
        authorized(TestRequest::post().uri("/api/v1/webhook-subscriptions"), &f.referrer)
            .set_json(json!({"url": "https://fagsystem.example.no/hook", "event_types": ["referral_status_changed"]})),
    )
    .await;
    assert_eq!(ok.status, 201);
    let id = ok.body["id"].as_str().unwrap();
    assert!(get(
        &app,
        &format!("/api/v1/webhook-subscriptions/{id}"),
        &f.referrer
    )
    .await
    .body
    .get("secret")
    .is_none());
    let deleted = send(
        &app,
        authorized(
            TestRequest::delete().uri(&format!("/api/v1/webhook-subscriptions/{id}")),
            &f.referrer,
        ),
    )
    .await;
    assert_eq!(deleted.status, 204);
    get(
        &app,
        &format!("/api/v1/webhook-subscriptions/{id}"),
        &f.referrer,
    )
    .await
    .assert_problem(404);
}

/// A receiver that takes its time holds up its own delivery and nothing that needs the
/// database: the worker returns its connection before it sends and checks one out again to
/// record the outcome.
#[actix_web::test]
async fn the_worker_holds_no_connection_while_a_receiver_keeps_it_waiting() {
    let t = TestApp::with_local_webhooks();
    let app = t.service().await;
    let f = field(&t);
    let receiver = Receiver::start_answering_after(0, Duration::from_millis(1500));
    subscribe(&app, &f.referrer, &receiver.url).await;
    let created = refer(&app, &f.referrer, &referral_body(&f.centre, "Tormod", true)).await;
    send(
        &app,
        transition(created["id"].as_str().unwrap(), &f.coordinator, "received"),
    )
    .await;
    let one_connection = samhandling_persistence::Db::new(
        &t.database.url,
        &samhandling_persistence::DbOptions {
            max_size: 1,
            checkout_timeout: Duration::from_millis(300),
            ..samhandling_persistence::DbOptions::default()
        },
    );
    let deliverer = Deliverer::new(one_connection.clone(), immediate_retries());
    let delivering = actix_web::rt::spawn(async move { deliver(&deliverer).await });
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    let free = actix_web::web::block(move || one_connection.connection().map(drop))
        .await
        .unwrap();
    assert!(
        free.is_ok(),
        "the only connection is held while the receiver waits: {free:?}"
    );
    assert_eq!(delivering.await.unwrap(), 1);
    assert_eq!(receiver.received().len(), 1);
    receiver.stop().await;
}

/// The server accepts exactly the targets the schema documents: the published pattern is the
/// one registration enforces, and a URL outside it is a 422 however well `Url` parses it.
#[actix_web::test]
async fn registration_enforces_the_published_target_pattern() {
    let spec = samhandling_http::openapi::document();
    assert_eq!(
        spec["components"]["schemas"]["CreateWebhookSubscription"]["properties"]["url"]["pattern"],
        samhandling_http::webhook_target::TARGET_PATTERN
    );
    let t = TestApp::new();
    let app = t.service().await;
    let f = field(&t);
    for url in [
        "https://8m0swrci055.25-0.i2z6.jbvurd*",
        "https://Fagsystem.example.no/hook",
        "https://203.0.113.7/hook",
        "https://fagsystem.example.no:10443/hook",
    ] {
        subscribe(&app, &f.referrer, url).await.assert_problem(422);
    }
    let accepted = subscribe(&app, &f.referrer, "https://fagsystem.example.no:8443/hook").await;
    assert_eq!(accepted.status, 201, "{}", accepted.text);
}

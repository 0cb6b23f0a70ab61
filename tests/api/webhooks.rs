//! Webhooks close the loop: signed, retried, delivered once, never carrying personal data, never
//! sent to private addresses unless configured.

use actix_web::test::TestRequest;
use samhandling_domain::organisation::OrganisationKind;
use samhandling_domain::Role;
use samhandling_jobs::delivery::{Deliverer, DeliverySettings};
use samhandling_jobs::metrics::JobMetrics;
use samhandling_persistence::webhooks::LISTENER_APPLICATION_NAME;
use samhandling_tests::metrics::scrape;
use samhandling_tests::receiver::Receiver;
use samhandling_tests::referrals::{
    field, move_referral, received, refer, referral_body, referred, transition, Field,
};
use samhandling_tests::webhooks::{
    deliver, deliverer, immediate_retries, subscribe, subscribe_to, subscription_uri,
};
use samhandling_tests::{act, assert_not_found, authorized, created, get, ids, send, App, TestApp};
use serde_json::json;
use std::time::Duration;

/// The id of a subscription's first delivery, as its log shows it.
async fn deliveries_id(app: &impl App, token: &str, subscription: &str) -> String {
    let log = get(
        app,
        &format!("/api/v1/webhook-subscriptions/{subscription}/deliveries"),
        token,
    )
    .await;
    log.body["items"][0]["id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_status_change_reaches_the_referrers_receiver_signed_and_without_personal_data() {
    let (t, app, f) = TestApp::with_local_webhooks().serve(field).await;
    let receiver = Receiver::start(0);
    let subscribed = subscribe(&app, &f.referrer, &receiver.url).await;
    assert_eq!(subscribed.status, 201, "{}", subscribed.text);
    let secret = subscribed.body["secret"].as_str().unwrap().to_owned();
    let subscription = subscribed.body["id"].as_str().unwrap().to_owned();

    let mut body = referral_body(&f.centre, "Hallvard", true);
    body["external_reference"] = json!("SAK-2026-0001");
    let created = refer(&app, &f.referrer, &body).await;
    let id = created["id"].as_str().unwrap();
    // The centre's system traces its calls: the delivery continues the trace of the move.
    let trace = "0af7651916cd43dd8448eb211c80319c";
    let traced = transition(id, &f.coordinator, "received")
        .insert_header(("traceparent", format!("00-{trace}-b7ad6b7169203331-01")));
    send(&app, traced).await;
    let deliverer = deliverer(&t);
    assert_eq!(deliver(&deliverer).await, 1);

    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let delivery = &received[0];
    let traceparent = delivery.header("traceparent").expect("a traceparent");
    assert!(
        traceparent.starts_with(&format!("00-{trace}-")) && traceparent.ends_with("-01"),
        "{traceparent}"
    );
    assert!(
        !traceparent.contains("b7ad6b7169203331"),
        "a span of its own"
    );
    assert!(secret.starts_with("whsec_"), "{secret}");
    assert!(delivery.verifies_with(&secret));
    assert!(!delivery.verifies_with(&samhandling_auth::webhook_signatures::generate_secret()));
    assert_eq!(
        delivery.header("webhook-id"),
        Some(
            deliveries_id(&app, &f.referrer, &subscription)
                .await
                .as_str()
        )
    );
    let payload = delivery.json();
    assert_eq!(payload["type"], "referral_status_changed");
    assert!(payload["timestamp"].is_string());
    assert_eq!(payload["data"]["referral"]["id"], id);
    assert_eq!(payload["data"]["referral"]["status"], "received");
    assert_eq!(
        payload["data"]["referral"]["external_reference"],
        "SAK-2026-0001"
    );
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
    let (t, app, f) = TestApp::with_local_webhooks().serve(field).await;
    let receiver = Receiver::start(2);
    let subscribed = subscribe(&app, &f.referrer, &receiver.url).await;
    let subscription = subscribed.body["id"].as_str().unwrap().to_owned();
    received(&app, &f, &f.referrer, "Birgit").await;
    let counted = JobMetrics::register(t.state.metrics.registry()).unwrap();
    let deliverer = deliverer(&t).counted_in(counted.deliveries);
    for _ in 0..5 {
        deliver(&deliverer).await;
    }
    let received = receiver.received();
    assert_eq!(
        received.iter().map(|r| r.answered).collect::<Vec<_>>(),
        vec![500, 500, 200]
    );
    // The metrics count the attempts by outcome, and the outbox by state.
    let scraped = scrape(&t).await;
    let attempts = "samhandling_webhook_delivery_attempts_total";
    assert_eq!(scraped.expect(attempts, &[("outcome", "http_5xx")]), 2);
    assert_eq!(scraped.expect(attempts, &[("outcome", "delivered")]), 1);
    assert_eq!(scraped.expect(attempts, &[("outcome", "timeout")]), 0);
    let outbox = "samhandling_webhook_outbox_deliveries";
    assert_eq!(scraped.expect(outbox, &[("state", "delivered")]), 1);
    assert_eq!(scraped.expect(outbox, &[("state", "pending")]), 0);
    let ids: Vec<&str> = received
        .iter()
        .map(|r| r.header("webhook-id").unwrap())
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
    let (t, app, f) = TestApp::with_local_webhooks().serve(field).await;
    let receiver = Receiver::start(0);
    subscribe(&app, &f.referrer, &receiver.url).await;
    let id = &referred(&app, &f, "Sverre", false).await;
    move_referral(
        &app,
        id,
        &f.coordinator,
        &[
            "received",
            "contacted",
            "intake_scheduled",
            "intake_completed",
        ],
    )
    .await;
    let deliverer = deliverer(&t);
    deliver(&deliverer).await;
    let statuses: Vec<serde_json::Value> = receiver
        .received()
        .iter()
        .map(|r| r.json()["data"]["referral"].clone())
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
    let (_t, app, f) = TestApp::started(field).await;
    for url in [
        "https://127.0.0.1/hook",
        "https://169.254.169.254/latest",
        "http://fagsystem.example.no/hook",
        "https://localhost/hook",
    ] {
        let reply = subscribe(&app, &f.referrer, url).await;
        assert_eq!(
            reply.assert_problem(422)["errors"][0]["field"],
            "url",
            "{url}"
        );
    }
    let ok = subscribe(&app, &f.referrer, "https://fagsystem.example.no/hook").await;
    assert_eq!(ok.status, 201);
    let id = ok.body["id"].as_str().unwrap();
    assert!(get(&app, &subscription_uri(id), &f.referrer)
        .await
        .body
        .get("secret")
        .is_none());
    let deleted = send(
        &app,
        authorized(
            TestRequest::delete().uri(&subscription_uri(id)),
            &f.referrer,
        ),
    )
    .await;
    assert_eq!(deleted.status, 204);
    get(&app, &subscription_uri(id), &f.referrer)
        .await
        .assert_problem(404);
}

/// A receiver that takes its time holds up its own delivery and nothing that needs the
/// database: the worker returns its connection before it sends and checks one out again to
/// record the outcome.
#[actix_web::test]
async fn the_worker_holds_no_connection_while_a_receiver_keeps_it_waiting() {
    let (t, app, f) = TestApp::with_local_webhooks().serve(field).await;
    let receiver = Receiver::start_answering_after(0, Duration::from_millis(1500));
    subscribe(&app, &f.referrer, &receiver.url).await;
    received(&app, &f, &f.referrer, "Tormod").await;
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
    let (_t, app, f) = TestApp::started(field).await;
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

fn settings(
    timeout: Duration,
    retry: samhandling_domain::webhook::RetryPolicy,
) -> DeliverySettings {
    DeliverySettings {
        poll_interval: Duration::from_millis(100),
        retry,
        timeout,
        concurrency: 4,
        allow_private_targets: true,
        ..DeliverySettings::default()
    }
}

fn retry(
    base_ms: i64,
    give_up_after: chrono::TimeDelta,
) -> samhandling_domain::webhook::RetryPolicy {
    samhandling_domain::webhook::RetryPolicy {
        base: chrono::TimeDelta::milliseconds(base_ms),
        cap: chrono::TimeDelta::milliseconds(base_ms.max(1000)),
        give_up_after,
    }
}

/// Waits up to `limit` for `done`, polling.
async fn eventually(limit: Duration, done: impl Fn() -> bool) -> bool {
    let started = std::time::Instant::now();
    while started.elapsed() < limit {
        if done() {
            return true;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    done()
}

/// One organisation's broken endpoint silences no one else: with hundreds of deliveries queued
/// for receivers that hang, another organisation's prompt receiver gets its event within the
/// poll interval plus two seconds.
#[actix_web::test]
async fn a_prompt_receiver_is_served_while_another_organisations_receivers_hang() {
    let (t, app, f) = TestApp::with_local_webhooks().serve(field).await;
    let hanging = Receiver::start_answering_after(0, Duration::from_secs(4));
    for _ in 0..10 {
        subscribe(&app, &f.referrer, &hanging.url).await;
    }
    for n in 0..30 {
        received(&app, &f, &f.referrer, &format!("Hang{n}")).await;
    }
    assert_eq!(
        t.database
            .count("SELECT count(*) AS count FROM webhook_deliveries"),
        300
    );
    // Fewer slots than hanging subscriptions: the hard case.
    let deliverer = Deliverer::new(
        t.state.database.pool().clone(),
        DeliverySettings {
            concurrency: 8,
            ..settings(
                Duration::from_secs(1),
                retry(10_000, chrono::TimeDelta::hours(25)),
            )
        },
    );
    let running = actix_web::rt::spawn(deliverer.run());
    // Let the hanging receivers take the worker's attention first.
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;

    let prompt = Receiver::start(0);
    subscribe(&app, &f.other_municipality, &prompt.url).await;
    let other = refer(
        &app,
        &f.other_municipality,
        &referral_body(&f.centre, "Prompt", true),
    )
    .await;
    let moved_at = std::time::Instant::now();
    move_referral(
        &app,
        other["id"].as_str().unwrap(),
        &f.coordinator,
        &["received"],
    )
    .await;
    assert!(
        eventually(Duration::from_millis(2100), || !prompt
            .received()
            .is_empty())
        .await,
        "the prompt receiver waited behind the hanging ones"
    );
    assert!(moved_at.elapsed() < Duration::from_millis(2100));
    // A hanging subscription tried once waits as a whole, its 29 other deliveries untried. The
    // first 8 attempts time out together; their outcomes are recorded as each one returns, so a
    // loaded machine may list some a moment after the prompt delivery.
    let outcome_told =
        |subscription: &&serde_json::Value| !subscription["health"]["last_outcome"].is_null();
    let mut listed = get(&app, "/api/v1/webhook-subscriptions", &f.referrer).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    while listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(outcome_told)
        .count()
        < 8
        && std::time::Instant::now() < deadline
    {
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        listed = get(&app, "/api/v1/webhook-subscriptions", &f.referrer).await;
    }
    let tried: Vec<&serde_json::Value> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(outcome_told)
        .collect();
    assert!(tried.len() >= 8, "{}", listed.text);
    assert!(
        tried.iter().all(|subscription| {
            subscription["health"]["state"] == "paused"
                && subscription["health"]["last_outcome"] == "timeout"
                && subscription["health"]["consecutive_failures"] == 1
        }),
        "{}",
        listed.text
    );
    running.abort();
    prompt.stop().await;
    hanging.stop().await;
}

/// A receiver sees one referral's moves in the order they happened, across retries of the
/// oldest one and with two instances' workers sharing the outbox, each delivered once.
#[actix_web::test]
async fn order_is_kept_per_subscription_across_retries_and_two_instances() {
    let (t, app, f) = TestApp::with_local_webhooks().serve(field).await;
    let receiver = Receiver::start(3);
    subscribe(&app, &f.referrer, &receiver.url).await;
    let id = &referred(&app, &f, "Ordnung", true).await;
    let steps = [
        "received",
        "contacted",
        "intake_scheduled",
        "intake_completed",
        "waiting_for_group",
    ];
    move_referral(&app, id, &f.coordinator, &steps).await;
    let instance = || {
        let pool = samhandling_persistence::Pools::new(
            &t.database.url,
            &samhandling_persistence::DbOptions::default(),
        );
        Deliverer::new(
            pool.jobs,
            settings(
                Duration::from_secs(2),
                retry(0, chrono::TimeDelta::hours(25)),
            ),
        )
    };
    let first = actix_web::rt::spawn(instance().run());
    let second = actix_web::rt::spawn(instance().run());
    assert!(
        eventually(Duration::from_secs(10), || {
            receiver
                .received()
                .iter()
                .filter(|r| r.answered == 200)
                .count()
                == steps.len()
        })
        .await
    );
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    first.abort();
    second.abort();
    let received = receiver.received();
    let statuses: Vec<String> = received
        .iter()
        .map(|r| {
            r.json()["data"]["referral"]["status"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    // Three failures of the first, then each in turn.
    let mut expected = vec!["received"; 3];
    expected.extend(steps);
    assert_eq!(statuses, expected);
    let acknowledged: std::collections::HashSet<&str> = received
        .iter()
        .filter(|r| r.answered == 200)
        .map(|r| r.header("webhook-id").unwrap())
        .collect();
    assert_eq!(
        acknowledged.len(),
        steps.len(),
        "each delivered exactly once"
    );
    receiver.stop().await;
}

/// A subscription that keeps failing is paused as a whole, then abandoned and marked failing,
/// while another organisation's deliveries flow. Its owner re-enables it with a replay, which
/// delivers what was abandoned minus what the person has since withdrawn consent to.
#[actix_web::test]
async fn a_failing_subscription_is_paused_abandoned_and_replayed_under_todays_consent() {
    let (t, app, f) = TestApp::with_local_webhooks().serve(field).await;
    let broken = Receiver::start(usize::MAX);
    let subscribed = subscribe(&app, &f.referrer, &broken.url).await;
    let subscription = subscribed.body["id"].as_str().unwrap().to_owned();
    let healthy = Receiver::start(0);
    subscribe(&app, &f.other_municipality, &healthy.url).await;

    // Two referrals with consent; each makes a coarse move and a detailed one.
    let mut ids = Vec::new();
    for name in ["Kari", "Ola"] {
        let id = referred(&app, &f, name, true).await;
        move_referral(
            &app,
            &id,
            &f.coordinator,
            &["received", "contacted", "intake_scheduled"],
        )
        .await;
        ids.push(id);
    }
    received(&app, &f, &f.other_municipality, "Anne").await;

    // Paused: one failure makes the whole subscription wait, however much is queued.
    let pausing = Deliverer::new(
        t.state.database.pool().clone(),
        settings(
            Duration::from_secs(2),
            retry(60_000, chrono::TimeDelta::hours(25)),
        ),
    );
    let attempts = deliver(&pausing).await;
    assert_eq!(
        attempts, 2,
        "one attempt for the broken subscription, one for the healthy one"
    );
    assert_eq!(healthy.received().len(), 1);
    let paused = get(&app, &subscription_uri(&subscription), &f.referrer).await;
    assert_eq!(paused.body["health"]["state"], "paused", "{}", paused.text);
    assert_eq!(paused.body["health"]["consecutive_failures"], 1);
    assert_eq!(paused.body["health"]["last_outcome"], "http_5xx");
    assert!(paused.body["health"]["paused_until"].is_string());
    assert_eq!(deliver(&pausing).await, 0, "nothing is tried while paused");
    let scraped = scrape(&t).await;
    let subscriptions = "samhandling_webhook_subscriptions";
    assert_eq!(scraped.expect(subscriptions, &[("state", "paused")]), 1);
    assert_eq!(scraped.expect(subscriptions, &[("state", "failing")]), 0);
    let outbox = "samhandling_webhook_outbox_deliveries";
    assert_eq!(scraped.expect(outbox, &[("state", "pending")]), 6);
    assert!(scraped.value("samhandling_webhook_outbox_oldest_pending_seconds", &[]) > 0.0);

    // Past the retry window: abandoned, failing.
    let since = chrono::Utc::now() - chrono::TimeDelta::hours(1);
    let giving_up = Deliverer::new(
        t.state.database.pool().clone(),
        settings(Duration::from_secs(2), retry(0, chrono::TimeDelta::zero())),
    );
    {
        use diesel::RunQueryDsl;
        diesel::sql_query("UPDATE webhook_subscriptions SET paused_until = NULL")
            .execute(&mut t.database.connect())
            .unwrap();
    }
    assert_eq!(deliver(&giving_up).await, 1);
    let failing = get(&app, &subscription_uri(&subscription), &f.referrer).await;
    assert_eq!(
        failing.body["health"]["state"], "failing",
        "{}",
        failing.text
    );
    let scraped = scrape(&t).await;
    assert_eq!(scraped.expect(subscriptions, &[("state", "paused")]), 0);
    assert_eq!(scraped.expect(subscriptions, &[("state", "failing")]), 1);
    assert_eq!(scraped.expect(outbox, &[("state", "abandoned")]), 6);
    let log = get(
        &app,
        &format!("/api/v1/webhook-subscriptions/{subscription}/deliveries"),
        &f.referrer,
    )
    .await;
    let items = log.body["items"].as_array().unwrap();
    // With consent every step is told: received and intake_scheduled are detailed steps only,
    // contacted also changes the coarse status.
    assert_eq!(items.len(), 6);
    assert!(items.iter().all(|item| item["abandoned_at"].is_string()));
    assert_eq!(items[0]["attempts"][0]["outcome"], "http_5xx");
    assert!(
        items[0]["attempts"][0].get("error").is_none(),
        "no transport text"
    );

    // Kari withdraws consent: her detailed-only step is withdrawn, her coarse one loses detail.
    let withdrawn = act(
        &app,
        &format!("/api/v1/referrals/{}/feedback-consent/withdrawal", ids[0]),
        &f.coordinator,
    )
    .await;
    assert_eq!(withdrawn.status, 204);

    broken.stop().await;
    let fixed = Receiver::start(0);
    {
        use diesel::RunQueryDsl;
        diesel::sql_query("UPDATE webhook_subscriptions SET url = $1 WHERE id = $2::uuid")
            .bind::<diesel::sql_types::Text, _>(&fixed.url)
            .bind::<diesel::sql_types::Text, _>(&subscription)
            .execute(&mut t.database.connect())
            .unwrap();
    }
    let replay = |key: &str| {
        authorized(
            TestRequest::post().uri(&format!(
                "/api/v1/webhook-subscriptions/{subscription}/replay"
            )),
            &f.referrer,
        )
        .insert_header(("Idempotency-Key", key.to_owned()))
        .set_json(json!({"since": since}))
    };
    let replayed = send(&app, replay("replay-1")).await;
    assert_eq!(replayed.status, 200, "{}", replayed.text);
    assert_eq!(
        replayed.body["replayed"], 4,
        "Kari's two detailed-only steps are withdrawn"
    );
    assert_eq!(replayed.body["subscription"]["health"]["state"], "active");
    let again = send(&app, replay("replay-1")).await;
    assert_eq!(
        again.body, replayed.body,
        "a retried replay replays nothing more"
    );
    deliver(&giving_up).await;
    let sent: Vec<serde_json::Value> = fixed
        .received()
        .iter()
        .map(|r| r.json()["data"]["referral"].clone())
        .collect();
    assert_eq!(sent.len(), 4, "{sent:?}");
    for event in &sent {
        if event["id"] == ids[0].as_str() {
            assert_eq!(
                event["status"],
                serde_json::Value::Null,
                "consent withdrawn: {event}"
            );
        }
    }
    assert_eq!(
        sent.iter()
            .filter(|event| event["id"] == ids[1].as_str() && event["status"].is_string())
            .count(),
        3,
        "Ola's events, detailed, in full"
    );
    fixed.stop().await;
    healthy.stop().await;
}

/// A rotation returns a new secret once; for the overlap both the new and the previous secret
/// sign every delivery, so a receiver verifies with either while it switches.
#[actix_web::test]
async fn during_a_secret_rotation_both_secrets_verify() {
    let (t, app, f) = TestApp::with_local_webhooks().serve(field).await;
    let receiver = Receiver::start(0);
    let subscribed = subscribe(&app, &f.referrer, &receiver.url).await;
    let old = subscribed.body["secret"].as_str().unwrap().to_owned();
    let id = subscribed.body["id"].as_str().unwrap().to_owned();
    let rotation = || {
        authorized(
            TestRequest::post().uri(&format!(
                "/api/v1/webhook-subscriptions/{id}/secret-rotation"
            )),
            &f.referrer,
        )
        .insert_header(("Idempotency-Key", "rotate-1"))
    };
    let rotated = send(&app, rotation()).await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let new = rotated.body["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(rotated.body["previous_secret_valid_until"].is_string());
    let retried = send(&app, rotation()).await;
    assert_eq!(
        retried.body["secret"],
        serde_json::Value::Null,
        "shown once, and not rotated again"
    );

    received(&app, &f, &f.referrer, "Rotasjon").await;
    deliver(&Deliverer::new(
        t.state.database.pool().clone(),
        immediate_retries(),
    ))
    .await;
    let delivery = &receiver.received()[0];
    assert_eq!(
        delivery
            .header("webhook-signature")
            .unwrap()
            .split(' ')
            .count(),
        2
    );
    assert!(delivery.verifies_with(&new));
    assert!(delivery.verifies_with(&old));
    assert!(!delivery.verifies_with(&samhandling_auth::webhook_signatures::generate_secret()));
    receiver.stop().await;
}

/// A delivery withdrawn with the person's consent while it is in flight leaves nothing to
/// record, and its subscription is released for the next event at once (not after its lease).
#[actix_web::test]
async fn a_delivery_withdrawn_in_flight_releases_its_subscription() {
    use samhandling_persistence::webhooks::{self, AttemptOutcome, NextStep};
    let (t, app, f) = TestApp::with_local_webhooks().serve(field).await;
    subscribe(&app, &f.referrer, "http://127.0.0.1:9/hook").await;
    let id = &referred(&app, &f, "Flyt", true).await;
    move_referral(&app, id, &f.coordinator, &["received"]).await;
    let mut conn = t.database.connect();
    let claimed = webhooks::claim_due(&mut conn, Duration::from_mins(1), 1).unwrap();
    assert_eq!(claimed.len(), 1);
    // received is a detailed step only: withdrawing consent withdraws its event.
    let withdrawn = act(
        &app,
        &format!("/api/v1/referrals/{id}/feedback-consent/withdrawal"),
        &f.coordinator,
    )
    .await;
    assert_eq!(withdrawn.status, 204);
    let answered = AttemptOutcome {
        status_code: Some(200),
        outcome: samhandling_domain::webhook::DeliveryOutcome::Delivered,
        duration_ms: 1,
    };
    webhooks::record_attempt(&mut conn, &claimed[0], &answered, NextStep::Delivered)
        .expect("nothing to record, and no error");
    move_referral(&app, id, &f.coordinator, &["contacted"]).await;
    let next = webhooks::claim_due(&mut conn, Duration::from_mins(1), 1).unwrap();
    assert_eq!(next.len(), 1, "the subscription waited out its lease");
    assert_ne!(next[0].id, claimed[0].id);
}

/// Each event type is for the roles that take part in what it reports: a municipality's contact
/// subscribes to answers to its needs and to its overdue actions but not to the needs addressed
/// to partners, a referrer to none of them, a competence centre to the needs addressed to it. And
/// one municipality's contact and referrer do not reach each other's subscriptions.
#[actix_web::test]
async fn an_event_type_is_for_its_audience_and_a_subscription_for_the_roles_that_hear_it() {
    let (t, app, ()) = TestApp::started(|_| ()).await;
    let levanger = t.municipality("Levanger kommune", "5037");
    let contact = t.token(levanger.id, &[Role::MunicipalContact]);
    let referrer = t.token(levanger.id, &[Role::Referrer]);
    let korus = t.organisation(OrganisationKind::CompetenceCentre, "KoRus Midt", None);
    let adviser = t.token(korus.id, &[Role::CompetenceAdviser]);
    let url = "https://fagsystem.levanger.kommune.no/hooks/samhandling";

    for (token, event_type) in [
        (&contact, "collaboration_need_addressed"),
        (&referrer, "follow_up_action_overdue"),
        (&referrer, "collaboration_need_answered"),
        (&adviser, "collaboration_need_answered"),
    ] {
        let refused = subscribe_to(&app, token, url, event_type).await;
        let error = &refused.assert_problem(422)["errors"][0];
        assert_eq!(
            (&error["field"], &error["code"]),
            (&json!("event_types"), &json!("not_for_role")),
            "{event_type}: {}",
            refused.text
        );
    }
    let mut contacts = Vec::new();
    for event_type in ["collaboration_need_answered", "follow_up_action_overdue"] {
        let subscribed = subscribe_to(&app, &contact, url, event_type).await;
        assert_eq!(subscribed.status, 201, "{}", subscribed.text);
        contacts.push(subscribed.id());
    }
    let addressed = subscribe_to(&app, &adviser, url, "collaboration_need_addressed").await;
    assert_eq!(addressed.status, 201, "{}", addressed.text);
    let referrals = subscribe(&app, &referrer, url).await.id();

    let listed = |token| get(&app, "/api/v1/webhook-subscriptions", token);
    assert_eq!(ids(&listed(&contact).await.body), contacts);
    assert_eq!(
        ids(&listed(&referrer).await.body),
        std::slice::from_ref(&referrals)
    );
    let theirs = subscription_uri(&referrals);
    let uris = [theirs.clone(), format!("{theirs}/deliveries")];
    assert_not_found(&app, &uris, &[&contact]).await;
    let deleted = send(
        &app,
        authorized(TestRequest::delete().uri(&theirs), &contact),
    )
    .await;
    deleted.assert_problem(404);
    assert_eq!(get(&app, &theirs, &referrer).await.status, 200);
}

/// The need events go through the outbox like any other: the partner a request is addressed to
/// is told of it, and the municipality of the partner's answer (not of its own withdrawal of
/// another request), signed, with the need's id, municipality and status; the delivery log
/// shows the same body.
#[actix_web::test]
async fn need_events_reach_the_partner_and_the_municipality_through_the_outbox() {
    let (t, app, ()) = TestApp::with_local_webhooks().serve(|_| ()).await;
    let levanger = t.municipality("Levanger kommune", "5037");
    let korus = t.organisation(OrganisationKind::CompetenceCentre, "KoRus Midt", None);
    let contact = t.token(levanger.id, &[Role::MunicipalContact]);
    let adviser = t.token(korus.id, &[Role::CompetenceAdviser]);
    let receiver = Receiver::start(0);
    let partner = subscribe_to(
        &app,
        &adviser,
        &receiver.url,
        "collaboration_need_addressed",
    )
    .await;
    let municipality =
        subscribe_to(&app, &contact, &receiver.url, "collaboration_need_answered").await;
    let (partner, municipality) = (partner.id(), municipality.id());

    let request = |topic: &str| json!({"partner_organisation_id": korus.id, "topic": topic, "description": "Råd om ettervern"});
    let need_id = created(
        &app,
        "/api/v1/collaboration-needs",
        &contact,
        &request("Ettervern"),
    )
    .await
    .id();
    let answer = |token: &str, id: &str, to: &str| {
        authorized(
            TestRequest::post().uri(&format!("/api/v1/collaboration-needs/{id}/transitions")),
            token,
        )
        .insert_header(("If-Match", "*"))
        .set_json(json!({"to": to}))
    };
    assert_eq!(
        send(&app, answer(&adviser, &need_id, "accepted"))
            .await
            .status,
        200
    );
    let deliverer = deliverer(&t);
    assert_eq!(deliver(&deliverer).await, 2);
    let mut told: Vec<serde_json::Value> = receiver
        .received()
        .iter()
        .map(samhandling_tests::receiver::Received::json)
        .collect();
    told.sort_by_key(|body| body["type"].to_string());
    let data = |status| {
        json!({"collaboration_need": {
        "id": need_id, "municipality_id": levanger.id, "status": status}})
    };
    assert_eq!(told.len(), 2);
    assert_eq!(told[0]["type"], "collaboration_need_addressed");
    assert_eq!(told[0]["data"], data("open"));
    assert_eq!(told[1]["type"], "collaboration_need_answered");
    assert_eq!(told[1]["data"], data("accepted"));
    for (subscription, token, body) in [
        (partner, &adviser, &told[0]),
        (municipality, &contact, &told[1]),
    ] {
        let log = get(
            &app,
            &format!("/api/v1/webhook-subscriptions/{subscription}/deliveries"),
            token,
        )
        .await;
        assert_eq!(
            log.body["items"].as_array().unwrap().len(),
            1,
            "{}",
            log.text
        );
        assert_eq!(&log.body["items"][0]["payload"], body);
    }
    // A request the municipality withdraws tells its partner of the request only.
    let withdrawn = created(
        &app,
        "/api/v1/collaboration-needs",
        &contact,
        &request("Bolig"),
    )
    .await
    .id();
    assert_eq!(
        send(&app, answer(&contact, &withdrawn, "withdrawn"))
            .await
            .status,
        200
    );
    assert_eq!(
        deliver(&deliverer).await,
        1,
        "the second request's addressed event only"
    );
    receiver.stop().await;
}

/// The backends in `t`'s database listening for new deliveries.
fn listening(t: &TestApp) -> i64 {
    t.database.count_with(
        LISTENER_APPLICATION_NAME,
        "SELECT count(*) AS count FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = $1",
    )
}

/// Waits until the worker in `t` listens, and then past its first look at the outbox: from then
/// on it sleeps for its poll interval.
async fn listening_and_asleep(t: &TestApp) {
    assert!(eventually(Duration::from_secs(5), || listening(t) == 1).await);
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
}

/// Moves referral `id` to `step` as `f`'s coordinator and asserts that `receiver` holds
/// `deliveries` within two seconds: the worker woke for the change, it did not wait for its poll.
async fn wakes_the_worker(
    app: &impl App,
    f: &Field,
    id: &str,
    step: &str,
    receiver: &Receiver,
    deliveries: usize,
    why: &str,
) {
    let moved_at = std::time::Instant::now();
    move_referral(app, id, &f.coordinator, &[step]).await;
    assert!(
        eventually(Duration::from_secs(2), || receiver.received().len()
            == deliveries)
        .await,
        "{why}"
    );
    assert!(moved_at.elapsed() < Duration::from_secs(2));
}

/// A change wakes the worker on commit: with a poll interval far longer than the test, the
/// receiver still hears of each move within a couple of seconds, also after the listening
/// connection was cut (as a PostgreSQL restart cuts it) and opened again.
#[actix_web::test]
async fn a_status_change_wakes_the_worker_without_waiting_for_its_poll() {
    let (t, app, f) = TestApp::with_local_webhooks().serve(field).await;
    let receiver = Receiver::start(0);
    subscribe(&app, &f.referrer, &receiver.url).await;
    let created = refer(&app, &f.referrer, &referral_body(&f.centre, "Vekket", true)).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let deliverer = Deliverer::new(
        t.state.database.pool().clone(),
        DeliverySettings {
            poll_interval: Duration::from_secs(30),
            ..immediate_retries()
        },
    )
    .listening_on(&t.database.url);
    let running = actix_web::rt::spawn(deliverer.run());
    listening_and_asleep(&t).await;
    let waited = "the worker waited for its poll";
    wakes_the_worker(&app, &f, &id, "received", &receiver, 1, waited).await;

    t.database.count_with(
        LISTENER_APPLICATION_NAME,
        "SELECT count(pg_terminate_backend(pid)) AS count FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = $1",
    );
    listening_and_asleep(&t).await;
    let lost = "the listener did not come back";
    wakes_the_worker(&app, &f, &id, "contacted", &receiver, 2, lost).await;
    assert_eq!(
        receiver.received()[1].json()["data"]["referral"]["status"],
        "contacted"
    );
    running.abort();
    receiver.stop().await;
}

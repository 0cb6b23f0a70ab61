//! How requests share the database: they queue for the pool's connections in arrival order, a
//! request that gets none within the checkout timeout answers 503 and changes nothing, and
//! personal data leaves only once the audit event of its read is on record.

use actix_web::test::{self, TestRequest};
use actix_web::web;
use diesel::RunQueryDsl;
use samhandling_http::{build_app, AppState};
use samhandling_persistence::{DbOptions, Pools};
use samhandling_tests::referrals::{field, referred};
use samhandling_tests::{fetched, get, post, register_client, send, texts, TestApp, SECRET};
use serde_json::json;
use std::time::Duration;

/// The test's database behind a pool of `connections`, waiting at most `checkout` for one.
fn state_with_pool(t: &TestApp, connections: u32, checkout: Duration) -> web::Data<AppState> {
    let pools = Pools::new(
        &t.database.url,
        &DbOptions {
            max_size: connections,
            checkout_timeout: checkout,
            ..DbOptions::default()
        },
    );
    web::Data::new(AppState::new(&pools, t.tokens.clone(), SECRET).unwrap())
}

fn sql(t: &TestApp, statement: &str) {
    let mut conn = t.state.database.pool().connection().unwrap();
    diesel::sql_query(statement).execute(&mut conn).unwrap();
}

#[actix_web::test]
async fn a_request_that_gets_no_connection_in_time_answers_503_and_changes_nothing() {
    let t = TestApp::new();
    let admin = t.admin_token();
    let state = state_with_pool(&t, 1, Duration::from_millis(300));
    let app = test::init_service(build_app(state.clone(), &[])).await;

    let held = state.database.pool().connection().unwrap();
    let refused = post(
        &app,
        "/api/v1/organisations",
        &admin,
        &json!({"kind": "other", "name": "Mental Helse Trøndelag"}),
    )
    .await;
    refused.assert_problem(503);
    assert!(refused.header("retry-after").is_some());
    drop(held);

    let listed = fetched(&app, "/api/v1/organisations?kind=other", &admin).await;
    let names = texts(&listed.body["items"], "name");
    assert!(!names.contains(&"Mental Helse Trøndelag"), "{names:?}");
}

#[actix_web::test]
async fn more_concurrent_requests_than_connections_are_all_served_in_turn() {
    let t = TestApp::new();
    let admin = t.admin_token();
    let state = state_with_pool(&t, 1, Duration::from_secs(10));
    let app = test::init_service(build_app(state, &[])).await;

    let replies = futures_util::future::join_all(
        (0..24).map(|_| get(&app, "/api/v1/organisations?limit=5", &admin)),
    )
    .await;
    let statuses: Vec<u16> = replies.iter().map(|reply| reply.status.as_u16()).collect();
    assert_eq!(statuses, vec![200; 24]);
}

#[actix_web::test]
async fn every_read_of_the_person_is_on_record_and_only_those() {
    let (_t, app, f) = TestApp::started(field).await;
    let id = &referred(&app, &f, "Ingrid", true).await;
    let path = format!("/api/v1/referrals/{id}");

    // Concurrent reads share batches; each must have its own event.
    let centre_reads =
        futures_util::future::join_all((0..12).map(|_| get(&app, &path, &f.coordinator))).await;
    assert!(centre_reads
        .iter()
        .all(|read| read.status == 200 && read.body["person"]["given_name"] == "Ingrid"));
    let referrer_read = fetched(&app, &path, &f.referrer).await;
    assert!(referrer_read.body.get("person").is_none());

    let log = get(
        &app,
        &format!("{path}/access-log?limit=200"),
        &f.coordinator,
    )
    .await;
    let events = log.body["items"].as_array().unwrap();
    let reads: Vec<&serde_json::Value> = events.iter().filter(|e| e["action"] == "read").collect();
    assert_eq!(reads.len(), 12, "one event per read that showed the person");
    let mut request_ids: Vec<&str> = reads
        .iter()
        .map(|e| e["request_id"].as_str().unwrap())
        .collect();
    request_ids.sort_unstable();
    request_ids.dedup();
    assert_eq!(request_ids.len(), 12, "each event names its own request");
}

#[actix_web::test]
async fn no_person_leaves_when_the_read_cannot_be_recorded() {
    let (t, app, f) = TestApp::started(field).await;
    let id = &referred(&app, &f, "Sigrid", true).await;
    let path = format!("/api/v1/referrals/{id}");
    sql(
        &t,
        "CREATE FUNCTION refuse_reads() RETURNS trigger LANGUAGE plpgsql AS \
         $$ BEGIN RAISE EXCEPTION 'the audit trail refuses'; END $$",
    );
    sql(
        &t,
        "CREATE TRIGGER refuse_reads BEFORE INSERT ON audit_events FOR EACH ROW \
         WHEN (NEW.action = 'read') EXECUTE FUNCTION refuse_reads()",
    );

    let refused = get(&app, &path, &f.coordinator).await;
    assert!(refused.status.is_server_error(), "{}", refused.text);
    assert!(refused
        .content_type()
        .starts_with("application/problem+json"));
    for personal in ["Sigrid", "Nordmann", "+4791234567", "ønsker"] {
        assert!(!refused.text.contains(personal), "{personal} disclosed");
    }
    // The referrer is never shown the person, so its read needs no event and still works.
    assert_eq!(get(&app, &path, &f.referrer).await.status, 200);

    sql(&t, "DROP TRIGGER refuse_reads ON audit_events");
    let read = get(&app, &path, &f.coordinator).await;
    assert_eq!(read.body["person"]["given_name"], "Sigrid");
}

/// Requests have every connection of their pool: the read-audit writer and the background
/// jobs draw from pools of their own, so with every request connection taken, an audited read's
/// event is still committed and a job still gets its connection (and a request that wins a turn
/// always finds a connection).
#[actix_web::test]
async fn background_work_and_the_read_audit_never_take_a_request_connection() {
    let t = TestApp::new();
    let pools = Pools::new(
        &t.database.url,
        &DbOptions {
            max_size: 2,
            checkout_timeout: Duration::from_millis(300),
            ..DbOptions::default()
        },
    );
    let state = web::Data::new(AppState::new(&pools, t.tokens.clone(), SECRET).unwrap());
    let requests = pools.requests.clone();
    let held = web::block(move || (requests.connection(), requests.connection()))
        .await
        .unwrap();
    assert!(held.0.is_ok() && held.1.is_ok());
    let event = samhandling_domain::audit::NewAuditEvent {
        actor: "tester".into(),
        actor_organisation_id: None,
        action: samhandling_domain::audit::AuditAction::Read,
        resource_type: samhandling_domain::audit::ResourceType::Referral,
        resource_id: uuid::Uuid::now_v7(),
        request_id: "held".into(),
        provenance: samhandling_domain::audit::Provenance::default(),
    };
    state
        .read_audit
        .record(event)
        .await
        .expect("the read audit has its own connection");
    let jobs = pools.jobs.clone();
    let job = web::block(move || jobs.connection().map(drop))
        .await
        .unwrap();
    assert!(job.is_ok(), "a job found no connection: {job:?}");
    drop(held);
}

/// A token request holds no connection while Argon2 verifies its secret: with one request
/// connection, a read made while a (wrong) secret is being verified is served, not 503.
#[actix_web::test]
async fn a_token_request_holds_no_connection_while_its_secret_is_verified() {
    let t = TestApp::new();
    let admin = t.admin_token();
    let app = t.service().await;
    let municipality = t.organisation(
        samhandling_domain::organisation::OrganisationKind::Municipality,
        "Stjørdal kommune",
        Some("5035"),
    );
    let roles = [samhandling_domain::Role::Referrer];
    let registered = register_client(&app, &admin, municipality.id, "Fagsystem", &roles).await;
    let client_id = registered.id();
    let state = state_with_pool(&t, 1, Duration::from_millis(200));
    let app = test::init_service(build_app(state, &[])).await;
    // Warm the directory, so the read below needs only its own query.
    assert_eq!(
        get(&app, "/api/v1/organisations?limit=1", &admin)
            .await
            .status,
        200
    );
    let started = std::time::Instant::now();
    let guesses = (0..4).map(|_| {
        send(
            &app,
            TestRequest::post()
                .uri("/api/v1/oauth/token")
                .insert_header(("content-type", "application/x-www-form-urlencoded"))
                .set_payload(format!(
                    "grant_type=client_credentials&client_id={client_id}&client_secret=guess"
                )),
        )
    });
    let reads = (0..4).map(|_| get(&app, "/api/v1/organisations?limit=1", &admin));
    let (guessed, read) = futures_util::future::join(
        futures_util::future::join_all(guesses),
        futures_util::future::join_all(reads),
    )
    .await;
    let hashing = started.elapsed();
    assert!(guessed.iter().all(|reply| reply.status == 401));
    let statuses: Vec<u16> = read.iter().map(|reply| reply.status.as_u16()).collect();
    assert_eq!(
        statuses,
        vec![200; 4],
        "reads waited behind hashing for {hashing:?}"
    );
}

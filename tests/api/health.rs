//! Health, and what clients see while the database is unreachable: a quick 503, never a hang.

use actix_web::test::{self, TestRequest};
use actix_web::web;
use samhandling_auth::TokenService;
use samhandling_domain::Role;
use samhandling_http::{build_app, AppState};
use samhandling_persistence::{DbOptions, Pools};
use samhandling_tests::{get, send, token_settings, TestApp};
use std::time::{Duration, Instant};

#[actix_web::test]
async fn live_and_ready_answer_when_the_database_does() {
    let t = TestApp::new();
    let app = t.service().await;
    let live = send(&app, TestRequest::get().uri("/health/live")).await;
    assert_eq!(live.status, 200);
    assert_eq!(live.body["status"], "ok");
    let ready = send(&app, TestRequest::get().uri("/health/ready")).await;
    assert_eq!(ready.status, 200);
}

#[actix_web::test]
async fn without_a_database_the_api_answers_503_quickly() {
    // Nothing listens on port 1: every connection attempt is refused at once.
    let pools = Pools::new(
        "postgres://postgres@127.0.0.1:1/samhandling",
        &DbOptions {
            max_size: 2,
            checkout_timeout: Duration::from_millis(500),
            ..DbOptions::default()
        },
    );
    let settings = token_settings();
    let tokens = TokenService::new(&settings).unwrap();
    let token = tokens
        .issue("tester", uuid::Uuid::now_v7(), &[Role::Admin], None)
        .unwrap()
        .token;
    let app = test::init_service(build_app(
        web::Data::new(AppState::new(&pools, tokens, &settings.secret).unwrap()),
        &[],
    ))
    .await;

    let started = Instant::now();
    let ready = send(&app, TestRequest::get().uri("/health/ready")).await;
    ready.assert_problem(503);
    assert!(ready.header("retry-after").is_some());
    let listed = get(&app, "/api/v1/organisations", &token).await;
    listed.assert_problem(503);
    assert!(
        !listed.text.contains("127.0.0.1"),
        "no internals in the body: {}",
        listed.text
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    let live = send(&app, TestRequest::get().uri("/health/live")).await;
    assert_eq!(live.status, 200, "the process itself is alive");
}

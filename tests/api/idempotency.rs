//! Retries with the same Idempotency-Key create nothing twice.

use actix_web::test::TestRequest;
use diesel::RunQueryDsl;
use samhandling_domain::organisation::OrganisationKind;
use samhandling_domain::Role;
use samhandling_tests::{authorized, send, TestApp};
use serde_json::json;

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    count: i64,
}

fn count(t: &TestApp, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Count>(&mut t.database.connect())
        .unwrap()
        .count
}

#[actix_web::test]
async fn a_replay_returns_the_first_response_and_creates_nothing_more() {
    let t = TestApp::new();
    let app = t.service().await;
    let admin = t.admin_token();
    let body = json!({"kind": "user_organisation", "name": "RIO"});
    let create = || {
        authorized(TestRequest::post().uri("/api/v1/organisations"), &admin)
            .insert_header(("idempotency-key", "rio-2026-11-23"))
            .set_json(body.clone())
    };
    let first = send(&app, create()).await;
    assert_eq!(first.status, 201);
    let again = send(&app, create()).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("location"), first.header("location"));
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(
        count(
            &t,
            "SELECT count(*) AS count FROM organisations WHERE name = 'RIO'"
        ),
        1
    );
    assert_eq!(
        count(&t, "SELECT count(*) AS count FROM audit_events WHERE resource_type = 'organisation' AND action = 'created'"),
        1
    );
}

#[actix_web::test]
async fn the_same_key_with_a_different_body_is_422_and_creates_nothing() {
    let t = TestApp::new();
    let app = t.service().await;
    let admin = t.admin_token();
    let create = |name: &str| {
        authorized(TestRequest::post().uri("/api/v1/organisations"), &admin)
            .insert_header(("idempotency-key", "same-key"))
            .set_json(json!({"kind": "other", "name": name}))
    };
    assert_eq!(send(&app, create("Mental Helse")).await.status, 201);
    send(&app, create("Mental Helse Ungdom"))
        .await
        .assert_problem(422);
    assert_eq!(
        count(
            &t,
            "SELECT count(*) AS count FROM organisations WHERE name LIKE 'Mental Helse%'"
        ),
        1
    );
}

#[actix_web::test]
async fn keys_are_scoped_to_the_caller() {
    let t = TestApp::new();
    let app = t.service().await;
    let first_admin = t.admin_token();
    let other_operator = t.organisation(OrganisationKind::Other, "Another operator", None);
    let second_admin = t.token(other_operator.id, &[Role::Admin]);
    let create = |token: &str| {
        authorized(TestRequest::post().uri("/api/v1/organisations"), token)
            .insert_header(("idempotency-key", "shared-key"))
            .set_json(json!({"kind": "other", "name": "KBT"}))
    };
    let one = send(&app, create(&first_admin)).await;
    let two = send(&app, create(&second_admin)).await;
    assert_eq!(one.status, 201);
    assert_eq!(two.status, 201);
    assert_ne!(one.body["id"], two.body["id"]);
}

#[actix_web::test]
async fn a_malformed_key_is_400() {
    let t = TestApp::new();
    let app = t.service().await;
    let admin = t.admin_token();
    let request = authorized(TestRequest::post().uri("/api/v1/organisations"), &admin)
        .insert_header(("idempotency-key", "x".repeat(300)))
        .set_json(json!({"kind": "other", "name": "KBT"}));
    send(&app, request).await.assert_problem(400);
}

#[actix_web::test]
async fn a_key_older_than_a_day_starts_afresh() {
    let t = TestApp::new();
    let app = t.service().await;
    let admin = t.admin_token();
    let create = |name: &str| {
        authorized(TestRequest::post().uri("/api/v1/organisations"), &admin)
            .insert_header(("idempotency-key", "yearly-import"))
            .set_json(json!({"kind": "other", "name": name}))
    };
    let first = send(&app, create("Import 2025")).await;
    assert_eq!(first.status, 201);
    diesel::sql_query("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'")
        .execute(&mut t.database.connect())
        .unwrap();
    let second = send(&app, create("Import 2026")).await;
    assert_eq!(second.status, 201, "{}", second.text);
    assert_ne!(second.body["id"], first.body["id"]);
    assert!(second.header("idempotent-replayed").is_none());
    let replay = send(&app, create("Import 2026")).await;
    assert_eq!(replay.body["id"], second.body["id"]);
}

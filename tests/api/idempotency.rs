//! Retries with the same Idempotency-Key create nothing twice.

use actix_web::test::TestRequest;
use diesel::RunQueryDsl;
use samhandling_domain::organisation::OrganisationKind;
use samhandling_domain::Role;
use samhandling_tests::{authorized, send, TestApp};
use serde_json::json;

#[actix_web::test]
async fn a_replay_returns_the_first_response_and_creates_nothing_more() {
    let (t, app, admin) = TestApp::started(TestApp::admin_token).await;
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
        t.database
            .count("SELECT count(*) AS count FROM organisations WHERE name = 'RIO'"),
        1
    );
    assert_eq!(
        t.database.count("SELECT count(*) AS count FROM audit_events WHERE resource_type = 'organisation' AND action = 'created'"),
        1
    );
}

#[actix_web::test]
async fn the_same_key_with_a_different_body_is_422_and_creates_nothing() {
    let (t, app, admin) = TestApp::started(TestApp::admin_token).await;
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
        t.database
            .count("SELECT count(*) AS count FROM organisations WHERE name LIKE 'Mental Helse%'"),
        1
    );
}

#[actix_web::test]
async fn keys_are_scoped_to_the_caller() {
    let (t, app, first_admin) = TestApp::started(TestApp::admin_token).await;
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
    let (_t, app, admin) = TestApp::started(TestApp::admin_token).await;
    let request = authorized(TestRequest::post().uri("/api/v1/organisations"), &admin)
        .insert_header(("idempotency-key", "x".repeat(300)))
        .set_json(json!({"kind": "other", "name": "KBT"}));
    send(&app, request).await.assert_problem(400);
}

#[actix_web::test]
async fn a_key_older_than_a_day_starts_afresh() {
    let (t, app, admin) = TestApp::started(TestApp::admin_token).await;
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

/// A referral's create claims its key in the statement that stores it; these cover that path.
mod referrals {
    use actix_web::test::TestRequest;
    use diesel::RunQueryDsl;
    use samhandling_tests::referrals::{field, referral_body};
    use samhandling_tests::{authorized, get, send, TestApp};
    use serde_json::{json, Value};

    fn refer(token: &str, key: &str, body: &Value) -> TestRequest {
        authorized(TestRequest::post().uri("/api/v1/referrals"), token)
            .insert_header(("idempotency-key", key))
            .set_json(body)
    }

    fn referrals(t: &TestApp) -> i64 {
        t.database.count("SELECT count(*) AS count FROM referrals")
    }

    #[actix_web::test]
    async fn a_retried_referral_is_stored_once_and_answered_as_it_is_stored() {
        let (t, app, f) = TestApp::started(field).await;
        let body = referral_body(&f.centre, "Astrid", true);
        let first = send(&app, refer(&f.referrer, "SAK-1", &body)).await;
        assert_eq!(first.status, 201, "{}", first.text);
        assert_eq!(first.header("etag"), Some("\"1\""));
        let again = send(&app, refer(&f.referrer, "SAK-1", &body)).await;
        assert_eq!(again.status, 201);
        assert_eq!(again.body, first.body);
        assert_eq!(again.header("location"), first.header("location"));
        assert_eq!(again.header("etag"), first.header("etag"));
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
        assert_eq!(referrals(&t), 1);
        assert_eq!(
            t.database
                .count("SELECT count(*) AS count FROM audit_events WHERE action = 'created'"),
            1
        );

        // The representation was built before the referral was stored: it must be what is stored.
        let stored = get(&app, first.header("location").unwrap(), &f.referrer).await;
        for field in [
            "id",
            "reference",
            "status",
            "coarse_status",
            "version",
            "created_at",
            "updated_at",
        ] {
            assert_eq!(stored.body[field], first.body[field], "{field}");
        }
    }

    #[actix_web::test]
    async fn concurrent_retries_of_one_referral_store_it_once() {
        let (t, app, f) = TestApp::started(field).await;
        let body = referral_body(&f.centre, "Brita", true);
        let replies = futures_util::future::join_all(
            (0..8).map(|_| send(&app, refer(&f.referrer, "SAK-2", &body))),
        )
        .await;
        let ids: Vec<&Value> = replies.iter().map(|reply| &reply.body["id"]).collect();
        assert!(
            replies.iter().all(|reply| reply.status == 201),
            "{replies:?}"
        );
        assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
        assert_eq!(referrals(&t), 1);
    }

    #[actix_web::test]
    async fn a_referral_key_reused_for_another_person_is_422_and_stores_nothing() {
        let (t, app, f) = TestApp::started(field).await;
        let body = referral_body(&f.centre, "Dagny", true);
        let first = send(&app, refer(&f.referrer, "SAK-3", &body)).await;
        assert_eq!(first.status, 201);
        send(
            &app,
            refer(&f.referrer, "SAK-3", &referral_body(&f.centre, "Eli", true)),
        )
        .await
        .assert_problem(422);
        assert_eq!(referrals(&t), 1);
    }

    #[actix_web::test]
    async fn a_refused_referral_does_not_spend_its_key() {
        let (t, app, f) = TestApp::started(field).await;
        let mut nowhere = referral_body(&f.centre, "Frida", true);
        nowhere["target_centre_id"] = json!(uuid::Uuid::now_v7());
        send(&app, refer(&f.referrer, "SAK-4", &nowhere))
            .await
            .assert_problem(404);
        assert_eq!(
            t.database
                .count("SELECT count(*) AS count FROM idempotency_keys"),
            0
        );
        let body = referral_body(&f.centre, "Frida", true);
        let fixed = send(&app, refer(&f.referrer, "SAK-4", &body)).await;
        assert_eq!(fixed.status, 201, "{}", fixed.text);
        assert!(fixed.header("idempotent-replayed").is_none());
    }

    #[actix_web::test]
    async fn an_expired_referral_key_starts_afresh() {
        let (t, app, f) = TestApp::started(field).await;
        let mut body = referral_body(&f.centre, "Gro", true);
        let first = send(&app, refer(&f.referrer, "SAK-5", &body)).await;
        diesel::sql_query("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'")
            .execute(&mut t.database.connect())
            .unwrap();
        body["external_reference"] = json!("SAK-Gro-2");
        let second = send(&app, refer(&f.referrer, "SAK-5", &body)).await;
        assert_eq!(second.status, 201, "{}", second.text);
        assert_ne!(second.body["id"], first.body["id"]);
        assert!(second.header("idempotent-replayed").is_none());
        assert_eq!(referrals(&t), 2);
    }
}

//! Organisations: create, read, change with optimistic concurrency, audited.

use actix_web::test::TestRequest;
use samhandling_domain::organisation::OrganisationKind;
use samhandling_domain::Role;
use samhandling_tests::{authorized, fetched, get, send, TestApp};
use serde_json::json;

#[actix_web::test]
async fn an_admin_registers_a_municipality_and_anyone_can_read_it() {
    let (t, app, admin) = TestApp::started(TestApp::admin_token).await;
    let request =
        authorized(TestRequest::post().uri("/api/v1/organisations"), &admin).set_json(json!({
            "kind": "municipality", "name": "Selbu kommune", "municipality_number": "5032",
            "county": "Trøndelag", "region": "Værnesregionen"
        }));
    let created = send(&app, request).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/organisations/{id}").as_str())
    );
    assert_eq!(created.header("etag"), Some("\"1\""));
    assert_eq!(created.body["version"], 1);
    assert_eq!(created.body["region"], "Værnesregionen");

    let employer = t.organisation(OrganisationKind::UserOrganisation, "Mental Helse", None);
    let reader = t.token(employer.id, &[Role::Facilitator]);
    let read = fetched(&app, &format!("/api/v1/organisations/{id}"), &reader).await;
    assert_eq!(read.body, created.body);
    assert_eq!(read.header("etag"), Some("\"1\""));

    let filtered = get(
        &app,
        "/api/v1/organisations?municipality_number=5032",
        &reader,
    )
    .await;
    assert_eq!(filtered.body["items"][0]["id"], id.as_str());
    let by_kind = get(&app, "/api/v1/organisations?kind=self_help_centre", &reader).await;
    assert_eq!(by_kind.body["items"], json!([]));
    let by_region = get(
        &app,
        "/api/v1/organisations?region=V%C3%A6rnesregionen",
        &reader,
    )
    .await;
    assert_eq!(by_region.body["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn a_municipality_needs_a_unique_kommunenummer() {
    let (_t, app, admin) = TestApp::started(TestApp::admin_token).await;
    let create = |body: serde_json::Value| {
        authorized(TestRequest::post().uri("/api/v1/organisations"), &admin).set_json(body)
    };
    let reply = send(
        &app,
        create(json!({"kind": "municipality", "name": "Tydal kommune"})),
    )
    .await;
    assert_eq!(
        reply.assert_problem(422)["errors"][0]["field"],
        "municipality_number"
    );
    let first = send(
        &app,
        create(
            json!({"kind": "municipality", "name": "Tydal kommune", "municipality_number": "5033"}),
        ),
    )
    .await;
    assert_eq!(first.status, 201);
    let second = send(
        &app,
        create(
            json!({"kind": "municipality", "name": "Tydal igjen", "municipality_number": "5033"}),
        ),
    )
    .await;
    second.assert_problem(409);
    let centre = send(
        &app,
        create(json!({"kind": "nav_office", "name": "NAV Tydal", "municipality_number": "5033"})),
    )
    .await;
    assert_eq!(
        centre.status, 201,
        "other kinds may share the number of where they are"
    );
}

#[actix_web::test]
async fn a_change_needs_the_current_etag() {
    let (t, app, admin) = TestApp::started(TestApp::admin_token).await;
    let centre = t.organisation(
        OrganisationKind::SelfHelpCentre,
        "LINK Trondheim",
        Some("5001"),
    );
    let uri = format!("/api/v1/organisations/{}", centre.id);
    let patch = || {
        authorized(TestRequest::patch().uri(&uri), &admin)
            .set_json(json!({"region": "Trondheimsregionen"}))
    };

    send(&app, patch()).await.assert_problem(428);
    send(&app, patch().insert_header(("if-match", "\"7\"")))
        .await
        .assert_problem(412);

    let changed = send(&app, patch().insert_header(("if-match", "\"1\""))).await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.body["version"], 2);
    assert_eq!(changed.body["region"], "Trondheimsregionen");
    assert_eq!(changed.body["name"], "LINK Trondheim");
    assert_eq!(changed.header("etag"), Some("\"2\""));

    // The same stale ETag again: refused, and the stored record is unchanged.
    let stale = authorized(TestRequest::patch().uri(&uri), &admin)
        .insert_header(("if-match", "\"1\""))
        .set_json(json!({"name": "Overwritten"}));
    send(&app, stale).await.assert_problem(412);
    let read = get(&app, &uri, &admin).await;
    assert_eq!(read.body["name"], "LINK Trondheim");

    let cleared = authorized(TestRequest::patch().uri(&uri), &admin)
        .insert_header(("if-match", "\"2\""))
        .set_json(json!({"region": null}));
    let cleared = send(&app, cleared).await;
    assert_eq!(cleared.body["region"], serde_json::Value::Null);
    assert_eq!(cleared.body["version"], 3);
}

#[actix_web::test]
async fn a_change_cannot_break_the_rules() {
    let (t, app, admin) = TestApp::started(TestApp::admin_token).await;
    let municipality = t.municipality("Frosta kommune", "5036");
    let uri = format!("/api/v1/organisations/{}", municipality.id);
    let change = |body: serde_json::Value| {
        authorized(TestRequest::patch().uri(&uri), &admin)
            .insert_header(("if-match", "\"1\""))
            .set_json(body)
    };
    send(&app, change(json!({"municipality_number": null})))
        .await
        .assert_problem(409);
    send(&app, change(json!({"name": null})))
        .await
        .assert_problem(400);
    send(&app, change(json!({"kind": "other"})))
        .await
        .assert_problem(422);
    let unknown = format!("/api/v1/organisations/{}", uuid::Uuid::now_v7());
    let missing = authorized(TestRequest::patch().uri(&unknown), &admin)
        .insert_header(("if-match", "\"1\""))
        .set_json(json!({"name": "Nobody"}));
    send(&app, missing).await.assert_problem(404);
}

#[actix_web::test]
async fn only_admins_change_organisations() {
    let t = TestApp::new();
    let app = t.service().await;
    let centre = t.organisation(OrganisationKind::SelfHelpCentre, "LINK Oslo", Some("0301"));
    let coordinator = t.token(centre.id, &[Role::CentreCoordinator]);
    let request = authorized(
        TestRequest::patch().uri(&format!("/api/v1/organisations/{}", centre.id)),
        &coordinator,
    )
    .insert_header(("if-match", "\"1\""))
    .set_json(json!({"name": "LINK Oslo og omegn"}));
    send(&app, request).await.assert_problem(403);
}

#[actix_web::test]
async fn an_organisation_number_is_checked_unique_and_findable() {
    let (_t, app, admin) = TestApp::started(TestApp::admin_token).await;
    let create = |body: serde_json::Value| {
        authorized(TestRequest::post().uri("/api/v1/organisations"), &admin).set_json(body)
    };
    // A wrong check digit and a short number are each named, and nothing is stored.
    let refused = send(
        &app,
        create(json!({"kind": "other", "name": "Feil", "organisation_number": "974760674"})),
    )
    .await;
    let problem = refused.assert_problem(422);
    assert_eq!(problem["errors"][0]["field"], "organisation_number");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("check digit"),
        "{problem}"
    );
    let short = send(
        &app,
        create(json!({"kind": "other", "name": "Kort", "organisation_number": "97476067"})),
    )
    .await;
    short.assert_problem(422);

    let created = send(
        &app,
        create(json!({
            "kind": "other", "name": "Brønnøysundregistrene", "organisation_number": "974760673"
        })),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["organisation_number"], "974760673");
    let second = send(
        &app,
        create(json!({"kind": "other", "name": "Kopi", "organisation_number": "974760673"})),
    )
    .await;
    second.assert_problem(409);

    let found = get(
        &app,
        "/api/v1/organisations?organisation_number=974760673",
        &admin,
    )
    .await;
    assert_eq!(found.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(found.body["items"][0]["id"], created.body["id"]);
    let bad_filter = get(
        &app,
        "/api/v1/organisations?organisation_number=123",
        &admin,
    )
    .await;
    assert_eq!(
        bad_filter.assert_problem(400)["errors"][0]["field"],
        "organisation_number"
    );

    // The operator clears it with a merge patch, and the number is free again.
    let id = created.body["id"].as_str().unwrap();
    let cleared = send(
        &app,
        authorized(
            TestRequest::patch().uri(&format!("/api/v1/organisations/{id}")),
            &admin,
        )
        .insert_header(("If-Match", "\"1\""))
        .set_json(json!({"organisation_number": null})),
    )
    .await;
    assert_eq!(cleared.status, 200, "{}", cleared.text);
    assert_eq!(cleared.body["organisation_number"], serde_json::Value::Null);
    let again = send(
        &app,
        create(json!({"kind": "other", "name": "Kopi", "organisation_number": "974760673"})),
    )
    .await;
    assert_eq!(again.status, 201, "{}", again.text);
}

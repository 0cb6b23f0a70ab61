//! The audit trail records organisation changes and is for administrators only.

use actix_web::test::TestRequest;
use samhandling_domain::organisation::OrganisationKind;
use samhandling_domain::Role;
use samhandling_tests::{authorized, fetched, get, send, TestApp};
use serde_json::json;

#[actix_web::test]
async fn organisation_changes_are_audited_with_actor_and_request() {
    let (_t, app, admin) = TestApp::started(TestApp::admin_token).await;
    let created = send(
        &app,
        authorized(TestRequest::post().uri("/api/v1/organisations"), &admin)
            .insert_header(("x-request-id", "create-napha"))
            .set_json(json!({"kind": "competence_centre", "name": "NAPHA"})),
    )
    .await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    let changed = send(
        &app,
        authorized(
            TestRequest::patch().uri(&format!("/api/v1/organisations/{id}")),
            &admin,
        )
        .insert_header(("if-match", "\"1\""))
        .insert_header(("x-request-id", "rename-napha"))
        .set_json(json!({"name": "NAPHA – Nasjonalt kompetansesenter for psykisk helsearbeid"})),
    )
    .await;
    assert_eq!(changed.status, 200);

    let trail = fetched(
        &app,
        &format!("/api/v1/audit-events?resource_id={id}"),
        &admin,
    )
    .await;
    let events = trail.body["items"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["action"], "created");
    assert_eq!(events[0]["request_id"], "create-napha");
    assert_eq!(events[0]["actor"], "tester");
    assert_eq!(events[0]["resource_type"], "organisation");
    assert_eq!(events[1]["action"], "updated");
    assert_eq!(events[1]["request_id"], "rename-napha");

    let only_updates = get(
        &app,
        &format!("/api/v1/audit-events?resource_id={id}&action=updated"),
        &admin,
    )
    .await;
    assert_eq!(only_updates.body["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn only_admins_read_the_trail() {
    let t = TestApp::new();
    let app = t.service().await;
    let governor = t.organisation(
        OrganisationKind::CountyGovernor,
        "Statsforvalteren i Trøndelag",
        None,
    );
    let adviser = t.token(governor.id, &[Role::GovernorAdviser]);
    get(&app, "/api/v1/audit-events", &adviser)
        .await
        .assert_problem(403);
}

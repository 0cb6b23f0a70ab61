//! The committed contract is the served one; `make openapi` rewrites it.

use actix_web::test::TestRequest;
use samhandling_tests::{send, TestApp};

#[actix_web::test]
async fn the_committed_spec_equals_the_served_one() {
    let t = TestApp::new();
    let app = t.service().await;
    let served = send(&app, TestRequest::get().uri("/api-docs/openapi.json")).await;
    assert_eq!(served.status, 200);
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../openapi/openapi.json"
        ))
        .unwrap(),
    )
    .unwrap();
    assert!(
        served.body == committed,
        "openapi/openapi.json is out of date: run `make openapi` and commit the result"
    );
}

#[actix_web::test]
async fn every_operation_is_documented_for_generated_clients() {
    let spec = serde_json::to_value(samhandling_http::openapi::document()).unwrap();
    let mut operation_ids = std::collections::HashSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let name = format!("{method} {path}");
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: no operationId"));
            assert!(
                operation_ids.insert(id.to_owned()),
                "{name}: duplicate operationId {id}"
            );
            assert!(operation["summary"].is_string(), "{name}: no summary");
            assert!(
                operation["tags"]
                    .as_array()
                    .is_some_and(|tags| !tags.is_empty()),
                "{name}: no tag"
            );
            let responses = operation["responses"].as_object().unwrap();
            assert!(responses.contains_key("500"), "{name}: 500 not documented");
            let secured = operation["security"].as_array().is_some_and(|s| {
                s.iter()
                    .any(|r| r.as_object().is_some_and(|r| !r.is_empty()))
            });
            if secured {
                assert!(
                    responses.contains_key("401") && responses.contains_key("403"),
                    "{name}: auth problems missing"
                );
            }
            if path.contains('{') {
                assert!(responses.contains_key("404"), "{name}: 404 missing");
            }
        }
    }
    assert!(spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer");
}

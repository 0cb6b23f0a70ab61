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

#[actix_web::test]
async fn every_tag_an_operation_uses_is_described_once() {
    let spec = samhandling_http::openapi::document();
    let described: Vec<(&str, &str)> = spec["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tag| {
            (
                tag["name"].as_str().unwrap(),
                tag["description"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for tag in operation["tags"].as_array().unwrap() {
                let tag = tag.as_str().unwrap();
                let matching: Vec<_> = described.iter().filter(|(name, _)| *name == tag).collect();
                assert_eq!(
                    matching.len(),
                    1,
                    "{method} {path}: tag {tag} is not declared once"
                );
                assert!(
                    matching[0].1.len() >= 20,
                    "{method} {path}: tag {tag} has no real description"
                );
            }
        }
    }
}

/// Client generators (openapi-python-client, openapi-typescript) need named models: a union is a
/// `oneOf` of `$ref`s with a discriminator mapping onto them, and a list envelope refers to its
/// named item schema rather than repeating it inline.
#[actix_web::test]
async fn unions_are_discriminated_and_list_items_are_named() {
    let spec = samhandling_http::openapi::document();
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    let mut unions = 0;
    for (name, schema) in schemas {
        if let Some(variants) = schema.get("oneOf").and_then(|v| v.as_array()) {
            unions += 1;
            let discriminator = &schema["discriminator"];
            let property = discriminator["propertyName"]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: a union without a discriminator"));
            let mapping = discriminator["mapping"].as_object().unwrap();
            assert_eq!(mapping.len(), variants.len(), "{name}: mapping incomplete");
            for (value, target) in mapping {
                let target = target.as_str().unwrap();
                assert!(
                    variants.iter().any(|variant| variant["$ref"] == target),
                    "{name}: {target} is not a variant"
                );
                let variant = &schemas[target.trim_start_matches("#/components/schemas/")];
                assert_eq!(variant["properties"][property]["enum"][0], value.as_str());
                assert!(variant["required"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|required| required == property));
            }
        }
        if name.starts_with("Paginated_") {
            let item = &schema["properties"]["items"]["items"];
            assert_eq!(
                item["$ref"],
                format!(
                    "#/components/schemas/{}",
                    name.trim_start_matches("Paginated_")
                ),
                "{name}: items are not the named schema"
            );
        }
    }
    assert!(unions >= 1, "ReferralView should be a discriminated union");
}

#[actix_web::test]
async fn every_operation_taking_an_idempotency_key_documents_the_422_of_its_reuse() {
    let t = TestApp::new();
    let app = t.service().await;
    let served = send(&app, TestRequest::get().uri("/api-docs/openapi.json")).await;
    assert_eq!(served.status, 200);
    let mut taking = 0;
    for (path, item) in served.body["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let takes_key = operation["parameters"]
                .as_array()
                .is_some_and(|parameters| {
                    parameters.iter().any(|p| p["name"] == "Idempotency-Key")
                });
            if takes_key {
                taking += 1;
                let answer = &operation["responses"]["422"];
                assert!(
                    answer["description"]
                        .as_str()
                        .is_some_and(|text| text.contains("Idempotency-Key reused")),
                    "{method} {path} takes an Idempotency-Key but its 422 does not tell of its reuse: {answer}"
                );
                assert_eq!(
                    answer["content"]["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{method} {path}: the 422 of a reused Idempotency-Key is not problem+json"
                );
            }
        }
    }
    assert!(
        taking > 20,
        "only {taking} operations take an Idempotency-Key"
    );
    // An operation's own 422 keeps its description; the reuse is added to it.
    let course = &served.body["paths"]["/api/v1/courses"]["post"]["responses"]["422"];
    assert_eq!(
        course["description"],
        "Invalid fields: a co-organiser that is neither a competence centre nor a county governor, \
         a repeated date, no place for a course that is not digital; or an Idempotency-Key reused \
         for a different request"
    );
}

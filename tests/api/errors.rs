//! Every failure is problem+json with a 4xx status, and changes nothing.

use actix_web::test::TestRequest;
use samhandling_tests::{authorized, get, send, texts, TestApp};
use serde_json::json;

#[actix_web::test]
async fn an_unknown_route_is_a_404_problem() {
    let t = TestApp::new();
    let app = t.service().await;
    let reply = send(&app, TestRequest::get().uri("/api/v1/nothing-here")).await;
    reply.assert_problem(404);
    assert_eq!(reply.body["instance"], "/api/v1/nothing-here");
}

#[actix_web::test]
async fn a_wrong_method_is_a_405_problem_naming_the_allowed_ones() {
    let t = TestApp::new();
    let app = t.service().await;
    let reply = send(&app, TestRequest::delete().uri("/api/v1/organisations")).await;
    reply.assert_problem(405);
    assert_eq!(reply.header("allow"), Some("GET, POST"));
    let reply = send(
        &app,
        TestRequest::put().uri(&format!("/api/v1/organisations/{}", uuid::Uuid::now_v7())),
    )
    .await;
    reply.assert_problem(405);
    assert_eq!(reply.header("allow"), Some("GET, PATCH"));
}

#[actix_web::test]
async fn malformed_json_is_a_400_problem() {
    let (_t, app, token) = TestApp::started(TestApp::admin_token).await;
    let request = authorized(TestRequest::post().uri("/api/v1/organisations"), &token)
        .insert_header(("content-type", "application/json"))
        .set_payload(r#"{"kind": "municipality", "name": "#);
    let reply = send(&app, request).await;
    reply.assert_problem(400);
}

#[actix_web::test]
async fn a_body_that_is_not_json_is_a_415_problem() {
    let (_t, app, token) = TestApp::started(TestApp::admin_token).await;
    let request = authorized(TestRequest::post().uri("/api/v1/organisations"), &token)
        .insert_header(("content-type", "text/plain"))
        .set_payload("kind=municipality");
    send(&app, request).await.assert_problem(415);
}

#[actix_web::test]
async fn an_oversized_body_is_a_413_problem() {
    let (_t, app, token) = TestApp::started(TestApp::admin_token).await;
    let huge = format!(
        r#"{{"kind": "other", "name": "{}"}}"#,
        "x".repeat(300 * 1024)
    );
    let request = authorized(TestRequest::post().uri("/api/v1/organisations"), &token)
        .insert_header(("content-type", "application/json"))
        .set_payload(huge);
    send(&app, request).await.assert_problem(413);
}

#[actix_web::test]
async fn an_unknown_field_is_a_422_problem_naming_it() {
    let (_t, app, token) = TestApp::started(TestApp::admin_token).await;
    let request = authorized(TestRequest::post().uri("/api/v1/organisations"), &token)
        .set_json(json!({"kind": "other", "name": "Mental Helse", "diagnosis": "F32"}));
    let reply = send(&app, request).await;
    reply.assert_invalid("diagnosis", "unknown_field");
}

#[actix_web::test]
async fn an_unknown_enum_value_is_a_400_problem() {
    let (_t, app, token) = TestApp::started(TestApp::admin_token).await;
    let request = authorized(TestRequest::post().uri("/api/v1/organisations"), &token)
        .set_json(json!({"kind": "hospital", "name": "St. Olavs"}));
    let reply = send(&app, request).await;
    let body = reply.assert_problem(400);
    assert_eq!(body["errors"][0]["field"], "kind");
}

#[actix_web::test]
async fn validation_reports_every_failing_field_at_once() {
    let (_t, app, token) = TestApp::started(TestApp::admin_token).await;
    let request =
        authorized(TestRequest::post().uri("/api/v1/organisations"), &token).set_json(json!({
            "kind": "other",
            "name": "   ",
            "municipality_number": "50a5",
            "county": "x".repeat(101),
        }));
    let reply = send(&app, request).await;
    let body = reply.assert_problem(422);
    let fields = texts(&body["errors"], "field");
    assert!(fields.contains(&"name"), "{fields:?}");
    assert!(fields.contains(&"municipality_number"), "{fields:?}");
    assert!(fields.contains(&"county"), "{fields:?}");
    let listed = get(&app, "/api/v1/organisations", &token).await;
    assert_eq!(
        listed.body["items"].as_array().unwrap().len(),
        1,
        "only the admin's own organisation exists"
    );
}

#[actix_web::test]
async fn a_request_id_is_echoed_and_named_in_problems() {
    let t = TestApp::new();
    let app = t.service().await;
    let reply = send(
        &app,
        TestRequest::get()
            .uri("/nowhere")
            .insert_header(("x-request-id", "trace-42")),
    )
    .await;
    assert_eq!(reply.header("x-request-id"), Some("trace-42"));
    assert_eq!(reply.body["request_id"], "trace-42");
    let reply = send(&app, TestRequest::get().uri("/health/live")).await;
    assert!(reply
        .header("x-request-id")
        .is_some_and(|id| !id.is_empty()));
}

/// A W3C `traceparent` is continued: the answer names the same trace with a span of its own, the
/// problem's `request_id` is the trace id when no `X-Request-Id` came, and the access log names
/// the trace. A malformed one starts a new trace rather than failing the request.
#[actix_web::test]
async fn a_traceparent_is_continued_into_the_answer_the_problem_and_the_log() {
    samhandling_tests::logs::capture();
    let t = TestApp::new();
    let app = t.service().await;
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let reply = send(
        &app,
        TestRequest::get()
            .uri("/nowhere")
            .insert_header(("traceparent", format!("00-{trace}-00f067aa0ba902b7-01"))),
    )
    .await;
    let answered = reply.header("traceparent").expect("a traceparent");
    let fields: Vec<&str> = answered.split('-').collect();
    assert_eq!(fields.len(), 4, "{answered}");
    assert_eq!((fields[0], fields[1], fields[3]), ("00", trace, "01"));
    assert_ne!(fields[2], "00f067aa0ba902b7", "a span of its own");
    assert_eq!(reply.body["request_id"], trace);
    assert!(samhandling_tests::logs::lines()
        .iter()
        .any(|line| line.contains(&format!("trace_id={trace}")) && line.contains("/nowhere")));

    for malformed in [
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "nonsense",
    ] {
        let reply = send(
            &app,
            TestRequest::get()
                .uri("/health/live")
                .insert_header(("traceparent", malformed)),
        )
        .await;
        assert_eq!(reply.status, 200, "{malformed}");
        let answered = reply.header("traceparent").expect("a traceparent");
        assert!(
            !answered.contains("4bf92f3577b34da6"),
            "{malformed} → {answered}"
        );
        assert_eq!(answered.len(), 55, "{answered}");
    }
}

#[actix_web::test]
async fn a_malformed_path_id_is_a_400_problem() {
    let (_t, app, token) = TestApp::started(TestApp::admin_token).await;
    let reply = get(&app, "/api/v1/organisations/not-a-uuid", &token).await;
    reply.assert_problem(400);
}

#[actix_web::test]
async fn cors_admits_only_configured_origins() {
    let t = TestApp::new();
    let app = actix_web::test::init_service(samhandling_http::build_app(
        t.state.clone(),
        &["https://frontend.samhandling.test".to_owned()],
    ))
    .await;
    let preflight = |origin: &str| {
        TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri("/api/v1/organisations")
            .insert_header(("origin", origin.to_owned()))
            .insert_header(("access-control-request-method", "POST"))
            .insert_header((
                "access-control-request-headers",
                "authorization, idempotency-key, content-type",
            ))
    };
    let allowed = send(&app, preflight("https://frontend.samhandling.test")).await;
    assert_eq!(allowed.status, 200, "{}", allowed.text);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://frontend.samhandling.test")
    );
    let refused = send(&app, preflight("https://evil.example")).await;
    assert!(refused.header("access-control-allow-origin").is_none());
    assert!(refused.status.is_client_error());
}

#[actix_web::test]
async fn a_browser_may_call_every_method_the_api_serves() {
    let t = TestApp::new();
    let origin = "https://frontend.samhandling.test";
    let app = actix_web::test::init_service(samhandling_http::build_app(
        t.state.clone(),
        &[origin.to_owned()],
    ))
    .await;
    let spec = samhandling_http::openapi::document();
    let mut methods: Vec<(String, String)> = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let method = method.to_uppercase();
            if !methods.iter().any(|(known, _)| *known == method) {
                methods.push((
                    method,
                    path.replace("{id}", &uuid::Uuid::now_v7().to_string()),
                ));
            }
        }
    }
    assert!(methods.iter().any(|(method, _)| method == "DELETE"));
    for (method, path) in methods {
        let reply = send(
            &app,
            TestRequest::default()
                .method(actix_web::http::Method::OPTIONS)
                .uri(&path)
                .insert_header(("origin", origin))
                .insert_header(("access-control-request-method", method.as_str()))
                .insert_header(("access-control-request-headers", "authorization, if-match")),
        )
        .await;
        assert_eq!(reply.status, 200, "{method} {path}: {}", reply.text);
        let allowed = reply
            .header("access-control-allow-methods")
            .unwrap_or_default();
        assert!(
            allowed.split(',').any(|m| m.trim() == method),
            "{method} not allowed cross-origin: {allowed}"
        );
    }
}

#[actix_web::test]
async fn responses_carry_the_headers_health_data_needs() {
    let (_t, app, token) = TestApp::started(TestApp::admin_token).await;
    for reply in [
        get(&app, "/api/v1/organisations", &token).await,
        get(&app, "/api/v1/organisations/not-a-uuid", &token).await,
        send(&app, TestRequest::get().uri("/api/v1/organisations")).await,
    ] {
        assert_eq!(
            reply.header("cache-control"),
            Some("no-store"),
            "{}",
            reply.text
        );
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    }
    let ui = send(&app, TestRequest::get().uri("/swagger-ui/")).await;
    assert_eq!(ui.status, 200);
    assert_eq!(ui.header("x-content-type-options"), Some("nosniff"));
    let policy = ui.header("content-security-policy").unwrap_or_default();
    assert!(policy.contains("default-src 'none'") && policy.contains("script-src 'self'"));
    let health = send(&app, TestRequest::get().uri("/health/live")).await;
    assert_eq!(health.header("x-content-type-options"), Some("nosniff"));
}

#[actix_web::test]
async fn input_longer_than_the_contract_declares_is_a_400() {
    let (t, app, admin) = TestApp::started(TestApp::admin_token).await;
    // A timestamp: nanoseconds and an offset (35 characters) are taken, a tenth digit is not,
    // though chrono alone would drop it.
    let audit = |after: &str| {
        authorized(
            TestRequest::get().uri(&format!(
                "/api/v1/audit-events?occurred_after={}",
                after.replace('+', "%2B")
            )),
            &admin,
        )
    };
    let longest = send(&app, audit("2026-11-20T10:15:00.123456789+01:00")).await;
    assert_eq!(longest.status, 200, "{}", longest.text);
    send(&app, audit("2026-11-20T10:15:00.1234567890+01:00"))
        .await
        .assert_problem(400);

    // If-Match: at most 64 characters.
    let centre = t.organisation(
        samhandling_domain::organisation::OrganisationKind::SelfHelpCentre,
        "LINK Trondheim",
        Some("5001"),
    );
    let patch = |tag: String| {
        authorized(
            TestRequest::patch().uri(&format!("/api/v1/organisations/{}", centre.id)),
            &admin,
        )
        .insert_header(("if-match", tag))
        .set_json(json!({"region": "Trondheimsregionen"}))
    };
    send(&app, patch(format!("\"{}\"", "9".repeat(62))))
        .await
        .assert_problem(412);
    send(&app, patch(format!("\"{}\"", "9".repeat(63))))
        .await
        .assert_problem(400);

    // The token form: a client id longer than a UUID is invalid_request, not invalid_client.
    let token = |client_id: &str| {
        TestRequest::post()
            .uri("/api/v1/oauth/token")
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .set_payload(format!(
                "grant_type=client_credentials&client_id={client_id}&client_secret=wrong"
            ))
    };
    let id = uuid::Uuid::now_v7().to_string();
    assert_eq!(send(&app, token(&id)).await.status, 401);
    let long = send(&app, token(&format!("{id}0"))).await;
    assert_eq!(long.status, 400, "{}", long.text);
    assert_eq!(long.body["error"], "invalid_request");
}

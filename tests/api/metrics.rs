//! The operators' metrics: served apart from the API, counting requests by route template.

use actix_web::test::TestRequest;
use samhandling_domain::organisation::OrganisationKind;
use samhandling_tests::metrics::scrape;
use samhandling_tests::{get, send, TestApp};

const ROUTE: &str = "/api/v1/organisations/{id}";
const REQUESTS: &str = "samhandling_http_requests_total";

#[actix_web::test]
async fn requests_are_counted_by_route_template_method_and_status_never_by_path() {
    let t = TestApp::new();
    let app = t.service().await;
    let admin = t.admin_token();
    let first = t.organisation(
        OrganisationKind::Municipality,
        "Stjørdal kommune",
        Some("5035"),
    );
    let second = t.organisation(
        OrganisationKind::Municipality,
        "Levanger kommune",
        Some("5037"),
    );
    let unknown = uuid::Uuid::now_v7();
    for (id, token, status) in [
        (first.id, admin.as_str(), 200),
        (second.id, admin.as_str(), 200),
        (unknown, admin.as_str(), 404),
        (first.id, "not-a-token", 401),
    ] {
        let reply = get(&app, &format!("/api/v1/organisations/{id}"), token).await;
        assert_eq!(reply.status, status, "{}", reply.text);
    }
    let nowhere = send(&app, TestRequest::get().uri(&format!("/no/such/{unknown}"))).await;
    assert_eq!(nowhere.status, 404);

    let scraped = scrape(&t).await;
    let requests = |route: &str, status: &str| {
        scraped.count(
            REQUESTS,
            &[("route", route), ("method", "GET"), ("status", status)],
        )
    };
    assert_eq!(requests(ROUTE, "200"), Some(2));
    assert_eq!(requests(ROUTE, "404"), Some(1));
    assert_eq!(requests(ROUTE, "401"), Some(1));
    assert_eq!(requests("unmatched", "404"), Some(1));
    assert_eq!(
        scraped.expect(
            "samhandling_http_request_duration_seconds_count",
            &[("route", ROUTE), ("method", "GET")],
        ),
        4
    );
    for id in [first.id, second.id, unknown] {
        assert!(!scraped.text.contains(&id.to_string()), "{id} in a label");
    }
    assert!(!scraped.text.contains("/no/such"), "a raw path in a label");

    // The pools, sampled when scraped: the test's sizes, and a connection the requests opened.
    for (pool, max) in [("requests", 4), ("read_audit", 1), ("jobs", 4)] {
        let labels = [("pool", pool)];
        assert_eq!(
            scraped.expect("samhandling_db_pool_max_connections", &labels),
            max
        );
        scraped.expect("samhandling_db_pool_idle_connections", &labels);
        scraped.expect("samhandling_db_pool_connections", &labels);
    }
    assert!(scraped.expect("samhandling_db_pool_connections", &[("pool", "requests")]) >= 1);
    assert!(scraped.expect("samhandling_db_turn_wait_seconds_count", &[]) >= 3);
    assert_eq!(scraped.expect("samhandling_db_turns_waiting", &[]), 0);
    // The 404 of a record went through the read-audit writer as a denial.
    assert!(scraped.expect("samhandling_read_audit_flush_seconds_count", &[]) >= 1);
    assert_eq!(scraped.expect("samhandling_read_audit_backlog", &[]), 0);
    // The outbox and subscriptions, counted by one query at the scrape.
    assert_eq!(scraped.expect("samhandling_metrics_database_up", &[]), 1);
    for state in ["pending", "delivered", "abandoned"] {
        assert_eq!(
            scraped.expect("samhandling_webhook_outbox_deliveries", &[("state", state)]),
            0
        );
    }
    for state in ["paused", "failing"] {
        assert_eq!(
            scraped.expect("samhandling_webhook_subscriptions", &[("state", state)]),
            0
        );
    }
}

#[actix_web::test]
async fn the_api_does_not_serve_the_metrics() {
    let (_t, app, ()) = TestApp::started(|_| ()).await;
    let reply = send(&app, TestRequest::get().uri("/metrics")).await;
    reply.assert_problem(404);
    assert!(!reply.text.contains("samhandling_http_requests_total"));
}

//! Request spans exported over OTLP/HTTP (JSON) to a collector, here one on loopback.

use samhandling_http::telemetry::{self, SpanExport};
use samhandling_tests::{authorized, send, TestApp};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

/// A collector that answers every POST with 200 and hands over each body it received.
fn collector() -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    let address = listener.local_addr().expect("has an address");
    let (bodies, received) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':') {
                    if name.eq_ignore_ascii_case("content-length") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_ok() {
                let _ = bodies.send(String::from_utf8_lossy(&body).into_owned());
            }
            let _ = reader
                .get_mut()
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (format!("http://{address}/v1/traces"), received)
}

#[actix_web::test]
async fn a_request_is_exported_as_a_span_of_the_callers_trace_under_its_route_template() {
    let (traces_endpoint, received) = collector();
    let provider = telemetry::install(&SpanExport {
        traces_endpoint,
        service_name: "samhandling-test".into(),
    })
    .expect("installs");
    let (_t, app, (admin, stjordal)) =
        TestApp::started(|t| (t.admin_token(), t.municipality("Stjørdal kommune", "5035"))).await;

    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let caller = "00f067aa0ba902b7";
    let reply = send(
        &app,
        authorized(
            actix_web::test::TestRequest::get()
                .uri(&format!("/api/v1/organisations/{}", stjordal.id)),
            &admin,
        )
        .insert_header(("traceparent", format!("00-{trace}-{caller}-01"))),
    )
    .await;
    assert_eq!(reply.status, 200);
    let answered = reply.header("traceparent").expect("answered").to_owned();
    let span_id = answered.split('-').nth(2).expect("a span id").to_owned();

    // A request that starts its own trace is recorded too, and says so in its answer.
    let fresh = send(
        &app,
        authorized(
            actix_web::test::TestRequest::get().uri("/api/v1/organisations"),
            &admin,
        ),
    )
    .await;
    assert!(fresh
        .header("traceparent")
        .expect("answered")
        .ends_with("-01"));

    provider.force_flush().expect("flushes");
    let mut batches = Vec::new();
    while let Ok(body) = received.recv_timeout(Duration::from_secs(10)) {
        batches.push(body);
        if batches.concat().matches("\"spanId\"").count() >= 2 {
            break;
        }
    }
    let exported = batches.concat();
    let spans: Vec<serde_json::Value> = batches
        .iter()
        .map(|body| serde_json::from_str::<serde_json::Value>(body).expect("OTLP JSON"))
        .flat_map(|batch| {
            batch["resourceSpans"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|resource| {
                    resource["scopeSpans"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                })
                .flat_map(|scope| scope["spans"].as_array().cloned().unwrap_or_default())
                .collect::<Vec<_>>()
        })
        .collect();
    let span = spans
        .iter()
        .find(|span| span["traceId"] == trace)
        .unwrap_or_else(|| panic!("the caller's trace was exported: {exported}"));
    assert_eq!(
        span["spanId"],
        span_id.as_str(),
        "the span the answer named"
    );
    assert_eq!(span["parentSpanId"], caller, "a child of the caller's span");
    assert_eq!(span["name"], "GET /api/v1/organisations/{id}");
    let attributes = span["attributes"].to_string();
    assert!(attributes.contains("http.route"), "{attributes}");
    assert!(
        attributes.contains("/api/v1/organisations/{id}"),
        "{attributes}"
    );
    assert!(attributes.contains("200"), "{attributes}");
    assert!(
        exported.contains("samhandling-test"),
        "the service is named"
    );
    // The route template only: no record id, no token in what leaves the process.
    assert!(!exported.contains(&stjordal.id.to_string()));
    assert!(!exported.contains(&admin));
    assert_eq!(spans.len(), 2, "one span a request: {exported}");
}

//! Through a real socket: the servers bind port 0 and answer over TCP.

use actix_web::HttpServer;
use samhandling_http::{build_app, metrics_app};
use samhandling_tests::{get_over_tcp, TestApp};

/// Serves the application `factory` builds on 127.0.0.1, port 0, with one worker; yields its
/// address and the handle that stops it.
macro_rules! serve_on_loopback {
    ($factory:expr) => {{
        let server = HttpServer::new($factory)
            .workers(1)
            .bind("127.0.0.1:0")
            .unwrap();
        let address = server.addrs()[0];
        let running = server.run();
        let handle = running.handle();
        actix_web::rt::spawn(running);
        (address, handle)
    }};
}

#[actix_web::test]
async fn the_server_answers_over_tcp() {
    let t = TestApp::new();
    let state = t.state.clone();
    let (address, handle) = serve_on_loopback!(move || build_app(state.clone(), &[]));

    let response = get_over_tcp(address, "/health/ready").await;
    let metrics = get_over_tcp(address, "/metrics").await;
    handle.stop(true).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.to_ascii_lowercase().contains("x-request-id:"));
    // The API's address never serves the metrics.
    assert!(metrics.starts_with("HTTP/1.1 404"), "{metrics}");
}

#[actix_web::test]
async fn the_metrics_address_serves_the_metrics_and_nothing_of_the_api() {
    let t = TestApp::new();
    let state = t.state.clone();
    let (address, handle) = serve_on_loopback!(move || metrics_app(state.clone()));

    let metrics = get_over_tcp(address, "/metrics").await;
    let api = get_over_tcp(address, "/health/ready").await;
    handle.stop(true).await;
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    assert!(
        metrics.contains("samhandling_db_pool_max_connections{pool=\"requests\"} 4"),
        "{metrics}"
    );
    assert!(api.starts_with("HTTP/1.1 404"), "{api}");
}

//! One test through a real socket: the server binds port 0 and answers over TCP.

use actix_web::HttpServer;
use samhandling_http::build_app;
use samhandling_tests::TestApp;
use std::io::{Read, Write};
use std::net::TcpStream;

#[actix_web::test]
async fn the_server_answers_over_tcp() {
    let t = TestApp::new();
    let state = t.state.clone();
    let server = HttpServer::new(move || build_app(state.clone(), &[]))
        .workers(1)
        .bind("127.0.0.1:0")
        .unwrap();
    let address = server.addrs()[0];
    let running = server.run();
    let handle = running.handle();
    actix_web::rt::spawn(running);

    let response = actix_web::web::block(move || {
        let mut stream = TcpStream::connect(address).unwrap();
        stream
            .write_all(
                b"GET /health/ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            )
            .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    })
    .await
    .unwrap();
    handle.stop(true).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.to_ascii_lowercase().contains("x-request-id:"));
}

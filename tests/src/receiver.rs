//! A webhook receiver started by a test on 127.0.0.1: it records what it is sent and answers
//! 500 to the first `failures` requests, 200 after, each after `delay` (a slow receiver).

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// Its headers, lower-cased names.
    pub headers: Vec<(String, String)>,
    /// Its body.
    pub body: Vec<u8>,
    /// What the receiver answered.
    pub answered: u16,
}

impl Received {
    /// Whether the delivery verifies under `secret` as Standard Webhooks 1.0 specifies, written
    /// here from the specification rather than taken from the server's code: the three
    /// headers, a timestamp within five minutes, and a `v1` signature among those sent that is
    /// the base64 HMAC-SHA256, keyed with the base64 after `whsec_`, of `id.timestamp.body`.
    pub fn verifies_with(&self, secret: &str) -> bool {
        use base64::Engine;
        use hmac::Mac;
        let (Some(id), Some(timestamp), Some(signatures)) = (
            self.header("webhook-id"),
            self.header("webhook-timestamp"),
            self.header("webhook-signature"),
        ) else {
            return false;
        };
        let Ok(sent_at) = timestamp.parse::<i64>() else {
            return false;
        };
        if (chrono::Utc::now().timestamp() - sent_at).abs() > 300 {
            return false;
        }
        let engine = base64::engine::general_purpose::STANDARD;
        let Some(key) = secret
            .strip_prefix("whsec_")
            .and_then(|key| engine.decode(key).ok())
        else {
            return false;
        };
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).expect("any key length");
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(&self.body);
        let expected = engine.encode(mac.finalize().into_bytes());
        signatures
            .split(' ')
            .filter_map(|signature| signature.strip_prefix("v1,"))
            .any(|signature| signature == expected)
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_default()
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

#[derive(Default)]
struct Script {
    failures: usize,
    delay: std::time::Duration,
    seen: AtomicUsize,
    received: Mutex<Vec<Received>>,
}

/// A running receiver.
pub struct Receiver {
    /// Where to send.
    pub url: String,
    script: Arc<Script>,
    handle: actix_web::dev::ServerHandle,
}

async fn receive(
    req: HttpRequest,
    body: web::Bytes,
    script: web::Data<Arc<Script>>,
) -> HttpResponse {
    let number = script.seen.fetch_add(1, Ordering::SeqCst);
    if !script.delay.is_zero() {
        actix_web::rt::time::sleep(script.delay).await;
    }
    let answered = if number < script.failures { 500 } else { 200 };
    let headers = req
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    if let Ok(mut received) = script.received.lock() {
        received.push(Received {
            headers,
            body: body.to_vec(),
            answered,
        });
    }
    HttpResponse::build(actix_web::http::StatusCode::from_u16(answered).unwrap_or_default())
        .finish()
}

impl Receiver {
    /// Starts a receiver on the current actix runtime.
    pub fn start(failures: usize) -> Receiver {
        Self::start_answering_after(failures, std::time::Duration::ZERO)
    }

    /// As [`Receiver::start`], answering each request only after `delay`.
    pub fn start_answering_after(failures: usize, delay: std::time::Duration) -> Receiver {
        let script = Arc::new(Script {
            failures,
            delay,
            ..Script::default()
        });
        let data = web::Data::new(script.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/hook", web::post().to(receive))
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .expect("binds a free port");
        let address = server.addrs()[0];
        let running = server.run();
        let handle = running.handle();
        actix_web::rt::spawn(running);
        Receiver {
            url: format!("http://{address}/hook"),
            script,
            handle,
        }
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.script
            .received
            .lock()
            .map(|received| received.clone())
            .unwrap_or_default()
    }

    /// Stops the receiver.
    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

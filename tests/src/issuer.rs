//! A token issuer of the tests' own, standing in for Maskinporten, HelseID or an OpenID Connect
//! provider: it makes P-256 keys, signs tokens with them, serves its discovery document and key
//! set on loopback, rotates keys, and can be taken down. Also signs DPoP proofs as a client
//! would.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// An ES256 key pair.
pub struct SigningKey {
    /// Its key id.
    pub kid: String,
    encoding: EncodingKey,
    x: String,
    y: String,
}

impl SigningKey {
    /// A fresh P-256 key named `kid`.
    pub fn generate(kid: &str) -> SigningKey {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .expect("a P-256 key is generated");
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .expect("the generated key reads back");
        // The uncompressed point: 0x04, then x and y of 32 bytes each.
        let point = pair.public_key().as_ref();
        SigningKey {
            kid: kid.to_owned(),
            encoding: EncodingKey::from_ec_der(pkcs8.as_ref()),
            x: URL_SAFE_NO_PAD.encode(&point[1..33]),
            y: URL_SAFE_NO_PAD.encode(&point[33..65]),
        }
    }

    /// The public JWK, as a key set publishes it.
    pub fn jwk(&self) -> Value {
        json!({"kty": "EC", "crv": "P-256", "x": self.x, "y": self.y, "kid": self.kid,
            "use": "sig", "alg": "ES256"})
    }

    /// The public key's raw bytes (x and y), what an attacker would use as an HMAC secret.
    pub fn public_bytes(&self) -> Vec<u8> {
        [
            URL_SAFE_NO_PAD.decode(&self.x).expect("base64url"),
            URL_SAFE_NO_PAD.decode(&self.y).expect("base64url"),
        ]
        .concat()
    }

    /// The RFC 7638 thumbprint, computed here from the specification, not by the code under test.
    pub fn thumbprint(&self) -> String {
        let canonical = format!(
            r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
            self.x, self.y
        );
        URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
    }

    /// `claims` signed as a token of type `typ` naming this key.
    pub fn sign(&self, typ: &str, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.typ = Some(typ.to_owned());
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("signs")
    }

    /// A DPoP proof by this key for `method` on `url`, accompanying `access_token`.
    pub fn proof(&self, method: &str, url: &str, access_token: &str) -> String {
        self.proof_with(&json!({
            "htm": method,
            "htu": url,
            "iat": chrono::Utc::now().timestamp(),
            "jti": uuid::Uuid::new_v4().to_string(),
            "ath": URL_SAFE_NO_PAD.encode(Sha256::digest(access_token.as_bytes())),
        }))
    }

    /// A DPoP proof with these claims.
    pub fn proof_with(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.typ = Some("dpop+jwt".into());
        let mut jwk = self.jwk();
        if let Some(object) = jwk.as_object_mut() {
            object.remove("kid");
            object.remove("use");
        }
        header.jwk = Some(serde_json::from_value::<Jwk>(jwk).expect("a JWK"));
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("signs")
    }
}

/// A token with `alg: none`: a header and claims, and no signature.
pub fn unsigned(claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{body}.")
}

/// `claims` signed with HS256 under `secret`, naming `kid`.
pub fn hmac_signed(secret: &[u8], kid: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(secret)).expect("signs")
}

struct Served {
    keys: Vec<Value>,
}

/// An issuer serving its discovery documents and key set over HTTP on 127.0.0.1.
pub struct LocalIssuer {
    /// The `iss` its tokens carry: `http://127.0.0.1:<port><path>`.
    pub issuer: String,
    served: Arc<Mutex<Served>>,
    down: Arc<AtomicBool>,
    fetches: Arc<AtomicUsize>,
}

impl LocalIssuer {
    /// Starts serving, as the issuer `http://127.0.0.1:<port><path>` (`path` is `/` for a
    /// Maskinporten-like issuer, `/helseid` for one under a path).
    pub fn start(path: &str, keys: &[&SigningKey]) -> LocalIssuer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binds loopback");
        let address = listener.local_addr().expect("has an address");
        let issuer = format!("http://{address}{path}");
        let served = Arc::new(Mutex::new(Served {
            keys: keys.iter().map(|key| key.jwk()).collect(),
        }));
        let down = Arc::new(AtomicBool::new(false));
        let fetches = Arc::new(AtomicUsize::new(0));
        let (state, is_down, counted, name) = (
            Arc::clone(&served),
            Arc::clone(&down),
            Arc::clone(&fetches),
            issuer.clone(),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut request = Vec::new();
                let mut buffer = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let line = String::from_utf8_lossy(&request);
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
                counted.fetch_add(1, Ordering::SeqCst);
                let (status, body) = if is_down.load(Ordering::SeqCst) {
                    ("503 Service Unavailable", "{}".to_owned())
                } else if path.contains("/.well-known/") {
                    let jwks_uri = format!("http://{address}/jwks");
                    (
                        "200 OK",
                        json!({"issuer": name, "jwks_uri": jwks_uri}).to_string(),
                    )
                } else if path == "/jwks" {
                    let keys = state.lock().expect("not poisoned").keys.clone();
                    ("200 OK", json!({ "keys": keys }).to_string())
                } else {
                    ("404 Not Found", "{}".to_owned())
                };
                let response = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes());
            }
        });
        LocalIssuer {
            issuer,
            served,
            down,
            fetches,
        }
    }

    /// Publishes `keys` instead of the keys published so far (a rotation).
    pub fn publish(&self, keys: &[&SigningKey]) {
        self.served.lock().expect("not poisoned").keys = keys.iter().map(|key| key.jwk()).collect();
    }

    /// Makes every request fail with 503 (`true`) or succeed again.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// How many requests it has answered.
    pub fn requests(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

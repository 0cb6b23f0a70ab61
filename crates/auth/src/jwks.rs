//! A trusted issuer's signing keys (JWKS): read from a file once, or fetched through the issuer's
//! discovery document and cached. The algorithm a key verifies comes from the key itself (its
//! `kty`, `crv` and `alg`), never from the token's header, so a token cannot choose how it is
//! checked: `none` and HMAC are never possible for an issuer's keys.
//!
//! Fetching blocks (it is plain HTTP through `ureq`); callers that serve requests run
//! [`KeyCache::refresh`] off their worker threads. A failed fetch never forgets keys already held:
//! an issuer that is down keeps its valid tokens valid.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// A public key that verifies one algorithm.
#[derive(Clone)]
pub struct VerifyingKey {
    /// The key id, when the set names one.
    pub kid: Option<String>,
    /// The one algorithm this key verifies.
    pub algorithm: Algorithm,
    /// The key.
    pub key: DecodingKey,
}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

/// Why a key or a key set cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The JWK is not a public RSA or EC P-256/P-384 key, or carries a private part.
    #[error("the key is not a usable public key: {0}")]
    Unusable(&'static str),
    /// The set is not JSON with a `keys` array.
    #[error("the key set is malformed")]
    MalformedSet,
    /// The issuer's discovery document or key set could not be fetched.
    #[error("the issuer's keys cannot be fetched: {0}")]
    Unreachable(String),
    /// The discovery document names another issuer, or a key set not on https.
    #[error("the issuer's discovery document is not acceptable: {0}")]
    BadDiscovery(String),
}

/// Members that only a private JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4).
const PRIVATE_MEMBERS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "k"];

/// The key a JWK describes, with the algorithm it fixes. RSA keys verify the RSA algorithm their
/// `alg` names, RS256 when it names none; EC keys the algorithm of their curve.
pub fn key_from_jwk(jwk: &Value) -> Result<VerifyingKey, KeyError> {
    let object = jwk.as_object().ok_or(KeyError::Unusable("not an object"))?;
    if PRIVATE_MEMBERS
        .iter()
        .any(|member| object.contains_key(*member))
    {
        return Err(KeyError::Unusable("it holds a private or symmetric key"));
    }
    let text = |name: &str| object.get(name).and_then(Value::as_str);
    let declared = text("alg");
    let (algorithm, key) = match text("kty") {
        Some("RSA") => {
            let algorithm = match declared {
                None | Some("RS256") => Algorithm::RS256,
                Some("RS384") => Algorithm::RS384,
                Some("RS512") => Algorithm::RS512,
                Some("PS256") => Algorithm::PS256,
                Some("PS384") => Algorithm::PS384,
                Some("PS512") => Algorithm::PS512,
                Some(_) => return Err(KeyError::Unusable("an RSA key for another algorithm")),
            };
            let (n, e) = text("n")
                .zip(text("e"))
                .ok_or(KeyError::Unusable("an RSA key without n and e"))?;
            let key = DecodingKey::from_rsa_components(n, e)
                .map_err(|_| KeyError::Unusable("n or e is not base64url"))?;
            (algorithm, key)
        }
        Some("EC") => {
            let algorithm = match (text("crv"), declared) {
                (Some("P-256"), None | Some("ES256")) => Algorithm::ES256,
                (Some("P-384"), None | Some("ES384")) => Algorithm::ES384,
                _ => return Err(KeyError::Unusable("an EC key not on P-256 or P-384")),
            };
            let (x, y) = text("x")
                .zip(text("y"))
                .ok_or(KeyError::Unusable("an EC key without x and y"))?;
            let key = DecodingKey::from_ec_components(x, y)
                .map_err(|_| KeyError::Unusable("x or y is not base64url"))?;
            (algorithm, key)
        }
        _ => return Err(KeyError::Unusable("only RSA and EC keys are accepted")),
    };
    Ok(VerifyingKey {
        kid: text("kid").map(str::to_owned),
        algorithm,
        key,
    })
}

/// The RFC 7638 thumbprint of a public JWK: base64url(SHA-256) of its required members in
/// lexicographic order, without whitespace. What DPoP binds a token to (`cnf.jkt`).
pub fn thumbprint(jwk: &Value) -> Result<String, KeyError> {
    let text = |name: &str| {
        jwk.get(name)
            .and_then(Value::as_str)
            .ok_or(KeyError::Unusable("a required member is missing"))
    };
    // serde_json escapes as RFC 7638 asks, and `json!` keeps the members in the order written.
    let canonical = match text("kty")? {
        "EC" => format!(
            r#"{{"crv":{},"kty":"EC","x":{},"y":{}}}"#,
            Value::from(text("crv")?),
            Value::from(text("x")?),
            Value::from(text("y")?)
        ),
        "RSA" => format!(
            r#"{{"e":{},"kty":"RSA","n":{}}}"#,
            Value::from(text("e")?),
            Value::from(text("n")?)
        ),
        _ => return Err(KeyError::Unusable("only RSA and EC keys are accepted")),
    };
    Ok(URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes())))
}

/// The usable signing keys of a JWKS document; keys marked for encryption and keys of other
/// types are passed over, as RFC 7517 allows.
pub fn parse_key_set(document: &[u8]) -> Result<Vec<VerifyingKey>, KeyError> {
    let set: Value = serde_json::from_slice(document).map_err(|_| KeyError::MalformedSet)?;
    let keys = set
        .get("keys")
        .and_then(Value::as_array)
        .ok_or(KeyError::MalformedSet)?;
    Ok(keys
        .iter()
        .filter(|jwk| {
            jwk.get("use")
                .and_then(Value::as_str)
                .is_none_or(|u| u == "sig")
        })
        .filter_map(|jwk| key_from_jwk(jwk).ok())
        .collect())
}

/// Where an issuer publishes its keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// Fixed at start-up (a JWKS file, for closed networks): never fetched.
    Fixed,
    /// The discovery document at this URL names the key set (`jwks_uri`); its `issuer` must be
    /// `issuer`.
    Discovery {
        /// The well-known URL.
        url: String,
        /// The issuer the document must name.
        issuer: String,
    },
}

/// How keys are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CachePolicy {
    /// How long fetched keys are used before they are fetched again.
    pub ttl: Duration,
    /// The least time between two fetches caused by unknown key ids, so that tokens naming
    /// made-up `kid`s cannot make Samhandling hammer the issuer.
    pub refetch_interval: Duration,
    /// How long one fetch (each of its requests) may take.
    pub fetch_timeout: Duration,
}

#[derive(Debug, Default)]
struct Held {
    keys: Arc<Vec<VerifyingKey>>,
    fetched_at: Option<Instant>,
    attempted_at: Option<Instant>,
}

/// One issuer's keys, shared by every worker thread of an instance.
#[derive(Debug)]
pub struct KeyCache {
    source: KeySource,
    policy: CachePolicy,
    held: RwLock<Held>,
    /// Held while fetching, so concurrent requests wait for one fetch instead of each making one.
    fetching: Mutex<()>,
}

/// What a lookup found.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// The key, fresh enough to use without fetching.
    Found(VerifyingKey),
    /// A fetch is due first (keys stale, never fetched, or the `kid` unknown and a refetch is
    /// allowed); the key held now, if any, is what to use should the fetch fail.
    Fetch(Option<VerifyingKey>),
    /// No such key, and no fetch is allowed now.
    Unknown,
    /// No key was ever fetched, and no fetch is allowed now: the issuer was unreachable a
    /// moment ago.
    Unavailable,
}

impl KeyCache {
    /// Keys that never change.
    pub fn fixed(keys: Vec<VerifyingKey>) -> KeyCache {
        KeyCache {
            source: KeySource::Fixed,
            policy: CachePolicy {
                ttl: Duration::MAX,
                refetch_interval: Duration::MAX,
                fetch_timeout: Duration::ZERO,
            },
            held: RwLock::new(Held {
                keys: Arc::new(keys),
                fetched_at: Some(Instant::now()),
                attempted_at: Some(Instant::now()),
            }),
            fetching: Mutex::new(()),
        }
    }

    /// Keys fetched through the discovery document at `source`, none held yet.
    pub fn discovered(source: KeySource, policy: CachePolicy) -> KeyCache {
        KeyCache {
            source,
            policy,
            held: RwLock::default(),
            fetching: Mutex::new(()),
        }
    }

    /// Whether any key is held (so an unknown `kid` is the token's fault, not the issuer's).
    pub fn holds_keys(&self) -> bool {
        !self
            .held
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .keys
            .is_empty()
    }

    /// How long a fetch may take.
    pub fn fetch_timeout(&self) -> Duration {
        self.policy.fetch_timeout
    }

    /// The key for `kid` (the only key, when the token names none and the set has one), and
    /// whether it must be fetched first.
    pub fn lookup(&self, kid: Option<&str>) -> Lookup {
        let held = self.held.read().unwrap_or_else(PoisonError::into_inner);
        let found = find(&held.keys, kid);
        if matches!(self.source, KeySource::Fixed) {
            return found.map_or(Lookup::Unknown, Lookup::Found);
        }
        let stale = held
            .fetched_at
            .is_none_or(|at| at.elapsed() >= self.policy.ttl);
        let may_refetch = held
            .attempted_at
            .is_none_or(|at| at.elapsed() >= self.policy.refetch_interval);
        match found {
            // Stale keys are fetched again at most once per interval: while the issuer is down,
            // requests use the key held instead of each waiting for a fetch to time out.
            Some(key) if !stale || !may_refetch => Lookup::Found(key),
            Some(key) => Lookup::Fetch(Some(key)),
            None if may_refetch => Lookup::Fetch(None),
            None if held.fetched_at.is_none() => Lookup::Unavailable,
            None => Lookup::Unknown,
        }
    }

    /// Fetches the keys again (blocking), unless another thread fetched them while this one
    /// waited its turn. On failure the keys held are kept.
    pub fn refresh(&self) -> Result<(), KeyError> {
        let KeySource::Discovery { url, issuer } = &self.source else {
            return Ok(());
        };
        let started = Instant::now();
        let _turn = self.fetching.lock().unwrap_or_else(PoisonError::into_inner);
        {
            let held = self.held.read().unwrap_or_else(PoisonError::into_inner);
            if held.attempted_at.is_some_and(|at| at >= started) {
                return if held.fetched_at.is_some_and(|at| at >= started) {
                    Ok(())
                } else {
                    Err(KeyError::Unreachable("the last fetch failed".into()))
                };
            }
        }
        let fetched = fetch(url, issuer, self.policy.fetch_timeout);
        let mut held = self.held.write().unwrap_or_else(PoisonError::into_inner);
        held.attempted_at = Some(Instant::now());
        let keys = fetched?;
        held.keys = Arc::new(keys);
        held.fetched_at = held.attempted_at;
        Ok(())
    }
}

fn find(keys: &[VerifyingKey], kid: Option<&str>) -> Option<VerifyingKey> {
    match kid {
        Some(kid) => keys
            .iter()
            .find(|key| key.kid.as_deref() == Some(kid))
            .cloned(),
        None if keys.len() == 1 => keys.first().cloned(),
        None => None,
    }
}

/// Whether `url` may be fetched: https, or http to a loopback host (development and tests).
pub fn is_fetchable(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|url| match url.scheme() {
        "https" => url.host().is_some(),
        "http" => match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(domain)) => domain == "localhost",
            None => false,
        },
        _ => false,
    })
}

/// The largest discovery document or key set read.
const MAX_DOCUMENT_BYTES: u64 = 256 * 1024;

fn get(agent: &ureq::Agent, url: &str) -> Result<Vec<u8>, KeyError> {
    use std::io::Read as _;
    let response = agent
        .get(url)
        .set("Accept", "application/json")
        .call()
        .map_err(|error| KeyError::Unreachable(error.to_string()))?;
    let mut body = Vec::new();
    response
        .into_reader()
        .take(MAX_DOCUMENT_BYTES)
        .read_to_end(&mut body)
        .map_err(|error| KeyError::Unreachable(error.to_string()))?;
    Ok(body)
}

/// The discovery document at `url`, checked to name `issuer`, then the key set it names.
fn fetch(url: &str, issuer: &str, timeout: Duration) -> Result<Vec<VerifyingKey>, KeyError> {
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(timeout)
        .timeout(timeout)
        .redirects(0)
        .build();
    let document: Value = serde_json::from_slice(&get(&agent, url)?)
        .map_err(|_| KeyError::BadDiscovery("not JSON".into()))?;
    if document.get("issuer").and_then(Value::as_str) != Some(issuer) {
        return Err(KeyError::BadDiscovery("it names another issuer".into()));
    }
    let jwks_uri = document
        .get("jwks_uri")
        .and_then(Value::as_str)
        .filter(|uri| is_fetchable(uri))
        .ok_or_else(|| KeyError::BadDiscovery("no https jwks_uri".into()))?;
    parse_key_set(&get(&agent, jwks_uri)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_rfc_7638_example_thumbprint_is_reproduced() {
        // RFC 7638 §3.1.
        let jwk = json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        });
        assert_eq!(
            thumbprint(&jwk).expect("a public RSA key"),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn the_algorithm_comes_from_the_key_and_private_keys_are_refused() {
        let ec = json!({"kty": "EC", "crv": "P-256",
            "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"});
        assert_eq!(
            key_from_jwk(&ec).expect("usable").algorithm,
            Algorithm::ES256
        );
        let mut private = ec.clone();
        private["d"] = json!("jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI");
        assert!(key_from_jwk(&private).is_err());
        let symmetric = json!({"kty": "oct", "k": "c2VjcmV0"});
        assert!(key_from_jwk(&symmetric).is_err());
        let mismatched = json!({"kty": "EC", "crv": "P-256", "alg": "HS256",
            "x": ec["x"], "y": ec["y"]});
        assert!(key_from_jwk(&mismatched).is_err());
    }

    #[test]
    fn an_unreachable_issuer_is_tried_once_per_interval_and_then_unavailable() {
        // Nothing listens on the discard port of loopback: the connection is refused at once.
        let keys = KeyCache::discovered(
            KeySource::Discovery {
                url: "http://127.0.0.1:9/.well-known/openid-configuration".into(),
                issuer: "http://127.0.0.1:9".into(),
            },
            CachePolicy {
                ttl: Duration::from_hours(1),
                refetch_interval: Duration::from_hours(1),
                fetch_timeout: Duration::from_secs(1),
            },
        );
        assert!(matches!(keys.lookup(Some("k1")), Lookup::Fetch(None)));
        assert!(matches!(keys.refresh(), Err(KeyError::Unreachable(_))));
        assert!(!keys.holds_keys());
        assert!(matches!(keys.lookup(Some("k1")), Lookup::Unavailable));
    }

    #[test]
    fn fixed_keys_are_never_fetched() {
        let ec = json!({"kty": "EC", "crv": "P-256", "kid": "k1",
            "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"});
        let keys = KeyCache::fixed(vec![key_from_jwk(&ec).expect("usable")]);
        assert!(matches!(keys.lookup(Some("k1")), Lookup::Found(_)));
        assert!(matches!(keys.lookup(None), Lookup::Found(_)));
        assert!(matches!(keys.lookup(Some("k2")), Lookup::Unknown));
    }

    #[test]
    fn only_https_or_loopback_is_fetched() {
        assert!(is_fetchable("https://maskinporten.no/jwk"));
        assert!(is_fetchable("http://127.0.0.1:8080/jwks"));
        assert!(!is_fetchable("http://maskinporten.no/jwk"));
        assert!(!is_fetchable("file:///etc/passwd"));
    }
}

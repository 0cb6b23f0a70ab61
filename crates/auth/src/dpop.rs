//! DPoP proofs (RFC 9449): a short-lived JWT, signed with a key the client holds, that names the
//! request it is for (`htm`, `htu`) and the token it accompanies (`ath`). A token bound to that
//! key (`cnf.jkt`) is useless to whoever steals it without the key. Checking that a proof is not
//! replayed needs storage shared by every instance, and is the caller's (see
//! [`ValidProof::replay_key`]).

use crate::jwks::{key_from_jwk, thumbprint};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{decode, Validation};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// How far a proof's `iat` may lie in the past.
pub const PROOF_MAX_AGE_SECONDS: i64 = 60;

/// How far a proof's `iat` may lie in the future (clock difference).
pub const PROOF_CLOCK_SKEW_SECONDS: i64 = 10;

/// The longest `jti` accepted.
const MAX_JTI_LENGTH: usize = 128;

/// Why a proof was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the DPoP proof is invalid: {0}")]
pub struct ProofError(pub &'static str);

/// A proof that checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidProof {
    /// The RFC 7638 thumbprint of its key, for `cnf.jkt`.
    pub thumbprint: String,
    /// Its `jti`.
    pub jti: String,
    /// Until when (seconds since the epoch) it would be accepted, so how long its `jti` must be
    /// remembered.
    pub accepted_until: i64,
}

impl ValidProof {
    /// The key its replay is detected by: the proof's key and `jti`, hashed to a fixed length.
    pub fn replay_key(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.thumbprint.as_bytes());
        hasher.update([0]);
        hasher.update(self.jti.as_bytes());
        URL_SAFE_NO_PAD.encode(hasher.finalize())
    }
}

/// What the proof must match.
#[derive(Debug, Clone, Copy)]
pub struct ProofContext<'a> {
    /// The request's method.
    pub method: &'a str,
    /// The request's URL as the client addressed it, without query and fragment.
    pub url: &'a str,
    /// The access token it accompanies.
    pub access_token: &'a str,
    /// Now, in seconds since the epoch.
    pub now: i64,
}

/// Checks the proof: `typ` `dpop+jwt`, a public `jwk` in its header whose type fixes the
/// algorithm, a valid signature, and `htm`, `htu`, `iat`, `jti` and `ath` matching `context`.
pub fn verify_proof(proof: &str, context: ProofContext<'_>) -> Result<ValidProof, ProofError> {
    let header = proof
        .split('.')
        .next()
        .and_then(|segment| URL_SAFE_NO_PAD.decode(segment).ok())
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .ok_or(ProofError("its header is not base64url JSON"))?;
    if header.get("typ").and_then(Value::as_str) != Some("dpop+jwt") {
        return Err(ProofError("its typ must be dpop+jwt"));
    }
    let jwk = header
        .get("jwk")
        .ok_or(ProofError("its header has no jwk"))?;
    let key = key_from_jwk(jwk).map_err(|_| ProofError("its jwk is not a public RSA or EC key"))?;
    let alg = header.get("alg").and_then(Value::as_str);
    let key_alg = serde_json::to_value(key.algorithm).ok();
    if alg.is_none() || alg != key_alg.as_ref().and_then(Value::as_str) {
        return Err(ProofError("its alg is not its key's algorithm"));
    }
    let mut validation = Validation::new(key.algorithm);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.set_required_spec_claims::<&str>(&[]);
    let claims = decode::<serde_json::Map<String, Value>>(proof, &key.key, &validation)
        .map_err(|_| ProofError("its signature does not verify"))?
        .claims;
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    if text("htm") != Some(context.method) {
        return Err(ProofError("its htm is not the request's method"));
    }
    if !text("htu").is_some_and(|htu| same_url(htu, context.url)) {
        return Err(ProofError("its htu is not the request's URL"));
    }
    let iat = claims
        .get("iat")
        .and_then(Value::as_i64)
        .ok_or(ProofError("it has no iat"))?;
    if iat < context.now - PROOF_MAX_AGE_SECONDS || iat > context.now + PROOF_CLOCK_SKEW_SECONDS {
        return Err(ProofError("its iat is outside the accepted window"));
    }
    let jti = text("jti")
        .filter(|jti| !jti.is_empty() && jti.len() <= MAX_JTI_LENGTH)
        .ok_or(ProofError("it has no usable jti"))?;
    let ath = URL_SAFE_NO_PAD.encode(Sha256::digest(context.access_token.as_bytes()));
    if text("ath") != Some(ath.as_str()) {
        return Err(ProofError("its ath is not the access token's hash"));
    }
    Ok(ValidProof {
        thumbprint: thumbprint(jwk).map_err(|_| ProofError("its jwk has no thumbprint"))?,
        jti: jti.to_owned(),
        accepted_until: iat + PROOF_MAX_AGE_SECONDS + PROOF_CLOCK_SKEW_SECONDS,
    })
}

/// Whether two URLs name the same resource as RFC 9449 §4.3 compares them: scheme, host and port
/// (defaults made explicit) and path, ignoring query and fragment.
fn same_url(claimed: &str, actual: &str) -> bool {
    let (Ok(claimed), Ok(actual)) = (url::Url::parse(claimed), url::Url::parse(actual)) else {
        return false;
    };
    claimed.scheme() == actual.scheme()
        && claimed.host_str() == actual.host_str()
        && claimed.port_or_known_default() == actual.port_or_known_default()
        && claimed.path() == actual.path()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_compare_without_query_and_with_default_ports() {
        assert!(same_url(
            "https://API.example.no:443/api/v1/referrals?x=1",
            "https://api.example.no/api/v1/referrals"
        ));
        assert!(!same_url(
            "https://api.example.no/api/v1/referrals",
            "https://api.example.no/api/v1/organisations"
        ));
        assert!(!same_url(
            "http://api.example.no/api/v1/referrals",
            "https://api.example.no/api/v1/referrals"
        ));
    }
}

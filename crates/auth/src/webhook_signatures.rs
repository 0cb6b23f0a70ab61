//! Webhook signatures as Standard Webhooks 1.0 defines them, so receivers verify with the
//! `standardwebhooks` packages instead of code of their own: a secret is `whsec_` and the
//! base64 of its key, and a delivery is signed as `v1,<base64 HMAC-SHA256 of
//! "<webhook-id>.<webhook-timestamp>.<body>">`. During a secret rotation both secrets sign, and
//! the signatures are sent space-separated in one `webhook-signature` header.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// What every secret starts with.
pub const SECRET_PREFIX: &str = "whsec_";

/// A fresh secret: 256 random bits.
pub fn generate_secret() -> String {
    let mut key = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(key))
}

/// The key a secret spells; `None` for one that is not `whsec_` and base64.
fn key_of(secret: &str) -> Option<Vec<u8>> {
    let encoded = secret.strip_prefix(SECRET_PREFIX)?;
    STANDARD.decode(encoded).ok().filter(|key| !key.is_empty())
}

/// The signature of one delivery under one secret, `v1,<base64>`; `None` for a malformed secret.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = key_of(secret)?;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).ok()?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The `webhook-signature` header: the signatures under every secret given, current first,
/// space-separated.
pub fn signature_header(secrets: &[String], id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .filter_map(|secret| sign(secret, id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_specifications_example_verifies() {
        // The example of the Standard Webhooks specification (and of its reference libraries).
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let signature = sign(
            secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(
            signature.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn a_rotation_sends_both_signatures_and_bad_secrets_none() {
        let old = generate_secret();
        let new = generate_secret();
        assert!(new.starts_with(SECRET_PREFIX));
        let header = signature_header(&[new.clone(), old.clone()], "msg", 1, b"{}");
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(Some(parts[0]), sign(&new, "msg", 1, b"{}").as_deref());
        assert_eq!(Some(parts[1]), sign(&old, "msg", 1, b"{}").as_deref());
        assert_eq!(sign("not a secret", "msg", 1, b"{}"), None);
    }
}

//! Client secrets: generated with the OS's CSPRNG, shown once, stored only as Argon2id hashes, so a
//! copy of the database does not let anyone act as a municipality's system.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;

/// A secret could not be hashed (the parameters are fixed, so this indicates a bug).
#[derive(Debug, thiserror::Error)]
#[error("hashing a secret failed: {0}")]
pub struct HashError(String);

/// A fresh secret: 256 random bits, URL-safe base64 so it survives forms and headers unescaped.
pub fn generate() -> String {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The Argon2id PHC string for `secret`, with a random salt.
pub fn hash(secret: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| HashError(error.to_string()))
}

/// Whether `secret` matches the stored PHC string; a malformed stored hash matches nothing.
pub fn verify(secret: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(secret.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_secret_only() {
        let secret = generate();
        let stored = hash(&secret).expect("hashing works");
        assert!(!stored.contains(&secret));
        assert!(verify(&secret, &stored));
        assert!(!verify("something else", &stored));
        assert!(!verify(&secret, "not a phc string"));
    }

    #[test]
    fn secrets_are_long_and_distinct() {
        let (a, b) = (generate(), generate());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
    }
}

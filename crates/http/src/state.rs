//! What every handler shares: the pool, the token service and the key that signs cursors.
//! Nothing here is mutable, so any number of instances can serve side by side.

use samhandling_auth::TokenService;
use samhandling_persistence::Db;
use sha2::{Digest, Sha256};

/// Shared, immutable application state.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The PostgreSQL pool.
    pub db: Db,
    /// Verifies and issues bearer tokens.
    pub tokens: TokenService,
    /// Signs pagination cursors, so a tampered cursor is recognised.
    pub cursor_key: [u8; 32],
}

impl AppState {
    /// Builds the state. The cursor key is derived from the token secret, so every instance that
    /// shares the secret accepts the others' cursors.
    pub fn new(db: Db, tokens: TokenService, token_secret: &[u8]) -> AppState {
        let mut hasher = Sha256::new();
        hasher.update(b"samhandling pagination cursor v1\0");
        hasher.update(token_secret);
        AppState {
            db,
            tokens,
            cursor_key: hasher.finalize().into(),
        }
    }
}

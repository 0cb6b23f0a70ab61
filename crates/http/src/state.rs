//! What every handler shares: the pool, the token service, the key that signs cursors and the
//! policies set by configuration, the queue for database connections and the writer of read
//! audit events. No record lives here longer than a request, so any number of instances can
//! serve side by side.

use crate::db::Turns;
use crate::read_audit::ReadAudit;
pub use crate::resources::referral_input::References;
use samhandling_auth::TokenService;
use samhandling_persistence::Db;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Behaviour that configuration decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policies {
    /// Self-registrations one client address may send per hour.
    pub self_registrations_per_hour: u32,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// Allow `http://` webhook targets (development only).
    pub webhook_allow_http: bool,
    /// Allow webhook targets in private, loopback and link-local ranges (development only).
    pub webhook_allow_private_targets: bool,
}

impl Default for Policies {
    fn default() -> Self {
        Policies {
            self_registrations_per_hour: 10,
            trust_forwarded_for: false,
            webhook_allow_http: false,
            webhook_allow_private_targets: false,
        }
    }
}

/// Shared, immutable application state.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The PostgreSQL pool.
    pub db: Db,
    /// The queue for the pool's connections, shared by every worker thread.
    pub turns: Arc<Turns>,
    /// Commits the audit events of reads before their data is sent.
    pub read_audit: ReadAudit,
    /// Verifies and issues bearer tokens.
    pub tokens: TokenService,
    /// Signs pagination cursors, so a tampered cursor is recognised.
    pub cursor_key: [u8; 32],
    /// Hashes client addresses for rate limiting, so no address is stored.
    pub client_key: [u8; 32],
    /// Configured behaviour.
    pub policies: Policies,
    /// Where referrals' short references come from.
    pub references: References,
}

fn derive_key(purpose: &[u8], secret: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(purpose);
    hasher.update([0]);
    hasher.update(secret);
    hasher.finalize().into()
}

impl AppState {
    /// Builds the state with default policies. Keys are derived from the token secret, so every
    /// instance that shares the secret accepts the others' cursors and counts the same clients.
    pub fn new(db: Db, tokens: TokenService, token_secret: &[u8]) -> AppState {
        AppState {
            turns: Arc::new(Turns::new(db.max_size())),
            read_audit: ReadAudit::start(db.clone()),
            db,
            tokens,
            cursor_key: derive_key(b"samhandling pagination cursor v1", token_secret),
            client_key: derive_key(b"samhandling client address v1", token_secret),
            policies: Policies::default(),
            references: References::random(),
        }
    }

    /// The same state drawing references from `references` (tests force collisions with it).
    #[must_use]
    pub fn with_references(mut self, references: References) -> AppState {
        self.references = references;
        self
    }

    /// The same state with other policies.
    #[must_use]
    pub fn with_policies(mut self, policies: Policies) -> AppState {
        self.policies = policies;
        self
    }
}

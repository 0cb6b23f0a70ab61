//! What every handler shares: the pool, the token service, the key that signs cursors and the
//! policies set by configuration, the queue for database connections and the writer of read
//! audit events. No record lives here longer than a request, so any number of instances can
//! serve side by side.

use crate::db::Database;
use crate::directory::Directory;
use crate::error::ApiError;
use crate::metrics::{Metrics, MetricsError};
use crate::read_audit::ReadAudit;
use crate::statistics::RenderedAnswers;
use samhandling_auth::issuers::TrustedIssuers;
use samhandling_auth::TokenService;
use samhandling_domain::referral::RetentionPolicy;
use samhandling_persistence::Pools;
use samhandling_usecases::kept::ServedResults;
pub use samhandling_usecases::references::References;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Behaviour that configuration decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policies {
    /// Self-registrations one client address may send per hour.
    pub self_registrations_per_hour: u32,
    /// Token requests one address, and one client id, may send per hour.
    pub token_requests_per_hour: u32,
    /// How many proxies in front append to `X-Forwarded-For`; the client address is the entry
    /// the outermost of them appended. 0 ignores the header.
    pub forwarded_hops: u8,
    /// Allow `http://` webhook targets (development only).
    pub webhook_allow_http: bool,
    /// Allow webhook targets in private, loopback and link-local ranges (development only).
    pub webhook_allow_private_targets: bool,
    /// Development mode, and whether it serves on loopback only.
    pub development: Development,
    /// How long personal data is kept, shown to the centre as each referral's `erasure_due_at`.
    pub retention: RetentionPolicy,
    /// The URL clients address the API by (`PUBLIC_BASE_URL`), e.g. behind a load balancer; DPoP
    /// proofs name it in `htu`. `None` takes the scheme and host the request arrived with.
    pub public_base_url: Option<String>,
}

/// Whether the server runs in development mode, which trades safety for convenience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Development {
    /// Production.
    #[default]
    Off,
    /// Development mode: Swagger UI keeps the pasted token across reloads (in `localStorage`,
    /// where any script on the origin could read an admin's token, so never in production).
    On,
    /// Development mode on a loopback address: also `/dev/demo-token`, where whoever reaches
    /// the server picks an organisation and a role and gets a token.
    OnLoopback,
}

impl Development {
    /// Whether Swagger UI keeps a pasted token across reloads.
    pub fn persists_authorization(self) -> bool {
        self != Development::Off
    }

    /// Whether `/dev/demo-token` is served.
    pub fn serves_demo_tokens(self) -> bool {
        self == Development::OnLoopback
    }
}

impl Default for Policies {
    fn default() -> Self {
        Policies {
            self_registrations_per_hour: 10,
            token_requests_per_hour: 60,
            forwarded_hops: 0,
            webhook_allow_http: false,
            webhook_allow_private_targets: false,
            development: Development::Off,
            retention: RetentionPolicy::default(),
            public_base_url: None,
        }
    }
}

/// Shared, immutable application state.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The requests' pool and its turns, shared by every worker thread.
    pub database: Database,
    /// Commits the audit events of reads before their data is sent.
    pub read_audit: ReadAudit,
    /// Verifies and issues bearer tokens.
    pub tokens: TokenService,
    /// The trusted issuers whose tokens are accepted beside Samhandling's own.
    pub issuers: TrustedIssuers,
    /// Signs pagination cursors, so a tampered cursor is recognised.
    pub cursor_key: [u8; 32],
    /// Hashes client addresses for rate limiting, so no address is stored.
    pub client_key: [u8; 32],
    /// Configured behaviour.
    pub policies: Policies,
    /// Where referrals' short references come from.
    pub references: References,
    /// What tokens' organisations and clients are known to be.
    pub directory: Arc<Directory>,
    /// Verifies client secrets a few at a time.
    pub hashing: Arc<Hashing>,
    /// This instance's metrics, served on `METRICS_BIND` when set.
    pub metrics: Metrics,
    /// The kept statistics this instance has read, each served again while its version is the
    /// database's.
    pub served: Arc<ServedResults>,
    /// The JSON answers this instance has rendered from them.
    pub rendered: Arc<RenderedAnswers>,
}

/// Client-secret verification, bounded: Argon2 is slow on purpose (tens of milliseconds of a
/// core and 19 MiB each), so a burst of token requests must queue here rather than take every
/// core from the requests behind it.
#[derive(Debug)]
pub struct Hashing(tokio::sync::Semaphore);

/// How long a token request waits for its turn to hash before it is answered 503.
const HASHING_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

impl Hashing {
    /// One verification at a time per two cores, at least one.
    pub fn for_this_machine() -> Hashing {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Hashing(tokio::sync::Semaphore::new((cores / 2).max(1)))
    }

    /// Whether `secret` matches the PHC string `hash`, verified on a blocking thread.
    pub async fn verify(&self, secret: String, hash: String) -> Result<bool, ApiError> {
        let busy = || ApiError::Unavailable("too many token requests at once".into());
        let _turn = tokio::time::timeout(HASHING_WAIT, self.0.acquire())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        actix_web::web::block(move || samhandling_auth::secrets::verify(&secret, &hash))
            .await
            .map_err(|error| ApiError::Internal(format!("blocking task failed: {error}")))
    }
}

fn derive_key(purpose: &[u8], secret: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(purpose);
    hasher.update([0]);
    hasher.update(secret);
    hasher.finalize().into()
}

impl AppState {
    /// Builds the state with default policies. Requests draw from `pools.requests`, with one
    /// turn per connection of it (nothing else draws from it, so a turn is a connection), and read
    /// events are written on `pools.read_audit`. Keys are derived from the token secret, so every
    /// instance that shares the secret accepts the others' cursors and counts the same clients.
    /// The metrics get a registry of their own, watching `pools`; it fails only if a metric's
    /// definition is malformed.
    pub fn new(
        pools: &Pools,
        tokens: TokenService,
        token_secret: &[u8],
    ) -> Result<AppState, MetricsError> {
        let metrics = Metrics::new(pools)?;
        Ok(AppState {
            database: Database::new(pools.requests.clone(), metrics.turns()),
            read_audit: ReadAudit::start(pools.read_audit.clone(), metrics.read_audit()),
            tokens,
            issuers: TrustedIssuers::default(),
            cursor_key: derive_key(b"samhandling pagination cursor v1", token_secret),
            client_key: derive_key(b"samhandling client address v1", token_secret),
            policies: Policies::default(),
            references: References::random(),
            directory: Arc::new(Directory::default()),
            hashing: Arc::new(Hashing::for_this_machine()),
            metrics,
            served: Arc::new(ServedResults::default()),
            rendered: Arc::new(RenderedAnswers::default()),
        })
    }

    /// The same state drawing references from `references` (tests force collisions with it).
    #[must_use]
    pub fn with_references(mut self, references: References) -> AppState {
        self.references = references;
        self
    }

    /// The same state trusting `issuers`.
    #[must_use]
    pub fn with_issuers(mut self, issuers: TrustedIssuers) -> AppState {
        self.issuers = issuers;
        self
    }

    /// The same state with other policies.
    #[must_use]
    pub fn with_policies(mut self, policies: Policies) -> AppState {
        self.policies = policies;
        self
    }
}

//! Rate limits for public endpoints, counted in PostgreSQL so that every instance enforces the
//! same limit. Client addresses are stored only as keyed hashes: an address is personal data.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::HttpRequest;
use chrono::{DurationRound, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use samhandling_persistence::{rate_limits, PgConnection};
use sha2::Sha256;

/// One limited endpoint and its hourly allowance.
#[derive(Debug, Clone)]
pub struct Limit {
    /// The counter's name.
    pub bucket: &'static str,
    /// Requests allowed per client per hour.
    pub per_hour: u32,
    /// The keyed hash of the client's address.
    pub client_hash: Vec<u8>,
}

/// The client's address: the peer, or the first `X-Forwarded-For` hop when configured to trust it.
fn client_address(req: &HttpRequest, state: &AppState) -> String {
    if state.policies.trust_forwarded_for {
        if let Some(forwarded) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(',').next())
        {
            return forwarded.trim().to_owned();
        }
    }
    req.peer_addr()
        .map_or_else(|| "unknown".to_owned(), |address| address.ip().to_string())
}

impl Limit {
    /// The limit for this request's client on `bucket`.
    pub fn for_request(
        req: &HttpRequest,
        state: &AppState,
        bucket: &'static str,
        per_hour: u32,
    ) -> Result<Limit, ApiError> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&state.client_key)
            .map_err(|_| ApiError::Internal("client key has an invalid length".into()))?;
        mac.update(client_address(req, state).as_bytes());
        Ok(Limit {
            bucket,
            per_hour,
            client_hash: mac.finalize().into_bytes().to_vec(),
        })
    }

    /// Counts this request; 429 with `Retry-After` when the client is over its allowance.
    pub fn check(&self, conn: &mut PgConnection) -> Result<(), ApiError> {
        let now = Utc::now();
        let window = now
            .duration_trunc(TimeDelta::hours(1))
            .map_err(|error| ApiError::Internal(error.to_string()))?;
        let hits = rate_limits::hit(conn, self.bucket, &self.client_hash, window)?;
        if u32::try_from(hits).unwrap_or(u32::MAX) > self.per_hour {
            let retry_after = (window + TimeDelta::hours(1) - now).num_seconds().max(1);
            return Err(ApiError::TooManyRequests(
                u64::try_from(retry_after).unwrap_or(3600),
            ));
        }
        Ok(())
    }
}

//! Rate limits for public endpoints, counted in PostgreSQL so that every instance enforces the
//! same limit. Client addresses are stored only as keyed hashes: an address is personal data.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DurationRound, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use samhandling_persistence::{rate_limits, PgConnection};
use sha2::Sha256;
use std::net::{IpAddr, Ipv6Addr};

/// One limited endpoint and its hourly allowance.
#[derive(Debug, Clone)]
pub struct Limit {
    /// The counter's name.
    pub bucket: &'static str,
    /// Requests allowed per client per hour.
    pub per_hour: u32,
    /// The keyed hash of the client's address.
    pub client_hash: Vec<u8>,
    /// Counts this limit's refusals for the metrics (by bucket, never by client).
    refusals: prometheus::IntCounter,
}

/// The client's address as rate limits count it.
///
/// Behind `hops` proxies that each append the address they received from to `X-Forwarded-For`,
/// the client is the `hops`-th entry from the right: everything left of it was written by the
/// client itself and proves nothing. Without configured hops the header is ignored and the peer
/// address counts, so behind a proxy every client would share the proxy's allowance.
///
/// IPv6 addresses count by their /64: one subscriber usually holds a whole /64, and counting by
/// /128 would give it 2^64 allowances.
fn client_address(req: &HttpRequest, hops: u8) -> String {
    let forwarded = (hops > 0)
        .then(|| {
            req.headers()
                .get("x-forwarded-for")
                .and_then(|value| value.to_str().ok())
        })
        .flatten()
        .and_then(|value| {
            let entries: Vec<&str> = value.split(',').map(str::trim).collect();
            // Fewer entries than proxies: the request did not come through them all, and the
            // leftmost entry is the client's own word.
            let index = entries.len().checked_sub(usize::from(hops))?;
            entries
                .get(index)
                .and_then(|entry| entry.parse::<IpAddr>().ok())
        });
    forwarded
        .or_else(|| req.peer_addr().map(|address| address.ip()))
        .map_or_else(|| "unknown".to_owned(), counted_as)
}

/// An address as counted: IPv4 whole, IPv6 by its /64 prefix.
fn counted_as(address: IpAddr) -> String {
    match address {
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                v4.to_string()
            } else {
                let prefix = u128::from(v6) & !((1_u128 << 64) - 1);
                format!("{}/64", Ipv6Addr::from(prefix))
            }
        }
        IpAddr::V4(v4) => v4.to_string(),
    }
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
        mac.update(client_address(req, state.policies.forwarded_hops).as_bytes());
        Ok(Limit {
            bucket,
            per_hour,
            client_hash: mac.finalize().into_bytes().to_vec(),
            refusals: state.metrics.rate_limit_refusals(bucket),
        })
    }

    /// The limit for whatever `name` names (a client id, say) on `bucket`, kept as apart from
    /// addresses as the bucket is.
    pub fn for_name(
        state: &AppState,
        bucket: &'static str,
        per_hour: u32,
        name: &str,
    ) -> Result<Limit, ApiError> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&state.client_key)
            .map_err(|_| ApiError::Internal("client key has an invalid length".into()))?;
        mac.update(b"name\0");
        mac.update(name.as_bytes());
        Ok(Limit {
            bucket,
            per_hour,
            client_hash: mac.finalize().into_bytes().to_vec(),
            refusals: state.metrics.rate_limit_refusals(bucket),
        })
    }

    /// The client's keyed hash as text: an identity for the client that reveals no address.
    pub fn client_tag(&self) -> String {
        URL_SAFE_NO_PAD.encode(&self.client_hash)
    }

    /// Counts this request and answers what is left of the allowance; 429 with `Retry-After`
    /// and the `RateLimit` fields when the client is over it.
    pub fn check(&self, conn: &mut PgConnection) -> Result<Quota, ApiError> {
        let now = Utc::now();
        let window = now
            .duration_trunc(TimeDelta::hours(1))
            .map_err(|error| ApiError::Internal(error.to_string()))?;
        let hits = u32::try_from(rate_limits::hit(
            conn,
            self.bucket,
            &self.client_hash,
            window,
        )?)
        .unwrap_or(u32::MAX);
        let reset = (window + TimeDelta::hours(1) - now).num_seconds().max(1);
        let quota = Quota {
            limit: self.per_hour,
            remaining: self.per_hour.saturating_sub(hits),
            reset_seconds: u64::try_from(reset).unwrap_or(3600),
        };
        if hits > self.per_hour {
            self.refusals.inc();
            return Err(ApiError::TooManyRequests(quota.reset_seconds, Some(quota)));
        }
        Ok(quota)
    }
}

/// What is left of a client's hourly allowance, told in the IETF `RateLimit-Policy` and
/// `RateLimit` fields (draft-ietf-httpapi-ratelimit-headers), so that an integrator can pace
/// itself instead of finding the limit by its 429s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Requests allowed per hour.
    pub limit: u32,
    /// Requests left in this hour.
    pub remaining: u32,
    /// Seconds until the hour's allowance starts over.
    pub reset_seconds: u64,
}

impl Quota {
    /// The tightest of `quotas` (the one with the least left), for an endpoint with several.
    pub fn tightest(quotas: impl IntoIterator<Item = Quota>) -> Option<Quota> {
        quotas.into_iter().min_by_key(|quota| quota.remaining)
    }

    /// The fields, as `(name, value)`.
    pub fn headers(self) -> [(&'static str, String); 2] {
        [
            (
                "RateLimit-Policy",
                format!("\"hourly\";q={};w=3600", self.limit),
            ),
            (
                "RateLimit",
                format!("\"hourly\";r={};t={}", self.remaining, self.reset_seconds),
            ),
        ]
    }

    /// `response` with the fields.
    pub fn told(self, mut response: HttpResponse) -> HttpResponse {
        for (name, value) in self.headers() {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn address(forwarded: Option<&str>, hops: u8) -> String {
        let mut request =
            TestRequest::default().peer_addr("192.0.2.1:4000".parse().expect("an address"));
        if let Some(forwarded) = forwarded {
            request = request.insert_header(("x-forwarded-for", forwarded));
        }
        client_address(&request.to_http_request(), hops)
    }

    #[test]
    fn the_client_is_the_entry_the_trusted_proxy_appended() {
        // The client wrote "6.6.6.6" itself; the proxy appended the address it saw.
        assert_eq!(address(Some("6.6.6.6, 203.0.113.7"), 1), "203.0.113.7");
        assert_eq!(
            address(Some("6.6.6.6, 203.0.113.7, 10.0.0.2"), 2),
            "203.0.113.7"
        );
        // Without trusted hops the header is ignored.
        assert_eq!(address(Some("203.0.113.7"), 0), "192.0.2.1");
        assert_eq!(address(None, 1), "192.0.2.1");
        assert_eq!(address(Some("not an address"), 1), "192.0.2.1");
        // Fewer entries than trusted proxies: only the peer is known.
        assert_eq!(address(Some("6.6.6.6"), 2), "192.0.2.1");
    }

    #[test]
    fn ipv6_counts_by_its_64_prefix() {
        assert_eq!(
            address(Some("2001:db8:1:2:aaaa::1"), 1),
            address(Some("2001:db8:1:2:bbbb::9"), 1)
        );
        assert_ne!(
            address(Some("2001:db8:1:2::1"), 1),
            address(Some("2001:db8:1:3::1"), 1)
        );
        assert_eq!(address(Some("::ffff:203.0.113.7"), 1), "203.0.113.7");
    }
}

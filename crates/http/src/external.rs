//! Tokens from trusted issuers (Maskinporten, HelseID, OpenID Connect providers): their keys
//! fetched off the worker threads, their DPoP proofs checked and remembered across instances,
//! and the organisation number they name looked up in the directory.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::web;
use samhandling_auth::dpop::{self, ProofContext};
use samhandling_auth::issuers::{ExternalIdentity, IssuerTokenError, TrustedIssuer};
use samhandling_auth::jwks::{Lookup, VerifyingKey};
use samhandling_domain::audit::Provenance;
use samhandling_domain::organisation::OrganisationNumber;
use samhandling_domain::Caller;
use samhandling_persistence::dpop_proofs;
use std::sync::Arc;
use std::time::Duration;

/// How the token was presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: DPoP <token>` with a `DPoP` proof header.
    Dpop,
}

/// What the request presented, read before the handler's future runs.
#[derive(Debug, Clone)]
pub struct Presented {
    /// The scheme.
    pub scheme: Scheme,
    /// The access token.
    pub token: String,
    /// The DPoP proof: `None` when absent, `Some(Err)` when sent more than once.
    pub proof: Option<Result<String, ()>>,
    /// The request's method.
    pub method: String,
    /// The request's URL as the client addressed it (public base URL and path).
    pub url: String,
}

fn invalid_token(detail: impl Into<String>) -> ApiError {
    ApiError::DpopRefused {
        error: "invalid_token",
        detail: detail.into(),
    }
}

fn invalid_proof(detail: impl Into<String>) -> ApiError {
    ApiError::DpopRefused {
        error: "invalid_dpop_proof",
        detail: detail.into(),
    }
}

/// The caller an issuer's token names, and what the issuer said about it for the audit trail.
pub async fn authenticate(
    state: &AppState,
    issuer: Arc<TrustedIssuer>,
    presented: Presented,
) -> Result<(Caller, Provenance), ApiError> {
    let key = signing_key(&issuer, &presented.token).await?;
    let identity = issuer
        .verify(&presented.token, &key)
        .map_err(|error| refusal(&issuer, &error))?;
    check_binding(state, &issuer, &identity, &presented).await?;
    let (number, organisation_id) = state
        .directory
        .organisation_by_number(&state.database, &identity.organisation_numbers)
        .await?
        .ok_or_else(|| unknown_organisation(&identity))?;
    let provenance = Provenance {
        client: identity.client,
        organisation_number: Some(number.as_str().to_owned()),
        supplier_number: identity.supplier.map(String::from),
        issuer: Some(identity.issuer),
    };
    let caller = Caller {
        subject: identity.subject,
        organisation_id: organisation_id.into(),
        roles: identity.roles,
    };
    Ok((caller, provenance))
}

/// 403 naming the numbers: the caller is who the issuer says, but Samhandling does not know the
/// organisation (the operator registers its number).
fn unknown_organisation(identity: &ExternalIdentity) -> ApiError {
    let numbers: Vec<&str> = identity
        .organisation_numbers
        .iter()
        .map(OrganisationNumber::as_str)
        .collect();
    ApiError::Forbidden(format!(
        "no organisation in the directory has the organisation number {} that the token names",
        numbers.join(" or ")
    ))
}

fn refusal(issuer: &TrustedIssuer, error: &IssuerTokenError) -> ApiError {
    if error.is_forbidden() {
        ApiError::Forbidden(error.to_string())
    } else if matches!(error, IssuerTokenError::KeysUnavailable) {
        ApiError::Unavailable(format!("issuer {}: {error}", issuer.name()))
    } else if issuer.requires_dpop() {
        invalid_token(error.to_string())
    } else {
        ApiError::Unauthorized(error.to_string())
    }
}

/// The issuer's key for the token's `kid`: the cached one, or one fetched now when the keys are
/// stale or the `kid` is new (a rotation). A fetch that fails leaves the key held in use.
async fn signing_key(issuer: &Arc<TrustedIssuer>, token: &str) -> Result<VerifyingKey, ApiError> {
    let header = jsonwebtoken::decode_header(token)
        .map_err(|_| refusal(issuer, &IssuerTokenError::Malformed("header")))?;
    let kid = header.kid.as_deref();
    let held = match issuer.keys().lookup(kid) {
        Lookup::Found(key) => return Ok(key),
        Lookup::Unknown => return Err(refusal(issuer, &IssuerTokenError::UnknownKey)),
        Lookup::Unavailable => return Err(refusal(issuer, &IssuerTokenError::KeysUnavailable)),
        Lookup::Fetch(held) => held,
    };
    match refresh(issuer).await {
        Ok(()) => match issuer.keys().lookup(kid) {
            Lookup::Found(key) | Lookup::Fetch(Some(key)) => Ok(key),
            _ => Err(refusal(issuer, &IssuerTokenError::UnknownKey)),
        },
        Err(reason) => {
            log::warn!("issuer {}: keys not refreshed: {reason}", issuer.name());
            held.ok_or_else(|| {
                if issuer.keys().holds_keys() {
                    refusal(issuer, &IssuerTokenError::UnknownKey)
                } else {
                    refusal(issuer, &IssuerTokenError::KeysUnavailable)
                }
            })
        }
    }
}

/// Refetches the issuer's keys on a blocking thread, giving up after its timeout: a slow issuer
/// costs this request a wait, never a worker thread.
async fn refresh(issuer: &Arc<TrustedIssuer>) -> Result<(), String> {
    let fetching = Arc::clone(issuer);
    // Discovery and key set: two requests, each within the timeout, and a moment to spare.
    let limit = issuer.keys().fetch_timeout() * 2 + Duration::from_secs(1);
    match tokio::time::timeout(limit, web::block(move || fetching.keys().refresh())).await {
        Ok(Ok(fetched)) => fetched.map_err(|error| error.to_string()),
        Ok(Err(error)) => Err(format!("blocking task failed: {error}")),
        Err(_) => Err("the fetch timed out".into()),
    }
}

/// RFC 9449: a DPoP-bound token only with the `DPoP` scheme and a valid, fresh proof by the key
/// it is bound to; an issuer that requires DPoP has no other kind.
async fn check_binding(
    state: &AppState,
    issuer: &TrustedIssuer,
    identity: &ExternalIdentity,
    presented: &Presented,
) -> Result<(), ApiError> {
    let Some(bound_to) = identity.confirmation.as_deref() else {
        if issuer.requires_dpop() {
            return Err(invalid_token(
                "this issuer's tokens must be DPoP-bound (cnf.jkt)",
            ));
        }
        if presented.scheme == Scheme::Dpop {
            return Err(invalid_token(
                "the token is not DPoP-bound; send it as Bearer",
            ));
        }
        return Ok(());
    };
    if presented.scheme == Scheme::Bearer {
        return Err(invalid_token(
            "a DPoP-bound token must be sent with the DPoP scheme and a proof",
        ));
    }
    let proof = match &presented.proof {
        None => return Err(invalid_proof("a DPoP proof header is required")),
        Some(Err(())) => return Err(invalid_proof("send exactly one DPoP proof header")),
        Some(Ok(proof)) => proof,
    };
    let valid = dpop::verify_proof(
        proof,
        ProofContext {
            method: &presented.method,
            url: &presented.url,
            access_token: &presented.token,
            now: chrono::Utc::now().timestamp(),
        },
    )
    .map_err(|error| invalid_proof(error.to_string()))?;
    if valid.thumbprint != bound_to {
        return Err(invalid_proof(
            "the proof is signed by another key than the one the token is bound to",
        ));
    }
    let replay_key = valid.replay_key();
    let until = chrono::DateTime::from_timestamp(valid.accepted_until, 0)
        .ok_or_else(|| invalid_proof("its iat is out of range"))?;
    let fresh = crate::db::run(&state.database, move |conn| {
        Ok(dpop_proofs::remember(conn, &replay_key, until)?)
    })
    .await?;
    if !fresh {
        return Err(invalid_proof("the proof was used before"));
    }
    Ok(())
}

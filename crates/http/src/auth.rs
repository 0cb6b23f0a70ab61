//! The caller extractor: a handler names who may call it in its signature
//! (`caller: Authorized<AdminOnly>`), and everyone else is refused before the handler runs:
//! 401 without a valid token, 403 without a fitting role.

use crate::context::{RequestId, TraceContext};
use crate::error::ApiError;
use crate::external::{self, Presented, Scheme};
use crate::state::{AppState, Policies};
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use samhandling_auth::issuers::{claimed_issuer, TrustedIssuer};
use samhandling_domain::audit::{Actor, AuditAction, NewAuditEvent, Provenance, ResourceType};
use samhandling_domain::{Caller, Role};
use std::marker::PhantomData;
use std::sync::Arc;

/// The header carrying a DPoP proof (RFC 9449).
const DPOP_HEADER: header::HeaderName = header::HeaderName::from_static("dpop");
use uuid::Uuid;

/// Which roles an operation admits.
pub trait Policy {
    /// Admitted roles; empty admits every authenticated caller.
    const ROLES: &'static [Role];
}

/// Every authenticated caller.
#[derive(Debug)]
pub struct AnyRole;

impl Policy for AnyRole {
    const ROLES: &'static [Role] = &[];
}

/// Platform administrators only.
#[derive(Debug)]
pub struct AdminOnly;

impl Policy for AdminOnly {
    const ROLES: &'static [Role] = &[Role::Admin];
}

/// Advisers at competence centres (KoRus, NAPHA, KBT, NK TSB): courses, the facilitators they
/// follow up, supervision and learning networks.
#[derive(Debug)]
pub struct CompetenceAdvisers;

impl Policy for CompetenceAdvisers {
    const ROLES: &'static [Role] = &[Role::CompetenceAdviser];
}

/// Facilitators: the professionals who lead network meetings and log them.
#[derive(Debug)]
pub struct Facilitators;

impl Policy for Facilitators {
    const ROLES: &'static [Role] = &[Role::Facilitator];
}

/// An authenticated caller admitted by policy `P`, with the request id for audit events and the
/// application it was admitted by: what a handler needs to act for it.
#[derive(Debug)]
pub struct Authorized<P: Policy = AnyRole> {
    /// Who is calling.
    pub caller: Caller,
    /// The current request, recorded in audit events.
    pub request_id: RequestId,
    /// The request's `traceparent`, passed on to the webhook deliveries it causes.
    traceparent: Option<String>,
    /// What a trusted issuer said about the caller, for the audit trail.
    provenance: Provenance,
    /// The application that admitted the caller: its database, audit writers and policies.
    state: web::Data<AppState>,
    policy: PhantomData<P>,
}

impl<P: Policy> Authorized<P> {
    /// The application that admitted the caller.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// This caller in this request, for the events of every record a change touches.
    pub fn actor(&self) -> Actor {
        Actor {
            actor: self.caller.subject.clone(),
            actor_organisation_id: Some(self.caller.organisation_id.uuid()),
            request_id: self.request_id.0.clone(),
            traceparent: self.traceparent.clone(),
            provenance: self.provenance.clone(),
        }
    }

    /// An audit event of this caller doing `action` to a record, in this request.
    pub fn audit(
        &self,
        action: AuditAction,
        resource_type: ResourceType,
        resource_id: Uuid,
    ) -> NewAuditEvent {
        self.actor().event(action, resource_type, resource_id)
    }
}

impl<P: Policy> Authorized<P> {
    /// `result`, after leaving a trace when it is a 404 for a record that exists: the caller
    /// asked for something outside what it may see. The answer stays the 404 it was (it must not
    /// tell whether the record exists); the `access_denied` event lets the audit trail show who
    /// probes other organisations' ids.
    ///
    /// Every 404 sends its event to the read-audit writer (`ReadAudit::note_denial`), which
    /// stores it only if the record exists, and waits for the commit of its batch, which is
    /// flushed either way: a record outside the scope and an id that never existed take the same
    /// path and the same time. Writing it is best effort: a failure is logged, and the caller
    /// still gets its 404.
    pub async fn noting_denial<T>(
        &self,
        resource_type: ResourceType,
        id: Uuid,
        result: Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        if matches!(result, Err(ApiError::NotFound)) {
            let event = self.audit(AuditAction::AccessDenied, resource_type, id);
            if let Err(error) = self.state.read_audit.note_denial(event).await {
                log::warn!(
                    "request_id={} an access denial was not recorded: {error}",
                    self.request_id.0
                );
            }
        }
        result
    }
}

/// What the request's credentials are: one of Samhandling's own tokens (or the single external
/// key's), already checked, or a trusted issuer's token, to be checked asynchronously (its keys
/// may need fetching, its DPoP proof remembering).
enum Credentials {
    Own(Caller),
    External(Arc<TrustedIssuer>, Presented),
}

fn credentials(req: &HttpRequest, state: &AppState) -> Result<Credentials, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthorized("a bearer token is required".into()))?;
    let value = value
        .to_str()
        .map_err(|_| ApiError::Unauthorized("the Authorization header is malformed".into()))?;
    let (scheme, token) = value
        .split_once(' ')
        .and_then(|(scheme, token)| {
            let scheme = if scheme.eq_ignore_ascii_case("bearer") {
                Scheme::Bearer
            } else if scheme.eq_ignore_ascii_case("dpop") {
                Scheme::Dpop
            } else {
                return None;
            };
            Some((scheme, token.trim()))
        })
        .filter(|(_, token)| !token.is_empty())
        .ok_or_else(|| {
            ApiError::Unauthorized("the Authorization scheme must be Bearer or DPoP".into())
        })?;
    let trusted = claimed_issuer(token).and_then(|issuer| state.issuers.find(&issuer));
    if let Some(issuer) = trusted {
        let mut proofs = req.headers().get_all(DPOP_HEADER);
        let proof = proofs.next().map(|first| {
            let only = proofs.next().is_none();
            first
                .to_str()
                .ok()
                .filter(|_| only)
                .map(str::to_owned)
                .ok_or(())
        });
        return Ok(Credentials::External(
            issuer,
            Presented {
                scheme,
                token: token.to_owned(),
                proof,
                method: req.method().as_str().to_owned(),
                url: public_url(req, &state.policies),
            },
        ));
    }
    if scheme == Scheme::Dpop {
        return Err(ApiError::DpopRefused {
            error: "invalid_token",
            detail: "only the tokens of trusted issuers that bind them to a key are sent as DPoP"
                .into(),
        });
    }
    state
        .tokens
        .verify(token)
        .map(Credentials::Own)
        .map_err(|error| ApiError::Unauthorized(error.to_string()))
}

/// The request's URL as the client addressed it, for a DPoP proof's `htu`: behind a load
/// balancer the configured public base URL, else what the connection says.
fn public_url(req: &HttpRequest, policies: &Policies) -> String {
    let path = req.path();
    if let Some(base) = &policies.public_base_url {
        format!("{}{path}", base.trim_end_matches('/'))
    } else {
        let info = req.connection_info();
        format!("{}://{}{path}", info.scheme(), info.host())
    }
}

impl<P: Policy> FromRequest for Authorized<P> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let presented = state
            .as_ref()
            .ok_or_else(|| ApiError::Internal("application state is not configured".into()))
            .and_then(|state| credentials(req, state));
        let request_id = RequestId::from_request_sync(req);
        let traceparent = req
            .extensions()
            .get::<TraceContext>()
            .map(TraceContext::traceparent);
        Box::pin(async move {
            let presented = presented?;
            let state = state
                .ok_or_else(|| ApiError::Internal("application state is not configured".into()))?;
            let (caller, provenance) = match presented {
                Credentials::Own(caller) => (caller, Provenance::default()),
                Credentials::External(issuer, presented) => {
                    external::authenticate(&state, issuer, presented).await?
                }
            };
            if !caller.has_any_role(P::ROLES) {
                let needed: Vec<&str> = P::ROLES.iter().map(|role| role.as_str()).collect();
                return Err(ApiError::Forbidden(format!(
                    "this operation requires one of the roles: {}",
                    needed.join(", ")
                )));
            }
            state.directory.admit(&state.database, &caller).await?;
            Ok(Authorized {
                caller,
                request_id,
                traceparent,
                provenance,
                state,
                policy: PhantomData,
            })
        })
    }
}

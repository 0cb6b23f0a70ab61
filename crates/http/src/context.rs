//! The request context middleware: places every request in a W3C trace (continuing the client's
//! `traceparent`, or starting one), gives it an id, writes the access log line, and turns every
//! error (ours, actix's, or a bare status from another component) into problem+json carrying the
//! request path and id.

use crate::error::{ApiError, PROBLEM_JSON};
use crate::telemetry::RequestSpan;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use std::future::{ready, Ready};
use std::time::{Instant, SystemTime};
use uuid::Uuid;

/// The request id header, accepted from clients and always echoed.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The W3C Trace Context header, accepted from clients and answered with this request's span.
pub const TRACEPARENT_HEADER: HeaderName = HeaderName::from_static("traceparent");

/// The current request's place in a distributed trace (W3C Trace Context): the trace the
/// client's `traceparent` names, or a new one, and a span of this request's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    /// 32 lowercase hex digits.
    pub trace_id: String,
    /// This request's span: 16 lowercase hex digits.
    pub span_id: String,
    /// The caller's span, when the request continued a trace.
    pub parent_span_id: Option<String>,
    /// Whether the caller asked for the trace to be recorded.
    pub sampled: bool,
}

impl TraceContext {
    /// Continues the trace `value` names when it is a valid `traceparent`, else starts one.
    fn continuing(value: Option<&HeaderValue>) -> TraceContext {
        let span_id = random_hex(8);
        match value
            .and_then(|value| value.to_str().ok())
            .and_then(parse_traceparent)
        {
            Some((trace_id, parent_span_id, sampled)) => TraceContext {
                trace_id,
                span_id,
                parent_span_id: Some(parent_span_id),
                sampled,
            },
            // A trace started here is recorded when spans are exported.
            None => TraceContext {
                trace_id: random_hex(16),
                span_id,
                parent_span_id: None,
                sampled: crate::telemetry::exporting(),
            },
        }
    }

    /// The `traceparent` naming this request's span, for the response and for calls it makes.
    pub fn traceparent(&self) -> String {
        let flags = if self.sampled { "01" } else { "00" };
        format!("00-{}-{}-{flags}", self.trace_id, self.span_id)
    }
}

/// The trace id, parent span id and sampled flag of a `traceparent`
/// (version-traceid-parentid-flags), when it is valid: lowercase hex of the right lengths, no all-zero ids, version `ff` refused, and fields
/// after the fourth only from a version after `00`.
fn parse_traceparent(value: &str) -> Option<(String, String, bool)> {
    let is_hex = |field: &str, len: usize| {
        field.len() == len
            && field
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    let mut fields = value.trim().split('-');
    let (version, trace, parent, flags) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    let valid = is_hex(version, 2)
        && version != "ff"
        && is_hex(trace, 32)
        && is_hex(parent, 16)
        && is_hex(flags, 2)
        && !(version == "00" && fields.next().is_some())
        && trace.bytes().any(|b| b != b'0')
        && parent.bytes().any(|b| b != b'0');
    let flags = u8::from_str_radix(flags, 16).ok()?;
    valid.then(|| (trace.to_owned(), parent.to_owned(), flags & 1 == 1))
}

/// `bytes` random bytes as lowercase hex.
fn random_hex(bytes: usize) -> String {
    let mut hex = Uuid::new_v4().simple().to_string();
    hex.truncate(bytes * 2);
    hex
}

/// The id of the current request: the client's `X-Request-Id` when it is sane, else the trace id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    fn from_header(value: Option<&HeaderValue>, otherwise: impl FnOnce() -> String) -> RequestId {
        value
            .and_then(|value| value.to_str().ok())
            .filter(|id| {
                (1..=128).contains(&id.len())
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
            })
            .map_or_else(|| RequestId(otherwise()), |id| RequestId(id.to_owned()))
    }
}

impl RequestId {
    /// The current request's id, for handlers that hold the request.
    pub fn from_request_sync(req: &HttpRequest) -> RequestId {
        req.extensions()
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(|| {
                RequestId::from_header(req.headers().get(REQUEST_ID_HEADER), || {
                    Uuid::now_v7().to_string()
                })
            })
    }
}

impl FromRequest for RequestId {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(RequestId::from_request_sync(req)))
    }
}

/// The middleware function; install it outermost.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let started = Instant::now();
    let started_at = SystemTime::now();
    let trace = TraceContext::continuing(req.headers().get(TRACEPARENT_HEADER));
    let request_id = RequestId::from_header(req.headers().get(REQUEST_ID_HEADER), || {
        trace.trace_id.clone()
    });
    req.extensions_mut().insert(request_id.clone());
    req.extensions_mut().insert(trace.clone());
    let logged = Logged {
        request_id: &request_id,
        trace: &trace,
    };
    let method = req.method().clone();
    // The path only: query strings may carry filters, and logs must never carry personal data.
    let path = req.path().to_owned();

    let response = match next.call(req).await {
        Ok(response) => match problem_for(&response, &path, logged) {
            None => response.map_into_left_body(),
            Some(problem) => {
                let (request, _) = response.into_parts();
                ServiceResponse::new(request, problem).map_into_right_body()
            }
        },
        Err(error) => {
            // Only middleware fails this way (handlers' errors arrive inside the response). No
            // request is left to build a response around: let actix render the problem.
            log_internal(&error, logged);
            let status = error.as_response_error().status_code();
            log_access(logged, &method, &path, status.as_u16(), started);
            crate::telemetry::record_request(&RequestSpan {
                trace: &trace,
                method: method.as_str(),
                route: None,
                status: status.as_u16(),
                started: started_at,
            });
            let api_error = as_api_error(&error).map_or_else(
                || ApiError::from_status(error.as_response_error().status_code()),
                clone_public,
            );
            return Err(api_error.into());
        }
    };
    let mut response = response;
    if let Ok(value) = HeaderValue::from_str(&request_id.0) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    if let Ok(value) = HeaderValue::from_str(&trace.traceparent()) {
        response.headers_mut().insert(TRACEPARENT_HEADER, value);
    }
    protect(response.headers_mut(), &path);
    log_access(logged, &method, &path, response.status().as_u16(), started);
    crate::telemetry::record_request(&RequestSpan {
        trace: &trace,
        method: method.as_str(),
        route: response.request().match_pattern().as_deref(),
        status: response.status().as_u16(),
        started: started_at,
    });
    Ok(response)
}

/// What every log line of a request names it by.
#[derive(Clone, Copy)]
struct Logged<'a> {
    request_id: &'a RequestId,
    trace: &'a TraceContext,
}

impl std::fmt::Display for Logged<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "request_id={} trace_id={} span_id={}",
            self.request_id.0, self.trace.trace_id, self.trace.span_id
        )
    }
}

/// The access log line of one request: its ids, method, path (never the query), status and time.
fn log_access(logged: Logged<'_>, method: &Method, path: &str, status: u16, started: Instant) {
    log::info!(
        target: "samhandling::access",
        "{logged} {method} {path} {status} {}ms",
        started.elapsed().as_millis()
    );
}

/// What Swagger UI needs and nothing more: its own scripts, its inline styles, its `data:` icons,
/// and requests to this server only.
const SWAGGER_UI_POLICY: &str =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; \
frame-ancestors 'none'";

/// Response headers for a service that carries health data (OWASP REST Security): API responses
/// are never stored by a browser or proxy, no response is content-sniffed, and the Swagger UI pages
/// run under a restrictive content security policy. Set here, once, so no handler can forget them.
fn protect(headers: &mut header::HeaderMap, path: &str) {
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if path.starts_with("/api/") {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if path.starts_with("/swagger-ui") {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(SWAGGER_UI_POLICY),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
}

/// A copy of an error as the client sees it (internals dropped).
fn clone_public(error: &ApiError) -> ApiError {
    ApiError::from_status(actix_web::ResponseError::status_code(error))
}

fn as_api_error(error: &actix_web::Error) -> Option<&ApiError> {
    error.as_error::<ApiError>()
}

fn log_internal(error: &actix_web::Error, logged: Logged<'_>) {
    match as_api_error(error) {
        Some(ApiError::Internal(message)) => {
            log::error!("{logged} internal error: {message}");
        }
        Some(ApiError::Unavailable(message)) => {
            log::warn!("{logged} database unavailable: {message}");
        }
        None if error.as_response_error().status_code().is_server_error() => {
            log::error!("{logged} internal error: {error}");
        }
        Some(_) | None => {}
    }
}

/// The problem response that replaces `response`, if it is an error not yet in final form.
fn problem_for<B>(
    response: &ServiceResponse<B>,
    path: &str,
    logged: Logged<'_>,
) -> Option<actix_web::HttpResponse> {
    let request_id = logged.request_id;
    if let Some(error) = response.response().error() {
        log_internal(error, logged);
        let api_error = as_api_error(error);
        return Some(api_error.map_or_else(
            || {
                ApiError::from_status(response.status())
                    .to_response(Some(path.to_owned()), Some(request_id.0.clone()))
            },
            |api_error| api_error.to_response(Some(path.to_owned()), Some(request_id.0.clone())),
        ));
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value.starts_with("application/json") || value.starts_with(PROBLEM_JSON)
        });
    // The development token page answers a refused form with the page itself, telling why.
    let is_page = path == crate::demo_token::PATH;
    if response.status().as_u16() >= 400 && !is_json && !is_page {
        return Some(
            ApiError::from_status(response.status())
                .to_response(Some(path.to_owned()), Some(request_id.0.clone())),
        );
    }
    None
}

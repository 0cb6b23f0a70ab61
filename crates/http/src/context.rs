//! The request context middleware: gives every request an id, writes the access log line, and
//! turns every error (ours, actix's, or a bare status from another component) into problem+json
//! carrying the request path and id.

use crate::error::{ApiError, PROBLEM_JSON};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use std::future::{ready, Ready};
use std::time::Instant;
use uuid::Uuid;

/// The request id header, accepted from clients and always echoed.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the current request: the client's `X-Request-Id` when it is sane, else a new UUIDv7.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl RequestId {
    fn from_header(value: Option<&HeaderValue>) -> RequestId {
        value
            .and_then(|value| value.to_str().ok())
            .filter(|id| {
                (1..=128).contains(&id.len())
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
            })
            .map_or_else(
                || RequestId(Uuid::now_v7().to_string()),
                |id| RequestId(id.to_owned()),
            )
    }
}

impl RequestId {
    /// The current request's id, for handlers that hold the request.
    pub fn from_request_sync(req: &HttpRequest) -> RequestId {
        req.extensions()
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(|| RequestId::from_header(req.headers().get(REQUEST_ID_HEADER)))
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
    let request_id = RequestId::from_header(req.headers().get(REQUEST_ID_HEADER));
    req.extensions_mut().insert(request_id.clone());
    let method = req.method().clone();
    // The path only: query strings may carry filters, and logs must never carry personal data.
    let path = req.path().to_owned();

    let response = match next.call(req).await {
        Ok(response) => match problem_for(&response, &path, &request_id) {
            None => response.map_into_left_body(),
            Some(problem) => {
                let (request, _) = response.into_parts();
                ServiceResponse::new(request, problem).map_into_right_body()
            }
        },
        Err(error) => {
            // Only middleware fails this way (handlers' errors arrive inside the response). No
            // request is left to build a response around: let actix render the problem.
            log_internal(&error, &request_id);
            let status = error.as_response_error().status_code();
            log_access(&request_id, &method, &path, status.as_u16(), started);
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
    protect(response.headers_mut(), &path);
    log_access(
        &request_id,
        &method,
        &path,
        response.status().as_u16(),
        started,
    );
    Ok(response)
}

/// The access log line of one request: its id, method, path (never the query), status and time.
fn log_access(request_id: &RequestId, method: &Method, path: &str, status: u16, started: Instant) {
    log::info!(
        target: "samhandling::access",
        "request_id={} {} {} {} {}ms",
        request_id.0,
        method,
        path,
        status,
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

fn log_internal(error: &actix_web::Error, request_id: &RequestId) {
    match as_api_error(error) {
        Some(ApiError::Internal(message)) => {
            log::error!("request_id={} internal error: {message}", request_id.0);
        }
        Some(ApiError::Unavailable(message)) => {
            log::warn!(
                "request_id={} database unavailable: {message}",
                request_id.0
            );
        }
        None if error.as_response_error().status_code().is_server_error() => {
            log::error!("request_id={} internal error: {error}", request_id.0);
        }
        Some(_) | None => {}
    }
}

/// The problem response that replaces `response`, if it is an error not yet in final form.
fn problem_for<B>(
    response: &ServiceResponse<B>,
    path: &str,
    request_id: &RequestId,
) -> Option<actix_web::HttpResponse> {
    if let Some(error) = response.response().error() {
        log_internal(error, request_id);
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
    if response.status().as_u16() >= 400 && !is_json {
        return Some(
            ApiError::from_status(response.status())
                .to_response(Some(path.to_owned()), Some(request_id.0.clone())),
        );
    }
    None
}

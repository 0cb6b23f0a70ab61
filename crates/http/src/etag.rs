//! Optimistic concurrency on the wire: responses carry `ETag: "<version>"`, changes must send
//! `If-Match` with it (428 without, 412 when stale), so a lost update is impossible.

use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpRequest};
use serde::Deserialize;
use utoipa::IntoParams;

/// The strong entity tag for a version.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// A versioned representation: a JSON 200 carrying its `ETag`, so no handler writes the header
/// by hand (and none forgets it).
#[derive(Debug)]
pub struct Tagged<T> {
    /// The version the `ETag` names.
    pub version: i32,
    /// The representation.
    pub body: T,
}

impl<T: Versioned> Tagged<T> {
    /// `body` with its own version.
    pub fn new(body: T) -> Tagged<T> {
        Tagged {
            version: body.version(),
            body,
        }
    }
}

pub use samhandling_domain::version::Versioned;

impl<T: serde::Serialize> actix_web::Responder for Tagged<T> {
    type Body = actix_web::body::BoxBody;

    fn respond_to(self, _: &HttpRequest) -> actix_web::HttpResponse {
        actix_web::HttpResponse::Ok()
            .insert_header((header::ETAG, etag(self.version)))
            .json(self.body)
    }
}

/// The `If-Match` header of a change, as documented.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatchHeader {
    /// The `ETag` of the version the change is based on (`*` for any).
    #[param(
        rename = "If-Match",
        pattern = r#"^(\*|(W/)?"[^"]*")$"#,
        max_length = 64,
        example = "\"1\""
    )]
    pub if_match: String,
}

/// The `If-Match` header as sent. Extracting it never fails: the handler asks for the
/// [`Precondition`] after parsing the body, because a malformed body is the cheaper failure to
/// report and must not be masked by a precondition (RFC 9110 §13.2.1).
#[derive(Debug, Clone)]
pub struct IfMatch(Option<HeaderValue>);

pub use samhandling_domain::version::Precondition;

impl IfMatch {
    /// The precondition: 428 when the header is missing, 400 when it is not an entity tag.
    pub fn precondition(&self) -> Result<Precondition, ApiError> {
        let value = self.0.as_ref().ok_or(ApiError::PreconditionRequired)?;
        value.to_str().ok().and_then(parse).ok_or_else(|| {
            ApiError::bad_request("If-Match must be an entity tag such as \"3\", as sent in ETag")
        })
    }
}

/// The longest `If-Match` taken (400 beyond), the `maxLength` of [`IfMatchHeader`]; this
/// server's own tags are at most 15 characters.
const IF_MATCH_MAX_LENGTH: usize = 64;

fn parse(value: &str) -> Option<Precondition> {
    if value.len() > IF_MATCH_MAX_LENGTH {
        return None;
    }
    let value = value.trim();
    if value == "*" {
        return Some(Precondition::Any);
    }
    // A single tag (which may itself contain commas), else the first of a list: clients send the
    // one ETag they read.
    let single = value.strip_prefix("W/").unwrap_or(value);
    let is_single = single.len() >= 2
        && single.starts_with('"')
        && single.ends_with('"')
        && !single[1..single.len() - 1].contains('"');
    let first = if is_single {
        value
    } else {
        value.split(',').next()?.trim()
    };
    let quoted = first.strip_prefix("W/").unwrap_or(first);
    let opaque = quoted.strip_prefix('"')?.strip_suffix('"')?;
    if opaque.contains('"') {
        return None;
    }
    Some(
        opaque
            .parse::<i32>()
            .map_or(Precondition::Unmatchable, Precondition::Version),
    )
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(IfMatch(req.headers().get(header::IF_MATCH).cloned())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_strong_weak_any_and_foreign_tags() {
        assert_eq!(parse("\"3\""), Some(Precondition::Version(3)));
        assert_eq!(parse("W/\"3\""), Some(Precondition::Version(3)));
        assert_eq!(parse("*"), Some(Precondition::Any));
        assert_eq!(parse("\"abc\""), Some(Precondition::Unmatchable));
        assert_eq!(parse("W/\"a,b\""), Some(Precondition::Unmatchable));
        assert_eq!(parse("\"4\", \"5\""), Some(Precondition::Version(4)));
        assert_eq!(parse("3"), None);
        assert_eq!(parse(""), None);
        let long = format!("\"{}\"", "1".repeat(IF_MATCH_MAX_LENGTH - 1));
        assert_eq!(parse(&long), None);
        assert_eq!(
            parse(&format!("\"{}\"", "1".repeat(IF_MATCH_MAX_LENGTH - 2))),
            Some(Precondition::Unmatchable)
        );
        assert!(Precondition::Version(3).check(3).is_ok());
        assert!(Precondition::Version(2).check(3).is_err());
        assert!(Precondition::Unmatchable.check(3).is_err());
    }
}

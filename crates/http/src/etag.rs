//! Optimistic concurrency on the wire: responses carry `ETag: "<version>"`, changes must send
//! `If-Match` with it (428 without, 412 when stale), so a lost update is impossible.

use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};

/// The strong entity tag for a version.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// The version a change expects to replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfMatch {
    /// `If-Match: *`: any current version.
    Any,
    /// This version.
    Version(i32),
}

impl IfMatch {
    /// Fails with 412 unless `current` is what the client expects.
    pub fn check(self, current: i32) -> Result<(), ApiError> {
        let matches = match self {
            IfMatch::Any => true,
            IfMatch::Version(expected) => expected == current,
        };
        if matches {
            Ok(())
        } else {
            Err(ApiError::PreconditionFailed)
        }
    }
}

fn parse(value: &str) -> Option<IfMatch> {
    let value = value.trim();
    if value == "*" {
        return Some(IfMatch::Any);
    }
    // Only the first tag is honoured; clients send the one ETag they read.
    let first = value.split(',').next()?.trim();
    let quoted = first.strip_prefix("W/").unwrap_or(first);
    quoted
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .and_then(|version| version.parse::<i32>().ok())
        .map(IfMatch::Version)
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = match req.headers().get(header::IF_MATCH) {
            None => Err(ApiError::PreconditionRequired),
            Some(value) => match value.to_str().ok().and_then(parse) {
                Some(if_match) => Ok(if_match),
                // A tag that is not one of ours cannot match the current version.
                None => Err(ApiError::PreconditionFailed),
            },
        };
        std::future::ready(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_strong_weak_and_any() {
        assert_eq!(parse("\"3\""), Some(IfMatch::Version(3)));
        assert_eq!(parse("W/\"3\""), Some(IfMatch::Version(3)));
        assert_eq!(parse("*"), Some(IfMatch::Any));
        assert_eq!(parse("3"), None);
        assert!(IfMatch::Version(3).check(3).is_ok());
        assert!(IfMatch::Version(2).check(3).is_err());
    }
}

//! Keyset pagination on the wire: `?limit=&cursor=` in, `{items, next_cursor}` out. Cursors are
//! opaque and signed: a client cannot forge a position, and a tampered cursor is a clear 400.

use crate::error::{ApiError, FieldError};
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use samhandling_domain::page::{Page, PageRequest, Position};
use samhandling_persistence::PgConnection;
use samhandling_usecases::UseCaseError;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use utoipa::{IntoParams, ToSchema};

/// The pagination query parameters, shared by every list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 200.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200, default = 50)]
    limit: Option<String>,
    /// Opaque cursor from the previous page's `next_cursor`; a made-up or modified one is 400.
    #[param(
        min_length = 3,
        max_length = 512,
        pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"
    )]
    cursor: Option<String>,
}

/// A list page as the client sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paginated<T> {
    /// The items, oldest first.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

const CURSOR_TAG_BYTES: usize = 16;

fn tag(key: &[u8; 32], payload: &[u8]) -> Result<Hmac<Sha256>, ApiError> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .map_err(|_| ApiError::Internal("cursor key has an invalid length".into()))?;
    mac.update(payload);
    Ok(mac)
}

/// Encodes a position as an opaque signed cursor.
pub fn encode_cursor(key: &[u8; 32], position: &Position) -> Result<String, ApiError> {
    let payload = serde_json::to_vec(position)
        .map_err(|error| ApiError::Internal(format!("cursor encoding failed: {error}")))?;
    let signature = tag(key, &payload)?.finalize().into_bytes();
    Ok(format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(&payload),
        URL_SAFE_NO_PAD.encode(&signature[..CURSOR_TAG_BYTES])
    ))
}

/// Decodes a cursor made by [`encode_cursor`] with the same key.
pub fn decode_cursor(key: &[u8; 32], cursor: &str) -> Result<Position, ApiError> {
    let invalid = || ApiError::BadRequest {
        detail: "the cursor is invalid: pass next_cursor from the previous page unchanged".into(),
        errors: vec![FieldError::new(
            "cursor",
            "invalid_value",
            "not a cursor issued by this API",
        )],
    };
    let (payload, signature) = cursor.split_once('.').ok_or_else(invalid)?;
    let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| invalid())?;
    let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| invalid())?;
    tag(key, &payload)?
        .verify_truncated_left(&signature)
        .map_err(|_| invalid())?;
    if signature.len() != CURSOR_TAG_BYTES {
        return Err(invalid());
    }
    serde_json::from_slice(&payload).map_err(|_| invalid())
}

/// The page a list handler was asked for.
#[derive(Debug, Clone, Copy)]
pub struct Pagination(pub PageRequest);

impl FromRequest for Pagination {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_page(req))
    }
}

fn parse_page(req: &HttpRequest) -> Result<Pagination, ApiError> {
    crate::input::check_query_text(req.query_string())?;
    let query: PageQuery =
        serde_urlencoded::from_str(req.query_string()).map_err(|_| ApiError::BadRequest {
            detail: "limit must be an integer from 1 to 200".into(),
            errors: vec![FieldError::new(
                "limit",
                "invalid_value",
                "limit must be an integer from 1 to 200",
            )],
        })?;
    let limit = match query.limit {
        None => PageRequest::DEFAULT_LIMIT,
        // `50` or `50.0`: both are the integer 50 to JSON Schema.
        Some(limit) => limit
            .parse::<f64>()
            .ok()
            .filter(|limit| limit.fract() == 0.0)
            .and_then(|limit| format!("{limit:.0}").parse::<u16>().ok())
            .filter(|limit| (PageRequest::MIN_LIMIT..=PageRequest::MAX_LIMIT).contains(limit))
            .ok_or_else(|| ApiError::BadRequest {
                detail: "limit must be an integer from 1 to 200".into(),
                errors: vec![FieldError::new(
                    "limit",
                    "range",
                    "limit must be from 1 to 200",
                )],
            })?,
    };
    let after = match query.cursor {
        None => None,
        Some(cursor) => {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| ApiError::Internal("application state is not configured".into()))?;
            Some(decode_cursor(&state.cursor_key, &cursor)?)
        }
    };
    Ok(Pagination(PageRequest { limit, after }))
}

/// Answers a domain page in the wire shape, each item as `show` makes it, signing the next
/// cursor.
pub fn to_wire<T, U>(
    state: &AppState,
    page: Page<T>,
    show: impl FnMut(T) -> U,
) -> Result<web::Json<Paginated<U>>, ApiError> {
    let next_cursor = page
        .next
        .map(|position| encode_cursor(&state.cursor_key, &position))
        .transpose()?;
    Ok(web::Json(Paginated {
        items: page.items.into_iter().map(show).collect(),
        next_cursor,
    }))
}

/// Reads one page with the use-case read `work`, outside any transaction, and answers it like
/// [`to_wire`]: the whole of a list whose reads are not audited one by one.
pub async fn list<T, U, F>(
    state: &AppState,
    work: F,
    show: impl FnMut(T) -> U,
) -> Result<web::Json<Paginated<U>>, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<Page<T>, UseCaseError> + Send + 'static,
    T: Send + 'static,
{
    let found = crate::record::load(state, work).await?;
    to_wire(state, found, show)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use uuid::Uuid;

    #[test]
    fn cursors_round_trip_and_reject_tampering() {
        let key = [7_u8; 32];
        let position = Position {
            created_at: Utc::now(),
            id: Uuid::now_v7(),
        };
        let cursor = encode_cursor(&key, &position).expect("encodes");
        assert_eq!(decode_cursor(&key, &cursor).expect("decodes"), position);
        let mut tampered = cursor.clone().into_bytes();
        tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).expect("ascii");
        assert!(decode_cursor(&key, &tampered).is_err());
        assert!(decode_cursor(&[8_u8; 32], &cursor).is_err());
        assert!(decode_cursor(&key, "garbage").is_err());
    }
}

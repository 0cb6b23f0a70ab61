//! Request input, parsed once for every resource: JSON bodies (content type, size, unknown
//! fields, validation of every field at once) and query strings, each failure a precise problem.

use crate::error::{ApiError, FieldError};
use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

/// Largest accepted request body.
pub const BODY_LIMIT: usize = 256 * 1024;

/// A JSON body that parsed and passed validation.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

impl<T> ValidJson<T> {
    /// The parsed body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// Whether the request declares a JSON body (`application/json` or any `+json` type).
fn declares_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
        .is_some_and(|essence| {
            essence == "application/json"
                || (essence.starts_with("application/") && essence.ends_with("+json"))
        })
}

/// Reads the body, mapping an oversized one to 413.
pub(crate) async fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
) -> Result<web::Bytes, ApiError> {
    let mut config_payload = payload.take();
    let bytes = web::Bytes::from_request(req, &mut config_payload).await;
    bytes.map_err(|error| match error.as_error::<PayloadError>() {
        Some(PayloadError::Overflow) => ApiError::PayloadTooLarge,
        _ if error.as_response_error().status_code().as_u16() == 413 => ApiError::PayloadTooLarge,
        _ => ApiError::bad_request("the request body could not be read"),
    })
}

/// Parses JSON, naming the failing field where serde knows it.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if !inner.is_data() {
            return ApiError::bad_request(format!(
                "the body is not valid JSON (line {}, column {})",
                inner.line(),
                inner.column()
            ));
        }
        let message = inner.to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(head, _)| head)
            .to_owned();
        let joined = |name: &str| {
            if path == "." || path.is_empty() {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            }
        };
        if backticked(&message, "unknown field `").is_some() {
            // For an unknown field serde's path already ends with the field itself.
            return ApiError::Validation(vec![FieldError::new(
                path,
                "unknown_field",
                "this field is not part of the request; check its spelling",
            )]);
        }
        if let Some(name) = backticked(&message, "missing field `") {
            return ApiError::Validation(vec![FieldError::new(
                joined(name),
                "required",
                "this field is required",
            )]);
        }
        let field = if path == "." { String::new() } else { path };
        ApiError::BadRequest {
            detail: "a field has a value of the wrong type or an unknown enumeration value".into(),
            errors: vec![FieldError::new(
                field,
                "invalid_value",
                without_value(&message),
            )],
        }
    })
}

/// serde's message without the offending value, which may be personal data: error messages
/// never carry it (the API conventions). Keeps what was expected, which is the useful part.
fn without_value(message: &str) -> String {
    message.split_once(", expected ").map_or_else(
        || "the value is not valid here".to_owned(),
        |(_, expected)| format!("expected {expected}"),
    )
}

fn backticked<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    message
        .strip_prefix(prefix)
        .and_then(|rest| rest.split('`').next())
}

/// Every failing field of a validator report, with dotted paths, in a stable order.
pub fn field_errors(errors: &ValidationErrors) -> Vec<FieldError> {
    fn collect(prefix: &str, errors: &ValidationErrors, out: &mut Vec<FieldError>) {
        for (field, kind) in errors.errors() {
            let path = if prefix.is_empty() {
                field.to_string()
            } else {
                format!("{prefix}.{field}")
            };
            match kind {
                ValidationErrorsKind::Field(failures) => {
                    for failure in failures {
                        let message = failure.message.as_ref().map_or_else(
                            || format!("failed the `{}` check", failure.code),
                            ToString::to_string,
                        );
                        out.push(FieldError::new(
                            path.clone(),
                            failure.code.to_string(),
                            message,
                        ));
                    }
                }
                ValidationErrorsKind::Struct(nested) => collect(&path, nested, out),
                ValidationErrorsKind::List(items) => {
                    for (index, nested) in items {
                        collect(&format!("{path}[{index}]"), nested, out);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    collect("", errors, &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field).then_with(|| a.code.cmp(&b.code)));
    out
}

/// Validates `value`, reporting every failing field at once.
pub fn validate(value: &impl Validate) -> Result<(), ApiError> {
    value
        .validate()
        .map_err(|errors| ApiError::Validation(field_errors(&errors)))
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            if !declares_json(&req) {
                return Err(ApiError::UnsupportedMediaType(
                    "the body must be JSON: send Content-Type: application/json".into(),
                ));
            }
            let bytes = read_body(&req, &mut payload).await?;
            let value: T = parse_json(&bytes)?;
            validate(&value)?;
            Ok(ValidJson(value))
        })
    }
}

/// Query parameters that parsed and passed validation.
#[derive(Debug)]
pub struct ValidQuery<T>(pub T);

/// Refuses control characters in any query parameter: no filter needs them, PostgreSQL refuses
/// NUL in text, and a clear 400 beats a confusing empty result.
pub(crate) fn check_query_text(query_string: &str) -> Result<(), ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query_string)
        .map_err(|_| ApiError::bad_request("the query string is not valid form encoding"))?;
    let errors: Vec<FieldError> = pairs
        .iter()
        .filter(|(_, value)| value.chars().any(char::is_control))
        .map(|(name, _)| {
            FieldError::new(
                name.clone(),
                "control_character",
                "control characters are not allowed",
            )
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::BadRequest {
            detail: "a query parameter is invalid".into(),
            errors,
        })
    }
}

impl<T: DeserializeOwned + Validate> FromRequest for ValidQuery<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            check_query_text(req.query_string())
                .and_then(|()| {
                    serde_urlencoded::from_str::<T>(req.query_string()).map_err(|error| {
                        ApiError::BadRequest {
                            detail: "a query parameter is invalid".into(),
                            errors: vec![FieldError::new(
                                "query",
                                "invalid_value",
                                without_value(&error.to_string()),
                            )],
                        }
                    })
                })
                .and_then(|value| {
                    value.validate().map_err(|errors| ApiError::BadRequest {
                        detail: "a query parameter is invalid".into(),
                        errors: field_errors(&errors),
                    })?;
                    Ok(ValidQuery(value))
                }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Person {
        birth_year: i16,
    }

    #[test]
    fn invalid_values_are_not_echoed() {
        let error = parse_json::<Person>(br#"{"birth_year": "Kari Nordmann"}"#)
            .expect_err("a string is not a year");
        let problem = serde_json::to_string(&error.problem(None, None)).expect("serialises");
        assert!(!problem.contains("Kari"), "{problem}");
        assert!(problem.contains("birth_year"), "{problem}");
        assert!(problem.contains("expected"), "{problem}");
    }
}

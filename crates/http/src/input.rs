//! Request input, parsed once for every resource: JSON bodies (content type, size, unknown
//! fields, validation of every field at once) and query strings, each failure a precise problem.

use crate::error::{ApiError, FieldError};
use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use samhandling_domain::text::Refusal;
use serde::de::DeserializeOwned;
use serde_path_to_error::{Path, Segment};
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

/// Parses JSON, naming the failing field where serde knows it. A text field whose type refused
/// its value (see `samhandling_domain::text`) does not stop the parse: it is listed, a valid
/// stand-in takes its place, and the parse goes on, so one 422 lists every refused field. The
/// parsed value (holding the stand-ins) comes back beside the list, to be validated further.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<(T, Vec<FieldError>), ApiError> {
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    let mut error = match serde_path_to_error::deserialize(deserializer) {
        Ok(value) => return Ok((value, Vec::new())),
        Err(error) if Refusal::from_serde_message(&error.inner().to_string()).is_none() => {
            return Err(problem(&error))
        }
        Err(error) => error,
    };
    let mut document: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|error| not_json(&error))?;
    let mut refused = Vec::new();
    loop {
        let message = error.inner().to_string();
        let Some((code, stand_in, detail)) = Refusal::from_serde_message(&message) else {
            return Err(problem(&error));
        };
        let path = error.path().to_string();
        refused.push(FieldError::new(path, code, detail));
        if refused.len() > MAX_REFUSED_FIELDS || !stand_in_at(&mut document, error.path(), stand_in)
        {
            return Err(ApiError::Validation(refused));
        }
        match serde_path_to_error::deserialize(&document) {
            Ok(value) => return Ok((value, refused)),
            Err(next) => error = next,
        }
    }
}

/// How many refused fields one request may list before the parse stops looking for more.
const MAX_REFUSED_FIELDS: usize = 100;

/// Puts `stand_in` where `path` points in `document`; `false` when the path leads nowhere.
fn stand_in_at(document: &mut serde_json::Value, path: &Path, stand_in: &str) -> bool {
    let mut place = document;
    for segment in path {
        let next = match segment {
            Segment::Map { key } => place.get_mut(key.as_str()),
            Segment::Seq { index } => place.get_mut(*index),
            Segment::Enum { .. } | Segment::Unknown => None,
        };
        match next {
            Some(next) => place = next,
            None => return false,
        }
    }
    *place = serde_json::Value::from(stand_in);
    true
}

fn not_json(error: &serde_json::Error) -> ApiError {
    ApiError::bad_request(format!(
        "the body is not valid JSON (line {}, column {})",
        error.line(),
        error.column()
    ))
}

/// The problem for a parse error that is not a text refusal.
fn problem(error: &serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error.path().to_string();
    let inner = error.inner();
    if !inner.is_data() {
        return not_json(inner);
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

/// Parses and validates a JSON body: one 422 lists every field its types refused and every
/// field that failed a further check.
pub fn parse_valid<T: DeserializeOwned + Validate>(bytes: &[u8]) -> Result<T, ApiError> {
    let (value, mut refused) = parse_json::<T>(bytes)?;
    if let Err(errors) = value.validate() {
        // A stand-in may fail a further check of its field: that field is listed already.
        let listed: Vec<String> = refused.iter().map(|e| e.field.clone()).collect();
        let more = field_errors(&errors);
        refused.extend(more.into_iter().filter(|e| !listed.contains(&e.field)));
    }
    if refused.is_empty() {
        return Ok(value);
    }
    refused.sort_by(|a, b| a.field.cmp(&b.field).then_with(|| a.code.cmp(&b.code)));
    Err(ApiError::Validation(refused))
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
            parse_valid(&bytes).map(ValidJson)
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

    #[derive(Debug, serde::Deserialize, Validate)]
    #[allow(dead_code)]
    struct Gathering {
        name: samhandling_domain::text::Name,
        place: Option<samhandling_domain::text::Label>,
        highlights: Vec<samhandling_domain::text::LogLine>,
        #[validate(range(min = 1, max = 5))]
        rating: i16,
    }

    fn refused_fields(body: &str) -> Vec<(String, String)> {
        match parse_valid::<Gathering>(body.as_bytes()) {
            Err(ApiError::Validation(errors)) => errors
                .into_iter()
                .map(|error| (error.field, error.code))
                .collect(),
            other => panic!("expected a 422, got {other:?}"),
        }
    }

    #[test]
    fn one_422_lists_every_refused_text_and_every_failed_check() {
        let refused = refused_fields(
            r#"{"name": "Kari 01010150074", "place": " ", "highlights": ["godt", "a\u0007b", "15076500565"], "rating": 9}"#,
        );
        assert_eq!(
            refused,
            [
                ("highlights[1]", "control_character"),
                ("highlights[2]", "national_id"),
                ("name", "national_id"),
                ("place", "blank"),
                ("rating", "range"),
            ]
            .map(|(field, code)| (field.to_owned(), code.to_owned()))
        );
    }

    #[test]
    fn a_refused_text_never_repeats_itself_in_the_problem() {
        let Err(error) =
            parse_valid::<Gathering>(br#"{"name": "15076500565", "highlights": [], "rating": 3}"#)
        else {
            panic!("a national identity number is refused");
        };
        let problem = serde_json::to_string(&error.problem(None, None)).expect("serialises");
        assert!(!problem.contains("15076500565"), "{problem}");
    }

    #[test]
    fn a_body_that_passes_parses_to_its_typed_value() {
        let gathering = parse_valid::<Gathering>(
            br#"{"name": "Samling i Steinkjer", "place": null, "highlights": ["godt"], "rating": 4}"#,
        )
        .expect("valid");
        assert_eq!(gathering.name.as_str(), "Samling i Steinkjer");
        assert_eq!(gathering.highlights.len(), 1);
    }

    #[test]
    fn invalid_values_are_not_echoed() {
        let Err(error) = parse_json::<Person>(br#"{"birth_year": "Kari Nordmann"}"#) else {
            panic!("a string is not a year");
        };
        let problem = serde_json::to_string(&error.problem(None, None)).expect("serialises");
        assert!(!problem.contains("Kari"), "{problem}");
        assert!(problem.contains("birth_year"), "{problem}");
        assert!(problem.contains("expected"), "{problem}");
    }
}

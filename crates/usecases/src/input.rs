//! What the use cases' inputs are read from, shared by every resource: the rules for text input,
//! and the deserialisers for fields that may be omitted but not nulled, for whole numbers and for
//! timestamps of a bounded length.
//! A request body that is a use case's input is described here once, for the HTTP layer, the
//! demo data and the contract alike.
//!
//! Rules for text input shared by every resource. The text types of the domain
//! (`samhandling_domain::text`: names, labels, free text, log lines) carry their rules and are
//! re-exported here; the checks below serve the few strings without a type of their own (query
//! filters, short notes, phone numbers, language tags, kommunenummer). Both refuse control
//! characters (PostgreSQL refuses NUL, logs and terminals misread the rest), blank text and
//! national identity numbers, and publish the rule as a JSON Schema pattern so that generated
//! clients and contract tests agree with the server.

use serde::Deserialize;
use std::borrow::Cow;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};
use validator::ValidationError;

pub use samhandling_domain::text::{
    FreeText, Label, LogLine, LogText, Name, Subject, PLAIN_TEXT_PATTERN,
};

/// Declares a documentation-only string schema: fields stay `String` and name it with
/// `#[schema(value_type = ...)]`, so the constraint is written once for every resource.
macro_rules! string_schema {
    ($(#[$meta:meta])* $name:ident, min = $min:expr, max = $max:expr, pattern = $pattern:expr, example = $example:expr) => {
        $(#[$meta])*
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some($min))
                    .max_length(Some($max))
                    .pattern(Some($pattern))
                    .examples([serde_json::Value::from($example)])
                    .into()
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    };
}

string_schema!(
    /// A phone number: 8 to 15 digits, optionally with a leading `+`.
    Phone, min = 8, max = 16, pattern = r"^\+?[0-9]{8,15}$", example = "+4791234567"
);
string_schema!(
    /// A BCP 47 language tag.
    LanguageTag, min = 2, max = 35, pattern = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", example = "nb"
);
string_schema!(
    /// A kommunenummer: four digits.
    MunicipalityNumberText, min = 4, max = 4, pattern = "^[0-9]{4}$", example = "5035"
);
string_schema!(
    /// A token issuer's identifier, its `iss`: an https URL.
    IssuerUrl, min = 8, max = 255, pattern = r"^https?://[!-~]+$", example = "https://maskinporten.no/"
);
string_schema!(
    /// An organisasjonsnummer: nine digits, the last a modulus-11 check digit.
    OrganisationNumberText, min = 9, max = 9, pattern = "^[0-9]{9}$", example = "974760673"
);

/// Refuses text holding a national identity number; the message never repeats the text. Every
/// text check below calls it, so no text field of any resource stores one.
fn check_no_national_id(value: &str) -> Result<(), ValidationError> {
    if samhandling_domain::national_id::contains_national_id(value) {
        return Err(
            ValidationError::new("national_id").with_message(Cow::Borrowed(
                "holds what looks like a national identity number (11 digits passing the mod-11 \
             check): no record here identifies anyone by it, so leave it out",
            )),
        );
    }
    Ok(())
}

/// A validator check: non-blank text without control characters, and no national identity
/// number.
pub fn check_plain_text(value: &str) -> Result<(), ValidationError> {
    if value.chars().any(char::is_control) {
        return Err(ValidationError::new("control_character")
            .with_message(Cow::Borrowed("control characters are not allowed")));
    }
    if value.chars().all(char::is_whitespace) {
        return Err(ValidationError::new("blank").with_message(Cow::Borrowed("must not be blank")));
    }
    check_no_national_id(value)
}

/// A validator check: a phone number of 8 to 15 digits, optionally with a leading `+`.
pub fn check_phone(value: &str) -> Result<(), ValidationError> {
    let digits = value.strip_prefix('+').unwrap_or(value);
    if (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ValidationError::new("phone").with_message(Cow::Borrowed(
            "8 to 15 digits, optionally starting with +, e.g. +4791234567",
        )))
    }
}

/// A validator check: a BCP 47 language tag of the common shape (`nb`, `en`, `ar`, `pt-BR`).
pub fn check_language(value: &str) -> Result<(), ValidationError> {
    let mut parts = value.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()));
    let rest_ok =
        parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if primary_ok && rest_ok && value.len() <= 35 {
        Ok(())
    } else {
        Err(ValidationError::new("language").with_message(Cow::Borrowed(
            "a BCP 47 language tag such as nb, en, ar or pt-BR",
        )))
    }
}

/// A validator check: every tag of a list is a BCP 47 language tag.
pub fn check_languages(languages: &[String]) -> Result<(), ValidationError> {
    languages
        .iter()
        .try_for_each(|language| check_language(language))
}

/// A validator check: a kommunenummer (four ASCII digits).
pub fn check_municipality_number(value: &str) -> Result<(), ValidationError> {
    if value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ValidationError::new("municipality_number")
            .with_message(Cow::Borrowed("a kommunenummer is exactly four digits")))
    }
}

/// A validator check: an organisasjonsnummer, nine digits with Brønnøysund's check digit.
pub fn check_organisation_number(value: &str) -> Result<(), ValidationError> {
    value
        .parse::<samhandling_domain::organisation::OrganisationNumber>()
        .map(drop)
        .map_err(|error| {
            ValidationError::new("organisation_number").with_message(Cow::Owned(error.to_string()))
        })
}

/// A validator check: an issuer's `iss`, an http(s) URL of printable ASCII (`IssuerUrl`'s
/// pattern).
pub fn check_issuer_url(value: &str) -> Result<(), ValidationError> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    if rest.is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_graphic())) {
        Ok(())
    } else {
        Err(ValidationError::new("issuer").with_message(Cow::Borrowed(
            "an issuer is its http(s) URL, as tokens name it in iss",
        )))
    }
}

/// A validator check: a fylkesnummer, two digits.
pub fn check_county_number(value: &str) -> Result<(), ValidationError> {
    if value.len() == 2 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ValidationError::new("county_number")
            .with_message(Cow::Borrowed("a fylkesnummer is exactly two digits")))
    }
}

/// Deserialises a present field as `Some`, so that `null` is refused for a field that may be
/// omitted but not nulled, and `Option<Option<T>>` tells "absent" from "set to null".
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// The longest RFC 3339 timestamp taken: `2026-11-20T10:15:00.123456789+01:00`, with nanoseconds
/// and an offset. chrono alone would take any number of fractional digits; the contract declares
/// this `maxLength` on every `date-time` (`crates/http/src/openapi.rs`), and the server holds
/// every timestamp a client sends to it with [`timestamp`] and [`optional_timestamp`].
pub const TIMESTAMP_MAX_LENGTH: usize = 35;

/// Deserialises an RFC 3339 timestamp of at most [`TIMESTAMP_MAX_LENGTH`] characters.
pub fn timestamp<'de, D>(deserializer: D) -> Result<chrono::DateTime<chrono::Utc>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error;
    let text = String::deserialize(deserializer)?;
    if text.len() > TIMESTAMP_MAX_LENGTH {
        return Err(D::Error::custom(format!(
            "a timestamp has at most {TIMESTAMP_MAX_LENGTH} characters"
        )));
    }
    text.parse::<chrono::DateTime<chrono::FixedOffset>>()
        .map(|time| time.with_timezone(&chrono::Utc))
        .map_err(D::Error::custom)
}

/// [`timestamp`] for a field that may be omitted (with `#[serde(default)]`) but not nulled.
pub fn optional_timestamp<'de, D>(
    deserializer: D,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    timestamp(deserializer).map(Some)
}

/// Deserialises a whole number that JSON may spell `1990` or `1990.0` (JSON Schema calls both
/// integers), refusing fractions and values out of range.
pub fn integral<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    use serde::de::Error;
    let number = serde_json::Number::deserialize(deserializer)?;
    let whole = number.as_i64().or_else(|| {
        number
            .as_f64()
            .filter(|float| float.fract() == 0.0 && float.abs() < 1e15)
            .map(|float| {
                #[allow(clippy::cast_possible_truncation)]
                let whole = float as i64;
                whole
            })
    });
    whole
        .and_then(|whole| T::try_from(whole).ok())
        .map(Some)
        .ok_or_else(|| D::Error::custom("expected a whole number in range"))
}

/// As [`integral`], for a number that must be given whenever the field is present (its absence
/// takes the field's `default`).
pub fn integral_required<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<i64>,
{
    use serde::de::Error;
    integral(deserializer)?.ok_or_else(|| D::Error::custom("expected a whole number in range"))
}

#[cfg(test)]
mod tests {
    #[derive(Debug, serde::Deserialize)]
    struct Stamped {
        #[serde(deserialize_with = "super::timestamp")]
        at: chrono::DateTime<chrono::Utc>,
    }

    #[test]
    fn timestamps_are_held_to_the_documented_length() {
        let read =
            |text: &str| serde_json::from_value::<Stamped>(serde_json::json!({ "at": text }));
        let longest = "2026-11-20T10:15:00.123456789+01:00";
        assert_eq!(longest.len(), super::TIMESTAMP_MAX_LENGTH);
        assert_eq!(
            read(longest).map(|stamped| stamped.at.to_rfc3339()).ok(),
            Some("2026-11-20T09:15:00.123456789+00:00".to_owned())
        );
        assert!(read("2026-11-20T10:15:00Z").is_ok());
        // chrono alone takes (and drops) digits past the ninth.
        assert!(read("2026-11-20T10:15:00.1234567890+01:00").is_err());
        assert!(read("not a time").is_err());
    }

    use super::*;

    #[test]
    fn plain_text_refuses_blank_and_control_characters() {
        assert!(check_plain_text("LINK Trondheim").is_ok());
        assert!(check_plain_text("  ").is_err());
        assert!(check_plain_text("a\u{0}b").is_err());
        assert!(check_plain_text("a\nb").is_err());
    }
}

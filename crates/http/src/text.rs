//! Rules for free-text input shared by every resource: no control characters (PostgreSQL refuses
//! NUL, logs and terminals misread the rest) and not blank. The same rule is published as a
//! JSON Schema pattern so generated clients and contract tests agree with the server.

use serde::Deserialize;
use std::borrow::Cow;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};
use validator::ValidationError;

/// The published pattern for a non-blank line of plain text without control characters.
pub const PLAIN_TEXT_PATTERN: &str =
    r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$";

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
    /// A name: a non-blank line of plain text of at most 200 characters.
    Name, min = 1, max = 200, pattern = PLAIN_TEXT_PATTERN, example = "LINK Trondheim"
);
string_schema!(
    /// A short label (county, region): a non-blank line of plain text of at most 100 characters.
    Label, min = 1, max = 100, pattern = PLAIN_TEXT_PATTERN, example = "Værnesregionen"
);
string_schema!(
    /// A token subject: a non-blank line of plain text of at most 255 characters.
    Subject, min = 1, max = 255, pattern = PLAIN_TEXT_PATTERN, example = "client:0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a62"
);
string_schema!(
    /// The person's own words: up to 2000 characters, line breaks allowed.
    FreeText, min = 1, max = 2000, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$", example = "Jeg vil gjerne møte andre i samme situasjon, helst på kveldstid."
);
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
    /// Free text in a meeting log, up to 2000 characters with line breaks. Never a name: the
    /// people a meeting is about are not identified in its log, and text holding a national
    /// identity number (11 digits passing the mod-11 check) is refused with 422.
    LogText, min = 1, max = 2000, pattern = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$", example = "Familien og en nabo kan hjelpe med henting i barnehagen."
);
string_schema!(
    /// One line in a meeting log (a topic, a highlight, a programme item), up to 300 characters.
    /// Never a name, and never a national identity number (422).
    LogLine, min = 1, max = 300, pattern = PLAIN_TEXT_PATTERN, example = "Å holde nettverket samlet mellom møtene"
);

/// A validator check: every line of a list is a [`check_plain_text`] line of at most 300
/// characters.
pub fn check_log_lines(values: &[String]) -> Result<(), ValidationError> {
    values.iter().try_for_each(|value| {
        if value.chars().count() > 300 {
            return Err(ValidationError::new("length")
                .with_message(Cow::Borrowed("each line is at most 300 characters")));
        }
        check_plain_text(value)
    })
}

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

/// A validator check: free text in several lines (the person's own words): no control characters
/// but line breaks and tabs, not blank, and no national identity number.
pub fn check_free_text(value: &str) -> Result<(), ValidationError> {
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(
            ValidationError::new("control_character").with_message(Cow::Borrowed(
                "control characters other than line breaks are not allowed",
            )),
        );
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

/// Deserialises a present field as `Some`, so that `null` is refused for a field that may be
/// omitted but not nulled, and `Option<Option<T>>` tells "absent" from "set to null".
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
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
    use super::*;

    #[test]
    fn plain_text_refuses_blank_and_control_characters() {
        assert!(check_plain_text("LINK Trondheim").is_ok());
        assert!(check_plain_text("  ").is_err());
        assert!(check_plain_text("a\u{0}b").is_err());
        assert!(check_plain_text("a\nb").is_err());
    }
}

//! Text that carries its rules. Each type here can only hold text that passed them: not blank,
//! no control characters (line breaks only where the type allows several lines), within its
//! length, and never a Norwegian national identity number (11 digits passing the mod-11 check),
//! since no record in Samhandling identifies anyone by one. A field typed with one of these
//! refuses such text by construction, wherever it is: a request body, the demo data, a test.
//!
//! A refusal deserialises as a serde error that [`Refusal::from_serde_message`] reads back, so
//! the HTTP layer can report it as a field's 422 and carry on checking the other fields.

use serde::{Deserialize, Deserializer, Serialize};
use std::borrow::Cow;
use std::fmt;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// The published pattern for a non-blank line of plain text without control characters.
pub const PLAIN_TEXT_PATTERN: &str =
    r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$";

/// The published pattern for non-blank text in several lines (line breaks and tabs allowed).
pub const MULTILINE_TEXT_PATTERN: &str = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$";

/// Whether a text type takes one line or several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One line: no control character at all.
    One,
    /// Several: line breaks and tabs allowed, other control characters not.
    Several,
}

/// The rules of one text type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRule {
    /// The most characters (Unicode scalar values) it holds.
    pub max_chars: usize,
    /// One line or several.
    pub lines: Lines,
}

/// Why a text was refused. Its message never repeats the text, which may be personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Empty or only white space.
    #[error("must not be blank")]
    Blank,
    /// Longer than the type allows.
    #[error("at most {max} characters")]
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// A control character where the type allows none (or only line breaks).
    #[error("control characters are not allowed here")]
    ControlCharacter,
    /// What looks like a national identity number.
    #[error(
        "holds what looks like a national identity number (11 digits passing the mod-11 check): \
         no record here identifies anyone by it, so leave it out"
    )]
    NationalId,
}

/// What starts a refusal's serde message, so that the HTTP layer can tell it from a type error.
const SERDE_MARK: &str = "text refused: ";

impl Refusal {
    /// The machine-readable code of the refusal, as a 422 lists it.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Blank => "blank",
            Refusal::TooLong { .. } => "length",
            Refusal::ControlCharacter => "control_character",
            Refusal::NationalId => "national_id",
        }
    }

    /// The refusal as a serde error message: the mark, the code, a valid stand-in for the
    /// field (so parsing can go on to find every other failing field) and the message.
    fn serde_message(&self, stand_in: &str) -> String {
        format!("{SERDE_MARK}{}|{stand_in}|{self}", self.code())
    }

    /// Reads a refusal back from a serde error message: its code, the stand-in text and the
    /// message. `None` for any other error.
    pub fn from_serde_message(message: &str) -> Option<(&str, &str, &str)> {
        let rest = message.split_once(SERDE_MARK)?.1;
        let (code, rest) = rest.split_once('|')?;
        let (stand_in, message) = rest.split_once('|')?;
        let message = message
            .rsplit_once(" at line ")
            .map_or(message, |(head, _)| head);
        Some((code, stand_in, message))
    }
}

impl TextRule {
    /// Checks `text` against the rule.
    pub fn check(&self, text: &str) -> Result<(), Refusal> {
        let control = |c: char| match self.lines {
            Lines::One => c.is_control(),
            Lines::Several => c.is_control() && !matches!(c, '\n' | '\r' | '\t'),
        };
        if text.chars().any(control) {
            return Err(Refusal::ControlCharacter);
        }
        if text.chars().all(char::is_whitespace) {
            return Err(Refusal::Blank);
        }
        if text.chars().count() > self.max_chars {
            return Err(Refusal::TooLong {
                max: self.max_chars,
            });
        }
        if crate::national_id::contains_national_id(text) {
            return Err(Refusal::NationalId);
        }
        Ok(())
    }

    fn pattern(&self) -> &'static str {
        match self.lines {
            Lines::One => PLAIN_TEXT_PATTERN,
            Lines::Several => MULTILINE_TEXT_PATTERN,
        }
    }
}

/// Declares a text type: a `String` that only holds what its rule accepts, published in the
/// contract under its own name with the rule as a JSON Schema.
macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, max = $max:expr, lines = $lines:ident, example = $example:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The rule every value of this type passed.
            pub const RULE: TextRule = TextRule { max_chars: $max, lines: Lines::$lines };
            /// A value that passes the rule, shown in the contract.
            pub const EXAMPLE: &'static str = $example;

            /// The text, if it passes the rule.
            pub fn parse(text: impl Into<String>) -> Result<Self, Refusal> {
                let text = text.into();
                Self::RULE.check(&text)?;
                Ok($name(text))
            }

            /// Text read back from storage. It passed the rule when it was stored; a rule
            /// tightened since must not make an old record unreadable.
            pub fn from_stored(text: String) -> Self {
                $name(text)
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(text: $name) -> String {
                text.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::parse(text).map_err(|refusal| {
                    serde::de::Error::custom(refusal.serde_message(Self::EXAMPLE))
                })
            }
        }

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(1))
                    .max_length(Some($max))
                    .pattern(Some(Self::RULE.pattern()))
                    .examples([serde_json::Value::from(Self::EXAMPLE)])
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

text_type!(
    /// A name: a non-blank line of plain text of at most 200 characters.
    Name, max = 200, lines = One, example = "LINK Trondheim"
);
text_type!(
    /// A short label (county, region): a non-blank line of plain text of at most 100 characters.
    Label, max = 100, lines = One, example = "Værnesregionen"
);
text_type!(
    /// A token subject: a non-blank line of plain text of at most 255 characters.
    Subject, max = 255, lines = One, example = "client:0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a62"
);
text_type!(
    /// The person's own words: up to 2000 characters, line breaks allowed.
    FreeText, max = 2000, lines = Several, example = "Jeg vil gjerne møte andre i samme situasjon, helst på kveldstid."
);
text_type!(
    /// Free text in a meeting log, up to 2000 characters with line breaks. Never a name: the
    /// people a meeting is about are not identified in its log, and text holding a national
    /// identity number (11 digits passing the mod-11 check) is refused with 422.
    LogText, max = 2000, lines = Several, example = "Familien og en nabo kan hjelpe med henting i barnehagen."
);
text_type!(
    /// One line in a meeting log (a topic, a highlight, a programme item), up to 300 characters.
    /// Never a name, and never a national identity number (422).
    LogLine, max = 300, lines = One, example = "Å holde nettverket samlet mellom møtene"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_refuses_blank_control_characters_length_and_national_ids() {
        assert!(Name::parse("LINK Trondheim").is_ok());
        assert_eq!(Name::parse("  "), Err(Refusal::Blank));
        assert_eq!(Name::parse("a\u{0}b"), Err(Refusal::ControlCharacter));
        assert_eq!(Name::parse("a\nb"), Err(Refusal::ControlCharacter));
        assert_eq!(
            Name::parse("x".repeat(201)),
            Err(Refusal::TooLong { max: 200 })
        );
        assert!(
            Name::parse("ø".repeat(200)).is_ok(),
            "characters, not bytes"
        );
        assert_eq!(Name::parse("Kari 01010150074"), Err(Refusal::NationalId));
    }

    #[test]
    fn several_lines_take_line_breaks_but_not_other_control_characters() {
        assert!(FreeText::parse("første\nandre\r\n\tinnrykk").is_ok());
        assert_eq!(FreeText::parse("a\u{7}"), Err(Refusal::ControlCharacter));
        assert_eq!(FreeText::parse("\n\n"), Err(Refusal::Blank));
    }

    #[test]
    fn a_refusal_survives_serde_with_its_code_and_a_valid_stand_in() {
        let error = serde_json::from_str::<Name>(r#""01010150074""#)
            .expect_err("a national identity number is refused");
        let message = error.to_string();
        assert!(!message.contains("01010150074"), "{message}");
        let (code, stand_in, text) = Refusal::from_serde_message(&message).expect("a refusal");
        assert_eq!(code, "national_id");
        assert!(Name::parse(stand_in).is_ok());
        assert!(text.contains("national identity number"), "{text}");
    }

    #[test]
    fn every_example_passes_its_own_rule() {
        for (rule, example) in [
            (Name::RULE, Name::EXAMPLE),
            (Label::RULE, Label::EXAMPLE),
            (Subject::RULE, Subject::EXAMPLE),
            (FreeText::RULE, FreeText::EXAMPLE),
            (LogText::RULE, LogText::EXAMPLE),
            (LogLine::RULE, LogLine::EXAMPLE),
        ] {
            assert_eq!(rule.check(example), Ok(()), "{example}");
        }
    }
}

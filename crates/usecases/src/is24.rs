//! The IS-24/8 questionnaires: an administrator loads a report year's variable codes, labels and
//! units as data (the set changes from year to year); anyone with a token reads them.

use crate::input::check_plain_text;
use crate::{Context, UseCaseError};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::refusal::FieldRefusal;
use samhandling_persistence::{is24 as store, PgConnection};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError};

/// The published pattern of a variable code.
fn check_code(code: &str) -> Result<(), ValidationError> {
    if !code.is_empty()
        && code.len() <= 40
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        Ok(())
    } else {
        Err(ValidationError::new("code")
            .with_message(Cow::Borrowed("1 to 40 letters, digits, `_`, `.` or `-`")))
    }
}

/// What one variable asks, and in which unit.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    /// What it asks.
    #[validate(length(min = 1, max = 300), custom(function = "check_plain_text"))]
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$",
        example = "Årsverk i psykisk helsearbeid"
    )]
    pub label: String,
    /// Its unit.
    #[validate(length(min = 1, max = 50), custom(function = "check_plain_text"))]
    #[schema(
        min_length = 1,
        max_length = 50,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$",
        example = "årsverk"
    )]
    pub unit: String,
}

/// A questionnaire version: its variables by code (a code appears once).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"variables": {
    "arsverk_psykisk_helse": {"label": "Årsverk i psykisk helsearbeid", "unit": "årsverk"},
    "arsverk_rus": {"label": "Årsverk i rusarbeid", "unit": "årsverk"}
}}))]
pub struct Questionnaire {
    /// Code (`^[A-Za-z0-9_.-]{1,40}$`) → what it asks; 1 to 500 variables.
    #[validate(length(min = 1, max = 500), nested)]
    pub variables: BTreeMap<String, Variable>,
}

/// The audit id of a questionnaire: derived from its year, the questionnaire's only key.
pub fn audit_id(year: i16) -> Uuid {
    Uuid::from_u128(u128::from(year.unsigned_abs()))
}

/// The year's variables as stored, by code.
fn by_code(stored: Vec<store::Variable>) -> BTreeMap<String, Variable> {
    stored
        .into_iter()
        .map(|v| {
            (
                v.code,
                Variable {
                    label: v.label,
                    unit: v.unit,
                },
            )
        })
        .collect()
}

/// Replaces the questionnaire of `year` with `questionnaire` (every code of the published
/// shape, else 422 naming each); a variable some municipality has figures for stays. Returns the
/// year's variables by code.
pub fn load_questionnaire(
    ctx: &mut Context<'_>,
    year: i16,
    questionnaire: &Questionnaire,
) -> Result<BTreeMap<String, Variable>, UseCaseError> {
    let refusals: Vec<FieldRefusal> = questionnaire
        .variables
        .keys()
        .filter(|code| check_code(code).is_err())
        .map(|code| {
            FieldRefusal::new(
                format!("variables.{code}"),
                "code",
                "a code is 1 to 40 letters, digits, `_`, `.` or `-`",
            )
        })
        .collect();
    UseCaseError::unless_refused(refusals)?;
    let variables: Vec<(String, String, String)> = questionnaire
        .variables
        .iter()
        .map(|(code, v)| (code.clone(), v.label.clone(), v.unit.clone()))
        .collect();
    let loaded = store::load_questionnaire(ctx.conn(), year, &variables)?;
    ctx.audit(
        AuditAction::Updated,
        ResourceType::Questionnaire,
        audit_id(year),
    )?;
    Ok(by_code(loaded))
}

/// The questionnaire of `year`, its variables by code; a year with none is not found.
pub fn questionnaire(
    conn: &mut PgConnection,
    year: i16,
) -> Result<BTreeMap<String, Variable>, UseCaseError> {
    let found = store::questionnaire(conn, year)?;
    if found.is_empty() {
        return Err(UseCaseError::NotFound);
    }
    Ok(by_code(found))
}

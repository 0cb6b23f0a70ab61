//! `/api/v1/is24-questionnaires/{year}`: the IS-24/8 questionnaire of a report year, its variable
//! codes, labels and units. The set changes from year to year, so it is loaded as data by an
//! administrator, never written into code; a meeting's basis is checked against it.

use crate::auth::{AdminOnly, AnyRole, Authorized};
use crate::error::ApiError;
use crate::input::ValidJson;
use crate::record;
use actix_web::{get, put, web};
use samhandling_domain::audit::ResourceType;
use samhandling_usecases::is24::{self, Questionnaire, Variable};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(load_questionnaire)
        .service(get_questionnaire);
}

/// The rules JSON Schema can say beyond the derived schema: the codes' shape and how many.
pub(crate) fn schema_rules() -> Vec<(&'static str, serde_json::Value)> {
    vec![(
        "Questionnaire",
        serde_json::json!({ "properties": { "variables": {
            "propertyNames": { "pattern": "^[A-Za-z0-9_.-]{1,40}$", "maxLength": 40 },
            "minProperties": 1,
            "maxProperties": 500
        } } }),
    )]
}

/// A questionnaire as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionnaireView {
    /// The report year.
    pub report_year: i16,
    /// Its variables, by code.
    pub variables: BTreeMap<String, Variable>,
}

fn shown(report_year: i16, variables: BTreeMap<String, Variable>) -> QuestionnaireView {
    QuestionnaireView {
        report_year,
        variables,
    }
}

/// The path of one questionnaire.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct YearPath {
    /// The report year.
    #[param(minimum = 2000, maximum = 2100)]
    year: i16,
}

fn check_year(year: i16) -> Result<i16, ApiError> {
    if (2000..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(ApiError::bad_request(
            "the report year lies between 2000 and 2100",
        ))
    }
}

/// Load the questionnaire of a report year.
///
/// For administrators. Replaces the year's variables; a variable some municipality has figures
/// for stays, so reported figures keep their meaning.
#[utoipa::path(
    tag = "dialogue",
    params(YearPath),
    request_body = Questionnaire,
    responses((status = 200, description = "Loaded", body = QuestionnaireView))
)]
#[put("/is24-questionnaires/{year}")]
async fn load_questionnaire(
    caller: Authorized<AdminOnly>,
    path: web::Path<YearPath>,
    body: ValidJson<Questionnaire>,
) -> Result<web::Json<QuestionnaireView>, ApiError> {
    let year = check_year(path.year)?;
    let request = body.into_inner();
    let loaded = record::operate(
        &caller,
        ResourceType::Questionnaire,
        is24::audit_id(year),
        move |ctx| is24::load_questionnaire(ctx, year, &request),
    )
    .await?;
    Ok(web::Json(shown(year, loaded)))
}

/// Read the questionnaire of a report year.
///
/// Any role: the year's IS-24/8 variables by code, which a dialogue meeting's basis must use. A
/// year without a questionnaire is 404.
#[utoipa::path(
    tag = "dialogue",
    params(YearPath),
    responses((status = 200, description = "The questionnaire", body = QuestionnaireView))
)]
#[get("/is24-questionnaires/{year}")]
async fn get_questionnaire(
    caller: Authorized<AnyRole>,
    path: web::Path<YearPath>,
) -> Result<web::Json<QuestionnaireView>, ApiError> {
    let year = check_year(path.year)?;
    let found = record::load(caller.state(), move |conn| is24::questionnaire(conn, year)).await?;
    Ok(web::Json(shown(year, found)))
}

//! A municipality's whole picture for a year, and its county's overview: what it needs and was
//! answered, what it owes, its IS-24/8 figures, and what its residents and staff got from the
//! referrals, courses, network meetings and learning networks, with every count about people
//! through the disclosure control. The municipality reads its own picture; its county's
//! governor reads it with the risk it judged and its trend, and reads the county's overview.
//! Both answer `text/csv` too.

use crate::auth::{Authorized, Policy};
use crate::error::ApiError;
use crate::input::ValidQuery;
use crate::record;
use crate::resources::dialogue_meetings::GovernorAdvisers;
use crate::resources::municipality_dialogue::{municipality_number, revealed};
use crate::statistics::{count_of, Csv, Published};
use crate::text::MunicipalityNumberText;
use actix_web::{get, web};
use chrono::{Datelike, Utc};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::statistics::Cell;
use samhandling_domain::Role;
use samhandling_usecases::picture::{
    self as usecases, CountyOverview, MunicipalityPicture, OverviewOrder,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(municipality_picture)
        .service(county_overview);
}

/// Who reads a municipality's picture: its contacts and its county's governor.
#[derive(Debug)]
pub struct PictureReaders;
impl Policy for PictureReaders {
    const ROLES: &'static [Role] = &[Role::MunicipalContact, Role::GovernorAdviser];
}

/// The path of one municipality.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PicturePath {
    /// Its kommunenummer.
    #[param(value_type = MunicipalityNumberText)]
    municipality_number: String,
}

/// The path of one county.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CountyPath {
    /// Its fylkesnummer: two digits.
    #[param(pattern = "^[0-9]{2}$", max_length = 2, example = "50")]
    county_number: String,
}

/// Which year.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The calendar year; this year when left out. Counts about people cover its quarters that
    /// have ended, and a picture is for a whole year only: figures for any span could be
    /// differenced against each other down to a few people.
    #[validate(range(min = 2000, max = 2100))]
    #[param(minimum = 2000, maximum = 2100, example = 2026)]
    year: Option<i32>,
}

/// How to sort the overview.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverviewQuery {
    /// The calendar year; this year when left out.
    #[validate(range(min = 2000, max = 2100))]
    #[param(minimum = 2000, maximum = 2100, example = 2026)]
    year: Option<i32>,
    /// `number` (kommunenummer, the default), `risk` (highest first) or `overdue_actions` (most
    /// first).
    #[param(inline)]
    sort: Option<OverviewOrder>,
}

/// The year asked for, or this one, with today.
fn year_and_today(year: Option<i32>) -> (i32, chrono::NaiveDate) {
    let today = Utc::now().date_naive();
    (year.unwrap_or_else(|| today.year()), today)
}

/// A municipality's whole picture.
///
/// For the municipality's `municipal_contact` and its county's `governor_adviser` (with the
/// governor's risk judgement and its trend); anyone else gets 404, which leaves an
/// `access_denied` trace on the municipality. Counts about people are suppressed (`<5`, `x`,
/// `..`) as the county's one table of them, and count only the year's ended quarters. Every read
/// is audited.
#[utoipa::path(
    tag = "coordination",
    params(PicturePath, YearQuery),
    responses((status = 200, description = "The picture", content((MunicipalityPicture = "application/json"), (String = "text/csv"))))
)]
#[get("/municipalities/{municipality_number}/picture")]
async fn municipality_picture(
    caller: Authorized<PictureReaders>,
    path: web::Path<PicturePath>,
    query: ValidQuery<YearQuery>,
) -> Result<Published<MunicipalityPicture>, ApiError> {
    let number = municipality_number(path.into_inner().municipality_number)?;
    let who = caller.caller.clone();
    let when = year_and_today(query.0.year);
    let served = caller.state().served.clone();
    let found = record::load(caller.state(), move |conn| {
        usecases::municipality_picture(conn, &served, &who, &number, when)
    })
    .await?;
    let picture = revealed(&caller, found).await?;
    let read = caller.audit(
        AuditAction::Read,
        ResourceType::Organisation,
        picture.municipality_id,
    );
    caller.state().read_audit.record(read).await?;
    Ok(Published(picture))
}

/// A county's overview.
///
/// For the county's `governor_adviser`: every municipality of the county with its latest risk
/// and trend, its pending needs, its overdue actions and the counts about people of its picture
/// (the same figures). Anyone else, and an unknown county, gets 404. Every read is audited, as a
/// `read` of the `county_overview` named by the governor's organisation.
#[utoipa::path(
    tag = "coordination",
    params(CountyPath, OverviewQuery),
    responses((status = 200, description = "The overview", content((CountyOverview = "application/json"), (String = "text/csv"))))
)]
#[get("/counties/{county_number}/overview")]
async fn county_overview(
    caller: Authorized<GovernorAdvisers>,
    path: web::Path<CountyPath>,
    query: ValidQuery<OverviewQuery>,
) -> Result<Published<CountyOverview>, ApiError> {
    let county = path.into_inner().county_number;
    if crate::text::check_county_number(&county).is_err() {
        return Err(ApiError::bad_request(
            "a fylkesnummer is exactly two digits",
        ));
    }
    let who = caller.caller.clone();
    let when = year_and_today(query.0.year);
    let order = query.0.sort.unwrap_or_default();
    let overview = record::load(caller.state(), move |conn| {
        usecases::county_overview(conn, &who, &county, when, order)
    })
    .await?
    .ok_or(ApiError::NotFound)?;
    // One event names the overview by the county's governor, whose alone it is: which
    // municipalities it showed then is the county's list.
    let governor = caller.caller.organisation_id.uuid();
    let read = caller.audit(AuditAction::Read, ResourceType::CountyOverview, governor);
    caller.state().read_audit.record(read).await?;
    Ok(Published(overview))
}

/// The picture as CSV, long: one row per figure (`section,item,field,shown,count`).
impl Csv for MunicipalityPicture {
    fn write_csv(&self, writer: &mut csv::Writer<&mut Vec<u8>>) -> Result<(), csv::Error> {
        writer.write_record(["section", "item", "field", "shown", "count"])?;
        let mut text = |section: &str, item: &str, field: &str, value: String| {
            writer.write_record([section, item, field, &value, ""])
        };
        for need in &self.needs {
            text(
                "needs",
                &need.id.to_string(),
                "status",
                need.status.to_string(),
            )?;
        }
        for action in &self.follow_up_actions {
            let id = action.id.to_string();
            text(
                "follow_up_actions",
                &id,
                "status",
                action.status.to_string(),
            )?;
            text(
                "follow_up_actions",
                &id,
                "due_on",
                action.due_on.to_string(),
            )?;
        }
        if let Some(is24) = &self.is24 {
            for figure in &is24.figures {
                let value = figure.value.to_string();
                text("is24", &figure.code, &is24.report_year.to_string(), value)?;
            }
        }
        for place in &self.learning_networks {
            let item = format!("{} / {}", place.name, place.service);
            text(
                "learning_networks",
                &item,
                "gatherings_held",
                place.gatherings_held.to_string(),
            )?;
            text(
                "learning_networks",
                &item,
                "gatherings_attended",
                place.gatherings_attended.to_string(),
            )?;
        }
        if let Some(risk) = &self.risk {
            text(
                "risk",
                "latest",
                &risk.judged_on.to_string(),
                risk.latest.to_string(),
            )?;
            text("risk", "trend", "", risk.trend.to_string())?;
        }
        let people = &self.people;
        for (field, cell) in [
            ("referrals_sent", &people.referrals_sent),
            ("people_placed", &people.people_placed),
            ("staff_trained", &people.staff_trained),
            ("network_meetings_logged", &self.network_meetings_logged),
        ] {
            figure(writer, "people", &self.municipality_number, field, cell)?;
        }
        Ok(())
    }
}

/// One suppressed figure as a CSV row.
fn figure(
    writer: &mut csv::Writer<&mut Vec<u8>>,
    section: &str,
    item: &str,
    field: &str,
    cell: &Cell,
) -> Result<(), csv::Error> {
    writer.write_record([section, item, field, &cell.shown, &count_of(cell)])
}

/// The overview as CSV, wide: one row per municipality, suppressed figures as shown.
impl Csv for CountyOverview {
    fn write_csv(&self, writer: &mut csv::Writer<&mut Vec<u8>>) -> Result<(), csv::Error> {
        writer.write_record([
            "municipality_number",
            "name",
            "risk",
            "risk_trend",
            "pending_needs",
            "overdue_actions",
            "referrals_sent",
            "people_placed",
            "staff_trained",
        ])?;
        for row in &self.municipalities {
            let shown = |value: Option<String>| value.unwrap_or_default();
            writer.write_record([
                row.municipality_number.clone(),
                row.name.clone(),
                shown(row.risk.map(|risk| risk.to_string())),
                shown(row.risk_trend.map(|trend| trend.to_string())),
                row.pending_needs.to_string(),
                row.overdue_actions.to_string(),
                row.people.referrals_sent.shown.clone(),
                row.people.people_placed.shown.clone(),
                row.people.staff_trained.shown.clone(),
            ])?;
        }
        let totals = &self.totals;
        writer.write_record([
            self.county_number.as_str(),
            "total",
            "",
            "",
            "",
            "",
            &totals.referrals_sent.shown,
            &totals.people_placed.shown,
            &totals.staff_trained.shown,
        ])?;
        Ok(())
    }
}

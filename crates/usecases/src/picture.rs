//! A municipality's whole picture across the families, and its county's overview: what it
//! needs and was answered, what it owes from the dialogue meetings, its IS-24/8 figures, and
//! what its residents and staff got from referrals, courses, network meetings and learning
//! networks. The municipality reads its own; its county's governor reads it with the risk it
//! judged, and reads the county's overview.
//!
//! Counts about people go through the disclosure control. Each is one table for the county,
//! municipality by year, suppressed and audited (`statistics::linked`) for an outsider and for
//! everyone who knows some of its counts from their own records (the municipality its
//! referrals and staff, a centre the referrals it received, a course's organisers its
//! participants); a municipality's picture and the overview show that one table's figures, so
//! that neither can be differenced against the other. They count only the quarters of the year
//! that have ended: a figure that moved the day a person was placed would tell the referrer of
//! a placement its person's consent keeps from it. The network meetings logged are the
//! published network-meeting table's, a view of its ended quarters.

use crate::coordination::{access_of_needs, NeedFilter};
use crate::coordination_views::NeedView;
use crate::dialogue::{reach_municipality, HiddenTimeline, MunicipalityReader};
use crate::dialogue_views::{ActionView, FigureView};
use crate::group_statistics::quarter_start;
use crate::kept::ServedResults;
use crate::network_meetings::published_meetings;
use crate::UseCaseError;
use chrono::{Datelike, NaiveDate};
use samhandling_domain::dialogue::{county_of, RiskLevel, RiskTrend};
use samhandling_domain::page::PageRequest;
use samhandling_domain::statistics::linked::{Breakdowns, CubeCell, LinkedTables};
use samhandling_domain::statistics::Cell;
use samhandling_domain::Caller;
use samhandling_persistence::follow_up_actions::{self as actions, ActionFilter};
use samhandling_persistence::picture::{self as store, CountyMunicipality, RiskJudgement};
use samhandling_persistence::{coordination, is24, PgConnection};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// The label of the one period a county's tables have.
const YEAR: &str = "year";
/// The outcomes a referral is counted by.
const PLACED: &str = "placed";
const NOT_PLACED: &str = "not_placed";

/// The part of a year the counts about people cover: its quarters that have ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counted {
    year: i32,
    from: NaiveDate,
    to: NaiveDate,
}

impl Counted {
    /// The ended quarters of `year` on `today`; a refusal for a year outside the calendar.
    fn of(year: i32, today: NaiveDate) -> Result<Counted, UseCaseError> {
        let (Some(from), Some(next)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year + 1, 1, 1),
        ) else {
            return Err(UseCaseError::invalid("year", "range", "not a year"));
        };
        let to = next.min(quarter_start(today)).max(from);
        Ok(Counted { year, from, to })
    }

    /// The quarters counted, as `2026-Q1`.
    fn quarters(self) -> Vec<String> {
        (0..4)
            .filter_map(|q| NaiveDate::from_ymd_opt(self.year, q * 3 + 1, 1))
            .filter(|start| *start < self.to)
            .map(|start| format!("{}-Q{}", start.year(), start.month0() / 3 + 1))
            .collect()
    }
}

/// The counts about people of one municipality, as published.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PeopleFigures {
    /// Referrals the municipality sent to self-help centres.
    pub referrals_sent: Cell,
    /// Of them, people placed in a group by the end of the quarters counted.
    pub people_placed: Cell,
    /// Staff who completed a network-meeting course that ended in the quarters counted.
    pub staff_trained: Cell,
}

/// The counts about people of every municipality of a county, suppressed together. It
/// serializes, so that it is kept and served again (see [`CountyFigures::published`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CountyFigures {
    referrals: BTreeMap<String, (Cell, Cell)>,
    trained: BTreeMap<String, Cell>,
    totals: PeopleFigures,
}

impl CountyFigures {
    /// The county's figures for the quarters `counted`, as kept: a result is served for a minute
    /// after it was computed, then one request computes it again while the others serve it. The
    /// ended quarters it counts change only through a late record, and each result was audited
    /// whole on the counts of its time.
    fn published(
        conn: &mut PgConnection,
        county: &str,
        counted: Counted,
    ) -> Result<Self, UseCaseError> {
        let key = (counted.year, counted.to);
        let kept = store::kept(conn, county, key)?.and_then(|kept| {
            let figures = serde_json::from_value::<CountyFigures>(kept.figures).ok()?;
            Some((kept.fresh, figures))
        });
        if let Some((fresh, figures)) = kept {
            if fresh || !store::claim_refresh(conn, county, key)? {
                return Ok(figures);
            }
        }
        let figures = CountyFigures::of(conn, county, counted)?;
        // Plain data serializes; were it ever to fail, the figures are only not kept.
        if let Ok(value) = serde_json::to_value(&figures) {
            store::keep(conn, county, key, &value)?;
        }
        Ok(figures)
    }

    /// The county's figures for the quarters `counted`, computed afresh.
    fn of(conn: &mut PgConnection, county: &str, counted: Counted) -> Result<Self, UseCaseError> {
        let period = (counted.from, counted.to);
        let referrals: Vec<CubeCell> = store::referrals(conn, county, period)?
            .into_iter()
            .map(|count| CubeCell {
                labels: vec![
                    count.municipality,
                    count.centre.clone(),
                    (if count.placed { PLACED } else { NOT_PLACED }).to_owned(),
                    YEAR.to_owned(),
                ],
                count: u64::try_from(count.count).unwrap_or(0),
                known_by: vec![count.referrer, count.centre],
            })
            .collect();
        // Sent (municipality by year) and placed (municipality by outcome), linked: the number not
        // placed is a published figure too, audited like the others.
        let linked = LinkedTables::publish(4, &referrals, Breakdowns::Only(&[(0, 2), (0, 3)]));
        let (sent, outcomes) = (linked.table(0, 3), linked.table(0, 2));
        let placed_column = outcomes.columns.iter().position(|c| c == PLACED);
        let referrals = sent
            .rows
            .iter()
            .zip(&sent.row_totals)
            .zip(&outcomes.cells)
            .map(|((municipality, total), by_outcome)| {
                let placed = placed_column.map_or_else(zero, |column| by_outcome[column].clone());
                (municipality.clone(), (total.clone(), placed))
            })
            .collect();
        let trained: Vec<CubeCell> = store::trained(conn, county, period)?
            .into_iter()
            .map(|count| CubeCell {
                labels: vec![count.municipality, count.course, YEAR.to_owned()],
                count: u64::try_from(count.count).unwrap_or(0),
                known_by: std::iter::once(count.employer)
                    .chain(count.organisers)
                    .collect(),
            })
            .collect();
        let trained = LinkedTables::publish(3, &trained, Breakdowns::Only(&[(0, 2)])).table(0, 2);
        let totals = PeopleFigures {
            referrals_sent: sent.total.clone(),
            people_placed: placed_column
                .map_or_else(zero, |column| outcomes.column_totals[column].clone()),
            staff_trained: trained.total.clone(),
        };
        Ok(CountyFigures {
            referrals,
            trained: trained.rows.into_iter().zip(trained.row_totals).collect(),
            totals,
        })
    }

    /// One municipality's figures: a municipality with no records is a true zero.
    fn of_municipality(&self, number: &str) -> PeopleFigures {
        let (referrals_sent, people_placed) = self
            .referrals
            .get(number)
            .cloned()
            .unwrap_or_else(|| (zero(), zero()));
        PeopleFigures {
            referrals_sent,
            people_placed,
            staff_trained: self.trained.get(number).cloned().unwrap_or_else(zero),
        }
    }
}

/// A count of none, shown.
fn zero() -> Cell {
    Cell {
        count: Some(0),
        shown: "0".to_owned(),
        suppressed: None,
    }
}

/// The governor's risk judgement of a municipality over its meetings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RiskPicture {
    /// The latest judgement.
    pub latest: RiskLevel,
    /// At the meeting of this day.
    pub judged_on: NaiveDate,
    /// Against the judgement before.
    pub trend: RiskTrend,
    /// Every judgement, oldest first.
    pub history: Vec<RiskStep>,
}

/// One judgement.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RiskStep {
    /// The meeting's day.
    pub judged_on: NaiveDate,
    /// The level.
    pub level: RiskLevel,
}

impl RiskPicture {
    /// The picture of `judgements`, one municipality's, oldest first.
    fn of(judgements: &[&RiskJudgement]) -> Option<RiskPicture> {
        let history: Vec<RiskStep> = judgements
            .iter()
            .filter_map(|judgement| {
                Some(RiskStep {
                    judged_on: judgement.held_on,
                    level: judgement.level.parse().ok()?,
                })
            })
            .collect();
        let levels: Vec<RiskLevel> = history.iter().map(|step| step.level).collect();
        let latest = history.last()?;
        Some(RiskPicture {
            latest: latest.level,
            judged_on: latest.judged_on,
            trend: RiskTrend::of(&levels)?,
            history,
        })
    }
}

/// The governor's judgements of each municipality of `county`, by municipality.
fn risks_by_municipality(
    conn: &mut PgConnection,
    county: &str,
    until: NaiveDate,
) -> Result<BTreeMap<Uuid, RiskPicture>, UseCaseError> {
    let judgements = store::risks(conn, county, until)?;
    let mut by: BTreeMap<Uuid, Vec<&RiskJudgement>> = BTreeMap::new();
    for judgement in &judgements {
        by.entry(judgement.municipality_id)
            .or_default()
            .push(judgement);
    }
    Ok(by
        .into_iter()
        .filter_map(|(municipality, judgements)| {
            Some((municipality, RiskPicture::of(&judgements)?))
        })
        .collect())
}

/// IS-24/8 figures against the year before.
#[derive(Debug, Serialize, ToSchema)]
pub struct Is24Picture {
    /// The latest report year up to the picture's year.
    pub report_year: i16,
    /// Its figures, by code.
    pub figures: Vec<FigureView>,
}

/// A learning network a municipality has a service in.
#[derive(Debug, Serialize, ToSchema)]
pub struct NetworkPlace {
    /// The network.
    pub network_id: Uuid,
    /// Its name.
    pub name: String,
    /// The member service.
    pub service: String,
    /// Gatherings held in the year.
    pub gatherings_held: i64,
    /// Of them, those the service attended.
    pub gatherings_attended: i64,
}

/// One municipality's whole picture for a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityPicture {
    /// The municipality.
    pub municipality_id: Uuid,
    /// Its kommunenummer.
    pub municipality_number: String,
    /// The year.
    pub year: i32,
    /// The quarters of the year the counts about people cover: those that have ended.
    pub quarters_counted: Vec<String>,
    /// Its needs and requests that wait for help (open or accepted), oldest first.
    pub needs: Vec<NeedView>,
    /// Its follow-up actions still to be done, overdue first, then by due date.
    pub follow_up_actions: Vec<ActionView>,
    /// Its IS-24/8 figures against the year before, if it reported any.
    pub is24: Option<Is24Picture>,
    /// Counts about its residents and staff, suppressed.
    pub people: PeopleFigures,
    /// Network meetings logged in the municipality in the quarters counted: the published
    /// network-meeting table's figure (`..` where one of its quarters is hidden).
    pub network_meetings_logged: Cell,
    /// The learning networks it has services in.
    pub learning_networks: Vec<NetworkPlace>,
    /// The governor's risk judgement and its trend: in the governor's view only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<RiskPicture>,
}

/// The picture of the municipality numbered `number` in `year` on `today`, for its county's
/// governor (with the risk) or the municipality itself; hidden from anyone else. Its network
/// meetings are the published table's, as this server instance last served it (`served`).
pub fn municipality_picture(
    conn: &mut PgConnection,
    served: &ServedResults,
    caller: &Caller,
    number: &str,
    (year, today): (i32, NaiveDate),
) -> Result<Result<MunicipalityPicture, HiddenTimeline>, UseCaseError> {
    let counted = Counted::of(year, today)?;
    let (municipality, reader) = match reach_municipality(conn, caller, number)? {
        Ok(reached) => reached,
        Err(hidden) => return Ok(Err(hidden)),
    };
    let county = county_of(number).to_owned();
    let access = access_of_needs(conn, caller)?;
    let filter = NeedFilter {
        municipality_id: Some(municipality),
        pending: true,
        ..NeedFilter::default()
    };
    let all = PageRequest {
        limit: PageRequest::MAX_LIMIT,
        after: None,
    };
    let needs = coordination::list(conn, access.scope(), &filter, all)?
        .items
        .into_iter()
        .map(|need| NeedView::of(&access, need))
        .collect();
    let dialogue = crate::dialogue::access_of(conn, caller)?;
    let filter = ActionFilter {
        owner_organisation_id: Some(municipality),
        pending: true,
        ..ActionFilter::default()
    };
    let mut follow_up_actions: Vec<ActionView> =
        actions::list(conn, dialogue.scope(), filter, all)?
            .items
            .into_iter()
            .map(ActionView::from)
            .collect();
    follow_up_actions.sort_by_key(|action| (!action.overdue, action.due_on));
    let figures = is24::latest(conn, municipality, i16::try_from(year).unwrap_or(i16::MAX))?;
    let is24 = figures
        .first()
        .map(|first| first.report_year)
        .map(|report_year| Is24Picture {
            report_year,
            figures: figures.into_iter().map(FigureView::from).collect(),
        });
    let quarters = counted.quarters();
    let meetings = published_meetings(conn, served)?
        .table
        .view(|quarter| quarters.iter().any(|counted| counted == quarter));
    let network_meetings_logged = meetings
        .rows
        .iter()
        .position(|row| row == number)
        .map_or_else(zero, |row| meetings.row_totals[row].clone());
    let learning_networks =
        store::network_memberships(conn, municipality, (counted.from, counted.to))?
            .into_iter()
            .map(|place| NetworkPlace {
                network_id: place.network_id,
                name: place.name,
                service: place.service,
                gatherings_held: place.gatherings_held,
                gatherings_attended: place.gatherings_attended,
            })
            .collect();
    let risk = match reader {
        MunicipalityReader::Governor => {
            risks_by_municipality(conn, &county, today)?.remove(&municipality)
        }
        MunicipalityReader::Municipality => None,
    };
    Ok(Ok(MunicipalityPicture {
        municipality_id: municipality,
        municipality_number: number.to_owned(),
        year,
        quarters_counted: quarters,
        needs,
        follow_up_actions,
        is24,
        people: CountyFigures::published(conn, &county, counted)?.of_municipality(number),
        network_meetings_logged,
        learning_networks,
        risk,
    }))
}

/// One municipality's headline figures in its county's overview.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverviewRow {
    /// The municipality.
    pub municipality_id: Uuid,
    /// Its kommunenummer.
    pub municipality_number: String,
    /// Its name.
    pub name: String,
    /// The governor's latest risk judgement.
    pub risk: Option<RiskLevel>,
    /// Its trend.
    pub risk_trend: Option<RiskTrend>,
    /// Needs and requests waiting for help (open or accepted).
    pub pending_needs: i64,
    /// Follow-up actions overdue today.
    pub overdue_actions: i64,
    /// Counts about people, suppressed: the same figures as the municipality's picture.
    #[serde(flatten)]
    pub people: PeopleFigures,
}

/// How the overview is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OverviewOrder {
    /// By kommunenummer.
    #[default]
    Number,
    /// Highest risk first (then most overdue actions); no judgement last.
    Risk,
    /// Most overdue actions first (then highest risk).
    OverdueActions,
}

/// A county's overview for a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountyOverview {
    /// The county (fylkesnummer).
    pub county_number: String,
    /// The year.
    pub year: i32,
    /// The quarters the counts about people cover.
    pub quarters_counted: Vec<String>,
    /// One row per municipality of the county.
    pub municipalities: Vec<OverviewRow>,
    /// The county's counts about people: the totals of the same tables.
    pub totals: PeopleFigures,
}

/// The overview of the county numbered `county` in `year` on `today`, sorted by `order`, for
/// that county's governor: `None` for anyone else.
pub fn county_overview(
    conn: &mut PgConnection,
    caller: &Caller,
    county: &str,
    (year, today): (i32, NaiveDate),
    order: OverviewOrder,
) -> Result<Option<CountyOverview>, UseCaseError> {
    let counted = Counted::of(year, today)?;
    if crate::dialogue::access_of(conn, caller)?.governs() != Some(county) {
        return Ok(None);
    }
    let figures = CountyFigures::published(conn, county, counted)?;
    let mut risks = risks_by_municipality(conn, county, today)?;
    let count_by = |counts: Vec<store::MunicipalityCount>| -> BTreeMap<Uuid, i64> {
        counts
            .into_iter()
            .map(|count| (count.municipality_id, count.count))
            .collect()
    };
    let needs = count_by(store::pending_needs(conn, county)?);
    let overdue = count_by(store::overdue_actions(conn, county, today)?);
    let mut municipalities: Vec<OverviewRow> = store::municipalities(conn, county)?
        .into_iter()
        .map(|CountyMunicipality { id, number, name }| {
            let risk = risks.remove(&id);
            OverviewRow {
                people: figures.of_municipality(&number),
                risk: risk.as_ref().map(|risk| risk.latest),
                risk_trend: risk.map(|risk| risk.trend),
                pending_needs: needs.get(&id).copied().unwrap_or(0),
                overdue_actions: overdue.get(&id).copied().unwrap_or(0),
                municipality_id: id,
                municipality_number: number,
                name,
            }
        })
        .collect();
    let risk_rank = |row: &OverviewRow| std::cmp::Reverse(row.risk.map(|level| level as u8 + 1));
    match order {
        OverviewOrder::Number => {}
        OverviewOrder::Risk => municipalities
            .sort_by_key(|row| (risk_rank(row), std::cmp::Reverse(row.overdue_actions))),
        OverviewOrder::OverdueActions => municipalities
            .sort_by_key(|row| (std::cmp::Reverse(row.overdue_actions), risk_rank(row))),
    }
    Ok(Some(CountyOverview {
        county_number: county.to_owned(),
        year,
        quarters_counted: counted.quarters(),
        municipalities,
        totals: figures.totals,
    }))
}

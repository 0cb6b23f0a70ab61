//! The published group statistics: every breakdown of one measure and year suppressed together
//! (`statistics::linked`), since a reader may ask for all of them and difference one against
//! another; and the average wait, published by centre only.

use crate::kept::{kept_or_computed, Keeping};
use crate::UseCaseError;
use chrono::{Datelike, NaiveDate};
use samhandling_domain::group::{GroupDimension, GroupMeasure};
use samhandling_domain::statistics::linked::{Breakdowns, CubeCell, LinkedTables};
use samhandling_domain::statistics::{mean_if_enough, SuppressedTable};
use samhandling_persistence::group_statistics as store;
use samhandling_persistence::{PgConnection, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One measure's figures for a period, in every breakdown. It serializes, so that it is kept and
/// served again while the counts behind it stand.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupFigures {
    tables: LinkedTables,
    /// Days waited and people placed, by centre (places only).
    waits_by_centre: BTreeMap<String, (f64, u64)>,
}

/// Average waits beside a breakdown, by its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Waits {
    /// One per row of the breakdown, `None` where not published.
    pub rows: Vec<Option<f64>>,
    /// Over everyone counted, `None` where not published.
    pub total: Option<f64>,
}

/// The cube's dimensions, in the order of its labels.
const DIMENSIONS: [GroupDimension; 4] = [
    GroupDimension::Centre,
    GroupDimension::Theme,
    GroupDimension::Municipality,
    GroupDimension::Quarter,
];

fn dimension(of: GroupDimension) -> usize {
    DIMENSIONS.iter().position(|d| *d == of).unwrap_or(0)
}

/// The figures of `measure` for the quarters of `year` that ended before `today`, suppressed
/// together. A quarter still running is not counted: a referrer learns the day its person is
/// placed, and a figure that moved that day (a theme's count in its centre's row) would tell it
/// the group's theme. Counted once the quarter is over, a place is one of the quarter's many.
pub fn publish(
    conn: &mut PgConnection,
    measure: GroupMeasure,
    year: i32,
    today: NaiveDate,
) -> Result<GroupFigures, UseCaseError> {
    let (Some(from), Some(next_year)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year + 1, 1, 1),
    ) else {
        return Err(UseCaseError::invalid("year", "range", "not a year"));
    };
    let to = next_year.min(quarter_start(today));
    let version = store::version(conn, from, to)?;
    let (_, figures) = kept_or_computed(conn, &Kept { measure, year, to }, version, |conn| {
        compute(conn, measure, from, to)
    })?;
    Ok(figures)
}

/// Where the figures of `measure`'s `year` counted until `to` are kept.
struct Kept {
    measure: GroupMeasure,
    year: i32,
    to: NaiveDate,
}

impl Keeping for Kept {
    fn kept(
        &self,
        conn: &mut PgConnection,
    ) -> Result<Option<(i64, serde_json::Value)>, StoreError> {
        store::kept(conn, self.measure, (self.year, self.to))
    }

    fn claim_refresh(&self, conn: &mut PgConnection) -> Result<bool, StoreError> {
        store::claim_refresh(conn, self.measure, (self.year, self.to))
    }

    fn keep(
        &self,
        conn: &mut PgConnection,
        version: i64,
        figures: &serde_json::Value,
    ) -> Result<(), StoreError> {
        store::keep(conn, self.measure, (self.year, self.to), version, figures)
    }
}

/// The figures of `measure` from `from` to the day before `to`, computed afresh.
fn compute(
    conn: &mut PgConnection,
    measure: GroupMeasure,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<GroupFigures, UseCaseError> {
    let counts = store::cube(conn, measure, from, to)?;
    let mut waits_by_centre: BTreeMap<String, (f64, u64)> = BTreeMap::new();
    let cells: Vec<CubeCell> = counts
        .into_iter()
        .map(|count| {
            let n = u64::try_from(count.count).unwrap_or(0);
            let wait = waits_by_centre.entry(count.centre.clone()).or_default();
            wait.0 += count.wait_days;
            wait.1 += n;
            // A centre knows its own places.
            CubeCell {
                known_by: vec![count.centre.clone()],
                labels: vec![count.centre, count.theme, count.municipality, count.quarter],
                count: n,
            }
        })
        .collect();
    if measure != GroupMeasure::MembersPlaced {
        waits_by_centre.clear();
    }
    Ok(GroupFigures {
        tables: LinkedTables::publish(DIMENSIONS.len(), &cells, Breakdowns::All),
        waits_by_centre,
    })
}

/// The first day of the quarter `day` is in. In UTC, which is behind Norwegian time: a quarter
/// that has begun in UTC has begun in Norway.
pub fn quarter_start(day: NaiveDate) -> NaiveDate {
    let month = (day.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(day.year(), month, 1).unwrap_or(day)
}

impl GroupFigures {
    /// The breakdown by `rows` and `columns` (different dimensions), as every breakdown marks
    /// its figures.
    pub fn table(&self, rows: GroupDimension, columns: GroupDimension) -> SuppressedTable {
        self.tables.table(dimension(rows), dimension(columns))
    }

    /// The average wait beside the breakdown whose rows are `row_labels` of `rows`. Averages are
    /// published by centre only, each over at least 5 people and beside a shown count: averages
    /// by two breakdowns could be differenced (a centre's against a municipality's) into a few
    /// people's wait. The total shows only when every centre's average does, since beside them it
    /// would give a withheld one away.
    pub fn waits(&self, rows: GroupDimension, row_labels: &[String]) -> Waits {
        // An average tells that at least 5 stand behind it: only beside a centre's count that is
        // shown, so that it says no more of a hidden one than its marker does.
        let by_centre = self.table(GroupDimension::Centre, GroupDimension::Quarter);
        let count_shown = |centre: &str| {
            by_centre
                .rows
                .iter()
                .position(|row| row == centre)
                .is_some_and(|r| by_centre.row_totals[r].count.is_some())
        };
        let mean = |centre: &str, (sum, people): &(f64, u64)| {
            count_shown(centre)
                .then(|| mean_if_enough(*sum, *people))
                .flatten()
        };
        let (sum, people) = self
            .waits_by_centre
            .values()
            .fold((0.0, 0), |(sum, n), (s, c)| (sum + s, n + c));
        let total = (by_centre.total.count.is_some()
            && self
                .waits_by_centre
                .iter()
                .all(|(centre, wait)| mean(centre, wait).is_some()))
        .then(|| mean_if_enough(sum, people))
        .flatten();
        Waits {
            rows: row_labels
                .iter()
                .map(|label| {
                    (rows == GroupDimension::Centre)
                        .then(|| {
                            self.waits_by_centre
                                .get(label)
                                .and_then(|wait| mean(label, wait))
                        })
                        .flatten()
                })
                .collect(),
            total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::quarter_start;
    use chrono::NaiveDate;

    #[test]
    fn a_day_belongs_to_the_quarter_that_begins_on_the_first_of_its_third_month_back() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a date");
        assert_eq!(quarter_start(day(2026, 12, 6)), day(2026, 10, 1));
        assert_eq!(quarter_start(day(2026, 10, 1)), day(2026, 10, 1));
        assert_eq!(quarter_start(day(2026, 3, 31)), day(2026, 1, 1));
        assert_eq!(quarter_start(day(2027, 6, 30)), day(2027, 4, 1));
    }
}

//! The published group statistics: every breakdown of one measure and year suppressed together
//! (`statistics::linked`), since a reader may ask for all of them and difference one against
//! another; and the average wait, published by centre only.

use crate::UseCaseError;
use chrono::NaiveDate;
use samhandling_domain::group::{GroupDimension, GroupMeasure};
use samhandling_domain::statistics::linked::{CubeCell, LinkedTables};
use samhandling_domain::statistics::{mean_if_enough, SuppressedTable};
use samhandling_persistence::group_statistics as store;
use samhandling_persistence::PgConnection;
use std::collections::BTreeMap;

/// One measure's figures for a period, in every breakdown.
#[derive(Debug, Clone)]
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

/// The figures of `measure` from `from` to the day before `to`, suppressed together.
pub fn publish(
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
            CubeCell {
                labels: vec![count.centre, count.theme, count.municipality, count.quarter],
                count: n,
            }
        })
        .collect();
    if measure != GroupMeasure::MembersPlaced {
        waits_by_centre.clear();
    }
    Ok(GroupFigures {
        tables: LinkedTables::publish(
            DIMENSIONS.len(),
            &cells,
            Some(dimension(GroupDimension::Centre)),
        ),
        waits_by_centre,
    })
}

impl GroupFigures {
    /// The breakdown by `rows` and `columns` (different dimensions), as every breakdown marks
    /// its figures.
    pub fn table(&self, rows: GroupDimension, columns: GroupDimension) -> SuppressedTable {
        self.tables.table(dimension(rows), dimension(columns))
    }

    /// The average wait beside the breakdown whose rows are `row_labels` of `rows`. Averages are
    /// published by centre only, each over at least 5 people: averages by two breakdowns could
    /// be differenced (a centre's against a municipality's) into a few people's wait. The total
    /// shows only when every centre's average does, since beside them it would give a withheld
    /// one away.
    pub fn waits(&self, rows: GroupDimension, row_labels: &[String]) -> Waits {
        let mean = |(sum, people): &(f64, u64)| mean_if_enough(*sum, *people);
        let (sum, people) = self
            .waits_by_centre
            .values()
            .fold((0.0, 0), |(sum, n), (s, c)| (sum + s, n + c));
        let total = self
            .waits_by_centre
            .values()
            .all(|wait| mean(wait).is_some())
            .then(|| mean_if_enough(sum, people))
            .flatten();
        Waits {
            rows: row_labels
                .iter()
                .map(|label| {
                    (rows == GroupDimension::Centre)
                        .then(|| self.waits_by_centre.get(label).and_then(mean))
                        .flatten()
                })
                .collect(),
            total,
        }
    }
}

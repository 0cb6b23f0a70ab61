//! The attacker of published statistics, as a test harness: a reader who can call every
//! statistics endpoint with every filter, and reasons over all that was published at once.
//!
//! Each published figure is a constraint on the true counts of the finest cells the reader can
//! name (a municipality's quarter, say): a number is the sum of its cells exactly, `<5` puts the
//! sum between 1 and 4, a hidden `x` says nothing but that it is not negative. The reader
//! tightens the bounds of every cell by interval propagation over all constraints until nothing
//! changes, which finds what direct reading, differencing of tables and the two markers
//! combined give away (a linear program can do no better on a single cell's bounds when the
//! constraints are as these are, sums with intervals, but it can be slower to reach it).
//! A true count of 1 to 4 is disclosed when its bounds are narrower than the `<5` marker
//! promises: anything other than "between 1 and 4", or wider.

use serde_json::Value;
use std::collections::BTreeMap;

/// A cell the reader can name: a row label and a column label.
pub type CellName = (String, String);

/// What a published figure says of the sum of its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// The smallest the sum can be.
    pub low: u64,
    /// The largest; `u64::MAX` for unbounded.
    pub high: u64,
    /// Whether the sum is known not to be 1 to 4 (a hidden `x`: 0, or 5 and more).
    pub not_small: bool,
}

const UNKNOWN: Bounds = Bounds {
    low: 0,
    high: u64::MAX,
    not_small: false,
};

impl Bounds {
    /// The bounds a published cell (`{"count", "shown", "suppressed"}`) gives.
    pub fn of_published(cell: &Value) -> Bounds {
        if let Some(count) = cell["count"].as_u64() {
            return Bounds {
                low: count,
                high: count,
                not_small: false,
            };
        }
        match cell["shown"].as_str() {
            Some("<5") => Bounds {
                low: 1,
                high: 4,
                not_small: false,
            },
            Some("x") => Bounds {
                not_small: true,
                ..UNKNOWN
            },
            _ => UNKNOWN,
        }
    }
}

/// One constraint: the true counts of `cells` sum to within `bounds`.
#[derive(Debug, Clone)]
struct Constraint {
    cells: Vec<CellName>,
    bounds: Bounds,
    source: String,
}

/// Everything the reader harvested, and what it concludes.
#[derive(Debug, Default, Clone)]
pub struct Reader {
    constraints: Vec<Constraint>,
}

/// A true count of 1 to 4 the reader narrowed beyond its marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure {
    /// The cell.
    pub cell: CellName,
    /// Its true count.
    pub truth: u64,
    /// What the reader concluded.
    pub low: u64,
    /// What the reader concluded.
    pub high: u64,
}

impl Reader {
    /// Takes in a published table (the shared `Table` shape: `columns`, `rows` with `label`,
    /// `cells` and `total`, `column_totals`, `total`) that covers `universe`: the cells the
    /// reader knows the table's filter includes. A cell of the universe that the table does not
    /// list was counted as 0 (tables leave out empty rows and columns).
    pub fn harvest(&mut self, source: &str, table: &Value, universe: &[CellName]) {
        self.harvest_projected(source, table, universe, Clone::clone);
    }

    /// Takes in a published table whose cells are sums of the reader's finer cells: `project`
    /// names the row and column of the table that a cell of `universe` counts in (a group
    /// statistics breakdown by municipality and theme, of cells named by centre, theme and
    /// municipality, say). A cell whose row or column the table does not list was counted as 0.
    pub fn harvest_projected(
        &mut self,
        source: &str,
        table: &Value,
        universe: &[CellName],
        project: impl Fn(&CellName) -> CellName,
    ) {
        let columns: Vec<String> = table["columns"]
            .as_array()
            .map(|columns| {
                columns
                    .iter()
                    .filter_map(|c| c.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let rows = table["rows"].as_array().cloned().unwrap_or_default();
        let row_labels: Vec<String> = rows
            .iter()
            .filter_map(|row| row["label"].as_str().map(str::to_owned))
            .collect();
        let projected: Vec<(CellName, CellName)> = universe
            .iter()
            .map(|cell| (cell.clone(), project(cell)))
            .collect();
        let those = |keep: &dyn Fn(&CellName) -> bool| -> Vec<CellName> {
            projected
                .iter()
                .filter(|(_, at)| keep(at))
                .map(|(cell, _)| cell.clone())
                .collect()
        };
        let unlisted = those(&|(row, column): &CellName| {
            !row_labels.contains(row) || !columns.contains(column)
        });
        for cell in unlisted {
            let zero = Bounds {
                low: 0,
                high: 0,
                not_small: false,
            };
            self.add(source, vec![cell], zero);
        }
        for (row, label) in rows.iter().zip(&row_labels) {
            let cells = row["cells"].as_array().cloned().unwrap_or_default();
            for (cell, column) in cells.iter().zip(&columns) {
                let at = (label.clone(), column.clone());
                self.add(source, those(&|p| *p == at), Bounds::of_published(cell));
            }
            let whole_row = those(&|(r, _)| r == label);
            self.add(source, whole_row, Bounds::of_published(&row["total"]));
        }
        let totals = table["column_totals"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for (total, column) in totals.iter().zip(&columns) {
            let whole_column = those(&|(_, c)| c == column);
            self.add(source, whole_column, Bounds::of_published(total));
        }
        self.add(
            source,
            universe.to_vec(),
            Bounds::of_published(&table["total"]),
        );
    }

    /// What the reader knows without asking: `cell` holds `count` (a centre knows its own
    /// groups' places).
    pub fn know(&mut self, cell: &CellName, count: u64) {
        let exact = Bounds {
            low: count,
            high: count,
            not_small: false,
        };
        self.add("own records", vec![cell.clone()], exact);
    }

    fn add(&mut self, source: &str, cells: Vec<CellName>, bounds: Bounds) {
        if bounds == UNKNOWN {
            return;
        }
        self.constraints.push(Constraint {
            cells,
            bounds,
            source: source.to_owned(),
        });
    }

    /// The tightest bounds of every cell named in a constraint, by propagation to a fixpoint.
    pub fn bounds(&self) -> BTreeMap<CellName, Bounds> {
        let mut bounds: BTreeMap<CellName, Bounds> = BTreeMap::new();
        for constraint in &self.constraints {
            for cell in &constraint.cells {
                bounds.entry(cell.clone()).or_insert(UNKNOWN);
            }
        }
        let mut changed = true;
        while changed {
            changed = false;
            for constraint in &self.constraints {
                let sum_low: u64 = constraint.cells.iter().map(|c| bounds[c].low).sum();
                let sum_high = constraint
                    .cells
                    .iter()
                    .map(|c| bounds[c].high)
                    .try_fold(0_u64, u64::checked_add);
                // A hidden `x` (not 1 to 4): once the sum cannot reach 5 it is 0, and once it
                // cannot be 0 it is at least 5.
                let mut limit = constraint.bounds;
                if limit.not_small {
                    if sum_high.is_some_and(|high| high < 5) {
                        limit.high = 0;
                    } else if sum_low >= 1 {
                        limit.low = limit.low.max(5);
                    }
                }
                for cell in &constraint.cells {
                    let own = bounds[cell];
                    let others_low = sum_low - own.low;
                    let others_high = sum_high.map(|high| high - own.high);
                    let mut tightened = own;
                    if let Some(others_high) = others_high {
                        tightened.low = tightened.low.max(limit.low.saturating_sub(others_high));
                    }
                    tightened.high = tightened.high.min(limit.high.saturating_sub(others_low));
                    if tightened != own {
                        bounds.insert(cell.clone(), tightened);
                        changed = true;
                    }
                }
            }
        }
        bounds
    }

    /// Every true count of 1 to 4 that the reader narrowed beyond "between 1 and 4": of a cell
    /// in `truth`, or of a published figure (a sum of cells, as a breakdown's cell or total); and
    /// every part of a figure of 1 to 4 that `truth` holds (the rest being the reader's own)
    /// that the reader pins.
    pub fn disclosures(&self, truth: &BTreeMap<CellName, u64>) -> Vec<Disclosure> {
        let bounds = self.bounds();
        let narrowed =
            |truth: u64, low: u64, high: u64| (1..5).contains(&truth) && (low > 1 || high < 4);
        let mut found: Vec<Disclosure> = truth
            .iter()
            .filter_map(|(cell, count)| {
                let known = bounds.get(cell)?;
                narrowed(*count, known.low, known.high).then_some(Disclosure {
                    cell: cell.clone(),
                    truth: *count,
                    low: known.low,
                    high: known.high,
                })
            })
            .collect();
        // The part of each published sum that `truth` holds (all of it, or what is not the
        // reader's own), as tightly as the reader can bound it.
        for constraint in &self.constraints {
            let part: Vec<&CellName> = constraint
                .cells
                .iter()
                .filter(|cell| truth.contains_key(*cell))
                .collect();
            if part.len() < 2 {
                continue;
            }
            let count: u64 = part.iter().map(|cell| truth[*cell]).sum();
            let mut low = part.iter().map(|cell| bounds[*cell].low).sum::<u64>();
            let mut high = part
                .iter()
                .map(|cell| bounds[*cell].high)
                .try_fold(0_u64, u64::checked_add)
                .unwrap_or(u64::MAX);
            let whole = part.len() == constraint.cells.len();
            if whole {
                low = low.max(constraint.bounds.low);
                high = high.min(constraint.bounds.high);
            }
            let name = (
                format!("sum of {} cells in {}", part.len(), constraint.source),
                format!("{part:?}"),
            );
            // A published figure keeps its marker's 1 to 4; of a part of one (what is left of it
            // beside the reader's own records), the reader may know no more than its cells'
            // markers tell, and must not pin it.
            let disclosed = if whole {
                narrowed(count, low, high)
            } else {
                (1..5).contains(&count) && low == high
            };
            if disclosed && !found.iter().any(|d| d.cell.1 == name.1) {
                found.push(Disclosure {
                    cell: name,
                    truth: count,
                    low,
                    high,
                });
            }
        }
        found
    }

    /// What this reader narrows of the others' counts once it also knows every true count of the
    /// row `row` (its own records, as an employer or a county's governor knows them): an insider
    /// may subtract what is its own, and what is left must give no one else away.
    pub fn insider_disclosures(
        &self,
        truth: &BTreeMap<CellName, u64>,
        row: &str,
    ) -> Vec<Disclosure> {
        let mut insider = self.clone();
        let (own, others): (BTreeMap<CellName, u64>, BTreeMap<CellName, u64>) = truth
            .iter()
            .map(|(cell, count)| (cell.clone(), *count))
            .partition(|((cell_row, _), _)| cell_row == row);
        for (cell, count) in &own {
            insider.know(cell, *count);
        }
        insider.disclosures(&others)
    }

    /// The sources of the figures harvested, for a report.
    pub fn sources(&self) -> usize {
        let mut sources: Vec<&str> = self.constraints.iter().map(|c| c.source.as_str()).collect();
        sources.sort_unstable();
        sources.dedup();
        sources.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cell(count: Option<u64>, shown: &str) -> Value {
        json!({"count": count, "shown": shown})
    }

    #[test]
    fn differencing_a_total_against_a_filtered_table_pins_a_small_count() {
        let a23 = ("A".to_owned(), "2023-Q1".to_owned());
        let a24 = ("A".to_owned(), "2024-Q1".to_owned());
        let all = [a23.clone(), a24.clone()];
        let mut reader = Reader::default();
        // All years: 6 and 2 hidden, the row total 8 shown.
        reader.harvest(
            "all",
            &json!({
                "columns": ["2023-Q1", "2024-Q1"],
                "rows": [{"label": "A", "cells": [cell(None, "x"), cell(None, "<5")], "total": cell(Some(8), "8")}],
                "column_totals": [cell(None, "x"), cell(None, "<5")],
                "total": cell(Some(8), "8")
            }),
            &all,
        );
        // 2023 alone: 6.
        reader.harvest(
            "2023",
            &json!({
                "columns": ["2023-Q1"],
                "rows": [{"label": "A", "cells": [cell(Some(6), "6")], "total": cell(Some(6), "6")}],
                "column_totals": [cell(Some(6), "6")],
                "total": cell(Some(6), "6")
            }),
            std::slice::from_ref(&a23),
        );
        let truth = BTreeMap::from([(a23, 6), (a24.clone(), 2)]);
        assert_eq!(
            reader.disclosures(&truth),
            [Disclosure {
                cell: a24,
                truth: 2,
                low: 2,
                high: 2
            }]
        );
    }

    /// A reader of one quarter's column: A's count shown as `<5` and B's as `x`, with the
    /// column's total and the grand total as `total`.
    fn column_of_two(total: &Value) -> (Reader, CellName, CellName) {
        let a = ("A".to_owned(), "2024-Q1".to_owned());
        let b = ("B".to_owned(), "2024-Q1".to_owned());
        let mut reader = Reader::default();
        reader.harvest(
            "all",
            &json!({
                "columns": ["2024-Q1"],
                "rows": [
                    {"label": "A", "cells": [cell(None, "<5")], "total": cell(None, "<5")},
                    {"label": "B", "cells": [cell(None, "x")], "total": cell(None, "x")}
                ],
                "column_totals": [total],
                "total": total
            }),
            &[a.clone(), b.clone()],
        );
        (reader, a, b)
    }

    #[test]
    fn the_two_markers_and_a_total_pin_both_cells() {
        let (reader, a, b) = column_of_two(&cell(Some(6), "6"));
        let truth = BTreeMap::from([(a.clone(), 1), (b, 5)]);
        assert_eq!(
            reader.disclosures(&truth),
            [Disclosure {
                cell: a,
                truth: 1,
                low: 1,
                high: 1
            }]
        );
    }

    #[test]
    fn a_small_count_behind_its_marker_alone_is_not_disclosed() {
        let (reader, a, b) = column_of_two(&cell(None, "x"));
        let truth = BTreeMap::from([(a, 3), (b, 9)]);
        assert_eq!(reader.disclosures(&truth), []);
    }
}

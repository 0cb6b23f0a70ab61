//! Small-cell suppression for every published count. A count of 1 to 4 people or groups could
//! point at someone in a small municipality, so it is shown as `<5`; and because a row or column
//! total would let a reader subtract their way back to a hidden cell, a second cell is hidden
//! wherever only one would be (secondary suppression). Hiding two per line is not enough, since
//! the totals of other lines and the markers themselves (`<5` is 1 to 4, `x` is 0 or at least 5)
//! can still pin a hidden count; so the pattern is then audited the way a reader would attack it
//! (every published figure as a constraint, each hidden count's bounds tightened until nothing
//! changes), and more is hidden until no count of 1 to 4 is narrowed beyond `<5`. Written once,
//! in [`linked`], for groups, network meetings, dialogue records and learning networks alike; a
//! single table goes through it as [`suppress`].

use serde::Serialize;
use utoipa::ToSchema;

pub mod linked;

/// The smallest count shown as it is.
pub const SMALLEST_SHOWN: u64 = 5;

/// A table of counts before suppression: `counts[row][column]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountTable {
    /// The row labels.
    pub rows: Vec<String>,
    /// The column labels.
    pub columns: Vec<String>,
    /// One count per row and column.
    pub counts: Vec<Vec<u64>>,
}

impl CountTable {
    /// A table from `(row, column, count)` triples; labels sort, and a missing pair counts 0.
    pub fn from_triples(triples: impl IntoIterator<Item = (String, String, u64)>) -> CountTable {
        let triples: Vec<_> = triples.into_iter().collect();
        let mut rows: Vec<String> = triples.iter().map(|(row, _, _)| row.clone()).collect();
        let mut columns: Vec<String> = triples
            .iter()
            .map(|(_, column, _)| column.clone())
            .collect();
        rows.sort();
        rows.dedup();
        columns.sort();
        columns.dedup();
        let mut counts = vec![vec![0; columns.len()]; rows.len()];
        for (row, column, count) in triples {
            if let (Ok(r), Ok(c)) = (rows.binary_search(&row), columns.binary_search(&column)) {
                counts[r][c] += count;
            }
        }
        CountTable {
            rows,
            columns,
            counts,
        }
    }
}

/// Why a cell is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Suppression {
    /// The count is between 1 and 4.
    Primary,
    /// Hidden so that a total cannot reveal a primary cell.
    Secondary,
    /// Not published for this view of the table: it is not a sum of the full table's published
    /// figures, so showing it would let a reader difference two views.
    Unpublished,
}

/// One published count: the number, or why it is hidden.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
#[schema(example = json!({"count": null, "shown": "<5", "suppressed": "primary"}))]
pub struct Cell {
    /// The count; `null` when hidden.
    pub count: Option<u64>,
    /// The count as text to display: the number, `<5` when it is small, `x` when it is hidden
    /// to protect another cell (it is then 0 or at least 5), `..` when this view does not publish
    /// it.
    pub shown: String,
    /// Why it is hidden, if it is.
    pub suppressed: Option<Suppression>,
}

/// A table with its row and column totals, after suppression. It serializes, so that a
/// published table can be kept and served again while its counts stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SuppressedTable {
    /// The row labels.
    pub rows: Vec<String>,
    /// The column labels.
    pub columns: Vec<String>,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<Cell>>,
    /// One total per row.
    pub row_totals: Vec<Cell>,
    /// One total per column.
    pub column_totals: Vec<Cell>,
    /// The grand total.
    pub total: Cell,
}

/// Hides every count of 1 to 4, then hides more until no row or column (totals included) has
/// exactly one hidden entry and no published figure narrows a count of 1 to 4 beyond `<5`: the
/// table as the one breakdown of [`linked::LinkedTables`], where every audit lives.
pub fn suppress(table: &CountTable) -> SuppressedTable {
    suppress_known(table, |_, _| Vec::new())
}

/// [`suppress`], also against each organisation that knows some cells from its own records
/// (`known_by(row, column)`): subtracting them must not pin anyone else's count either.
pub fn suppress_known(
    table: &CountTable,
    known_by: impl Fn(&str, &str) -> Vec<String>,
) -> SuppressedTable {
    let cells: Vec<linked::CubeCell> = table
        .rows
        .iter()
        .zip(&table.counts)
        .flat_map(|(row, counts)| {
            table
                .columns
                .iter()
                .zip(counts)
                .map(|(column, count)| linked::CubeCell {
                    labels: vec![row.clone(), column.clone()],
                    count: *count,
                    known_by: known_by(row, column),
                })
        })
        .collect();
    let published =
        linked::LinkedTables::publish(2, &cells, linked::Breakdowns::Only(&[(0, 1)])).table(0, 1);
    published.over(&table.rows, &table.columns)
}

/// A table whose every cell is published on its own, through [`suppress`] as a table of one
/// count, so that its marker is the same in every table that shows it: a count of 1 to 4 is `<5`,
/// any other is shown. Each total is the sum of its shown cells, `..` where one of them is hidden.
/// For tables a reader may hold many of, each over rows and columns of its own choosing (a
/// funder's reports on its grants, over the periods and activities it named): no published
/// figure is a sum over a hidden count, so no two of them can be differenced down to one.
pub fn cellwise(table: &CountTable) -> SuppressedTable {
    let alone = |count: u64| {
        suppress(&CountTable {
            rows: vec![String::new()],
            columns: vec![String::new()],
            counts: vec![vec![count]],
        })
        .total
    };
    let cells: Vec<Vec<Cell>> = table
        .counts
        .iter()
        .map(|row| row.iter().map(|count| alone(*count)).collect())
        .collect();
    with_published_totals(table.rows.clone(), table.columns.clone(), cells)
}

/// A table of `cells` published already (each alone, or taken from another published table),
/// with its totals published only as sums of shown cells, as [`cellwise`] publishes them.
pub fn with_published_totals(
    rows: Vec<String>,
    columns: Vec<String>,
    cells: Vec<Vec<Cell>>,
) -> SuppressedTable {
    let row_totals: Vec<Cell> = cells
        .iter()
        .map(|row| sum_of_published(row.iter()))
        .collect();
    let column_totals: Vec<Cell> = (0..columns.len())
        .map(|c| sum_of_published(cells.iter().filter_map(|row| row.get(c))))
        .collect();
    SuppressedTable {
        rows,
        columns,
        total: sum_of_published(row_totals.iter()),
        cells,
        row_totals,
        column_totals,
    }
}

impl SuppressedTable {
    /// This table over `rows` and `columns`, a row or column it lacks (it held no count) shown
    /// as zeros.
    fn over(&self, rows: &[String], columns: &[String]) -> SuppressedTable {
        let zero = || Cell {
            count: Some(0),
            shown: "0".to_owned(),
            suppressed: None,
        };
        let row_at = |label: &String| self.rows.iter().position(|r| r == label);
        let column_at = |label: &String| self.columns.iter().position(|c| c == label);
        SuppressedTable {
            rows: rows.to_vec(),
            columns: columns.to_vec(),
            cells: rows
                .iter()
                .map(|row| {
                    columns
                        .iter()
                        .map(|column| match (row_at(row), column_at(column)) {
                            (Some(r), Some(c)) => self.cells[r][c].clone(),
                            _ => zero(),
                        })
                        .collect()
                })
                .collect(),
            row_totals: rows
                .iter()
                .map(|row| row_at(row).map_or_else(zero, |r| self.row_totals[r].clone()))
                .collect(),
            column_totals: columns
                .iter()
                .map(|column| {
                    column_at(column).map_or_else(zero, |c| self.column_totals[c].clone())
                })
                .collect(),
            total: self.total.clone(),
        }
    }

    /// The view of this table through a filter on its columns (a year of quarters, say): every
    /// row, the columns `keep` takes, their totals as they are. A row total or the grand total of
    /// the view is published only where it is the sum of published figures (all its cells shown),
    /// and is otherwise `..`: a figure computed afresh for the filter would let a reader
    /// difference two views and recover what the full table hides.
    #[must_use]
    pub fn view(&self, keep: impl Fn(&str) -> bool) -> SuppressedTable {
        let kept: Vec<usize> = (0..self.columns.len())
            .filter(|&c| keep(&self.columns[c]))
            .collect();
        if kept.len() == self.columns.len() {
            return self.clone();
        }
        let cells: Vec<Vec<Cell>> = self
            .cells
            .iter()
            .map(|row| kept.iter().map(|&c| row[c].clone()).collect())
            .collect();
        let column_totals: Vec<Cell> = kept
            .iter()
            .map(|&c| self.column_totals[c].clone())
            .collect();
        SuppressedTable {
            rows: self.rows.clone(),
            columns: kept.iter().map(|&c| self.columns[c].clone()).collect(),
            row_totals: cells
                .iter()
                .map(|row| sum_of_published(row.iter()))
                .collect(),
            total: sum_of_published(column_totals.iter()),
            cells,
            column_totals,
        }
    }
}

impl SuppressedTable {
    /// The view of this table through a filter on its rows (a county, say): the rows `keep`
    /// takes with their cells and totals as they are, every column. A column total or the grand
    /// total of the view is published only where it is the sum of published figures, else `..`.
    #[must_use]
    pub fn rows_view(&self, keep: impl Fn(&str) -> bool) -> SuppressedTable {
        let kept: Vec<usize> = (0..self.rows.len())
            .filter(|&r| keep(&self.rows[r]))
            .collect();
        if kept.len() == self.rows.len() {
            return self.clone();
        }
        let cells: Vec<Vec<Cell>> = kept.iter().map(|&r| self.cells[r].clone()).collect();
        let row_totals: Vec<Cell> = kept.iter().map(|&r| self.row_totals[r].clone()).collect();
        SuppressedTable {
            rows: kept.iter().map(|&r| self.rows[r].clone()).collect(),
            columns: self.columns.clone(),
            column_totals: (0..self.columns.len())
                .map(|c| sum_of_published(cells.iter().map(|row| &row[c])))
                .collect(),
            total: sum_of_published(row_totals.iter()),
            cells,
            row_totals,
        }
    }

    /// A table published as it is: every count shown, for figures that are not about people
    /// (organisations reached, the governor's own meetings).
    pub fn exact(table: &CountTable) -> SuppressedTable {
        let shown = |count: u64| Cell {
            count: Some(count),
            shown: count.to_string(),
            suppressed: None,
        };
        let width = table.columns.len();
        let column_totals: Vec<u64> = (0..width)
            .map(|c| table.counts.iter().map(|row| row[c]).sum())
            .collect();
        SuppressedTable {
            rows: table.rows.clone(),
            columns: table.columns.clone(),
            cells: table
                .counts
                .iter()
                .map(|row| row.iter().map(|count| shown(*count)).collect())
                .collect(),
            row_totals: table
                .counts
                .iter()
                .map(|row| shown(row.iter().sum()))
                .collect(),
            total: shown(column_totals.iter().sum()),
            column_totals: column_totals.into_iter().map(shown).collect(),
        }
    }
}

/// The sum of published cells, or `..` where one of them is hidden.
fn sum_of_published<'a>(cells: impl Iterator<Item = &'a Cell>) -> Cell {
    cells
        .map(|cell| cell.count)
        .sum::<Option<u64>>()
        .map_or_else(
            || Cell::hidden(Suppression::Unpublished),
            |count| Cell {
                count: Some(count),
                shown: count.to_string(),
                suppressed: None,
            },
        )
}

impl Cell {
    /// A cell hidden for `why`.
    pub fn hidden(why: Suppression) -> Cell {
        let shown = match why {
            Suppression::Primary => "<5",
            Suppression::Secondary => "x",
            Suppression::Unpublished => "..",
        };
        Cell {
            count: None,
            shown: shown.to_owned(),
            suppressed: Some(why),
        }
    }
}

/// A mean of `sum` over `count` people, shown only when it rests on enough of them.
pub fn mean_if_enough(sum: f64, count: u64) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    let mean = (count >= SMALLEST_SHOWN).then(|| sum / count as f64);
    mean.map(|m| (m * 10.0).round() / 10.0)
}

/// The share `part` of `count` (0 to 1, two decimals), shown only when it rests on enough of
/// them: a share of three meetings would tell too much about each.
pub fn share_if_enough(part: u64, count: u64) -> Option<f64> {
    #[allow(clippy::cast_precision_loss)]
    let share = (count >= SMALLEST_SHOWN).then(|| part as f64 / count as f64);
    share.map(|s| (s * 100.0).round() / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cellwise_marks_each_count_alike_and_totals_only_shown_counts() {
        let table = CountTable {
            rows: vec!["a".into(), "b".into()],
            columns: vec!["q1".into(), "q2".into()],
            counts: vec![vec![6, 3], vec![0, 7]],
        };
        let published = cellwise(&table);
        let shown: Vec<Vec<&str>> = published
            .cells
            .iter()
            .map(|row| row.iter().map(|cell| cell.shown.as_str()).collect())
            .collect();
        assert_eq!(shown, vec![vec!["6", "<5"], vec!["0", "7"]]);
        let totals = |cells: &[Cell]| -> Vec<String> {
            cells.iter().map(|cell| cell.shown.clone()).collect()
        };
        assert_eq!(totals(&published.row_totals), vec!["..", "7"]);
        assert_eq!(totals(&published.column_totals), vec!["6", ".."]);
        assert_eq!(published.total.shown, "..");
    }

    // The reader of one table, written apart from the suppression it checks: every row and
    // column a constraint, each entry's bounds tightened through them until nothing changes.
    /// The bounds a reader can put on one entry of a table: `low..=high`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Bounds {
        /// The least it can be.
        low: u64,
        /// The most it can be; `u64::MAX` when nothing bounds it.
        high: u64,
    }

    impl Bounds {
        const SMALL: Bounds = Bounds { low: 1, high: 4 };

        /// What a reader knows of an entry from its own marker alone.
        fn of(value: u64, hidden: Option<Suppression>) -> Bounds {
            match hidden {
                None => Bounds {
                    low: value,
                    high: value,
                },
                Some(Suppression::Primary) => Bounds::SMALL,
                Some(Suppression::Secondary | Suppression::Unpublished) => Bounds {
                    low: 0,
                    high: u64::MAX,
                },
            }
        }

        /// `x` is 0 or at least 5: bounds that leave only 1 to 4 on one side close on the other.
        fn not_small(self) -> Bounds {
            if self.high < SMALLEST_SHOWN {
                Bounds { low: 0, high: 0 }
            } else if self.low >= 1 {
                Bounds {
                    low: self.low.max(SMALLEST_SHOWN),
                    high: self.high,
                }
            } else {
                self
            }
        }
    }

    /// What a reader of the published table can work out: the bounds of every entry of `values`
    /// (the table with its margins: the last column holds row totals, the last row column totals),
    /// given which entries are hidden. Every row and column is a constraint (its entries sum to its
    /// total); each entry's bounds are tightened through them until nothing changes, with `<5` as 1
    /// to 4 and `x` as 0 or at least 5.
    fn audit(values: &[Vec<u64>], hidden: &[Vec<Option<Suppression>>]) -> Vec<Vec<Bounds>> {
        let height = values.len().saturating_sub(1);
        let width = values.first().map_or(0, |row| row.len().saturating_sub(1));
        let mut bounds: Vec<Vec<Bounds>> = values
            .iter()
            .zip(hidden)
            .map(|(row, hidden)| {
                row.iter()
                    .zip(hidden)
                    .map(|(value, hidden)| Bounds::of(*value, *hidden))
                    .collect()
            })
            .collect();
        let lines = lines(height, width);
        let mut changed = true;
        while changed {
            changed = false;
            for line in &lines {
                let (inner, total) = line.split_at(line.len() - 1);
                let total = total[0];
                let sum_low: u64 = inner.iter().map(|&(r, c)| bounds[r][c].low).sum();
                let sum_high = inner
                    .iter()
                    .map(|&(r, c)| bounds[r][c].high)
                    .try_fold(0_u64, u64::checked_add)
                    .unwrap_or(u64::MAX);
                changed |= tighten(&mut bounds, hidden, total, sum_low, sum_high);
                let (total_low, total_high) =
                    (bounds[total.0][total.1].low, bounds[total.0][total.1].high);
                for &(r, c) in inner {
                    let own = bounds[r][c];
                    let others_low = sum_low - own.low;
                    let low = if sum_high == u64::MAX {
                        0
                    } else {
                        total_low.saturating_sub(sum_high - own.high)
                    };
                    let high = total_high.saturating_sub(others_low);
                    changed |= tighten(&mut bounds, hidden, (r, c), low, high);
                }
            }
        }
        bounds
    }

    /// Narrows the bounds of entry `(r, c)` to `low..=high` where that is tighter; whether it was.
    fn tighten(
        bounds: &mut [Vec<Bounds>],
        hidden: &[Vec<Option<Suppression>>],
        (r, c): (usize, usize),
        low: u64,
        high: u64,
    ) -> bool {
        let old = bounds[r][c];
        let mut new = Bounds {
            low: old.low.max(low),
            high: old.high.min(high),
        };
        if hidden[r][c] == Some(Suppression::Secondary) {
            new = new.not_small();
        }
        if new != old && new.low <= new.high {
            bounds[r][c] = new;
            true
        } else {
            false
        }
    }

    /// Every row and column of a table with margins, each ending with its total.
    fn lines(height: usize, width: usize) -> Vec<Vec<(usize, usize)>> {
        (0..=height)
            .map(|r| (0..=width).map(|c| (r, c)).collect())
            .chain((0..=width).map(|c| (0..=height).map(|r| (r, c)).collect()))
            .collect()
    }

    fn table(counts: Vec<Vec<u64>>) -> CountTable {
        CountTable {
            rows: (0..counts.len()).map(|r| format!("r{r}")).collect(),
            columns: (0..counts[0].len()).map(|c| format!("c{c}")).collect(),
            counts,
        }
    }

    /// Every line of the table with margins has zero or at least two hidden entries.
    fn no_line_gives_one_away(t: &SuppressedTable) {
        let full: Vec<Vec<Cell>> = t
            .cells
            .iter()
            .zip(&t.row_totals)
            .map(|(row, total)| row.iter().cloned().chain([total.clone()]).collect())
            .chain([t
                .column_totals
                .iter()
                .cloned()
                .chain([t.total.clone()])
                .collect()])
            .collect();
        for row in &full {
            assert_ne!(row.iter().filter(|c| c.count.is_none()).count(), 1);
        }
        for c in 0..full[0].len() {
            assert_ne!(full.iter().filter(|row| row[c].count.is_none()).count(), 1);
        }
    }

    #[test]
    fn a_small_cell_is_hidden_with_a_partner_in_its_row_and_column() {
        let t = suppress(&table(vec![vec![3, 10, 12], vec![8, 9, 20]]));
        assert_eq!(t.cells[0][0].shown, "<5");
        assert_eq!(t.cells[0][0].count, None);
        assert_eq!(t.cells[0][1].suppressed, Some(Suppression::Secondary));
        assert_eq!(t.cells[1][0].suppressed, Some(Suppression::Secondary));
        no_line_gives_one_away(&t);
        assert_eq!(t.total.count, Some(62));
    }

    #[test]
    fn a_lone_row_hides_its_total_rather_than_nothing() {
        let t = suppress(&table(vec![vec![3]]));
        assert_eq!(t.cells[0][0].shown, "<5");
        assert_eq!(t.row_totals[0].count, None);
        assert_eq!(t.column_totals[0].count, None);
        no_line_gives_one_away(&t);
    }

    #[test]
    fn zeros_and_large_counts_show() {
        let t = suppress(&table(vec![vec![0, 7], vec![6, 9]]));
        assert!(t.cells.iter().flatten().all(|c| c.count.is_some()));
        assert_eq!(t.row_totals[0].count, Some(7));
    }

    #[test]
    fn many_random_tables_never_give_a_cell_away() {
        let mut seed = 7_u64;
        for _ in 0..300 {
            let mut next = || {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                (seed >> 33) % 12
            };
            let counts = (0..4).map(|_| (0..3).map(|_| next()).collect()).collect();
            no_line_gives_one_away(&suppress(&table(counts)));
        }
    }

    /// The bounds a reader puts on every entry of a published table with margins.
    fn read(t: &SuppressedTable, truth: &CountTable) -> (Vec<Vec<u64>>, Vec<Vec<Bounds>>) {
        let (height, width) = (truth.rows.len(), truth.columns.len());
        let mut values = vec![vec![0_u64; width + 1]; height + 1];
        for (r, row) in truth.counts.iter().enumerate() {
            for (c, count) in row.iter().enumerate() {
                values[r][c] = *count;
                values[r][width] += count;
                values[height][c] += count;
                values[height][width] += count;
            }
        }
        let published: Vec<Vec<&Cell>> = t
            .cells
            .iter()
            .zip(&t.row_totals)
            .map(|(row, total)| row.iter().chain([total]).collect())
            .chain([t.column_totals.iter().chain([&t.total]).collect()])
            .collect();
        let hidden: Vec<Vec<Option<Suppression>>> = published
            .iter()
            .map(|row| row.iter().map(|cell| cell.suppressed).collect())
            .collect();
        let bounds = audit(&values, &hidden);
        (values, bounds)
    }

    #[test]
    fn the_totals_of_other_lines_no_longer_pin_a_small_count() {
        // Two hidden per line, yet row 1 gives its `x` as 37 - 9 - 20 = 8, and column 0 then
        // gives the `<5` as 11 - 8 = 3: the audit hides more.
        let truth = table(vec![vec![3, 10, 12], vec![8, 9, 20]]);
        let t = suppress(&truth);
        let (values, bounds) = read(&t, &truth);
        assert_eq!(values[0][0], 3);
        assert_eq!(bounds[0][0], Bounds { low: 1, high: 4 });
        no_line_gives_one_away(&t);
    }

    #[test]
    fn no_random_table_narrows_a_small_count_beyond_its_marker() {
        let mut seed = 11_u64;
        for round in 0..3_000_u64 {
            let mut next = || {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                (seed >> 33) % 9
            };
            let (height, width) = (1 + round % 15, 1 + (round / 15) % 10);
            let truth = table(
                (0..height)
                    .map(|_| (0..width).map(|_| next()).collect())
                    .collect(),
            );
            let t = suppress(&truth);
            let (values, bounds) = read(&t, &truth);
            let marker = |r: usize, c: usize| {
                let height = truth.rows.len();
                let width = truth.columns.len();
                match (r == height, c == width) {
                    (true, true) => t.total.suppressed,
                    (true, false) => t.column_totals[c].suppressed,
                    (false, true) => t.row_totals[r].suppressed,
                    (false, false) => t.cells[r][c].suppressed,
                }
            };
            for (r, row) in values.iter().enumerate() {
                for (c, value) in row.iter().enumerate() {
                    if !(1..SMALLEST_SHOWN).contains(value) {
                        continue;
                    }
                    let found = bounds[r][c];
                    assert!(found.low < found.high, "{truth:?} pinned at {r},{c}");
                    if marker(r, c) == Some(Suppression::Primary) {
                        assert_eq!(found, Bounds::SMALL, "{truth:?} at {r},{c}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_view_publishes_only_sums_of_published_figures() {
        let truth = CountTable {
            rows: vec!["5037".into(), "5038".into()],
            columns: vec!["2023-Q1".into(), "2024-Q1".into(), "2024-Q2".into()],
            counts: vec![vec![6, 2, 0], vec![7, 8, 9]],
        };
        let full = suppress(&truth);
        let year = full.view(|column| column.starts_with("2024"));
        assert_eq!(year.columns, ["2024-Q1", "2024-Q2"]);
        assert_eq!(
            year.rows, full.rows,
            "every row, so an empty one tells nothing"
        );
        assert_eq!(year.cells[0][0].shown, "<5");
        // 5037's 2024 would be 2: not a sum of published figures, so withheld.
        assert_eq!(year.row_totals[0], Cell::hidden(Suppression::Unpublished));
        assert_eq!(year.column_totals[1], full.column_totals[2]);
        assert_eq!(full.view(|_| true), full);
    }

    #[test]
    fn a_row_view_keeps_its_rows_and_sums_only_published_figures() {
        let truth = table(vec![vec![2, 9], vec![7, 8], vec![6, 6]]);
        let full = suppress(&truth);
        let one = full.rows_view(|row| row == "r1");
        assert_eq!(one.rows, ["r1"]);
        assert_eq!(one.cells[0], full.cells[1]);
        assert_eq!(one.row_totals[0], full.row_totals[1]);
        for (total, cell) in one.column_totals.iter().zip(&one.cells[0]) {
            assert_eq!(
                total.count, cell.count,
                "a one-row view's column total is its cell"
            );
        }
    }

    #[test]
    fn an_exact_table_shows_every_count_and_its_totals() {
        let t = SuppressedTable::exact(&table(vec![vec![2, 0], vec![1, 3]]));
        assert_eq!(t.cells[0][0].count, Some(2));
        assert_eq!(t.row_totals[1].count, Some(4));
        assert_eq!(t.column_totals[0].count, Some(3));
        assert_eq!(t.total.count, Some(6));
    }

    #[test]
    fn triples_fill_a_table() {
        let t = CountTable::from_triples([
            ("5001".to_owned(), "Q1".to_owned(), 3),
            ("5035".to_owned(), "Q2".to_owned(), 6),
        ]);
        assert_eq!(t.counts, vec![vec![3, 0], vec![0, 6]]);
    }

    #[test]
    fn means_need_five() {
        assert_eq!(mean_if_enough(40.0, 4), None);
        assert_eq!(mean_if_enough(50.0, 5), Some(10.0));
    }

    #[test]
    fn shares_need_five() {
        assert_eq!(share_if_enough(2, 4), None);
        assert_eq!(share_if_enough(2, 6), Some(0.33));
    }
}

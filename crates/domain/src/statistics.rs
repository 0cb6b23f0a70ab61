//! Small-cell suppression for every published count. A count of 1 to 4 people or groups could
//! point at someone in a small municipality, so it is shown as `<5`; and because a row or column
//! total would let a reader subtract their way back to a hidden cell, a second cell is hidden
//! wherever only one would be (secondary suppression). Written once here for groups, network
//! meetings and dialogue records alike.

use serde::Serialize;
use utoipa::ToSchema;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Suppression {
    /// The count is between 1 and 4.
    Primary,
    /// Hidden so that a total cannot reveal a primary cell.
    Secondary,
}

/// One published count: the number, or why it is hidden.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"count": null, "shown": "<5", "suppressed": "primary"}))]
pub struct Cell {
    /// The count; `null` when hidden.
    pub count: Option<u64>,
    /// The count as text to display: the number, `<5` when it is small, `x` when it is hidden
    /// to protect another cell.
    pub shown: String,
    /// Why it is hidden, if it is.
    pub suppressed: Option<Suppression>,
}

/// A table with its row and column totals, after suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
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

fn is_small(count: u64) -> bool {
    (1..SMALLEST_SHOWN).contains(&count)
}

/// Hides every count of 1 to 4, then hides more until no row or column (totals included) has
/// exactly one hidden entry, since that entry would be its total minus the others. Where a second
/// entry must go, the smallest shown count in the line goes first, a total last.
pub fn suppress(table: &CountTable) -> SuppressedTable {
    let (height, width) = (table.rows.len(), table.columns.len());
    // The table with its margins: column `width` holds row totals, row `height` column totals.
    let mut values = vec![vec![0_u64; width + 1]; height + 1];
    for (r, row) in table.counts.iter().enumerate().take(height) {
        for (c, count) in row.iter().enumerate().take(width) {
            values[r][c] = *count;
            values[r][width] += count;
            values[height][c] += count;
            values[height][width] += count;
        }
    }
    let mut hidden: Vec<Vec<Option<Suppression>>> = values
        .iter()
        .map(|row| {
            row.iter()
                .map(|count| is_small(*count).then_some(Suppression::Primary))
                .collect()
        })
        .collect();
    let lines: Vec<Vec<(usize, usize)>> = (0..=height)
        .map(|r| (0..=width).map(|c| (r, c)).collect())
        .chain((0..=width).map(|c| (0..=height).map(|r| (r, c)).collect()))
        .collect();
    loop {
        let mut changed = false;
        for line in &lines {
            let hidden_here = line
                .iter()
                .filter(|(r, c)| hidden[*r][*c].is_some())
                .count();
            if hidden_here != 1 {
                continue;
            }
            // The last entry of a line is its total: hide an inner cell before it.
            let (inner, total) = line.split_at(line.len() - 1);
            let shown = |cells: &[(usize, usize)]| -> Vec<(usize, usize)> {
                cells
                    .iter()
                    .copied()
                    .filter(|(r, c)| hidden[*r][*c].is_none())
                    .collect()
            };
            let candidates = shown(inner);
            let pick = candidates
                .iter()
                .copied()
                .filter(|(r, c)| values[*r][*c] > 0)
                .min_by_key(|(r, c)| values[*r][*c])
                .or_else(|| candidates.first().copied())
                .or_else(|| shown(total).first().copied());
            if let Some((r, c)) = pick {
                hidden[r][c] = Some(Suppression::Secondary);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let cell = |r: usize, c: usize| -> Cell {
        match hidden[r][c] {
            None => Cell {
                count: Some(values[r][c]),
                shown: values[r][c].to_string(),
                suppressed: None,
            },
            Some(Suppression::Primary) => Cell {
                count: None,
                shown: "<5".to_owned(),
                suppressed: Some(Suppression::Primary),
            },
            Some(Suppression::Secondary) => Cell {
                count: None,
                shown: "x".to_owned(),
                suppressed: Some(Suppression::Secondary),
            },
        }
    };
    SuppressedTable {
        rows: table.rows.clone(),
        columns: table.columns.clone(),
        cells: (0..height)
            .map(|r| (0..width).map(|c| cell(r, c)).collect())
            .collect(),
        row_totals: (0..height).map(|r| cell(r, width)).collect(),
        column_totals: (0..width).map(|c| cell(height, c)).collect(),
        total: cell(height, width),
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

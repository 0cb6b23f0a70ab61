//! Published statistics on the wire: a table of counts with its totals, after the domain's
//! small-cell suppression. Every statistics endpoint answers in this one shape.

use samhandling_domain::statistics::{self, Cell, CountTable, SuppressedTable};
use serde::Serialize;
use utoipa::ToSchema;

/// One row of a table.
#[derive(Debug, Serialize, ToSchema)]
pub struct Row {
    /// The row's label.
    pub label: String,
    /// One cell per column, in the order of `columns`.
    pub cells: Vec<Cell>,
    /// The row's total.
    pub total: Cell,
}

/// A table of counts, suppressed: counts of 1 to 4 are `<5`; a cell hidden to protect another is
/// `x` (0 or at least 5); a figure withheld is `..` (no range is told: its marker, or a filter's
/// view of the table, would otherwise give a small count away).
#[derive(Debug, Serialize, ToSchema)]
pub struct Table {
    /// The column labels.
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<Row>,
    /// One total per column.
    pub column_totals: Vec<Cell>,
    /// The grand total.
    pub total: Cell,
}

impl Table {
    /// `counts`, suppressed.
    pub fn suppressed(counts: &CountTable) -> Table {
        Table::from(statistics::suppress(counts))
    }
}

impl From<SuppressedTable> for Table {
    fn from(suppressed: SuppressedTable) -> Table {
        Table {
            columns: suppressed.columns,
            rows: suppressed
                .rows
                .into_iter()
                .zip(suppressed.cells)
                .zip(suppressed.row_totals)
                .map(|((label, cells), total)| Row {
                    label,
                    cells,
                    total,
                })
                .collect(),
            column_totals: suppressed.column_totals,
            total: suppressed.total,
        }
    }
}

//! Published statistics on the wire: a table of counts with its totals, after the domain's
//! audited small-cell suppression. Every statistics endpoint answers in this one shape, as JSON,
//! or as CSV for a spreadsheet when the caller asks for `text/csv`.

use crate::error::ApiError;
use actix_web::http::header::{self, Accept, ContentType, Header};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, Responder, ResponseError};
use samhandling_domain::statistics::{self, Cell, CountTable, SuppressedTable};
use serde::Serialize;
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use utoipa::ToSchema;

/// The first line of every CSV answer: how to read it.
pub const CSV_METHOD_LINE: &str = "# Samhandling statistics, audited small-cell suppression: <5 is 1 to 4; x is hidden to protect another cell (0, or 5 and more); .. is withheld; totals are true totals, so shown figures need not add up to them (docs/api-conventions.md, Published statistics)";

/// A statistics answer that names its tables, so that it can be written as CSV too.
pub trait Tables {
    /// Each table with the name its CSV rows carry.
    fn tables(&self) -> Vec<(String, &Table)>;
}

/// A statistics answer: JSON, or CSV when `text/csv` is what the caller prefers. A statistics
/// table's CSV is long, one row per figure (`table,row,column,shown,count`, with `total` for a
/// row's or a column's total), so every endpoint's answer reads and pivots the same way.
pub struct Published<T>(pub T);

/// Whether the caller's `Accept` ranks `text/csv` above JSON.
fn wants_csv(request: &HttpRequest) -> bool {
    Accept::parse(request).ok().is_some_and(|accept| {
        accept
            .ranked()
            .into_iter()
            .find(|mime| {
                (mime.type_() == "text" && mime.subtype() == "csv")
                    || (mime.type_() == "application" && mime.subtype() == "json")
                    || mime.type_() == "*"
                    || mime.subtype() == "*"
            })
            .is_some_and(|mime| mime.type_() == "text" && mime.subtype() == "csv")
    })
}

/// An answer that can be written as CSV, after [`CSV_METHOD_LINE`].
pub trait Csv {
    /// Writes the answer's records, its header first.
    fn write_csv(&self, writer: &mut csv::Writer<&mut Vec<u8>>) -> Result<(), csv::Error>;
}

/// Statistics are long, one row per figure.
impl<T: Tables> Csv for T {
    fn write_csv(&self, writer: &mut csv::Writer<&mut Vec<u8>>) -> Result<(), csv::Error> {
        writer.write_record(["table", "row", "column", "shown", "count"])?;
        for (name, table) in self.tables() {
            let mut figure = |row: &str, column: &str, cell: &Cell| {
                writer.write_record([name.as_str(), row, column, &cell.shown, &count_of(cell)])
            };
            for row in &table.rows {
                for (column, cell) in table.columns.iter().zip(&row.cells) {
                    figure(&row.label, column, cell)?;
                }
                figure(&row.label, "total", &row.total)?;
            }
            for (column, cell) in table.columns.iter().zip(&table.column_totals) {
                figure("total", column, cell)?;
            }
            figure("total", "total", &table.total)?;
        }
        Ok(())
    }
}

/// A figure's count as CSV has it: empty when hidden.
pub fn count_of(cell: &Cell) -> String {
    cell.count
        .map(|count| count.to_string())
        .unwrap_or_default()
}

/// The answer as CSV.
fn to_csv(answer: &impl Csv) -> Result<Vec<u8>, csv::Error> {
    let mut out = format!("{CSV_METHOD_LINE}\n").into_bytes();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        answer.write_csv(&mut writer)?;
        writer.flush()?;
    }
    Ok(out)
}

impl<T: Serialize + Csv> Responder for Published<T> {
    type Body = actix_web::body::BoxBody;

    fn respond_to(self, request: &HttpRequest) -> HttpResponse {
        if !wants_csv(request) {
            return match serde_json::to_vec(&self.0) {
                Ok(body) => json_answer(Bytes::from(body)),
                Err(error) => ApiError::Internal(error.to_string()).error_response(),
            };
        }
        match to_csv(&self.0) {
            Ok(body) => HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .insert_header((header::VARY, "Accept"))
                .body(body),
            Err(error) => ApiError::Internal(error.to_string()).error_response(),
        }
    }
}

/// A statistics answer's JSON, as every one is sent.
fn json_answer(body: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .insert_header((header::VARY, "Accept"))
        .body(body)
}

/// JSON answers rendered from results a server instance holds in memory (the kept statistics of
/// `usecases::kept::ServedResults`): the network-meeting table for all years is 660 KB of JSON,
/// whose rendering cost more than everything else a request does once the result is kept. Each
/// answer is rendered once per result and query and sent as rendered while that result is the
/// one served; a new result of a statistic (a new version of its counts) drops what was rendered
/// from the last.
#[derive(Debug, Default)]
pub struct RenderedAnswers(Mutex<HashMap<&'static str, Renders>>);

/// What was rendered from one statistic's result, by query.
#[derive(Debug)]
struct Renders {
    /// The result, held so that it is the same one while this is kept.
    source: Arc<dyn Any + Send + Sync>,
    answers: HashMap<String, Bytes>,
}

impl RenderedAnswers {
    /// The answer `answer` makes of `source`, the result of `statistic` served now, for the
    /// query `query`: as [`Published`] answers, with its JSON rendered once per result and query.
    pub fn answer<S, T>(
        &self,
        request: &HttpRequest,
        (statistic, query): (&'static str, &str),
        source: &Arc<S>,
        answer: impl FnOnce() -> T,
    ) -> HttpResponse
    where
        S: Any + Send + Sync,
        T: Serialize + Csv,
    {
        if wants_csv(request) {
            return Published(answer()).respond_to(request);
        }
        let same = |held: &Arc<dyn Any + Send + Sync>| {
            std::ptr::addr_eq(Arc::as_ptr(held), Arc::as_ptr(source))
        };
        let rendered = self
            .lock()
            .get(statistic)
            .filter(|renders| same(&renders.source))
            .and_then(|renders| renders.answers.get(query).cloned());
        if let Some(body) = rendered {
            return json_answer(body);
        }
        let body = match serde_json::to_vec(&answer()) {
            Ok(body) => Bytes::from(body),
            Err(error) => return ApiError::Internal(error.to_string()).error_response(),
        };
        let mut renders = self.lock();
        let renders = renders.entry(statistic).or_insert_with(|| Renders {
            source: Arc::clone(source) as Arc<dyn Any + Send + Sync>,
            answers: HashMap::new(),
        });
        if !same(&renders.source) {
            // Requests served different results at once: the last to render keeps its own.
            renders.source = Arc::clone(source) as Arc<dyn Any + Send + Sync>;
            renders.answers.clear();
        }
        renders.answers.insert(query.to_owned(), body.clone());
        json_answer(body)
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<&'static str, Renders>> {
        // Entries are replaced whole, so a panic while holding the lock leaves none half made.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

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

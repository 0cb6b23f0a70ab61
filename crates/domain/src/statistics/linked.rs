//! Tables that share their counts: every two-way breakdown of one set of finest-grain counts (a
//! cube), suppressed together. A reader who may ask for any breakdown (groups by centre and
//! theme, by theme and municipality, …) holds all of them at once, and since each breakdown
//! sums the same cells in another way, a count hidden in one can be worked out from the others:
//! suppressing each table on its own gave back five of five small counts in the attacker test.
//!
//! So the figures of every breakdown (each two-way cell, each one-way margin, the grand total)
//! get one marker each, whichever table shows them, and the pattern is audited over all of them
//! at once: every figure is a constraint on the cube's cells, which a reader tightens until
//! nothing changes (`<5` is 1 to 4, `x` is 0 or at least 5), taking every empty combination as
//! known to be empty. More is hidden until no count of 1 to 4, of a figure or of a cube cell, is
//! narrowed beyond `<5`. The same audit is run for each organisation that holds some of the
//! records (a centre its places, an employer or a competence centre its facilitators' logs), which
//! knows those cells and may subtract them from any figure: what is left of a figure beside its
//! own cells must not be pinned either. Only the breakdowns a caller can ask for are published
//! and audited (every two-way one of the group statistics; municipality by quarter of the
//! network meetings, whose employers are a dimension no table shows).

use super::{Cell, SuppressedTable, Suppression, SMALLEST_SHOWN};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// One count at the finest grain, with its label in every dimension and who holds the records
/// behind it. Two cells may share their labels when different parties hold their records (two
/// employers' meetings in one municipality and quarter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CubeCell {
    /// One label per dimension.
    pub labels: Vec<String>,
    /// The count.
    pub count: u64,
    /// The organisations that know this count exactly without asking, from their own records.
    pub known_by: Vec<String>,
}

/// Which breakdowns are published: the pairs of dimensions (`rows < columns`) that make a table,
/// with the totals of each dimension in them and the grand total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakdowns<'a> {
    /// Every two-way breakdown.
    All,
    /// These only.
    Only(&'a [(usize, usize)]),
}

impl Breakdowns<'_> {
    fn includes(self, d1: usize, d2: usize) -> bool {
        match self {
            Breakdowns::All => true,
            Breakdowns::Only(pairs) => pairs.contains(&(d1, d2)),
        }
    }
}

/// What a published figure sums: one two-way cell, a margin of one dimension, or everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
enum Key {
    /// The cell of dimensions `d1 < d2` at labels `l1`, `l2`.
    Pair(usize, usize, usize, usize),
    /// The margin of dimension `d` at label `l`.
    Margin(usize, usize),
    /// The grand total.
    Total,
}

/// A figure as the audit works on it: with the cube cells it sums.
#[derive(Debug, Clone)]
struct Figure {
    key: Key,
    /// The cube cells it sums.
    members: Vec<usize>,
    value: u64,
    hidden: Option<Suppression>,
}

/// A figure as published: what it sums, its count, and its marker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Published {
    key: Key,
    value: u64,
    hidden: Option<Suppression>,
}

/// Every breakdown of a cube, suppressed together; [`LinkedTables::table`] reads one of them.
/// It serializes, so that a result can be kept and served again while its counts stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedTables {
    /// The labels of each dimension that hold a count, sorted.
    labels: Vec<Vec<String>>,
    figures: Vec<Published>,
}

/// The audit's working state: the figures with their cells, found by key.
struct Audit {
    figures: Vec<Figure>,
    index: HashMap<Key, usize>,
    /// The cube cells' counts.
    counts: Vec<u64>,
    /// The readers (by number) that know each cube cell from their own records.
    known_by: Vec<Vec<usize>>,
    /// How many such readers there are.
    readers: usize,
    /// Every row and column of every published breakdown, each ending with its total.
    lines: Vec<Vec<usize>>,
}

/// What a reader can tell of a sum: `low..=high`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    low: u64,
    high: u64,
}

const UNBOUNDED: Span = Span {
    low: 0,
    high: u64::MAX,
};
const SMALL: Span = Span { low: 1, high: 4 };

fn is_small(count: u64) -> bool {
    (1..SMALLEST_SHOWN).contains(&count)
}

impl LinkedTables {
    /// Suppresses the `published` breakdowns of the cube of `dimensions` dimensions made of
    /// `cells` together, against a reader who knows nothing beforehand and against each
    /// organisation that knows some cells exactly (`known_by`) and may subtract them from any
    /// figure.
    pub fn publish(
        dimensions: usize,
        cells: &[CubeCell],
        published: Breakdowns<'_>,
    ) -> LinkedTables {
        let (labels, mut audit) = Audit::of(dimensions, cells, published);
        let lines = audit.lines.clone();
        loop {
            let partnered = audit.hide_partners(&lines);
            let audited = audit.hide_narrowed();
            if !partnered && !audited {
                break;
            }
        }
        LinkedTables {
            labels,
            figures: audit
                .figures
                .into_iter()
                .map(|figure| Published {
                    key: figure.key,
                    value: figure.value,
                    hidden: figure.hidden,
                })
                .collect(),
        }
    }

    /// The breakdown by dimension `rows` and dimension `columns`, as every other breakdown's
    /// figures are marked.
    pub fn table(&self, rows: usize, columns: usize) -> SuppressedTable {
        let index: HashMap<Key, &Published> = self
            .figures
            .iter()
            .map(|figure| (figure.key, figure))
            .collect();
        let figure = |key: Key| -> Cell {
            index.get(&key).map_or_else(
                || shown(0),
                |figure| {
                    figure
                        .hidden
                        .map_or_else(|| shown(figure.value), Cell::hidden)
                },
            )
        };
        let pair = |r: usize, c: usize| {
            if rows < columns {
                Key::Pair(rows, columns, r, c)
            } else {
                Key::Pair(columns, rows, c, r)
            }
        };
        let (height, width) = (
            self.labels.get(rows).map_or(0, Vec::len),
            self.labels.get(columns).map_or(0, Vec::len),
        );
        SuppressedTable {
            rows: self.labels.get(rows).cloned().unwrap_or_default(),
            columns: self.labels.get(columns).cloned().unwrap_or_default(),
            cells: (0..height)
                .map(|r| (0..width).map(|c| figure(pair(r, c))).collect())
                .collect(),
            row_totals: (0..height).map(|r| figure(Key::Margin(rows, r))).collect(),
            column_totals: (0..width)
                .map(|c| figure(Key::Margin(columns, c)))
                .collect(),
            total: figure(Key::Total),
        }
    }
}

impl Audit {
    /// The figures of every breakdown of `cells` with their primary markers, and the labels of
    /// each dimension that hold a count.
    fn of(
        dimensions: usize,
        cells: &[CubeCell],
        published: Breakdowns<'_>,
    ) -> (Vec<Vec<String>>, Audit) {
        let cells: Vec<&CubeCell> = cells.iter().filter(|cell| cell.count > 0).collect();
        let labels: Vec<Vec<String>> = (0..dimensions)
            .map(|d| {
                let mut labels: Vec<String> =
                    cells.iter().map(|cell| cell.labels[d].clone()).collect();
                labels.sort();
                labels.dedup();
                labels
            })
            .collect();
        let position =
            |d: usize, label: &str| labels[d].binary_search_by(|l| l.as_str().cmp(label));
        let mut members: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
        members.insert(Key::Total, Vec::new());
        for (i, cell) in cells.iter().enumerate() {
            let at: Vec<usize> = (0..dimensions)
                .map(|d| position(d, &cell.labels[d]).unwrap_or(0))
                .collect();
            members.entry(Key::Total).or_default().push(i);
            for d1 in 0..dimensions {
                for d2 in d1 + 1..dimensions {
                    if !published.includes(d1, d2) {
                        continue;
                    }
                    for (d, at) in [(d1, at[d1]), (d2, at[d2])] {
                        let margin = members.entry(Key::Margin(d, at)).or_default();
                        if margin.last() != Some(&i) {
                            margin.push(i);
                        }
                    }
                    members
                        .entry(Key::Pair(d1, d2, at[d1], at[d2]))
                        .or_default()
                        .push(i);
                }
            }
        }
        let counts: Vec<u64> = cells.iter().map(|cell| cell.count).collect();
        // Each reader with knowledge of its own, by number, and the readers of each cell.
        let mut readers: Vec<&str> = cells
            .iter()
            .flat_map(|cell| cell.known_by.iter().map(String::as_str))
            .collect();
        readers.sort_unstable();
        readers.dedup();
        let known_by: Vec<Vec<usize>> = cells
            .iter()
            .map(|cell| {
                cell.known_by
                    .iter()
                    .filter_map(|reader| readers.binary_search(&reader.as_str()).ok())
                    .collect()
            })
            .collect();
        let figures: Vec<Figure> = members
            .into_iter()
            .map(|(key, members)| {
                let value = members.iter().map(|&i| counts[i]).sum();
                Figure {
                    key,
                    members,
                    value,
                    hidden: is_small(value).then_some(Suppression::Primary),
                }
            })
            .collect();
        let index = figures
            .iter()
            .enumerate()
            .map(|(i, figure)| (figure.key, i))
            .collect();
        let mut audit = Audit {
            figures,
            index,
            counts,
            known_by,
            readers: readers.len(),
            lines: Vec::new(),
        };
        audit.lines = audit.lines(&labels, published);
        (labels, audit)
    }

    /// Every row and column of every breakdown, the margins' lines included, each ending with
    /// its total; a cell no count reaches is a shown 0 and left out.
    fn lines(&self, labels: &[Vec<String>], published: Breakdowns<'_>) -> Vec<Vec<usize>> {
        let dimensions = labels.len();
        let mut lines = Vec::new();
        let get = |key: Key| self.index.get(&key).copied();
        for (d, of_d) in labels.iter().enumerate() {
            let mut line: Vec<usize> = (0..of_d.len())
                .filter_map(|l| get(Key::Margin(d, l)))
                .collect();
            if line.is_empty() {
                continue;
            }
            line.extend(get(Key::Total));
            lines.push(line);
        }
        for d1 in 0..dimensions {
            for d2 in d1 + 1..dimensions {
                if !published.includes(d1, d2) {
                    continue;
                }
                for l1 in 0..labels[d1].len() {
                    let mut line: Vec<usize> = (0..labels[d2].len())
                        .filter_map(|l2| get(Key::Pair(d1, d2, l1, l2)))
                        .collect();
                    line.extend(get(Key::Margin(d1, l1)));
                    lines.push(line);
                }
                for l2 in 0..labels[d2].len() {
                    let mut line: Vec<usize> = (0..labels[d1].len())
                        .filter_map(|l1| get(Key::Pair(d1, d2, l1, l2)))
                        .collect();
                    line.extend(get(Key::Margin(d2, l2)));
                    lines.push(line);
                }
            }
        }
        lines
    }

    /// Hides a partner wherever a line has exactly one hidden entry: the smallest shown count of
    /// the line first, its total last. Whether it hid anything.
    fn hide_partners(&mut self, lines: &[Vec<usize>]) -> bool {
        let mut any = false;
        loop {
            let mut changed = false;
            for line in lines {
                let hidden = line
                    .iter()
                    .filter(|&&f| self.figures[f].hidden.is_some())
                    .count();
                if hidden != 1 {
                    continue;
                }
                let (inner, total) = line.split_at(line.len().saturating_sub(1));
                let shown = |entries: &[usize]| -> Option<usize> {
                    entries
                        .iter()
                        .copied()
                        .filter(|&f| self.figures[f].hidden.is_none())
                        .min_by_key(|&f| (self.figures[f].value == 0, self.figures[f].value))
                };
                if let Some(f) = shown(inner).or_else(|| shown(total)) {
                    self.figures[f].hidden = Some(Suppression::Secondary);
                    changed = true;
                }
            }
            if !changed {
                return any;
            }
            any = true;
        }
    }

    /// What the reader can tell of every cube cell and every figure from every figure's marker,
    /// knowing the cells `known` holds (its own records) to begin with. Both are unknowns: each
    /// figure is the sum of its cells, and each line (a row or column of a breakdown, or of the
    /// totals) sums to its total, and the bounds of all of them are tightened through every such
    /// sum until nothing changes. Working on the figures as well as the cells finds what either
    /// alone would miss, as an attacker's linear program would.
    fn audit(&self, known: &[Option<u64>]) -> (Vec<Span>, Vec<Span>) {
        let mut cells: Vec<Span> = known
            .iter()
            .map(|known| {
                known.map_or(UNBOUNDED, |count| Span {
                    low: count,
                    high: count,
                })
            })
            .collect();
        let mut figures: Vec<Span> = self
            .figures
            .iter()
            .map(|figure| match figure.hidden {
                None => Span {
                    low: figure.value,
                    high: figure.value,
                },
                Some(Suppression::Primary) => SMALL,
                Some(Suppression::Secondary | Suppression::Unpublished) => UNBOUNDED,
            })
            .collect();
        let secondary = |f: usize| self.figures[f].hidden == Some(Suppression::Secondary);
        let mut changed = true;
        while changed {
            changed = false;
            for (f, figure) in self.figures.iter().enumerate() {
                changed |= tighten_sum(&mut figures[f], &mut cells, &figure.members, secondary(f));
            }
            for line in &self.lines {
                let (inner, total) = line.split_at(line.len() - 1);
                let mut whole = figures[total[0]];
                let mut parts: Vec<Span> = inner.iter().map(|&f| figures[f]).collect();
                let indices: Vec<usize> = (0..parts.len()).collect();
                if tighten_sum(&mut whole, &mut parts, &indices, secondary(total[0])) {
                    changed = true;
                    figures[total[0]] = whole;
                    for (&f, part) in inner.iter().zip(parts) {
                        figures[f] = if secondary(f) {
                            not_small_within(part)
                        } else {
                            part
                        };
                    }
                }
            }
        }
        (cells, figures)
    }

    /// One round of the audit, for a reader who knows nothing beforehand and for each reader
    /// that knows some cells from its own records (`known_by`): for
    /// every count of 1 to 4 not the reader's own (a figure's, or the part of one beside the
    /// reader's cells, or a cube cell's) that the reader narrows beyond `<5`, hides the smallest
    /// shown figure that shares a cell with it (a two-way cell before a margin, the grand total
    /// last), or where none is left withholds a marker (`..`) that shares one. Whether it hid
    /// anything.
    fn hide_narrowed(&mut self) -> bool {
        let (counts, known_by) = (self.counts.clone(), self.known_by.clone());
        let mut narrowed: Vec<Vec<usize>> = Vec::new();
        for reader in std::iter::once(None).chain((0..self.readers).map(Some)) {
            let own = |i: usize| reader.is_some_and(|reader| known_by[i].contains(&reader));
            let known: Vec<Option<u64>> = (0..counts.len())
                .map(|i| own(i).then_some(counts[i]))
                .collect();
            let (bounds, figure_bounds) = self.audit(&known);
            for (f, figure) in self.figures.iter().enumerate() {
                let others: Vec<usize> = figure
                    .members
                    .iter()
                    .copied()
                    .filter(|&m| !own(m))
                    .collect();
                let count: u64 = others.iter().map(|&m| counts[m]).sum();
                if others.is_empty() || !is_small(count) {
                    continue;
                }
                let whole = others.len() == figure.members.len();
                let (low, high) = if whole {
                    (figure_bounds[f].low, figure_bounds[f].high)
                } else {
                    sum(&bounds, &others)
                };
                let disclosed = if whole {
                    figure.hidden == Some(Suppression::Primary) && (low > 1 || high < 4)
                } else {
                    low == high
                };
                if disclosed {
                    narrowed.push(others);
                }
            }
            narrowed.extend(
                (0..counts.len())
                    .filter(|&i| !own(i) && is_small(counts[i]))
                    .filter(|&i| bounds[i].low > 1 || bounds[i].high < 4)
                    .map(|i| vec![i]),
            );
        }
        let mut changed = false;
        for members in narrowed {
            let touches = |figure: &Figure| figure.members.iter().any(|m| members.contains(m));
            let rank = |key: Key| match key {
                Key::Pair(..) => 0,
                Key::Margin(..) => 1,
                Key::Total => 2,
            };
            let shown = self
                .figures
                .iter()
                .enumerate()
                .filter(|(_, figure)| figure.hidden.is_none() && figure.value > 0)
                .filter(|(_, figure)| touches(figure))
                .min_by_key(|(_, figure)| (rank(figure.key), figure.value))
                .map(|(f, _)| f);
            if let Some(f) = shown {
                self.figures[f].hidden = Some(Suppression::Secondary);
                changed = true;
                continue;
            }
            let marker = self
                .figures
                .iter()
                .enumerate()
                .filter(|(_, figure)| {
                    figure.hidden == Some(Suppression::Secondary)
                        || (figure.hidden == Some(Suppression::Primary)
                            && figure.members != members)
                })
                .filter(|(_, figure)| touches(figure))
                .min_by_key(|(_, figure)| std::cmp::Reverse(rank(figure.key)))
                .map(|(f, _)| f);
            if let Some(f) = marker {
                self.figures[f].hidden = Some(Suppression::Unpublished);
                changed = true;
            }
        }
        changed
    }
}

/// Whether some organisation's own records leave 1 to 4 of everyone else's among `cells`: a
/// mean or share over all of them would then give those few away to it, by subtracting its own.
pub fn leaves_few_to_others(cells: &[CubeCell]) -> bool {
    let total: u64 = cells.iter().map(|cell| cell.count).sum();
    let mut known: BTreeMap<&str, u64> = BTreeMap::new();
    for cell in cells {
        for reader in &cell.known_by {
            *known.entry(reader.as_str()).or_default() += cell.count;
        }
    }
    known.values().any(|own| is_small(total - own))
}

fn shown(count: u64) -> Cell {
    Cell {
        count: Some(count),
        shown: count.to_string(),
        suppressed: None,
    }
}

/// Tightens `whole`, the sum of the `members` of `parts`, and each of those parts, through that
/// sum; `x` on the whole (0 or at least 5) where `not_small`. Whether anything changed.
fn tighten_sum(whole: &mut Span, parts: &mut [Span], members: &[usize], not_small: bool) -> bool {
    let mut changed = false;
    let (low, high) = sum(parts, members);
    let mut limit = Span {
        low: whole.low.max(low),
        high: whole.high.min(high),
    };
    if not_small {
        limit = not_small_within(limit);
    }
    if limit.low <= limit.high && limit != *whole {
        *whole = limit;
        changed = true;
    }
    for &member in members {
        let own = parts[member];
        let others_low = low - own.low;
        let floor = if high == u64::MAX || own.high == u64::MAX {
            0
        } else {
            whole.low.saturating_sub(high - own.high)
        };
        let tightened = Span {
            low: own.low.max(floor),
            high: own.high.min(whole.high.saturating_sub(others_low)),
        };
        if tightened != own && tightened.low <= tightened.high {
            parts[member] = tightened;
            changed = true;
        }
    }
    changed
}

/// `x` is 0 or at least 5: bounds that leave only 1 to 4 on one side close on the other.
fn not_small_within(span: Span) -> Span {
    if span.high < SMALLEST_SHOWN {
        Span { low: 0, high: 0 }
    } else if span.low >= 1 {
        Span {
            low: span.low.max(SMALLEST_SHOWN),
            high: span.high,
        }
    } else {
        span
    }
}

/// The least and the most the cells `members` can sum to.
fn sum(bounds: &[Span], members: &[usize]) -> (u64, u64) {
    let low = members.iter().map(|&m| bounds[m].low).sum();
    let high = members
        .iter()
        .map(|&m| bounds[m].high)
        .try_fold(0_u64, u64::checked_add)
        .unwrap_or(u64::MAX);
    (low, high)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cube(cells: &[(&str, &str, &str, u64)]) -> Vec<CubeCell> {
        cells
            .iter()
            .map(|(a, b, c, count)| CubeCell {
                labels: vec![(*a).to_owned(), (*b).to_owned(), (*c).to_owned()],
                count: *count,
                known_by: vec![(*a).to_owned()],
            })
            .collect()
    }

    #[test]
    fn a_kept_result_reads_as_the_one_computed() {
        let cells = cube(&[("A", "grief", "5001", 6), ("B", "grief", "5001", 2)]);
        let tables = LinkedTables::publish(3, &cells, Breakdowns::All);
        let kept: LinkedTables =
            serde_json::from_value(serde_json::to_value(&tables).expect("serializes"))
                .expect("deserializes");
        assert_eq!(kept, tables);
        assert_eq!(kept.table(1, 2), tables.table(1, 2));
    }

    #[test]
    fn a_figure_is_marked_alike_in_every_breakdown_that_shows_it() {
        let tables = LinkedTables::publish(
            3,
            &cube(&[
                ("A", "grief", "5001", 6),
                ("A", "relatives", "5001", 2),
                ("B", "grief", "5001", 1),
                ("B", "relatives", "0301", 5),
            ]),
            Breakdowns::All,
        );
        let by_centre_and_theme = tables.table(0, 1);
        let by_centre_and_place = tables.table(0, 2);
        // The centre margins are the same figures in both.
        assert_eq!(
            by_centre_and_theme.row_totals,
            by_centre_and_place.row_totals
        );
        // Transposed, a breakdown shows the same cells.
        let transposed = tables.table(1, 0);
        assert_eq!(transposed.cells[0][1], by_centre_and_theme.cells[1][0]);
        assert_eq!(by_centre_and_theme.cells[1][0].shown, "<5");
    }

    /// The bounds a reader who knows `owner`'s cells (or nothing) puts on every cell from what
    /// `tables` publishes.
    fn read(tables: &LinkedTables, cells: &[CubeCell], owner: Option<&str>) -> Vec<Span> {
        let (_, mut audit) = Audit::of(3, cells, Breakdowns::All);
        for (figure, published) in audit.figures.iter_mut().zip(&tables.figures) {
            assert_eq!(figure.key, published.key);
            figure.hidden = published.hidden;
        }
        let known: Vec<Option<u64>> = cells
            .iter()
            .map(|cell| (Some(cell.labels[0].as_str()) == owner).then_some(cell.count))
            .collect();
        audit.audit(&known).0
    }

    fn assert_unpinned(cells: &[CubeCell], tables: &LinkedTables, owner: Option<&str>) {
        for (cell, bound) in cells.iter().zip(read(tables, cells, owner)) {
            if is_small(cell.count) && Some(cell.labels[0].as_str()) != owner {
                assert!(
                    bound.low <= 1 && bound.high >= 4,
                    "{owner:?} reads {cell:?} as {bound:?}"
                );
            }
        }
    }

    #[test]
    fn no_small_cube_cell_is_pinned_by_the_breakdowns_together() {
        let cells = cube(&[
            ("A", "grief", "5001", 6),
            ("A", "relatives", "5001", 2),
            ("A", "grief", "5035", 3),
            ("B", "grief", "5001", 1),
            ("B", "relatives", "0301", 5),
            ("B", "general", "0301", 2),
        ]);
        let tables = LinkedTables::publish(3, &cells, Breakdowns::All);
        assert_unpinned(&cells, &tables, None);
    }

    #[test]
    fn an_employer_subtracting_its_own_logs_from_a_total_pins_nothing_of_another() {
        // Municipality by quarter only; two employers' small counts in one quarter beside a 9:
        // each is `<5` to an outsider, but either employer, knowing its own, would get the
        // other's from the quarter's total.
        let cell = |municipality: &str, count: u64, known: bool| CubeCell {
            labels: vec![municipality.to_owned(), "2025-Q1".to_owned()],
            count,
            known_by: if known {
                vec![format!("employer {municipality}")]
            } else {
                Vec::new()
            },
        };
        let published = Breakdowns::Only(&[(0, 1)]);
        let read = |tables: &LinkedTables, cells: &[CubeCell], knows: usize| {
            let (_, mut audit) = Audit::of(2, cells, published);
            for (figure, published) in audit.figures.iter_mut().zip(&tables.figures) {
                figure.hidden = published.hidden;
            }
            let known: Vec<Option<u64>> = cells
                .iter()
                .enumerate()
                .map(|(i, cell)| (i == knows).then_some(cell.count))
                .collect();
            audit.audit(&known).0[1 - knows]
        };
        let unknown = [
            cell("5037", 3, false),
            cell("5038", 2, false),
            cell("5041", 9, false),
        ];
        let outsider_only = LinkedTables::publish(2, &unknown, published);
        let pinned = read(&outsider_only, &unknown, 0);
        assert_eq!(
            (pinned.low, pinned.high),
            (2, 2),
            "without the employers' audit, 5037 pins 5038's 2"
        );

        let cells = [
            cell("5037", 3, true),
            cell("5038", 2, true),
            cell("5041", 9, true),
        ];
        let tables = LinkedTables::publish(2, &cells, published);
        for knows in 0..2 {
            let other = read(&tables, &cells, knows);
            assert!(other.low <= 1 && other.high >= 4, "{knows}: {other:?}");
        }
        assert_eq!(tables.table(0, 1).rows, ["5037", "5038", "5041"]);
    }
}

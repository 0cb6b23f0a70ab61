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
use std::collections::{BTreeMap, HashMap, VecDeque};

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
    /// The cube cells each reader (by number) knows from its own records.
    own_cells: Vec<Vec<usize>>,
    /// Every row and column of every published breakdown, each ending with its total.
    lines: Vec<Vec<usize>>,
    /// The figures each cube cell is one of the members of, ascending.
    cell_figures: Vec<Vec<usize>>,
    /// The lines each figure is in, as a part or as the total.
    figure_lines: Vec<Vec<usize>>,
}

/// What a reader can tell of every cube cell and every figure.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Bounds {
    cells: Vec<Span>,
    figures: Vec<Span>,
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
        // Each reader with knowledge of its own, by number, and the cells each knows.
        let mut readers: Vec<&str> = cells
            .iter()
            .flat_map(|cell| cell.known_by.iter().map(String::as_str))
            .collect();
        readers.sort_unstable();
        readers.dedup();
        let mut own_cells: Vec<Vec<usize>> = vec![Vec::new(); readers.len()];
        for (i, cell) in cells.iter().enumerate() {
            for reader in &cell.known_by {
                if let Ok(r) = readers.binary_search(&reader.as_str()) {
                    // A cell naming a reader twice is known once.
                    if own_cells[r].last() != Some(&i) {
                        own_cells[r].push(i);
                    }
                }
            }
        }
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
        let mut cell_figures: Vec<Vec<usize>> = vec![Vec::new(); counts.len()];
        for (f, figure) in figures.iter().enumerate() {
            for &m in &figure.members {
                cell_figures[m].push(f);
            }
        }
        let mut audit = Audit {
            figure_lines: vec![Vec::new(); figures.len()],
            figures,
            index,
            counts,
            own_cells,
            lines: Vec::new(),
            cell_figures,
        };
        audit.lines = audit.lines(&labels, published);
        for (l, line) in audit.lines.iter().enumerate() {
            for &f in line {
                audit.figure_lines[f].push(l);
            }
        }
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
    /// alone would miss, as an attacker's linear program would. (Rounds of hiding read the
    /// outsider's bounds and then each reader's from them, in [`Audit::hide_narrowed`].)
    #[cfg(test)]
    fn audit(&self, known: &[Option<u64>]) -> Bounds {
        let mut bounds = self.unknown();
        for (cell, known) in bounds.cells.iter_mut().zip(known) {
            if let Some(count) = *known {
                *cell = Span {
                    low: count,
                    high: count,
                };
            }
        }
        let mut reading = Reading::new(self, bounds);
        reading.tighten_all();
        reading.bounds
    }

    /// The bounds before any reasoning: nothing of the cells, and what each figure's marker says.
    fn unknown(&self) -> Bounds {
        Bounds {
            cells: vec![UNBOUNDED; self.counts.len()],
            figures: self
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
                .collect(),
        }
    }

    fn secondary(&self, f: usize) -> bool {
        self.figures[f].hidden == Some(Suppression::Secondary)
    }

    /// Whether `reader` (a reader that knows nothing beforehand when `None`), reading `bounds`,
    /// narrows figure `f`'s count beyond `<5`, or the part of it beside the reader's own cells
    /// (`own`); the cells of that count if so. `own_sum` is the reader's own cells' count in `f`.
    fn narrows_figure(
        &self,
        f: usize,
        bounds: &Bounds,
        own: &[bool],
        own_sum: u64,
    ) -> Option<Vec<usize>> {
        let figure = &self.figures[f];
        // What is left beside the reader's own cells: only a count of 1 to 4 is at stake.
        if !is_small(figure.value - own_sum) {
            return None;
        }
        let others: Vec<usize> = figure
            .members
            .iter()
            .copied()
            .filter(|&m| !own[m])
            .collect();
        if others.is_empty() {
            return None;
        }
        let disclosed = if others.len() == figure.members.len() {
            let Span { low, high } = bounds.figures[f];
            figure.hidden == Some(Suppression::Primary) && (low > 1 || high < 4)
        } else {
            let (low, high) = sum(&bounds.cells, &others);
            low == high
        };
        disclosed.then_some(others)
    }

    /// Whether a reader reading `bounds` narrows cube cell `i`, not its own, beyond `<5`.
    fn narrows_cell(&self, i: usize, bounds: &Bounds) -> bool {
        is_small(self.counts[i]) && (bounds.cells[i].low > 1 || bounds.cells[i].high < 4)
    }

    /// One round of the audit, for a reader who knows nothing beforehand and for each reader
    /// that knows some cells from its own records (`known_by`): for
    /// every count of 1 to 4 not the reader's own (a figure's, or the part of one beside the
    /// reader's cells, or a cube cell's) that the reader narrows beyond `<5`, hides the smallest
    /// shown figure that shares a cell with it (a two-way cell before a margin, the grand total
    /// last), or where none is left withholds a marker (`..`) that shares one. Whether it hid
    /// anything.
    ///
    /// A reader with records of its own knows everything the outsider does and more, so its
    /// reading starts from the outsider's and tightens only what its own cells reach: the same
    /// bounds as reasoning from nothing (the tightening is monotone, so it ends at the same
    /// point whatever the order), at the cost of the few sums its cells are in rather than all.
    /// What it reads alike is narrowed alike, so only what its reading changed is looked at again.
    fn hide_narrowed(&mut self) -> bool {
        let mut reading = Reading::new(self, self.unknown());
        reading.tighten_all();
        let outsider = reading.bounds.clone();
        reading.forget_changes();
        let nobody = vec![false; self.counts.len()];
        let outsider_figures: Vec<usize> = (0..self.figures.len())
            .filter(|&f| self.narrows_figure(f, &outsider, &nobody, 0).is_some())
            .collect();
        let outsider_cells: Vec<usize> = (0..self.counts.len())
            .filter(|&i| self.narrows_cell(i, &outsider))
            .collect();
        let mut narrowed: Vec<Vec<usize>> = outsider_figures
            .iter()
            .map(|&f| self.figures[f].members.clone())
            .chain(outsider_cells.iter().map(|&i| vec![i]))
            .collect();
        let mut own = nobody;
        let mut own_sums = vec![0_u64; self.figures.len()];
        for cells in &self.own_cells {
            for &i in cells {
                own[i] = true;
                for &f in &self.cell_figures[i] {
                    own_sums[f] += self.counts[i];
                }
                reading.know(i, self.counts[i]);
            }
            reading.tighten();
            // Figures the reader's reading or own cells make different from the outsider's; the
            // rest it narrows exactly as the outsider does.
            let mut figures: Vec<usize> = reading.changed_figures.clone();
            figures.extend(
                cells
                    .iter()
                    .flat_map(|&i| self.cell_figures[i].iter().copied()),
            );
            figures.sort_unstable();
            figures.dedup();
            let mut changed_cells: Vec<usize> = reading.changed_cells.clone();
            changed_cells.sort_unstable();
            let bounds = &reading.bounds;
            for f in merged(&figures, &outsider_figures) {
                if figures.binary_search(&f).is_ok() {
                    narrowed.extend(self.narrows_figure(f, bounds, &own, own_sums[f]));
                } else {
                    narrowed.push(self.figures[f].members.clone());
                }
            }
            for i in merged(&changed_cells, &outsider_cells) {
                let again = changed_cells.binary_search(&i).is_ok();
                if !own[i] && (!again || self.narrows_cell(i, bounds)) {
                    narrowed.push(vec![i]);
                }
            }
            reading.restore(&outsider);
            for &i in cells {
                own[i] = false;
                for &f in &self.cell_figures[i] {
                    own_sums[f] = 0;
                }
            }
        }
        let mut changed = false;
        for members in narrowed {
            changed |= self.hide_beside(&members);
        }
        changed
    }

    /// Hides the smallest shown figure that shares a cell with `members` (a two-way cell before
    /// a margin, the grand total last), or where none is left withholds a marker that shares
    /// one; whether it hid anything.
    fn hide_beside(&mut self, members: &[usize]) -> bool {
        let mut touching: Vec<usize> = members
            .iter()
            .flat_map(|&m| self.cell_figures[m].iter().copied())
            .collect();
        touching.sort_unstable();
        touching.dedup();
        let rank = |key: Key| match key {
            Key::Pair(..) => 0,
            Key::Margin(..) => 1,
            Key::Total => 2,
        };
        let shown = touching
            .iter()
            .copied()
            .filter(|&f| self.figures[f].hidden.is_none() && self.figures[f].value > 0)
            .min_by_key(|&f| (rank(self.figures[f].key), self.figures[f].value));
        if let Some(f) = shown {
            self.figures[f].hidden = Some(Suppression::Secondary);
            return true;
        }
        let marker = touching
            .iter()
            .copied()
            .filter(|&f| {
                let figure = &self.figures[f];
                figure.hidden == Some(Suppression::Secondary)
                    || (figure.hidden == Some(Suppression::Primary) && figure.members != members)
            })
            .min_by_key(|&f| std::cmp::Reverse(rank(self.figures[f].key)));
        if let Some(f) = marker {
            self.figures[f].hidden = Some(Suppression::Unpublished);
            return true;
        }
        false
    }
}

/// The ascending union of two ascending lists.
fn merged(a: &[usize], b: &[usize]) -> Vec<usize> {
    let mut all: Vec<usize> = a.iter().chain(b).copied().collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// A reader's bounds being tightened: each sum (a figure over its cells, a line over its
/// parts) is looked at again only when a bound it reads has changed, until none has. What
/// changed is recorded, so that the bounds can be put back to where they started.
struct Reading<'a> {
    audit: &'a Audit,
    bounds: Bounds,
    /// Sums to look at: figure `f` as `f`, line `l` as `figures + l`.
    queue: VecDeque<usize>,
    queued: Vec<bool>,
    changed_cells: Vec<usize>,
    cell_changed: Vec<bool>,
    changed_figures: Vec<usize>,
    figure_changed: Vec<bool>,
}

impl<'a> Reading<'a> {
    fn new(audit: &'a Audit, bounds: Bounds) -> Reading<'a> {
        let sums = audit.figures.len() + audit.lines.len();
        Reading {
            audit,
            queue: VecDeque::new(),
            queued: vec![false; sums],
            cell_changed: vec![false; bounds.cells.len()],
            figure_changed: vec![false; bounds.figures.len()],
            changed_cells: Vec::new(),
            changed_figures: Vec::new(),
            bounds,
        }
    }

    /// Tightens through every sum, from the bounds as they are.
    fn tighten_all(&mut self) {
        for sum in 0..self.queued.len() {
            self.enqueue(sum);
        }
        self.tighten();
    }

    /// Learns that cell `i` holds `count`.
    fn know(&mut self, i: usize, count: u64) {
        self.set_cell(
            i,
            Span {
                low: count,
                high: count,
            },
        );
    }

    /// Starts recording changes afresh.
    fn forget_changes(&mut self) {
        for i in self.changed_cells.drain(..) {
            self.cell_changed[i] = false;
        }
        for f in self.changed_figures.drain(..) {
            self.figure_changed[f] = false;
        }
    }

    /// Puts back what changed since `from`, the bounds changes were recorded from.
    fn restore(&mut self, from: &Bounds) {
        for &i in &self.changed_cells {
            self.bounds.cells[i] = from.cells[i];
        }
        for &f in &self.changed_figures {
            self.bounds.figures[f] = from.figures[f];
        }
        self.forget_changes();
    }

    fn enqueue(&mut self, sum: usize) {
        if !self.queued[sum] {
            self.queued[sum] = true;
            self.queue.push_back(sum);
        }
    }

    fn set_cell(&mut self, i: usize, span: Span) {
        if self.bounds.cells[i] == span {
            return;
        }
        self.bounds.cells[i] = span;
        if !self.cell_changed[i] {
            self.cell_changed[i] = true;
            self.changed_cells.push(i);
        }
        for &f in &self.audit.cell_figures[i] {
            self.enqueue(f);
        }
    }

    fn set_figure(&mut self, f: usize, span: Span) {
        if self.bounds.figures[f] == span {
            return;
        }
        self.bounds.figures[f] = span;
        if !self.figure_changed[f] {
            self.figure_changed[f] = true;
            self.changed_figures.push(f);
        }
        self.enqueue(f);
        let figures = self.audit.figures.len();
        for &l in &self.audit.figure_lines[f] {
            self.enqueue(figures + l);
        }
    }

    /// Tightens through the queued sums until nothing changes.
    fn tighten(&mut self) {
        let audit = self.audit;
        let figures = audit.figures.len();
        let mut parts: Vec<Span> = Vec::new();
        let mut indices: Vec<usize> = Vec::new();
        while let Some(sum) = self.queue.pop_front() {
            self.queued[sum] = false;
            if sum < figures {
                let members = &audit.figures[sum].members;
                parts.clear();
                parts.extend(members.iter().map(|&m| self.bounds.cells[m]));
                indices.clear();
                indices.extend(0..parts.len());
                let mut whole = self.bounds.figures[sum];
                if tighten_sum(&mut whole, &mut parts, &indices, audit.secondary(sum)) {
                    self.set_figure(sum, whole);
                    for (&m, &part) in members.iter().zip(&parts) {
                        self.set_cell(m, part);
                    }
                }
            } else {
                let line = &audit.lines[sum - figures];
                let (inner, total) = line.split_at(line.len() - 1);
                let mut whole = self.bounds.figures[total[0]];
                parts.clear();
                parts.extend(inner.iter().map(|&f| self.bounds.figures[f]));
                indices.clear();
                indices.extend(0..parts.len());
                if tighten_sum(&mut whole, &mut parts, &indices, audit.secondary(total[0])) {
                    self.set_figure(total[0], whole);
                    for (&f, &part) in inner.iter().zip(&parts) {
                        let part = if audit.secondary(f) {
                            not_small_within(part)
                        } else {
                            part
                        };
                        self.set_figure(f, part);
                    }
                }
            }
        }
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
        audit.audit(&known).cells
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
            audit.audit(&known).cells[1 - knows]
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

    /// The audit as it was first written, kept to check the faster one against: every sum
    /// swept in turn until none changes, from nothing but `known`.
    fn swept(audit: &Audit, known: &[Option<u64>]) -> Bounds {
        let mut bounds = audit.unknown();
        for (cell, known) in bounds.cells.iter_mut().zip(known) {
            if let Some(count) = *known {
                *cell = Span {
                    low: count,
                    high: count,
                };
            }
        }
        let (cells, figures) = (&mut bounds.cells, &mut bounds.figures);
        let mut changed = true;
        while changed {
            changed = false;
            for (f, figure) in audit.figures.iter().enumerate() {
                changed |= tighten_sum(&mut figures[f], cells, &figure.members, audit.secondary(f));
            }
            for line in &audit.lines {
                let (inner, total) = line.split_at(line.len() - 1);
                let mut whole = figures[total[0]];
                let mut parts: Vec<Span> = inner.iter().map(|&f| figures[f]).collect();
                let indices: Vec<usize> = (0..parts.len()).collect();
                if tighten_sum(&mut whole, &mut parts, &indices, audit.secondary(total[0])) {
                    changed = true;
                    figures[total[0]] = whole;
                    for (&f, part) in inner.iter().zip(parts) {
                        figures[f] = if audit.secondary(f) {
                            not_small_within(part)
                        } else {
                            part
                        };
                    }
                }
            }
        }
        bounds
    }

    /// One round of hiding as first written: every reader's audit from nothing, every figure
    /// and cell looked at for each.
    fn swept_round(audit: &mut Audit) -> bool {
        let mut narrowed: Vec<Vec<usize>> = Vec::new();
        let counts = audit.counts.clone();
        for reader in std::iter::once(None).chain((0..audit.own_cells.len()).map(Some)) {
            let own = |i: usize| reader.is_some_and(|r| audit.own_cells[r].contains(&i));
            let known: Vec<Option<u64>> = (0..counts.len())
                .map(|i| own(i).then_some(counts[i]))
                .collect();
            let bounds = swept(audit, &known);
            for (f, figure) in audit.figures.iter().enumerate() {
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
                let disclosed = if others.len() == figure.members.len() {
                    let Span { low, high } = bounds.figures[f];
                    figure.hidden == Some(Suppression::Primary) && (low > 1 || high < 4)
                } else {
                    let (low, high) = sum(&bounds.cells, &others);
                    low == high
                };
                if disclosed {
                    narrowed.push(others);
                }
            }
            narrowed.extend(
                (0..counts.len())
                    .filter(|&i| !own(i) && is_small(counts[i]))
                    .filter(|&i| bounds.cells[i].low > 1 || bounds.cells[i].high < 4)
                    .map(|i| vec![i]),
            );
        }
        let mut changed = false;
        for members in narrowed {
            changed |= audit.hide_beside(&members);
        }
        changed
    }

    /// Numbers that look random enough for a test and are the same every run.
    struct Draws(u64);

    impl Draws {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    /// A cube of `dimensions` small dimensions with many counts of 1 to 4, each known by one
    /// or two of a handful of organisations.
    fn drawn_cube(draws: &mut Draws, dimensions: usize) -> Vec<CubeCell> {
        let size = 2 + draws.below(6);
        (0..size * size * 2)
            .map(|_| CubeCell {
                labels: (0..dimensions)
                    .map(|d| format!("{d}-{}", draws.below(if d == 0 { 5 } else { 4 })))
                    .collect(),
                count: [0, 1, 2, 3, 4, 5, 6, 9, 14][usize::try_from(draws.below(9)).unwrap_or(0)],
                known_by: (0..=draws.below(2))
                    .map(|_| format!("org {}", draws.below(5)))
                    .collect(),
            })
            .collect()
    }

    /// Case `case` of a drawn comparison: a two-dimensional cube published as one table, or a
    /// three-dimensional one published in every breakdown, alternately.
    fn drawn_case(draws: &mut Draws, case: u32) -> (usize, Vec<CubeCell>, Breakdowns<'static>) {
        let dimensions = 2 + usize::try_from(case % 2).unwrap_or(0);
        let published = if dimensions == 2 {
            Breakdowns::Only(&[(0, 1)])
        } else {
            Breakdowns::All
        };
        (dimensions, drawn_cube(draws, dimensions), published)
    }

    #[test]
    fn a_reading_tightened_where_it_changed_ends_where_every_sum_swept_ends() {
        let mut draws = Draws(0x9e37_79b9_7f4a_7c15);
        for case in 0..300 {
            let (dimensions, cells, published) = drawn_case(&mut draws, case);
            let (_, mut audit) = Audit::of(dimensions, &cells, published);
            // Markers as a round of hiding leaves them, some `x` and `..` among the `<5`.
            for figure in &mut audit.figures {
                if figure.hidden.is_none() && draws.below(4) == 0 {
                    figure.hidden = Some(Suppression::Secondary);
                } else if draws.below(12) == 0 {
                    figure.hidden = Some(Suppression::Unpublished);
                }
            }
            let nothing = vec![None; audit.counts.len()];
            let outsider = swept(&audit, &nothing);
            assert_eq!(audit.audit(&nothing), outsider, "case {case}");
            let mut reading = Reading::new(&audit, outsider.clone());
            for (r, own) in audit.own_cells.iter().enumerate() {
                let known: Vec<Option<u64>> = (0..audit.counts.len())
                    .map(|i| own.contains(&i).then_some(audit.counts[i]))
                    .collect();
                for &i in own {
                    reading.know(i, audit.counts[i]);
                }
                reading.tighten();
                assert_eq!(
                    reading.bounds,
                    swept(&audit, &known),
                    "case {case}, reader {r}"
                );
                reading.restore(&outsider);
                assert_eq!(reading.bounds, outsider, "case {case}, reader {r} put back");
            }
        }
    }

    #[test]
    fn every_round_hides_what_the_plain_audit_of_every_reader_hid() {
        let mut draws = Draws(0x2545_f491_4f6c_dd1d);
        for case in 0..150 {
            let (dimensions, cells, published) = drawn_case(&mut draws, case);
            let (_, mut fast) = Audit::of(dimensions, &cells, published);
            let (_, mut plain) = Audit::of(dimensions, &cells, published);
            let lines = fast.lines.clone();
            loop {
                let partnered = fast.hide_partners(&lines);
                assert_eq!(plain.hide_partners(&lines), partnered);
                let audited = fast.hide_narrowed();
                assert_eq!(swept_round(&mut plain), audited, "case {case}");
                let markers = |audit: &Audit| -> Vec<Option<Suppression>> {
                    audit.figures.iter().map(|figure| figure.hidden).collect()
                };
                assert_eq!(markers(&fast), markers(&plain), "case {case}");
                if !partnered && !audited {
                    break;
                }
            }
        }
    }
}

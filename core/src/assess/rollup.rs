//! Roll-ups of the item results to indicator, category and programme level, per region ×
//! period, with the programme's [`AggregationSpec`]: the mean of the members' scores, the group
//! colour by the "two worst" rule (continuous or categorical, "green only if all are green"),
//! the minimum-data rule, and the Open SDG progress aggregation.
//!
//! Members of each level:
//! - an **indicator** rolls up its items (the items of basic conditions are not rolled up);
//! - a **category** rolls up the indicators of that category;
//! - the **programme** rolls up the categories (SDSN: the index is the mean of the goal scores).
//!
//! A member that does not declare a method — or does not apply to the region — is not counted
//! for it; a member that declares it but has no result that period counts as missing. So an
//! item without data is grey and lowers the share of present members; it never counts as
//! green.
//!
//! | result | rule |
//! |---|---|
//! | score | mean of the present members' scores (items: clipped 0–100) |
//! | colour, continuous | each member on 0–4 (lower bound 0, red 1, mid 2, green 3, optimum 4), the mean of the two lowest, floor band ([`colour_continuous`](crate::assess::aggregate::colour_continuous)) |
//! | colour, categorical | red 0 … green 3, the mean of the two worst, .5 up ([`colour_categorical`](crate::assess::aggregate::colour_categorical)) |
//! | all green | with `all_green`, green only if every rated member is green |
//! | minimum data | indicators and categories: `group_max_missing_share` over their members; programme: `max_missing_share` over **all its indicators** (SDR: no index score when more than 20 % of the indicators are missing) — no score and a grey colour when it fails |
//! | progress | indicators: sdg-build's aggregation (sub-groups averaged first, status from the mean, "target achieved" only if every series achieved it); categories and programme: the mean of their members' scores, the same statuses |
//!
//! An item with bands but no score sits on 0–4 at its band's rank (red 0 … green 3).
//!
//! Cost: the cells are rolled up column-wise, by blocks of whole regions (~1,000 cells, every
//! period of each: the item rows and the group cells of a block are contiguous). Each item's
//! declared columns are read once per block into a run; each group folds its members' runs
//! cell by cell in member order — sums in the order of the rules above, so the results are
//! theirs bit for bit — one pass per member and method, the last pass also finishing the cells
//! without branches. A group reads only the members that may declare a method (one that none
//! declares is filled as not assessed); a group of one member takes its member's result; the
//! programme's minimum-data counts are the sums of its categories' counts when every indicator
//! is in one category. At the benchmark kit's M scale (3,375 regions × 30 periods, 18
//! indicators, every method; 2 cores) that is ~17 ms of CPU per core, plus ~5–10 ms per core
//! to fault in the fresh result columns (was ~90 ms per core with one record of options per
//! member and cell); what remains is mostly reading the item columns and writing the results.
//!
//! ```
//! use ecociv::assess::{apply, bands::Band};
//! use ecociv::eval::{evaluate, EvalOptions};
//! use ecociv::model::{Bands, Level, RegionDef, ScoreSpec};
//! use ecociv::{Panel, Period};
//!
//! let mut programme = ecociv::programme::builtin("baoshan-2017")?;
//! let i01 = programme.indicators[0].items[0].assess.get_or_insert_default(); // rural income
//! i01.bands = Some(Bands { green: 6000.0, red: 4000.0, yellow: None });
//! i01.score = Some(ScoreSpec { lower: 2000.0, optimum: 10000.0 });
//! let region = RegionDef::new("R1", "R1", Level::County);
//! let mut panel = Panel::new(vec![region], vec![Period::Year(2016)], vec!["rural_income".into()]);
//! panel.set(0, 0, 0, 5000.0);
//! let e = evaluate(&programme, &panel, &EvalOptions::default())?;
//! let rollups = apply(&programme, &e)?.rollups.expect("I01 declares a score");
//! let ind = &rollups.indicators;
//! let cell = ind.cell(ind.group("1").unwrap(), 0, 0);
//! assert_eq!((ind.score[cell], ind.band_of(cell)), (37.5, Some(Band::Yellow))); // 5000 = mid
//! // Indicator 1 is the only one with a score: the index needs 80 % of them — it has 100 %.
//! assert_eq!(rollups.programme.score[0], 37.5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use crate::assess::apply::workers;
use crate::assess::bands::Band;
use crate::assess::codes::{Code, NO_DATA, NOT_ASSESSED};
use crate::assess::progress::ProgressStatus;
use crate::memory::zeroed;
use crate::model::{AggregationSpec, ColourRule};

/// One level of roll-ups: every group × region × period.
///
/// Cell of group `g`, region `r`, period `t`: `(g * regions + r) * periods + t`
/// ([`RollUp::cell`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RollUp {
    /// Group codes: indicator codes, category names, or the programme id.
    pub groups: Vec<String>,
    /// Regions on the region axis (as in the evaluation).
    pub regions: usize,
    /// Periods on the period axis (as in the evaluation).
    pub periods: usize,
    /// Per cell: the mean score (0–100); NaN when no member has a score or the minimum-data
    /// rule fails.
    pub score: Vec<f64>,
    /// Per cell: the [`Band`] code (3 green … 0 red, −1 grey: no data or not enough data;
    /// −2: no member declares bands).
    pub band: Vec<i8>,
    /// Per cell: the 0–4 position of the continuous colour rule (NaN with the categorical
    /// rule, or without a colour).
    pub position: Vec<f64>,
    /// Per cell: the [`ProgressStatus`] code (−2: no member declares progress).
    pub progress: Vec<i8>,
    /// Per cell: the mean progress score (−5…5); NaN when none.
    pub progress_score: Vec<f64>,
}

impl RollUp {
    fn new(groups: Vec<String>, regions: usize, periods: usize) -> RollUp {
        let n = groups.len() * regions * periods;
        RollUp {
            groups,
            regions,
            periods,
            // Every cell is written by `roll_up` (zeroed huge pages, faulted in by its workers).
            score: zeroed(n),
            band: zeroed(n),
            position: zeroed(n),
            progress: zeroed(n),
            progress_score: zeroed(n),
        }
    }

    /// The cell of group `g`, region `r`, period `t`.
    #[must_use]
    pub fn cell(&self, group: usize, region: usize, period: usize) -> usize {
        (group * self.regions + region) * self.periods + period
    }

    /// The index of a group by code.
    #[must_use]
    pub fn group(&self, code: &str) -> Option<usize> {
        self.groups.iter().position(|g| g == code)
    }

    /// The band of a cell (`None`: not assessed).
    #[must_use]
    pub fn band_of(&self, cell: usize) -> Option<Band> {
        Band::from_code(self.band[cell])
    }

    /// The progress status of a cell (`None`: not assessed).
    #[must_use]
    pub fn progress_of(&self, cell: usize) -> Option<ProgressStatus> {
        ProgressStatus::from_code(self.progress[cell])
    }
}

/// The three levels, and the optional composite index.
#[derive(Debug, Clone, PartialEq)]
pub struct RollUps {
    /// One group per indicator, in programme order.
    pub indicators: RollUp,
    /// One group per category, in the programme's category order.
    pub categories: RollUp,
    /// One group: the programme (its id).
    pub programme: RollUp,
    /// The weighted composite index of the programme's `aggregation.composite`, per region ×
    /// period (`r * periods + t`; NaN where a region has no value in any column); `None` when
    /// the programme declares none. Columns: the items named by fixed weights, otherwise every
    /// indicator item with a direction (`>=`, `>`, `<=`, `<`); units: the regions, period by
    /// period (see [`crate::assess::composite`]).
    pub composite: Option<Vec<f64>>,
}

/// What an item declares for the roll-ups: the methods it may contribute (a row whose item does
/// not apply contributes none), and the Open SDG sub-indicator group of its progress.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Declared<'a> {
    /// A score.
    pub score: bool,
    /// Bands (a colour).
    pub bands: bool,
    /// Progress.
    pub progress: bool,
    /// The progress sub-indicator group.
    pub sub_group: Option<&'a str>,
}

/// The shape of the roll-ups: which items form each indicator, which indicators each category.
pub(crate) struct Shape<'a> {
    /// Per indicator: its code and the evaluation's item indices of its items.
    pub indicators: Vec<(String, Vec<usize>)>,
    /// Per category: its name and its indicators' indices.
    pub categories: Vec<(String, Vec<usize>)>,
    /// The programme id.
    pub programme: String,
    /// Per evaluation item: what it declares, i.e. which runs [`roll_up`]'s `item` fills for it.
    pub declared: Vec<Declared<'a>>,
}

/// One member's run of cells (a block of regions, every period of each) in the roll-ups'
/// columnar form. The caller of [`roll_up`] fills an item's run cell by cell, method by method
/// ([`Member::score`], [`Member::colour`], [`Member::progress`], branch-free); the groups' runs
/// have the same form: per cell, whether it declares a score and the score (NaN: none); the
/// band code ([`NOT_ASSESSED`]: no bands declared; grey: no colour) and the 0–4 position; the
/// progress code ([`NOT_ASSESSED`]: no progress declared; the target-achieved status code when
/// achieved) and the progress score (NaN: none).
pub(crate) struct Member<'s> {
    score: &'s mut [f64],
    scored: &'s mut [bool],
    band: &'s mut [i8],
    position: &'s mut [f64],
    progress: &'s mut [i8],
    progress_score: &'s mut [f64],
}

impl Member<'_> {
    /// The score at cell `t` (clipped to 0–100; NaN: none) of an item that declares one;
    /// nothing unless it `applies`.
    #[inline]
    pub fn score(&mut self, t: usize, applies: bool, score: f64) {
        self.scored[t] = applies;
        self.score[t] = if applies { score } else { f64::NAN };
    }

    /// The colour at cell `t` of an item that declares bands: its band code (0 red … 3
    /// green; any other code is grey) and 0–4 position; nothing unless it `applies`.
    #[inline]
    pub fn colour(&mut self, t: usize, applies: bool, band: i8, position: f64) {
        let band = if (0..=Band::Green.code()).contains(&band) {
            band
        } else {
            Band::Grey.code()
        };
        self.band[t] = if applies { band } else { NOT_ASSESSED };
        self.position[t] = if applies { position } else { f64::NAN };
    }

    /// The progress at cell `t` of an item that declares it: its progress score (none when
    /// not finite) and whether the target was achieved; nothing unless it `applies`.
    #[inline]
    pub fn progress(&mut self, t: usize, applies: bool, score: f64, achieved: bool) {
        let some = score.is_finite();
        let code = if some & achieved {
            ProgressStatus::TargetAchieved.code()
        } else {
            NO_DATA
        };
        self.progress[t] = if applies { code } else { NOT_ASSESSED };
        self.progress_score[t] = if applies & some { score } else { f64::NAN };
    }
}

/// Where the runs lie in a worker's columns: node `n`'s run is `cells` long from `n × stride`
/// (one block of regions, every period of each).
#[derive(Debug, Clone, Copy)]
struct Span {
    stride: usize,
    cells: usize,
}

impl Span {
    /// Node `node`'s run in `col`.
    #[inline]
    fn of<T>(self, col: &[T], node: usize) -> &[T] {
        &col[node * self.stride..][..self.cells]
    }

    /// Node `node`'s run in `col`, to write.
    #[inline]
    fn of_mut<T>(self, col: &mut [T], node: usize) -> &mut [T] {
        &mut col[node * self.stride..][..self.cells]
    }
}

/// One worker's runs at its current block of regions, one run per node: the items (in
/// [`Plan::slots`] order), then the indicators, the categories and the programme. A method that
/// a node never declares is never written, nor read.
struct Runs {
    span: Span,
    score: Vec<f64>,
    scored: Vec<bool>,
    band: Vec<i8>,
    position: Vec<f64>,
    progress: Vec<i8>,
    progress_score: Vec<f64>,
}

impl Runs {
    fn new(nodes: usize, stride: usize) -> Runs {
        let n = nodes * stride;
        Runs {
            span: Span {
                stride,
                cells: stride,
            },
            score: vec![f64::NAN; n],
            scored: vec![false; n],
            band: vec![NOT_ASSESSED; n],
            position: vec![f64::NAN; n],
            progress: vec![NOT_ASSESSED; n],
            progress_score: vec![f64::NAN; n],
        }
    }

    fn member(&mut self, node: usize) -> Member<'_> {
        let span = self.span;
        Member {
            score: span.of_mut(&mut self.score, node),
            scored: span.of_mut(&mut self.scored, node),
            band: span.of_mut(&mut self.band, node),
            position: span.of_mut(&mut self.position, node),
            progress: span.of_mut(&mut self.progress, node),
            progress_score: span.of_mut(&mut self.progress_score, node),
        }
    }
}

/// One group: its node, and per method the nodes of the members that may declare it (the
/// others never contribute to it), in member order.
#[derive(Debug, Default)]
struct Group {
    /// Its run, after its members'.
    node: usize,
    score: Vec<usize>,
    bands: Vec<usize>,
    /// Progress members outside any sub-group.
    progress: Vec<usize>,
    /// The progress sub-groups in code order, each its members.
    sub_groups: Vec<Vec<usize>>,
    /// Whether its counts go into the programme's ([`Acc::count`]).
    counted: bool,
}

impl Group {
    fn new<'a>(node: usize, members: impl Iterator<Item = (usize, Declared<'a>)>) -> Group {
        let mut group = Group {
            node,
            ..Group::default()
        };
        let mut sub_groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (m, d) in members {
            if d.score {
                group.score.push(m);
            }
            if d.bands {
                group.bands.push(m);
            }
            if d.progress {
                match d.sub_group {
                    None => group.progress.push(m),
                    Some(s) => sub_groups.entry(s).or_default().push(m),
                }
            }
        }
        group.sub_groups = sub_groups.into_values().collect();
        group
    }

    /// What the group itself may declare, as a member of the next level.
    fn declared(&self) -> Declared<'static> {
        Declared {
            score: !self.score.is_empty(),
            bands: !self.bands.is_empty(),
            progress: !self.progress.is_empty() || !self.sub_groups.is_empty(),
            sub_group: None,
        }
    }
}

/// The minimum-data rule ([`enough_data`](crate::assess::aggregate::enough_data)) as a table:
/// `k` present of `n` declaring members are enough when `k ≥ least[n]`, for `n` up to `len − 1`.
struct Enough {
    least: Vec<u32>,
}

impl Enough {
    fn new(len: usize, max_missing_share: Option<f64>) -> Enough {
        // `(n − k) / n` falls as `k` grows (the division is exact up to one rounding, and
        // rounding is monotone): the rule holds from its least `k` on.
        let least = (0..len)
            .map(|n| {
                (1..=n)
                    .find(|&k| max_missing_share.is_none_or(|m| (n - k) as f64 / n as f64 <= m))
                    .map_or(u32::MAX, |k| k as u32)
            })
            .collect();
        Enough { least }
    }

    #[inline]
    fn holds(&self, k: u32, n: u32) -> bool {
        self.least.get(n as usize).is_some_and(|&least| k >= least)
    }
}

/// Every group of the three levels, built once from the [`Shape`].
struct Plan {
    /// The evaluation item of each item node, and whether it declares anything.
    slots: Vec<(usize, bool)>,
    indicators: Vec<Group>,
    categories: Vec<Group>,
    programme: Group,
    /// The programme's minimum-data rule over its indicators: the nodes of those that may
    /// declare a score, bands.
    scored: Vec<usize>,
    banded: Vec<usize>,
    /// Whether every indicator is in exactly one category: then the programme's counts over
    /// its indicators are the sums of the categories' counts over theirs.
    partition: bool,
    nodes: usize,
    /// The minimum-data rules of the indicators and categories, of the programme's own
    /// members (none), and of the programme over its indicators.
    groups_enough: Enough,
    any_enough: Enough,
    programme_enough: Enough,
}

impl Plan {
    fn new(shape: &Shape<'_>, spec: &AggregationSpec) -> Plan {
        let slots: Vec<(usize, bool)> = shape
            .indicators
            .iter()
            .flat_map(|(_, items)| items.iter())
            .map(|&k| {
                let d = shape.declared[k];
                (k, d.score || d.bands || d.progress)
            })
            .collect();
        let (ni, nc) = (shape.indicators.len(), shape.categories.len());
        let mut slot = 0;
        let indicators: Vec<Group> = shape
            .indicators
            .iter()
            .enumerate()
            .map(|(g, (_, items))| {
                let first = slot;
                slot += items.len();
                let members = items.iter().enumerate();
                Group::new(
                    slots.len() + g,
                    members.map(|(j, &k)| (first + j, shape.declared[k])),
                )
            })
            .collect();
        let mut categories: Vec<Group> = shape
            .categories
            .iter()
            .enumerate()
            .map(|(c, (_, inds))| {
                let members = inds
                    .iter()
                    .map(|&i| (indicators[i].node, indicators[i].declared()));
                Group::new(slots.len() + ni + c, members)
            })
            .collect();
        let programme = Group::new(
            slots.len() + ni + nc,
            categories.iter().map(|c| (c.node, c.declared())),
        );
        let of = |f: fn(&Declared<'_>) -> bool| {
            indicators
                .iter()
                .filter(|g| f(&g.declared()))
                .map(|g| g.node)
                .collect()
        };
        let widest = shape
            .indicators
            .iter()
            .chain(&shape.categories)
            .map(|(_, m)| m.len())
            .chain([nc, ni])
            .max()
            .unwrap_or(0)
            + 1;
        let mut seen = vec![0usize; ni];
        for i in shape.categories.iter().flat_map(|(_, inds)| inds) {
            seen[*i] += 1;
        }
        let partition = seen.iter().all(|&n| n == 1);
        for c in &mut categories {
            c.counted = partition;
        }
        Plan {
            partition,
            scored: of(|d| d.score),
            banded: of(|d| d.bands),
            nodes: slots.len() + ni + nc + 1,
            slots,
            indicators,
            categories,
            programme,
            groups_enough: Enough::new(widest, spec.group_max_missing_share),
            any_enough: Enough::new(widest, None),
            programme_enough: Enough::new(widest, spec.max_missing_share),
        }
    }
}

/// One group's run of periods in its level's columns.
struct Out<'o> {
    score: &'o mut [f64],
    band: &'o mut [i8],
    position: &'o mut [f64],
    progress: &'o mut [i8],
    progress_score: &'o mut [f64],
}

impl Out<'_> {
    fn reborrow(&mut self) -> Out<'_> {
        Out {
            score: self.score,
            band: self.band,
            position: self.position,
            progress: self.progress,
            progress_score: self.progress_score,
        }
    }
}

/// A score cell's fold over the members: declaring (`n`) and present (`k`) members, the sum of
/// the present scores (in member order from +0, as
/// [`mean_score`](crate::assess::aggregate::mean_score): the same bits).
#[derive(Debug, Clone, Copy)]
struct Scores {
    n: u32,
    k: u32,
    sum: f64,
}

impl Scores {
    const EMPTY: Scores = Scores {
        n: 0,
        k: 0,
        sum: 0.0,
    };

    #[inline]
    fn add(self, scored: bool, score: f64) -> Scores {
        let present = scored & !score.is_nan();
        Scores {
            n: self.n + u32::from(scored),
            k: self.k + u32::from(present),
            // The sum starts at +0 and never is −0, so adding +0 leaves its bits alone.
            sum: self.sum + if present { score } else { 0.0 },
        }
    }

    #[inline]
    fn mean(self, rule: &Enough) -> f64 {
        if rule.holds(self.k, self.n) {
            self.sum / f64::from(self.k)
        } else {
            f64::NAN
        }
    }
}

/// A colour cell's fold over the members: rated (`n`) and coloured (`k`) members, those that
/// count for the two worst (`valid`: coloured, with a position for the continuous rule) and
/// their two lowest positions (continuous) or ranks (categorical), whether a coloured member is
/// not green.
#[derive(Debug, Clone, Copy)]
struct Colours {
    n: u32,
    k: u32,
    valid: u32,
    lo1: f64,
    lo2: f64,
    not_green: bool,
}

impl Colours {
    const EMPTY: Colours = Colours {
        n: 0,
        k: 0,
        valid: 0,
        lo1: f64::INFINITY,
        lo2: f64::INFINITY,
        not_green: false,
    };

    #[inline]
    fn add(self, band: i8, position: f64, categorical: bool) -> Colours {
        let coloured = band >= 0;
        // The categorical rule ranks the bands (a band code is its rank); the continuous one
        // takes the positions. A member that does not count changes neither lowest (as
        // `colour_continuous`, whose comparisons are strict).
        let (v, x) = if categorical {
            (coloured, f64::from(band))
        } else {
            (coloured & !position.is_nan(), position)
        };
        let x = if v { x } else { f64::INFINITY };
        let (lt1, lt2) = (x < self.lo1, x < self.lo2);
        Colours {
            n: self.n + u32::from(band != NOT_ASSESSED),
            k: self.k + u32::from(coloured),
            valid: self.valid + u32::from(v),
            lo1: if lt1 { x } else { self.lo1 },
            lo2: if lt1 {
                self.lo1
            } else if lt2 {
                x
            } else {
                self.lo2
            },
            not_green: self.not_green | (coloured & (band != Band::Green.code())),
        }
    }

    /// The band code and position after the minimum-data rule and the two worst
    /// ([`colour_continuous`](crate::assess::aggregate::colour_continuous),
    /// [`colour_categorical`](crate::assess::aggregate::colour_categorical)).
    #[inline]
    fn colour(self, rule: &Enough, spec: &AggregationSpec, categorical: bool) -> (i8, f64) {
        // Branch-free (the members' colours vary from cell to cell): every candidate is
        // computed, then selected.
        let one = self.valid == 1;
        let (band, position) = if categorical {
            // Ranks are 0…3 (`lo2` is infinite, saturating, when there is only one).
            let (a, b) = (self.lo1 as u8, self.lo2 as u8);
            let two = (u16::from(a) + u16::from(b)).div_ceil(2) as i8;
            (if one { a as i8 } else { two }, f64::NAN)
        } else {
            let two = (self.lo1 + self.lo2) / 2.0;
            let x = if one { self.lo1 } else { two };
            (band_code(x), x)
        };
        let downgrade = spec.all_green & (band == Band::Green.code()) & self.not_green;
        let band = if downgrade { Band::Yellow.code() } else { band };
        let ok = rule.holds(self.k, self.n) & (self.valid > 0);
        let grey = if self.n == 0 {
            NOT_ASSESSED
        } else {
            Band::Grey.code()
        };
        (
            if ok { band } else { grey },
            if ok { position } else { f64::NAN },
        )
    }
}

/// Per-period folds of one group, over its members' runs in member order.
struct Acc {
    scores: Vec<Scores>,
    colours: Vec<Colours>,
    /// Progress: declaring members, members or sub-groups with a score, the sum of their
    /// scores (a sub-group's: its mean), whether every one achieved its target.
    n: Vec<u32>,
    k: Vec<u32>,
    sum: Vec<f64>,
    achieved: Vec<bool>,
    group_k: Vec<u32>,
    group_sum: Vec<f64>,
}

/// `col` cut at `node`'s run: the runs before it (its members'), and its run.
#[inline]
fn split_at_node<T>(col: &mut [T], node: usize, span: Span) -> (&[T], &mut [T]) {
    let (members, rest) = col.split_at_mut(node * span.stride);
    (members, &mut rest[..span.cells])
}

impl Acc {
    fn new(periods: usize) -> Acc {
        Acc {
            scores: vec![Scores::EMPTY; periods],
            colours: vec![Colours::EMPTY; periods],
            n: vec![0; periods],
            k: vec![0; periods],
            sum: vec![0.0; periods],
            achieved: vec![false; periods],
            group_k: vec![0; periods],
            group_sum: vec![0.0; periods],
        }
    }

    /// The score folds of `members`, in `self.scores`.
    fn fold_scores(&mut self, runs: &Runs, members: &[usize]) {
        let (p, span) = (runs.span.cells, runs.span);
        let acc = &mut self.scores[..p];
        if members.is_empty() {
            acc.fill(Scores::EMPTY);
        }
        for (i, &m) in members.iter().enumerate() {
            let (s, d) = (span.of(&runs.score, m), span.of(&runs.scored, m));
            for t in 0..p {
                let from = if i == 0 { Scores::EMPTY } else { acc[t] };
                acc[t] = from.add(d[t], s[t]);
            }
        }
    }

    /// The group's mean scores ([`Scores`]) into `out` and its node's run (members precede
    /// the group in the runs); its folds stay in `self.scores`.
    fn scores(&mut self, runs: &mut Runs, group: &Group, out: &mut [f64], rule: &Enough) {
        let (p, span) = (runs.span.cells, runs.span);
        let Some((&last, rest)) = group.score.split_last() else {
            out.fill(f64::NAN);
            return;
        };
        self.fold_scores(runs, rest);
        let (scores, score) = split_at_node(&mut runs.score, group.node, span);
        let (scoreds, scored) = split_at_node(&mut runs.scored, group.node, span);
        let (s, d) = (span.of(scores, last), span.of(scoreds, last));
        let (acc, out) = (&mut self.scores[..p], &mut out[..p]);
        if rest.is_empty() {
            // One member: its score if present and enough, as the mean of one, `(0 + s) / 1`.
            let enough = rule.holds(1, 1);
            for t in 0..p {
                let present = d[t] & !s[t].is_nan();
                out[t] = if present & enough {
                    0.0 + s[t]
                } else {
                    f64::NAN
                };
                score[t] = out[t];
                scored[t] = d[t];
            }
            if group.counted {
                for t in 0..p {
                    acc[t] = Scores::EMPTY.add(d[t], s[t]);
                }
            }
            return;
        }
        for t in 0..p {
            let cell = acc[t].add(d[t], s[t]);
            out[t] = cell.mean(rule);
            score[t] = out[t];
            scored[t] = cell.n > 0;
            acc[t] = cell;
        }
    }

    /// The group's colours ([`Colours`]) into `out` and its node's run; its folds stay in
    /// `self.colours`.
    fn colours(
        &mut self,
        runs: &mut Runs,
        group: &Group,
        out: &mut Out<'_>,
        rule: &Enough,
        spec: &AggregationSpec,
    ) {
        let (p, span) = (runs.span.cells, runs.span);
        let Some((&last, rest)) = group.bands.split_last() else {
            out.band.fill(NOT_ASSESSED);
            out.position.fill(f64::NAN);
            return;
        };
        let categorical = spec.colour == ColourRule::Categorical;
        let acc = &mut self.colours[..p];
        for (i, &m) in rest.iter().enumerate() {
            let (b, x) = (span.of(&runs.band, m), span.of(&runs.position, m));
            for t in 0..p {
                let from = if i == 0 { Colours::EMPTY } else { acc[t] };
                acc[t] = from.add(b[t], x[t], categorical);
            }
        }
        let (bands, band) = split_at_node(&mut runs.band, group.node, span);
        let (positions, position) = split_at_node(&mut runs.position, group.node, span);
        let (b, x) = (span.of(bands, last), span.of(positions, last));
        let (out_band, out_position) = (&mut out.band[..p], &mut out.position[..p]);
        if rest.is_empty() {
            // One member (as [`Colours::colour`] of one): rated, coloured, counting for the
            // two worst; then its band at its own position, or its rank.
            let enough = rule.holds(1, 1);
            let (green, grey) = (Band::Green.code(), Band::Grey.code());
            for t in 0..p {
                let coloured = b[t] >= 0;
                let (valid, c) = if categorical {
                    (coloured, b[t])
                } else {
                    let c = band_code(x[t]);
                    let downgrade = spec.all_green & (c == green) & (b[t] != green);
                    let c = if downgrade { Band::Yellow.code() } else { c };
                    (coloured & !x[t].is_nan(), c)
                };
                let none = if b[t] == NOT_ASSESSED {
                    NOT_ASSESSED
                } else {
                    grey
                };
                let ok = valid & enough;
                let y = if ok & !categorical { x[t] } else { f64::NAN };
                let c = if ok { c } else { none };
                (out_band[t], out_position[t]) = (c, y);
                (band[t], position[t]) = (c, y);
            }
            if group.counted {
                for t in 0..p {
                    acc[t] = Colours::EMPTY.add(b[t], x[t], categorical);
                }
            }
            return;
        }
        for t in 0..p {
            let from = acc[t];
            let cell = from.add(b[t], x[t], categorical);
            acc[t] = cell;
            let (c, y) = cell.colour(rule, spec, categorical);
            (out_band[t], out_position[t]) = (c, y);
            (band[t], position[t]) = (c, y);
        }
    }

    /// Adds a group's counts (its folds in `self.scores` and `self.colours`) to `counts`: the
    /// members declaring a score, present; rated, coloured.
    fn count(&self, group: &Group, counts: &mut [[u32; 4]]) {
        if !group.score.is_empty() {
            for (c, s) in counts.iter_mut().zip(&self.scores) {
                c[0] += s.n;
                c[1] += s.k;
            }
        }
        if !group.bands.is_empty() {
            for (c, s) in counts.iter_mut().zip(&self.colours) {
                c[2] += s.n;
                c[3] += s.k;
            }
        }
    }

    /// Rated (`colours[t].n`) and coloured (`colours[t].k`) members.
    fn rated(&mut self, runs: &Runs, members: &[usize]) {
        let (p, span) = (runs.span.cells, runs.span);
        let acc = &mut self.colours[..p];
        acc.fill(Colours::EMPTY);
        for &m in members {
            let b = span.of(&runs.band, m);
            for t in 0..p {
                acc[t].n += u32::from(b[t] != NOT_ASSESSED);
                acc[t].k += u32::from(b[t] >= 0);
            }
        }
    }

    /// The group progress ([`aggregate_grouped`](crate::assess::progress::aggregate_grouped)).
    fn progress(&mut self, runs: &mut Runs, group: &Group, out: &mut Out<'_>) {
        let (p, span) = (runs.span.cells, runs.span);
        if group.progress.is_empty() && group.sub_groups.is_empty() {
            out.progress.fill(NOT_ASSESSED);
            out.progress_score.fill(f64::NAN);
            return;
        }
        let achieved = ProgressStatus::TargetAchieved.code();
        let not_available = ProgressStatus::NotAvailable.code();
        if let ([m], []) = (group.progress.as_slice(), group.sub_groups.as_slice()) {
            // One member: its own score (the mean of one, `(0 + s) / 1`) and status.
            let (c, s) = (
                span.of(&runs.progress, *m),
                span.of(&runs.progress_score, *m),
            );
            let (code, score) = (&mut out.progress[..p], &mut out.progress_score[..p]);
            for t in 0..p {
                let declared = c[t] != NOT_ASSESSED;
                let some = declared & !s[t].is_nan();
                let mean = (0.0 + s[t]) / 1.0;
                let none = if declared {
                    not_available
                } else {
                    NOT_ASSESSED
                };
                code[t] = if some {
                    status_code(mean, c[t] == achieved)
                } else {
                    none
                };
                score[t] = if some { mean } else { f64::NAN };
            }
            span.of_mut(&mut runs.progress, group.node)
                .copy_from_slice(code);
            span.of_mut(&mut runs.progress_score, group.node)
                .copy_from_slice(score);
            return;
        }
        let (n, k, sum, all) = (
            &mut self.n[..p],
            &mut self.k[..p],
            &mut self.sum[..p],
            &mut self.achieved[..p],
        );
        n.fill(0);
        k.fill(0);
        sum.fill(0.0);
        all.fill(true);
        let mut add = |m: usize, k: &mut [u32], sum: &mut [f64]| {
            let (c, s) = (span.of(&runs.progress, m), span.of(&runs.progress_score, m));
            for t in 0..p {
                let declared = c[t] != NOT_ASSESSED;
                let some = declared & !s[t].is_nan();
                n[t] += u32::from(declared);
                k[t] += u32::from(some);
                sum[t] += if some { s[t] } else { 0.0 };
                all[t] &= !some | (c[t] == achieved);
            }
        };
        for &m in &group.progress {
            add(m, k, sum);
        }
        let (group_k, group_sum) = (&mut self.group_k[..p], &mut self.group_sum[..p]);
        for members in &group.sub_groups {
            group_k.fill(0);
            group_sum.fill(0.0);
            for &m in members {
                add(m, group_k, group_sum);
            }
            for t in 0..p {
                if group_k[t] > 0 {
                    sum[t] += group_sum[t] / f64::from(group_k[t]);
                    k[t] += 1;
                }
            }
        }
        let (code, score) = (&mut out.progress[..p], &mut out.progress_score[..p]);
        for t in 0..p {
            let some = k[t] > 0;
            let mean = sum[t] / f64::from(k[t]);
            let none = if n[t] > 0 {
                not_available
            } else {
                NOT_ASSESSED
            };
            code[t] = if some {
                status_code(mean, all[t])
            } else {
                none
            };
            score[t] = if some { mean } else { f64::NAN };
        }
        span.of_mut(&mut runs.progress, group.node)
            .copy_from_slice(code);
        span.of_mut(&mut runs.progress_score, group.node)
            .copy_from_slice(score);
    }

    /// Group `g`'s run from its members' runs, into `out` and its node's run.
    fn combine(
        &mut self,
        runs: &mut Runs,
        g: &Group,
        mut out: Out<'_>,
        rule: &Enough,
        spec: &AggregationSpec,
    ) {
        self.scores(runs, g, out.score, rule);
        self.colours(runs, g, &mut out, rule, spec);
        self.progress(runs, g, &mut out);
    }
}

/// The code of [`ProgressStatus::from_score`] for a score, without branches (the scores vary
/// from cell to cell): one step per threshold passed, not available outside −5…5.
#[inline]
fn status_code(score: f64, target_achieved: bool) -> i8 {
    let steps = i8::from(score >= -2.5) + i8::from(score >= 0.0) + i8::from(score >= 2.5);
    let code = if (-5.0..=5.0).contains(&score) {
        steps
    } else {
        ProgressStatus::NotAvailable.code()
    };
    if target_achieved {
        ProgressStatus::TargetAchieved.code()
    } else {
        code
    }
}

/// The band code of a 0–4 position ([`band_of_position`](crate::assess::aggregate::band_of_position)),
/// without branches: one step per knot passed, grey for NaN.
#[inline]
fn band_code(x: f64) -> i8 {
    i8::from(x >= 1.0) + i8::from(x >= 2.0) + i8::from(x >= 3.0) - i8::from(x.is_nan())
}

/// One worker's share of one level: per group, the cells of regions `r0..` (region-major).
struct LevelPart<'s> {
    periods: usize,
    score: Vec<&'s mut [f64]>,
    band: Vec<&'s mut [i8]>,
    position: Vec<&'s mut [f64]>,
    progress: Vec<&'s mut [i8]>,
    progress_score: Vec<&'s mut [f64]>,
}

impl LevelPart<'_> {
    /// Group `g`'s cells of `cells` from the worker's `r`-th region on.
    fn out(&mut self, g: usize, r: usize, cells: usize) -> Out<'_> {
        let at = r * self.periods;
        Out {
            score: &mut self.score[g][at..][..cells],
            band: &mut self.band[g][at..][..cells],
            position: &mut self.position[g][at..][..cells],
            progress: &mut self.progress[g][at..][..cells],
            progress_score: &mut self.progress_score[g][at..][..cells],
        }
    }
}

/// `col` (groups × regions × periods) cut per worker (region range `bounds[w]..bounds[w + 1]`)
/// and per group.
fn split<'s, T>(
    col: &'s mut [T],
    regions: usize,
    periods: usize,
    bounds: &[usize],
) -> Vec<Vec<&'s mut [T]>> {
    let workers = bounds.len() - 1;
    let mut out: Vec<Vec<&'s mut [T]>> = (0..workers).map(|_| Vec::new()).collect();
    for group in col.chunks_mut(regions * periods) {
        let mut rest = group;
        for (w, part) in out.iter_mut().enumerate() {
            let (head, tail) = rest.split_at_mut((bounds[w + 1] - bounds[w]) * periods);
            part.push(head);
            rest = tail;
        }
    }
    out
}

/// Every level's columns cut per worker.
fn parts<'s>(level: &'s mut RollUp, bounds: &[usize]) -> Vec<LevelPart<'s>> {
    let (regions, periods) = (level.regions, level.periods);
    let mut score = split(&mut level.score, regions, periods, bounds).into_iter();
    let mut band = split(&mut level.band, regions, periods, bounds).into_iter();
    let mut position = split(&mut level.position, regions, periods, bounds).into_iter();
    let mut progress = split(&mut level.progress, regions, periods, bounds).into_iter();
    let mut progress_score = split(&mut level.progress_score, regions, periods, bounds).into_iter();
    (0..bounds.len() - 1)
        .filter_map(|_| {
            Some(LevelPart {
                periods,
                score: score.next()?,
                band: band.next()?,
                position: position.next()?,
                progress: progress.next()?,
                progress_score: progress_score.next()?,
            })
        })
        .collect()
}

/// Below this many group cells the roll-ups stay on the calling thread.
const PARALLEL_CELLS: usize = 1 << 16;

/// Cells (regions × periods) rolled up together: each run of a member or group covers a block
/// of whole regions, about this many cells (the runs of one block stay in the cache, and the
/// item and group columns are read and written in long runs).
const BLOCK_CELLS: usize = 1024;

/// Rolls up every region × period. `item(k, regions, member)` fills the run of item `k` over
/// a block of `regions` (every period of each, region-major: the evaluation's rows in order),
/// for each method that `shape.declared[k]` declares ([`Member::score`], [`Member::colour`],
/// [`Member::progress`]; the caller knows the item columns, and reads each item's rows in one
/// go); it is not called for an item that declares none. Large inputs are split by region
/// ranges over up to `threads` (default: [`std::thread::available_parallelism`]) threads;
/// every cell is computed the same way.
pub(crate) fn roll_up<F>(
    shape: &Shape<'_>,
    spec: &AggregationSpec,
    regions: usize,
    periods: usize,
    threads: Option<usize>,
    item: F,
) -> RollUps
where
    F: Fn(usize, std::ops::Range<usize>, Member<'_>) + Sync,
{
    let names = |v: &[(String, Vec<usize>)]| v.iter().map(|(c, _)| c.clone()).collect();
    let mut out = RollUps {
        indicators: RollUp::new(names(&shape.indicators), regions, periods),
        categories: RollUp::new(names(&shape.categories), regions, periods),
        programme: RollUp::new(vec![shape.programme.clone()], regions, periods),
        composite: None,
    };
    if regions == 0 || periods == 0 {
        return out;
    }
    let plan = &Plan::new(shape, spec);
    let groups = shape.indicators.len() + shape.categories.len() + 1;
    let threads = workers(regions, groups * periods, PARALLEL_CELLS, threads);
    let bounds: Vec<usize> = (0..=threads).map(|w| w * regions / threads).collect();
    let mut work: Vec<_> = parts(&mut out.indicators, &bounds)
        .into_iter()
        .zip(parts(&mut out.categories, &bounds))
        .zip(parts(&mut out.programme, &bounds))
        .enumerate()
        .map(|(w, ((i, c), p))| (bounds[w]..bounds[w + 1], i, c, p))
        .collect();
    let item = &item;
    if work.len() == 1 {
        let (range, i, c, p) = work.pop().expect("one part");
        roll_up_regions(plan, spec, range, periods, item, i, c, p);
    } else {
        std::thread::scope(|scope| {
            for (range, i, c, p) in work {
                scope.spawn(move || roll_up_regions(plan, spec, range, periods, item, i, c, p));
            }
        });
    }
    out
}

/// The roll-ups of the regions in `range`, into their parts of the three levels.
#[allow(clippy::too_many_arguments)]
fn roll_up_regions<F>(
    plan: &Plan,
    spec: &AggregationSpec,
    range: std::ops::Range<usize>,
    periods: usize,
    item: &F,
    mut ind_out: LevelPart<'_>,
    mut cat_out: LevelPart<'_>,
    mut prog_out: LevelPart<'_>,
) where
    F: Fn(usize, std::ops::Range<usize>, Member<'_>),
{
    let block = (BLOCK_CELLS / periods).max(1);
    let mut runs = Runs::new(plan.nodes, block * periods);
    let mut acc = Acc::new(block * periods);
    // Per cell: the programme's indicators declaring a score, present; rated, coloured.
    let mut counts = vec![[0u32; 4]; block * periods];
    let r0 = range.start;
    for start in range.clone().step_by(block) {
        let regions = start..(start + block).min(range.end);
        let (r, p) = (start - r0, regions.len() * periods);
        runs.span.cells = p;
        for (slot, &(k, declares)) in plan.slots.iter().enumerate() {
            if declares {
                item(k, regions.clone(), runs.member(slot));
            }
        }
        for (g, group) in plan.indicators.iter().enumerate() {
            let out = ind_out.out(g, r, p);
            acc.combine(&mut runs, group, out, &plan.groups_enough, spec);
        }
        counts[..p].fill([0; 4]);
        for (g, group) in plan.categories.iter().enumerate() {
            let out = cat_out.out(g, r, p);
            acc.combine(&mut runs, group, out, &plan.groups_enough, spec);
            if plan.partition {
                acc.count(group, &mut counts[..p]);
            }
        }
        let mut out = prog_out.out(0, r, p);
        acc.combine(
            &mut runs,
            &plan.programme,
            out.reborrow(),
            &plan.any_enough,
            spec,
        );
        // The programme's minimum-data rule counts its indicators, not its categories.
        if !plan.partition {
            acc.fold_scores(&runs, &plan.scored);
            acc.rated(&runs, &plan.banded);
            for ((c, s), k) in counts[..p].iter_mut().zip(&acc.scores).zip(&acc.colours) {
                *c = [s.n, s.k, k.n, k.k];
            }
        }
        let rule = &plan.programme_enough;
        for (t, &[n, k, rated, coloured]) in counts[..p].iter().enumerate() {
            if n > 0 && !rule.holds(k, n) {
                out.score[t] = f64::NAN;
            }
            if rated > 0 && !rule.holds(coloured, rated) {
                out.band[t] = Band::Grey.code();
                out.position[t] = f64::NAN;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The columnar roll-ups against the former per-cell computation (one `Member` of options
    //! per member and cell, combined with the public rules of
    //! [`crate::assess::aggregate`] and [`aggregate_grouped`]), bit for bit, on random shapes,
    //! declarations, applicability and data, over several blocks and workers.

    use super::*;
    use crate::assess::aggregate::{
        Rated, colour_categorical, colour_continuous, enough_data, mean_score,
    };
    use crate::assess::progress::{ProgressScore, aggregate_grouped};

    /// xorshift64*.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn chance(&mut self, percent: usize) -> bool {
            self.below(100) < percent
        }
        /// A value on a coarse grid in `lo..hi` (ties between members are common).
        fn grid(&mut self, lo: f64, hi: f64, steps: usize) -> f64 {
            lo + (hi - lo) * self.below(steps + 1) as f64 / steps as f64
        }
    }

    /// One item row: whether the item applies, its score, band code, position, progress
    /// score and target achieved.
    #[derive(Clone, Copy)]
    struct Row {
        applies: bool,
        score: f64,
        band: i8,
        position: f64,
        progress: f64,
        achieved: bool,
    }

    /// The former per-cell member.
    #[derive(Clone, Copy, Default)]
    struct Cell<'a> {
        score: Option<f64>,
        colour: Option<Rated>,
        progress: Option<Option<ProgressScore>>,
        sub_group: Option<&'a str>,
    }

    /// The former `combine`.
    fn combine<'a>(members: &[Cell<'a>], spec: &AggregationSpec, max: Option<f64>) -> Cell<'a> {
        let scores: Vec<f64> = members.iter().filter_map(|m| m.score).collect();
        let present: Vec<bool> = scores.iter().map(|s| !s.is_nan()).collect();
        let zeroed: Vec<f64> = scores
            .iter()
            .map(|&s| if s.is_nan() { 0.0 } else { s })
            .collect();
        let score =
            (!scores.is_empty()).then(|| mean_score(&zeroed, &present, max).unwrap_or(f64::NAN));
        let rated: Vec<Rated> = members.iter().filter_map(|m| m.colour).collect();
        let colour = (!rated.is_empty()).then(|| {
            let present: Vec<bool> = rated.iter().map(|r| r.band != Band::Grey).collect();
            if !enough_data(&present, max) {
                return Rated {
                    band: Band::Grey,
                    position: f64::NAN,
                };
            }
            match spec.colour {
                ColourRule::Continuous => colour_continuous(&rated, spec.all_green),
                ColourRule::Categorical => {
                    let bands: Vec<Band> = rated.iter().map(|r| r.band).collect();
                    Rated {
                        band: colour_categorical(&bands, spec.all_green),
                        position: f64::NAN,
                    }
                }
            }
        });
        let progress: Vec<(Option<&str>, Option<ProgressScore>)> = members
            .iter()
            .filter_map(|m| m.progress.map(|p| (m.sub_group, p)))
            .collect();
        let progress = (!progress.is_empty()).then(|| aggregate_grouped(&progress));
        Cell {
            score,
            colour,
            progress,
            sub_group: None,
        }
    }

    /// A cell's outputs: score bits, band, position bits, progress code, progress score bits.
    fn outputs(m: &Cell<'_>) -> (u64, i8, u64, i8, u64) {
        let (band, position) = m
            .colour
            .map_or((NOT_ASSESSED, f64::NAN), |c| (c.band.code(), c.position));
        let (progress, progress_score) = m.progress.map_or((NOT_ASSESSED, f64::NAN), |p| {
            let status = ProgressStatus::from_score(
                p.map(|p| p.score),
                p.is_some_and(|p| p.target_achieved),
            );
            (status.code(), p.map_or(f64::NAN, |p| p.score))
        });
        (
            m.score.unwrap_or(f64::NAN).to_bits(),
            band,
            position.to_bits(),
            progress,
            progress_score.to_bits(),
        )
    }

    fn level_outputs(level: &RollUp, g: usize, r: usize, t: usize) -> (u64, i8, u64, i8, u64) {
        let c = level.cell(g, r, t);
        (
            level.score[c].to_bits(),
            level.band[c],
            level.position[c].to_bits(),
            level.progress[c],
            level.progress_score[c].to_bits(),
        )
    }

    /// One random case: roll-ups against the former computation, every cell.
    fn case(seed: u64, regions: usize, periods: usize, threads: Option<usize>) {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let items = 1 + rng.below(9);
        let groups = ["a", "b", "c"];
        let declared: Vec<Declared<'static>> = (0..items)
            .map(|_| {
                let progress = rng.chance(50);
                Declared {
                    score: rng.chance(70),
                    bands: rng.chance(70),
                    progress,
                    sub_group: (progress && rng.chance(50)).then(|| groups[rng.below(3)]),
                }
            })
            .collect();
        // Indicators: each item in at most one, some indicators empty.
        let ni = 1 + rng.below(5);
        let mut indicators: Vec<(String, Vec<usize>)> =
            (0..ni).map(|i| (format!("I{i}"), Vec::new())).collect();
        for k in 0..items {
            if rng.chance(90) {
                indicators[rng.below(ni)].1.push(k);
            }
        }
        let nc = 1 + rng.below(3);
        let mut categories: Vec<(String, Vec<usize>)> =
            (0..nc).map(|c| (format!("C{c}"), Vec::new())).collect();
        // Mostly a partition of the indicators; sometimes one in none or in two.
        for i in 0..ni {
            if rng.chance(90) {
                categories[rng.below(nc)].1.push(i);
            }
            if rng.chance(5) {
                categories[rng.below(nc)].1.push(i);
            }
        }
        let shares = [None, Some(0.0), Some(0.2), Some(0.5), Some(1.0)];
        let spec = AggregationSpec {
            colour: if rng.chance(50) {
                ColourRule::Continuous
            } else {
                ColourRule::Categorical
            },
            all_green: rng.chance(70),
            max_missing_share: shares[rng.below(shares.len())],
            group_max_missing_share: shares[rng.below(shares.len())],
            composite: None,
        };
        // Scores and positions are sometimes negated: −0 among them, whose sign the sums lose
        // exactly as the former ones did.
        let rows: Vec<Row> = (0..items * regions * periods)
            .map(|_| Row {
                applies: rng.chance(90),
                score: if rng.chance(20) {
                    f64::NAN
                } else {
                    rng.grid(0.0, 100.0, 8)
                        .copysign(if rng.chance(5) { -1.0 } else { 1.0 })
                },
                band: rng.below(5) as i8 - 1,
                position: if rng.chance(10) {
                    f64::NAN
                } else {
                    rng.grid(0.0, 4.0, 16)
                        .copysign(if rng.chance(3) { -1.0 } else { 1.0 })
                },
                progress: if rng.chance(30) {
                    f64::NAN
                } else {
                    rng.grid(-5.0, 5.0, 20)
                },
                achieved: rng.chance(20),
            })
            .collect();
        let shape = Shape {
            indicators: indicators.clone(),
            categories: categories.clone(),
            programme: "P".into(),
            declared: declared.clone(),
        };
        let got = roll_up(
            &shape,
            &spec,
            regions,
            periods,
            threads,
            |k, rs, mut out| {
                let d = declared[k];
                let rows =
                    &rows[(k * regions + rs.start) * periods..(k * regions + rs.end) * periods];
                for (t, row) in rows.iter().enumerate() {
                    if d.score {
                        out.score(t, row.applies, row.score);
                    }
                    if d.bands {
                        out.colour(t, row.applies, row.band, row.position);
                    }
                    if d.progress {
                        out.progress(t, row.applies, row.progress, row.achieved);
                    }
                }
            },
        );
        for r in 0..regions {
            for t in 0..periods {
                let item = |k: usize| {
                    let (d, row) = (declared[k], rows[(k * regions + r) * periods + t]);
                    if !row.applies {
                        return Cell::default();
                    }
                    Cell {
                        score: d.score.then_some(row.score),
                        colour: d.bands.then(|| Rated {
                            band: Band::from_code(row.band).unwrap_or(Band::Grey),
                            position: row.position,
                        }),
                        progress: d.progress.then(|| {
                            row.progress.is_finite().then_some(ProgressScore {
                                score: row.progress,
                                target_achieved: row.achieved,
                            })
                        }),
                        sub_group: d.sub_group,
                    }
                };
                let max = spec.group_max_missing_share;
                let inds: Vec<Cell<'_>> = indicators
                    .iter()
                    .map(|(_, ks)| {
                        combine(&ks.iter().map(|&k| item(k)).collect::<Vec<_>>(), &spec, max)
                    })
                    .collect();
                let cats: Vec<Cell<'_>> = categories
                    .iter()
                    .map(|(_, is)| {
                        combine(&is.iter().map(|&i| inds[i]).collect::<Vec<_>>(), &spec, max)
                    })
                    .collect();
                let mut p = combine(&cats, &spec, None);
                let present: Vec<bool> = inds
                    .iter()
                    .filter_map(|m| m.score.map(|s| !s.is_nan()))
                    .collect();
                if !present.is_empty() && !enough_data(&present, spec.max_missing_share) {
                    p.score = Some(f64::NAN);
                }
                let rated: Vec<bool> = inds
                    .iter()
                    .filter_map(|m| m.colour.map(|c| c.band != Band::Grey))
                    .collect();
                if !rated.is_empty() && !enough_data(&rated, spec.max_missing_share) {
                    p.colour = Some(Rated {
                        band: Band::Grey,
                        position: f64::NAN,
                    });
                }
                let at = format!("seed {seed}, region {r}, period {t}");
                for (g, m) in inds.iter().enumerate() {
                    assert_eq!(
                        level_outputs(&got.indicators, g, r, t),
                        outputs(m),
                        "indicator {g}, {at}"
                    );
                }
                for (g, m) in cats.iter().enumerate() {
                    assert_eq!(
                        level_outputs(&got.categories, g, r, t),
                        outputs(m),
                        "category {g}, {at}"
                    );
                }
                assert_eq!(
                    level_outputs(&got.programme, 0, r, t),
                    outputs(&p),
                    "programme, {at}"
                );
            }
        }
    }

    #[test]
    fn branch_free_codes() {
        let mut values: Vec<f64> = (-240..=240).map(|i| f64::from(i) / 40.0).collect();
        values.extend([
            -0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            5.0 + 1e-12,
        ]);
        values.extend([-5.0 - 1e-12, 2.5 - 1e-15, -2.5 - 1e-15, -1e-300, 1e-300]);
        for x in values {
            for achieved in [false, true] {
                let want = ProgressStatus::from_score(Some(x), achieved).code();
                assert_eq!(status_code(x, achieved), want, "{x} {achieved}");
            }
            let want = crate::assess::aggregate::band_of_position(x).code();
            assert_eq!(band_code(x), want, "{x}");
        }
    }

    #[test]
    fn equal_to_the_per_cell_computation() {
        for seed in 0..300 {
            case(seed, 1 + seed as usize % 7, 1 + seed as usize % 5, Some(1));
        }
    }

    #[test]
    fn equal_over_blocks_and_workers() {
        // Several blocks of regions, the last one partial; then several workers.
        for seed in 0..6 {
            case(1000 + seed, 450, 7, Some(1));
        }
        case(2000, 12_000, 6, Some(3));
    }
}

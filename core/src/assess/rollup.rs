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
//! | colour, continuous | each member on 0–4 (lower bound 0, red 1, mid 2, green 3, optimum 4), the mean of the two lowest, floor band ([`colour_continuous`]) |
//! | colour, categorical | red 0 … green 3, the mean of the two worst, .5 up ([`colour_categorical`]) |
//! | all green | with `all_green`, green only if every rated member is green |
//! | minimum data | indicators and categories: `group_max_missing_share` over their members; programme: `max_missing_share` over **all its indicators** (SDR: no index score when more than 20 % of the indicators are missing) — no score and a grey colour when it fails |
//! | progress | indicators: sdg-build's aggregation (sub-groups averaged first, status from the mean, "target achieved" only if every series achieved it); categories and programme: the mean of their members' scores, the same statuses |
//!
//! An item with bands but no score sits on 0–4 at its band's rank (red 0 … green 3).
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

use crate::assess::aggregate::{
    Rated, colour_categorical, colour_continuous, enough_data, mean_score,
};
use crate::assess::apply::workers;
use crate::assess::bands::Band;
use crate::assess::codes::{Code, NOT_ASSESSED};
use crate::assess::progress::{ProgressScore, ProgressStatus, aggregate_grouped};
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

/// What one member contributes to a group cell. `None`: the member does not declare the
/// method (or does not apply); `Some(NaN)` / grey / `Some(None)`: declared, no result.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Member<'a> {
    /// The score (0–100).
    pub score: Option<f64>,
    /// The colour and its 0–4 position.
    pub colour: Option<Rated>,
    /// The progress score and whether the target was achieved.
    pub progress: Option<Option<ProgressScore>>,
    /// The Open SDG sub-indicator group (items only).
    pub sub_group: Option<&'a str>,
}

fn status(p: Option<ProgressScore>) -> ProgressStatus {
    ProgressStatus::from_score(p.map(|p| p.score), p.is_some_and(|p| p.target_achieved))
}

/// Reused buffers of [`combine`].
#[derive(Default)]
struct Scratch<'a> {
    scores: Vec<f64>,
    present: Vec<bool>,
    rated: Vec<Rated>,
    bands: Vec<Band>,
    progress: Vec<(Option<&'a str>, Option<ProgressScore>)>,
}

/// One group cell from its members.
#[inline]
fn combine<'a>(
    members: &[Member<'a>],
    spec: &AggregationSpec,
    max_missing: Option<f64>,
    s: &mut Scratch<'a>,
) -> Member<'a> {
    s.scores.clear();
    s.present.clear();
    for sc in members.iter().filter_map(|m| m.score) {
        s.scores.push(if sc.is_nan() { 0.0 } else { sc });
        s.present.push(!sc.is_nan());
    }
    let score = (!s.scores.is_empty())
        .then(|| mean_score(&s.scores, &s.present, max_missing).unwrap_or(f64::NAN));

    s.rated.clear();
    s.rated.extend(members.iter().filter_map(|m| m.colour));
    let colour = (!s.rated.is_empty()).then(|| {
        s.present.clear();
        s.present
            .extend(s.rated.iter().map(|r| r.band != Band::Grey));
        if !enough_data(&s.present, max_missing) {
            return grey();
        }
        match spec.colour {
            ColourRule::Continuous => colour_continuous(&s.rated, spec.all_green),
            ColourRule::Categorical => {
                s.bands.clear();
                s.bands.extend(s.rated.iter().map(|r| r.band));
                Rated {
                    band: colour_categorical(&s.bands, spec.all_green),
                    position: f64::NAN,
                }
            }
        }
    });

    s.progress.clear();
    s.progress.extend(
        members
            .iter()
            .filter_map(|m| m.progress.map(|p| (m.sub_group, p))),
    );
    let progress = (!s.progress.is_empty()).then(|| aggregate_grouped(&s.progress));
    Member {
        score,
        colour,
        progress,
        sub_group: None,
    }
}

fn grey() -> Rated {
    Rated {
        band: Band::Grey,
        position: f64::NAN,
    }
}

/// The shape of the roll-ups: which items form each indicator, which indicators each category.
pub(crate) struct Shape {
    /// Per indicator: its code and the evaluation's item indices of its items.
    pub indicators: Vec<(String, Vec<usize>)>,
    /// Per category: its name and its indicators' indices.
    pub categories: Vec<(String, Vec<usize>)>,
    /// The programme id.
    pub programme: String,
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
    /// [`RollUp::put`] for group `g`, the worker's `r`-th region, period `t`.
    fn put(&mut self, g: usize, r: usize, t: usize, m: &Member<'_>) {
        let cell = r * self.periods + t;
        self.score[g][cell] = m.score.unwrap_or(f64::NAN);
        let (band, position) = m
            .colour
            .map_or((NOT_ASSESSED, f64::NAN), |c| (c.band.code(), c.position));
        self.band[g][cell] = band;
        self.position[g][cell] = position;
        let (progress, progress_score) = m.progress.map_or((NOT_ASSESSED, f64::NAN), |p| {
            (status(p).code(), p.map_or(f64::NAN, |p| p.score))
        });
        self.progress[g][cell] = progress;
        self.progress_score[g][cell] = progress_score;
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

/// Rolls up every region × period. `item(k, r, out)` gives the members of item `k` at region
/// `r` for every period (`out[t]`; the caller knows the item columns, and reads each item's
/// run of periods in one go). Large inputs are split by region ranges over up to
/// `threads` (default: [`std::thread::available_parallelism`]) threads; every cell is computed
/// the same way.
pub(crate) fn roll_up<'a, F>(
    shape: &Shape,
    spec: &AggregationSpec,
    regions: usize,
    periods: usize,
    threads: Option<usize>,
    item: F,
) -> RollUps
where
    F: Fn(usize, usize, &mut [Member<'a>]) + Sync,
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
        roll_up_regions(shape, spec, range, periods, item, i, c, p);
    } else {
        std::thread::scope(|scope| {
            for (range, i, c, p) in work {
                scope.spawn(move || roll_up_regions(shape, spec, range, periods, item, i, c, p));
            }
        });
    }
    out
}

/// The roll-ups of the regions in `range`, into their parts of the three levels.
#[allow(clippy::too_many_arguments)]
fn roll_up_regions<'a, F>(
    shape: &Shape,
    spec: &AggregationSpec,
    range: std::ops::Range<usize>,
    periods: usize,
    item: &F,
    mut ind_out: LevelPart<'_>,
    mut cat_out: LevelPart<'_>,
    mut prog_out: LevelPart<'_>,
) where
    F: Fn(usize, usize, &mut [Member<'a>]),
{
    let mut scratch = Scratch::default();
    let mut members: Vec<Member<'a>> = Vec::new();
    let mut indicators: Vec<Member<'a>> = vec![Member::default(); shape.indicators.len()];
    let mut categories: Vec<Member<'a>> = Vec::with_capacity(shape.categories.len());
    let mut present: Vec<bool> = Vec::with_capacity(shape.indicators.len());
    let mut rated: Vec<bool> = Vec::with_capacity(shape.indicators.len());
    // One region's item members, per indicator item (in `shape` order) × period.
    let offsets: Vec<usize> = shape
        .indicators
        .iter()
        .scan(0, |at, (_, items)| {
            let o = *at;
            *at += items.len();
            Some(o)
        })
        .collect();
    let slots: usize = shape.indicators.iter().map(|(_, items)| items.len()).sum();
    let mut region: Vec<Member<'a>> = vec![Member::default(); slots * periods];
    let r0 = range.start;
    for r in range {
        for (g, (_, items)) in shape.indicators.iter().enumerate() {
            for (j, &k) in items.iter().enumerate() {
                let at = (offsets[g] + j) * periods;
                item(k, r, &mut region[at..at + periods]);
            }
        }
        for t in 0..periods {
            for (g, (_, items)) in shape.indicators.iter().enumerate() {
                members.clear();
                members.extend((0..items.len()).map(|j| region[(offsets[g] + j) * periods + t]));
                indicators[g] = combine(&members, spec, spec.group_max_missing_share, &mut scratch);
                ind_out.put(g, r - r0, t, &indicators[g]);
            }
            categories.clear();
            for (g, (_, inds)) in shape.categories.iter().enumerate() {
                members.clear();
                members.extend(inds.iter().map(|&i| indicators[i]));
                let c = combine(&members, spec, spec.group_max_missing_share, &mut scratch);
                cat_out.put(g, r - r0, t, &c);
                categories.push(c);
            }
            let mut p = combine(&categories, spec, None, &mut scratch);
            // The programme's minimum-data rule counts its indicators, not its categories.
            present.clear();
            present.extend(
                indicators
                    .iter()
                    .filter_map(|m| m.score.map(|s| !s.is_nan())),
            );
            if !present.is_empty() && !enough_data(&present, spec.max_missing_share) {
                p.score = Some(f64::NAN);
            }
            rated.clear();
            rated.extend(
                indicators
                    .iter()
                    .filter_map(|m| m.colour.map(|c| c.band != Band::Grey)),
            );
            if !rated.is_empty() && !enough_data(&rated, spec.max_missing_share) {
                p.colour = Some(grey());
            }
            prog_out.put(0, r - r0, t, &p);
        }
    }
}

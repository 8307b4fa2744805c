//! Roll-ups of the item results to indicator, category and programme level, per region ×
//! period, with the programme's [`AggregationSpec`]: the mean of the members' scores, the group
//! colour by the "two worst" rule (continuous or categorical, "green only if all are green"),
//! the minimum-data rule, and the Open SDG progress aggregation.
//!
//! [`AggregationSpec`]: crate::model::AggregationSpec
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

mod acc;
mod block;
mod fold;
mod out;
mod plan;
mod runs;
mod shape;
#[cfg(test)]
mod tests;

pub(crate) use block::roll_up;
pub(crate) use runs::Member;
pub(crate) use shape::{Declared, Shape};

use crate::assess::bands::Band;
use crate::assess::codes::Code;
use crate::assess::progress::ProgressStatus;
use crate::memory::zeroed;

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

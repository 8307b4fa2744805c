//! The threshold evaluation engine.
//!
//! One call evaluates a whole programme over a [`Panel`]: every item for every
//! region and period, the verdicts, and (on demand) the roll-ups and the accountability table.
//!
//! ```
//! use ecociv::eval::{evaluate, EvalOptions, Status, Verdict};
//! use ecociv::model::{Level, RegionDef};
//! use ecociv::{Panel, Period};
//!
//! let programme = ecociv::programme::builtin("baoshan-2017")?;
//! let region = RegionDef::new("R1", "R1", Level::County);
//! let mut panel = Panel::new(vec![region], vec![Period::Year(2016), Period::Year(2017)],
//!                            vec!["rural_income".into()]);
//! panel.set(0, 0, 1, 6500.0);
//! let result = evaluate(&programme, &panel, &EvalOptions::default())?;
//! assert_eq!(result.status_of("I01", "R1", Period::Year(2017)), Some(Status::Pass));
//! assert_eq!(result.status_of("I01", "R1", Period::Year(2016)), Some(Status::Missing));
//! assert_eq!(result.status_of("C4", "R1", Period::Year(2017)), Some(Status::NotApplicable));
//! assert_eq!(result.verdict_of("R1", Period::Year(2017)), Some(Verdict::Incomplete));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Semantics
//!
//! * **Status** of an item for a region and period: `not_applicable` when the item does not
//!   apply to the region's level or attributes (or its attribute-dependent threshold has no
//!   value for the region and no default); else `missing` when any value the measure or its
//!   `requires` condition needs is absent (lags and every period of a window included —
//!   missing even if another part is false: there is no three-valued logic); else `pass`
//!   when the comparison holds and `requires` holds, else `fail`. Missing never passes.
//! * **Verdict** of a region and period: `meets` when every applicable *binding* item passes;
//!   `fails` when some binding item fails; `incomplete` when none fails but some is missing.
//!   Guiding (and reference, expected) items never decide it; they are counted as
//!   [`Evaluation::warnings`].
//! * `share(children, verdict)`: a child counts when its verdict is `meets` (a failing or
//!   incomplete child does not count, and does not make the parent missing). Regions are
//!   evaluated bottom-up by depth, so a city sees its counties' final verdicts.
//! * Arithmetic is IEEE f64 in the written order; `share` is `100 * k / n` with one correctly
//!   rounded division, so `share(...) >= 80` is exactly `5k >= 4n`.
//! * **Margin** (positive = better, in the item's unit) and relative margin compare the
//!   measured value with the threshold that applied (see [`margin`]); they describe the
//!   measure only, not the `requires` condition.
//!
//! ## Design
//!
//! [`Plan::compile`] checks every item once (expressions, comparator, threshold). An
//! evaluation then runs each expression node once over whole `R × P` columns (a value column
//! plus a presence column; panel metrics are borrowed, not copied; lags and windows are shifts
//! within each region's row; buffers are recycled), so the cost is a few passes over memory
//! per node, independent of how many cells there are per node. Results are columnar
//! ([`Evaluation`]): status codes (`i8`) and values per row, thresholds per item × region,
//! margins derived on demand. Further per-item outputs (multi-band ratings, normalised
//! scores, trend assessments) fit as more columns computed from `value` and per item × region
//! parameters, the same way margins are.

mod accountability;
mod column;
mod engine;
mod evaluation;
mod plan;
mod rollup;
mod status;

use thiserror::Error;

use crate::expr::ExprError;
use crate::model::Programme;
use crate::panel::Panel;
use crate::period::Period;

pub use accountability::{Accountability, Role, UnitCounts};
pub use evaluation::{Evaluation, Summary, margin};
pub use plan::{GroupInfo, ItemInfo, Plan};
pub use rollup::{CategorySummary, Rollup};
pub use status::{Status, Verdict, combine};

/// An evaluation could not run.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum EvalError {
    /// An item's measure or `requires` expression does not parse or type-check.
    #[error("item {item}, {field}: {source}")]
    Expr {
        /// The item's code.
        item: String,
        /// `measure` or `requires`.
        field: &'static str,
        /// The expression error (with its position).
        source: ExprError,
    },
    /// An item's comparator, threshold and measure do not fit together.
    #[error("item {item}: {message}")]
    Item {
        /// The item's code.
        item: String,
        /// What does not fit.
        message: String,
    },
    /// The panel's arrays do not have the length its shape says.
    #[error("panel arrays have {values} values and {present} presence flags, expected {expected}")]
    PanelShape {
        /// metrics × regions × periods.
        expected: usize,
        /// Length of `values`.
        values: usize,
        /// Length of `present`.
        present: usize,
    },
    /// The regions' parent links form a cycle.
    #[error("region {region} is its own ancestor (parent links form a cycle)")]
    ParentCycle {
        /// A region on the cycle.
        region: String,
    },
    /// A requested region is not in the panel.
    #[error("region {0:?} is not in the panel")]
    UnknownRegion(String),
    /// A requested period is not in the panel.
    #[error("period {0} is not in the panel")]
    UnknownPeriod(Period),
    /// Any other failure.
    #[error("evaluation error: {0}")]
    Other(String),
}

/// What to report. Defaults: every region and every period of the panel.
///
/// Earlier panel periods are always used for lags and windows, and every region for
/// `share(children, …)`, whatever is reported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvalOptions {
    /// Report only these regions (by code, in this order).
    pub regions: Option<Vec<String>>,
    /// Report only these periods (in this order).
    pub periods: Option<Vec<Period>>,
    /// The most threads to evaluate items on (`None`: the available parallelism; small
    /// evaluations stay on the calling thread). Results never depend on it.
    pub threads: Option<usize>,
}

impl Plan {
    /// Evaluates the plan over a panel.
    ///
    /// # Errors
    /// [`EvalError::PanelShape`] for an inconsistent panel, [`EvalError::ParentCycle`],
    /// [`EvalError::UnknownRegion`] / [`EvalError::UnknownPeriod`] for a report subset that
    /// is not in the panel.
    ///
    /// # Example
    /// ```
    /// let plan = ecociv::eval::Plan::compile(&ecociv::programme::builtin("baoshan-2017")?)?;
    /// let panel = ecociv::Panel::new(vec![], vec![], vec![]);
    /// assert!(plan.evaluate(&panel, &Default::default())?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate(&self, panel: &Panel, options: &EvalOptions) -> Result<Evaluation, EvalError> {
        engine::run(self, panel, options)
    }
}

/// Compiles and evaluates a programme over a panel in one call.
///
/// # Errors
/// Those of [`Plan::compile`] and [`Plan::evaluate`].
///
/// # Example
/// See the [module documentation](self).
pub fn evaluate(
    programme: &Programme,
    panel: &Panel,
    options: &EvalOptions,
) -> Result<Evaluation, EvalError> {
    Plan::compile(programme)?.evaluate(panel, options)
}

#[cfg(test)]
mod tests;

//! Monitoring declarations an item may carry besides its pass/fail threshold: colour bands,
//! normalised scores, trend arrows, deadline projections and the Open SDG progress measure, plus
//! the programme-level aggregation settings.
//!
//! Every default matches the published method it comes from (SDSN SDR, Open SDG / sdg-build,
//! Eurostat); see `METHODS.md` and [`crate::assess`], which computes them.
//!
//! ```
//! use ecociv::model::{Assessment, Direction};
//! let a: Assessment = toml::from_str(r#"
//!     bands = { green = 80, red = 50 }
//!     score = { lower = 20, optimum = 100 }
//!     trend = { since = 2015 }
//!     progress = { target = 7.25, direction = "lower" }
//! "#)?;
//! assert_eq!(a.bands.as_ref().unwrap().direction(), Some(Direction::Higher));
//! assert_eq!(a.trend.unwrap().target_year, 2030);
//! assert_eq!(a.progress.unwrap().base_year, 2015);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which way is better for a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Larger values are better (SDSN `ascending`, Open SDG `positive`).
    #[serde(alias = "ascending", alias = "positive", alias = "increase")]
    Higher,
    /// Smaller values are better (SDSN `descending`, Open SDG `negative`).
    #[serde(alias = "descending", alias = "negative", alias = "decrease")]
    Lower,
}

impl Direction {
    /// `+1.0` for [`Direction::Higher`], `-1.0` for [`Direction::Lower`] (Open SDG's `d`).
    #[must_use]
    pub fn sign(self) -> f64 {
        match self {
            Direction::Higher => 1.0,
            Direction::Lower => -1.0,
        }
    }

    /// The word written in programme files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
        }
    }
}

/// Everything an item declares beyond its threshold (the item's `assess` table).
///
/// Each part is optional and independent, except that a [`TrendSpec`] needs a [`ScoreSpec`]
/// (trends are computed on normalised scores) and a green threshold (from [`Bands`] or its own
/// `green`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// SDSN-style colour bands.
    #[serde(default)]
    pub bands: Option<Bands>,
    /// Normalisation to a 0–100 score.
    #[serde(default)]
    pub score: Option<ScoreSpec>,
    /// SDSN-style trend arrow.
    #[serde(default)]
    pub trend: Option<TrendSpec>,
    /// Deadline projections, one per deadline (e.g. the technical assessment and the final
    /// acceptance), written as an array: `projection = [{ milestone = "…" }, …]`.
    #[serde(default)]
    pub projection: Vec<ProjectionSpec>,
    /// The Open SDG progress measure.
    #[serde(default)]
    pub progress: Option<ProgressSpec>,
}

/// Colour bands (SDSN dashboards): green and red thresholds, with yellow/orange split at the
/// midpoint unless `yellow` says otherwise.
///
/// The better direction is the one from red to green (`green > red`: higher is better).
/// Values at a boundary take the better colour; a missing value is grey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    /// At or better than this: green.
    pub green: f64,
    /// Worse than this: red; at or better than it (and worse than `yellow`): orange.
    pub red: f64,
    /// At or better than this (and worse than `green`): yellow. Default: `(green + red) / 2`.
    #[serde(default)]
    pub yellow: Option<f64>,
}

impl Bands {
    /// The better direction implied by the thresholds; `None` when `green == red` (invalid).
    #[must_use]
    pub fn direction(&self) -> Option<Direction> {
        if self.green > self.red {
            Some(Direction::Higher)
        } else if self.green < self.red {
            Some(Direction::Lower)
        } else {
            None
        }
    }

    /// The yellow/orange boundary: `yellow` or the midpoint of green and red.
    #[must_use]
    pub fn yellow_cut(&self) -> f64 {
        self.yellow.unwrap_or((self.green + self.red) / 2.0)
    }
}

/// Normalisation to 0–100 between a lower bound (score 0) and an optimum (score 100).
///
/// Works in both directions: for "lower is better" the optimum is below the lower bound.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreSpec {
    /// The value that scores 0 (SDSN: roughly the 2.5th percentile).
    pub lower: f64,
    /// The value that scores 100.
    pub optimum: f64,
}

impl ScoreSpec {
    /// The better direction; `None` when `lower == optimum` (invalid).
    #[must_use]
    pub fn direction(&self) -> Option<Direction> {
        if self.optimum > self.lower {
            Some(Direction::Higher)
        } else if self.optimum < self.lower {
            Some(Direction::Lower)
        } else {
            None
        }
    }
}

fn default_target_year() -> i32 {
    2030
}

/// SDSN trend arrow: the pace of the unclipped normalised score against the pace needed to
/// reach the green threshold by `target_year`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrendSpec {
    /// The year by which green must be reached. Default 2030.
    #[serde(default = "default_target_year")]
    pub target_year: i32,
    /// First year of the trend window (the first year with data at or after it is `t0`);
    /// `None`: the first observation. SDR global edition: 2015.
    #[serde(default)]
    pub since: Option<i32>,
    /// The green threshold in the item's own units; default: the bands' `green`.
    #[serde(default)]
    pub green: Option<f64>,
}

/// How an annual change is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Growth {
    /// Compound annual growth rate (Eurostat, Open SDG, UN). The default.
    #[default]
    Compound,
    /// Linear change per year.
    Linear,
}

/// Where the required change of a projection is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// From the window's first value (Eurostat / Open SDG: the ratio of actual to required
    /// growth over the whole path). The default. Falls back to `latest` when the start value
    /// already met the target.
    #[default]
    Start,
    /// From the latest value ("how fast must it move from now on").
    Latest,
}

fn default_window() -> u32 {
    5
}

fn default_ratio_bands() -> [f64; 3] {
    [0.95, 0.60, 0.0]
}

/// Deadline projection: actual annual change over a window, the change required to reach the
/// target by a date, the projected value at that date, and a status from ratio bands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectionSpec {
    /// Window length in years, back from the latest observation. Default 5 (Eurostat short term).
    #[serde(default = "default_window")]
    pub window: u32,
    /// Code of a programme milestone whose `due` date is the deadline.
    #[serde(default)]
    pub milestone: Option<String>,
    /// An explicit deadline (instead of `milestone`).
    #[serde(default)]
    pub due: Option<NaiveDate>,
    /// The target; default: the item's numeric threshold.
    #[serde(default)]
    pub target: Option<f64>,
    /// The better direction; default: the item comparator's.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// Compound (default) or linear growth for the ratio and the projected value.
    #[serde(default)]
    pub method: Growth,
    /// Where the required change is measured from. Default `start`.
    #[serde(default)]
    pub basis: Basis,
    /// Ratio bands `[on_track, needs_acceleration, stagnating]`: ratio ≥ first → on track,
    /// ≥ second → needs acceleration, ≥ third → stagnating, below → moving away.
    /// Default `[0.95, 0.60, 0.0]` (Eurostat, Open SDG).
    #[serde(default = "default_ratio_bands")]
    pub ratio_bands: [f64; 3],
}

impl ProjectionSpec {
    /// A projection to `due` with every other setting at its default.
    #[must_use]
    pub fn to_date(due: NaiveDate) -> ProjectionSpec {
        ProjectionSpec {
            window: default_window(),
            milestone: None,
            due: Some(due),
            target: None,
            direction: None,
            method: Growth::default(),
            basis: Basis::default(),
            ratio_bands: default_ratio_bands(),
        }
    }
}

fn default_base_year() -> i32 {
    2015
}

/// Open SDG progress thresholds (`progress_thresholds`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressThresholds {
    /// Substantial progress at or above this.
    pub high: f64,
    /// Moderate progress at or above this.
    pub med: f64,
    /// Limited progress at or above this; below: deterioration.
    pub low: f64,
}

impl ProgressThresholds {
    /// Defaults with a target: R thresholds 0.95 / 0.60 / 0.
    pub const WITH_TARGET: ProgressThresholds = ProgressThresholds {
        high: 0.95,
        med: 0.6,
        low: 0.0,
    };
    /// Defaults without a target: CAGR thresholds 1.5 % / 0.5 % / 0.
    pub const WITHOUT_TARGET: ProgressThresholds = ProgressThresholds {
        high: 0.015,
        med: 0.005,
        low: 0.0,
    };
}

/// The Open SDG / sdg-build progress measure for one series (`progress_calculation_options`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressSpec {
    /// Base year; if it has no data, the next later year with data. Default 2015.
    #[serde(default = "default_base_year")]
    pub base_year: i32,
    /// The quantitative target; `None` → the "no quantitative target" method.
    #[serde(default)]
    pub target: Option<f64>,
    /// Target year. Default 2030.
    #[serde(default = "default_target_year")]
    pub target_year: i32,
    /// Desired direction; default: the item comparator's, else `lower` (Open SDG's default).
    #[serde(default)]
    pub direction: Option<Direction>,
    /// Natural maximum/minimum (e.g. 100 %), shrinking the no-target thresholds near it.
    #[serde(default)]
    pub limit: Option<f64>,
    /// Threshold override; default by method ([`ProgressThresholds::WITH_TARGET`] /
    /// [`ProgressThresholds::WITHOUT_TARGET`]).
    #[serde(default)]
    pub thresholds: Option<ProgressThresholds>,
    /// Sub-indicator group: series of one group are averaged first, then groups equally.
    #[serde(default)]
    pub group: Option<String>,
}

/// How a group's colour is derived from its members' (SDSN "two worst" rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColourRule {
    /// Variant A (default): each member mapped onto 0–4 piecewise-linearly (lower bound → 0,
    /// red → 1, mid → 2, green → 3, optimum → 4); mean of the two lowest; floor band.
    #[default]
    Continuous,
    /// Variant B: red = 0, orange = 1, yellow = 2, green = 3; mean of the two worst, .5 rounds up.
    Categorical,
}

/// How a composite index normalises each column across units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalisation {
    /// `(x − min) / (max − min)`, reversed for lower-is-better (0…1).
    #[default]
    #[serde(alias = "min_max")]
    Minmax,
    /// `(x − mean) / sd` (sample sd), sign-flipped for lower-is-better.
    #[serde(alias = "z_score")]
    Zscore,
    /// Efficacy coefficient `60 + 40 · minmax` (60…100; 功效系数法).
    Efficacy,
}

/// Weights of a composite index.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weights {
    /// All columns equal. The default.
    #[default]
    Equal,
    /// Entropy weights from the data's dispersion (熵权法).
    Entropy,
    /// Fixed weights by item code (normalised to sum 1 over the available columns).
    Fixed(BTreeMap<String, f64>),
}

/// A weighted composite index over items.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompositeSpec {
    /// Column normalisation. Default min–max.
    #[serde(default)]
    pub normalisation: Normalisation,
    /// Weights. Default equal.
    #[serde(default)]
    pub weights: Weights,
}

fn default_true() -> bool {
    true
}

fn default_index_missing() -> Option<f64> {
    Some(0.2)
}

/// Programme-level aggregation of scores and colours (item → indicator → category → programme).
///
/// Scores aggregate as the arithmetic mean of the available members (SDSN goal score and index).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregationSpec {
    /// The "two worst" colour rule variant. Default continuous.
    #[serde(default)]
    pub colour: ColourRule,
    /// A group is green only if all its rated members are green. Default true.
    #[serde(default = "default_true")]
    pub all_green: bool,
    /// No programme (index) score when more than this share of its indicators is missing.
    /// Default 0.2 (SDR); `None` in code disables the rule (omit by setting it to 1).
    #[serde(default = "default_index_missing")]
    pub max_missing_share: Option<f64>,
    /// The same rule for indicators and categories; default none.
    #[serde(default)]
    pub group_max_missing_share: Option<f64>,
    /// An optional weighted composite index.
    #[serde(default)]
    pub composite: Option<CompositeSpec>,
}

impl Default for AggregationSpec {
    fn default() -> Self {
        AggregationSpec {
            colour: ColourRule::default(),
            all_green: true,
            max_missing_share: default_index_missing(),
            group_max_missing_share: None,
            composite: None,
        }
    }
}

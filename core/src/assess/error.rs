use thiserror::Error;

use crate::model::Direction;

/// An item's `assess` table (or the programme's `aggregation` table) is invalid.
///
/// Every variant names the item (or `aggregation`) and the field, so a programme loader can
/// point at the offending line. Evaluation itself never fails: missing or unusable data gives
/// grey / no-data / insufficient results instead.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum AssessError {
    /// A parameter is NaN or infinite.
    #[error("item {item}: assess.{field} must be a finite number, got {value}")]
    NonFinite {
        /// Item code.
        item: String,
        /// Field path inside `assess` (e.g. `bands.green`).
        field: &'static str,
        /// The value given.
        value: f64,
    },
    /// `bands.green == bands.red`: no direction, no bands.
    #[error("item {item}: assess.bands green and red are both {value}; they must differ")]
    EqualBands {
        /// Item code.
        item: String,
        /// The common value.
        value: f64,
    },
    /// `bands.yellow` does not lie between red and green.
    #[error(
        "item {item}: assess.bands.yellow = {yellow} must lie between red ({red}) and green ({green})"
    )]
    YellowOutside {
        /// Item code.
        item: String,
        /// The yellow boundary.
        yellow: f64,
        /// The green threshold.
        green: f64,
        /// The red threshold.
        red: f64,
    },
    /// `score.lower == score.optimum`.
    #[error("item {item}: assess.score lower and optimum are both {value}; they must differ")]
    DegenerateScore {
        /// Item code.
        item: String,
        /// The common value.
        value: f64,
    },
    /// Two parts of the item disagree on which way is better.
    #[error("item {item}: assess.{field} says {found} is better but {against} says {expected}")]
    DirectionConflict {
        /// Item code.
        item: String,
        /// The part whose direction conflicts (e.g. `score`).
        field: &'static str,
        /// Its direction.
        found: &'static str,
        /// What it was compared with (e.g. `the comparator`, `bands`).
        against: &'static str,
        /// The direction of that.
        expected: &'static str,
    },
    /// The bands and score bounds are not ordered lower ≤ red ≤ yellow ≤ green ≤ optimum.
    #[error(
        "item {item}: assess bands and score must be ordered lower bound, red, yellow, green, optimum in the better direction ({detail})"
    )]
    BandOrder {
        /// Item code.
        item: String,
        /// Which pair is out of order.
        detail: String,
    },
    /// A trend needs a score (it works on normalised scores).
    #[error("item {item}: assess.trend needs assess.score (trends use normalised scores)")]
    TrendNeedsScore {
        /// Item code.
        item: String,
    },
    /// A trend needs a green threshold.
    #[error(
        "item {item}: assess.trend needs a green threshold (assess.bands or assess.trend.green)"
    )]
    TrendNeedsGreen {
        /// Item code.
        item: String,
    },
    /// A projection needs exactly one of `milestone` and `due`.
    #[error("item {item}: assess.projection needs exactly one of `milestone` and `due`")]
    ProjectionDeadline {
        /// Item code.
        item: String,
    },
    /// A projection names a milestone the programme does not have.
    #[error(
        "item {item}: assess.projection.milestone {milestone:?} is not a milestone of the programme"
    )]
    UnknownMilestone {
        /// Item code.
        item: String,
        /// The code given.
        milestone: String,
    },
    /// A projection has no target: no `target` and no single numeric item threshold.
    #[error(
        "item {item}: assess.projection needs a target (assess.projection.target or a numeric threshold)"
    )]
    ProjectionNoTarget {
        /// Item code.
        item: String,
    },
    /// No direction: none declared and the comparator has none.
    #[error(
        "item {item}: assess.{field} needs a direction (declare `direction` or use a >=, >, <=, < comparator)"
    )]
    NoDirection {
        /// Item code.
        item: String,
        /// The part (e.g. `projection`).
        field: &'static str,
    },
    /// `projection.window` is 0.
    #[error("item {item}: assess.projection.window must be at least 1 year")]
    ZeroWindow {
        /// Item code.
        item: String,
    },
    /// Ratio or progress thresholds are not strictly decreasing.
    #[error("item {item}: assess.{field} must be strictly decreasing, got {values:?}")]
    ThresholdOrder {
        /// Item code.
        item: String,
        /// `projection.ratio_bands` or `progress.thresholds`.
        field: &'static str,
        /// The values given, from the highest band down.
        values: [f64; 3],
    },
    /// The progress target year is not after the base year.
    #[error(
        "item {item}: assess.progress.target_year {target_year} must be after base_year {base_year}"
    )]
    TargetYear {
        /// Item code.
        item: String,
        /// Base year.
        base_year: i32,
        /// Target year.
        target_year: i32,
    },
    /// A share is outside 0…1.
    #[error("aggregation.{field} must be a share between 0 and 1, got {value}")]
    Share {
        /// `max_missing_share` or `group_max_missing_share`.
        field: &'static str,
        /// The value given.
        value: f64,
    },
    /// A fixed weight is negative, not finite, or names an unknown item.
    #[error("aggregation.composite.weights.fixed.{code}: {reason}")]
    Weight {
        /// The item code the weight is for.
        code: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// An item that declares `assess` is not in the evaluation it is applied to (the evaluation
    /// is of another programme).
    #[error("item {item} declares assess but is not in the evaluation")]
    NotEvaluated {
        /// Item code.
        item: String,
    },
    /// A programme file's `assess` or `aggregation` table could not be read.
    #[error("{}{message}", if path.is_empty() { String::new() } else { format!("{path}: ") })]
    File {
        /// The table path (e.g. `indicators[2].items[0].assess`); empty for the whole file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl AssessError {
    /// A direction's file word, for messages.
    pub(crate) fn word(d: Direction) -> &'static str {
        d.as_str()
    }
}

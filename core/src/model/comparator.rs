use serde::{Deserialize, Serialize};

/// How an item's measured value is compared with its threshold.
///
/// In programme files comparators are written as symbols (`">="`, `"<"`, …) or as words
/// (`"between"`, `"in"`, `"holds"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Comparator {
    /// value ≥ threshold.
    #[serde(rename = ">=", alias = "≥")]
    Ge,
    /// value > threshold.
    #[serde(rename = ">")]
    Gt,
    /// value ≤ threshold.
    #[serde(rename = "<=", alias = "≤")]
    Le,
    /// value < threshold.
    #[serde(rename = "<")]
    Lt,
    /// value = threshold (exactly, e.g. "100 %" or "0 incidents").
    #[serde(rename = "=", alias = "==")]
    Eq,
    /// min ≤ value ≤ max (a [`crate::model::Threshold::Range`]).
    #[serde(rename = "between")]
    Between,
    /// value equals a category (a [`crate::model::Threshold::Category`]).
    #[serde(rename = "in")]
    In,
    /// the measure is a boolean condition and must hold (e.g. "meets the functional-zone
    /// standard"); no threshold.
    #[serde(rename = "holds")]
    Holds,
}

impl Comparator {
    /// The symbol or word used in programme files and reports.
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Ge => ">=",
            Comparator::Gt => ">",
            Comparator::Le => "<=",
            Comparator::Lt => "<",
            Comparator::Eq => "=",
            Comparator::Between => "between",
            Comparator::In => "in",
            Comparator::Holds => "holds",
        }
    }

    /// Whether this comparator compares a number with a single numeric threshold.
    #[must_use]
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            Comparator::Ge | Comparator::Gt | Comparator::Le | Comparator::Lt | Comparator::Eq
        )
    }

    /// Whether larger values are better (`Some(true)`), smaller are better (`Some(false)`),
    /// or neither direction applies (`None`).
    #[must_use]
    pub fn higher_is_better(self) -> Option<bool> {
        match self {
            Comparator::Ge | Comparator::Gt => Some(true),
            Comparator::Le | Comparator::Lt => Some(false),
            _ => None,
        }
    }
}

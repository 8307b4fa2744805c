use serde::{Deserialize, Serialize};

/// What kind of values a metric holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    /// A real number.
    #[default]
    Number,
    /// Yes/no, stored as 1 / 0 (e.g. "air quality meets the functional-zone standard").
    Boolean,
    /// A category code, stored as its index in the metric's `categories`.
    Category,
}

/// A metric a programme measures (the snake_case codes of the benchmark kit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricDef {
    /// snake_case code (e.g. `rural_income`).
    pub code: String,
    /// Display name (e.g. `农民年人均纯收入`).
    pub name: String,
    /// The unit values are recorded in (e.g. `元/人`, `%`); `None` for dimensionless.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Number, boolean or category.
    #[serde(default)]
    pub kind: MetricKind,
    /// The categories of a category metric, in order (their index is the stored value).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// What the metric is and how it is defined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The threshold an item's value is compared with.
///
/// In programme files: a number (`threshold = 6000`), a range (`threshold = { min = 1, max = 3 }`),
/// a category (`threshold = "I"`), or a value that depends on a region attribute
/// (`threshold = { by = "terrain", values = { 山区 = 60, 丘陵 = 40, 平原 = 18 } }`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Threshold {
    /// One number.
    Value(f64),
    /// An inclusive range.
    Range {
        /// Lower bound (inclusive).
        min: f64,
        /// Upper bound (inclusive).
        max: f64,
    },
    /// A number chosen by a region attribute (terrain, zone, …).
    ByAttribute {
        /// The region attribute that picks the value (e.g. `terrain`).
        by: String,
        /// Attribute value → threshold.
        values: BTreeMap<String, f64>,
        /// The threshold for regions whose attribute is absent or not listed; without it such
        /// regions are `not_applicable`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<f64>,
    },
    /// A category the value must equal.
    Category(String),
}

impl Threshold {
    /// The threshold that applies to a region with the given attributes, for numeric
    /// thresholds; `None` when it does not apply (attribute missing and no default) or the
    /// threshold is not a single number.
    #[must_use]
    pub fn value_for(&self, attributes: &BTreeMap<String, String>) -> Option<f64> {
        match self {
            Threshold::Value(v) => Some(*v),
            Threshold::ByAttribute { by, values, default } => attributes
                .get(by)
                .and_then(|a| values.get(a).copied())
                .or(*default),
            Threshold::Range { .. } | Threshold::Category(_) => None,
        }
    }

    /// A short human rendering (`6000`, `1–3`, `山区 60 / 丘陵 40`, `I`).
    #[must_use]
    pub fn display(&self) -> String {
        match self {
            Threshold::Value(v) => format_number(*v),
            Threshold::Range { min, max } => format!("{}–{}", format_number(*min), format_number(*max)),
            Threshold::ByAttribute { by, values, default } => {
                let mut parts: Vec<String> =
                    values.iter().map(|(k, v)| format!("{k} {}", format_number(*v))).collect();
                if let Some(d) = default {
                    parts.push(format!("other {}", format_number(*d)));
                }
                format!("{by}: {}", parts.join(" / "))
            }
            Threshold::Category(c) => c.clone(),
        }
    }
}

/// Formats a number without a trailing `.0` for integers.
#[must_use]
pub fn format_number(v: f64) -> String {
    if v.is_finite() && v == v.trunc() && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

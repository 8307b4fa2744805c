use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Assessment, Attribute, Comparator, Level, Threshold};

/// Which regions an item applies to. Empty lists mean "all".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Applicability {
    /// The levels the item applies to (e.g. `["city"]` for a city-only item).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<Level>,
    /// Region attribute → allowed values (e.g. `zone = ["东部"]`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Vec<String>>,
}

impl Applicability {
    /// Whether the item applies to a region of this level with these attributes.
    #[must_use]
    pub fn applies(&self, level: Level, attributes: &BTreeMap<String, String>) -> bool {
        (self.levels.is_empty() || self.levels.contains(&level))
            && self
                .attributes
                .iter()
                .all(|(k, allowed)| attributes.get(k).is_some_and(|v| allowed.contains(v)))
    }

    /// Whether the item applies everywhere.
    #[must_use]
    pub fn is_everywhere(&self) -> bool {
        self.levels.is_empty() && self.attributes.is_empty()
    }
}

/// One measurable requirement: what is measured, how it is compared, and who answers for it.
///
/// `measure` is an expression over metrics (see [`crate::expr`]), e.g. `rural_income`,
/// `tertiary_va / gdp * 100`, `forest_coverage - lag(forest_coverage, 1)`,
/// `sum(major_incidents, 3)` or `share(children, verdict)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Code unique within the programme (e.g. `I04a`).
    pub code: String,
    /// The item as written (e.g. `单位工业增加值新鲜水耗`).
    pub name: String,
    /// The expression that gives the measured value.
    pub measure: String,
    /// How the measured value is compared with the threshold.
    pub comparator: Comparator,
    /// The threshold; absent only for [`Comparator::Holds`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<Threshold>,
    /// A further boolean condition that must also hold for a pass (e.g. "and no
    /// hazardous-waste discharge").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<String>,
    /// The unit of the measured value and threshold (e.g. `元/人`, `%`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Binding, guiding, …
    pub attribute: Attribute,
    /// Lead units (责任单位 / 牵头单位).
    pub lead: Vec<String>,
    /// Cooperating units (配合单位).
    #[serde(default)]
    pub cooperating: Vec<String>,
    /// Which regions the item applies to.
    #[serde(default, skip_serializing_if = "Applicability::is_everywhere")]
    pub applies_to: Applicability,
    /// How the document's wording was read, where it is ambiguous.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Monitoring beyond pass/fail: colour bands, scores, trend, deadline projections,
    /// progress (see [`crate::assess`]); `None` for a plain pass/fail item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assess: Option<Assessment>,
}

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    AggregationSpec, BasicCondition, Indicator, Item, MetricDef, Milestone, Phase, RecurringDuty,
    RegionDef, Unit, WorkingGroup,
};

/// A document the programme rests on (依据).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Title as written.
    pub title: String,
    /// Document number (文号), e.g. `云环发〔2014〕38号`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
}

/// A whole indicator programme: what must be measured, against which thresholds, by whom,
/// and on what timetable.
///
/// Load one with [`crate::programme::load_file`] / [`crate::programme::load_str`] or take a
/// built-in one with [`crate::programme::builtin`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Programme {
    /// Stable id (e.g. `baoshan-2017`).
    pub id: String,
    /// Title as written.
    pub title: String,
    /// Issuing bodies (印发单位).
    #[serde(default)]
    pub issued_by: Vec<String>,
    /// Date issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_on: Option<NaiveDate>,
    /// Where the text was published (address or publisher), for provenance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Documents the programme rests on.
    #[serde(default)]
    pub basis: Vec<Document>,
    /// Free-text notes (e.g. how ambiguous wording was read).
    #[serde(default)]
    pub notes: Vec<String>,
    /// Dated goals.
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    /// The regions the programme covers.
    #[serde(default)]
    pub regions: Vec<RegionDef>,
    /// Responsible units; every unit named elsewhere must be listed here.
    #[serde(default)]
    pub units: Vec<Unit>,
    /// Working groups.
    #[serde(default)]
    pub groups: Vec<WorkingGroup>,
    /// Indicator categories, in order.
    #[serde(default)]
    pub categories: Vec<String>,
    /// The metrics the items measure.
    #[serde(default)]
    pub metrics: Vec<MetricDef>,
    /// Basic conditions.
    #[serde(default)]
    pub conditions: Vec<BasicCondition>,
    /// Construction indicators.
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// Phases of the work plan.
    #[serde(default)]
    pub phases: Vec<Phase>,
    /// Recurring duties (monthly report, quarterly inspection).
    #[serde(default)]
    pub duties: Vec<RecurringDuty>,
    /// How item scores and colours roll up to indicators, categories and the programme
    /// (the `[aggregation]` table; defaults when absent, and not written when default).
    #[serde(default, skip_serializing_if = "is_default_aggregation")]
    pub aggregation: AggregationSpec,
}

fn is_default_aggregation(a: &AggregationSpec) -> bool {
    *a == AggregationSpec::default()
}

impl Programme {
    /// Every item: indicators' items first, then basic conditions' items, in file order.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.indicators
            .iter()
            .flat_map(|i| i.items.iter())
            .chain(self.conditions.iter().flat_map(|c| c.items.iter()))
    }

    /// The indicator (or `None` for a basic condition's item) that owns the item `code`.
    #[must_use]
    pub fn indicator_of(&self, item_code: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.items.iter().any(|it| it.code == item_code))
    }

    /// The basic condition that owns the item `code`, if it is a condition's item.
    #[must_use]
    pub fn condition_of(&self, item_code: &str) -> Option<&BasicCondition> {
        self.conditions.iter().find(|c| c.items.iter().any(|it| it.code == item_code))
    }

    /// The metric definition with this code.
    #[must_use]
    pub fn metric(&self, code: &str) -> Option<&MetricDef> {
        self.metrics.iter().find(|m| m.code == code)
    }
}

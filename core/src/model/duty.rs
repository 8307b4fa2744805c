use serde::{Deserialize, Serialize};

/// How often a recurring duty falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Every month (月).
    Monthly,
    /// Every quarter (季).
    Quarterly,
    /// Every year (年).
    Yearly,
}

/// A duty that recurs while the programme runs (monthly report 月通报, quarterly inspection 季督查).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecurringDuty {
    /// Short code (e.g. `monthly_report`).
    pub code: String,
    /// The duty's name as written (e.g. `月通报评价`).
    pub name: String,
    /// How often it falls due.
    pub frequency: Frequency,
    /// Lead units.
    #[serde(default)]
    pub lead: Vec<String>,
    /// Cooperating units.
    #[serde(default)]
    pub cooperating: Vec<String>,
    /// What the duty consists of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

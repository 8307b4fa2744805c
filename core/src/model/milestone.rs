use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A dated goal of the programme (e.g. pass the technical assessment by 2017-12-31).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    /// Short code used to refer to the milestone (e.g. `technical_assessment`).
    pub code: String,
    /// The goal, as written.
    pub name: String,
    /// The date by which it must be reached.
    pub due: NaiveDate,
    /// The body that assesses it (e.g. `省环保厅`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
}

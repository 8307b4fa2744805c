use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A task within a phase, with its units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Code unique within the programme (e.g. `P1.3`).
    pub code: String,
    /// The task, as written.
    pub text: String,
    /// Lead units (责任单位).
    #[serde(default)]
    pub lead: Vec<String>,
    /// Cooperating units (配合单位).
    #[serde(default)]
    pub cooperating: Vec<String>,
    /// Due date; when absent the task is due at the end of its phase. Must lie inside the phase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
}

/// A phase of the work plan (工作步骤), with its date range and tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    /// Code (e.g. `P1`).
    pub code: String,
    /// The phase's name (e.g. `启动阶段`).
    pub name: String,
    /// First day (inclusive).
    pub start: NaiveDate,
    /// Last day (inclusive).
    pub end: NaiveDate,
    /// Lead units of the phase as a whole, where the plan names them for the phase.
    #[serde(default)]
    pub lead: Vec<String>,
    /// Cooperating units of the phase as a whole.
    #[serde(default)]
    pub cooperating: Vec<String>,
    /// The phase's tasks.
    #[serde(default)]
    pub tasks: Vec<Task>,
}

impl Phase {
    /// Whether `date` falls inside the phase (both ends inclusive).
    #[must_use]
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

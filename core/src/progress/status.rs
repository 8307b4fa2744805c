use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Where a task stands, as recorded by the creation office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Not started.
    Planned,
    /// Started, not finished.
    InProgress,
    /// Finished (with the date in [`TaskStatus::done_on`]).
    Done,
}

impl TaskState {
    /// The snake_case word used in files and reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Planned => "planned",
            TaskState::InProgress => "in_progress",
            TaskState::Done => "done",
        }
    }
}

/// One recorded status of a task. Later records supersede earlier ones; none is overwritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskStatus {
    /// The task's code (or a phase's code, for phases without numbered tasks).
    pub task: String,
    /// The state recorded.
    pub state: TaskState,
    /// The day the task was finished, for [`TaskState::Done`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_on: Option<NaiveDate>,
    /// Evidence (a document number, an address, a note).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// When the status was recorded.
    pub recorded_at: DateTime<Utc>,
}

//! Task statuses of programmes' work plans (planned, in progress, done with date, evidence).
//!
//! Statuses are appended, never overwritten: each record has its own key, and the bulletin
//! ([`crate::progress::bulletin`]) takes the most recently recorded one per task.

use redb::{ReadableDatabase, ReadableTable, TableDefinition, TableError};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::progress::{TaskState, TaskStatus};

/// The stored form: every field always present (postcard is not self-describing, so the
/// model's `skip_serializing_if` attributes cannot be used for storage).
#[derive(Serialize, Deserialize)]
struct Record {
    task: String,
    state: TaskState,
    done_on: Option<NaiveDate>,
    evidence: Option<String>,
    recorded_at: DateTime<Utc>,
}

/// (programme id, sequence number) → postcard encoding of a task status [`Record`].
const TASKS: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("task_status_v1");

impl Store {
    /// Records a task status for a programme (appended; earlier records stay readable).
    ///
    /// # Errors
    /// [`StoreError::Redb`] if the write fails.
    ///
    /// # Example
    /// ```
    /// use ecociv::progress::{TaskState, TaskStatus};
    /// let dir = tempfile::tempdir()?;
    /// let store = ecociv::store::Store::open(dir.path().join("s.redb"))?;
    /// let s = TaskStatus { task: "P1.1".into(), state: TaskState::Done,
    ///     done_on: chrono::NaiveDate::from_ymd_opt(2017, 3, 27), evidence: None,
    ///     recorded_at: chrono::Utc::now() };
    /// store.record_task_status("baoshan-2017", &s)?;
    /// assert_eq!(store.task_statuses("baoshan-2017")?, vec![s]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record_task_status(&self, programme: &str, status: &TaskStatus) -> Result<(), StoreError> {
        let record = Record {
            task: status.task.clone(),
            state: status.state,
            done_on: status.done_on,
            evidence: status.evidence.clone(),
            recorded_at: status.recorded_at,
        };
        let bytes = postcard::to_allocvec(&record).map_err(|e| StoreError::Redb(e.to_string()))?;
        let w = self.db.begin_write()?;
        {
            let mut t = w.open_table(TASKS)?;
            let next = t
                .range((programme, 0)..=(programme, u64::MAX))?
                .next_back()
                .transpose()?
                .map_or(0, |(k, _)| k.value().1 + 1);
            t.insert((programme, next), bytes.as_slice())?;
        }
        w.commit()?;
        Ok(())
    }

    /// Every recorded task status of a programme, in the order recorded.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] if a record cannot be decoded, [`StoreError::Redb`] on read failure.
    pub fn task_statuses(&self, programme: &str) -> Result<Vec<TaskStatus>, StoreError> {
        let r = self.db.begin_read()?;
        let t = match r.open_table(TASKS) {
            Ok(t) => t,
            Err(TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut out = Vec::new();
        for row in t.range((programme, 0)..=(programme, u64::MAX))? {
            let (_, v) = row?;
            let r: Record = postcard::from_bytes(v.value()).map_err(|e| StoreError::Corrupt {
                path: self.path().to_path_buf(),
                message: format!("task status: {e}"),
            })?;
            out.push(TaskStatus { task: r.task, state: r.state, done_on: r.done_on, evidence: r.evidence, recorded_at: r.recorded_at });
        }
        Ok(out)
    }
}

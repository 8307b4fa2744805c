//! Phase and task tracking: where a programme stands on a given date.
//!
//! A [`Bulletin`] is the content of a monthly report (月通报) or a quarterly inspection list
//! (季督查): the phase the programme is in, which tasks are done, due or overdue (by unit), which
//! milestones are near and which recurring duties fall due. Task statuses are plain records
//! ([`TaskStatus`]); the store keeps them, this module only reads them.

mod bulletin;
mod status;

pub use bulletin::{Bulletin, DutyLine, MilestoneLine, PhaseLine, TaskLine, TaskStanding, bulletin};
pub use status::{TaskState, TaskStatus};

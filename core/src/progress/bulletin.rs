use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::{TaskState, TaskStatus};
use crate::model::{Frequency, Programme};
use crate::period::{self, Period};

/// How a task stands on the bulletin's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStanding {
    /// Past its due date and not done.
    Overdue,
    /// In the current phase, not done yet.
    Due,
    /// Done on or before its due date.
    Done,
    /// Done, but after its due date.
    DoneLate,
    /// In a later phase.
    Upcoming,
}

impl TaskStanding {
    /// The snake_case word used in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStanding::Overdue => "overdue",
            TaskStanding::Due => "due",
            TaskStanding::Done => "done",
            TaskStanding::DoneLate => "done_late",
            TaskStanding::Upcoming => "upcoming",
        }
    }
}

/// The phase a bulletin's date falls in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhaseLine {
    /// Phase code.
    pub code: String,
    /// Phase name.
    pub name: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Days from the bulletin's date to the phase's last day (0 on the last day).
    pub days_left: i64,
}

/// One task on a bulletin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskLine {
    /// Task code (a phase's code for a phase without numbered tasks).
    pub code: String,
    /// The task as written.
    pub text: String,
    /// The phase it belongs to.
    pub phase: String,
    /// When it is due (its own date, else the end of its phase).
    pub due: NaiveDate,
    /// Lead units.
    pub lead: Vec<String>,
    /// Cooperating units.
    pub cooperating: Vec<String>,
    /// How it stands.
    pub standing: TaskStanding,
    /// The latest recorded state, if any.
    pub state: Option<TaskState>,
    /// The day it was done, if it was.
    pub done_on: Option<NaiveDate>,
    /// Evidence recorded with the latest status.
    pub evidence: Option<String>,
}

/// A milestone on a bulletin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MilestoneLine {
    /// Milestone code.
    pub code: String,
    /// The goal.
    pub name: String,
    /// Due date.
    pub due: NaiveDate,
    /// Days from the bulletin's date to the due date (negative once passed).
    pub days_left: i64,
}

/// A recurring duty that falls due in the bulletin's reporting period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DutyLine {
    /// Duty code.
    pub code: String,
    /// The duty's name.
    pub name: String,
    /// The reporting period it covers (e.g. `2017-12` or `2017Q4`).
    pub period: String,
    /// The last day of that period.
    pub due: NaiveDate,
    /// Lead units.
    pub lead: Vec<String>,
}

/// Where a programme stands on a date: phase, tasks, milestones, duties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bulletin {
    /// The programme's id.
    pub programme: String,
    /// The bulletin's date.
    pub as_of: NaiveDate,
    /// The phase the date falls in, if any.
    pub phase: Option<PhaseLine>,
    /// When the date falls in no phase: the last phase that ended before it, if any
    /// (`days_left` negative).
    pub previous_phase: Option<PhaseLine>,
    /// When the date falls in no phase: the first phase that starts after it, if any.
    pub next_phase: Option<PhaseLine>,
    /// Every task of every phase, with how it stands.
    pub tasks: Vec<TaskLine>,
    /// Milestones not yet passed, or passed within the horizon.
    pub milestones: Vec<MilestoneLine>,
    /// Recurring duties falling due in the current month or quarter.
    pub duties: Vec<DutyLine>,
}

impl Bulletin {
    /// Tasks with the given standing.
    pub fn tasks_with(&self, standing: TaskStanding) -> impl Iterator<Item = &TaskLine> {
        self.tasks.iter().filter(move |t| t.standing == standing)
    }

    /// Overdue and due tasks per lead unit (a task with two lead units appears under both).
    #[must_use]
    pub fn open_tasks_by_unit(&self) -> BTreeMap<&str, Vec<&TaskLine>> {
        let mut out: BTreeMap<&str, Vec<&TaskLine>> = BTreeMap::new();
        for t in &self.tasks {
            if matches!(t.standing, TaskStanding::Overdue | TaskStanding::Due) {
                for u in &t.lead {
                    out.entry(u.as_str()).or_default().push(t);
                }
            }
        }
        out
    }
}

/// A task as the bulletin reads it: code, text, due date, lead and cooperating units.
type OwnTask = (String, String, NaiveDate, Vec<String>, Vec<String>);

/// Builds the bulletin of `programme` as of `as_of`, given the recorded task statuses (any
/// order; for each task the most recently recorded status counts, and only statuses recorded
/// for a done date on or before `as_of` count as done). Milestones passed more than
/// `horizon_days` ago are left out.
///
/// ```
/// use chrono::NaiveDate;
/// use ecociv::progress::{bulletin, TaskStanding};
/// let p = ecociv::programme::builtin("baoshan-2017")?;
/// let b = bulletin(&p, NaiveDate::from_ymd_opt(2017, 12, 31).unwrap(), &[], 90);
/// assert!(b.tasks_with(TaskStanding::Overdue).count() > 0); // nothing recorded as done
/// assert_eq!(b.milestones[0].days_left, 0);                 // technical assessment due today
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn bulletin(
    programme: &Programme,
    as_of: NaiveDate,
    statuses: &[TaskStatus],
    horizon_days: i64,
) -> Bulletin {
    let mut latest: BTreeMap<&str, &TaskStatus> = BTreeMap::new();
    for s in statuses {
        let keep = latest.get(s.task.as_str()).is_none_or(|l| l.recorded_at <= s.recorded_at);
        if keep {
            latest.insert(&s.task, s);
        }
    }
    let line = |p: &crate::model::Phase| PhaseLine {
        code: p.code.clone(),
        name: p.name.clone(),
        start: p.start,
        end: p.end,
        days_left: (p.end - as_of).num_days(),
    };
    let phase = programme.phases.iter().find(|p| p.contains(as_of)).map(line);
    let (previous_phase, next_phase) = if phase.is_some() {
        (None, None)
    } else {
        (
            programme.phases.iter().filter(|p| p.end < as_of).max_by_key(|p| p.end).map(line),
            programme.phases.iter().filter(|p| p.start > as_of).min_by_key(|p| p.start).map(line),
        )
    };
    let mut tasks = Vec::new();
    for p in &programme.phases {
        let own: Vec<OwnTask> = if p.tasks.is_empty() {
            vec![(p.code.clone(), p.name.clone(), p.end, p.lead.clone(), p.cooperating.clone())]
        } else {
            p.tasks
                .iter()
                .map(|t| {
                    (t.code.clone(), t.text.clone(), t.due.unwrap_or(p.end), t.lead.clone(), t.cooperating.clone())
                })
                .collect()
        };
        for (code, text, due, lead, cooperating) in own {
            let status = latest.get(code.as_str()).copied();
            let done_on = status
                .filter(|s| s.state == TaskState::Done)
                .and_then(|s| s.done_on)
                .filter(|d| *d <= as_of);
            let standing = match done_on {
                Some(d) if d <= due => TaskStanding::Done,
                Some(_) => TaskStanding::DoneLate,
                None if due < as_of => TaskStanding::Overdue,
                None if p.start <= as_of => TaskStanding::Due,
                None => TaskStanding::Upcoming,
            };
            tasks.push(TaskLine {
                code,
                text,
                phase: p.code.clone(),
                due,
                lead,
                cooperating,
                standing,
                state: status.map(|s| s.state),
                done_on,
                evidence: status.and_then(|s| s.evidence.clone()),
            });
        }
    }
    let milestones = programme
        .milestones
        .iter()
        .map(|m| MilestoneLine {
            code: m.code.clone(),
            name: m.name.clone(),
            due: m.due,
            days_left: (m.due - as_of).num_days(),
        })
        .filter(|m| m.days_left >= -horizon_days)
        .collect();
    let duties = programme
        .duties
        .iter()
        .filter_map(|d| {
            let frequency = match d.frequency {
                Frequency::Monthly => period::Frequency::Month,
                Frequency::Quarterly => period::Frequency::Quarter,
                Frequency::Yearly => period::Frequency::Year,
            };
            let p = Period::containing(frequency, as_of);
            // Quarterly and yearly duties are listed only in their period's last month.
            let last_month = p.end_date().month() == as_of.month();
            (d.frequency == Frequency::Monthly || last_month).then(|| DutyLine {
                code: d.code.clone(),
                name: d.name.clone(),
                period: p.to_string(),
                due: p.end_date(),
                lead: d.lead.clone(),
            })
        })
        .collect();
    Bulletin { programme: programme.id.clone(), as_of, phase, previous_phase, next_phase, tasks, milestones, duties }
}

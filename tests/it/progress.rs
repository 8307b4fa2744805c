//! Phase and task tracking against the built-in Baoshan programme.

use chrono::{NaiveDate, TimeZone, Utc};
use ecociv::programme::builtin;
use ecociv::progress::{TaskState, TaskStanding, TaskStatus, bulletin};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn status(task: &str, state: TaskState, done_on: Option<NaiveDate>, recorded_day: u32) -> TaskStatus {
    TaskStatus {
        task: task.into(),
        state,
        done_on,
        evidence: Some("保山市创建办 通报".into()),
        recorded_at: Utc.with_ymd_and_hms(2017, 12, recorded_day, 9, 0, 0).unwrap(),
    }
}

#[test]
fn bulletin_at_the_technical_assessment_milestone() {
    let p = builtin("baoshan-2017").unwrap();
    let first_task = p.phases[0].tasks[0].code.clone();
    let p4_task = p.phases[3].tasks[0].code.clone();
    let statuses = vec![
        status(&first_task, TaskState::Done, Some(d(2017, 3, 27)), 1),
        status(&p4_task, TaskState::InProgress, None, 1),
        // A later record supersedes the earlier one: done, but after its phase ended.
        status(&p4_task, TaskState::Done, Some(d(2017, 12, 31)), 20),
    ];
    let b = bulletin(&p, d(2017, 12, 31), &statuses, 90);
    // 2017-12-31 falls after phase 4 (which the document ends on 12-30) and before phase 5.
    assert!(b.phase.is_none());
    let line = |code: &str| b.tasks.iter().find(|t| t.code == code).unwrap();
    assert_eq!(line(&first_task).standing, TaskStanding::Done);
    assert_eq!(line(&p4_task).standing, TaskStanding::DoneLate);
    assert_eq!(line(&p4_task).state, Some(TaskState::Done));
    // Every other task of phases 1-4 is overdue; phases 5-7 (no numbered tasks) are upcoming.
    let tasks_1_to_4: usize = p.phases[..4].iter().map(|ph| ph.tasks.len()).sum();
    assert_eq!(b.tasks_with(TaskStanding::Overdue).count(), tasks_1_to_4 - 2);
    assert_eq!(b.tasks_with(TaskStanding::Upcoming).count(), 3);
    // Milestones: technical assessment today, acceptance in 181 days.
    let days: Vec<i64> = b.milestones.iter().map(|m| m.days_left).collect();
    assert_eq!(days, vec![0, 181]);
    // December is the last month of Q4: both the monthly report and the quarterly inspection fall due.
    let periods: Vec<&str> = b.duties.iter().map(|x| x.period.as_str()).collect();
    assert!(periods.contains(&"2017-12") && periods.contains(&"2017Q4"), "{periods:?}");
}

#[test]
fn bulletin_inside_a_phase_and_done_dates_in_the_future_do_not_count() {
    let p = builtin("baoshan-2017").unwrap();
    let t = p.phases[1].tasks[0].code.clone();
    // Recorded as done on a date after the bulletin's date: not done yet on that date.
    let statuses = vec![status(&t, TaskState::Done, Some(d(2017, 6, 1)), 1)];
    let b = bulletin(&p, d(2017, 5, 15), &statuses, 90);
    let phase = b.phase.as_ref().unwrap();
    assert_eq!(phase.name, p.phases[1].name);
    assert_eq!(phase.days_left, 46);
    assert_eq!(b.tasks.iter().find(|x| x.code == t).unwrap().standing, TaskStanding::Due);
    // May is not a quarter's last month: only the monthly duty.
    assert!(b.duties.iter().all(|x| x.period == "2017-05"));
    // Open tasks by unit include every lead unit of the due task.
    let by_unit = b.open_tasks_by_unit();
    for u in &p.phases[1].tasks[0].lead {
        assert!(by_unit.get(u.as_str()).is_some_and(|v| v.iter().any(|x| x.code == t)));
    }
}

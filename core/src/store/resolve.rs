//! Which vintage of a cell counts: the resolution rule shared by point reads, `as_of`, exports
//! and the materialised current series.
//!
//! Among the vintages recorded at or before the time asked for, take each source's latest one
//! (by recorded time, then sequence); a withdrawal removes that source's value. Of the sources
//! that still have a value, the one earliest in the source priority list counts; sources not in
//! the list rank after all listed ones, and ties go to the most recently recorded vintage.
//!
//! An explicit choice (a choice record, the latest one recorded at or before the time asked
//! for) overrides the priority: the chosen source's value counts while it has one; if that
//! source has withdrawn its value, the priority decides again.

use std::collections::HashMap;

use super::tables::Rec;

/// The source priority in effect: source id → rank (0 = highest).
#[derive(Debug, Clone, Default)]
pub(crate) struct Priority {
    rank: HashMap<u32, usize>,
}

impl Priority {
    /// From the ordered source ids.
    pub(crate) fn new(ids: &[u32]) -> Priority {
        let mut rank = HashMap::new();
        for (i, id) in ids.iter().enumerate() {
            rank.entry(*id).or_insert(i);
        }
        Priority { rank }
    }

    fn rank(&self, source: u32) -> usize {
        self.rank.get(&source).copied().unwrap_or(usize::MAX)
    }
}

/// The history of source priority lists: `(effective from, µs since epoch; source ids)`, in
/// time order.
pub(crate) type PriorityHistory = Vec<(i64, Vec<u32>)>;

/// The priority in effect at `t` (`None`: the newest).
pub(crate) fn priority_at(history: &PriorityHistory, t: Option<i64>) -> Priority {
    let entry = match t {
        None => history.last(),
        Some(t) => history.iter().rev().find(|(at, _)| *at <= t),
    };
    entry.map_or_else(Priority::default, |(_, ids)| Priority::new(ids))
}

/// The vintage that counts among `recs` (one cell's records, any order) as of `as_of`
/// (µs; `None` = everything), or `None` if no source has a value.
pub(crate) fn resolve<'a>(recs: &'a [Rec], as_of: Option<i64>, priority: &Priority) -> Option<&'a Rec> {
    // Each source's latest vintage, and the latest explicit choice.
    let mut latest: Vec<&Rec> = Vec::new();
    let mut choice: Option<&Rec> = None;
    for r in recs {
        if as_of.is_some_and(|t| r.recorded_at > t) {
            continue;
        }
        if r.choice {
            if choice.is_none_or(|c| (r.recorded_at, r.seq) > (c.recorded_at, c.seq)) {
                choice = Some(r);
            }
            continue;
        }
        match latest.iter_mut().find(|l| l.source == r.source) {
            Some(l) => {
                if (r.recorded_at, r.seq) > (l.recorded_at, l.seq) {
                    *l = r;
                }
            }
            None => latest.push(r),
        }
    }
    if let Some(c) = choice
        && let Some(chosen) = latest.iter().find(|l| l.source == c.source && l.value.is_some())
    {
        return Some(chosen);
    }
    latest
        .into_iter()
        .filter(|r| r.value.is_some())
        .min_by_key(|r| (priority.rank(r.source), std::cmp::Reverse((r.recorded_at, r.seq))))
}

/// `source`'s latest vintage (value or withdrawal; choices aside) among one cell's records
/// recorded at or before `as_of` (`None`: all).
pub(crate) fn source_latest<'a>(
    recs: impl IntoIterator<Item = &'a Rec>,
    source: u32,
    as_of: Option<i64>,
) -> Option<&'a Rec> {
    recs.into_iter()
        .filter(|r| !r.choice && r.source == source && as_of.is_none_or(|t| r.recorded_at <= t))
        .max_by_key(|r| (r.recorded_at, r.seq))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(seq: u64, value: Option<f64>, source: u32, at: i64) -> Rec {
        Rec { seq, value, source, recorded_at: at, note: None, choice: false }
    }

    fn choose(seq: u64, source: u32, at: i64) -> Rec {
        Rec { seq, value: Some(0.0), source, recorded_at: at, note: None, choice: true }
    }

    #[test]
    fn an_explicit_choice_overrides_the_priority_from_its_time_on() {
        let p = Priority::new(&[1, 2]);
        let mut recs = vec![rec(1, Some(1.0), 1, 10), rec(2, Some(2.0), 2, 20), choose(3, 2, 30)];
        assert_eq!(resolve(&recs, Some(25), &p).unwrap().seq, 1);
        assert_eq!(resolve(&recs, None, &p).unwrap().seq, 2);
        // The chosen source's revision counts.
        recs.push(rec(4, Some(2.5), 2, 40));
        assert_eq!(resolve(&recs, None, &p).unwrap().seq, 4);
        // A later choice wins; choices are no source's vintage.
        recs.push(choose(5, 1, 50));
        assert_eq!(resolve(&recs, None, &p).unwrap().seq, 1);
        assert_eq!(resolve(&recs, Some(45), &p).unwrap().seq, 4);
        assert_eq!(source_latest(&recs, 1, None).unwrap().seq, 1);
        // The chosen source withdrawn: the priority decides again.
        recs.push(rec(6, None, 1, 60));
        assert_eq!(resolve(&recs, None, &p).unwrap().seq, 4);
    }

    #[test]
    fn latest_of_each_source_and_priority() {
        let recs = vec![rec(1, Some(77.23), 1, 10), rec(2, Some(74.72), 2, 20), rec(3, Some(77.5), 1, 30)];
        let none = Priority::default();
        // No priority: most recently recorded.
        assert_eq!(resolve(&recs, None, &none).unwrap().seq, 3);
        assert_eq!(resolve(&recs, Some(25), &none).unwrap().seq, 2);
        assert_eq!(resolve(&recs, Some(15), &none).unwrap().seq, 1);
        assert!(resolve(&recs, Some(5), &none).is_none());
        // Source 2 first.
        let p = Priority::new(&[2, 1]);
        assert_eq!(resolve(&recs, None, &p).unwrap().seq, 2);
        assert_eq!(resolve(&recs, Some(15), &p).unwrap().seq, 1);
    }

    #[test]
    fn withdrawal_removes_only_its_source() {
        let recs = vec![rec(1, Some(1.0), 1, 10), rec(2, Some(2.0), 2, 20), rec(3, None, 2, 30)];
        let p = Priority::new(&[2]);
        assert_eq!(resolve(&recs, Some(25), &p).unwrap().seq, 2);
        assert_eq!(resolve(&recs, None, &p).unwrap().seq, 1);
        let only = vec![rec(1, Some(1.0), 1, 10), rec(2, None, 1, 20)];
        assert!(resolve(&only, None, &p).is_none());
        assert_eq!(resolve(&only, Some(10), &p).unwrap().seq, 1);
    }

    #[test]
    fn priority_history_is_time_dependent() {
        let h: PriorityHistory = vec![(10, vec![1]), (20, vec![2])];
        let recs = vec![rec(1, Some(1.0), 1, 1), rec(2, Some(2.0), 2, 1)];
        assert_eq!(resolve(&recs, Some(15), &priority_at(&h, Some(15))).unwrap().seq, 1);
        assert_eq!(resolve(&recs, None, &priority_at(&h, None)).unwrap().seq, 2);
        assert_eq!(resolve(&recs, Some(5), &priority_at(&h, Some(5))).unwrap().seq, 2);
    }
}

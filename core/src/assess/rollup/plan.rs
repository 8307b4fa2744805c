//! The roll-ups' plan, built once from the [`Shape`]: every [`Group`] of the three levels
//! with, per method, the members that may declare it, and the minimum-data rule as a table
//! ([`Enough`]).

use std::collections::BTreeMap;

use super::shape::{Declared, Shape};
use crate::model::AggregationSpec;

/// One group: its node, and per method the nodes of the members that may declare it (the
/// others never contribute to it), in member order.
#[derive(Debug, Default)]
pub(super) struct Group {
    /// Its run, after its members'.
    pub(super) node: usize,
    pub(super) score: Vec<usize>,
    pub(super) bands: Vec<usize>,
    /// Progress members outside any sub-group.
    pub(super) progress: Vec<usize>,
    /// The progress sub-groups in code order, each its members.
    pub(super) sub_groups: Vec<Vec<usize>>,
    /// Whether its counts go into the programme's ([`Acc::count`](super::acc::Acc::count)).
    pub(super) counted: bool,
}

impl Group {
    fn new<'a>(node: usize, members: impl Iterator<Item = (usize, Declared<'a>)>) -> Group {
        let mut group = Group {
            node,
            ..Group::default()
        };
        let mut sub_groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (m, d) in members {
            if d.score {
                group.score.push(m);
            }
            if d.bands {
                group.bands.push(m);
            }
            if d.progress {
                match d.sub_group {
                    None => group.progress.push(m),
                    Some(s) => sub_groups.entry(s).or_default().push(m),
                }
            }
        }
        group.sub_groups = sub_groups.into_values().collect();
        group
    }

    /// What the group itself may declare, as a member of the next level.
    fn declared(&self) -> Declared<'static> {
        Declared {
            score: !self.score.is_empty(),
            bands: !self.bands.is_empty(),
            progress: !self.progress.is_empty() || !self.sub_groups.is_empty(),
            sub_group: None,
        }
    }
}

/// The minimum-data rule ([`enough_data`](crate::assess::aggregate::enough_data)) as a table:
/// `k` present of `n` declaring members are enough when `k ≥ least[n]`, for `n` up to `len − 1`.
pub(super) struct Enough {
    least: Vec<u32>,
}

impl Enough {
    fn new(len: usize, max_missing_share: Option<f64>) -> Enough {
        // `(n − k) / n` falls as `k` grows (the division is exact up to one rounding, and
        // rounding is monotone): the rule holds from its least `k` on.
        let least = (0..len)
            .map(|n| {
                (1..=n)
                    .find(|&k| max_missing_share.is_none_or(|m| (n - k) as f64 / n as f64 <= m))
                    .map_or(u32::MAX, |k| k as u32)
            })
            .collect();
        Enough { least }
    }

    #[inline]
    pub(super) fn holds(&self, k: u32, n: u32) -> bool {
        self.least.get(n as usize).is_some_and(|&least| k >= least)
    }
}

/// Every group of the three levels, built once from the [`Shape`].
pub(super) struct Plan {
    /// The evaluation item of each item node, and whether it declares anything.
    pub(super) slots: Vec<(usize, bool)>,
    pub(super) indicators: Vec<Group>,
    pub(super) categories: Vec<Group>,
    pub(super) programme: Group,
    /// The programme's minimum-data rule over its indicators: the nodes of those that may
    /// declare a score, bands.
    pub(super) scored: Vec<usize>,
    pub(super) banded: Vec<usize>,
    /// Whether every indicator is in exactly one category: then the programme's counts over
    /// its indicators are the sums of the categories' counts over theirs.
    pub(super) partition: bool,
    pub(super) nodes: usize,
    /// The minimum-data rules of the indicators and categories, of the programme's own
    /// members (none), and of the programme over its indicators.
    pub(super) groups_enough: Enough,
    pub(super) any_enough: Enough,
    pub(super) programme_enough: Enough,
}

impl Plan {
    pub(super) fn new(shape: &Shape<'_>, spec: &AggregationSpec) -> Plan {
        let slots: Vec<(usize, bool)> = shape
            .indicators
            .iter()
            .flat_map(|(_, items)| items.iter())
            .map(|&k| {
                let d = shape.declared[k];
                (k, d.score || d.bands || d.progress)
            })
            .collect();
        let (ni, nc) = (shape.indicators.len(), shape.categories.len());
        let mut slot = 0;
        let indicators: Vec<Group> = shape
            .indicators
            .iter()
            .enumerate()
            .map(|(g, (_, items))| {
                let first = slot;
                slot += items.len();
                let members = items.iter().enumerate();
                Group::new(
                    slots.len() + g,
                    members.map(|(j, &k)| (first + j, shape.declared[k])),
                )
            })
            .collect();
        let mut categories: Vec<Group> = shape
            .categories
            .iter()
            .enumerate()
            .map(|(c, (_, inds))| {
                let members = inds
                    .iter()
                    .map(|&i| (indicators[i].node, indicators[i].declared()));
                Group::new(slots.len() + ni + c, members)
            })
            .collect();
        let programme = Group::new(
            slots.len() + ni + nc,
            categories.iter().map(|c| (c.node, c.declared())),
        );
        let of = |f: fn(&Declared<'_>) -> bool| {
            indicators
                .iter()
                .filter(|g| f(&g.declared()))
                .map(|g| g.node)
                .collect()
        };
        let widest = shape
            .indicators
            .iter()
            .chain(&shape.categories)
            .map(|(_, m)| m.len())
            .chain([nc, ni])
            .max()
            .unwrap_or(0)
            + 1;
        let mut seen = vec![0usize; ni];
        for i in shape.categories.iter().flat_map(|(_, inds)| inds) {
            seen[*i] += 1;
        }
        let partition = seen.iter().all(|&n| n == 1);
        for c in &mut categories {
            c.counted = partition;
        }
        Plan {
            partition,
            scored: of(|d| d.score),
            banded: of(|d| d.bands),
            nodes: slots.len() + ni + nc + 1,
            slots,
            indicators,
            categories,
            programme,
            groups_enough: Enough::new(widest, spec.group_max_missing_share),
            any_enough: Enough::new(widest, None),
            programme_enough: Enough::new(widest, spec.max_missing_share),
        }
    }
}

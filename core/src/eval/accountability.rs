//! Accountability: failing and missing items grouped by the units that answer for them.

use std::collections::BTreeMap;

use super::evaluation::{Evaluation, margin};

/// Whether a unit leads an item or cooperates on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// 牵头 / 责任单位.
    Lead,
    /// 配合单位.
    Cooperating,
}

impl Role {
    /// `lead` or `cooperating`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Lead => "lead",
            Role::Cooperating => "cooperating",
        }
    }
}

/// Failing and missing item results per responsible unit, as columns (one row per unit ×
/// role × failing-or-missing item result), sorted by unit, role, item, region, period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Accountability {
    /// Unit names (the unit axis).
    pub units: Vec<String>,
    /// Per row: index into `units`.
    pub unit: Vec<u32>,
    /// Per row: the unit's role for the item.
    pub role: Vec<Role>,
    /// Per row: item index (into [`Evaluation::items`]).
    pub item: Vec<u32>,
    /// Per row: region index.
    pub region: Vec<u32>,
    /// Per row: period index.
    pub period: Vec<u32>,
    /// Per row: status code (0 fail or −1 missing).
    pub status: Vec<i8>,
    /// Per row: the value (NaN when missing).
    pub value: Vec<f64>,
    /// Per row: the threshold that applied.
    pub threshold: Vec<f64>,
    /// Per row: the gap — the signed margin (negative for a fail; NaN when missing).
    pub margin: Vec<f64>,
}

/// Counts of one unit's failing and missing results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitCounts {
    /// The unit.
    pub unit: String,
    /// Its role.
    pub role: Role,
    /// Failing item results.
    pub failing: u64,
    /// Missing item results.
    pub missing: u64,
}

impl Accountability {
    /// Number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.unit.len()
    }

    /// Whether there are no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.unit.is_empty()
    }

    /// Failing and missing counts per unit and role, in the table's order.
    #[must_use]
    pub fn counts(&self) -> Vec<UnitCounts> {
        let mut out: Vec<UnitCounts> = Vec::new();
        for i in 0..self.len() {
            let (u, role) = (self.unit[i] as usize, self.role[i]);
            if out
                .last()
                .is_none_or(|c| c.unit != self.units[u] || c.role != role)
            {
                out.push(UnitCounts {
                    unit: self.units[u].clone(),
                    role,
                    failing: 0,
                    missing: 0,
                });
            }
            let c = out.last_mut().expect("pushed");
            if self.status[i] == 0 {
                c.failing += 1;
            } else {
                c.missing += 1;
            }
        }
        out
    }
}

impl Evaluation {
    /// Every failing or missing item result grouped by lead unit and by cooperating unit,
    /// over the evaluated regions and periods.
    #[must_use]
    pub fn by_unit(&self) -> Accountability {
        let (nr, np) = (self.regions.len(), self.periods.len());
        // unit -> role -> items
        let mut map: BTreeMap<&str, BTreeMap<Role, Vec<usize>>> = BTreeMap::new();
        for (k, item) in self.items.iter().enumerate() {
            for u in &item.lead {
                map.entry(u)
                    .or_default()
                    .entry(Role::Lead)
                    .or_default()
                    .push(k);
            }
            for u in &item.cooperating {
                map.entry(u)
                    .or_default()
                    .entry(Role::Cooperating)
                    .or_default()
                    .push(k);
            }
        }
        let mut a = Accountability {
            units: map.keys().map(|u| (*u).to_owned()).collect(),
            ..Accountability::default()
        };
        for (ui, roles) in map.values().enumerate() {
            for (&role, items) in roles {
                for &k in items {
                    let comparator = self.items[k].comparator;
                    for r in 0..nr {
                        let (lo, hi) = (self.threshold[k * nr + r], self.threshold_max[k * nr + r]);
                        for t in 0..np {
                            let row = self.row(k, r, t);
                            let s = self.status[row];
                            if s != 0 && s != -1 {
                                continue;
                            }
                            let v = self.value[row];
                            a.unit.push(u32::try_from(ui).unwrap_or(u32::MAX));
                            a.role.push(role);
                            a.item.push(u32::try_from(k).unwrap_or(u32::MAX));
                            a.region.push(u32::try_from(r).unwrap_or(u32::MAX));
                            a.period.push(u32::try_from(t).unwrap_or(u32::MAX));
                            a.status.push(s);
                            a.value.push(v);
                            a.threshold.push(lo);
                            a.margin.push(if s == -1 {
                                f64::NAN
                            } else {
                                margin(comparator, v, lo, hi)
                            });
                        }
                    }
                }
            }
        }
        a
    }
}

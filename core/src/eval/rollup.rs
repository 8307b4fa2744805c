//! Roll-ups of item statuses: indicators, basic conditions and categories.

use super::evaluation::Evaluation;
use super::status::{Status, code_index, combine};

/// Statuses of groups of items (indicators or basic conditions) per region × period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollup {
    /// The group codes (the first axis).
    pub codes: Vec<String>,
    /// Status codes, layout `(group * R + r) * P + t`: fail if any applicable item fails, else
    /// missing if any is missing, else pass if any passes, else not applicable.
    pub status: Vec<i8>,
}

/// Per category, region and period, how many indicators are in each status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategorySummary {
    /// The categories (the first axis).
    pub categories: Vec<String>,
    /// Counts `[pass, fail, missing, not_applicable]`, layout `(category * R + r) * P + t`.
    pub counts: Vec<[u32; 4]>,
}

impl Evaluation {
    fn rollup(
        &self,
        groups: usize,
        owner: impl Fn(usize) -> Option<usize>,
        codes: Vec<String>,
    ) -> Rollup {
        let n = self.regions.len() * self.periods.len();
        let members: Vec<Vec<usize>> = (0..groups)
            .map(|g| {
                (0..self.items.len())
                    .filter(|&k| owner(k) == Some(g))
                    .collect()
            })
            .collect();
        let mut status = vec![Status::NotApplicable.code(); groups * n];
        for (g, ks) in members.iter().enumerate() {
            for (i, out) in status[g * n..(g + 1) * n].iter_mut().enumerate() {
                *out = combine(ks.iter().map(|&k| self.status[k * n + i])).code();
            }
        }
        Rollup { codes, status }
    }

    /// The status of every indicator (all its items) per region × period.
    #[must_use]
    pub fn indicator_status(&self) -> Rollup {
        let items = &self.items;
        self.rollup(
            self.indicators.len(),
            |k| items[k].indicator,
            self.indicators.iter().map(|g| g.code.clone()).collect(),
        )
    }

    /// The status of every basic condition (all its measurable items) per region × period;
    /// not applicable for a condition without items.
    #[must_use]
    pub fn condition_status(&self) -> Rollup {
        let items = &self.items;
        self.rollup(
            self.conditions.len(),
            |k| items[k].condition,
            self.conditions.iter().map(|g| g.code.clone()).collect(),
        )
    }

    /// Indicator statuses counted per category, region and period.
    #[must_use]
    pub fn category_summary(&self) -> CategorySummary {
        let n = self.regions.len() * self.periods.len();
        let ind = self.indicator_status();
        let mut counts = vec![[0u32; 4]; self.categories.len() * n];
        for (g, info) in self.indicators.iter().enumerate() {
            let Some(c) = info
                .category
                .as_ref()
                .and_then(|c| self.categories.iter().position(|x| x == c))
            else {
                continue;
            };
            for (i, &s) in ind.status[g * n..(g + 1) * n].iter().enumerate() {
                counts[c * n + i][code_index(s)] += 1;
            }
        }
        CategorySummary {
            categories: self.categories.clone(),
            counts,
        }
    }
}

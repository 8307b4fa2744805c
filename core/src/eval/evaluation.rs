//! The columnar result of an evaluation, its margins and its summaries.

use crate::model::Comparator;
use crate::period::Period;

use super::plan::{GroupInfo, ItemInfo};
use super::status::{Status, Verdict, code_index};

/// The result of one evaluation: one row per item × region × period, held as columns.
///
/// Row layout is item-major, then region, then period: the row of item `k`, region `r`,
/// period `t` is `(k * R + r) * P + t` (see [`Evaluation::row`]). [`Evaluation::row_keys`]
/// gives the three key columns, so a binding can build a DataFrame from plain arrays without
/// one Python object per row.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Region codes (the `R` axis).
    pub regions: Vec<String>,
    /// Periods (the `P` axis).
    pub periods: Vec<Period>,
    /// The items (the item axis), with their comparators, attributes and units.
    pub items: Vec<ItemInfo>,
    /// The programme's indicators ([`ItemInfo::indicator`] indexes this).
    pub indicators: Vec<GroupInfo>,
    /// The programme's basic conditions ([`ItemInfo::condition`] indexes this).
    pub conditions: Vec<GroupInfo>,
    /// The programme's categories, in order.
    pub categories: Vec<String>,
    /// Status codes per row: 1 pass, 0 fail, −1 missing, −2 not applicable ([`Status`]).
    pub status: Vec<i8>,
    /// The measured value per row (a condition's value is 1 or 0); NaN when the measure is
    /// missing or the item does not apply.
    pub value: Vec<f64>,
    /// The threshold that applied, per item × region (`k * R + r`), after the region-attribute
    /// lookup; a range's minimum; a category's index; NaN for `holds` and where the item does
    /// not apply.
    pub threshold: Vec<f64>,
    /// A range's maximum, per item × region; equal to [`Evaluation::threshold`] otherwise.
    pub threshold_max: Vec<f64>,
    /// The verdict code per region × period (`r * P + t`): 1 meets, 0 fails, −1 incomplete
    /// ([`Verdict`]).
    pub verdict: Vec<i8>,
}

/// Counts per item and status, and of verdicts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Item codes.
    pub items: Vec<String>,
    /// Per item: counts of `[pass, fail, missing, not_applicable]` ([`Status::index`]).
    pub counts: Vec<[u64; 4]>,
    /// Region-periods that meet the programme.
    pub meets: u64,
    /// Region-periods where some binding item fails.
    pub fails: u64,
    /// Region-periods where no binding item fails but some is missing.
    pub incomplete: u64,
}

impl Summary {
    /// The counts of one item, by code.
    #[must_use]
    pub fn item(&self, code: &str) -> Option<[u64; 4]> {
        self.items
            .iter()
            .position(|c| c == code)
            .map(|i| self.counts[i])
    }
}

/// The signed margin of a value against its threshold, positive when better, in the item's
/// unit: `v − t` for `>=`/`>`, `t − v` for `<=`/`<`, `−|v − t|` for `=`, the distance to the
/// nearer bound for `between` (negative outside); NaN for `holds` and `in`.
#[must_use]
pub fn margin(comparator: Comparator, value: f64, threshold: f64, threshold_max: f64) -> f64 {
    match comparator {
        Comparator::Ge | Comparator::Gt => value - threshold,
        Comparator::Le | Comparator::Lt => threshold - value,
        Comparator::Eq => -(value - threshold).abs(),
        Comparator::Between => (value - threshold).min(threshold_max - value),
        Comparator::In | Comparator::Holds => f64::NAN,
    }
}

impl Evaluation {
    /// Number of rows (items × regions × periods).
    #[must_use]
    pub fn len(&self) -> usize {
        self.status.len()
    }

    /// Whether there are no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.status.is_empty()
    }

    /// The row of item `k`, region `r`, period `t`.
    #[must_use]
    pub fn row(&self, item: usize, region: usize, period: usize) -> usize {
        (item * self.regions.len() + region) * self.periods.len() + period
    }

    /// The item, region and period index columns (one entry per row).
    #[must_use]
    pub fn row_keys(&self) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
        let (ni, nr, np) = (self.items.len(), self.regions.len(), self.periods.len());
        let n = self.len();
        let (mut it, mut rg, mut pe) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for k in 0..ni {
            for r in 0..nr {
                for t in 0..np {
                    it.push(u32::try_from(k).unwrap_or(u32::MAX));
                    rg.push(u32::try_from(r).unwrap_or(u32::MAX));
                    pe.push(u32::try_from(t).unwrap_or(u32::MAX));
                }
            }
        }
        (it, rg, pe)
    }

    /// The index of an item code.
    #[must_use]
    pub fn item_index(&self, code: &str) -> Option<usize> {
        self.items.iter().position(|i| i.code == code)
    }

    /// The index of a region code.
    #[must_use]
    pub fn region_index(&self, code: &str) -> Option<usize> {
        self.regions.iter().position(|r| r == code)
    }

    /// The status of one item for one region and period, by code (`None` if any is unknown).
    #[must_use]
    pub fn status_of(&self, item: &str, region: &str, period: Period) -> Option<Status> {
        let (k, r) = (self.item_index(item)?, self.region_index(region)?);
        let t = self.periods.iter().position(|p| *p == period)?;
        Status::from_code(self.status[self.row(k, r, t)])
    }

    /// The verdict of one region and period, by code.
    #[must_use]
    pub fn verdict_of(&self, region: &str, period: Period) -> Option<Verdict> {
        let r = self.region_index(region)?;
        let t = self.periods.iter().position(|p| *p == period)?;
        Verdict::from_code(self.verdict[r * self.periods.len() + t])
    }

    /// The threshold per row (expanded from the per item × region column).
    #[must_use]
    pub fn threshold_column(&self) -> Vec<f64> {
        let np = self.periods.len();
        let rows = self.threshold.iter().flat_map(|&t| std::iter::repeat_n(t, np));
        crate::memory::collect(self.len(), rows)
    }

    /// The signed margin per row (see [`margin`]); NaN where the value or threshold is absent.
    #[must_use]
    pub fn margin(&self) -> Vec<f64> {
        self.margin_columns(false).0
    }

    /// The margin relative to the threshold's magnitude per row (`margin / |threshold|`);
    /// NaN where the threshold is 0 or absent.
    #[must_use]
    pub fn relative_margin(&self) -> Vec<f64> {
        self.margin_columns(true).1
    }

    /// [`Evaluation::margin`] and [`Evaluation::relative_margin`], from one pass over the
    /// values.
    #[must_use]
    pub fn margins(&self) -> (Vec<f64>, Vec<f64>) {
        self.margin_columns(true)
    }

    /// The margin per row and, with `relative`, the relative margin (else an empty column).
    fn margin_columns(&self, relative: bool) -> (Vec<f64>, Vec<f64>) {
        let (nr, np) = (self.regions.len(), self.periods.len());
        let mut out = crate::memory::with_capacity(self.len());
        let mut rel = crate::memory::with_capacity(if relative { self.len() } else { 0 });
        for (k, item) in self.items.iter().enumerate() {
            for r in 0..nr {
                let (lo, hi) = (self.threshold[k * nr + r], self.threshold_max[k * nr + r]);
                let base = (k * nr + r) * np;
                for &v in &self.value[base..base + np] {
                    let m = margin(item.comparator, v, lo, hi);
                    out.push(m);
                    if relative {
                        rel.push(if lo == 0.0 { f64::NAN } else { m / lo.abs() });
                    }
                }
            }
        }
        (out, rel)
    }

    /// Counts per item and status, and verdict counts.
    #[must_use]
    pub fn summary(&self) -> Summary {
        let n = self.regions.len() * self.periods.len();
        let counts = (0..self.items.len())
            .map(|k| {
                let mut c = [0u64; 4];
                for &s in &self.status[k * n..(k + 1) * n] {
                    c[code_index(s)] += 1;
                }
                c
            })
            .collect();
        let count = |code: i8| self.verdict.iter().filter(|&&v| v == code).count() as u64;
        Summary {
            items: self.items.iter().map(|i| i.code.clone()).collect(),
            counts,
            meets: count(1),
            fails: count(0),
            incomplete: count(-1),
        }
    }

    /// Per region × period (`r * P + t`), the number of non-binding (guiding, …) items that
    /// apply but do not pass: warnings that never decide the verdict.
    #[must_use]
    pub fn warnings(&self) -> Vec<u32> {
        let n = self.regions.len() * self.periods.len();
        let mut w = vec![0u32; n];
        for (k, item) in self.items.iter().enumerate() {
            if item.attribute.is_binding() {
                continue;
            }
            for (o, &s) in w.iter_mut().zip(&self.status[k * n..(k + 1) * n]) {
                *o += u32::from(s == 0 || s == -1);
            }
        }
        w
    }
}

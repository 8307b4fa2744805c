//! Dense region × period arrays of metric values: what the store serves and the engine reads.

use crate::model::RegionDef;
use crate::period::Period;

/// Values of several metrics for a set of regions over consecutive periods, held densely.
///
/// Layout: metric-major, then region, then period — the value of metric `m`, region `r`,
/// period `t` is at `(m * R + r) * P + t`. Absent cells hold `0.0` and are marked absent in the
/// separate presence mask, so the value array never contains NaN.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// The regions (rows), with their level, parent and attributes.
    pub regions: Vec<RegionDef>,
    /// The consecutive periods (columns), all of one frequency.
    pub periods: Vec<Period>,
    /// The metric codes, in storage order.
    pub metrics: Vec<String>,
    /// The values, `metrics × regions × periods`.
    pub values: Vec<f64>,
    /// Whether each value is present, same layout as `values`.
    pub present: Vec<bool>,
}

impl Panel {
    /// An empty (all-absent) panel of the given shape.
    #[must_use]
    pub fn new(regions: Vec<RegionDef>, periods: Vec<Period>, metrics: Vec<String>) -> Panel {
        let n = regions.len() * periods.len() * metrics.len();
        Panel { regions, periods, metrics, values: vec![0.0; n], present: vec![false; n] }
    }

    /// Index of a cell in `values` / `present`.
    #[must_use]
    pub fn index(&self, metric: usize, region: usize, period: usize) -> usize {
        (metric * self.regions.len() + region) * self.periods.len() + period
    }

    /// The position of a metric code.
    #[must_use]
    pub fn metric_index(&self, code: &str) -> Option<usize> {
        self.metrics.iter().position(|m| m == code)
    }

    /// The value of a cell, or `None` when absent.
    #[must_use]
    pub fn get(&self, metric: usize, region: usize, period: usize) -> Option<f64> {
        let i = self.index(metric, region, period);
        self.present[i].then(|| self.values[i])
    }

    /// Sets a cell (present).
    pub fn set(&mut self, metric: usize, region: usize, period: usize, value: f64) {
        let i = self.index(metric, region, period);
        self.values[i] = value;
        self.present[i] = true;
    }

    /// The slice of one metric (`regions × periods`) and its presence.
    #[must_use]
    pub fn metric_slice(&self, metric: usize) -> (&[f64], &[bool]) {
        let n = self.regions.len() * self.periods.len();
        let s = metric * n;
        (&self.values[s..s + n], &self.present[s..s + n])
    }
}

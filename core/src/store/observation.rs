//! What reads return: a resolved observation, and one vintage of a cell's history.

use chrono::{DateTime, Utc};

use super::Source;
use crate::period::Period;

/// The value a cell resolves to (latest, or as of a time), with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Region code.
    pub region: String,
    /// Metric code.
    pub metric: String,
    /// The period.
    pub period: Period,
    /// The value.
    pub value: f64,
    /// The source of the vintage that counts.
    pub source: Source,
    /// When that vintage was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Its note.
    pub note: Option<String>,
}

/// One recorded vintage of a cell: a value, a withdrawal, or an explicit choice of a source.
#[derive(Debug, Clone, PartialEq)]
pub struct Vintage {
    /// Insertion sequence number, unique in the store (orders vintages recorded at the same time).
    pub seq: u64,
    /// The value, or `None` when this vintage withdraws the source's value (a tombstone). For
    /// a choice, the chosen source's value when it was chosen.
    pub value: Option<f64>,
    /// The source.
    pub source: Source,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// The note (the reason, for a withdrawal).
    pub note: Option<String>,
    /// Whether this entry is an explicit choice ([`Store::choose_source`](super::Store::choose_source)):
    /// from `recorded_at` on, `source`'s value counts for the cell, whatever the priority.
    pub chosen: bool,
}

impl Vintage {
    /// Whether this vintage withdraws a value.
    #[must_use]
    pub fn is_withdrawal(&self) -> bool {
        self.value.is_none() && !self.chosen
    }
}

/// Counts of what the store holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoreStats {
    /// Registered regions.
    pub regions: u64,
    /// Registered metrics.
    pub metrics: u64,
    /// Cells (region, metric, period) with at least one vintage.
    pub cells: u64,
    /// Vintages recorded (values and withdrawals).
    pub vintages: u64,
    /// Interned sources (including the unspecified one).
    pub sources: u64,
}

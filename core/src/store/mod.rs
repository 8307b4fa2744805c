//! The embedded store: regions, metrics and every recorded vintage of every observation, in one
//! [redb](https://docs.rs/redb) file.
//!
//! Nothing is ever overwritten. Writing a cell that already has a value adds a new *vintage*;
//! withdrawing a value adds a *tombstone* vintage. Reads give the latest value by default,
//! [`Store::as_of`] gives what was known at a time, and [`Store::history`] lists every vintage
//! with its [`Source`]. When several sources give a cell, the [source priority](Store::set_source_priority)
//! decides which counts (see [`resolve`](self#which-value-counts)).
//!
//! ```
//! use ecociv::model::{Level, MetricDef, MetricKind, RegionDef};
//! use ecociv::store::{Batch, IngestOptions, Source, Store};
//! let dir = tempfile::tempdir()?;
//! let store = Store::open(dir.path().join("s.redb"))?;
//! store.put_regions(&[RegionDef::new("530581", "腾冲市", Level::County)])?;
//! store.put_metrics(&[MetricDef { code: "forest_coverage".into(), name: "森林覆盖率".into(),
//!     unit: Some("%".into()), kind: MetricKind::Number, categories: vec![], description: None }])?;
//! let batch = Batch::new(vec!["530581".into()], vec!["forest_coverage".into()], vec!["2021".into()], vec![77.23]);
//! let opts = IngestOptions { source: Some(Source::document("统计公报")), ..IngestOptions::default() };
//! let report = store.ingest(&batch, &opts)?;
//! assert_eq!(report.cells_added, 1);
//! let obs = store.latest("530581", "forest_coverage", "2021".parse()?)?.unwrap();
//! assert_eq!(obs.value, 77.23);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Which value counts
//!
//! Among the vintages of a cell recorded at or before the time asked for (all of them for the
//! latest value), each source's most recent vintage stands for that source; a withdrawal removes
//! that source's value. Of the sources that still have a value, the one earliest in the source
//! priority list in effect at that time counts; sources not in the list come after listed ones,
//! and among equals the most recently recorded vintage counts. An explicit
//! [choice](Store::choose_source) of a source for one cell overrides the priority from the time
//! it is recorded, while that source has a value.
//!
//! ## Layout
//!
//! Region, metric and source codes are interned as `u32` ids in dictionary tables. The vintage
//! log — keyed `(metric, frequency, region, period ordinal, seq)` — is the source of truth. In
//! the same write transaction a table of current series — one block per `(metric, frequency)`
//! holding every region's resolved series (a region index, then the values and presence bits
//! back to back) — is kept equal to the log's resolution, so that [`Store::panel`] of the
//! latest values reads one large blob per metric. A write rewrites the blocks it touches.
//!
//! Schema versions: files of schema 1 (one blob per series) are migrated to schema 2 when
//! opened — the blocks are rebuilt from the log, which is unchanged.

mod block;
mod choice;
mod dict;
mod error;
mod export;
mod ingest;
mod materialise;
mod observation;
mod open;
mod panel;
mod read;
mod resolve;
mod source;
mod tables;
mod tasks;

pub use error::{IngestError, LockHolder, RowProblem, RowProblemKind, StoreError};
pub use ingest::{Batch, IngestOptions, IngestReport, PeriodColumn};
pub use observation::{Observation, StoreStats, Vintage};
pub use open::{Store, StoreOptions};
pub use panel::PanelRequest;
pub use source::Source;

/// The time type of `recorded_at` / `as_of` (re-exported from chrono for callers without it).
pub use chrono::{DateTime, Utc};

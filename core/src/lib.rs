//! # ecociv
//!
//! A government indicator programme as data, regions' historical indicator series in one
//! embedded [redb](https://docs.rs/redb) file, and a vectorised engine that evaluates the series
//! against the programme's thresholds.
//!
//! ```
//! let programme = ecociv::programme::builtin("baoshan-2017")?;
//! assert_eq!(programme.indicators.len(), 18);
//! assert_eq!(programme.conditions.len(), 6);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Overview
//!
//! - [`model`]: plain serde types for a programme — indicators, items, thresholds, units,
//!   phases, working groups, milestones.
//! - [`programme`]: programme files (TOML): loading with full validation, saving, and the
//!   built-in programmes.
//! - [`expr`]: the small, checked expression language items use to say what they measure.
//! - [`store`]: the embedded redb store — regions, metrics, observations with every vintage and
//!   its source.
//! - [`eval`]: the threshold evaluation engine and its roll-ups.
//! - [`assess`]: monitoring methods beyond pass/fail (bands, scores, trends, projections,
//!   progress) and their roll-ups.
//! - [`memory`]: large result columns on transparent huge pages.
//! - [`math`]: `exp` and `ln` that vectorise, for the monitoring kernels.
//!
//! Errors form one tree: each area has its own `thiserror` enum, and [`Error`] wraps them all.

#![deny(missing_docs)]

pub mod assess;
pub mod demo;
pub mod error;
pub mod eval;
mod evaluate;
pub mod expr;
pub mod math;
pub mod memory;
pub mod model;
pub mod panel;
pub mod period;
pub mod programme;
pub mod progress;
pub mod report;
pub mod store;

pub use error::{Error, Result};
pub use evaluate::EvaluationRequest;
pub use model::Programme;
pub use panel::Panel;
pub use period::Period;

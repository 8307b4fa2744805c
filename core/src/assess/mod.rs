//! Monitoring methods beyond pass/fail: colour bands, normalised scores, trend arrows, deadline
//! projections, the Open SDG progress measure, aggregation and composite indices.
//!
//! Each method is a set of pure functions over slices of `f64` values with a presence mask (the
//! [`crate::Panel`] convention: absent cells are never NaN and never count as a pass). Programme
//! files declare the parameters with the types in [`crate::model::Assessment`] and
//! [`crate::model::AggregationSpec`]; [`validate_item`] and [`validate_aggregation`] check them
//! when a programme is loaded.
//!
//! | file | method | source |
//! |---|---|---|
//! | [`bands`] | green / yellow / orange / red / grey rating, boundary → better band | SDSN SDR |
//! | [`score`] | 0–100 normalisation between a lower bound and an optimum | SDSN SDR |
//! | [`trend`] | trend arrows from unclipped scores vs the pace needed for green | SDSN SDR |
//! | [`projection`] | actual vs required annual change, projected value, status | Eurostat, UN |
//! | [`progress`] | CAGR ratio / CAGR thresholds, limit factor, −5…5 scores | Open SDG |
//! | [`aggregate`] | mean of scores, "two worst" colour rule (both variants), minimum data | SDSN SDR |
//! | [`apply`](mod@apply) | every declared method over an evaluation, as columns per row | — |
//! | [`methods`] | which per-row methods a programme's items declare | — |
//! | [`rollup`] | scores, colours and progress per indicator, category and programme | SDSN SDR, Open SDG |
//! | [`composite`] | min–max, z-score, efficacy (60–100) normalisation; fixed / entropy weights | NBS, COINr |
//!
//! Times are decimal years on one axis ([`time`]): a period stands at the end of its last day, so
//! annual data and dates (milestones) compare directly.
//!
//! ```
//! use ecociv::assess::bands::{Band, BandCuts};
//! use ecociv::model::Bands;
//! let cuts = BandCuts::new(&Bands { green: 80.0, red: 50.0, yellow: None }).unwrap();
//! assert_eq!(cuts.rate(65.0), Band::Yellow); // the midpoint takes the better band
//! assert_eq!(cuts.rate(64.9), Band::Orange);
//! assert_eq!(cuts.rate(f64::NAN), Band::Grey);
//! ```

pub mod aggregate;
pub mod apply;
pub mod bands;
pub mod codes;
pub mod composite;
mod error;
mod file;
pub mod methods;
pub mod progress;
pub mod projection;
pub mod rollup;
pub mod score;
pub mod time;
pub mod trend;
mod validate;

pub use apply::{AssessmentTable, ProjectionColumns, apply};
pub use error::AssessError;
pub use file::{FileAssessments, read_assessments};
pub use validate::{validate_aggregation, validate_item};

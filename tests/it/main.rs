//! Integration tests of the ecociv crate (one binary, one module per area).
mod eval;
mod store;
mod programme;
mod assess;
mod assess_apply;
mod progress;
mod demo;
mod assess_rollup;
mod report_bands;

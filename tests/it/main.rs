//! Integration tests of the ecociv crate (one binary, one module per area).
mod eval;
mod store;
mod programme;
mod assess;
mod progress;
mod demo;

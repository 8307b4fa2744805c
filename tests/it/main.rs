//! Integration tests of the ecociv crate (one binary, one module per area).

//! Evaluation benchmark (placeholder).
fn main() {}

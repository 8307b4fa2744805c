//! The threshold evaluation engine.
//!
//! PLACEHOLDER — being written.

use thiserror::Error;

/// An evaluation could not run.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum EvalError {
    /// Placeholder.
    #[error("evaluation error: {0}")]
    Other(String),
}

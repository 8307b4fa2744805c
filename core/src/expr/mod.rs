//! The expression language items use to say what they measure.
//!
//! PLACEHOLDER — being written.

use thiserror::Error;

/// An expression failed to parse or type-check.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ExprError {
    /// Placeholder.
    #[error("parse error at {position}: {message}")]
    Parse {
        /// Byte offset in the expression.
        position: usize,
        /// What was expected.
        message: String,
    },
}

//! The expression language items use to say what they measure.
//!
//! PLACEHOLDER — being written (the signatures below are the contract the programme loader
//! uses; the engine helper replaces the body).

use thiserror::Error;

use crate::model::MetricDef;

/// The type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExprType {
    /// A real number.
    Number,
    /// A condition (true / false).
    Boolean,
}

/// An expression failed to parse or type-check.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ExprError {
    /// The text is not a well-formed expression.
    #[error("at position {position}: {message}")]
    Parse {
        /// Character offset (0-based) in the expression where the problem is.
        position: usize,
        /// What was found and what was expected.
        message: String,
    },
}

/// Parses and type-checks an expression against the programme's metrics, returning its type.
///
/// # Errors
/// [`ExprError`] with the position and what was expected, or the type problem.
pub fn check(source: &str, metrics: &[MetricDef]) -> Result<ExprType, ExprError> {
    let _ = metrics;
    if source.trim().is_empty() {
        return Err(ExprError::Parse { position: 0, message: "expected an expression".into() });
    }
    Ok(ExprType::Number)
}

//! Programme files: load (with validation), save, and the built-in programmes.
//!
//! PLACEHOLDER — being written.

use thiserror::Error;

use crate::model::Programme;

/// A programme file could not be read or is invalid.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ProgrammeError {
    /// No built-in programme has this id.
    #[error("no built-in programme named {0:?}")]
    UnknownBuiltin(String),
}

/// Returns a built-in programme by id (e.g. `baoshan-2017`).
///
/// # Errors
/// [`ProgrammeError::UnknownBuiltin`] if there is no such programme.
pub fn builtin(id: &str) -> Result<Programme, ProgrammeError> {
    Err(ProgrammeError::UnknownBuiltin(id.to_owned()))
}

//! The embedded redb store.
//!
//! PLACEHOLDER — being written.

use thiserror::Error;

/// The store could not be opened, read or written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Placeholder.
    #[error("store error: {0}")]
    Other(String),
}

/// A batch of observations was refused.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum IngestError {
    /// Placeholder.
    #[error("ingest error: {0}")]
    Other(String),
}

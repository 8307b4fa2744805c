//! The crate's error tree.
//!
//! Each area owns one `thiserror` enum ([`ProgrammeError`](crate::programme::ProgrammeError),
//! [`ExprError`](crate::expr::ExprError), [`StoreError`](crate::store::StoreError),
//! [`IngestError`](crate::store::IngestError), [`EvalError`](crate::eval::EvalError),
//! [`AssessError`](crate::assess::AssessError)); [`Error`](enum@Error)
//! wraps them so that callers who do not care about the area can use one type and `?`.
//! The Python package maps each area to its own exception class under `ecociv.EcocivError`.

use thiserror::Error;

/// Any error from this crate.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// A programme file is unreadable or invalid.
    #[error(transparent)]
    Programme(#[from] crate::programme::ProgrammeError),
    /// An expression failed to parse or type-check.
    #[error(transparent)]
    Expr(#[from] crate::expr::ExprError),
    /// The store could not be opened, read or written.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// A batch of observations was refused.
    #[error(transparent)]
    Ingest(#[from] crate::store::IngestError),
    /// An evaluation could not run.
    #[error(transparent)]
    Eval(#[from] crate::eval::EvalError),
    /// An item's `assess` table or the programme's `aggregation` table is invalid.
    #[error(transparent)]
    Assess(#[from] crate::assess::AssessError),
}

/// `Result` with this crate's [`Error`](enum@Error) as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

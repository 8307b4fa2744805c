//! The store's two error enums: [`StoreError`] (opening, reading, writing) and [`IngestError`]
//! (a batch of observations refused), with the per-row [`RowProblem`]s an ingest reports.

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

/// Who holds the lock on a store file that could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockHolder {
    /// Another live [`Store`](super::Store) handle in this process has the file open.
    ThisProcess,
    /// Another process has the file open (or a handle this process could not track).
    OtherProcess,
}

impl fmt::Display for LockHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockHolder::ThisProcess => f.write_str(
                "another Store handle in this process holds it: reuse that handle, or close it \
                 (Python: store.close() or a `with` block) before opening the file again",
            ),
            LockHolder::OtherProcess => f.write_str(
                "another process holds it: close the store in that process (or use its handle)",
            ),
        }
    }
}

/// The store could not be opened, read or written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The file or its folder could not be created, read or written.
    #[error("store {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The file is already open (redb allows one handle per file).
    #[error("store {path} is already open: {holder}")]
    Locked {
        /// The store file.
        path: PathBuf,
        /// Who holds it.
        holder: LockHolder,
    },
    /// The file exists but is not an ecociv store (not a redb file, or a redb file without the
    /// store's metadata table).
    #[error("{path} is not an ecociv store: {reason}")]
    NotAStore {
        /// The file.
        path: PathBuf,
        /// Why it was refused.
        reason: String,
    },
    /// The file was written by a newer version of ecociv whose schema this version cannot read.
    #[error(
        "store {path} has schema version {found}, but this version of ecociv reads up to \
         version {supported}: upgrade ecociv to open it"
    )]
    NewerSchema {
        /// The file.
        path: PathBuf,
        /// The schema version found in the file.
        found: u32,
        /// The newest schema version this build supports.
        supported: u32,
    },
    /// The file failed redb's integrity check or holds a record this version cannot decode.
    #[error("store {path} is corrupt: {message}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A read or write named a region code the store does not know.
    #[error("unknown region {code:?} (register it with put_regions first)")]
    UnknownRegion {
        /// The code.
        code: String,
    },
    /// A read or write named a metric code the store does not know.
    #[error("unknown metric {code:?} (register it with put_metrics first)")]
    UnknownMetric {
        /// The code.
        code: String,
    },
    /// A region names a parent that is neither in the store nor in the same call.
    #[error("region {region:?} names unknown parent {parent:?}")]
    UnknownParent {
        /// The region's code.
        region: String,
        /// The parent code it names.
        parent: String,
    },
    /// A metric's unit or kind would change although observations of it exist.
    #[error(
        "metric {metric:?} already has observations recorded as {old}; refusing to change it to \
         {new} (register a new metric code instead)"
    )]
    MetricChange {
        /// The metric code.
        metric: String,
        /// The stored unit or kind.
        old: String,
        /// The requested one.
        new: String,
    },
    /// A metric definition is invalid (empty code, category metric without categories, …).
    #[error("metric {metric:?}: {message}")]
    BadMetric {
        /// The metric code.
        metric: String,
        /// What is wrong.
        message: String,
    },
    /// An explicit source choice names a source that has no value for the cell.
    #[error("cannot choose {source_name} for {region} / {metric} / {period}: that source has no value for the cell")]
    NoValueFromSource {
        /// The region code.
        region: String,
        /// The metric code.
        metric: String,
        /// The period.
        period: String,
        /// The source (its document, or `the unspecified source`).
        source_name: String,
    },
    /// A panel request cannot be served as asked (mixed frequencies, reversed range, …).
    #[error("panel request: {message}")]
    BadRequest {
        /// What is wrong.
        message: String,
    },
    /// No default store path: neither `$ECOCIV_STORE`, `$XDG_DATA_HOME` nor `$HOME` is set.
    #[error("no default store path: set ECOCIV_STORE (or XDG_DATA_HOME / HOME)")]
    NoDefaultPath,
    /// Writing an export failed.
    #[error("export failed: {message}")]
    Export {
        /// The writer's error.
        message: String,
    },
    /// An error reported by redb (transactions, tables, storage) with no more specific variant.
    #[error("redb: {0}")]
    Redb(String),
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Redb(e.to_string())
            }
        }
    )*};
}
from_redb!(
    redb::Error,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::CompactionError,
    redb::SetDurabilityError
);

/// What is wrong with one row of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RowProblemKind {
    /// The region code is not registered.
    UnknownRegion,
    /// The metric code is not registered.
    UnknownMetric,
    /// The value is not a number.
    NotANumber,
    /// The value is empty (leave the row out for a missing value).
    MissingValue,
    /// The value is NaN or ±infinity.
    NonFinite,
    /// The row's unit differs from the metric's unit.
    UnitMismatch,
    /// The period is not `YYYY`, `YYYYQn` or `YYYY-MM`.
    BadPeriod,
    /// The same cell (region, metric, period) from the same source appears twice in the batch.
    DuplicateCell,
    /// A boolean metric's value is not 0 or 1.
    BooleanNotZeroOne,
    /// A category metric's value is not the index of one of its categories.
    CategoryOutOfRange,
}

impl RowProblemKind {
    /// A short snake_case name (used by the Python mapping and in messages).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RowProblemKind::UnknownRegion => "unknown_region",
            RowProblemKind::UnknownMetric => "unknown_metric",
            RowProblemKind::NotANumber => "not_a_number",
            RowProblemKind::MissingValue => "missing_value",
            RowProblemKind::NonFinite => "non_finite",
            RowProblemKind::UnitMismatch => "unit_mismatch",
            RowProblemKind::BadPeriod => "bad_period",
            RowProblemKind::DuplicateCell => "duplicate_cell",
            RowProblemKind::BooleanNotZeroOne => "boolean_not_zero_one",
            RowProblemKind::CategoryOutOfRange => "category_out_of_range",
        }
    }
}

/// One bad row of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The row: the CSV line number (the header is line 1) for a CSV file, the 1-based row
    /// index for an in-memory batch.
    pub row: usize,
    /// The column at fault (`region`, `metric`, `period`, `value`, `unit`, …).
    pub column: String,
    /// The offending text.
    pub value: String,
    /// What kind of problem.
    pub kind: RowProblemKind,
    /// A human-readable explanation.
    pub message: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}, column {}: {}", self.row, self.column, self.message)
    }
}

/// How many problems [`IngestError::Rows`]'s message lists before "… and N more".
const SHOWN: usize = 20;

fn list_problems(problems: &[RowProblem]) -> String {
    let mut s = String::new();
    for p in problems.iter().take(SHOWN) {
        s.push_str("\n  ");
        s.push_str(&p.to_string());
    }
    if problems.len() > SHOWN {
        s.push_str(&format!("\n  … and {} more", problems.len() - SHOWN));
    }
    s
}

/// A batch of observations was refused; nothing of it was written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum IngestError {
    /// Some rows are bad; every bad row is listed.
    #[error("{} bad row(s) in {origin}, nothing written:{}", problems.len(), list_problems(problems))]
    Rows {
        /// The file name, or `batch` for an in-memory batch.
        origin: String,
        /// Every problem found, in row order.
        problems: Vec<RowProblem>,
    },
    /// A CSV file could not be parsed (bad quoting, invalid UTF-8, a short row).
    #[error("{file}, line {line}: {message}")]
    Csv {
        /// The file.
        file: String,
        /// The line (1-based; 0 when unknown).
        line: u64,
        /// The parser's message.
        message: String,
    },
    /// A file could not be opened or read (missing, unreadable, a folder, an I/O failure).
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The CSV header lacks a required column, repeats one or has an unknown one.
    #[error("{file}: {message}")]
    Header {
        /// The file.
        file: String,
        /// What is wrong with the header.
        message: String,
    },
    /// An in-memory batch's columns have different lengths.
    #[error("batch: column {column} has {found} rows, expected {expected}")]
    Shape {
        /// The column.
        column: String,
        /// Its length.
        found: usize,
        /// The length of the region column.
        expected: usize,
    },
    /// The ingest was cancelled through [`IngestOptions::cancel`](super::IngestOptions::cancel);
    /// the transaction was rolled back and nothing was written.
    #[error("ingest cancelled; nothing written")]
    Cancelled,
    /// The store failed while writing (the transaction was rolled back).
    #[error(transparent)]
    Store(#[from] StoreError),
}

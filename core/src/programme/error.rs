//! The programme loader's errors: one enum for the caller, one [`Problem`] per mistake found.

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

/// A programme file could not be read, parsed or validated, or a built-in id is unknown.
///
/// Why this shape: a programme file is written by hand, so a loader that stops at the first
/// mistake makes its author run it once per typo. Everything the validator can check is
/// therefore collected into [`ProgrammeError::Invalid`] with one [`Problem`] each (file, line,
/// column, field path, a stable [`ProblemKind`] code). Only mistakes that stop the file from
/// being read as a programme at all — TOML syntax, or a value of the wrong shape for serde —
/// end the load early, as [`ProgrammeError::Syntax`], still with line and column. In every
/// error case no programme is returned: a bad file never yields a half-loaded programme.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ProgrammeError {
    /// The file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not TOML, or a value does not have the shape the programme model needs
    /// (a missing required key, a string where a number is expected, an unknown comparator…).
    #[error("{file}:{line}:{column}: {field}{sep}{message}", sep = if field.is_empty() { "" } else { ": " })]
    Syntax {
        /// Where the text came from (a path, or the origin given to `load_str`).
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// Dotted path of the table or key the error is in (e.g. `indicators[2].items[0]`),
        /// empty for the document itself.
        field: String,
        /// What the TOML parser or the deserializer said.
        message: String,
    },
    /// The file is well-formed but breaks one or more of the programme's rules; every problem
    /// found is listed.
    #[error("{file}: {} problem{} in the programme{}", problems.len(), if problems.len() == 1 { "" } else { "s" }, ListProblems { file, problems })]
    Invalid {
        /// Where the text came from.
        file: String,
        /// Every problem found, in the order they appear in the file.
        problems: Vec<Problem>,
    },
    /// No built-in programme has this id.
    #[error("no built-in programme named {0:?} (known: {known})", known = super::builtin_ids().join(", "))]
    UnknownBuiltin(String),
    /// The programme could not be written as TOML (should not happen for a programme that
    /// loaded; reported rather than panicking).
    #[error("cannot write the programme as TOML: {0}")]
    Serialize(String),
}

impl ProgrammeError {
    /// The problems of an [`ProgrammeError::Invalid`] error; empty for the other kinds.
    #[must_use]
    pub fn problems(&self) -> &[Problem] {
        match self {
            ProgrammeError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}

/// Renders the problems of an `Invalid` error, one per line, as `file:line:col: field: message`.
struct ListProblems<'a> {
    file: &'a str,
    problems: &'a [Problem],
}

impl fmt::Display for ListProblems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in self.problems {
            write!(f, "\n  {}:{p}", self.file)?;
        }
        Ok(())
    }
}

/// One mistake found in a programme file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line of the offending value (or of the table that lacks a key).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Path of the field, e.g. `indicators[3].items[1].threshold` (array indices are 0-based,
    /// in file order).
    pub field: String,
    /// Stable machine code of the mistake.
    pub kind: ProblemKind,
    /// Human explanation, naming the offending value.
    pub message: String,
}

impl fmt::Display for Problem {
    /// `line:col: field: message` (the file is added by [`ProgrammeError`]'s display).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.line, self.column, self.field, self.message
        )
    }
}

/// The kind of a [`Problem`], a stable code for programs and tests
/// ([`ProblemKind::as_str`] gives it in `snake_case`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ProblemKind {
    /// A key the programme model does not know (usually a misspelling).
    UnknownField,
    /// A unit named as lead or cooperating unit is not declared in `[[units]]`.
    UnknownUnit,
    /// A measure or condition names a metric not declared in `[[metrics]]`.
    UnknownMetric,
    /// An indicator's category is not one of the programme's `categories`.
    UnknownCategory,
    /// A region's parent is not a declared region.
    UnknownRegion,
    /// Two things that must have distinct codes (or names) share one.
    DuplicateCode,
    /// A required text or list is empty (an id, an indicator without items, an item without a
    /// lead unit…).
    Empty,
    /// A code cannot be used where it must be (e.g. a metric code that is not an identifier).
    InvalidCode,
    /// An item whose comparator needs a threshold has none.
    MissingThreshold,
    /// The comparator does not fit the threshold or the measure's type (e.g. `>=` with a
    /// range, `between` with a number, `holds` with a threshold or a numeric measure).
    ComparatorMismatch,
    /// A range threshold with `min > max`.
    InvertedRange,
    /// A number that is NaN or infinite.
    NotFinite,
    /// A `requires` condition that is not boolean.
    TypeMismatch,
    /// A date range whose start is after its end.
    InvertedDates,
    /// A task whose due date lies outside its phase.
    TaskOutsidePhase,
    /// A measure or condition that is not a well-formed, well-typed expression.
    Expression,
}

impl ProblemKind {
    /// The stable `snake_case` code (e.g. `unknown_unit`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::UnknownField => "unknown_field",
            ProblemKind::UnknownUnit => "unknown_unit",
            ProblemKind::UnknownMetric => "unknown_metric",
            ProblemKind::UnknownCategory => "unknown_category",
            ProblemKind::UnknownRegion => "unknown_region",
            ProblemKind::DuplicateCode => "duplicate_code",
            ProblemKind::Empty => "empty",
            ProblemKind::InvalidCode => "invalid_code",
            ProblemKind::MissingThreshold => "missing_threshold",
            ProblemKind::ComparatorMismatch => "comparator_mismatch",
            ProblemKind::InvertedRange => "inverted_range",
            ProblemKind::NotFinite => "not_finite",
            ProblemKind::TypeMismatch => "type_mismatch",
            ProblemKind::InvertedDates => "inverted_dates",
            ProblemKind::TaskOutsidePhase => "task_outside_phase",
            ProblemKind::Expression => "expression",
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

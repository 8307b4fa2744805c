//! Programme files: load (with full validation), save, and the built-in programmes.
//!
//! A programme file is the serde form of [`Programme`](crate::model::Programme) in TOML
//! (UTF-8, Chinese names as written): top-level keys `id`, `title`, `issued_by`, `issued_on`,
//! `source`, `notes`, `categories`, then arrays of tables `[[basis]]`, `[[milestones]]`,
//! `[[regions]]`, `[[units]]`, `[[groups]]`, `[[metrics]]`, `[[conditions]]` (with
//! `[[conditions.items]]`), `[[indicators]]` (with `[[indicators.items]]`), `[[phases]]` (with
//! `[[phases.tasks]]`) and `[[duties]]`. Comparators are written `">="`, `">"`, `"<="`, `"<"`,
//! `"="`, `"between"`, `"in"`, `"holds"`; attributes `"binding"`, `"guiding"`, … or their
//! Chinese terms (`"约束性"`, `"指导性"`); dates as TOML dates (`2017-03-31`) or strings.
//!
//! Loading checks everything and reports every problem at once, each with file, line, column,
//! field path and a stable [`ProblemKind`]; a file with any problem yields no programme.
//! Saving writes the same format, so load → save → load gives an equal programme.
//!
//! ```
//! use ecociv::programme::{self, ProgrammeError};
//!
//! let baoshan = programme::builtin("baoshan-2017")?;
//! let text = programme::to_toml_string(&baoshan)?;
//! assert_eq!(programme::load_str(&text, "copy.toml")?, baoshan);
//!
//! // A misspelt unit and an inverted phase are both reported, with their lines.
//! let broken = text
//!     .replacen("lead = [\"市农业局\"]", "lead = [\"市农业厅\"]", 1)
//!     .replacen("end = \"2017-03-30\"", "end = \"2016-03-30\"", 1);
//! match programme::load_str(&broken, "broken.toml") {
//!     Err(ProgrammeError::Invalid { problems, .. }) => {
//!         let kinds: Vec<&str> = problems.iter().map(|p| p.kind.as_str()).collect();
//!         assert_eq!(kinds, ["unknown_unit", "inverted_dates"]);
//!     }
//!     other => panic!("expected problems, got {other:?}"),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod builtin;
mod error;
mod load;
mod measure;
mod save;
mod schema;
mod source;
mod validate;

pub use builtin::{builtin, builtin_ids, builtin_text};
pub use error::{Problem, ProblemKind, ProgrammeError};
pub use load::{load_file, load_str};
pub use save::{save_file, to_toml_string};

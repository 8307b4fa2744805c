//! Loading a programme file: parse the TOML, read it into the model, validate everything.

use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;
use toml::de::DeTable;

use crate::model::Programme;

use super::source::{SourceMap, dates_to_strings};
use super::validate::{Finding, validate};
use super::{Problem, ProblemKind, ProgrammeError, schema};

/// Reads and validates a programme file (TOML, UTF-8).
///
/// # Errors
/// [`ProgrammeError::Io`] if the file cannot be read (or is not UTF-8),
/// [`ProgrammeError::Syntax`] if it is not TOML or a value has the wrong shape,
/// [`ProgrammeError::Invalid`] with every problem found otherwise.
///
/// # Example
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("plan.toml");
/// ecociv::programme::save_file(&ecociv::programme::builtin("baoshan-2017")?, &path)?;
/// let programme = ecociv::programme::load_file(&path)?;
/// assert_eq!(programme.id, "baoshan-2017");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_file(path: impl AsRef<Path>) -> Result<Programme, ProgrammeError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|source| ProgrammeError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    load_str(&text, &path.display().to_string())
}

/// Parses and validates a programme from TOML text; `origin` names it in errors (a path, or
/// e.g. `<input>`).
///
/// # Errors
/// [`ProgrammeError::Syntax`] if the text is not TOML or a value has the wrong shape
/// (with line, column and field), [`ProgrammeError::Invalid`] listing every problem found by
/// validation (unknown units, metrics, categories or regions, duplicate codes, missing or
/// ill-fitting thresholds, inverted dates, tasks outside their phase, bad expressions, unknown
/// keys).
///
/// # Example
/// ```
/// use ecociv::programme::{load_str, ProblemKind};
///
/// let text = r#"
/// id = "demo"
/// title = "示例方案"
/// categories = ["发展生态经济"]
/// [[units]]
/// name = "市农业局"
/// [[metrics]]
/// code = "rural_income"
/// name = "农民年人均纯收入"
/// [[indicators]]
/// code = "1"
/// name = "农民年人均纯收入"
/// category = "发展生态经济"
/// [[indicators.items]]
/// code = "I01"
/// name = "农民年人均纯收入"
/// measure = "rural_income"
/// comparator = ">="
/// threshold = 6000
/// unit = "元/人"
/// attribute = "约束性"
/// lead = ["市农业局"]
/// "#;
/// let programme = load_str(text, "demo.toml")?;
/// assert_eq!(programme.items().count(), 1);
///
/// let broken = text.replace("lead = [\"市农业局\"]", "lead = [\"市农业厅\"]");
/// let err = load_str(&broken, "demo.toml").unwrap_err();
/// assert_eq!(err.problems()[0].kind, ProblemKind::UnknownUnit);
/// assert_eq!(err.problems()[0].field, "indicators[0].items[0].lead[0]");
/// assert!(err.to_string().contains("demo.toml:22:9: indicators[0].items[0].lead[0]"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_str(text: &str, origin: &str) -> Result<Programme, ProgrammeError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut doc = DeTable::parse(text).map_err(|e| {
        let (line, column) = SourceMap::text_only(text).line_col(e.span().map_or(0, |s| s.start));
        ProgrammeError::Syntax {
            file: origin.to_owned(),
            line,
            column,
            field: String::new(),
            message: e.message().trim_end().to_owned(),
        }
    })?;
    let map = SourceMap::new(text, doc.get_ref());
    let unknown = schema::unknown_keys(doc.get_ref());
    dates_to_strings(doc.get_mut());

    let programme = match Programme::deserialize(toml::de::Deserializer::from(doc)) {
        Ok(p) => p,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let (line, column) = map.line_col(span.start);
            let mut message = e.message().trim_end().to_owned();
            if let Some(u) = unknown.first() {
                let (l, _) = map.locate(&u.path);
                let _ = write!(
                    message,
                    " (note: unknown key `{}` at line {l}; misspelt?)",
                    u.key
                );
            }
            return Err(ProgrammeError::Syntax {
                file: origin.to_owned(),
                line,
                column,
                field: map.path_of(span),
                message,
            });
        }
    };

    let mut findings: Vec<Finding> = unknown
        .into_iter()
        .map(|u| Finding {
            message: format!(
                "unknown key `{}` (allowed here: {})",
                u.key,
                u.allowed.join(", ")
            ),
            path: u.path,
            kind: ProblemKind::UnknownField,
            first: None,
        })
        .collect();
    findings.extend(validate(&programme));
    if findings.is_empty() {
        return Ok(programme);
    }
    let mut problems: Vec<Problem> = findings
        .into_iter()
        .map(|f| {
            let (line, column) = map.locate(&f.path);
            let mut message = f.message;
            if let Some(first) = f.first {
                let _ = write!(
                    message,
                    " (first at line {}, {first})",
                    map.locate(&first).0
                );
            }
            Problem {
                line,
                column,
                field: f.path,
                kind: f.kind,
                message,
            }
        })
        .collect();
    problems.sort_by_key(|p| (p.line, p.column));
    Err(ProgrammeError::Invalid {
        file: origin.to_owned(),
        problems,
    })
}

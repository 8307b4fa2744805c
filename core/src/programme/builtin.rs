//! The programmes shipped with the crate, as TOML files compiled in.

use crate::model::Programme;

use super::{ProgrammeError, load_str};

/// (id, TOML text) of every built-in programme.
const BUILTINS: &[(&str, &str)] = &[(
    "baoshan-2017",
    include_str!("../../programmes/baoshan-2017.toml"),
)];

/// The ids of the built-in programmes.
///
/// # Example
/// ```
/// assert!(ecociv::programme::builtin_ids().contains(&"baoshan-2017"));
/// ```
#[must_use]
pub fn builtin_ids() -> &'static [&'static str] {
    &["baoshan-2017"]
}

/// The TOML text of a built-in programme, with its comments — a starting point for writing
/// one's own programme file; `None` if there is no such programme.
///
/// # Example
/// ```
/// let text = ecociv::programme::builtin_text("baoshan-2017").unwrap();
/// assert!(text.contains("保山市申报创建省级生态文明市工作方案"));
/// ```
#[must_use]
pub fn builtin_text(id: &str) -> Option<&'static str> {
    BUILTINS
        .iter()
        .find(|(k, _)| *k == id)
        .map(|(_, text)| *text)
}

/// Returns a built-in programme by id (e.g. `baoshan-2017`), loaded and validated like a file.
///
/// # Errors
/// [`ProgrammeError::UnknownBuiltin`] if there is no such programme.
///
/// # Example
/// ```
/// let programme = ecociv::programme::builtin("baoshan-2017")?;
/// assert_eq!(programme.indicators.len(), 18);
/// assert_eq!(programme.items().count(), 24);
/// assert!(ecociv::programme::builtin("nowhere").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn builtin(id: &str) -> Result<Programme, ProgrammeError> {
    let text = builtin_text(id).ok_or_else(|| ProgrammeError::UnknownBuiltin(id.to_owned()))?;
    load_str(text, &format!("builtin:{id}.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_id_has_a_text_and_loads() {
        assert_eq!(builtin_ids().len(), BUILTINS.len());
        for id in builtin_ids() {
            let p = builtin(id).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(&p.id, id);
        }
    }
}

//! Saving a programme as a TOML programme file.

use std::path::Path;

use crate::model::Programme;

use super::ProgrammeError;

/// Writes a programme as TOML text, in the format [`load_str`](super::load_str) reads
/// (load → save → load gives an equal programme). Comments of a loaded file are not kept;
/// dates are written as strings (`"2017-03-31"`), which the loader reads like TOML dates.
///
/// # Errors
/// [`ProgrammeError::Serialize`] if the programme cannot be written as TOML.
///
/// # Example
/// ```
/// use ecociv::programme::{builtin, load_str, to_toml_string};
///
/// let programme = builtin("baoshan-2017")?;
/// let text = to_toml_string(&programme)?;
/// assert!(text.contains("[[indicators.items]]"));
/// assert_eq!(load_str(&text, "saved.toml")?, programme);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_toml_string(programme: &Programme) -> Result<String, ProgrammeError> {
    toml::to_string_pretty(programme).map_err(|e| ProgrammeError::Serialize(e.to_string()))
}

/// Writes a programme to a TOML file (UTF-8), replacing the file if it exists.
///
/// # Errors
/// [`ProgrammeError::Serialize`] if the programme cannot be written as TOML,
/// [`ProgrammeError::Io`] if the file cannot be written.
///
/// # Example
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("baoshan.toml");
/// let programme = ecociv::programme::builtin("baoshan-2017")?;
/// ecociv::programme::save_file(&programme, &path)?;
/// assert_eq!(ecociv::programme::load_file(&path)?, programme);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn save_file(programme: &Programme, path: impl AsRef<Path>) -> Result<(), ProgrammeError> {
    let path = path.as_ref();
    let text = to_toml_string(programme)?;
    std::fs::write(path, text).map_err(|source| ProgrammeError::Io {
        path: path.to_path_buf(),
        source,
    })
}

//! Reading the `assess` tables and the `aggregation` table straight from a programme file's
//! text, independently of the full programme loader (useful to check a file's monitoring
//! declarations on their own).

use toml::{Table, Value};

use crate::assess::AssessError;
use crate::assess::{validate_aggregation, validate_item};
use crate::model::{AggregationSpec, Assessment, Programme};

/// The monitoring declarations of one programme file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileAssessments {
    /// The rest of the file, read leniently as a [`Programme`] (no programme validation).
    pub programme: Programme,
    /// The `[aggregation]` table (defaults when absent).
    pub aggregation: AggregationSpec,
    /// `(item code, assess table)` for every item that has one, in file order (indicators'
    /// items first, then basic conditions' items).
    pub items: Vec<(String, Assessment)>,
}

impl FileAssessments {
    /// The assess table of an item.
    #[must_use]
    pub fn get(&self, code: &str) -> Option<&Assessment> {
        self.items.iter().find(|(c, _)| c == code).map(|(_, a)| a)
    }

    /// Validates every assess table against its item and the programme's milestones, and the
    /// aggregation table against the item codes.
    ///
    /// # Errors
    /// The first [`AssessError`] found; [`AssessError::File`] if an assess table's item is not
    /// in the programme.
    pub fn validate(&self) -> Result<(), AssessError> {
        let codes: Vec<&str> = self.programme.items().map(|i| i.code.as_str()).collect();
        for (code, a) in &self.items {
            let item = self
                .programme
                .items()
                .find(|i| &i.code == code)
                .ok_or_else(|| bad(code.clone(), "item not found in the programme"))?;
            validate_item(item, a, &self.programme.milestones)?;
        }
        validate_aggregation(&self.aggregation, &codes)
    }
}

fn bad(path: String, message: impl ToString) -> AssessError {
    AssessError::File {
        path,
        message: message.to_string(),
    }
}

/// Reads every item's `assess` table and the `aggregation` table of a programme file.
///
/// # Errors
/// [`AssessError::File`] with the table path (e.g. `indicators[2].items[0].assess`) when the
/// text is not TOML or a table does not fit the types (unknown keys included).
///
/// # Example
/// ```
/// let f = ecociv::assess::read_assessments(r#"
///     id = "p"
///     title = "P"
///     [[indicators]]
///     code = "1"
///     name = "one"
///     category = "c"
///     [[indicators.items]]
///     code = "A"
///     name = "a"
///     measure = "a"
///     comparator = "<="
///     threshold = 10
///     attribute = "guiding"
///     lead = []
///     assess = { bands = { green = 10, red = 35 } }
/// "#)?;
/// assert_eq!(f.get("A").unwrap().bands.as_ref().unwrap().yellow_cut(), 22.5);
/// f.validate()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_assessments(text: &str) -> Result<FileAssessments, AssessError> {
    let root: Table = toml::from_str(text).map_err(|e| bad(String::new(), e))?;
    let aggregation = match root.get("aggregation") {
        Some(v) => v
            .clone()
            .try_into()
            .map_err(|e| bad("aggregation".into(), e))?,
        None => AggregationSpec::default(),
    };
    let mut items = Vec::new();
    for group in ["indicators", "conditions"] {
        let Some(Value::Array(list)) = root.get(group) else {
            continue;
        };
        for (i, owner) in list.iter().enumerate() {
            let Some(Value::Array(its)) = owner.get("items") else {
                continue;
            };
            for (j, item) in its.iter().enumerate() {
                let Some(a) = item.get("assess") else {
                    continue;
                };
                let path = format!("{group}[{i}].items[{j}].assess");
                let code = item
                    .get("code")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad(path.clone(), "item has no code"))?;
                let a: Assessment = a.clone().try_into().map_err(|e| bad(path.clone(), e))?;
                items.push((code.to_owned(), a));
            }
        }
    }
    let programme: Programme = Value::Table(root)
        .try_into()
        .map_err(|e| bad(String::new(), e))?;
    Ok(FileAssessments {
        programme,
        aggregation,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_reported_with_their_path() {
        let e = read_assessments("[[indicators]]\n[[indicators.items]]\ncode = \"A\"\nassess = { band = { green = 1, red = 2 } }\n")
            .unwrap_err();
        assert!(
            e.to_string().contains("indicators[0].items[0].assess"),
            "{e}"
        );
        assert!(read_assessments("[aggregation]\ncolour = \"weird\"\n").is_err());
        assert!(read_assessments("not toml [").is_err());
    }
}

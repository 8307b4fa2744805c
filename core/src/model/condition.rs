use serde::{Deserialize, Serialize};

use super::Item;

/// A basic condition (基本条件) of the programme.
///
/// Conditions are written as text with their units; where a condition is measurable its
/// `items` say how (e.g. "no major environmental incident within three years").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BasicCondition {
    /// Code unique within the programme (e.g. `BC3`).
    pub code: String,
    /// The condition as written.
    pub text: String,
    /// Lead units.
    pub lead: Vec<String>,
    /// Cooperating units.
    #[serde(default)]
    pub cooperating: Vec<String>,
    /// Measurable parts of the condition (may be empty).
    #[serde(default)]
    pub items: Vec<Item>,
}

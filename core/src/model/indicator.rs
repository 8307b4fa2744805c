use serde::{Deserialize, Serialize};

use super::Item;

/// A construction indicator (建设指标): code, name, category and its items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Code unique within the programme (e.g. `4`).
    pub code: String,
    /// Name as written.
    pub name: String,
    /// Category (e.g. `发展生态经济`); must be one of the programme's categories.
    pub category: String,
    /// One or more items; the indicator passes when all its applicable items pass.
    pub items: Vec<Item>,
}

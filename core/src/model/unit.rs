use serde::{Deserialize, Serialize};

/// A responsible unit (责任单位): a department, a government, an office.
///
/// Units are referred to by their exact `name` everywhere else in a programme file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// The unit's name as written in the document (e.g. `市环境保护局`).
    pub name: String,
    /// An English rendering, for reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub english: Option<String>,
    /// A note, e.g. that the name stands for a collective (各县(市、区)政府).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

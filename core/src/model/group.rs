use serde::{Deserialize, Serialize};

/// A person on a working group, with their post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The person's name.
    pub name: String,
    /// Their post (e.g. `市政府秘书长`).
    pub post: String,
}

/// A working group (专业组) of the programme's leading group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingGroup {
    /// The group's name (e.g. `综合协调组`).
    pub name: String,
    /// The group leader (组长).
    pub leader: Member,
    /// The deputy leaders (副组长).
    #[serde(default)]
    pub deputies: Vec<Member>,
    /// What the group is responsible for.
    pub duties: String,
}

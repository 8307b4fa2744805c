use serde::{Deserialize, Serialize};

/// The attribute (指标属性) of an item: whether it decides the programme's verdict.
///
/// Only [`Attribute::Binding`] items decide a region's verdict; the others are reported as
/// warnings. Programme files may use the English word or the Chinese term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribute {
    /// 约束性 — binding: must pass for the region to meet the programme.
    #[serde(alias = "约束性")]
    Binding,
    /// 指导性 — guiding: reported, never decides the verdict.
    #[serde(alias = "指导性")]
    Guiding,
    /// 参考性 — reference only.
    #[serde(alias = "参考性")]
    Reference,
    /// 预期性 — expected (a target the plan hopes for).
    #[serde(alias = "预期性")]
    Expected,
}

impl Attribute {
    /// The Chinese term used in official documents.
    #[must_use]
    pub fn chinese(self) -> &'static str {
        match self {
            Attribute::Binding => "约束性",
            Attribute::Guiding => "指导性",
            Attribute::Reference => "参考性",
            Attribute::Expected => "预期性",
        }
    }

    /// The English word, as written in programme files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Attribute::Binding => "binding",
            Attribute::Guiding => "guiding",
            Attribute::Reference => "reference",
            Attribute::Expected => "expected",
        }
    }

    /// Whether items with this attribute decide the verdict.
    #[must_use]
    pub fn is_binding(self) -> bool {
        self == Attribute::Binding
    }
}

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The administrative level of a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// A country.
    Nation,
    /// A province (省).
    Province,
    /// A prefecture-level city (州/市).
    City,
    /// A county, county-level city or district (县/市/区).
    County,
    /// A township or street (乡镇/街道).
    Township,
    /// An industrial or development park (园区).
    Park,
}

impl Level {
    /// The lowercase word used in files.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Nation => "nation",
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
            Level::Township => "township",
            Level::Park => "park",
        }
    }

    /// All levels, from the top down.
    pub const ALL: [Level; 6] =
        [Level::Nation, Level::Province, Level::City, Level::County, Level::Township, Level::Park];

    /// Parses the lowercase word; `None` if unknown.
    #[must_use]
    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A region as a programme's scope names it (and as a store records it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionDef {
    /// Stable code (e.g. `530500` or `baoshan`).
    pub code: String,
    /// Name (e.g. `保山市`).
    pub name: String,
    /// Administrative level.
    pub level: Level,
    /// The parent region's code, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Attributes programmes use to pick thresholds (terrain, zone, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

impl RegionDef {
    /// A region without a parent or attributes.
    ///
    /// ```
    /// use ecociv::model::{Level, RegionDef};
    /// let city = RegionDef::new("530500", "保山市", Level::City);
    /// let county = RegionDef::new("530581", "腾冲市", Level::County).with_parent("530500");
    /// assert_eq!(county.parent.as_deref(), Some(city.code.as_str()));
    /// assert!(county.attributes.is_empty());
    /// ```
    #[must_use]
    pub fn new(code: impl Into<String>, name: impl Into<String>, level: Level) -> RegionDef {
        RegionDef { code: code.into(), name: name.into(), level, parent: None, attributes: BTreeMap::new() }
    }

    /// The same region under `parent`.
    #[must_use]
    pub fn with_parent(mut self, parent: impl Into<String>) -> RegionDef {
        self.parent = Some(parent.into());
        self
    }
}

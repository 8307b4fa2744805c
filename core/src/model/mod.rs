//! The programme model: plain data types (with serde) for everything an indicator programme says.
//!
//! One noun per file. Nothing here evaluates anything; the [`crate::eval`] engine reads these
//! types, and [`crate::programme`] loads and validates them from programme files.

mod assessment;
mod attribute;
mod comparator;
mod condition;
mod duty;
mod group;
mod indicator;
mod item;
mod metric;
mod milestone;
mod phase;
mod programme;
mod region;
mod threshold;
mod unit;

pub use assessment::{
    AggregationSpec, Assessment, Bands, Basis, ColourRule, CompositeSpec, Direction, Growth,
    Normalisation, ProgressSpec, ProgressThresholds, ProjectionSpec, ScoreSpec, TrendSpec, Weights,
};
pub use attribute::Attribute;
pub use comparator::Comparator;
pub use condition::BasicCondition;
pub use duty::{Frequency, RecurringDuty};
pub use group::{Member, WorkingGroup};
pub use indicator::Indicator;
pub use item::{Applicability, Item};
pub use metric::{MetricDef, MetricKind};
pub use milestone::Milestone;
pub use phase::{Phase, Task};
pub use programme::{Document, Programme};
pub use region::{Level, RegionDef};
pub use threshold::{Threshold, format_number};
pub use unit::Unit;

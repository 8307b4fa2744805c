//! Small integer codes of the assessment results, for columnar outputs (`Vec<i8>`).
//!
//! One convention for every method: codes `≥ 0` are ordinal, **higher is better**; `−1`
//! ([`NO_DATA`]) means the method applies but the data do not allow a result (grey band,
//! • no-data arrow, insufficient projection, progress not available); `−2` ([`NOT_ASSESSED`])
//! means the item does not declare the method, or does not apply to the region.
//!
//! | code | band | trend | projection | progress |
//! |---:|---|---|---|---|
//! | 5 | | | achieved | |
//! | 4 | | | on track | target achieved |
//! | 3 | green | ↑ on track | needs acceleration | substantial |
//! | 2 | yellow | ➚ moderately improving | stagnating | moderate |
//! | 1 | orange | → stagnating | moving away | limited |
//! | 0 | red | ↓ decreasing | missed | deterioration |
//! | −1 | grey | • no data | insufficient | not available |
//! | −2 | not assessed | not assessed | not assessed | not assessed |
//!
//! ```
//! use ecociv::assess::bands::Band;
//! use ecociv::assess::codes::{Code, NOT_ASSESSED};
//! assert_eq!(Band::Yellow.code(), 2);
//! assert_eq!(Band::from_code(-1), Some(Band::Grey));
//! assert_eq!(Band::from_code(NOT_ASSESSED), None);
//! ```

use crate::assess::bands::Band;
use crate::assess::progress::ProgressStatus;
use crate::assess::projection::ProjectionStatus;
use crate::assess::trend::Trend;

/// The method applies but the data do not allow a result.
pub const NO_DATA: i8 = -1;
/// The item does not declare the method, or does not apply to the region.
pub const NOT_ASSESSED: i8 = -2;

/// A result with an `i8` code (see the [module table](self)).
pub trait Code: Sized + Copy + 'static {
    /// Every value, from the best code down to [`NO_DATA`].
    const ALL: &'static [Self];

    /// The code.
    fn code(self) -> i8;

    /// The value of a code; `None` for [`NOT_ASSESSED`] and unknown codes.
    #[must_use]
    fn from_code(code: i8) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
}

impl Code for Band {
    const ALL: &'static [Band] = &[
        Band::Green,
        Band::Yellow,
        Band::Orange,
        Band::Red,
        Band::Grey,
    ];

    fn code(self) -> i8 {
        self.rank().map_or(NO_DATA, |r| r as i8)
    }
}

impl Code for Trend {
    const ALL: &'static [Trend] = &[
        Trend::OnTrack,
        Trend::ModeratelyImproving,
        Trend::Stagnating,
        Trend::Decreasing,
        Trend::NoData,
    ];

    fn code(self) -> i8 {
        match self {
            Trend::OnTrack => 3,
            Trend::ModeratelyImproving => 2,
            Trend::Stagnating => 1,
            Trend::Decreasing => 0,
            Trend::NoData => NO_DATA,
        }
    }
}

impl Code for ProjectionStatus {
    const ALL: &'static [ProjectionStatus] = &[
        ProjectionStatus::Achieved,
        ProjectionStatus::OnTrack,
        ProjectionStatus::NeedsAcceleration,
        ProjectionStatus::Stagnating,
        ProjectionStatus::MovingAway,
        ProjectionStatus::Missed,
        ProjectionStatus::Insufficient,
    ];

    fn code(self) -> i8 {
        match self {
            ProjectionStatus::Achieved => 5,
            ProjectionStatus::OnTrack => 4,
            ProjectionStatus::NeedsAcceleration => 3,
            ProjectionStatus::Stagnating => 2,
            ProjectionStatus::MovingAway => 1,
            ProjectionStatus::Missed => 0,
            ProjectionStatus::Insufficient => NO_DATA,
        }
    }
}

impl Code for ProgressStatus {
    const ALL: &'static [ProgressStatus] = &[
        ProgressStatus::TargetAchieved,
        ProgressStatus::Substantial,
        ProgressStatus::Moderate,
        ProgressStatus::Limited,
        ProgressStatus::Deterioration,
        ProgressStatus::NotAvailable,
    ];

    fn code(self) -> i8 {
        match self {
            ProgressStatus::TargetAchieved => 4,
            ProgressStatus::Substantial => 3,
            ProgressStatus::Moderate => 2,
            ProgressStatus::Limited => 1,
            ProgressStatus::Deterioration => 0,
            ProgressStatus::NotAvailable => NO_DATA,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Code + PartialEq + std::fmt::Debug>() {
        let codes: Vec<i8> = T::ALL.iter().map(|v| v.code()).collect();
        // Distinct, best first, ending in NO_DATA.
        assert!(codes.windows(2).all(|w| w[0] > w[1]), "{codes:?}");
        assert_eq!(codes.last(), Some(&NO_DATA));
        for v in T::ALL {
            assert_eq!(T::from_code(v.code()), Some(*v));
        }
        assert_eq!(T::from_code(NOT_ASSESSED), None);
    }

    #[test]
    fn codes_round_trip_and_order() {
        round_trip::<Band>();
        round_trip::<Trend>();
        round_trip::<ProjectionStatus>();
        round_trip::<ProgressStatus>();
        assert_eq!(Band::Red.code(), 0);
        assert_eq!(ProjectionStatus::Missed.code(), 0);
    }
}

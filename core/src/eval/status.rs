//! Item statuses and region verdicts, with the benchmark kit's integer codes.

use std::fmt;

/// The status of one item for one region and period. Stored as `i8` with the kit's codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(i8)]
pub enum Status {
    /// The item does not apply to the region (level, attributes, or no threshold for it).
    NotApplicable = -2,
    /// A value the item needs is absent. Missing never passes.
    Missing = -1,
    /// Every needed value is present and the requirement is not met.
    Fail = 0,
    /// Every needed value is present and the requirement is met.
    Pass = 1,
}

impl Status {
    /// All statuses, in the order of [`Status::index`].
    pub const ALL: [Status; 4] = [
        Status::Pass,
        Status::Fail,
        Status::Missing,
        Status::NotApplicable,
    ];

    /// The stored code (1 pass, 0 fail, −1 missing, −2 not applicable).
    #[must_use]
    pub fn code(self) -> i8 {
        self as i8
    }

    /// The status with this code, if any.
    #[must_use]
    pub fn from_code(code: i8) -> Option<Status> {
        Some(match code {
            1 => Status::Pass,
            0 => Status::Fail,
            -1 => Status::Missing,
            -2 => Status::NotApplicable,
            _ => return None,
        })
    }

    /// Position in count arrays: pass 0, fail 1, missing 2, not applicable 3.
    #[must_use]
    pub fn index(self) -> usize {
        match self {
            Status::Pass => 0,
            Status::Fail => 1,
            Status::Missing => 2,
            Status::NotApplicable => 3,
        }
    }

    /// `pass`, `fail`, `missing`, `not_applicable`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Missing => "missing",
            Status::NotApplicable => "not_applicable",
        }
    }
}

/// Index in `[pass, fail, missing, n/a]` count arrays of a status code.
#[must_use]
#[inline]
pub(crate) fn code_index(code: i8) -> usize {
    // 1 → 0, 0 → 1, −1 → 2, −2 → 3
    (1 - i32::from(code)).clamp(0, 3).unsigned_abs() as usize
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A region's verdict for one period. Stored as `i8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i8)]
pub enum Verdict {
    /// Some binding item is missing and none fails: cannot be decided (counts as not meeting).
    Incomplete = -1,
    /// Some binding item fails.
    Fails = 0,
    /// Every applicable binding item passes.
    Meets = 1,
}

impl Verdict {
    /// The stored code (1 meets, 0 fails, −1 incomplete).
    #[must_use]
    pub fn code(self) -> i8 {
        self as i8
    }

    /// The verdict with this code, if any.
    #[must_use]
    pub fn from_code(code: i8) -> Option<Verdict> {
        Some(match code {
            1 => Verdict::Meets,
            0 => Verdict::Fails,
            -1 => Verdict::Incomplete,
            _ => return None,
        })
    }

    /// `meets`, `fails`, `incomplete`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Meets => "meets",
            Verdict::Fails => "fails",
            Verdict::Incomplete => "incomplete",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Combines statuses of several items into one (an indicator, a condition): fail if any
/// fails, else missing if any is missing, else pass if any passes, else not applicable.
#[must_use]
pub fn combine(codes: impl IntoIterator<Item = i8>) -> Status {
    let (mut pass, mut missing) = (false, false);
    for c in codes {
        match c {
            0 => return Status::Fail,
            -1 => missing = true,
            1 => pass = true,
            _ => {}
        }
    }
    if missing {
        Status::Missing
    } else if pass {
        Status::Pass
    } else {
        Status::NotApplicable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
            assert_eq!(code_index(s.code()), s.index());
        }
        for v in [Verdict::Meets, Verdict::Fails, Verdict::Incomplete] {
            assert_eq!(Verdict::from_code(v.code()), Some(v));
        }
        assert_eq!(Status::from_code(7), None);
        assert_eq!(Status::NotApplicable.to_string(), "not_applicable");
    }

    #[test]
    fn combining_statuses() {
        assert_eq!(combine([1, 1, -2]), Status::Pass);
        assert_eq!(combine([1, -1, 1]), Status::Missing);
        assert_eq!(combine([-1, 0, 1]), Status::Fail);
        assert_eq!(combine([-2, -2]), Status::NotApplicable);
        assert_eq!(combine([]), Status::NotApplicable);
    }
}

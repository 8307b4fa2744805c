//! One cell's folds over a group's members, branch-free: [`Scores`] (the mean score) and
//! [`Colours`] (the two worst colours).

use super::plan::Enough;
use crate::assess::aggregate::band_code_of_position;
use crate::assess::bands::Band;
use crate::assess::codes::{Code, NOT_ASSESSED};
use crate::model::AggregationSpec;

/// A score cell's fold over the members: declaring (`n`) and present (`k`) members, the sum of
/// the present scores (in member order from +0, as
/// [`mean_score`](crate::assess::aggregate::mean_score): the same bits).
#[derive(Debug, Clone, Copy)]
pub(super) struct Scores {
    pub(super) n: u32,
    pub(super) k: u32,
    sum: f64,
}

impl Scores {
    pub(super) const EMPTY: Scores = Scores {
        n: 0,
        k: 0,
        sum: 0.0,
    };

    #[inline]
    pub(super) fn add(self, scored: bool, score: f64) -> Scores {
        let present = scored & !score.is_nan();
        Scores {
            n: self.n + u32::from(scored),
            k: self.k + u32::from(present),
            // The sum starts at +0 and never is −0, so adding +0 leaves its bits alone.
            sum: self.sum + if present { score } else { 0.0 },
        }
    }

    #[inline]
    pub(super) fn mean(self, rule: &Enough) -> f64 {
        if rule.holds(self.k, self.n) {
            self.sum / f64::from(self.k)
        } else {
            f64::NAN
        }
    }
}

/// A colour cell's fold over the members: rated (`n`) and coloured (`k`) members, those that
/// count for the two worst (`valid`: coloured, with a position for the continuous rule) and
/// their two lowest positions (continuous) or ranks (categorical), whether a coloured member is
/// not green.
#[derive(Debug, Clone, Copy)]
pub(super) struct Colours {
    pub(super) n: u32,
    pub(super) k: u32,
    valid: u32,
    lo1: f64,
    lo2: f64,
    not_green: bool,
}

impl Colours {
    pub(super) const EMPTY: Colours = Colours {
        n: 0,
        k: 0,
        valid: 0,
        lo1: f64::INFINITY,
        lo2: f64::INFINITY,
        not_green: false,
    };

    #[inline]
    pub(super) fn add(self, band: i8, position: f64, categorical: bool) -> Colours {
        let coloured = band >= 0;
        // The categorical rule ranks the bands (a band code is its rank); the continuous one
        // takes the positions. A member that does not count changes neither lowest (as
        // `colour_continuous`, whose comparisons are strict).
        let (v, x) = if categorical {
            (coloured, f64::from(band))
        } else {
            (coloured & !position.is_nan(), position)
        };
        let x = if v { x } else { f64::INFINITY };
        let (lt1, lt2) = (x < self.lo1, x < self.lo2);
        Colours {
            n: self.n + u32::from(band != NOT_ASSESSED),
            k: self.k + u32::from(coloured),
            valid: self.valid + u32::from(v),
            lo1: if lt1 { x } else { self.lo1 },
            lo2: if lt1 {
                self.lo1
            } else if lt2 {
                x
            } else {
                self.lo2
            },
            not_green: self.not_green | (coloured & (band != Band::Green.code())),
        }
    }

    /// The band code and position after the minimum-data rule and the two worst
    /// ([`colour_continuous`](crate::assess::aggregate::colour_continuous),
    /// [`colour_categorical`](crate::assess::aggregate::colour_categorical)).
    #[inline]
    pub(super) fn colour(
        self,
        rule: &Enough,
        spec: &AggregationSpec,
        categorical: bool,
    ) -> (i8, f64) {
        // Branch-free (the members' colours vary from cell to cell): every candidate is
        // computed, then selected.
        let one = self.valid == 1;
        let (band, position) = if categorical {
            // Ranks are 0…3 (`lo2` is infinite, saturating, when there is only one).
            let (a, b) = (self.lo1 as u8, self.lo2 as u8);
            let two = (u16::from(a) + u16::from(b)).div_ceil(2) as i8;
            (if one { a as i8 } else { two }, f64::NAN)
        } else {
            let two = (self.lo1 + self.lo2) / 2.0;
            let x = if one { self.lo1 } else { two };
            (band_code_of_position(x), x)
        };
        let downgrade = spec.all_green & (band == Band::Green.code()) & self.not_green;
        let band = if downgrade { Band::Yellow.code() } else { band };
        let ok = rule.holds(self.k, self.n) & (self.valid > 0);
        let grey = if self.n == 0 {
            NOT_ASSESSED
        } else {
            Band::Grey.code()
        };
        (
            if ok { band } else { grey },
            if ok { position } else { f64::NAN },
        )
    }
}

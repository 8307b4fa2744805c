//! SDSN trend arrows from unclipped normalised scores.
//!
//! `t0` = first time with data in the window, `t1` = latest; `rate = (n1 − n0) / (t1 − t0)`;
//! `required = (g − n0) / (T − t0)` with `g` the normalised green threshold and `T` the target
//! year. Rules, in order:
//! 1. ↑ on track if (`n1 ≥ g` and `rate ≥ 0`) or `rate ≥ required`;
//! 2. if `rate < 0`: → stagnating when green at both ends (`n0 ≥ g` and `n1 ≥ g`), else ↓;
//! 3. ➚ moderately improving if `rate ≥ 0.5 · required`;
//! 4. otherwise → stagnating.
//!
//! Fewer than two observations in the window → • no data.

use crate::assess::score::Normaliser;
use crate::assess::time::year_time;
use crate::model::{Bands, ScoreSpec, TrendSpec};

/// An SDSN trend arrow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Trend {
    /// ↑ on track or maintaining achievement.
    OnTrack,
    /// ➚ moderately improving.
    ModeratelyImproving,
    /// → stagnating.
    Stagnating,
    /// ↓ decreasing.
    Decreasing,
    /// • no data.
    #[default]
    NoData,
}

impl Trend {
    /// `on_track`, `moderately_improving`, `stagnating`, `decreasing`, `no_data`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::OnTrack => "on_track",
            Trend::ModeratelyImproving => "moderately_improving",
            Trend::Stagnating => "stagnating",
            Trend::Decreasing => "decreasing",
            Trend::NoData => "no_data",
        }
    }

    /// The arrow the SDSN dashboards show: ↑ ➚ → ↓ •.
    #[must_use]
    pub fn arrow(self) -> &'static str {
        match self {
            Trend::OnTrack => "↑",
            Trend::ModeratelyImproving => "➚",
            Trend::Stagnating => "→",
            Trend::Decreasing => "↓",
            Trend::NoData => "•",
        }
    }
}

/// The parameters of a trend, on the [`crate::assess::time`] axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendRule {
    /// The normalised (unclipped) green threshold `g`.
    pub green_score: f64,
    /// The target time `T` (e.g. `year_time(2030)`).
    pub target_t: f64,
    /// Observations at times `≤ since_t` are outside the window (e.g. `2015.0` keeps the annual
    /// value of 2015, at `2016.0`, and later); `None`: no lower limit.
    pub since_t: Option<f64>,
}

impl TrendRule {
    /// The rule a [`TrendSpec`] declares, with the item's bands and score; `None` when the
    /// spec is incomplete (see [`crate::assess::validate_item`]).
    #[must_use]
    pub fn from_spec(
        spec: &TrendSpec,
        bands: Option<&Bands>,
        score: &ScoreSpec,
    ) -> Option<TrendRule> {
        let n = Normaliser::new(score)?;
        let green = spec.green.or(bands.map(|b| b.green))?;
        Some(TrendRule {
            green_score: n.unclipped(green),
            target_t: year_time(spec.target_year),
            since_t: spec.since.map(f64::from),
        })
    }
}

/// The arrow from two scored observations (`t1 > t0`).
///
/// ```
/// use ecociv::assess::trend::{arrow_between, Trend};
/// // g = 75, from 40 in 2015 to 58 in 2021 (t on the same axis as T = 2030):
/// // rate = 3/yr, required = (75 − 40)/15 = 2.33/yr → on track.
/// assert_eq!(arrow_between(40.0, 2015.0, 58.0, 2021.0, 75.0, 2030.0), Trend::OnTrack);
/// ```
#[must_use]
pub fn arrow_between(n0: f64, t0: f64, n1: f64, t1: f64, g: f64, target_t: f64) -> Trend {
    let dt = t1 - t0;
    if dt <= 0.0 || !(n0.is_finite() && n1.is_finite()) {
        return Trend::NoData;
    }
    let rate = (n1 - n0) / dt;
    let horizon = target_t - t0;
    // Past the target time: only the direction and the level remain meaningful.
    let required = if horizon > 0.0 {
        (g - n0) / horizon
    } else {
        f64::INFINITY.copysign(g - n0)
    };
    if (n1 >= g && rate >= 0.0) || rate >= required {
        Trend::OnTrack
    } else if rate < 0.0 {
        if n0 >= g && n1 >= g {
            Trend::Stagnating
        } else {
            Trend::Decreasing
        }
    } else if rate >= 0.5 * required {
        Trend::ModeratelyImproving
    } else {
        Trend::Stagnating
    }
}

/// The arrow of one series of unclipped scores `n` at times `t` (ascending), using every
/// observation present in the window up to the last one.
///
/// # Panics
/// If the slices differ in length.
#[must_use]
pub fn trend(rule: &TrendRule, t: &[f64], n: &[f64], present: &[bool]) -> Trend {
    assert!(
        t.len() == n.len() && n.len() == present.len(),
        "slice lengths differ"
    );
    let Some(e) = present.iter().rposition(|&p| p) else {
        return Trend::NoData;
    };
    trend_at(rule, t, n, present, e)
}

/// The arrow as of index `e` (which must be present): window start to `e`.
fn trend_at(rule: &TrendRule, t: &[f64], n: &[f64], present: &[bool], e: usize) -> Trend {
    let since = rule.since_t.unwrap_or(f64::NEG_INFINITY);
    let Some(s) = (0..e).find(|&i| present[i] && t[i] > since) else {
        return Trend::NoData;
    };
    arrow_between(n[s], t[s], n[e], t[e], rule.green_score, rule.target_t)
}

/// The arrow as it stood at every period: `out[i]` uses the observations up to `i`
/// (no data where `i` itself is absent).
///
/// # Panics
/// If the slices differ in length.
pub fn trend_history(rule: &TrendRule, t: &[f64], n: &[f64], present: &[bool], out: &mut [Trend]) {
    assert!(
        t.len() == n.len() && n.len() == present.len() && out.len() == n.len(),
        "slice lengths differ"
    );
    // The window start is the first present observation inside the window, whatever the
    // period: as of `e` it counts only when it comes before `e` (same as `trend_at`).
    let since = rule.since_t.unwrap_or(f64::NEG_INFINITY);
    let start = (0..n.len()).find(|&i| present[i] && t[i] > since);
    for (e, o) in out.iter_mut().enumerate() {
        *o = match start {
            Some(s) if present[e] && s < e => {
                arrow_between(n[s], t[s], n[e], t[e], rule.green_score, rule.target_t)
            }
            _ => Trend::NoData,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: f64 = 2030.0;

    #[test]
    fn each_arrow_by_hand() {
        let g = 75.0;
        // required from n0 = 45 over 15 years = 2.0 points/yr.
        assert_eq!(
            arrow_between(45.0, 2015.0, 57.0, 2021.0, g, T),
            Trend::OnTrack
        ); // rate 2.0 = required
        assert_eq!(
            arrow_between(45.0, 2015.0, 56.94, 2021.0, g, T),
            Trend::ModeratelyImproving
        );
        assert_eq!(
            arrow_between(45.0, 2015.0, 51.0, 2021.0, g, T),
            Trend::ModeratelyImproving
        ); // 1.0 = half
        assert_eq!(
            arrow_between(45.0, 2015.0, 50.94, 2021.0, g, T),
            Trend::Stagnating
        );
        assert_eq!(
            arrow_between(45.0, 2015.0, 45.0, 2021.0, g, T),
            Trend::Stagnating
        );
        assert_eq!(
            arrow_between(45.0, 2015.0, 44.0, 2021.0, g, T),
            Trend::Decreasing
        );
    }

    #[test]
    fn achieved_and_maintaining() {
        let g = 75.0;
        // green now and not falling → on track, even when it started far below.
        assert_eq!(
            arrow_between(10.0, 2015.0, 80.0, 2021.0, g, T),
            Trend::OnTrack
        );
        assert_eq!(
            arrow_between(80.0, 2015.0, 80.0, 2021.0, g, T),
            Trend::OnTrack
        );
        // green at both ends and falling → stagnating, unless still faster than "required"
        // (negative here: (75 − 90)/15 = −1/yr).
        assert_eq!(
            arrow_between(90.0, 2015.0, 80.0, 2021.0, g, T),
            Trend::Stagnating
        );
        assert_eq!(
            arrow_between(90.0, 2015.0, 87.0, 2021.0, g, T),
            Trend::OnTrack
        );
        // fell out of green → decreasing.
        assert_eq!(
            arrow_between(80.0, 2015.0, 70.0, 2021.0, g, T),
            Trend::Decreasing
        );
    }

    #[test]
    fn unclipped_scores_keep_the_direction() {
        // Both ends below the lower bound: clipped they would both be 0 (stagnating).
        assert_eq!(
            arrow_between(-30.0, 2015.0, -5.0, 2021.0, 75.0, T),
            Trend::ModeratelyImproving
        );
        assert_eq!(
            arrow_between(-10.0, 2015.0, -30.0, 2021.0, 75.0, T),
            Trend::Decreasing
        );
    }

    #[test]
    fn window_and_missing() {
        let rule = TrendRule {
            green_score: 75.0,
            target_t: T,
            since_t: Some(2015.0),
        };
        let t = [2014.0, 2016.0, 2018.0, 2020.0];
        let n = [0.0, 45.0, 0.0, 55.0];
        // 2014 outside window, 2018 absent: from 45 (2016) to 55 (2020) = 2.5/yr ≥ (75−45)/14.
        let present = [true, true, false, true];
        assert_eq!(trend(&rule, &t, &n, &present), Trend::OnTrack);
        assert_eq!(
            trend(&rule, &t, &n, &[true, false, false, true]),
            Trend::NoData
        );
        assert_eq!(trend(&rule, &t, &n, &[false; 4]), Trend::NoData);
        let mut out = [Trend::OnTrack; 4];
        trend_history(&rule, &t, &n, &present, &mut out);
        assert_eq!(
            out,
            [Trend::NoData, Trend::NoData, Trend::NoData, Trend::OnTrack]
        );
    }

    #[test]
    fn labels() {
        assert_eq!(Trend::ModeratelyImproving.arrow(), "➚");
        assert_eq!(Trend::NoData.as_str(), "no_data");
    }
}

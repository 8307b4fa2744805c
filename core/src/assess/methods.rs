//! Which per-row monitoring methods a set of items declares: what decides which columns an
//! assessment table, a DataFrame or a scorecard carries.

use crate::model::Item;

/// Which per-row methods some of the items declare (deadline projections are per deadline and
/// not counted here).
///
/// ```
/// use ecociv::assess::methods::Methods;
/// let programme = ecociv::programme::builtin("baoshan-2017")?;
/// // Baoshan declares deadline projections only.
/// assert_eq!(Methods::declared_by(programme.items()), Methods::default());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Methods {
    /// Colour bands.
    pub bands: bool,
    /// Normalised scores.
    pub score: bool,
    /// Trend arrows.
    pub trend: bool,
    /// The Open SDG progress measure.
    pub progress: bool,
}

impl Methods {
    /// What some of `items` declare in their `assess` tables.
    #[must_use]
    pub fn declared_by<'a>(items: impl IntoIterator<Item = &'a Item>) -> Methods {
        let mut m = Methods::default();
        for a in items.into_iter().filter_map(|i| i.assess.as_ref()) {
            m.bands |= a.bands.is_some();
            m.score |= a.score.is_some();
            m.trend |= a.trend.is_some();
            m.progress |= a.progress.is_some();
        }
        m
    }
}

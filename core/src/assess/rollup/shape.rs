//! The inputs of the roll-ups: what each item declares ([`Declared`]) and which members form
//! each group ([`Shape`]).

/// What an item declares for the roll-ups: the methods it may contribute (a row whose item does
/// not apply contributes none), and the Open SDG sub-indicator group of its progress.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Declared<'a> {
    /// A score.
    pub score: bool,
    /// Bands (a colour).
    pub bands: bool,
    /// Progress.
    pub progress: bool,
    /// The progress sub-indicator group.
    pub sub_group: Option<&'a str>,
}

/// The shape of the roll-ups: which items form each indicator, which indicators each category.
pub(crate) struct Shape<'a> {
    /// Per indicator: its code and the evaluation's item indices of its items.
    pub indicators: Vec<(String, Vec<usize>)>,
    /// Per category: its name and its indicators' indices.
    pub categories: Vec<(String, Vec<usize>)>,
    /// The programme id.
    pub programme: String,
    /// Per evaluation item: what it declares, i.e. which runs [`roll_up`]'s `item` fills for it.
    ///
    /// [`roll_up`]: super::roll_up
    pub declared: Vec<Declared<'a>>,
}

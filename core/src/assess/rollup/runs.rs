//! The runs of cells the roll-ups fold, one per member and group over a block of regions
//! (every period of each): [`Member`], the run of one item that the caller fills; [`Runs`],
//! one worker's runs of every node; [`Span`], where a node's run lies in them.

use crate::assess::bands::Band;
use crate::assess::codes::{Code, NO_DATA, NOT_ASSESSED};
use crate::assess::progress::ProgressStatus;

/// One member's run of cells (a block of regions, every period of each) in the roll-ups'
/// columnar form. The caller of [`roll_up`] fills an item's run cell by cell, method by method
/// ([`Member::score`], [`Member::colour`], [`Member::progress`], branch-free); the groups' runs
/// have the same form: per cell, whether it declares a score and the score (NaN: none); the
/// band code ([`NOT_ASSESSED`]: no bands declared; grey: no colour) and the 0–4 position; the
/// progress code ([`NOT_ASSESSED`]: no progress declared; the target-achieved status code when
/// achieved) and the progress score (NaN: none).
///
/// [`roll_up`]: super::roll_up
pub(crate) struct Member<'s> {
    score: &'s mut [f64],
    scored: &'s mut [bool],
    band: &'s mut [i8],
    position: &'s mut [f64],
    progress: &'s mut [i8],
    progress_score: &'s mut [f64],
}

impl Member<'_> {
    /// The score at cell `t` (clipped to 0–100; NaN: none) of an item that declares one;
    /// nothing unless it `applies`.
    #[inline]
    pub fn score(&mut self, t: usize, applies: bool, score: f64) {
        self.scored[t] = applies;
        self.score[t] = if applies { score } else { f64::NAN };
    }

    /// The colour at cell `t` of an item that declares bands: its band code (0 red … 3
    /// green; any other code is grey) and 0–4 position; nothing unless it `applies`.
    #[inline]
    pub fn colour(&mut self, t: usize, applies: bool, band: i8, position: f64) {
        let band = if (0..=Band::Green.code()).contains(&band) {
            band
        } else {
            Band::Grey.code()
        };
        self.band[t] = if applies { band } else { NOT_ASSESSED };
        self.position[t] = if applies { position } else { f64::NAN };
    }

    /// The progress at cell `t` of an item that declares it: its progress score (none when
    /// not finite) and whether the target was achieved; nothing unless it `applies`.
    #[inline]
    pub fn progress(&mut self, t: usize, applies: bool, score: f64, achieved: bool) {
        let some = score.is_finite();
        let code = if some & achieved {
            ProgressStatus::TargetAchieved.code()
        } else {
            NO_DATA
        };
        self.progress[t] = if applies { code } else { NOT_ASSESSED };
        self.progress_score[t] = if applies & some { score } else { f64::NAN };
    }
}

/// Where the runs lie in a worker's columns: node `n`'s run is `cells` long from `n × stride`
/// (one block of regions, every period of each).
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    pub(super) stride: usize,
    pub(super) cells: usize,
}

impl Span {
    /// Node `node`'s run in `col`.
    #[inline]
    pub(super) fn of<T>(self, col: &[T], node: usize) -> &[T] {
        &col[node * self.stride..][..self.cells]
    }

    /// Node `node`'s run in `col`, to write.
    #[inline]
    pub(super) fn of_mut<T>(self, col: &mut [T], node: usize) -> &mut [T] {
        &mut col[node * self.stride..][..self.cells]
    }
}

/// One worker's runs at its current block of regions, one run per node: the items (in
/// [`Plan::slots`] order), then the indicators, the categories and the programme. A method that
/// a node never declares is never written, nor read.
///
/// [`Plan::slots`]: super::plan::Plan::slots
pub(super) struct Runs {
    pub(super) span: Span,
    pub(super) score: Vec<f64>,
    pub(super) scored: Vec<bool>,
    pub(super) band: Vec<i8>,
    pub(super) position: Vec<f64>,
    pub(super) progress: Vec<i8>,
    pub(super) progress_score: Vec<f64>,
}

impl Runs {
    pub(super) fn new(nodes: usize, stride: usize) -> Runs {
        let n = nodes * stride;
        Runs {
            span: Span {
                stride,
                cells: stride,
            },
            score: vec![f64::NAN; n],
            scored: vec![false; n],
            band: vec![NOT_ASSESSED; n],
            position: vec![f64::NAN; n],
            progress: vec![NOT_ASSESSED; n],
            progress_score: vec![f64::NAN; n],
        }
    }

    pub(super) fn member(&mut self, node: usize) -> Member<'_> {
        let span = self.span;
        Member {
            score: span.of_mut(&mut self.score, node),
            scored: span.of_mut(&mut self.scored, node),
            band: span.of_mut(&mut self.band, node),
            position: span.of_mut(&mut self.position, node),
            progress: span.of_mut(&mut self.progress, node),
            progress_score: span.of_mut(&mut self.progress_score, node),
        }
    }
}

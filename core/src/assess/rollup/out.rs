//! The result columns of the levels ([`RollUp`]) cut per worker and per group
//! ([`LevelPart`]), and one group's run of them ([`Out`]).

use super::RollUp;

/// One group's run of periods in its level's columns.
pub(super) struct Out<'o> {
    pub(super) score: &'o mut [f64],
    pub(super) band: &'o mut [i8],
    pub(super) position: &'o mut [f64],
    pub(super) progress: &'o mut [i8],
    pub(super) progress_score: &'o mut [f64],
}

impl Out<'_> {
    pub(super) fn reborrow(&mut self) -> Out<'_> {
        Out {
            score: self.score,
            band: self.band,
            position: self.position,
            progress: self.progress,
            progress_score: self.progress_score,
        }
    }
}

/// One worker's share of one level: per group, the cells of regions `r0..` (region-major).
pub(super) struct LevelPart<'s> {
    periods: usize,
    score: Vec<&'s mut [f64]>,
    band: Vec<&'s mut [i8]>,
    position: Vec<&'s mut [f64]>,
    progress: Vec<&'s mut [i8]>,
    progress_score: Vec<&'s mut [f64]>,
}

impl LevelPart<'_> {
    /// Group `g`'s cells of `cells` from the worker's `r`-th region on.
    pub(super) fn out(&mut self, g: usize, r: usize, cells: usize) -> Out<'_> {
        let at = r * self.periods;
        Out {
            score: &mut self.score[g][at..][..cells],
            band: &mut self.band[g][at..][..cells],
            position: &mut self.position[g][at..][..cells],
            progress: &mut self.progress[g][at..][..cells],
            progress_score: &mut self.progress_score[g][at..][..cells],
        }
    }
}

/// `col` (groups × regions × periods) cut per worker (region range `bounds[w]..bounds[w + 1]`)
/// and per group.
fn split<'s, T>(
    col: &'s mut [T],
    regions: usize,
    periods: usize,
    bounds: &[usize],
) -> Vec<Vec<&'s mut [T]>> {
    let workers = bounds.len() - 1;
    let mut out: Vec<Vec<&'s mut [T]>> = (0..workers).map(|_| Vec::new()).collect();
    for group in col.chunks_mut(regions * periods) {
        let mut rest = group;
        for (w, part) in out.iter_mut().enumerate() {
            let (head, tail) = rest.split_at_mut((bounds[w + 1] - bounds[w]) * periods);
            part.push(head);
            rest = tail;
        }
    }
    out
}

/// Every level's columns cut per worker.
pub(super) fn parts<'s>(level: &'s mut RollUp, bounds: &[usize]) -> Vec<LevelPart<'s>> {
    let (regions, periods) = (level.regions, level.periods);
    let mut score = split(&mut level.score, regions, periods, bounds).into_iter();
    let mut band = split(&mut level.band, regions, periods, bounds).into_iter();
    let mut position = split(&mut level.position, regions, periods, bounds).into_iter();
    let mut progress = split(&mut level.progress, regions, periods, bounds).into_iter();
    let mut progress_score = split(&mut level.progress_score, regions, periods, bounds).into_iter();
    (0..bounds.len() - 1)
        .filter_map(|_| {
            Some(LevelPart {
                periods,
                score: score.next()?,
                band: band.next()?,
                position: position.next()?,
                progress: progress.next()?,
                progress_score: progress_score.next()?,
            })
        })
        .collect()
}

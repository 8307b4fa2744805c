//! [`roll_up`]: the workers' split by region ranges, and each worker's roll-ups block of
//! regions by block — the items' runs, then the indicators, categories and programme, then the
//! programme's minimum-data rule over its indicators.

use super::acc::Acc;
use super::out::{LevelPart, parts};
use super::plan::Plan;
use super::runs::{Member, Runs};
use super::shape::Shape;
use super::{RollUp, RollUps};
use crate::assess::apply::workers;
use crate::assess::bands::Band;
use crate::assess::codes::Code;
use crate::model::AggregationSpec;

/// Below this many group cells the roll-ups stay on the calling thread.
const PARALLEL_CELLS: usize = 1 << 16;

/// Cells (regions × periods) rolled up together: each run of a member or group covers a block
/// of whole regions, about this many cells (the runs of one block stay in the cache, and the
/// item and group columns are read and written in long runs).
const BLOCK_CELLS: usize = 1024;

/// Rolls up every region × period. `item(k, regions, member)` fills the run of item `k` over
/// a block of `regions` (every period of each, region-major: the evaluation's rows in order),
/// for each method that `shape.declared[k]` declares ([`Member::score`], [`Member::colour`],
/// [`Member::progress`]; the caller knows the item columns, and reads each item's rows in one
/// go); it is not called for an item that declares none. Large inputs are split by region
/// ranges over up to `threads` (default: [`std::thread::available_parallelism`]) threads;
/// every cell is computed the same way.
pub(crate) fn roll_up<F>(
    shape: &Shape<'_>,
    spec: &AggregationSpec,
    regions: usize,
    periods: usize,
    threads: Option<usize>,
    item: F,
) -> RollUps
where
    F: Fn(usize, std::ops::Range<usize>, Member<'_>) + Sync,
{
    let names = |v: &[(String, Vec<usize>)]| v.iter().map(|(c, _)| c.clone()).collect();
    let mut out = RollUps {
        indicators: RollUp::new(names(&shape.indicators), regions, periods),
        categories: RollUp::new(names(&shape.categories), regions, periods),
        programme: RollUp::new(vec![shape.programme.clone()], regions, periods),
        composite: None,
    };
    if regions == 0 || periods == 0 {
        return out;
    }
    let plan = &Plan::new(shape, spec);
    let groups = shape.indicators.len() + shape.categories.len() + 1;
    let threads = workers(regions, groups * periods, PARALLEL_CELLS, threads);
    let bounds: Vec<usize> = (0..=threads).map(|w| w * regions / threads).collect();
    let mut work: Vec<_> = parts(&mut out.indicators, &bounds)
        .into_iter()
        .zip(parts(&mut out.categories, &bounds))
        .zip(parts(&mut out.programme, &bounds))
        .enumerate()
        .map(|(w, ((i, c), p))| (bounds[w]..bounds[w + 1], i, c, p))
        .collect();
    let item = &item;
    if work.len() == 1 {
        let (range, i, c, p) = work.pop().expect("one part");
        roll_up_regions(plan, spec, range, periods, item, i, c, p);
    } else {
        std::thread::scope(|scope| {
            for (range, i, c, p) in work {
                scope.spawn(move || roll_up_regions(plan, spec, range, periods, item, i, c, p));
            }
        });
    }
    out
}

/// The roll-ups of the regions in `range`, into their parts of the three levels.
#[allow(clippy::too_many_arguments)]
fn roll_up_regions<F>(
    plan: &Plan,
    spec: &AggregationSpec,
    range: std::ops::Range<usize>,
    periods: usize,
    item: &F,
    mut ind_out: LevelPart<'_>,
    mut cat_out: LevelPart<'_>,
    mut prog_out: LevelPart<'_>,
) where
    F: Fn(usize, std::ops::Range<usize>, Member<'_>),
{
    let block = (BLOCK_CELLS / periods).max(1);
    let mut runs = Runs::new(plan.nodes, block * periods);
    let mut acc = Acc::new(block * periods);
    // Per cell: the programme's indicators declaring a score, present; rated, coloured.
    let mut counts = vec![[0u32; 4]; block * periods];
    let r0 = range.start;
    for start in range.clone().step_by(block) {
        let regions = start..(start + block).min(range.end);
        let (r, p) = (start - r0, regions.len() * periods);
        runs.span.cells = p;
        for (slot, &(k, declares)) in plan.slots.iter().enumerate() {
            if declares {
                item(k, regions.clone(), runs.member(slot));
            }
        }
        for (g, group) in plan.indicators.iter().enumerate() {
            let out = ind_out.out(g, r, p);
            acc.combine(&mut runs, group, out, &plan.groups_enough, spec);
        }
        counts[..p].fill([0; 4]);
        for (g, group) in plan.categories.iter().enumerate() {
            let out = cat_out.out(g, r, p);
            acc.combine(&mut runs, group, out, &plan.groups_enough, spec);
            if plan.partition {
                acc.count(group, &mut counts[..p]);
            }
        }
        let mut out = prog_out.out(0, r, p);
        acc.combine(
            &mut runs,
            &plan.programme,
            out.reborrow(),
            &plan.any_enough,
            spec,
        );
        // The programme's minimum-data rule counts its indicators, not its categories.
        if !plan.partition {
            acc.fold_scores(&runs, &plan.scored);
            acc.rated(&runs, &plan.banded);
            for ((c, s), k) in counts[..p].iter_mut().zip(&acc.scores).zip(&acc.colours) {
                *c = [s.n, s.k, k.n, k.k];
            }
        }
        let rule = &plan.programme_enough;
        for (t, &[n, k, rated, coloured]) in counts[..p].iter().enumerate() {
            if n > 0 && !rule.holds(k, n) {
                out.score[t] = f64::NAN;
            }
            if rated > 0 && !rule.holds(coloured, rated) {
                out.band[t] = Band::Grey.code();
                out.position[t] = f64::NAN;
            }
        }
    }
}

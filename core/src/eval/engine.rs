//! One evaluation run: every item over whole region × period columns, then the verdicts,
//! bottom-up by depth for items that read children's verdicts.

use std::collections::HashMap;

use crate::expr::{Arith, Node};
use crate::model::{Attribute, Comparator};
use crate::panel::Panel;

use super::column::{self, Col, Pool, Tree};
use super::evaluation::Evaluation;
use super::plan::{Plan, PlanItem, ThresholdRule};
use super::{EvalError, EvalOptions};

/// What node evaluation reads.
struct Ctx<'a> {
    panel: &'a Panel,
    /// Programme metric index → panel metric index.
    metric_map: Vec<Option<usize>>,
    zeros: Vec<f64>,
    absent: Vec<bool>,
    present: Vec<bool>,
    tree: Tree,
    periods: usize,
}

fn eval_node<'a>(node: &Node, ctx: &'a Ctx<'_>, verdict: &'a [f64], pool: &mut Pool) -> Col<'a> {
    match node {
        Node::Const(c) => Col::Const(*c),
        Node::Metric(m) => match ctx.metric_map[*m] {
            Some(pm) => {
                let (v, p) = ctx.panel.metric_slice(pm);
                Col::Borrowed { v, p }
            }
            None => Col::Borrowed {
                v: &ctx.zeros,
                p: &ctx.absent,
            },
        },
        Node::Verdict => Col::Borrowed {
            v: verdict,
            p: &ctx.present,
        },
        Node::Neg(a) => column::map(eval_node(a, ctx, verdict, pool), pool, |x| -x),
        Node::Not(a) => column::map(eval_node(a, ctx, verdict, pool), pool, |x| {
            f64::from(u8::from(x == 0.0))
        }),
        Node::Arith(op, a, b) => {
            let (x, y) = (
                eval_node(a, ctx, verdict, pool),
                eval_node(b, ctx, verdict, pool),
            );
            match op {
                Arith::Add => column::zip(x, y, pool, |a, b| a + b),
                Arith::Sub => column::zip(x, y, pool, |a, b| a - b),
                Arith::Mul => column::zip(x, y, pool, |a, b| a * b),
                Arith::Div => column::zip(x, y, pool, |a, b| a / b),
            }
        }
        Node::Compare(c, a, b) => {
            let (x, y) = (
                eval_node(a, ctx, verdict, pool),
                eval_node(b, ctx, verdict, pool),
            );
            column::compare(*c, x, y, pool)
        }
        Node::And(a, b) => {
            let (x, y) = (
                eval_node(a, ctx, verdict, pool),
                eval_node(b, ctx, verdict, pool),
            );
            column::zip(x, y, pool, |a, b| f64::from(u8::from(a != 0.0 && b != 0.0)))
        }
        Node::Or(a, b) => {
            let (x, y) = (
                eval_node(a, ctx, verdict, pool),
                eval_node(b, ctx, verdict, pool),
            );
            column::zip(x, y, pool, |a, b| f64::from(u8::from(a != 0.0 || b != 0.0)))
        }
        Node::Lag(a, k) => column::lag(eval_node(a, ctx, verdict, pool), *k, ctx.periods, pool),
        Node::Window(w, a, n) => {
            column::window(*w, eval_node(a, ctx, verdict, pool), *n, ctx.periods, pool)
        }
        Node::Children(agg, a) => column::children(
            *agg,
            eval_node(a, ctx, verdict, pool),
            &ctx.tree,
            ctx.periods,
            pool,
        ),
    }
}

/// Materialises a constant column.
fn owned<'a>(c: Col<'a>, pool: &mut Pool) -> Col<'a> {
    match c {
        Col::Const(x) => {
            let mut v = pool.values();
            v.fill(x);
            let mut p = pool.presence();
            p.fill(true);
            Col::Owned { v, p }
        }
        other => other,
    }
}

/// Writes one region's statuses and values for one item.
#[inline]
fn write_region(
    ok: impl Fn(f64) -> bool,
    mv: &[f64],
    mp: &[bool],
    q: Option<(&[f64], &[bool])>,
    st: &mut [i8],
    val: &mut [f64],
) {
    match q {
        None => {
            for t in 0..st.len() {
                let (x, p) = (mv[t], mp[t]);
                st[t] = if p { i8::from(ok(x)) } else { -1 };
                val[t] = if p { x } else { f64::NAN };
            }
        }
        Some((qv, qp)) => {
            for t in 0..st.len() {
                let (x, p) = (mv[t], mp[t]);
                st[t] = if p && qp[t] {
                    i8::from(ok(x) && qv[t] != 0.0)
                } else {
                    -1
                };
                val[t] = if p { x } else { f64::NAN };
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn write_item_region(
    cmp: Comparator,
    lo: f64,
    hi: f64,
    mv: &[f64],
    mp: &[bool],
    q: Option<(&[f64], &[bool])>,
    st: &mut [i8],
    val: &mut [f64],
) {
    match cmp {
        Comparator::Ge => write_region(|x| x >= lo, mv, mp, q, st, val),
        Comparator::Gt => write_region(|x| x > lo, mv, mp, q, st, val),
        Comparator::Le => write_region(|x| x <= lo, mv, mp, q, st, val),
        Comparator::Lt => write_region(|x| x < lo, mv, mp, q, st, val),
        Comparator::Eq | Comparator::In => write_region(|x| x == lo, mv, mp, q, st, val),
        Comparator::Between => write_region(|x| lo <= x && x <= hi, mv, mp, q, st, val),
        Comparator::Holds => write_region(|x| x != 0.0, mv, mp, q, st, val),
    }
}

/// The region tree of a panel: parents (those in the panel), child counts and depths.
fn tree_of(panel: &Panel) -> Result<(Tree, Vec<u32>), EvalError> {
    let index: HashMap<&str, usize> = panel
        .regions
        .iter()
        .enumerate()
        .map(|(i, r)| (r.code.as_str(), i))
        .collect();
    let r = panel.regions.len();
    let parent: Vec<Option<usize>> = panel
        .regions
        .iter()
        .map(|reg| reg.parent.as_deref().and_then(|p| index.get(p).copied()))
        .collect();
    let mut children = vec![0u32; r];
    for q in parent.iter().flatten() {
        children[*q] += 1;
    }
    let mut depth = vec![u32::MAX; r];
    let mut path = Vec::new();
    for start in 0..r {
        let mut at = start;
        path.clear();
        while depth[at] == u32::MAX {
            path.push(at);
            if path.len() > r {
                return Err(EvalError::ParentCycle {
                    region: panel.regions[start].code.clone(),
                });
            }
            match parent[at] {
                Some(q) => at = q,
                None => break,
            }
        }
        let mut d = if depth[at] == u32::MAX {
            0
        } else {
            depth[at] + 1
        };
        if depth[at] == u32::MAX {
            // `at` is a root not yet assigned (it is the last on the path).
            path.pop();
            depth[at] = 0;
            d = 1;
        }
        for &n in path.iter().rev() {
            depth[n] = d;
            d += 1;
        }
    }
    Ok((Tree { parent, children }, depth))
}

/// Below this many cells (items × regions × periods) the items are evaluated on the calling
/// thread.
const PARALLEL_CELLS: usize = 1 << 18;

/// What every item's evaluation reads besides the plan: the panel context and the per item ×
/// region thresholds.
struct Cells<'c, 'p> {
    ctx: &'c Ctx<'p>,
    applies: &'c [bool],
    threshold: &'c [f64],
    threshold_max: &'c [f64],
    depth: &'c [u32],
}

impl Cells<'_, '_> {
    /// Writes item `k`'s statuses and values (`st`, `val`: its `R × P` rows), for every region
    /// or, with `only_depth`, for the regions at that depth of the region tree.
    #[allow(clippy::too_many_arguments)]
    fn item(
        &self,
        item: &PlanItem,
        k: usize,
        only_depth: Option<u32>,
        verdict_col: &[f64],
        st: &mut [i8],
        val: &mut [f64],
        pool: &mut Pool,
    ) {
        let ctx = self.ctx;
        let (np, nr) = (ctx.periods, self.depth.len());
        let m = owned(eval_node(&item.measure.node, ctx, verdict_col, pool), pool);
        let q = item
            .requires
            .as_ref()
            .map(|r| owned(eval_node(&r.node, ctx, verdict_col, pool), pool));
        let (mv, mp) = m.slices().expect("owned");
        let qs = q.as_ref().map(|c| c.slices().expect("owned"));
        for r in 0..nr {
            if only_depth.is_some_and(|d| self.depth[r] != d) {
                continue;
            }
            let (a, b) = (r * np, (r + 1) * np);
            if !self.applies[k * nr + r] {
                st[a..b].fill(-2);
                val[a..b].fill(f64::NAN);
                continue;
            }
            write_item_region(
                item.comparator,
                self.threshold[k * nr + r],
                self.threshold_max[k * nr + r],
                &mv[a..b],
                &mp[a..b],
                qs.map(|(v, p)| (&v[a..b], &p[a..b])),
                &mut st[a..b],
                &mut val[a..b],
            );
        }
        pool.recycle(m);
        if let Some(q) = q {
            pool.recycle(q);
        }
    }
}

/// Folds a binding item's statuses into the per region × period "some binding item fails" and
/// "some binding item is missing" flags (with `only_depth`, for that depth's regions only).
fn accumulate(
    st: &[i8],
    only_depth: Option<u32>,
    bind_fail: &mut [bool],
    bind_missing: &mut [bool],
    depth: &[u32],
    np: usize,
) {
    for (r, &d) in depth.iter().enumerate() {
        if only_depth.is_some_and(|want| want != d) {
            continue;
        }
        let rows = r * np..(r + 1) * np;
        for ((f, m), &s) in bind_fail[rows.clone()]
            .iter_mut()
            .zip(&mut bind_missing[rows.clone()])
            .zip(&st[rows])
        {
            *f |= s == 0;
            *m |= s == -1;
        }
    }
}

/// Runs a compiled plan over a panel.
pub(crate) fn run(
    plan: &Plan,
    panel: &Panel,
    options: &EvalOptions,
) -> Result<Evaluation, EvalError> {
    let (nr, np) = (panel.regions.len(), panel.periods.len());
    let n = nr * np;
    let expected = panel.metrics.len() * n;
    if panel.values.len() != expected || panel.present.len() != expected {
        return Err(EvalError::PanelShape {
            expected,
            values: panel.values.len(),
            present: panel.present.len(),
        });
    }
    let (tree, depth) = tree_of(panel)?;
    let ctx = Ctx {
        panel,
        metric_map: plan.metrics.iter().map(|m| panel.metric_index(m)).collect(),
        zeros: vec![0.0; n],
        absent: vec![false; n],
        present: vec![true; n],
        tree,
        periods: np,
    };
    let ni = plan.items.len();

    // Thresholds per item × region (NaN where not applicable or none).
    let mut threshold = vec![f64::NAN; ni * nr];
    let mut threshold_max = vec![f64::NAN; ni * nr];
    let mut applies = vec![false; ni * nr];
    for (k, item) in plan.items.iter().enumerate() {
        for (r, reg) in panel.regions.iter().enumerate() {
            if !item.applies_to.applies(reg.level, &reg.attributes) {
                continue;
            }
            let (lo, hi) = match &item.threshold {
                ThresholdRule::None => (f64::NAN, f64::NAN),
                ThresholdRule::Fixed { lo, hi } => (*lo, *hi),
                ThresholdRule::ByAttribute(t) => match t.value_for(&reg.attributes) {
                    Some(v) => (v, v),
                    None => continue, // no threshold for this region: not applicable
                },
            };
            applies[k * nr + r] = true;
            threshold[k * nr + r] = lo;
            threshold_max[k * nr + r] = hi;
        }
    }

    // Zeroed (calloc'd, huge-page) buffers: every cell is written below, each region of each
    // item once (an item that reads verdicts once per depth, for the regions at that depth).
    let mut status: Vec<i8> = crate::memory::zeroed(ni * n);
    let mut value: Vec<f64> = crate::memory::zeroed(ni * n);
    let mut bind_fail = vec![false; n];
    let mut bind_missing = vec![false; n];
    let cells = Cells {
        ctx: &ctx,
        applies: &applies,
        threshold: &threshold,
        threshold_max: &threshold_max,
        depth: &depth,
    };

    // Items that do not read verdicts are independent: spread over the available cores, each
    // worker with its own buffer pool, each item writing only its own rows.
    if n > 0 {
        let mut units: Vec<(usize, &mut [i8], &mut [f64])> = status
            .chunks_mut(n)
            .zip(value.chunks_mut(n))
            .enumerate()
            .filter(|(k, _)| !plan.items[*k].uses_verdict)
            .map(|(k, (st, val))| (k, st, val))
            .collect();
        let workers = if units.len() * n < PARALLEL_CELLS {
            1
        } else {
            options
                .threads
                .unwrap_or_else(|| {
                    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
                })
                .clamp(1, units.len())
        };
        if workers <= 1 {
            let mut pool = Pool::new(n);
            for (k, st, val) in &mut units {
                cells.item(&plan.items[*k], *k, None, &[], st, val, &mut pool);
            }
        } else {
            let queue = std::sync::Mutex::new(units.into_iter());
            std::thread::scope(|scope| {
                for _ in 0..workers {
                    scope.spawn(|| {
                        let mut pool = Pool::new(n);
                        loop {
                            let unit = queue
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner)
                                .next();
                            let Some((k, st, val)) = unit else { break };
                            cells.item(&plan.items[k], k, None, &[], st, val, &mut pool);
                        }
                    });
                }
            });
        }
        for (k, item) in plan.items.iter().enumerate() {
            if !item.uses_verdict && plan.info[k].attribute == Attribute::Binding {
                accumulate(
                    &status[k * n..(k + 1) * n],
                    None,
                    &mut bind_fail,
                    &mut bind_missing,
                    &depth,
                    np,
                );
            }
        }
    }
    let verdict_of = |f: bool, m: bool| -> i8 {
        if f {
            0
        } else if m {
            -1
        } else {
            1
        }
    };
    let mut verdict: Vec<i8> = bind_fail
        .iter()
        .zip(&bind_missing)
        .map(|(&f, &m)| verdict_of(f, m))
        .collect();
    if n > 0 && plan.items.iter().any(|it| it.uses_verdict) {
        // Items that read their children's verdicts: bottom-up, one depth at a time.
        let max_depth = depth.iter().copied().max().unwrap_or(0);
        let mut verdict_col = vec![0.0; n];
        let mut pool = Pool::new(n);
        for d in (0..=max_depth).rev() {
            for (c, &v) in verdict_col.iter_mut().zip(&verdict) {
                *c = f64::from(u8::from(v == 1));
            }
            for (k, item) in plan
                .items
                .iter()
                .enumerate()
                .filter(|(_, it)| it.uses_verdict)
            {
                let rows = k * n..(k + 1) * n;
                cells.item(
                    item,
                    k,
                    Some(d),
                    &verdict_col,
                    &mut status[rows.clone()],
                    &mut value[rows.clone()],
                    &mut pool,
                );
                if plan.info[k].attribute == Attribute::Binding {
                    accumulate(
                        &status[rows],
                        Some(d),
                        &mut bind_fail,
                        &mut bind_missing,
                        &depth,
                        np,
                    );
                }
            }
            for r in (0..nr).filter(|&r| depth[r] == d) {
                for i in r * np..(r + 1) * np {
                    verdict[i] = verdict_of(bind_fail[i], bind_missing[i]);
                }
            }
        }
    }

    let mut eval = Evaluation {
        regions: panel.regions.iter().map(|r| r.code.clone()).collect(),
        periods: panel.periods.clone(),
        items: plan.info.clone(),
        indicators: plan.indicators.clone(),
        conditions: plan.conditions.clone(),
        categories: plan.categories.clone(),
        status,
        value,
        threshold,
        threshold_max,
        verdict,
    };
    if options.regions.is_some() || options.periods.is_some() {
        eval = subset(eval, options)?;
    }
    Ok(eval)
}

/// Keeps only the requested regions and periods (in the order asked).
fn subset(e: Evaluation, options: &EvalOptions) -> Result<Evaluation, EvalError> {
    let rows: Vec<usize> = match &options.regions {
        None => (0..e.regions.len()).collect(),
        Some(codes) => {
            let index: HashMap<&str, usize> = e
                .regions
                .iter()
                .enumerate()
                .map(|(i, c)| (c.as_str(), i))
                .collect();
            codes
                .iter()
                .map(|c| {
                    index
                        .get(c.as_str())
                        .copied()
                        .ok_or_else(|| EvalError::UnknownRegion(c.clone()))
                })
                .collect::<Result<_, _>>()?
        }
    };
    let cols: Vec<usize> = match &options.periods {
        None => (0..e.periods.len()).collect(),
        Some(ps) => ps
            .iter()
            .map(|p| {
                e.periods
                    .iter()
                    .position(|q| q == p)
                    .ok_or(EvalError::UnknownPeriod(*p))
            })
            .collect::<Result<_, _>>()?,
    };
    let (nr, np, ni) = (e.regions.len(), e.periods.len(), e.items.len());
    let mut status = Vec::with_capacity(ni * rows.len() * cols.len());
    let mut value = Vec::with_capacity(status.capacity());
    let mut threshold = Vec::with_capacity(ni * rows.len());
    let mut threshold_max = Vec::with_capacity(ni * rows.len());
    for k in 0..ni {
        for &r in &rows {
            threshold.push(e.threshold[k * nr + r]);
            threshold_max.push(e.threshold_max[k * nr + r]);
            for &t in &cols {
                status.push(e.status[(k * nr + r) * np + t]);
                value.push(e.value[(k * nr + r) * np + t]);
            }
        }
    }
    let verdict = rows
        .iter()
        .flat_map(|&r| cols.iter().map(move |&t| (r, t)))
        .map(|(r, t)| e.verdict[r * np + t])
        .collect();
    Ok(Evaluation {
        regions: rows.iter().map(|&r| e.regions[r].clone()).collect(),
        periods: cols.iter().map(|&t| e.periods[t]).collect(),
        status,
        value,
        threshold,
        threshold_max,
        verdict,
        ..e
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Level, RegionDef};

    fn region(code: &str, parent: Option<&str>) -> RegionDef {
        RegionDef { parent: parent.map(Into::into), ..RegionDef::new(code, code, Level::County) }
    }

    #[test]
    fn depths_and_children() {
        let p = Panel::new(
            vec![
                region("c", Some("b")),
                region("a", None),
                region("b", Some("a")),
                region("x", Some("nowhere")),
            ],
            vec![],
            vec![],
        );
        let (tree, depth) = tree_of(&p).unwrap();
        assert_eq!(depth, vec![2, 0, 1, 0]);
        assert_eq!(tree.children, vec![0, 1, 1, 0]);
        assert_eq!(tree.parent, vec![Some(2), None, Some(1), None]);
    }

    #[test]
    fn parent_cycles_are_errors() {
        let p = Panel::new(
            vec![region("a", Some("b")), region("b", Some("a"))],
            vec![],
            vec![],
        );
        assert!(matches!(tree_of(&p), Err(EvalError::ParentCycle { .. })));
        let p = Panel::new(vec![region("a", Some("a"))], vec![], vec![]);
        assert!(matches!(tree_of(&p), Err(EvalError::ParentCycle { .. })));
    }
}

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

    // Zeroed (calloc'd) buffers: every cell is written below, each region of each item once
    // (an item that reads verdicts once per depth, for the regions at that depth).
    let mut status = vec![0i8; ni * n];
    let mut value = vec![0.0f64; ni * n];
    let mut bind_fail = vec![false; n];
    let mut bind_missing = vec![false; n];
    let mut pool = Pool::new(n);
    let mut verdict_col = vec![0.0; 0];

    let mut evaluate_item = |k: usize,
                             item: &PlanItem,
                             only_depth: Option<u32>,
                             verdict_col: &[f64],
                             bind_fail: &mut [bool],
                             bind_missing: &mut [bool],
                             pool: &mut Pool| {
        if n == 0 {
            return; // no cells (no regions or no periods): nothing to evaluate
        }
        let m = owned(eval_node(&item.measure.node, &ctx, verdict_col, pool), pool);
        let q = item
            .requires
            .as_ref()
            .map(|r| owned(eval_node(&r.node, &ctx, verdict_col, pool), pool));
        let (mv, mp) = m.slices().expect("owned");
        let qs = q.as_ref().map(|c| c.slices().expect("owned"));
        let binding = plan.info[k].attribute == Attribute::Binding;
        for r in 0..nr {
            if only_depth.is_some_and(|d| depth[r] != d) {
                continue;
            }
            let (a, b) = (r * np, (r + 1) * np);
            if !applies[k * nr + r] {
                status[k * n + a..k * n + b].fill(-2);
                value[k * n + a..k * n + b].fill(f64::NAN);
                continue;
            }
            let (lo, hi) = (threshold[k * nr + r], threshold_max[k * nr + r]);
            let st = &mut status[k * n + a..k * n + b];
            write_item_region(
                item.comparator,
                lo,
                hi,
                &mv[a..b],
                &mp[a..b],
                qs.map(|(v, p)| (&v[a..b], &p[a..b])),
                st,
                &mut value[k * n + a..k * n + b],
            );
            if binding {
                for ((f, mi), &s) in bind_fail[a..b]
                    .iter_mut()
                    .zip(&mut bind_missing[a..b])
                    .zip(st.iter())
                {
                    *f |= s == 0;
                    *mi |= s == -1;
                }
            }
        }
        pool.recycle(m);
        if let Some(q) = q {
            pool.recycle(q);
        }
    };

    for (k, item) in plan
        .items
        .iter()
        .enumerate()
        .filter(|(_, it)| !it.uses_verdict)
    {
        evaluate_item(
            k,
            item,
            None,
            &verdict_col,
            &mut bind_fail,
            &mut bind_missing,
            &mut pool,
        );
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
    if plan.items.iter().any(|it| it.uses_verdict) {
        let max_depth = depth.iter().copied().max().unwrap_or(0);
        verdict_col = vec![0.0; n];
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
                evaluate_item(
                    k,
                    item,
                    Some(d),
                    &verdict_col,
                    &mut bind_fail,
                    &mut bind_missing,
                    &mut pool,
                );
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

//! Whole-column kernels: every expression node is evaluated once over all region × period
//! cells, as a value column plus a presence column.

use crate::expr::{ChildAgg, Compare, Window};

/// A column of `R × P` cells (region-major, period fastest), or a constant.
pub(crate) enum Col<'a> {
    /// The same present value in every cell.
    Const(f64),
    /// A column borrowed from the panel (or from the verdict / empty columns).
    Borrowed { v: &'a [f64], p: &'a [bool] },
    /// A computed column (its buffers come from and return to a [`Pool`]).
    Owned { v: Vec<f64>, p: Vec<bool> },
}

impl Col<'_> {
    fn as_const(&self) -> Option<f64> {
        match self {
            Col::Const(c) => Some(*c),
            _ => None,
        }
    }

    /// Value and presence slices (`None` for a constant).
    pub fn slices(&self) -> Option<(&[f64], &[bool])> {
        match self {
            Col::Const(_) => None,
            Col::Borrowed { v, p } => Some((v, p)),
            Col::Owned { v, p } => Some((v, p)),
        }
    }
}

/// Recycled column buffers, so that an evaluation allocates a handful of columns, not one per
/// node.
pub(crate) struct Pool {
    n: usize,
    f: Vec<Vec<f64>>,
    b: Vec<Vec<bool>>,
}

impl Pool {
    pub fn new(n: usize) -> Pool {
        Pool {
            n,
            f: Vec::new(),
            b: Vec::new(),
        }
    }

    /// A value buffer of length `n` (contents unspecified).
    pub fn values(&mut self) -> Vec<f64> {
        self.f.pop().unwrap_or_else(|| vec![0.0; self.n])
    }

    /// A presence buffer of length `n` (contents unspecified).
    pub fn presence(&mut self) -> Vec<bool> {
        self.b.pop().unwrap_or_else(|| vec![false; self.n])
    }

    /// Returns a column's buffers to the pool.
    pub fn recycle(&mut self, c: Col<'_>) {
        if let Col::Owned { v, p } = c {
            self.f.push(v);
            self.b.push(p);
        }
    }

    /// A materialised copy of a constant.
    fn expand(&mut self, c: f64) -> (Vec<f64>, Vec<bool>) {
        let mut v = self.values();
        v.fill(c);
        let mut p = self.presence();
        p.fill(true);
        (v, p)
    }
}

/// `f(a)` element-wise; presence unchanged.
pub(crate) fn map<'a>(a: Col<'a>, pool: &mut Pool, f: impl Fn(f64) -> f64) -> Col<'a> {
    match a {
        Col::Const(x) => Col::Const(f(x)),
        Col::Owned { mut v, p } => {
            for x in &mut v {
                *x = f(*x);
            }
            Col::Owned { v, p }
        }
        Col::Borrowed { v: av, p: ap } => {
            let mut v = pool.values();
            for (o, &x) in v.iter_mut().zip(av) {
                *o = f(x);
            }
            let mut p = pool.presence();
            p.copy_from_slice(ap);
            Col::Owned { v, p }
        }
    }
}

/// `f(a, b)` element-wise; present where both are present.
pub(crate) fn zip<'a>(
    a: Col<'a>,
    b: Col<'a>,
    pool: &mut Pool,
    f: impl Fn(f64, f64) -> f64,
) -> Col<'a> {
    match (a.as_const(), b.as_const()) {
        (Some(x), Some(y)) => Col::Const(f(x, y)),
        (None, Some(y)) => map(a, pool, |x| f(x, y)),
        (Some(x), None) => map(b, pool, |y| f(x, y)),
        (None, None) => {
            // Reuse an owned operand's buffers when there is one.
            let (mut v, mut p) = match (&a, &b) {
                (Col::Owned { .. }, _) | (_, Col::Owned { .. }) => (Vec::new(), Vec::new()),
                _ => (pool.values(), pool.presence()),
            };
            match (a, b) {
                (
                    Col::Owned {
                        v: mut av,
                        p: mut ap,
                    },
                    b,
                ) => {
                    let (bv, bp) = b.slices().expect("not const");
                    for (x, &y) in av.iter_mut().zip(bv) {
                        *x = f(*x, y);
                    }
                    for (x, &y) in ap.iter_mut().zip(bp) {
                        *x &= y;
                    }
                    pool.recycle(b);
                    Col::Owned { v: av, p: ap }
                }
                (
                    a,
                    Col::Owned {
                        v: mut bv,
                        p: mut bp,
                    },
                ) => {
                    let (av, apr) = a.slices().expect("not const");
                    for (y, &x) in bv.iter_mut().zip(av) {
                        *y = f(x, *y);
                    }
                    for (y, &x) in bp.iter_mut().zip(apr) {
                        *y &= x;
                    }
                    Col::Owned { v: bv, p: bp }
                }
                (a, b) => {
                    let (av, ap) = a.slices().expect("not const");
                    let (bv, bp) = b.slices().expect("not const");
                    for ((o, &x), &y) in v.iter_mut().zip(av).zip(bv) {
                        *o = f(x, y);
                    }
                    for ((o, &x), &y) in p.iter_mut().zip(ap).zip(bp) {
                        *o = x & y;
                    }
                    Col::Owned {
                        v: std::mem::take(&mut v),
                        p: std::mem::take(&mut p),
                    }
                }
            }
        }
    }
}

/// A comparison as a 1.0 / 0.0 column.
pub(crate) fn compare<'a>(c: Compare, a: Col<'a>, b: Col<'a>, pool: &mut Pool) -> Col<'a> {
    match c {
        Compare::Lt => zip(a, b, pool, |x, y| f64::from(u8::from(x < y))),
        Compare::Le => zip(a, b, pool, |x, y| f64::from(u8::from(x <= y))),
        Compare::Gt => zip(a, b, pool, |x, y| f64::from(u8::from(x > y))),
        Compare::Ge => zip(a, b, pool, |x, y| f64::from(u8::from(x >= y))),
        Compare::Eq => zip(a, b, pool, |x, y| f64::from(u8::from(x == y))),
        Compare::Ne => zip(a, b, pool, |x, y| f64::from(u8::from(x != y))),
    }
}

/// The value `k` periods earlier within each region's row (absent before the first period).
pub(crate) fn lag<'a>(a: Col<'a>, k: usize, periods: usize, pool: &mut Pool) -> Col<'a> {
    let Some((av, ap)) = a.slices() else { return a };
    let mut v = pool.values();
    let mut p = pool.presence();
    let k = k.min(periods);
    for ((ov, op), (iv, ip)) in v
        .chunks_exact_mut(periods)
        .zip(p.chunks_exact_mut(periods))
        .zip(av.chunks_exact(periods).zip(ap.chunks_exact(periods)))
    {
        ov[..k].fill(0.0);
        op[..k].fill(false);
        ov[k..].copy_from_slice(&iv[..periods - k]);
        op[k..].copy_from_slice(&ip[..periods - k]);
    }
    pool.recycle(a);
    Col::Owned { v, p }
}

fn fold(w: Window, acc: f64, x: f64) -> f64 {
    match w {
        Window::Sum | Window::Mean => acc + x,
        Window::Min => {
            if x < acc {
                x
            } else {
                acc
            }
        }
        Window::Max => {
            if x > acc {
                x
            } else {
                acc
            }
        }
    }
}

/// A window function over the last `n` periods (current first, then backwards); present only
/// when all `n` are present and inside the panel.
pub(crate) fn window<'a>(
    w: Window,
    a: Col<'a>,
    n: usize,
    periods: usize,
    pool: &mut Pool,
) -> Col<'a> {
    #[allow(clippy::cast_precision_loss)] // n ≤ 1000
    let nf = n as f64;
    let finish = |s: f64| if w == Window::Mean { s / nf } else { s };
    let Some((av, ap)) = a.slices() else {
        let x = a.as_const().expect("const");
        let mut acc = x;
        for _ in 1..n {
            acc = fold(w, acc, x);
        }
        return Col::Const(finish(acc));
    };
    let mut v = pool.values();
    let mut p = pool.presence();
    for ((ov, op), (iv, ip)) in v
        .chunks_exact_mut(periods)
        .zip(p.chunks_exact_mut(periods))
        .zip(av.chunks_exact(periods).zip(ap.chunks_exact(periods)))
    {
        for t in 0..periods {
            if t + 1 < n {
                ov[t] = 0.0;
                op[t] = false;
                continue;
            }
            let mut acc = iv[t];
            let mut present = ip[t];
            for j in 1..n {
                acc = fold(w, acc, iv[t - j]);
                present &= ip[t - j];
            }
            ov[t] = finish(acc);
            op[t] = present;
        }
    }
    pool.recycle(a);
    Col::Owned { v, p }
}

/// The region tree as the engine needs it.
pub(crate) struct Tree {
    /// Parent region index of each region, if its parent is in the panel.
    pub parent: Vec<Option<usize>>,
    /// Number of children of each region.
    pub children: Vec<u32>,
}

/// `share` / `count` of a condition over each region's children.
pub(crate) fn children<'a>(
    agg: ChildAgg,
    cond: Col<'a>,
    tree: &Tree,
    periods: usize,
    pool: &mut Pool,
) -> Col<'a> {
    let cond = match cond {
        Col::Const(c) => {
            let (v, p) = pool.expand(c);
            Col::Owned { v, p }
        }
        other => other,
    };
    let (cv, cp) = cond.slices().expect("not const");
    let mut k = pool.values();
    k.fill(0.0);
    let mut missing = pool.presence();
    missing.fill(false);
    for (r, parent) in tree.parent.iter().enumerate() {
        let Some(q) = *parent else { continue };
        let (src_v, src_p) = (
            &cv[r * periods..(r + 1) * periods],
            &cp[r * periods..(r + 1) * periods],
        );
        let (dst_k, dst_m) = (
            &mut k[q * periods..(q + 1) * periods],
            &mut missing[q * periods..(q + 1) * periods],
        );
        for t in 0..periods {
            dst_k[t] += f64::from(u8::from(src_p[t] && src_v[t] != 0.0));
            dst_m[t] |= !src_p[t];
        }
    }
    pool.recycle(cond);
    // Turn `missing` into presence, and k into the share where asked.
    for (r, &n) in tree.children.iter().enumerate() {
        let (dk, dm) = (
            &mut k[r * periods..(r + 1) * periods],
            &mut missing[r * periods..(r + 1) * periods],
        );
        match agg {
            ChildAgg::Count => {
                for m in dm.iter_mut() {
                    *m = !*m;
                }
            }
            ChildAgg::Share if n == 0 => dm.fill(false),
            ChildAgg::Share => {
                let nf = f64::from(n);
                for (x, m) in dk.iter_mut().zip(dm.iter_mut()) {
                    // 100·k is exact; one correctly rounded division, so `>= 80` is `5k >= 4n`.
                    *x = 100.0 * *x / nf;
                    *m = !*m;
                }
            }
        }
    }
    Col::Owned { v: k, p: missing }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(v: &[f64], p: &[bool]) -> Col<'static> {
        Col::Owned {
            v: v.to_vec(),
            p: p.to_vec(),
        }
    }

    fn unpack(c: &Col<'_>) -> (Vec<f64>, Vec<bool>) {
        let (v, p) = c.slices().unwrap();
        (v.to_vec(), p.to_vec())
    }

    #[test]
    fn zip_ands_presence_and_keeps_order() {
        let mut pool = Pool::new(3);
        let a = owned(&[1.0, 2.0, 3.0], &[true, false, true]);
        let b = Col::Borrowed {
            v: &[10.0, 20.0, 30.0],
            p: &[true, true, false],
        };
        let c = zip(a, b, &mut pool, |x, y| x - y);
        assert_eq!(
            unpack(&c),
            (vec![-9.0, -18.0, -27.0], vec![true, false, false])
        );
        let b = Col::Borrowed {
            v: &[10.0, 20.0, 30.0],
            p: &[true, true, false],
        };
        let c = zip(Col::Const(100.0), b, &mut pool, |x, y| x / y);
        assert_eq!(unpack(&c).0, vec![10.0, 5.0, 100.0 / 30.0]);
    }

    #[test]
    fn lag_is_literal_and_window_needs_all() {
        let mut pool = Pool::new(8);
        // two regions × four periods; region 0 has a gap at t=1
        let v = [1.0, 2.0, 3.0, 4.0, 10.0, 20.0, 30.0, 40.0];
        let p = [true, false, true, true, true, true, true, true];
        let l = lag(Col::Borrowed { v: &v, p: &p }, 1, 4, &mut pool);
        let (lv, lp) = unpack(&l);
        assert_eq!(lp, vec![false, true, false, true, false, true, true, true]);
        assert_eq!(lv[3], 3.0);
        assert_eq!(lv[5], 10.0);
        let s = window(Window::Sum, Col::Borrowed { v: &v, p: &p }, 2, 4, &mut pool);
        let (sv, sp) = unpack(&s);
        assert_eq!(sp, vec![false, false, false, true, false, true, true, true]);
        assert_eq!(sv[3], 7.0);
        assert_eq!(sv[7], 70.0);
        let m = window(Window::Max, Col::Borrowed { v: &v, p: &p }, 3, 4, &mut pool);
        assert_eq!(unpack(&m).0[7], 40.0);
        let m = window(Window::Min, Col::Borrowed { v: &v, p: &p }, 3, 4, &mut pool);
        assert_eq!(unpack(&m).0[7], 20.0);
        let m = window(
            Window::Mean,
            Col::Borrowed { v: &v, p: &p },
            4,
            4,
            &mut pool,
        );
        assert_eq!(
            unpack(&m),
            (
                vec![0.0, 0.0, 0.0, 2.5, 0.0, 0.0, 0.0, 25.0],
                vec![false, false, false, false, false, false, false, true]
            )
        );
    }

    #[test]
    fn share_and_count_over_children() {
        // region 0 is the parent of 1..=5; one period.
        let tree = Tree {
            parent: vec![None, Some(0), Some(0), Some(0), Some(0), Some(0)],
            children: vec![5, 0, 0, 0, 0, 0],
        };
        let mut pool = Pool::new(6);
        let cond = owned(&[1.0, 1.0, 1.0, 1.0, 1.0, 0.0], &[true; 6]);
        let s = children(ChildAgg::Share, cond, &tree, 1, &mut pool);
        let (v, p) = unpack(&s);
        assert_eq!(v[0], 80.0);
        assert_eq!(p, vec![true, false, false, false, false, false]);
        let cond = owned(
            &[1.0, 1.0, 1.0, 1.0, 1.0, 0.0],
            &[true, true, true, true, true, false],
        );
        let c = children(ChildAgg::Count, cond, &tree, 1, &mut pool);
        let (v, p) = unpack(&c);
        assert_eq!((v[0], p[0]), (4.0, false));
        assert_eq!((v[1], p[1]), (0.0, true)); // no children: count 0
    }
}

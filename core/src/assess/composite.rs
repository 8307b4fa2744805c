//! Weighted composite indices: min–max, z-score or efficacy-coefficient (60–100) normalisation
//! of each column across units, then fixed or entropy weights.
//!
//! Layout: column-major like [`crate::Panel`] — column `j` (one item) of `n` units is
//! `values[j * n .. (j + 1) * n]`, with a presence mask of the same layout.
//!
//! Conventions where the literature differs (documented choices):
//! - a constant column (max = min) normalises to the best value (min–max 1, efficacy 100) and a
//!   z-score of 0; it carries no information, and its entropy weight is 0;
//! - z-scores use the sample standard deviation (n − 1), as R's `sd()` and COINr;
//! - entropy weights are computed from min–max values whatever the chosen normalisation;
//! - a unit's composite uses the weights of its present columns, renormalised to sum 1.

use crate::model::{Direction, Normalisation};

fn present_values<'a>(values: &'a [f64], present: &'a [bool]) -> impl Iterator<Item = f64> + 'a {
    values
        .iter()
        .zip(present)
        .filter(|(_, p)| **p)
        .map(|(v, _)| *v)
}

/// Normalises one column across units; absent cells stay absent (`out` 0.0).
///
/// ```
/// use ecociv::assess::composite::normalise;
/// use ecociv::model::{Direction, Normalisation};
/// let mut out = [0.0; 3];
/// normalise(Normalisation::Efficacy, Direction::Lower, &[1.0, 2.0, 3.0], &[true; 3], &mut out);
/// assert_eq!(out, [100.0, 80.0, 60.0]);
/// ```
///
/// # Panics
/// If the slices differ in length.
pub fn normalise(
    method: Normalisation,
    direction: Direction,
    values: &[f64],
    present: &[bool],
    out: &mut [f64],
) {
    assert!(
        values.len() == present.len() && values.len() == out.len(),
        "slice lengths differ"
    );
    let s = direction.sign();
    let (mut min, mut max, mut sum, mut n) = (f64::INFINITY, f64::NEG_INFINITY, 0.0, 0usize);
    for v in present_values(values, present) {
        min = min.min(v);
        max = max.max(v);
        sum += v;
        n += 1;
    }
    let range = max - min;
    let mean = if n > 0 { sum / n as f64 } else { 0.0 };
    let sd = if n > 1 {
        (present_values(values, present)
            .map(|v| (v - mean).powi(2))
            .sum::<f64>()
            / (n - 1) as f64)
            .sqrt()
    } else {
        0.0
    };
    for ((o, &v), &p) in out.iter_mut().zip(values).zip(present) {
        if !p {
            *o = 0.0;
            continue;
        }
        let mm = if range > 0.0 {
            if s > 0.0 {
                (v - min) / range
            } else {
                (max - v) / range
            }
        } else {
            1.0
        };
        *o = match method {
            Normalisation::Minmax => mm,
            Normalisation::Efficacy => 60.0 + 40.0 * mm,
            Normalisation::Zscore => {
                if sd > 0.0 {
                    s * (v - mean) / sd
                } else {
                    0.0
                }
            }
        };
    }
}

/// Entropy weights of `k` columns of `n` units (column-major), from min–max values in the
/// columns' better directions: `p = y / Σy`, `e = −Σ p ln p / ln m` (m present units),
/// `d = 1 − e`, `w = d / Σd`. Columns with fewer than two present units, or constant ones, get
/// `d = 0`; if every `d` is 0 the weights are equal.
///
/// # Panics
/// If `values`/`present` are not `directions.len() × n` long.
#[must_use]
pub fn entropy_weights(
    values: &[f64],
    present: &[bool],
    n: usize,
    directions: &[Direction],
) -> Vec<f64> {
    let k = directions.len();
    assert!(
        values.len() == k * n && present.len() == k * n,
        "matrix shape differs"
    );
    let mut y = vec![0.0; n];
    let mut d: Vec<f64> = Vec::with_capacity(k);
    for (j, dir) in directions.iter().enumerate() {
        let (v, p) = (&values[j * n..(j + 1) * n], &present[j * n..(j + 1) * n]);
        normalise(Normalisation::Minmax, *dir, v, p, &mut y);
        let m = p.iter().filter(|&&x| x).count();
        let total: f64 = present_values(&y, p).sum();
        if m < 2 || total <= 0.0 {
            d.push(0.0);
            continue;
        }
        let h: f64 = present_values(&y, p)
            .map(|yi| {
                let pi = yi / total;
                if pi > 0.0 { pi * pi.ln() } else { 0.0 }
            })
            .sum();
        let e = -h / (m as f64).ln();
        d.push((1.0 - e).max(0.0));
    }
    let sum: f64 = d.iter().sum();
    if sum > 0.0 {
        d.iter().map(|x| x / sum).collect()
    } else {
        vec![1.0 / k as f64; k]
    }
}

/// Weighted sum per unit of normalised columns, weights renormalised over each unit's present
/// columns; a unit with no present column (or zero total weight) is absent.
///
/// # Panics
/// If the shapes differ.
pub fn composite(
    normalised: &[f64],
    present: &[bool],
    n: usize,
    weights: &[f64],
    out: &mut [f64],
    out_present: &mut [bool],
) {
    let k = weights.len();
    assert!(
        normalised.len() == k * n && present.len() == k * n,
        "matrix shape differs"
    );
    assert!(
        out.len() == n && out_present.len() == n,
        "output length differs"
    );
    for u in 0..n {
        let (mut acc, mut wsum) = (0.0, 0.0);
        for (j, &w) in weights.iter().enumerate() {
            if present[j * n + u] {
                acc += w * normalised[j * n + u];
                wsum += w;
            }
        }
        out_present[u] = wsum > 0.0;
        out[u] = if wsum > 0.0 { acc / wsum } else { 0.0 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minmax_both_directions_and_missing() {
        let mut out = [9.0; 4];
        normalise(
            Normalisation::Minmax,
            Direction::Higher,
            &[2.0, 4.0, 0.0, 6.0],
            &[true, true, false, true],
            &mut out,
        );
        assert_eq!(out, [0.0, 0.5, 0.0, 1.0]);
        normalise(
            Normalisation::Minmax,
            Direction::Lower,
            &[2.0, 4.0, 0.0, 6.0],
            &[true, true, false, true],
            &mut out,
        );
        assert_eq!(out, [1.0, 0.5, 0.0, 0.0]);
        normalise(
            Normalisation::Efficacy,
            Direction::Higher,
            &[5.0, 5.0, 5.0, 5.0],
            &[true; 4],
            &mut out,
        );
        assert_eq!(out, [100.0; 4]);
    }

    #[test]
    fn zscore_sample_sd() {
        // mean 4, sample sd = sqrt(((−2)² + 0 + 2²)/2) = 2.
        let mut out = [0.0; 3];
        normalise(
            Normalisation::Zscore,
            Direction::Higher,
            &[2.0, 4.0, 6.0],
            &[true; 3],
            &mut out,
        );
        assert_eq!(out, [-1.0, 0.0, 1.0]);
        normalise(
            Normalisation::Zscore,
            Direction::Lower,
            &[2.0, 4.0, 6.0],
            &[true; 3],
            &mut out,
        );
        assert_eq!(out, [1.0, 0.0, -1.0]);
    }

    #[test]
    fn entropy_by_hand() {
        // Column 0: [0, 1, 2] → y = [0, .5, 1], p = [0, 1/3, 2/3],
        //   e = −(1/3 ln 1/3 + 2/3 ln 2/3)/ln 3 = 0.579380…, d = 0.420620.
        // Column 1: [1, 1, 2] → y = [0, 0, 1], p = [0, 0, 1], e = 0, d = 1.
        // Column 2: constant → d = 0.
        let v = [0.0, 1.0, 2.0, 1.0, 1.0, 2.0, 7.0, 7.0, 7.0];
        let w = entropy_weights(&v, &[true; 9], 3, &[Direction::Higher; 3]);
        let e0 = -((1.0f64 / 3.0) * (1.0f64 / 3.0).ln() + (2.0f64 / 3.0) * (2.0f64 / 3.0).ln())
            / 3f64.ln();
        let d0 = 1.0 - e0;
        assert!((w[0] - d0 / (d0 + 1.0)).abs() < 1e-12);
        assert!((w[1] - 1.0 / (d0 + 1.0)).abs() < 1e-12);
        assert!(w[2].abs() < 1e-12);
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        // All constant → equal weights.
        assert_eq!(
            entropy_weights(
                &[1.0, 1.0, 2.0, 2.0],
                &[true; 4],
                2,
                &[Direction::Higher; 2]
            ),
            [0.5, 0.5]
        );
    }

    #[test]
    fn composite_renormalises_over_present_columns() {
        // 2 columns × 2 units; unit 1 lacks column 1.
        let norm = [0.2, 0.8, 1.0, 0.0];
        let (mut out, mut p) = ([0.0; 2], [false; 2]);
        composite(
            &norm,
            &[true, true, true, false],
            2,
            &[0.25, 0.75],
            &mut out,
            &mut p,
        );
        assert!((out[0] - (0.25 * 0.2 + 0.75 * 1.0)).abs() < 1e-12);
        assert_eq!((out[1], p[1]), (0.8, true));
        composite(
            &norm,
            &[true, false, true, false],
            2,
            &[0.25, 0.75],
            &mut out,
            &mut p,
        );
        assert_eq!((out[1], p[1]), (0.0, false));
    }
}

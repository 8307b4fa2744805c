//! `exp` and `ln` written to vectorise: branch-free fdlibm algorithms (error below one ulp;
//! plain IEEE operations that Rust never fuses, so the same numbers on every machine and in
//! every build, scalar or SIMD), so that a loop that calls them over
//! a slice compiles to SIMD code, where the C library's scalar `exp` / `log` are opaque calls
//! made one value at a time.
//!
//! Every input gives the IEEE answer: `exp(NaN)` and `ln(x < 0)` are NaN, `exp` overflows to
//! `+∞` above ~709.78 and underflows through the subnormals to 0, `ln(0) = −∞`, `ln(+∞) = +∞`;
//! `exp(0) = 1` and `ln(1) = 0` exactly. The monitoring kernels ([`crate::assess`]) and the
//! per-period definitions they must equal both call these, so they agree bit for bit.
//!
//! ```
//! # use ecociv::math::{exp, ln};
//! assert_eq!(exp(0.0), 1.0);
//! assert_eq!(ln(1.0), 0.0);
//! assert!((exp(1.0) - std::f64::consts::E).abs() <= f64::EPSILON * 3.0);
//! assert!((ln(10.0) - std::f64::consts::LN_10).abs() <= f64::EPSILON * 3.0);
//! ```

/// `ln 2`, split so that `k · LN2_HI` is exact for the `k` used here (its low 32 bits are 0).
const LN2_HI: f64 = 0.6931471803691238;
/// `ln 2 − LN2_HI`.
const LN2_LO: f64 = 1.9082149292705877e-10;

/// `e^x`, within one ulp (fdlibm's `e_exp.c`: `x = k·ln 2 + r`, `|r| ≤ ln 2 / 2`, a rational
/// approximation of `e^r`, then `2^k` in two exact steps so that the subnormal results are
/// rounded once).
#[inline]
#[must_use]
pub fn exp(x: f64) -> f64 {
    const LOG2E: f64 = std::f64::consts::LOG2_E;
    // 1.5 · 2^52: adding it rounds to an integer held in the low bits of the sum.
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    const P1: f64 = 0.16666666666666602;
    const P2: f64 = -0.0027777777777015593;
    const P3: f64 = 6.613756321437934e-5;
    const P4: f64 = -1.6533902205465252e-6;
    const P5: f64 = 4.1381367970572385e-8;
    // Beyond these the result is +∞ or 0 anyway; NaN stays NaN.
    let x = x.clamp(-746.0, 710.0);
    let kd = x * LOG2E + SHIFT;
    let k = (kd.to_bits() as i64).wrapping_sub(SHIFT.to_bits() as i64);
    let kf = kd - SHIFT;
    let hi = x - kf * LN2_HI;
    let lo = kf * LN2_LO;
    let r = hi - lo;
    let t = r * r;
    let c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    // 2^k as 2^(k/2) · 2^(k − k/2): both factors normal for every k reached (−1077…1025).
    let k1 = k >> 1;
    let k2 = k.wrapping_sub(k1);
    let s1 = f64::from_bits((k1.wrapping_add(1023) as u64) << 52);
    let s2 = f64::from_bits((k2.wrapping_add(1023) as u64) << 52);
    y * s1 * s2
}

/// `ln x`, within one ulp (fdlibm's `e_log.c` as in musl: `x = 2^k · m`, `m` in
/// `[√2/2, √2)`, `ln m` from `s = f/(2 + f)` with `f = m − 1` and a polynomial in `s²`).
#[inline]
#[must_use]
pub fn ln(x: f64) -> f64 {
    const LG1: f64 = 0.6666666666666735;
    const LG2: f64 = 0.3999999999940942;
    const LG3: f64 = 0.2857142874366239;
    const LG4: f64 = 0.22222198432149784;
    const LG5: f64 = 0.1818357216161805;
    const LG6: f64 = 0.15313837699209373;
    const LG7: f64 = 0.14798198605116586;
    /// 2^54: brings a subnormal into the normal range.
    const TWO54: f64 = 18_014_398_509_481_984.0;
    let subnormal = x < f64::MIN_POSITIVE;
    let xs = if subnormal { x * TWO54 } else { x };
    let k0: i32 = if subnormal { -54 } else { 0 };
    let ix = xs.to_bits();
    // The exponent, with the mantissa moved into [√2/2, √2) (0x3fe6a09e: √2/2's high word).
    let hx = ((ix >> 32) as u32).wrapping_add(0x3ff0_0000 - 0x3fe6_a09e);
    let k = k0 + ((hx >> 20) as i32) - 0x3ff;
    let hm = (hx & 0x000f_ffff) + 0x3fe6_a09e;
    let m = f64::from_bits((u64::from(hm) << 32) | (ix & 0xffff_ffff));
    let f = m - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r = t2 + t1;
    let dk = f64::from(k);
    let y = s * (hfsq + r) + dk * LN2_LO - hfsq + f + dk * LN2_HI;
    if x > 0.0 && x < f64::INFINITY {
        y
    } else if x == 0.0 {
        f64::NEG_INFINITY
    } else if x == f64::INFINITY {
        x
    } else {
        f64::NAN // x < 0 or NaN
    }
}

/// Work to run compiled for wide vectors ([`wide`]). Implementations mark `run`
/// `#[inline(always)]`, so that its code (and the [`exp`] / [`ln`] it calls) is compiled into
/// [`wide`]'s AVX2 function rather than called from it.
pub trait Wide {
    /// What the work returns.
    type Output;
    /// Does the work.
    fn run(self) -> Self::Output;
}

/// Runs `work` compiled for the widest vectors this CPU offers: on x86-64 with AVX2 (checked
/// at run time by the standard library, which caches the answer), the loops of `work` use
/// 256-bit registers — four `f64` per instruction instead of the baseline's two. The numbers
/// are the same either way ([`exp`] and [`ln`] use no fused operations).
#[inline]
pub fn wide<W: Wide>(work: W) -> W::Output {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        return x86::avx2(work);
    }
    work.run()
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86 {
    use super::Wide;

    /// `work` compiled with AVX2.
    #[inline]
    pub(super) fn avx2<W: Wide>(work: W) -> W::Output {
        #[target_feature(enable = "avx2")]
        fn run<W: Wide>(work: W) -> W::Output {
            work.run()
        }
        // SAFETY: the only caller, `wide`, has checked that the CPU supports AVX2, the one
        // requirement of calling a `#[target_feature(enable = "avx2")]` function.
        unsafe { run(work) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The distance in ulps between two finite doubles of the same sign (0 when equal).
    fn ulps(a: f64, b: f64) -> u64 {
        if a == b || (a.is_nan() && b.is_nan()) {
            return 0;
        }
        assert_eq!(a.is_sign_negative(), b.is_sign_negative(), "{a} vs {b}");
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    /// A deterministic spread of doubles (xorshift), mapped into [lo, hi).
    fn spread(n: usize, lo: f64, hi: f64) -> impl Iterator<Item = f64> {
        let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
        (0..n).map(move |_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            lo + (hi - lo) * ((s >> 11) as f64 / (1u64 << 53) as f64)
        })
    }

    #[test]
    fn exp_within_one_ulp_of_the_c_library() {
        let mut worst = (0, 0.0);
        for x in spread(400_000, -745.0, 709.7)
            .chain(spread(200_000, -1.0, 1.0))
            .chain(spread(100_000, -1e-6, 1e-6))
        {
            let d = ulps(exp(x), x.exp());
            if d > worst.0 {
                worst = (d, x);
            }
        }
        assert!(worst.0 <= 1, "exp: {} ulps at {}", worst.0, worst.1);
    }

    #[test]
    fn ln_within_one_ulp_of_the_c_library() {
        let mut worst = (0, 0.0);
        for x in spread(300_000, 1e-300, 1e300)
            .chain(spread(200_000, 0.5, 2.0))
            .chain(spread(100_000, 0.999_999, 1.000_001))
            .chain(spread(100_000, 1e-3, 1e7))
            .chain(spread(20_000, 4.9e-324, 2.3e-308))
        {
            let d = ulps(ln(x), x.ln());
            if d > worst.0 {
                worst = (d, x);
            }
        }
        assert!(worst.0 <= 1, "ln: {} ulps at {}", worst.0, worst.1);
    }

    #[test]
    fn special_values() {
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-0.0), 1.0);
        assert!(exp(f64::NAN).is_nan());
        assert_eq!(exp(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
        assert_eq!(exp(709.79), f64::INFINITY);
        assert_eq!(exp(-746.0), 0.0);
        assert!(exp(709.78).is_finite());
        assert_eq!(exp(-745.1), f64::from_bits(1), "the smallest subnormal");
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert_eq!(ln(-0.0), f64::NEG_INFINITY);
        assert!(ln(-1.0).is_nan());
        assert!(ln(f64::NAN).is_nan());
        assert_eq!(ln(f64::INFINITY), f64::INFINITY);
        assert_eq!(ln(f64::MAX), f64::MAX.ln());
        assert_eq!(ln(f64::from_bits(1)), f64::from_bits(1).ln());
        for k in -1074..1024 {
            let x = 2f64.powi(k);
            assert_eq!(ulps(ln(x), x.ln()), 0, "ln 2^{k}");
        }
    }

    /// A loop of both over a slice, for [`wide`].
    struct Both<'a> {
        xs: &'a [f64],
        e: &'a mut [f64],
        l: &'a mut [f64],
    }

    impl Wide for Both<'_> {
        type Output = ();

        #[inline(always)]
        fn run(self) {
            for (i, &x) in self.xs.iter().enumerate() {
                self.e[i] = exp(x);
                self.l[i] = ln(self.e[i]);
            }
        }
    }

    #[test]
    fn a_loop_of_them_equals_the_calls_one_by_one() {
        // What the kernels rely on: a vectorised loop (with AVX2 where the CPU has it) gives
        // each call's own bits.
        let xs: Vec<f64> = spread(1000, -5.0, 5.0)
            .chain([0.0, -745.1, 709.78, 1e-300, f64::NAN])
            .collect();
        let (mut e, mut l) = (vec![0.0; xs.len()], vec![0.0; xs.len()]);
        wide(Both {
            xs: &xs,
            e: &mut e,
            l: &mut l,
        });
        for i in 0..xs.len() {
            assert_eq!(e[i].to_bits(), exp(std::hint::black_box(xs[i])).to_bits());
            assert_eq!(l[i].to_bits(), ln(std::hint::black_box(e[i])).to_bits());
        }
    }
}

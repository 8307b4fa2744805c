//! The current-series block: the resolved series of every region for one (metric, frequency),
//! in one blob, so that a panel read is one large read per metric.
//!
//! Layout (little-endian):
//!
//! ```text
//! [regions u32][values u32][lo i64][hi i64]                       header, 24 bytes
//! regions × [region u32][first i64][n u32][present u32][offset u32]  one entry per region, 24 bytes,
//!                                                                  ascending by region id
//! values × f64                                                     each region's n values back to
//!                                                                  back from its offset; absent = 0.0
//! ceil(values / 8) bytes                                           presence, bit k ↔ value k
//! ```
//!
//! A region's segment holds ordinals `first .. first + n`, trimmed so that its first and last
//! values are present; `present` counts its present values (`present == n`: no gaps, so a
//! reader can skip the bits). `lo`/`hi` are the smallest first and largest last ordinal.

/// One region's resolved series: `values[i]` is ordinal `first + i`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Segment {
    /// Region id.
    pub region: u32,
    /// Ordinal of `values[0]`.
    pub first: i64,
    /// The values (`None`: absent).
    pub values: Vec<Option<f64>>,
}

const HEADER: usize = 24;
const ENTRY: usize = 24;

/// Encodes segments (ascending by region id); each is trimmed to its present ends and dropped
/// when it has no value. `None` when no segment has a value.
///
/// When padding every region from the smallest to the largest id to the whole range `lo ..= hi`
/// costs at most half as many cells again, the block is written padded: one dense
/// region × period matrix (absent cells 0.0 with their bit clear), which readers copy whole.
pub(crate) fn encode(segments: &[Segment]) -> Option<Vec<u8>> {
    let mut kept: Vec<(u32, i64, &[Option<f64>])> = Vec::with_capacity(segments.len());
    for s in segments {
        let (Some(a), Some(b)) = (s.values.iter().position(Option::is_some), s.values.iter().rposition(Option::is_some)) else {
            continue;
        };
        kept.push((s.region, s.first + a as i64, &s.values[a..=b]));
    }
    debug_assert!(kept.is_sorted_by_key(|k| k.0));
    let lo = kept.iter().map(|k| k.1).min()?;
    let hi = kept.iter().map(|k| k.1 + k.2.len() as i64 - 1).max()?;
    let trimmed: u64 = kept.iter().map(|k| k.2.len() as u64).sum();
    let (r0, r1) = (kept.first()?.0, kept.last()?.0);
    let dense_cells = (u64::from(r1 - r0) + 1).saturating_mul(u64::try_from(hi - lo + 1).ok()?);
    let dense = dense_cells * 2 <= trimmed * 3 && dense_cells <= u64::from(u32::MAX);
    // (region, first, n, the stored values it is cut from: (their first ordinal, values))
    type Out<'s> = (u32, i64, usize, Option<(i64, &'s [Option<f64>])>);
    let out_segments: Vec<Out<'_>> = if dense {
        let span = (hi - lo + 1) as usize;
        let mut next = kept.iter().peekable();
        (r0..=r1).map(|r| (r, lo, span, next.next_if(|k| k.0 == r).map(|k| (k.1, k.2)))).collect()
    } else {
        kept.iter().map(|k| (k.0, k.1, k.2.len(), Some((k.1, k.2)))).collect()
    };
    let value = |(_, first, _, src): &Out<'_>, i: usize| -> Option<f64> {
        let (f0, vals) = (*src)?;
        let at = usize::try_from(first + i as i64 - f0).ok()?;
        vals.get(at).copied().flatten()
    };
    let total: usize = out_segments.iter().map(|o| o.2).sum();
    let total32 = u32::try_from(total).ok()?;
    let mut out = Vec::with_capacity(HEADER + ENTRY * out_segments.len() + total * 8 + total.div_ceil(8));
    out.extend_from_slice(&(out_segments.len() as u32).to_le_bytes());
    out.extend_from_slice(&total32.to_le_bytes());
    out.extend_from_slice(&lo.to_le_bytes());
    out.extend_from_slice(&hi.to_le_bytes());
    let mut offset = 0u32;
    for o in &out_segments {
        let present = (0..o.2).filter(|i| value(o, *i).is_some()).count() as u32;
        out.extend_from_slice(&o.0.to_le_bytes());
        out.extend_from_slice(&o.1.to_le_bytes());
        out.extend_from_slice(&(o.2 as u32).to_le_bytes());
        out.extend_from_slice(&present.to_le_bytes());
        out.extend_from_slice(&offset.to_le_bytes());
        offset += o.2 as u32;
    }
    let mut bits = vec![0u8; total.div_ceil(8)];
    let mut k = 0;
    for o in &out_segments {
        for i in 0..o.2 {
            let v = value(o, i);
            out.extend_from_slice(&v.unwrap_or(0.0).to_le_bytes());
            if v.is_some() {
                bits[k / 8] |= 1 << (k % 8);
            }
            k += 1;
        }
    }
    out.extend_from_slice(&bits);
    Some(out)
}

/// About how many stored values a chunk holds before the next region starts a new one (with
/// padding, at most half as many again): ~320 KiB of values.
const CHUNK_VALUES: usize = 40_000;

/// Encodes segments (ascending by region id) as consecutive chunks of whole segments, each a
/// block of about [`CHUNK_VALUES`] values; empty when no segment has a value.
pub(crate) fn encode_chunks(segments: &[Segment]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let (mut start, mut values) = (0, 0);
    for (i, s) in segments.iter().enumerate() {
        values += s.values.len();
        if values >= CHUNK_VALUES || i + 1 == segments.len() {
            out.extend(encode(&segments[start..=i]));
            (start, values) = (i + 1, 0);
        }
    }
    out
}

/// One region's entry in a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Region id.
    pub region: u32,
    /// Ordinal of the first value.
    pub first: i64,
    /// Number of values.
    pub n: usize,
    /// Number of present values.
    pub present: usize,
    /// Index of the first value in the block's value array.
    pub offset: usize,
}

impl Entry {
    /// The ordinal of the last value.
    pub(crate) fn last(&self) -> i64 {
        self.first + self.n as i64 - 1
    }
}

/// A validated view of a block.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Block<'a> {
    regions: usize,
    /// Smallest first ordinal.
    pub lo: i64,
    /// Largest last ordinal.
    pub hi: i64,
    entries: &'a [u8],
    values: &'a [u8],
    bits: &'a [u8],
    /// Every segment spans `lo ..= hi` and the region ids are consecutive: the values are one
    /// dense region × period matrix.
    dense: bool,
    /// Every value is present.
    full: bool,
}

/// Each byte's eight presence bits as `bool`s, least significant first.
const BITS: [[bool; 8]; 256] = {
    let mut t = [[false; 8]; 256];
    let mut b = 0;
    while b < 256 {
        let mut i = 0;
        while i < 8 {
            t[b][i] = (b >> i) & 1 != 0;
            i += 1;
        }
        b += 1;
    }
    t
};

#[inline]
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

#[inline]
fn i64_at(b: &[u8], at: usize) -> i64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    i64::from_le_bytes(a)
}

/// Checks and views a block; `None` when the bytes are malformed (sizes, offsets, counts or
/// order of regions inconsistent).
pub(crate) fn view(b: &[u8]) -> Option<Block<'_>> {
    if b.len() < HEADER {
        return None;
    }
    let regions = u32_at(b, 0) as usize;
    let total = u32_at(b, 4) as usize;
    let (lo, hi) = (i64_at(b, 8), i64_at(b, 16));
    let values_at = HEADER.checked_add(regions.checked_mul(ENTRY)?)?;
    let bits_at = values_at.checked_add(total.checked_mul(8)?)?;
    if b.len() != bits_at.checked_add(total.div_ceil(8))? {
        return None;
    }
    let mut block =
        Block { regions, lo, hi, entries: &b[HEADER..values_at], values: &b[values_at..bits_at], bits: &b[bits_at..], dense: false, full: false };
    let mut prev: Option<u32> = None;
    let mut offset = 0usize;
    let mut dense = true;
    let mut full = true;
    for i in 0..regions {
        let e = block.entry(i);
        if e.n == 0 || e.present > e.n || e.offset != offset || prev.is_some_and(|p| p >= e.region) || e.first < lo || e.last() > hi {
            return None;
        }
        dense &= e.first == lo && e.last() == hi && prev.is_none_or(|p| p + 1 == e.region);
        full &= e.present == e.n;
        offset += e.n;
        prev = Some(e.region);
    }
    block.dense = dense;
    block.full = full;
    (offset == total).then_some(block)
}

impl<'a> Block<'a> {
    /// Number of regions.
    pub(crate) fn len(&self) -> usize {
        self.regions
    }

    /// Whether the block is one dense matrix: consecutive region ids from `entry(0).region`,
    /// each with a segment spanning `lo ..= hi` (absent values allowed).
    pub(crate) fn is_dense(&self) -> bool {
        self.dense
    }

    /// The `i`-th entry (`i < len()`).
    #[inline]
    pub(crate) fn entry(&self, i: usize) -> Entry {
        let at = i * ENTRY;
        let e = self.entries;
        Entry {
            region: u32_at(e, at),
            first: i64_at(e, at + 4),
            n: u32_at(e, at + 12) as usize,
            present: u32_at(e, at + 16) as usize,
            offset: u32_at(e, at + 20) as usize,
        }
    }

    /// Every entry, ascending by region id.
    pub(crate) fn entries(&self) -> impl Iterator<Item = Entry> + '_ {
        (0..self.regions).map(|i| self.entry(i))
    }

    fn bit(&self, k: usize) -> bool {
        self.bits[k / 8] >> (k % 8) & 1 != 0
    }

    /// The decoded segment of an entry.
    pub(crate) fn segment(&self, e: &Entry) -> Segment {
        let values = (e.offset..e.offset + e.n)
            .map(|k| self.bit(k).then(|| f64::from_le_bytes(self.value_bytes(k))))
            .collect();
        Segment { region: e.region, first: e.first, values }
    }

    fn value_bytes(&self, k: usize) -> [u8; 8] {
        let mut a = [0u8; 8];
        a.copy_from_slice(&self.values[k * 8..k * 8 + 8]);
        a
    }

    /// Copies every value of the block in storage order (for a [dense](Block::is_dense) block:
    /// region-major over `lo ..= hi`) into `values`, and their presence into `present` (both
    /// as long as the block).
    pub(crate) fn copy_all(&self, values: &mut [f64], present: &mut [bool]) {
        for (d, c) in values.iter_mut().zip(self.values.chunks_exact(8)) {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            *d = f64::from_le_bytes(a);
        }
        if self.full {
            present.fill(true);
            return;
        }
        let k0 = present.len() / 8 * 8;
        let mut chunks = present.chunks_exact_mut(8);
        for (dst, b) in (&mut chunks).zip(self.bits) {
            dst.copy_from_slice(&BITS[*b as usize]);
        }
        for (i, p) in chunks.into_remainder().iter_mut().enumerate() {
            *p = self.bit(k0 + i);
        }
    }

    /// Copies the values at indices `start .. start + values.len()` of an entry's segment into
    /// `values` (absent ones as 0.0) and their presence into `present` (same length). The
    /// range must lie within the segment.
    pub(crate) fn copy_into(&self, e: &Entry, start: usize, values: &mut [f64], present: &mut [bool]) {
        let k0 = e.offset + start;
        let src = &self.values[k0 * 8..(k0 + values.len()) * 8];
        for (d, c) in values.iter_mut().zip(src.chunks_exact(8)) {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            *d = f64::from_le_bytes(a);
        }
        if e.present == e.n {
            present.fill(true);
        } else {
            for (i, p) in present.iter_mut().enumerate() {
                *p = self.bit(k0 + i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(region: u32, first: i64, values: &[Option<f64>]) -> Segment {
        Segment { region, first, values: values.to_vec() }
    }

    #[test]
    fn round_trips_trims_and_drops_empty_segments() {
        let gappy: Vec<Option<f64>> = (0..37).map(|i| (i % 5 != 2 && i % 11 != 7).then(|| f64::from(i) * 1.25)).collect();
        let full: Vec<Option<f64>> = (0..13).map(|i| Some(f64::from(i) - 3.5)).collect();
        let segs = vec![
            seg(0, 2000, &[None, Some(1.0), None, Some(3.0), None, None, Some(9.0), None]),
            seg(3, 1990, &[None, None]),
            seg(4, -4, &gappy),
            seg(9, 2010, &full),
        ];
        let b = encode(&segs).unwrap();
        let v = view(&b).unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!((v.lo, v.hi), (-4, 2022));
        let got: Vec<Segment> = v.entries().map(|e| v.segment(&e)).collect();
        assert_eq!(got[0], seg(0, 2001, &[Some(1.0), None, Some(3.0), None, None, Some(9.0)]));
        assert_eq!(got[1], seg(4, -4, &gappy[..gappy.iter().rposition(Option::is_some).unwrap() + 1]));
        assert_eq!(got[2], seg(9, 2010, &full));
        assert_eq!(v.entry(2).present, 13);
        // Bulk copies agree with the decoded segments from every start and length.
        for e in v.entries() {
            let s = v.segment(&e);
            for start in 0..e.n {
                for len in 0..=e.n - start {
                    let (mut vals, mut pres) = (vec![f64::NAN; len], vec![false; len]);
                    v.copy_into(&e, start, &mut vals, &mut pres);
                    for k in 0..len {
                        assert_eq!(pres[k], s.values[start + k].is_some());
                        assert_eq!(vals[k], s.values[start + k].unwrap_or(0.0));
                    }
                }
            }
        }
        assert!(!v.is_dense());
        assert!(encode(&[seg(1, 0, &[None])]).is_none());
        assert!(encode(&[]).is_none());
    }

    /// Every value and its presence, through `copy_all`.
    fn all(v: &Block<'_>) -> (Vec<f64>, Vec<bool>) {
        let total = v.entries().map(|e| e.n).sum();
        let (mut vals, mut pres) = (vec![f64::NAN; total], vec![false; total]);
        v.copy_all(&mut vals, &mut pres);
        (vals, pres)
    }

    /// The segments of a block, trimmed, without all-absent ones.
    fn trimmed(v: &Block<'_>) -> Vec<Segment> {
        v.entries()
            .map(|e| v.segment(&e))
            .filter_map(|s| {
                let a = s.values.iter().position(Option::is_some)?;
                let b = s.values.iter().rposition(Option::is_some)?;
                Some(Segment { region: s.region, first: s.first + a as i64, values: s.values[a..=b].to_vec() })
            })
            .collect()
    }

    #[test]
    fn nearly_dense_blocks_are_padded_to_one_matrix() {
        let full = |r, first| seg(r, first, &[Some(1.0 + f64::from(r)), Some(2.0), Some(3.0)]);
        let b = encode(&[full(4, 10), full(5, 10), full(6, 10)]).unwrap();
        let v = view(&b).unwrap();
        assert!(v.is_dense());
        let (vals, pres) = all(&v);
        assert_eq!(vals, [5.0, 2.0, 3.0, 6.0, 2.0, 3.0, 7.0, 2.0, 3.0]);
        assert_eq!(pres, [true; 9]);
        // A missing region, a shifted segment, gaps: padded (absent cells 0.0, bit clear).
        let four = seg(4, 10, &[Some(5.0), Some(2.0), Some(3.0), Some(4.0)]);
        let segs = vec![four.clone(), full(6, 11), seg(7, 10, &[Some(1.0), None, Some(3.0), Some(4.0), None])];
        let v_bytes = encode(&segs).unwrap();
        let v = view(&v_bytes).unwrap();
        assert!(v.is_dense());
        assert_eq!((v.len(), v.lo, v.hi), (4, 10, 13));
        let (vals, pres) = all(&v);
        #[rustfmt::skip]
        assert_eq!(vals, [5.0, 2.0, 3.0, 4.0,  0.0, 0.0, 0.0, 0.0,  0.0, 7.0, 2.0, 3.0,  1.0, 0.0, 3.0, 4.0]);
        assert_eq!(pres.iter().filter(|p| **p).count(), 10);
        assert_eq!(pres[8..], [false, true, true, true, true, false, true, true]);
        let want = vec![four, full(6, 11), seg(7, 10, &[Some(1.0), None, Some(3.0), Some(4.0)])];
        assert_eq!(trimmed(&v), want);
        // Many present bits, past one byte, through the lookup table.
        let long: Vec<Segment> = (0..5).map(|r| seg(r, 0, &(0..11).map(|i| (i + r) % 4 != 0).map(|p| p.then_some(1.5)).collect::<Vec<_>>())).collect();
        let b = encode(&long).unwrap();
        let v = view(&b).unwrap();
        let (vals, pres) = all(&v);
        let segs: Vec<Segment> = v.entries().map(|e| v.segment(&e)).collect();
        let flat: Vec<Option<f64>> = segs.iter().flat_map(|s| s.values.clone()).collect();
        assert_eq!(pres, flat.iter().map(Option::is_some).collect::<Vec<_>>());
        assert_eq!(vals, flat.iter().map(|x| x.unwrap_or(0.0)).collect::<Vec<_>>());
        // Far apart: kept as trimmed segments.
        let sparse = encode(&[full(1, 10), full(90, 10)]).unwrap();
        let v = view(&sparse).unwrap();
        assert!(!v.is_dense());
        assert_eq!(v.len(), 2);
        let sparse = encode(&[full(1, 10), full(2, 50)]).unwrap();
        assert!(!view(&sparse).unwrap().is_dense());
    }

    #[test]
    fn chunks_split_between_regions_and_keep_order() {
        let segs: Vec<Segment> = (0..5000).map(|r| seg(r, 2000, &[Some(f64::from(r)); 30])).collect();
        let chunks = encode_chunks(&segs);
        assert!(chunks.len() >= 3, "{}", chunks.len());
        let mut back = Vec::new();
        for c in &chunks {
            assert!(c.len() < 512 << 10, "{}", c.len());
            let v = view(c).unwrap();
            assert!(v.is_dense());
            back.extend(v.entries().map(|e| v.segment(&e)));
        }
        assert_eq!(back, segs);
        assert!(encode_chunks(&[seg(1, 0, &[None])]).is_empty());
        assert!(encode_chunks(&[]).is_empty());
    }

    #[test]
    fn malformed_blocks_are_refused() {
        let b = encode(&[seg(1, 5, &[Some(1.0), Some(2.0)]), seg(2, 5, &[Some(3.0)])]).unwrap();
        assert!(view(&b).is_some());
        assert!(view(&b[..b.len() - 1]).is_none());
        assert!(view(&b[..10]).is_none());
        // Regions out of order.
        let mut swapped = b.clone();
        swapped[HEADER..HEADER + 4].copy_from_slice(&7u32.to_le_bytes());
        assert!(view(&swapped).is_none());
        // An offset that does not follow the previous segment.
        let mut far = b.clone();
        far[HEADER + ENTRY + 20..HEADER + ENTRY + 24].copy_from_slice(&1u32.to_le_bytes());
        assert!(view(&far).is_none());
        // A huge region count does not overflow or allocate.
        let mut huge = b;
        huge[0..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(view(&huge).is_none());
    }
}

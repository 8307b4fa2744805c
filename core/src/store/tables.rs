//! Table definitions and the byte layouts of their records.
//!
//! Keys are fixed-width tuples of interned ids; values are small hand-written byte layouts (or
//! postcard for the dictionaries), so that no `Option<&str>` ever sits inside a redb type.

use redb::TableDefinition;

use crate::period::Frequency;

/// The schema version this build writes and the newest it reads.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// `key → bytes`: `format`, `schema_version`, `next_seq`, `cells`, `priority`.
pub(crate) const META: TableDefinition<&str, &[u8]> = TableDefinition::new("ecociv_meta");
/// Region id → postcard `RegionDef`.
pub(crate) const REGIONS: TableDefinition<u32, &[u8]> = TableDefinition::new("regions_v1");
/// Region code → id.
pub(crate) const REGION_CODES: TableDefinition<&str, u32> = TableDefinition::new("region_codes_v1");
/// Metric id → postcard `MetricDef`.
pub(crate) const METRICS: TableDefinition<u32, &[u8]> = TableDefinition::new("metrics_v1");
/// Metric code → id.
pub(crate) const METRIC_CODES: TableDefinition<&str, u32> = TableDefinition::new("metric_codes_v1");
/// Source id → postcard `Source`. Id 0 is the unspecified source.
pub(crate) const SOURCES: TableDefinition<u32, &[u8]> = TableDefinition::new("sources_v1");
/// postcard `Source` → id.
pub(crate) const SOURCE_KEYS: TableDefinition<&[u8], u32> = TableDefinition::new("source_keys_v1");
/// The vintage log, the source of truth: (metric, frequency, region, period ordinal, seq) →
/// [`Rec`] bytes. Never updated or deleted.
pub(crate) const LOG: TableDefinition<LogKey, &[u8]> = TableDefinition::new("vintages_v1");
/// The materialised current series: (metric, frequency, region) → [`series`] blob, kept equal
/// to the log's resolution with the newest source priority in every write transaction.
pub(crate) const SERIES: TableDefinition<SeriesKey, &[u8]> = TableDefinition::new("series_v1");

/// Key of the vintage log.
pub(crate) type LogKey = (u32, u8, u32, i64, u64);
/// Key of the current-series table.
pub(crate) type SeriesKey = (u32, u8, u32);

/// The byte tag of a frequency in keys.
pub(crate) fn freq_tag(f: Frequency) -> u8 {
    match f {
        Frequency::Year => 0,
        Frequency::Quarter => 1,
        Frequency::Month => 2,
    }
}

/// The frequency of a key tag.
pub(crate) fn tag_freq(t: u8) -> Option<Frequency> {
    match t {
        0 => Some(Frequency::Year),
        1 => Some(Frequency::Quarter),
        2 => Some(Frequency::Month),
        _ => None,
    }
}

/// One vintage as stored in the log.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rec {
    /// Insertion sequence number (unique across the store).
    pub seq: u64,
    /// The value, or `None` for a withdrawal (tombstone).
    pub value: Option<f64>,
    /// Source id.
    pub source: u32,
    /// When it was recorded, microseconds since the Unix epoch.
    pub recorded_at: i64,
    /// Free note (the reason, for a withdrawal).
    pub note: Option<String>,
}

/// Layout: `[flag u8][value f64][source u32][recorded_at i64][note utf-8…]`; flag bit 0 = has
/// value, bit 1 = has note.
pub(crate) fn encode_rec(value: Option<f64>, source: u32, recorded_at: i64, note: Option<&str>) -> Vec<u8> {
    let mut out = Vec::with_capacity(21 + note.map_or(0, str::len));
    let flag = u8::from(value.is_some()) | (u8::from(note.is_some()) << 1);
    out.push(flag);
    out.extend_from_slice(&value.unwrap_or(0.0).to_le_bytes());
    out.extend_from_slice(&source.to_le_bytes());
    out.extend_from_slice(&recorded_at.to_le_bytes());
    if let Some(n) = note {
        out.extend_from_slice(n.as_bytes());
    }
    out
}

/// Decodes a log record; `None` when the bytes are malformed.
pub(crate) fn decode_rec(seq: u64, b: &[u8]) -> Option<Rec> {
    if b.len() < 21 {
        return None;
    }
    let flag = b[0];
    let value = f64::from_le_bytes(b[1..9].try_into().ok()?);
    let source = u32::from_le_bytes(b[9..13].try_into().ok()?);
    let recorded_at = i64::from_le_bytes(b[13..21].try_into().ok()?);
    let note = if flag & 2 != 0 { Some(String::from_utf8(b[21..].to_vec()).ok()?) } else { None };
    Some(Rec { seq, value: (flag & 1 != 0).then_some(value), source, recorded_at, note })
}

/// The current-series blob: `[first ordinal i64][n u32][n × f64][ceil(n/8) presence bytes]`.
pub(crate) mod series {
    /// Encodes `values[i]` for ordinals `first + i`; trims absent ends. `None` if all absent.
    pub(crate) fn encode(first: i64, values: &[Option<f64>]) -> Option<Vec<u8>> {
        let lo = values.iter().position(Option::is_some)?;
        let hi = values.iter().rposition(Option::is_some)?;
        let vals = &values[lo..=hi];
        let n = vals.len();
        let mut out = Vec::with_capacity(12 + n * 8 + n.div_ceil(8));
        out.extend_from_slice(&(first + lo as i64).to_le_bytes());
        out.extend_from_slice(&(n as u32).to_le_bytes());
        for v in vals {
            out.extend_from_slice(&v.unwrap_or(0.0).to_le_bytes());
        }
        let mut bits = vec![0u8; n.div_ceil(8)];
        for (i, v) in vals.iter().enumerate() {
            if v.is_some() {
                bits[i / 8] |= 1 << (i % 8);
            }
        }
        out.extend_from_slice(&bits);
        Some(out)
    }

    /// A decoded view of a blob.
    pub(crate) struct View<'a> {
        /// Ordinal of the first value.
        pub first: i64,
        /// Number of values.
        pub n: usize,
        values: &'a [u8],
        bits: &'a [u8],
    }

    impl View<'_> {
        /// The value at index `i` (< n), if present.
        #[inline]
        #[cfg(test)]
        pub(crate) fn get(&self, i: usize) -> Option<f64> {
            if self.bits[i / 8] & (1 << (i % 8)) == 0 {
                return None;
            }
            let b: [u8; 8] = self.values[i * 8..i * 8 + 8].try_into().ok()?;
            Some(f64::from_le_bytes(b))
        }

        /// Bulk decode of the values at indices `start .. start + len` (clamped to `n`),
        /// appended: each present value to `values`, `0.0` for an absent one, and its presence
        /// to `present`.
        pub(crate) fn extend_into(&self, start: usize, len: usize, values: &mut Vec<f64>, present: &mut Vec<bool>) {
            let len = len.min(self.n.saturating_sub(start));
            let (v0, p0) = (values.len(), present.len());
            // Values: a straight little-endian copy (the encoder writes 0.0 for absent ones).
            let src = &self.values[start * 8..(start + len) * 8];
            values.extend(src.chunks_exact(8).map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])));
            present.extend((start..start + len).map(|i| self.bits[i / 8] >> (i % 8) & 1 != 0));
            // Absent values are zeroed all the same, unless every bit is set (the encoder
            // leaves the padding bits of the last byte clear).
            if self.bits.iter().map(|b| b.count_ones() as usize).sum::<usize>() != self.n {
                for (v, p) in values[v0..].iter_mut().zip(&present[p0..]) {
                    if !*p {
                        *v = 0.0;
                    }
                }
            }
        }

        /// Every value as `Option`, index `i` ↔ ordinal `first + i`.
        #[cfg(test)]
        pub(crate) fn to_vec(&self) -> Vec<Option<f64>> {
            (0..self.n).map(|i| self.get(i)).collect()
        }
    }

    /// Decodes a blob; `None` when malformed.
    pub(crate) fn view(b: &[u8]) -> Option<View<'_>> {
        if b.len() < 12 {
            return None;
        }
        let first = i64::from_le_bytes(b[0..8].try_into().ok()?);
        let n = u32::from_le_bytes(b[8..12].try_into().ok()?) as usize;
        if b.len() != 12 + n * 8 + n.div_ceil(8) {
            return None;
        }
        Some(View { first, n, values: &b[12..12 + n * 8], bits: &b[12 + n * 8..] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rec_round_trips() {
        for (v, note) in [(Some(1.5), None), (None, Some("withdrawn: typo")), (Some(-0.0), Some(""))] {
            let b = encode_rec(v, 7, -12, note);
            let r = decode_rec(3, &b).unwrap();
            assert_eq!(r, Rec { seq: 3, value: v, source: 7, recorded_at: -12, note: note.map(String::from) });
        }
        assert!(decode_rec(0, &[1, 2, 3]).is_none());
    }

    #[test]
    fn series_round_trips_and_trims() {
        let vals = [None, Some(1.0), None, Some(3.0), None, None, None, None, None, Some(9.0), None];
        let b = series::encode(2000, &vals).unwrap();
        let v = series::view(&b).unwrap();
        assert_eq!(v.first, 2001);
        assert_eq!(v.to_vec(), vals[1..10].to_vec());
        assert!(series::encode(0, &[None, None]).is_none());
        // Bulk decode agrees with `get` from every start and length, on a short series with
        // gaps, a long full one and a long one with gaps.
        let full: Vec<Option<f64>> = (0..37).map(|i| Some(f64::from(i) - 3.5)).collect();
        let gappy: Vec<Option<f64>> = (0..37).map(|i| (i % 5 != 2 && i % 11 != 7).then(|| f64::from(i) * 1.25)).collect();
        let blobs = [b.clone(), series::encode(0, &full).unwrap(), series::encode(-4, &gappy).unwrap()];
        for blob in &blobs {
            let v = series::view(blob).unwrap();
            for start in 0..v.n {
                for len in 0..=v.n - start {
                    let (mut vals, mut pres) = (vec![f64::NAN], vec![true]);
                    v.extend_into(start, len, &mut vals, &mut pres);
                    assert_eq!((vals.len(), pres.len()), (len + 1, len + 1));
                    for k in 0..len {
                        assert_eq!(pres[k + 1], v.get(start + k).is_some(), "start {start} len {len} k {k}");
                        assert_eq!(vals[k + 1], v.get(start + k).unwrap_or(0.0), "start {start} len {len} k {k}");
                    }
                }
            }
        }
        assert!(series::view(&b[..b.len() - 1]).is_none());
    }
}

//! Table definitions and the byte layouts of their records.
//!
//! Keys are fixed-width tuples of interned ids; values are small hand-written byte layouts (or
//! postcard for the dictionaries), so that no `Option<&str>` ever sits inside a redb type.

use redb::TableDefinition;

use crate::period::Frequency;

/// The schema version this build writes and the newest it reads.
pub(crate) const SCHEMA_VERSION: u32 = 2;

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
/// The materialised current series: (metric, frequency, chunk) → a [`block`](super::block)
/// holding the series of a run of regions (ascending region ids across chunks 0, 1, …; each
/// chunk a few hundred KiB, so redb keeps them in ordinary pages and its cache), kept equal to
/// the log's resolution with the newest source priority in every write transaction.
pub(crate) const SERIES: TableDefinition<ChunkKey, &[u8]> = TableDefinition::new("series_blocks_v2");
/// Schema 1's current series, one blob per (metric, frequency, region); dropped when a schema 1
/// file is migrated on open.
pub(crate) const SERIES_V1: TableDefinition<SeriesKey, &[u8]> = TableDefinition::new("series_v1");

/// Key of the vintage log.
pub(crate) type LogKey = (u32, u8, u32, i64, u64);
/// A (metric, frequency, region) series.
pub(crate) type SeriesKey = (u32, u8, u32);
/// A (metric, frequency): the current series of all regions, in one or more chunks.
pub(crate) type BlockKey = (u32, u8);
/// Key of the current-series table: (metric, frequency, chunk number).
pub(crate) type ChunkKey = (u32, u8, u32);

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
    /// An explicit choice: from `recorded_at` on, `source`'s value counts for this cell
    /// (`value` is the value it had when chosen, for the record).
    pub choice: bool,
}

/// Layout: `[flag u8][value f64][source u32][recorded_at i64][note utf-8…]`; flag bit 0 = has
/// value, bit 1 = has note, bit 2 = an explicit source choice.
pub(crate) fn encode_rec(value: Option<f64>, source: u32, recorded_at: i64, note: Option<&str>) -> Vec<u8> {
    encode(value, source, recorded_at, note, false)
}

/// A choice record: from `recorded_at` on, `source`'s value (`value` when chosen) counts.
pub(crate) fn encode_choice(value: f64, source: u32, recorded_at: i64) -> Vec<u8> {
    encode(Some(value), source, recorded_at, None, true)
}

fn encode(value: Option<f64>, source: u32, recorded_at: i64, note: Option<&str>, choice: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(21 + note.map_or(0, str::len));
    let flag = u8::from(value.is_some()) | (u8::from(note.is_some()) << 1) | (u8::from(choice) << 2);
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
    Some(Rec { seq, value: (flag & 1 != 0).then_some(value), source, recorded_at, note, choice: flag & 4 != 0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rec_round_trips() {
        for (v, note) in [(Some(1.5), None), (None, Some("withdrawn: typo")), (Some(-0.0), Some(""))] {
            let b = encode_rec(v, 7, -12, note);
            let r = decode_rec(3, &b).unwrap();
            assert_eq!(r, Rec { seq: 3, value: v, source: 7, recorded_at: -12, note: note.map(String::from), choice: false });
        }
        let c = decode_rec(4, &encode_choice(2.5, 3, 9)).unwrap();
        assert_eq!(c, Rec { seq: 4, value: Some(2.5), source: 3, recorded_at: 9, note: None, choice: true });
        assert!(decode_rec(0, &[1, 2, 3]).is_none());
    }
}

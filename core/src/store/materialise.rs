//! Keeping the current-series table equal to the log's resolution.

use std::collections::HashSet;

use redb::{ReadableTable, Table};

use super::StoreError;
use super::block::{self, Segment};
use super::resolve::{Priority, resolve};
use super::tables::{BlockKey, ChunkKey, LogKey, Rec, SeriesKey, decode_rec};

/// Corrupt-record error.
pub(crate) fn bad_record(what: &str) -> StoreError {
    StoreError::Redb(format!("undecodable {what} record (the file may be corrupt)"))
}

/// Every log record of one series, in (ordinal, seq) order.
pub(crate) fn read_series_log(
    log: &impl ReadableTable<LogKey, &'static [u8]>,
    (m, f, r): SeriesKey,
) -> Result<Vec<(i64, Rec)>, StoreError> {
    let mut out = Vec::new();
    for item in log.range((m, f, r, i64::MIN, 0u64)..=(m, f, r, i64::MAX, u64::MAX))? {
        let (k, v) = item?;
        let (_, _, _, ord, seq) = k.value();
        out.push((ord, decode_rec(seq, v.value()).ok_or_else(|| bad_record("vintage"))?));
    }
    Ok(out)
}

/// The resolved values of a series from its records sorted by ordinal: `(first ordinal,
/// values)`, or `None` when the series has no records.
pub(crate) fn resolve_series(
    recs: &[(i64, Rec)],
    as_of: Option<i64>,
    priority: &Priority,
) -> Option<(i64, Vec<Option<f64>>)> {
    let first = recs.first()?.0;
    let last = recs.last()?.0;
    let mut values = vec![None; usize::try_from(last - first + 1).ok()?];
    let mut cell: Vec<Rec> = Vec::new();
    let mut i = 0;
    while i < recs.len() {
        let ord = recs[i].0;
        cell.clear();
        while i < recs.len() && recs[i].0 == ord {
            cell.push(recs[i].1.clone());
            i += 1;
        }
        values[usize::try_from(ord - first).ok()?] = resolve(&cell, as_of, priority).and_then(|r| r.value);
    }
    Some((first, values))
}

/// The resolved segment of one region's series from its records (sorted by ordinal).
pub(crate) fn segment(region: u32, recs: &[(i64, Rec)], priority: &Priority) -> Segment {
    match resolve_series(recs, None, priority) {
        Some((first, values)) => Segment { region, first, values },
        None => Segment { region, first: 0, values: Vec::new() },
    }
}

/// Replaces the segments of some regions (ascending by region id; a segment without values
/// removes the region) in the blocks of one (metric, frequency); the others are kept.
pub(crate) fn update_block(
    table: &mut Table<ChunkKey, &'static [u8]>,
    key: BlockKey,
    changed: Vec<Segment>,
) -> Result<(), StoreError> {
    let mut old: Vec<Segment> = Vec::new();
    let mut next = changed.iter().map(|s| s.region).peekable();
    for item in table.range((key.0, key.1, 0u32)..=(key.0, key.1, u32::MAX))? {
        let (_, g) = item?;
        let b = block::view(g.value()).ok_or_else(|| bad_record("series block"))?;
        for e in b.entries() {
            while next.next_if(|r| *r < e.region).is_some() {}
            if next.peek() != Some(&e.region) {
                old.push(b.segment(&e));
            }
        }
    }
    let merged = if old.is_empty() {
        changed
    } else {
        old.extend(changed);
        old.sort_by_key(|s| s.region);
        old
    };
    write_block(table, key, &merged)
}

/// Writes the blocks of one (metric, frequency) from all its segments (ascending by region
/// id), replacing the chunks it had; none when no segment has a value.
pub(crate) fn write_block(table: &mut Table<ChunkKey, &'static [u8]>, key: BlockKey, segments: &[Segment]) -> Result<(), StoreError> {
    let chunks = block::encode_chunks(segments);
    let mut stale: Vec<u32> = Vec::new();
    for item in table.range((key.0, key.1, chunks.len() as u32)..=(key.0, key.1, u32::MAX))? {
        stale.push(item?.0.value().2);
    }
    for c in stale {
        table.remove((key.0, key.1, c))?;
    }
    for (i, c) in chunks.iter().enumerate() {
        table.insert((key.0, key.1, i as u32), c.as_slice())?;
    }
    Ok(())
}

/// Rebuilds the whole current-series table from the log (after a priority change, or when a
/// schema 1 file is migrated).
pub(crate) fn rebuild_all(
    log: &impl ReadableTable<LogKey, &'static [u8]>,
    table: &mut Table<ChunkKey, &'static [u8]>,
    priority: &Priority,
) -> Result<(), StoreError> {
    let mut stale: HashSet<BlockKey> = HashSet::new();
    for item in table.iter()? {
        let (m, f, _) = item?.0.value();
        stale.insert((m, f));
    }
    let mut current: Option<SeriesKey> = None;
    let mut recs: Vec<(i64, Rec)> = Vec::new();
    let mut segments: Vec<Segment> = Vec::new();
    let mut flush = |key: SeriesKey, recs: &mut Vec<(i64, Rec)>, segments: &mut Vec<Segment>, end_of_block: bool| -> Result<(), StoreError> {
        segments.push(segment(key.2, recs, priority));
        recs.clear();
        if end_of_block {
            stale.remove(&(key.0, key.1));
            write_block(table, (key.0, key.1), segments)?;
            segments.clear();
        }
        Ok(())
    };
    for item in log.iter()? {
        let (k, v) = item?;
        let (m, f, r, ord, seq) = k.value();
        if current != Some((m, f, r)) {
            if let Some(key) = current {
                flush(key, &mut recs, &mut segments, (key.0, key.1) != (m, f))?;
            }
            current = Some((m, f, r));
        }
        recs.push((ord, decode_rec(seq, v.value()).ok_or_else(|| bad_record("vintage"))?));
    }
    if let Some(key) = current {
        flush(key, &mut recs, &mut segments, true)?;
    }
    for key in stale {
        write_block(table, key, &[])?;
    }
    Ok(())
}

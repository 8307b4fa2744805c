//! Keeping the current-series table equal to the log's resolution.

use redb::{ReadableTable, Table};

use super::StoreError;
use super::resolve::{Priority, resolve};
use super::tables::{LogKey, Rec, SeriesKey, decode_rec, series};

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

/// Rewrites the blob of one series from its records (sorted by ordinal).
pub(crate) fn write_series(
    table: &mut Table<SeriesKey, &'static [u8]>,
    key: SeriesKey,
    recs: &[(i64, Rec)],
    priority: &Priority,
) -> Result<(), StoreError> {
    match resolve_series(recs, None, priority).and_then(|(first, v)| series::encode(first, &v)) {
        Some(blob) => {
            table.insert(key, blob.as_slice())?;
        }
        None => {
            table.remove(key)?;
        }
    }
    Ok(())
}

/// Rebuilds the whole current-series table from the log (after a priority change).
pub(crate) fn rebuild_all(
    log: &impl ReadableTable<LogKey, &'static [u8]>,
    table: &mut Table<SeriesKey, &'static [u8]>,
    priority: &Priority,
) -> Result<(), StoreError> {
    let mut current: Option<SeriesKey> = None;
    let mut recs: Vec<(i64, Rec)> = Vec::new();
    for item in log.iter()? {
        let (k, v) = item?;
        let (m, f, r, ord, seq) = k.value();
        if current != Some((m, f, r)) {
            if let Some(key) = current {
                write_series(table, key, &recs, priority)?;
            }
            current = Some((m, f, r));
            recs.clear();
        }
        recs.push((ord, decode_rec(seq, v.value()).ok_or_else(|| bad_record("vintage"))?));
    }
    if let Some(key) = current {
        write_series(table, key, &recs, priority)?;
    }
    Ok(())
}

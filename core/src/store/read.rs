//! Point reads of cells: latest, as of a time, full history; and withdrawals.

use chrono::{DateTime, Utc};
use redb::{Durability, ReadTransaction, ReadableDatabase, ReadableTable};

use super::dict::{dec, get_u64, intern_source, load_sources, priority_history};
use super::materialise::{bad_record, read_series_log, segment, update_block};
use super::resolve::{priority_at, resolve, source_latest};
use super::tables::{LOG, META, METRIC_CODES, REGION_CODES, Rec, SERIES, SOURCE_KEYS, SOURCES, decode_rec, encode_rec, freq_tag};
use super::{Observation, Source, Store, StoreError, Vintage};
use crate::period::Period;

pub(crate) fn micros_to_time(us: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(us).unwrap_or_default()
}

/// The ids of a region and a metric code.
pub(crate) fn ids(
    codes_r: &impl ReadableTable<&'static str, u32>,
    codes_m: &impl ReadableTable<&'static str, u32>,
    region: &str,
    metric: &str,
) -> Result<(u32, u32), StoreError> {
    let r = codes_r.get(region)?.map(|g| g.value()).ok_or_else(|| StoreError::UnknownRegion { code: region.into() })?;
    let m = codes_m.get(metric)?.map(|g| g.value()).ok_or_else(|| StoreError::UnknownMetric { code: metric.into() })?;
    Ok((r, m))
}

pub(crate) fn cell_recs(r: &ReadTransaction, region: &str, metric: &str, period: Period) -> Result<Vec<Rec>, StoreError> {
    let (rid, mid) = ids(&r.open_table(REGION_CODES)?, &r.open_table(METRIC_CODES)?, region, metric)?;
    let log = r.open_table(LOG)?;
    let (f, o) = (freq_tag(period.frequency()), period.ordinal());
    let mut out = Vec::new();
    for item in log.range((mid, f, rid, o, 0u64)..=(mid, f, rid, o, u64::MAX))? {
        let (k, v) = item?;
        out.push(decode_rec(k.value().4, v.value()).ok_or_else(|| bad_record("vintage"))?);
    }
    Ok(out)
}

impl Store {
    /// The value that counts for a cell now, with its source; `None` if the cell has no value
    /// (never recorded, or every source withdrawn).
    ///
    /// # Errors
    /// [`StoreError::UnknownRegion`] / [`StoreError::UnknownMetric`]; [`StoreError::Redb`].
    pub fn latest(&self, region: &str, metric: &str, period: Period) -> Result<Option<Observation>, StoreError> {
        self.resolve_cell(region, metric, period, None)
    }

    /// The value that counted for a cell at time `at`: only vintages recorded at or before `at`
    /// are considered, with the source priority in effect then.
    ///
    /// # Errors
    /// As [`Store::latest`].
    pub fn as_of(&self, region: &str, metric: &str, period: Period, at: DateTime<Utc>) -> Result<Option<Observation>, StoreError> {
        self.resolve_cell(region, metric, period, Some(at.timestamp_micros()))
    }

    fn resolve_cell(&self, region: &str, metric: &str, period: Period, at: Option<i64>) -> Result<Option<Observation>, StoreError> {
        let r = self.db.begin_read()?;
        let recs = cell_recs(&r, region, metric, period)?;
        let meta = r.open_table(META)?;
        let priority = priority_at(&priority_history(&meta)?, at);
        let Some(rec) = resolve(&recs, at, &priority) else { return Ok(None) };
        let sources = r.open_table(SOURCES)?;
        let source: Source = match sources.get(rec.source)? {
            Some(g) => dec(g.value(), "source")?,
            None => return Err(bad_record("source")),
        };
        Ok(Some(Observation {
            region: region.to_owned(),
            metric: metric.to_owned(),
            period,
            value: rec.value.unwrap_or_default(),
            source,
            recorded_at: micros_to_time(rec.recorded_at),
            note: rec.note.clone(),
        }))
    }

    /// Every vintage of a cell (values, withdrawals and [explicit source choices](Store::choose_source))
    /// with its source, in the order recorded (recorded time, then sequence).
    ///
    /// # Errors
    /// As [`Store::latest`].
    pub fn history(&self, region: &str, metric: &str, period: Period) -> Result<Vec<Vintage>, StoreError> {
        let r = self.db.begin_read()?;
        let mut recs = cell_recs(&r, region, metric, period)?;
        recs.sort_by_key(|x| (x.recorded_at, x.seq));
        let sources = load_sources(&r.open_table(SOURCES)?)?;
        recs.into_iter()
            .map(|x| {
                Ok(Vintage {
                    seq: x.seq,
                    value: x.value,
                    source: sources.get(&x.source).cloned().ok_or_else(|| bad_record("source"))?,
                    recorded_at: micros_to_time(x.recorded_at),
                    note: x.note,
                    chosen: x.choice,
                })
            })
            .collect()
    }

    /// Withdraws a value: records a tombstone vintage (now) for `source`, or — with `None` — for
    /// every source whose latest vintage of the cell has a value. Returns the number of
    /// tombstones written (0 when there was nothing to withdraw).
    ///
    /// # Errors
    /// As [`Store::latest`].
    pub fn withdraw(&self, region: &str, metric: &str, period: Period, source: Option<&Source>, reason: &str) -> Result<u64, StoreError> {
        self.withdraw_at(region, metric, period, source, reason, Utc::now())
    }

    /// [`Store::withdraw`] recorded at time `at`.
    ///
    /// # Errors
    /// As [`Store::latest`].
    pub fn withdraw_at(
        &self,
        region: &str,
        metric: &str,
        period: Period,
        source: Option<&Source>,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut w = self.db.begin_write()?;
        w.set_durability(Durability::Immediate)?;
        let written;
        {
            let (rid, mid) = ids(&w.open_table(REGION_CODES)?, &w.open_table(METRIC_CODES)?, region, metric)?;
            let key = (mid, freq_tag(period.frequency()), rid);
            let ord = period.ordinal();
            let mut log = w.open_table(LOG)?;
            let mut recs = read_series_log(&log, key)?;
            let targets: Vec<u32> = match source {
                Some(s) => {
                    let mut st = w.open_table(SOURCES)?;
                    let mut sk = w.open_table(SOURCE_KEYS)?;
                    vec![intern_source(&mut st, &mut sk, s)?]
                }
                None => {
                    let cell: Vec<Rec> = recs.iter().filter(|(o, _)| *o == ord).map(|(_, r)| r.clone()).collect();
                    let mut ids: Vec<u32> = cell.iter().map(|r| r.source).collect();
                    ids.sort_unstable();
                    ids.dedup();
                    ids.into_iter().filter(|s| source_latest(&cell, *s, None).is_some_and(|r| r.value.is_some())).collect()
                }
            };
            let mut meta = w.open_table(META)?;
            let mut seq = get_u64(&meta, "next_seq")?;
            let mut cells = get_u64(&meta, "cells")?;
            let at = at.timestamp_micros();
            let new_cell = !recs.iter().any(|(o, _)| *o == ord);
            for sid in &targets {
                log.insert((key.0, key.1, key.2, ord, seq), encode_rec(None, *sid, at, Some(reason)).as_slice())?;
                recs.push((ord, Rec { seq, value: None, source: *sid, recorded_at: at, note: Some(reason.to_owned()), choice: false }));
                seq += 1;
            }
            if new_cell && !targets.is_empty() {
                cells += 1;
            }
            recs.sort_by_key(|(o, r)| (*o, r.seq));
            let priority = priority_at(&priority_history(&meta)?, None);
            update_block(&mut w.open_table(SERIES)?, (key.0, key.1), vec![segment(key.2, &recs, &priority)])?;
            meta.insert("next_seq", seq.to_le_bytes().as_slice())?;
            meta.insert("cells", cells.to_le_bytes().as_slice())?;
            written = targets.len() as u64;
        }
        w.commit()?;
        Ok(written)
    }
}

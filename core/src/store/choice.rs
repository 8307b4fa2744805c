//! Explicit per-cell source choices: which source's value counts for one cell, whatever the
//! source priority says.

use chrono::{DateTime, Utc};
use redb::{Durability, ReadableTable};

use super::dict::{get_u64, priority_history};
use super::materialise::{read_series_log, segment, update_block};
use super::read::ids;
use super::resolve::{priority_at, source_latest};
use super::tables::{LOG, META, METRIC_CODES, REGION_CODES, Rec, SERIES, SOURCE_KEYS, encode_choice, freq_tag};
use super::{Source, Store, StoreError};
use crate::period::Period;

impl Store {
    /// Records, now, that for this cell `source`'s value counts, overriding the
    /// [source priority](Store::set_source_priority) from now on. The choice is a new entry in
    /// the cell's history (nothing is overwritten): [`Store::as_of`] a time before it gives the
    /// earlier resolution. The chosen source's later revisions count too; if it withdraws its
    /// value, the priority decides again. A later choice replaces an earlier one.
    ///
    /// # Errors
    /// [`StoreError::NoValueFromSource`] when `source` has no value for the cell (never gave
    /// one, or withdrew it) — nothing is written; [`StoreError::UnknownRegion`] /
    /// [`StoreError::UnknownMetric`]; [`StoreError::Redb`].
    ///
    /// # Example
    /// ```
    /// use ecociv::model::{Level, MetricDef, MetricKind, RegionDef};
    /// use ecociv::store::{Batch, IngestOptions, Source, Store};
    /// use ecociv::Period;
    /// let dir = tempfile::tempdir()?;
    /// let store = Store::open(dir.path().join("s.redb"))?;
    /// store.put_regions(&[RegionDef::new("530581", "腾冲市", Level::County)])?;
    /// store.put_metrics(&[MetricDef { code: "forest_coverage".into(), name: "森林覆盖率".into(),
    ///     unit: Some("%".into()), kind: MetricKind::Number, categories: vec![], description: None }])?;
    /// let (bulletin, plan) = (Source::document("统计公报"), Source::document("林业发展规划"));
    /// for (value, source) in [(77.23, &bulletin), (74.72, &plan)] {
    ///     let batch = Batch::new(vec!["530581".into()], vec!["forest_coverage".into()], vec!["2021".into()], vec![value]);
    ///     store.ingest(&batch, &IngestOptions { source: Some(source.clone()), ..IngestOptions::default() })?;
    /// }
    /// store.set_source_priority(&[plan.clone(), bulletin.clone()])?;
    /// assert_eq!(store.latest("530581", "forest_coverage", Period::Year(2021))?.unwrap().value, 74.72);
    /// store.choose_source("530581", "forest_coverage", Period::Year(2021), &bulletin)?;
    /// assert_eq!(store.latest("530581", "forest_coverage", Period::Year(2021))?.unwrap().value, 77.23);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn choose_source(&self, region: &str, metric: &str, period: Period, source: &Source) -> Result<(), StoreError> {
        self.choose_source_at(region, metric, period, source, Utc::now())
    }

    /// [`Store::choose_source`] recorded at time `at` (the source must have a value for the
    /// cell as known at `at`).
    ///
    /// # Errors
    /// As [`Store::choose_source`].
    pub fn choose_source_at(&self, region: &str, metric: &str, period: Period, source: &Source, at: DateTime<Utc>) -> Result<(), StoreError> {
        let refuse = || StoreError::NoValueFromSource {
            region: region.to_owned(),
            metric: metric.to_owned(),
            period: period.to_string(),
            source_name: if source.is_unspecified() { "the unspecified source".to_owned() } else { format!("{:?}", source.document) },
        };
        let mut w = self.db.begin_write()?;
        w.set_durability(Durability::Immediate)?;
        {
            let (rid, mid) = ids(&w.open_table(REGION_CODES)?, &w.open_table(METRIC_CODES)?, region, metric)?;
            let key = (mid, freq_tag(period.frequency()), rid);
            let ord = period.ordinal();
            let at = at.timestamp_micros();
            // The source's id, without interning one that never gave a value.
            let bytes = postcard::to_stdvec(source).map_err(|e| StoreError::Redb(format!("encoding: {e}")))?;
            let sid = w.open_table(SOURCE_KEYS)?.get(bytes.as_slice())?.map(|g| g.value()).ok_or_else(refuse)?;
            let mut log = w.open_table(LOG)?;
            let mut recs = read_series_log(&log, key)?;
            let cell = recs.iter().filter(|(o, _)| *o == ord).map(|(_, r)| r);
            let value = source_latest(cell, sid, Some(at)).and_then(|r| r.value).ok_or_else(refuse)?;
            let mut meta = w.open_table(META)?;
            let seq = get_u64(&meta, "next_seq")?;
            log.insert((key.0, key.1, key.2, ord, seq), encode_choice(value, sid, at).as_slice())?;
            recs.push((ord, Rec { seq, value: Some(value), source: sid, recorded_at: at, note: None, choice: true }));
            recs.sort_by_key(|(o, r)| (*o, r.seq));
            let priority = priority_at(&priority_history(&meta)?, None);
            update_block(&mut w.open_table(SERIES)?, (key.0, key.1), vec![segment(key.2, &recs, &priority)])?;
            meta.insert("next_seq", (seq + 1).to_le_bytes().as_slice())?;
        }
        w.commit()?;
        Ok(())
    }
}

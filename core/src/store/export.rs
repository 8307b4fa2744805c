//! Long-format CSV export of resolved values and of every vintage.

use std::collections::HashMap;
use std::io::Write;

use chrono::{DateTime, SecondsFormat, Utc};
use redb::{ReadableDatabase, ReadableTable};

use super::dict::{load_defs, load_sources, priority_history};
use super::materialise::bad_record;
use super::read::micros_to_time;
use super::resolve::{priority_at, resolve};
use super::tables::{LOG, META, METRICS, REGIONS, Rec, SOURCES, decode_rec, tag_freq};
use super::{Source, Store, StoreError};
use crate::model::{MetricDef, RegionDef};
use crate::period::Period;

fn export_err(e: impl std::fmt::Display) -> StoreError {
    StoreError::Export { message: e.to_string() }
}

/// Dictionaries needed to write rows.
struct Names {
    regions: HashMap<u32, String>,
    metrics: HashMap<u32, MetricDef>,
    sources: HashMap<u32, Source>,
}

impl Store {
    fn names(&self, r: &redb::ReadTransaction) -> Result<Names, StoreError> {
        let regions: Vec<(u32, RegionDef)> = load_defs(&r.open_table(REGIONS)?, "region")?;
        let metrics: Vec<(u32, MetricDef)> = load_defs(&r.open_table(METRICS)?, "metric")?;
        Ok(Names {
            regions: regions.into_iter().map(|(i, d)| (i, d.code)).collect(),
            metrics: metrics.into_iter().collect(),
            sources: load_sources(&r.open_table(SOURCES)?)?,
        })
    }

    /// Writes the value that counts for every cell — now, or as known at `as_of` — as long CSV:
    /// `region,metric,period,value,unit,source,publisher,address,recorded_at,note`, ordered by
    /// metric, region and period. Returns the number of rows written.
    ///
    /// # Errors
    /// [`StoreError::Export`] when the writer fails; [`StoreError::Redb`].
    pub fn export_csv<W: Write>(&self, writer: W, as_of: Option<DateTime<Utc>>) -> Result<u64, StoreError> {
        let r = self.db.begin_read()?;
        let names = self.names(&r)?;
        let at = as_of.map(|t| t.timestamp_micros());
        let priority = priority_at(&priority_history(&r.open_table(META)?)?, at);
        let mut out = csv::Writer::from_writer(writer);
        out.write_record(["region", "metric", "period", "value", "unit", "source", "publisher", "address", "recorded_at", "note"])
            .map_err(export_err)?;
        let mut n = 0u64;
        let mut cur: Option<(u32, u8, u32, i64)> = None;
        let mut cell: Vec<Rec> = Vec::new();
        let mut flush = |cur: Option<(u32, u8, u32, i64)>, cell: &mut Vec<Rec>, out: &mut csv::Writer<W>| -> Result<(), StoreError> {
            if let Some((m, f, rg, ord)) = cur
                && let Some(rec) = resolve(cell, at, &priority)
            {
                write_row(out, &names, (m, f, rg, ord), rec, false)?;
                n += 1;
            }
            cell.clear();
            Ok(())
        };
        for item in r.open_table(LOG)?.iter()? {
            let (k, v) = item?;
            let (m, f, rg, ord, seq) = k.value();
            if cur != Some((m, f, rg, ord)) {
                flush(cur, &mut cell, &mut out)?;
                cur = Some((m, f, rg, ord));
            }
            cell.push(decode_rec(seq, v.value()).ok_or_else(|| bad_record("vintage"))?);
        }
        flush(cur, &mut cell, &mut out)?;
        out.flush().map_err(export_err)?;
        Ok(n)
    }

    /// Writes every vintage of every cell as long CSV:
    /// `region,metric,period,seq,value,withdrawn,unit,source,publisher,address,recorded_at,note,chosen`
    /// (a withdrawal has an empty value and `withdrawn` = `true`; an explicit
    /// [source choice](Store::choose_source) has `chosen` = `true` and the chosen value).
    /// Returns the number of rows.
    ///
    /// # Errors
    /// [`StoreError::Export`] when the writer fails; [`StoreError::Redb`].
    pub fn export_history_csv<W: Write>(&self, writer: W) -> Result<u64, StoreError> {
        let r = self.db.begin_read()?;
        let names = self.names(&r)?;
        let mut out = csv::Writer::from_writer(writer);
        out.write_record([
            "region", "metric", "period", "seq", "value", "withdrawn", "unit", "source", "publisher", "address", "recorded_at", "note",
            "chosen",
        ])
        .map_err(export_err)?;
        let mut n = 0;
        for item in r.open_table(LOG)?.iter()? {
            let (k, v) = item?;
            let (m, f, rg, ord, seq) = k.value();
            let rec = decode_rec(seq, v.value()).ok_or_else(|| bad_record("vintage"))?;
            write_row(&mut out, &names, (m, f, rg, ord), &rec, true)?;
            n += 1;
        }
        out.flush().map_err(export_err)?;
        Ok(n)
    }
}

fn write_row<W: Write>(
    out: &mut csv::Writer<W>,
    names: &Names,
    (m, f, rg, ord): (u32, u8, u32, i64),
    rec: &Rec,
    history: bool,
) -> Result<(), StoreError> {
    let metric = names.metrics.get(&m).ok_or_else(|| bad_record("metric"))?;
    let region = names.regions.get(&rg).ok_or_else(|| bad_record("region"))?;
    let source = names.sources.get(&rec.source).ok_or_else(|| bad_record("source"))?;
    let freq = tag_freq(f).ok_or_else(|| bad_record("vintage key"))?;
    let period = Period::from_ordinal(freq, ord).to_string();
    let value = rec.value.map(|v| v.to_string()).unwrap_or_default();
    let at = micros_to_time(rec.recorded_at).to_rfc3339_opts(SecondsFormat::Micros, true);
    let unit = metric.unit.as_deref().unwrap_or("");
    let note = rec.note.as_deref().unwrap_or("");
    let res = if history {
        let seq = rec.seq.to_string();
        let withdrawn = if rec.value.is_none() { "true" } else { "false" };
        let chosen = if rec.choice { "true" } else { "false" };
        out.write_record([
            region.as_str(), metric.code.as_str(), &period, &seq, &value, withdrawn, unit, &source.document, &source.publisher,
            &source.address, &at, note, chosen,
        ])
    } else {
        out.write_record([
            region.as_str(), metric.code.as_str(), &period, &value, unit, &source.document, &source.publisher, &source.address, &at, note,
        ])
    };
    res.map_err(export_err)
}

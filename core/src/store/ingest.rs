//! Bulk ingest: columnar batches and long-format CSV files, validated in full, written in one
//! transaction (all or nothing).

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use redb::{Durability, WriteTransaction};

use super::dict::{get_u64, intern_source, load_codes, load_defs, priority_history};
use super::block::Segment;
use super::materialise::{read_series_log, segment, update_block};
use super::resolve::{priority_at, source_latest};
use super::tables::{LOG, META, METRICS, REGION_CODES, Rec, SERIES, SOURCE_KEYS, SOURCES, encode_rec, freq_tag};
use super::{IngestError, RowProblem, RowProblemKind, Source, Store, StoreError};
use crate::model::{MetricDef, MetricKind};
use crate::period::Period;

/// The period column of a [`Batch`]: text (`2017`, `2017Q3`, `2017-03`) or parsed periods.
#[derive(Debug, Clone, PartialEq)]
pub enum PeriodColumn {
    /// Period strings, parsed and checked on ingest.
    Text(Vec<String>),
    /// Already parsed periods.
    Periods(Vec<Period>),
}

impl PeriodColumn {
    fn len(&self) -> usize {
        match self {
            PeriodColumn::Text(v) => v.len(),
            PeriodColumn::Periods(v) => v.len(),
        }
    }
}

/// A columnar batch of observations in long format: row `i` is
/// `(regions[i], metrics[i], periods[i]) → values[i]`, with optional per-row unit, source
/// document and note.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Region codes.
    pub regions: Vec<String>,
    /// Metric codes.
    pub metrics: Vec<String>,
    /// Periods.
    pub periods: PeriodColumn,
    /// Values (NaN and infinities are refused).
    pub values: Vec<f64>,
    /// Units, checked against the metric's unit (`None` or empty: not checked).
    pub units: Option<Vec<Option<String>>>,
    /// Source documents per row; a row's source overrides [`IngestOptions::source`].
    pub sources: Option<Vec<Option<String>>>,
    /// Notes per row.
    pub notes: Option<Vec<Option<String>>>,
}

impl Batch {
    /// A batch of the four required columns (periods as text).
    #[must_use]
    pub fn new(regions: Vec<String>, metrics: Vec<String>, periods: Vec<String>, values: Vec<f64>) -> Batch {
        Batch { regions, metrics, periods: PeriodColumn::Text(periods), values, units: None, sources: None, notes: None }
    }

    /// Number of rows (the length of the region column).
    #[must_use]
    pub fn len(&self) -> usize {
        self.regions.len()
    }

    /// Whether the batch has no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }
}

/// How to ingest a batch.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Validate and compute the report, but write nothing.
    pub dry_run: bool,
    /// The source of every row that does not name its own (default: the unspecified source).
    pub source: Option<Source>,
    /// When the values were recorded (default: now). Used by [`Store::as_of`].
    pub recorded_at: Option<DateTime<Utc>>,
    /// A flag another thread may set to stop the ingest (Ctrl-C in Python): it is checked
    /// while rows are read and while they are written, and when it is set the transaction is
    /// rolled back and [`IngestError::Cancelled`] returned — nothing of the batch is written.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl IngestOptions {
    /// Whether the cancel flag is set.
    fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed))
    }
}

/// Rows read or written between two looks at the cancel flag.
const CANCEL_EVERY: usize = 1 << 14;

/// What an ingest did (or, in a dry run, would do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IngestReport {
    /// Rows read.
    pub rows: u64,
    /// Cells that had no vintage before.
    pub cells_added: u64,
    /// Vintages written.
    pub vintages_added: u64,
    /// Rows skipped because their source's latest vintage of the cell already has that value.
    pub unchanged: u64,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
}

/// A validated row.
struct Staged {
    m: u32,
    f: u8,
    r: u32,
    ord: i64,
    src: u32,
    value: f64,
    note: Option<Box<str>>,
    row: usize,
}

enum ValueIn<'a> {
    Num(f64),
    Text(&'a str),
}

enum PeriodIn<'a> {
    Text(&'a str),
    Parsed(Period),
}

/// Validation state: dictionaries, batch-local sources, staged rows and problems.
struct Ctx {
    regions: HashMap<String, u32>,
    metrics: HashMap<String, (u32, MetricDef)>,
    /// Batch-local sources; index 0 is the batch default.
    sources: Vec<Source>,
    source_index: HashMap<String, u32>,
    staged: Vec<Staged>,
    problems: Vec<RowProblem>,
}

impl Ctx {
    fn new(w: &WriteTransaction, default_source: Source) -> Result<Ctx, StoreError> {
        let regions = load_codes(&w.open_table(REGION_CODES)?)?;
        let defs: Vec<(u32, MetricDef)> = load_defs(&w.open_table(METRICS)?, "metric")?;
        let metrics = defs.into_iter().map(|(id, d)| (d.code.clone(), (id, d))).collect();
        Ok(Ctx {
            regions,
            metrics,
            sources: vec![default_source],
            source_index: HashMap::new(),
            staged: Vec::new(),
            problems: Vec::new(),
        })
    }

    fn problem(&mut self, row: usize, column: &str, value: &str, kind: RowProblemKind, message: String) {
        self.problems.push(RowProblem { row, column: column.to_owned(), value: value.to_owned(), kind, message });
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        row: usize,
        region: &str,
        metric: &str,
        period: PeriodIn<'_>,
        value: ValueIn<'_>,
        unit: Option<&str>,
        source: Option<&str>,
        note: Option<&str>,
    ) {
        let before = self.problems.len();
        let r = self.regions.get(region).copied();
        if r.is_none() {
            self.problem(row, "region", region, RowProblemKind::UnknownRegion, format!("unknown region {region:?}"));
        }
        let m = self.metrics.get(metric).map(|(id, d)| (*id, d.kind, d.unit.clone(), d.categories.len(), d));
        let (mid, kind, munit, ncat) = match m {
            Some((id, kind, unit, ncat, d)) => {
                let cat = if kind == MetricKind::Category {
                    if let ValueIn::Text(t) = &value { d.categories.iter().position(|c| c == t.trim()) } else { None }
                } else {
                    None
                };
                (Some(id), Some((kind, cat)), unit, ncat)
            }
            None => {
                self.problem(row, "metric", metric, RowProblemKind::UnknownMetric, format!("unknown metric {metric:?}"));
                (None, None, None, 0)
            }
        };
        let p = match period {
            PeriodIn::Parsed(p) => Some(p),
            PeriodIn::Text(t) => match t.parse::<Period>() {
                Ok(p) => Some(p),
                Err(e) => {
                    self.problem(row, "period", t, RowProblemKind::BadPeriod, e.to_string());
                    None
                }
            },
        };
        let v = match (value, kind) {
            (ValueIn::Text(_), Some((_, Some(cat)))) => Some(cat as f64),
            (ValueIn::Num(v), _) => Some(v),
            (ValueIn::Text(t), _) => {
                let s = t.trim();
                if s.is_empty() {
                    self.problem(row, "value", t, RowProblemKind::MissingValue, "empty value (leave the row out for a missing value)".into());
                    None
                } else {
                    match s.parse::<f64>() {
                        Ok(v) => Some(v),
                        Err(_) => {
                            self.problem(row, "value", t, RowProblemKind::NotANumber, format!("{t:?} is not a number"));
                            None
                        }
                    }
                }
            }
        };
        let v = match v {
            Some(v) if !v.is_finite() => {
                self.problem(row, "value", &v.to_string(), RowProblemKind::NonFinite, format!("{v} is not a finite number"));
                None
            }
            other => other,
        };
        if let (Some(v), Some((kind, _))) = (v, kind) {
            match kind {
                MetricKind::Boolean if v != 0.0 && v != 1.0 => self.problem(
                    row,
                    "value",
                    &v.to_string(),
                    RowProblemKind::BooleanNotZeroOne,
                    format!("metric {metric:?} is boolean: the value must be 0 or 1, not {v}"),
                ),
                MetricKind::Category if v.fract() != 0.0 || v < 0.0 || v >= ncat as f64 => self.problem(
                    row,
                    "value",
                    &v.to_string(),
                    RowProblemKind::CategoryOutOfRange,
                    format!("metric {metric:?} has {ncat} categories: the value must be a category or its index 0..{ncat}"),
                ),
                _ => {}
            }
        }
        if let (Some(u), Some(_)) = (unit.map(str::trim).filter(|u| !u.is_empty()), mid)
            && Some(u) != munit.as_deref()
        {
            let expected = munit.as_deref().map_or("no unit".to_owned(), |m| format!("{m:?}"));
            self.problem(row, "unit", u, RowProblemKind::UnitMismatch, format!("unit {u:?} does not match metric {metric:?}'s {expected}"));
        }
        if self.problems.len() > before {
            return;
        }
        let (Some(r), Some(m), Some(p), Some(value)) = (r, mid, p, v) else { return };
        let src = match source.map(str::trim).filter(|s| !s.is_empty()) {
            None => 0,
            Some(doc) => match self.source_index.get(doc) {
                Some(i) => *i,
                None => {
                    let i = self.sources.len() as u32;
                    self.sources.push(Source::document(doc));
                    self.source_index.insert(doc.to_owned(), i);
                    i
                }
            },
        };
        let note = note.filter(|n| !n.is_empty()).map(Box::from);
        self.staged.push(Staged { m, f: freq_tag(p.frequency()), r, ord: p.ordinal(), src, value, note, row });
    }

    /// Sorts the staged rows by key (rows of one cell stay in batch order, so a later row is
    /// recorded later), reports duplicates, and sorts the problems by row.
    fn finish(&mut self) {
        self.staged.sort_unstable_by_key(|s| (s.m, s.f, s.r, s.ord, s.row));
        let mut i = 0;
        while i < self.staged.len() {
            let a = &self.staged[i];
            let mut j = i + 1;
            while j < self.staged.len() && (self.staged[j].m, self.staged[j].f, self.staged[j].r, self.staged[j].ord) == (a.m, a.f, a.r, a.ord) {
                j += 1;
            }
            for k in i + 1..j {
                if let Some(first) = self.staged[i..k].iter().find(|x| x.src == self.staged[k].src) {
                    let (first, row) = (first.row, self.staged[k].row);
                    self.problems.push(RowProblem {
                        row,
                        column: "period".into(),
                        value: String::new(),
                        kind: RowProblemKind::DuplicateCell,
                        message: format!("same region, metric, period and source as row {first}"),
                    });
                }
            }
            i = j;
        }
        self.problems.sort_by_key(|p| p.row);
    }
}

fn begin(store: &Store) -> Result<WriteTransaction, StoreError> {
    let mut w = store.db.begin_write()?;
    w.set_durability(Durability::Immediate)?;
    Ok(w)
}

/// Writes the staged rows; returns the report. The caller commits or aborts.
/// `Ok(None)` when `options`' cancel flag was seen set.
fn write(w: &WriteTransaction, ctx: &Ctx, recorded_at: i64, options: &IngestOptions) -> Result<Option<IngestReport>, StoreError> {
    let mut report = IngestReport::default();
    let mut meta = w.open_table(META)?;
    let mut next_seq = get_u64(&meta, "next_seq")?;
    let mut cells = get_u64(&meta, "cells")?;
    let priority = priority_at(&priority_history(&meta)?, None);
    let ids: Vec<u32> = {
        let mut s = w.open_table(SOURCES)?;
        let mut k = w.open_table(SOURCE_KEYS)?;
        ctx.sources.iter().map(|src| intern_source(&mut s, &mut k, src)).collect::<Result<_, _>>()?
    };
    let mut log = w.open_table(LOG)?;
    let mut series = w.open_table(SERIES)?;
    let staged = &ctx.staged;
    let mut i = 0;
    while i < staged.len() {
        if options.cancelled() {
            return Ok(None);
        }
        // One (metric, frequency) block at a time: its touched regions' series are resolved
        // again and the block rewritten once.
        let block = (staged[i].m, staged[i].f);
        let mut changed: Vec<Segment> = Vec::new();
        while i < staged.len() && (staged[i].m, staged[i].f) == block {
            let key = (staged[i].m, staged[i].f, staged[i].r);
            let mut j = i;
            while j < staged.len() && (staged[j].m, staged[j].f, staged[j].r) == key {
                j += 1;
            }
            let mut recs = read_series_log(&log, key)?;
            let had: Vec<i64> = recs.iter().map(|(o, _)| *o).collect(); // sorted
            let fresh_series = recs.is_empty();
            let mut wrote = false;
            let mut last_new_cell = None;
            for s in &staged[i..j] {
                let sid = ids[s.src as usize];
                if !fresh_series {
                    let cell = recs.iter().filter(|(o, _)| *o == s.ord).map(|(_, r)| r);
                    if source_latest(cell, sid, None).is_some_and(|r| r.value == Some(s.value)) {
                        report.unchanged += 1;
                        continue;
                    }
                }
                let rec = encode_rec(Some(s.value), sid, recorded_at, s.note.as_deref());
                log.insert((key.0, key.1, key.2, s.ord, next_seq), rec.as_slice())?;
                let note = s.note.as_deref().map(String::from);
                recs.push((s.ord, Rec { seq: next_seq, value: Some(s.value), source: sid, recorded_at, note, choice: false }));
                next_seq += 1;
                report.vintages_added += 1;
                wrote = true;
                if had.binary_search(&s.ord).is_err() && last_new_cell != Some(s.ord) {
                    report.cells_added += 1;
                    cells += 1;
                    last_new_cell = Some(s.ord);
                }
            }
            if wrote {
                recs.sort_by_key(|(o, r)| (*o, r.seq));
                changed.push(segment(key.2, &recs, &priority));
            }
            i = j;
        }
        if !changed.is_empty() {
            update_block(&mut series, block, changed)?;
        }
    }
    meta.insert("next_seq", next_seq.to_le_bytes().as_slice())?;
    meta.insert("cells", cells.to_le_bytes().as_slice())?;
    Ok(Some(report))
}

impl Store {
    /// Ingests a columnar batch in one transaction: every row is validated first and every bad
    /// row reported; nothing is written unless all rows are good. A row whose source's latest
    /// vintage of the cell already has that value is skipped (counted as unchanged).
    ///
    /// # Errors
    /// [`IngestError::Shape`] when columns differ in length; [`IngestError::Rows`] listing every
    /// bad row (row = 1-based index); [`IngestError::Cancelled`] when the options' cancel flag
    /// is set; [`IngestError::Store`] on a storage failure (rolled back).
    pub fn ingest(&self, batch: &Batch, options: &IngestOptions) -> Result<IngestReport, IngestError> {
        let n = batch.regions.len();
        let check = |column: &str, len: usize| {
            if len == n { Ok(()) } else { Err(IngestError::Shape { column: column.into(), found: len, expected: n }) }
        };
        check("metric", batch.metrics.len())?;
        check("period", batch.periods.len())?;
        check("value", batch.values.len())?;
        for (name, col) in [("unit", &batch.units), ("source", &batch.sources), ("note", &batch.notes)] {
            if let Some(c) = col {
                check(name, c.len())?;
            }
        }
        let w = begin(self)?;
        let mut ctx = Ctx::new(&w, options.source.clone().unwrap_or_default())?;
        fn opt(c: &Option<Vec<Option<String>>>, i: usize) -> Option<&str> {
            c.as_ref().and_then(|v| v[i].as_deref())
        }
        for i in 0..n {
            if i.is_multiple_of(CANCEL_EVERY) && options.cancelled() {
                w.abort().map_err(StoreError::from)?;
                return Err(IngestError::Cancelled);
            }
            let period = match &batch.periods {
                PeriodColumn::Text(v) => PeriodIn::Text(&v[i]),
                PeriodColumn::Periods(v) => PeriodIn::Parsed(v[i]),
            };
            ctx.push(
                i + 1,
                &batch.regions[i],
                &batch.metrics[i],
                period,
                ValueIn::Num(batch.values[i]),
                opt(&batch.units, i),
                opt(&batch.sources, i),
                opt(&batch.notes, i),
            );
        }
        self.finish_ingest(w, ctx, "batch", n, options)
    }

    /// Ingests a long-format CSV file (see [`Store::ingest_csv_reader`]); problems name the
    /// file and its line numbers.
    ///
    /// # Errors
    /// As [`Store::ingest_csv_reader`]; [`IngestError::Io`] naming the file if it cannot be
    /// opened or read.
    pub fn ingest_csv(&self, path: impl AsRef<Path>, options: &IngestOptions) -> Result<IngestReport, IngestError> {
        let path = path.as_ref();
        let origin = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|source| IngestError::Io { path: path.to_path_buf(), source })?;
        self.ingest_csv_reader(std::io::BufReader::with_capacity(1 << 20, file), &origin, options)
    }

    /// Ingests long-format CSV from a reader, in one transaction. The header names the columns,
    /// in any order: `region`, `metric`, `period`, `value` (required), `unit`, `source`, `note`
    /// (optional) and `parent` (the benchmark kit's format; ignored — regions carry their parent).
    /// Problems give the CSV line number (the header is line 1).
    ///
    /// # Errors
    /// [`IngestError::Header`] for a missing, repeated or unknown column; [`IngestError::Csv`]
    /// for malformed CSV; [`IngestError::Io`] (path = `origin`) when the reader fails;
    /// [`IngestError::Rows`] listing every bad row; [`IngestError::Cancelled`] when the options'
    /// cancel flag is set; [`IngestError::Store`].
    pub fn ingest_csv_reader<R: Read>(&self, reader: R, origin: &str, options: &IngestOptions) -> Result<IngestReport, IngestError> {
        let csv_err = |e: csv::Error| {
            let line = e.position().map_or(0, csv::Position::line);
            let message = e.to_string();
            match e.into_kind() {
                csv::ErrorKind::Io(source) => IngestError::Io { path: origin.into(), source },
                _ => IngestError::Csv { file: origin.to_owned(), line, message },
            }
        };
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(reader);
        let header = rdr.headers().map_err(csv_err)?.clone();
        const KNOWN: [&str; 8] = ["region", "metric", "period", "value", "unit", "source", "note", "parent"];
        let mut col: [Option<usize>; 8] = [None; 8];
        for (i, h) in header.iter().enumerate() {
            let name = h.trim_start_matches('\u{feff}').trim().to_lowercase();
            let Some(k) = KNOWN.iter().position(|c| *c == name) else {
                return Err(IngestError::Header {
                    file: origin.to_owned(),
                    message: format!("unknown column {h:?} (allowed: {})", KNOWN.join(", ")),
                });
            };
            if col[k].is_some() {
                return Err(IngestError::Header { file: origin.to_owned(), message: format!("column {name:?} appears twice") });
            }
            col[k] = Some(i);
        }
        let missing: Vec<&str> = (0..4).filter(|k| col[*k].is_none()).map(|k| KNOWN[k]).collect();
        if !missing.is_empty() {
            return Err(IngestError::Header {
                file: origin.to_owned(),
                message: format!("missing required column(s): {}", missing.join(", ")),
            });
        }
        let [cr, cm, cp, cv, cu, cs, cn, _] = col;
        let (cr, cm, cp, cv) = (cr.unwrap_or(0), cm.unwrap_or(0), cp.unwrap_or(0), cv.unwrap_or(0));
        let w = begin(self)?;
        let mut ctx = Ctx::new(&w, options.source.clone().unwrap_or_default())?;
        let mut rec = csv::StringRecord::new();
        let mut rows = 0usize;
        while rdr.read_record(&mut rec).map_err(csv_err)? {
            rows += 1;
            if rows.is_multiple_of(CANCEL_EVERY) && options.cancelled() {
                w.abort().map_err(StoreError::from)?;
                return Err(IngestError::Cancelled);
            }
            let line = rec.position().map_or(rows + 1, |p| p.line() as usize);
            let get = |c: Option<usize>| c.and_then(|c| rec.get(c));
            ctx.push(
                line,
                rec.get(cr).unwrap_or(""),
                rec.get(cm).unwrap_or(""),
                PeriodIn::Text(rec.get(cp).unwrap_or("")),
                ValueIn::Text(rec.get(cv).unwrap_or("")),
                get(cu),
                get(cs),
                get(cn),
            );
        }
        self.finish_ingest(w, ctx, origin, rows, options)
    }

    fn finish_ingest(
        &self,
        w: WriteTransaction,
        mut ctx: Ctx,
        origin: &str,
        rows: usize,
        options: &IngestOptions,
    ) -> Result<IngestReport, IngestError> {
        ctx.finish();
        if !ctx.problems.is_empty() {
            w.abort().map_err(StoreError::from)?;
            return Err(IngestError::Rows { origin: origin.to_owned(), problems: std::mem::take(&mut ctx.problems) });
        }
        let at = options.recorded_at.unwrap_or_else(Utc::now).timestamp_micros();
        let Some(mut report) = write(&w, &ctx, at, options)? else {
            w.abort().map_err(StoreError::from)?;
            return Err(IngestError::Cancelled);
        };
        if options.cancelled() {
            w.abort().map_err(StoreError::from)?;
            return Err(IngestError::Cancelled);
        }
        report.rows = rows as u64;
        report.dry_run = options.dry_run;
        if options.dry_run {
            w.abort().map_err(StoreError::from)?;
        } else {
            w.commit().map_err(StoreError::from)?;
        }
        Ok(report)
    }
}


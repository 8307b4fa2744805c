//! Dense reads for the engine: [`Store::panel`].

use chrono::{DateTime, Utc};
use redb::ReadableDatabase;

use super::dict::{load_defs, priority_history};
use super::materialise::bad_record;
use super::resolve::{priority_at, resolve};
use super::block;
use super::tables::{LOG, META, METRIC_CODES, REGION_CODES, REGIONS, Rec, SERIES, decode_rec, freq_tag, tag_freq};
use super::{Store, StoreError};
use crate::Panel;
use crate::model::RegionDef;
use crate::period::{Frequency, Period};

/// What [`Store::panel`] reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PanelRequest {
    /// Metric codes, in the order of the panel's metric axis.
    pub metrics: Vec<String>,
    /// Region codes in the order wanted; `None`: every region, in registration order.
    pub regions: Option<Vec<String>>,
    /// First and last period (inclusive, one frequency); `None`: from the earliest to the latest
    /// period with a value among the requested metrics and regions (they must then all be of
    /// one frequency).
    pub periods: Option<(Period, Period)>,
    /// Values as known at this time; `None`: the latest (the fast path).
    pub as_of: Option<DateTime<Utc>>,
}

impl PanelRequest {
    /// The latest values of `metrics` for every region over the stored period range.
    #[must_use]
    pub fn latest<S: Into<String>>(metrics: impl IntoIterator<Item = S>) -> PanelRequest {
        PanelRequest { metrics: metrics.into_iter().map(Into::into).collect(), ..PanelRequest::default() }
    }
}

/// What [`Store::read_panel`] read.
enum Read {
    Panel(Panel),
    Span(Option<(Period, Period)>),
}

fn bad(message: String) -> StoreError {
    StoreError::BadRequest { message }
}

/// Picks the frequency and ordinal range from what was found, or checks the requested range.
fn frame(
    req: Option<(Period, Period)>,
    found: impl Iterator<Item = (u8, i64, i64)>,
) -> Result<Option<(Frequency, i64, i64)>, StoreError> {
    if let Some((a, b)) = req {
        if a.frequency() != b.frequency() {
            return Err(bad(format!("period range {a}..{b} mixes frequencies")));
        }
        if a > b {
            return Err(bad(format!("period range {a}..{b} is reversed")));
        }
        return Ok(Some((a.frequency(), a.ordinal(), b.ordinal())));
    }
    let mut out: Option<(u8, i64, i64)> = None;
    for (f, lo, hi) in found {
        out = match out {
            None => Some((f, lo, hi)),
            Some((g, _, _)) if g != f => {
                return Err(bad(
                    "the requested metrics have series at more than one frequency (years, quarters, months): give a period range".into(),
                ));
            }
            Some((g, a, b)) => Some((g, a.min(lo), b.max(hi))),
        };
    }
    Ok(out.and_then(|(f, a, b)| tag_freq(f).map(|f| (f, a, b))))
}

impl Store {
    /// Dense metric × region × period arrays of the requested values (see [`Panel`]): absent
    /// cells are `0.0` and marked absent in `present`. The latest values come from the
    /// materialised current series (one block per metric and frequency, holding every
    /// region's series); `as_of` resolves the vintage log.
    ///
    /// # Errors
    /// [`StoreError::UnknownMetric`] / [`StoreError::UnknownRegion`] for unknown codes;
    /// [`StoreError::BadRequest`] for a reversed or mixed-frequency range, or when the range
    /// is left open and the metrics have series at several frequencies; [`StoreError::Redb`].
    pub fn panel(&self, req: &PanelRequest) -> Result<Panel, StoreError> {
        match self.read_panel(req, false)? {
            Read::Panel(p) => Ok(p),
            Read::Span(_) => Err(StoreError::Redb("internal: a span where a panel was asked for".into())),
        }
    }

    /// The first and last period [`Store::panel`] would return for `req` (`None`: no values),
    /// without building the panel when reading the latest values (only the blocks' region
    /// indexes are read).
    ///
    /// # Errors
    /// As [`Store::panel`].
    pub(crate) fn panel_span(&self, req: &PanelRequest) -> Result<Option<(Period, Period)>, StoreError> {
        Ok(match self.read_panel(req, true)? {
            Read::Span(s) => s,
            Read::Panel(p) => p.periods.first().copied().zip(p.periods.last().copied()),
        })
    }

    fn read_panel(&self, req: &PanelRequest, span_only: bool) -> Result<Read, StoreError> {
        let r = self.db.begin_read()?;
        let mcodes = r.open_table(METRIC_CODES)?;
        let mids = req
            .metrics
            .iter()
            .map(|c| mcodes.get(c.as_str())?.map(|g| g.value()).ok_or_else(|| StoreError::UnknownMetric { code: c.clone() }))
            .collect::<Result<Vec<u32>, StoreError>>()?;
        let all: Vec<(u32, RegionDef)> = load_defs(&r.open_table(REGIONS)?, "region")?;
        let max_id = all.iter().map(|(i, _)| *i as usize + 1).max().unwrap_or(0);
        let mut row_of = vec![u32::MAX; max_id];
        let regions: Vec<RegionDef> = match &req.regions {
            None => {
                for (row, (id, _)) in all.iter().enumerate() {
                    row_of[*id as usize] = row as u32;
                }
                all.into_iter().map(|(_, d)| d).collect()
            }
            Some(codes) => {
                let rcodes = r.open_table(REGION_CODES)?;
                let mut defs = all.into_iter().map(|(i, d)| (i, Some(d))).collect::<Vec<_>>();
                let mut out = Vec::with_capacity(codes.len());
                for (row, c) in codes.iter().enumerate() {
                    let id = rcodes.get(c.as_str())?.map(|g| g.value()).ok_or_else(|| StoreError::UnknownRegion { code: c.clone() })?;
                    *row_of.get_mut(id as usize).ok_or_else(|| bad_record("region"))? = row as u32;
                    let d = defs.get_mut(id as usize).and_then(|(_, d)| d.clone()).ok_or_else(|| bad_record("region"))?;
                    out.push(d);
                }
                out
            }
        };
        let rows = regions.len();
        let row = |rid: u32| row_of.get(rid as usize).copied().filter(|r| *r != u32::MAX).map(|r| r as usize);
        let tags: Vec<u8> = match req.periods {
            Some((a, _)) => vec![freq_tag(a.frequency())],
            None => vec![0, 1, 2],
        };

        if let Some(at) = req.as_of {
            let at = at.timestamp_micros();
            let priority = priority_at(&priority_history(&r.open_table(META)?)?, Some(at));
            let log = r.open_table(LOG)?;
            // (metric index, frequency tag, row, ordinal, value)
            let mut cells: Vec<(usize, u8, usize, i64, f64)> = Vec::new();
            let mut cell: Vec<Rec> = Vec::new();
            for (mi, &m) in mids.iter().enumerate() {
                for &f in &tags {
                    let mut cur: Option<(u32, i64)> = None;
                    let mut flush = |cur: Option<(u32, i64)>, cell: &mut Vec<Rec>| {
                        if let Some((rid, ord)) = cur
                            && let (Some(rw), Some(v)) = (row(rid), resolve(cell, Some(at), &priority).and_then(|x| x.value))
                        {
                            cells.push((mi, f, rw, ord, v));
                        }
                        cell.clear();
                    };
                    for item in log.range((m, f, 0u32, i64::MIN, 0u64)..=(m, f, u32::MAX, i64::MAX, u64::MAX))? {
                        let (k, v) = item?;
                        let (_, _, rid, ord, seq) = k.value();
                        if cur != Some((rid, ord)) {
                            flush(cur, &mut cell);
                            cur = Some((rid, ord));
                        }
                        if row(rid).is_some() {
                            cell.push(decode_rec(seq, v.value()).ok_or_else(|| bad_record("vintage"))?);
                        }
                    }
                    flush(cur, &mut cell);
                }
            }
            let Some((freq, lo, hi)) = frame(req.periods, cells.iter().map(|c| (c.1, c.3, c.3)))? else {
                return Ok(Read::Panel(Panel::new(regions, Vec::new(), req.metrics.clone())));
            };
            let periods: Vec<Period> = (lo..=hi).map(|o| Period::from_ordinal(freq, o)).collect();
            let mut panel = Panel::new(regions, periods, req.metrics.clone());
            let ftag = freq_tag(freq);
            for (mi, f, rw, ord, v) in cells {
                if f == ftag && (lo..=hi).contains(&ord) {
                    panel.set(mi, rw, (ord - lo) as usize, v);
                }
            }
            return Ok(Read::Panel(panel));
        }

        let table = r.open_table(SERIES)?;
        // The chunks of each (metric, frequency), borrowed from redb's pages, in region order.
        let mut guards = Vec::with_capacity(mids.len() * tags.len());
        for (mi, &m) in mids.iter().enumerate() {
            for &f in &tags {
                for item in table.range((m, f, 0u32)..=(m, f, u32::MAX))? {
                    guards.push((mi, f, item?.1));
                }
            }
        }
        let blocks = guards
            .iter()
            .map(|(mi, f, g)| Ok((*mi, *f, block::view(g.value()).ok_or_else(|| bad_record("series block"))?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let every_region = req.regions.is_none();
        let spans = blocks.iter().filter_map(|(_, f, b)| {
            if every_region {
                return Some((*f, b.lo, b.hi));
            }
            let wanted = b.entries().filter(|e| row(e.region).is_some());
            let (lo, hi) = wanted.fold((i64::MAX, i64::MIN), |(lo, hi), e| (lo.min(e.first), hi.max(e.last())));
            (lo <= hi).then_some((*f, lo, hi))
        });
        let Some((freq, lo, hi)) = frame(req.periods, spans)? else {
            return Ok(if span_only { Read::Span(None) } else { Read::Panel(Panel::new(regions, Vec::new(), req.metrics.clone())) });
        };
        if span_only {
            return Ok(Read::Span(Some((Period::from_ordinal(freq, lo), Period::from_ordinal(freq, hi)))));
        }
        let np = usize::try_from(hi - lo + 1).map_err(|_| bad_record("series block"))?;
        let periods: Vec<Period> = (lo..=hi).map(|o| Period::from_ordinal(freq, o)).collect();
        let ftag = freq_tag(freq);
        let n = mids.len() * rows * np;
        let blocks: Vec<&(usize, u8, block::Block<'_>)> = blocks.iter().filter(|b| b.1 == ftag).collect();
        // Rows ascending with region ids (every region, or a subset in registration order)
        // means the cells are written front to back.
        let sequential = row_of.iter().filter(|r| **r != u32::MAX).is_sorted();
        let (mut values, mut present, zeroed) = self.take_scratch(n);
        if !zeroed && !sequential {
            values.fill(0.0);
            present.fill(false);
        }
        // Written up to here (front to back): the cells between it and the next write are gaps.
        let mut cursor = 0usize;
        let gap = |from: usize, to: usize, values: &mut [f64], present: &mut [bool]| {
            if sequential && !zeroed && to > from {
                values[from..to].fill(0.0);
                present[from..to].fill(false);
            }
        };
        for (mi, _, b) in blocks {
            // A dense chunk over the whole range whose regions are consecutive rows: one copy.
            if b.is_dense() && (b.lo, b.hi) == (lo, hi) && b.len() > 0 {
                let r0 = b.entry(0).region;
                if let Some(row0) = row(r0)
                    && (0..b.len()).all(|i| row(r0 + i as u32) == Some(row0 + i))
                {
                    let at = (mi * rows + row0) * np;
                    let len = b.len() * np;
                    gap(cursor, at, &mut values, &mut present);
                    b.copy_all(&mut values[at..at + len], &mut present[at..at + len]);
                    cursor = cursor.max(at + len);
                    continue;
                }
            }
            for e in b.entries() {
                let Some(rw) = row(e.region) else { continue };
                // Overlap of the region's segment with [lo, hi].
                let (start, end) = (e.first.max(lo), e.last().min(hi));
                if start > end {
                    continue;
                }
                let at = (mi * rows + rw) * np + (start - lo) as usize;
                let len = (end - start + 1) as usize;
                gap(cursor, at, &mut values, &mut present);
                b.copy_into(&e, (start - e.first) as usize, &mut values[at..at + len], &mut present[at..at + len]);
                cursor = cursor.max(at + len);
            }
        }
        gap(cursor, n, &mut values, &mut present);
        Ok(Read::Panel(Panel { regions, periods, metrics: req.metrics.clone(), values, present }))
    }
}

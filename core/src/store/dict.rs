//! Regions, metrics and sources: the interned dictionaries, and the source priority.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use redb::{Durability, ReadableDatabase, ReadableTable, ReadableTableMetadata, Table, WriteTransaction};

use super::materialise::{bad_record, rebuild_all};
use super::resolve::{PriorityHistory, priority_at};
use super::tables::{LOG, META, METRIC_CODES, METRICS, REGION_CODES, REGIONS, SERIES, SOURCE_KEYS, SOURCES};
use super::{Source, Store, StoreError};
use crate::model::{Level, MetricDef, MetricKind, RegionDef};
use crate::Programme;

fn enc<T: serde::Serialize>(v: &T) -> Result<Vec<u8>, StoreError> {
    postcard::to_stdvec(v).map_err(|e| StoreError::Redb(format!("encoding: {e}")))
}

pub(crate) fn dec<'a, T: serde::Deserialize<'a>>(b: &'a [u8], what: &str) -> Result<T, StoreError> {
    postcard::from_bytes(b).map_err(|_| bad_record(what))
}

pub(crate) fn get_u64(meta: &impl ReadableTable<&'static str, &'static [u8]>, key: &str) -> Result<u64, StoreError> {
    Ok(meta.get(key)?.and_then(|g| g.value().try_into().ok().map(u64::from_le_bytes)).unwrap_or(0))
}

pub(crate) fn priority_history(
    meta: &impl ReadableTable<&'static str, &'static [u8]>,
) -> Result<PriorityHistory, StoreError> {
    match meta.get("priority")? {
        Some(g) => dec(g.value(), "source priority"),
        None => Ok(Vec::new()),
    }
}

/// Interns a source in a write transaction; returns its id.
pub(crate) fn intern_source(
    sources: &mut Table<u32, &'static [u8]>,
    keys: &mut Table<&'static [u8], u32>,
    source: &Source,
) -> Result<u32, StoreError> {
    let bytes = enc(source)?;
    if let Some(id) = keys.get(bytes.as_slice())? {
        return Ok(id.value());
    }
    let id = u32::try_from(sources.len()?).map_err(|_| StoreError::Redb("too many sources".into()))?;
    sources.insert(id, bytes.as_slice())?;
    keys.insert(bytes.as_slice(), id)?;
    Ok(id)
}

/// All sources by id.
pub(crate) fn load_sources(t: &impl ReadableTable<u32, &'static [u8]>) -> Result<HashMap<u32, Source>, StoreError> {
    let mut out = HashMap::new();
    for item in t.iter()? {
        let (k, v) = item?;
        out.insert(k.value(), dec(v.value(), "source")?);
    }
    Ok(out)
}

/// Code → id of a code table.
pub(crate) fn load_codes(t: &impl ReadableTable<&'static str, u32>) -> Result<HashMap<String, u32>, StoreError> {
    let mut out = HashMap::new();
    for item in t.iter()? {
        let (k, v) = item?;
        out.insert(k.value().to_owned(), v.value());
    }
    Ok(out)
}

/// A dictionary type and the serde mirror it is stored as (postcard is not self-describing,
/// so the model's `skip_serializing_if` fields cannot be encoded directly).
pub(crate) trait Stored: Sized {
    /// The stored form.
    type Rec: serde::Serialize + serde::de::DeserializeOwned;
    /// To the stored form.
    fn to_rec(&self) -> Self::Rec;
    /// From the stored form.
    fn from_rec(r: Self::Rec) -> Self;
}

#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct RegionRec {
    code: String,
    name: String,
    level: Level,
    parent: Option<String>,
    attributes: BTreeMap<String, String>,
}

impl Stored for RegionDef {
    type Rec = RegionRec;
    fn to_rec(&self) -> RegionRec {
        RegionRec {
            code: self.code.clone(),
            name: self.name.clone(),
            level: self.level,
            parent: self.parent.clone(),
            attributes: self.attributes.clone(),
        }
    }
    fn from_rec(r: RegionRec) -> Self {
        RegionDef { code: r.code, name: r.name, level: r.level, parent: r.parent, attributes: r.attributes }
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct MetricRec {
    code: String,
    name: String,
    unit: Option<String>,
    kind: MetricKind,
    categories: Vec<String>,
    description: Option<String>,
}

impl Stored for MetricDef {
    type Rec = MetricRec;
    fn to_rec(&self) -> MetricRec {
        MetricRec {
            code: self.code.clone(),
            name: self.name.clone(),
            unit: self.unit.clone(),
            kind: self.kind,
            categories: self.categories.clone(),
            description: self.description.clone(),
        }
    }
    fn from_rec(r: MetricRec) -> Self {
        MetricDef { code: r.code, name: r.name, unit: r.unit, kind: r.kind, categories: r.categories, description: r.description }
    }
}

impl Stored for Source {
    type Rec = Source;
    fn to_rec(&self) -> Source {
        self.clone()
    }
    fn from_rec(r: Source) -> Self {
        r
    }
}

pub(crate) fn enc_def<T: Stored>(v: &T) -> Result<Vec<u8>, StoreError> {
    enc(&v.to_rec())
}

pub(crate) fn dec_def<T: Stored>(b: &[u8], what: &str) -> Result<T, StoreError> {
    Ok(T::from_rec(postcard::from_bytes(b).map_err(|_| bad_record(what))?))
}

/// Id → definition of a definition table, in id order.
pub(crate) fn load_defs<T: Stored>(
    t: &impl ReadableTable<u32, &'static [u8]>,
    what: &str,
) -> Result<Vec<(u32, T)>, StoreError> {
    let mut out = Vec::new();
    for item in t.iter()? {
        let (k, v) = item?;
        out.push((k.value(), dec_def(v.value(), what)?));
    }
    Ok(out)
}

fn begin(store: &Store) -> Result<WriteTransaction, StoreError> {
    let mut w = store.db.begin_write()?;
    w.set_durability(Durability::Immediate)?;
    Ok(w)
}

fn kind_str(k: MetricKind) -> &'static str {
    match k {
        MetricKind::Number => "number",
        MetricKind::Boolean => "boolean",
        MetricKind::Category => "category",
    }
}

impl Store {
    /// Adds regions or updates them by code (name, level, parent, attributes). Parents must be
    /// registered already or be in the same call.
    ///
    /// # Errors
    /// [`StoreError::UnknownParent`] when a parent code is unknown (nothing is written);
    /// [`StoreError::Redb`] on a storage failure.
    pub fn put_regions(&self, regions: &[RegionDef]) -> Result<(), StoreError> {
        let w = begin(self)?;
        {
            let mut defs = w.open_table(REGIONS)?;
            let mut codes = w.open_table(REGION_CODES)?;
            for r in regions {
                if let Some(p) = &r.parent {
                    let known = codes.get(p.as_str())?.is_some() || regions.iter().any(|o| &o.code == p);
                    if !known {
                        return Err(StoreError::UnknownParent { region: r.code.clone(), parent: p.clone() });
                    }
                }
                let existing = codes.get(r.code.as_str())?.map(|g| g.value());
                let id = match existing {
                    Some(id) => id,
                    None => {
                        let id = u32::try_from(defs.len()?).map_err(|_| StoreError::Redb("too many regions".into()))?;
                        codes.insert(r.code.as_str(), id)?;
                        id
                    }
                };
                defs.insert(id, enc_def(r)?.as_slice())?;
            }
        }
        w.commit()?;
        Ok(())
    }

    /// Every region, in registration order.
    ///
    /// # Errors
    /// [`StoreError::Redb`] on a storage failure.
    pub fn regions(&self) -> Result<Vec<RegionDef>, StoreError> {
        let r = self.db.begin_read()?;
        Ok(load_defs(&r.open_table(REGIONS)?, "region")?.into_iter().map(|(_, d)| d).collect())
    }

    /// Adds metrics or updates them by code. Changing the unit or kind of a metric that has
    /// observations is refused.
    ///
    /// # Errors
    /// [`StoreError::MetricChange`], [`StoreError::BadMetric`] (empty code, a category metric
    /// without categories) — nothing is written; [`StoreError::Redb`].
    pub fn put_metrics(&self, metrics: &[MetricDef]) -> Result<(), StoreError> {
        let w = begin(self)?;
        {
            let mut defs = w.open_table(METRICS)?;
            let mut codes = w.open_table(METRIC_CODES)?;
            let log = w.open_table(LOG)?;
            for m in metrics {
                if m.code.trim().is_empty() {
                    return Err(StoreError::BadMetric { metric: m.code.clone(), message: "empty code".into() });
                }
                if m.kind == MetricKind::Category && m.categories.is_empty() {
                    return Err(StoreError::BadMetric {
                        metric: m.code.clone(),
                        message: "a category metric needs its categories".into(),
                    });
                }
                let existing = codes.get(m.code.as_str())?.map(|g| g.value());
                let id = match existing {
                    Some(id) => {
                        let old: MetricDef = match defs.get(id)? {
                            Some(g) => dec_def(g.value(), "metric")?,
                            None => return Err(bad_record("metric")),
                        };
                        let has_obs = log.range((id, 0u8, 0u32, i64::MIN, 0u64)..=(id, u8::MAX, u32::MAX, i64::MAX, u64::MAX))?.next().is_some();
                        if has_obs && old.unit != m.unit {
                            let show = |u: &Option<String>| u.as_deref().map_or("no unit".to_owned(), |u| format!("unit {u:?}"));
                            return Err(StoreError::MetricChange { metric: m.code.clone(), old: show(&old.unit), new: show(&m.unit) });
                        }
                        if has_obs && (old.kind != m.kind || (old.kind == MetricKind::Category && old.categories != m.categories)) {
                            return Err(StoreError::MetricChange {
                                metric: m.code.clone(),
                                old: format!("kind {} {:?}", kind_str(old.kind), old.categories),
                                new: format!("kind {} {:?}", kind_str(m.kind), m.categories),
                            });
                        }
                        id
                    }
                    None => {
                        let id = u32::try_from(defs.len()?).map_err(|_| StoreError::Redb("too many metrics".into()))?;
                        codes.insert(m.code.as_str(), id)?;
                        id
                    }
                };
                defs.insert(id, enc_def(m)?.as_slice())?;
            }
        }
        w.commit()?;
        Ok(())
    }

    /// Every metric, in registration order.
    ///
    /// # Errors
    /// [`StoreError::Redb`] on a storage failure.
    pub fn metrics(&self) -> Result<Vec<MetricDef>, StoreError> {
        let r = self.db.begin_read()?;
        Ok(load_defs(&r.open_table(METRICS)?, "metric")?.into_iter().map(|(_, d)| d).collect())
    }

    /// Registers a programme's regions and metrics (upsert by code).
    ///
    /// # Errors
    /// As [`Store::put_regions`] and [`Store::put_metrics`].
    pub fn register_programme(&self, programme: &Programme) -> Result<(), StoreError> {
        self.put_regions(&programme.regions)?;
        self.put_metrics(&programme.metrics)
    }

    /// Every interned source, by id (id 0 is the unspecified source).
    ///
    /// # Errors
    /// [`StoreError::Redb`] on a storage failure.
    pub fn sources(&self) -> Result<Vec<Source>, StoreError> {
        let r = self.db.begin_read()?;
        Ok(load_defs(&r.open_table(SOURCES)?, "source")?.into_iter().map(|(_, d)| d).collect())
    }

    /// Sets the source priority from now on (first = most trusted); see
    /// [which value counts](super#which-value-counts). Earlier priorities are kept, so
    /// [`Store::as_of`] a time before this call still resolves with the priority then in effect.
    ///
    /// # Errors
    /// [`StoreError::Redb`] on a storage failure.
    pub fn set_source_priority(&self, sources: &[Source]) -> Result<(), StoreError> {
        self.set_source_priority_at(sources, Utc::now())
    }

    /// [`Store::set_source_priority`] effective from `at` (it must not be earlier than the
    /// latest priority change; an earlier time is moved up to it).
    ///
    /// # Errors
    /// [`StoreError::Redb`] on a storage failure.
    pub fn set_source_priority_at(&self, sources: &[Source], at: DateTime<Utc>) -> Result<(), StoreError> {
        let w = begin(self)?;
        {
            let mut s = w.open_table(SOURCES)?;
            let mut k = w.open_table(SOURCE_KEYS)?;
            let ids = sources.iter().map(|src| intern_source(&mut s, &mut k, src)).collect::<Result<Vec<_>, _>>()?;
            let mut meta = w.open_table(META)?;
            let mut hist = priority_history(&meta)?;
            let at = hist.last().map_or(at.timestamp_micros(), |(t, _)| (*t).max(at.timestamp_micros()));
            hist.push((at, ids));
            meta.insert("priority", enc(&hist)?.as_slice())?;
            let log = w.open_table(LOG)?;
            let mut series = w.open_table(SERIES)?;
            rebuild_all(&log, &mut series, &priority_at(&hist, None))?;
        }
        w.commit()?;
        Ok(())
    }

    /// The source priority in effect now (empty: no priority, the latest recorded wins).
    ///
    /// # Errors
    /// [`StoreError::Redb`] on a storage failure.
    pub fn source_priority(&self) -> Result<Vec<Source>, StoreError> {
        let r = self.db.begin_read()?;
        let hist = priority_history(&r.open_table(META)?)?;
        let sources = load_sources(&r.open_table(SOURCES)?)?;
        Ok(hist.last().map(|(_, ids)| ids.iter().filter_map(|i| sources.get(i).cloned()).collect()).unwrap_or_default())
    }
}

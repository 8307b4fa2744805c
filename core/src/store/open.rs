//! Opening, closing and maintaining a store file.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use redb::{Builder, Database, DatabaseError, Durability, ReadableDatabase, ReadableTableMetadata, StorageError, TableError};

use super::dict::priority_history;
use super::materialise::rebuild_all;
use super::resolve::priority_at;
use super::tables::{
    LOG, META, METRIC_CODES, METRICS, REGION_CODES, REGIONS, SCHEMA_VERSION, SERIES, SERIES_V1, SOURCE_KEYS, SOURCES,
};
use super::{Source, StoreError, StoreStats};
use super::error::LockHolder;

/// The `format` value in the meta table that marks a redb file as an ecociv store.
const FORMAT: &[u8] = b"ecociv-store";

/// Files this process holds open (canonical paths), to say who holds a locked file.
fn open_files() -> &'static Mutex<HashSet<PathBuf>> {
    static OPEN: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();
    OPEN.get_or_init(|| Mutex::new(HashSet::new()))
}

fn held_here(p: &Path) -> bool {
    open_files().lock().map(|s| s.contains(p)).unwrap_or(false)
}

/// How to open a store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// redb's page cache in bytes: an upper bound, filled only by pages actually read or
    /// written (default 1 GiB, redb's own default). Latest-value panel reads are fastest when
    /// the cache holds the materialised blocks they read, about 9 bytes per region × period
    /// cell of each metric (≈ 30 MB for the benchmark kit's M, ≈ 300 MB for L): otherwise each
    /// read copies them from the file again (L from the store: ~240 ms with the blocks cached,
    /// ~430 ms with a 64 MiB cache). Lower it where memory is tight.
    pub cache_size: usize,
    /// Verify every page checksum on open (default `true`). Reads alone do not verify them.
    pub check_integrity: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions { cache_size: 1 << 30, check_integrity: true }
    }
}

/// An open store file. One handle per file: a second open of the same file, in this process or
/// another, fails with [`StoreError::Locked`] until this handle is dropped or [closed](Store::close).
///
/// Reads and writes take `&self`; redb serialises write transactions.
pub struct Store {
    pub(crate) db: Database,
    pub(crate) path: PathBuf,
    /// The canonical path registered in this process's table of open files.
    registered: PathBuf,
    /// Value and presence buffers of the last panel [`Store::evaluate`] used, reused by the
    /// next panel read (fresh pages of a large panel cost more than filling it).
    pub(crate) scratch: Mutex<Option<(Vec<f64>, Vec<bool>)>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish_non_exhaustive()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Ok(mut s) = open_files().lock() {
            s.remove(&self.registered);
        }
    }
}

impl Store {
    /// The default store path for the command line: `$ECOCIV_STORE` if set, else
    /// `$XDG_DATA_HOME/ecociv/store.redb`, else `~/.local/share/ecociv/store.redb`.
    ///
    /// # Errors
    /// [`StoreError::NoDefaultPath`] when none of those variables is set.
    pub fn default_path() -> Result<PathBuf, StoreError> {
        let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        if let Some(p) = var("ECOCIV_STORE") {
            return Ok(p);
        }
        if let Some(d) = var("XDG_DATA_HOME") {
            return Ok(d.join("ecociv").join("store.redb"));
        }
        var("HOME")
            .map(|h| h.join(".local").join("share").join("ecociv").join("store.redb"))
            .ok_or(StoreError::NoDefaultPath)
    }

    /// Creates the store file (and its folder) if it does not exist, else opens it, with the
    /// default [`StoreOptions`] (1 GiB cache bound, integrity check on open).
    ///
    /// # Errors
    /// [`StoreError::Locked`] if the file is already open; [`StoreError::NotAStore`] for a file
    /// that is not an ecociv store; [`StoreError::NewerSchema`] for a store written by a newer
    /// ecociv; [`StoreError::Corrupt`] if the integrity check fails; [`StoreError::Io`].
    /// A store of an older schema (1) is migrated in place (one write transaction).
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        Store::open_with(path, &StoreOptions::default())
    }

    /// [`Store::open`] with explicit options.
    ///
    /// # Errors
    /// As [`Store::open`].
    pub fn open_with(path: impl AsRef<Path>, options: &StoreOptions) -> Result<Store, StoreError> {
        let path = path.as_ref().to_path_buf();
        let io = |source| StoreError::Io { path: path.clone(), source };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let fresh = match std::fs::metadata(&path) {
            Ok(m) => m.len() == 0,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => return Err(io(e)),
        };
        if !fresh {
            let canonical = std::fs::canonicalize(&path).map_err(io)?;
            if held_here(&canonical) {
                return Err(StoreError::Locked { path, holder: LockHolder::ThisProcess });
            }
            let mut head = [0u8; 9];
            let mut f = std::fs::File::open(&path).map_err(io)?;
            let n = f.read(&mut head).map_err(io)?;
            if n < 9 || &head[..4] != b"redb" {
                return Err(StoreError::NotAStore { path, reason: "not a redb database file".into() });
            }
        }
        let mut builder = Builder::new();
        builder.set_cache_size(options.cache_size);
        builder.set_check_integrity_on_open(options.check_integrity && !fresh);
        let opened = if fresh { builder.create(&path) } else { builder.open(&path) };
        let db = opened.map_err(|e| open_error(&path, e))?;
        let registered = std::fs::canonicalize(&path).map_err(io)?;
        let store = Store { db, path, registered: registered.clone(), scratch: Mutex::new(None) };
        store.check_or_init()?;
        open_files().lock().map_err(|_| StoreError::Redb("open-file registry poisoned".into()))?.insert(registered);
        Ok(store)
    }

    /// Reads the meta table; initialises the tables of a new (or empty) redb file.
    fn check_or_init(&self) -> Result<(), StoreError> {
        let r = self.db.begin_read()?;
        let meta = match r.open_table(META) {
            Ok(t) => Some(t),
            Err(TableError::TableDoesNotExist(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let Some(meta) = meta else {
            let empty = r.list_tables()?.next().is_none();
            drop(r);
            if !empty {
                return Err(StoreError::NotAStore {
                    path: self.path.clone(),
                    reason: "a redb file without the ecociv meta table".into(),
                });
            }
            return self.init();
        };
        let is_store = meta.get("format")?.is_some_and(|g| g.value() == FORMAT);
        if !is_store {
            return Err(StoreError::NotAStore {
                path: self.path.clone(),
                reason: "the meta table does not mark an ecociv store".into(),
            });
        }
        let found = meta
            .get("schema_version")?
            .and_then(|g| g.value().try_into().ok().map(u32::from_le_bytes))
            .ok_or_else(|| StoreError::Corrupt { path: self.path.clone(), message: "no schema version".into() })?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema { path: self.path.clone(), found, supported: SCHEMA_VERSION });
        }
        if found < 1 {
            return Err(StoreError::Corrupt { path: self.path.clone(), message: format!("unknown schema version {found}") });
        }
        drop(meta);
        drop(r);
        if found < SCHEMA_VERSION {
            self.migrate_from_v1()?;
        }
        Ok(())
    }

    /// Schema 1 → 2: the vintage log is unchanged; the current series move from one blob per
    /// (metric, frequency, region) to one block per (metric, frequency), rebuilt from the log.
    fn migrate_from_v1(&self) -> Result<(), StoreError> {
        let mut w = self.db.begin_write()?;
        w.set_durability(Durability::Immediate)?;
        {
            w.delete_table(SERIES_V1)?;
            let mut meta = w.open_table(META)?;
            let priority = priority_at(&priority_history(&meta)?, None);
            rebuild_all(&w.open_table(LOG)?, &mut w.open_table(SERIES)?, &priority)?;
            meta.insert("schema_version", SCHEMA_VERSION.to_le_bytes().as_slice())?;
        }
        w.commit()?;
        Ok(())
    }

    fn init(&self) -> Result<(), StoreError> {
        let mut w = self.db.begin_write()?;
        w.set_durability(Durability::Immediate)?;
        {
            let mut meta = w.open_table(META)?;
            meta.insert("format", FORMAT)?;
            meta.insert("schema_version", SCHEMA_VERSION.to_le_bytes().as_slice())?;
            meta.insert("next_seq", 0u64.to_le_bytes().as_slice())?;
            meta.insert("cells", 0u64.to_le_bytes().as_slice())?;
            w.open_table(REGIONS)?;
            w.open_table(REGION_CODES)?;
            w.open_table(METRICS)?;
            w.open_table(METRIC_CODES)?;
            w.open_table(LOG)?;
            w.open_table(SERIES)?;
            let mut sources = w.open_table(SOURCES)?;
            let mut keys = w.open_table(SOURCE_KEYS)?;
            let unspecified = postcard::to_stdvec(&Source::default()).map_err(|e| StoreError::Redb(e.to_string()))?;
            sources.insert(0, unspecified.as_slice())?;
            keys.insert(unspecified.as_slice(), 0)?;
        }
        w.commit()?;
        Ok(())
    }

    /// Buffers of `n` cells for a panel: the recycled ones (contents left over; `false`) when
    /// there are some, else zeroed ones (`true`; fresh zero pages, no writes).
    pub(crate) fn take_scratch(&self, n: usize) -> (Vec<f64>, Vec<bool>, bool) {
        match self.scratch.lock().ok().and_then(|mut s| s.take()) {
            Some((mut values, mut present)) => {
                values.resize(n, 0.0);
                present.resize(n, false);
                (values, present, false)
            }
            None => (vec![0.0; n], vec![false; n], true),
        }
    }

    /// Keeps a panel's buffers for the next panel read (the larger of it and what is kept).
    pub(crate) fn recycle(&self, panel: crate::Panel) {
        if let Ok(mut s) = self.scratch.lock()
            && s.as_ref().is_none_or(|(v, _)| v.capacity() < panel.values.capacity())
        {
            *s = Some((panel.values, panel.present));
        }
    }

    /// The file this store was opened from.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes the store, releasing the file lock (dropping the handle does the same).
    ///
    /// # Errors
    /// [`StoreError::Redb`] if redb fails to flush.
    pub fn close(self) -> Result<(), StoreError> {
        drop(self);
        Ok(())
    }

    /// Counts of regions, metrics, cells, vintages and sources.
    ///
    /// # Errors
    /// [`StoreError::Redb`] on a storage failure.
    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        let r = self.db.begin_read()?;
        let meta = r.open_table(META)?;
        let counter = |k: &str| -> Result<u64, StoreError> {
            Ok(meta.get(k)?.and_then(|g| g.value().try_into().ok().map(u64::from_le_bytes)).unwrap_or(0))
        };
        Ok(StoreStats {
            regions: r.open_table(REGIONS)?.len()?,
            metrics: r.open_table(METRICS)?.len()?,
            cells: counter("cells")?,
            vintages: r.open_table(LOG)?.len()?,
            sources: r.open_table(SOURCES)?.len()?,
        })
    }

    /// Rewrites the file compactly (after big ingests the file is ~1.6× its compact size).
    ///
    /// # Errors
    /// [`StoreError::Redb`] if a transaction is still open or redb fails.
    pub fn compact(&mut self) -> Result<bool, StoreError> {
        Ok(self.db.compact()?)
    }
}

fn open_error(path: &Path, e: DatabaseError) -> StoreError {
    let path = path.to_path_buf();
    match e {
        DatabaseError::DatabaseAlreadyOpen | DatabaseError::LockProtocolMismatch => {
            let holder = if std::fs::canonicalize(&path).is_ok_and(|c| held_here(&c)) {
                LockHolder::ThisProcess
            } else {
                LockHolder::OtherProcess
            };
            StoreError::Locked { path, holder }
        }
        DatabaseError::UpgradeRequired(v) => StoreError::NotAStore {
            path,
            reason: format!("a redb file of format version {v} (an older redb); this store needs format 3"),
        },
        DatabaseError::Storage(StorageError::Io(source)) => StoreError::Io { path, source },
        DatabaseError::Storage(StorageError::Corrupted(message)) => {
            if message.contains("magic") {
                StoreError::NotAStore { path, reason: message }
            } else {
                StoreError::Corrupt { path, message }
            }
        }
        other => StoreError::Redb(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_schema_is_refused_with_versions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.redb");
        {
            let store = Store::open(&path).unwrap();
            let w = store.db.begin_write().unwrap();
            w.open_table(META).unwrap().insert("schema_version", (SCHEMA_VERSION + 1).to_le_bytes().as_slice()).unwrap();
            w.commit().unwrap();
        }
        let err = Store::open(&path).unwrap_err();
        assert!(
            matches!(err, StoreError::NewerSchema { found, supported, .. } if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION),
            "{err}"
        );
        assert!(err.to_string().contains("upgrade ecociv"), "{err}");
        // The refused open released the file.
        assert!(matches!(Store::open(&path), Err(StoreError::NewerSchema { .. })));
    }

    #[test]
    fn a_schema_1_store_is_migrated_on_open() {
        use crate::model::{Level, MetricDef, MetricKind, RegionDef};
        use crate::store::{Batch, IngestOptions, PanelRequest};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.redb");
        let expected;
        {
            let store = Store::open(&path).unwrap();
            let regions: Vec<RegionDef> = ["a", "b"]
                .map(|c| RegionDef::new(c, c, Level::County))
                .into();
            store.put_regions(&regions).unwrap();
            store
                .put_metrics(&[MetricDef { code: "m".into(), name: "m".into(), unit: None, kind: MetricKind::Number, categories: vec![], description: None }])
                .unwrap();
            let batch = Batch::new(vec!["a".into(), "b".into()], vec!["m".into(); 2], vec!["2020".into(), "2021".into()], vec![1.5, 2.5]);
            store.ingest(&batch, &IngestOptions::default()).unwrap();
            expected = store.panel(&PanelRequest::latest(["m"])).unwrap();
            // Make it look like schema 1: its series table instead of the blocks.
            let w = store.db.begin_write().unwrap();
            w.delete_table(SERIES).unwrap();
            w.open_table(SERIES_V1).unwrap().insert((0, 0, 0), [0u8; 3].as_slice()).unwrap();
            w.open_table(META).unwrap().insert("schema_version", 1u32.to_le_bytes().as_slice()).unwrap();
            w.commit().unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.panel(&PanelRequest::latest(["m"])).unwrap(), expected);
        let r = store.db.begin_read().unwrap();
        assert!(r.open_table(SERIES_V1).is_err(), "the schema 1 table is dropped");
        let version = r.open_table(META).unwrap().get("schema_version").unwrap().unwrap().value().to_vec();
        assert_eq!(version, SCHEMA_VERSION.to_le_bytes());
    }

    #[test]
    fn a_foreign_redb_file_is_not_a_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.redb");
        {
            let db = Database::create(&path).unwrap();
            let w = db.begin_write().unwrap();
            w.open_table(redb::TableDefinition::<u64, u64>::new("theirs")).unwrap().insert(1, 2).unwrap();
            w.commit().unwrap();
        }
        let err = Store::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::NotAStore { .. }), "{err}");
        // Not initialised behind the user's back.
        let db = Database::open(&path).unwrap();
        assert!(db.begin_read().unwrap().open_table(META).is_err());
    }

    #[test]
    fn a_damaged_file_fails_the_integrity_check() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.redb");
        {
            let store = Store::open(&path).unwrap();
            let regions: Vec<_> = (0..2000)
                .map(|i| crate::model::RegionDef::new(format!("R{i}"), format!("region number {i}"), crate::model::Level::County))
                .collect();
            store.put_regions(&regions).unwrap();
        }
        let mut bytes = std::fs::read(&path).unwrap();
        let at = bytes.windows(14).position(|w| w == b"region number ").expect("data on disk");
        bytes[at] ^= 0xff;
        std::fs::write(&path, bytes).unwrap();
        let err = Store::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. } | StoreError::Redb(_)), "{err}");
    }
}

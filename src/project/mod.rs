//! Whole-project knowledge: every module of the run, the imports that run
//! while it is imported, and the import cycles between the project's
//! modules. Built before any file is checked, from the files' tokens (no
//! parse), in parallel; a rule reads what concerns its own module in
//! `Settings::project`, so that a file's cached report is reused only
//! while what the project says about it is unchanged.
//!
//! Memory is a small record per module (its imports and top-level names),
//! never a tree.

mod classes;
mod cycles;
mod modules;
pub mod record;

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

pub use crate::project::modules::ModuleFile;
use crate::project::modules::Modules;
use crate::project::record::{ModuleRecord, record};
use crate::rule::settings::{ProjectFacts, Settings};
use crate::syntax::scan::{Scan, scan};

/// The project's modules and what each import-time import reaches.
pub struct ProjectIndex {
    facts: PathMap<ProjectFacts>,
    problems: Vec<String>,
    modules: usize,
}

/// What the index hands the check of a file it read: its bytes, kept
/// within `KEPT_BYTES` so that the check need not read it again, or that
/// the check has nothing to do.
#[derive(Debug, PartialEq, Eq)]
pub enum Read {
    /// The file's bytes.
    Bytes(Vec<u8>),
    /// No selected rule's prefilter matches the file's tokens, and the
    /// project says nothing of the module: the check would find nothing
    /// without parsing it (see `engine::finds_nothing`).
    NothingToFind,
}

/// Whether the check has nothing to do in a file, given its position among
/// the files indexed, its text and its scan: the index scans every file
/// anyway, and asking the rules' prefilters then spares most files a
/// second read and scan.
pub type Judge<'a> = dyn Fn(usize, &str, &Scan<'_>) -> bool + Sync + 'a;

/// Files by absolute path. The path's bytes are hashed, not its
/// components (which `Path`'s own hash parses): every path here comes
/// from the same resolver, written one way.
type PathMap<V> = HashMap<OsString, V, foldhash::fast::RandomState>;

/// How many bytes of the files it read the index keeps for the run. On a
/// monorepo of small modules, opening and reading every file a second time
/// cost more than the index itself; past the bound, files are read again.
const KEPT_BYTES: usize = 64 << 20;
/// A file larger than this is read again rather than kept: its read is a
/// small part of its cost, and few such files would use up the bound.
const KEPT_FILE_BYTES: usize = 1 << 20;

impl ProjectIndex {
    /// Reads and indexes the files (those that cannot be read are left to
    /// the run that checks them, which reports them).
    pub fn build(files: Vec<ModuleFile>) -> ProjectIndex {
        ProjectIndex::build_judging(files, &|_, _, _| false).0
    }

    /// `build`, asking `judge` of each file that decodes as it is (UTF-8,
    /// no NUL byte) whether the check has anything to do in it; with what
    /// it read of each file, in the files' order, for the check (`None`:
    /// the check must read the file).
    pub fn build_judging(
        files: Vec<ModuleFile>,
        judge: &Judge<'_>,
    ) -> (ProjectIndex, Vec<Option<Read>>) {
        let budget = AtomicUsize::new(KEPT_BYTES);
        let read: Vec<(Option<ModuleRecord>, Option<Read>)> = files
            .par_iter()
            .enumerate()
            .map(|(position, file)| {
                let Some(bytes) = read_regular(&file.absolute) else {
                    return (None, None);
                };
                let scanned = scan(&bytes);
                let record = record(&scanned);
                let settled = as_text(&bytes).is_some_and(|text| judge(position, text, &scanned));
                drop(scanned);
                if settled {
                    return (record, Some(Read::NothingToFind));
                }
                (record, keep(bytes, &budget).map(Read::Bytes))
            })
            .collect();
        let mut modules = Modules::with_capacity(files.len());
        let mut reads = Vec::with_capacity(files.len());
        for (file, (record, read)) in files.into_iter().zip(read) {
            reads.push(read);
            if let Some(record) = record {
                modules.add(file, record);
            }
        }
        (ProjectIndex::from_modules(modules), reads)
    }

    /// The index of modules whose text is given, for tests and editors.
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (&'a ModuleFile, &'a str)>,
    ) -> ProjectIndex {
        let mut modules = Modules::default();
        for (file, text) in sources {
            if let Some(record) = record(&scan(text.as_bytes())) {
                modules.add(file.clone(), record);
            }
        }
        ProjectIndex::from_modules(modules)
    }

    fn from_modules(mut modules: Modules) -> ProjectIndex {
        let classes = classes::facts(&modules);
        let edges = modules.edges();
        let mut facts: PathMap<ProjectFacts> = cycles::facts(&modules, &edges)
            .into_iter()
            .map(|(path, facts)| (path.into_os_string(), facts))
            .collect();
        for (path, classes) in classes {
            facts.entry(path.into_os_string()).or_default().classes = classes;
        }
        ProjectIndex { facts, problems: modules.problems, modules: modules.list.len() }
    }

    /// What the check may take of `read` for the file at `absolute`: a
    /// verdict of nothing to find was reached without the project's
    /// facts, and holds only when the project has none for the file.
    pub fn settled(&self, absolute: &Path, read: Read) -> Option<Read> {
        match read {
            Read::NothingToFind if self.facts_for(absolute).is_some() => None,
            read => Some(read),
        }
    }

    /// What the project says about the module at `absolute`.
    pub fn facts_for(&self, absolute: &Path) -> Option<&ProjectFacts> {
        self.facts.get(absolute.as_os_str())
    }

    /// The settings of the file at `absolute` with what the project says
    /// about it (a part of the cache key like the rest of them).
    pub fn with_facts(&self, settings: Arc<Settings>, absolute: &Path) -> Arc<Settings> {
        match self.facts_for(absolute) {
            Some(facts) => {
                Arc::new(Settings { project: facts.clone(), ..Settings::clone(&settings) })
            }
            None => settings,
        }
    }

    /// Configuration problems found while indexing (two files claiming one
    /// module name), one line each.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// How many modules the index holds.
    pub fn len(&self) -> usize {
        self.modules
    }

    pub fn is_empty(&self) -> bool {
        self.modules == 0
    }
}

/// The index of a session that outlives one run (the language server):
/// every module's record is kept, so that a saved file replaces its own
/// and the facts are derived again without reading the other files.
pub struct LiveIndex {
    files: Vec<ModuleFile>,
    records: Vec<Option<ModuleRecord>>,
    /// Each file's position in `files`, by absolute path.
    positions: PathMap<usize>,
    index: ProjectIndex,
}

impl LiveIndex {
    /// Reads and records the files (those that cannot be read have no
    /// record until they are saved).
    pub fn build(files: Vec<ModuleFile>) -> LiveIndex {
        let records: Vec<Option<ModuleRecord>> = files
            .par_iter()
            .map(|file| read_regular(&file.absolute).and_then(|bytes| record(&scan(&bytes))))
            .collect();
        let positions = files
            .iter()
            .enumerate()
            .map(|(position, file)| (file.absolute.clone().into_os_string(), position))
            .collect();
        let index = derive(&files, &records);
        LiveIndex { files, records, positions, index }
    }

    /// Each `file` now holds its text (saved or changed on disk, maybe new
    /// to the project), or is gone (`None`). Returns whether what the
    /// project says about any module changed: the documents checked with
    /// the old facts are then stale.
    pub fn update<'t>(
        &mut self,
        changed: impl IntoIterator<Item = (ModuleFile, Option<&'t [u8]>)>,
    ) -> bool {
        for (file, text) in changed {
            let record = text.and_then(|text| record(&scan(text)));
            match self.positions.get(file.absolute.as_os_str()) {
                Some(&position) => self.records[position] = record,
                None => {
                    let key = file.absolute.clone().into_os_string();
                    self.positions.insert(key, self.files.len());
                    self.files.push(file);
                    self.records.push(record);
                }
            }
        }
        let index = derive(&self.files, &self.records);
        let changed = index.facts != self.index.facts || index.problems != self.index.problems;
        self.index = index;
        changed
    }

    pub fn index(&self) -> &ProjectIndex {
        &self.index
    }

    /// The file at `absolute` was walked or saved as one of the modules.
    pub fn holds(&self, absolute: &Path) -> bool {
        self.positions.contains_key(absolute.as_os_str())
    }
}

/// The index of modules already recorded; the records are copied, since
/// deriving the edges consumes a record's imports.
fn derive(files: &[ModuleFile], records: &[Option<ModuleRecord>]) -> ProjectIndex {
    let mut modules = Modules::with_capacity(files.len());
    for (file, record) in files.iter().zip(records) {
        if let Some(record) = record {
            modules.add(file.clone(), record.clone());
        }
    }
    ProjectIndex::from_modules(modules)
}

/// `bytes`, when they fit in what is left of the budget.
fn keep(bytes: Vec<u8>, budget: &AtomicUsize) -> Option<Vec<u8>> {
    if bytes.len() > KEPT_FILE_BYTES {
        return None;
    }
    let taken = budget
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| left.checked_sub(bytes.len()));
    taken.is_ok().then_some(bytes)
}

/// The text of `bytes` when the check would read them as they are: UTF-8
/// without a NUL byte (which the check refuses).
fn as_text(bytes: &[u8]) -> Option<&str> {
    if memchr::memchr(0, bytes).is_some() {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

/// The bytes of a regular file: a FIFO or a device named `.py` would
/// block the read, or never end (the run reports it as such).
fn read_regular(path: &Path) -> Option<Vec<u8>> {
    let regular = std::fs::metadata(path).is_ok_and(|metadata| metadata.is_file());
    regular.then(|| std::fs::read(path).ok()).flatten()
}

#[cfg(test)]
mod tests;

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
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use crate::project::modules::ModuleFile;
use crate::project::modules::Modules;
use crate::project::record::{ModuleRecord, record};
use crate::rule::settings::ProjectFacts;
use crate::syntax::scan::scan;

/// The project's modules and what each import-time import reaches.
pub struct ProjectIndex {
    facts: HashMap<PathBuf, ProjectFacts>,
    problems: Vec<String>,
    modules: usize,
}

impl ProjectIndex {
    /// Reads and indexes the files (those that cannot be read are left to
    /// the run that checks them, which reports them).
    pub fn build(files: &[ModuleFile]) -> ProjectIndex {
        let records: Vec<Option<ModuleRecord>> = files
            .par_iter()
            .map(|file| read_regular(&file.absolute).and_then(|bytes| record(&scan(&bytes))))
            .collect();
        ProjectIndex::from_records(files.iter().zip(records))
    }

    /// The index of modules whose text is given, for tests and editors.
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (&'a ModuleFile, &'a str)>,
    ) -> ProjectIndex {
        ProjectIndex::from_records(
            sources.into_iter().map(|(file, text)| (file, record(&scan(text.as_bytes())))),
        )
    }

    fn from_records<'a>(
        records: impl IntoIterator<Item = (&'a ModuleFile, Option<ModuleRecord>)>,
    ) -> ProjectIndex {
        let mut modules = Modules::default();
        for (file, record) in records {
            if let Some(record) = record {
                modules.add(file, record);
            }
        }
        let classes = classes::facts(&modules);
        let edges = modules.edges();
        let mut facts = cycles::facts(&modules, &edges);
        for (path, classes) in classes {
            facts.entry(path).or_default().classes = classes;
        }
        ProjectIndex { facts, problems: modules.problems, modules: modules.list.len() }
    }

    /// What the project says about the module at `absolute`.
    pub fn facts_for(&self, absolute: &Path) -> Option<&ProjectFacts> {
        self.facts.get(absolute)
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

/// The bytes of a regular file: a FIFO or a device named `.py` would
/// block the read, or never end (the run reports it as such).
fn read_regular(path: &Path) -> Option<Vec<u8>> {
    let regular = std::fs::metadata(path).is_ok_and(|metadata| metadata.is_file());
    regular.then(|| std::fs::read(path).ok()).flatten()
}

#[cfg(test)]
mod tests;

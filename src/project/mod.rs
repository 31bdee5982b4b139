//! Whole-project knowledge: every module of the run, the imports that run
//! while it is imported, and the import cycles between the project's
//! modules. Built before any file is checked, from the files' tokens (no
//! parse), in parallel; a rule reads what concerns its own module in
//! `Settings::project`, so that a file's cached report is reused only
//! while what the project says about it is unchanged.
//!
//! Memory is a small record per module (its imports and top-level names),
//! never a tree.

mod cycles;
pub mod record;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::project::record::{ModuleRecord, name_hash, record};
use crate::rule::settings::{ModuleLocation, ProjectFacts};
use crate::syntax::scan::scan;

/// A file of the run, with where it sits among its packages.
pub struct ModuleFile {
    pub absolute: PathBuf,
    /// Its dotted name (`None`: no module name, as `run-tests.py`).
    name: Option<String>,
    in_package: bool,
    /// Its packages start at the project root or its `src/`.
    at_source_root: bool,
}

impl ModuleFile {
    pub fn new(absolute: PathBuf, location: &ModuleLocation) -> ModuleFile {
        let is_package = absolute.file_name().is_some_and(|name| name == "__init__.py");
        let packages = location
            .name
            .as_deref()
            .map_or(0, |name| name.split('.').count() - usize::from(!is_package));
        let folders = &location.folders;
        let at_source_root = folders.is_empty()
            || folders.len() == packages
            || (folders.len() == packages + 1 && folders[0] == "src");
        ModuleFile {
            absolute,
            name: location.name.clone(),
            in_package: location.in_package,
            at_source_root,
        }
    }
}

/// What the index holds of one module.
struct Module {
    absolute: PathBuf,
    name: String,
    /// The folder an import of the module's top-level package starts from
    /// (the folder that must be on `sys.path`), as an index into `roots`.
    root: usize,
    is_package: bool,
    in_package: bool,
    /// `root` is where the project's packages start: the project root or
    /// its `src/` (or no project root is known), not a folder inside
    /// another package or a vendored tree.
    at_source_root: bool,
    record: ModuleRecord,
}

/// One import-time import of a project module by another.
#[derive(Clone, Debug)]
struct Edge {
    /// Where the importing statement starts.
    at: u32,
    target: usize,
    /// `from target import name`, when `name` is not itself a module.
    name: Option<String>,
    /// In a `try` body: a failure there may be caught.
    guarded: bool,
}

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
        let edges = modules.edges();
        let facts = cycles::facts(&modules, &edges);
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

/// The modules, findable by their root and name.
#[derive(Default)]
struct Modules {
    list: Vec<Module>,
    roots: Vec<PathBuf>,
    root_ids: HashMap<PathBuf, usize>,
    /// (root, name's hash) → module; `None` when two files claim the name.
    /// Names are kept once, in `list`: the maps hold their hashes, and a
    /// lookup checks the name it finds.
    by_root: HashMap<(usize, u64), Option<usize>>,
    /// name's hash → the modules of that name under every root.
    by_name: HashMap<u64, Vec<usize>>,
    problems: Vec<String>,
}

impl Modules {
    fn add(&mut self, file: &ModuleFile, record: ModuleRecord) {
        let Some(name) = file.name.clone() else { return };
        let is_package = file.absolute.file_name().is_some_and(|name| name == "__init__.py");
        let depth = name.split('.').count() + usize::from(is_package);
        let Some(root) = file.absolute.ancestors().nth(depth) else { return };
        let root = match self.root_ids.get(root) {
            Some(&id) => id,
            None => {
                self.roots.push(root.to_path_buf());
                self.root_ids.insert(root.to_path_buf(), self.roots.len() - 1);
                self.roots.len() - 1
            }
        };
        let id = self.list.len();
        let hash = name_hash(&name);
        match self.by_root.get_mut(&(root, hash)) {
            Some(claimed) => {
                if let Some(first) = claimed.take() {
                    if let Some(named) = self.by_name.get_mut(&hash) {
                        named.retain(|&other| other != first);
                    }
                    self.problems.push(format!(
                        "`{}` and `{}` are both module `{name}`: imports of it are not followed",
                        self.list[first].absolute.display(),
                        file.absolute.display()
                    ));
                }
                return;
            }
            None => {
                self.by_root.insert((root, hash), Some(id));
            }
        }
        self.by_name.entry(hash).or_default().push(id);
        self.list.push(Module {
            absolute: file.absolute.clone(),
            name,
            root,
            is_package,
            in_package: file.in_package,
            at_source_root: file.at_source_root,
            record,
        });
    }

    /// The module `name` as seen from a module under `root`: the one under
    /// the same root, else the only module of that name in a package at a
    /// source root (a test folder importing the package under `src/`). A
    /// lone module elsewhere (an example script named `collections.py`) is
    /// on the import path only when it runs itself, and a package inside a
    /// vendored tree or a namespace package has another name.
    fn lookup(&self, root: usize, name: &str) -> Option<usize> {
        let hash = name_hash(name);
        if let Some(found) = self.by_root.get(&(root, hash)) {
            return found.filter(|&id| self.list[id].name == name);
        }
        match self.by_name.get(&hash).map(Vec::as_slice) {
            Some([only])
                if self.list[*only].in_package
                    && self.list[*only].at_source_root
                    && self.list[*only].name == name =>
            {
                Some(*only)
            }
            _ => None,
        }
    }

    /// `from package import name` where the package's code never binds
    /// `name`: a module of the package that the project has no source of
    /// (a compiled extension), not a read of the package. A star import in
    /// the package may bind any name, but not a private one (`_speedups`).
    fn unseen_submodule(&self, package: usize, name: &str) -> bool {
        let record = &self.list[package].record;
        let star_may_bind = record.any_name_from.is_some() && !name.starts_with('_');
        self.list[package].is_package
            && !record.dynamic_names
            && !star_may_bind
            && record.first_binding(name).is_none()
    }

    /// The package that holds module `id`, when the project has it.
    fn parent(&self, id: usize) -> Option<usize> {
        let module = &self.list[id];
        let parent = &module.name[..module.name.rfind('.')?];
        let found = self.by_root.get(&(module.root, name_hash(parent))).copied().flatten()?;
        (self.list[found].name == parent).then_some(found)
    }

    /// Each module's import-time imports of project modules, in source
    /// order. The imports as written are dropped as they are resolved: the
    /// edges are all the cycles need.
    fn edges(&mut self) -> Vec<Vec<Edge>> {
        let mut edges = Vec::with_capacity(self.list.len());
        for id in 0..self.list.len() {
            edges.push(self.edges_of(&self.list[id]));
            self.list[id].record.imports = Vec::new();
        }
        edges
    }

    fn edges_of(&self, module: &Module) -> Vec<Edge> {
        let location = ModuleLocation {
            name: Some(module.name.clone()),
            in_package: module.in_package,
            ..ModuleLocation::default()
        };
        let mut edges = Vec::new();
        for import in &module.record.imports {
            let Some(absolute) = location.absolute_import(&import.module, module.is_package) else {
                continue;
            };
            let (at, guarded) = (import.at, import.guarded);
            if import.names.is_empty() {
                // `import a.b.c` whose `a.b.c` the project has no source of
                // (an extension module) is not followed to `a.b`.
                if let Some(target) = self.lookup(module.root, &absolute) {
                    edges.push(Edge { at, target, name: None, guarded });
                }
                continue;
            }
            let Some(from) = self.lookup(module.root, &absolute) else { continue };
            for name in &import.names {
                if let Some(target) = self.lookup(module.root, &format!("{absolute}.{name}")) {
                    edges.push(Edge { at, target, name: None, guarded });
                } else if name == "*" {
                    edges.push(Edge { at, target: from, name: None, guarded });
                } else if !self.unseen_submodule(from, name) {
                    edges.push(Edge { at, target: from, name: Some(name.clone()), guarded });
                }
            }
        }
        edges
    }
}

#[cfg(test)]
mod tests;

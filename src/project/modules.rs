//! The modules of the index, found by the folder their imports start
//! from and their dotted name, and the imports between them resolved to
//! edges.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use foldhash::HashMap;
use rayon::prelude::*;

use crate::project::record::{ImportRecord, ModuleRecord, name_hash};
use crate::rule::settings::{self, ModuleLocation};

/// A file of the run, with where it sits among its packages. Made on every
/// core before the index is built: what the index derives from the path is
/// derived here, so that the serial part of the build only files it.
#[derive(Clone)]
pub struct ModuleFile {
    pub absolute: PathBuf,
    /// Its dotted name (`None`: no module name, as `run-tests.py`).
    name: Option<String>,
    in_package: bool,
    /// Its packages start at the project root or its `src/`.
    at_source_root: bool,
    is_package: bool,
    /// How many bytes of `absolute` name the folder that imports of its
    /// top-level package start from (`None`: the path is too short).
    root_len: Option<usize>,
}

impl ModuleFile {
    pub fn new(absolute: PathBuf, location: &ModuleLocation) -> ModuleFile {
        let is_package = absolute.file_name().is_some_and(|name| name == "__init__.py");
        let dotted =
            location.name.as_deref().map(|name| name.bytes().filter(|&b| b == b'.').count() + 1);
        let packages = dotted.map_or(0, |parts| parts - usize::from(!is_package));
        let folders = &location.folders;
        let at_source_root = folders.is_empty()
            || folders.len() == packages
            || (folders.len() == packages + 1 && folders[0] == "src");
        let root_len = dotted.and_then(|parts| {
            let root = ancestor(&absolute, parts + usize::from(is_package))?;
            Some(root.as_os_str().len())
        });
        ModuleFile {
            absolute,
            name: location.name.clone(),
            in_package: location.in_package,
            at_source_root,
            is_package,
            root_len,
        }
    }

    /// The folder imports of its top-level package start from.
    fn root(&self) -> Option<&OsStr> {
        prefix(self.absolute.as_os_str(), self.root_len?)
    }
}

/// `path` without its last `levels` components, as `Path::ancestors`
/// gives it. A plain absolute path (the resolver's) is cut at its last
/// separators: `Path` parses the whole path again at each level, which
/// on a monorepo of small modules cost more than recording them.
#[cfg(unix)]
fn ancestor(path: &Path, levels: usize) -> Option<&Path> {
    let bytes = path.as_os_str().as_encoded_bytes();
    let plain = bytes.first() == Some(&b'/')
        && !bytes.ends_with(b"/")
        && !bytes.windows(2).any(|pair| pair[0] == b'/' && matches!(pair[1], b'/' | b'.'));
    if !plain {
        return path.ancestors().nth(levels);
    }
    let mut end = bytes.len();
    for _ in 0..levels {
        end = memchr::memrchr(b'/', &bytes[..end])?;
    }
    // The root itself keeps its separator.
    prefix(path.as_os_str(), end.max(1)).map(Path::new)
}

#[cfg(not(unix))]
fn ancestor(path: &Path, levels: usize) -> Option<&Path> {
    path.ancestors().nth(levels)
}

/// The first `len` bytes of `path`, which end at a component's end.
#[cfg(unix)]
fn prefix(path: &OsStr, len: usize) -> Option<&OsStr> {
    use std::os::unix::ffi::OsStrExt;
    Some(OsStr::from_bytes(path.as_bytes().get(..len)?))
}

#[cfg(not(unix))]
fn prefix(path: &OsStr, len: usize) -> Option<&OsStr> {
    path.to_str()?.get(..len).map(OsStr::new)
}

/// What the index holds of one module.
pub(super) struct Module {
    pub(super) absolute: PathBuf,
    pub(super) name: String,
    /// The folder an import of the module's top-level package starts from
    /// (the folder that must be on `sys.path`), as an index into `roots`.
    pub(super) root: usize,
    pub(super) is_package: bool,
    pub(super) in_package: bool,
    /// `root` is where the project's packages start: the project root or
    /// its `src/` (or no project root is known), not a folder inside
    /// another package or a vendored tree.
    pub(super) at_source_root: bool,
    pub(super) record: ModuleRecord,
}

impl Module {
    /// The absolute name of the module that `written` (an import's module
    /// as written, maybe relative: `..util`) names from this module.
    pub(super) fn absolute_import(&self, written: &str) -> Option<String> {
        let own = self.in_package.then_some(self.name.as_str());
        settings::absolute_import(own, written, self.is_package)
    }
}

/// One import-time import of a project module by another.
#[derive(Clone, Debug)]
pub(super) struct Edge {
    /// Where the importing statement starts.
    pub(super) at: u32,
    pub(super) target: usize,
    /// `from target import name`, when `name` is not itself a module.
    pub(super) name: Option<String>,
    /// In a `try` body: a failure there may be caught.
    pub(super) guarded: bool,
}

/// The modules, findable by their root and name.
#[derive(Default)]
pub(super) struct Modules {
    pub(super) list: Vec<Module>,
    pub(super) roots: Vec<PathBuf>,
    /// Keyed by the path's bytes: `Path`'s own hash parses its components.
    pub(super) root_ids: HashMap<OsString, usize>,
    /// (root, name's hash) → module; `None` when two files claim the name.
    /// Names are kept once, in `list`: the maps hold their hashes, and a
    /// lookup checks the name it finds.
    pub(super) by_root: HashMap<(usize, u64), Option<usize>>,
    /// name's hash → the modules of that name under every root.
    pub(super) by_name: HashMap<u64, Vec<usize>>,
    pub(super) problems: Vec<String>,
    /// The root of the module added last.
    last_root: Option<usize>,
}

impl Modules {
    pub(super) fn with_capacity(capacity: usize) -> Modules {
        Modules { list: Vec::with_capacity(capacity), ..Modules::default() }
    }

    pub(super) fn add(&mut self, file: ModuleFile, record: ModuleRecord) {
        let Some(root) = file.root() else { return };
        // Files come in path order: most share the last file's root.
        let root = match self.last_root.filter(|&id| self.roots[id].as_os_str() == root) {
            Some(id) => id,
            None => match self.root_ids.get(root) {
                Some(&id) => id,
                None => {
                    self.roots.push(PathBuf::from(root));
                    self.root_ids.insert(root.to_os_string(), self.roots.len() - 1);
                    self.roots.len() - 1
                }
            },
        };
        self.last_root = Some(root);
        let Some(name) = file.name else { return };
        let is_package = file.is_package;
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
            absolute: file.absolute,
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
    pub(super) fn lookup(&self, root: usize, name: &str) -> Option<usize> {
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
    pub(super) fn parent(&self, id: usize) -> Option<usize> {
        let module = &self.list[id];
        let parent = &module.name[..module.name.rfind('.')?];
        let found = self.by_root.get(&(module.root, name_hash(parent))).copied().flatten()?;
        (self.list[found].name == parent).then_some(found)
    }

    /// Each module's import-time imports of project modules, in source
    /// order. The imports as written are dropped as they are resolved: the
    /// edges are all the cycles need.
    pub(super) fn edges(&mut self) -> Vec<Vec<Edge>> {
        let imports: Vec<Vec<ImportRecord>> =
            self.list.iter_mut().map(|module| std::mem::take(&mut module.record.imports)).collect();
        let modules = &*self;
        imports
            .into_par_iter()
            .enumerate()
            .map(|(id, imports)| modules.edges_of(&modules.list[id], &imports))
            .collect()
    }

    fn edges_of(&self, module: &Module, imports: &[ImportRecord]) -> Vec<Edge> {
        let mut edges = Vec::new();
        for import in imports {
            let Some(absolute) = module.absolute_import(import.module()) else {
                continue;
            };
            let (at, guarded) = (import.at, import.guarded);
            if !import.reads_names() {
                // `import a.b.c` whose `a.b.c` the project has no source of
                // (an extension module) is not followed to `a.b`.
                if let Some(target) = self.lookup(module.root, &absolute) {
                    edges.push(Edge { at, target, name: None, guarded });
                }
                continue;
            }
            // A namespace package has no file of its own, but its modules do.
            let from = self.lookup(module.root, &absolute);
            for name in import.names() {
                if let Some(target) = self.lookup(module.root, &format!("{absolute}.{name}")) {
                    edges.push(Edge { at, target, name: None, guarded });
                } else if let Some(from) = from {
                    if name == "*" {
                        edges.push(Edge { at, target: from, name: None, guarded });
                    } else if !self.unseen_submodule(from, name) {
                        edges.push(Edge {
                            at,
                            target: from,
                            name: Some(name.to_string()),
                            guarded,
                        });
                    }
                }
            }
        }
        edges
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_from_the_bytes_are_those_of_path() {
        let paths =
            ["/a/b/c.py", "/a.py", "/", "/a//b/c.py", "/a/./b.py", "/a/b/", "/x/.hidden/m.py"];
        for path in paths.map(Path::new) {
            for levels in 0..6 {
                assert_eq!(
                    ancestor(path, levels),
                    path.ancestors().nth(levels),
                    "{path:?} {levels}"
                );
            }
        }
    }
}

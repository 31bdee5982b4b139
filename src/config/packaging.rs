//! What a project's layout and packaging say about one module
//! ([`ModuleLocation`]): its dotted name, from the packages (folders with
//! an `__init__.py`) that hold it, and whether the project's packaging
//! declares it a command (`[project.scripts]`, `console_scripts`).
//!
//! These are facts about the code, not pyfix's configuration, so they are
//! read whatever the configuration discovery (`--isolated` included). Each
//! folder is looked at once per run.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use toml::de::{DeTable, DeValue};

use crate::rule::settings::ModuleLocation;

/// The files that make a folder a project root, whose entry points are read.
const PACKAGING_FILES: [&str; 3] = ["pyproject.toml", "setup.cfg", "setup.py"];

/// How far up a module's package chain and project root are looked for.
const MAX_DEPTH: usize = 64;

/// Reads packages and entry points, each folder once.
#[derive(Default)]
pub struct Packaging {
    /// Every file of the run is located, on all threads: after the first
    /// file of a folder, a location is one read of this map.
    state: RwLock<State>,
}

/// Folders by their path's bytes (`Path`'s own hash parses components).
type FolderMap<V> = HashMap<OsString, V, foldhash::fast::RandomState>;

#[derive(Default)]
struct State {
    /// Folder → it holds an `__init__.py`.
    packages: FolderMap<bool>,
    /// Folder → the modules its packaging files name as commands, or
    /// `None` when it has no packaging file.
    commands: FolderMap<Option<Arc<Vec<String>>>>,
    /// Folder → what all the modules in it share.
    folders: FolderMap<Arc<Folder>>,
}

/// What the modules of one folder share.
struct Folder {
    /// The packages that hold the folder's modules, innermost first (the
    /// folder itself first when it is one).
    packages: Vec<String>,
    /// The nearest folder at or above it with a packaging file, and the
    /// modules that file names as commands.
    root: Option<(PathBuf, Arc<Vec<String>>)>,
    /// The folders from below `root` down to this one, outermost first;
    /// empty without a root.
    below_root: Vec<String>,
}

impl Packaging {
    pub fn new() -> Packaging {
        Packaging::default()
    }

    /// Where the file at `absolute` sits: its module name, and whether the
    /// nearest project root above it declares it a command. The file need
    /// not exist. `src` are the folders imports start from, deepest first
    /// (the `src` setting): under one of them, folders without an
    /// `__init__.py` are namespace packages, part of the name.
    pub fn locate(&self, absolute: &Path, src: &[PathBuf]) -> ModuleLocation {
        let Some(folder) = absolute.parent().map(|parent| self.folder(parent)) else {
            return ModuleLocation::default();
        };
        let packages = module_parts(absolute, &folder);
        let (parts, in_package, folders) = match (packages, namespace_parts(absolute, src)) {
            // An `__init__.py` chain that reaches above the source folder
            // names the module from where it starts.
            (Some((parts, in_package)), Some((namespace, _))) if parts.len() >= namespace.len() => {
                (parts, in_package, folder.below_root.clone())
            }
            (_, Some((parts, folders))) => {
                (parts, !folders.is_empty() || is_init(absolute), folders)
            }
            (Some((parts, in_package)), None) => (parts, in_package, folder.below_root.clone()),
            (None, None) => return ModuleLocation::default(),
        };
        let name = parts.iter().rev().cloned().collect::<Vec<_>>().join(".");
        let command = is_command(absolute, &name, &folder);
        ModuleLocation { name: Some(name), in_package, command, folders }
    }

    /// What the modules in `path` share, found on its first module.
    fn folder(&self, path: &Path) -> Arc<Folder> {
        if let Some(known) = self.read().folders.get(path.as_os_str()) {
            return known.clone();
        }
        let packages = path
            .ancestors()
            .take(MAX_DEPTH)
            .map_while(|folder| {
                let name = folder.file_name()?.to_str()?;
                (is_identifier(name) && self.is_package(folder)).then(|| name.to_string())
            })
            .collect();
        let root = path
            .ancestors()
            .take(MAX_DEPTH)
            .find_map(|folder| Some((folder.to_path_buf(), self.commands_in(folder)?)));
        let below_root = match &root {
            Some((root, _)) => names_below(path, root),
            None => Vec::new(),
        };
        let folder = Arc::new(Folder { packages, root, below_root });
        self.write().folders.insert(path.as_os_str().to_os_string(), folder.clone());
        folder
    }

    fn is_package(&self, folder: &Path) -> bool {
        if let Some(&known) = self.read().packages.get(folder.as_os_str()) {
            return known;
        }
        let package = folder.join("__init__.py").is_file();
        self.write().packages.insert(folder.as_os_str().to_os_string(), package);
        package
    }

    fn commands_in(&self, folder: &Path) -> Option<Arc<Vec<String>>> {
        if let Some(known) = self.read().commands.get(folder.as_os_str()) {
            return known.clone();
        }
        let mut found = None;
        for file in PACKAGING_FILES {
            let Ok(text) = fs::read_to_string(folder.join(file)) else { continue };
            let modules = found.get_or_insert_with(Vec::new);
            modules.extend(match file {
                "pyproject.toml" => pyproject_commands(&text),
                "setup.cfg" => setup_cfg_commands(&text),
                _ => setup_py_commands(&text),
            });
        }
        let found = found.map(Arc::new);
        self.write().commands.insert(folder.as_os_str().to_os_string(), found.clone());
        found
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The parts of the module's dotted name from its packages, last first,
/// and whether a package holds it.
fn module_parts(absolute: &Path, folder: &Folder) -> Option<(Vec<String>, bool)> {
    let stem = module_stem(absolute.file_name()?.to_str()?)?;
    let mut parts = Vec::with_capacity(folder.packages.len() + 1);
    if stem != "__init__" {
        parts.push(stem.to_string());
    }
    parts.extend(folder.packages.iter().cloned());
    (!parts.is_empty()).then_some((parts, !folder.packages.is_empty()))
}

/// The names of the folders from below `root` down to `path`, outermost
/// first; empty when one is not UTF-8.
fn names_below(path: &Path, root: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for folder in path.ancestors().take_while(|folder| *folder != root) {
        match folder.file_name().and_then(|name| name.to_str()) {
            Some(name) => names.push(name.to_string()),
            None => return Vec::new(),
        }
    }
    names.reverse();
    names
}

/// The nearest folder above the file with a packaging file names the
/// module as a command: by its package name, or by its path from that
/// folder (or its `src/`), for namespace packages without `__init__.py`.
fn is_command(absolute: &Path, name: &str, folder: &Folder) -> bool {
    let Some((root, commands)) = &folder.root else { return false };
    if commands.is_empty() {
        return false;
    }
    let relative = |base: &Path| -> Option<String> {
        let path = absolute.strip_prefix(base).ok()?.with_extension("");
        let parts: Option<Vec<&str>> =
            path.components().map(|part| part.as_os_str().to_str()).collect();
        let mut parts = parts?;
        if parts.last() == Some(&"__init__") {
            parts.pop();
        }
        Some(parts.join("."))
    };
    let candidates = [Some(name.to_string()), relative(root), relative(&root.join("src"))];
    candidates.iter().flatten().any(|candidate| commands.contains(candidate))
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|first| first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// The module of an entry point's object reference: `mypkg.cli` in
/// `mypkg.cli:main` (or `mypkg.cli:main [extra]`).
fn entry_point_module(reference: &str) -> Option<String> {
    let module = reference.split(':').next()?.trim();
    let dotted = module.split('.').all(is_identifier);
    (dotted && !module.is_empty()).then(|| module.to_string())
}

/// `[project.scripts]`, `[project.gui-scripts]` and Poetry's
/// `[tool.poetry.scripts]`. A file that is not valid TOML names nothing.
pub fn pyproject_commands(text: &str) -> Vec<String> {
    let Ok(root) = DeTable::parse(text) else { return Vec::new() };
    let root = root.get_ref();
    let mut modules = Vec::new();
    for path in
        [&["project", "scripts"][..], &["project", "gui-scripts"], &["tool", "poetry", "scripts"]]
    {
        let Some(scripts) = section(root, path) else { continue };
        for (_, value) in scripts.iter() {
            let reference = match value.get_ref() {
                DeValue::String(reference) => Some(reference.to_string()),
                // Poetry: `name = { reference = "mod:main", type = "console" }`.
                DeValue::Table(entry) => ["reference", "callable"]
                    .iter()
                    .find_map(|key| entry.get(*key)?.get_ref().as_str().map(str::to_string)),
                _ => None,
            };
            modules.extend(reference.as_deref().and_then(entry_point_module));
        }
    }
    modules
}

/// The table at `path` (`["project", "scripts"]`), if it is one.
fn section<'a, 'i>(root: &'a DeTable<'i>, path: &[&str]) -> Option<&'a DeTable<'i>> {
    let mut current = root;
    for key in path {
        current = match current.get(*key)?.get_ref() {
            DeValue::Table(table) => table,
            _ => return None,
        };
    }
    Some(current)
}

/// `console_scripts` and `gui_scripts` of `[options.entry_points]`.
pub fn setup_cfg_commands(text: &str) -> Vec<String> {
    let mut modules = Vec::new();
    let mut in_section = false;
    let mut in_key = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if trimmed.starts_with('[') {
            in_section = trimmed == "[options.entry_points]";
            in_key = false;
            continue;
        }
        if !in_section {
            continue;
        }
        let value = if line.starts_with([' ', '\t']) {
            // A continuation line of the key above.
            if !in_key {
                continue;
            }
            trimmed
        } else {
            let Some((key, value)) = trimmed.split_once(['=', ':']) else { continue };
            in_key = matches!(key.trim(), "console_scripts" | "gui_scripts");
            if !in_key {
                continue;
            }
            value.trim()
        };
        if let Some((_, reference)) = value.split_once('=') {
            modules.extend(entry_point_module(reference));
        }
    }
    modules
}

/// The `name = module:function` strings of a `setup.py` that declares
/// `console_scripts` or `gui_scripts`.
pub fn setup_py_commands(text: &str) -> Vec<String> {
    if !text.contains("console_scripts") && !text.contains("gui_scripts") {
        return Vec::new();
    }
    let mut modules = Vec::new();
    for line in text.lines() {
        for quote in ['"', '\''] {
            let mut pieces = line.split(quote);
            pieces.next();
            // Every other piece is inside quotes.
            while let Some(inside) = pieces.next() {
                if let Some((name, reference)) = inside.split_once('=')
                    && reference.contains(':')
                    && !name.trim().is_empty()
                    && name.trim().chars().all(|c| c.is_alphanumeric() || "-_.".contains(c))
                {
                    modules.extend(entry_point_module(reference));
                }
                pieces.next();
            }
        }
    }
    modules
}

/// The parts of the module's name from the deepest `src` folder that holds
/// it, last first, and the folders between (outermost first): every
/// folder below a source folder is a package, with or without an
/// `__init__.py`. `None` outside them, or when a part is no identifier.
fn namespace_parts(absolute: &Path, src: &[PathBuf]) -> Option<(Vec<String>, Vec<String>)> {
    let relative = src.iter().find_map(|folder| absolute.strip_prefix(folder).ok())?;
    let mut names: Vec<String> = Vec::new();
    for component in relative.iter() {
        names.push(component.to_str()?.to_string());
    }
    let file_name = names.pop()?;
    let stem = module_stem(&file_name)?;
    if !names.iter().all(|name| is_identifier(name)) {
        return None;
    }
    let mut parts: Vec<String> = names.clone();
    if stem != "__init__" {
        parts.push(stem.to_string());
    }
    parts.reverse();
    (!parts.is_empty()).then_some((parts, names))
}

/// The module name a Python file's name gives (`cli` for `cli.py`,
/// `__init__` for a package's), when it is an identifier.
fn module_stem(file_name: &str) -> Option<&str> {
    let stem = [".py", ".pyi", ".pyw"].iter().find_map(|ext| file_name.strip_suffix(ext))?;
    is_identifier(stem).then_some(stem)
}

fn is_init(absolute: &Path) -> bool {
    absolute.file_stem().is_some_and(|stem| stem == "__init__")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_points_name_their_modules() {
        let pyproject = r#"
[project]
name = "tool"
[project.scripts]
tool = "tool.cli:main"
other = "tool.other:run [extra]"
[project.gui-scripts]
tool-gui = "tool.gui:main"
[tool.poetry.scripts]
poetry-tool = "tool.poetry_cli:main"
"#;
        let mut commands = pyproject_commands(pyproject);
        commands.sort();
        assert_eq!(commands, ["tool.cli", "tool.gui", "tool.other", "tool.poetry_cli"]);
        assert!(pyproject_commands("[project\nbroken").is_empty());

        let setup_cfg = "[metadata]\nname = tool\n\n[options.entry_points]\nconsole_scripts =\n    \
                         tool = tool.cli:main\n    tool2=tool.two:main\npytest11 =\n    plug = \
                         tool.plugin\n[other]\nx = y:z\n";
        assert_eq!(setup_cfg_commands(setup_cfg), ["tool.cli", "tool.two"]);

        let setup_py = "setup(\n    entry_points={\n        'console_scripts': [\n            \
                        'tool = tool.__main__:main',\n            \"t2=tool.b:c\",\n        ],\n    \
                        },\n)\n";
        assert_eq!(setup_py_commands(setup_py), ["tool.__main__", "tool.b"]);
        assert!(setup_py_commands("x = 'a = b:c'").is_empty());
    }

    #[test]
    fn a_module_is_named_by_its_packages_and_found_in_entry_points() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("src/tool/sub")).unwrap();
        fs::create_dir_all(root.join("scripts")).unwrap();
        fs::write(root.join("pyproject.toml"), "[project.scripts]\ntool = \"tool.cli:main\"\n")
            .unwrap();
        fs::write(root.join("src/tool/__init__.py"), "").unwrap();
        fs::write(root.join("src/tool/sub/__init__.py"), "").unwrap();
        let packaging = Packaging::new();

        let cli = packaging.locate(&root.join("src/tool/cli.py"), &[]);
        assert_eq!(cli.name.as_deref(), Some("tool.cli"));
        assert!(cli.command && cli.in_package);
        assert_eq!(cli.package_root(), Some("tool"));

        let deep = packaging.locate(&root.join("src/tool/sub/deep.py"), &[]);
        assert_eq!(deep.name.as_deref(), Some("tool.sub.deep"));
        assert!(!deep.command);

        let init = packaging.locate(&root.join("src/tool/__init__.py"), &[]);
        assert_eq!((init.name.as_deref(), init.in_package), (Some("tool"), true));

        let script = packaging.locate(&root.join("scripts/run.py"), &[]);
        assert_eq!(script.name.as_deref(), Some("run"));
        assert!(!script.in_package && !script.command);
        assert_eq!(script.package_root(), None);

        assert_eq!(packaging.locate(Path::new("-"), &[]), ModuleLocation::default());
    }

    #[test]
    fn under_a_source_folder_namespace_packages_are_part_of_the_name() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("src/company/billing")).unwrap();
        fs::create_dir_all(root.join("src/tool")).unwrap();
        fs::write(root.join("src/company/billing/__init__.py"), "").unwrap();
        fs::write(root.join("src/tool/__init__.py"), "").unwrap();
        let packaging = Packaging::new();
        let src = [root.join("src")];

        // `company` has no `__init__.py`: a namespace package, named only
        // when `src` says where imports start.
        let invoice = root.join("src/company/billing/invoice.py");
        assert_eq!(packaging.locate(&invoice, &[]).name.as_deref(), Some("billing.invoice"));
        let located = packaging.locate(&invoice, &src);
        assert_eq!(located.name.as_deref(), Some("company.billing.invoice"));
        assert!(located.in_package);
        assert_eq!(located.folders, ["company", "billing"]);

        let lone = packaging.locate(&root.join("src/company/settings.py"), &src);
        assert_eq!((lone.name.as_deref(), lone.in_package), (Some("company.settings"), true));
        let top = packaging.locate(&root.join("src/run.py"), &src);
        assert_eq!((top.name.as_deref(), top.in_package), (Some("run"), false));

        // A regular package reaching above the source folder keeps its name.
        let inner = [root.join("src/tool")];
        let cli = packaging.locate(&root.join("src/tool/cli.py"), &inner);
        assert_eq!(cli.name.as_deref(), Some("tool.cli"));
        // Outside every source folder, and with a folder that is no identifier.
        assert_eq!(
            packaging.locate(&root.join("docs/conf.py"), &src).name.as_deref(),
            Some("conf")
        );
        let dashed = packaging.locate(&root.join("src/my-tools/x.py"), &src);
        assert_eq!(dashed.name.as_deref(), Some("x"));
    }
}

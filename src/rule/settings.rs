//! What the rules see of the configuration: the target Python version and
//! the options some rules read. Where these come from (configuration files,
//! flags) is `config`'s business.

pub use crate::syntax::version::{PythonVersion, minimum_version};

/// Modules whose import costs a command-line tool noticeable start-up time (PF005).
pub const DEFAULT_HEAVY_MODULES: &[&str] = &[
    "pandas",
    "numpy",
    "scipy",
    "matplotlib",
    "torch",
    "tensorflow",
    "sklearn",
    "sympy",
    "polars",
    "pyarrow",
    "cv2",
    "transformers",
    "plotly",
    "seaborn",
    "requests",
    "boto3",
];

/// What the rules see of the configuration.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Settings {
    /// The oldest Python the code must run on; decides `X | None` or `Optional[X]`.
    pub target_version: PythonVersion,
    /// The target version was stated (flag, configuration or
    /// `requires-python`), not assumed: a fix may then rely on it.
    pub target_version_stated: bool,
    /// Top-level modules too slow to import at the start of a CLI (PF005).
    pub heavy_modules: Vec<String>,
    /// Codes of the rules whose fixes are not offered (`unfixable`):
    /// their findings are reported without a fix.
    pub unfixable: Vec<String>,
    /// Where the file sits among its project's packages (PF005): not
    /// configuration, but read from the file system as the settings of one
    /// file are resolved.
    pub module: ModuleLocation,
    /// What the whole project says about the module: read from every file
    /// of the run by the project index (`crate::project`), not from
    /// configuration. Empty without an index (standard input, the language
    /// server), and for a module in no import cycle.
    pub project: ProjectFacts,
}

/// What the project's layout and packaging say about one module.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ModuleLocation {
    /// The module's dotted name, from the chain of packages (folders with
    /// an `__init__.py`) that hold it: `mypkg.cli` for `src/mypkg/cli.py`
    /// when `src/mypkg/__init__.py` exists, `tool` for a lone `tool.py`.
    /// `None` when unknown (standard input without a file name).
    pub name: Option<String>,
    /// The module is in a package, or is one (`__init__.py`).
    pub in_package: bool,
    /// The project's packaging declares the module a command: a script of
    /// `[project.scripts]` or `[project.gui-scripts]` in `pyproject.toml`,
    /// or of `console_scripts` / `gui_scripts` entry points in `setup.cfg`
    /// or `setup.py` (`mytool = "mypkg.cli:main"` names `mypkg.cli`).
    pub command: bool,
    /// The folders between the project root (the nearest folder above the
    /// module with a `pyproject.toml`, `setup.cfg` or `setup.py`) and the
    /// module, outermost first, package folders included: `["tests",
    /// "functional"]` for `tests/functional/test_x.py`, `["tools", "pkg"]`
    /// for `tools/pkg/build.py`. Empty when no project root is found.
    pub folders: Vec<String>,
}

impl ModuleLocation {
    /// The top-level package the module belongs to (`mypkg` for
    /// `mypkg.cli`); `None` for a module outside any package.
    pub fn package_root(&self) -> Option<&str> {
        let name = self.name.as_deref().filter(|_| self.in_package)?;
        Some(name.split('.').next().unwrap_or(name))
    }

    /// The absolute name of the module an import in this module names:
    /// `written` as it stands after `from` or `import` (`..util.text`,
    /// `os.path`); `is_package` when this module is a package's
    /// `__init__.py`. `None` for a relative import that climbs above the
    /// top-level package, or when this module's name is unknown.
    pub fn absolute_import(&self, written: &str, is_package: bool) -> Option<String> {
        let package_module = self.name.as_deref().filter(|_| self.in_package);
        absolute_import(package_module, written, is_package)
    }
}

/// `written` (an import's module as written) resolved from the module
/// named `own`, given only when a package holds it: see
/// [`ModuleLocation::absolute_import`].
pub fn absolute_import(own: Option<&str>, written: &str, is_package: bool) -> Option<String> {
    let relative = written.trim_start_matches('.');
    let level = written.len() - relative.len();
    if level == 0 {
        return Some(written.to_string());
    }
    let own = own?;
    let mut parts: Vec<&str> = own.split('.').collect();
    // A module's package is its name less its last part; a package's
    // `__init__.py` is its own package.
    let climb = level - usize::from(is_package);
    if climb >= parts.len() {
        return None;
    }
    parts.truncate(parts.len() - climb);
    if !relative.is_empty() {
        parts.push(relative);
    }
    Some(parts.join("."))
}

/// What the project index knows about one module beyond its own text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProjectFacts {
    /// The module's import-time imports of modules that import it back,
    /// directly or through others, in the order of the imports.
    pub cycles: Vec<ImportCycle>,
    /// For a module that defines `__del__` in a class at module level: its
    /// module-level classes with a base defined in another project module,
    /// or (for those that define `__del__`) a subclass in another project
    /// module that binds `close`. In source order.
    pub classes: Vec<ClassFacts>,
}

/// What the project says about one module-level class of the module.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ClassFacts {
    pub name: String,
    /// Its positional bases (keyword arguments such as `metaclass=` left
    /// out) that are classes of other project modules.
    pub bases: Vec<BaseFacts>,
    /// The classes of other project modules that derive from it, directly
    /// or not, and bind `close` (`pkg.other.Sub`).
    pub subclasses_binding_close: Vec<String>,
}

/// A base class found in another project module, and its hierarchy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct BaseFacts {
    /// Its position among the class's positional bases.
    pub index: usize,
    /// Where it is defined: `pkg.base.Base`.
    pub class: String,
    /// The project classes of its hierarchy (itself first, then its bases,
    /// depth first) whose bodies bind something of `class_binds`, with
    /// those bits.
    pub binds: Vec<(String, u8)>,
    /// The bases of its hierarchy outside the project, by qualified name:
    /// `builtins.object`, `io.RawIOBase`.
    pub outside: Vec<String>,
    /// Part of its hierarchy could not be read: a class the tokens leave
    /// unclear, a base that is a call or comes through a star import.
    pub unknown: bool,
}

/// Bits of what a class body binds (`BaseFacts::binds`) (a method, an
/// assignment, `self.name = ...` in a method), read generously (a nested
/// `def close` counts too).
pub mod class_binds {
    pub const CLOSE: u8 = 1;
    /// `__enter__` or `__exit__`.
    pub const ENTER_EXIT: u8 = 1 << 1;
    /// `__aenter__` or `__aexit__`.
    pub const AENTER_AEXIT: u8 = 1 << 2;
    pub const DEL: u8 = 1 << 3;
    pub const SETATTR: u8 = 1 << 4;
    /// `__getattr__` or `__getattribute__`.
    pub const GETATTR: u8 = 1 << 5;
    /// The tokens cannot say what the class is or binds: it is defined
    /// conditionally or more than once, decorated (a decorator may return
    /// another class), rebound later, built from `*bases`, or its body
    /// calls `setattr`.
    pub const UNCLEAR: u8 = 1 << 6;
}

/// One import-time import in an import cycle.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImportCycle {
    /// The module the import runs and reads: `pkg.b` for `import pkg.b`,
    /// `from pkg.b import x` and, when `b` is a module, `from pkg import b`.
    pub imported: String,
    /// A shortest cycle through the import, from this module back to it:
    /// `["pkg.a", "pkg.b", "pkg.a"]`.
    pub path: Vec<String>,
    /// How the cycle fails while the modules are imported, if it does.
    pub failure: Option<CycleFailure>,
}

/// An import order in which a cycle fails: `from module import name` in
/// `importer` runs while `module` is only partly run and has not yet
/// defined `name` ("cannot import name ... from partially initialized
/// module").
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CycleFailure {
    /// The module whose import, when it is the first of the cycle's to be
    /// imported, fails.
    pub entry: String,
    pub importer: String,
    pub module: String,
    pub name: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            target_version: PythonVersion::DEFAULT,
            target_version_stated: false,
            heavy_modules: DEFAULT_HEAVY_MODULES.iter().map(|name| name.to_string()).collect(),
            unfixable: Vec::new(),
            module: ModuleLocation::default(),
            project: ProjectFacts::default(),
        }
    }
}

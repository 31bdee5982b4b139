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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            target_version: PythonVersion::DEFAULT,
            target_version_stated: false,
            heavy_modules: DEFAULT_HEAVY_MODULES.iter().map(|name| name.to_string()).collect(),
            unfixable: Vec::new(),
            module: ModuleLocation::default(),
        }
    }
}

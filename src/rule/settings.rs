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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            target_version: PythonVersion::DEFAULT,
            target_version_stated: false,
            heavy_modules: DEFAULT_HEAVY_MODULES.iter().map(|name| name.to_string()).collect(),
            unfixable: Vec::new(),
        }
    }
}

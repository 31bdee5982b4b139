//! Per-file settings. Today: the target Python version, read from
//! `requires-python` in the nearest `pyproject.toml` above the file.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A Python version, `(3, 10)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PythonVersion(pub u32, pub u32);

impl PythonVersion {
    pub const DEFAULT: PythonVersion = PythonVersion(3, 10);
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Settings {
    /// The oldest Python the code must run on; decides `X | None` or `Optional[X]`.
    pub target_version: PythonVersion,
    /// Modules slow to import, which a command-line tool should import only
    /// in the functions that use them (PF005). A name covers its submodules.
    pub heavy_modules: Vec<String>,
}

/// The default `heavy_modules`: imports that take a noticeable part of a second.
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

impl Default for Settings {
    fn default() -> Self {
        Settings {
            target_version: PythonVersion::DEFAULT,
            heavy_modules: DEFAULT_HEAVY_MODULES.iter().map(|name| name.to_string()).collect(),
        }
    }
}

/// Finds the settings for each file, reading each `pyproject.toml` once.
#[derive(Default)]
pub struct Resolver {
    by_directory: Mutex<HashMap<PathBuf, Arc<Settings>>>,
}

impl Resolver {
    pub fn for_file(&self, file: &Path) -> Arc<Settings> {
        let directory = file
            .parent()
            .filter(|dir| !dir.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let directory = fs::canonicalize(directory).unwrap_or_else(|_| directory.to_path_buf());
        self.for_directory(&directory)
    }

    fn for_directory(&self, directory: &Path) -> Arc<Settings> {
        if let Some(found) = self.lock().get(directory) {
            return found.clone();
        }
        let settings = match read_pyproject(directory) {
            Some(settings) => Arc::new(settings),
            None => match directory.parent() {
                Some(parent) => self.for_directory(parent),
                None => Arc::new(Settings::default()),
            },
        };
        self.lock().insert(directory.to_path_buf(), settings.clone());
        settings
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Arc<Settings>>> {
        // A panic while holding the lock leaves a usable map: recover it.
        self.by_directory.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Settings from `directory/pyproject.toml`, if that file exists. A file that
/// cannot be parsed gives the defaults rather than stopping the run.
fn read_pyproject(directory: &Path) -> Option<Settings> {
    let text = fs::read_to_string(directory.join("pyproject.toml")).ok()?;
    let table: toml::Table = toml::from_str(&text).unwrap_or_default();
    let target_version = table
        .get("project")
        .and_then(|project| project.get("requires-python"))
        .and_then(|value| value.as_str())
        .and_then(minimum_version)
        .unwrap_or(PythonVersion::DEFAULT);
    Some(Settings { target_version, ..Settings::default() })
}

/// The lowest version a `requires-python` specifier admits: `>=3.8,<4` is 3.8,
/// `~=3.9` is 3.9, `==3.11.*` is 3.11. `>3.7` is 3.7: it admits 3.7.1, and
/// patch releases add no syntax.
pub fn minimum_version(specifier: &str) -> Option<PythonVersion> {
    specifier
        .split(',')
        .filter_map(|clause| {
            let version = clause.trim().trim_start_matches(['>', '=', '~']);
            if version.len() == clause.trim().len() || clause.trim().starts_with("=>") {
                return None;
            }
            let mut parts = version.trim().split('.');
            let major = parts.next()?.trim().parse().ok()?;
            let minor = match parts.next().map(str::trim) {
                None | Some("*") => 0,
                Some(minor) => minor.parse().ok()?,
            };
            Some(PythonVersion(major, minor))
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_lower_bound_of_requires_python() {
        assert_eq!(minimum_version(">=3.8"), Some(PythonVersion(3, 8)));
        assert_eq!(minimum_version(">=3.8, <4"), Some(PythonVersion(3, 8)));
        assert_eq!(minimum_version("~=3.9"), Some(PythonVersion(3, 9)));
        assert_eq!(minimum_version(">3.7"), Some(PythonVersion(3, 7)));
        assert_eq!(minimum_version("==3.11.*"), Some(PythonVersion(3, 11)));
        assert_eq!(minimum_version("<4"), None);
    }
}

//! What the rules see of the configuration: the target Python version and
//! the options some rules read. Where these come from (configuration files,
//! flags) is `config`'s business.

use std::fmt;

/// A Python version, `(3, 10)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PythonVersion(pub u32, pub u32);

impl PythonVersion {
    pub const DEFAULT: PythonVersion = PythonVersion(3, 10);

    /// `py38` (ruff's spelling) as `(3, 8)`.
    pub fn from_target(text: &str) -> Option<PythonVersion> {
        let digits = text.strip_prefix("py3")?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(PythonVersion(3, digits.parse().ok()?))
    }
}

impl fmt::Display for PythonVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "py{}{}", self.0, self.1)
    }
}

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
    /// Top-level modules too slow to import at the start of a CLI (PF005).
    pub heavy_modules: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            target_version: PythonVersion::DEFAULT,
            heavy_modules: DEFAULT_HEAVY_MODULES.iter().map(|name| name.to_string()).collect(),
        }
    }
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

    #[test]
    fn reads_target_versions() {
        assert_eq!(PythonVersion::from_target("py38"), Some(PythonVersion(3, 8)));
        assert_eq!(PythonVersion::from_target("py312"), Some(PythonVersion(3, 12)));
        assert_eq!(PythonVersion::from_target("3.8"), None);
        assert_eq!(PythonVersion::from_target("py3"), None);
        assert_eq!(PythonVersion(3, 12).to_string(), "py312");
    }
}

//! Python versions: the target a file must run on decides what syntax it
//! may use (`except A, B:` is Python 3.14) and what a fix may write
//! (`X | None` needs 3.10).

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

/// The lowest version a `requires-python` specifier admits: `>=3.8,<4` is
/// 3.8, `~=3.9` is 3.9, `==3.11.*` is 3.11. `>3.7` is 3.7: it admits 3.7.1,
/// and patch releases add no syntax. `Ok(None)` for a specifier without a
/// lower bound (`<4`); an error, saying why, for one that is not a PEP 440
/// version specifier.
pub fn minimum_version(specifier: &str) -> Result<Option<PythonVersion>, String> {
    let mut lowest = None;
    for clause in specifier.split(',').map(str::trim) {
        let (operator, version) = split_operator(clause).ok_or_else(|| {
            format!("`{clause}` does not start with a comparison (`>=`, `~=`, ...)")
        })?;
        let parsed = parse_release(version)
            .ok_or_else(|| format!("`{version}` in `{clause}` is not a version"))?;
        if matches!(operator, ">=" | ">" | "~=" | "==" | "===") {
            lowest = lowest.max(Some(parsed));
        }
    }
    Ok(lowest)
}

/// `>=3.8` as (`>=`, `3.8`).
fn split_operator(clause: &str) -> Option<(&str, &str)> {
    ["===", ">=", "<=", "==", "!=", "~=", ">", "<"]
        .into_iter()
        .find_map(|operator| Some((operator, clause.strip_prefix(operator)?.trim())))
}

/// The major and minor numbers of a release (`3.11`, `3.11.4`, `3.*`,
/// `3.12.0rc1`); `None` when it is not one.
fn parse_release(version: &str) -> Option<PythonVersion> {
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = match parts.next() {
        None | Some("*") => 0,
        Some(minor) => minor.parse().ok()?,
    };
    let rest_is_release = parts.all(|part| {
        part == "*" || part.bytes().next().is_some_and(|b| b.is_ascii_digit()) && part.is_ascii()
    });
    rest_is_release.then_some(PythonVersion(major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_lower_bound_of_requires_python() {
        assert_eq!(minimum_version(">=3.8"), Ok(Some(PythonVersion(3, 8))));
        assert_eq!(minimum_version(">=3.8, <4"), Ok(Some(PythonVersion(3, 8))));
        assert_eq!(minimum_version("~=3.9"), Ok(Some(PythonVersion(3, 9))));
        assert_eq!(minimum_version(">3.7"), Ok(Some(PythonVersion(3, 7))));
        assert_eq!(minimum_version("==3.11.*"), Ok(Some(PythonVersion(3, 11))));
        assert_eq!(minimum_version(">= 3.10.0rc1"), Ok(Some(PythonVersion(3, 10))));
        assert_eq!(minimum_version("<4"), Ok(None));
        assert_eq!(minimum_version("!=3.9.*, >=3.8"), Ok(Some(PythonVersion(3, 8))));
        for garbage in ["3.8", "=>3.8", ">=three", ">=3.x", ""] {
            assert!(minimum_version(garbage).is_err(), "{garbage}");
        }
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

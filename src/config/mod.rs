//! Configuration files: `[tool.pyfix]` in a `pyproject.toml`, or the top
//! level of a `pyfix.toml` / `.pyfix.toml` (which win over `pyproject.toml`
//! in the same directory, as ruff's `ruff.toml` does). Every key is checked
//! here: an unknown key, a value of the wrong type or an unknown rule is an
//! error that names the file, the line and the key.

use std::fmt;
use std::fs;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub mod codemods;
pub mod packaging;
pub mod resolver;

use crate::rule::Registry;
use crate::rule::settings::{PythonVersion, minimum_version};

/// The default `exclude`: directories never entered unless named on the
/// command line (or a configuration's `exclude` replaces them).
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pyenv",
    ".pyfix_cache",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pycache__",
    "__pypackages__",
    "_build",
    "buck-out",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
];

/// The files that can hold a configuration, in the order they win within
/// one directory.
pub const CONFIG_FILES: [&str; 3] = [".pyfix.toml", "pyfix.toml", "pyproject.toml"];

/// The keys a configuration may set, as they are written.
pub const KEYS: &[&str] = &[
    "select",
    "extend-select",
    "fixable",
    "extend-fixable",
    "unfixable",
    "ignore",
    "per-file-ignores",
    "extend-per-file-ignores",
    "unsafe-fixes",
    "exclude",
    "extend-exclude",
    "force-exclude",
    "target-version",
    "heavy-modules",
    "extend-heavy-modules",
    "docs-url",
    "src",
    "rule-dirs",
    "codemods",
];

/// The options one configuration sets; `None` where it says nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub fixable: Option<Vec<String>>,
    pub extend_fixable: Vec<String>,
    pub unfixable: Vec<String>,
    pub ignore: Vec<String>,
    pub per_file_ignores: Option<Vec<(String, Vec<String>)>>,
    pub extend_per_file_ignores: Vec<(String, Vec<String>)>,
    pub unsafe_fixes: Option<bool>,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Vec<String>,
    pub force_exclude: Option<bool>,
    pub target_version: Option<PythonVersion>,
    pub heavy_modules: Option<Vec<String>>,
    pub extend_heavy_modules: Vec<String>,
    /// Where the rule pages are published (`https://.../docs/rules`): the
    /// JSON and SARIF outputs link each rule's page under it.
    pub docs_url: Option<String>,
    /// The folders imports start from (ruff's `src`), relative to the
    /// configuration's directory: a module's name is its path from the
    /// deepest one, through folders without `__init__.py` too.
    pub src: Option<Vec<String>>,
    /// Where custom rules are (read by `codemods::discover` before the
    /// rest, since selectors may name them).
    pub rule_dirs: Vec<String>,
    /// Named migrations: a name and the rules it runs, in order.
    pub codemods: Vec<(String, Vec<String>)>,
}

/// A configuration file that was found and read.
#[derive(Clone, Debug)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub options: Options,
    /// `requires-python` of the `pyproject.toml` in the same directory.
    pub requires_python: Option<PythonVersion>,
}

/// Why a configuration file cannot be used. Displays as one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl ConfigError {
    pub(crate) fn new(path: &Path, line: Option<usize>, message: impl Into<String>) -> ConfigError {
        ConfigError { path: path.to_path_buf(), line, message: message.into() }
    }

    /// The reason, without the path: `line 3: unknown key ...`.
    pub fn reason(&self) -> String {
        match self.line {
            Some(line) => format!("line {line}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: error: {}", self.path.display(), self.reason())
    }
}

/// What a directory holds: its configuration, if any, and whether it has a
/// `pyproject.toml` (whose `requires-python` counts even without `[tool.pyfix]`).
pub struct DirectoryConfig {
    pub config: Option<ConfigFile>,
    pub pyproject: Option<Option<PythonVersion>>,
}

/// Looks for configuration in `directory` (not its parents).
pub fn find_in(directory: &Path, registry: Registry) -> Result<DirectoryConfig, ConfigError> {
    let pyproject_path = directory.join("pyproject.toml");
    let pyproject = match read_optional(&pyproject_path)? {
        Some(text) => Some(Pyproject::parse(&pyproject_path, &text, registry)?),
        None => None,
    };
    let requires_python = pyproject.as_ref().and_then(|p| p.requires_python);
    for name in &CONFIG_FILES[..2] {
        let path = directory.join(name);
        if let Some(text) = read_optional(&path)? {
            let options = parse_pyfix_toml(&path, &text, registry)?;
            return Ok(DirectoryConfig {
                config: Some(ConfigFile { path, options, requires_python }),
                pyproject: pyproject.map(|p| p.requires_python),
            });
        }
    }
    let config = pyproject.as_ref().and_then(|p| p.options.clone()).map(|options| ConfigFile {
        path: pyproject_path,
        options,
        requires_python,
    });
    Ok(DirectoryConfig { config, pyproject: pyproject.map(|p| p.requires_python) })
}

/// Reads the file `--config` names. A `pyproject.toml` without
/// `[tool.pyfix]` is accepted and sets nothing but its `requires-python`.
pub fn load(path: &Path, registry: Registry) -> Result<ConfigFile, ConfigError> {
    let text = fs::read_to_string(path).map_err(|err| {
        ConfigError::new(path, None, format!("cannot read configuration: {}", plain(&err)))
    })?;
    let is_pyproject = path.file_name().is_some_and(|name| name == "pyproject.toml");
    if is_pyproject {
        let pyproject = Pyproject::parse(path, &text, registry)?;
        return Ok(ConfigFile {
            path: path.to_path_buf(),
            options: pyproject.options.unwrap_or_default(),
            requires_python: pyproject.requires_python,
        });
    }
    let requires_python = path
        .parent()
        .map(|dir| dir.join("pyproject.toml"))
        .and_then(|pyproject| fs::read_to_string(&pyproject).ok().map(|text| (pyproject, text)))
        .and_then(|(pyproject, text)| Pyproject::parse(&pyproject, &text, registry).ok())
        .and_then(|pyproject| pyproject.requires_python);
    let options = parse_pyfix_toml(path, &text, registry)?;
    Ok(ConfigFile { path: path.to_path_buf(), options, requires_python })
}

/// `--config 'KEY = VALUE'`: one option given inline, as ruff allows.
pub fn parse_inline(text: &str, registry: Registry) -> Result<Options, ConfigError> {
    parse_pyfix_toml(Path::new("--config"), text, registry)
}

fn read_optional(path: &Path) -> Result<Option<String>, ConfigError> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(err)
            if matches!(err.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) =>
        {
            Ok(None)
        }
        // A directory named `pyproject.toml` is not a configuration.
        Err(_) if path.is_dir() => Ok(None),
        Err(err) => {
            Err(ConfigError::new(path, None, format!("cannot read configuration: {}", plain(&err))))
        }
    }
}

pub(crate) fn plain(err: &io::Error) -> String {
    let text = err.to_string();
    text.split(" (os error").next().unwrap_or(&text).to_string()
}

/// What pyfix reads from a `pyproject.toml`.
struct Pyproject {
    options: Option<Options>,
    requires_python: Option<PythonVersion>,
}

impl Pyproject {
    /// A `pyproject.toml` that is not valid TOML is an error only when it
    /// mentions pyfix: a broken file of another tool's is not ours to judge.
    fn parse(path: &Path, text: &str, registry: Registry) -> Result<Pyproject, ConfigError> {
        let root = match DeTable::parse(text) {
            Ok(root) => root,
            Err(_) if !text.contains("pyfix") => {
                return Ok(Pyproject { options: None, requires_python: None });
            }
            Err(err) => return Err(toml_error(path, text, &err)),
        };
        let root = root.get_ref();
        let requires_python = match root
            .get("project")
            .and_then(|project| table(project.get_ref()))
            .and_then(|project| project.get("requires-python"))
        {
            Some(value) => requires_python(path, text, value)?,
            None => None,
        };
        let tool = root.get("tool").map(|tool| tool.get_ref());
        let section = match tool.and_then(table).and_then(|tool| tool.get("pyfix")) {
            Some(section) => section,
            None => return Ok(Pyproject { options: None, requires_python }),
        };
        let reader = Reader { path, text, prefix: "tool.pyfix.", registry };
        let Some(section_table) = table(section.get_ref()) else {
            return Err(reader.error(section.span(), "`tool.pyfix` must be a table"));
        };
        Ok(Pyproject { options: Some(reader.options(section_table)?), requires_python })
    }
}

/// `project.requires-python`, which decides the target version when no
/// configuration sets one: a value pyfix cannot read is an error, not a
/// silent fall back to the default (which could let a fix write syntax the
/// project's oldest Python rejects).
fn requires_python(
    path: &Path,
    text: &str,
    value: &Value<'_>,
) -> Result<Option<PythonVersion>, ConfigError> {
    let error = |why: String| {
        let message = format!(
            "cannot read `project.requires-python`: {why}; write a PEP 440 specifier such as \
             \">=3.9\", or set `target-version`"
        );
        ConfigError::new(path, Some(line_of(text, value.span().start)), message)
    };
    let specifier = value.get_ref().as_str().ok_or_else(|| error("it is not a string".into()))?;
    minimum_version(specifier).map_err(error)
}

fn parse_pyfix_toml(path: &Path, text: &str, registry: Registry) -> Result<Options, ConfigError> {
    let root = DeTable::parse(text).map_err(|err| toml_error(path, text, &err))?;
    Reader { path, text, prefix: "", registry }.options(root.get_ref())
}

pub(crate) fn toml_error(path: &Path, text: &str, err: &toml::de::Error) -> ConfigError {
    let line = err.span().map(|span| line_of(text, span.start));
    let message = err.message().lines().next().unwrap_or("invalid TOML").trim().to_string();
    ConfigError::new(path, line, format!("invalid TOML: {message}"))
}

pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

pub(crate) fn table<'a, 'i>(value: &'a DeValue<'i>) -> Option<&'a DeTable<'i>> {
    match value {
        DeValue::Table(table) => Some(table),
        _ => None,
    }
}

/// Turns one configuration table into `Options`, with errors that point at
/// the key or value at fault.
struct Reader<'a> {
    path: &'a Path,
    text: &'a str,
    /// `tool.pyfix.` in a `pyproject.toml`, nothing in a `pyfix.toml`.
    prefix: &'static str,
    /// The rules a selector may name.
    registry: Registry,
}

type Value<'i> = Spanned<DeValue<'i>>;

impl Reader<'_> {
    fn error(&self, span: Range<usize>, message: impl Into<String>) -> ConfigError {
        ConfigError::new(self.path, Some(line_of(self.text, span.start)), message)
    }

    fn options(&self, table: &DeTable<'_>) -> Result<Options, ConfigError> {
        let mut options = Options::default();
        for (key, value) in table.iter() {
            let name = key.get_ref().as_ref();
            match name {
                "select" => options.select = Some(self.rules(name, value)?),
                "extend-select" => options.extend_select = self.rules(name, value)?,
                "fixable" => options.fixable = Some(self.rules(name, value)?),
                "extend-fixable" => options.extend_fixable = self.rules(name, value)?,
                "unfixable" => options.unfixable = self.rules(name, value)?,
                "ignore" => options.ignore = self.rules(name, value)?,
                "per-file-ignores" => {
                    options.per_file_ignores = Some(self.per_file_ignores(name, value)?)
                }
                "extend-per-file-ignores" => {
                    options.extend_per_file_ignores = self.per_file_ignores(name, value)?
                }
                "unsafe-fixes" => options.unsafe_fixes = Some(self.boolean(name, value)?),
                "exclude" => options.exclude = Some(self.globs(name, value)?),
                "extend-exclude" => options.extend_exclude = self.globs(name, value)?,
                "force-exclude" => options.force_exclude = Some(self.boolean(name, value)?),
                "target-version" => {
                    options.target_version = Some(self.target_version(name, value)?)
                }
                "heavy-modules" => options.heavy_modules = Some(self.strings(name, value)?),
                "extend-heavy-modules" => {
                    options.extend_heavy_modules = self.strings(name, value)?
                }
                "docs-url" => options.docs_url = Some(self.absolute_url(name, value)?),
                "src" => options.src = Some(self.strings(name, value)?),
                "rule-dirs" => options.rule_dirs = self.strings(name, value)?,
                "codemods" => options.codemods = codemod_table(self.path, self.text, value)?,
                _ => return Err(self.unknown_key(name, key.span())),
            }
        }
        Ok(options)
    }

    fn unknown_key(&self, name: &str, span: Range<usize>) -> ConfigError {
        let hint = KEYS
            .iter()
            .find(|known| close_to(name, known))
            .map(|known| format!(" (did you mean `{}{known}`?)", self.prefix))
            .unwrap_or_else(|| format!("; known keys: {}", KEYS.join(", ")));
        self.error(span, format!("unknown key `{}{name}`{hint}", self.prefix))
    }

    fn boolean(&self, name: &str, value: &Value<'_>) -> Result<bool, ConfigError> {
        value.get_ref().as_bool().ok_or_else(|| {
            self.error(value.span(), format!("`{}{name}` must be true or false", self.prefix))
        })
    }

    /// An absolute URL (`https://...`): SARIF takes no other in `helpUri`.
    fn absolute_url(&self, name: &str, value: &Value<'_>) -> Result<String, ConfigError> {
        let url = value.get_ref().as_str().filter(|url| {
            url.split_once("://").is_some_and(|(scheme, rest)| {
                !scheme.is_empty()
                    && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                    && !rest.is_empty()
                    && !url.contains(char::is_whitespace)
            })
        });
        url.map(str::to_string).ok_or_else(|| {
            self.error(
                value.span(),
                format!("`{}{name}` must be an absolute URL such as \"https://...\"", self.prefix),
            )
        })
    }

    fn strings(&self, name: &str, value: &Value<'_>) -> Result<Vec<String>, ConfigError> {
        let wrong = || {
            self.error(value.span(), format!("`{}{name}` must be a list of strings", self.prefix))
        };
        let DeValue::Array(items) = value.get_ref() else { return Err(wrong()) };
        items
            .iter()
            .map(|item| item.get_ref().as_str().map(str::to_string).ok_or_else(wrong))
            .collect()
    }

    /// A list of glob patterns, each of which must compile.
    fn globs(&self, name: &str, value: &Value<'_>) -> Result<Vec<String>, ConfigError> {
        let patterns = self.strings(name, value)?;
        for pattern in &patterns {
            if let Err(err) = globset::Glob::new(pattern.trim_start_matches('!')) {
                return Err(
                    self.error(value.span(), format!("bad glob in `{}{name}`: {err}", self.prefix))
                );
            }
        }
        Ok(patterns)
    }

    /// A list of rule selectors, each of which must name at least one rule.
    fn rules(&self, name: &str, value: &Value<'_>) -> Result<Vec<String>, ConfigError> {
        let selectors = self.strings(name, value)?;
        for selector in &selectors {
            if !self.registry.knows(selector) {
                return Err(self.error(
                    value.span(),
                    format!(
                        "unknown rule `{selector}` in `{}{name}` (see `pyfix --list-rules`)",
                        self.prefix
                    ),
                ));
            }
        }
        Ok(selectors)
    }

    fn per_file_ignores(
        &self,
        name: &str,
        value: &Value<'_>,
    ) -> Result<Vec<(String, Vec<String>)>, ConfigError> {
        let Some(entries) = table(value.get_ref()) else {
            return Err(self.error(
                value.span(),
                format!("`{}{name}` must be a table of glob = [rules]", self.prefix),
            ));
        };
        entries
            .iter()
            .map(|(pattern, rules)| {
                if let Err(err) = globset::Glob::new(pattern.get_ref().trim_start_matches('!')) {
                    return Err(self.error(
                        pattern.span(),
                        format!("bad glob in `{}{name}`: {err}", self.prefix),
                    ));
                }
                let key = format!("{name}.\"{}\"", pattern.get_ref());
                Ok((pattern.get_ref().to_string(), self.rules(&key, rules)?))
            })
            .collect()
    }

    fn target_version(&self, name: &str, value: &Value<'_>) -> Result<PythonVersion, ConfigError> {
        value.get_ref().as_str().and_then(PythonVersion::from_target).ok_or_else(|| {
            self.error(
                value.span(),
                format!("`{}{name}` must be a version like \"py38\" or \"py312\"", self.prefix),
            )
        })
    }
}

/// `[codemods]`: `name = ["rule-id", "CODE", ...]`.
pub(crate) fn codemod_table(
    path: &Path,
    text: &str,
    value: &Spanned<DeValue<'_>>,
) -> Result<Vec<(String, Vec<String>)>, ConfigError> {
    let error = |span: Range<usize>| {
        ConfigError::new(
            path,
            Some(line_of(text, span.start)),
            "`codemods` must be a table of name = [rule ids or codes]",
        )
    };
    let Some(entries) = table(value.get_ref()) else { return Err(error(value.span())) };
    let mut codemods = Vec::new();
    for (name, rules) in entries.iter() {
        let DeValue::Array(items) = rules.get_ref() else { return Err(error(rules.span())) };
        let rules: Option<Vec<String>> =
            items.iter().map(|item| item.get_ref().as_str().map(str::to_string)).collect();
        let rules = rules.ok_or_else(|| error(name.span()))?;
        if rules.is_empty() {
            return Err(ConfigError::new(
                path,
                Some(line_of(text, name.span().start)),
                format!("codemod `{}` runs no rule", name.get_ref()),
            ));
        }
        codemods.push((name.get_ref().to_string(), rules));
    }
    Ok(codemods)
}

/// A likely typo: same length give or take one, and at most two letters apart.
fn close_to(typed: &str, known: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (typed.chars().collect(), known.chars().collect());
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current.push((previous[j] + cost).min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()] <= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::registry::testing::REGISTRY;

    fn parse(text: &str) -> Result<Options, ConfigError> {
        parse_pyfix_toml(Path::new("pyfix.toml"), text, REGISTRY)
    }

    #[test]
    fn reads_every_key() {
        let options = parse(
            "select = [\"PF\"]\nextend-select = [\"PF001\"]\nignore = [\"mutable-default\"]\n\
             unsafe-fixes = true\nexclude = [\"a\"]\nextend-exclude = [\"b\"]\nforce-exclude = true\n\
             target-version = \"py38\"\nheavy-modules = [\"x\"]\nextend-heavy-modules = [\"y\"]\n\
             [per-file-ignores]\n\"tests/*\" = [\"PF001\"]\n",
        )
        .unwrap();
        assert_eq!(options.select, Some(vec!["PF".to_string()]));
        assert_eq!(options.target_version, Some(PythonVersion(3, 8)));
        assert_eq!(
            options.per_file_ignores,
            Some(vec![("tests/*".to_string(), vec!["PF001".to_string()])])
        );
        assert_eq!(options.unsafe_fixes, Some(true));
    }

    #[test]
    fn errors_name_the_line_and_the_key() {
        let err = parse("select = [\"PF\"]\nselct = []\n").unwrap_err();
        assert_eq!(err.reason(), "line 2: unknown key `selct` (did you mean `select`?)");
        let err = parse("ignore = [\"PF999\"]\n").unwrap_err();
        assert!(
            err.reason().starts_with("line 1: unknown rule `PF999` in `ignore`"),
            "{}",
            err.reason()
        );
        let err = parse("target-version = \"3.8\"\n").unwrap_err();
        assert!(err.reason().contains("must be a version like"), "{}", err.reason());
        let err = parse("select = \"PF001\"\n").unwrap_err();
        assert!(err.reason().contains("must be a list of strings"), "{}", err.reason());
        let err = parse("select = [\n").unwrap_err();
        assert!(err.reason().starts_with("line "), "{}", err.reason());
    }

    #[test]
    fn a_pyproject_without_a_pyfix_section_sets_nothing() {
        let pyproject = Pyproject::parse(
            Path::new("pyproject.toml"),
            "[project]\nrequires-python = \">=3.9\"\n",
            REGISTRY,
        )
        .unwrap();
        assert!(pyproject.options.is_none());
        assert_eq!(pyproject.requires_python, Some(PythonVersion(3, 9)));
        let broken = Pyproject::parse(Path::new("pyproject.toml"), "[project\n", REGISTRY).unwrap();
        assert!(broken.options.is_none());
        assert!(Pyproject::parse(Path::new("pyproject.toml"), "[tool.pyfix\n", REGISTRY).is_err());
        let err =
            Pyproject::parse(Path::new("pyproject.toml"), "[tool.pyfix]\nfoo = 1\n", REGISTRY)
                .err()
                .unwrap();
        assert!(
            err.reason().starts_with("line 2: unknown key `tool.pyfix.foo`; known keys: select"),
            "{}",
            err.reason()
        );
    }

    #[test]
    fn an_unreadable_requires_python_is_an_error_naming_the_value() {
        let text = "[project]\nname = \"x\"\nrequires-python = \">=3.x\"\n";
        let err = Pyproject::parse(Path::new("pyproject.toml"), text, REGISTRY).err().unwrap();
        assert_eq!(err.path, Path::new("pyproject.toml"));
        assert!(
            err.reason().starts_with("line 3: cannot read `project.requires-python`: `3.x`"),
            "{}",
            err.reason()
        );
        let text = "[project]\nrequires-python = 3.9\n";
        let err = Pyproject::parse(Path::new("pyproject.toml"), text, REGISTRY).err().unwrap();
        assert!(err.reason().contains("it is not a string"), "{}", err.reason());
        let no_lower_bound = "[project]\nrequires-python = \"<4\"\n";
        let pyproject =
            Pyproject::parse(Path::new("pyproject.toml"), no_lower_bound, REGISTRY).unwrap();
        assert_eq!(pyproject.requires_python, None);
    }
}

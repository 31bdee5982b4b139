//! Per-file settings. Each file is governed by the closest configuration
//! file above it (see `config`): its rules, its exclusions, its target
//! Python version. Parent configurations are not merged in, as in ruff.
//! Command-line flags override every configuration file.
//!
//! The `Resolver` runs for every file, so it reads each directory once and
//! keeps the answer.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use globset::{Glob, GlobMatcher};

use crate::config::packaging::Packaging;
use crate::config::{self, ConfigError, ConfigFile, DEFAULT_EXCLUDES, Options};
use crate::rule::Transform;
use crate::rule::registry::{Registry, selector_matches};
use crate::rule::settings::{DEFAULT_HEAVY_MODULES, ModuleLocation, PythonVersion, Settings};

/// Values given on the command line; they override every configuration.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// What the flags set (`--select`, `--unsafe-fixes`, `--exclude`, ...),
    /// as a configuration would say it; they win over everything.
    pub flags: Options,
    /// `--config 'KEY = VALUE'` options, applied over each configuration.
    pub inline: Options,
}

/// Where configuration comes from.
#[derive(Clone, Debug)]
pub enum Discovery {
    /// The closest configuration above each file (the default).
    Hierarchical,
    /// `--config PATH`: that file for every file.
    Fixed(PathBuf),
    /// `--isolated`: no configuration file at all.
    Isolated,
}

/// A glob from `exclude` or `per-file-ignores`. As in ruff, it matches a
/// path when it matches the file's name, or its absolute path with the
/// pattern taken relative to the directory of the file that set it.
#[derive(Clone, Debug)]
pub struct PathPattern {
    pub text: String,
    negated: bool,
    by_name: GlobMatcher,
    by_path: GlobMatcher,
}

impl PathPattern {
    fn new(text: &str, base: &Path) -> Option<PathPattern> {
        let (negated, pattern) = match text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let absolute = if Path::new(pattern).is_absolute() {
            pattern.to_string()
        } else {
            let base = globset::escape(&base.to_string_lossy());
            format!("{}/{}", base.trim_end_matches('/'), pattern.trim_start_matches("./"))
        };
        Some(PathPattern {
            text: text.to_string(),
            negated,
            by_name: Glob::new(pattern).ok()?.compile_matcher(),
            by_path: Glob::new(&absolute).ok()?.compile_matcher(),
        })
    }

    fn matches(&self, absolute: &Path) -> bool {
        let by_name = absolute.file_name().is_some_and(|name| self.by_name.is_match(name));
        (by_name || self.by_path.is_match(absolute)) != self.negated
    }
}

/// Everything that applies to the files under one configuration.
pub struct Project {
    /// The configuration file, or `None` for the defaults.
    pub config_file: Option<PathBuf>,
    /// The directory relative patterns start from.
    pub root: PathBuf,
    pub settings: Arc<Settings>,
    /// Where the target version came from, for `--show-settings`.
    pub target_version_source: String,
    /// The rules enabled before `per-file-ignores`.
    pub rules: Vec<&'static dyn Transform>,
    pub unsafe_fixes: bool,
    pub force_exclude: bool,
    pub exclude: Vec<PathPattern>,
    pub per_file_ignores: Vec<(PathPattern, Vec<String>)>,
    /// `docs-url`: where the rule pages are published, if anywhere.
    pub docs_url: Option<String>,
    /// `src`: the folders imports start from, deepest first.
    pub src: Vec<PathBuf>,
    /// Where modules sit among packages, shared by every project of a run.
    packaging: Arc<Packaging>,
}

impl Project {
    /// The settings of one file: the project's, with where the file sits
    /// among its packages and whether the packaging makes it a command.
    pub fn settings_for(&self, absolute: &Path) -> Arc<Settings> {
        let module = self.module_for(absolute);
        if module == self.settings.module {
            return self.settings.clone();
        }
        Arc::new(Settings { module, ..Settings::clone(&self.settings) })
    }

    /// Where the file at `absolute` sits among its packages: its settings'
    /// `module`, without the copy of the rest of them.
    pub fn module_for(&self, absolute: &Path) -> ModuleLocation {
        self.packaging.locate(absolute, &self.src)
    }

    /// The rules for one file: the project's, less its `per-file-ignores`
    /// and the custom rules whose `files` globs leave it out.
    pub fn rules_for(&self, absolute: &Path) -> Vec<&'static dyn Transform> {
        let ignored: Vec<&String> = self
            .per_file_ignores
            .iter()
            .filter(|(pattern, _)| pattern.matches(absolute))
            .flat_map(|(_, selectors)| selectors)
            .collect();
        if ignored.is_empty() && self.rules.iter().all(|rule| rule.applies_to(absolute)) {
            return self.rules.clone();
        }
        self.rules
            .iter()
            .copied()
            .filter(|rule| !ignored.iter().any(|selector| selector_matches(selector, *rule)))
            .filter(|rule| rule.applies_to(absolute))
            .collect()
    }

    /// True when `absolute` (a file or a directory) matches `exclude`.
    pub fn is_excluded(&self, absolute: &Path) -> bool {
        self.exclude.iter().any(|pattern| pattern.matches(absolute))
    }

    /// True when `absolute` or one of its folders below the project root is
    /// excluded: what `--force-exclude` applies to a path named on the command line.
    pub fn is_excluded_with_ancestors(&self, absolute: &Path) -> bool {
        absolute
            .ancestors()
            .take_while(|path| *path != self.root && path.starts_with(&self.root))
            .any(|path| self.is_excluded(path))
            || (!absolute.starts_with(&self.root) && self.is_excluded(absolute))
    }

    fn build(
        config: Option<&ConfigFile>,
        root: &Path,
        requires_python: Option<(PathBuf, Option<PythonVersion>)>,
        overrides: &Overrides,
        cwd: &Path,
        registry: Registry,
        packaging: Arc<Packaging>,
    ) -> Project {
        let empty = Options::default();
        let options = config.map_or(&empty, |config| &config.options);
        let inline = &overrides.inline;
        let flags = &overrides.flags;
        // In rising priority: the file, `--config KEY=VALUE`, the flags.
        let sources = [options, inline, flags];

        let (target_version, target_version_source) = if let Some(version) = flags.target_version {
            (version, "--target-version".to_string())
        } else if let Some(version) = inline.target_version {
            (version, "--config".to_string())
        } else if let Some(version) = options.target_version {
            (version, format!("target-version in {}", show(config.map(|c| c.path.as_path()))))
        } else if let Some(version) = config.and_then(|config| config.requires_python) {
            let pyproject = root.join("pyproject.toml");
            (version, format!("requires-python in {}", pyproject.display()))
        } else if let Some((pyproject, Some(version))) =
            requires_python.filter(|_| config.is_none())
        {
            (version, format!("requires-python in {}", pyproject.display()))
        } else {
            (PythonVersion::DEFAULT, "default".to_string())
        };

        let mut heavy_modules: Vec<String> =
            inline.heavy_modules.clone().or_else(|| options.heavy_modules.clone()).unwrap_or_else(
                || DEFAULT_HEAVY_MODULES.iter().map(|name| name.to_string()).collect(),
            );
        heavy_modules.extend(options.extend_heavy_modules.iter().cloned());
        heavy_modules.extend(inline.extend_heavy_modules.iter().cloned());

        let layers = sources.map(Layer::selection);
        // Which rules may fix, resolved as the selection is (ruff's
        // `fixable`, `extend-fixable`, `unfixable`).
        let fix_layers = sources.map(Layer::fixability);
        let fixable = resolve_rules(&fix_layers, registry);
        let unfixable: Vec<String> = registry
            .rules()
            .iter()
            .filter(|rule| !fixable.iter().any(|fixes| fixes.code() == rule.code()))
            .map(|rule| rule.code().to_string())
            .collect();

        // Patterns from the command line are relative to the working
        // directory; those of a file, to its directory (ruff's rule).
        let patterns = |texts: &[String], base: &Path| -> Vec<PathPattern> {
            texts.iter().filter_map(|text| PathPattern::new(text, base)).collect()
        };
        let defaults: Vec<String> = DEFAULT_EXCLUDES.iter().map(|name| name.to_string()).collect();
        let mut exclude = match (&flags.exclude, &inline.exclude, &options.exclude) {
            (Some(cli), _, _) => patterns(cli, cwd),
            (None, Some(inline), _) => patterns(inline, cwd),
            (None, None, Some(own)) => patterns(own, root),
            (None, None, None) => patterns(&defaults, root),
        };
        exclude.extend(patterns(&options.extend_exclude, root));
        exclude.extend(patterns(&inline.extend_exclude, cwd));
        exclude.extend(patterns(&flags.extend_exclude, cwd));

        let per_file =
            |entries: &[(String, Vec<String>)], base: &Path| -> Vec<(PathPattern, Vec<String>)> {
                entries
                    .iter()
                    .filter_map(|(pattern, rules)| {
                        Some((PathPattern::new(pattern, base)?, rules.clone()))
                    })
                    .collect()
            };
        let mut per_file_ignores = match (&inline.per_file_ignores, &options.per_file_ignores) {
            (Some(inline), _) => per_file(inline, cwd),
            (None, Some(own)) => per_file(own, root),
            (None, None) => Vec::new(),
        };
        per_file_ignores.extend(per_file(&options.extend_per_file_ignores, root));
        per_file_ignores.extend(per_file(&inline.extend_per_file_ignores, cwd));

        let mut src: Vec<PathBuf> = match (&inline.src, &options.src) {
            (Some(inline), _) => source_roots(inline, cwd),
            (None, Some(own)) => source_roots(own, root),
            (None, None) => Vec::new(),
        };
        src.sort_by_key(|folder| std::cmp::Reverse(folder.components().count()));

        Project {
            config_file: config.map(|config| config.path.clone()),
            root: root.to_path_buf(),
            settings: Arc::new(Settings {
                target_version,
                target_version_stated: target_version_source != "default",
                heavy_modules,
                unfixable,
                module: Default::default(),
                project: Default::default(),
            }),
            target_version_source,
            rules: resolve_rules(&layers, registry),
            unsafe_fixes: sources
                .iter()
                .rev()
                .find_map(|source| source.unsafe_fixes)
                .unwrap_or(false),
            force_exclude: sources
                .iter()
                .rev()
                .find_map(|source| source.force_exclude)
                .unwrap_or(false),
            exclude,
            per_file_ignores,
            docs_url: sources.iter().rev().find_map(|source| source.docs_url.clone()),
            src,
            packaging,
        }
    }

    /// The resolved settings as TOML, with comments saying where they come
    /// from: what `--show-settings` prints.
    pub fn describe(&self, file: &Path, rules: &[&'static dyn Transform]) -> String {
        let quote = |text: &str| format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""));
        let list = |items: Vec<String>| format!("[{}]", items.join(", "));
        let mut out = String::new();
        out.push_str(&format!("# Settings for {}\n", file.display()));
        out.push_str(&format!("# Configuration file: {}\n", show(self.config_file.as_deref())));
        out.push_str(&format!("# Project root: {}\n", self.root.display()));
        let module = self.packaging.locate(file, &self.src);
        if let Some(name) = &module.name {
            let command =
                if module.command { " (a command of the project's packaging)" } else { "" };
            out.push_str(&format!("# Module: {name}{command}\n"));
        }
        out.push_str(&format!(
            "target-version = {}  # {}\n",
            quote(&self.settings.target_version.to_string()),
            self.target_version_source
        ));
        out.push_str(&format!(
            "select = {}  # the rules that run on this file\n",
            list(rules.iter().map(|rule| quote(rule.code())).collect())
        ));
        out.push_str(&format!(
            "unfixable = {}  # reported without a fix\n",
            list(self.settings.unfixable.iter().map(|code| quote(code)).collect())
        ));
        out.push_str(&format!("unsafe-fixes = {}\n", self.unsafe_fixes));
        out.push_str(&format!("force-exclude = {}\n", self.force_exclude));
        out.push_str(&format!(
            "exclude = {}\n",
            list(self.exclude.iter().map(|pattern| quote(&pattern.text)).collect())
        ));
        out.push_str(&format!(
            "heavy-modules = {}\n",
            list(self.settings.heavy_modules.iter().map(|name| quote(name)).collect())
        ));
        if !self.src.is_empty() {
            let folders = self.src.iter().map(|folder| quote(&folder.display().to_string()));
            out.push_str(&format!("src = {}\n", list(folders.collect())));
        }
        if let Some(url) = &self.docs_url {
            out.push_str(&format!("docs-url = {}\n", quote(url)));
        }
        out.push_str("\n[per-file-ignores]\n");
        for (pattern, rules) in &self.per_file_ignores {
            let matched = if pattern.matches(file) { "  # matches this file" } else { "" };
            out.push_str(&format!(
                "{} = {}{matched}\n",
                quote(&pattern.text),
                list(rules.iter().map(|rule| quote(rule)).collect())
            ));
        }
        out
    }
}

fn show(path: Option<&Path>) -> String {
    path.map_or_else(|| "none (defaults)".to_string(), |path| path.display().to_string())
}

/// One source of rule selection: a configuration file, `--config` inline
/// options, or the command line, in rising priority.
struct Layer<'a> {
    select: Option<&'a [String]>,
    extend_select: &'a [String],
    ignore: &'a [String],
}

impl<'a> Layer<'a> {
    /// The rules a source selects: `select`, `extend-select`, `ignore`.
    fn selection(options: &'a Options) -> Layer<'a> {
        Layer {
            select: options.select.as_deref(),
            extend_select: &options.extend_select,
            ignore: &options.ignore,
        }
    }

    /// The rules a source lets fix: `fixable`, `extend-fixable`, `unfixable`.
    fn fixability(options: &'a Options) -> Layer<'a> {
        Layer {
            select: options.fixable.as_deref(),
            extend_select: &options.extend_fixable,
            ignore: &options.unfixable,
        }
    }
}

/// ruff's resolution: a layer with `select` starts afresh from it, a layer
/// without one adjusts what the layers below enabled. Within a layer the
/// most specific selector decides a rule (a code beats a prefix beats
/// `ALL`), and `ignore` wins a tie.
fn resolve_rules(layers: &[Layer<'_>], registry: Registry) -> Vec<&'static dyn Transform> {
    registry
        .rules()
        .iter()
        .copied()
        .filter(|rule| {
            let mut enabled = true;
            for layer in layers {
                let fallback = if layer.select.is_some() { false } else { enabled };
                let selected = layer.select.unwrap_or_default().iter().chain(layer.extend_select);
                let best = selected
                    .filter(|selector| selector_matches(selector, *rule))
                    .map(|selector| (specificity(selector, registry), false))
                    .chain(
                        layer
                            .ignore
                            .iter()
                            .filter(|selector| selector_matches(selector, *rule))
                            .map(|selector| (specificity(selector, registry), true)),
                    )
                    .max();
                enabled = match best {
                    Some((_, ignored)) => !ignored,
                    None => fallback,
                };
            }
            enabled
        })
        .collect()
}

fn specificity(selector: &str, registry: Registry) -> usize {
    let selector = selector.trim();
    if selector.eq_ignore_ascii_case("ALL") {
        0
    } else if registry.rules().iter().any(|rule| rule.name() == selector) {
        usize::MAX
    } else {
        selector.len()
    }
}

/// What one directory resolves to: the directory of its closest
/// configuration, and of its closest `pyproject.toml`.
#[derive(Clone, Debug, Default)]
struct Nearest {
    config: Option<PathBuf>,
    pyproject: Option<PathBuf>,
}

/// Finds the settings for each file, reading each directory once.
pub struct Resolver {
    overrides: Overrides,
    cwd: PathBuf,
    /// The one project for `--config` and `--isolated`.
    fixed: Option<Arc<Project>>,
    /// The rules selectors may name.
    registry: Registry,
    packaging: Arc<Packaging>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Per directory: what it holds, read once.
    found: HashMap<PathBuf, Result<Arc<DirectoryEntry>, ConfigError>>,
    nearest: HashMap<PathBuf, Nearest>,
    projects: HashMap<(Option<PathBuf>, Option<PathBuf>), Arc<Project>>,
    canonical: HashMap<PathBuf, PathBuf>,
    errors: Vec<ConfigError>,
}

struct DirectoryEntry {
    config: Option<ConfigFile>,
    requires_python: Option<Option<PythonVersion>>,
}

impl Resolver {
    /// A resolver; `--config PATH` is read now, so that a bad file stops the
    /// run before any file is touched.
    pub fn new(
        discovery: Discovery,
        overrides: Overrides,
        registry: Registry,
    ) -> Result<Resolver, ConfigError> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
        let packaging = Arc::new(Packaging::new());
        let fixed = match &discovery {
            Discovery::Hierarchical => None,
            Discovery::Fixed(path) => {
                let config = config::load(path, registry)?;
                Some(Arc::new(Project::build(
                    Some(&config),
                    &cwd,
                    None,
                    &overrides,
                    &cwd,
                    registry,
                    packaging.clone(),
                )))
            }
            Discovery::Isolated => Some(Arc::new(Project::build(
                None,
                &cwd,
                None,
                &overrides,
                &cwd,
                registry,
                packaging.clone(),
            ))),
        };
        Ok(Resolver {
            overrides,
            cwd,
            fixed,
            registry,
            packaging,
            state: Mutex::new(State::default()),
        })
    }

    /// The project that governs `file`, and the file's absolute path. A file
    /// need not exist (`--stdin-filename`).
    pub fn for_file(&self, file: &Path) -> Result<(Arc<Project>, PathBuf), ConfigError> {
        let absolute = self.absolute(file);
        let directory = absolute.parent().unwrap_or(&absolute).to_path_buf();
        Ok((self.for_directory(&directory)?, absolute))
    }

    /// The project for files in `directory` (absolute, as `absolute` makes it).
    pub fn for_directory(&self, directory: &Path) -> Result<Arc<Project>, ConfigError> {
        if let Some(project) = &self.fixed {
            return Ok(project.clone());
        }
        let nearest = self.nearest(directory)?;
        // With a configuration, a `pyproject.toml` below it changes nothing.
        let key = match &nearest.config {
            Some(config) => (Some(config.clone()), None),
            None => (None, nearest.pyproject.clone()),
        };
        if let Some(project) = self.lock().projects.get(&key) {
            return Ok(project.clone());
        }
        let config_entry = match &nearest.config {
            Some(dir) => Some(self.entry(dir)?),
            None => None,
        };
        let requires_python = match &nearest.pyproject {
            Some(dir) => {
                Some((dir.join("pyproject.toml"), self.entry(dir)?.requires_python.flatten()))
            }
            None => None,
        };
        let config = config_entry.as_ref().and_then(|entry| entry.config.as_ref());
        let root = nearest.config.as_deref().unwrap_or(&self.cwd);
        let project = Arc::new(Project::build(
            config,
            root,
            requires_python,
            &self.overrides,
            &self.cwd,
            self.registry,
            self.packaging.clone(),
        ));
        self.lock().projects.insert(key, project.clone());
        Ok(project)
    }

    /// Every configuration error met so far, each once.
    pub fn errors(&self) -> Vec<ConfigError> {
        self.lock().errors.clone()
    }

    /// The closest configuration and `pyproject.toml` at or above `directory`,
    /// found by climbing (no recursion) and remembered for every directory on the way.
    fn nearest(&self, directory: &Path) -> Result<Nearest, ConfigError> {
        let mut climbed = Vec::new();
        let mut inherited = Nearest::default();
        for dir in directory.ancestors() {
            if let Some(known) = self.lock().nearest.get(dir) {
                inherited = known.clone();
                break;
            }
            climbed.push(dir.to_path_buf());
        }
        // Fill in from the top down: each directory inherits what its
        // parent found unless it has its own.
        for dir in climbed.iter().rev() {
            let entry = self.entry(dir)?;
            let mut own = inherited.clone();
            if entry.config.is_some() {
                own.config = Some(dir.clone());
            }
            if entry.requires_python.is_some() {
                own.pyproject = Some(dir.clone());
            }
            self.lock().nearest.insert(dir.clone(), own.clone());
            inherited = own;
        }
        Ok(inherited)
    }

    fn entry(&self, dir: &Path) -> Result<Arc<DirectoryEntry>, ConfigError> {
        if let Some(found) = self.lock().found.get(dir) {
            return found.clone();
        }
        let found = config::find_in(dir, self.registry).map(|found| {
            Arc::new(DirectoryEntry { config: found.config, requires_python: found.pyproject })
        });
        let mut state = self.lock();
        if let Err(err) = &found {
            state.errors.push(err.clone());
        }
        state.found.insert(dir.to_path_buf(), found.clone());
        found
    }

    /// `path` made absolute: its folder with symbolic links resolved (once
    /// per folder), then its name. A path that does not exist is made
    /// absolute by hand.
    pub fn absolute(&self, path: &Path) -> PathBuf {
        let joined = if path.is_absolute() { path.to_path_buf() } else { self.cwd.join(path) };
        let normal = normalise(&joined);
        let (Some(parent), Some(name)) = (normal.parent(), normal.file_name()) else {
            return normal;
        };
        if let Some(known) = self.lock().canonical.get(parent) {
            return known.join(name);
        }
        let canonical = self.canonical_folder(parent);
        self.lock().canonical.insert(parent.to_path_buf(), canonical.clone());
        canonical.join(name)
    }

    /// `folder` with symbolic links resolved. A walk meets a folder after
    /// its parent: when the parent is known and the folder is no link, one
    /// `lstat` replaces resolving every component of the path again.
    fn canonical_folder(&self, folder: &Path) -> PathBuf {
        let known_parent = match (folder.parent(), folder.file_name()) {
            (Some(parent), Some(name)) => {
                self.lock().canonical.get(parent).map(|known| known.join(name))
            }
            _ => None,
        };
        if let Some(joined) = known_parent
            && std::fs::symlink_metadata(folder).is_ok_and(|meta| meta.is_dir())
        {
            return joined;
        }
        std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves usable maps: recover them.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// `src` folders as absolute paths, with symbolic links resolved as the
/// files' own paths are (a folder that does not exist is kept as written).
fn source_roots(texts: &[String], base: &Path) -> Vec<PathBuf> {
    texts
        .iter()
        .map(|text| {
            let folder = normalise(&base.join(text));
            std::fs::canonicalize(&folder).unwrap_or(folder)
        })
        .collect()
}

/// Removes `.` and `..` components without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::registry::testing::REGISTRY;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| item.to_string()).collect()
    }

    fn codes(layers: &[Layer<'_>]) -> Vec<&'static str> {
        resolve_rules(layers, REGISTRY).iter().map(|rule| rule.code()).collect()
    }

    #[test]
    fn the_most_specific_selector_wins_and_the_command_line_starts_afresh() {
        let all: Vec<&str> = REGISTRY.rules().iter().map(|rule| rule.code()).collect();
        let none: [String; 0] = [];
        let pf001 = strings(&["PF001"]);
        let prefix = strings(&["PF"]);
        // ignore = ["PF"], select = ["PF001"]: the code is more specific.
        let layer = Layer { select: Some(&pf001), extend_select: &none, ignore: &prefix };
        assert_eq!(codes(&[layer]), vec!["PF001"]);
        // Same specificity: ignore wins.
        let layer = Layer { select: Some(&pf001), extend_select: &none, ignore: &pf001 };
        assert!(codes(&[layer]).is_empty());
        // The configuration ignores PF001; `--select PF001` brings it back.
        let config = Layer { select: None, extend_select: &none, ignore: &pf001 };
        let cli = Layer { select: Some(&pf001), extend_select: &none, ignore: &none };
        assert_eq!(codes(&[config, cli]), vec!["PF001"]);
        // `--extend-select` adds to what the configuration left.
        let config = Layer { select: None, extend_select: &none, ignore: &pf001 };
        let cli = Layer { select: None, extend_select: &none, ignore: &none };
        let expected: Vec<&str> = all.iter().copied().filter(|code| *code != "PF001").collect();
        assert_eq!(codes(&[config, cli]), expected);
    }

    #[test]
    fn patterns_match_names_and_paths_below_their_base() {
        let base = Path::new("/project");
        let by_name = PathPattern::new("build", base).unwrap();
        assert!(by_name.matches(Path::new("/project/src/build")));
        let by_path = PathPattern::new("tests/*.py", base).unwrap();
        assert!(by_path.matches(Path::new("/project/tests/a.py")));
        assert!(!by_path.matches(Path::new("/elsewhere/tests/a.py")));
        let negated = PathPattern::new("!src/*", base).unwrap();
        assert!(negated.matches(Path::new("/project/tests/a.py")));
        assert!(!negated.matches(Path::new("/project/src/a.py")));
    }
}

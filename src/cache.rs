//! A cache of each file's result, so that a second run over an unchanged
//! tree reads and hashes each file instead of parsing it. The command line
//! and the language server share it: a file the editor opens unchanged
//! since the last run is not parsed again, and the other way round.
//!
//! Files with nothing to report are keys in one set. A file with findings
//! has its whole report (findings, edits, fixes per rule and the fixed
//! text) in a file of its own under `reports/`, named by its key, so memory
//! stays bounded by the largest file, not by the codebase.
//!
//! An entry is a 128-bit hash of everything the result depends on: the
//! file's bytes and name, its settings, the selected rules, and the pyfix
//! build. Any change to one of them is a different key, so entries never go
//! stale; they are only ever missed. The set is one file, rewritten
//! atomically at the end of a run with what the file holds then added, so
//! runs that overlap (a run and the editor's server) keep each other's
//! entries; a write between that read and the rename is lost, and nothing
//! is ever corrupted.

use std::collections::{BTreeMap, HashSet};
use std::env;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{Value, json};
use xxhash_rust::xxh3::Xxh3;

use crate::engine::{FileReport, Finding, FindingEdit};
use crate::rule::fix::Applicability;
use crate::rule::settings::Settings;
use crate::rule::{Registry, Transform};

const FILE_NAME: &str = "clean-v1.bin";
const REPORTS: &str = "reports-v1";
const MAGIC: &[u8; 8] = b"pyfixC01";
/// Past this many entries, only the ones this run used are kept.
const MAX_ENTRIES: usize = 1 << 20;

pub struct Cache {
    dir: PathBuf,
    /// What this build and rule selection contribute to every key.
    run_seed: u64,
    /// The rules a cached report's codes are read back as.
    registry: Registry,
    known: HashSet<u128>,
    /// Keys hit or added by this run.
    used: Mutex<Vec<u128>>,
}

impl Cache {
    /// Loads the cache in `dir`; a missing or unreadable cache is empty.
    pub fn open(dir: &Path, registry: Registry) -> Cache {
        let known = fs::read(dir.join(FILE_NAME)).map(|bytes| parse(&bytes)).unwrap_or_default();
        let run_seed = run_seed(registry.rules());
        Cache { dir: dir.to_path_buf(), run_seed, registry, known, used: Mutex::new(Vec::new()) }
    }

    /// The key for one file's content under its settings.
    #[cfg(test)]
    fn key(&self, file_name: &str, settings: &Settings, source: &[u8]) -> u128 {
        self.key_for(file_name, settings, &[], source)
    }

    /// The key for one file's content under its settings and the rules that
    /// run on it (configuration can choose them per file).
    pub fn key_for(
        &self,
        file_name: &str,
        settings: &Settings,
        rules: &[&dyn Transform],
        source: &[u8],
    ) -> u128 {
        let mut hasher = Xxh3::with_seed(self.run_seed);
        file_name.hash(&mut hasher);
        settings.hash(&mut hasher);
        for rule in rules {
            rule.code().hash(&mut hasher);
        }
        hasher.update(source);
        hasher.digest128()
    }

    /// The key of a file's report when fixes at least as safe as `apply`
    /// are applied (`None`: findings only).
    fn report_key(&self, key: u128, apply: Option<Applicability>) -> u128 {
        let mut hasher = Xxh3::with_seed(self.run_seed);
        key.hash(&mut hasher);
        apply.hash(&mut hasher);
        hasher.digest128()
    }

    /// The result of checking (`apply` `None`) or fixing the text whose key
    /// is `key`, when a run has made it before.
    pub fn lookup(&self, key: u128, apply: Option<Applicability>) -> Option<FileReport> {
        if self.is_clean(key) {
            return Some(FileReport::default());
        }
        self.report(self.report_key(key, apply))
    }

    /// Keeps the result of checking or fixing the text whose key is `key`.
    pub fn store(&self, key: u128, apply: Option<Applicability>, report: &FileReport) {
        if report.findings.is_empty() && report.fixed.is_none() {
            self.record_clean(key);
        } else {
            self.record_report(self.report_key(key, apply), report);
        }
    }

    /// The report stored under `key`, if any; an unreadable or corrupt one
    /// is a miss.
    fn report(&self, key: u128) -> Option<FileReport> {
        let text = fs::read_to_string(self.report_path(key)).ok()?;
        let report = report_from_json(&serde_json::from_str(&text).ok()?, self.registry)?;
        self.lock().push(key);
        Some(report)
    }

    /// Stores a report: a temporary file renamed into place, so that a
    /// concurrent run reads either nothing or a whole report.
    fn record_report(&self, key: u128, report: &FileReport) {
        let directory = self.dir.join(REPORTS);
        let written = fs::create_dir_all(&directory).and_then(|()| {
            let mut temporary =
                tempfile::Builder::new().prefix(".pyfix-").tempfile_in(&directory)?;
            temporary.write_all(report_to_json(report).to_string().as_bytes())?;
            temporary.persist(self.report_path(key)).map_err(|err| err.error)?;
            Ok(())
        });
        // A cache that cannot be written only makes the next run slower.
        if written.is_ok() {
            self.lock().push(key);
        }
    }

    fn report_path(&self, key: u128) -> PathBuf {
        self.dir.join(REPORTS).join(format!("{key:032x}.json"))
    }

    /// True when a file with this key had nothing to report.
    fn is_clean(&self, key: u128) -> bool {
        let hit = self.known.contains(&key);
        if hit {
            self.lock().push(key);
        }
        hit
    }

    pub fn record_clean(&self, key: u128) {
        self.lock().push(key);
    }

    /// Writes the cache back: temporary file and rename, so that a reader
    /// never sees half of it.
    pub fn save(self) -> io::Result<()> {
        self.write()
    }

    /// Writes the set of keys: those known, those this run used, and those
    /// another run wrote since this one read the file.
    pub fn write(&self) -> io::Result<()> {
        let used = self.lock().clone();
        let on_disk = fs::read(self.dir.join(FILE_NAME)).map(|bytes| parse(&bytes));
        let others = on_disk.unwrap_or_default();
        let mut keys: Vec<u128> = if self.known.len() + others.len() + used.len() > MAX_ENTRIES {
            used
        } else {
            self.known.iter().chain(&others).copied().chain(used).collect()
        };
        keys.sort_unstable();
        keys.dedup();
        prune_reports(&self.dir.join(REPORTS), &keys);
        fs::create_dir_all(&self.dir)?;
        // Like `.ruff_cache`: the folder ignores itself in git.
        let ignore = self.dir.join(".gitignore");
        if !ignore.exists() {
            fs::write(ignore, "# Created by pyfix.\n*\n")?;
        }
        // And backup tools skip it (the Cache Directory Tagging convention).
        let tag = self.dir.join("CACHEDIR.TAG");
        if !tag.exists() {
            fs::write(
                tag,
                "Signature: 8a477f597d28d172789f06886806bc55\n\
                 # This file is a cache directory tag created by pyfix.\n",
            )?;
        }
        let mut temporary = tempfile::Builder::new().prefix(".pyfix-").tempfile_in(&self.dir)?;
        let mut bytes = Vec::with_capacity(MAGIC.len() + keys.len() * 16);
        bytes.extend_from_slice(MAGIC);
        for key in keys {
            bytes.extend_from_slice(&key.to_le_bytes());
        }
        temporary.write_all(&bytes)?;
        temporary.persist(self.dir.join(FILE_NAME)).map_err(|err| err.error)?;
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<u128>> {
        self.used.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Past this many stored reports, those this run did not use are removed
/// (edited files leave their old reports behind).
const MAX_REPORTS: usize = 20_000;

fn prune_reports(directory: &Path, used: &[u128]) {
    let Ok(entries) = fs::read_dir(directory) else { return };
    let names: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    if names.len() <= MAX_REPORTS {
        return;
    }
    for path in names {
        let key = path
            .file_stem()
            .and_then(|stem| u128::from_str_radix(&stem.to_string_lossy(), 16).ok());
        if key.is_none_or(|key| used.binary_search(&key).is_err()) {
            let _ = fs::remove_file(path);
        }
    }
}

fn report_to_json(report: &FileReport) -> Value {
    let findings: Vec<Value> = report.findings.iter().map(finding_to_json).collect();
    json!({
        "fixed": report.fixed,
        "fixes": report.fixes,
        "unsafe_fixes": report.unsafe_fixes,
        "findings": findings,
    })
}

fn finding_to_json(finding: &Finding) -> Value {
    let edits: Vec<Value> = finding
        .edits
        .iter()
        .map(|edit| json!([edit.range.start, edit.range.end, edit.start, edit.end, edit.content]))
        .collect();
    json!({
        "code": finding.code,
        "range": [finding.range.start, finding.range.end],
        "suppression_line": finding.suppression_line,
        "at": [finding.line, finding.column, finding.end_line, finding.end_column],
        "message": finding.message,
        "fix": finding.fix.map(Applicability::label),
        "edits": edits,
    })
}

fn report_from_json(value: &Value, registry: Registry) -> Option<FileReport> {
    let fixed = match &value["fixed"] {
        Value::Null => None,
        text => Some(text.as_str()?.to_string()),
    };
    let findings = value["findings"]
        .as_array()?
        .iter()
        .map(|finding| finding_from_json(finding, registry))
        .collect::<Option<Vec<_>>>()?;
    Some(FileReport {
        fixed,
        fixes: counts_from_json(&value["fixes"], registry)?,
        unsafe_fixes: counts_from_json(&value["unsafe_fixes"], registry)?,
        findings,
    })
}

fn counts_from_json(value: &Value, registry: Registry) -> Option<BTreeMap<&'static str, usize>> {
    value
        .as_object()?
        .iter()
        .map(|(code, count)| Some((registry.code(code)?, count.as_u64()? as usize)))
        .collect()
}

fn finding_from_json(value: &Value, registry: Registry) -> Option<Finding> {
    let number = |v: &Value| v.as_u64().map(|n| n as usize);
    let pair = |v: &Value| Some((number(&v[0])?, number(&v[1])?));
    let at = &value["at"];
    let fix = match &value["fix"] {
        Value::Null => None,
        label => Some(applicability(label.as_str()?)?),
    };
    let edits = value["edits"]
        .as_array()?
        .iter()
        .map(|edit| {
            Some(FindingEdit {
                range: number(&edit[0])?..number(&edit[1])?,
                start: pair(&edit[2])?,
                end: pair(&edit[3])?,
                content: edit[4].as_str()?.to_string(),
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Finding {
        code: registry.code(value["code"].as_str()?)?,
        range: number(&value["range"][0])?..number(&value["range"][1])?,
        suppression_line: number(&value["suppression_line"])?,
        line: number(&at[0])?,
        column: number(&at[1])?,
        end_line: number(&at[2])?,
        end_column: number(&at[3])?,
        message: value["message"].as_str()?.to_string(),
        fix,
        edits,
    })
}

fn applicability(label: &str) -> Option<Applicability> {
    [Applicability::Safe, Applicability::Unsafe, Applicability::DisplayOnly]
        .into_iter()
        .find(|applicability| applicability.label() == label)
}

fn parse(bytes: &[u8]) -> HashSet<u128> {
    let Some(body) = bytes.strip_prefix(MAGIC.as_slice()) else {
        return HashSet::new();
    };
    body.chunks_exact(16)
        .filter_map(|chunk| chunk.try_into().ok().map(u128::from_le_bytes))
        .collect()
}

/// The pyfix build (version, and the binary's size and time, so that a
/// rebuilt binary starts afresh) and the rules it knows.
fn run_seed(rules: &[&dyn Transform]) -> u64 {
    let mut hasher = Xxh3::new();
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    if let Ok(metadata) = env::current_exe().and_then(fs::metadata) {
        metadata.len().hash(&mut hasher);
        metadata.modified().ok().hash(&mut hasher);
    }
    for rule in rules {
        rule.code().hash(&mut hasher);
        // A custom rule's file can change between runs of one build.
        rule.meta().source.hash(&mut hasher);
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::registry::testing::REGISTRY;

    const NO_RULES: Registry = Registry::new(&[]);

    #[test]
    fn entries_survive_a_save_and_depend_on_every_input() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings::default();
        let cache = Cache::open(dir.path(), NO_RULES);
        let key = cache.key("a.py", &settings, b"x = 1\n");
        assert!(!cache.is_clean(key));
        cache.record_clean(key);
        cache.save().unwrap();

        let cache = Cache::open(dir.path(), NO_RULES);
        assert!(cache.is_clean(key));
        assert_ne!(key, cache.key("b.py", &settings, b"x = 1\n"));
        assert_ne!(key, cache.key("a.py", &settings, b"x = 2\n"));
        let older = Settings {
            target_version: crate::rule::settings::PythonVersion(3, 8),
            ..Settings::default()
        };
        assert_ne!(key, cache.key("a.py", &older, b"x = 1\n"));
        let with_rule = Cache::open(dir.path(), REGISTRY);
        assert_ne!(key, with_rule.key("a.py", &settings, b"x = 1\n"));
        assert_eq!(
            fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
            "# Created by pyfix.\n*\n"
        );
    }

    #[test]
    fn a_save_keeps_what_another_run_saved_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings::default();
        let (editor, run) = (Cache::open(dir.path(), NO_RULES), Cache::open(dir.path(), NO_RULES));
        let opened = editor.key("a.py", &settings, b"x = 1\n");
        let checked = run.key("b.py", &settings, b"y = 2\n");
        editor.record_clean(opened);
        run.record_clean(checked);
        editor.write().unwrap();
        run.save().unwrap();
        editor.save().unwrap();

        let cache = Cache::open(dir.path(), NO_RULES);
        assert!(cache.is_clean(opened));
        assert!(cache.is_clean(checked));
    }

    #[test]
    fn a_corrupt_cache_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(FILE_NAME), b"garbage").unwrap();
        assert!(Cache::open(dir.path(), NO_RULES).known.is_empty());
    }
}

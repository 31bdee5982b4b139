//! A cache of files known to have nothing to report, so that a second run
//! over an unchanged tree reads and hashes each file instead of parsing it.
//!
//! An entry is a 128-bit hash of everything the result depends on: the
//! file's bytes and name, its settings, the selected rules, and the pyfix
//! build. Any change to one of them is a different key, so entries never go
//! stale; they are only ever missed. The cache is one file, rewritten
//! atomically at the end of a run; two runs at once each write a complete
//! file and the last one wins, which loses entries but never corrupts one.

use std::collections::HashSet;
use std::env;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use xxhash_rust::xxh3::Xxh3;

use crate::settings::Settings;
use crate::transform::Transform;

const FILE_NAME: &str = "clean-v1.bin";
const MAGIC: &[u8; 8] = b"pyfixC01";
/// Past this many entries, only the ones this run used are kept.
const MAX_ENTRIES: usize = 1 << 20;

pub struct Cache {
    dir: PathBuf,
    /// What this build and rule selection contribute to every key.
    run_seed: u64,
    known: HashSet<u128>,
    /// Keys hit or added by this run.
    used: Mutex<Vec<u128>>,
}

impl Cache {
    /// Loads the cache in `dir`; a missing or unreadable cache is empty.
    pub fn open(dir: &Path, rules: &[&dyn Transform]) -> Cache {
        let known = fs::read(dir.join(FILE_NAME)).map(|bytes| parse(&bytes)).unwrap_or_default();
        Cache { dir: dir.to_path_buf(), run_seed: run_seed(rules), known, used: Mutex::new(Vec::new()) }
    }

    /// The key for one file's content under its settings.
    pub fn key(&self, file_name: &str, settings: &Settings, source: &[u8]) -> u128 {
        self.key_for(file_name, settings, &[], source)
    }

    /// The key for one file's content under its settings and the rules that
    /// run on it (configuration can choose them per file).
    pub fn key_for(&self, file_name: &str, settings: &Settings, rules: &[&dyn Transform], source: &[u8]) -> u128 {
        let mut hasher = Xxh3::with_seed(self.run_seed);
        file_name.hash(&mut hasher);
        settings.hash(&mut hasher);
        for rule in rules {
            rule.code().hash(&mut hasher);
        }
        hasher.update(source);
        hasher.digest128()
    }

    /// True when a file with this key had nothing to report.
    pub fn is_clean(&self, key: u128) -> bool {
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
        let used = self.used.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut keys: Vec<u128> = if self.known.len() + used.len() > MAX_ENTRIES {
            used
        } else {
            self.known.into_iter().chain(used).collect()
        };
        keys.sort_unstable();
        keys.dedup();
        fs::create_dir_all(&self.dir)?;
        // Like `.ruff_cache`: the folder ignores itself in git.
        let ignore = self.dir.join(".gitignore");
        if !ignore.exists() {
            fs::write(ignore, "# Created by pyfix.\n*\n")?;
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

fn parse(bytes: &[u8]) -> HashSet<u128> {
    let Some(body) = bytes.strip_prefix(MAGIC.as_slice()) else {
        return HashSet::new();
    };
    body.chunks_exact(16)
        .filter_map(|chunk| chunk.try_into().ok().map(u128::from_le_bytes))
        .collect()
}

/// The pyfix build (version, and the binary's size and time, so that a
/// rebuilt binary starts afresh) and the rules selected.
fn run_seed(rules: &[&dyn Transform]) -> u64 {
    let mut hasher = Xxh3::new();
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    if let Ok(metadata) = env::current_exe().and_then(fs::metadata) {
        metadata.len().hash(&mut hasher);
        metadata.modified().ok().hash(&mut hasher);
    }
    for rule in rules {
        rule.code().hash(&mut hasher);
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_survive_a_save_and_depend_on_every_input() {
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings::default();
        let cache = Cache::open(dir.path(), &[]);
        let key = cache.key("a.py", &settings, b"x = 1\n");
        assert!(!cache.is_clean(key));
        cache.record_clean(key);
        cache.save().unwrap();

        let cache = Cache::open(dir.path(), &[]);
        assert!(cache.is_clean(key));
        assert_ne!(key, cache.key("b.py", &settings, b"x = 1\n"));
        assert_ne!(key, cache.key("a.py", &settings, b"x = 2\n"));
        let older = Settings { target_version: crate::settings::PythonVersion(3, 8), ..Settings::default() };
        assert_ne!(key, cache.key("a.py", &older, b"x = 1\n"));
        let with_rule = Cache::open(dir.path(), crate::transforms::ALL);
        assert_ne!(key, with_rule.key("a.py", &settings, b"x = 1\n"));
        assert_eq!(fs::read_to_string(dir.path().join(".gitignore")).unwrap(), "# Created by pyfix.\n*\n");
    }

    #[test]
    fn a_corrupt_cache_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(FILE_NAME), b"garbage").unwrap();
        assert!(Cache::open(dir.path(), &[]).known.is_empty());
    }
}

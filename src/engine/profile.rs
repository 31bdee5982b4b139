//! Where a run's work goes, per rule: opt in with `PYFIX_PROFILE=1`, and
//! the CLI prints the totals to stderr at the end. The benchmark's budget
//! table (`tests/scripts/bench.py --budget`) reads them, so that a new
//! rule cannot silently eat the margin: the bytes it makes the engine parse
//! and the time its `check` takes.
//!
//! The counters are process-wide, summed over the threads; switched off
//! (the default), recording costs one relaxed load.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

static ENABLED: AtomicBool = AtomicBool::new(false);
static SCANNED: AtomicU64 = AtomicU64::new(0);
static PARSED_WHOLE: AtomicU64 = AtomicU64::new(0);
static PARSED_SKELETON: AtomicU64 = AtomicU64::new(0);
static PARSES: AtomicU64 = AtomicU64::new(0);
/// Per rule: nanoseconds in `check`, and how many parses it checked.
static CHECKS: Mutex<BTreeMap<&'static str, (u64, u64)>> = Mutex::new(BTreeMap::new());

/// Starts counting (for the rest of the process).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// A pass scanned `bytes` of text.
pub(crate) fn scanned(bytes: usize) {
    if enabled() {
        SCANNED.fetch_add(bytes as u64, Ordering::Relaxed);
    }
}

/// A pass gave tree-sitter `bytes` to parse: the whole text, or what a
/// skeleton leaves of it.
pub(crate) fn parsed(bytes: usize, whole: bool) {
    if enabled() {
        let counter = if whole { &PARSED_WHOLE } else { &PARSED_SKELETON };
        counter.fetch_add(bytes as u64, Ordering::Relaxed);
        PARSES.fetch_add(1, Ordering::Relaxed);
    }
}

/// Runs one rule's `check`, timing it when profiling.
pub(crate) fn timed<T>(code: &'static str, check: impl FnOnce() -> T) -> T {
    if !enabled() {
        return check();
    }
    let start = Instant::now();
    let found = check();
    let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
    if let Ok(mut checks) = CHECKS.lock() {
        let entry = checks.entry(code).or_default();
        entry.0 = entry.0.saturating_add(nanos);
        entry.1 += 1;
    }
    found
}

/// The totals so far.
pub fn totals() -> Profile {
    let checks = CHECKS.lock().map(|checks| checks.clone()).unwrap_or_default();
    Profile {
        scanned: SCANNED.load(Ordering::Relaxed),
        parsed_whole: PARSED_WHOLE.load(Ordering::Relaxed),
        parsed_skeleton: PARSED_SKELETON.load(Ordering::Relaxed),
        parses: PARSES.load(Ordering::Relaxed),
        checks,
    }
}

/// What `totals` returns; printed one `profile:` line per figure.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    pub scanned: u64,
    pub parsed_whole: u64,
    pub parsed_skeleton: u64,
    pub parses: u64,
    /// Per rule code: seconds in `check` (as nanoseconds) and parses checked.
    pub checks: BTreeMap<&'static str, (u64, u64)>,
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "profile: scanned_bytes {}", self.scanned)?;
        writeln!(f, "profile: parsed_bytes_whole {}", self.parsed_whole)?;
        writeln!(f, "profile: parsed_bytes_skeleton {}", self.parsed_skeleton)?;
        writeln!(f, "profile: parses {}", self.parses)?;
        for (code, (nanos, parses)) in &self.checks {
            writeln!(f, "profile: check {code} {:.6} s over {parses} parses", *nanos as f64 / 1e9)?;
        }
        Ok(())
    }
}

//! Unified diffs that `git apply` and `patch -p1` accept.

use std::time::Duration;

use similar::{Algorithm, TextDiff};

/// A unified diff with `a/`/`b/` headers and 3 lines of context. Lines keep
/// their own endings, so a CRLF file's diff carries its `\r`.
pub fn unified_diff(old: &str, new: &str, display_path: &str) -> String {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        // A pathological file gets a larger, still correct, diff instead of a hang.
        .timeout(Duration::from_secs(5))
        .diff_lines(old, new);
    let old_header = format!("a/{display_path}");
    let new_header = format!("b/{display_path}");
    diff.unified_diff().context_radius(3).header(&old_header, &new_header).to_string()
}

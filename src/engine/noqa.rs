//! `--add-noqa`: a `# noqa: PFxxx` directive on the line of every finding
//! that remains, where `suppression` looks for it, so that the next run
//! reports nothing there and PF100 finds the directive used.
//!
//! Only comments are added: every other byte (line endings, trailing
//! spaces, the other comments) stays as it was. A `# noqa: E501` already on
//! the line gets the codes added to its list (`# noqa: E501, PF001`); any
//! other comment is kept and the directive follows it. A line that ends
//! inside a string (a multi-line string that starts there) cannot take a
//! comment: its findings are skipped and counted. Findings about comments
//! themselves (PF100's) are left alone: a directive there would only
//! silence the report that a directive is unused.

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::Finding;
use crate::error::FileError;
use crate::rule::PythonVersion;
use crate::rule::suppression::{DirectiveKind, KnownRules, Suppressions};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::{Module, line_starts};

/// What `add_noqa` did to one file.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AddedNoqa {
    /// The new text, when a directive was added.
    pub text: Option<String>,
    /// Directives added or extended (one per line).
    pub added: usize,
    /// Findings that no directive could be placed for.
    pub skipped: usize,
}

/// Adds a `# noqa` directive for each of `findings` (as the engine reported
/// them for `source`).
pub fn add_noqa(
    source: &str,
    file_name: &str,
    version: PythonVersion,
    findings: &[Finding],
    registry: &dyn KnownRules,
) -> Result<AddedNoqa, FileError> {
    if findings.is_empty() {
        return Ok(AddedNoqa::default());
    }
    let module = Module::parse_for(source, file_name, version)?;
    let mut per_line: BTreeMap<usize, BTreeSet<&'static str>> = BTreeMap::new();
    let mut skipped = 0;
    for finding in findings {
        if in_comment(&module, finding.range.start) {
            continue;
        }
        per_line
            .entry(finding.suppression_line.saturating_sub(1))
            .or_default()
            .insert(finding.code);
    }
    // Bare `\r` line endings: the lines tree-sitter counts are not the ones
    // an editor shows; better no directive than one in the wrong place.
    let bytes = source.as_bytes();
    let lone_cr =
        bytes.iter().enumerate().any(|(at, &b)| b == b'\r' && bytes.get(at + 1) != Some(&b'\n'));
    let suppressions = Suppressions::parse(&module, registry, Vec::new());
    let starts = line_starts(source);
    // (offset, text to insert), in source order.
    let mut inserts: Vec<(usize, String)> = Vec::new();
    for (line, codes) in per_line {
        let Some(&start) = starts.get(line) else {
            skipped += codes.len();
            continue;
        };
        let end =
            bytes[start..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| start + i);
        let end = if end > start && bytes[end - 1] == b'\r' { end - 1 } else { end };
        if lone_cr || ends_inside_string(&module, end) || source[start..end].ends_with('\\') {
            skipped += codes.len();
            continue;
        }
        let existing = suppressions.directives.iter().find(|directive| {
            directive.kind == DirectiveKind::Noqa && directive.line == line && !directive.is_bare()
        });
        match existing.and_then(|directive| Some((directive, directive.list.clone()?))) {
            Some((directive, list)) => {
                let missing: Vec<&str> = codes
                    .iter()
                    .copied()
                    .filter(|code| !directive.codes.iter().any(|listed| listed.rule == Some(code)))
                    .collect();
                if !missing.is_empty() {
                    inserts.push((list.end, format!(", {}", missing.join(", "))));
                }
            }
            None => {
                let list: Vec<&str> = codes.into_iter().collect();
                inserts.push((end, format!("  # noqa: {}", list.join(", "))));
            }
        }
    }
    if inserts.is_empty() {
        return Ok(AddedNoqa { text: None, added: 0, skipped });
    }
    let added = inserts.len();
    let mut text = String::with_capacity(source.len() + added * 16);
    let mut at = 0;
    for (offset, insert) in inserts {
        text.push_str(&source[at..offset]);
        text.push_str(&insert);
        at = offset;
    }
    text.push_str(&source[at..]);
    // A comment at the end of a line outside any string cannot break the
    // syntax; checked all the same, as every fix is.
    if Module::parse_for(&text, file_name, version).is_err() {
        return Err(FileError::Internal("adding `# noqa` directives broke the syntax".into()));
    }
    Ok(AddedNoqa { text: Some(text), added, skipped })
}

/// True when `offset` is inside a comment.
fn in_comment(module: &Module<'_>, offset: usize) -> bool {
    module
        .root()
        .descendant_for_byte_range(offset, offset)
        .is_some_and(|node| node.is(Kind::Comment) && node.start_byte() <= offset)
}

/// True when the end of a line at `end` is inside a string: a comment there
/// would be part of the string.
fn ends_inside_string(module: &Module<'_>, end: usize) -> bool {
    let mut current = module.root().descendant_for_byte_range(end, end);
    while let Some(node) = current {
        if node.is(Kind::String) && node.start_byte() < end && end < node.end_byte() {
            return true;
        }
        current = module.parent(node);
    }
    false
}

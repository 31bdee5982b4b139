//! The interface every rule implements, and rule selection (`--select`,
//! `--ignore`).

use std::fmt;
use std::ops::Range;

use crate::fix::Fix;
use crate::module::Module;
use crate::scan::Scan;
use crate::semantic::Semantic;
use crate::settings::Settings;
use crate::suppression::Suppressions;

/// What a rule sees of one file.
pub struct Context<'a> {
    pub module: &'a Module<'a>,
    pub semantic: &'a Semantic<'a>,
    pub settings: &'a Settings,
}

/// What a prefilter knows of a file besides its tokens.
pub struct FileInfo<'a> {
    /// The file's name (`__main__.py` is an entry point).
    pub file_name: &'a str,
    pub settings: &'a Settings,
}

/// One finding: a rule, where, why, and perhaps how to fix it.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: &'static str,
    pub range: Range<usize>,
    pub message: String,
    pub fix: Option<Fix>,
}

/// Which fixes a rule offers, for `--list-rules`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixKind {
    None,
    Safe,
    Unsafe,
    /// Safe in some cases, unsafe in others (see the rule's documentation).
    SafeOrUnsafe,
}

impl fmt::Display for FixKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FixKind::None => "no fix",
            FixKind::Safe => "safe fix",
            FixKind::Unsafe => "unsafe fix",
            FixKind::SafeOrUnsafe => "safe or unsafe fix",
        })
    }
}

pub trait Transform: Sync + Send {
    /// Stable code, `PF001`.
    fn code(&self) -> &'static str;
    /// Kebab-case name, `mutable-default`.
    fn name(&self) -> &'static str;
    /// The rule's own source file (`include_str!`): its `//!` header is its documentation.
    fn source_file(&self) -> &'static str;
    fn fix_kind(&self) -> FixKind;
    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic>;

    /// For a rule about the suppression comments themselves: runs after
    /// every other rule, when the engine knows which comments suppressed
    /// something. Other rules leave it as it is.
    fn check_suppressions(&self, _context: &Context<'_>, _suppressions: &Suppressions) -> Vec<Diagnostic> {
        Vec::new()
    }

    /// A necessary condition for a finding, read from the file's tokens:
    /// `false` promises that `check` would find nothing, so the file need not
    /// be parsed for this rule. It may say `true` too often, never too
    /// rarely (tests/prefilter.rs holds every rule to that on real code).
    fn may_match(&self, _scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        true
    }

    /// Whether the skeleton must keep one definition's body: `view` holds
    /// the definition (its `region`: header and body) and the module-level
    /// lines around it (see `skeleton`). Same promise as `may_match`: a
    /// `false` for a body that could change a finding is a bug. Rules whose
    /// findings lie in the definition they read keep the default; a rule
    /// that relates definitions (a class and its bases) says which bodies
    /// can matter to it.
    fn may_need_definition(&self, view: &Scan<'_>, file: &FileInfo<'_>) -> bool {
        self.may_match(view, file)
    }

    /// The documentation: the leading `//!` lines of the rule's file.
    fn explain(&self) -> String {
        doc_comment(self.source_file())
    }
}

/// The text of a file's leading `//!` comment block.
pub fn doc_comment(source: &str) -> String {
    let mut doc = String::new();
    for line in source.lines().take_while(|line| line.starts_with("//!")) {
        let text = line.trim_start_matches("//!");
        doc.push_str(text.strip_prefix(' ').unwrap_or(text));
        doc.push('\n');
    }
    doc
}

/// Rule selection from `--select` and `--ignore`: each item a code
/// (`PF001`), a code prefix (`PF00`), a name (`mutable-default`) or `ALL`.
pub fn select_rules(
    all: &'static [&'static dyn Transform],
    select: &[String],
    ignore: &[String],
) -> Result<Vec<&'static dyn Transform>, String> {
    let chosen = |items: &[String]| -> Result<Vec<&'static str>, String> {
        let mut codes = Vec::new();
        for item in items {
            let matches: Vec<&'static str> = all
                .iter()
                .filter(|rule| selector_matches(item, **rule))
                .map(|rule| rule.code())
                .collect();
            if matches.is_empty() {
                return Err(format!("unknown rule selector `{item}` (see `pyfix --list-rules`)"));
            }
            codes.extend(matches);
        }
        Ok(codes)
    };
    let selected = if select.is_empty() {
        all.iter().map(|rule| rule.code()).collect()
    } else {
        chosen(select)?
    };
    let ignored = chosen(ignore)?;
    Ok(all
        .iter()
        .copied()
        .filter(|rule| selected.contains(&rule.code()) && !ignored.contains(&rule.code()))
        .collect())
}

/// True when `selector` (a code, a code prefix, a name or `ALL`) picks `rule`.
pub fn selector_matches(selector: &str, rule: &dyn Transform) -> bool {
    let selector = selector.trim();
    selector.eq_ignore_ascii_case("ALL")
        || selector == rule.name()
        || (!selector.is_empty()
            && rule.code().len() >= selector.len()
            && rule.code()[..selector.len()].eq_ignore_ascii_case(selector))
}

//! The trait every rule implements, with the metadata and the view of a
//! file it is given.

use std::fmt;
use std::ops::Range;

use crate::rule::diagnostic::Diagnostic;
use crate::rule::settings::Settings;
use crate::rule::suppression::Suppressions;
use crate::semantic::Semantic;
use crate::syntax::module::Module;
use crate::syntax::scan::Scan;

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

/// What a rule is, apart from what it checks: its code, its name, the
/// fixes it offers and its documentation. One `static` per rule.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code, `PF001`.
    pub code: &'static str,
    /// Kebab-case name, `mutable-default`; also the rule's file name
    /// (`transforms/mutable_default.rs`) and its fixture folders.
    pub name: &'static str,
    pub fix: FixKind,
    /// The rule's own source file (`include_str!`): its `//!` header is its
    /// documentation.
    pub source: &'static str,
    /// The codes other linters give the same check (ruff, flake8 and their
    /// plugins): a line or file a project exempted from that check with
    /// `# noqa: B006` or `# ruff: noqa: B006` is exempt from this rule too.
    pub aliases: &'static [&'static str],
}

impl RuleMeta {
    /// A finding of this rule at `range` (byte offsets in the module's
    /// text), without a fix; add one with `Diagnostic::with_fix`.
    pub fn report(&'static self, range: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic { code: self.code, range, message: message.into(), fix: None }
    }

    /// The documentation: the leading `//!` lines of the rule's file.
    pub fn documentation(&self) -> String {
        doc_comment(self.source)
    }
}

pub trait Transform: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic>;

    /// For a rule about the suppression comments themselves: runs after
    /// every other rule, when the engine knows which comments suppressed
    /// something. Other rules leave it as it is.
    fn check_suppressions(
        &self,
        _context: &Context<'_>,
        _suppressions: &Suppressions,
    ) -> Vec<Diagnostic> {
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
    /// lines around it (see `syntax::skeleton`). Same promise as
    /// `may_match`: a `false` for a body that could change a finding is a
    /// bug. Rules whose findings lie in the definition they read keep the
    /// default; a rule that relates definitions (a class and its bases)
    /// says which bodies can matter to it.
    fn may_need_definition(&self, view: &Scan<'_>, file: &FileInfo<'_>) -> bool {
        self.may_match(view, file)
    }

    /// Whether the rule may read a function it was not asked about
    /// (`may_need_definition` said no) beyond its name: then the skeleton
    /// keeps every signature (see `syntax::skeleton`). A pattern that can
    /// match any code does; the built-in rules read such a function only
    /// through its name, which the skeleton keeps.
    fn reads_unneeded_signatures(&self) -> bool {
        false
    }

    /// Whether the rule runs on the file at `path` (absolute): a custom
    /// rule may be limited to some files (`files` globs). Built-in rules
    /// keep the default; `per-file-ignores` is the configuration's business.
    fn applies_to(&self, _path: &std::path::Path) -> bool {
        true
    }

    /// Whether the rule reads what the whole project says about a module
    /// (`Settings::project`): the run then indexes every file first.
    fn reads_project(&self) -> bool {
        false
    }

    fn code(&self) -> &'static str {
        self.meta().code
    }

    fn name(&self) -> &'static str {
        self.meta().name
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

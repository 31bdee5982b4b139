//! One file's journey from text to findings and fixed text: parse, check,
//! apply non-overlapping fixes, re-parse, repeat until nothing applies.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};

use tree_sitter::Tree;

pub mod apply;
pub mod noqa;
pub mod plan;
pub mod profile;
mod resolution;

use crate::engine::apply::{Pass, apply_fixes};
use crate::engine::plan::Plan;
use crate::engine::resolution::NameUses;
use crate::error::FileError;
use crate::rule::suppression::{self, Suppressions};
use crate::rule::{
    Applicability, Context, Diagnostic, FileInfo, PythonVersion, Registry, Selection, Settings,
    Transform,
};
use crate::semantic::Semantic;
use crate::syntax::module::{Module, edits_between};
use crate::syntax::scan::{Scan, scan};
use crate::syntax::skeleton::{self, Signatures, Skeleton};

/// More passes than this means two fixes keep undoing each other.
const MAX_PASSES: usize = 20;

/// A finding that remains in the file's final text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    /// Its byte range in the final text.
    pub range: Range<usize>,
    /// The 1-based line where a `# noqa` comment for it goes (see `suppression`).
    pub suppression_line: usize,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The applicability of its fix, if it has one.
    pub fix: Option<Applicability>,
    /// Where it ends (1-based line, 1-based column in characters, exclusive).
    pub end_line: usize,
    pub end_column: usize,
    /// The edits of its fix, in the final text's coordinates.
    pub edits: Vec<FindingEdit>,
}

/// One edit of a finding's fix, located by line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingEdit {
    pub range: Range<usize>,
    pub start: (usize, usize),
    pub end: (usize, usize),
    pub content: String,
}

#[derive(Debug, Default)]
pub struct FileReport {
    /// The fixed text, when it differs from the original.
    pub fixed: Option<String>,
    /// Fixes applied, per rule code.
    pub fixes: BTreeMap<&'static str, usize>,
    /// Of those, the unsafe ones, per rule code.
    pub unsafe_fixes: BTreeMap<&'static str, usize>,
    /// Findings left in the final text, in source order.
    pub findings: Vec<Finding>,
}

/// Checks `source` and, when `apply` is set, applies every fix at least that
/// safe. The original is returned untouched (as an error) if a fix breaks
/// the syntax or the passes do not settle.
pub fn process(
    source: &str,
    file_name: &str,
    rules: Selection<'_>,
    settings: &Settings,
    apply: Option<Applicability>,
) -> Result<FileReport, FileError> {
    process_with(source, file_name, rules, settings, apply, Prefilter::On)
}

/// Whether a file whose tokens rule out every selected rule is skipped
/// unparsed (`On`, the default) or parsed anyway (`Off`: every syntax error
/// is reported, and the prefilter's exactness can be checked against it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefilter {
    On,
    Off,
}

pub fn process_with(
    source: &str,
    file_name: &str,
    rules: Selection<'_>,
    settings: &Settings,
    apply: Option<Applicability>,
    prefilter: Prefilter,
) -> Result<FileReport, FileError> {
    // A bug in one rule on one odd file must not take the run down: it
    // becomes that file's internal error, and the file is left as it was.
    let outcome =
        guarded(|| process_unguarded(source, file_name, rules, settings, apply, prefilter));
    outcome.unwrap_or_else(|_| {
        let what = LAST_PANIC.with(|last| last.borrow_mut().take()).unwrap_or_default();
        Err(FileError::Internal(format!("pyfix panicked ({what}); please report this file")))
    })
}

/// Whether `process_with`, prefilter on, finds nothing in `source` from its
/// tokens alone: no selected rule's prefilter matches them, so nothing is
/// parsed and the report is empty. `scanned` is the scan of `source`, made
/// by a caller that needed it anyway (the project index), so that the file
/// need not be read and scanned a second time. `false` whenever the answer
/// takes more than the tokens: line endings that are not kept as they are,
/// a scan the plan does not trust, a prefilter that panics (the check then
/// reports it).
pub fn finds_nothing(
    source: &str,
    scanned: &Scan<'_>,
    file_name: &str,
    rules: Selection<'_>,
    settings: &Settings,
) -> bool {
    if !matches!(LineEndings::of(source), Ok(LineEndings::AsIs)) {
        return false;
    }
    let file = FileInfo { file_name, settings };
    guarded(|| plan::rules_out_all(scanned, rules.rules, &file)).unwrap_or(false)
}

/// Runs `work`, catching its panic; the panic hook then keeps its message
/// for the caller's report instead of printing it (see `install_panic_hook`).
fn guarded<T>(work: impl FnOnce() -> T) -> std::thread::Result<T> {
    GUARDED.with(|guarded| guarded.set(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(work));
    GUARDED.with(|guarded| guarded.set(false));
    outcome
}

thread_local! {
    /// The message and place of this thread's last panic, for the report.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    /// This thread is inside `process_with`, which reports panics itself.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Inside `process_with`, replaces the default panic message (several
/// lines on stderr) with a note that it reports as one line for the file;
/// with `RUST_BACKTRACE` set, or outside, the default message is printed.
pub fn install_panic_hook() {
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|text| text.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string());
        let place = info
            .location()
            .map(|at| format!(" at {}:{}", at.file(), at.line()))
            .unwrap_or_default();
        LAST_PANIC.with(|last| *last.borrow_mut() = Some(format!("{message}{place}")));
        if !GUARDED.with(Cell::get) || std::env::var_os("RUST_BACKTRACE").is_some() {
            default_hook(info);
        }
    }));
}

fn process_unguarded(
    source: &str,
    file_name: &str,
    rules: Selection<'_>,
    settings: &Settings,
    apply: Option<Applicability>,
    prefilter: Prefilter,
) -> Result<FileReport, FileError> {
    let line_endings = LineEndings::of(source)?;
    let text = line_endings.normalise(source);
    let job = Job { file_name, registry: rules.registry, rules: rules.rules, settings, apply };
    let by_skeletons = match prefilter {
        Prefilter::On => job.passes(&text, Parsing::Skeletons)?,
        Prefilter::Off => None,
    };
    let (mut report, fixed) = match by_skeletons {
        Some(done) => done,
        None => job
            .passes(&text, Parsing::Whole)?
            .ok_or_else(|| FileError::Internal("no whole parse".into()))?,
    };
    // Only a changed text is copied: on a large file each copy is its size.
    if let Some(fixed) = fixed.map(|fixed| line_endings.restore(fixed))
        && fixed != source
    {
        report.fixed = Some(fixed);
    }
    Ok(report)
}

/// What each pass parses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Parsing {
    /// The whole text, every pass.
    Whole,
    /// What `plan::plan` says: nothing when no rule can match, else a
    /// skeleton where one suffices. A fixed text keeps the blanks no fix
    /// touched (see `Pass::untouched`), so every byte a fix wrote is parsed.
    Skeletons,
}

/// One file's settings for the passes.
struct Job<'a> {
    file_name: &'a str,
    registry: Registry,
    rules: &'a [&'a dyn Transform],
    settings: &'a Settings,
    apply: Option<Applicability>,
}

impl<'a> Job<'a> {
    /// Checks and fixes `text` until no fix applies; returns the report and
    /// the fixed text (`None` when no fix applied). With skeletons, `None`
    /// for both says "parse it whole instead": a skeleton or the fixed text
    /// did not parse, or the fixed text holds a statement tree-sitter is
    /// known to get wrong. The whole parse then gives the exact answer,
    /// syntax error or not.
    fn passes(
        &self,
        text: &str,
        parsing: Parsing,
    ) -> Result<Option<(FileReport, Option<String>)>, FileError> {
        // The text as it stands after the fixes so far: the caller's own
        // until a fix applies.
        let mut current = Cow::Borrowed(text);
        let mut report = FileReport::default();
        let mut fixed_by: Vec<&'static str> = Vec::new();
        // The last parse read every byte a fix wrote and found nothing odd.
        let mut trusted = false;
        // The bodies the last parse left out: the file's own bytes, which
        // no fix has touched (see `Pass::untouched`).
        let mut unparsed: Vec<Range<usize>> = Vec::new();
        // The last pass's fixes, until the fixed text's names are checked.
        let mut unchecked: Option<(NameUses, Pass)> = None;
        // The last parse's tree, until the fixed text is parsed.
        let mut earlier: Option<Earlier<'_>> = None;
        for pass in 0.. {
            trusted = false;
            // One scan of the text serves the plan and the parse.
            let scanned = scan(current.as_bytes());
            profile::scanned(current.len());
            let (skeleton, checked) = match parsing {
                Parsing::Whole => (None, self.rules.to_vec()),
                Parsing::Skeletons if pass > 0 => {
                    // Fixed text must be parsed before it is written: that
                    // parse may as well be the next pass.
                    let checked = self.matching_rules(&scanned);
                    if checked.is_empty() {
                        break;
                    }
                    (self.replan(&scanned, &checked, &unparsed), checked)
                }
                Parsing::Skeletons => match self.plan(&scanned) {
                    (Plan::NothingToFind, _) => break,
                    (Plan::Whole(_), checked) => (None, checked),
                    (Plan::Skeleton(skeleton), checked) => (Some(skeleton), checked),
                },
            };
            unparsed = skeleton.as_ref().map_or_else(Vec::new, Skeleton::bodies);
            let fixes = unchecked.as_ref().map(|(_, fixes)| fixes);
            let reused = Earlier::edited(earlier.take(), fixes, &current, &unparsed);
            let parsed = self.parse((&current, skeleton.as_ref()), &scanned, reused, &fixed_by);
            // The tokens (several times the text's size) are not needed
            // once the tree is there: freed before the names are resolved.
            drop(scanned);
            let module = match (parsed, parsing) {
                (Ok(module), _) => module,
                (Err(_), Parsing::Skeletons) => return Ok(None),
                (Err(err), Parsing::Whole) => return Err(err),
            };
            trusted = module.untrusted.is_empty();
            let semantic = Semantic::new(&module);
            if let Some((before, fixes)) = unchecked.take() {
                check_names(&before, &fixes, &module, &semantic)?;
            }
            let selection = self.registry.selection(self.rules);
            let diagnostics = run_checks(&module, &semantic, selection, &checked, self.settings);
            let applied =
                self.apply.and_then(|threshold| apply_fixes(&current, &diagnostics, threshold));
            let Some(mut applied) = applied else {
                report.findings = findings(&module, &diagnostics);
                break;
            };
            if pass + 1 >= MAX_PASSES {
                return Err(FileError::Internal(format!(
                    "fixes did not settle after {MAX_PASSES} passes (rules {})",
                    rule_list(&applied.fixed)
                )));
            }
            for code in &applied.fixed {
                *report.fixes.entry(code).or_default() += 1;
            }
            for code in &applied.unsafe_fixed {
                *report.unsafe_fixes.entry(code).or_default() += 1;
            }
            let before = NameUses::of(&module, &semantic);
            let tree = module.tree_to_reuse();
            let blanked = std::mem::take(&mut unparsed);
            unparsed = applied.untouched(&blanked);
            fixed_by = applied.fixed.clone();
            let text =
                std::mem::replace(&mut current, Cow::Owned(std::mem::take(&mut applied.source)));
            earlier = tree.map(|tree| Earlier { tree, text, blanked });
            unchecked = Some((before, applied));
        }
        if let Some((before, fixes)) = unchecked.take() {
            // The loop ended without parsing the fixed text: parse it now,
            // since it is about to be written.
            let scanned = scan(current.as_bytes());
            profile::scanned(current.len());
            // Blanks only what the last pass blanked, signatures included.
            let skeleton = skeleton::skeleton_within(
                &scanned,
                &mut |_| false,
                Some(&unparsed),
                Signatures::Blank,
            )
            .ok();
            let blanked = skeleton.as_ref().map_or_else(Vec::new, Skeleton::bodies);
            let reused = Earlier::edited(earlier.take(), Some(&fixes), &current, &blanked);
            let parsed = self.parse((&current, skeleton.as_ref()), &scanned, reused, &fixed_by);
            drop(scanned);
            let module = match parsed {
                Ok(module) => module,
                Err(_) if parsing == Parsing::Skeletons => return Ok(None),
                Err(err) => return Err(err),
            };
            check_names(&before, &fixes, &module, &Semantic::new(&module))?;
            trusted = module.untrusted.is_empty();
        }
        let verified = parsing == Parsing::Whole || current == text || trusted;
        let fixed = match current {
            Cow::Borrowed(_) => None,
            Cow::Owned(fixed) => Some(fixed),
        };
        Ok(verified.then_some((report, fixed)))
    }

    /// Parses the text, or the skeleton made from it, reusing the earlier
    /// tree when there is one; after a pass, a parse failure is the fault
    /// of the fixes (`fixed_by`).
    fn parse<'s>(
        &self,
        (text, skeleton): (&'s str, Option<&'s Skeleton>),
        scanned: &Scan<'_>,
        earlier: Option<Tree>,
        fixed_by: &[&'static str],
    ) -> Result<Module<'s>, FileError> {
        match skeleton {
            Some(skeleton) => profile::parsed(skeleton.parsed_len(), false),
            None => profile::parsed(text.len(), true),
        }
        let version = self.version();
        Module::reparse(text, scanned, skeleton, (self.file_name, version), earlier).map_err(
            |err| match (fixed_by.is_empty(), err) {
                (true, err) => err,
                (false, FileError::Syntax { line, column }) => FileError::Internal(format!(
                    "a fix by {} introduced a syntax error at line {line}, column {column}",
                    rule_list(fixed_by)
                )),
                (false, err) => {
                    FileError::Internal(format!("after fixes by {}: {err}", rule_list(fixed_by)))
                }
            },
        )
    }

    /// The oldest Python the file must run on: it decides what syntax the
    /// file may use.
    fn version(&self) -> PythonVersion {
        self.settings.target_version
    }

    /// What to parse, and the rules whose prefilter may match: the others
    /// promise to find nothing, so they are not run.
    fn plan(&self, scanned: &Scan<'_>) -> (Plan, Vec<&'a dyn Transform>) {
        let file = FileInfo { file_name: self.file_name, settings: self.settings };
        let matching = self.matching_rules(scanned);
        (plan::plan(scanned, &matching, &file), matching)
    }

    /// What to parse of a fixed text: a skeleton that blanks only bodies
    /// among `unparsed` (left out by the last parse, untouched by its
    /// fixes), or `None` for the whole text.
    fn replan(
        &self,
        scanned: &Scan<'_>,
        checked: &[&'a dyn Transform],
        unparsed: &[Range<usize>],
    ) -> Option<Skeleton> {
        let file = FileInfo { file_name: self.file_name, settings: self.settings };
        match plan::plan_within(scanned, checked, &file, Some(unparsed)) {
            Plan::Skeleton(skeleton) => Some(skeleton),
            Plan::NothingToFind | Plan::Whole(_) => None,
        }
    }

    /// The rules whose prefilter may match the scanned text.
    fn matching_rules(&self, scanned: &Scan<'_>) -> Vec<&'a dyn Transform> {
        let file = FileInfo { file_name: self.file_name, settings: self.settings };
        plan::matching_rules(scanned, self.rules, &file)
    }
}

/// The resolution check (see `resolution`): a fix that changed what a name
/// refers to without declaring it is that rule's internal error.
fn check_names(
    before: &NameUses,
    fixes: &Pass,
    module: &Module<'_>,
    semantic: &Semantic<'_>,
) -> Result<(), FileError> {
    let Some(violation) = resolution::check(before, fixes, &NameUses::of(module, semantic)) else {
        return Ok(());
    };
    let (line, _) = module.line_column(violation.at);
    Err(FileError::Internal(format!(
        "a fix by {} changed what `{}` refers to at line {line}: it was {}, it would be {}",
        rule_list(&violation.codes),
        violation.name,
        violation.was,
        violation.now
    )))
}

/// A tree is reused only when its text changed less densely than one
/// change in this many bytes (see `Earlier::edited`). Dense changes leave
/// tree-sitter little to reuse, while the earlier tree, alive beside the
/// new one, costs memory: on a generated 12.5 MB file with a change every
/// 500 bytes, reusing saved 8% of the time and added 42% to the peak. The
/// files fixed in the stdlib and the corpus change once in 27 KB.
const MIN_BYTES_PER_CHANGE: usize = 2048;

/// The last parse's tree and the text it read, for the next parse of the
/// fixed text to reuse (see `Module::reparse`).
struct Earlier<'t> {
    tree: Tree,
    /// The text before the fixes (a skeleton's line breaks are its text's).
    text: Cow<'t, str>,
    /// The bodies that parse blanked.
    blanked: Vec<Range<usize>>,
}

impl Earlier<'_> {
    /// The earlier tree edited to the text `fixes` made (`now`), of which
    /// the next parse blanks `blanked`; `None` when there is none, or when
    /// the changes are too dense for it to be worth keeping.
    fn edited(
        earlier: Option<Earlier<'_>>,
        fixes: Option<&Pass>,
        now: &str,
        blanked: &[Range<usize>],
    ) -> Option<Tree> {
        let (earlier, fixes) = earlier.zip(fixes)?;
        let changes = fixes.changes_to_parse(&earlier.blanked, blanked);
        if changes.len().saturating_mul(MIN_BYTES_PER_CHANGE) > now.len() {
            return None;
        }
        let mut tree = earlier.tree;
        for edit in edits_between(&earlier.text, now, &changes) {
            tree.edit(&edit);
        }
        Some(tree)
    }
}

fn rule_list(codes: &[&'static str]) -> String {
    let mut unique: Vec<&str> = codes.to_vec();
    unique.sort_unstable();
    unique.dedup();
    unique.join(", ")
}

/// Every rule over one parse, less what suppression comments silence (see
/// `suppression`); then the rules that judge those comments. A fix that
/// would touch a statement whose tree is known to be wrong is withdrawn;
/// the finding stays.
pub fn run_rules(
    module: &Module<'_>,
    rules: Selection<'_>,
    settings: &Settings,
) -> Vec<Diagnostic> {
    run_checks(module, &Semantic::new(module), rules, rules.rules, settings)
}

/// `run_rules`, where only the rules in `checked` can find anything (the
/// others' prefilters said so); suppression comments are still judged
/// against every selected rule.
fn run_checks<'m>(
    module: &'m Module<'m>,
    semantic: &'m Semantic<'m>,
    selection: Selection<'_>,
    checked: &[&dyn Transform],
    settings: &'m Settings,
) -> Vec<Diagnostic> {
    let rules = selection.rules;
    let context = Context { module, semantic, settings };
    let found: Vec<Diagnostic> = checked
        .iter()
        .flat_map(|rule| profile::timed(rule.code(), || rule.check(&context)))
        .collect();
    let ran = rules.iter().map(|rule| rule.code()).collect();
    let mut suppressions = Suppressions::parse(module, &selection.registry, ran);
    let mut diagnostics = suppressions.filter(module, found);
    let about_suppressions: Vec<Diagnostic> =
        rules.iter().flat_map(|rule| rule.check_suppressions(&context, &suppressions)).collect();
    // `# noqa: PF001, PF100` silences the report about its own unused code.
    diagnostics.extend(suppressions.filter_reports(module, about_suppressions));
    for diagnostic in diagnostics.iter_mut().filter(|diagnostic| diagnostic.fix.is_some()) {
        if settings.unfixable.iter().any(|code| code == diagnostic.code) {
            diagnostic.fix = None;
        }
        // A fix whose own edits overlap never applies: the finding must not
        // claim one (a rule's bug, which the tests' debug builds stop at).
        if diagnostic.fix.as_ref().is_some_and(apply::overlaps_itself) {
            debug_assert!(false, "{} offered a fix whose edits overlap", diagnostic.code);
            diagnostic.fix = None;
        }
    }
    if !module.untrusted.is_empty() {
        for diagnostic in &mut diagnostics {
            let touches = diagnostic.fix.as_ref().is_some_and(|fix| {
                fix.edits.iter().any(|edit| module.touches_untrusted(&edit.range))
            });
            if touches {
                diagnostic.fix = None;
            }
        }
    }
    diagnostics.sort_by_key(|diagnostic| (diagnostic.range.start, diagnostic.code));
    diagnostics
}

fn findings(module: &Module<'_>, diagnostics: &[Diagnostic]) -> Vec<Finding> {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let (line, column) = module.line_column(diagnostic.range.start);
            let (end_line, end_column) = module.line_column(diagnostic.range.end);
            let edits = diagnostic.fix.as_ref().map_or_else(Vec::new, |fix| {
                fix.edits
                    .iter()
                    .map(|edit| FindingEdit {
                        range: edit.range.clone(),
                        start: module.line_column(edit.range.start),
                        end: module.line_column(edit.range.end),
                        content: edit.replacement.clone(),
                    })
                    .collect()
            });
            Finding {
                code: diagnostic.code,
                range: diagnostic.range.clone(),
                suppression_line: suppression::suppression_line(module, diagnostic.range.start) + 1,
                line,
                column,
                message: diagnostic.message.clone(),
                fix: diagnostic.fix.as_ref().map(|fix| fix.applicability),
                end_line,
                end_column,
                edits,
            }
        })
        .collect()
}

/// Python reads a bare `\r` as a line break; tree-sitter does not. A file
/// that ends its lines with `\r` alone is processed as `\n` (same length, so
/// every offset holds) and turned back at the end.
enum LineEndings {
    AsIs,
    CarriageReturnOnly,
}

impl LineEndings {
    fn of(source: &str) -> Result<LineEndings, FileError> {
        let bytes = source.as_bytes();
        let bare_cr =
            bytes.iter().enumerate().any(|(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        match (bare_cr, bytes.contains(&b'\n')) {
            (false, _) => Ok(LineEndings::AsIs),
            (true, false) => Ok(LineEndings::CarriageReturnOnly),
            (true, true) => Err(FileError::MixedCarriageReturns),
        }
    }

    fn normalise<'s>(&self, source: &'s str) -> Cow<'s, str> {
        match self {
            LineEndings::AsIs => Cow::Borrowed(source),
            LineEndings::CarriageReturnOnly => Cow::Owned(source.replace('\r', "\n")),
        }
    }

    fn restore(&self, text: String) -> String {
        match self {
            LineEndings::AsIs => text,
            LineEndings::CarriageReturnOnly => text.replace('\n', "\r"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::{Edit, Fix, FixKind, RuleMeta};

    static REPLACE_PASS: RuleMeta = RuleMeta {
        code: "PF999",
        name: "replace-pass",
        fix: FixKind::Safe,
        source: "",
        aliases: &[],
    };

    /// A rule whose fix replaces the first `pass` with a given text.
    struct ReplacePass(&'static str);

    impl Transform for ReplacePass {
        fn meta(&self) -> &'static RuleMeta {
            &REPLACE_PASS
        }

        fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
            let Some(at) = context.module.source.find("pass") else { return Vec::new() };
            let fix = Fix::safe(vec![Edit::replace(at..at + 4, self.0)]);
            vec![REPLACE_PASS.report(at..at + 4, "pass").with_fix(Some(fix))]
        }
    }

    /// Runs `rule` alone, as if it were the only rule pyfix knows.
    fn run_alone(
        source: &str,
        rule: &'static dyn Transform,
        apply: Option<Applicability>,
    ) -> Result<FileReport, FileError> {
        let rules: &'static [&'static dyn Transform] = Box::leak(Box::new([rule]));
        let registry = Registry::new(rules);
        process(source, "t.py", registry.select_all(), &Settings::default(), apply)
    }

    fn run(source: &str, replacement: &'static str) -> Result<FileReport, FileError> {
        let rule: &'static ReplacePass = Box::leak(Box::new(ReplacePass(replacement)));
        run_alone(source, rule, Some(Applicability::Safe))
    }

    #[test]
    fn a_fix_that_breaks_the_syntax_is_an_internal_error() {
        let err = run("def f():\n    pass\n", "return (").unwrap_err();
        let message = err.to_string();
        assert!(
            message
                .starts_with("internal error: a fix by PF999 introduced a syntax error at line 2"),
            "{message}"
        );
        assert!(message.ends_with("file left unchanged"), "{message}");
    }

    #[test]
    fn fixes_that_never_settle_are_an_internal_error() {
        // Each pass replaces `pass` with `pass`+`pass`...: there is always another.
        let err = run("pass\n", "pass; pass").unwrap_err();
        assert!(
            err.to_string().contains("fixes did not settle after 20 passes (rules PF999)"),
            "{err}"
        );
    }

    #[test]
    fn a_fix_that_settles_is_applied_and_counted() {
        let report = run("pass\n", "...").unwrap();
        assert_eq!(report.fixed.as_deref(), Some("...\n"));
        assert_eq!(report.fixes.get("PF999"), Some(&1));
        assert!(report.findings.is_empty());
    }

    static PANICS: RuleMeta =
        RuleMeta { code: "PF998", name: "panics", fix: FixKind::None, source: "", aliases: &[] };

    struct Panics;

    impl Transform for Panics {
        fn meta(&self) -> &'static RuleMeta {
            &PANICS
        }

        fn check(&self, _: &Context<'_>) -> Vec<Diagnostic> {
            panic!("a rule bug");
        }
    }

    #[test]
    fn a_panicking_rule_is_that_files_internal_error() {
        install_panic_hook();
        let err = run_alone("x = 1\n", &Panics, None).unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("internal error: pyfix panicked (a rule bug at src/engine/mod.rs:"),
            "{message}"
        );
    }

    #[test]
    fn check_mode_reports_without_fixing() {
        let report = run_alone("pass\n", &ReplacePass("..."), None).unwrap();
        assert!(report.fixed.is_none());
        assert_eq!(report.findings.len(), 1);
        assert_eq!((report.findings[0].line, report.findings[0].column), (1, 1));
    }

    static EDITS: RuleMeta =
        RuleMeta { code: "PF997", name: "edits", fix: FixKind::Safe, source: "", aliases: &[] };

    /// A rule whose one finding's fix is the edits a function computes from
    /// the text, rebinding the names given: a stand-in for a rule's bug.
    struct Edits(fn(&str) -> Vec<Edit>, &'static [&'static str]);

    impl Transform for Edits {
        fn meta(&self) -> &'static RuleMeta {
            &EDITS
        }

        fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
            let edits = (self.0)(context.module.source);
            if edits.is_empty() {
                return Vec::new();
            }
            let rebinds = self.1.iter().map(|name| name.to_string());
            let fix = Fix::safe(edits).rebinding(rebinds);
            vec![EDITS.report(0..0, "edits").with_fix(Some(fix))]
        }
    }

    fn edited(source: &str, rule: &'static Edits) -> Result<FileReport, FileError> {
        run_alone(source, rule, Some(Applicability::Safe))
    }

    /// The edit replacing the first `from` in `text` with `to` (none when
    /// `from` is absent, so that the second pass finds nothing to do).
    fn replace_first(text: &str, from: &str, to: &str) -> Vec<Edit> {
        text.find(from).map(|at| Edit::replace(at..at + from.len(), to)).into_iter().collect()
    }

    #[test]
    fn a_fix_that_leaves_a_name_undefined_is_an_internal_error() {
        static RULE: Edits =
            Edits(|text| replace_first(text, "pass", "print(undefined_name)"), &[]);
        let err = edited("def f():\n    pass\n", &RULE).unwrap_err().to_string();
        assert!(
            err.contains("a fix by PF997 changed what `undefined_name` refers to at line 2"),
            "{err}"
        );
        assert!(err.contains("it would be nothing (a NameError)"), "{err}");
        // A builtin, or a name that resolves, is fine.
        static FINE: Edits = Edits(|text| replace_first(text, "pass", "print(len, f)"), &[]);
        assert!(edited("def f():\n    pass\n", &FINE).is_ok_and(|report| report.fixed.is_some()));
    }

    #[test]
    fn moved_text_must_mean_what_it_meant() {
        // The default moves into a body that binds the same name: an
        // UnboundLocalError at every call.
        static MOVE: Edits = Edits(
            |text| {
                let mut edits = replace_first(text, "=x)", "=None)");
                edits.extend(replace_first(text, "    x = 1", "    a = x\n    x = 1"));
                if edits.len() < 2 { Vec::new() } else { edits }
            },
            &[],
        );
        let source = "x = 0\ndef f(a=x):\n    x = 1\n    return a\n";
        let err = edited(source, &MOVE).unwrap_err().to_string();
        assert!(err.contains("changed what `x` refers to at line 3"), "{err}");
    }

    /// The defect classes found by hostile testing, each as a stand-in
    /// rule's buggy fix that the resolution check must stop.
    #[test]
    fn a_default_moved_under_a_match_capture_or_a_walrus_is_stopped() {
        static MOVE: Edits = Edits(
            |text| {
                let mut edits = replace_first(text, "=x)", "=None)");
                edits.extend(replace_first(text, "    BODY", "    a = x"));
                if edits.len() < 2 { Vec::new() } else { edits }
            },
            &[],
        );
        // `case x:` binds `x` in the function: the moved `x` is an unbound local.
        let capture = "x = 0\ndef f(v, a=x):\n    BODY\n    match v:\n        case x:\n            return a\n";
        let err = edited(capture, &MOVE).unwrap_err().to_string();
        assert!(err.contains("changed what `x` refers to at line 3"), "{err}");
        // A walrus in a comprehension binds `x` in the enclosing function.
        let walrus = "x = 0\ndef f(v, a=x):\n    BODY\n    return [x := i for i in v], a\n";
        let err = edited(walrus, &MOVE).unwrap_err().to_string();
        assert!(err.contains("changed what `x` refers to at line 3"), "{err}");
    }

    #[test]
    fn an_import_moved_away_from_an_f_string_or_a_string_annotation_is_stopped() {
        // The import goes into `main`; module-level uses are left without it.
        static MOVE: Edits = Edits(
            |text| {
                let mut edits = replace_first(text, "import json\n", "");
                edits.extend(replace_first(text, "    pass", "    import json"));
                if edits.len() < 2 { Vec::new() } else { edits }
            },
            &["json"],
        );
        let f_string =
            "import json\nNOTE = f\"{json.dumps(1):>{json.dumps(2)}}\"\ndef main():\n    pass\n";
        let err = edited(f_string, &MOVE).unwrap_err().to_string();
        assert!(err.contains("changed what `json` refers to"), "{err}");
        assert!(err.contains("nothing (a NameError)"), "{err}");
        let annotation =
            "import json\nENCODER: \"json.JSONEncoder\" = None\ndef main():\n    pass\n";
        let err = edited(annotation, &MOVE).unwrap_err().to_string();
        assert!(err.contains("changed what `json` refers to"), "{err}");
    }

    #[test]
    fn a_name_the_fix_did_not_touch_must_keep_its_binding() {
        // Binding `y` inside `f` makes the untouched `return y` a local.
        static SHADOW: Edits = Edits(|text| replace_first(text, "pass", "y = 2"), &[]);
        let source = "y = 1\ndef f():\n    pass\n    return y\n";
        let err = edited(source, &SHADOW).unwrap_err().to_string();
        assert!(
            err.contains("changed what `y` refers to at line 4: it was the module's binding"),
            "{err}"
        );
        // Declared, the same move is accepted.
        static DECLARED: Edits = Edits(|text| replace_first(text, "pass", "y = 2"), &["y"]);
        assert!(edited(source, &DECLARED).is_ok_and(|report| report.fixed.is_some()));
    }
}

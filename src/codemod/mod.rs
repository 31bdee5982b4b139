//! Custom rules written as data: a pattern of Python code with
//! metavariables, constraints on what they capture, and a rewrite template
//! (see `pattern` and `template`). A compiled rule is a `Transform` like any
//! built-in one, so it runs in the same passes, through the same prefilter,
//! suppression comments, resolution check and verification.
//!
//! This layer sits beside the built-in rules: it uses `syntax`, `semantic`
//! and `rule`. `config` reads rule files into a `Spec`; `Rule::compile`
//! checks it and says which field is at fault.

pub mod pattern;
pub mod template;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};
use regex::Regex;
use tree_sitter::Node;

use crate::codemod::pattern::{Capture, Captures, Matcher, Pattern, Runs, leaves};
use crate::codemod::template::Template;
use crate::rule::Diagnostic;
use crate::rule::fix::{Applicability, Edit, Fix};
use crate::rule::importer::{ensure_from_import, ensure_import, remove_import_name};
use crate::rule::settings::PythonVersion;
use crate::rule::transform::{Context, FileInfo, FixKind, RuleMeta, Transform};
use crate::syntax::kind::language;
use crate::syntax::module::Module;
use crate::syntax::scan::{Scan, Token, contains_word};

/// A rule file as read, before it is checked.
#[derive(Clone, Debug, Default)]
pub struct Spec {
    /// The rule file.
    pub path: PathBuf,
    /// The directory `files` globs are relative to (the project root).
    pub base: PathBuf,
    /// The file's text (part of the cache key, shown by `--explain`).
    pub text: String,
    pub id: String,
    pub code: String,
    pub message: String,
    pub description: Option<String>,
    pub pattern: String,
    pub fix: Option<String>,
    pub safety: Option<String>,
    pub files: Vec<String>,
    pub requires_python: Option<PythonVersion>,
    pub add_imports: Vec<String>,
    pub remove_imports: Vec<String>,
    pub not_inside: Vec<String>,
    pub constraints: Vec<(String, ConstraintSpec)>,
    pub tests: Vec<Example>,
    pub no_match: Vec<Example>,
}

/// `[constraints.X]` as read.
#[derive(Clone, Debug, Default)]
pub struct ConstraintSpec {
    pub qualified_name: Vec<String>,
    pub kind: Vec<String>,
    pub regex: Option<String>,
    pub not_inside: Vec<String>,
}

/// A test a rule file carries: `input` must be reported, and fixed into
/// `output` when it is given; a `no-match` input must find nothing.
#[derive(Clone, Debug, Default)]
pub struct Example {
    pub input: String,
    pub output: Option<String>,
    /// The line of the test in the rule file.
    pub line: usize,
}

/// Why a spec is not a rule: the field at fault (as the file writes it:
/// `pattern`, `constraints.URL`) and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError {
    pub field: String,
    pub message: String,
}

impl SpecError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> SpecError {
        SpecError { field: field.into(), message: message.into() }
    }
}

struct Constraint {
    name: String,
    qualified_name: Vec<String>,
    kinds: Vec<String>,
    regex: Option<Regex>,
    not_inside: Vec<String>,
}

enum Import {
    Module(String),
    From(String, String),
}

/// The edits that rewrite one match.
struct Rewrite {
    /// Imports the template needs.
    imports: Vec<Edit>,
    /// The parts of the match that change.
    changes: Vec<Edit>,
}

/// A compiled custom rule.
pub struct Rule {
    meta: &'static RuleMeta,
    pub id: String,
    pub path: PathBuf,
    message: String,
    pattern: Pattern,
    root_kinds: Vec<u16>,
    template: Option<Template>,
    applicability: Applicability,
    constraints: Vec<Constraint>,
    not_inside: Vec<String>,
    imports: Vec<Import>,
    /// Imports removed once the rewrite leaves them unused.
    removals: Vec<Import>,
    files: Vec<(GlobMatcher, GlobMatcher)>,
    pub requires_python: Option<PythonVersion>,
    pub tests: Vec<Example>,
    pub no_match: Vec<Example>,
}

fn is_code(code: &str) -> bool {
    let letters = code.bytes().take_while(u8::is_ascii_uppercase).count();
    letters > 0
        && letters < code.len()
        && code.len() <= 12
        && code.bytes().skip(letters).all(|b| b.is_ascii_digit())
}

fn is_kind(name: &str) -> bool {
    language().id_for_node_kind(name, true) != 0
}

impl Rule {
    /// Checks `spec` and compiles it; the metadata is leaked, once per
    /// process, as the registry wants `'static` rules.
    pub fn compile(spec: Spec) -> Result<Rule, SpecError> {
        if !is_code(&spec.code) {
            return Err(SpecError::new(
                "code",
                format!(
                    "`{}` is not a rule code: upper-case letters then digits, like ACME001",
                    spec.code
                ),
            ));
        }
        if spec.code.starts_with("PF") {
            return Err(SpecError::new("code", "codes starting with PF are pyfix's own"));
        }
        let kebab = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if spec.id.is_empty() || !spec.id.chars().all(kebab) || spec.id.starts_with('-') {
            return Err(SpecError::new(
                "id",
                format!("`{}` is not a rule id: kebab-case, like `datetime-utcnow`", spec.id),
            ));
        }
        if spec.message.trim().is_empty() {
            return Err(SpecError::new("message", "the message is empty"));
        }
        let pattern =
            Pattern::compile(&spec.pattern).map_err(|why| SpecError::new("pattern", why))?;
        let known =
            |name: &str| name == "_" || pattern.metavariables.iter().any(|m| m.name == name);
        let mut constraints = Vec::new();
        for (name, constraint) in &spec.constraints {
            let field = format!("constraints.{name}");
            if name == "_" || !known(name) {
                return Err(SpecError::new(
                    field,
                    format!("`${name}` is not a metavariable of the pattern"),
                ));
            }
            for kind in constraint.kind.iter().chain(&constraint.not_inside) {
                if !is_kind(kind) {
                    return Err(SpecError::new(
                        field,
                        format!("`{kind}` is not a node kind of the Python grammar"),
                    ));
                }
            }
            for qualified in &constraint.qualified_name {
                if qualified.is_empty() || !qualified.split('.').all(is_identifier) {
                    return Err(SpecError::new(
                        field,
                        format!("`{qualified}` is not a dotted name"),
                    ));
                }
            }
            let regex = match &constraint.regex {
                Some(text) => Some(Regex::new(text).map_err(|err| {
                    let first = err.to_string().lines().last().unwrap_or("").trim().to_string();
                    SpecError::new(field.clone(), format!("bad regex: {first}"))
                })?),
                None => None,
            };
            constraints.push(Constraint {
                name: name.clone(),
                qualified_name: constraint.qualified_name.clone(),
                kinds: constraint.kind.clone(),
                regex,
                not_inside: constraint.not_inside.clone(),
            });
        }
        for kind in &spec.not_inside {
            if !is_kind(kind) {
                return Err(SpecError::new(
                    "not-inside",
                    format!("`{kind}` is not a node kind of the Python grammar"),
                ));
            }
        }
        let applicability = match spec.safety.as_deref() {
            None | Some("safe") => Applicability::Safe,
            Some("unsafe") => Applicability::Unsafe,
            Some(other) => {
                return Err(SpecError::new(
                    "safety",
                    format!("`{other}` is neither \"safe\" nor \"unsafe\""),
                ));
            }
        };
        let imports = parse_imports("add-imports", &spec.add_imports)?;
        let removals = parse_imports("remove-imports", &spec.remove_imports)?;
        let mut files = Vec::new();
        for glob in &spec.files {
            let by_name = Glob::new(glob)
                .map_err(|err| SpecError::new("files", format!("bad glob: {err}")))?;
            let base = globset::escape(&spec.base.to_string_lossy());
            let absolute = if Path::new(glob).is_absolute() {
                glob.clone()
            } else {
                format!("{}/{}", base.trim_end_matches('/'), glob.trim_start_matches("./"))
            };
            let by_path = Glob::new(&absolute)
                .map_err(|err| SpecError::new("files", format!("bad glob: {err}")))?;
            files.push((by_name.compile_matcher(), by_path.compile_matcher()));
        }
        let template = match &spec.fix {
            Some(text) => Some(check_template(text, &pattern, &constraints)?),
            None => None,
        };
        for piece in Template::new(&spec.message).metavariables() {
            if !known(piece.0) {
                return Err(SpecError::new(
                    "message",
                    format!("`${}` is not a metavariable of the pattern", piece.0),
                ));
            }
        }
        let fix_kind = match (&template, applicability) {
            (None, _) => FixKind::None,
            (Some(_), Applicability::Safe) => FixKind::Safe,
            (Some(_), _) => FixKind::Unsafe,
        };
        let source = documentation(&spec, applicability);
        let meta: &'static RuleMeta = Box::leak(Box::new(RuleMeta {
            code: Box::leak(spec.code.clone().into_boxed_str()),
            name: Box::leak(spec.id.clone().into_boxed_str()),
            fix: fix_kind,
            source: Box::leak(source.into_boxed_str()),
            aliases: &[],
        }));
        Ok(Rule {
            meta,
            id: spec.id,
            path: spec.path,
            message: spec.message,
            root_kinds: pattern.root_kinds(),
            pattern,
            template,
            applicability,
            constraints,
            not_inside: spec.not_inside,
            imports,
            removals,
            files,
            requires_python: spec.requires_python,
            tests: spec.tests,
            no_match: spec.no_match,
        })
    }

    /// The rule as the registry holds it.
    pub fn leak(self) -> &'static dyn Transform {
        Box::leak(Box::new(self))
    }

    fn holds(
        &self,
        module: &Module<'_>,
        context: Option<&Context<'_>>,
        node: Node<'_>,
        captures: &Captures<'_>,
    ) -> bool {
        if self.not_inside.iter().any(|kind| inside(module, node, kind)) {
            return false;
        }
        self.constraints.iter().all(|constraint| {
            let Some(capture) = captures.get(&constraint.name) else {
                return true;
            };
            let nodes: Vec<Node<'_>> = match capture {
                Capture::One(node) => vec![*node],
                Capture::Seq(nodes) => nodes.clone(),
            };
            // In a template's tree (checked for idempotence), a placeholder
            // stands for what the pattern captured, which met the constraint.
            if context.is_none() && nodes.iter().all(|node| is_placeholder(module, *node)) {
                return true;
            }
            let kinds_ok = constraint.kinds.is_empty()
                || nodes.iter().all(|node| constraint.kinds.iter().any(|kind| node.kind() == kind));
            let regex_ok = constraint.regex.as_ref().is_none_or(|regex| {
                let text = capture.range().map_or("", |range| &module.source[range]);
                regex.is_match(text)
            });
            let qualified_ok = constraint.qualified_name.is_empty()
                || nodes.iter().all(|node| {
                    let qualified = match context {
                        Some(context) => context.semantic.qualified_name(*node),
                        None => Some(leaves(module, *node).concat()),
                    };
                    qualified.is_some_and(|q| constraint.qualified_name.contains(&q))
                });
            let outside = nodes
                .iter()
                .all(|node| !constraint.not_inside.iter().any(|kind| inside(module, *node, kind)));
            kinds_ok && regex_ok && qualified_ok && outside
        })
    }

    fn message(&self, module: &Module<'_>, captures: &Captures<'_>) -> String {
        if !self.message.contains('$') {
            return self.message.clone();
        }
        let mut message = Template::new(&self.message).render(module, 0, captures, &HashMap::new());
        message = message.split_whitespace().collect::<Vec<_>>().join(" ");
        message
    }

    /// The edits that rewrite one match: the imports the template needs,
    /// and the changed parts of the match.
    fn rewrite(
        &self,
        context: &Context<'_>,
        node: Node<'_>,
        captures: &Captures<'_>,
    ) -> Option<Rewrite> {
        let template = self.template.as_ref()?;
        if self.requires_python.is_some_and(|version| context.settings.target_version < version) {
            return None;
        }
        let module = context.module;
        let mut renames = HashMap::new();
        let mut imports = Vec::new();
        for import in &self.imports {
            let (imported, written) = match import {
                Import::Module(name) => (ensure_import(context.semantic, name)?, name),
                Import::From(from, name) => {
                    (ensure_from_import(context.semantic, from, name)?, name)
                }
            };
            if &imported.name != written {
                renames.insert(written.clone(), imported.name);
            }
            imports.extend(imported.edit);
        }
        let mut changes = Vec::new();
        for edit in template.edits(module, &self.pattern.root, node, captures, &renames) {
            // Only the bytes that change: a common start and end stay.
            let old = &module.source[edit.range.clone()];
            let new = edit.replacement.as_str();
            let prefix = common_prefix(old, new);
            let suffix = common_suffix(&old[prefix..], &new[prefix..]);
            if prefix + suffix == old.len() && old.len() == new.len() {
                continue;
            }
            let range = edit.range.start + prefix..edit.range.end - suffix;
            changes.push(Edit::replace(range, &new[prefix..new.len() - suffix]));
        }
        (!changes.is_empty()).then_some(Rewrite { imports, changes })
    }

    /// One fix: the imports to add and to remove, and the changes.
    fn fix(&self, mut edits: Vec<Edit>, mut changes: Vec<Edit>) -> Fix {
        // An import added where a removed one starts is one edit with it.
        let (insertions, mut others): (Vec<Edit>, Vec<Edit>) =
            edits.drain(..).partition(|edit| edit.range.is_empty());
        for insertion in insertions {
            let at = insertion.range.start;
            // The import goes after the one removed, where the removal
            // also takes a blank line: that line stays, after the import.
            if let Some(edit) =
                others.iter_mut().find(|edit| edit.range.start < at && at < edit.range.end)
            {
                edit.range.end = at;
            }
            match others.iter_mut().find(|edit| edit.range.start == at) {
                Some(edit) => edit.replacement.insert_str(0, &insertion.replacement),
                None => others.push(insertion),
            }
        }
        let mut edits = others;
        // An import inserted where an edit starts (the match opens the line
        // after the imports) is one edit with it, not two at one spot.
        for change in &mut changes {
            let start = change.range.start;
            if let Some(at) = edits.iter().position(|edit: &Edit| edit.range == (start..start)) {
                change.replacement.insert_str(0, &edits.remove(at).replacement);
            }
        }
        edits.extend(changes);
        Fix { edits, applicability: self.applicability, rebinds: Vec::new() }
    }

    /// The fixes of the matches, in order. The last one also removes the
    /// imports the rewrites leave unused, and so also rewrites every other
    /// match: applied alone (another fix overlapping one of them), it still
    /// leaves no name without its import. Applied in one pass with the
    /// others, it overlaps them and waits for the next pass, where it is
    /// the last match left.
    fn fixes(&self, context: &Context<'_>, rewrites: Vec<Option<Rewrite>>) -> Vec<Option<Fix>> {
        let mut every_change: Vec<Edit> =
            rewrites.iter().flatten().flat_map(|rewrite| rewrite.changes.clone()).collect();
        every_change.sort_by_key(|edit| (edit.range.start, edit.range.end));
        // Nested matches rewrite the same bytes: they cannot be one fix.
        let apart = every_change.windows(2).all(|two| two[0].range.end <= two[1].range.start);
        let removals: Vec<Edit> = if apart {
            let unused = |removal| unused_import_removal(context, removal, &every_change);
            self.removals.iter().filter_map(unused).collect()
        } else {
            Vec::new()
        };
        let last = rewrites.iter().rposition(Option::is_some);
        let several = rewrites.iter().flatten().count() > 1;
        rewrites
            .into_iter()
            .enumerate()
            .map(|(index, rewrite)| {
                let Rewrite { mut imports, changes } = rewrite?;
                if removals.is_empty() || Some(index) != last {
                    return Some(self.fix(imports, changes));
                }
                imports.extend(removals.iter().cloned());
                let changes = if several { every_change.clone() } else { changes };
                Some(self.fix(imports, changes))
            })
            .collect()
    }

    fn files_match(&self, path: &Path) -> bool {
        self.files.is_empty()
            || self.files.iter().any(|(by_name, by_path)| {
                path.file_name().is_some_and(|name| by_name.is_match(name))
                    || by_path.is_match(path)
            })
    }
}

impl Transform for Rule {
    fn meta(&self) -> &'static RuleMeta {
        self.meta
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let module = context.module;
        let matcher = Matcher { module, semantic: Some(context.semantic) };
        let mut matches = Vec::new();
        for node in module.nodes_of_kind_ids(self.root_kinds.clone()) {
            let Some(captures) = matcher.matches(&self.pattern, node) else { continue };
            if self.holds(module, Some(context), node, &captures) {
                matches.push((node, captures));
            }
        }
        let rewrites: Vec<Option<Rewrite>> =
            matches.iter().map(|(node, captures)| self.rewrite(context, *node, captures)).collect();
        let fixes = self.fixes(context, rewrites);
        matches
            .iter()
            .zip(fixes)
            .map(|((node, captures), fix)| {
                let diagnostic =
                    self.meta.report(node.byte_range(), self.message(module, captures));
                diagnostic.with_fix(fix)
            })
            .collect()
    }

    fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        if !has_names(scan, &self.pattern.names) {
            return false;
        }
        match &self.pattern.runs {
            Some(runs) if scan.lines_certain => some_line_holds(scan, runs, None),
            _ => has_pairs(scan, &self.pattern.pairs),
        }
    }

    /// A pattern can match the stand-in of a blanked signature.
    fn reads_unneeded_signatures(&self) -> bool {
        true
    }

    fn may_need_definition(&self, view: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        if !view_has_names(view, &self.pattern.local_names) {
            return false;
        }
        match &self.pattern.runs {
            Some(runs) if view.lines_certain => {
                // A match is found in a skeleton as in the whole text: a body
                // is needed when it holds one. A rule that adds or removes
                // imports also reads the rest of the module (what an import
                // left unused is used by): a match anywhere keeps every body.
                let own_lines = self.imports.is_empty() && self.removals.is_empty();
                some_line_holds(view, runs, own_lines.then(|| view.region.clone()))
            }
            _ => has_pairs(view, &self.pattern.pairs),
        }
    }

    fn applies_to(&self, path: &Path) -> bool {
        self.files_match(path)
    }
}

fn has_names(scan: &Scan<'_>, names: &[String]) -> bool {
    names.iter().all(|name| scan.may_hold_word(name))
}

/// `has_names` for a definition's view: read once, a view's tokens cost
/// less to compare than to gather into a set.
fn view_has_names(view: &Scan<'_>, names: &[String]) -> bool {
    names.iter().all(|name| {
        view.tokens.iter().any(|token| {
            view.is(token, name)
                || (view.is_formatted_string(token)
                    && std::str::from_utf8(view.text(token))
                        .map_or(true, |text| contains_word(text, name)))
        })
    })
}

/// Each pair of tokens side by side somewhere in the file; or, for a pair
/// that may sit in an f-string's replacement field (which the scanner reads
/// as part of one string token), its words in some f-string.
fn has_pairs(scan: &Scan<'_>, pairs: &[(String, String)]) -> bool {
    let in_formatted = |text: &str| {
        let is_word = text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        !is_word || scan.words().formatted.contains(text.as_bytes())
    };
    pairs.iter().all(|(first, second)| {
        scan.tokens.windows(2).any(|two| scan.is(&two[0], first) && scan.is(&two[1], second))
            || (!scan.words().formatted.is_empty() && in_formatted(first) && in_formatted(second))
    })
}

/// Some logical line of `scan` (of those starting in `region`, when given)
/// may hold a match: it holds the pattern's runs of tokens in order, or an
/// f-string (whose replacement fields the scanner reads as one token).
/// The runs keep dotted names as written unless an import statement names
/// the first part of one (only an import makes a name match by what it
/// resolves to).
fn some_line_holds(scan: &Scan<'_>, runs: &Runs, region: Option<Range<usize>>) -> bool {
    // The runs with dotted names cut hold wherever the literal ones do.
    if lines_hold(scan, &runs.literal, region.as_ref()) {
        return true;
    }
    let renamed = !runs.heads.is_empty()
        && scan.lines.iter().any(|line| {
            let tokens = scan.line_tokens(line);
            tokens.iter().any(|token| scan.is(token, "import"))
                && tokens.iter().any(|token| runs.heads.iter().any(|head| scan.is(token, head)))
        });
    renamed && lines_hold(scan, &runs.resolved, region.as_ref())
}

/// `some_line_holds` for one set of runs.
fn lines_hold(scan: &Scan<'_>, runs: &[Vec<String>], region: Option<&Range<usize>>) -> bool {
    // A match inside a replacement field is inside the f-string's token,
    // which then holds each token of the runs as often as they do.
    let mut needed: Vec<(&str, usize)> = Vec::new();
    for text in runs.iter().flatten() {
        match needed.iter_mut().find(|(seen, _)| *seen == text.as_str()) {
            Some((_, count)) => *count += 1,
            None => needed.push((text.as_str(), 1)),
        }
    }
    let holds_words = |token: &Token| {
        scan.is_formatted_string(token)
            && std::str::from_utf8(scan.text(token)).map_or(true, |text| {
                needed.iter().all(|(word, count)| occurrences(text, word) >= *count)
            })
    };
    scan.lines.iter().any(|line| {
        let tokens = scan.line_tokens(line);
        let in_region = region.is_none_or(|region| {
            tokens.first().is_some_and(|first| region.contains(&(first.start as usize)))
        });
        in_region && (holds_in_order(scan, tokens, runs) || tokens.iter().any(holds_words))
    })
}

/// How many times `token` stands in `text` (as a whole word for a name).
fn occurrences(text: &str, token: &str) -> usize {
    let is_word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
    if !token.bytes().all(is_word_byte) {
        return text.matches(token).count();
    }
    word_offsets(text, token).len()
}

/// `tokens` hold each run side by side, one after the other (the earliest
/// place for each run leaves the most room for the next ones).
fn holds_in_order(scan: &Scan<'_>, tokens: &[Token], runs: &[Vec<String>]) -> bool {
    let mut from = 0;
    for run in runs {
        let Some(first) = run.first() else { continue };
        let first = first.as_bytes();
        let found = (from..tokens.len()).find(|&at| {
            let token = &tokens[at];
            // Length and first byte first: most tokens differ there.
            (token.end - token.start) as usize == first.len()
                && scan.source.get(token.start as usize) == first.first()
                && tokens.len() - at >= run.len()
                && run.iter().zip(&tokens[at..]).all(|(text, token)| scan.is(token, text))
        });
        match found {
            Some(at) => from = at + run.len(),
            None => return false,
        }
    }
    true
}

/// The edit that removes the module-level import `import` names when the
/// rewrite (`changes`) leaves it unused: each of its references is in
/// replaced text, no replacement writes its name again, and the name is
/// written nowhere else (not in `__all__`, a string or a comment either).
fn unused_import_removal(context: &Context<'_>, import: &Import, changes: &[Edit]) -> Option<Edit> {
    let semantic = context.semantic;
    let module = context.module;
    let record = semantic.imports().iter().find(|record| {
        semantic.binding(record.binding).scope == semantic.module_scope()
            && match import {
                Import::Module(name) => record.member.is_none() && &record.module == name,
                Import::From(from, name) => {
                    record.member == Some(name.as_str()) && &record.module == from
                }
            }
    })?;
    let binding = semantic.binding(record.binding);
    if semantic.bindings_of(binding.symbol).len() != 1 {
        return None;
    }
    let name = module.text(binding.name);
    let replaced = |range: Range<usize>| {
        changes
            .iter()
            .any(|change| change.range.start <= range.start && range.end <= change.range.end)
    };
    let references_replaced = semantic
        .references_of(record.binding)
        .iter()
        .all(|&reference| replaced(semantic.reference(reference).node.byte_range()));
    let written_again =
        changes.iter().any(|change| !word_offsets(&change.replacement, name).is_empty());
    let written_elsewhere = word_offsets(module.source, name)
        .into_iter()
        .any(|at| at != binding.name.start_byte() && !replaced(at..at + name.len()));
    if !references_replaced || written_again || written_elsewhere {
        return None;
    }
    remove_import_name(module, record.statement, record.item)
}

/// Where `word` stands in `text` as a whole word.
fn word_offsets(text: &str, word: &str) -> Vec<usize> {
    let is_word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, word.as_bytes())
        .filter(|&at| {
            let before = at.checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(at + word.len()).copied();
            !before.is_some_and(is_word_byte) && !after.is_some_and(is_word_byte)
        })
        .collect()
}

fn inside(module: &Module<'_>, node: Node<'_>, kind: &str) -> bool {
    let mut current = module.parent(node);
    while let Some(parent) = current {
        if parent.kind() == kind {
            return true;
        }
        current = module.parent(parent);
    }
    false
}

fn is_placeholder(module: &Module<'_>, node: Node<'_>) -> bool {
    let text = module.text(node);
    text.starts_with("__pf_one_") || text.starts_with("__pf_seq_")
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// The import statements of the rule file's `field`, each checked.
fn parse_imports(field: &str, statements: &[String]) -> Result<Vec<Import>, SpecError> {
    statements
        .iter()
        .map(|statement| {
            parse_import(statement).ok_or_else(|| {
                SpecError::new(
                    field,
                    format!("`{statement}` is not `import MODULE` or `from MODULE import NAME`"),
                )
            })
        })
        .collect()
}

fn parse_import(statement: &str) -> Option<Import> {
    let words: Vec<&str> = statement.split_whitespace().collect();
    let dotted = |text: &str| text.split('.').all(is_identifier);
    match words.as_slice() {
        ["import", module] if dotted(module) => Some(Import::Module(module.to_string())),
        ["from", module, "import", name] if dotted(module) && is_identifier(name) => {
            Some(Import::From(module.to_string(), name.to_string()))
        }
        _ => None,
    }
}

/// The template, checked: its metavariables are the pattern's, it parses
/// (metavariables aside), and its output cannot match the pattern again
/// (the fix loop would never settle).
fn check_template(
    text: &str,
    pattern: &Pattern,
    constraints: &[Constraint],
) -> Result<Template, SpecError> {
    let template = Template::new(text);
    for (name, sequence) in template.metavariables() {
        match pattern.metavariables.iter().find(|meta| meta.name == name) {
            None => {
                let written = if sequence { "$$$" } else { "$" };
                return Err(SpecError::new(
                    "fix",
                    format!("`{written}{name}` is not a metavariable of the pattern"),
                ));
            }
            Some(meta) if meta.sequence != sequence => {
                let (is, written) = if meta.sequence { ("$$$", "$") } else { ("$", "$$$") };
                return Err(SpecError::new(
                    "fix",
                    format!("`{written}{name}` is `{is}{name}` in the pattern"),
                ));
            }
            Some(_) => {}
        }
    }
    let (source, _) = pattern::substitute(text);
    let module = Module::parse(&source, "<fix>").map_err(|_| {
        SpecError::new("fix", "the rewrite is not valid Python (metavariables aside)")
    })?;
    let rule_like = Rule {
        meta: &PROBE,
        id: String::new(),
        path: PathBuf::new(),
        message: String::new(),
        root_kinds: pattern.root_kinds(),
        pattern: pattern.clone(),
        template: None,
        applicability: Applicability::Safe,
        constraints: constraints
            .iter()
            .map(|c| Constraint {
                name: c.name.clone(),
                qualified_name: c.qualified_name.clone(),
                kinds: c.kinds.clone(),
                regex: c.regex.clone(),
                not_inside: Vec::new(),
            })
            .collect(),
        not_inside: Vec::new(),
        imports: Vec::new(),
        removals: Vec::new(),
        files: Vec::new(),
        requires_python: None,
        tests: Vec::new(),
        no_match: Vec::new(),
    };
    let matcher = Matcher { module: &module, semantic: None };
    let kinds = pattern.root_kinds();
    for node in module.nodes() {
        if kinds.contains(&node.kind_id())
            && let Some(captures) = matcher.matches(pattern, *node)
            && rule_like.holds(&module, None, *node, &captures)
        {
            return Err(SpecError::new(
                "fix",
                format!(
                    "the rewrite matches the pattern again (at `{}`): the fix would never settle",
                    module.text(*node).replace("__pf_one_", "$").replace("__pf_seq_", "$$$")
                ),
            ));
        }
    }
    Ok(template)
}

static PROBE: RuleMeta =
    RuleMeta { code: "", name: "", fix: FixKind::None, source: "", aliases: &[] };

fn common_prefix(a: &str, b: &str) -> usize {
    let mut len = 0;
    for ((i, x), y) in a.char_indices().zip(b.chars()) {
        if x != y {
            return i;
        }
        len = i + x.len_utf8();
    }
    len
}

fn common_suffix(a: &str, b: &str) -> usize {
    let mut len = 0;
    for (x, y) in a.chars().rev().zip(b.chars().rev()) {
        if x != y {
            break;
        }
        len += x.len_utf8();
    }
    len
}

/// The rule's documentation, as `--explain` prints it.
fn documentation(spec: &Spec, applicability: Applicability) -> String {
    let mut doc = String::new();
    let mut line = |text: &str| {
        let _ = writeln!(doc, "//! {text}");
    };
    line(&format!("# {} ({})", spec.id, spec.code));
    line("");
    line("## What it does");
    line(spec.description.as_deref().unwrap_or(&spec.message));
    line("");
    line(&format!(
        "A custom rule, from `{}`.",
        spec.path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
    ));
    line("");
    line("## Pattern");
    line("```python");
    for text in spec.pattern.lines() {
        line(text);
    }
    line("```");
    if let Some(fix) = &spec.fix {
        line("");
        line(&format!("## Fix ({})", applicability.label()));
        line("```python");
        for text in fix.lines() {
            line(text);
        }
        line("```");
    }
    doc.push('\n');
    // Not documentation: what the cache key of a run hashes.
    doc.push_str(&spec.text);
    doc
}

#[cfg(test)]
mod tests;

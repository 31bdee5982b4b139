//! Suppression comments. A suppressed diagnostic is neither reported nor
//! fixed.
//!
//! - `# pyfix: ignore[PF001, mutable-default]` (codes or names) or a bare
//!   `# pyfix: ignore` (every rule), and flake8's `# noqa: PF001` or bare
//!   `# noqa`, on the line where the diagnostic starts. As in ruff, a
//!   diagnostic that starts inside a multi-line string is suppressed from
//!   the line where the string ends, and one on a line continued with `\`
//!   from the line where the continuation ends: the only places a comment
//!   can go.
//! - `# pyfix: ignore-file` (or `# pyfix: ignore-file[PF001]`) on a line of
//!   its own before the first statement (a module docstring may precede
//!   it): the whole file.
//!
//! - Other linters' exemptions for the same check: `# noqa: B006` on a line
//!   (and `# noqa: mutable-default`, a rule's name), `# ruff: noqa` or
//!   `# flake8: noqa` (optionally `: B006, ...`) anywhere in the file for the
//!   whole file. A rule lists the codes it shares in `RuleMeta::aliases`; a
//!   bare file-level exemption covers the rules that have any.
//!
//! The engine records which directives were used; a rule of its own
//! (`Transform::check_suppressions`) reports the unused and unknown ones.

use std::ops::Range;

use tree_sitter::Node;

use crate::rule::diagnostic::Diagnostic;
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirectiveKind {
    /// `# noqa` / `# noqa: PF001`: shared with flake8 and ruff.
    Noqa,
    /// `# pyfix: ignore` / `# pyfix: ignore[...]`.
    Ignore,
    /// `# pyfix: ignore-file` / `# pyfix: ignore-file[...]`.
    IgnoreFile,
    /// `# pyfix: <something else>`: a typo, most likely.
    Unknown,
    /// `# ruff: noqa` / `# flake8: noqa` (optionally `: B006, ...`): the
    /// file is exempt from the other linter's checks, and so from the rules
    /// that make the same checks (see `RuleMeta::aliases`).
    ForeignFile,
}

/// One code or name listed in a directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    pub text: String,
    pub range: Range<usize>,
    /// The rule's code, when the text names a pyfix rule.
    pub rule: Option<&'static str>,
    /// False for another tool's code in a `# noqa` (`E501`): not ours to judge.
    pub ours: bool,
    pub used: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub kind: DirectiveKind,
    /// The directive's own text, from its `#` to its last code or bracket.
    pub range: Range<usize>,
    /// The comment that holds it (without a CRLF file's trailing `\r`).
    pub comment: Range<usize>,
    /// The 0-based line it applies to.
    pub line: usize,
    /// The listed codes; none means every rule.
    pub codes: Vec<Code>,
    /// Where the code list starts and ends (inside the brackets, or after `noqa:`).
    pub list: Option<Range<usize>>,
    /// For a bare directive: whether it suppressed anything.
    pub used: bool,
    /// An `ignore-file` below the first statement, which applies to nothing.
    pub misplaced: bool,
}

impl Directive {
    pub fn is_bare(&self) -> bool {
        self.codes.is_empty()
    }

    /// Marks the directive (or the listed code) used when it covers `code`.
    fn take(&mut self, code: &str) -> bool {
        if self.is_bare() {
            self.used = true;
            return true;
        }
        let mut covered = false;
        for listed in self.codes.iter_mut().filter(|listed| listed.rule == Some(code)) {
            listed.used = true;
            covered = true;
        }
        covered
    }
}

/// What suppression comments need to know of the rules (the registry
/// answers; a trait keeps this module below it).
pub trait KnownRules {
    /// The code of the rule with this code (any case) or name.
    fn code_of(&self, code_or_name: &str) -> Option<&'static str>;
    /// The code of the rule that makes the check another linter calls
    /// `code` (`B006`), if one does.
    fn code_for_alias(&self, code: &str) -> Option<&'static str>;
    /// Whether another linter makes the check of the rule `code`.
    fn has_aliases(&self, code: &str) -> bool;
    /// Every known rule's code.
    fn codes(&self) -> Vec<&'static str>;
}

/// The suppression comments of one file, and which of them were used.
#[derive(Clone, Debug)]
pub struct Suppressions {
    pub directives: Vec<Directive>,
    /// The codes of the rules that ran: a suppression for any other rule
    /// cannot be judged unused.
    pub ran: Vec<&'static str>,
    /// Every known rule ran: a bare directive that suppressed nothing is
    /// then known to be unused.
    all_ran: bool,
    /// The rules another linter also checks (a bare `# ruff: noqa` exempts
    /// a file from them).
    with_aliases: Vec<&'static str>,
}

impl Suppressions {
    /// Finds the directives in `module`'s comments.
    pub fn parse(
        module: &Module<'_>,
        registry: &dyn KnownRules,
        ran: Vec<&'static str>,
    ) -> Suppressions {
        let codes = registry.codes();
        let all_ran = codes.iter().all(|code| ran.contains(code));
        let with_aliases = codes.into_iter().filter(|code| registry.has_aliases(code)).collect();
        let mut suppressions = Suppressions { directives: Vec::new(), ran, all_ran, with_aliases };
        if !mentions_a_directive(module.source.as_bytes()) {
            return suppressions;
        }
        let first_statement = first_code_statement(module);
        for node in module.nodes_of_kind(&[Kind::Comment]) {
            let start = node.start_byte();
            let text = module.text(node).trim_end_matches('\r');
            let line = node.start_position().row;
            for mut directive in parse_comment(text, start, line, registry) {
                if directive.kind == DirectiveKind::IgnoreFile {
                    directive.misplaced = !module.starts_line(start)
                        || first_statement.is_some_and(|first| first < start);
                }
                suppressions.directives.push(directive);
            }
        }
        suppressions
    }

    /// Drops the diagnostics a directive covers, and records the use.
    pub fn filter(&mut self, module: &Module<'_>, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        self.filter_with(module, diagnostics, true)
    }

    /// Drops the reports about the directives themselves that a directive
    /// names explicitly (`# noqa: PF001, PF100`). A bare directive does not
    /// silence the report that it is unused: it could never be reported.
    pub fn filter_reports(
        &mut self,
        module: &Module<'_>,
        diagnostics: Vec<Diagnostic>,
    ) -> Vec<Diagnostic> {
        self.filter_with(module, diagnostics, false)
    }

    fn filter_with(
        &mut self,
        module: &Module<'_>,
        diagnostics: Vec<Diagnostic>,
        bare_counts: bool,
    ) -> Vec<Diagnostic> {
        if self.directives.is_empty() {
            return diagnostics;
        }
        diagnostics
            .into_iter()
            .filter(|diagnostic| !self.suppresses(module, diagnostic, bare_counts))
            .collect()
    }

    fn suppresses(
        &mut self,
        module: &Module<'_>,
        diagnostic: &Diagnostic,
        bare_counts: bool,
    ) -> bool {
        let code = diagnostic.code;
        let mut suppressed = false;
        let applies = |directive: &Directive| bare_counts || !directive.is_bare();
        let has_alias = self.with_aliases.contains(&code);
        for directive in &mut self.directives {
            let whole_file = match directive.kind {
                DirectiveKind::IgnoreFile => !directive.misplaced,
                // A bare `# ruff: noqa` exempts the file from every check
                // ruff makes, so from the rules that make one of them.
                DirectiveKind::ForeignFile => has_alias || !directive.is_bare(),
                _ => false,
            };
            if whole_file && applies(directive) {
                suppressed |= directive.take(code);
            }
        }
        if suppressed {
            return true;
        }
        let line = suppression_line(module, diagnostic.range.start);
        for directive in &mut self.directives {
            let on_line = matches!(directive.kind, DirectiveKind::Noqa | DirectiveKind::Ignore)
                && directive.line == line;
            if on_line && applies(directive) {
                suppressed |= directive.take(code);
            }
        }
        suppressed
    }

    /// True when every registered rule ran, so that a bare directive that
    /// suppressed nothing is known to be unused.
    pub fn all_rules_ran(&self) -> bool {
        self.all_ran
    }
}

/// A cheap look before walking the tree for comments: no `noqa` or
/// `pyfix` anywhere (any case) means no directive.
pub fn mentions_a_directive(source: &[u8]) -> bool {
    // memchr finds the candidate first letters at memory speed.
    memchr::memchr3_iter(b'n', b'N', b'p', source).chain(memchr::memchr_iter(b'P', source)).any(
        |at| {
            let rest = &source[at..];
            let word: &[u8] = if rest[0].eq_ignore_ascii_case(&b'n') { b"noqa" } else { b"pyfix" };
            rest.get(..word.len()).is_some_and(|found| found.eq_ignore_ascii_case(word))
        },
    )
}

/// The offset of the first statement that is not the module docstring.
fn first_code_statement(module: &Module<'_>) -> Option<usize> {
    let root = module.root();
    let mut cursor = root.walk();
    let mut statements =
        root.named_children(&mut cursor).filter(|node| node.py_kind() != Kind::Comment);
    let first = statements.next()?;
    if is_string_statement(first) {
        return statements.next().map(|node| node.start_byte());
    }
    Some(first.start_byte())
}

fn is_string_statement(node: Node<'_>) -> bool {
    node.is(Kind::ExpressionStatement)
        && node.named_child_count() == 1
        && node
            .named_child(0)
            .is_some_and(|child| matches!(child.py_kind(), Kind::String | Kind::ConcatenatedString))
}

/// The 0-based line whose comment can suppress a diagnostic starting at
/// `offset`: its own, or the last line of the multi-line string or the
/// backslash continuation it sits in.
pub fn suppression_line(module: &Module<'_>, offset: usize) -> usize {
    let root = module.root();
    let mut line_start = module.line_start(offset);
    let mut current = root.descendant_for_byte_range(offset, offset);
    while let Some(node) = current {
        if matches!(node.py_kind(), Kind::String | Kind::ConcatenatedString) {
            line_start = line_start.max(module.line_start(node.end_byte()));
        }
        current = module.parent(node);
    }
    // Follow `\` continuations to the line that ends the statement.
    loop {
        let next = module.next_line_start(line_start);
        let Some(line) = module.source[line_start..next].strip_suffix('\n') else { break };
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !line.ends_with('\\') || next >= module.source.len() {
            break;
        }
        let backslash = line_start + line.len() - 1;
        let is_continuation = root
            .descendant_for_byte_range(backslash, backslash + 1)
            .is_some_and(|node| node.is(Kind::LineContinuation));
        if !is_continuation {
            break;
        }
        line_start = next;
    }
    module.line_column(line_start).0 - 1
}

/// The directives in one comment (`# type: ignore  # noqa: PF001` has one;
/// each `#` can start one).
fn parse_comment(
    text: &str,
    start: usize,
    line: usize,
    registry: &dyn KnownRules,
) -> Vec<Directive> {
    let comment = start..start + text.len();
    let mut found = Vec::new();
    for (hash, _) in text.match_indices('#') {
        let after = &text[hash + 1..];
        let body = after.trim_start_matches([' ', '\t']);
        let body_at = hash + 1 + (after.len() - body.len());
        let starts = |word: &str| {
            body.as_bytes()
                .get(..word.len())
                .is_some_and(|b| b.eq_ignore_ascii_case(word.as_bytes()))
        };
        let foreign = ["ruff:", "flake8:"].into_iter().find(|tool| starts(tool));
        let directive = if starts("noqa") {
            parse_noqa(text, body_at + 4, registry)
        } else if let Some(tool) = foreign {
            parse_foreign_file(text, body_at + tool.len(), registry)
        } else if starts("pyfix:") {
            Some(parse_pyfix(text, body_at + 6, registry))
        } else {
            None
        };
        if let Some((kind, end, codes, list)) = directive {
            let shift = |range: Range<usize>| start + range.start..start + range.end;
            found.push(Directive {
                kind,
                range: start + hash..start + end,
                comment: comment.clone(),
                line,
                codes: codes
                    .into_iter()
                    .map(|code| Code { range: shift(code.range.clone()), ..code })
                    .collect(),
                list: list.map(shift),
                used: false,
                misplaced: false,
            });
        }
    }
    found
}

type Parsed = (DirectiveKind, usize, Vec<Code>, Option<Range<usize>>);

/// `noqa` was read up to `at`: a bare `# noqa`, or `: CODE, CODE` / `: CODE CODE`.
fn parse_noqa(text: &str, at: usize, registry: &dyn KnownRules) -> Option<Parsed> {
    let rest = &text[at..];
    let next = rest.chars().next();
    if next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None; // `noqaxyz`: not a directive.
    }
    let spaced = rest.trim_start_matches([' ', '\t']);
    let Some(after_colon) = spaced.strip_prefix(':') else {
        return Some((DirectiveKind::Noqa, at, Vec::new(), None));
    };
    let mut cursor = text.len() - after_colon.len();
    let mut codes = Vec::new();
    loop {
        let tail = &text[cursor..];
        let token_start = cursor + (tail.len() - tail.trim_start_matches([' ', '\t', ',']).len());
        let word: String = text[token_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        // A rule's name (`# noqa: mutable-default`) is pyfix's own; other
        // words end the list, as in flake8.
        // `code_of` takes a code too: a name is what is not one.
        let named = registry.code_of(&word).filter(|code| !code.eq_ignore_ascii_case(&word));
        let token = match named {
            Some(_) => word,
            None => word.chars().take_while(|c| c.is_ascii_alphanumeric()).collect(),
        };
        if named.is_none() && !looks_like_code(&token) {
            break;
        }
        let ours = named.is_some() || (token.len() > 2 && token[..2].eq_ignore_ascii_case("PF"));
        // Another linter's code for the same check counts for the rule.
        let rule = registry.code_of(&token).or_else(|| registry.code_for_alias(&token));
        codes.push(Code {
            range: token_start..token_start + token.len(),
            text: token,
            rule,
            ours,
            used: false,
        });
        cursor = codes.last().map_or(cursor, |code| code.range.end);
    }
    match (codes.first(), codes.last()) {
        (Some(first), Some(last)) => {
            let list = first.range.start..last.range.end;
            Some((DirectiveKind::Noqa, last.range.end, codes, Some(list)))
        }
        // `# noqa:` with nothing after it counts as bare, as in flake8.
        _ => Some((DirectiveKind::Noqa, at, Vec::new(), None)),
    }
}

/// `ruff:` or `flake8:` was read up to `at`: a file-level `noqa` follows,
/// or this is not a directive.
fn parse_foreign_file(text: &str, at: usize, registry: &dyn KnownRules) -> Option<Parsed> {
    let rest = &text[at..];
    let word_at = at + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
    let is_noqa = text[word_at..].get(..4).is_some_and(|word| word.eq_ignore_ascii_case("noqa"));
    if !is_noqa {
        return None;
    }
    let (_, end, codes, list) = parse_noqa(text, word_at + 4, registry)?;
    Some((DirectiveKind::ForeignFile, end, codes, list))
}

/// A flake8-style code: letters then digits (`PF001`, `E501`, `RUF100`).
fn looks_like_code(token: &str) -> bool {
    let letters = token.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    letters > 0 && letters < token.len() && token[letters..].bytes().all(|b| b.is_ascii_digit())
}

/// `pyfix:` was read up to `at`.
fn parse_pyfix(text: &str, at: usize, registry: &dyn KnownRules) -> Parsed {
    let rest = &text[at..];
    let word_at = at + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
    let word: String = text[word_at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let kind = match word.as_str() {
        "ignore" => DirectiveKind::Ignore,
        "ignore-file" => DirectiveKind::IgnoreFile,
        _ => return (DirectiveKind::Unknown, word_at + word.len(), Vec::new(), None),
    };
    let after_word = word_at + word.len();
    let Some(inside) = text[after_word..].strip_prefix('[') else {
        let followed = text[after_word..].chars().next();
        if followed.is_some_and(|c| !c.is_whitespace() && c != '#') {
            return (DirectiveKind::Unknown, after_word, Vec::new(), None);
        }
        return (kind, after_word, Vec::new(), None);
    };
    let Some(close) = inside.find(']') else {
        return (DirectiveKind::Unknown, text.len(), Vec::new(), None);
    };
    let list_start = after_word + 1;
    let mut codes = Vec::new();
    let mut offset = list_start;
    for item in inside[..close].split(',') {
        let trimmed = item.trim();
        if !trimmed.is_empty() {
            let item_start = offset + (item.len() - item.trim_start().len());
            codes.push(Code {
                text: trimmed.to_string(),
                range: item_start..item_start + trimmed.len(),
                rule: registry.code_of(trimmed),
                ours: true,
                used: false,
            });
        }
        offset += item.len() + 1;
    }
    let end = list_start + close + 1;
    if codes.is_empty() {
        // `ignore[]` names nothing: treat it as the bare form it looks like.
        return (kind, end, codes, None);
    }
    (kind, end, codes, Some(list_start..list_start + close))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::registry::testing::REGISTRY;

    fn parse_comment(text: &str, start: usize, line: usize) -> Vec<Directive> {
        super::parse_comment(text, start, line, &REGISTRY)
    }

    fn one(text: &str) -> Directive {
        let found = parse_comment(text, 0, 0);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        found.into_iter().next().unwrap()
    }

    #[test]
    fn reads_noqa_directives() {
        let bare = one("# noqa");
        assert_eq!(
            (bare.kind, bare.is_bare(), bare.range.clone()),
            (DirectiveKind::Noqa, true, 0..6)
        );
        let listed = one("# NOQA: PF001, E501 because");
        let texts: Vec<&str> = listed.codes.iter().map(|code| code.text.as_str()).collect();
        assert_eq!(texts, ["PF001", "E501"]);
        assert_eq!(listed.codes[0].rule, Some("PF001"));
        assert!(listed.codes[0].ours && !listed.codes[1].ours);
        assert_eq!(&"# NOQA: PF001, E501 because"[listed.range.clone()], "# NOQA: PF001, E501");
        let spaced = one("#noqa:PF001 PF002");
        assert_eq!(spaced.codes.len(), 2);
        assert!(parse_comment("# noqaxyz", 0, 0).is_empty());
        assert!(parse_comment("# this is not a directive", 0, 0).is_empty());
        assert!(parse_comment("# kö", 0, 0).is_empty());
        assert!(mentions_a_directive(b"x = 1  # NOQA"));
        assert!(!mentions_a_directive(b"x = 1  # no"));
        assert!(mentions_a_directive(b"# PyFix: ignore-file"));
        assert!(mentions_a_directive(b"x = 1  # NoQa"));
        assert!(!mentions_a_directive(b"nnoq pyfi P N"));
        assert!(parse_comment("# pyfö", 0, 0).is_empty());
        let second = one("# type: ignore  # noqa: PF001");
        assert_eq!(second.range, 16..29);
    }

    #[test]
    fn reads_pyfix_directives() {
        let listed = one("# pyfix: ignore[PF001, mutable-default]");
        assert_eq!(listed.kind, DirectiveKind::Ignore);
        let rules: Vec<Option<&str>> = listed.codes.iter().map(|code| code.rule).collect();
        assert_eq!(rules, [Some("PF001"), Some("PF001")]);
        assert_eq!(listed.list, Some(16..38));
        let unknown = one("# pyfix: ignore[PF999]");
        assert_eq!(unknown.codes[0].rule, None);
        assert_eq!(one("# pyfix: ignore").kind, DirectiveKind::Ignore);
        assert_eq!(one("# pyfix: ignore-file").kind, DirectiveKind::IgnoreFile);
        assert_eq!(one("# pyfix: ignroe").kind, DirectiveKind::Unknown);
        assert_eq!(one("# pyfix: ignore[PF001").kind, DirectiveKind::Unknown);
        assert_eq!(one("# pyfix: ignorex").kind, DirectiveKind::Unknown);
    }

    fn lines(source: &str) -> Vec<usize> {
        let module = Module::parse(source, "t.py").unwrap();
        source.match_indices("[]").map(|(at, _)| suppression_line(&module, at)).collect()
    }

    #[test]
    fn maps_multi_line_strings_and_continuations_to_their_last_line() {
        assert_eq!(lines("x = []\n"), [0]);
        assert_eq!(lines("x = f\"\"\"{[]}\n\"\"\"\n"), [1]);
        assert_eq!(lines("x = 1 + \\\n    [] + \\\n    2\ny = []\n"), [2, 3]);
        assert_eq!(lines("def f(\n    a=[],\n):\n    pass\n"), [1]);
    }
}

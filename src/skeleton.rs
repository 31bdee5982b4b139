//! Parsing less than the whole file. Most of a module's bytes are the
//! bodies of its top-level `def` and `class` statements, and most of those
//! bodies cannot hold a finding. The skeleton is the file's text with each
//! such body blanked: its bytes become spaces (line breaks kept) and `...`
//! stands where the body began. Every offset, line and column stays where
//! it was, so what the rules find in the skeleton is found at the same
//! place in the file, and tree-sitter reads blank lines far faster than code.
//!
//! A body is kept when any rule may need it (`Transform::may_need_definition`,
//! by default its prefilter) reading its tokens together with the
//! module-level lines around it (the imports and bindings a rule may depend
//! on), and when it declares a name `global` (a binding the module sees).
//! tests/prefilter.rs checks on the standard library that a skeleton gives
//! exactly the findings of a whole parse.

use std::ops::Range;

use crate::scan::{Line, Scan};
use crate::transform::{FileInfo, Transform};

/// What to parse for a file.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// No rule can find anything: nothing to parse.
    NothingToFind,
    /// Parse the whole text, for this reason.
    Whole(Whole),
    /// Parse this instead.
    Skeleton(Skeleton),
}

/// Why a file is parsed whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whole {
    /// The tokenizer could not read it with certainty.
    Suspicious,
    /// Every body may hold a finding, or there is none to blank.
    NothingToBlank,
    /// Deciding would cost more than parsing.
    OverBudget,
}

/// The text with bodies blanked, the same length as the file's.
#[derive(Debug, PartialEq, Eq)]
pub struct Skeleton {
    pub text: String,
    /// Each blanked body after its `...`, in file order.
    pub blanked: Vec<Range<usize>>,
    /// The blanks the parser does not even read (see `blanks_to_skip`).
    pub skipped: Vec<Range<usize>>,
}

/// How many token copies the per-body prefilter may make, per token of the
/// file, before a whole parse is cheaper than deciding what to skip.
const COPIES_PER_TOKEN: usize = 16;

/// The rules whose prefilter may match the file; all of them when the
/// scan cannot be trusted.
pub fn matching_rules<'r>(scan: &Scan<'_>, rules: &[&'r dyn Transform], file: &FileInfo<'_>) -> Vec<&'r dyn Transform> {
    if scan.suspicious {
        return rules.to_vec();
    }
    rules.iter().copied().filter(|rule| rule.may_match(scan, file)).collect()
}

/// Decides what of a file (scanned as `scan`) to parse for `rules`, the
/// rules that may match it (see `matching_rules`).
pub fn plan(scan: &Scan<'_>, rules: &[&dyn Transform], file: &FileInfo<'_>) -> Plan {
    if scan.suspicious {
        return Plan::Whole(Whole::Suspicious);
    }
    if rules.is_empty() {
        return Plan::NothingToFind;
    }
    let mut planner = Planner {
        scan,
        rules,
        file,
        copies_left: COPIES_PER_TOKEN * scan.tokens.len() + 100_000,
        blanked: Vec::new(),
    };
    let all_lines = 0..scan.lines.len();
    let bodies = definitions(scan, all_lines.clone(), 0);
    let context = lines_outside(all_lines, &bodies);
    if planner.blank_what_cannot_match(&bodies, &context).is_none() {
        return Plan::Whole(Whole::OverBudget);
    }
    if planner.blanked.is_empty() {
        return Plan::Whole(Whole::NothingToBlank);
    }
    planner.blanked.sort_by_key(|body| body.bytes.start);
    match blank(scan.source, &planner.blanked) {
        Some(text) => Plan::Skeleton(Skeleton {
            text,
            blanked: planner.blanked.iter().map(after_ellipsis).collect(),
            skipped: blanks_to_skip(&planner.blanked),
        }),
        None => Plan::Whole(Whole::NothingToBlank),
    }
}

/// Which blanks the parser skips. tree-sitter finds the range holding a
/// position by a linear search from the first range, once per token, so
/// each skipped range costs a little on every token after it (a file of
/// 200,000 small functions took minutes). Short blanks are cheaper to read
/// (spaces and line breaks) than to skip, and past `MAX_SKIPPED` ranges
/// only the largest are worth it.
const MAX_SKIPPED: usize = 64;
const MIN_SKIPPED_BYTES: usize = 256;

/// The blanks the parser skips (after their `...`), in file order.
fn blanks_to_skip(blanked: &[Body]) -> Vec<Range<usize>> {
    let mut skipped: Vec<Range<usize>> = blanked
        .iter()
        .map(after_ellipsis)
        .filter(|range| range.len() >= MIN_SKIPPED_BYTES)
        .collect();
    if skipped.len() > MAX_SKIPPED {
        skipped.select_nth_unstable_by_key(MAX_SKIPPED, |range| std::cmp::Reverse(range.len()));
        skipped.truncate(MAX_SKIPPED);
        skipped.sort_by_key(|range| range.start);
    }
    skipped
}

/// The blanked bytes of a body: all of it after its `...`.
fn after_ellipsis(body: &Body) -> Range<usize> {
    body.bytes.start + ELLIPSIS.len()..body.bytes.end
}

/// A definition whose body may be blanked.
#[derive(Debug, Clone)]
struct Body {
    /// The logical lines of the definition, header included (indices into
    /// `Scan::lines`).
    lines: Range<usize>,
    /// The bytes to blank: from the body's first token to its last.
    bytes: Range<usize>,
    /// A class: its methods are looked at one by one when the class is kept.
    is_class: bool,
}

struct Planner<'a, 's> {
    scan: &'a Scan<'s>,
    rules: &'a [&'a dyn Transform],
    file: &'a FileInfo<'a>,
    /// Token copies the views may still make; past that, parse everything.
    copies_left: usize,
    blanked: Vec<Body>,
}

impl Planner<'_, '_> {
    /// Blanks each body that no rule may match when read with `context`.
    /// A class that is kept is looked into: its methods are read with the
    /// module-level lines and the class's own statements (a class scope
    /// does not enclose its methods, so nothing else can matter to them).
    /// Function bodies are kept whole: a closure's finding may depend on
    /// the function around it. `None` when the budget runs out.
    fn blank_what_cannot_match(&mut self, bodies: &[Body], context: &[Range<usize>]) -> Option<()> {
        for body in bodies {
            let global = declares_global(self.scan, body);
            if !global && !self.may_match(body, context)? {
                self.blanked.push(body.clone());
            } else if body.is_class {
                let Some(first_line) = self.scan.lines.get(body.lines.start + 1) else { continue };
                let inner = body.lines.start + 1..body.lines.end;
                let methods = definitions(self.scan, inner.clone(), first_line.indent);
                let mut inner_context = context.to_vec();
                inner_context.push(body.lines.start..body.lines.start + 1);
                inner_context.extend(lines_outside(inner, &methods));
                inner_context.sort_by_key(|range| range.start);
                self.blank_what_cannot_match(&methods, &inner_context)?;
            }
        }
        Some(())
    }

    /// Whether a rule may need this definition's body, read with `context`.
    fn may_match(&mut self, body: &Body, context: &[Range<usize>]) -> Option<bool> {
        let mut lines: Vec<Range<usize>> = context.to_vec();
        let at = lines.partition_point(|range| range.start < body.lines.start);
        lines.insert(at, body.lines.clone());
        let copies: usize = lines.iter().map(|range| token_count(self.scan, range)).sum();
        self.copies_left = self.copies_left.checked_sub(copies)?;
        let header = &self.scan.lines[body.lines.start];
        let definition = self.scan.tokens[header.first as usize].start as usize..body.bytes.end;
        let view = self.scan.view(&lines, definition);
        Some(self.rules.iter().any(|rule| rule.may_need_definition(&view, self.file)))
    }
}

/// The `def`, `async def` and `class` statements among `lines` that start
/// at `indent`, whose bodies can be replaced by `...`: a header ending in
/// a `:` at bracket depth 0, then a one-line body or lines indented deeper,
/// with room for `...` on the body's first line.
fn definitions(scan: &Scan<'_>, lines: Range<usize>, indent: u32) -> Vec<Body> {
    let mut bodies = Vec::new();
    let mut index = lines.start;
    while index < lines.end {
        let line = &scan.lines[index];
        let under = scan.lines[index + 1..lines.end].iter().take_while(|next| next.indent > line.indent).count();
        if line.indent == indent
            && let Some(is_class) = definition_kind(scan, line)
        {
            bodies.extend(body_of(scan, index, under, is_class));
        }
        index += 1 + under;
    }
    bodies
}

/// `Some(true)` for a class, `Some(false)` for a function, else `None`.
fn definition_kind(scan: &Scan<'_>, line: &Line) -> Option<bool> {
    match scan.line_tokens(line) {
        [first, ..] if scan.is(first, "class") => Some(true),
        [first, ..] if scan.is(first, "def") => Some(false),
        [first, second, ..] if scan.is(first, "async") && scan.is(second, "def") => Some(false),
        _ => None,
    }
}

fn body_of(scan: &Scan<'_>, header: usize, under: usize, is_class: bool) -> Option<Body> {
    let tokens = scan.line_tokens(&scan.lines[header]);
    let depth = tokens.first()?.depth;
    let colon = tokens.iter().position(|token| token.depth == depth && scan.is(token, ":"))?;
    // `def f() -> lambda: x: ...` would put the body colon elsewhere.
    if tokens[..colon].iter().any(|token| scan.is(token, "lambda")) {
        return None;
    }
    let same_line = &tokens[colon + 1..];
    let lines = header..header + 1 + under;
    let (first, last) = match (same_line, under) {
        ([first, ..], 0) => (first, same_line.last()?),
        ([], 1..) => {
            let first_line = scan.line_tokens(&scan.lines[header + 1]);
            let last_line = scan.line_tokens(&scan.lines[lines.end - 1]);
            (first_line.first()?, last_line.last()?)
        }
        _ => return None,
    };
    let bytes = first.start as usize..last.end as usize;
    let first_line_end = scan.source[bytes.clone()]
        .iter()
        .position(|byte| matches!(byte, b'\n' | b'\r'))
        .map_or(bytes.end, |offset| bytes.start + offset);
    (first_line_end - bytes.start >= ELLIPSIS.len()).then_some(Body { lines, bytes, is_class: is_class && under > 0 })
}

/// The lines of `within` outside every definition in `bodies`, as ranges
/// of line indices: the statements a body is read with. The headers of
/// the definitions are left out too: a finding in a header (a mutable
/// default) concerns that definition alone, whose body its fix changes.
fn lines_outside(within: Range<usize>, bodies: &[Body]) -> Vec<Range<usize>> {
    let mut outside = Vec::new();
    let mut next = within.start;
    for body in bodies {
        if body.lines.start > next {
            outside.push(next..body.lines.start);
        }
        next = next.max(body.lines.end);
    }
    if next < within.end {
        outside.push(next..within.end);
    }
    outside
}

fn token_count(scan: &Scan<'_>, lines: &Range<usize>) -> usize {
    match (scan.lines.get(lines.start), lines.end.checked_sub(1).and_then(|last| scan.lines.get(last))) {
        (Some(first), Some(last)) if lines.start < lines.end => (last.end - first.first) as usize,
        _ => 0,
    }
}

/// A `global` statement in a function makes its assignments module
/// bindings, which name resolution elsewhere must see.
fn declares_global(scan: &Scan<'_>, body: &Body) -> bool {
    let start = body.bytes.start as u32;
    body.lines
        .clone()
        .flat_map(|index| scan.line_tokens(&scan.lines[index]).iter())
        .any(|token| token.start >= start && scan.is(token, "global"))
}

const ELLIPSIS: &[u8] = b"...";

/// The text with each body's bytes turned into spaces, line breaks kept,
/// and `...` at the body's start. `None` if the result is not UTF-8,
/// which cannot happen: bodies start and end at ASCII token boundaries.
fn blank(source: &[u8], bodies: &[Body]) -> Option<String> {
    let mut bytes = source.to_vec();
    for body in bodies {
        for byte in &mut bytes[body.bytes.clone()] {
            if !matches!(*byte, b'\n' | b'\r') {
                *byte = b' ';
            }
        }
        bytes[body.bytes.start..body.bytes.start + ELLIPSIS.len()].copy_from_slice(ELLIPSIS);
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::scan;
    use crate::settings::Settings;
    use crate::transforms::ALL;

    fn plan_of(source: &str) -> Plan {
        let settings = Settings::default();
        let file = FileInfo { file_name: "example.py", settings: &settings };
        let scan = scan(source.as_bytes());
        plan(&scan, &matching_rules(&scan, ALL, &file), &file)
    }

    /// The skeleton's text; fails the test if the plan is anything else.
    fn skeleton_of(source: &str) -> String {
        match plan_of(source) {
            Plan::Skeleton(skeleton) => skeleton.text,
            other => panic!("expected a skeleton, got {other:?}"),
        }
    }

    #[test]
    fn only_long_blanks_are_skipped_and_at_most_max_skipped_of_them() {
        let long_body = format!("    total = 0\n{}    return total\n", "    total += len(str(total))\n".repeat(12));
        let mut source = String::from("def loud(x=[]):\n    return x\n\n");
        for index in 0..MAX_SKIPPED + 10 {
            source.push_str(&format!("def long_{index}(a):\n{long_body}\ndef short_{index}(a):\n    return a\n\n"));
        }
        let Plan::Skeleton(skeleton) = plan_of(&source) else { panic!("expected a skeleton") };
        assert_eq!(skeleton.skipped.len(), MAX_SKIPPED);
        assert!(skeleton.skipped.iter().all(|range| range.len() >= MIN_SKIPPED_BYTES));
        assert!(skeleton.skipped.windows(2).all(|pair| pair[0].end <= pair[1].start));
        assert!(!skeleton.text.contains("return a\n"), "short bodies are still blanked");
    }

    #[test]
    fn bodies_without_a_trigger_are_blanked_in_place() {
        let source = "import os\n\ndef quiet(a):\n    # just a comment\n    return os.path.join(a, 'x')\n\ndef loud(x=[]):\n    return x\n";
        let skeleton = skeleton_of(source);
        assert_eq!(skeleton.len(), source.len());
        assert_eq!(skeleton.lines().count(), source.lines().count());
        assert!(skeleton.contains("def quiet(a):\n    # just a comment\n    ...   "));
        assert!(!skeleton.contains("os.path.join"));
        assert!(skeleton.contains("def loud(x=[]):\n    return x\n"));
    }

    #[test]
    fn a_one_line_body_is_blanked_on_its_line() {
        let source = "def quiet(): return 1\ndef loud(x={}): return x\n";
        let skeleton = skeleton_of(source);
        assert_eq!(skeleton, "def quiet(): ...     \ndef loud(x={}): return x\n");
    }

    #[test]
    fn a_file_no_rule_can_match_is_not_parsed() {
        assert_eq!(plan_of("def f(x):\n    return x\n"), Plan::NothingToFind);
    }

    #[test]
    fn a_module_level_import_can_make_a_body_match() {
        // `D()` is a mutable default only because of the import above it.
        let source = "from collections import deque as D\n\ndef f(x=D()):\n    return x\n\ndef g(y):\n    return y + 1\n";
        let skeleton = skeleton_of(source);
        assert!(skeleton.contains("def f(x=D()):\n    return x\n"));
        assert!(!skeleton.contains("y + 1"));
    }

    #[test]
    fn a_body_declaring_a_global_is_kept() {
        let source = "def setup():\n    global log\n    log = 1\n\ndef f(x=[]):\n    return x\n";
        assert!(matches!(plan_of(source), Plan::Whole(_)));
    }

    #[test]
    fn a_body_with_a_suppression_comment_is_kept_for_the_rule_that_judges_them() {
        let source = "def quiet():\n    a = 1  # noqa: PF001\n    return a\n\ndef f(x=[]):\n    return x\n";
        assert!(matches!(plan_of(source), Plan::Whole(_)));
    }

    #[test]
    fn a_body_too_short_for_an_ellipsis_is_kept() {
        let source = "def quiet(): x\ndef f(x=[]):\n    return x\n";
        assert!(matches!(plan_of(source), Plan::Whole(_)));
    }

    #[test]
    fn eager_cli_import_keeps_the_bodies_that_name_a_heavy_import() {
        let source = "import numpy as np\nfrom pandas import DataFrame\n\ndef main():\n    return np.zeros(3)\n\n\
                      def table():\n    return DataFrame()\n\ndef quiet():\n    return 1\n\nif __name__ == '__main__':\n    main()\n";
        let skeleton = skeleton_of(source);
        assert!(skeleton.contains("    return np.zeros(3)\n"));
        assert!(skeleton.contains("    return DataFrame()\n"));
        assert!(!skeleton.contains("return 1"), "a body that names no heavy import is blanked");
    }

    #[test]
    fn del_cleanup_keeps_the_bodies_that_relate_classes() {
        let source = "class Base:\n    def close(self):\n        self.done = True\n\n\
                      def factory():\n    class Made(Base):\n        pass\n    return Made\n\n\
                      def quiet():\n    return 1\n\n\
                      class Leaky(Base):\n    def read(self):\n        return 2\n\n    def __del__(self):\n        self.handle.release()\n";
        let skeleton = skeleton_of(source);
        assert!(skeleton.contains("class Base:\n    def close(self):\n        ...  "), "a base's methods are listed");
        assert!(skeleton.contains("    class Made(Base):\n"), "a class defined in a function is kept");
        assert!(!skeleton.contains("return 1"), "an unrelated function is blanked");
        assert!(skeleton.contains("    def read(self):\n        ...   "), "a method that names nothing related is blanked");
        assert!(skeleton.contains("        self.handle.release()\n"), "__del__ itself is kept");
    }

    #[test]
    fn decorators_and_headers_stay() {
        let source = "@cache\nasync def quiet(a: int = 1) -> int:\n    return a\n\nclass Loud:\n    def f(self, x=[]):\n        return x\n";
        let skeleton = skeleton_of(source);
        assert!(skeleton.starts_with("@cache\nasync def quiet(a: int = 1) -> int:\n    ...     \n"));
        assert!(skeleton.ends_with("class Loud:\n    def f(self, x=[]):\n        return x\n"));
    }

    #[test]
    fn a_kept_class_is_looked_into_method_by_method() {
        let source = "class Service:\n    retries = 3\n\n    def quiet(self):\n        return self.retries\n\n    def loud(self, seen=[]):\n        return seen\n";
        let skeleton = skeleton_of(source);
        assert!(skeleton.contains("    retries = 3\n\n    def quiet(self):\n        ...   "));
        assert!(!skeleton.contains("self.retries"));
        assert!(skeleton.ends_with("    def loud(self, seen=[]):\n        return seen\n"));
    }

    #[test]
    fn a_function_around_a_closure_is_kept_whole() {
        let source = "def outer():\n    for i in range(3):\n        def inner():\n            return i\n        yield inner\n\ndef quiet():\n    return 1\n";
        let skeleton = skeleton_of(source);
        assert!(skeleton.starts_with(&source[..source.find("def quiet").unwrap()]));
    }

    #[test]
    fn a_loop_variable_read_only_in_an_f_string_keeps_its_function() {
        // Found in numpy's tests: the capture of `sfx` hides in the f-string.
        let source = "def quiet():\n    return 1\n\ndef test():\n    for sfx in names:\n        vcb = lambda i: f\"{i}_{sfx}\"\n        run(vcb)\n";
        let skeleton = skeleton_of(source);
        assert!(skeleton.ends_with(&source[source.find("def test").unwrap()..]));
    }
}

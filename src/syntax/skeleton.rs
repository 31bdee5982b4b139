//! Parsing less than the whole file. Most of a module's bytes are the
//! bodies of its top-level `def` and `class` statements, and most of those
//! bodies cannot hold a finding. The skeleton is the file's text with each
//! such body blanked: its bytes become spaces (line breaks kept) and `...`
//! stands where the body began. Every offset, line and column stays where
//! it was, so what the rules find in the skeleton is found at the same
//! place in the file, and tree-sitter reads blank lines far faster than code.
//!
//! A body is kept when the caller says it may be needed (the engine asks
//! the rules: `Transform::may_need_definition`) reading its tokens together
//! with the module-level lines around it (the imports and bindings a rule
//! may depend on), and when it declares a name `global` (a binding the
//! module sees). tests/prefilter.rs checks on the standard library that a
//! skeleton gives exactly the findings of a whole parse.

use std::ops::Range;

use crate::syntax::scan::{Line, Scan};

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

impl Skeleton {
    /// The bytes of each blanked body, `...` included, in file order: what
    /// `skeleton_within` may blank again once fixes have moved them.
    pub fn bodies(&self) -> Vec<Range<usize>> {
        self.blanked.iter().map(|blank| blank.start - ELLIPSIS.len()..blank.end).collect()
    }

    /// The bytes the parser reads: the text less the skipped blanks.
    pub fn parsed_len(&self) -> usize {
        let skipped: usize = self.skipped.iter().map(|range| range.len()).sum();
        self.text.len().saturating_sub(skipped)
    }
}

/// How many token copies the per-body prefilter may make, per token of the
/// file, before a whole parse is cheaper than deciding what to skip.
const COPIES_PER_TOKEN: usize = 16;

/// The skeleton of a file scanned as `scan`, where `may_need` says, for a
/// view of one definition and the lines around it, whether its body must
/// stay; or why the whole file must be parsed instead.
pub fn skeleton(
    scan: &Scan<'_>,
    may_need: &mut dyn FnMut(&Scan<'_>) -> bool,
) -> Result<Skeleton, Whole> {
    skeleton_within(scan, may_need, None)
}

/// As `skeleton`, blanking only bodies among `blankable` (each a body's
/// bytes, from its first token to its last, sorted), when given: after a
/// fix, the bodies an earlier pass blanked and no edit touched (see
/// `Skeleton::bodies`). A body outside them is parsed, so every byte a fix
/// wrote is parsed before the text is written.
pub fn skeleton_within(
    scan: &Scan<'_>,
    may_need: &mut dyn FnMut(&Scan<'_>) -> bool,
    blankable: Option<&[Range<usize>]>,
) -> Result<Skeleton, Whole> {
    if scan.suspicious {
        return Err(Whole::Suspicious);
    }
    let mut planner = Planner {
        scan,
        may_need,
        copies_left: COPIES_PER_TOKEN * scan.tokens.len() + 100_000,
        blankable,
        blanked: Vec::new(),
    };
    let all_lines = 0..scan.lines.len();
    let bodies = definitions(scan, all_lines.clone(), 0);
    let mut context = lines_outside(all_lines, &bodies);
    // A body that declares a name `global` binds it for the whole module:
    // every other definition is read with it, as with a module-level
    // import (`global st; from pdb import set_trace as st` in one function
    // makes `st()` in another a call of `pdb.set_trace`).
    context.extend(global_declaring(scan, &bodies));
    context.sort_by_key(|range| range.start);
    if planner.blank_what_cannot_match(&bodies, &context).is_none() {
        return Err(Whole::OverBudget);
    }
    if planner.blanked.is_empty() {
        return Err(Whole::NothingToBlank);
    }
    planner.blanked.sort_by_key(|body| body.bytes.start);
    match blank(scan.source, &planner.blanked) {
        Some(text) => Ok(Skeleton {
            text,
            blanked: planner.blanked.iter().map(after_ellipsis).collect(),
            skipped: blanks_to_skip(&planner.blanked),
        }),
        None => Err(Whole::NothingToBlank),
    }
}

/// `body` is one of `bodies` (sorted by start, disjoint).
pub fn is_among(bodies: &[Range<usize>], body: &Range<usize>) -> bool {
    bodies
        .binary_search_by_key(&body.start, |range| range.start)
        .is_ok_and(|found| bodies[found].end == body.end)
}

/// Which blanks the parser skips. tree-sitter finds the range holding a
/// position by a linear search from the first range, once per token, so
/// each skipped range costs a little on every token after it (a file of
/// 200,000 small functions took minutes). Short blanks are cheaper to read
/// (spaces and line breaks) than to skip, and past `MAX_SKIPPED` ranges
/// only the largest are worth it.
pub const MAX_SKIPPED: usize = 64;
pub const MIN_SKIPPED_BYTES: usize = 256;

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
    may_need: &'a mut dyn FnMut(&Scan<'_>) -> bool,
    /// Token copies the views may still make; past that, parse everything.
    copies_left: usize,
    /// The only bodies that may be blanked, when not all may.
    blankable: Option<&'a [Range<usize>]>,
    blanked: Vec<Body>,
}

impl Planner<'_, '_> {
    /// Blanks each body that is not needed when read with `context`.
    /// A class that is kept is looked into: its methods are read with the
    /// module-level lines and the class's own statements (a class scope
    /// does not enclose its methods, so nothing else can matter to them).
    /// Function bodies are kept whole: a closure's finding may depend on
    /// the function around it. `None` when the budget runs out.
    fn blank_what_cannot_match(&mut self, bodies: &[Body], context: &[Range<usize>]) -> Option<()> {
        for body in bodies {
            let global = declares_global(self.scan, body);
            if !global && self.may_blank(body) && !self.may_match(body, context)? {
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

    fn may_blank(&self, body: &Body) -> bool {
        self.blankable.is_none_or(|blankable| is_among(blankable, &body.bytes))
    }

    /// Whether this definition's body may be needed, read with `context`.
    fn may_match(&mut self, body: &Body, context: &[Range<usize>]) -> Option<bool> {
        let mut lines: Vec<Range<usize>> = context.to_vec();
        let at = lines.partition_point(|range| range.start < body.lines.start);
        lines.insert(at, body.lines.clone());
        let copies: usize = lines.iter().map(|range| token_count(self.scan, range)).sum();
        self.copies_left = self.copies_left.checked_sub(copies)?;
        let header = &self.scan.lines[body.lines.start];
        let definition = self.scan.tokens[header.first as usize].start as usize..body.bytes.end;
        let view = self.scan.view(&lines, definition);
        Some((self.may_need)(&view))
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
        let under = scan.lines[index + 1..lines.end]
            .iter()
            .take_while(|next| next.indent > line.indent)
            .count();
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
    (first_line_end - bytes.start >= ELLIPSIS.len()).then_some(Body {
        lines,
        bytes,
        is_class: is_class && under > 0,
    })
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
    match (
        scan.lines.get(lines.start),
        lines.end.checked_sub(1).and_then(|last| scan.lines.get(last)),
    ) {
        (Some(first), Some(last)) if lines.start < lines.end => (last.end - first.first) as usize,
        _ => 0,
    }
}

/// The lines of the bodies among `bodies`, and of the methods of the
/// classes among them, that declare a name `global`.
fn global_declaring(scan: &Scan<'_>, bodies: &[Body]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    for body in bodies {
        if body.is_class {
            let Some(first_line) = scan.lines.get(body.lines.start + 1) else { continue };
            let methods =
                definitions(scan, body.lines.start + 1..body.lines.end, first_line.indent);
            found.extend(global_declaring(scan, &methods));
        } else if declares_global(scan, body) {
            found.push(body.lines.clone());
        }
    }
    found
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

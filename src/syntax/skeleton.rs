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

use std::collections::HashMap;
use std::ops::Range;

use crate::syntax::scan::{Kind as ScanKind, Line, Scan, Token, WordHasher};

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
    /// The bytes each blank replaced, its stand-in included, in file order.
    pub replaced: Vec<Range<usize>>,
}

impl Skeleton {
    /// The bytes of each blanked body (or signature and body), the stand-in
    /// included, in file order: what `skeleton_within` may blank again once
    /// fixes have moved them.
    pub fn bodies(&self) -> Vec<Range<usize>> {
        self.replaced.clone()
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
    skeleton_within(scan, may_need, None, Signatures::Blank)
}

/// Whether `skeleton_within` may blank the signatures nothing else reads
/// (see the module's documentation): not when a rule may match any code,
/// stand-ins included (a custom rule's pattern).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signatures {
    Blank,
    Keep,
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
    signatures: Signatures,
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
    let mut bodies = definitions(scan, all_lines.clone(), 0);
    if signatures == Signatures::Blank {
        find_signatures(scan, &mut bodies);
    }
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
    planner.blanked.sort_by_key(|blank| blank.bytes.start);
    match blank(scan.source, &planner.blanked) {
        Some(text) => Ok(Skeleton {
            text,
            blanked: planner.blanked.iter().map(Blank::after_stand_in).collect(),
            skipped: blanks_to_skip(&planner.blanked),
            replaced: planner.blanked.iter().map(|blank| blank.bytes.clone()).collect(),
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

/// The blanks the parser skips (after their stand-ins), in file order.
fn blanks_to_skip(blanked: &[Blank]) -> Vec<Range<usize>> {
    let mut skipped: Vec<Range<usize>> = blanked
        .iter()
        .map(Blank::after_stand_in)
        .filter(|range| range.len() >= MIN_SKIPPED_BYTES)
        .collect();
    if skipped.len() > MAX_SKIPPED {
        skipped.select_nth_unstable_by_key(MAX_SKIPPED, |range| std::cmp::Reverse(range.len()));
        skipped.truncate(MAX_SKIPPED);
        skipped.sort_by_key(|range| range.start);
    }
    skipped
}

/// Bytes of the file that the skeleton replaces: spaces (line breaks
/// kept), with `stand_in` where they begin.
#[derive(Debug, Clone)]
struct Blank {
    bytes: Range<usize>,
    stand_in: &'static [u8],
}

impl Blank {
    /// The blanked bytes: all of them after the stand-in.
    fn after_stand_in(&self) -> Range<usize> {
        self.bytes.start + self.stand_in.len()..self.bytes.end
    }
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
    /// For a function whose signature nothing else reads (`signature_of`):
    /// from the end of its name to the end of its body, which `():...` may
    /// replace when the body is blanked.
    signature: Option<Range<usize>>,
}

struct Planner<'a, 's> {
    scan: &'a Scan<'s>,
    may_need: &'a mut dyn FnMut(&Scan<'_>) -> bool,
    /// Token copies the views may still make; past that, parse everything.
    copies_left: usize,
    /// The only bodies that may be blanked, when not all may.
    blankable: Option<&'a [Range<usize>]>,
    blanked: Vec<Blank>,
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
                self.blanked.push(self.blank_of(body));
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

    /// A body an earlier pass blanked, with or without its signature.
    fn may_blank(&self, body: &Body) -> bool {
        self.blankable.is_none_or(|blankable| {
            is_among(blankable, &body.bytes)
                || body.signature.as_ref().is_some_and(|signature| is_among(blankable, signature))
        })
    }

    /// What blanking `body` replaces: its signature too when nothing else
    /// reads it and an earlier pass (if any) blanked it.
    fn blank_of(&self, body: &Body) -> Blank {
        let signature = body.signature.as_ref().filter(|signature| {
            self.blankable.is_none_or(|blankable| is_among(blankable, signature))
        });
        match signature {
            Some(signature) => Blank { bytes: signature.clone(), stand_in: SIGNATURE_STAND_IN },
            None => Blank { bytes: body.bytes.clone(), stand_in: ELLIPSIS },
        }
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
    (room_on_first_line(scan.source, &bytes) >= ELLIPSIS.len()).then_some(Body {
        lines,
        bytes,
        is_class: is_class && under > 0,
        signature: None,
    })
}

/// Marks the module-level functions among `bodies` whose signature may be
/// blanked with their body (see `signature_of`).
fn find_signatures(scan: &Scan<'_>, bodies: &mut [Body]) {
    let mut earlier_spans_lines = false;
    let mut candidates = Vec::new();
    for (index, body) in bodies.iter_mut().enumerate() {
        // The module's indentation is read from its first block that
        // starts a line: one before this function stays in the tree.
        if earlier_spans_lines && let Some((name, signature)) = signature_of(scan, body) {
            candidates.push((index, name));
            body.signature = Some(signature);
        }
        earlier_spans_lines |= body.lines.len() > 1;
    }
    if candidates.is_empty() {
        return;
    }
    let mut uses: HashMap<&[u8], usize, WordHasher> =
        candidates.iter().map(|&(_, name)| (name, 0)).collect();
    scan.each_word(|word, _| {
        if let Some(count) = uses.get_mut(word) {
            *count += 1;
        }
    });
    for (index, name) in candidates {
        // Called or named elsewhere: a rule may read the callee's signature.
        if uses.get(name) != Some(&1) {
            bodies[index].signature = None;
        }
    }
}

/// The name of a module-level function and the bytes from its end to the
/// end of the body, when nothing but the function itself can read its
/// signature: no decorator, no return annotation, parameters without
/// annotations whose defaults are numbers, `None`, `True` or `False` (no
/// name, string or call that module-level code would evaluate), and room
/// for `():...` on the header's first line.
fn signature_of<'s>(scan: &Scan<'s>, body: &Body) -> Option<(&'s [u8], Range<usize>)> {
    let header = body.lines.start;
    let decorated = header
        .checked_sub(1)
        .and_then(|above| scan.line_tokens(&scan.lines[above]).first())
        .is_some_and(|first| scan.is(first, "@"));
    if decorated {
        return None;
    }
    let tokens = scan.line_tokens(&scan.lines[header]);
    let def = usize::from(scan.is(tokens.first()?, "async"));
    let [keyword, name, open, rest @ ..] = tokens.get(def..)? else { return None };
    // A class's bases are read by the rules that relate classes.
    if !scan.is(keyword, "def") || name.kind != ScanKind::Name || !scan.is(open, "(") {
        return None;
    }
    let close = rest.iter().position(|token| token.depth == open.depth)?;
    let colon = rest.get(close + 1)?;
    if !scan.is(&rest[close], ")") || !scan.is(colon, ":") {
        return None;
    }
    let mut previous = open;
    for token in &rest[..close] {
        if !is_plain_parameter_token(scan, previous, token) {
            return None;
        }
        previous = token;
    }
    let signature = name.end as usize..body.bytes.end;
    (room_on_first_line(scan.source, &signature) >= SIGNATURE_STAND_IN.len())
        .then(|| (scan.text(name), signature))
}

/// How many of `bytes` come before their first line break: the room a
/// stand-in has, since it must stay on the line it starts.
fn room_on_first_line(source: &[u8], bytes: &Range<usize>) -> usize {
    source[bytes.clone()]
        .iter()
        .position(|byte| matches!(byte, b'\n' | b'\r'))
        .unwrap_or(bytes.len())
}

/// A token of a parameter list made only of names, `*`, `/`, `,` and
/// defaults that are literals: `a, b=None, *args, c=-1, **kwargs`.
fn is_plain_parameter_token(scan: &Scan<'_>, previous: &Token, token: &Token) -> bool {
    let text = scan.text(token);
    let after = |words: &[&str]| words.iter().any(|word| scan.is(previous, word));
    match token.kind {
        ScanKind::Name if after(&["(", ",", "*", "**"]) => true,
        ScanKind::Name => after(&["="]) && matches!(text, b"None" | b"True" | b"False"),
        ScanKind::Number => after(&["=", "-", "+"]),
        ScanKind::Op => matches!(text, b"," | b"*" | b"**" | b"/" | b"=" | b"-" | b"+"),
        ScanKind::String => false,
    }
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
const SIGNATURE_STAND_IN: &[u8] = b"():...";

/// The text with each blank's bytes turned into spaces, line breaks kept,
/// and its stand-in where it starts. `None` if the result is not UTF-8,
/// which cannot happen: blanks start and end at ASCII token boundaries.
fn blank(source: &[u8], blanks: &[Blank]) -> Option<String> {
    let mut bytes = source.to_vec();
    for blank in blanks {
        for byte in &mut bytes[blank.bytes.clone()] {
            if !matches!(*byte, b'\n' | b'\r') {
                *byte = b' ';
            }
        }
        let start = blank.bytes.start;
        bytes[start..start + blank.stand_in.len()].copy_from_slice(blank.stand_in);
    }
    String::from_utf8(bytes).ok()
}

//! A byte-level Python tokenizer, an order of magnitude faster than a
//! parse. It lets rules rule out a file without parsing it: a rule whose
//! pattern needs a `lambda` inside a `for`, or `def __del__`, can tell from
//! the tokens that a file cannot hold a finding.
//!
//! It knows what a prefilter must not get wrong: strings (prefixes, triple
//! quotes, escapes, f-strings with nested quotes and braces), comments,
//! brackets, backslash continuations, and logical lines with their
//! indentation. It does not validate; anything it cannot read with
//! certainty makes the scan `suspicious`, and the caller then parses.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::OnceLock;

/// What a token is. Operators are one token per bracket or punctuation
/// mark; their text says which.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Name,
    Number,
    String,
    Op,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: u32,
    pub end: u32,
    /// Bracket depth before the token (an opening bracket is at the outer depth).
    pub depth: u16,
}

/// A logical line: its tokens (`first..end` in `Scan::tokens`) and the
/// width of its indentation (tabs to the next multiple of 8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub first: u32,
    pub end: u32,
    pub indent: u32,
}

pub struct Scan<'s> {
    pub source: &'s [u8],
    pub tokens: Vec<Token>,
    pub lines: Vec<Line>,
    /// Something the scanner could not read with certainty (unbalanced
    /// brackets, an unterminated string, a character outside Python's
    /// ASCII syntax): only a parse can tell what the file holds.
    pub suspicious: bool,
    /// The logical lines and their indentation are right: brackets
    /// balance and strings end (a non-ASCII name or Python 2 syntax makes a
    /// scan suspicious, not its lines uncertain).
    pub lines_certain: bool,
    /// The bytes this scan stands for: the whole file, or for a `view`, the
    /// part in question, a definition from its header to the end of its
    /// body (a rule that reads comments reads them here).
    pub region: Range<usize>,
    /// The first character outside strings and comments that tree-sitter
    /// takes for whitespace and CPython rejects ("invalid non-printable
    /// character"): a U+FEFF after the start, a no-break or other Unicode
    /// space.
    pub invisible_character: Option<usize>,
    /// Where a format spec starts with `=` (`f"{x:=^9}"`): CPython reads a
    /// spec there, tree-sitter a `:=` and a syntax error.
    pub spec_equals: Vec<usize>,
    /// The distinct words, made on first use (see `words`).
    words: OnceLock<Words<'s>>,
    /// A bit per hash of the words, made on first use (see `may_hold_word`).
    word_bits: OnceLock<Box<[u64]>>,
}

/// Bits in `Scan::may_hold_word`'s table: a file's few thousand distinct
/// words set a few percent of them.
const WORD_BITS: usize = 1 << 16;

/// The bit of `word` in that table: the top bits of its hash.
fn word_bit(word: &[u8]) -> usize {
    let mut hasher = WordHash::default();
    hasher.write(word);
    (hasher.finish() >> (64 - WORD_BITS.trailing_zeros())) as usize
}

/// The distinct words of a scan: the names and keywords of its code, and
/// the words inside its f-strings and t-strings, which the scanner reads as
/// one string token although their replacement fields hold code.
#[derive(Debug, Default)]
pub struct Words<'s> {
    pub code: HashSet<&'s [u8], WordHasher>,
    pub formatted: HashSet<&'s [u8], WordHasher>,
}

/// A multiply-rotate hash for short words (a seeded hasher costs more to
/// set up than the words take to hash); a prefilter's words are not chosen
/// by an attacker.
pub(crate) type WordHasher = BuildHasherDefault<WordHash>;

#[derive(Default)]
pub struct WordHash(u64);

impl Hasher for WordHash {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_usize(&mut self, value: usize) {
        self.write(&value.to_le_bytes());
    }

    /// The product's high bits folded into the low ones, which pick the
    /// bucket: without it, the low bits depend on a word's first byte
    /// alone, and names such as `f1` ... `f99999` all collide.
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }
}

impl Words<'_> {
    /// True when `word` may be a name or keyword of the code, in a
    /// replacement field included.
    pub fn contains(&self, word: &str) -> bool {
        self.code.contains(word.as_bytes()) || self.formatted.contains(word.as_bytes())
    }
}

impl<'s> Scan<'s> {
    /// The same file seen through some of its logical lines (ranges of line
    /// indices, in order), standing for the bytes `region`.
    pub fn view(&self, line_ranges: &[Range<usize>], region: Range<usize>) -> Scan<'s> {
        let mut tokens = Vec::new();
        let mut lines = Vec::new();
        for range in line_ranges {
            for line in &self.lines[range.clone()] {
                let first = tokens.len() as u32;
                tokens.extend_from_slice(self.line_tokens(line));
                lines.push(Line { first, end: tokens.len() as u32, indent: line.indent });
            }
        }
        Scan {
            tokens,
            lines,
            region,
            words: OnceLock::new(),
            word_bits: OnceLock::new(),
            spec_equals: Vec::new(),
            source: self.source,
            suspicious: self.suspicious,
            lines_certain: self.lines_certain,
            invisible_character: self.invisible_character,
        }
    }

    /// The distinct words of the scanned tokens, made once: a prefilter
    /// that looks up many words (custom rules, one per name of each pattern)
    /// asks a set instead of reading every token again.
    pub fn words(&self) -> &Words<'s> {
        self.words.get_or_init(|| {
            let mut words = Words::default();
            self.each_word(|word, formatted| {
                let set = if formatted { &mut words.formatted } else { &mut words.code };
                set.insert(word);
            });
            words
        })
    }

    /// Calls `found` with each name or keyword of the code (`false`) and
    /// each word of an f-string (`true`), repeats included.
    pub(crate) fn each_word(&self, mut found: impl FnMut(&'s [u8], bool)) {
        let is_word_byte = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
        for token in &self.tokens {
            let text = self.text(token);
            match token.kind {
                Kind::Name => found(text, false),
                Kind::String if is_formatted(text) => {
                    for word in text.split(|b| !is_word_byte(b)).filter(|w| !w.is_empty()) {
                        found(word, true);
                    }
                }
                _ => {}
            }
        }
    }

    /// False when `word` is neither a name or keyword of the code nor a
    /// word of an f-string (as `words().contains` says); true may be wrong
    /// (two words can share a bit), never false. Cheaper to make than
    /// `words`: a bit per word, no set to grow, for a prefilter that only
    /// rules files out.
    pub fn may_hold_word(&self, word: &str) -> bool {
        let bits = self.word_bits.get_or_init(|| {
            let mut bits = vec![0u64; WORD_BITS / 64].into_boxed_slice();
            self.each_word(|word, _| {
                let bit = word_bit(word);
                bits[bit / 64] |= 1 << (bit % 64);
            });
            bits
        });
        let bit = word_bit(word.as_bytes());
        bits[bit / 64] & (1 << (bit % 64)) != 0
    }

    pub fn text(&self, token: &Token) -> &'s [u8] {
        &self.source[token.start as usize..token.end as usize]
    }

    pub fn is(&self, token: &Token, text: &str) -> bool {
        self.text(token) == text.as_bytes()
    }

    /// An f-string or t-string: code may hide in its replacement fields.
    pub fn is_formatted_string(&self, token: &Token) -> bool {
        token.kind == Kind::String && is_formatted(self.text(token))
    }

    pub fn line_tokens(&self, line: &Line) -> &[Token] {
        &self.tokens[line.first as usize..line.end as usize]
    }

    /// The tokens from each place on a logical line where a simple
    /// statement may start, to the end of the line: its first token, and
    /// after each `;` or `:` at the line's bracket depth (`if x: f = open(p)`,
    /// `import os; import json`). A lambda's or an annotation's `:` gives a
    /// start that holds no statement, which a prefilter can afford.
    pub fn statement_starts<'a>(&'a self, line: &Line) -> impl Iterator<Item = &'a [Token]> + 'a {
        let tokens = self.line_tokens(line);
        let depth = tokens.first().map_or(0, |first| first.depth);
        let separators = tokens
            .iter()
            .enumerate()
            .filter(move |(_, token)| {
                token.depth == depth && (self.is(token, ";") || self.is(token, ":"))
            })
            .map(|(at, _)| at + 1);
        std::iter::once(0)
            .chain(separators)
            .map(move |at| &tokens[at..])
            .filter(|rest| !rest.is_empty())
    }

    /// The comments on lines of their own that are indented less than the
    /// code after them (`#    @other` at column 0 between a method's
    /// decorator and its `def`). CPython ignores such lines; tree-sitter
    /// can take them for the end of the block. Each range runs from the `#`
    /// to the end of its line (a CRLF's `\r` excluded). Empty when the
    /// scan's lines are uncertain.
    pub fn outdented_comments(&self) -> Vec<Range<usize>> {
        if !self.lines_certain {
            return Vec::new();
        }
        let mut comments = Vec::new();
        let mut gap_start = 0;
        for line in &self.lines {
            let Some(first) = self.line_tokens(line).first() else { continue };
            let gap = gap_start..first.start as usize;
            if line.indent > 0 {
                self.comments_indented_below(gap, line.indent, &mut comments);
            }
            gap_start = self.line_tokens(line).last().map_or(gap_start, |last| last.end as usize);
        }
        comments
    }

    /// Within `gap` (the bytes between two logical lines), the comments
    /// that start a physical line indented less than `indent`.
    fn comments_indented_below(
        &self,
        gap: Range<usize>,
        indent: u32,
        found: &mut Vec<Range<usize>>,
    ) {
        let bytes = &self.source[gap.clone()];
        // The gap starts on the line before: its first physical line is that
        // line's tail (a trailing comment), not a line of its own.
        let Some(first_break) = bytes.iter().position(|&b| b == b'\n') else { return };
        let mut at = first_break + 1;
        while at < bytes.len() {
            let end = bytes[at..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| at + i);
            let line = &bytes[at..end];
            let width = indentation_width(line);
            let text_start = line.iter().position(|&b| !matches!(b, b' ' | b'\t' | b'\x0c'));
            if let Some(offset) = text_start.filter(|&offset| line[offset] == b'#')
                && width < indent
            {
                let comment_end = if line.ends_with(b"\r") { end - 1 } else { end };
                found.push(gap.start + at + offset..gap.start + comment_end);
            }
            at = end + 1;
        }
    }

    /// Where CPython would raise an `IndentationError` that tree-sitter
    /// lets through: a line indented deeper without a `:` line before it
    /// ("unexpected indent"), a dedent to a width no enclosing block has
    /// ("unindent does not match any outer indentation level"), or a `:`
    /// line not followed by a deeper one ("expected an indented block").
    /// The offset of the offending line's first token; `None` when the
    /// scan's lines are uncertain.
    pub fn indentation_error(&self) -> Option<usize> {
        if !self.lines_certain {
            return None;
        }
        let mut widths = vec![0];
        let mut opens_block = false;
        for line in &self.lines {
            let tokens = self.line_tokens(line);
            let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else { continue };
            let current = widths.last().copied().unwrap_or(0);
            if line.indent > current && opens_block {
                widths.push(line.indent);
            } else if line.indent > current || opens_block {
                return Some(first.start as usize);
            } else {
                while widths.last().is_some_and(|&width| width > line.indent) {
                    widths.pop();
                }
                if widths.last() != Some(&line.indent) {
                    return Some(first.start as usize);
                }
            }
            opens_block = last.depth == first.depth && self.is(last, ":");
        }
        None
    }

    /// The body of the compound statement whose header is line `index`
    /// (`except E as e:`, `for x in y:`): the tokens after the header's
    /// `:` on the same line (a one-line body), and the lines indented under
    /// it. `None` when the line has no `:` at its own depth.
    pub fn clause_body(&self, index: usize) -> Option<(&[Token], &[Line])> {
        let line = self.lines.get(index)?;
        let tokens = self.line_tokens(line);
        let depth = tokens.first()?.depth;
        let colon = tokens.iter().position(|t| t.depth == depth && self.is(t, ":"))?;
        let under =
            self.lines[index + 1..].iter().take_while(|next| next.indent > line.indent).count();
        Some((&tokens[colon + 1..], &self.lines[index + 1..index + 1 + under]))
    }
}

/// Tokenizes `source`. Files over 4 GiB are marked suspicious (offsets are u32).
pub fn scan(source: &[u8]) -> Scan<'_> {
    let mut scanner = Scanner {
        src: source,
        pos: 0,
        depth: 0,
        tokens: Vec::with_capacity(source.len() / 5),
        lines: Vec::new(),
        suspicious: source.len() > u32::MAX as usize,
        odd: false,
        invisible_character: None,
        line_first: 0,
        line_indent: 0,
        at_line_start: true,
        spec_equals: Vec::new(),
    };
    if !scanner.suspicious {
        scanner.run();
    }
    let mut scan = Scan {
        source,
        tokens: scanner.tokens,
        lines: scanner.lines,
        suspicious: scanner.suspicious || scanner.odd,
        lines_certain: !scanner.suspicious,
        region: 0..source.len(),
        invisible_character: scanner.invisible_character,
        spec_equals: scanner.spec_equals,
        words: OnceLock::new(),
        word_bits: OnceLock::new(),
    };
    if !scan.suspicious {
        scan.suspicious = has_python2_syntax(&scan);
    }
    scan
}

/// True for the text of an f-string or t-string token (its prefix has `f`
/// or `t`).
fn is_formatted(text: &[u8]) -> bool {
    text.iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .any(|b| matches!(b.to_ascii_lowercase(), b'f' | b't'))
}

/// Python 2 constructs a parse would reject: `print "x"`, `exec code`,
/// `except E, e:`, `raise E, "message"`, `0777`, `10L`.
fn has_python2_syntax(scan: &Scan<'_>) -> bool {
    let old_number = |token: &Token| {
        let text = scan.text(token);
        let octal = text.len() > 1
            && text[0] == b'0'
            && text.iter().all(u8::is_ascii_digit)
            && text.iter().any(|b| *b != b'0');
        octal || text.ends_with(b"l") || text.ends_with(b"L")
    };
    if scan.tokens.iter().any(|token| token.kind == Kind::Number && old_number(token)) {
        return true;
    }
    scan.lines.iter().any(|line| {
        let tokens = scan.line_tokens(line);
        let Some(first) = tokens.first() else { return false };
        let second = tokens.get(1);
        if scan.is(first, "print") || scan.is(first, "exec") {
            return second.is_some_and(|next| next.kind != Kind::Op);
        }
        if scan.is(first, "except") || scan.is(first, "raise") {
            let depth = first.depth;
            return tokens
                .iter()
                .take_while(|t| !(t.depth == depth && scan.is(t, ":")))
                .any(|t| t.depth == depth && scan.is(t, ","));
        }
        false
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    Closed,
    Field,
    SpecEnd,
    Unterminated,
}

/// Where an f-string scan is: in its text, in a replacement field's
/// expression (with its bracket depth), or in a field's format spec.
#[derive(Clone, Copy)]
enum Frame {
    Contents { quote: u8, triple: bool },
    Field { depth: u32 },
    Spec { quote: u8, triple: bool },
}

struct Scanner<'s> {
    src: &'s [u8],
    pos: usize,
    depth: u16,
    tokens: Vec<Token>,
    lines: Vec<Line>,
    suspicious: bool,
    /// Something a parse must judge that leaves the lines as they are.
    odd: bool,
    invisible_character: Option<usize>,
    line_first: u32,
    line_indent: u32,
    at_line_start: bool,
    spec_equals: Vec<usize>,
}

impl Scanner<'_> {
    fn run(&mut self) {
        if self.src.starts_with(b"\xef\xbb\xbf") {
            self.pos = 3;
        }
        while self.pos < self.src.len() {
            if self.at_line_start {
                self.start_line();
                continue;
            }
            let byte = self.src[self.pos];
            match byte {
                b' ' | b'\t' | b'\x0c' => self.pos += 1,
                b'\r' | b'\n' => self.newline(),
                b'#' => self.skip_comment(),
                b'\\' => self.continuation(),
                b'"' | b'\'' => self.string(self.pos),
                b'0'..=b'9' => self.number(),
                b'.' if self.src.get(self.pos + 1).is_some_and(u8::is_ascii_digit) => self.number(),
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => self.name_or_prefixed_string(),
                b'(' | b'[' | b'{' => {
                    self.push(Kind::Op, self.pos, self.pos + 1);
                    self.depth = self.depth.saturating_add(1);
                    self.pos += 1;
                }
                b')' | b']' | b'}' => {
                    if self.depth == 0 {
                        self.suspicious = true;
                    }
                    self.depth = self.depth.saturating_sub(1);
                    self.push(Kind::Op, self.pos, self.pos + 1);
                    self.pos += 1;
                }
                0x80.. => {
                    // Non-ASCII outside strings and comments: a Unicode
                    // identifier or an error; either way, parse. It is a
                    // token, so that its line counts for indentation.
                    self.odd = true;
                    self.note_invisible_character();
                    self.name_or_prefixed_string();
                }
                _ => self.operator(),
            }
        }
        self.end_line();
        if self.depth != 0 {
            self.suspicious = true;
        }
    }

    fn push(&mut self, kind: Kind, start: usize, end: usize) {
        self.tokens.push(Token { kind, start: start as u32, end: end as u32, depth: self.depth });
    }

    /// Measures indentation; blank and comment-only lines are not logical lines.
    fn start_line(&mut self) {
        let rest = &self.src[self.pos..];
        let indentation = rest.iter().take_while(|&&b| matches!(b, b' ' | b'\t' | b'\x0c')).count();
        let width = indentation_width(&rest[..indentation]);
        self.pos += indentation;
        match self.src.get(self.pos) {
            None => {}
            Some(b'\r' | b'\n') => self.skip_newline(),
            Some(b'#') => self.skip_comment(),
            Some(_) => {
                self.at_line_start = false;
                self.line_first = self.tokens.len() as u32;
                self.line_indent = width;
            }
        }
    }

    fn newline(&mut self) {
        self.skip_newline();
        if self.depth == 0 {
            self.end_line();
        }
    }

    fn end_line(&mut self) {
        if !self.at_line_start && self.tokens.len() as u32 > self.line_first {
            self.lines.push(Line {
                first: self.line_first,
                end: self.tokens.len() as u32,
                indent: self.line_indent,
            });
        }
        self.at_line_start = true;
    }

    fn skip_newline(&mut self) {
        if self.src[self.pos] == b'\r' && self.src.get(self.pos + 1) == Some(&b'\n') {
            self.pos += 1;
        }
        self.pos += 1;
    }

    fn skip_comment(&mut self) {
        let rest = &self.src[self.pos..];
        self.pos += memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
    }

    fn continuation(&mut self) {
        self.pos += 1;
        match self.src.get(self.pos) {
            Some(b'\r' | b'\n') => self.skip_newline(),
            _ => self.suspicious = true,
        }
    }

    /// `12_3`, `0x1F`, `1.5e-3j`, `.5`: a number ends where Python's does,
    /// so `1.5e100.__format__` is a number, a dot and a name.
    fn number(&mut self) {
        let start = self.pos;
        let lower = |at: usize| self.src.get(at).map(u8::to_ascii_lowercase);
        if self.src[start] == b'0' && matches!(lower(start + 1), Some(b'x' | b'o' | b'b')) {
            self.pos += 2;
            while self.src.get(self.pos).is_some_and(|b| b.is_ascii_hexdigit() || *b == b'_') {
                self.pos += 1;
            }
            self.push(Kind::Number, start, self.pos);
            return;
        }
        self.digits();
        if self.src.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            self.digits();
        }
        if matches!(lower(self.pos), Some(b'e')) {
            let sign = usize::from(matches!(self.src.get(self.pos + 1), Some(b'+' | b'-')));
            if self.src.get(self.pos + 1 + sign).is_some_and(u8::is_ascii_digit) {
                self.pos += 1 + sign;
                self.digits();
            }
        }
        if matches!(lower(self.pos), Some(b'j' | b'l')) {
            self.pos += 1;
        }
        self.push(Kind::Number, start, self.pos);
    }

    fn digits(&mut self) {
        while let Some(&byte) = self.src.get(self.pos) {
            let underscore =
                byte == b'_' && self.src.get(self.pos + 1).is_some_and(u8::is_ascii_digit);
            if byte.is_ascii_digit() || underscore {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// Records the character at `pos` if it is whitespace to tree-sitter
    /// (its grammar's extras) and an error to CPython.
    fn note_invisible_character(&mut self) {
        if self.invisible_character.is_some() {
            return;
        }
        let rest = &self.src[self.pos..self.src.len().min(self.pos + 4)];
        let text = match std::str::from_utf8(rest) {
            Ok(text) => text,
            Err(err) => std::str::from_utf8(&rest[..err.valid_up_to()]).unwrap_or_default(),
        };
        if text.chars().next().is_some_and(|ch| {
            ch.is_whitespace() || matches!(ch, '\u{feff}' | '\u{2060}' | '\u{200b}')
        }) {
            self.invisible_character = Some(self.pos);
        }
    }

    fn name_or_prefixed_string(&mut self) {
        let start = self.pos;
        while let Some(&byte) = self.src.get(self.pos) {
            if byte.is_ascii_alphanumeric() || byte == b'_' {
                self.pos += 1;
            } else if byte >= 0x80 {
                self.odd = true;
                self.note_invisible_character();
                self.pos += 1;
            } else {
                break;
            }
        }
        let word = &self.src[start..self.pos];
        let is_prefix = word.len() <= 2
            && word
                .iter()
                .all(|b| matches!(b.to_ascii_lowercase(), b'r' | b'b' | b'u' | b'f' | b't'));
        if is_prefix && matches!(self.src.get(self.pos), Some(b'"' | b'\'')) {
            self.string(start);
        } else {
            self.push(Kind::Name, start, self.pos);
        }
    }

    /// A string literal starting at `start` (its prefix) with its quote at
    /// `self.pos`. f-strings are scanned with a stack, so a replacement field
    /// holding further strings (`f"{d["k"]}"`, legal since 3.12) is read right.
    fn string(&mut self, start: usize) {
        let prefix = &self.src[start..self.pos];
        let has = |letter: u8| prefix.iter().any(|b| b.to_ascii_lowercase() == letter);
        if has(b'u') && has(b'r') {
            self.odd = true; // Python 2's `ur''`
        }
        if has(b'f') || has(b't') {
            self.formatted_string();
        } else {
            self.plain_string_body();
        }
        self.push(Kind::String, start, self.pos);
    }

    /// Reads the quotes at `self.pos`: returns (quote byte, triple).
    fn open_quote(&mut self) -> (u8, bool) {
        let quote = self.src[self.pos];
        let triple = self.src[self.pos..].starts_with(&[quote, quote, quote]);
        self.pos += if triple { 3 } else { 1 };
        (quote, triple)
    }

    /// Advances past the closing quote of a string opened at `self.pos`.
    fn plain_string_body(&mut self) {
        let (quote, triple) = self.open_quote();
        if self.string_contents(quote, triple, false, false) != Stop::Closed {
            self.suspicious = true;
        }
    }

    /// Scans string contents until the closing quote (consumed: returns
    /// `Closed`). In an f-string it stops at a `{` that opens a replacement
    /// field (consumed: `Field`); in a format spec (`until_brace`) also at
    /// the `}` that ends it (consumed: `SpecEnd`).
    fn string_contents(
        &mut self,
        quote: u8,
        triple: bool,
        formatted: bool,
        until_brace: bool,
    ) -> Stop {
        while let Some(&byte) = self.src.get(self.pos) {
            // In a plain triple-quoted string (a docstring) only a quote or
            // a backslash can matter: jump to the next one.
            if triple && !formatted && !until_brace && byte != quote && byte != b'\\' {
                let rest = &self.src[self.pos..];
                self.pos += memchr::memchr2(quote, b'\\', rest).unwrap_or(rest.len());
                continue;
            }
            match byte {
                // A backslash escapes the next character for tokenizing,
                // raw or not (`r'\''` is one string).
                b'\\' => {
                    self.pos += if self.src[self.pos + 1..].starts_with(b"\r\n") { 3 } else { 2 };
                }
                b'\n' | b'\r' if !triple => return Stop::Unterminated,
                b'{' if formatted => {
                    if self.src.get(self.pos + 1) == Some(&b'{') && !until_brace {
                        self.pos += 2;
                    } else {
                        self.pos += 1;
                        return Stop::Field;
                    }
                }
                b'}' if until_brace => {
                    self.pos += 1;
                    return Stop::SpecEnd;
                }
                _ if byte == quote => {
                    if !triple {
                        self.pos += 1;
                        return Stop::Closed;
                    }
                    if self.src[self.pos..].starts_with(&[quote, quote, quote]) {
                        self.pos += 3;
                        return Stop::Closed;
                    }
                    self.pos += 1;
                }
                _ => self.pos += 1,
            }
        }
        self.pos = self.src.len();
        Stop::Unterminated
    }

    /// An f-string (or t-string), with an explicit stack: replacement
    /// fields hold expressions, which hold strings and further f-strings,
    /// and format specs hold fields.
    fn formatted_string(&mut self) {
        let (quote, triple) = self.open_quote();
        let mut stack = vec![Frame::Contents { quote, triple }];
        while let Some(frame) = stack.last_mut() {
            match *frame {
                Frame::Contents { quote, triple } | Frame::Spec { quote, triple } => {
                    let in_spec = matches!(frame, Frame::Spec { .. });
                    match self.string_contents(quote, triple, true, in_spec) {
                        Stop::Closed if !in_spec => {
                            stack.pop();
                        }
                        Stop::Field => stack.push(Frame::Field { depth: 0 }),
                        Stop::SpecEnd => {
                            // The spec and its field end together.
                            stack.pop();
                            stack.pop();
                        }
                        Stop::Closed | Stop::Unterminated => {
                            self.suspicious = true;
                            return;
                        }
                    }
                }
                Frame::Field { ref mut depth } => {
                    let Some(&byte) = self.src.get(self.pos) else {
                        self.suspicious = true;
                        return;
                    };
                    match byte {
                        b'(' | b'[' | b'{' => {
                            *depth += 1;
                            self.pos += 1;
                        }
                        b')' | b']' => {
                            *depth = depth.saturating_sub(1);
                            self.pos += 1;
                        }
                        b'}' if *depth > 0 => {
                            *depth -= 1;
                            self.pos += 1;
                        }
                        b'}' => {
                            self.pos += 1;
                            stack.pop();
                        }
                        b':' if *depth == 0 => {
                            // `:=` at the top of a field is a format spec
                            // that starts with `=`: a walrus needs brackets.
                            if self.src.get(self.pos + 1) == Some(&b'=') {
                                self.spec_equals.push(self.pos + 1);
                            }
                            self.pos += 1;
                            let Some(Frame::Contents { quote, triple }) =
                                stack.iter().rev().nth(1).copied()
                            else {
                                self.suspicious = true;
                                return;
                            };
                            stack.push(Frame::Spec { quote, triple });
                        }
                        b'"' | b'\'' => {
                            if self
                                .prefix_before(self.pos)
                                .iter()
                                .any(|b| matches!(b.to_ascii_lowercase(), b'f' | b't'))
                            {
                                let (quote, triple) = self.open_quote();
                                stack.push(Frame::Contents { quote, triple });
                            } else {
                                self.plain_string_body();
                            }
                        }
                        b'#' => self.skip_comment(),
                        _ => self.pos += 1,
                    }
                }
            }
        }
    }

    /// The string prefix letters right before the quote at `quote_at`.
    fn prefix_before(&self, quote_at: usize) -> &[u8] {
        let mut start = quote_at;
        while start > 0
            && quote_at - start < 2
            && matches!(self.src[start - 1].to_ascii_lowercase(), b'r' | b'b' | b'u' | b'f' | b't')
        {
            start -= 1;
        }
        if start > 0 && (self.src[start - 1].is_ascii_alphanumeric() || self.src[start - 1] == b'_')
        {
            return &[];
        }
        &self.src[start..quote_at]
    }

    fn operator(&mut self) {
        let start = self.pos;
        // Multi-byte operators matter only as "not `=`": `==`, `<=`, `->`, `:=`...
        let two = &self.src[self.pos..(self.pos + 2).min(self.src.len())];
        let len = match two {
            b"==" | b"!=" | b"<=" | b">=" | b"->" | b":=" | b"**" | b"//" | b"<<" | b">>"
            | b"+=" | b"-=" | b"*=" | b"/=" | b"%=" | b"&=" | b"|=" | b"^=" | b"@=" => {
                let three = self.src.get(self.pos + 2);
                if matches!(two, b"**" | b"//" | b"<<" | b">>") && three == Some(&b'=') {
                    3
                } else {
                    2
                }
            }
            _ if self.src[self.pos..].starts_with(b"...") => 3,
            _ => 1,
        };
        let byte = self.src[start];
        let python2_not_equal = byte == b'<' && self.src.get(self.pos + 1) == Some(&b'>');
        if !b"+-*/%@&|^~<>=!.,:;".contains(&byte) || python2_not_equal {
            self.odd = true;
        }
        self.pos += len;
        self.push(Kind::Op, start, self.pos);
    }
}

/// The width of a line's indentation, tabs to the next multiple of 8 (as
/// CPython and the logical lines count it).
fn indentation_width(line: &[u8]) -> u32 {
    let mut width = 0;
    for &byte in line {
        match byte {
            b' ' => width += 1,
            b'\t' => width = (width / 8 + 1) * 8,
            b'\x0c' => width = 0,
            _ => break,
        }
    }
    width
}

/// `word` occurs in `text` as a whole identifier (`logging` in
/// `x = logging.x`, not in `my_logging`).
pub fn contains_word(text: &str, word: &str) -> bool {
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_name) && !after.is_some_and(is_name)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_that_differ_past_their_first_byte_spread_over_the_buckets() {
        use std::hash::BuildHasher;
        let names: Vec<String> = (0..1024).map(|index| format!("f{index}")).collect();
        let buckets: HashSet<u64> = names
            .iter()
            .map(|name| WordHasher::default().hash_one(name.as_bytes()) & 1023)
            .collect();
        // A hash table picks the bucket from the low bits.
        assert!(buckets.len() > 512, "{} buckets of 1024", buckets.len());
    }

    #[test]
    fn the_word_bits_never_miss_a_word() {
        let scanned = scan(b"if x == None:\n    print(f'{y != None!r:>{width}}', 'z')\n");
        for word in ["if", "x", "None", "print", "y", "width", "r"] {
            assert!(scanned.may_hold_word(word), "{word}");
        }
        // A word of a plain string or a comment is no word of the code.
        let scanned = scan(b"x = 'zebra'  # giraffe\n");
        assert!(!scanned.may_hold_word("zebra") && !scanned.may_hold_word("giraffe"));
    }

    #[test]
    fn words_hold_names_and_the_words_of_formatted_strings() {
        let scanned = scan(b"if x == None:\n    print(f'{y != None!r:>{width}}', 'z')\n");
        let words = scanned.words();
        assert!(words.contains("x") && words.contains("print") && words.contains("if"));
        assert!(words.code.contains(b"None".as_slice()));
        assert!(words.formatted.contains(b"y".as_slice()));
        assert!(words.formatted.contains(b"width".as_slice()));
        // A plain string's text is no code.
        assert!(!words.contains("z"));
        assert!(!words.contains("==") && !words.contains("Non"));
    }

    #[test]
    fn indentation_errors_cpython_raises_are_found() {
        let error_at = |source: &str| scan(source.as_bytes()).indentation_error();
        assert_eq!(error_at("def f():\n   a = 1\n    return a\n"), Some(22));
        assert_eq!(error_at("x = 1\n    y = 2\n"), Some(10));
        assert_eq!(error_at("def f():\n        a = 1\n    return a\n"), Some(27));
        assert_eq!(error_at("  x = 1\n"), Some(2));
        assert_eq!(error_at("if x: pass\n    y = 1\n"), Some(15));
        assert_eq!(error_at("if x:\ny = 1\n"), Some(6));
    }

    #[test]
    fn a_line_of_unicode_names_is_a_line() {
        // From CPython's test_traceback.py: a body of full-width letters.
        let source = "def f():\n    \u{ff57}\u{ff49}\n\nx = 1\n";
        assert_eq!(scan(source.as_bytes()).indentation_error(), None);
    }

    #[test]
    fn consistent_indentation_is_accepted() {
        let fine = "class A:  # note\n    def f(self,\n  x):\n        if x: return 1\n        return [\n1]\n\n# c\n    # d\n    x = 1 \\\n  + 2\nelse_ = 3\n";
        assert_eq!(scan(fine.as_bytes()).indentation_error(), None);
    }

    use super::*;

    fn texts(source: &str) -> Vec<String> {
        let scan = scan(source.as_bytes());
        assert!(!scan.suspicious, "unexpectedly suspicious: {source:?}");
        scan.tokens.iter().map(|t| String::from_utf8_lossy(scan.text(t)).to_string()).collect()
    }

    #[test]
    fn strings_hide_their_contents() {
        assert_eq!(texts("x = 'a # b' # c\n"), ["x", "=", "'a # b'"]);
        assert_eq!(
            texts("s = rb'\\'' + \"\"\"a\n'''\nb\"\"\"\n"),
            ["s", "=", "rb'\\''", "+", "\"\"\"a\n'''\nb\"\"\""]
        );
        assert_eq!(texts("f'{a[\"k\"]:>{w}} {{x}}'\n"), ["f'{a[\"k\"]:>{w}} {{x}}'"]);
        assert_eq!(
            texts("f\"{d[\"k\"]}\" + f'{f\"{1}\"}'\n"),
            ["f\"{d[\"k\"]}\"", "+", "f'{f\"{1}\"}'"]
        );
    }

    #[test]
    fn logical_lines_follow_brackets_and_continuations() {
        let source = "def f(a,\n      b=[]):\n    return \\\n        a\n\n# c\n    \nx = 1\n";
        let scan = scan(source.as_bytes());
        let lines: Vec<(u32, usize)> =
            scan.lines.iter().map(|line| (line.indent, scan.line_tokens(line).len())).collect();
        assert_eq!(lines, [(0, 11), (4, 2), (0, 3)]);
        let b = scan.tokens.iter().find(|t| scan.is(t, "b")).unwrap();
        assert_eq!(b.depth, 1);
    }

    #[test]
    fn unreadable_input_is_suspicious() {
        for source in [
            "x = (1\n",
            "x = 'abc\n",
            "x = 1)\n",
            "€ = 2\n",
            "s = \"\"\"open\n",
            "x = 1 \\ 2\n",
            "x = `y`\n",
        ] {
            assert!(scan(source.as_bytes()).suspicious, "{source:?}");
        }
    }

    #[test]
    fn python2_syntax_is_suspicious() {
        for source in [
            "print 'x'\n",
            "exec code in ns\n",
            "try:\n  pass\nexcept E, e:\n  pass\n",
            "raise E, 'm'\n",
            "x = 0777\n",
            "x = 10L\n",
            "if a <> b: pass\n",
            "s = ur'x'\n",
        ] {
            assert!(scan(source.as_bytes()).suspicious, "{source:?}");
        }
        for source in [
            "print('x')\n",
            "print\n",
            "exec(code)\n",
            "except_ = 1, 2\n",
            "raise E('a, b')\n",
            "x = 00\n",
            "try:\n  pass\nexcept (A, B):\n  pass\n",
        ] {
            assert!(!scan(source.as_bytes()).suspicious, "{source:?}");
        }
    }

    #[test]
    fn numbers_and_operators() {
        assert_eq!(
            texts("x = 1e-5 + 0x1F - .5j ** 2 // 3\n"),
            ["x", "=", "1e-5", "+", "0x1F", "-", ".5j", "**", "2", "//", "3"]
        );
        assert_eq!(texts("a **= b; c := d\n"), ["a", "**=", "b", ";", "c", ":=", "d"]);
        assert_eq!(
            texts("1.5e100.__format__ + 1_000 + 1.real\n"),
            ["1.5e100", ".", "__format__", "+", "1_000", "+", "1.", "real"]
        );
    }

    #[test]
    fn outdented_comment_lines_are_found_and_trailing_ones_are_not() {
        let source = "class A:\n    @dec  # trailing\n#    @other\n\t# tab is 8 wide: not outdented\n  # two\n    def f(self): ...\n# top\nx = 1\n";
        let found: Vec<&str> = scan(source.as_bytes())
            .outdented_comments()
            .iter()
            .map(|range| &source[range.clone()])
            .collect();
        assert_eq!(found, ["#    @other", "# two"]);
        let crlf = "def f():\r\n    a = 1\r\n# off\r\n    return a\r\n";
        let found: Vec<&str> = scan(crlf.as_bytes())
            .outdented_comments()
            .iter()
            .map(|range| &crlf[range.clone()])
            .collect();
        assert_eq!(found, ["# off"]);
        let in_string = "def f():\n    return '''\n# not a comment\n'''\n";
        assert!(scan(in_string.as_bytes()).outdented_comments().is_empty());
    }
}

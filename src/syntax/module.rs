//! One parsed Python file: its text, its tree, and the style (newline,
//! indentation) that inserted code must follow.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::OnceLock;

use tree_sitter::{InputEdit, Node, Parser, Point, Tree};

use crate::error::FileError;
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::scan::Scan;
use crate::syntax::skeleton::Skeleton;
use crate::syntax::version::PythonVersion;
use crate::syntax::walk::{KindName, NodeIndex, Walk, enclosing_statement};

self_cell::self_cell!(
    /// A tree and the index of its nodes, which borrows it.
    struct IndexedTree {
        owner: Tree,
        #[covariant]
        dependent: NodeIndex,
    }
);

pub struct Module<'s> {
    /// The text as the rules see it: the file's bytes (BOM included) with bare
    /// `\r` line endings already turned into `\n` (see `engine`).
    pub source: &'s str,
    tree: IndexedTree,
    /// Set for `.pyi` files: stubs have no bodies to put code in.
    pub is_stub: bool,
    /// The file's name (`__main__.py` marks a command-line entry point).
    pub file_name: String,
    /// Statements whose tree tree-sitter is known to get wrong without an ERROR
    /// node; no fix may touch them.
    pub untrusted: Vec<Range<usize>>,
    /// For a skeleton, the blanked bodies after their `...`.
    blanked: Vec<Range<usize>>,
    /// The tree is tree-sitter's for `source` as it stands (not for a
    /// copy with outdented comments blanked): a later text may reuse it.
    reusable: bool,
    newline: &'static str,
    indent_unit: OnceLock<String>,
    line_starts: OnceLock<Vec<usize>>,
}

impl<'s> Module<'s> {
    /// Parses `source` and checks that the tree can be trusted, for the
    /// default target version.
    pub fn parse(source: &'s str, file_name: &str) -> Result<Module<'s>, FileError> {
        Module::parse_for(source, file_name, PythonVersion::DEFAULT)
    }

    /// Parses `source` for code that must run on Python `version`.
    pub fn parse_for(
        source: &'s str,
        file_name: &str,
        version: PythonVersion,
    ) -> Result<Module<'s>, FileError> {
        let scanned = crate::syntax::scan::scan(source.as_bytes());
        Module::parse_scanned(source, &scanned, file_name, version)
    }

    /// Parses `source`, already scanned as `scanned`.
    pub fn parse_scanned(
        source: &'s str,
        scanned: &Scan<'_>,
        file_name: &str,
        version: PythonVersion,
    ) -> Result<Module<'s>, FileError> {
        Module::reparse(source, scanned, None, (file_name, version), None)
    }

    /// Parses a skeleton's text (see `skeleton`) made from a file scanned as
    /// `file`; tree-sitter does not even read the blanks it skips.
    pub fn parse_skeleton(
        skeleton: &'s Skeleton,
        file: &Scan<'_>,
        file_name: &str,
        version: PythonVersion,
    ) -> Result<Module<'s>, FileError> {
        Module::reparse(&skeleton.text, file, Some(skeleton), (file_name, version), None)
    }

    /// Parses `source` (scanned as `scanned`), or the skeleton made from it
    /// when given (its text then stands for `source`), reusing `earlier`
    /// when given: the tree of an earlier text, edited to this one (see
    /// `edits_between`). tree-sitter then parses again only around the
    /// edits, and gives the tree a parse from scratch would give. A tree
    /// with an error is parsed again from scratch, so that an error is
    /// reported as it always was.
    pub fn reparse(
        source: &'s str,
        scanned: &Scan<'_>,
        skeleton: Option<&'s Skeleton>,
        (file_name, version): (&str, PythonVersion),
        earlier: Option<Tree>,
    ) -> Result<Module<'s>, FileError> {
        let (text, skipped, blanked) = match skeleton {
            Some(skeleton) => {
                (skeleton.text.as_str(), &skeleton.skipped[..], skeleton.blanked.clone())
            }
            None => (source, &[][..], Vec::new()),
        };
        Module::parse_skipping(text, scanned, skipped, blanked, (file_name, version), earlier)
    }

    /// Parses `source` as if the bytes of `skipped` (sorted, disjoint) were
    /// not there, without moving anything: nodes keep the offsets, lines and
    /// columns of `source`.
    fn parse_skipping(
        source: &'s str,
        scanned: &Scan<'_>,
        skipped: &[Range<usize>],
        blanked: Vec<Range<usize>>,
        (file_name, version): (&str, PythonVersion),
        earlier: Option<Tree>,
    ) -> Result<Module<'s>, FileError> {
        // tree-sitter accepts indentation CPython rejects; a fix in such a
        // file could turn it into one tree-sitter rejects too. (A skeleton's
        // blanks hide no error: the file's own scan is checked.) The same
        // for characters tree-sitter reads as spaces and CPython rejects.
        if let Some(at) = scanned.indentation_error().or(scanned.invisible_character) {
            let (line, column) = line_column_in(source, &line_starts(source), at);
            return Err(FileError::Syntax { line, column });
        }
        let mut tree = match earlier {
            Some(earlier) => match parse_tree_reusing(source, skipped, Some(&earlier))? {
                reparsed if reparsed.root_node().has_error() => {
                    parse_tree_skipping(source, skipped)?
                }
                reparsed => {
                    // A debug build checks the promise (tests/prefilter.rs
                    // fixes the standard library).
                    #[cfg(debug_assertions)]
                    if let Ok(fresh) = parse_tree_skipping(source, skipped) {
                        assert_eq!(shape(&reparsed), shape(&fresh), "a reparse differs");
                    }
                    reparsed
                }
            },
            None => parse_tree_skipping(source, skipped)?,
        };
        let mut reusable = true;
        if tree.root_node().has_error()
            && let Some(around_gaps) = reparse_around_gaps(source, scanned, skipped)
        {
            tree = around_gaps;
            reusable = false;
        }
        let tree = IndexedTree::new(tree, |tree| NodeIndex::build(tree.root_node()));
        let untrusted = check_tree(source, tree.borrow_dependent(), version)?;
        Ok(Module {
            source,
            tree,
            is_stub: file_name.ends_with(".pyi"),
            file_name: file_name.to_string(),
            untrusted,
            blanked,
            reusable,
            newline: detect_newline(source),
            indent_unit: OnceLock::new(),
            line_starts: OnceLock::new(),
        })
    }

    /// Where a node that ends at `end` ends in the file: a definition
    /// whose body the skeleton blanked ends at its `...`, in the file at
    /// the end of the blank after it.
    pub fn end_in_file(&self, end: usize) -> usize {
        match self.blanked.binary_search_by_key(&end, |blank| blank.start) {
            Ok(found) => self.blanked[found].end,
            Err(_) => end,
        }
    }

    /// The tree, for a later text to reuse (see `reparse`); `None` when it
    /// is not the tree of this text.
    pub fn tree_to_reuse(&self) -> Option<Tree> {
        self.reusable.then(|| self.tree.borrow_owner().clone())
    }

    /// For a skeleton, the blanked bodies (after their `...`): code that
    /// was not parsed.
    pub fn blanked(&self) -> &[Range<usize>] {
        &self.blanked
    }

    pub fn root(&self) -> Node<'_> {
        self.tree.borrow_owner().root_node()
    }

    /// The index of the module's nodes (see `walk::NodeIndex`).
    pub fn index(&self) -> &NodeIndex<'_> {
        self.tree.borrow_dependent()
    }

    /// The nodes of the given kinds, in preorder.
    pub fn nodes_of_kind<'m>(&'m self, kinds: &[Kind]) -> impl Iterator<Item = Node<'m>> + 'm {
        self.tree.borrow_dependent().of_kind(kinds)
    }

    /// The nodes whose kind id is one of `ids` (ids of anonymous kinds
    /// included), in preorder.
    pub fn nodes_of_kind_ids<'m>(&'m self, ids: Vec<u16>) -> impl Iterator<Item = Node<'m>> + 'm {
        self.tree.borrow_dependent().of_kind_ids(ids)
    }

    /// Every node, in preorder.
    pub fn nodes(&self) -> &[Node<'_>] {
        self.tree.borrow_dependent().nodes()
    }

    /// Visits `node` and its descendants in source order (see `walk::visit`),
    /// reading the module's node index instead of walking the tree.
    pub fn visit<'m>(&'m self, node: Node<'m>, visitor: impl FnMut(Node<'m>) -> Walk) {
        self.tree.borrow_dependent().visit(node, visitor);
    }

    /// `node.parent()`, from the index.
    pub fn parent<'m>(&'m self, node: Node<'m>) -> Option<Node<'m>> {
        self.tree.borrow_dependent().parent(node)
    }

    pub fn text(&self, node: Node<'_>) -> &'s str {
        &self.source[node.byte_range()]
    }

    /// `"\r\n"` when the file's first line ends so, else `"\n"`.
    pub fn newline(&self) -> &'static str {
        self.newline
    }

    /// One level of indentation as the file writes it: a tab, or N spaces.
    pub fn indent_unit(&self) -> &str {
        self.indent_unit.get_or_init(|| detect_indent_unit(self))
    }

    /// Whether the line starting at `line_start` continues the one above
    /// (which ends in a `\` outside a comment): code inserted there would
    /// join that line.
    pub fn continues_previous_line(&self, line_start: usize) -> bool {
        let above = self.source[..line_start].trim_end_matches(['\n', '\r']);
        above.len() < line_start
            && above.ends_with('\\')
            && !self.root().descendant_for_byte_range(above.len() - 1, above.len()).is_some_and(
                |node| matches!(node.py_kind(), Kind::Comment | Kind::StringContent | Kind::String),
            )
    }

    /// Where the logical line holding `offset` starts: the start of its
    /// first physical line, above any `\` continuations. Code inserted there
    /// goes before the whole statement, never inside a continued line.
    pub fn logical_line_start(&self, offset: usize) -> usize {
        let mut start = self.line_start(offset);
        while start > 0 && self.continues_previous_line(start) {
            start = self.line_start(start - 1);
        }
        start
    }

    /// Byte offset where the line holding `offset` starts.
    pub fn line_start(&self, offset: usize) -> usize {
        self.source.as_bytes()[..offset].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)
    }

    /// Byte offset just past the `\n` that ends the line holding `offset`
    /// (the end of the file when the last line has no newline).
    pub fn next_line_start(&self, offset: usize) -> usize {
        let bytes = self.source.as_bytes();
        bytes[offset..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| offset + i + 1)
    }

    /// The whitespace that starts the line holding `offset`.
    pub fn indentation_at(&self, offset: usize) -> &'s str {
        let start = self.line_start(offset);
        let line = &self.source[start..];
        // A BOM sits before the first line's indentation.
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        let width = line.bytes().take_while(|b| matches!(b, b' ' | b'\t' | b'\x0c')).count();
        &line[..width]
    }

    /// True when only whitespace precedes `offset` on its line.
    pub fn starts_line(&self, offset: usize) -> bool {
        let start = self.line_start(offset);
        self.source[start..offset]
            .trim_start_matches('\u{feff}')
            .bytes()
            .all(|b| matches!(b, b' ' | b'\t' | b'\x0c'))
    }

    /// True when only whitespace or a comment follows `offset` on its line.
    pub fn ends_line(&self, offset: usize) -> bool {
        let end = self.next_line_start(offset);
        let rest = self.source[offset..end].trim_start_matches([' ', '\t', '\x0c']);
        rest.is_empty()
            || rest.starts_with('#')
            || rest.starts_with('\n')
            || rest.starts_with("\r\n")
    }

    /// 1-based line and 1-based column in characters, as editors count them.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let starts = self.line_starts.get_or_init(|| line_starts(self.source));
        line_column_in(self.source, starts, offset)
    }

    /// True when a fix edit at `range` would touch a statement whose tree is wrong.
    pub fn touches_untrusted(&self, range: &Range<usize>) -> bool {
        self.untrusted.iter().any(|bad| range.start <= bad.end && bad.start <= range.end)
    }
}

pub fn line_starts(source: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(source.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
    starts
}

pub fn line_column_in(source: &str, starts: &[usize], offset: usize) -> (usize, usize) {
    let line = starts.partition_point(|&start| start <= offset).max(1);
    let start = starts[line - 1];
    let prefix = &source[start..offset.min(source.len())];
    let column = prefix.trim_start_matches('\u{feff}').chars().count() + 1;
    (line, column)
}

fn detect_newline(source: &str) -> &'static str {
    match source.find('\n') {
        Some(i) if i > 0 && source.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The step between a block header and the block's first statement, for the
/// first block in the file that starts on its own line; four spaces if none.
fn detect_indent_unit(module: &Module<'_>) -> String {
    let mut unit = None;
    module.visit(module.root(), |node| {
        if node.py_kind() != Kind::Block || unit.is_some() {
            return if unit.is_some() { Walk::Stop } else { Walk::Descend };
        }
        let (Some(header), Some(first)) = (module.parent(node), node.named_child(0)) else {
            return Walk::Descend;
        };
        if module.starts_line(first.start_byte()) {
            let outer = module.indentation_at(header.start_byte());
            let inner = module.indentation_at(first.start_byte());
            if let Some(step) = inner.strip_prefix(outer).filter(|s| !s.is_empty()) {
                unit = Some(step.to_string());
                return Walk::Stop;
            }
        }
        Walk::Descend
    });
    unit.unwrap_or_else(|| "    ".to_string())
}

/// Parses again what tree-sitter's grammar gets wrong and CPython reads:
/// - a comment line outdented inside a block (`#    @other` at column 0
///   between a method's decorator and its `def`), which tree-sitter takes
///   for the end of the block: CPython ignores comment lines, so the text
///   with those comments blanked means the same;
/// - a format spec that starts with `=` (`f"{x:=^9}"`), which tree-sitter
///   reads as a walrus: the `=` becomes a space, another spec character.
///
/// Offsets are unchanged, so the tree is the file's. `None` when there is
/// nothing to blank, or the file fails without it too.
fn reparse_around_gaps(source: &str, scanned: &Scan<'_>, skipped: &[Range<usize>]) -> Option<Tree> {
    let comments = scanned.outdented_comments();
    if comments.is_empty() && scanned.spec_equals.is_empty() {
        return None;
    }
    let mut bytes = source.as_bytes().to_vec();
    for comment in comments {
        bytes[comment].fill(b' ');
    }
    for &at in &scanned.spec_equals {
        bytes[at] = b' ';
    }
    let text = String::from_utf8(bytes).ok()?;
    let tree = parse_tree_skipping(&text, skipped).ok()?;
    (!tree.root_node().has_error()).then_some(tree)
}

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parses with this thread's parser (a parser is not `Sync`; making one per
/// file would cost more than the parse of a small file).
pub fn parse_tree(source: &str) -> Result<Tree, FileError> {
    parse_tree_skipping(source, &[])
}

fn parse_tree_skipping(source: &str, skipped: &[Range<usize>]) -> Result<Tree, FileError> {
    parse_tree_reusing(source, skipped, None)
}

fn parse_tree_reusing(
    source: &str,
    skipped: &[Range<usize>],
    earlier: Option<&Tree>,
) -> Result<Tree, FileError> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser.set_language(&tree_sitter_python::LANGUAGE.into()).map_err(|err| {
                FileError::Internal(format!("cannot load the Python grammar: {err}"))
            })?;
            *slot = Some(parser);
        }
        let parser = slot.as_mut().ok_or_else(|| FileError::Internal("no parser".into()))?;
        if skipped.is_empty() {
            return parser
                .parse(source, earlier)
                .ok_or_else(|| FileError::Internal("tree-sitter returned no tree".into()));
        }
        parser
            .set_included_ranges(&included_ranges(source, skipped))
            .map_err(|err| FileError::Internal(format!("bad ranges to parse: {err:?}")))?;
        let tree = parser.parse(source, earlier);
        // The parser is reused: the next file is parsed whole.
        parser
            .set_included_ranges(&[])
            .map_err(|err| FileError::Internal(format!("cannot reset the parser: {err:?}")))?;
        tree.ok_or_else(|| FileError::Internal("tree-sitter returned no tree".into()))
    })
}

/// What changed from `old` to `new`, for tree-sitter to edit `old`'s tree
/// with: each change replaced the bytes `range` of `old` with as many bytes
/// as it says of `new` (sorted, disjoint; nothing else changed).
pub fn edits_between(old: &str, new: &str, changes: &[(Range<usize>, usize)]) -> Vec<InputEdit> {
    let (old, new) = (old.as_bytes(), new.as_bytes());
    let mut edits = Vec::with_capacity(changes.len());
    // Edits apply one after the other: each is placed in the text as the
    // ones before it left it, where the bytes before it are `new`'s.
    let mut shift: isize = 0;
    let mut cursor = (0, Point { row: 0, column: 0 });
    for (range, new_len) in changes {
        let start_byte = range.start.saturating_add_signed(shift);
        cursor = move_to(new, cursor, start_byte);
        let start_position = cursor.1;
        let old_end = move_to(old, (range.start, start_position), range.end);
        let new_end = move_to(new, cursor, start_byte + new_len);
        cursor = new_end;
        edits.push(InputEdit {
            start_byte,
            old_end_byte: start_byte + range.len(),
            new_end_byte: new_end.0,
            start_position,
            old_end_position: old_end.1,
            new_end_position: new_end.1,
        });
        shift += *new_len as isize - range.len() as isize;
    }
    edits
}

/// Every node of `tree` in preorder: its kind, bytes and positions.
#[cfg(debug_assertions)]
fn shape(tree: &Tree) -> Vec<(u16, Range<usize>, Point, Point)> {
    let index = NodeIndex::build(tree.root_node());
    let shape = |node: &Node<'_>| {
        (node.kind_id(), node.byte_range(), node.start_position(), node.end_position())
    };
    index.nodes().iter().map(shape).collect()
}

/// The parts of `source` around `skipped`, with their lines and columns.
fn included_ranges(source: &str, skipped: &[Range<usize>]) -> Vec<tree_sitter::Range> {
    let bytes = source.as_bytes();
    let mut cursor = (0, Point { row: 0, column: 0 });
    let mut ranges = Vec::with_capacity(skipped.len() + 1);
    let ends = skipped.iter().map(|skip| (skip.start, Some(skip.end))).chain([(bytes.len(), None)]);
    for (included_end, skipped_end) in ends {
        let (start_byte, start_point) = cursor;
        cursor = move_to(bytes, cursor, included_end);
        ranges.push(tree_sitter::Range {
            start_byte,
            end_byte: cursor.0,
            start_point,
            end_point: cursor.1,
        });
        if let Some(skipped_end) = skipped_end {
            cursor = move_to(bytes, cursor, skipped_end);
        }
    }
    ranges
}

/// The byte offset and point `to`, from an earlier offset and its point.
fn move_to(bytes: &[u8], (from, point): (usize, Point), to: usize) -> (usize, Point) {
    let part = &bytes[from..to];
    let point = match memchr::memrchr(b'\n', part) {
        Some(last) => Point {
            row: point.row + memchr::memchr_iter(b'\n', part).count(),
            column: part.len() - last - 1,
        },
        None => Point { row: point.row, column: point.column + part.len() },
    };
    (to, point)
}

/// Rejects trees with syntax errors or Python 2 constructs, and returns the
/// statements whose tree is wrong without an ERROR node (see
/// docs/architecture.md).
pub fn check_tree(
    source: &str,
    index: &NodeIndex<'_>,
    version: PythonVersion,
) -> Result<Vec<Range<usize>>, FileError> {
    let Some(&root) = index.nodes().first() else {
        return Ok(Vec::new());
    };
    if root.has_error() {
        let at = error_position(root);
        let (line, column) = line_column_in(source, &line_starts(source), at);
        return Err(FileError::Syntax { line, column });
    }
    let mut untrusted = Vec::new();
    let mut python2 = None;
    let kinds = suspect_kinds();
    for &node in index.nodes() {
        if !kinds.contains(&node.kind_id()) {
            continue;
        }
        if node.is(Kind::ExceptClause) {
            check_except_commas(node, source, version)?;
        }
        if let Some(construct) = python2_construct(node, source) {
            python2 = Some((construct, node.start_byte()));
            break;
        }
        if let Some(at) = attribute_across_lines(node, source) {
            let (line, column) = line_column_in(source, &line_starts(source), at);
            return Err(FileError::Syntax { line, column });
        }
        if is_misparsed(node) {
            untrusted.push(enclosing_statement(node).byte_range());
        }
    }
    if let Some((construct, offset)) = python2 {
        let (line, _) = line_column_in(source, &line_starts(source), offset);
        return Err(FileError::Python2 { construct, line });
    }
    Ok(untrusted)
}

/// `except A, B:` without parentheses: Python 2 read `except A, b:` as
/// binding `b`, Python 3 before 3.14 rejects it, and 3.14 (PEP 758) reads a
/// tuple of exceptions, as long as no `as` follows.
fn check_except_commas(
    clause: Node<'_>,
    source: &str,
    version: PythonVersion,
) -> Result<(), FileError> {
    let mut cursor = clause.walk();
    let header: Vec<Node<'_>> =
        clause.children(&mut cursor).take_while(|child| !child.is(Kind::Colon)).collect();
    if !header.iter().any(|child| child.is(Kind::Comma)) {
        return Ok(());
    }
    let position = |offset| line_column_in(source, &line_starts(source), offset);
    if let Some(alias) = header.iter().find(|child| child.is(Kind::AsPattern)) {
        let (line, column) = position(alias.start_byte());
        return Err(FileError::Syntax { line, column });
    }
    if version >= PythonVersion(3, 14) {
        return Ok(());
    }
    let (line, _) = position(clause.start_byte());
    Err(FileError::NewerThanTarget {
        construct: "`except A, B:` without parentheses (PEP 758; Python 2 read it as binding `B`)",
        line,
        needs: "3.14",
        target: version.to_string(),
    })
}

/// The kinds `python2_construct` and `is_misparsed` look at: a set of ids
/// compared for every node, where asking each node for its kind's name costs
/// a `strlen`.
fn suspect_kinds() -> &'static [u16] {
    static IDS: OnceLock<Vec<u16>> = OnceLock::new();
    IDS.get_or_init(|| {
        let kinds = [
            Kind::PrintStatement,
            Kind::ExecStatement,
            Kind::StringStart,
            Kind::Integer,
            Kind::ExceptClause,
            Kind::RaiseStatement,
            Kind::ListSplat,
            Kind::DictionarySplat,
            Kind::TypeAliasStatement,
            Kind::Attribute,
            Kind::LessGreater,
        ];
        kinds.iter().flat_map(|kind| kind.ids()).collect()
    })
}

/// Where to say the syntax error is: in the innermost ERROR or MISSING
/// node on the first path to one. An ERROR node that spans lines holds
/// everything from the start of the statement tree-sitter gave up on; its
/// last child is where it gave up, which is what CPython points at too.
fn error_position(root: Node<'_>) -> usize {
    let mut node = root;
    loop {
        let mut cursor = node.walk();
        let next = node.children(&mut cursor).find(|child| child.has_error() || child.is_missing());
        match next {
            Some(child) => node = child,
            None => break,
        }
    }
    let spans_lines = node.start_position().row != node.end_position().row;
    match node.child(node.child_count().saturating_sub(1)) {
        Some(last) if spans_lines => last.start_byte(),
        _ => node.start_byte(),
    }
}

fn python2_construct(node: Node<'_>, source: &str) -> Option<&'static str> {
    let text = || &source[node.byte_range()];
    match node.py_kind() {
        // `print >> f, x` is valid Python 3 (a tuple), read as a print statement.
        Kind::PrintStatement if !has_child_of_kind(node, Kind::Chevron) => Some("print statement"),
        Kind::ExecStatement => Some("exec statement"),
        Kind::LessGreater => Some("`<>` operator"),
        Kind::StringStart if text().starts_with('`') => Some("backquotes"),
        Kind::StringStart => {
            let prefix = text().to_ascii_lowercase();
            (prefix.contains('u') && prefix.contains('r')).then_some("`ur` string prefix")
        }
        Kind::Integer => {
            let digits = text();
            let octal = digits.len() > 1
                && digits.starts_with('0')
                && digits[1..].bytes().all(|b| b.is_ascii_digit())
                && digits.bytes().any(|b| matches!(b, b'1'..=b'9'));
            let long = digits.ends_with(['l', 'L']);
            (octal || long).then_some("old-style integer literal")
        }
        Kind::RaiseStatement => node
            .named_child(0)
            .filter(|value| value.is(Kind::ExpressionList))
            .map(|_| "`raise E, value`"),
        _ => None,
    }
}

fn has_child_of_kind(node: Node<'_>, kind: Kind) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor).any(|child| child.is(kind))
}

/// Shapes tree-sitter-python builds for valid code that mean something else:
/// a splat that swallowed only the first part of its operand (`[*a.f()]`,
/// issue 314), `type(x).attr = v` read as a type alias (issue 321), and
/// `print >> f, x` (a Python 3 tuple) read as a print statement.
/// tree-sitter reads `a.` at the end of a line and a name on the next as
/// one attribute even outside brackets, where Python ends the statement
/// and rejects the dangling dot. Such a file is a syntax error (at the
/// dot), not a tree to fix: a fix that splits the line would break it.
fn attribute_across_lines(node: Node<'_>, source: &str) -> Option<usize> {
    if node.py_kind() != Kind::Attribute {
        return None;
    }
    let object = node.child_by_field_name("object")?;
    let name = node.child_by_field_name("attribute")?;
    if object.end_position().row == name.start_position().row {
        return None;
    }
    let between = &source[object.end_byte()..name.start_byte()];
    let continued = between.contains("\\\n") || between.contains("\\\r");
    let mut ancestor = node.parent();
    while let Some(parent) = ancestor {
        if BRACKETED.contains(&parent.py_kind()) {
            return None;
        }
        if parent.kind_name().ends_with("statement") || parent.is(Kind::Module) {
            break;
        }
        ancestor = parent.parent();
    }
    let dot = object.end_byte() + between.find('.')?;
    (!continued).then_some(dot)
}

/// Nodes inside whose brackets a line break is only whitespace.
const BRACKETED: &[Kind] = &[
    Kind::ParenthesizedExpression,
    Kind::ArgumentList,
    Kind::List,
    Kind::Set,
    Kind::Tuple,
    Kind::Dictionary,
    Kind::Subscript,
    Kind::ListComprehension,
    Kind::SetComprehension,
    Kind::DictionaryComprehension,
    Kind::GeneratorExpression,
    Kind::Parameters,
    Kind::Interpolation,
    Kind::ParenthesizedListSplat,
    Kind::TypeParameter,
    Kind::ImportFromStatement,
];

fn is_misparsed(node: Node<'_>) -> bool {
    match node.py_kind() {
        Kind::ListSplat | Kind::DictionarySplat => node.parent().is_some_and(|parent| {
            !matches!(
                parent.py_kind(),
                Kind::ArgumentList
                    | Kind::List
                    | Kind::Set
                    | Kind::Tuple
                    | Kind::ExpressionList
                    | Kind::Dictionary
                    | Kind::Subscript
                    | Kind::ParenthesizedExpression
                    | Kind::PatternList
                    | Kind::Type
            ) || (parent.is(Kind::Subscript) && parent.named_child(0) == Some(node))
        }),
        Kind::PrintStatement => true,
        Kind::TypeAliasStatement => node.child_by_field_name("left").is_none_or(|left| {
            !left
                .named_child(0)
                .is_some_and(|name| matches!(name.py_kind(), Kind::Identifier | Kind::GenericType))
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEP_758: &str = "try:\n    pass\nexcept A, B:\n    pass\n";

    /// `text` with each `(range, replacement)` applied (sorted, disjoint),
    /// and the changes as `edits_between` takes them.
    fn apply(text: &str, edits: &[(Range<usize>, &str)]) -> (String, Vec<(Range<usize>, usize)>) {
        let mut fixed = String::new();
        let mut last = 0;
        for (range, replacement) in edits {
            fixed.push_str(&text[last..range.start]);
            fixed.push_str(replacement);
            last = range.end;
        }
        fixed.push_str(&text[last..]);
        (fixed, edits.iter().map(|(range, new)| (range.clone(), new.len())).collect())
    }

    fn reparsed(
        old: &str,
        new: &str,
        changes: &[(Range<usize>, usize)],
        skipped: &[Range<usize>],
    ) -> Tree {
        let mut tree = parse_tree_skipping(old, &[]).expect("parses");
        for edit in edits_between(old, new, changes) {
            tree.edit(&edit);
        }
        parse_tree_reusing(new, skipped, Some(&tree)).expect("parses")
    }

    #[test]
    fn a_reparse_after_edits_gives_the_tree_of_a_fresh_parse() {
        let old = "import os\n\ndef f(a=[]):\n    try:\n        g()\n    except:\n        pass\n\n\nclass C:\n    x = 1\n";
        let at = |needle: &str| old.find(needle).expect("in the text");
        let edits = [
            (0..0, "import logging\n"),
            (at("a=[]")..at("a=[]") + 4, "a=None"),
            (at("        g()")..at("        g()"), "        if a is None:\n            a = []\n"),
            (at("except:")..at("except:") + 7, "except Exception:"),
            (at("    x = 1")..old.len(), "    y = (\n        2)\n"),
        ];
        let (new, changes) = apply(old, &edits);
        let fresh = parse_tree_skipping(&new, &[]).expect("parses");
        assert!(!fresh.root_node().has_error(), "{new}");
        assert_eq!(shape(&reparsed(old, &new, &changes, &[])), shape(&fresh));
    }

    /// After a fix, a skeleton's blanked body may be parsed: its blank
    /// is a change too, and the parser's skipped ranges move.
    #[test]
    fn a_reparse_reads_a_body_a_skeleton_had_blanked() {
        let body = "x = 1\n    y = [\n        x]\n    return y\n";
        let blank: String = "..."
            .chars()
            .chain(body[3..].chars().map(|c| if c == '\n' { c } else { ' ' }))
            .collect();
        let head = "import os\n\ndef f():\n    ";
        let tail = "\n\ndef g():\n    pass\n";
        let old = format!("{head}{blank}{tail}");
        let body_at = head.len()..head.len() + body.len();
        let skipped = body_at.start + 3..body_at.end;
        let mut skeleton_tree =
            parse_tree_skipping(&old, std::slice::from_ref(&skipped)).expect("parses");
        let (new, mut changes) = apply(&format!("{head}{body}{tail}"), &[(0..0, "import sys\n")]);
        changes.insert(0, (body_at.clone(), body.len()));
        changes.sort_by_key(|(range, _)| range.start);
        // The insertion at 0 comes first, the body after it.
        let (insert, unblank) = (changes[0].clone(), changes[1].clone());
        assert_eq!(insert.0, 0..0);
        for edit in edits_between(&old, &new, &[insert, unblank]) {
            skeleton_tree.edit(&edit);
        }
        let reparsed = parse_tree_reusing(&new, &[], Some(&skeleton_tree)).expect("parses");
        let fresh = parse_tree_skipping(&new, &[]).expect("parses");
        assert!(!fresh.root_node().has_error(), "{new}");
        assert_eq!(shape(&reparsed), shape(&fresh));
    }

    #[test]
    fn except_without_parentheses_is_python_3_14() {
        assert!(Module::parse_for(PEP_758, "t.py", PythonVersion(3, 14)).is_ok());
        let Err(err) = Module::parse_for(PEP_758, "t.py", PythonVersion(3, 13)) else {
            panic!("3.13 must reject `except A, B:`");
        };
        assert!(matches!(err, FileError::NewerThanTarget { line: 3, needs: "3.14", .. }), "{err}");
        assert!(err.to_string().contains("newer than the target version py313"), "{err}");
        let with_alias = "try:\n    pass\nexcept A, B as e:\n    pass\n";
        let Err(err) = Module::parse_for(with_alias, "t.py", PythonVersion(3, 14)) else {
            panic!("`except A, B as e:` is a syntax error in every version");
        };
        assert!(matches!(err, FileError::Syntax { line: 3, column: 11 }), "{err}");
    }

    #[test]
    fn a_format_spec_that_starts_with_equals_parses() {
        // From matplotlib's axis.py: the spec is `=`, as CPython reads it.
        let source = "def f(labels, w):\n    return f\"{labels:=}\" + f'{w:=^{w}}'\n";
        assert!(
            parse_tree(source).is_ok_and(|tree| tree.root_node().has_error()),
            "tree-sitter's gap"
        );
        let module = Module::parse(source, "t.py").expect("valid Python parses");
        let interpolations = module.nodes_of_kind(&[Kind::Interpolation]).count();
        assert_eq!(interpolations, 2);
        // A walrus in brackets is one, and stays one.
        let walrus = "print(f\"{(y:=10)}\", y)\n";
        let module = Module::parse(walrus, "t.py").expect("valid Python parses");
        assert_eq!(module.nodes_of_kind(&[Kind::NamedExpression]).count(), 1);
    }

    #[test]
    fn a_comment_line_outdented_inside_a_class_parses() {
        let source = "class A:\n    @dec\n#    @other\n    def f(self): ...\n";
        assert!(
            parse_tree(source).is_ok_and(|tree| tree.root_node().has_error()),
            "tree-sitter's gap"
        );
        let module = Module::parse(source, "t.py").expect("valid Python parses");
        assert!(module.nodes_of_kind(&[Kind::FunctionDefinition]).next().is_some());
    }
}

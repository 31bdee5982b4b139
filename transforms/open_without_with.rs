//! # open-without-with (PF008)
//!
//! ## What it does
//! Finds files opened with `f = open(...)` (the builtin, or `io.open`) and
//! closed by hand with `f.close()`, or never closed in the block that
//! opened them.
//!
//! ## Why is this bad?
//! If anything between `open()` and `close()` raises, or returns early,
//! `close()` never runs: the file stays open until the garbage collector
//! finds it, buffered writes may be lost, and on Windows the file cannot be
//! deleted or renamed meanwhile. `with` closes the file however the block
//! is left.
//!
//! ## Example
//! ```python
//! def save(path, text):
//!     f = open(path, "w")
//!     f.write(text)
//!     f.close()
//! ```
//!
//! Use instead:
//! ```python
//! def save(path, text):
//!     with open(path, "w") as f:
//!         f.write(text)
//! ```
//!
//! Fixed when `f = open(...)` and `f.close()` are statements of the same
//! block, each on its own line, and between them `f` is not bound again,
//! returned or yielded, and it is not used after `close()`. The statements
//! between become the body of the `with`, one level deeper in the block's
//! own indentation step (the file's unit at module level); lines that start
//! inside a string literal keep their bytes, so multi-line strings do not
//! change. Comments move with the lines they are on; a comment after
//! `f.close()` stays, on its own line.
//!
//! Reported without a fix: `f.close()` in a nested block (under `if`,
//! `try`) or through a helper whose name says `close` (or
//! `contextlib.closing`); a file bound again before it is closed; an
//! annotated one (`out: TextIO = open(...)`: `with ... as` has no place for
//! the annotation); mixed tabs and spaces or form feeds in the lines to
//! move; and files never closed at all.
//!
//! Not reported, because nothing can leave the file open: `f.close()`
//! as the first thing that runs after `f = open(...)` (the next statement,
//! the first of the next `try`, or the `else` of the `try` that opened it:
//! creating, truncating or probing a file); a `try` around the `open()`
//! whose `finally` closes the name; `f.close()`
//! or a close helper (`sync_close(f)`) in the `finally` of a `try` that holds
//! the `open()` or follows it with only plain assignments between; `f.close`
//! handed to a cleanup without being called (`self.addCleanup(f.close)`,
//! `stack.callback(f.close)`); a file handed to a callback registry
//! (`d.addCallback(...)`, `connect_read_pipe(..., f)`) or to a function
//! that starts using it for good (`log.startLogging(f)`, `self.initfp(f)`);
//! an `open()` under `patch("builtins.open", ...)` or `mock_open`; and a
//! file a test leaks on purpose to see its `ResourceWarning`. A file handed on is
//! not reported unless it is closed by hand: returned or yielded, assigned
//! or put in a container, passed to a storing method (`append`,
//! `enter_context`, `set...`) or to a constructor (`TextIOWrapper(f)`), used in
//! `with f:`, read by a nested function, or declared `global`. Passing it
//! to an ordinary function (`json.load(f)`) is a use, not a hand-over.
//!
//! ## Fix safety
//! Unsafe. The file is now closed when an exception leaves the block, and
//! when a `return`, `break` or `continue` between `open()` and `close()`
//! leaves it, where the original left it open; code that relied on the file
//! staying open on those paths changes. The file is closed exactly where
//! the block ends, that is where `f.close()` stood. `with` binds what
//! `__enter__` returns: the file itself for real files, but another object
//! when `open` is replaced at run time by something else (a plain
//! `unittest.mock.MagicMock` patched over `open`; `mock_open` is fine).

use std::ops::Range;

use tree_sitter::Node;

use crate::rule::fix::{Edit, Fix};
use crate::rule::{Context, Diagnostic, FileInfo, FixKind, RuleMeta, Transform};
use crate::semantic::{block_scope_names, function_scope_names};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::scan::{Kind as ScanKind, Scan, Token};
use crate::syntax::walk::{Walk, ancestor_of_kind, any_node, holds_statements, statements, visit};
use crate::transforms::helpers::calls::{is_method_call_statement, is_name_attribute};

pub struct OpenWithoutWith;

static META: RuleMeta = RuleMeta {
    code: "PF008",
    name: "open-without-with",
    fix: FixKind::Unsafe,
    source: include_str!("open_without_with.rs"),
    aliases: &["SIM115"],
};

/// What `open` may resolve to.
const OPEN_FUNCTIONS: &[&str] = &["builtins.open", "io.open"];

impl Transform for OpenWithoutWith {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A statement `NAME = open(...)` or `NAME: TYPE = open(...)` (or
    /// `x.open(...)`, with any number of parentheses around the call), on a
    /// line of its own or not. After an import that names `open`
    /// (`from io import open as o`), any `NAME = callee(...)` line counts.
    fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        let open_imported =
            scan.lines.iter().flat_map(|line| scan.statement_starts(line)).any(|tokens| {
                tokens
                    .first()
                    .is_some_and(|first| scan.is(first, "import") || scan.is(first, "from"))
                    && tokens.iter().any(|token| scan.is(token, "open"))
            });
        if !open_imported
            && !scan
                .tokens
                .iter()
                .any(|token| token.kind == ScanKind::Name && scan.is(token, "open"))
        {
            return false;
        }
        scan.lines.iter().flat_map(|line| scan.statement_starts(line)).any(|tokens| {
            let [target, after_target @ ..] = tokens else { return false };
            // `NAME = ...`, or `NAME: TYPE = ...` (the `=` at the line's depth).
            let equals = after_target
                .iter()
                .position(|token| token.depth == target.depth && scan.is(token, "="))
                .filter(|&at| at == 0 || scan.is(&after_target[0], ":"));
            let Some(equals) = equals else { return false };
            let rest = &after_target[equals + 1..];
            if target.kind != ScanKind::Name {
                return false;
            }
            let callee: Vec<&Token> = rest.iter().skip_while(|t| scan.is(t, "(")).collect();
            let dotted =
                callee.iter().take_while(|t| t.kind == ScanKind::Name || scan.is(t, ".")).count();
            let called = callee.get(dotted).is_some_and(|t| scan.is(t, "("));
            let last = dotted.checked_sub(1).and_then(|i| callee.get(i));
            called && (open_imported || last.is_some_and(|t| scan.is(t, "open")))
        })
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        context.module.visit(context.module.root(), |node| {
            if !holds_statements(node) {
                return Walk::Skip;
            }
            if matches!(node.py_kind(), Kind::Module | Kind::Block) {
                check_block(context, node, &mut diagnostics);
            }
            Walk::Descend
        });
        diagnostics
    }
}

/// `NAME = open(...)` as a statement.
struct Opened<'t> {
    statement: Node<'t>,
    name: &'t str,
    /// The right-hand side: the call, perhaps in parentheses.
    value: Node<'t>,
    call: Node<'t>,
    /// `NAME: TYPE = open(...)`.
    annotated: bool,
}

fn check_block<'t>(context: &Context<'t>, block: Node<'t>, diagnostics: &mut Vec<Diagnostic>) {
    let module = context.module;
    let block_statements: Vec<Node<'_>> = statements(block).collect();
    for (index, statement) in block_statements.iter().enumerate() {
        let Some(opened) = opened_file(context, *statement) else {
            continue;
        };
        if open_is_mocked(module, opened.statement) {
            continue; // A test's `open` is `mock_open()`: there is no file.
        }
        if closed_at_once(module, &opened) || enclosing_finally_closes(module, &opened) {
            continue; // Nothing can leave the file open.
        }
        if tests_resource_warnings(module, opened.statement) {
            continue; // The test leaks the file on purpose, to see the warning.
        }
        let name = opened.name;
        let later = &block_statements[index + 1..];
        let close_at = later.iter().position(|statement| {
            is_method_call_statement(module.source, *statement, name, "close")
        });
        let bound_at = later.iter().position(|statement| binds(module, *statement, name));
        // A close after `name` is bound anew closes another file.
        let close_at = close_at.filter(|close| bound_at.is_none_or(|bound| bound > *close));
        let diagnostic = match (close_at, bound_at) {
            // `f = open(p)` then `f.close()` at once: nothing runs between
            // the two that could raise (creating or touching a file).
            (Some(0), _) => continue,
            (Some(close), _) => {
                let between = &later[..close];
                let after = &later[close + 1..];
                let outcome = plan_fix(module, block, &opened, between, later[close], after);
                let message = match &outcome {
                    Ok(_) => format!(
                        "`{name}` is opened without `with` and closed by hand: if anything before \
                         `{name}.close()` raises, the file stays open; use `with open(...) as {name}:`"
                    ),
                    Err(reason) => format!(
                        "`{name}` is opened without `with` and closed by hand: \
                         use `with open(...) as {name}:` (no fix: {reason})"
                    ),
                };
                META.report(opened.call.byte_range(), message)
                    .with_fix(outcome.ok().map(Fix::unsafe_))
            }
            (None, bound) => {
                // Not closed in this block: follow the file through the rest
                // of the block up to a new binding, or through the whole scope.
                let (roots, region) = match bound {
                    // The binding statement too: it may close the file first (in a `try`)
                    // or hand it on (`with f as f:`).
                    Some(bound) => (later[..=bound].to_vec(), Region::UntilBound),
                    None => (vec![scope_of(module, opened.statement)], Region::Scope),
                };
                let Some(message) = unclosed_message(module, &opened, &roots, region) else {
                    continue;
                };
                META.report(opened.call.byte_range(), message)
            }
        };
        diagnostics.push(diagnostic);
    }
}

/// The statement `NAME = open(...)`, where `open` is the builtin or `io.open`.
fn opened_file<'t>(context: &Context<'t>, statement: Node<'t>) -> Option<Opened<'t>> {
    let module = context.module;
    if statement.py_kind() != Kind::ExpressionStatement || statement.named_child_count() != 1 {
        return None;
    }
    let assignment = statement.named_child(0).filter(|node| node.is(Kind::Assignment))?;
    // `out: TextIO = open(...)` counts too; its fix would have nowhere to put the annotation.
    let annotated = assignment.child_by_field_name("type").is_some();
    let target = assignment.child_by_field_name("left").filter(|left| left.is(Kind::Identifier))?;
    let value = assignment.child_by_field_name("right")?;
    let mut call = value;
    while call.is(Kind::ParenthesizedExpression) {
        call = call.named_child(0)?;
    }
    if call.py_kind() != Kind::Call {
        return None;
    }
    let function = call.child_by_field_name("function")?;
    let qualified = context.semantic.qualified_name(function)?;
    if !OPEN_FUNCTIONS.contains(&qualified.as_str()) {
        return None;
    }
    let root_name = qualified_root(module, function)?;
    if bound_in_enclosing_scope(module, statement, root_name) {
        return None;
    }
    Some(Opened { statement, name: module.text(target), value, call, annotated })
}

/// The leftmost name of `a.b.c`.
fn qualified_root<'s>(module: &Module<'s>, mut expression: Node<'_>) -> Option<&'s str> {
    loop {
        match expression.py_kind() {
            Kind::Identifier => return Some(module.text(expression)),
            Kind::Attribute => expression = expression.child_by_field_name("object")?,
            Kind::ParenthesizedExpression => expression = expression.named_child(0)?,
            _ => return None,
        }
    }
}

/// True when `name` is bound in a function or class scope that encloses
/// `statement`, so that it does not mean the module's (or builtin) `name`.
fn bound_in_enclosing_scope(module: &Module<'_>, statement: Node<'_>, name: &str) -> bool {
    let mut in_class_scope = true;
    let mut current = module.parent(statement);
    while let Some(node) = current {
        match node.py_kind() {
            Kind::FunctionDefinition => {
                if function_scope_names(module, node).contains(name) {
                    return true;
                }
                // Class scopes around a function are not visible from inside it.
                in_class_scope = false;
            }
            Kind::ClassDefinition
                if in_class_scope
                    && node
                        .child_by_field_name("body")
                        .is_some_and(|body| block_scope_names(module, body).contains(name)) =>
            {
                return true;
            }
            _ => {}
        }
        current = module.parent(node);
    }
    false
}

/// True when `statement` binds `name` in the scope it runs in (assignment,
/// `for`, `with ... as`, `del`, `import`, `def`, `global`, walrus anywhere).
fn binds(module: &Module<'_>, statement: Node<'_>, name: &str) -> bool {
    if block_scope_names(module, statement).contains(name) {
        return true;
    }
    any_node(statement, |node| {
        node.is(Kind::NamedExpression)
            && node.child_by_field_name("name").is_some_and(|target| module.text(target) == name)
    })
}

/// Every identifier `name` in `node`, nested scopes included.
fn references<'t>(module: &Module<'_>, node: Node<'t>, name: &str) -> Vec<Node<'t>> {
    let mut found = Vec::new();
    visit(node, |child| {
        if child.is(Kind::Identifier)
            && module.text(child) == name
            && !is_attribute_name(module, child)
        {
            found.push(child);
        }
        Walk::Descend
    });
    found
}

/// The `b` of `a.b`: an attribute, not a name.
fn is_attribute_name(module: &Module<'_>, identifier: Node<'_>) -> bool {
    module.parent(identifier).is_some_and(|parent| {
        parent.is(Kind::Attribute) && parent.child_by_field_name("attribute") == Some(identifier)
    })
}

/// `return NAME`, `yield NAME` (or NAME inside what they hand out, other
/// than as `NAME.attr`): the file outlives the block.
fn hands_out(module: &Module<'_>, statement: Node<'_>, name: &str) -> bool {
    references(module, statement, name).into_iter().any(|reference| {
        let in_return_or_yield = ancestor_of_kind(reference, &[Kind::ReturnStatement, Kind::Yield])
            .is_some_and(|ancestor| statement.start_byte() <= ancestor.start_byte());
        in_return_or_yield && !is_attribute_object(module, reference)
    })
}

fn is_attribute_object(module: &Module<'_>, identifier: Node<'_>) -> bool {
    module.parent(identifier).is_some_and(|parent| {
        parent.is(Kind::Attribute) && parent.child_by_field_name("object") == Some(identifier)
    })
}

/// The edits that wrap the statements between `open()` and `close()` in a
/// `with`, or why there are none.
fn plan_fix(
    module: &Module<'_>,
    block: Node<'_>,
    opened: &Opened<'_>,
    between: &[Node<'_>],
    close: Node<'_>,
    after: &[Node<'_>],
) -> Result<Vec<Edit>, &'static str> {
    let name = opened.name;
    if opened.annotated {
        return Err("`with ... as` has no place for the annotation");
    }
    if between.iter().any(|statement| hands_out(module, *statement, name)) {
        return Err("the file is returned or yielded before it is closed");
    }
    if used_after_close(module, after, name) {
        return Err("the name is used after `close()`");
    }
    let statement = opened.statement;
    let own_line =
        |node: Node<'_>| module.starts_line(node.start_byte()) && module.ends_line(node.end_byte());
    if !own_line(statement) || !own_line(close) {
        return Err("`open()` or `close()` shares its line with other statements");
    }
    let indent = module.indentation_at(statement.start_byte());
    let step = block_step(module, block, indent);
    let moved = module.next_line_start(statement.end_byte())..module.line_start(close.start_byte());
    let strings = string_ranges(between);
    let mut body = reindented(module.source, moved.clone(), &strings, &step)?;
    let close_line = close.end_byte()..module.next_line_start(close.end_byte());
    let after_close = &module.source[close_line.clone()];
    if between.is_empty() {
        // Only comments (or nothing) between: the body needs a statement.
        body.push_str(&format!("{indent}{step}pass{after_close}"));
    } else {
        let comment = after_close.trim_start_matches([' ', '\t', '\x0c']);
        if comment.starts_with('#') {
            body.push_str(&format!("{indent}{comment}"));
        }
    }
    Ok(vec![
        Edit::replace(statement.start_byte()..opened.value.start_byte(), "with "),
        Edit::insert(opened.value.end_byte(), format!(" as {name}:")),
        Edit::replace(moved.start..close_line.end, body),
    ])
}

/// True when a statement after `close()` reads `name` before one binds it anew.
fn used_after_close(module: &Module<'_>, after: &[Node<'_>], name: &str) -> bool {
    for statement in after {
        if !references(module, *statement, name).is_empty() {
            let rebinds_only = binds(module, *statement, name)
                && references(module, *statement, name)
                    .iter()
                    .all(|reference| is_binding_target(module, *reference));
            return !rebinds_only;
        }
    }
    false
}

/// The `f` of `f = ...`, `for f in ...`, `... as f`, `(f := ...)`: the name bound, not read.
fn is_binding_target(module: &Module<'_>, identifier: Node<'_>) -> bool {
    module.parent(identifier).is_some_and(|parent| match parent.py_kind() {
        Kind::Assignment | Kind::ForStatement | Kind::ForInClause => {
            parent.child_by_field_name("left") == Some(identifier)
        }
        Kind::NamedExpression => parent.child_by_field_name("name") == Some(identifier),
        Kind::AsPatternTarget => true,
        _ => false,
    })
}

/// One indentation level for the new `with` body: the block's own step from
/// its header, else the file's unit (a tab where the block uses tabs).
fn block_step(module: &Module<'_>, block: Node<'_>, indent: &str) -> String {
    if block.is(Kind::Block)
        && let Some(header) = module.parent(block)
        && let Some(step) = indent.strip_prefix(module.indentation_at(header.start_byte()))
        && !step.is_empty()
    {
        return step.to_string();
    }
    if indent.contains('\t') {
        return "\t".to_string();
    }
    module.indent_unit().to_string()
}

/// The byte ranges of the string literals in `nodes`.
fn string_ranges(nodes: &[Node<'_>]) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for node in nodes {
        visit(*node, |child| {
            if child.is(Kind::String) {
                ranges.push(child.byte_range());
                return Walk::Skip;
            }
            Walk::Descend
        });
    }
    ranges
}

/// The lines of `range`, one `step` deeper. Blank lines and lines that start
/// inside a string literal stay as they are. Fails on indentation that
/// mixes the step's kind of whitespace with the other, or holds a form feed:
/// Python would read the result differently.
fn reindented(
    source: &str,
    range: Range<usize>,
    strings: &[Range<usize>],
    step: &str,
) -> Result<String, &'static str> {
    let foreign = if step.contains('\t') { ' ' } else { '\t' };
    let mut out = String::with_capacity(range.len() + step.len() * 8);
    let mut offset = range.start;
    for line in source[range].split_inclusive('\n') {
        let inside_string =
            strings.iter().any(|string| string.start < offset && offset < string.end);
        let content = line.trim_start_matches([' ', '\t', '\x0c']);
        let is_blank = content.is_empty() || content == "\n" || content == "\r\n";
        if !inside_string && !is_blank {
            let leading = &line[..line.len() - content.len()];
            if leading.contains('\x0c') || leading.contains(foreign) {
                return Err("the lines to move mix tabs and spaces or hold a form feed");
            }
            out.push_str(step);
        }
        out.push_str(line);
        offset += line.len();
    }
    Ok(out)
}

/// How far `unclosed_message` follows a file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Region {
    /// The statements after it in its block, up to the one that binds the name anew.
    UntilBound,
    /// The rest of the function, class or module body.
    Scope,
}

/// What becomes of a file after `NAME = open(...)`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fate {
    Leaks,
    /// `NAME.close()` (or a `...close...(NAME)` helper) somewhere else.
    ClosedElsewhere,
    /// Handed on (returned, stored, wrapped, captured, global): its owner
    /// closes it. Or closed safely: in the `finally` of a `try` that
    /// follows the `open()` at once, or by a cleanup it was registered
    /// with (`self.addCleanup(f.close)`, `stack.callback(f.close)`).
    Escapes,
}

/// The message for a file not closed in its own block, or `None` when it
/// escapes (then closing it is someone else's job).
fn unclosed_message(
    module: &Module<'_>,
    opened: &Opened<'_>,
    roots: &[Node<'_>],
    region: Region,
) -> Option<String> {
    let name = opened.name;
    let mut fate = Fate::Leaks;
    if region == Region::Scope && declared_global(module, roots, name) {
        fate = Fate::Escapes;
    }
    let after = opened.statement.end_byte();
    for root in roots {
        visit(*root, |node| {
            if node.end_byte() <= after {
                return Walk::Skip;
            }
            let seen = match node.py_kind() {
                // A nested function or class that reads the name captures the file.
                Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => {
                    if references(module, node, name).is_empty() {
                        return Walk::Skip;
                    }
                    Fate::Escapes
                }
                Kind::Attribute if is_name_attribute(module.source, node, name, "close") => {
                    close_fate(module, opened, node)
                }
                Kind::Identifier
                    if module.text(node) == name && !is_attribute_name(module, node) =>
                {
                    use_of(module, opened, node)
                }
                _ => return Walk::Descend,
            };
            fate = fate.max(seen);
            Walk::Skip
        });
    }
    match fate {
        Fate::Escapes => None,
        Fate::ClosedElsewhere => Some(format!(
            "`{name}` is opened without `with` and closed in another block: \
             use `with open(...) as {name}:`"
        )),
        Fate::Leaks if region == Region::UntilBound => Some(format!(
            "`{name}` is bound again before the file it holds is closed: \
             use `with open(...) as {name}:`"
        )),
        Fate::Leaks => Some(format!(
            "`{name}` is opened without `with` and never closed: \
             the file stays open until it is garbage collected; use `with open(...) as {name}:`"
        )),
    }
}

/// What `NAME.close` at `attribute` does for the file: registered as a
/// cleanup when it is not called; closes it however the code between
/// leaves when it is called in a `finally` that guards the `open()` (see
/// `finally_guarding`).
fn close_fate(module: &Module<'_>, opened: &Opened<'_>, attribute: Node<'_>) -> Fate {
    let called = module.parent(attribute).is_some_and(|parent| {
        parent.is(Kind::Call) && parent.child_by_field_name("function") == Some(attribute)
    });
    if !called {
        return Fate::Escapes;
    }
    match finally_guarding(module, attribute) {
        Some(try_statement) if guards_the_open(opened.statement, try_statement) => Fate::Escapes,
        _ => Fate::ClosedElsewhere,
    }
}

/// The `try` statement whose `finally` clause holds `node` (within the
/// same function).
fn finally_guarding<'t>(module: &'t Module<'_>, node: Node<'t>) -> Option<Node<'t>> {
    let mut current = module.parent(node);
    while let Some(candidate) = current {
        if candidate.is(Kind::FinallyClause) {
            return module.parent(candidate);
        }
        if matches!(
            candidate.py_kind(),
            Kind::FunctionDefinition | Kind::Lambda | Kind::ClassDefinition
        ) {
            return None;
        }
        current = module.parent(candidate);
    }
    None
}

/// Nothing that can raise runs between the `open()` and the `try`: the
/// `try` follows it, with only plain assignments of literals or names in
/// between, or the `open()` is inside the `try`'s body.
fn guards_the_open(open: Node<'_>, try_statement: Node<'_>) -> bool {
    let inside = try_statement.child_by_field_name("body").is_some_and(|body| {
        body.start_byte() <= open.start_byte() && open.end_byte() <= body.end_byte()
    });
    if inside {
        return true;
    }
    // `try: f = open(p)` / `except OSError: return` / `try: ... finally:
    // f.close()`: what comes after the `open()` is what comes after its `try`.
    // After a `try` body completes, its `else` runs first.
    let its_try = last_of_its_try(open);
    let else_first: Option<Vec<Node<'_>>> =
        its_try.and_then(else_block).map(|block| statements(block).collect());
    let run: Vec<Node<'_>> = else_first
        .unwrap_or_default()
        .into_iter()
        .chain(statements_run_after(its_try.unwrap_or(open)))
        .collect();
    for next in run {
        if next == try_statement {
            return true;
        }
        if !cannot_raise(next) {
            return false;
        }
    }
    false
}

/// The body of a `try` statement's `else` clause.
fn else_block(try_statement: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = try_statement.walk();
    let else_clause = try_statement.children(&mut cursor).find(|child| child.is(Kind::ElseClause));
    else_clause.and_then(|clause| clause.child_by_field_name("body"))
}

/// The statements that run after `statement` when nothing jumps: the rest
/// of its block, then, at the end of an `if`/`elif`/`else` branch, the
/// statements after that `if` (`else: f = open(p); close = True` then
/// `try: ... finally: f.close()` after the `if`).
fn statements_run_after<'t>(statement: Node<'t>) -> Vec<Node<'t>> {
    let mut run = Vec::new();
    let mut current = statement;
    loop {
        run.extend(statements_after(current));
        let Some(block) = current.parent().filter(|parent| parent.is(Kind::Block)) else {
            break;
        };
        let branch = block.parent();
        let if_statement = match branch.map(|branch| branch.py_kind()) {
            Some(Kind::IfStatement) => branch,
            Some(Kind::ElseClause | Kind::ElifClause) => branch.and_then(|clause| clause.parent()),
            _ => None,
        };
        match if_statement.filter(|node| node.is(Kind::IfStatement)) {
            Some(if_statement) => current = if_statement,
            None => break,
        }
    }
    run
}

/// The `try` statement whose body ends with `statement`, when the `try`
/// has no `finally` of its own (its handlers leave or carry on).
fn last_of_its_try(statement: Node<'_>) -> Option<Node<'_>> {
    let body = statement.parent().filter(|parent| parent.is(Kind::Block))?;
    let try_statement = body.parent().filter(|parent| parent.is(Kind::TryStatement))?;
    let is_body = try_statement.child_by_field_name("body") == Some(body);
    let is_last = statements_after(statement).next().is_none();
    let mut cursor = try_statement.walk();
    let has_finally =
        try_statement.children(&mut cursor).any(|child| child.is(Kind::FinallyClause));
    (is_body && is_last && !has_finally).then_some(try_statement)
}

/// `f.close()` is the first thing to run after `f = open(...)`: the next
/// statement, the first statement of the next `try`'s body, or, when the
/// `open()` ends a `try` body, the first statement of that `try`'s `else`.
fn closed_at_once(module: &Module<'_>, opened: &Opened<'_>) -> bool {
    let is_close = |statement: Node<'_>| {
        is_method_call_statement(module.source, statement, opened.name, "close")
    };
    fn first_of(block: Option<Node<'_>>) -> Option<Node<'_>> {
        block.and_then(|block| statements(block).next())
    }
    let next = statements_after(opened.statement).next();
    let next_try_body = next
        .filter(|next| next.is(Kind::TryStatement))
        .and_then(|next| first_of(next.child_by_field_name("body")));
    let else_of_its_try = last_of_its_try(opened.statement).and_then(|try_statement| {
        let mut cursor = try_statement.walk();
        let else_clause =
            try_statement.children(&mut cursor).find(|child| child.is(Kind::ElseClause));
        first_of(else_clause.and_then(|clause| clause.child_by_field_name("body")))
    });
    [next, next_try_body, else_of_its_try].into_iter().flatten().any(is_close)
}

/// A `try` around the `open()` closes the same name in its `finally`
/// (`finally: f.close()`, `if not f.closed: f.close()`, `close_quietly(f)`).
fn enclosing_finally_closes(module: &Module<'_>, opened: &Opened<'_>) -> bool {
    let mut current = module.parent(opened.statement);
    while let Some(node) = current {
        if matches!(node.py_kind(), Kind::FunctionDefinition | Kind::Lambda | Kind::ClassDefinition)
        {
            return false;
        }
        if node.is(Kind::TryStatement) && guards_the_open(opened.statement, node) {
            let mut cursor = node.walk();
            let finally = node.children(&mut cursor).find(|child| child.is(Kind::FinallyClause));
            let closes = finally.is_some_and(|finally| {
                any_node(finally, |inner| {
                    is_name_attribute(module.source, inner, opened.name, "close")
                        || inner.is(Kind::Call)
                            && inner
                                .child_by_field_name("function")
                                .is_some_and(|function| module.text(function).contains("close"))
                            && !references(module, inner, opened.name).is_empty()
                })
            });
            if closes {
                return true;
            }
        }
        current = module.parent(node);
    }
    false
}

/// The function tests that a leaked file warns (`ResourceWarning`).
fn tests_resource_warnings(module: &Module<'_>, statement: Node<'_>) -> bool {
    let mut current = module.parent(statement);
    while let Some(node) = current {
        if node.is(Kind::FunctionDefinition) {
            return module.text(node).contains("ResourceWarning");
        }
        current = module.parent(node);
    }
    false
}

/// `a.b.c`: attribute reads of a name, which do not raise in practice.
fn is_dotted_name(node: Node<'_>) -> bool {
    match node.py_kind() {
        Kind::Identifier => true,
        Kind::Attribute => node.child_by_field_name("object").is_some_and(is_dotted_name),
        _ => false,
    }
}

/// `x = 0`, `name = other`, `saved = sys.stdin`, `pass`: statements that
/// cannot raise.
fn cannot_raise(statement: Node<'_>) -> bool {
    if statement.is(Kind::PassStatement) {
        return true;
    }
    let Some(assignment) = statement.named_child(0).filter(|node| node.is(Kind::Assignment)) else {
        return false;
    };
    let plain = |node: Option<Node<'_>>| {
        node.is_some_and(|node| {
            is_dotted_name(node)
                || matches!(
                    node.py_kind(),
                    Kind::Identifier
                        | Kind::Integer
                        | Kind::Float
                        | Kind::String
                        | Kind::NoneLiteral
                        | Kind::True
                        | Kind::False
                )
        })
    };
    statement.named_child_count() == 1
        && plain(assignment.child_by_field_name("left"))
        && assignment
            .child_by_field_name("right")
            .is_some_and(|right| plain(Some(right)) || is_constant_display(right))
}

/// A tuple or list of literals (`("a\n", "bb\n")`): building it cannot raise.
fn is_constant_display(node: Node<'_>) -> bool {
    let literal = |node: Node<'_>| match node.py_kind() {
        Kind::String => !any_node(node, |inner| inner.is(Kind::Interpolation)),
        Kind::Integer | Kind::Float | Kind::NoneLiteral | Kind::True | Kind::False => true,
        _ => is_constant_display(node),
    };
    let mut cursor = node.walk();
    matches!(node.py_kind(), Kind::Tuple | Kind::List | Kind::ParenthesizedExpression)
        && node.named_children(&mut cursor).filter(|child| !child.is(Kind::Comment)).all(literal)
}

/// The `open()` runs under `patch("builtins.open", ...)` or `mock_open`: a
/// `with` item or a decorator around it says so.
fn open_is_mocked(module: &Module<'_>, statement: Node<'_>) -> bool {
    let mocks_open = |text: &str| {
        text.contains("mock_open") || (text.contains("patch") && text.contains("open"))
    };
    let mut current = module.parent(statement);
    while let Some(node) = current {
        let header = match node.py_kind() {
            Kind::WithStatement => node.named_child(0),
            Kind::DecoratedDefinition => Some(node),
            _ => None,
        };
        let header_text = header.map(|header| {
            let end = header
                .child_by_field_name("definition")
                .map_or(header.end_byte(), |d| d.start_byte());
            &module.source[header.start_byte()..end.min(header.end_byte())]
        });
        if header_text.is_some_and(mocks_open) {
            return true;
        }
        current = module.parent(node);
    }
    false
}

/// The statements after `statement` in its block.
fn statements_after<'t>(statement: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    std::iter::successors(statement.next_named_sibling(), |node| node.next_named_sibling())
        .filter(|node| !node.is(Kind::Comment))
}

/// True when the scope declares `global NAME` or `nonlocal NAME`.
fn declared_global(module: &Module<'_>, roots: &[Node<'_>], name: &str) -> bool {
    let mut found = false;
    for root in roots {
        visit(*root, |node| match node.py_kind() {
            Kind::GlobalStatement | Kind::NonlocalStatement => {
                found |= !references(module, node, name).is_empty();
                Walk::Skip
            }
            Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda if node != *root => {
                Walk::Skip
            }
            _ => Walk::Descend,
        });
    }
    found
}

/// Methods that keep what they are given: a file passed to them escapes.
const STORING_METHODS: &[&str] = &[
    "add",
    "append",
    "appendleft",
    "callback",
    "enter_context",
    "extend",
    "insert",
    "push",
    "put",
    "put_nowait",
    "register",
    "setdefault",
    "update",
];

/// What one use of the name says about the file's fate.
fn use_of(module: &Module<'_>, opened: &Opened<'_>, reference: Node<'_>) -> Fate {
    if is_attribute_object(module, reference) {
        return Fate::Leaks;
    }
    let Some(parent) = module.parent(reference) else {
        return Fate::Escapes;
    };
    if is_binding_target(module, reference) {
        // A new binding, not a use of the file.
        return Fate::Leaks;
    }
    if ancestor_of_kind(reference, &[Kind::ReturnStatement, Kind::Yield]).is_some() {
        return Fate::Escapes;
    }
    let is_iterated = matches!(parent.py_kind(), Kind::ForStatement | Kind::ForInClause)
        && parent.child_by_field_name("right") == Some(reference);
    let is_tested = matches!(
        parent.py_kind(),
        Kind::ComparisonOperator | Kind::BooleanOperator | Kind::NotOperator
    ) || matches!(
        parent.py_kind(),
        Kind::IfStatement | Kind::ElifClause | Kind::WhileStatement
    ) && parent.child_by_field_name("condition") == Some(reference);
    if is_iterated || is_tested {
        return Fate::Leaks;
    }
    let argument_list = match parent.py_kind() {
        Kind::ArgumentList => Some(parent),
        Kind::KeywordArgument => module.parent(parent),
        _ => None,
    };
    let Some(callee) = argument_list
        .and_then(|arguments| module.parent(arguments))
        .filter(|call| call.is(Kind::Call))
        .and_then(|call| call.child_by_field_name("function"))
    else {
        // Assigned, stored in a container, `with NAME:`, ...
        return Fate::Escapes;
    };
    let callee = module.text(callee);
    let last = callee.rsplit('.').next().unwrap_or(callee).trim();
    if last.contains("close") || last == "closing" {
        match finally_guarding(module, reference) {
            Some(try_statement) if guards_the_open(opened.statement, try_statement) => {
                Fate::Escapes
            }
            _ => Fate::ClosedElsewhere,
        }
    } else if STORING_METHODS.contains(&last)
        || last.starts_with("set")
        || last.starts_with("add")
        || last.starts_with("register")
        || last.starts_with("connect")
        || last.starts_with("start")
        || last.starts_with("init")
        || last.contains("callback")
        || last.starts_with(char::is_uppercase)
    {
        // Kept in a collection or by a setter, or wrapped by an object that now owns it.
        Fate::Escapes
    } else {
        Fate::Leaks
    }
}

/// The function, class or module body whose variables the statement binds.
fn scope_of<'m>(module: &'m Module<'_>, statement: Node<'m>) -> Node<'m> {
    let mut current = module.parent(statement);
    while let Some(node) = current {
        match node.py_kind() {
            Kind::FunctionDefinition | Kind::ClassDefinition => {
                return node.child_by_field_name("body").unwrap_or(node);
            }
            Kind::Module => return node,
            _ => current = module.parent(node),
        }
    }
    statement
}

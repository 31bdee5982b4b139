//! `except` clauses: what they catch, what their body does with the
//! exception, and the message a fix logs when it makes a failure visible.
//!
//! tree-sitter-python writes `except E as e:` as an `as_pattern` in the
//! clause's `value` field, and `except* E:` as the same clause with a `*`
//! token; the body is the clause's `block` child (not a field).

use tree_sitter::Node;

use crate::rule::fix::Edit;
use crate::semantic::Semantic;
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::walk::{Walk, statements, visit};
use crate::transforms::helpers::logger::fix_logger;

/// The clause's body.
pub fn body(clause: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = clause.walk();
    clause.children(&mut cursor).find(|child| child.is(Kind::Block))
}

/// `except* E:` (an exception-group handler).
pub fn is_star(clause: Node<'_>) -> bool {
    let mut cursor = clause.walk();
    clause.children(&mut cursor).any(|child| child.is(Kind::Star))
}

/// The `except` keyword.
pub fn keyword(clause: Node<'_>) -> Option<Node<'_>> {
    clause.child(0).filter(|child| child.is(Kind::Except))
}

/// `except:`, catching everything.
pub fn is_bare(clause: Node<'_>) -> bool {
    clause.child_by_field_name("value").is_none() && !is_star(clause)
}

/// The expressions naming what the clause catches: `A` and `B` in
/// `except (A, B) as e:` or `except A, B:`.
pub fn caught_types(clause: Node<'_>) -> Vec<Node<'_>> {
    let mut types = Vec::new();
    let mut cursor = clause.walk();
    let mut pending: Vec<Node<'_>> = clause.children_by_field_name("value", &mut cursor).collect();
    pending.reverse();
    while let Some(node) = pending.pop() {
        match node.py_kind() {
            // `as_pattern` holds the caught expression first, then the alias.
            Kind::AsPattern => pending.extend(node.named_child(0)),
            Kind::Tuple | Kind::ParenthesizedExpression | Kind::ExpressionList => {
                let mut inner = node.walk();
                let mut elements: Vec<Node<'_>> = node
                    .named_children(&mut inner)
                    .filter(|child| child.py_kind() != Kind::Comment)
                    .collect();
                elements.reverse();
                pending.extend(elements);
            }
            _ => types.push(node),
        }
    }
    types
}

/// The name the exception is bound to: `e` in `except E as e:`.
pub fn bound_name<'s>(module: &Module<'s>, clause: Node<'_>) -> Option<&'s str> {
    let value = clause.child_by_field_name("value").filter(|value| value.is(Kind::AsPattern))?;
    let target = value.child_by_field_name("alias")?;
    let name = target.named_child(0).unwrap_or(target);
    (name.is(Kind::Identifier)).then(|| module.text(name))
}

/// The nearest `except` clause whose body holds `node`, within the same
/// function (a function defined in a handler runs later, outside it).
pub fn enclosing_handler<'m>(module: &'m Module<'_>, node: Node<'m>) -> Option<Node<'m>> {
    let mut child = node;
    let mut current = module.parent(node);
    while let Some(ancestor) = current {
        match ancestor.py_kind() {
            Kind::ExceptClause => return (child.is(Kind::Block)).then_some(ancestor),
            Kind::FunctionDefinition | Kind::Lambda | Kind::ClassDefinition => return None,
            _ => {}
        }
        child = ancestor;
        current = module.parent(ancestor);
    }
    None
}

/// True when the body does nothing but leave: only `pass`, `...`,
/// `continue`, `return` or `return None`.
pub fn only_swallows(body: Node<'_>) -> bool {
    let mut any = false;
    let all = statements(body).all(|statement| {
        any = true;
        match statement.py_kind() {
            Kind::PassStatement | Kind::ContinueStatement => true,
            Kind::ExpressionStatement => is_ellipsis_statement(statement),
            Kind::ReturnStatement => match statement.named_child(0) {
                None => true,
                Some(value) => value.is(Kind::NoneLiteral),
            },
            _ => false,
        }
    });
    any && all
}

fn is_ellipsis_statement(statement: Node<'_>) -> bool {
    statement.is(Kind::ExpressionStatement)
        && statement.named_child_count() == 1
        && statement.named_child(0).is_some_and(|value| value.is(Kind::Ellipsis))
}

/// True when every path through the body ends in a bare `raise`: no
/// `return`, `break`, `continue` or other `raise` leaves it first, and it
/// cannot run off its end.
pub fn always_reraises(module: &Module<'_>, body: Node<'_>) -> bool {
    for statement in statements(body) {
        if ends_in_bare_raise(module, statement) {
            return true;
        }
        if may_leave(module, statement) {
            return false;
        }
    }
    false
}

/// `raise`, or an `if`/`elif`/`else` whose every branch always re-raises.
fn ends_in_bare_raise(module: &Module<'_>, statement: Node<'_>) -> bool {
    match statement.py_kind() {
        Kind::RaiseStatement => is_bare_raise(statement),
        Kind::IfStatement => {
            let consequence_reraises = statement
                .child_by_field_name("consequence")
                .is_some_and(|body| always_reraises(module, body));
            let mut cursor = statement.walk();
            let branches: Vec<Node<'_>> =
                statement.children_by_field_name("alternative", &mut cursor).collect();
            let has_else = branches.iter().any(|branch| branch.is(Kind::ElseClause));
            let branches_reraise = branches.iter().all(|branch| {
                let field = if branch.is(Kind::ElseClause) { "body" } else { "consequence" };
                branch.child_by_field_name(field).is_some_and(|body| always_reraises(module, body))
            });
            consequence_reraises && has_else && branches_reraise
        }
        _ => false,
    }
}

fn is_bare_raise(statement: Node<'_>) -> bool {
    let mut cursor = statement.walk();
    statement.is(Kind::RaiseStatement)
        && statement.named_children(&mut cursor).all(|child| child.is(Kind::Comment))
}

/// True when `statement` may leave the handler other than by a bare
/// `raise`: a `return`, a `raise` of something, or a `break`/`continue`
/// aimed at a loop outside it. Code in nested functions does not count.
fn may_leave(module: &Module<'_>, statement: Node<'_>) -> bool {
    let mut leaves = false;
    visit(statement, |node| match node.py_kind() {
        Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
        Kind::ReturnStatement => {
            leaves = true;
            Walk::Stop
        }
        Kind::RaiseStatement if !is_bare_raise(node) => {
            leaves = true;
            Walk::Stop
        }
        Kind::BreakStatement | Kind::ContinueStatement
            if !inside_loop_within(module, node, statement) =>
        {
            leaves = true;
            Walk::Stop
        }
        _ => Walk::Descend,
    });
    leaves
}

/// True when a `break`/`continue` belongs to a loop body inside `outer`.
fn inside_loop_within(module: &Module<'_>, jump: Node<'_>, outer: Node<'_>) -> bool {
    let mut child = jump;
    let mut current = module.parent(jump);
    while let Some(ancestor) = current {
        if matches!(ancestor.py_kind(), Kind::ForStatement | Kind::WhileStatement)
            && ancestor.child_by_field_name("body") == Some(child)
        {
            return true;
        }
        if ancestor == outer {
            return false;
        }
        child = ancestor;
        current = module.parent(ancestor);
    }
    false
}

/// The edit that makes `statement` the first statement of a handler's body:
/// it replaces a lone `pass` or `...` (a comment after it moves to a line
/// of its own above the new statement), goes on its own line before the
/// first statement of an indented body, and before the first statement,
/// followed by `; `, in a one-line body (`except: continue`).
pub fn prepend_statement(module: &Module<'_>, body: Node<'_>, statement: &str) -> Option<Edit> {
    let body_statements: Vec<Node<'_>> = statements(body).collect();
    let first = *body_statements.first()?;
    let placeholder = first.is(Kind::PassStatement) || is_ellipsis_statement(first);
    let newline = module.newline();
    if body_statements.len() == 1 && placeholder {
        if module.starts_line(first.start_byte())
            && let Some(comment) = trailing_comment(module, first)
        {
            let indentation = module.indentation_at(first.start_byte());
            return Some(Edit::replace(
                first.start_byte()..comment.end_byte(),
                format!("{}{newline}{indentation}{statement}", module.text(comment)),
            ));
        }
        return Some(Edit::replace(first.byte_range(), statement));
    }
    if module.starts_line(first.start_byte()) {
        let indentation = module.indentation_at(first.start_byte());
        return Some(Edit::insert(
            first.start_byte(),
            format!("{statement}{newline}{indentation}"),
        ));
    }
    Some(Edit::insert(first.start_byte(), format!("{statement}; ")))
}

/// The comment that ends the line `statement` ends on, if any.
fn trailing_comment<'m>(module: &'m Module<'_>, statement: Node<'m>) -> Option<Node<'m>> {
    let end = module.next_line_start(statement.end_byte());
    let rest = &module.source[statement.end_byte()..end];
    let at = statement.end_byte() + rest.find('#')?;
    if !rest[..at - statement.end_byte()].trim().is_empty() {
        return None;
    }
    let node = module.root().descendant_for_byte_range(at, at + 1)?;
    node.is(Kind::Comment).then_some(node)
}

/// A call that logs the exception a handler caught, with its traceback.
pub struct LogCall {
    /// `logger.exception("Failed to load config")`.
    pub text: String,
    /// The edits that create the logger (and import `logging`) when the
    /// module has none.
    pub edits: Vec<Edit>,
}

/// `<logger>.exception("<message>")` for code in `clause`'s body, through
/// the module's logger (see `logger::fix_logger`).
pub fn log_exception_call(semantic: &Semantic<'_>, clause: Node<'_>) -> Option<LogCall> {
    let logger = fix_logger(semantic, clause)?;
    let message = failure_message(semantic, clause);
    Some(LogCall { text: format!("{}.exception(\"{message}\")", logger.name), edits: logger.edits })
}

// ----- why a handler swallows -----

/// Why a handler that swallows what it catches does so, as far as the
/// code and its comments tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Nothing says it is on purpose: on real code most such handlers
    /// still are (probes, best-effort extras), so only PF002 acts on it.
    Unexplained,
    /// A `TODO`, `FIXME` or `XXX` in the handler says the silence is a
    /// known problem (`except Exception:  # FIXME: report this`).
    KnownProblem,
    /// A comment in or on the handler says it must catch everything, the
    /// `try` runs code the program does not control (`exec`, `runpy`), or
    /// the handler takes hold of what it caught (`sys.exc_info()`).
    CatchesEverything,
    /// A comment in or on the handler explains the silence.
    Explained,
    /// The `try` only imports: an optional dependency.
    OptionalImport,
    /// The failure is an expected branch: the `try` has an `else`, only
    /// looks something up (a key, an attribute), returns the attempt's
    /// result (the code after it is the alternative), or the statement
    /// after it tests what the `try` assigned or tries another way.
    Fallback,
    /// Best-effort cleanup: closing, removing, stopping, in a `finally`
    /// or a `close`/`__exit__`-like method.
    Cleanup,
    /// The `try` only raises: code that exercises
    /// exception handling itself (tests of the language, examples).
    Synthetic,
}

/// Why `clause` swallows (see `Purpose`); the first that applies of:
/// synthetic, optional import, a comment, cleanup, fallback.
pub fn purpose(semantic: &Semantic<'_>, clause: Node<'_>) -> Purpose {
    let module = semantic.module();
    let try_statement = clause.parent().filter(|parent| parent.is(Kind::TryStatement));
    let try_body = try_statement.and_then(|statement| statement.child_by_field_name("body"));
    if tests_exception_handling(module, clause) {
        return Purpose::Synthetic;
    }
    if let Some(try_body) = try_body {
        if only_raises(module, try_body, is_test_code(module, clause)) {
            return Purpose::Synthetic;
        }
        if only_imports(try_body) && body(clause).is_some_and(handler_only_binds) {
            return Purpose::OptionalImport;
        }
    }
    if try_body.is_some_and(|try_body| runs_foreign_code(module, try_body))
        || body(clause).is_some_and(|handler| captures_exception(semantic, handler))
    {
        return Purpose::CatchesEverything;
    }
    match comment_says(semantic, clause) {
        Some(CommentSays::CatchEverything) => return Purpose::CatchesEverything,
        Some(CommentSays::Reason) => return Purpose::Explained,
        // `# TODO: log it`: the silence is a known problem, whatever its shape.
        Some(CommentSays::KnownProblem) => return Purpose::KnownProblem,
        None => {}
    }
    let (Some(try_statement), Some(try_body)) = (try_statement, try_body) else {
        return Purpose::Unexplained;
    };
    if is_cleanup(semantic, try_statement, try_body) {
        return Purpose::Cleanup;
    }
    if is_fallback(semantic, try_statement, try_body, clause) {
        return Purpose::Fallback;
    }
    Purpose::Unexplained
}

/// A test file about exception handling itself (`test_exceptions.py`,
/// `test_exception_variations.py`, `test_traceback.py`,
/// `test_sys_settrace.py`, `test_grammar.py`): its handlers are the
/// scenarios under test.
fn tests_exception_handling(module: &Module<'_>, clause: Node<'_>) -> bool {
    if !is_test_code(module, clause) {
        return false;
    }
    let file = module.file_name.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = file.strip_suffix(".py").unwrap_or(file);
    identifier_words(stem).iter().any(|word| {
        matches!(
            word.as_str(),
            "except" | "exception" | "exceptions" | "grammar" | "traceback" | "settrace" | "raise"
        )
    })
}

/// Every statement of the `try` is a `raise`, `pass` or arithmetic on
/// literals (`1/0`).
fn only_raises(module: &Module<'_>, try_body: Node<'_>, in_test: bool) -> bool {
    let mut any_raise = false;
    let all = statements(try_body).all(|statement| match statement.py_kind() {
        // `raise`, `raise ValueError`, `raise TypeError("x")`: not `raise error`,
        // except in test code, where raising what it built is the point.
        Kind::RaiseStatement => {
            any_raise = true;
            in_test
                || statement.named_child(0).is_none_or(|raised| {
                    let class = match raised.py_kind() {
                        Kind::Call => raised.child_by_field_name("function"),
                        _ => Some(raised),
                    };
                    class.is_some_and(|class| {
                        class.is(Kind::Identifier) && is_exception_class(module.text(class))
                    })
                })
        }
        Kind::PassStatement => true,
        // In tests of the language: `try: yield` (what the generator is
        // thrown), `try: 2` (a traced line).
        Kind::ExpressionStatement
            if in_test
                && statement.named_child(0).is_some_and(|value| {
                    matches!(value.py_kind(), Kind::Yield | Kind::Integer | Kind::String)
                }) =>
        {
            any_raise = true;
            true
        }
        // `te = TypeError(1)` before `raise te`.
        Kind::ExpressionStatement
            if statement.named_child(0).is_some_and(|value| {
                value.is(Kind::Assignment)
                    && value.child_by_field_name("right").is_some_and(|right| {
                        right.is(Kind::Call)
                            && right.child_by_field_name("function").is_some_and(|f| {
                                f.is(Kind::Identifier) && is_exception_class(module.text(f))
                            })
                    })
            }) =>
        {
            true
        }
        Kind::ExpressionStatement => {
            let literal_arithmetic = statement.named_child(0).is_some_and(|value| {
                value.is(Kind::BinaryOperator) && {
                    let mut only_literals = true;
                    visit(value, |node| match node.py_kind() {
                        Kind::BinaryOperator => Walk::Descend,
                        Kind::Integer => Walk::Skip,
                        _ if module.text(node).parse::<f64>().is_ok() => Walk::Skip,
                        _ if !node.is_named() => Walk::Skip,
                        _ => {
                            only_literals = false;
                            Walk::Stop
                        }
                    });
                    only_literals
                }
            });
            any_raise |= literal_arithmetic;
            literal_arithmetic
        }
        _ => false,
    });
    all && any_raise
}

/// Calls that run code the program does not control: a handler around them
/// catches everything on purpose (a debugger survives the user's
/// `sys.exit()`).
const RUNS_CODE: &[&str] = &[
    "eval",
    "exec",
    "execfile",
    "run_module",
    "run_path",
    "runcall",
    "runcode",
    "runctx",
    "runeval",
    "runsource",
];

/// The handler takes hold of whatever it caught (`sys.exc_info()`,
/// `sys.exception()`) to chain it or raise it later, or ends the process
/// at once (`os._exit()`): it catches everything on purpose.
fn captures_exception(semantic: &Semantic<'_>, handler: Node<'_>) -> bool {
    let mut found = false;
    visit(handler, |node| match node.py_kind() {
        Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
        Kind::Call => {
            let name = node
                .child_by_field_name("function")
                .and_then(|function| semantic.qualified_name(function));
            // `os._exit(127)` in a forked child: nothing may escape the handler,
            // or the child runs on in the parent's code.
            let exits_process = node
                .child_by_field_name("function")
                .is_some_and(|function| semantic.module().text(function).ends_with("_exit"));
            if exits_process
                || name.is_some_and(|name| name == "sys.exc_info" || name == "sys.exception")
            {
                found = true;
                return Walk::Stop;
            }
            Walk::Descend
        }
        _ => Walk::Descend,
    });
    found
}

/// The `try` runs code it does not control (`exec(source)`, `runpy.run_path`).
fn runs_foreign_code(module: &Module<'_>, try_body: Node<'_>) -> bool {
    let mut found = false;
    visit(try_body, |node| match node.py_kind() {
        Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
        Kind::Call => {
            let name = node.child_by_field_name("function").and_then(|function| {
                match function.py_kind() {
                    Kind::Identifier => Some(module.text(function)),
                    Kind::Attribute => {
                        function.child_by_field_name("attribute").map(|a| module.text(a))
                    }
                    _ => None,
                }
            });
            if name.is_some_and(|name| RUNS_CODE.contains(&name)) {
                found = true;
                return Walk::Stop;
            }
            Walk::Descend
        }
        _ => Walk::Descend,
    });
    found
}

/// Every statement of the `try` is an import or assigns a literal
/// (`HAS_YAML = True`), and one is an import.
fn only_imports(try_body: Node<'_>) -> bool {
    let mut any_import = false;
    let all = statements(try_body).all(|statement| match statement.py_kind() {
        Kind::ImportStatement | Kind::ImportFromStatement => {
            any_import = true;
            true
        }
        Kind::ExpressionStatement => assigns_literal(statement),
        _ => false,
    });
    all && any_import
}

/// The handler body only swallows, imports an alternative, or assigns
/// literals (`yaml = None`).
fn handler_only_binds(handler_body: Node<'_>) -> bool {
    only_swallows(handler_body)
        || statements(handler_body).all(|statement| match statement.py_kind() {
            Kind::ImportStatement | Kind::ImportFromStatement | Kind::PassStatement => true,
            Kind::ExpressionStatement => assigns_literal(statement),
            _ => false,
        })
}

fn assigns_literal(statement: Node<'_>) -> bool {
    let Some(assignment) = statement.named_child(0).filter(|node| node.is(Kind::Assignment)) else {
        return false;
    };
    let Some(value) = assignment.child_by_field_name("right") else {
        return false;
    };
    match value.py_kind() {
        Kind::NoneLiteral | Kind::Integer | Kind::Float | Kind::True | Kind::False => true,
        // A plain string, not an f-string with calls in it.
        Kind::String => value.named_child_count() <= 3,
        _ => false,
    }
}

/// What the comments of a handler say.
enum CommentSays {
    CatchEverything,
    Reason,
    /// A `TODO`, `FIXME` or `XXX` in the handler.
    KnownProblem,
}

/// Phrases that say a handler must catch everything.
const CATCH_EVERYTHING: &[&str] = &[
    "all errors",
    "all exceptions",
    "any error",
    "any exception",
    "any kind of",
    "anything",
    "catch all",
    "catch everything",
    "catch-all",
    "catchall",
    "catches all",
    "catches everything",
    "every error",
    "every exception",
    "everything",
    "must not fail",
    "must not raise",
    "must never",
    "never fail",
    "never raise",
    "whatever",
];

/// Linter directives that accept a broad or bare `except` on purpose.
const BROAD_EXCEPT_DIRECTIVES: &[&str] = &[
    "broad-except",
    "broad-exception-caught",
    "bare-except",
    "w0702",
    "w0703",
    "w0718",
    "ble001",
    "s110",
    "s112",
    "e722",
    "nosec",
];

/// Words with which a comment in the `try` body says failing is fine.
const FAILURE_WORDS: &[&str] =
    &["best", "can't", "cannot", "error", "fail", "ignore", "may not", "might not", "optional"];

/// Comments that are directives to tools, not reasons.
const DIRECTIVES: &[&str] = &["pragma", "noqa", "type:", "pylint:", "fmt:", "isort:", "pyright:"];

/// The comments on the `except` line, in the handler's body, and after its
/// last statement on the same line: `CatchEverything` when one says so,
/// `Reason` when one explains (not a `TODO`, `FIXME` or `XXX`, which mark
/// the silence as a known problem, nor a tool's directive).
fn comment_says(semantic: &Semantic<'_>, clause: Node<'_>) -> Option<CommentSays> {
    let module = semantic.module();
    let handler_body = body(clause)?;
    let end = module.next_line_start(handler_body.end_byte());
    let above = clause
        .parent()
        .filter(|parent| parent.is(Kind::TryStatement))
        .map(|try_statement| comment_lines_above(module, try_statement.start_byte()));
    // The `try` body, with the comments before its first statement (which
    // tree-sitter may hang outside the block): up to the first handler.
    let try_body =
        clause.parent().filter(|parent| parent.is(Kind::TryStatement)).and_then(|try_statement| {
            let mut cursor = try_statement.walk();
            let first_handler =
                try_statement.children(&mut cursor).find(|child| child.is(Kind::ExceptClause))?;
            Some(try_statement.start_byte()..first_handler.start_byte())
        });
    let in_try_body = |at: usize| try_body.clone().is_some_and(|range| range.contains(&at));
    // Only the comments from the first line above the `try` to the end
    // of the handler can count: found by bisection in the module's
    // comments, so that a file of thousands of handlers stays linear.
    let first =
        [above.as_ref().map(|range| range.start), try_body.as_ref().map(|range| range.start)]
            .into_iter()
            .flatten()
            .fold(clause.start_byte(), usize::min);
    let comments = semantic.memo("except_handler::comments", || {
        module
            .nodes_of_kind(&[Kind::Comment])
            .map(|comment| comment.byte_range())
            .collect::<Vec<_>>()
    });
    let from = comments.partition_point(|comment| comment.start < first);
    let mut says = None;
    for comment in comments[from..].iter().take_while(|comment| comment.start < end) {
        let in_handler = comment.start >= clause.start_byte() && comment.start < end;
        let above_try = above.clone().is_some_and(|range| range.contains(&comment.start));
        if !in_handler && !above_try && !in_try_body(comment.start) {
            continue;
        }
        let text = module.source[comment.clone()].trim_start_matches('#').trim().to_lowercase();
        if BROAD_EXCEPT_DIRECTIVES.iter().any(|directive| text.contains(directive)) {
            // The author silenced a linter's broad-except check: on purpose.
            says = Some(CommentSays::Reason);
            continue;
        }
        if ["todo", "fixme", "xxx"].iter().any(|mark| text.contains(mark)) {
            if in_handler {
                return Some(CommentSays::KnownProblem);
            }
            continue;
        }
        if text.is_empty() || DIRECTIVES.iter().any(|directive| text.starts_with(directive)) {
            continue;
        }
        if in_try_body(comment.start) && !FAILURE_WORDS.iter().any(|word| text.contains(word)) {
            // A comment in the `try` says what it does, not why failing is fine.
            continue;
        }
        if CATCH_EVERYTHING.iter().any(|phrase| text.contains(phrase)) {
            return Some(CommentSays::CatchEverything);
        }
        says = Some(CommentSays::Reason);
    }
    says
}

/// The comment lines right above the line holding `offset` (no blank
/// line between): they describe the statement there.
fn comment_lines_above(module: &Module<'_>, offset: usize) -> std::ops::Range<usize> {
    let end = module.line_start(offset);
    let mut start = end;
    while start > 0 {
        let above = module.line_start(start - 1);
        if !module.source[above..start].trim_start().starts_with('#') {
            break;
        }
        start = above;
    }
    start..end
}

/// Method and function names whose code cleans up.
const CLEANUP_FUNCTIONS: &[&str] = &[
    "__del__",
    "__exit__",
    "__aexit__",
    "cleanup",
    "close",
    "dispose",
    "release",
    "shutdown",
    "stop",
    "teardown",
    "tearDown",
    "terminate",
];

/// First words of calls that release or remove something.
const CLEANUP_VERBS: &[&str] = &[
    "cancel",
    "clean",
    "cleanup",
    "clear",
    "close",
    "delete",
    "destroy",
    "detach",
    "disconnect",
    "dispose",
    "drain",
    "drop",
    "finalize",
    "flush",
    "free",
    "join",
    "kill",
    "quit",
    "release",
    "remove",
    "reset",
    "restore",
    "rmdir",
    "rmtree",
    "shutdown",
    "stop",
    "teardown",
    "terminate",
    "unbind",
    "uninstall",
    "unlink",
    "unlock",
    "unregister",
    "wait",
];

/// Calls that make sure something exists, and fail when it already does
/// (`os.makedirs(path)`): best effort, like cleanup.
const ENSURE_VERBS: &[&str] = &["makedirs", "mkdir", "symlink"];

/// The `try` only releases or removes things (`conn.close()`, `del
/// os.environ[key]`, `os.unlink(path)`), or runs in a `finally` clause or
/// directly in a method that cleans up (`close`, `__exit__`, ...).
fn is_cleanup(semantic: &Semantic<'_>, try_statement: Node<'_>, try_body: Node<'_>) -> bool {
    let module = semantic.module();
    let mut current = module.parent(try_statement);
    while let Some(ancestor) = current {
        match ancestor.py_kind() {
            Kind::FinallyClause => return true,
            // A failure while handling another one: reporting it would hide the first.
            Kind::ExceptClause => return true,
            Kind::FunctionDefinition => {
                let name = ancestor.child_by_field_name("name").map(|name| module.text(name));
                // `close()`, `_drop_tables()`, and error paths: `handle_dbapi_exception()`.
                let cleans_up = name.is_some_and(|name| {
                    CLEANUP_FUNCTIONS.contains(&name)
                        || identifier_words(name).iter().any(|word| {
                            CLEANUP_VERBS.contains(&word.as_str())
                                || matches!(word.as_str(), "error" | "exception" | "failure")
                        })
                });
                if cleans_up {
                    return true;
                }
                break;
            }
            Kind::ClassDefinition | Kind::Lambda => break,
            _ => {}
        }
        current = module.parent(ancestor);
    }
    let mut any = false;
    let all = statements(try_body).all(|statement| {
        any = true;
        match statement.py_kind() {
            Kind::DeleteStatement => true,
            Kind::ExpressionStatement => {
                statement.named_child(0).filter(|value| value.is(Kind::Call)).is_some_and(|call| {
                    call.child_by_field_name("function")
                        .and_then(|function| dotted_name(module, function))
                        .is_some_and(|name| {
                            let last = name.rsplit('.').next().unwrap_or(&name);
                            let words = identifier_words(last);
                            words.first().is_some_and(|verb| ENSURE_VERBS.contains(&verb.as_str()))
                                || words.iter().any(|word| CLEANUP_VERBS.contains(&word.as_str()))
                        })
                })
            }
            _ => false,
        }
    });
    any && all
}

/// The failure is an expected branch (see `Purpose::Fallback`).
fn is_fallback(
    semantic: &Semantic<'_>,
    try_statement: Node<'_>,
    try_body: Node<'_>,
    clause: Node<'_>,
) -> bool {
    let module = semantic.module();
    let mut cursor = try_statement.walk();
    if try_statement.children(&mut cursor).any(|child| child.is(Kind::ElseClause)) {
        return true;
    }
    // `X = import_module(...)`: an optional dependency found by a function,
    // which may fail in its own ways (`None.attr`).
    let imports_by_call = statements(try_body).all(|statement| {
        let mut found = false;
        visit(statement, |node| {
            if node.is(Kind::Call)
                && let Some(name) =
                    node.child_by_field_name("function").and_then(|f| dotted_name(module, f))
                && (name.ends_with("import_module") || name == "__import__")
            {
                found = true;
                return Walk::Stop;
            }
            Walk::Descend
        });
        found
    });
    if imports_by_call {
        return true;
    }
    // An import with its set-up (`import gmpy` / `if gmpy.version() > ...`):
    // detecting an optional backend.
    let mut imports = false;
    visit(try_body, |node| match node.py_kind() {
        Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
        Kind::ImportStatement | Kind::ImportFromStatement => {
            imports = true;
            Walk::Stop
        }
        _ => Walk::Descend,
    });
    let imports_with_setup = imports
        && statements(try_body).all(|statement| {
            matches!(
                statement.py_kind(),
                Kind::ImportStatement
                    | Kind::ImportFromStatement
                    | Kind::IfStatement
                    | Kind::TryStatement
                    | Kind::ExpressionStatement
                    | Kind::PassStatement
            )
        });
    if imports_with_setup {
        return true;
    }
    // Only lookups and conversions: `d[key]`, `obj.attr`, `getattr(...)`,
    // `del d[key]`, `int(text)`, `next(lines)`: the expected error is the branch.
    let mut calls = false;
    visit(try_body, |node| match node.py_kind() {
        Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
        Kind::Call => {
            let function = node.child_by_field_name("function");
            let last_name = function.and_then(|function| match function.py_kind() {
                Kind::Attribute => function.child_by_field_name("attribute"),
                Kind::Identifier => Some(function),
                _ => None,
            });
            let plain = last_name.is_some_and(|name| {
                let name = module.text(name).trim_start_matches('_');
                LOOKUPS.contains(&name) || rarely_fails(name)
            });
            if plain {
                Walk::Descend
            } else {
                calls = true;
                Walk::Stop
            }
        }
        Kind::ImportStatement | Kind::ImportFromStatement | Kind::RaiseStatement => {
            calls = true;
            Walk::Stop
        }
        _ => Walk::Descend,
    });
    if !calls {
        return true;
    }
    // Trying candidates in a loop until one works (`try: use(c); break`), or
    // trying this first (`try: ... return found` / `except: pass`, the code
    // after is the alternative).
    let mut leaves_on_success = false;
    visit(try_body, |node| match node.py_kind() {
        Kind::FunctionDefinition
        | Kind::ClassDefinition
        | Kind::Lambda
        | Kind::ForStatement
        | Kind::WhileStatement => Walk::Skip,
        Kind::BreakStatement => {
            leaves_on_success = true;
            Walk::Stop
        }
        Kind::ReturnStatement => {
            if node.named_child(0).is_some_and(|value| !value.is(Kind::NoneLiteral)) {
                leaves_on_success = true;
                return Walk::Stop;
            }
            Walk::Skip
        }
        _ => Walk::Descend,
    });
    if leaves_on_success && body(clause).is_some_and(only_swallows) {
        return true;
    }
    // `except: return None` in a function that returns values otherwise:
    // `None` is its answer for "no result".
    if returns_none_as_answer(module, clause) {
        return true;
    }
    // `try: return attempt()` / `except: pass`: the code after is the alternative;
    // `except: return None` returns the default.
    let last = statements(try_body).last();
    let returns_attempt = last.is_some_and(|last| {
        last.is(Kind::ReturnStatement)
            && last.named_child(0).is_some_and(|value| !value.is(Kind::NoneLiteral))
    });
    if returns_attempt {
        return true;
    }
    // `x = convert(x)`: on failure the name keeps the value it had.
    if keeps_previous_value(semantic, try_statement, try_body) {
        return true;
    }
    // The statement after the `try` tests what it assigned, or tries again.
    let assigned = assigned_names(module, try_body);
    // The statement after the `try`; after the `if` around it when it ends one.
    let mut last = try_statement;
    let next = loop {
        match next_statement(last) {
            Some(next) => break next,
            None => {
                let block = module.parent(last).filter(|block| block.is(Kind::Block));
                let owner = block.and_then(|block| module.parent(block));
                let owner = owner.map(|owner| match owner.py_kind() {
                    Kind::ElseClause | Kind::ElifClause => module.parent(owner).unwrap_or(owner),
                    _ => owner,
                });
                match owner {
                    Some(owner) if owner.is(Kind::IfStatement) => last = owner,
                    _ => return false,
                }
            }
        }
    };
    match next.py_kind() {
        // Another attempt at the same thing: `try: x = a()` / `try: x = b()`.
        Kind::TryStatement => next.child_by_field_name("body").is_some_and(|next_body| {
            assigned_names(module, next_body).iter().any(|name| assigned.contains(name))
        }),
        Kind::IfStatement => next.child_by_field_name("condition").is_some_and(|condition| {
            let mut reads = false;
            visit(condition, |node| {
                if node.is(Kind::Identifier) && assigned.contains(&module.text(node)) {
                    reads = true;
                    return Walk::Stop;
                }
                Walk::Descend
            });
            reads
        }),
        _ => {
            let _ = clause;
            false
        }
    }
}

/// Calls that look up or convert: their failure is the answer "not there"
/// or "not that kind of value".
const LOOKUPS: &[&str] = &[
    "Decimal",
    "Fraction",
    "abs",
    "b64decode",
    "bytes",
    "chr",
    "complex",
    "count",
    "decode",
    "encode",
    "exists",
    "fileno",
    "float",
    "fromisoformat",
    "get",
    "getattr",
    "getattribute",
    "getmtime",
    "getsize",
    "hasattr",
    "hash",
    "index",
    "int",
    "isatty",
    "iter",
    "literal_eval",
    "loads",
    "lstat",
    "max",
    "min",
    "next",
    "ord",
    "pop",
    "round",
    "sort",
    "sorted",
    "stat",
    "strptime",
    "sum",
    "unhexlify",
    "update",
];

/// The `try` is one assignment to names bound before it in the same
/// scope: when it fails, they keep their earlier value (a default).
fn keeps_previous_value(
    semantic: &Semantic<'_>,
    try_statement: Node<'_>,
    try_body: Node<'_>,
) -> bool {
    let module = semantic.module();
    // Only assignments and `if`s of them: the `try` computes values. Filling
    // a container (`cache[key] = fetch(key)`) is not keeping a default: the
    // entry goes missing without a trace.
    let mut pending: Vec<Node<'_>> = statements(try_body).collect();
    let mut targets = Vec::new();
    let mut keeps = false;
    while let Some(statement) = pending.pop() {
        match statement.py_kind() {
            Kind::ExpressionStatement => {
                let Some(value) = statement.named_child(0) else {
                    return false;
                };
                match value.py_kind() {
                    Kind::Assignment | Kind::AugmentedAssignment => {
                        let Some(left) = value.child_by_field_name("left") else {
                            return false;
                        };
                        // `x[k] = simplify(x[k])`: the target keeps its value on failure.
                        let target = module.text(left);
                        let mut rewrites_itself = false;
                        if let Some(right) = value.child_by_field_name("right") {
                            visit(right, |node| {
                                if node.kind_id() == left.kind_id() && module.text(node) == target {
                                    rewrites_itself = true;
                                    return Walk::Stop;
                                }
                                Walk::Descend
                            });
                        }
                        if rewrites_itself
                            || (left.is(Kind::Subscript)
                                && assigned_before(module, try_statement, left))
                        {
                            keeps = true;
                        } else {
                            targets.extend(assigned_bases(left));
                        }
                    }
                    _ => return false,
                }
            }
            Kind::IfStatement => {
                let mut cursor = statement.walk();
                for child in statement.named_children(&mut cursor) {
                    match child.py_kind() {
                        Kind::Block => pending.extend(statements(child)),
                        Kind::ElifClause => {
                            pending.extend(
                                child
                                    .child_by_field_name("consequence")
                                    .map_or_else(Vec::new, |block| statements(block).collect()),
                            );
                        }
                        Kind::ElseClause => {
                            pending.extend(
                                child
                                    .child_by_field_name("body")
                                    .map_or_else(Vec::new, |block| statements(block).collect()),
                            );
                        }
                        _ => {}
                    }
                }
            }
            _ => return false,
        }
    }
    keeps
        || targets.iter().any(|target| {
            let Some(binding) = semantic.binding_at(*target).or_else(|| {
                let reference = semantic.reference_at(*target)?;
                semantic.resolved_binding(reference)
            }) else {
                return false;
            };
            let binding = semantic.binding(binding);
            let scope = binding.scope;
            semantic.bindings_of(binding.symbol).iter().any(|other| {
                let other = semantic.binding(*other);
                !other.kind.is_declaration()
                    && other.name.start_byte() < try_statement.start_byte()
                    && other.scope == scope
            })
        })
}

/// `target` (`output['mimetype']`) is assigned, as written, before
/// `try_statement` in the same function: it holds a default.
fn assigned_before(module: &Module<'_>, try_statement: Node<'_>, target: Node<'_>) -> bool {
    let text = module.text(target);
    let mut scope = try_statement;
    while let Some(parent) = module.parent(scope) {
        scope = parent;
        if scope.is(Kind::FunctionDefinition) {
            break;
        }
    }
    let mut found = false;
    visit(scope, |node| {
        if node.start_byte() >= try_statement.start_byte() {
            return Walk::Stop;
        }
        match node.py_kind() {
            Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda
                if node.id() != scope.id() =>
            {
                Walk::Skip
            }
            Kind::Assignment => {
                if node.child_by_field_name("left").is_some_and(|left| module.text(left) == text) {
                    found = true;
                    return Walk::Stop;
                }
                // `a[k] = b[k] = x`: the right side is an assignment too.
                Walk::Descend
            }
            _ => Walk::Descend,
        }
    });
    found
}

/// The names an assignment target binds: `a` and `b` in `a, b = ...`
/// (not `out` in `out[k] = ...`, nor attributes).
fn assigned_bases(target: Node<'_>) -> Vec<Node<'_>> {
    let mut names = Vec::new();
    visit(target, |node| match node.py_kind() {
        Kind::Identifier => {
            names.push(node);
            Walk::Skip
        }
        Kind::Subscript | Kind::Attribute => Walk::Skip,
        _ => Walk::Descend,
    });
    names
}

/// The handler is `return` or `return None`, in a function that returns a
/// value elsewhere.
fn returns_none_as_answer(module: &Module<'_>, clause: Node<'_>) -> bool {
    let Some(handler_body) = body(clause) else {
        return false;
    };
    let returns_none = statements(handler_body).last().is_some_and(|last| {
        last.is(Kind::ReturnStatement)
            && last.named_child(0).is_none_or(|value| value.is(Kind::NoneLiteral))
    });
    if !returns_none {
        return false;
    }
    let mut current = module.parent(clause);
    while let Some(ancestor) = current {
        match ancestor.py_kind() {
            Kind::FunctionDefinition => {
                let Some(function_body) = ancestor.child_by_field_name("body") else {
                    return false;
                };
                let mut returns_value = false;
                visit(function_body, |node| match node.py_kind() {
                    Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
                    // A generator's `return` says "no more values".
                    Kind::Yield => {
                        returns_value = true;
                        Walk::Stop
                    }
                    Kind::ReturnStatement => {
                        if node.named_child(0).is_some_and(|value| !value.is(Kind::NoneLiteral)) {
                            returns_value = true;
                            return Walk::Stop;
                        }
                        Walk::Skip
                    }
                    _ => Walk::Descend,
                });
                return returns_value;
            }
            Kind::ClassDefinition | Kind::Lambda => return false,
            _ => current = module.parent(ancestor),
        }
    }
    false
}

/// The next statement in the same block (comments skipped).
fn next_statement(statement: Node<'_>) -> Option<Node<'_>> {
    let mut next = statement.next_named_sibling();
    while let Some(node) = next {
        if !node.is(Kind::Comment) {
            return Some(node);
        }
        next = node.next_named_sibling();
    }
    None
}

/// Names the `try` body assigns (plain names, and `self.x` as `x`).
fn assigned_names<'s>(module: &Module<'s>, try_body: Node<'_>) -> Vec<&'s str> {
    let mut names = Vec::new();
    visit(try_body, |node| match node.py_kind() {
        Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
        Kind::Assignment | Kind::AugmentedAssignment => {
            if let Some(left) = node.child_by_field_name("left") {
                visit(left, |target| match target.py_kind() {
                    Kind::Identifier => {
                        names.push(module.text(target));
                        Walk::Skip
                    }
                    Kind::Subscript => Walk::Skip,
                    _ => Walk::Descend,
                });
            }
            Walk::Descend
        }
        _ => Walk::Descend,
    });
    names
}

/// True when `clause` follows a clause of the same `try` that catches the
/// builtin `Exception` (or `BaseException`): what is left for it is
/// `KeyboardInterrupt`, `SystemExit` and `GeneratorExit`.
pub fn follows_catch_all(semantic: &Semantic<'_>, clause: Node<'_>) -> bool {
    let mut sibling = clause.prev_named_sibling();
    while let Some(previous) = sibling {
        if previous.is(Kind::ExceptClause)
            && caught_types(previous).into_iter().any(|caught| {
                semantic.qualified_name(caught).is_some_and(|name| {
                    name == "builtins.Exception" || name == "builtins.BaseException"
                })
            })
        {
            return true;
        }
        sibling = previous.prev_named_sibling();
    }
    false
}

// ----- where a log call does not belong -----

/// A test module by its file name: `test_*.py`, `*_test.py`, `*_tests.py`,
/// `test.py`, `tests.py`, `conftest.py`.
pub fn is_test_module(module: &Module<'_>) -> bool {
    let file = module.file_name.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = file.strip_suffix(".py").unwrap_or(file);
    stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_tests")
        || matches!(stem, "test" | "tests" | "conftest")
}

/// Test code: a test module (`test_*.py`, `*_test.py`, `tests.py`,
/// `conftest.py`), a test function or fixture method (`test*`, `setUp`,
/// `tearDown`), or a method of a test class (`Test*`, `*TestCase`, `*Test`).
pub fn is_test_code(module: &Module<'_>, node: Node<'_>) -> bool {
    if is_test_module(module) {
        return true;
    }
    let mut current = module.parent(node);
    while let Some(ancestor) = current {
        let name = ancestor.child_by_field_name("name").map(|name| module.text(name));
        match ancestor.py_kind() {
            Kind::FunctionDefinition
                if name.is_some_and(|name| {
                    name.starts_with("test")
                        || name.starts_with("setUp")
                        || name.starts_with("tearDown")
                }) =>
            {
                return true;
            }
            Kind::ClassDefinition => {
                let test_class = name.is_some_and(|name| {
                    name.starts_with("Test") || name.ends_with("TestCase") || name.ends_with("Test")
                });
                let test_base = ancestor.child_by_field_name("superclasses").is_some_and(|bases| {
                    let text = module.text(bases);
                    text.contains("TestCase") || text.contains("unittest")
                });
                if test_class || test_base {
                    return true;
                }
            }
            _ => {}
        }
        current = module.parent(ancestor);
    }
    false
}

/// Modules of debuggers, shells and consoles: their errors are for the
/// person at the keyboard, not for the program's log.
const INTERACTIVE_MODULES: &[&str] =
    &["IPython", "bdb", "cmd", "code", "codeop", "idlelib", "pdb", "readline", "rlcompleter"];

/// The module is a debugger, shell or console (it imports one of
/// `INTERACTIVE_MODULES`), or it installs a profiler or tracer
/// (`sys.setprofile`, `sys.settrace`): a log call there would show up in
/// the events it records.
pub fn is_interactive_or_traced(semantic: &Semantic<'_>) -> bool {
    // Asked for each handler: the module's text is searched once.
    *semantic.memo("except_handler::interactive_or_traced", || {
        let source = semantic.module().source;
        if source.contains("setprofile") || source.contains("settrace") {
            return true;
        }
        semantic.imports().iter().any(|import| {
            let root = import.qualified.split('.').next().unwrap_or("");
            INTERACTIVE_MODULES.contains(&root)
        })
    })
}

/// True where a fix should not add a log call to a handler: test code,
/// debuggers, shells and traced code (see above).
pub fn log_call_unwelcome(semantic: &Semantic<'_>, clause: Node<'_>) -> bool {
    is_test_code(semantic.module(), clause)
        || is_interactive_or_traced(semantic)
        || in_console_output_function(semantic.module(), clause)
}

/// The module has a logger or imports `logging` at module level: a log
/// call added to it is at home.
pub fn module_logs(semantic: &Semantic<'_>) -> bool {
    semantic.loggers().module_level().next().is_some()
        || semantic.imports().iter().any(|import| {
            import.qualified.split('.').next() == Some("logging")
                && semantic.binding(import.binding).scope == semantic.module_scope()
        })
}

/// Inside a function that prints or formats for a person (`print_log`,
/// `show_help`, `display`, `dump_state`, `format_variables`, `__repr__`):
/// a failure there is a failure to show something.
pub fn in_console_output_function(module: &Module<'_>, node: Node<'_>) -> bool {
    let mut current = module.parent(node);
    while let Some(ancestor) = current {
        if ancestor.is(Kind::FunctionDefinition) {
            let name = ancestor.child_by_field_name("name").map_or("", |name| module.text(name));
            let words = identifier_words(name);
            return matches!(name, "__repr__" | "__str__" | "__format__")
                || words.iter().any(|word| matches!(word.as_str(), "print" | "show" | "display"))
                || words.first().is_some_and(|verb| matches!(verb.as_str(), "dump" | "format"));
        }
        current = module.parent(ancestor);
    }
    false
}

// ----- the message a fix logs -----

/// A short message for a log call in `clause`, phrased as a person would:
/// what the `try` did that failed (`"Failed to load config"` for
/// `load_config()`, `"Failed to close conn"` for `conn.close()`, `"Failed
/// to parse JSON"` for `json.loads(...)`, `"Failed to import yaml"`), else
/// what the function does (`"Failed to refresh cache"` in
/// `refresh_cache()`), else where (`"Error in Loader.load()"`). Never holds
/// a quote, a backslash, a brace or a `%`: it is written into a plain
/// string literal.
pub fn failure_message(semantic: &Semantic<'_>, clause: Node<'_>) -> String {
    let module = semantic.module();
    let operations = clause
        .parent()
        .filter(|parent| parent.is(Kind::TryStatement))
        .and_then(|try_statement| try_statement.child_by_field_name("body"))
        .map(|body| failed_operations(module, body))
        .unwrap_or_default();
    let place = place_of(module, clause);
    let message = match operations.as_slice() {
        [one] => describe(semantic, one),
        _ => None,
    };
    let message = message.unwrap_or_else(|| match &place {
        Place::Function(name) => {
            let function = name.rsplit('.').next().unwrap_or(name);
            let words = identifier_words(function);
            match words.split_first() {
                Some((verb, rest)) if is_verb(verb) && !rest.is_empty() => {
                    format!("Failed to {}", phrase(&words))
                }
                _ => format!("Error in {name}()"),
            }
        }
        Place::Class(name) => format!("Error in the body of class {name}"),
        Place::Module => "Error in module-level code".to_string(),
    });
    message.chars().filter(|c| !matches!(c, '"' | '\'' | '\\' | '{' | '}' | '%')).collect()
}

/// What the `try` did that can fail.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Operation {
    /// A call of a dotted name: `conn.close`, `json.loads`, `load_config`.
    Call(String),
    /// `yaml`, or `c from a.b`.
    Import(String),
    Class(String),
}

/// Calls of well-known functions, in words.
const KNOWN_CALLS: &[(&str, &str)] = &[
    ("__import__", "Failed to import module"),
    ("import_module", "Failed to import module"),
    ("importlib.import_module", "Failed to import module"),
    ("json.dump", "Failed to write JSON"),
    ("json.dumps", "Failed to serialize JSON"),
    ("json.load", "Failed to parse JSON"),
    ("json.loads", "Failed to parse JSON"),
    ("open", "Failed to open file"),
    ("os.chmod", "Failed to change file mode"),
    ("os.kill", "Failed to send signal"),
    ("os.makedirs", "Failed to create directory"),
    ("os.mkdir", "Failed to create directory"),
    ("os.remove", "Failed to remove file"),
    ("os.rename", "Failed to rename file"),
    ("os.replace", "Failed to replace file"),
    ("os.rmdir", "Failed to remove directory"),
    ("os.unlink", "Failed to remove file"),
    ("pickle.dump", "Failed to pickle data"),
    ("pickle.dumps", "Failed to pickle data"),
    ("pickle.load", "Failed to unpickle data"),
    ("pickle.loads", "Failed to unpickle data"),
    ("shutil.copy", "Failed to copy file"),
    ("shutil.copy2", "Failed to copy file"),
    ("shutil.copyfile", "Failed to copy file"),
    ("shutil.move", "Failed to move file"),
    ("shutil.rmtree", "Failed to remove directory"),
    ("socket.socket", "Failed to create socket"),
    ("subprocess.Popen", "Failed to run command"),
    ("subprocess.call", "Failed to run command"),
    ("subprocess.check_call", "Failed to run command"),
    ("subprocess.check_output", "Failed to run command"),
    ("subprocess.run", "Failed to run command"),
    ("urlopen", "Failed to open URL"),
    ("urllib.request.urlopen", "Failed to open URL"),
    ("yaml.load", "Failed to parse YAML"),
    ("yaml.safe_load", "Failed to parse YAML"),
];

/// Verbs a function name can start with, for a message `Failed to <verb> ...`.
const VERBS: &[&str] = &[
    "accept",
    "acquire",
    "activate",
    "add",
    "allocate",
    "apply",
    "attach",
    "authenticate",
    "bind",
    "build",
    "calculate",
    "call",
    "cancel",
    "check",
    "clean",
    "cleanup",
    "clear",
    "close",
    "collect",
    "commit",
    "compile",
    "compress",
    "compute",
    "configure",
    "connect",
    "convert",
    "copy",
    "create",
    "deactivate",
    "decode",
    "decompress",
    "decrypt",
    "delete",
    "deserialize",
    "destroy",
    "detach",
    "detect",
    "disable",
    "disconnect",
    "dispatch",
    "dispose",
    "download",
    "drain",
    "dump",
    "emit",
    "enable",
    "encode",
    "encrypt",
    "evaluate",
    "execute",
    "export",
    "extract",
    "fetch",
    "find",
    "finish",
    "flush",
    "format",
    "free",
    "generate",
    "get",
    "handle",
    "hash",
    "import",
    "init",
    "initialize",
    "insert",
    "install",
    "invoke",
    "join",
    "kill",
    "launch",
    "list",
    "listen",
    "load",
    "lock",
    "login",
    "logout",
    "make",
    "merge",
    "migrate",
    "mount",
    "move",
    "normalize",
    "notify",
    "open",
    "pack",
    "parse",
    "ping",
    "poll",
    "prepare",
    "process",
    "publish",
    "pull",
    "push",
    "put",
    "query",
    "quit",
    "read",
    "receive",
    "record",
    "recv",
    "refresh",
    "register",
    "release",
    "reload",
    "remove",
    "rename",
    "render",
    "reset",
    "resolve",
    "restart",
    "restore",
    "resume",
    "retrieve",
    "rollback",
    "run",
    "save",
    "scan",
    "schedule",
    "send",
    "serialize",
    "set",
    "setup",
    "show",
    "shutdown",
    "sign",
    "spawn",
    "start",
    "stop",
    "store",
    "submit",
    "subscribe",
    "sync",
    "terminate",
    "transform",
    "translate",
    "trigger",
    "unbind",
    "uninstall",
    "unlink",
    "unload",
    "unlock",
    "unmount",
    "unpack",
    "unregister",
    "unsubscribe",
    "update",
    "upload",
    "validate",
    "verify",
    "wait",
    "write",
];

fn is_verb(word: &str) -> bool {
    VERBS.binary_search(&word).is_ok()
}

/// The words of an identifier as a verb phrase: `set up` for `setup`.
fn phrase(words: &[String]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for (index, word) in words.iter().enumerate() {
        let spelled = match word.as_str() {
            "setup" if index == 0 => "set up",
            "cleanup" if index == 0 => "clean up",
            "shutdown" if index == 0 => "shut down",
            "login" if index == 0 => "log in",
            "logout" if index == 0 => "log out",
            "init" if index == 0 => "initialize",
            "recv" if index == 0 => "receive",
            other => other,
        };
        out.push(spelled);
    }
    out.join(" ")
}

/// `["load", "config"]` for `load_config`, `_loadConfig` or `LoadConfig`.
fn identifier_words(identifier: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in identifier.split('_').filter(|part| !part.is_empty()) {
        let mut word = String::new();
        let mut previous_lower = false;
        for c in part.chars() {
            if c.is_uppercase() && previous_lower && !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = c.is_lowercase() || c.is_ascii_digit();
            word.extend(c.to_lowercase());
        }
        if !word.is_empty() {
            words.push(word);
        }
    }
    words
}

/// `Failed to ...` for one operation; `None` when no words say it well.
fn describe(semantic: &Semantic<'_>, operation: &Operation) -> Option<String> {
    match operation {
        Operation::Import(what) => Some(format!("Failed to import {what}")),
        Operation::Class(name) => Some(format!("Failed to define class {name}")),
        Operation::Call(dotted) => {
            if let Some((_, known)) = KNOWN_CALLS.iter().find(|(name, _)| name == dotted) {
                return Some((*known).to_string());
            }
            let mut parts: Vec<&str> = dotted.split('.').collect();
            let last = parts.pop()?;
            let words = identifier_words(last);
            let (verb, _) = words.split_first()?;
            if !is_verb(verb) {
                return Some(format!("{dotted}() failed"));
            }
            // `self.sock.close()`: the object is `sock`; a module is no object.
            let receiver_is_module = parts.first().is_some_and(|root| {
                matches!(
                    semantic.top_level_binding(root),
                    Some(crate::semantic::Binding::Import { .. })
                )
            });
            if matches!(parts.first(), Some(&"self" | &"cls")) {
                parts.remove(0);
            }
            if receiver_is_module {
                return Some(if words.len() > 1 {
                    format!("Failed to {}", phrase(&words))
                } else {
                    format!("{dotted}() failed")
                });
            }
            // The object only after a one-word verb (`close conn`, not `run once task`),
            // and only when it says something (not `p`).
            let object = parts.join(".");
            let object = identifier_words(&object.replace('.', "_")).join(" ");
            Some(if words.len() == 1 && object.len() > 1 {
                format!("Failed to {} {object}", phrase(&words))
            } else {
                format!("Failed to {}", phrase(&words))
            })
        }
    }
}

/// Where a handler runs.
enum Place {
    /// `load` or `Loader.load`.
    Function(String),
    Class(String),
    Module,
}

fn place_of(module: &Module<'_>, node: Node<'_>) -> Place {
    let mut current = module.parent(node);
    while let Some(ancestor) = current {
        let name =
            || ancestor.child_by_field_name("name").map(|name| module.text(name).to_string());
        match ancestor.py_kind() {
            Kind::FunctionDefinition => {
                let Some(function) = name() else { return Place::Module };
                return match class_of_method(module, ancestor) {
                    Some(class) => Place::Function(format!("{class}.{function}")),
                    None => Place::Function(function),
                };
            }
            Kind::ClassDefinition => return name().map_or(Place::Module, Place::Class),
            _ => {}
        }
        current = module.parent(ancestor);
    }
    Place::Module
}

/// The name of the class a function is defined directly in.
fn class_of_method<'s>(module: &Module<'s>, function: Node<'_>) -> Option<&'s str> {
    let mut parent = module.parent(function)?;
    if parent.is(Kind::DecoratedDefinition) {
        parent = module.parent(parent)?;
    }
    let class = module
        .parent(parent)
        .filter(|class| parent.is(Kind::Block) && class.is(Kind::ClassDefinition))?;
    class.child_by_field_name("name").map(|name| module.text(name))
}

/// What the `try` body does that can fail, in order, each once: the
/// outermost call with a plain dotted name in each expression
/// (`json.loads` in `json.loads(f.read())`), imports, and class statements.
/// Calls in a `raise` statement and exception classes are left out.
fn failed_operations(module: &Module<'_>, try_body: Node<'_>) -> Vec<Operation> {
    let mut operations: Vec<Operation> = Vec::new();
    let mut add = |operation: Operation| {
        if !operations.contains(&operation) {
            operations.push(operation);
        }
    };
    visit(try_body, |node| match node.py_kind() {
        // A class body runs now (`class Color(Enum): ...` can fail); a function's runs later.
        Kind::ClassDefinition => {
            if let Some(name) = node.child_by_field_name("name") {
                add(Operation::Class(module.text(name).to_string()));
            }
            Walk::Skip
        }
        Kind::FunctionDefinition | Kind::Lambda | Kind::RaiseStatement => Walk::Skip,
        Kind::Call => match node.child_by_field_name("function").and_then(|function| {
            // `a.b().c()`: the method called last is what the statement does.
            dotted_name(module, function).or_else(|| {
                function
                    .child_by_field_name("attribute")
                    .filter(|_| function.is(Kind::Attribute))
                    .map(|attribute| module.text(attribute).to_string())
            })
        }) {
            Some(name) if is_exception_class(&name) => Walk::Skip,
            Some(name) if !rarely_fails(&name) => {
                add(Operation::Call(name));
                Walk::Skip
            }
            // `loaded.append(json.loads(text))`: the work is in the arguments.
            _ => Walk::Descend,
        },
        Kind::ImportStatement | Kind::ImportFromStatement => {
            add(Operation::Import(import_description(module, node)));
            Walk::Skip
        }
        _ => Walk::Descend,
    });
    operations
}

/// `ValueError`, `errors.ParseError`, `MyException`: raising, not doing.
fn is_exception_class(callee: &str) -> bool {
    let last = callee.rsplit('.').next().unwrap_or(callee);
    ["Error", "Exception", "Exit", "Interrupt", "Warning"].iter().any(|end| last.ends_with(end))
        || matches!(last, "StopIteration" | "StopAsyncIteration" | "GeneratorExit")
}

/// Calls too plain to be what failed: `len`, `str`, `items.append`, ...
fn rarely_fails(callee: &str) -> bool {
    // Not `get`, `add`, `copy`, `insert`, `update`: HTTP clients, sessions and shutil use them too.
    const PLAIN: &[&str] = &[
        "append",
        "bool",
        "dict",
        "endswith",
        "enumerate",
        "extend",
        "format",
        "frozenset",
        "hasattr",
        "id",
        "isinstance",
        "issubclass",
        "items",
        "keys",
        "len",
        "list",
        "lower",
        "lstrip",
        "print",
        "range",
        "repr",
        "rstrip",
        "set",
        "setdefault",
        "split",
        "startswith",
        "str",
        "strip",
        "tuple",
        "type",
        "upper",
        "values",
        "zip",
    ];
    let last = callee.rsplit('.').next().unwrap_or(callee);
    PLAIN.binary_search(&last).is_ok()
}

/// `a.b.c` for a name or an attribute chain of names, shortened to its last
/// two parts when long.
fn dotted_name(module: &Module<'_>, expression: Node<'_>) -> Option<String> {
    let mut node = expression;
    while node.is(Kind::Attribute) {
        node = node.child_by_field_name("object")?;
    }
    if node.py_kind() != Kind::Identifier {
        return None;
    }
    let mut parts = Vec::new();
    let mut current = expression;
    while current.is(Kind::Attribute) {
        parts.push(module.text(current.child_by_field_name("attribute")?));
        current = current.child_by_field_name("object")?;
    }
    parts.push(module.text(current));
    parts.reverse();
    let full = parts.join(".");
    if full.len() > 40 && parts.len() > 2 {
        return Some(parts[parts.len() - 2..].join("."));
    }
    Some(full)
}

/// `yaml` for `import yaml`, `c from a.b` for `from a.b import c`, on one
/// line, without aliases; more than two names are `a.b`.
fn import_description(module: &Module<'_>, statement: Node<'_>) -> String {
    let mut cursor = statement.walk();
    let names: Vec<String> = statement
        .children_by_field_name("name", &mut cursor)
        .filter_map(|name| {
            let name = match name.py_kind() {
                Kind::AliasedImport => name.child_by_field_name("name")?,
                _ => name,
            };
            Some(without_spaces(module.text(name)))
        })
        .collect();
    let source = statement
        .child_by_field_name("module_name")
        .filter(|_| statement.is(Kind::ImportFromStatement))
        .map(|source| without_spaces(module.text(source)));
    match (source, names.as_slice()) {
        (Some(source), [one]) => format!("{one} from {source}"),
        (Some(source), [first, second]) => format!("{first} and {second} from {source}"),
        (Some(source), _) => source,
        (None, [one]) => one.clone(),
        (None, [first, second]) => format!("{first} and {second}"),
        (None, _) => "modules".to_string(),
    }
}

fn without_spaces(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '\\').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_clause<'t>(module: &'t Module<'_>) -> Node<'t> {
        let mut found = None;
        module.visit(module.root(), |node| {
            if node.is(Kind::ExceptClause) {
                found = Some(node);
                return Walk::Stop;
            }
            Walk::Descend
        });
        found.unwrap()
    }

    fn message(source: &str) -> String {
        let module = Module::parse(source, "app.py").unwrap();
        let semantic = Semantic::new(&module);
        failure_message(&semantic, first_clause(&module))
    }

    fn purpose_of(source: &str) -> Purpose {
        let module = Module::parse(source, "app.py").unwrap();
        let semantic = Semantic::new(&module);
        purpose(&semantic, first_clause(&module))
    }

    fn reraises(source: &str) -> bool {
        let module = Module::parse(source, "t.py").unwrap();
        always_reraises(&module, body(first_clause(&module)).unwrap())
    }

    #[test]
    fn messages_say_what_failed_in_words() {
        let swallow =
            |body: &str| format!("def f(s):\n    try:\n{body}\n    except:\n        pass\n");
        assert_eq!(
            message(&swallow("        return json.loads(s.read())")),
            "Failed to parse JSON"
        );
        assert_eq!(message(&swallow("        self.sock.close()")), "Failed to close sock");
        assert_eq!(message(&swallow("        conn.close()")), "Failed to close conn");
        assert_eq!(message(&swallow("        self.load_config()")), "Failed to load config");
        assert_eq!(message(&swallow("        self.quit()")), "Failed to quit");
        assert_eq!(message(&swallow("        signing.loads(s)")), "signing.loads() failed");
        assert_eq!(
            message(
                "import requests\ndef f(u):\n    try:\n        requests.get(u)\n    except:\n        pass\n"
            ),
            "requests.get() failed"
        );
        assert_eq!(message("try:\n    import yaml\nexcept:\n    pass\n"), "Failed to import yaml");
        assert_eq!(
            message("try:\n    from a.b import (c as d, e)\nexcept:\n    pass\n"),
            "Failed to import c and e from a.b"
        );
        assert_eq!(
            message("try:\n    class Color(Enum):\n        RED = f()\nexcept:\n    pass\n"),
            "Failed to define class Color"
        );
    }

    #[test]
    fn never_an_exception_class_or_a_statement_as_the_subject() {
        // Raising is not doing: the message falls back to the function.
        assert_eq!(
            message(
                "def refresh_cache(x):\n    try:\n        if x: raise TypeError('no')\n        a(); b()\n    except:\n        pass\n"
            ),
            "Failed to refresh cache"
        );
        assert_eq!(
            message(
                "class Loader:\n    def load(self):\n        try:\n            a(); b()\n        except:\n            pass\n"
            ),
            "Error in Loader.load()"
        );
        assert_eq!(message("try:\n    pass\nexcept:\n    pass\n"), "Error in module-level code");
        assert_eq!(
            message("try:\n    x = d['k']\nexcept:\n    pass\n"),
            "Error in module-level code"
        );
        assert_eq!(
            message("class C:\n    try:\n        a(); b()\n    except:\n        pass\n"),
            "Error in the body of class C"
        );
    }

    #[test]
    fn plain_calls_are_sorted_and_skipped() {
        assert!(rarely_fails("items.append") && rarely_fails("len") && !rarely_fails("json.loads"));
        assert!(VERBS.windows(2).all(|pair| pair[0] < pair[1]), "VERBS must stay sorted");
        assert_eq!(
            message(
                "def f(t):\n    try:\n        out.append(json.loads(t))\n    except:\n        pass\n"
            ),
            "Failed to parse JSON"
        );
        assert_eq!(identifier_words("_loadConfigFile"), ["load", "config", "file"]);
    }

    #[test]
    fn purposes() {
        assert_eq!(purpose_of("try:\n    run()\nexcept:\n    pass\n"), Purpose::Unexplained);
        assert_eq!(purpose_of("try:\n    1/0\nexcept:\n    pass\n"), Purpose::Synthetic);
        assert_eq!(purpose_of("try:\n    raise KeyError\nexcept:\n    pass\n"), Purpose::Synthetic);
        assert_eq!(purpose_of("try:\n    raise error\nexcept:\n    pass\n"), Purpose::Unexplained);
        assert_eq!(
            purpose_of("try:\n    import numpy as np\nexcept:\n    np = None\n"),
            Purpose::OptionalImport
        );
        assert_eq!(
            purpose_of(
                "try:\n    run()\nexcept:  # catch everything, plugins are untrusted\n    pass\n"
            ),
            Purpose::CatchesEverything
        );
        assert_eq!(
            purpose_of("try:\n    run()\nexcept:\n    pass  # the file may be gone\n"),
            Purpose::Explained
        );
        assert_eq!(
            purpose_of("try:\n    run()\nexcept:\n    pass  # TODO: log it\n"),
            Purpose::KnownProblem
        );
        assert_eq!(
            purpose_of("try:\n    run()\nexcept:\n    pass  # pragma: no cover\n"),
            Purpose::Unexplained
        );
        assert_eq!(purpose_of("try:\n    conn.close()\nexcept:\n    pass\n"), Purpose::Cleanup);
        assert_eq!(
            purpose_of("try:\n    del os.environ[k]\nexcept:\n    pass\n"),
            Purpose::Cleanup
        );
        assert_eq!(
            purpose_of(
                "def close(self):\n    try:\n        self.flush_all()\n    except:\n        pass\n"
            ),
            Purpose::Cleanup
        );
        assert_eq!(purpose_of("try:\n    v = d[k]\nexcept:\n    pass\n"), Purpose::Fallback);
        assert_eq!(
            purpose_of("try:\n    run()\nexcept:\n    pass\nelse:\n    x()\n"),
            Purpose::Fallback
        );
        assert_eq!(
            purpose_of(
                "def f():\n    try:\n        return parse()\n    except:\n        pass\n    return 0\n"
            ),
            Purpose::Fallback
        );
        assert_eq!(
            purpose_of("try:\n    code = get_code()\nexcept:\n    pass\nif code:\n    x()\n"),
            Purpose::Fallback
        );
    }

    #[test]
    fn a_comment_after_pass_moves_above_the_call() {
        let source = "try:\n    x()\nexcept:\n    pass  # why\n";
        let module = Module::parse(source, "t.py").unwrap();
        let edit =
            prepend_statement(&module, body(first_clause(&module)).unwrap(), "log()").unwrap();
        let mut out = source.to_string();
        out.replace_range(edit.range, &edit.replacement);
        assert_eq!(out, "try:\n    x()\nexcept:\n    # why\n    log()\n");
    }

    #[test]
    fn reraising_means_on_every_path() {
        assert!(reraises("try:\n    x()\nexcept:\n    cleanup()\n    raise\n"));
        assert!(reraises(
            "try:\n    x()\nexcept:\n    if a:\n        raise\n    else:\n        raise  # again\n"
        ));
        assert!(reraises(
            "try:\n    x()\nexcept:\n    for i in y:\n        if i: break\n    raise\n"
        ));
        assert!(!reraises("try:\n    x()\nexcept:\n    if a:\n        raise\n"));
        assert!(!reraises(
            "for i in y:\n    try:\n        x()\n    except:\n        if a: continue\n        raise\n"
        ));
        assert!(!reraises("try:\n    x()\nexcept:\n    raise ValueError\n"));
        assert!(!reraises(
            "try:\n    x()\nexcept:\n    try:\n        raise\n    except Exception:\n        pass\n"
        ));
    }

    #[test]
    fn caught_types_and_names() {
        let module =
            Module::parse("try:\n    x()\nexcept (A, (B, c.D)) as err:\n    pass\n", "t.py")
                .unwrap();
        let clause = first_clause(&module);
        let types: Vec<&str> =
            caught_types(clause).into_iter().map(|node| module.text(node)).collect();
        assert_eq!(types, ["A", "B", "c.D"]);
        assert_eq!(bound_name(&module, clause), Some("err"));
        assert!(!is_bare(clause) && !is_star(clause));
    }
}

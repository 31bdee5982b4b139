//! # exception-without-traceback (PF006)
//!
//! ## What it does
//! Inside a handler that catches everything (`except Exception as e:`,
//! `except BaseException as e:`, or a tuple holding one of them), finds
//! `.error(...)` calls on a logger that pass the caught exception (`e`,
//! `str(e)`, `repr(e)`, `e.args`, `e.message`, an f-string with `{e}`, or
//! `e` among `%`-style arguments); and calls to `traceback.print_exc()`
//! in a module that logs.
//!
//! A logger is `logging` itself (however imported), any name bound to
//! `logging.getLogger(...)` (every module-level logger, and local ones), an
//! attribute `self.logger`/`cls.log` the class assigns from
//! `logging.getLogger(...)`, a logger factory of the module (`def
//! get_logger(): return logging.getLogger(...)`) or a call to one.
//!
//! Not reported: a call that already passes `exc_info` (or `**kwargs`,
//! which may hold it); a handler that re-raises (the traceback would be
//! logged twice) or exits (`sys.exit`: a message for the user); a handler
//! for specific exceptions (`except ValueError as e:`), where the message
//! is usually the whole story; test code. `traceback.print_exc()` is
//! reported only where the module logs (it has a logger or imports
//! `logging`), without `file=` (printing to a chosen stream is deliberate),
//! and not in command-line code (the `if __name__ == "__main__":` block,
//! the functions it calls, `main()`), in a handler that also prints, exits
//! or re-raises, in a debugger, shell or traced module, or in logging's
//! own code.
//!
//! ## Why is this bad?
//! `log.error("load failed: %s", e)` keeps the exception's message and
//! drops where it came from: the traceback, the chain of causes, the line
//! that failed. `traceback.print_exc()` keeps the traceback but writes it
//! to standard error, past the program's logging configuration: no
//! timestamp, no level, no log file. `.exception()` logs at ERROR level
//! with the traceback attached (`exc_info`), through the same logger.
//!
//! ## Example
//! ```python
//! def load(path):
//!     try:
//!         return parse(path)
//!     except Exception as e:
//!         log.error(f"cannot parse {path}: {e}")
//!
//! def sync(db):
//!     try:
//!         db.sync()
//!     except Exception:
//!         traceback.print_exc()
//! ```
//!
//! Use instead:
//! ```python
//! def load(path):
//!     try:
//!         return parse(path)
//!     except Exception as e:
//!         log.exception("cannot parse %s: %s", path, e)
//!
//! def sync(db):
//!     try:
//!         db.sync()
//!     except Exception:
//!         log.exception("Failed to sync db")
//! ```
//!
//! `.error` becomes `.exception` on the same logger, with the same message
//! and arguments. An f-string message becomes the same text with lazy
//! `%`-style arguments (`{x}` is `%s`, `{x!r}` is `%r`, a literal `%` is
//! `%%`), so that it is formatted only when the record is emitted; an
//! f-string with a format spec (`{x:.2f}`) or `{x=}` is kept as it is.
//! `traceback.print_exc()` without arguments becomes a call
//! `<logger>.exception("<what failed>")` through the module's logger; a
//! module without one gets `logger = logging.getLogger(__name__)` after its
//! imports (never the root logger). When that leaves `import traceback`
//! (or `from traceback import print_exc`) unused, the fix removes it, and
//! only then: any other mention of the name in the file keeps it.
//! `print_exc(...)` with arguments, or where a log call could recurse (a
//! handler's `emit`, a `__del__`), is reported without a fix.
//!
//! ## Fix safety
//! Unsafe. The record now carries the traceback, which changes the log
//! output (and what handlers and filters see). `%s` formats with `str()`
//! where an f-string's `{x}` used `format()`; the two differ only for
//! objects with their own `__format__`. `traceback.print_exc()` wrote to
//! `sys.stderr` unconditionally; the log call goes where logging is
//! configured to send it.

use tree_sitter::Node;

use crate::rule::fix::{Edit, Fix};
use crate::rule::importer::remove_import_name;
use crate::rule::{Context, Diagnostic, FileInfo, FixKind, RuleMeta, Transform};
use crate::semantic::{BindingId, BindingKind, Semantic};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::scan::{Kind as ScanKind, Scan, Token};
use crate::syntax::walk::{Walk, statements, visit};
use crate::transforms::helpers::except_handler::{
    bound_name, caught_types, enclosing_handler, failure_message, in_console_output_function,
    is_interactive_or_traced, is_test_code, module_logs,
};
use crate::transforms::helpers::logger::{fix_logger, logging_may_reenter};

pub struct ExceptionWithoutTraceback;

static META: RuleMeta = RuleMeta {
    code: "PF006",
    name: "exception-without-traceback",
    fix: FixKind::Unsafe,
    source: include_str!("exception_without_traceback.rs"),
    aliases: &["TRY400"],
};

impl Transform for ExceptionWithoutTraceback {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// An `except` clause and `print_exc` anywhere (it may be imported under
    /// another name); or an `except ... as NAME:` whose body calls `error(...)`
    /// with NAME among the call's tokens (or inside a string: an f-string).
    fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        let print_exc = scan.tokens.iter().any(|token| scan.is(token, "print_exc"));
        (0..scan.lines.len()).any(|index| {
            let tokens = scan.line_tokens(&scan.lines[index]);
            if !tokens.first().is_some_and(|first| scan.is(first, "except")) {
                return false;
            }
            if print_exc {
                return true;
            }
            let Some((same_line, body)) = scan.clause_body(index) else {
                return false;
            };
            let header = &tokens[..tokens.len() - same_line.len()];
            let Some(caught) = header
                .windows(2)
                .find(|pair| scan.is(&pair[0], "as"))
                .map(|pair| scan.text(&pair[1]))
            else {
                return false;
            };
            let body_tokens = body.iter().map(|line| scan.line_tokens(line));
            std::iter::once(same_line)
                .chain(body_tokens)
                .any(|tokens| logs_error_with(scan, tokens, caught))
        })
    }

    /// Also the bodies that make loggers: `self.logger = getLogger(...)` in
    /// `__init__`, a factory `def get_logger(): return getLogger(...)`.
    fn may_need_definition(&self, view: &Scan<'_>, file: &FileInfo<'_>) -> bool {
        self.may_match(view, file)
            || view.tokens.iter().any(|token| {
                ["getLogger", "get_logger", "LoggerAdapter"].iter().any(|name| view.is(token, name))
            })
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        let mut print_exc_calls = Vec::new();
        for call in context.module.nodes_of_kind(&[Kind::Call]) {
            let Some(clause) = enclosing_handler(context.module, call) else { continue };
            if is_print_exc(context.semantic, call) {
                if reports_print_exc(context, clause, call) {
                    print_exc_calls.push((
                        call,
                        clause,
                        plain_print_exc_fix(context, clause, call),
                    ));
                }
                continue;
            }
            diagnostics.extend(check_error_call(context, clause, call));
        }
        for (call, _, fix) in &print_exc_calls {
            let fix = fix.as_ref().map(|edits| {
                let mut edits = edits.clone();
                edits.extend(unused_import_removal(context, *call, &print_exc_calls));
                Fix::unsafe_(edits)
            });
            diagnostics.push(
                META.report(
                    call.byte_range(),
                    "`traceback.print_exc()` writes the traceback to stderr, past the module's logging",
                )
                .with_fix(fix),
            );
        }
        diagnostics.sort_by_key(|diagnostic| diagnostic.range.start);
        diagnostics
    }
}

fn is_print_exc(semantic: &Semantic<'_>, call: Node<'_>) -> bool {
    call.child_by_field_name("function")
        .and_then(|function| semantic.qualified_name(function))
        .is_some_and(|name| name == "traceback.print_exc")
}

fn check_error_call(context: &Context<'_>, clause: Node<'_>, call: Node<'_>) -> Option<Diagnostic> {
    let function = call.child_by_field_name("function").filter(|f| f.is(Kind::Attribute))?;
    let arguments =
        call.child_by_field_name("arguments").filter(|node| node.is(Kind::ArgumentList))?;
    let method = function.child_by_field_name("attribute")?;
    let receiver = function.child_by_field_name("object")?;
    if context.module.text(method) != "error" || context.semantic.logger_kind(receiver).is_none() {
        return None;
    }
    let caught = bound_name(context.module, clause)?;
    if !passes_name(context.module, arguments, caught)
        || may_pass_exc_info(context.module, arguments)
        || !catches_everything(context.semantic, clause)
        || leaves_otherwise(context.semantic, clause)
        || is_test_code(context.module, clause)
    {
        return None;
    }
    let mut edits = vec![Edit::replace(method.byte_range(), "exception")];
    edits.extend(lazy_message(context.module, arguments));
    Some(
        META.report(
            call.byte_range(),
            format!("`.error()` logs `{caught}` without its traceback; `.exception()` keeps it"),
        )
        .with_fix(Some(Fix::unsafe_(edits))),
    )
}

/// The clause catches the builtin `Exception` or `BaseException`.
fn catches_everything(semantic: &Semantic<'_>, clause: Node<'_>) -> bool {
    caught_types(clause).into_iter().any(|caught| {
        semantic
            .qualified_name(caught)
            .is_some_and(|name| name == "builtins.Exception" || name == "builtins.BaseException")
    })
}

/// The handler re-raises, raises, or exits (`sys.exit`, `os._exit`,
/// `exit`, `quit`): the exception, or a message for the user, goes on.
fn leaves_otherwise(semantic: &Semantic<'_>, clause: Node<'_>) -> bool {
    let mut leaves = false;
    let Some(handler_body) = crate::transforms::helpers::except_handler::body(clause) else {
        return false;
    };
    visit(handler_body, |node| match node.py_kind() {
        Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
        Kind::RaiseStatement => {
            leaves = true;
            Walk::Stop
        }
        Kind::Call => {
            let exits = node
                .child_by_field_name("function")
                .and_then(|function| semantic.qualified_name(function))
                .is_some_and(|name| {
                    matches!(
                        name.as_str(),
                        "sys.exit" | "os._exit" | "builtins.exit" | "builtins.quit"
                    )
                });
            if exits {
                leaves = true;
                return Walk::Stop;
            }
            Walk::Descend
        }
        _ => Walk::Descend,
    });
    leaves
}

/// The handler also talks to the person at the terminal: it prints or
/// writes to `sys.stderr`/`sys.stdout`.
fn prints(semantic: &Semantic<'_>, clause: Node<'_>) -> bool {
    let Some(handler_body) = crate::transforms::helpers::except_handler::body(clause) else {
        return false;
    };
    let mut found = false;
    visit(handler_body, |node| match node.py_kind() {
        Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
        Kind::Call => {
            let name = node
                .child_by_field_name("function")
                .and_then(|function| semantic.qualified_name(function));
            if name.as_deref().is_some_and(|name| {
                name == "builtins.print"
                    || name.starts_with("sys.stderr.")
                    || name.starts_with("sys.stdout.")
                    || name.starts_with("sys.__stderr__.")
            }) {
                found = true;
                return Walk::Stop;
            }
            Walk::Descend
        }
        _ => Walk::Descend,
    });
    found
}

/// Whether a `traceback.print_exc()` call in `clause` is reported (see the
/// rule's documentation).
fn reports_print_exc(context: &Context<'_>, clause: Node<'_>, call: Node<'_>) -> bool {
    let semantic = context.semantic;
    let Some(arguments) = call.child_by_field_name("arguments") else {
        return false;
    };
    let mut cursor = arguments.walk();
    let arguments: Vec<Node<'_>> =
        arguments.named_children(&mut cursor).filter(|a| !a.is(Kind::Comment)).collect();
    let to_a_stream =
        arguments.iter().enumerate().any(|(index, argument)| match argument.py_kind() {
            Kind::KeywordArgument => argument
                .child_by_field_name("name")
                .is_some_and(|name| context.module.text(name) == "file"),
            Kind::ListSplat | Kind::DictionarySplat => true,
            _ => index >= 1,
        });
    !to_a_stream
        && module_logs(semantic)
        && !is_command_line_code(context.module, clause)
        && !is_test_code(context.module, clause)
        && !is_interactive_or_traced(semantic)
        && !logging_may_reenter(semantic, clause)
        && !leaves_otherwise(semantic, clause)
        && !prints(semantic, clause)
        && !in_console_output_function(context.module, clause)
        && !configures_logging(semantic, clause)
}

/// The `try` configures logging (`dictConfig`, `fileConfig`,
/// `basicConfig`, `addHandler`): when that fails, logging is what failed.
fn configures_logging(semantic: &Semantic<'_>, clause: Node<'_>) -> bool {
    let Some(try_body) = clause
        .parent()
        .filter(|parent| parent.is(Kind::TryStatement))
        .and_then(|statement| statement.child_by_field_name("body"))
    else {
        return false;
    };
    let module = semantic.module();
    let mut found = false;
    visit(try_body, |node| {
        if node.is(Kind::Call)
            && let Some(function) = node.child_by_field_name("function")
        {
            let name = match function.py_kind() {
                Kind::Attribute => {
                    function.child_by_field_name("attribute").map(|a| module.text(a))
                }
                Kind::Identifier => Some(module.text(function)),
                _ => None,
            };
            if name.is_some_and(|name| {
                matches!(
                    name,
                    "dictConfig" | "fileConfig" | "basicConfig" | "addHandler" | "setLevel"
                )
            }) {
                found = true;
                return Walk::Stop;
            }
        }
        Walk::Descend
    });
    found
}

/// Code of a command line: a `__main__.py`, the `if __name__ ==
/// "__main__":` block, a function it calls by name, or a `main()`.
fn is_command_line_code(module: &Module<'_>, node: Node<'_>) -> bool {
    if module.file_name.rsplit(['/', '\\']).next() == Some("__main__.py") {
        return true;
    }
    let mut called_from_main: Vec<&str> = Vec::new();
    for statement in statements(module.root()) {
        if is_main_guard(module, statement) {
            if statement.byte_range().contains(&node.start_byte()) {
                return true;
            }
            visit(statement, |inner| {
                if inner.is(Kind::Call)
                    && let Some(function) = inner.child_by_field_name("function")
                    && function.is(Kind::Identifier)
                {
                    called_from_main.push(module.text(function));
                }
                Walk::Descend
            });
        }
    }
    let mut current = module.parent(node);
    let mut outermost_function = None;
    while let Some(ancestor) = current {
        if ancestor.is(Kind::FunctionDefinition) {
            let name = ancestor.child_by_field_name("name").map(|name| module.text(name));
            if name == Some("main") {
                return true;
            }
            outermost_function = name;
        }
        current = module.parent(ancestor);
    }
    outermost_function.is_some_and(|name| called_from_main.contains(&name))
}

/// `if __name__ == "__main__":` (either way round).
fn is_main_guard(module: &Module<'_>, statement: Node<'_>) -> bool {
    statement.is(Kind::IfStatement)
        && statement.child_by_field_name("condition").is_some_and(|condition| {
            let text = module.text(condition);
            condition.is(Kind::ComparisonOperator)
                && text.contains("__name__")
                && text.contains("__main__")
        })
}

/// The replacement of a `print_exc()` call without arguments by a log
/// call, with the edits that create the logger; `None` without a sure logger.
fn plain_print_exc_fix(
    context: &Context<'_>,
    clause: Node<'_>,
    call: Node<'_>,
) -> Option<Vec<Edit>> {
    let arguments = call.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    if arguments.named_children(&mut cursor).any(|a| !a.is(Kind::Comment)) {
        return None;
    }
    let logger = fix_logger(context.semantic, clause)?;
    let message = failure_message(context.semantic, clause);
    let mut edits =
        vec![Edit::replace(call.byte_range(), format!("{}.exception(\"{message}\")", logger.name))];
    edits.extend(logger.edits);
    Some(edits)
}

/// When every mention of the name `call`'s callee comes from (`traceback`,
/// or `print_exc` from `from traceback import print_exc`) is in a
/// `print_exc()` call this rule replaces, the edits that replace them all
/// and remove the import: the same edits in each of their fixes, so that
/// the import goes only when every call goes. Empty otherwise. A mention
/// in a string (`__all__`, a doctest) keeps the import; one in a comment
/// does not.
fn unused_import_removal(
    context: &Context<'_>,
    call: Node<'_>,
    calls: &[(Node<'_>, Node<'_>, Option<Vec<Edit>>)],
) -> Vec<Edit> {
    let semantic = context.semantic;
    let Some(binding) = callee_import_binding(semantic, call) else {
        return Vec::new();
    };
    let Some(import) = semantic.import_of(binding) else {
        return Vec::new();
    };
    let name = context.module.text(semantic.binding(binding).name);
    let same_import: Vec<&(Node<'_>, Node<'_>, Option<Vec<Edit>>)> = calls
        .iter()
        .filter(|(other, _, _)| callee_import_binding(semantic, *other) == Some(binding))
        .collect();
    if same_import.iter().any(|(_, _, fix)| fix.is_none()) {
        return Vec::new();
    }
    // Every mention of the name, outside the import, must be one of these calls.
    let source = context.module.source;
    let statement = import.statement.byte_range();
    let module = context.module;
    let in_comment = |at: usize| {
        !module.blanked().iter().any(|blank| blank.contains(&at))
            && module
                .root()
                .descendant_for_byte_range(at, at + name.len())
                .is_some_and(|node| node.is(Kind::Comment))
    };
    // `from traceback import ...` names the module, not the binding.
    let in_from_import_source = |at: usize| {
        !module.blanked().iter().any(|blank| blank.contains(&at))
            && module.root().descendant_for_byte_range(at, at + name.len()).is_some_and(|node| {
                let mut current = Some(node);
                while let Some(ancestor) = current {
                    if ancestor.is(Kind::ImportFromStatement) {
                        return ancestor
                            .child_by_field_name("module_name")
                            .is_some_and(|source| source.byte_range().contains(&at));
                    }
                    current = module.parent(ancestor);
                }
                false
            })
    };
    let mentions_elsewhere = word_offsets(source, name).into_iter().any(|at| {
        !statement.contains(&at)
            && !same_import.iter().any(|(other, _, _)| other.start_byte() == at)
            && !in_comment(at)
            && !in_from_import_source(at)
    });
    if mentions_elsewhere {
        return Vec::new();
    }
    let Some(removal) = remove_import_name(context.module, import.statement, import.item) else {
        return Vec::new();
    };
    let mut edits: Vec<Edit> =
        same_import.iter().flat_map(|(_, _, fix)| fix.iter().flatten().cloned()).collect();
    edits.push(removal);
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    edits.dedup();
    edits
}

/// The import binding the callee's first name reads (`traceback` in
/// `traceback.print_exc`, `print_exc` itself).
fn callee_import_binding(semantic: &Semantic<'_>, call: Node<'_>) -> Option<BindingId> {
    let mut root = call.child_by_field_name("function")?;
    while root.is(Kind::Attribute) {
        root = root.child_by_field_name("object")?;
    }
    let reference = semantic.reference_at(root)?;
    let binding = semantic.resolved_binding(reference)?;
    let found = semantic.binding(binding);
    (found.kind == BindingKind::Import && found.scope == semantic.module_scope()).then_some(binding)
}

/// Where `word` occurs in `text` as a whole identifier, not as an
/// attribute (`x.word`): anywhere else, in code, strings or comments.
fn word_offsets(text: &str, word: &str) -> Vec<usize> {
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word)
        .filter(|(at, _)| {
            let before = text[..*at].chars().next_back();
            let after = text[at + word.len()..].chars().next();
            !before.is_some_and(|c| is_name(c) || c == '.') && !after.is_some_and(is_name)
        })
        .map(|(at, _)| at)
        .collect()
}

/// True when the arguments use `name` itself (`e`, `str(e)`, `{e}`) or an
/// attribute that holds its message (`e.args`, `e.message`), not only
/// another attribute of it (`e.errno`).
fn passes_name(module: &Module<'_>, arguments: Node<'_>, name: &str) -> bool {
    let mut found = false;
    visit(arguments, |node| {
        if node.is(Kind::Identifier) && module.text(node) == name {
            let parent = module.parent(node);
            let is_attribute_owner = parent.is_some_and(|parent| {
                parent.is(Kind::Attribute)
                    && parent.child_by_field_name("object") == Some(node)
                    && !parent.child_by_field_name("attribute").is_some_and(|attribute| {
                        matches!(module.text(attribute), "args" | "message")
                    })
            });
            let is_part_of_a_name = parent.is_some_and(|parent| {
                (parent.is(Kind::Attribute)
                    && parent.child_by_field_name("attribute") == Some(node))
                    || (parent.is(Kind::KeywordArgument)
                        && parent.child_by_field_name("name") == Some(node))
            });
            if !is_attribute_owner && !is_part_of_a_name {
                found = true;
                return Walk::Stop;
            }
        }
        Walk::Descend
    });
    found
}

/// `exc_info=...` is already there, or `**kwargs` may hold it.
fn may_pass_exc_info(module: &Module<'_>, arguments: Node<'_>) -> bool {
    let mut cursor = arguments.walk();
    arguments.named_children(&mut cursor).any(|argument| match argument.py_kind() {
        Kind::DictionarySplat => true,
        Kind::KeywordArgument => {
            argument.child_by_field_name("name").is_some_and(|name| module.text(name) == "exc_info")
        }
        _ => false,
    })
}

/// The edit that turns an f-string message, the only positional argument,
/// into the same text with lazy `%`-style arguments.
fn lazy_message(module: &Module<'_>, arguments: Node<'_>) -> Option<Edit> {
    let mut cursor = arguments.walk();
    let positional: Vec<Node<'_>> = arguments
        .named_children(&mut cursor)
        .filter(|argument| !matches!(argument.py_kind(), Kind::KeywordArgument | Kind::Comment))
        .collect();
    let [message] = positional.as_slice() else {
        return None;
    };
    if message.py_kind() != Kind::String {
        return None;
    }
    let replacement = percent_style(module, *message)?;
    Some(Edit::replace(message.byte_range(), replacement))
}

/// `"cannot parse %s: %r", path, e` for `f"cannot parse {path}: {e!r}"`.
/// `None` when `string` is not an f-string or a part has no `%` equivalent.
fn percent_style(module: &Module<'_>, string: Node<'_>) -> Option<String> {
    let count = string.child_count();
    let start = string.child(0).filter(|node| node.is(Kind::StringStart))?;
    let end = string.child(count.checked_sub(1)?).filter(|node| node.is(Kind::StringEnd))?;
    let start_text = module.text(start);
    let prefix_length = start_text.find(['"', '\'']).unwrap_or(start_text.len());
    let prefix = &start_text[..prefix_length];
    if !prefix.contains(['f', 'F']) {
        return None;
    }
    let plain_start = format!("{}{}", prefix.replace(['f', 'F'], ""), &start_text[prefix_length..]);
    if has_coded_escape(module, string) {
        return None;
    }

    // Literal text is kept as pieces, so that `%` is doubled only when
    // there are arguments for logging to format with.
    let mut pieces: Vec<(bool, String)> = Vec::new();
    let mut arguments = Vec::new();
    for index in 1..count - 1 {
        let part = string.child(index)?;
        match part.py_kind() {
            Kind::StringContent | Kind::EscapeSequence | Kind::EscapeInterpolation => {
                let text = module.text(part).replace("{{", "{").replace("}}", "}");
                pieces.push((true, text));
            }
            Kind::Interpolation => {
                let (placeholder, argument) = interpolation_as_argument(module, part)?;
                pieces.push((false, placeholder.to_string()));
                arguments.push(argument);
            }
            _ => return None,
        }
    }
    let literal: String = pieces
        .into_iter()
        .map(
            |(is_text, piece)| {
                if is_text && !arguments.is_empty() { piece.replace('%', "%%") } else { piece }
            },
        )
        .collect();
    let mut out = format!("{plain_start}{literal}{}", module.text(end));
    for argument in arguments {
        out.push_str(", ");
        out.push_str(&argument);
    }
    Some(out)
}

/// An escape that names a character by number or name (`\x25`, `\N{PERCENT SIGN}`)
/// may be a `%` that logging would read as a placeholder.
fn has_coded_escape(module: &Module<'_>, string: Node<'_>) -> bool {
    let mut found = false;
    visit(string, |node| match node.py_kind() {
        Kind::Interpolation => Walk::Skip,
        Kind::EscapeSequence => {
            let text = module.text(node);
            let coded = text.len() > 1
                && (matches!(&text[1..2], "x" | "u" | "U" | "N")
                    || text.as_bytes()[1].is_ascii_digit());
            if coded {
                found = true;
                return Walk::Stop;
            }
            Walk::Skip
        }
        _ => Walk::Descend,
    });
    found
}

/// `("%r", "e")` for `{e!r}`; `None` for `{x:>10}` and `{x=}`.
fn interpolation_as_argument(
    module: &Module<'_>,
    interpolation: Node<'_>,
) -> Option<(&'static str, String)> {
    let expression = interpolation.child_by_field_name("expression")?;
    let mut cursor = interpolation.walk();
    let mut placeholder = "%s";
    for child in interpolation.children(&mut cursor) {
        match child.py_kind() {
            Kind::LeftBrace | Kind::RightBrace => {}
            Kind::TypeConversion => {
                placeholder = match module.text(child) {
                    "!r" => "%r",
                    "!a" => "%a",
                    "!s" => "%s",
                    _ => return None,
                };
            }
            _ if child == expression => {}
            // A format spec, `=`, or a comment: no `%` form says the same.
            _ => return None,
        }
    }
    let text = module.text(expression);
    // `{a, b}` formats a tuple; as arguments it would be two.
    let argument =
        if expression.is(Kind::ExpressionList) { format!("({text})") } else { text.to_string() };
    Some((placeholder, argument))
}

/// `error(` in `tokens`, with `caught` among the call's tokens or inside one
/// of its strings.
fn logs_error_with(scan: &Scan<'_>, tokens: &[Token], caught: &[u8]) -> bool {
    tokens.windows(2).enumerate().any(|(at, pair)| {
        if !(scan.is(&pair[0], "error") && scan.is(&pair[1], "(")) {
            return false;
        }
        let depth = pair[1].depth;
        tokens[at + 2..].iter().take_while(|t| t.depth > depth).any(|t| match t.kind {
            ScanKind::Name => scan.text(t) == caught,
            ScanKind::String => scan.text(t).windows(caught.len()).any(|w| w == caught),
            _ => false,
        })
    })
}

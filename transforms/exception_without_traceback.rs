//! # exception-without-traceback (PF006)
//!
//! ## What it does
//! Inside an `except ... as e:` handler, finds `logging.error(...)` and
//! `<logger>.error(...)` calls that pass the caught exception (`e`,
//! `str(e)`, `repr(e)`, an f-string with `{e}`, or `e` among `%`-style
//! arguments), and calls to `traceback.print_exc()` in any handler.
//!
//! A logger is `logging` itself (however imported), the module's logger
//! (`NAME = logging.getLogger(...)` at module level), or a
//! `logging.getLogger(...)` call. A call that already passes `exc_info`
//! (or `**kwargs`, which may hold it) is not reported.
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
//!     except ValueError as e:
//!         log.error(f"cannot parse {path}: {e}")
//!     except OSError:
//!         traceback.print_exc()
//! ```
//!
//! Use instead:
//! ```python
//! def load(path):
//!     try:
//!         return parse(path)
//!     except ValueError as e:
//!         log.exception("cannot parse %s: %s", path, e)
//!     except OSError:
//!         log.exception("parse failed in load()")
//! ```
//!
//! `.error` becomes `.exception` on the same logger, with the same message
//! and arguments. An f-string message becomes the same text with lazy
//! `%`-style arguments (`{x}` is `%s`, `{x!r}` is `%r`, a literal `%` is
//! `%%`), so that it is formatted only when the record is emitted; an
//! f-string with a format spec (`{x:.2f}`) or `{x=}` is kept as it is.
//! `traceback.print_exc()` without arguments becomes a call
//! `<logger>.exception("<what> failed in <where>")` through the module's
//! logger, else `logging` (imported once if the module lacks it);
//! `print_exc(...)` with arguments, or in a handler's `emit` or a `__del__`
//! (where a log call could recurse), is reported without a fix.
//!
//! ## Fix safety
//! Unsafe. The record now carries the traceback, which changes the log
//! output (and what handlers and filters see). `%s` formats with `str()`
//! where an f-string's `{x}` used `format()`; the two differ only for
//! objects with their own `__format__`. `traceback.print_exc()` wrote to
//! `sys.stderr` unconditionally; the log call goes where logging is
//! configured to send it, and `logging.exception` configures the root
//! logger when nothing else has.

use tree_sitter::Node;

use crate::rule::fix::{Edit, Fix};
use crate::rule::{Context, Diagnostic, FileInfo, FixKind, RuleMeta, Transform};
use crate::semantic::scope::{enclosing_scope_names, qualified_name_at};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::scan::{Kind as ScanKind, Scan, Token};
use crate::syntax::walk::{Walk, visit};
use crate::transforms::helpers::except_handler::{
    bound_name, enclosing_handler, log_exception_call,
};
use crate::transforms::helpers::logger::module_logger;

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

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        for call in context.module.nodes_of_kind(&[Kind::Call]) {
            if let Some(clause) = enclosing_handler(context.module, call) {
                diagnostics.extend(check_call(context, clause, call));
            }
        }
        diagnostics
    }
}

fn check_call(context: &Context<'_>, clause: Node<'_>, call: Node<'_>) -> Option<Diagnostic> {
    let function = call.child_by_field_name("function")?;
    let arguments =
        call.child_by_field_name("arguments").filter(|node| node.is(Kind::ArgumentList))?;
    if qualified_name_at(context.semantic, function).as_deref() == Some("traceback.print_exc") {
        return Some(META.report(call.byte_range(), "`traceback.print_exc()` writes the traceback to stderr, past the logging configuration").with_fix(print_exc_fix(context, clause, call, arguments)));
    }
    if function.py_kind() != Kind::Attribute {
        return None;
    }
    let method = function.child_by_field_name("attribute")?;
    let receiver = function.child_by_field_name("object")?;
    if context.module.text(method) != "error" || !is_logger(context, receiver) {
        return None;
    }
    let caught = bound_name(context.module, clause)?;
    if !passes_name(context.module, arguments, caught)
        || may_pass_exc_info(context.module, arguments)
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

/// `traceback.print_exc()` (no arguments) becomes a log call.
fn print_exc_fix(
    context: &Context<'_>,
    clause: Node<'_>,
    call: Node<'_>,
    arguments: Node<'_>,
) -> Option<Fix> {
    let mut cursor = arguments.walk();
    if arguments.named_children(&mut cursor).next().is_some() {
        return None;
    }
    let log_call = log_exception_call(context.semantic, clause)?;
    let mut edits = vec![Edit::replace(call.byte_range(), log_call.text)];
    edits.extend(log_call.import);
    Some(Fix::unsafe_(edits))
}

/// `logging` (any alias), the module's logger, or `logging.getLogger(...)`.
fn is_logger(context: &Context<'_>, receiver: Node<'_>) -> bool {
    match receiver.py_kind() {
        Kind::Identifier => {
            let name = context.module.text(receiver);
            let is_module_logger = module_logger(context.semantic)
                .is_some_and(|logger| logger.name == name)
                && !enclosing_scope_names(context.module, receiver).contains(name);
            is_module_logger
                || qualified_name_at(context.semantic, receiver).as_deref() == Some("logging")
        }
        Kind::Attribute => {
            qualified_name_at(context.semantic, receiver).as_deref() == Some("logging")
        }
        Kind::Call => receiver
            .child_by_field_name("function")
            .and_then(|function| qualified_name_at(context.semantic, function))
            .is_some_and(|name| name == "logging.getLogger"),
        _ => false,
    }
}

/// True when the arguments use `name` itself (`e`, `str(e)`, `{e}`), not
/// only an attribute of it (`e.errno`).
fn passes_name(module: &Module<'_>, arguments: Node<'_>, name: &str) -> bool {
    let mut found = false;
    visit(arguments, |node| {
        if node.is(Kind::Identifier) && module.text(node) == name {
            let parent = module.parent(node);
            let is_attribute_owner = parent.is_some_and(|parent| {
                parent.is(Kind::Attribute) && parent.child_by_field_name("object") == Some(node)
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

//! # swallowed-exception (PF003)
//!
//! ## What it does
//! Finds handlers for `Exception` or `BaseException` (alone or in a tuple,
//! with or without `as e`, `except*` included) whose body only swallows the
//! exception (nothing but `pass`, `...`, `continue`, `return` or `return
//! None`) and whose own comment marks the silence as a known problem: a
//! `TODO`, `FIXME` or `XXX` in the handler or on its `except` line
//! (`except Exception:  # FIXME: report this`).
//!
//! A silent catch-all that nothing marks is not reported. On real code
//! nearly all of them are deliberate: capability probes, best-effort
//! extras, parse-tree probes, cleanups, fallbacks; a finding (and a log
//! call at ERROR level) there would be noise. Even with the mark it is left
//! alone when the `try` only imports (an optional dependency) or only
//! raises, after an `except Exception:` of the same `try`
//! (`except BaseException:` then only sees `KeyboardInterrupt` and the
//! like), in code that prints or formats for a person (`print_*`,
//! `format_*`, `__repr__`), in debuggers, shells and traced code, and in
//! test code.
//!
//! ## Why is this bad?
//! Such a handler turns every error, a typo's `NameError` as much as a
//! failed network call, into silence. The program goes on with wrong or
//! missing data, and whoever debugs it later finds no trace of what failed
//! or where.
//!
//! ## Example
//! ```python
//! import logging
//!
//! log = logging.getLogger(__name__)
//!
//! def refresh(cache):
//!     for key in cache:
//!         try:
//!             cache[key] = fetch(key)
//!         except Exception:  # TODO: say which keys failed
//!             continue
//! ```
//!
//! Use instead:
//! ```python
//! def refresh(cache):
//!     for key in cache:
//!         try:
//!             cache[key] = fetch(key)
//!         except Exception:  # TODO: say which keys failed
//!             log.exception("Failed to fetch")
//!             continue
//! ```
//!
//! The call logs at ERROR level with the traceback. The message says what
//! the `try` did ("Failed to close conn", "Failed to parse JSON",
//! "Failed to load config" for `load_config()`). It goes through the
//! module's logger (`NAME = logging.getLogger(...)`, any name); a module
//! that imports `logging` without one gets `logger =
//! logging.getLogger(__name__)` after its imports: library code never logs
//! through the root logger. A module that does not log at all (no logger,
//! no `import logging`) gets no fix: it reports some other way (its
//! project's display, warnings), and a logger would be foreign to it. A lone
//! `pass` or `...` is replaced (a comment after it moves to its own line
//! above the call); other statements stay after the call. `Exception` must
//! be the builtin: a module's own `Exception` class is not reported.
//!
//! No fix is offered where logging may call back into the handler (in a
//! class derived from a `logging` class, in `__del__`, in a module that
//! defines its own `getLogger`), in a debugger, shell or traced module,
//! and in a module that logs through a facility of its project (`from
//! distutils import log`).
//!
//! ## Fix safety
//! Unsafe: the handler now writes a record at ERROR level through the
//! module's logger, which the application's logging configuration sends
//! where it sends the module's other records.

use tree_sitter::Node;

use crate::rule::fix::Fix;
use crate::rule::{Context, Diagnostic, FileInfo, FixKind, RuleMeta, Transform};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::scan::{Scan, Token};
use crate::transforms::helpers::except_handler::{
    Purpose, body, caught_types, follows_catch_all, in_console_output_function,
    is_interactive_or_traced, is_test_code, log_call_unwelcome, log_exception_call, module_logs,
    only_swallows, prepend_statement, purpose,
};

pub struct SwallowedException;

static META: RuleMeta = RuleMeta {
    code: "PF003",
    name: "swallowed-exception",
    fix: FixKind::Unsafe,
    source: include_str!("swallowed_exception.rs"),
    aliases: &["S110", "S112"],
};

/// The catch-all classes: catching one of them catches nearly everything.
const CATCH_ALL: &[&str] = &["Exception", "BaseException"];

impl Transform for SwallowedException {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// An `except` line that names `Exception` or `BaseException` (or any,
    /// if the file mentions `builtins`), whose body is only `pass`, `...`,
    /// `continue`, `return` or `return None`.
    fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        let via_builtins = scan.tokens.iter().any(|token| scan.is(token, "builtins"));
        scan.lines.iter().enumerate().any(|(index, line)| {
            let tokens = scan.line_tokens(line);
            if !tokens.first().is_some_and(|first| scan.is(first, "except")) {
                return false;
            }
            let Some((same_line, body)) = scan.clause_body(index) else {
                return false;
            };
            let header = &tokens[..tokens.len() - same_line.len()];
            let catches_all =
                header.iter().any(|t| scan.is(t, "Exception") || scan.is(t, "BaseException"));
            if !catches_all && !via_builtins {
                return false;
            }
            if !same_line.is_empty() {
                return only_swallow_tokens(scan, same_line);
            }
            !body.is_empty()
                && body.iter().all(|next| only_swallow_tokens(scan, scan.line_tokens(next)))
        })
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        for clause in context.module.nodes_of_kind(&[Kind::ExceptClause]) {
            diagnostics.extend(check_clause(context, clause));
        }
        diagnostics
    }
}

fn check_clause(context: &Context<'_>, clause: Node<'_>) -> Option<Diagnostic> {
    let caught = caught_types(clause)
        .into_iter()
        .find(|caught| catch_all_name(context, *caught).is_some())?;
    let handler_body = body(clause)?;
    if !only_swallows(handler_body)
        || is_test_code(context.module, clause)
        || is_interactive_or_traced(context.semantic)
        || in_console_output_function(context.module, clause)
    {
        return None;
    }
    let name = catch_all_name(context, caught)?;
    if name == "BaseException" && follows_catch_all(context.semantic, clause) {
        return None;
    }
    let fix = match purpose(context.semantic, clause) {
        Purpose::KnownProblem => log_fix(context, clause, handler_body),
        _ => return None,
    };
    Some(
        META.report(
            caught.byte_range(),
            format!("`except {name}` swallows the error without a trace"),
        )
        .with_fix(fix),
    )
}

/// `Exception` or `BaseException` when `caught` names the builtin
/// (`Exception`, `builtins.Exception`), not a class of the same name.
fn catch_all_name(context: &Context<'_>, caught: Node<'_>) -> Option<&'static str> {
    let text = context.module.text(caught);
    if caught.is(Kind::Identifier) {
        return CATCH_ALL
            .iter()
            .copied()
            .find(|name| *name == text && context.semantic.builtin_visible_at(caught, name));
    }
    let qualified = context.semantic.qualified_name(caught)?;
    CATCH_ALL.iter().copied().find(|name| qualified.strip_prefix("builtins.") == Some(*name))
}

fn log_fix(context: &Context<'_>, clause: Node<'_>, handler_body: Node<'_>) -> Option<Fix> {
    // A module that does not log reports some other way (its project's
    // display, warnings, a return value): a logger would be foreign to it.
    if log_call_unwelcome(context.semantic, clause) || !module_logs(context.semantic) {
        return None;
    }
    let call = log_exception_call(context.semantic, clause)?;
    let mut edits = vec![prepend_statement(context.module, handler_body, &call.text)?];
    edits.extend(call.edits);
    Some(Fix::unsafe_(edits))
}

/// Statements of one line, split at `;`: each `pass`, `...`, `continue`,
/// `return` or `return None`.
fn only_swallow_tokens(scan: &Scan<'_>, tokens: &[Token]) -> bool {
    tokens.split(|token| token.depth == 0 && scan.is(token, ";")).all(|statement| {
        let words: Vec<&[u8]> = statement.iter().map(|token| scan.text(token)).collect();
        matches!(
            words.as_slice(),
            [] | [b"pass"] | [b"..."] | [b"continue"] | [b"return"] | [b"return", b"None"]
        )
    })
}

//! # swallowed-exception (PF003)
//!
//! ## What it does
//! Finds handlers for `Exception` or `BaseException` (alone or in a tuple,
//! with or without `as e`, `except*` included) whose body only swallows the
//! exception: nothing but `pass`, `...`, `continue`, `return` or
//! `return None`.
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
//!         except Exception:
//!             continue
//! ```
//!
//! Use instead:
//! ```python
//! def refresh(cache):
//!     for key in cache:
//!         try:
//!             cache[key] = fetch(key)
//!         except Exception:
//!             log.exception("fetch failed in refresh()")
//!             continue
//! ```
//!
//! The call logs at ERROR level with the traceback. It goes through the
//! module's logger when the module binds one at module level
//! (`NAME = logging.getLogger(...)`, any name), else through `logging`,
//! imported once if the module lacks it. A lone `pass` or `...` is replaced;
//! other statements stay after the call. The message names the call or
//! import that failed and the function it failed in. `Exception` must be
//! the builtin: a module's own `Exception` class is not reported.
//!
//! No log call is added (and the finding has no fix) where logging may call
//! back into the handler: in a class derived from a `logging` class (a
//! handler's `emit`), in `__del__`, and in a module that defines its own
//! `getLogger`.
//!
//! ## Fix safety
//! Unsafe: the handler now writes log output, and `logging.exception` (the
//! fallback when the module has no logger) configures the root logger when
//! nothing else has. Code that swallows on purpose in a hot loop, or inside
//! logging itself (a handler's `emit`), may not want that.

use tree_sitter::Node;

use crate::rule::fix::Fix;
use crate::rule::{Context, Diagnostic, FileInfo, FixKind, RuleMeta, Transform};
use crate::semantic::scope::builtin_visible_at;
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::scan::{Scan, Token};
use crate::transforms::helpers::except_handler::{
    body, caught_types, log_exception_call, only_swallows, prepend_statement,
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
    if !only_swallows(handler_body) {
        return None;
    }
    let name = catch_all_name(context, caught)?;
    Some(
        META.report(
            caught.byte_range(),
            format!("`except {name}` swallows the error without a trace"),
        )
        .with_fix(log_fix(context, clause, handler_body)),
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
            .find(|name| *name == text && builtin_visible_at(context.semantic, caught, name));
    }
    let qualified = context.semantic.qualified_name(caught)?;
    CATCH_ALL.iter().copied().find(|name| qualified.strip_prefix("builtins.") == Some(*name))
}

fn log_fix(context: &Context<'_>, clause: Node<'_>, handler_body: Node<'_>) -> Option<Fix> {
    let call = log_exception_call(context.semantic, clause)?;
    let mut edits = vec![prepend_statement(context.module, handler_body, &call.text)?];
    edits.extend(call.import);
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

//! # bare-except (PF002)
//!
//! ## What it does
//! Finds bare `except:` clauses.
//!
//! ## Why is this bad?
//! A bare `except:` catches everything, `KeyboardInterrupt` and `SystemExit`
//! included: Ctrl-C no longer stops the program, `sys.exit()` inside the
//! `try` does not exit, and a handler that does nothing hides every failure
//! without a trace.
//!
//! ## Example
//! ```python
//! import json
//!
//!
//! def load(path):
//!     try:
//!         return json.loads(read(path))
//!     except:
//!         pass
//!
//! def save(path, data):
//!     try:
//!         write(path, data)
//!     except:
//!         remove_partial(path)
//!         raise
//! ```
//!
//! Use instead:
//! ```python
//! import json
//! import logging
//!
//! logger = logging.getLogger(__name__)
//!
//!
//! def load(path):
//!     try:
//!         return json.loads(read(path))
//!     except Exception:
//!         logger.exception("Failed to parse JSON")
//!
//! def save(path, data):
//!     try:
//!         write(path, data)
//!     except BaseException:
//!         remove_partial(path)
//!         raise
//! ```
//!
//! The fix depends on what the handler is for:
//! - it re-raises on every path (a bare `raise`, with no `return`, `break`,
//!   `continue` or other `raise` before it): a cleanup handler. It becomes
//!   `except BaseException:`, which says what it catches and keeps running
//!   its cleanup on Ctrl-C;
//! - it follows an `except Exception:` of the same `try` (all that is left
//!   for it is `KeyboardInterrupt`, `SystemExit` and `GeneratorExit`), or a
//!   comment in or on it says it must catch everything ("catch all", "any
//!   exception", "must not fail", ...): `except BaseException:` too, which
//!   keeps behaviour;
//! - the `try` only imports (an optional dependency: `try: import numpy as
//!   np` / `except: np = None`): `except ImportError:`, which still swallows
//!   a missing package and no longer hides an error raised inside it;
//! - any other handler becomes `except Exception:`, so that
//!   `KeyboardInterrupt` and `SystemExit` propagate again. If it also
//!   swallows the exception silently (its body is only `pass`, `...`,
//!   `continue`, `return` or `return None`) and nothing says why, a call
//!   `<logger>.exception("<what failed>")` becomes its first statement
//!   (replacing a lone `pass` or `...`; a comment after that `pass` moves
//!   to its own line above the call). The message says what the `try` did
//!   ("Failed to close conn", "Failed to parse JSON"). The call goes through
//!   the module's logger; a module without one gets `logger =
//!   logging.getLogger(__name__)` after its imports (and `import logging`
//!   in its standard-library group), never the root logger.
//!
//! No log call is added where the silence is on purpose or a log call does
//! not belong (the cases `swallowed-exception` (PF003) leaves alone): a
//! comment explains the handler; the failure is an expected branch (an
//! `else` clause, a lookup or conversion, a fallback, a default kept);
//! the `try` cleans up (`close()`, `os.unlink`, a `finally` block); code
//! that prints or formats for a person; test code; a debugger, shell or
//! traced module (a log call would show in the events a profiler records);
//! where logging may call back into the handler (a `logging` handler's
//! `emit`, `__del__`, a module that defines its own `getLogger`); and a
//! module that logs through a facility of its project (`from distutils
//! import log`). The handler is then only narrowed. A `try` that only
//! raises (`try: 1/0` / `except: pass`) exercises exception handling
//! itself and is not reported.
//!
//! ## Fix safety
//! `except BaseException:` catches exactly what `except:` catches: safe.
//! `except Exception:` is unsafe: `KeyboardInterrupt`, `SystemExit`,
//! `GeneratorExit` and `asyncio.CancelledError` now propagate out of the
//! handler, which is the point but changes behaviour, and the added log call
//! writes a record at ERROR level through the module's logger (where the
//! application's logging configuration sends it). `except ImportError:` is
//! unsafe: an error other than a missing package, raised while importing
//! it, now propagates.

use tree_sitter::Node;

use crate::rule::fix::{Edit, Fix};
use crate::rule::{Context, Diagnostic, FileInfo, FixKind, RuleMeta, Transform};
use crate::syntax::kind::Kind;
use crate::syntax::scan::Scan;
use crate::transforms::helpers::except_handler::{
    Purpose, always_reraises, body, follows_catch_all, is_bare, keyword, log_call_unwelcome,
    log_exception_call, only_swallows, prepend_statement, purpose,
};

pub struct BareExcept;

static META: RuleMeta = RuleMeta {
    code: "PF002",
    name: "bare-except",
    fix: FixKind::SafeOrUnsafe,
    source: include_str!("bare_except.rs"),
    aliases: &["E722"],
};

impl Transform for BareExcept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// `except` directly followed by `:`.
    fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        scan.tokens.windows(2).any(|pair| scan.is(&pair[0], "except") && scan.is(&pair[1], ":"))
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        for clause in context.module.nodes_of_kind(&[Kind::ExceptClause]) {
            if is_bare(clause) {
                diagnostics.extend(check_clause(context, clause));
            }
        }
        diagnostics
    }
}

fn check_clause(context: &Context<'_>, clause: Node<'_>) -> Option<Diagnostic> {
    let except = keyword(clause)?;
    let handler_body = body(clause)?;
    let purpose = purpose(context.semantic, clause);
    if purpose == Purpose::Synthetic {
        return None;
    }
    if always_reraises(context.module, handler_body) {
        let message =
            "bare `except:` re-raises everything it catches; `except BaseException:` says so";
        let fix = catch_as(context, clause, except, "BaseException").map(|e| Fix::safe(vec![e]));
        return Some(META.report(except.byte_range(), message).with_fix(fix));
    }
    if follows_catch_all(context.semantic, clause) {
        let message = "bare `except:` after `except Exception:` catches only `KeyboardInterrupt`, \
                       `SystemExit` and `GeneratorExit`; `except BaseException:` says so";
        let fix = catch_as(context, clause, except, "BaseException").map(|e| Fix::safe(vec![e]));
        return Some(META.report(except.byte_range(), message).with_fix(fix));
    }
    let message = "bare `except:` also catches `KeyboardInterrupt` and `SystemExit`";
    let fix = match purpose {
        Purpose::CatchesEverything => {
            catch_as(context, clause, except, "BaseException").map(|e| Fix::safe(vec![e]))
        }
        Purpose::OptionalImport => {
            catch_as(context, clause, except, "ImportError").map(|e| Fix::unsafe_(vec![e]))
        }
        _ => catch_exception_fix(context, clause, except, handler_body, purpose),
    };
    Some(META.report(except.byte_range(), message).with_fix(fix))
}

/// `except Exception:`, plus a log call when the handler swallows silently
/// for no stated reason.
fn catch_exception_fix(
    context: &Context<'_>,
    clause: Node<'_>,
    except: Node<'_>,
    handler_body: Node<'_>,
    purpose: Purpose,
) -> Option<Fix> {
    let mut edits = vec![catch_as(context, clause, except, "Exception")?];
    let log = matches!(purpose, Purpose::Unexplained | Purpose::KnownProblem)
        && only_swallows(handler_body)
        && !log_call_unwelcome(context.semantic, clause);
    if log
        && let Some(call) = log_exception_call(context.semantic, clause)
        && let Some(edit) = prepend_statement(context.module, handler_body, &call.text)
    {
        edits.push(edit);
        edits.extend(call.edits);
    }
    Some(Fix::unsafe_(edits))
}

/// Inserts ` BaseException`, ` Exception` or ` ImportError` after `except`,
/// unless a local or module-level name hides the builtin.
fn catch_as(
    context: &Context<'_>,
    clause: Node<'_>,
    except: Node<'_>,
    builtin: &str,
) -> Option<Edit> {
    context
        .semantic
        .builtin_visible_at(clause, builtin)
        .then(|| Edit::insert(except.end_byte(), format!(" {builtin}")))
}

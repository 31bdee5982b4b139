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
//! def load(path):
//!     try:
//!         return json.loads(read(path))
//!     except Exception:
//!         logging.exception("json.loads failed in load()")
//!
//! def save(path, data):
//!     try:
//!         write(path, data)
//!     except BaseException:
//!         remove_partial(path)
//!         raise
//! ```
//!
//! A handler that re-raises on every path (a bare `raise`, with no `return`,
//! `break`, `continue` or other `raise` before it) is a cleanup handler: it
//! becomes `except BaseException:`, which says what it catches and keeps
//! running its cleanup on Ctrl-C. Any other handler becomes
//! `except Exception:`, so that `KeyboardInterrupt` and `SystemExit`
//! propagate again. If it also swallows the exception silently (its body is
//! only `pass`, `...`, `continue`, `return` or `return None`), a call
//! `<logger>.exception("<what> failed in <where>")` becomes its first
//! statement (replacing a lone `pass` or `...`), through the module's logger
//! when it binds one at module level (`log = logging.getLogger(__name__)`),
//! else through `logging`, imported once if the module lacks it. Comments on
//! the `except` line and in the body stay where they are.
//!
//! No log call is added (and the finding has no fix) where logging may call
//! back into the handler: in a class derived from a `logging` class (a
//! handler's `emit`), in `__del__`, and in a module that defines its own
//! `getLogger`.
//!
//! ## Fix safety
//! `except BaseException:` catches exactly what `except:` catches: safe.
//! `except Exception:` is unsafe: `KeyboardInterrupt`, `SystemExit`,
//! `GeneratorExit` and `asyncio.CancelledError` now propagate out of the
//! handler, which is the point but changes behaviour, and the added log call
//! writes output (and, through `logging.exception`, configures the root
//! logger when nothing else has).

use tree_sitter::Node;

use crate::rule::fix::{Edit, Fix};
use crate::rule::{Context, Diagnostic, FileInfo, FixKind, RuleMeta, Transform};
use crate::semantic::scope::builtin_visible_at;
use crate::syntax::kind::Kind;
use crate::syntax::scan::Scan;
use crate::transforms::helpers::except_handler::{
    always_reraises, body, is_bare, keyword, log_exception_call, only_swallows, prepend_statement,
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
    let reraises = always_reraises(context.module, handler_body);
    let message = if reraises {
        "bare `except:` re-raises everything it catches; `except BaseException:` says so"
    } else {
        "bare `except:` also catches `KeyboardInterrupt` and `SystemExit`"
    };
    let fix = if reraises {
        catch_all_as(context, clause, except, "BaseException").map(|edit| Fix::safe(vec![edit]))
    } else {
        catch_exception_fix(context, clause, except, handler_body)
    };
    Some(META.report(except.byte_range(), message).with_fix(fix))
}

/// `except Exception:`, plus a log call when the handler swallows silently.
fn catch_exception_fix(
    context: &Context<'_>,
    clause: Node<'_>,
    except: Node<'_>,
    handler_body: Node<'_>,
) -> Option<Fix> {
    let mut edits = vec![catch_all_as(context, clause, except, "Exception")?];
    if only_swallows(handler_body) {
        let call = log_exception_call(context.semantic, clause)?;
        edits.push(prepend_statement(context.module, handler_body, &call.text)?);
        edits.extend(call.import);
    }
    Some(Fix::unsafe_(edits))
}

/// Inserts ` BaseException` or ` Exception` after `except`, unless a local
/// or module-level name hides the builtin.
fn catch_all_as(
    context: &Context<'_>,
    clause: Node<'_>,
    except: Node<'_>,
    builtin: &str,
) -> Option<Edit> {
    builtin_visible_at(context.semantic, clause, builtin)
        .then(|| Edit::insert(except.end_byte(), format!(" {builtin}")))
}

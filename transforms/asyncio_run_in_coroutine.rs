//! # asyncio-run-in-coroutine (PF010)
//!
//! ## What it does
//! Finds `asyncio.run()` (however it was imported) and
//! `loop.run_until_complete()` called directly in an `async def`, where
//! `loop` is an asyncio event loop the coroutine got itself (from
//! `asyncio.get_running_loop()`, `get_event_loop()`, `new_event_loop()`;
//! an attribute or a parameter may be an object with a
//! `run_until_complete()` method of its own, and is not reported). A call in
//! a nested `def` or lambda is not the coroutine's own code (such a function
//! is often handed to a thread, `loop.run_in_executor()` or
//! `asyncio.to_thread()`, where starting a loop is legal) and is not
//! reported.
//!
//! ## Why is this bad?
//! A coroutine runs on an event loop, and while it runs, no other loop can
//! start in the same thread: `asyncio.run()` raises `RuntimeError:
//! asyncio.run() cannot be called from a running event loop`, and
//! `run_until_complete()` raises `RuntimeError: This event loop is already
//! running` (on the running loop) or `Cannot run the event loop while
//! another loop is running` (on a new one). The code never works; the
//! coroutine passed in is never awaited. It usually comes from a
//! synchronous function made `async` without updating its body.
//!
//! ## Example
//! ```python
//! import asyncio
//!
//! async def refresh(client):
//!     token = asyncio.run(client.fetch_token())
//!     return token
//! ```
//!
//! Use instead:
//! ```python
//! import asyncio
//!
//! async def refresh(client):
//!     token = await client.fetch_token()
//!     return token
//! ```
//!
//! `asyncio.run(x)` becomes `await x`, and so does `loop.run_until_complete(x)`
//! when `loop` is the loop running the coroutine (`asyncio.get_running_loop()`
//! or `asyncio.get_event_loop()`, called there or assigned to a local name of
//! the coroutine). It is put in parentheses where the call was the object of
//! an attribute, subscript or call (`(await x).value`); an awaited call,
//! `await asyncio.run(x)`, becomes `await x`. There is no fix when the call
//! has other arguments (`debug=True`), a comment inside, calls the
//! coroutine it is in (awaited, it would recurse for ever), sits in a
//! generator expression (where `await` would make it an
//! async generator), in a `try` that catches the `RuntimeError` it raises,
//! in a parameter or return annotation of a nested `def` (`await` is a
//! syntax error there under `from __future__ import annotations` and from
//! Python 3.14), or is a decorator's whole expression when the target
//! version is older than 3.9 (`@await x` needs 3.9);
//! nor for `run_until_complete()` on another loop (a new one, an attribute):
//! the coroutine may need that loop, or a thread of its own. An import the
//! call was the only use of (`from asyncio import run`) is removed with it.
//!
//! Not reported: test code (test modules, `test*` functions, `TestCase`
//! classes), which checks that the call raises; a call under an `if` that
//! checks whether a loop is running (`asyncio.get_running_loop()`,
//! `loop.is_running()`); a call in an annotation Python never evaluates
//! (a local variable's, or any under `from __future__ import annotations`);
//! modules that import `nest_asyncio` (which makes
//! loops re-entrant on purpose), or trio, anyio, curio or Twisted (whose
//! coroutines do not run on an asyncio loop, so `asyncio.run()` works there).
//!
//! ## Fix safety
//! Unsafe. The fixed code runs the coroutine where the original raised
//! `RuntimeError`: code that caught that error (in a caller) takes another
//! path. The coroutine then runs in the current task on the current loop,
//! not in a new loop: it shares the task's context variables (a change it
//! makes is seen by the caller), a cancellation of the task reaches it, and
//! the work `asyncio.run()` did at the end (cancelling the tasks the
//! coroutine left running, shutting down async generators and the default
//! executor, closing the loop) no longer happens then.

use tree_sitter::Node;

use crate::rule::fix::Edit;
use crate::rule::importer::remove_import_name;
use crate::rule::{
    Context, Diagnostic, FileInfo, Fix, FixKind, PythonVersion, RuleMeta, Transform,
};
use crate::semantic::{BindingKind, Semantic};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::scan::Scan;
use crate::transforms::helpers::coroutines::{
    checks_running_loop, defines_coroutine, is_test_code,
};

pub struct AsyncioRunInCoroutine;

static META: RuleMeta = RuleMeta {
    code: "PF010",
    name: "asyncio-run-in-coroutine",
    fix: FixKind::Unsafe,
    source: include_str!("asyncio_run_in_coroutine.rs"),
    aliases: &[],
};

/// The qualified names of `asyncio.run`.
const ASYNCIO_RUN: &[&str] = &["asyncio.run", "asyncio.runners.run"];

impl Transform for AsyncioRunInCoroutine {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// `async` directly followed by `def`, and the name `run` (every
    /// spelling of `asyncio.run` has it, in the call or its import) or
    /// `run_until_complete`, in the code or in an f-string's replacement
    /// field (`f"{asyncio.run(c())}"` after `import asyncio`).
    fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        // The coroutine test is cheaper than gathering the words: first.
        defines_coroutine(scan) && {
            let words = scan.words();
            words.contains("run") || words.contains("run_until_complete")
        }
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let semantic = context.semantic;
        let module = context.module;
        if semantic.other_event_loop().is_some() || semantic.patches_nested_loops() {
            return Vec::new();
        }
        let mut diagnostics = Vec::new();
        for call in module.nodes_of_kind(&[Kind::Call]) {
            let Some(callee) = call.child_by_field_name("function") else { continue };
            let Some(runner) = runner(context, callee) else { continue };
            let Some(coroutine) = semantic.enclosing_coroutine(call) else { continue };
            if is_test_code(module, call) || checks_running_loop(module, call, coroutine) {
                continue;
            }
            // In an annotation Python never evaluates, the call never runs.
            let annotation = annotation_around(semantic, call, coroutine);
            if annotation == Some(false) {
                continue;
            }
            let (message, fixable) = match runner {
                Runner::AsyncioRun => (
                    "`asyncio.run()` in a coroutine always raises `RuntimeError` (a loop is \
                     already running): `await` the coroutine instead",
                    true,
                ),
                Runner::RunUntilComplete(loop_) if semantic.is_running_loop(loop_, coroutine) => (
                    "`run_until_complete()` on the running loop always raises `RuntimeError` \
                     in a coroutine: `await` the argument instead",
                    true,
                ),
                Runner::RunUntilComplete(_) => (
                    "`run_until_complete()` in a coroutine always raises `RuntimeError` (a loop \
                     already runs in this thread): `await` the argument instead, or run \
                     that loop in another thread",
                    false,
                ),
            };
            // `await` is a syntax error in an annotation under `from
            // __future__ import annotations` (and from Python 3.14), and in
            // a decorator's own expression before Python 3.9.
            let fixable = fixable
                && annotation.is_none()
                && (context.settings.target_version >= PythonVersion(3, 9)
                    || module.parent(call).is_none_or(|parent| !parent.is(Kind::Decorator)));
            let fix = if fixable { await_fix(semantic, call, coroutine) } else { None };
            diagnostics.push(META.report(call.byte_range(), message).with_fix(fix));
        }
        diagnostics
    }
}

/// What a call starts a loop with.
enum Runner<'t> {
    AsyncioRun,
    /// `loop.run_until_complete()`, with the `loop` expression.
    RunUntilComplete(Node<'t>),
}

fn runner<'t>(context: &Context<'_>, callee: Node<'t>) -> Option<Runner<'t>> {
    if callee.is(Kind::Attribute)
        && callee
            .child_by_field_name("attribute")
            .is_some_and(|name| context.module.text(name) == "run_until_complete")
    {
        let loop_ = callee.child_by_field_name("object")?;
        let coroutine = context.semantic.enclosing_coroutine(callee)?;
        return context
            .semantic
            .is_event_loop(loop_, coroutine)
            .then_some(Runner::RunUntilComplete(loop_));
    }
    let qualified = context.semantic.qualified_name(callee)?;
    ASYNCIO_RUN.contains(&qualified.as_str()).then_some(Runner::AsyncioRun)
}

/// `asyncio.run(x)` (or `loop.run_until_complete(x)`) becomes `await x`,
/// in parentheses where the call was the object of an attribute, subscript
/// or call; `await asyncio.run(x)` becomes `await x`.
fn await_fix(semantic: &Semantic<'_>, call: Node<'_>, coroutine: Node<'_>) -> Option<Fix> {
    let module = semantic.module();
    let arguments = call.child_by_field_name("arguments")?;
    if !arguments.is(Kind::ArgumentList) {
        return None;
    }
    let mut cursor = arguments.walk();
    let values: Vec<Node<'_>> = arguments.named_children(&mut cursor).collect();
    let [argument] = values.as_slice() else { return None };
    // `await` binds tighter than any operator: only a primary follows it
    // without parentheses.
    if !matches!(
        argument.py_kind(),
        Kind::Call
            | Kind::Identifier
            | Kind::Attribute
            | Kind::Subscript
            | Kind::ParenthesizedExpression
    ) {
        return None;
    }
    if !fix_keeps_meaning(module, call, coroutine) || calls_itself(module, *argument, coroutine) {
        return None;
    }
    let awaited = format!("await {}", module.text(*argument));
    let parent = module.parent(call)?;
    // `await asyncio.run(x)` (or `await (asyncio.run(x))`) meant `await
    // x`: the whole expression goes.
    let awaiting = std::iter::successors(Some(parent), |node| {
        node.is(Kind::ParenthesizedExpression).then(|| module.parent(*node)).flatten()
    })
    .find(|node| !node.is(Kind::ParenthesizedExpression))
    .filter(|node| node.is(Kind::Await));
    let (range, replacement) = if let Some(awaiting) = awaiting {
        (awaiting.byte_range(), awaited)
    } else {
        let is_object = match parent.py_kind() {
            Kind::Attribute => parent.child_by_field_name("object"),
            Kind::Subscript => parent.child_by_field_name("value"),
            Kind::Call => parent.child_by_field_name("function"),
            _ => None,
        }
        .is_some_and(|object| object.id() == call.id());
        (call.byte_range(), if is_object { format!("({awaited})") } else { awaited })
    };
    let mut edits = vec![Edit::replace(range, replacement)];
    edits.extend(unused_import_removal(semantic, call));
    Some(Fix::unsafe_(edits))
}

/// The edit that removes the import the callee's first name reads
/// (`from asyncio import run`, `import asyncio`) when the call is its only
/// use: the name appears nowhere else in the file (but as the name another
/// import reads), not even in a string (`__all__`) or a comment.
fn unused_import_removal(semantic: &Semantic<'_>, call: Node<'_>) -> Option<Edit> {
    let module = semantic.module();
    let mut root = call.child_by_field_name("function")?;
    while root.is(Kind::Attribute) {
        root = root.child_by_field_name("object")?;
    }
    let id = semantic.resolved_binding(semantic.reference_at(root)?)?;
    let binding = semantic.binding(id);
    if binding.kind != BindingKind::Import || binding.scope != semantic.module_scope() {
        return None;
    }
    if semantic.bindings_of(binding.symbol).len() != 1 {
        return None;
    }
    let name = module.text(binding.name);
    // In another import, the name is what that import reads (`run` of
    // `from asyncio import run as start`), not this binding.
    let in_other_import = |at: usize| {
        at != binding.name.start_byte()
            && module.root().descendant_for_byte_range(at, at + name.len()).is_some_and(|node| {
                std::iter::successors(Some(node), |node| module.parent(*node)).any(|ancestor| {
                    matches!(ancestor.py_kind(), Kind::ImportStatement | Kind::ImportFromStatement)
                })
            })
    };
    let mentions: Vec<usize> =
        word_offsets(module.source, name).into_iter().filter(|&at| !in_other_import(at)).collect();
    if mentions != [binding.name.start_byte(), root.start_byte()] {
        return None;
    }
    let import = semantic.import_of(id)?;
    remove_import_name(module, import.statement, import.item)
}

/// Where `word` occurs in `text` as a whole identifier, not as an
/// attribute (`x.word`): in code, strings or comments.
fn word_offsets(text: &str, word: &str) -> Vec<usize> {
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word)
        .map(|(at, _)| at)
        .filter(|&at| {
            let before = text[..at].chars().next_back();
            let after = text[at + word.len()..].chars().next();
            !before.is_some_and(|c| is_name(c) || c == '.') && !after.is_some_and(is_name)
        })
        .collect()
}

/// Where the call is part of an annotation in the coroutine's code:
/// `Some(false)` for one Python never evaluates (a local variable's, or any
/// under `from __future__ import annotations`), `Some(true)` for a
/// parameter or return annotation of a nested `def`, evaluated when the
/// `def` runs; `None` outside annotations.
fn annotation_around(semantic: &Semantic<'_>, call: Node<'_>, coroutine: Node<'_>) -> Option<bool> {
    let module = semantic.module();
    let mut child = call;
    let mut current = module.parent(call);
    while let Some(ancestor) = current {
        if ancestor.id() == coroutine.id() {
            return None;
        }
        let field = match ancestor.py_kind() {
            Kind::Assignment => {
                let annotates = ancestor.child_by_field_name("type") == Some(child);
                if annotates {
                    return Some(false);
                }
                None
            }
            Kind::FunctionDefinition => ancestor.child_by_field_name("return_type"),
            Kind::TypedParameter | Kind::TypedDefaultParameter => {
                ancestor.child_by_field_name("type")
            }
            _ => None,
        };
        if field == Some(child) {
            return Some(!semantic.future_annotations());
        }
        child = ancestor;
        current = module.parent(ancestor);
    }
    None
}

/// The argument calls the coroutine it is in (`main()` in `async def
/// main()`, `self.main()` in a method): awaited, it would recurse for ever
/// where the original raised at once.
fn calls_itself(module: &Module<'_>, argument: Node<'_>, coroutine: Node<'_>) -> bool {
    let Some(name) = coroutine.child_by_field_name("name") else { return false };
    let Some(function) =
        argument.child_by_field_name("function").filter(|_| argument.is(Kind::Call))
    else {
        return false;
    };
    let called = match function.py_kind() {
        Kind::Attribute => function.child_by_field_name("attribute"),
        _ => Some(function),
    };
    called.is_some_and(|called| module.text(called) == module.text(name))
}

/// Between the call and its coroutine, nothing makes `await` change what
/// the code does: no generator expression (an `await` in it makes an async
/// generator), no `try` whose handler names `RuntimeError` (the code
/// counted on the error).
fn fix_keeps_meaning(module: &Module<'_>, call: Node<'_>, coroutine: Node<'_>) -> bool {
    let mut child = call;
    let mut current = module.parent(call);
    while let Some(ancestor) = current {
        if ancestor.id() == coroutine.id() {
            return true;
        }
        match ancestor.py_kind() {
            Kind::GeneratorExpression => return false,
            Kind::TryStatement
                if ancestor
                    .child_by_field_name("body")
                    .is_some_and(|body| body.id() == child.id()) =>
            {
                let mut cursor = ancestor.walk();
                let catches_runtime_error = ancestor.named_children(&mut cursor).any(|clause| {
                    clause.is(Kind::ExceptClause)
                        && clause.named_child(0).is_some_and(|caught| {
                            !caught.is(Kind::Block) && module.text(caught).contains("RuntimeError")
                        })
                });
                if catches_runtime_error {
                    return false;
                }
            }
            _ => {}
        }
        child = ancestor;
        current = module.parent(ancestor);
    }
    true
}

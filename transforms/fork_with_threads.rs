//! # fork-with-threads (PF013)
//!
//! ## What it does
//! Finds processes created with the default start method
//! (`multiprocessing.Process(...)`, `multiprocessing.Pool(...)`,
//! `concurrent.futures.ProcessPoolExecutor(...)` without `mp_context=`)
//! at a point where the module has threads running:
//! - inside a `with ThreadPoolExecutor(...)` (or `ThreadPool`) block;
//! - in a function the module runs in a thread (`Thread(target=f)`,
//!   `executor.submit(f)`, `executor.map(f, ...)` on a thread pool);
//! - after the same function started a thread (`t.start()` on a
//!   `threading.Thread` or `Timer`) and did not join it, or created a thread
//!   pool and did not shut it down;
//! - anywhere in a module that starts a thread at import time.
//!
//! A module that chooses a start method (`set_start_method`,
//! `get_context(...)`, `set_forkserver_preload`) is not reported, nor is
//! test code (a test module, function or class: it forks with threads on
//! purpose), nor a pool that runs nothing (`with Pool(1): pass`, which
//! exercises the creation of pools).
//!
//! ## Why is this bad?
//! On Linux the default start method (before Python 3.14) is `fork`: the
//! child is a copy of the parent with only the thread that forked. A lock
//! another thread held at that moment (the logging module's, the import
//! lock, a `queue.Queue`'s, malloc's) is copied locked and nobody will ever
//! release it: the child hangs the first time it takes that lock. Python
//! 3.12 warns (`DeprecationWarning: ... use of fork() may lead to
//! deadlocks`), and 3.14 makes `forkserver` the default on POSIX.
//! The `spawn` start method starts a fresh interpreter and copies no lock.
//!
//! ## Example
//! ```python
//! import multiprocessing
//! import threading
//!
//! def work(n):
//!     return n * n
//!
//! def main():
//!     threading.Thread(target=heartbeat, daemon=True).start()
//!     p = multiprocessing.Process(target=work, args=(3,))
//!     p.start()
//!
//! if __name__ == "__main__":
//!     main()
//! ```
//!
//! Use instead:
//! ```python
//! def main():
//!     threading.Thread(target=heartbeat, daemon=True).start()
//!     p = multiprocessing.get_context("spawn").Process(target=work, args=(3,))
//!     p.start()
//! ```
//!
//! Fixed only where `spawn` can work: the module has an
//! `if __name__ == "__main__":` guard (spawn imports the main module again
//! in the child) and starts no thread when imported (the child would start
//! it again); it makes no queue, lock, event, shared value or manager of
//! `multiprocessing` (made with the default start method, they cannot be
//! handed to a spawned child); and what the child runs is a function
//! defined at the module's top level (spawn pickles it by name): the
//! `target=` of a `Process`, the pool's `initializer=`, and every function
//! handed to the pool (`map`, `submit`, `apply_async`, ...) when the pool
//! is bound by `with ... as p` or `p = ...` and used only through such
//! calls. `multiprocessing.Process` and `multiprocessing.Pool` (through the
//! module or an alias of it) become `multiprocessing.get_context("spawn").Process`
//! and `.Pool`; `Pool` imported with `from multiprocessing import Pool`
//! becomes `get_context("spawn").Pool`, with `get_context` taking the place
//! of `Pool` in that import when this was its only use, else joining it
//! (when the module imports and uses both `Pool` and `Process` that way,
//! `get_context` joins the first of those imports and both classes stay
//! imported: the two fixes could not share one import otherwise). A
//! `ProcessPoolExecutor(...)` gets `mp_context=multiprocessing.get_context("spawn")`
//! as its last argument, written as the call writes its arguments (on a
//! line of its own in a call laid out one argument a line, with its
//! trailing comma), and `import multiprocessing` joins the
//! standard-library imports when missing. Anywhere else the finding says
//! why there is no fix.
//!
//! ## Fix safety
//! Unsafe. A spawned child starts from a fresh interpreter: it imports the
//! main module again (its top-level code runs again, outside the
//! `__main__` guard), sees module globals as the import leaves them (not as
//! the parent changed them later), inherits no open file or socket that was
//! not passed to it, and must be able to pickle the target's arguments
//! (a queue or lock made elsewhere with the default start method cannot
//! be handed to it: `RuntimeError`).
//! Starting it is slower (tens of milliseconds).

use std::ops::Range;

use tree_sitter::Node;

use crate::rule::fix::Edit;
use crate::rule::importer::{ensure_import_in_section, remove_import_name};
use crate::rule::{Context, Diagnostic, FileInfo, Fix, FixKind, RuleMeta, Transform};
use crate::semantic::{BindingKind, ScopeKind};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::scan::{Kind as ScanKind, Scan};
use crate::syntax::walk::{Walk, any_node, visit};
use crate::transforms::helpers::except_handler::is_test_code;

pub struct ForkWithThreads;

static META: RuleMeta = RuleMeta {
    code: "PF013",
    name: "fork-with-threads",
    fix: FixKind::Unsafe,
    source: include_str!("fork_with_threads.rs"),
    aliases: &[],
};

const THREADS: &[&str] = &["threading.Thread", "threading.Timer"];
const THREAD_POOLS: &[&str] = &[
    "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor",
    "multiprocessing.pool.ThreadPool",
    "multiprocessing.dummy.Pool",
];
const PROCESSES: &[&str] = &["multiprocessing.Process", "multiprocessing.context.Process"];
const PROCESS_POOLS: &[&str] = &["multiprocessing.Pool", "multiprocessing.pool.Pool"];
const PROCESS_EXECUTORS: &[&str] =
    &["concurrent.futures.ProcessPoolExecutor", "concurrent.futures.process.ProcessPoolExecutor"];
/// Names that choose a start method.
const CHOOSERS: &[&str] = &["set_start_method", "get_context", "set_forkserver_preload"];
/// Pool methods that run a function in the children.
const POOL_METHODS: &[&str] = &[
    "map",
    "map_async",
    "imap",
    "imap_unordered",
    "starmap",
    "starmap_async",
    "apply",
    "apply_async",
    "submit",
];
/// Pool methods that hand the children nothing to run.
const POOL_PLAIN_METHODS: &[&str] =
    &["close", "join", "terminate", "shutdown", "__enter__", "__exit__"];

impl Transform for ForkWithThreads {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A finding needs a thread and a process: the names `threading` or
    /// `Thread`/`ThreadPool`/`ThreadPoolExecutor`, and `multiprocessing` or
    /// `ProcessPoolExecutor`, among the tokens.
    fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        let names = || scan.tokens.iter().filter(|token| token.kind == ScanKind::Name);
        let threads = names().any(|token| {
            ["threading", "Thread", "Timer", "ThreadPool", "ThreadPoolExecutor", "dummy"]
                .iter()
                .any(|name| scan.is(token, name))
        });
        threads
            && names().any(|token| {
                ["multiprocessing", "ProcessPoolExecutor"].iter().any(|name| scan.is(token, name))
            })
    }

    /// Whether threads run when a process starts depends on other
    /// functions (thread targets, import-time code): keep every body of a
    /// file that may match (such files are few).
    fn may_need_definition(&self, _view: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        true
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let module = context.module;
        let chooses = any_node(module.root(), |node| {
            node.is(Kind::Identifier) && CHOOSERS.contains(&module.text(node))
        });
        if chooses {
            return Vec::new();
        }
        let import_time_thread = starts_thread_at_import(context);
        let thread_targets = thread_targets(context);
        let mut diagnostics = Vec::new();
        for call in module.nodes_of_kind(&[Kind::Call]) {
            let Some(kind) = process_kind(context, call) else { continue };
            if is_test_code(module, call) || runs_nothing(context, call) {
                continue;
            }
            let reason = if import_time_thread {
                Some("a thread started when the module is imported is still running")
            } else if inside_thread_pool(context, call) {
                Some("the thread pool around it is running")
            } else if runs_in_thread(context, call, &thread_targets) {
                Some("it runs in a thread, while other threads run")
            } else if thread_running_before(context, call) {
                Some("a thread started earlier in this function is still running")
            } else {
                None
            };
            let Some(reason) = reason else { continue };
            let what = match kind {
                ProcessKind::Process => "a process",
                ProcessKind::Pool => "a process pool",
                ProcessKind::Executor => "a process pool executor",
            };
            let fix = if import_time_thread {
                Err("spawn imports the main module again, and its import starts a thread")
            } else {
                fix_for(context, call, kind)
            };
            let message = match &fix {
                Ok(_) => format!(
                    "{what} is forked while threads run ({reason}): a lock another thread holds \
                     is copied locked and can hang the child; use the \"spawn\" start method"
                ),
                Err(why) => format!(
                    "{what} is forked while threads run ({reason}): a lock another thread holds \
                     is copied locked and can hang the child; use the \"spawn\" start method \
                     (no fix: {why})"
                ),
            };
            diagnostics.push(META.report(call.byte_range(), message).with_fix(fix.ok()));
        }
        diagnostics
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ProcessKind {
    Process,
    Pool,
    Executor,
}

fn qualified_callee(context: &Context<'_>, call: Node<'_>) -> Option<String> {
    if !call.is(Kind::Call) {
        return None;
    }
    context.semantic.qualified_name(call.child_by_field_name("function")?)
}

fn calls_one_of(context: &Context<'_>, call: Node<'_>, names: &[&str]) -> bool {
    qualified_callee(context, call).is_some_and(|name| names.contains(&name.as_str()))
}

/// A process created with the default start method.
fn process_kind(context: &Context<'_>, call: Node<'_>) -> Option<ProcessKind> {
    let name = qualified_callee(context, call)?;
    if PROCESSES.contains(&name.as_str()) {
        Some(ProcessKind::Process)
    } else if PROCESS_POOLS.contains(&name.as_str()) {
        Some(ProcessKind::Pool)
    } else if PROCESS_EXECUTORS.contains(&name.as_str()) {
        let arguments = call.child_by_field_name("arguments")?;
        let module = context.module;
        let mut cursor = arguments.walk();
        let has_context = arguments.named_children(&mut cursor).any(|argument| {
            argument.is(Kind::KeywordArgument)
                && argument
                    .child_by_field_name("name")
                    .is_some_and(|name| module.text(name) == "mp_context")
                || argument.is(Kind::DictionarySplat)
        });
        // `ProcessPoolExecutor(4, ctx)`: the context is the second positional argument.
        let positional = positional_count(arguments);
        (!has_context && positional < 2).then_some(ProcessKind::Executor)
    } else {
        None
    }
}

/// `with multiprocessing.Pool(1): pass`: a pool that runs nothing is there
/// to exercise the creation of pools (a regression test of fork itself),
/// not to do work.
fn runs_nothing(context: &Context<'_>, call: Node<'_>) -> bool {
    let module = context.module;
    let mut node = call;
    while let Some(parent) = module.parent(node) {
        match parent.py_kind() {
            Kind::AsPattern | Kind::WithItem => node = parent,
            _ if parent.kind() == "with_clause" => node = parent,
            Kind::WithStatement => {
                return parent.child_by_field_name("body").is_some_and(|body| {
                    let mut cursor = body.walk();
                    body.named_children(&mut cursor).all(|statement| {
                        statement.is(Kind::PassStatement)
                            || statement.is(Kind::Comment)
                            || statement.is(Kind::ExpressionStatement)
                                && module.text(statement) == "..."
                    })
                });
            }
            _ => return false,
        }
    }
    false
}

/// The innermost function around `node` (`None` at module level or in a class body).
fn enclosing_function(node: Node<'_>) -> Option<Node<'_>> {
    let mut current = node.parent();
    while let Some(ancestor) = current {
        match ancestor.py_kind() {
            Kind::FunctionDefinition | Kind::Lambda => return Some(ancestor),
            Kind::ClassDefinition => return None,
            _ => current = ancestor.parent(),
        }
    }
    None
}

/// `node` is a call `<x>.start()` whose `x` is a thread: `Thread(...).start()`,
/// or `x` a name some statement of `scope` binds to `Thread(...)`, or the
/// loop variable over such names (any `.start()` on a name when `scope`
/// constructs a thread and the name is not bound to something else).
fn is_thread_start(context: &Context<'_>, node: Node<'_>, scope: Node<'_>) -> bool {
    let module = context.module;
    let Some(callee) = node.child_by_field_name("function").filter(|f| f.is(Kind::Attribute))
    else {
        return false;
    };
    if !node.is(Kind::Call)
        || callee.child_by_field_name("attribute").map(|a| module.text(a)) != Some("start")
        || node.child_by_field_name("arguments").is_none_or(|a| a.named_child_count() != 0)
    {
        return false;
    }
    let Some(object) = callee.child_by_field_name("object") else { return false };
    if calls_one_of(context, object, THREADS) || is_thread_subclass(context, object) {
        return true;
    }
    // `t.start()`, `self._thread.start()`: a thread when the scope builds
    // threads and binds that name (or attribute) to one, directly or in a list.
    let name = match object.py_kind() {
        Kind::Identifier => module.text(object),
        Kind::Attribute => object.child_by_field_name("attribute").map_or("", |a| module.text(a)),
        _ => return false,
    };
    bound_to_thread(context, scope, name)
}

/// Some assignment, `append` or loop in `scope` ties `name` to a thread
/// constructor call (`name = Thread(...)`, `self.name = Thread(...)`,
/// `name = [Thread(...) ...]`, `for name in threads` with `threads` such a
/// list).
fn bound_to_thread(context: &Context<'_>, scope: Node<'_>, name: &str) -> bool {
    let module = context.module;
    let holds_thread = |value: Node<'_>| {
        any_node(value, |node| {
            calls_one_of(context, node, THREADS) || is_thread_subclass(context, node)
        })
    };
    let target_name = |target: Node<'_>| match target.py_kind() {
        Kind::Identifier => Some(module.text(target)),
        Kind::Attribute => target.child_by_field_name("attribute").map(|a| module.text(a)),
        _ => None,
    };
    let mut lists = vec![name.to_string()];
    let mut found = false;
    // Two rounds: `for t in threads` then `threads = [Thread(...)]` or
    // `threads.append(Thread(...))`.
    for _ in 0..2 {
        visit(scope, |node| {
            match node.py_kind() {
                Kind::Assignment => {
                    if let (Some(left), Some(right)) =
                        (node.child_by_field_name("left"), node.child_by_field_name("right"))
                        && target_name(left).is_some_and(|t| lists.iter().any(|l| l == t))
                        && holds_thread(right)
                    {
                        found = true;
                    }
                }
                Kind::Call => {
                    // `threads.append(Thread(...))`
                    if let Some(function) = node.child_by_field_name("function")
                        && function.is(Kind::Attribute)
                        && function.child_by_field_name("attribute").map(|a| module.text(a))
                            == Some("append")
                        && function
                            .child_by_field_name("object")
                            .and_then(target_name)
                            .is_some_and(|t| lists.iter().any(|l| l == t))
                        && node.child_by_field_name("arguments").is_some_and(holds_thread)
                    {
                        found = true;
                    }
                }
                Kind::ForStatement => {
                    if let (Some(left), Some(right)) =
                        (node.child_by_field_name("left"), node.child_by_field_name("right"))
                        && target_name(left).is_some_and(|t| t == name)
                        && let Some(list) = target_name(right)
                        && !lists.iter().any(|l| l == list)
                    {
                        lists.push(list.to_string());
                    }
                }
                _ => {}
            }
            if found { Walk::Stop } else { Walk::Descend }
        });
        if found {
            return true;
        }
    }
    false
}

/// A call to a class of this module that subclasses `threading.Thread`.
fn is_thread_subclass(context: &Context<'_>, call: Node<'_>) -> bool {
    let module = context.module;
    let Some(function) = call.child_by_field_name("function").filter(|f| f.is(Kind::Identifier))
    else {
        return false;
    };
    let name = module.text(function);
    let mut found = false;
    visit(module.root(), |node| {
        if node.is(Kind::ClassDefinition)
            && node.child_by_field_name("name").is_some_and(|n| module.text(n) == name)
            && node.child_by_field_name("superclasses").is_some_and(|bases| {
                let mut cursor = bases.walk();
                bases.named_children(&mut cursor).any(|base| {
                    context.semantic.qualified_name(base).as_deref() == Some("threading.Thread")
                })
            })
        {
            found = true;
        }
        if found { Walk::Stop } else { Walk::Descend }
    });
    found
}

/// A thread started by code that runs when the module is imported, and
/// not joined there.
fn starts_thread_at_import(context: &Context<'_>) -> bool {
    let module = context.module;
    let root = module.root();
    let mut started = false;
    let mut joined = false;
    visit(root, |node| match node.py_kind() {
        Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
        Kind::IfStatement if is_main_guard(module, node) => Walk::Skip,
        Kind::Call => {
            if is_thread_start(context, node, root) {
                started = true;
            }
            if is_join(module, node) {
                joined = true;
            }
            Walk::Descend
        }
        _ => Walk::Descend,
    });
    started && !joined
}

fn is_main_guard(module: &crate::syntax::module::Module<'_>, node: Node<'_>) -> bool {
    node.child_by_field_name("condition").is_some_and(|condition| {
        let text = module.text(condition);
        text.contains("__name__") && text.contains("__main__")
    })
}

/// `<x>.join()` or `<x>.join(timeout)` on a thread (`str.join` takes an
/// iterable: a thread's join takes nothing or a number).
fn is_join(module: &crate::syntax::module::Module<'_>, call: Node<'_>) -> bool {
    let Some(function) = call.child_by_field_name("function").filter(|f| f.is(Kind::Attribute))
    else {
        return false;
    };
    if function.child_by_field_name("attribute").map(|a| module.text(a)) != Some("join") {
        return false;
    }
    call.child_by_field_name("arguments").is_some_and(|arguments| {
        let mut cursor = arguments.walk();
        arguments.named_children(&mut cursor).all(|argument| {
            matches!(argument.py_kind(), Kind::Integer | Kind::Float | Kind::KeywordArgument)
        })
    })
}

/// `call` is in the body of `with ThreadPoolExecutor(...)` (or `ThreadPool`).
fn inside_thread_pool(context: &Context<'_>, call: Node<'_>) -> bool {
    let mut current = call.parent();
    while let Some(node) = current {
        match node.py_kind() {
            Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => return false,
            Kind::WithStatement => {
                let body = node.child_by_field_name("body");
                let in_body = body.is_some_and(|b| b.byte_range().contains(&call.start_byte()));
                let pool = any_node(node, |item| {
                    item.is(Kind::WithItem)
                        && item.named_child(0).is_some_and(|value| {
                            let (pool, alias) = match value.py_kind() {
                                Kind::AsPattern => (
                                    value.named_child(0).unwrap_or(value),
                                    value.named_child(1).map(|a| a.named_child(0).unwrap_or(a)),
                                ),
                                _ => (value, None),
                            };
                            calls_one_of(context, pool, THREAD_POOLS)
                                && (!is_lazy_thread_pool(context, pool)
                                    || body.zip(alias).is_some_and(|(body, alias)| {
                                        submitted_before(context, body, alias, call)
                                    }))
                        })
                });
                if in_body && pool {
                    return true;
                }
            }
            _ => {}
        }
        current = node.parent();
    }
    false
}

/// The names of the module's top-level functions handed to a thread:
/// `Thread(target=f)`, `Timer(1, f)`, `<thread pool>.submit(f, ...)`,
/// `<thread pool>.map(f, ...)`.
fn thread_targets<'t>(context: &Context<'t>) -> Vec<&'t str> {
    let module = context.module;
    let mut targets = Vec::new();
    for call in module.nodes_of_kind(&[Kind::Call]) {
        let Some(arguments) = call.child_by_field_name("arguments") else { continue };
        if calls_one_of(context, call, THREADS) {
            let mut cursor = arguments.walk();
            for argument in arguments.named_children(&mut cursor) {
                if argument.is(Kind::KeywordArgument)
                    && argument
                        .child_by_field_name("name")
                        .is_some_and(|n| matches!(module.text(n), "target" | "function"))
                    && let Some(value) = argument.child_by_field_name("value")
                    && value.is(Kind::Identifier)
                {
                    targets.push(module.text(value));
                }
            }
            continue;
        }
        let Some(function) = call.child_by_field_name("function").filter(|f| f.is(Kind::Attribute))
        else {
            continue;
        };
        let method = function.child_by_field_name("attribute").map(|a| module.text(a));
        if !method.is_some_and(|m| POOL_METHODS.contains(&m)) {
            continue;
        }
        let Some(receiver) = function.child_by_field_name("object") else { continue };
        if !is_thread_pool_value(context, receiver)
            && !receiver_bound_to(context, receiver, THREAD_POOLS)
        {
            continue;
        }
        if let Some(first) = arguments.named_child(0).filter(|first| first.is(Kind::Identifier)) {
            targets.push(module.text(first));
        }
    }
    targets
}

fn is_thread_pool_value(context: &Context<'_>, node: Node<'_>) -> bool {
    calls_one_of(context, node, THREAD_POOLS)
}

/// `receiver` is a name bound (by `=` or `with ... as`) to a call of one of `names`.
fn receiver_bound_to(context: &Context<'_>, receiver: Node<'_>, names: &[&str]) -> bool {
    binding_values(context, receiver).is_some_and(|values| {
        !values.is_empty() && values.iter().all(|v| calls_one_of(context, *v, names))
    })
}

/// The values a plain name's bindings give it (`x = value`, `with value as
/// x`); `None` when a binding is of another kind.
fn binding_values<'t>(context: &Context<'t>, identifier: Node<'_>) -> Option<Vec<Node<'t>>> {
    let semantic = context.semantic;
    if !identifier.is(Kind::Identifier) {
        return None;
    }
    let symbol = semantic.reference(semantic.reference_at(identifier)?).symbol?;
    let mut values = Vec::new();
    for binding in semantic.bindings_of(symbol) {
        let binding = semantic.binding(*binding);
        let value = match binding.kind {
            BindingKind::Assignment => binding
                .source
                .is(Kind::Assignment)
                .then(|| binding.source.child_by_field_name("right"))
                .flatten()
                .filter(|_| binding.source.child_by_field_name("left") == Some(binding.name)),
            BindingKind::WithAlias => {
                let item = binding.source;
                item.named_child(0)
                    .filter(|value| value.is(Kind::AsPattern))
                    .and_then(|pattern| pattern.named_child(0))
            }
            _ => None,
        };
        values.push(value?);
    }
    Some(values)
}

/// `call` is in a function of the module that is handed to a thread.
fn runs_in_thread(context: &Context<'_>, call: Node<'_>, targets: &[&str]) -> bool {
    let module = context.module;
    let Some(function) = enclosing_function(call).filter(|f| f.is(Kind::FunctionDefinition)) else {
        return false;
    };
    function.child_by_field_name("name").is_some_and(|name| targets.contains(&module.text(name)))
}

/// Earlier in the function (or module-level code) that creates the
/// process, a thread was started and not joined since, or a thread pool was
/// created (not in `with`) and not shut down since.
fn thread_running_before(context: &Context<'_>, call: Node<'_>) -> bool {
    let module = context.module;
    let scope = enclosing_function(call).unwrap_or_else(|| module.root());
    let before: Range<usize> = scope.start_byte()..call.start_byte();
    let mut started = false;
    let mut stopped = false;
    visit(scope, |node| {
        if node != scope
            && matches!(
                node.py_kind(),
                Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda
            )
        {
            return Walk::Skip;
        }
        if !before.contains(&node.start_byte()) {
            return Walk::Skip;
        }
        if node.is(Kind::Call) {
            if is_thread_start(context, node, scope) {
                started = true;
                stopped = false;
            } else if started && is_join(module, node) {
                stopped = true;
            } else if is_unmanaged_thread_pool(context, node) {
                started = true;
                stopped = false;
            } else if started && is_shutdown(context, node) {
                stopped = true;
            }
        }
        Walk::Descend
    });
    started && !stopped
}

/// A thread pool not in a `with` item (a `with` block ends it) that has
/// threads: `ThreadPool(...)` starts them when created, a
/// `ThreadPoolExecutor` when work is first handed to it
/// (`executor.submit(...)`, `executor.map(...)`).
fn is_unmanaged_thread_pool(context: &Context<'_>, node: Node<'_>) -> bool {
    if calls_one_of(context, node, THREAD_POOLS) {
        return !is_lazy_thread_pool(context, node)
            && !node
                .parent()
                .is_some_and(|p| matches!(p.py_kind(), Kind::WithItem | Kind::AsPattern));
    }
    let module = context.module;
    node.child_by_field_name("function").filter(|f| f.is(Kind::Attribute)).is_some_and(|f| {
        f.child_by_field_name("attribute")
            .is_some_and(|a| matches!(module.text(a), "submit" | "map"))
            && f.child_by_field_name("object").is_some_and(|receiver| {
                binding_values(context, receiver).is_some_and(|values| {
                    !values.is_empty()
                        && values.iter().all(|value| {
                            calls_one_of(context, *value, THREAD_POOLS)
                                && !value.parent().is_some_and(|p| {
                                    matches!(p.py_kind(), Kind::WithItem | Kind::AsPattern)
                                })
                        })
                })
            })
    })
}

/// `concurrent.futures.ThreadPoolExecutor(...)`: it starts no thread
/// until work is handed to it.
fn is_lazy_thread_pool(context: &Context<'_>, call: Node<'_>) -> bool {
    qualified_callee(context, call).is_some_and(|name| name.starts_with("concurrent.futures."))
}

/// `alias.submit(...)` or `alias.map(...)` in `body` before `call`.
fn submitted_before(
    context: &Context<'_>,
    body: Node<'_>,
    alias: Node<'_>,
    call: Node<'_>,
) -> bool {
    let module = context.module;
    let name = module.text(alias);
    any_node(body, |node| {
        node.start_byte() < call.start_byte()
            && node.is(Kind::Call)
            && node.child_by_field_name("function").filter(|f| f.is(Kind::Attribute)).is_some_and(
                |f| {
                    f.child_by_field_name("attribute")
                        .is_some_and(|a| matches!(module.text(a), "submit" | "map"))
                        && f.child_by_field_name("object")
                            .is_some_and(|o| o.is(Kind::Identifier) && module.text(o) == name)
                },
            )
    })
}

/// `<thread pool>.shutdown()` (or `close`, `terminate`).
fn is_shutdown(context: &Context<'_>, call: Node<'_>) -> bool {
    let module = context.module;
    call.child_by_field_name("function").filter(|f| f.is(Kind::Attribute)).is_some_and(|f| {
        f.child_by_field_name("attribute")
            .is_some_and(|a| matches!(module.text(a), "shutdown" | "close" | "terminate"))
            && f.child_by_field_name("object")
                .is_some_and(|receiver| receiver_bound_to(context, receiver, THREAD_POOLS))
    })
}

/// The fix: a `"spawn"` context, where spawn can run the child.
fn fix_for(context: &Context<'_>, call: Node<'_>, kind: ProcessKind) -> Result<Fix, &'static str> {
    let module = context.module;
    let semantic = context.semantic;
    if semantic.main_guards().is_empty() {
        return Err("spawn imports the main module again; this one has no `__main__` guard");
    }
    if shares_default_context_objects(context) {
        return Err("the module creates multiprocessing objects (queues, locks, managers) \
                    with the default start method, which spawned children cannot share");
    }
    let function = call.child_by_field_name("function").ok_or("unexpected call")?;
    let arguments = call.child_by_field_name("arguments").ok_or("unexpected call")?;
    match kind {
        ProcessKind::Process => {
            let target = keyword(module, arguments, "target")
                .ok_or("the process's target is not given as `target=`")?;
            if !is_top_level_function(context, target) {
                return Err("the target is not a function defined at the module's top level");
            }
        }
        ProcessKind::Pool | ProcessKind::Executor => {
            let positional = positional_count(arguments);
            if kind == ProcessKind::Pool && positional > 1 {
                return Err("the pool's initializer is given by position");
            }
            if let Some(initializer) = keyword(module, arguments, "initializer")
                && !is_top_level_function(context, initializer)
            {
                return Err("the initializer is not a function defined at the module's top level");
            }
            pool_runs_top_level_functions(context, call)?;
        }
    }
    match kind {
        ProcessKind::Process => class_of_spawn_context(context, function, "Process"),
        ProcessKind::Pool => class_of_spawn_context(context, function, "Pool"),
        ProcessKind::Executor => executor_with_spawn_context(context, arguments),
    }
}

/// What a module may use from `multiprocessing` and still hand its
/// children to a "spawn" context: processes, pools and functions that
/// share nothing with them.
const SPAWN_NEUTRAL: &[&str] = &[
    "AuthenticationError",
    "BufferTooShort",
    "Pool",
    "Process",
    "ProcessError",
    "TimeoutError",
    "active_children",
    "context",
    "cpu_count",
    "current_process",
    "dummy",
    "freeze_support",
    "get_all_start_methods",
    "get_context",
    "get_logger",
    "get_start_method",
    "log_to_stderr",
    "parent_process",
    "pool",
    "process",
    "set_executable",
    "util",
];

/// The module uses a queue, lock, event, shared value or manager of
/// `multiprocessing` (`multiprocessing.Queue()`, `from multiprocessing
/// import Lock`): made with the default start method, they cannot be
/// handed to a spawned child ("A SemLock created in a fork context is
/// being shared with a process in a spawn context").
fn shares_default_context_objects(context: &Context<'_>) -> bool {
    let module = context.module;
    let semantic = context.semantic;
    semantic.references().iter().any(|reference| {
        let node = reference.node;
        let outer = module
            .parent(node)
            .filter(|parent| {
                parent.is(Kind::Attribute) && parent.child_by_field_name("object") == Some(node)
            })
            .unwrap_or(node);
        semantic.qualified_name(outer).is_some_and(|name| {
            name.strip_prefix("multiprocessing.").is_some_and(|rest| {
                !SPAWN_NEUTRAL.contains(&rest.split('.').next().unwrap_or(rest))
            })
        })
    })
}

/// The positional arguments of a call: neither keywords nor `**`, nor the
/// comments and backslash continuations between arguments.
fn positional_count(arguments: Node<'_>) -> usize {
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|argument| {
            !argument.is_extra()
                && !matches!(argument.py_kind(), Kind::KeywordArgument | Kind::DictionarySplat)
        })
        .count()
}

/// `multiprocessing.Pool(...)` becomes `multiprocessing.get_context("spawn").Pool(...)`
/// (through the module's own name for `multiprocessing`); `Pool(...)`
/// imported from `multiprocessing` becomes `get_context("spawn").Pool(...)`.
fn class_of_spawn_context(
    context: &Context<'_>,
    function: Node<'_>,
    class: &str,
) -> Result<Fix, &'static str> {
    let module = context.module;
    match function.py_kind() {
        Kind::Attribute => {
            let object = function
                .child_by_field_name("object")
                .filter(|object| {
                    object.is(Kind::Identifier)
                        && context.semantic.qualified_name(*object).as_deref()
                            == Some("multiprocessing")
                })
                .ok_or("the class is not reached through the `multiprocessing` module")?;
            let spawn = format!("{}.get_context(\"spawn\")", module.text(object));
            Ok(Fix::unsafe_(vec![Edit::replace(object.byte_range(), spawn)]))
        }
        Kind::Identifier => imported_class_of_spawn_context(context, function, class),
        _ => Err("the class is not reached through the `multiprocessing` module"),
    }
}

/// `Pool(...)` after `from multiprocessing import Pool`: `get_context`
/// joins that import (or takes the place of `Pool` there when this call was
/// its only use), or an existing `get_context` / `import multiprocessing`
/// is reused.
fn imported_class_of_spawn_context(
    context: &Context<'_>,
    name: Node<'_>,
    class: &str,
) -> Result<Fix, &'static str> {
    let module = context.module;
    let semantic = context.semantic;
    let not_imported = "the class is not imported at the module's top level";
    let reference = semantic.reference_at(name).ok_or(not_imported)?;
    let binding = semantic.resolved_binding(reference).ok_or(not_imported)?;
    let import = semantic.import_of(binding).ok_or(not_imported)?;
    let statement = import.statement;
    if !import.unconditional
        || import.member.is_none()
        || module.parent(statement).is_none_or(|parent| !parent.is(Kind::Module))
    {
        return Err(not_imported);
    }
    let symbol = semantic.binding(binding).symbol;
    // This call is the class's only use: its import goes with it.
    let only_use =
        semantic.references_to(symbol).len() == 1 && semantic.bindings_of(symbol).len() == 1;
    // With several process classes imported from `multiprocessing` and
    // used (`from multiprocessing import Pool, Process`), the fix of each
    // class, made on its own, would put `get_context` in its place (twice
    // in the end) or remove its class from the import (two removals that
    // overlap, one lost). Every such fix leaves the classes imported and
    // joins `get_context` to the first of those imports (the same edit,
    // applied once).
    let class_imports: Vec<Node<'_>> = semantic
        .imports()
        .iter()
        .filter(|other| {
            other.module == "multiprocessing"
                && matches!(other.member, Some("Pool" | "Process"))
                && other.unconditional
                && module.parent(other.statement).is_some_and(|parent| parent.is(Kind::Module))
                && !semantic.references_of(other.binding).is_empty()
        })
        .map(|other| other.statement)
        .collect();
    let (statement, only_use) = match class_imports.as_slice() {
        [first, _, ..] => (*first, false),
        _ => (statement, only_use),
    };
    let call_edit = |get_context: &str| {
        Edit::replace(name.byte_range(), format!("{get_context}(\"spawn\").{class}"))
    };
    let existing =
        semantic.import_binding_of("multiprocessing.get_context").map(str::to_string).or_else(
            || semantic.import_binding_of("multiprocessing").map(|m| format!("{m}.get_context")),
        );
    if let Some(get_context) = existing {
        let mut edits = vec![call_edit(&get_context)];
        if only_use {
            edits.push(
                remove_import_name(module, statement, import.item)
                    .ok_or("the class's import shares its line")?,
            );
        }
        return Ok(Fix::unsafe_(edits));
    }
    if import.module != "multiprocessing" {
        return Err("the class is not imported from `multiprocessing`");
    }
    if semantic.top_level_binding("get_context").is_some() {
        return Err("the name `get_context` is taken");
    }
    let import_edit = if only_use {
        Edit::replace(import.item.byte_range(), "get_context".to_string())
    } else {
        let mut cursor = statement.walk();
        let last = statement
            .children_by_field_name("name", &mut cursor)
            .last()
            .ok_or("unexpected import")?;
        Edit::insert(last.end_byte(), ", get_context".to_string())
    };
    Ok(Fix::unsafe_(vec![import_edit, call_edit("get_context")]))
}

/// `ProcessPoolExecutor(...)` gets `mp_context=multiprocessing.get_context("spawn")`
/// as its last argument, written as the call writes its arguments: on the
/// same line, or on a line of its own before a closing parenthesis that
/// starts its line (with a trailing comma when the call has one).
fn executor_with_spawn_context(
    context: &Context<'_>,
    arguments: Node<'_>,
) -> Result<Fix, &'static str> {
    let module = context.module;
    let semantic = context.semantic;
    let mut edits = Vec::new();
    let value = match semantic.import_binding_of("multiprocessing.get_context") {
        Some(get_context) => format!("{get_context}(\"spawn\")"),
        None => {
            let imported = ensure_import_in_section(semantic, "multiprocessing")
                .ok_or("`multiprocessing` is taken")?;
            edits.extend(imported.edit);
            format!("{}.get_context(\"spawn\")", imported.name)
        }
    };
    let keyword = format!("mp_context={value}");
    let open = arguments.start_byte() + 1;
    let close = arguments.end_byte() - 1;
    // Comments and backslash continuations are not arguments.
    let last = {
        let mut cursor = arguments.walk();
        arguments.named_children(&mut cursor).filter(|a| !a.is_extra()).last()
    };
    let Some(last) = last else {
        if !module.source[open..close]
            .trim_matches(|c: char| c.is_whitespace() || c == '\\')
            .is_empty()
        {
            return Err("the call's parentheses hold comments");
        }
        edits.push(Edit::insert(open, keyword));
        return Ok(Fix::unsafe_(edits));
    };
    let tail = &module.source[last.end_byte()..close];
    let trailing_comma = tail.trim_start().starts_with(',');
    let newline = module.newline();
    let last_line = module.line_start(last.start_byte());
    let line = &module.source[last_line..last.start_byte()];
    let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
    if !tail.contains('\n') {
        // `f(a,\n  b)`: the last argument on a line of its own gets the
        // keyword on a line of its own below it; else on the same line.
        let separator = if module.starts_line(last.start_byte()) && !trailing_comma {
            format!(",{newline}{indent}")
        } else {
            ", ".to_string()
        };
        edits.push(Edit::insert(last.end_byte(), format!("{separator}{keyword}")));
        return Ok(Fix::unsafe_(edits));
    }
    // The closing parenthesis is on a line below the last argument. After
    // an argument that shares its line with others or with the opening
    // parenthesis (`f(a=1  # why`), the keyword follows on that line.
    if !module.starts_line(last.start_byte()) {
        edits.push(Edit::insert(last.end_byte(), format!(", {keyword}")));
        return Ok(Fix::unsafe_(edits));
    }
    let close_line = module.line_start(close);
    if !module.source[close_line..close].trim().is_empty() {
        return Err("the call's arguments are laid out in a way this fix does not follow");
    }
    if !trailing_comma {
        edits.push(Edit::insert(last.end_byte(), ",".to_string()));
    }
    let comma = if trailing_comma { "," } else { "" };
    edits.push(Edit::insert(close_line, format!("{indent}{keyword}{comma}{newline}")));
    Ok(Fix::unsafe_(edits))
}

fn keyword<'t>(
    module: &crate::syntax::module::Module<'_>,
    arguments: Node<'t>,
    name: &str,
) -> Option<Node<'t>> {
    let mut cursor = arguments.walk();
    let found = arguments.named_children(&mut cursor).find(|argument| {
        argument.is(Kind::KeywordArgument)
            && argument.child_by_field_name("name").is_some_and(|n| module.text(n) == name)
    });
    found.and_then(|argument| argument.child_by_field_name("value"))
}

/// A name bound only by a `def` at the module's top level.
fn is_top_level_function(context: &Context<'_>, node: Node<'_>) -> bool {
    let semantic = context.semantic;
    if !node.is(Kind::Identifier) {
        return false;
    }
    let Some(symbol) =
        semantic.reference_at(node).and_then(|reference| semantic.reference(reference).symbol)
    else {
        return false;
    };
    semantic.scope(semantic.symbol(symbol).scope).kind == ScopeKind::Module
        && semantic.bindings_of(symbol).iter().all(|binding| {
            let binding = semantic.binding(*binding);
            binding.kind == BindingKind::FunctionDef
                && binding.source.parent().is_some_and(|p| {
                    p.is(Kind::Module)
                        || p.is(Kind::DecoratedDefinition)
                            && p.parent().is_some_and(|g| g.is(Kind::Module))
                })
        })
}

/// The pool is bound to a name (`with ... as p`, `p = ...`), and every use
/// of that name is a call that hands the children a top-level function
/// (or hands them nothing: `close`, `join`).
fn pool_runs_top_level_functions(
    context: &Context<'_>,
    call: Node<'_>,
) -> Result<(), &'static str> {
    let module = context.module;
    let semantic = context.semantic;
    let parent = call.parent().ok_or("unexpected call")?;
    let name = match parent.py_kind() {
        Kind::AsPattern => parent
            .child_by_field_name("alias")
            .or_else(|| parent.named_child(1))
            .and_then(|alias| alias.named_child(0).or(Some(alias))),
        Kind::Assignment if parent.child_by_field_name("right") == Some(call) => {
            parent.child_by_field_name("left")
        }
        _ => None,
    }
    .filter(|name| name.is(Kind::Identifier))
    .ok_or("the pool is not bound to a name")?;
    let binding = semantic.binding_at(name).ok_or("the pool is not bound to a name")?;
    let symbol = semantic.binding(binding).symbol;
    // The name may be bound again (`with ... as pool` twice): the uses of
    // this binding are what this pool runs.
    if semantic
        .references_to(symbol)
        .iter()
        .any(|reference| semantic.resolved_binding(*reference).is_none())
    {
        return Err("the pool's name is read where it is not bound");
    }
    let references = semantic.references_of(binding);
    if references.is_empty() {
        return Err("the pool is not used");
    }
    for reference in references {
        let node = semantic.reference(*reference).node;
        let attribute = node
            .parent()
            .filter(|p| p.is(Kind::Attribute) && p.child_by_field_name("object") == Some(node))
            .ok_or("the pool is handed on")?;
        let method =
            attribute.child_by_field_name("attribute").map(|a| module.text(a)).unwrap_or("");
        let use_call = attribute
            .parent()
            .filter(|c| c.is(Kind::Call) && c.child_by_field_name("function") == Some(attribute))
            .ok_or("the pool is handed on")?;
        if POOL_PLAIN_METHODS.contains(&method) {
            continue;
        }
        if !POOL_METHODS.contains(&method) {
            return Err("the pool is used through a method this rule does not know");
        }
        let first = use_call
            .child_by_field_name("arguments")
            .and_then(|arguments| {
                let mut cursor = arguments.walk();
                arguments.named_children(&mut cursor).find(|argument| !argument.is_extra())
            })
            .ok_or("a pool call has no function")?;
        if !is_top_level_function(context, first) {
            return Err("a function handed to the pool is not defined at the module's top level");
        }
    }
    Ok(())
}

//! # blocking-call-in-coroutine (PF009)
//!
//! ## What it does
//! Finds calls that block the thread made directly in an `async def`:
//! `time.sleep()`, `requests.get()` (and the other `requests` and `httpx`
//! request functions), `urllib.request.urlopen()`, `subprocess.run()`,
//! `call()`, `check_call()` and `check_output()`, `os.system()` and
//! `input()`, however they were imported. A call in a nested `def`, lambda
//! or class body is not the coroutine's own code and is not reported.
//!
//! ## Why is this bad?
//! An event loop runs one task at a time and switches only at an `await`.
//! A blocking call in a coroutine stops every other task of the loop while
//! it waits: other requests are not served, timeouts do not fire, heartbeats
//! are missed. Two coroutines that each `time.sleep(1)` take two seconds
//! when gathered, not one.
//!
//! ## Example
//! ```python
//! import time
//!
//! async def poll(job):
//!     while not job.done():
//!         time.sleep(0.5)
//! ```
//!
//! Use instead:
//! ```python
//! import asyncio
//! import time
//!
//! async def poll(job):
//!     while not job.done():
//!         await asyncio.sleep(0.5)
//! ```
//!
//! `time.sleep(x)` as a statement of its own becomes
//! `await asyncio.sleep(x)`, written with the module's own import of
//! `asyncio` (`import asyncio as aio` gives `aio.sleep`, `from asyncio import
//! sleep` gives `sleep`); a module that imports other names `from asyncio`
//! gets `sleep` added to that import, and a module without `asyncio` gets
//! `import asyncio` in its standard-library imports. The other calls are
//! reported with their asyncio alternative and no fix: `asyncio.to_thread()`
//! for `input()`, `asyncio.create_subprocess_exec()` (or `_shell()`) for
//! `subprocess` and `os.system()`, an async HTTP client (aiohttp,
//! `httpx.AsyncClient`) or `asyncio.to_thread()` for HTTP requests.
//!
//! In a module that imports trio, anyio, curio or Twisted, coroutines run
//! on that library's loop, where `asyncio.sleep` fails: the finding names
//! that library's alternative and has no fix.
//!
//! Not reported: test code (test modules, `test*` functions, test classes),
//! where a coroutine that blocks does so on purpose (pretending the loop is
//! busy, to test timeouts and slow-callback warnings) or blocks only the
//! test's own loop; and a call under an `if` that checks whether a loop is
//! running (`asyncio.get_running_loop()`, `loop.is_running()`).
//!
//! ## Fix safety
//! Unsafe. `await asyncio.sleep(x)` waits as long, but lets the loop run
//! other tasks meanwhile: they can now change shared state during the
//! sleep, and code that relied on nothing else running (a deliberate pause
//! of the whole loop) behaves differently. The `await` is also a point where
//! the task can be cancelled (`asyncio.CancelledError` is raised there)
//! and where a timeout around it fires, where `time.sleep` ran to its end.
//! `asyncio.sleep` rejects a negative or NaN delay differently: it returns
//! at once where `time.sleep` raises `ValueError`.

use tree_sitter::Node;

use crate::rule::fix::Edit;
use crate::rule::importer::{Imported, ensure_import_in_section};
use crate::rule::{Context, Diagnostic, FileInfo, Fix, FixKind, RuleMeta, Transform};
use crate::semantic::{Binding, Semantic};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::scan::Scan;
use crate::transforms::helpers::coroutines::{
    checks_running_loop, defines_coroutine, is_test_code,
};

pub struct BlockingCallInCoroutine;

static META: RuleMeta = RuleMeta {
    code: "PF009",
    name: "blocking-call-in-coroutine",
    fix: FixKind::Unsafe,
    source: include_str!("blocking_call_in_coroutine.rs"),
    aliases: &["ASYNC210", "ASYNC220", "ASYNC221", "ASYNC250", "ASYNC251"],
};

/// A token one of the blocking calls, or the import that names it, needs.
const WORDS: &[&str] = &["sleep", "requests", "httpx", "urlopen", "subprocess", "system", "input"];

const HTTP_METHODS: &[&str] =
    &["get", "post", "put", "patch", "delete", "head", "options", "request"];

impl Transform for BlockingCallInCoroutine {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// `async` directly followed by `def`, and a name of `WORDS` (every
    /// blocking call is spelt with one, or imported under one).
    fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        // The words of f-string replacement fields count too: the scanner
        // reads `f"{time.sleep(1)}"` as one string token. Gathering them
        // costs more than the coroutine test, so it comes second.
        defines_coroutine(scan) && {
            let words = scan.words();
            WORDS.iter().any(|word| words.contains(word))
        }
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let semantic = context.semantic;
        let mut diagnostics = Vec::new();
        for call in context.module.nodes_of_kind(&[Kind::Call]) {
            let Some(callee) = call.child_by_field_name("function") else { continue };
            let Some(qualified) = semantic.qualified_name(callee) else { continue };
            let Some(alternative) = blocking(&qualified) else { continue };
            let Some(coroutine) = semantic.enclosing_coroutine(call) else { continue };
            if is_test_code(context.module, call)
                || checks_running_loop(context.module, call, coroutine)
            {
                continue;
            }
            let other_loop = semantic.other_event_loop();
            let alternative = match other_loop {
                Some(library) => other_loop_alternative(library, alternative),
                None => alternative.asyncio().to_string(),
            };
            let shown = qualified.strip_prefix("builtins.").unwrap_or(&qualified);
            let message =
                format!("`{shown}()` in a coroutine blocks the event loop: {alternative}");
            let fix = match alternative_is_sleep(&qualified, other_loop) {
                true => sleep_fix(context, call, callee),
                false => None,
            };
            diagnostics.push(META.report(call.byte_range(), message).with_fix(fix));
        }
        diagnostics
    }
}

/// What a blocking call is, for its message.
#[derive(Clone, Copy)]
enum Alternative {
    Sleep,
    Http,
    Subprocess,
    Shell,
    Input,
}

impl Alternative {
    fn asyncio(self) -> &'static str {
        match self {
            Alternative::Sleep => "use `await asyncio.sleep()`",
            Alternative::Http => {
                "use an async HTTP client (aiohttp, `httpx.AsyncClient`) or `await asyncio.to_thread(...)`"
            }
            Alternative::Subprocess => "use `await asyncio.create_subprocess_exec()`",
            Alternative::Shell => "use `await asyncio.create_subprocess_shell()`",
            Alternative::Input => "use `await asyncio.to_thread(input, ...)`",
        }
    }
}

fn blocking(qualified: &str) -> Option<Alternative> {
    match qualified {
        "time.sleep" => Some(Alternative::Sleep),
        "urllib.request.urlopen" => Some(Alternative::Http),
        "subprocess.run"
        | "subprocess.call"
        | "subprocess.check_call"
        | "subprocess.check_output" => Some(Alternative::Subprocess),
        "os.system" => Some(Alternative::Shell),
        "builtins.input" => Some(Alternative::Input),
        _ => {
            let (module, function) = qualified.split_once('.')?;
            let http = matches!(module, "requests" | "httpx") && HTTP_METHODS.contains(&function);
            http.then_some(Alternative::Http)
        }
    }
}

/// The alternative under trio, anyio, curio or Twisted.
fn other_loop_alternative(library: &str, alternative: Alternative) -> String {
    match (library, alternative) {
        ("twisted", Alternative::Sleep) => {
            "use `await deferLater(reactor, delay)` (`twisted.internet.task`)".to_string()
        }
        ("twisted", _) => {
            "run it in a thread with `twisted.internet.threads.deferToThread()`".to_string()
        }
        (_, Alternative::Sleep) => format!("use `await {library}.sleep()`"),
        ("curio", _) => "run it in a thread with `await curio.run_in_thread()`".to_string(),
        _ => format!("run it in a thread with `await {library}.to_thread.run_sync()`"),
    }
}

fn alternative_is_sleep(qualified: &str, other_loop: Option<&str>) -> bool {
    qualified == "time.sleep" && other_loop.is_none()
}

/// `time.sleep(x)` as a statement of its own, with one positional
/// argument, becomes `await asyncio.sleep(x)`.
fn sleep_fix(context: &Context<'_>, call: Node<'_>, callee: Node<'_>) -> Option<Fix> {
    let module = context.module;
    let statement = module.parent(call)?;
    if !statement.is(Kind::ExpressionStatement) || statement.named_child_count() != 1 {
        return None;
    }
    let arguments = call.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let values: Vec<Node<'_>> =
        arguments.named_children(&mut cursor).filter(|node| !node.is(Kind::Comment)).collect();
    let [argument] = values.as_slice() else { return None };
    if matches!(argument.py_kind(), Kind::KeywordArgument | Kind::ListSplat | Kind::DictionarySplat)
    {
        return None;
    }
    let imported = asyncio_sleep(context.semantic)?;
    if !visible_as_at_top_level(context.semantic, call, &imported.name) {
        return None;
    }
    let mut edits = vec![Edit::replace(callee.byte_range(), format!("await {}", imported.name))];
    edits.extend(imported.edit);
    Some(Fix::unsafe_(edits))
}

/// How to write `asyncio.sleep` in this module: the name `from asyncio
/// import sleep` bound, else `ALIAS.sleep` after `import asyncio as ALIAS`,
/// else `sleep` added to the module's `from asyncio import ...`, else
/// `asyncio.sleep` with `import asyncio` added. `None` when the name to
/// write is taken.
fn asyncio_sleep(semantic: &Semantic<'_>) -> Option<Imported> {
    if let Some(local) = semantic.import_binding_of("asyncio.sleep") {
        return Some(Imported { name: local.to_string(), edit: None });
    }
    if let Some(local) = semantic.import_binding_of("asyncio") {
        return Some(Imported { name: format!("{local}.sleep"), edit: None });
    }
    if semantic.top_level_binding("sleep").is_none()
        && let Some(edit) = add_to_from_import(semantic)
    {
        return Some(Imported { name: "sleep".to_string(), edit: Some(edit) });
    }
    let imported = ensure_import_in_section(semantic, "asyncio")?;
    Some(Imported { name: format!("{}.sleep", imported.name), edit: imported.edit })
}

/// `sleep` added to the module's first unconditional, one-line `from
/// asyncio import a, b` (without parentheses): at its sorted place when
/// the names are sorted, else after the last one.
fn add_to_from_import(semantic: &Semantic<'_>) -> Option<Edit> {
    let module = semantic.module();
    let import = semantic.imports().iter().find(|import| {
        import.module == "asyncio"
            && import.member.is_some_and(|member| member != "*")
            && import.unconditional
            && module.parent(import.statement).is_some_and(|parent| parent.is(Kind::Module))
    })?;
    let statement = import.statement;
    let text = module.text(statement);
    if text.contains('(') || text.contains('\\') || text.contains('\n') {
        return None;
    }
    let mut cursor = statement.walk();
    let names: Vec<Node<'_>> = statement.children_by_field_name("name", &mut cursor).collect();
    let member = |name: &Node<'_>| module.text(*name).split_whitespace().next().unwrap_or("");
    let sorted = names.windows(2).all(|pair| member(&pair[0]) <= member(&pair[1]));
    match names.iter().find(|name| member(name) > "sleep") {
        // Sorted names stay sorted.
        Some(after) if sorted => Some(Edit::insert(after.start_byte(), "sleep, ")),
        _ => Some(Edit::insert(names.last()?.end_byte(), ", sleep")),
    }
}

/// The first name of `name` means at `node` what it means at module level
/// (an import the fix reuses or adds): no local variable hides it.
fn visible_as_at_top_level(semantic: &Semantic<'_>, node: Node<'_>, name: &str) -> bool {
    let first = name.split('.').next().unwrap_or(name);
    let here = semantic.lookup(first, semantic.scope_at(node));
    let top = semantic.lookup(first, semantic.module_scope());
    let bound_at_top = matches!(semantic.top_level_binding(first), Some(Binding::Import { .. }))
        || semantic.top_level_binding(first).is_none();
    here == top && bound_at_top
}

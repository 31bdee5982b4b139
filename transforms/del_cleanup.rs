//! # del-cleanup (PF007)
//!
//! ## What it does
//! Finds classes that release an OS resource only in `__del__` (close a
//! file, a socket, a descriptor or a handle, remove a temporary file or
//! directory, stop a process, release a lock) and are not context managers.
//!
//! A `__del__` is reported when its own body releases something the object
//! holds: `self.file.close()`, `os.close(self.fd)`, `shutil.rmtree(self.tmp)`,
//! `self._proc.terminate()`, `self._lock.release()`,
//! `lib.sqlite3_close(self.db)`, also through a class-body alias
//! (`_close = os.close`, then `self._close(self.fd)`) or a default parameter
//! (`_close=_winapi.CloseHandle`). Not reported:
//! - a class that is already a context manager: `__enter__`/`__exit__`
//!   (or `__aenter__`/`__aexit__`) of its own, of a base class in the same
//!   module or in another module of the project (through that base's own
//!   bases too), or a known context-manager base (`contextlib.AbstractContextManager`,
//!   `io.IOBase`, `socket.socket`, `tempfile.TemporaryDirectory`, ...);
//! - a `__del__` that is the safety net behind an explicit release callers
//!   already have: it warns with `ResourceWarning` (the standard library's
//!   pattern), or calls a public release method of the object
//!   (`self.close()`, `self.cleanup()`), or does what another method also
//!   does (`finish()` calls `self._tmpdir.cleanup()` too), or another
//!   method calls it or hands it over (`close()` calls `self.__del__()`,
//!   `atexit.register(self.__del__)`);
//! - a `__del__` that releases nothing: empty (`pass`, `...`, a docstring),
//!   or one that records that it ran, counts instances, prints, sets a flag,
//!   resurrects the object or calls `gc.collect()` (tests of finalization
//!   itself), unbinds callbacks or cancels timers;
//! - memory (`free`, `delete`, `destroy`, a C destructor): memory is what
//!   the garbage collector manages; and closing a coroutine or generator
//!   the object keeps (`self._coro = view(request)`), which finalizes Python
//!   code and releases nothing.
//!
//! ## Why is this bad?
//! `__del__` runs when the garbage collector gets to the object: maybe much
//! later than the last use, maybe never (reference cycles, objects alive at
//! exit), and at interpreter shutdown, when the module globals it reads may
//! already be gone. Files, sockets, processes and temporary files it was
//! meant to release stay held in the meantime, and nothing tells the caller.
//! Callers need a `close()` that a `with` block calls at a known point,
//! also when the block raises.
//!
//! ## Example
//! ```python
//! class Connection:
//!     def __init__(self, address):
//!         self.socket = socket.create_connection(address)
//!
//!     def __del__(self):
//!         self.socket.close()
//! ```
//!
//! Use instead:
//! ```python
//! class Connection:
//!     def __init__(self, address):
//!         self.socket = socket.create_connection(address)
//!
//!     __closed = False
//!
//!     def __enter__(self):
//!         return self
//!
//!     def __exit__(self, exc_type, exc, tb):
//!         self.close()
//!
//!     def __del__(self):
//!         if not self.__closed:
//!             self.close()
//!             warnings.warn(f"unclosed {self!r}", ResourceWarning, source=self)
//!
//!     def close(self):
//!         if self.__closed:
//!             return
//!         self.__closed = True
//!         self.socket.close()
//! ```
//!
//! The body of `__del__` becomes `close()`: its parameters, docstring,
//! comments and statements stay as they were, behind a guard that releases
//! once (a second `close()` cannot close a descriptor number the system has
//! given to someone else meanwhile). `__del__` stays, so code that never
//! uses `with` or `close()` is still cleaned up when the object is
//! collected, and a subclass whose `__del__` calls `super().__del__()`
//! still reaches the release. When `__del__` released something
//! unconditionally, the new `__del__` also tells such code with a
//! `ResourceWarning` (shown by `python -X dev` and by test runners), as the
//! standard library's files, sockets and processes do. `close()` runs
//! before the warning, so a warning turned into an error cannot keep the
//! resource open; on an object whose `__init__` raised, `__del__` releases
//! what there is, as before, and a cleanup that fails there (an
//! `AttributeError`) emits no warning. When every release depends on a
//! condition (`if self._tmpdir:`, a loop, an early `return`), the object
//! may hold nothing: the new `__del__` only calls `close()`, since a
//! warning would cry wolf for every object that never acquired anything.
//! A `__del__` that reads globals through default parameters
//! (`_close=os.close`) is meant to run at interpreter shutdown, when module
//! globals may be gone: the new one reads `warnings.warn` the same way
//! (`def __del__(self, _warn=warnings.warn)`), and the defaults move to
//! `close()` with the body.
//!
//! The flag `__closed` is a class attribute, so every instance has it from
//! the start, however it was created, and its double underscore makes it
//! private to the class: a base or a subclass cannot clash with it. The
//! methods are added where `__del__` stood, above its leading comments, in
//! the class's indentation, line endings and spacing between methods, with
//! `import warnings` when the warning needs it and the module lacks it.
//! `__exit__` returns `None`, so an exception raised in the `with` block
//! still propagates.
//!
//! Reported without a fix:
//! - `close` is already taken: a method, class attribute or alias of the
//!   class, of a base or of a subclass in the module, or an attribute its
//!   methods assign (`self.close = ...`, `setattr`);
//! - a base class comes from outside the project (it may define `close()`,
//!   or `__enter__`; builtins such as `object`, `abc.ABC` and
//!   `typing.Generic` do not), or from a module of the project whose
//!   hierarchy the project index cannot read whole (a base that is a call,
//!   a star import's name, a decorated or conditionally defined class, one
//!   from outside the project); a base, in the module or another of the
//!   project, defines `__del__` too (it may call `self.close()`, which
//!   would then be the subclass's), or binds `close`, `__setattr__` or
//!   `__getattr__`: the message names it;
//! - a subclass in another module of the project binds `close` (it would
//!   take over the `close()` the new `__del__` calls): the message names it
//!   and its module;
//! - `__del__` is also bound to another name in the class body
//!   (`stop = __del__`), calls another `__del__`, or the file calls
//!   `__del__` outside a `__del__` (`obj.__del__()`): those calls would now
//!   warn; the class body reads `close`, `__enter__`, `__exit__` or
//!   `__del__` (it would then read the methods the fix adds);
//! - the class has `__slots__`, defines `__setattr__` or `__getattr__`, or
//!   is frozen (`@dataclass(frozen=True)`); the name `warnings` is taken
//!   (or bound in the class body, for a `_warn=warnings.warn` default);
//! - a `__del__` that is decorated, `async`, defined conditionally or more
//!   than once, or right below a line that ends in a `\` continuation
//!   (inserted code would join that line).
//!
//! Stub files are not checked.
//!
//! ## Fix safety
//! Unsafe. Code that never uses `with` or `close()` is still cleaned up
//! when the object is collected, but these may change:
//! - an object collected without `close()` now emits a `ResourceWarning`
//!   when `__del__` released unconditionally: ignored by default, but under
//!   `-W error`, as test suites often run, it is reported as an exception
//!   ignored in `__del__` (after the release); code elsewhere that calls
//!   `obj.__del__()` to release early gets the warning too (`close()` is
//!   the call to use);
//! - code that closes whatever has a `close()` (`contextlib.closing`, a
//!   WSGI server with the iterable an application returns,
//!   `if hasattr(obj, "close")`) now releases at that point instead of at
//!   collection;
//! - pyfix sees the modules of the run (the project index reads each
//!   module's classes, their bases and what their bodies bind from its
//!   tokens), not code outside it: a subclass in another package, or one
//!   that defines `close()` in a way the tokens do not show, takes over the
//!   one `__del__` calls, and one that also inherits a `close()` from
//!   another base (multiple inheritance) now gets this one first. Without
//!   a project index (standard input) every base from another module
//!   refuses the fix.

use tree_sitter::Node;

use crate::rule::fix::{Edit, Fix};
use crate::rule::importer::{Imported, ensure_import};
use crate::rule::settings::{ClassFacts, class_binds};
use crate::rule::{
    Context, Diagnostic, FileInfo, FixKind, PythonVersion, RuleMeta, Settings, Transform,
};
use crate::semantic::classes::{Base, ClassId, Classes, receiver_of};
use crate::semantic::{BindingKind, ScopeKind, Semantic, block_scope_names};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::scan::{Kind as ScanKind, Scan};
use crate::syntax::walk::is_docstring;
use crate::syntax::walk::{Walk, any_node, holds_statements, statements, visit};
use crate::transforms::helpers::calls::is_name_attribute;

pub struct DelCleanup;

static META: RuleMeta = RuleMeta {
    code: "PF007",
    name: "del-cleanup",
    fix: FixKind::Unsafe,
    source: include_str!("del_cleanup.rs"),
    aliases: &[],
};

/// Blank lines between methods when the class shows no example (PEP 8).
const DEFAULT_BLANK_LINES: usize = 1;

/// The flag the fix adds (mangled by Python to `_<Class>__closed`).
const FLAG: &str = "__closed";

impl Transform for DelCleanup {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Bases and subclasses in other modules of the project.
    fn reads_project(&self) -> bool {
        true
    }

    /// A class that binds `__del__` names it.
    fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        scan.tokens.iter().any(|token| token.kind == ScanKind::Name && scan.is(token, "__del__"))
    }

    /// A class's finding and fix depend on the other classes of the file:
    /// its bases and subclasses, what their bodies bind (methods, aliases
    /// such as `_close = os.close`), and what their methods do (assign
    /// `self.close`, release what `__del__` releases, hand `self.__del__`
    /// to `atexit`). So every class and method body is kept (a method is
    /// read with its class's header, a `class` token), and of the
    /// module's functions, those that name `__del__` or define a class.
    fn may_need_definition(&self, view: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        view.tokens.iter().any(|token| {
            view.is(token, "class") || (token.kind == ScanKind::Name && view.is(token, "__del__"))
        })
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let module = context.module;
        if module.is_stub {
            return Vec::new();
        }
        let mut diagnostics = Vec::new();
        let mut checked = None;
        for class in class_definitions(module.root()) {
            let Some(body) = class.child_by_field_name("body") else { continue };
            if !block_scope_names(module, body).contains("__del__") {
                continue;
            }
            let checked = checked.get_or_insert_with(|| Checked::new(context));
            diagnostics.extend(check_class(checked, class, body));
        }
        diagnostics
    }
}

/// What the checks of a file read: the file, its semantic model and its
/// classes (built once, for the first class that defines `__del__`).
struct Checked<'t> {
    module: &'t Module<'t>,
    semantic: &'t Semantic<'t>,
    settings: &'t Settings,
    classes: Classes<'t>,
}

impl<'t> Checked<'t> {
    fn new(context: &Context<'t>) -> Checked<'t> {
        Checked {
            module: context.module,
            semantic: context.semantic,
            settings: context.settings,
            classes: Classes::build(context.semantic),
        }
    }
}

/// Every class definition in the file, in source order.
fn class_definitions(root: Node<'_>) -> Vec<Node<'_>> {
    let mut classes = Vec::new();
    visit(root, |node| {
        if !holds_statements(node) {
            return Walk::Skip;
        }
        if node.is(Kind::ClassDefinition) {
            classes.push(node);
        }
        Walk::Descend
    });
    classes
}

fn check_class<'t>(context: &Checked<'t>, class: Node<'t>, body: Node<'t>) -> Option<Diagnostic> {
    let module = context.module;
    let classes = &context.classes;
    let id = classes.of_definition(class)?;
    let bindings = del_bindings(module, body);
    let releases: Vec<Releases<'_>> = bindings
        .iter()
        .filter_map(|name| module.parent(*name))
        .filter(|parent| parent.is(Kind::FunctionDefinition))
        .map(|function| releases_of(context, id, function))
        .collect();
    let releases_itself = releases.iter().any(|found| !found.calls.is_empty());
    if !releases_itself || releases.iter().any(|found| found.warns) {
        return None;
    }
    if releases.iter().any(|found| released_elsewhere(context, id, found)) {
        return None;
    }
    if is_context_manager(classes, id) || has_project_context_manager_base(context, id) {
        return None;
    }
    let class_name = classes.class(id).name;
    let range = bindings.first().copied().unwrap_or(class).byte_range();
    let fix = plan_fix(context, id, body, &bindings, &releases);
    let message = match &fix {
        Ok((_, true)) => format!(
            "`{class_name}` releases resources in `__del__`, which may run late or never: \
             give it `close()` and `with` support (`__del__` then closes what callers did not, with a `ResourceWarning`)"
        ),
        Ok((_, false)) => format!(
            "`{class_name}` releases resources in `__del__`, which may run late or never: \
             give it `close()` and `with` support (`__del__` then closes what callers did not)"
        ),
        Err(reason) => format!(
            "`{class_name}` releases resources in `__del__`, which may run late or never: \
             give it `close()` and `with` support (no fix: {reason})"
        ),
    };
    Some(META.report(range, message).with_fix(fix.ok().map(|(edits, _)| Fix::unsafe_(edits))))
}

// ----- what `__del__` releases -----

/// What one `__del__` body does that matters here.
struct Releases<'t> {
    /// The `__del__`.
    function: Node<'t>,
    /// Its first parameter.
    receiver: &'t str,
    /// The calls that release something the object holds, other than its
    /// own public release methods (`self.close()`, `self.cleanup()`): a
    /// `__del__` that only calls those is a safety net behind an explicit
    /// release callers already have.
    calls: Vec<Node<'t>>,
    /// Calls of the object's own public release methods.
    own_release: usize,
    /// The body reads `ResourceWarning`.
    warns: bool,
}

/// Words in a function or method name that say it releases an OS resource.
const RELEASE_WORDS: &[&str] =
    &["cleanup", "close", "kill", "release", "rmdir", "rmtree", "shutdown", "terminate", "unlink"];

/// Functions that release what their argument names.
const RELEASE_FUNCTIONS: &[&str] = &[
    "_winapi.CloseHandle",
    "nt.close",
    "os.close",
    "os.closerange",
    "os.kill",
    "os.killpg",
    "os.remove",
    "os.removedirs",
    "os.rmdir",
    "os.unlink",
    "posix.close",
    "shutil.rmtree",
    "win32api.CloseHandle",
    "win32file.CloseHandle",
];

/// True when a name (`close`, `_close`, `CloseHandle`, `sqlite3_close`)
/// has a release word as one of its words.
fn names_a_release(name: &str) -> bool {
    let mut words: Vec<String> = Vec::new();
    for part in name.split('_') {
        let mut word = String::new();
        let mut previous_lower = false;
        for c in part.chars() {
            if c.is_uppercase() && previous_lower {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = c.is_lowercase() || c.is_ascii_digit();
            word.extend(c.to_lowercase());
        }
        words.push(word);
    }
    words.iter().any(|word| RELEASE_WORDS.contains(&word.as_str()))
}

fn releases_of<'t>(context: &Checked<'t>, class: ClassId, function: Node<'t>) -> Releases<'t> {
    let module = context.module;
    let receiver = receiver_of(module, function).unwrap_or_default();
    let mut found =
        Releases { function, receiver, calls: Vec::new(), own_release: 0, warns: false };
    let Some(body) = function.child_by_field_name("body").filter(|_| !receiver.is_empty()) else {
        return found;
    };
    visit(body, |node| match node.py_kind() {
        Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
        Kind::Identifier => {
            found.warns |= module.text(node) == "ResourceWarning";
            Walk::Skip
        }
        Kind::Call => {
            if let Some(callee) = node.child_by_field_name("function") {
                if is_own_release_method(module, callee, receiver) {
                    found.own_release += 1;
                } else if is_release_call(context, class, function, receiver, node, callee) {
                    found.calls.push(node);
                }
            }
            Walk::Descend
        }
        _ => Walk::Descend,
    });
    found
}

/// True when callers already have an explicit release and `__del__` is its
/// safety net: a method of the class or of a base in the module (other
/// than `__init__`) calls `__del__` or hands it over (`self.__del__()`,
/// `atexit.register(self.__del__)`), or performs every release `__del__`
/// performs (`finish()` also calls `self._tmpdir.cleanup()`).
fn released_elsewhere(context: &Checked<'_>, id: ClassId, found: &Releases<'_>) -> bool {
    let module = context.module;
    let classes = &context.classes;
    let del_keys: Vec<String> =
        found.calls.iter().map(|call| release_key(module, *call, found.receiver)).collect();
    let mut covered = vec![false; del_keys.len()];
    let methods = std::iter::once(id)
        .chain(classes.ancestors(id))
        .flat_map(|class| classes.class(class).methods())
        .map(|method| method.source)
        .filter(|method| method.id() != found.function.id());
    for method in methods {
        let Some(receiver) = receiver_of(module, method) else { continue };
        let Some(body) = method.child_by_field_name("body") else { continue };
        let name = method.child_by_field_name("name").map_or("", |name| module.text(name));
        let mut hands_over_del = false;
        visit(body, |node| {
            if is_name_attribute(module.source, node, receiver, "__del__") {
                hands_over_del = true;
                return Walk::Stop;
            }
            if node.is(Kind::Call) && !matches!(name, "__init__" | "__new__" | "__del__") {
                let key = release_key(module, node, receiver);
                for (index, del_key) in del_keys.iter().enumerate() {
                    covered[index] |= *del_key == key;
                }
            }
            Walk::Descend
        });
        if hands_over_del {
            return true;
        }
    }
    !covered.is_empty() && covered.iter().all(|covered| *covered)
}

/// What makes two release calls the same: `self._tmpdir.cleanup` for a
/// method of what the object holds (whatever the arguments), the whole call
/// for a function (`os.close(self.fd)`), with the receiver's name and the
/// spacing left out.
fn release_key(module: &Module<'_>, call: Node<'_>, receiver: &str) -> String {
    let callee = call.child_by_field_name("function");
    let rooted = callee
        .filter(|callee| callee.is(Kind::Attribute))
        .and_then(|callee| callee.child_by_field_name("object"))
        .is_some_and(|object| rooted_at(module, object, receiver));
    let node = match callee {
        Some(callee) if rooted => callee,
        _ => call,
    };
    let text: String = module.text(node).chars().filter(|c| !c.is_whitespace()).collect();
    text.replace(&format!("{receiver}."), "@.")
}

/// `<receiver>.close`, `<receiver>.cleanup`: a public method of the object
/// with a release name.
fn is_own_release_method(module: &Module<'_>, callee: Node<'_>, receiver: &str) -> bool {
    callee.is(Kind::Attribute)
        && callee
            .child_by_field_name("object")
            .is_some_and(|object| is_name(module, object, receiver))
        && callee.child_by_field_name("attribute").is_some_and(|name| {
            let name = module.text(name);
            !name.starts_with('_') && names_a_release(name)
        })
}

fn is_name(module: &Module<'_>, node: Node<'_>, name: &str) -> bool {
    node.is(Kind::Identifier) && module.text(node) == name
}

/// A call that releases something the object holds: a method with a
/// release name on the object or what it holds (`self.file.close()`,
/// `self._release()`), a known release function (`os.close(...)`, also
/// through an alias or a default parameter), or a function with a release
/// name given something the object holds (`lib.sqlite3_close(self.db)`).
fn is_release_call<'t>(
    context: &Checked<'t>,
    class: ClassId,
    function: Node<'t>,
    receiver: &str,
    call: Node<'t>,
    callee: Node<'t>,
) -> bool {
    let module = context.module;
    if callee.is(Kind::Attribute)
        && let Some(object) = callee.child_by_field_name("object")
        && rooted_at(module, object, receiver)
        && callee
            .child_by_field_name("attribute")
            .is_some_and(|name| names_a_release(module.text(name)))
    {
        return !holds_coroutine(context, class, object, receiver);
    }
    let resolved = resolve_callee(context, class, function, receiver, callee);
    if context
        .semantic
        .qualified_name(resolved)
        .is_some_and(|qualified| RELEASE_FUNCTIONS.contains(&qualified.as_str()))
    {
        return true;
    }
    let last_name = match callee.py_kind() {
        Kind::Identifier => Some(callee),
        Kind::Attribute => callee.child_by_field_name("attribute"),
        _ => None,
    };
    let names_release = last_name.is_some_and(|name| names_a_release(module.text(name)));
    names_release
        && call
            .child_by_field_name("arguments")
            .is_some_and(|arguments| any_node(arguments, |node| is_name(module, node, receiver)))
}

/// True when `object` is `<receiver>.<name>` and every value the class's
/// methods assign to it is a call of a coroutine or generator function of
/// this module: closing those finalizes Python code, it releases nothing.
fn holds_coroutine(
    context: &Checked<'_>,
    class: ClassId,
    object: Node<'_>,
    receiver: &str,
) -> bool {
    let module = context.module;
    let classes = &context.classes;
    let Some(name) = object
        .child_by_field_name("object")
        .filter(|inner| object.is(Kind::Attribute) && is_name(module, *inner, receiver))
        .and_then(|_| object.child_by_field_name("attribute"))
    else {
        return false;
    };
    let name = module.text(name);
    let mut values = std::iter::once(class)
        .chain(classes.ancestors(class))
        .flat_map(|id| classes.class(id).instance_attributes.iter())
        .filter(|attribute| attribute.name == name)
        .map(|attribute| attribute.value)
        .peekable();
    values.peek().is_some()
        && values.all(|value| {
            value
                .filter(|value| value.is(Kind::Call))
                .and_then(|call| call.child_by_field_name("function"))
                .is_some_and(|callee| calls_coroutine_function(context, class, callee, receiver))
        })
}

/// Coroutine functions of the standard library a class may keep the
/// coroutine of without awaiting it.
const COROUTINE_FUNCTIONS: &[&str] = &[
    "asyncio.create_subprocess_exec",
    "asyncio.create_subprocess_shell",
    "asyncio.open_connection",
    "asyncio.open_unix_connection",
    "asyncio.sleep",
    "asyncio.start_server",
    "asyncio.start_unix_server",
    "asyncio.to_thread",
    "asyncio.wait",
    "asyncio.wait_for",
];

/// `callee` is a coroutine or generator function: an `async def` or a
/// generator of this module (a function, or a method through the
/// receiver), or a known coroutine function.
fn calls_coroutine_function(
    context: &Checked<'_>,
    class: ClassId,
    callee: Node<'_>,
    receiver: &str,
) -> bool {
    let module = context.module;
    let semantic = context.semantic;
    if semantic
        .qualified_name(callee)
        .is_some_and(|qualified| COROUTINE_FUNCTIONS.contains(&qualified.as_str()))
    {
        return true;
    }
    if callee.is(Kind::Identifier) {
        return semantic
            .reference_at(callee)
            .and_then(|reference| semantic.resolved_binding(reference))
            .map(|binding| semantic.binding(binding))
            .is_some_and(|binding| {
                binding.kind == BindingKind::FunctionDef && is_coroutine_function(binding.source)
            });
    }
    if callee.is(Kind::Attribute)
        && callee
            .child_by_field_name("object")
            .is_some_and(|object| is_name(module, object, receiver))
        && let Some(name) = callee.child_by_field_name("attribute")
    {
        let classes = &context.classes;
        let name = module.text(name);
        let mut methods = std::iter::once(class)
            .chain(classes.ancestors(class))
            .flat_map(|id| classes.class(id).member(name))
            .peekable();
        return methods.peek().is_some()
            && methods.all(|member| {
                member.kind == BindingKind::FunctionDef && is_coroutine_function(member.source)
            });
    }
    false
}

/// An `async def`, or a `def` whose own body yields.
fn is_coroutine_function(function: Node<'_>) -> bool {
    if function.child(0).is_some_and(|first| first.is(Kind::Async)) {
        return true;
    }
    function.child_by_field_name("body").is_some_and(|body| {
        let mut yields = false;
        visit(body, |node| match node.py_kind() {
            Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
            Kind::Yield => {
                yields = true;
                Walk::Stop
            }
            _ => Walk::Descend,
        });
        yields
    })
}

/// `self.x`, `self.x.y`, `self.x[0]`: an expression built on the receiver;
/// also `stream` in `for stream in self.streams:` (or any iterable that
/// names the receiver).
fn rooted_at(module: &Module<'_>, expression: Node<'_>, receiver: &str) -> bool {
    let mut current = expression;
    loop {
        match current.py_kind() {
            Kind::Identifier => {
                let name = module.text(current);
                return name == receiver || iterates_over_receiver(module, current, name, receiver);
            }
            Kind::Attribute => match current.child_by_field_name("object") {
                Some(object) => current = object,
                None => return false,
            },
            Kind::Subscript => match current.child_by_field_name("value") {
                Some(value) => current = value,
                None => return false,
            },
            Kind::ParenthesizedExpression => match current.named_child(0) {
                Some(inner) => current = inner,
                None => return false,
            },
            _ => return false,
        }
    }
}

/// `name` is the target of a `for` around `node` whose iterable names the
/// receiver.
fn iterates_over_receiver(module: &Module<'_>, node: Node<'_>, name: &str, receiver: &str) -> bool {
    let mut current = node.parent();
    while let Some(ancestor) = current {
        match ancestor.py_kind() {
            Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => return false,
            Kind::ForStatement => {
                let target = ancestor.child_by_field_name("left");
                let iterable = ancestor.child_by_field_name("right");
                if target.is_some_and(|target| is_name(module, target, name)) {
                    return iterable.is_some_and(|iterable| {
                        any_node(iterable, |node| is_name(module, node, receiver))
                    });
                }
            }
            _ => {}
        }
        current = ancestor.parent();
    }
    false
}

/// What a callee stands for when it is an alias the class or `__del__`
/// sets up: a default parameter (`_close=os.close`) or a class attribute
/// read through the receiver (`_unlink = os.unlink`, `self._unlink(...)`).
fn resolve_callee<'t>(
    context: &Checked<'t>,
    class: ClassId,
    function: Node<'t>,
    receiver: &str,
    callee: Node<'t>,
) -> Node<'t> {
    let module = context.module;
    if callee.is(Kind::Identifier)
        && let Some(default) = parameter_default(module, function, module.text(callee))
    {
        return default;
    }
    if callee.is(Kind::Attribute)
        && callee
            .child_by_field_name("object")
            .is_some_and(|object| is_name(module, object, receiver))
        && let Some(attribute) = callee.child_by_field_name("attribute")
    {
        let classes = &context.classes;
        let name = module.text(attribute);
        let value = std::iter::once(class)
            .chain(classes.ancestors(class))
            .find_map(|id| classes.class(id).member(name).find_map(|member| member.value));
        if let Some(value) = value {
            return value;
        }
    }
    callee
}

/// The default value of the parameter `name` of `function`.
fn parameter_default<'t>(module: &Module<'_>, function: Node<'t>, name: &str) -> Option<Node<'t>> {
    let parameters = function.child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    let found = parameters.named_children(&mut cursor).find(|parameter| {
        matches!(parameter.py_kind(), Kind::DefaultParameter | Kind::TypedDefaultParameter)
            && parameter
                .child_by_field_name("name")
                .is_some_and(|found| is_name(module, found, name))
    });
    found.and_then(|parameter| parameter.child_by_field_name("value"))
}

// ----- the project -----

/// What the project index says about a class defined at module level (one
/// class of that name there), when the run has an index.
fn project_facts<'s>(context: &Checked<'s>, id: ClassId) -> Option<&'s ClassFacts> {
    let class = context.classes.class(id);
    let parent = class.node.parent()?;
    let definition = if parent.is(Kind::DecoratedDefinition) { parent.parent()? } else { parent };
    if !definition.is(Kind::Module) {
        return None;
    }
    let mut named =
        context.settings.project.classes.iter().filter(|facts| facts.name == class.name);
    let found = named.next()?;
    named.next().is_none().then_some(found)
}

/// A base of the class or of its ancestors in the module is a class of
/// another project module that is a context manager: its hierarchy binds
/// `__enter__`/`__exit__` (or the async pair) or derives from a known
/// context manager.
fn has_project_context_manager_base(context: &Checked<'_>, id: ClassId) -> bool {
    let classes = &context.classes;
    std::iter::once(id)
        .chain(classes.ancestors(id))
        .filter_map(|class| project_facts(context, class))
        .flat_map(|facts| facts.bases.iter())
        .any(|base| {
            base.binds.iter().any(|(_, binds)| {
                binds & (class_binds::ENTER_EXIT | class_binds::AENTER_AEXIT) != 0
            }) || base.outside.iter().any(|name| CONTEXT_MANAGER_BASES.contains(&name.as_str()))
        })
}

// ----- context managers -----

/// Bases known to make a class a context manager.
const CONTEXT_MANAGER_BASES: &[&str] = &[
    "_io.BufferedIOBase",
    "_io.BufferedRandom",
    "_io.BufferedReader",
    "_io.BufferedWriter",
    "_io.BytesIO",
    "_io.FileIO",
    "_io.RawIOBase",
    "_io.StringIO",
    "_io.TextIOBase",
    "_io.TextIOWrapper",
    "_io._BufferedIOBase",
    "_io._IOBase",
    "_io._RawIOBase",
    "_io._TextIOBase",
    "bz2.BZ2File",
    "codecs.StreamReader",
    "codecs.StreamReaderWriter",
    "codecs.StreamWriter",
    "concurrent.futures.Executor",
    "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.ThreadPoolExecutor",
    "contextlib.AbstractAsyncContextManager",
    "contextlib.AbstractContextManager",
    "contextlib.AsyncExitStack",
    "contextlib.ExitStack",
    "fileinput.FileInput",
    "ftplib.FTP",
    "gzip.GzipFile",
    "imaplib.IMAP4",
    "io.BufferedIOBase",
    "io.BufferedRWPair",
    "io.BufferedRandom",
    "io.BufferedReader",
    "io.BufferedWriter",
    "io.BytesIO",
    "io.FileIO",
    "io.IOBase",
    "io.RawIOBase",
    "io.StringIO",
    "io.TextIOBase",
    "io.TextIOWrapper",
    "lzma.LZMAFile",
    "mmap.mmap",
    "multiprocessing.pool.Pool",
    "multiprocessing.pool.ThreadPool",
    "selectors.BaseSelector",
    "selectors.DefaultSelector",
    "shelve.Shelf",
    "smtplib.SMTP",
    "socket.socket",
    "socketserver.BaseServer",
    "socketserver.TCPServer",
    "socketserver.UDPServer",
    "sqlite3.Connection",
    "ssl.SSLSocket",
    "subprocess.Popen",
    "tarfile.TarFile",
    "tempfile.SpooledTemporaryFile",
    "tempfile.TemporaryDirectory",
    "threading.BoundedSemaphore",
    "threading.Condition",
    "threading.Semaphore",
    "typing.AsyncContextManager",
    "typing.BinaryIO",
    "typing.ContextManager",
    "typing.IO",
    "typing.TextIO",
    "zipfile.ZipFile",
];

const CONTEXT_MANAGER_METHODS: [&str; 4] = ["__enter__", "__exit__", "__aenter__", "__aexit__"];

/// The class or a base in the module defines `__enter__`/`__exit__` (or the
/// async pair), or a base is a known context manager.
fn is_context_manager(classes: &Classes<'_>, id: ClassId) -> bool {
    let hierarchy = std::iter::once(id).chain(classes.ancestors(id));
    let defines = hierarchy.into_iter().any(|class| {
        CONTEXT_MANAGER_METHODS
            .iter()
            .any(|name| classes.class(class).member(name).next().is_some())
    });
    defines
        || classes.foreign_bases(id).iter().any(|base| {
            matches!(base, Base::Qualified(name) if CONTEXT_MANAGER_BASES.contains(&name.as_str()))
        })
}

// ----- the fix -----

fn plan_fix(
    context: &Checked<'_>,
    id: ClassId,
    body: Node<'_>,
    bindings: &[Node<'_>],
    releases: &[Releases<'_>],
) -> Result<Planned, String> {
    let module = context.module;
    let classes = &context.classes;
    let class = classes.class(id);
    let ([name], [found]) = (bindings, releases) else {
        return Err(if bindings.len() > 1 {
            "`__del__` is bound more than once".to_string()
        } else {
            "`__del__` is not a `def`".to_string()
        });
    };
    let function = module
        .parent(*name)
        .filter(|parent| parent.is(Kind::FunctionDefinition))
        .ok_or("`__del__` is not a `def`")?;
    match module.parent(function) {
        Some(parent) if parent == body => {}
        Some(parent) if parent.is(Kind::DecoratedDefinition) => {
            return Err("`__del__` is decorated".to_string());
        }
        _ => return Err("`__del__` is defined conditionally".to_string()),
    }
    if function.child(0).is_some_and(|first| first.is(Kind::Async)) {
        return Err("`__del__` is `async`".to_string());
    }
    let receiver = receiver_of(module, function).ok_or("`__del__` has no plain first parameter")?;
    let del_body = function.child_by_field_name("body").ok_or("no body")?;
    if found.own_release > 0
        && any_node(del_body, |node| is_name_attribute(module.source, node, receiver, "close"))
    {
        return Err("`__del__` calls `close()` and releases more besides".to_string());
    }
    if let Some(alias) = class.aliases_of(module, "__del__").next() {
        return Err(format!("`__del__` is also bound to `{}` in the class body", alias.name));
    }
    let insert_at = leading_comments_start(module, function)
        .ok_or("`__del__` follows a line continuation (`\\`)")?;
    let layout = Layout::of(module, class.node, body, function);
    add_close(context, id, function, receiver, &found.calls, insert_at, &layout)
}

/// `__enter__` and `__exit__` calling `close()`, each followed by the class's spacing.
fn with_methods(module: &Module<'_>, layout: &Layout<'_>, receiver: &str) -> String {
    let (indent, step, newline) = (layout.indent, layout.step.as_str(), module.newline());
    let gap = newline.repeat(layout.blank_lines);
    format!(
        "{indent}def __enter__({receiver}):{newline}{indent}{step}return {receiver}{newline}{gap}\
         {indent}def __exit__({receiver}, exc_type, exc, tb):{newline}{indent}{step}{receiver}.close(){newline}{gap}"
    )
}

/// The fix: its edits, and whether the new `__del__` warns.
type Planned = (Vec<Edit>, bool);

/// The edits that turn `__del__` into an idempotent `close()` and add the
/// flag, `__enter__`, `__exit__` and a `__del__` that closes (and warns
/// when `__del__` released something unconditionally).
fn add_close(
    context: &Checked<'_>,
    id: ClassId,
    function: Node<'_>,
    receiver: &str,
    calls: &[Node<'_>],
    insert_at: usize,
    layout: &Layout<'_>,
) -> Result<Planned, String> {
    let module = context.module;
    let semantic = context.semantic;
    let classes = &context.classes;
    let class = classes.class(id);
    let ancestors = classes.ancestors(id);
    let descendants = classes.descendants(id);
    let hierarchy =
        || std::iter::once(id).chain(ancestors.iter().copied()).chain(descendants.iter().copied());
    if let Some(owner) = hierarchy().find(|other| classes.class(*other).binds("close")) {
        let owner = classes.class(owner).name;
        return Err(if owner == class.name {
            "the class already binds `close`".to_string()
        } else {
            format!("`close` is already bound in `{owner}`")
        });
    }
    if let Some(subclass) =
        project_facts(context, id).and_then(|facts| facts.subclasses_binding_close.first())
    {
        let (module, name) = subclass.rsplit_once('.').unwrap_or(("", subclass));
        return Err(format!("its subclass `{name}` in `{module}` binds `close`"));
    }
    check_foreign_bases(context, id)?;
    if let Some(base) = ancestors.iter().find(|base| classes.class(**base).binds("__del__")) {
        return Err(format!("its base `{}` defines `__del__` too", classes.class(*base).name));
    }
    if class.binds(FLAG) {
        return Err(format!("the class already binds `{FLAG}`"));
    }
    if class.binds("__slots__") {
        return Err("the class defines `__slots__`".to_string());
    }
    let own_hierarchy = || std::iter::once(id).chain(ancestors.iter().copied());
    if own_hierarchy().any(|other| classes.class(other).binds("__setattr__")) {
        return Err("the class defines `__setattr__`".to_string());
    }
    if own_hierarchy().any(|other| {
        let other = classes.class(other);
        other.binds("__getattr__") || other.binds("__getattribute__")
    }) {
        return Err("the class forwards attributes (`__getattr__`)".to_string());
    }
    if is_frozen(module, class.node) {
        return Err("the class is frozen".to_string());
    }
    if calls_del_explicitly(module) {
        return Err("this file calls `__del__` explicitly".to_string());
    }
    if context.settings.target_version < PythonVersion(3, 6) {
        return Err("the target version is older than Python 3.6".to_string());
    }
    let names_read_in_class = names_read_in_scope(semantic, class.scope);
    for added in ["close", "__enter__", "__exit__", "__del__", FLAG] {
        if names_read_in_class.contains(&added) {
            return Err(format!("the class body reads `{added}`"));
        }
    }
    let body = function.child_by_field_name("body").ok_or("no body")?;
    let warns = calls.iter().any(|call| is_unconditional(*call, body));
    let imported = if warns { Some(warnings_import(semantic, function)?) } else { None };
    let del_name = function.child_by_field_name("name").ok_or("no name")?;
    if any_node(body, |node| is_del_attribute(module, node)) {
        return Err("`__del__` calls another `__del__`".to_string());
    }
    let (indent, step, newline) = (layout.indent, layout.step.as_str(), module.newline());
    let gap = newline.repeat(layout.blank_lines);
    // A `__del__` that reads globals through defaults (`_close=os.close`)
    // is meant to run at interpreter shutdown, when module globals may be
    // gone: the new one reads `warnings.warn` the same way.
    let localised = imported.is_some() && has_default_parameter(function);
    if localised
        && let Some(imported) = imported.as_ref()
        && let Some(root) = imported.name.split('.').next()
        && class.member(root).next().is_some()
    {
        // The default is read in the class body, which binds that name.
        return Err(format!("the class body binds `{root}`"));
    }
    let (parameters, del_body) = match imported.as_ref() {
        Some(imported) => {
            let warn = format!("{}.warn", imported.name);
            let (parameters, callee) = if localised {
                (format!("{receiver}, {LOCAL_WARN}={warn}"), LOCAL_WARN.to_string())
            } else {
                (receiver.to_string(), warn)
            };
            let warn =
                warn_call(&callee, receiver, &format!("{indent}{step}{step}"), step, newline);
            let body = format!(
                "{indent}{step}if not {receiver}.{FLAG}:{newline}\
                 {indent}{step}{step}{receiver}.close(){newline}{warn}"
            );
            (parameters, body)
        }
        // `close()` itself does nothing the second time.
        None => (receiver.to_string(), format!("{indent}{step}{receiver}.close(){newline}")),
    };
    let inserted = format!(
        "{indent}{FLAG} = False{newline}{gap}\
         {with}\
         {indent}def __del__({parameters}):{newline}{del_body}{gap}",
        with = with_methods(module, layout, receiver),
    );
    let mut edits = vec![
        Edit::insert(insert_at, inserted),
        Edit::replace(del_name.byte_range(), "close"),
        guard_edit(module, function, body, receiver, layout)?,
    ];
    edits.extend(imported.and_then(|imported| imported.edit));
    Ok((edits, warns))
}

/// How the new `__del__` reaches `warnings.warn` (adding `import warnings`
/// when the module lacks it), or why it cannot.
fn warnings_import(semantic: &Semantic<'_>, function: Node<'_>) -> Result<Imported, String> {
    let del_scope = semantic.scope_of_definition(function).ok_or("no scope")?;
    if semantic.lookup("ResourceWarning", del_scope).is_some() {
        return Err("`ResourceWarning` is not the builtin here".to_string());
    }
    let imported = ensure_import(semantic, "warnings").ok_or("the name `warnings` is taken")?;
    let warnings_name = imported.name.split('.').next().unwrap_or("warnings");
    if let Some(symbol) = semantic.lookup(warnings_name, del_scope)
        && semantic.symbol(symbol).scope != semantic.module_scope()
    {
        return Err("the name `warnings` is bound around the class".to_string());
    }
    Ok(imported)
}

/// The release runs whenever `__del__` runs: no `if`, loop, `except`,
/// `else`, `case`, conditional expression or `and`/`or` around it in the
/// body. When every release depends on a condition (`if self._tmpdir:`),
/// the object may hold nothing, and a warning would cry wolf for every
/// object that never acquired anything. A `return` before the release
/// (`if self.fd is None: return`) is such a condition too.
fn is_unconditional(call: Node<'_>, body: Node<'_>) -> bool {
    if returns_before(body, call.start_byte()) {
        return false;
    }
    let mut current = call.parent();
    while let Some(node) = current {
        if node.id() == body.id() {
            return true;
        }
        if matches!(
            node.py_kind(),
            Kind::IfStatement
                | Kind::ElifClause
                | Kind::ElseClause
                | Kind::ForStatement
                | Kind::WhileStatement
                | Kind::ExceptClause
                | Kind::CaseClause
                | Kind::ConditionalExpression
                | Kind::BooleanOperator
                | Kind::ListComprehension
                | Kind::SetComprehension
                | Kind::DictionaryComprehension
                | Kind::GeneratorExpression
        ) {
            return false;
        }
        current = node.parent();
    }
    false
}

/// A `return` of `body` itself (not of a nested function) starts before
/// `offset`.
fn returns_before(body: Node<'_>, offset: usize) -> bool {
    let mut found = false;
    visit(body, |node| {
        if found || node.start_byte() >= offset {
            return Walk::Skip;
        }
        match node.py_kind() {
            Kind::ReturnStatement => {
                found = true;
                Walk::Stop
            }
            Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
            _ => Walk::Descend,
        }
    });
    found
}

/// Longest line the fix writes on one line (PEP 8).
const MAX_LINE: usize = 79;

/// `warnings.warn(f"unclosed {self!r}", ResourceWarning, source=self)` at
/// `indent` (`warn` is the callee), its arguments on a line of their own
/// when it would be too long.
fn warn_call(warn: &str, receiver: &str, indent: &str, step: &str, newline: &str) -> String {
    let arguments = format!("f\"unclosed {{{receiver}!r}}\", ResourceWarning, source={receiver}");
    let one_line = format!("{indent}{warn}({arguments}){newline}");
    if one_line.trim_end().chars().count() <= MAX_LINE {
        return one_line;
    }
    format!("{indent}{warn}({newline}{indent}{step}{arguments}{newline}{indent}){newline}")
}

/// The parameter through which a `__del__` that reads globals through
/// defaults reaches `warnings.warn` (the standard library's name).
const LOCAL_WARN: &str = "_warn";

/// `function` has a parameter with a default (`_close=os.close`).
fn has_default_parameter(function: Node<'_>) -> bool {
    let Some(parameters) = function.child_by_field_name("parameters") else { return false };
    let mut cursor = parameters.walk();
    parameters.named_children(&mut cursor).any(|parameter| {
        matches!(parameter.py_kind(), Kind::DefaultParameter | Kind::TypedDefaultParameter)
    })
}

/// A base that cannot define `close()` or `__enter__`: a builtin such as
/// `object` or `Exception`, `abc.ABC`, `typing.Generic`.
fn is_plain_base(base: &Base) -> bool {
    match base {
        Base::Qualified(name) => is_plain_name(name),
        Base::Local(_) | Base::Unknown => false,
    }
}

fn is_plain_name(name: &str) -> bool {
    name.starts_with("builtins.")
        || matches!(name, "abc.ABC" | "typing.Generic" | "typing.Protocol")
}

/// Every base of the class and of its ancestors in the module that is not
/// defined in the module is a builtin (`object`), a plain base (`abc.ABC`)
/// or a class of another project module whose hierarchy the project index
/// reads whole and which binds none of `close`, `__del__`, `__setattr__`
/// and `__getattr__`.
fn check_foreign_bases(context: &Checked<'_>, id: ClassId) -> Result<(), String> {
    let classes = &context.classes;
    let unknown = || "a base class from another module may define `close()`".to_string();
    for class in std::iter::once(id).chain(classes.ancestors(id)) {
        let facts = project_facts(context, class);
        for (index, base) in classes.class(class).bases.iter().enumerate() {
            if matches!(base, Base::Local(_)) || is_plain_base(base) {
                continue;
            }
            let found = facts.and_then(|facts| facts.bases.iter().find(|base| base.index == index));
            let Some(found) = found else { return Err(unknown()) };
            for (owner, binds) in &found.binds {
                if binds & class_binds::CLOSE != 0 {
                    return Err(format!("`close` is already bound in `{owner}`"));
                }
                if binds & class_binds::DEL != 0 {
                    return Err(format!("its base `{owner}` defines `__del__` too"));
                }
                if binds & class_binds::SETATTR != 0 {
                    return Err(format!("its base `{owner}` defines `__setattr__`"));
                }
                if binds & class_binds::GETATTR != 0 {
                    return Err(format!("its base `{owner}` forwards attributes (`__getattr__`)"));
                }
            }
            if found.unknown {
                return Err(format!("a base class of `{}` may define `close()`", found.class));
            }
            if let Some(outside) = found.outside.iter().find(|name| !is_plain_name(name)) {
                return Err(format!(
                    "`{}` derives from `{outside}`, which may define `close()`",
                    found.class
                ));
            }
        }
    }
    Ok(())
}

/// `@dataclass(frozen=True)`, `@attrs.frozen`, ...: instances refuse new attributes.
fn is_frozen(module: &Module<'_>, class: Node<'_>) -> bool {
    let Some(parent) = class.parent().filter(|parent| parent.is(Kind::DecoratedDefinition)) else {
        return false;
    };
    let mut cursor = parent.walk();
    parent
        .named_children(&mut cursor)
        .filter(|child| child.is(Kind::Decorator))
        .any(|decorator| module.text(decorator).contains("frozen"))
}

/// The names code directly in the scope reads (not its functions).
fn names_read_in_scope<'m>(
    semantic: &Semantic<'m>,
    scope: crate::semantic::ScopeId,
) -> Vec<&'m str> {
    let module = semantic.module();
    semantic
        .references()
        .iter()
        .filter(|reference| {
            semantic
                .ancestor_scopes(reference.scope)
                .find(|id| semantic.scope(*id).kind != ScopeKind::Comprehension)
                == Some(scope)
        })
        .map(|reference| module.text(reference.node))
        .collect()
}

/// `x.__del__`.
fn is_del_attribute(module: &Module<'_>, node: Node<'_>) -> bool {
    node.is(Kind::Attribute)
        && node.child_by_field_name("attribute").is_some_and(|name| module.text(name) == "__del__")
}

/// The guard at the start of `close()`, right below the `def` line (or
/// the docstring), above the comments that lead its code: return when
/// already closed, else mark it closed.
fn guard_edit(
    module: &Module<'_>,
    function: Node<'_>,
    body: Node<'_>,
    receiver: &str,
    layout: &Layout<'_>,
) -> Result<Edit, String> {
    let newline = module.newline();
    let step = layout.step.as_str();
    let mut rest = statements(body);
    let first = rest.next().ok_or("no body")?;
    let colon = body_colon(function).ok_or("no colon")?;
    let (after, anchor) = if is_docstring(first) {
        (first.end_byte(), rest.next().ok_or("`__del__` only has a docstring")?)
    } else {
        (colon + 1, first)
    };
    let guard = |inner: &str| {
        format!(
            "{inner}if {receiver}.{FLAG}:{newline}{inner}{step}return{newline}{inner}{receiver}.{FLAG} = True{newline}"
        )
    };
    if module.starts_line(anchor.start_byte()) {
        let at = module.next_line_start(module.end_in_file(after));
        if at > anchor.start_byte() || module.continues_previous_line(at) {
            return Err("`__del__` continues a line into its body".to_string());
        }
        let inner = module.indentation_at(anchor.start_byte());
        return Ok(Edit::insert(at, guard(inner)));
    }
    if anchor != first {
        return Err("`__del__` has its docstring and code on one line".to_string());
    }
    // A one-line body (`def __del__(self): self.h.close()`) moves below the guard.
    let inner = format!("{}{step}", layout.indent);
    Ok(Edit::replace(colon..first.start_byte(), format!(":{newline}{}{inner}", guard(&inner))))
}

/// The start of the `:` that opens a function's body.
fn body_colon(function: Node<'_>) -> Option<usize> {
    let mut cursor = function.walk();
    let colon = function.children(&mut cursor).filter(|child| child.kind() == ":").last();
    colon.map(|colon| colon.start_byte())
}

/// The nodes that bind `__del__` in a class body: `def` names and assignment
/// targets, in source order, not looking into nested functions or classes.
fn del_bindings<'t>(module: &Module<'_>, body: Node<'t>) -> Vec<Node<'t>> {
    let mut found = Vec::new();
    visit(body, |node| match node.py_kind() {
        Kind::FunctionDefinition | Kind::ClassDefinition => {
            if let Some(name) = node.child_by_field_name("name")
                && module.text(name) == "__del__"
            {
                found.push(name);
            }
            Walk::Skip
        }
        Kind::Lambda => Walk::Skip,
        Kind::Assignment | Kind::AugmentedAssignment => {
            if let Some(left) = node.child_by_field_name("left") {
                visit(left, |target| match target.py_kind() {
                    Kind::Identifier if module.text(target) == "__del__" => {
                        found.push(target);
                        Walk::Skip
                    }
                    Kind::Attribute | Kind::Subscript => Walk::Skip,
                    _ => Walk::Descend,
                });
            }
            Walk::Descend
        }
        _ => Walk::Descend,
    });
    found
}

/// True when the file reads the attribute `__del__` outside a `__del__`
/// (`obj.__del__()`): such a call would now warn. Inside a `__del__`,
/// `super().__del__()` chains finalizers and keeps working.
fn calls_del_explicitly(module: &Module<'_>) -> bool {
    any_node(module.root(), |node| is_del_attribute(module, node) && !inside_del(module, node))
}

fn inside_del(module: &Module<'_>, node: Node<'_>) -> bool {
    let mut current = module.parent(node);
    while let Some(ancestor) = current {
        if ancestor.is(Kind::FunctionDefinition) {
            return ancestor
                .child_by_field_name("name")
                .is_some_and(|name| module.text(name) == "__del__");
        }
        current = module.parent(ancestor);
    }
    false
}

/// Where code inserted before `statement` goes: the start of the comment lines
/// right above it (they describe it and move with it), else its own line.
/// `None` when that line continues the one above it (a `\` at its end).
fn leading_comments_start(module: &Module<'_>, statement: Node<'_>) -> Option<usize> {
    let indent = module.indentation_at(statement.start_byte());
    let mut start = module.line_start(statement.start_byte());
    while start > 0 && !module.continues_previous_line(start) {
        let previous = module.line_start(start - 1);
        // A comment line that continues the line above belongs to it.
        if module.continues_previous_line(previous) {
            break;
        }
        let line = &module.source[previous..start];
        let Some(comment) = line.strip_prefix(indent).filter(|rest| rest.starts_with('#')) else {
            break;
        };
        // A `#` at the start of a line inside a string is not a comment.
        let hash = previous + (line.len() - comment.len());
        let is_comment = module
            .root()
            .descendant_for_byte_range(hash, hash + 1)
            .is_some_and(|node| node.is(Kind::Comment));
        if !is_comment {
            break;
        }
        start = previous;
    }
    (!module.continues_previous_line(start)).then_some(start)
}

/// How the class writes its methods.
struct Layout<'s> {
    /// The indentation of the class's methods.
    indent: &'s str,
    /// One level from a `def` to its body.
    step: String,
    /// Blank lines between two methods.
    blank_lines: usize,
}

impl<'s> Layout<'s> {
    fn of(module: &Module<'s>, class: Node<'_>, body: Node<'_>, del: Node<'_>) -> Layout<'s> {
        let indent = module.indentation_at(del.start_byte());
        let methods: Vec<Node<'_>> = statements(body)
            .filter(|statement| {
                matches!(statement.py_kind(), Kind::FunctionDefinition | Kind::DecoratedDefinition)
            })
            .collect();
        let step = std::iter::once(del)
            .filter(|del| del.is(Kind::FunctionDefinition))
            .chain(methods.iter().copied().filter_map(definition_of))
            .find_map(|function| body_step(module, function))
            .unwrap_or_else(|| class_step(module, class, indent));
        let blank_lines = statements(body)
            .collect::<Vec<_>>()
            .windows(2)
            .find(|pair| pair.iter().all(|statement| methods.contains(statement)))
            .map_or(DEFAULT_BLANK_LINES, |pair| blank_lines_between(module, pair[0], pair[1]));
        Layout { indent, step, blank_lines }
    }
}

fn definition_of(statement: Node<'_>) -> Option<Node<'_>> {
    match statement.py_kind() {
        Kind::DecoratedDefinition => statement.child_by_field_name("definition"),
        _ => Some(statement),
    }
}

/// The step from a `def` to its body, when the body starts on its own line.
fn body_step(module: &Module<'_>, function: Node<'_>) -> Option<String> {
    let first = statements(function.child_by_field_name("body")?).next()?;
    if !module.starts_line(first.start_byte()) {
        return None;
    }
    let outer = module.indentation_at(function.start_byte());
    let inner = module.indentation_at(first.start_byte());
    inner.strip_prefix(outer).filter(|step| !step.is_empty()).map(str::to_string)
}

/// The step from the class to its methods; the file's unit if that fails.
fn class_step(module: &Module<'_>, class: Node<'_>, indent: &str) -> String {
    let outer = module.indentation_at(class.start_byte());
    match indent.strip_prefix(outer) {
        Some(step) if !step.is_empty() => step.to_string(),
        _ if indent.contains('\t') => "\t".to_string(),
        _ => module.indent_unit().to_string(),
    }
}

/// Whitespace-only lines between the end of `first` and the start of `second`.
fn blank_lines_between(module: &Module<'_>, first: Node<'_>, second: Node<'_>) -> usize {
    let from = module.next_line_start(module.end_in_file(first.end_byte()));
    let to = module.line_start(second.start_byte());
    if from >= to {
        return 0;
    }
    module.source[from..to].split_inclusive('\n').filter(|line| line.trim().is_empty()).count()
}

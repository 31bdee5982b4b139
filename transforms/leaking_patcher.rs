//! # leaking-patcher (PF015)
//!
//! ## What it does
//! Finds `unittest.mock` patchers (`patch(...)`, `patch.object(...)`,
//! `patch.dict(...)`, `patch.multiple(...)`, from `unittest.mock` or the
//! `mock` backport, however imported) started with `.start()` inside a
//! function and never stopped: nothing calls the patcher's `stop()`
//! (directly, in `tearDown`, in a `finally`, through `addCleanup`) and
//! nothing calls `patch.stopall()`.
//!
//! ## Why is this bad?
//! A started patcher stays in place until something stops it. When a test
//! starts one and never stops it, the target stays patched after the test
//! ends: every test that runs after it in the same process sees the mock
//! instead of the real object, so tests pass or fail depending on their
//! order, and a failure points at an innocent test.
//!
//! ## Example
//! ```python
//! class TestClient(unittest.TestCase):
//!     def setUp(self):
//!         self.patcher = patch("app.client.requests.get")
//!         self.get = self.patcher.start()
//!
//!     def test_fetch(self):
//!         self.sleep = patch("time.sleep").start()
//! ```
//!
//! Use instead:
//! ```python
//! class TestClient(unittest.TestCase):
//!     def setUp(self):
//!         self.patcher = patch("app.client.requests.get")
//!         self.get = self.patcher.start()
//!         self.addCleanup(self.patcher.stop)
//!
//!     def test_fetch(self):
//!         patcher = patch("time.sleep")
//!         self.sleep = patcher.start()
//!         self.addCleanup(patcher.stop)
//! ```
//!
//! Fixed in the instance methods of a `unittest.TestCase` subclass (the
//! class derives from `unittest.TestCase`, `IsolatedAsyncioTestCase`,
//! Django's, Twisted trial's or Tornado's test cases, or the class or one of
//! its bases in the module already calls `addCleanup`): the fix adds
//! `self.addCleanup(<patcher>.stop)` on the line after the statement that
//! starts the patcher, at the same indentation. In `setUpClass` it adds
//! `cls.addClassCleanup(<patcher>.stop)` when the target version is 3.8 or
//! later. `.start()` returns the mock, not the patcher, so for
//! `x = patch(...).start()` (and `patch(...).start()` as a statement) the
//! fix first keeps the patcher in a new local, `patcher` (or `patcher_1`,
//! ... when the function already uses that name):
//! `patcher = patch(...)`, then `x = patcher.start()`. The statement that
//! starts the patcher must be a plain statement or assignment on its own
//! lines; anywhere else (inside a larger expression, a comprehension, a
//! `return`, a one-line `if` body) the finding has no fix.
//!
//! Reported without a fix: patchers started in plain functions (pytest
//! tests and fixtures, helpers): stop them in a `finally`, after the
//! fixture's `yield`, or use `with`.
//!
//! Not reported: a patcher whose name (or `self.` attribute) is used for
//! anything but `.start()` anywhere it is visible, since it may be stopped
//! there or handed to code that stops it (a list of patchers stopped in
//! `tearDown`, a patcher returned to the caller, `with patcher:`); any
//! module that mentions `stopall`; patchers started at module level or in a
//! class body (a process-wide stub, often deliberate in a `conftest.py`);
//! and `patch.object`/`patch.multiple`/`patch.dict` on a local variable or
//! on the test itself (`self`), which patch an object that dies with the
//! test and leak nothing into other tests.
//!
//! ## Fix safety
//! Unsafe. The target is now restored when the test ends (after
//! `tearDown`), where before it stayed patched for the rest of the process:
//! a test that runs later and, knowingly or not, relied on the leaked mock
//! now sees the real object. Within the test nothing changes: the patch is
//! in place from `.start()` to the end of the test, `tearDown` included.

use tree_sitter::Node;

use crate::rule::fix::Edit;
use crate::rule::{
    Context, Diagnostic, FileInfo, Fix, FixKind, PythonVersion, RuleMeta, Transform,
};
use crate::semantic::classes::{Base, ClassId, Classes, receiver_of};
use crate::semantic::{BindingKind, ScopeKind};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::scan::{Kind as ScanKind, Scan, contains_word};
use crate::syntax::walk::{Walk, any_node, visit};

pub struct LeakingPatcher;

static META: RuleMeta = RuleMeta {
    code: "PF015",
    name: "leaking-patcher",
    fix: FixKind::Unsafe,
    source: include_str!("leaking_patcher.rs"),
    aliases: &[],
};

/// The patcher constructors, under `unittest.mock.` or `mock.`.
const PATCHERS: &[&str] = &["patch", "patch.object", "patch.dict", "patch.multiple"];

/// Test case classes that have `addCleanup` (and, from Python 3.8,
/// `addClassCleanup` for the unittest ones).
const TEST_CASES: &[&str] = &[
    "unittest.TestCase",
    "unittest.IsolatedAsyncioTestCase",
    "unittest.case.TestCase",
    "unittest.async_case.IsolatedAsyncioTestCase",
    "django.test.TestCase",
    "django.test.SimpleTestCase",
    "django.test.TransactionTestCase",
    "django.test.LiveServerTestCase",
    "django.test.testcases.TestCase",
    "django.test.testcases.SimpleTestCase",
    "django.test.testcases.TransactionTestCase",
    "twisted.trial.unittest.TestCase",
    "twisted.trial.unittest.SynchronousTestCase",
    "tornado.testing.AsyncTestCase",
    "tornado.testing.AsyncHTTPTestCase",
    "tornado.testing.AsyncHTTPSTestCase",
];

impl Transform for LeakingPatcher {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Every import of a patcher names `mock` (`unittest.mock`, the `mock`
    /// backport), and every finding calls `.start(`.
    fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        let mentions_mock =
            scan.tokens.iter().any(|token| token.kind == ScanKind::Name && scan.is(token, "mock"));
        mentions_mock
            && scan.tokens.windows(3).any(|window| {
                scan.is(&window[0], ".") && scan.is(&window[1], "start") && scan.is(&window[2], "(")
            })
    }

    /// Whether a patcher is stopped can be decided anywhere in the file
    /// (`tearDown`, a helper, `stopall`): keep every body of a file that
    /// may match (such files are few: tests that start patchers).
    fn may_need_definition(&self, _view: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        true
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let module = context.module;
        // `patch.stopall()` stops every patcher started with `start()`.
        let stops_all = any_identifier(module.root(), |node| module.text(node) == "stopall");
        if stops_all {
            return Vec::new();
        }
        let mut classes = None;
        let mut diagnostics = Vec::new();
        for call in module.nodes_of_kind(&[Kind::Call]) {
            let Some(started) = started_patcher(context, call) else { continue };
            if expects_an_error(module, call) {
                continue; // `.start()` is meant to raise: nothing gets patched.
            }
            let classes = classes.get_or_insert_with(|| Classes::build(context.semantic));
            let class = method_class(classes, started.function);
            if class.is_some_and(|id| !hierarchy_in_sight(classes, id)) {
                continue; // A base class out of sight may stop it (`stopall` in its `setUp`).
            }
            let cleanup = cleanup_for(context, classes, &started);
            let handle = match &started.handle {
                Handle::Chained(_) => "the patcher".to_string(),
                Handle::Local(name) | Handle::Attribute(name) => {
                    format!("`{}`", module.text(*name))
                }
            };
            let message = match &cleanup {
                Some(cleanup) => format!(
                    "{handle} is started and never stopped: the patch outlives the test and \
                     leaks into the tests that run after it; register its `stop` with \
                     `{}.{}`",
                    cleanup.receiver, cleanup.method
                ),
                None => format!(
                    "{handle} is started and never stopped: the patch stays in place after this \
                     function returns; stop it (in a `finally`, after the fixture's `yield`, \
                     with `addCleanup`) or use `with`"
                ),
            };
            let fix = cleanup.and_then(|cleanup| fix_for(context, &started, &cleanup));
            diagnostics.push(META.report(call.byte_range(), message).with_fix(fix));
        }
        diagnostics
    }
}

/// What `.start()` is called on.
enum Handle<'t> {
    /// `patch(...).start()`: the patcher call; nothing keeps the patcher.
    Chained(Node<'t>),
    /// `p.start()` on a local variable: the identifier.
    Local(Node<'t>),
    /// `self.p.start()`: the `self.p` attribute.
    Attribute(Node<'t>),
}

struct Started<'t> {
    /// The `<handle>.start()` call.
    call: Node<'t>,
    handle: Handle<'t>,
    /// The innermost function around the call.
    function: Node<'t>,
}

/// The call `<patcher>.start()`, when the patcher is never stopped.
fn started_patcher<'t>(context: &Context<'t>, call: Node<'t>) -> Option<Started<'t>> {
    let module = context.module;
    let callee = call.child_by_field_name("function").filter(|node| node.is(Kind::Attribute))?;
    if callee.child_by_field_name("attribute").map(|name| module.text(name)) != Some("start") {
        return None;
    }
    let arguments = call.child_by_field_name("arguments")?;
    if !arguments.is(Kind::ArgumentList) || arguments.named_child_count() != 0 {
        return None;
    }
    let object = unparenthesized(callee.child_by_field_name("object")?)?;
    // At module level or in a class body, a patch is a process-wide stub.
    let function = enclosing_function(call)?;
    let handle = match object.py_kind() {
        Kind::Call if is_patcher_call(context, object) => {
            if patches_short_lived(context, object) {
                return None;
            }
            Handle::Chained(object)
        }
        Kind::Identifier if local_patcher_never_stopped(context, object)? => Handle::Local(object),
        Kind::Attribute if attribute_patcher_never_stopped(context, object, function)? => {
            Handle::Attribute(object)
        }
        _ => return None,
    };
    Some(Started { call, handle, function })
}

fn unparenthesized(mut node: Node<'_>) -> Option<Node<'_>> {
    while node.is(Kind::ParenthesizedExpression) {
        node = node.named_child(0)?;
    }
    Some(node)
}

/// The innermost `def` around `node`, unless a class body comes first.
fn enclosing_function(node: Node<'_>) -> Option<Node<'_>> {
    let mut current = node.parent();
    while let Some(ancestor) = current {
        match ancestor.py_kind() {
            Kind::FunctionDefinition => return Some(ancestor),
            Kind::ClassDefinition | Kind::Lambda => return None,
            _ => current = ancestor.parent(),
        }
    }
    None
}

/// `patch(...)`, `patch.object(...)`, `patch.dict(...)`, `patch.multiple(...)`
/// from `unittest.mock` or `mock`.
fn is_patcher_call(context: &Context<'_>, node: Node<'_>) -> bool {
    if !node.is(Kind::Call) {
        return false;
    }
    let Some(qualified) =
        node.child_by_field_name("function").and_then(|f| context.semantic.qualified_name(f))
    else {
        return false;
    };
    let Some(rest) =
        qualified.strip_prefix("unittest.mock.").or_else(|| qualified.strip_prefix("mock."))
    else {
        return false;
    };
    PATCHERS.contains(&rest)
}

/// `patch.object(obj, ...)` (or `.multiple`, `.dict`) where `obj` is a
/// local variable, a parameter or the receiver: it patches an object that
/// dies with the function's caller, not something other tests share.
fn patches_short_lived(context: &Context<'_>, patcher: Node<'_>) -> bool {
    let function = patcher.child_by_field_name("function");
    let is_plain_patch = function.is_some_and(|f| {
        !f.is(Kind::Attribute)
            || context.module.text(f).ends_with(".patch")
            || context.module.text(f) == "patch"
    });
    if is_plain_patch {
        return false;
    }
    // `patch.object(A.B, ...)` patches what `A` holds: its root name decides.
    let mut target = patcher.child_by_field_name("arguments").and_then(|a| a.named_child(0));
    while let Some(node) = target.filter(|node| node.is(Kind::Attribute)) {
        target = node.child_by_field_name("object");
    }
    let Some(target) = target.filter(|target| target.is(Kind::Identifier)) else {
        return false;
    };
    let semantic = context.semantic;
    semantic
        .reference_at(target)
        .and_then(|reference| semantic.reference(reference).symbol)
        .is_some_and(|symbol| {
            let scope = semantic.symbol(symbol).scope;
            semantic.scope(scope).kind == ScopeKind::Function
        })
}

/// `Some(true)` when the local name `identifier` is only ever bound to
/// patchers and only ever read as `<name>.start()`: nothing can stop it.
fn local_patcher_never_stopped(context: &Context<'_>, identifier: Node<'_>) -> Option<bool> {
    let semantic = context.semantic;
    let module = context.module;
    let reference = semantic.reference(semantic.reference_at(identifier)?);
    let symbol = reference.symbol?;
    if semantic.scope(semantic.symbol(symbol).scope).kind != ScopeKind::Function {
        return Some(false);
    }
    let bindings = semantic.bindings_of(symbol);
    if bindings.is_empty() {
        return Some(false);
    }
    for binding in bindings {
        let binding = semantic.binding(*binding);
        if binding.kind != BindingKind::Assignment {
            return Some(false);
        }
        let Some(value) = assigned_value(binding.source, binding.name) else {
            return Some(false);
        };
        if !is_patcher_call(context, value) || patches_short_lived(context, value) {
            return Some(false);
        }
    }
    let only_started = semantic.references_to(symbol).iter().all(|reference| {
        let node = semantic.reference(*reference).node;
        is_started_object(module, node)
    });
    Some(only_started)
}

/// The value of `name = value` when `name` is the whole target.
fn assigned_value<'t>(assignment: Node<'t>, name: Node<'_>) -> Option<Node<'t>> {
    if !assignment.is(Kind::Assignment) || assignment.child_by_field_name("left")? != name {
        return None;
    }
    unparenthesized(assignment.child_by_field_name("right")?)
}

/// `node` is the object of `<node>.start()`.
fn is_started_object(module: &Module<'_>, node: Node<'_>) -> bool {
    let Some(attribute) = node.parent().filter(|parent| parent.is(Kind::Attribute)) else {
        return false;
    };
    attribute.child_by_field_name("object") == Some(node)
        && attribute.child_by_field_name("attribute").is_some_and(|a| module.text(a) == "start")
        && attribute.parent().is_some_and(|call| {
            call.is(Kind::Call) && call.child_by_field_name("function") == Some(attribute)
        })
}

/// `Some(true)` for `self.p.start()` in a method whose receiver is `self`,
/// when `.p` is, anywhere in the module, only assigned patchers
/// (`<x>.p = patch(...)`) and started: nothing can stop it.
fn attribute_patcher_never_stopped(
    context: &Context<'_>,
    attribute: Node<'_>,
    function: Node<'_>,
) -> Option<bool> {
    let module = context.module;
    let receiver = attribute.child_by_field_name("object").filter(|o| o.is(Kind::Identifier))?;
    if receiver_of(module, function) != Some(module.text(receiver)) {
        return Some(false);
    }
    let name = module.text(attribute.child_by_field_name("attribute")?);
    let mut assigned = false;
    let mut other_use = false;
    visit(module.root(), |node| {
        match node.py_kind() {
            Kind::Attribute
                if node.child_by_field_name("attribute").map(|a| module.text(a)) == Some(name) =>
            {
                let parent = node.parent();
                let value = parent.and_then(|parent| assigned_value(parent, node));
                if let Some(value) = value {
                    if is_patcher_call(context, value) && !patches_short_lived(context, value) {
                        assigned = true;
                    } else {
                        other_use = true;
                    }
                } else if !is_started_object(module, node) {
                    other_use = true;
                }
            }
            // `getattr(self, "p")`, `for name in ("p", ...)`.
            Kind::String if contains_word(module.text(node), name) => {
                other_use = true;
            }
            _ => {}
        }
        if other_use { Walk::Stop } else { Walk::Descend }
    });
    Some(assigned && !other_use)
}

fn any_identifier(root: Node<'_>, mut predicate: impl FnMut(Node<'_>) -> bool) -> bool {
    any_node(root, |node| node.is(Kind::Identifier) && predicate(node))
}

/// How a test case registers a cleanup: `self.addCleanup`, or
/// `cls.addClassCleanup` in `setUpClass`.
struct Cleanup<'s> {
    receiver: &'s str,
    method: &'static str,
}

/// The cleanup call that stops a patcher started in `started.function`,
/// when it is a method of a test case that has one.
fn cleanup_for<'t>(
    context: &Context<'t>,
    classes: &Classes<'t>,
    started: &Started<'t>,
) -> Option<Cleanup<'t>> {
    let module = context.module;
    let function = started.function;
    let name = module.text(function.child_by_field_name("name")?);
    if name.starts_with("__") {
        return None;
    }
    let definition = function.parent().filter(|p| p.is(Kind::DecoratedDefinition));
    let decorators: Vec<&str> = definition
        .map(|definition| {
            let mut cursor = definition.walk();
            definition
                .named_children(&mut cursor)
                .filter(|child| child.is(Kind::Decorator))
                .map(|decorator| module.text(decorator).trim_start_matches('@').trim())
                .collect()
        })
        .unwrap_or_default();
    let id = method_class(classes, function)?;
    let receiver = receiver_of(module, function)?;
    let method = match decorators.as_slice() {
        [] => "addCleanup",
        ["classmethod"]
            if name == "setUpClass"
                && context.settings.target_version >= PythonVersion(3, 8)
                && is_unittest_case(classes, id) =>
        {
            "addClassCleanup"
        }
        _ => return None,
    };
    if method == "addCleanup"
        && !is_unittest_case(classes, id)
        && !calls_add_cleanup(context, classes, id)
    {
        return None;
    }
    Some(Cleanup { receiver, method })
}

fn is_unittest_case(classes: &Classes<'_>, id: ClassId) -> bool {
    classes.foreign_bases(id).iter().any(|base| match base {
        Base::Qualified(name) => TEST_CASES.contains(&name.as_str()),
        _ => false,
    })
}

/// The class or one of its bases in this module calls `<x>.addCleanup`.
fn calls_add_cleanup(context: &Context<'_>, classes: &Classes<'_>, id: ClassId) -> bool {
    let module = context.module;
    std::iter::once(id).chain(classes.ancestors(id)).any(|class| {
        any_node(classes.class(class).node, |node| {
            node.is(Kind::Attribute)
                && node
                    .child_by_field_name("attribute")
                    .is_some_and(|a| module.text(a) == "addCleanup")
        })
    })
}

/// Insert `<receiver>.<method>(<patcher>.stop)` after the statement that
/// starts the patcher; for `patch(...).start()`, keep the patcher in a
/// new local first.
fn fix_for(context: &Context<'_>, started: &Started<'_>, cleanup: &Cleanup<'_>) -> Option<Fix> {
    let module = context.module;
    let source = module.source;
    let parent = started.call.parent()?;
    let statement = match parent.py_kind() {
        Kind::ExpressionStatement => parent,
        Kind::Assignment if parent.child_by_field_name("right") == Some(started.call) => {
            parent.parent().filter(|p| p.is(Kind::ExpressionStatement))?
        }
        _ => return None,
    };
    if statement.named_child_count() != 1
        || !statement.parent().is_some_and(|p| p.is(Kind::Block))
        || !module.starts_line(statement.start_byte())
        || !module.ends_line(statement.end_byte())
    {
        return None;
    }
    let indent = module.indentation_at(statement.start_byte());
    let newline = module.newline();
    // The end of the statement's line, after any comment on it.
    let line_end = source[statement.end_byte()..]
        .find(['\r', '\n'])
        .map_or(source.len(), |at| statement.end_byte() + at);
    let mut edits = Vec::new();
    let handle = match &started.handle {
        Handle::Local(node) | Handle::Attribute(node) => module.text(*node).to_string(),
        Handle::Chained(patcher) => {
            let fresh = fresh_name(module, started.function);
            let before = &source[statement.start_byte()..patcher.start_byte()];
            edits.push(Edit::replace(
                statement.start_byte()..patcher.end_byte(),
                format!("{fresh} = {}{newline}{indent}{before}{fresh}", module.text(*patcher)),
            ));
            fresh
        }
    };
    edits.push(Edit::insert(
        line_end,
        format!("{newline}{indent}{}.{}({handle}.stop)", cleanup.receiver, cleanup.method),
    ));
    Some(Fix::unsafe_(edits))
}

/// `patcher`, or `patcher_1`, `patcher_2`, ... : the first name `function`
/// never mentions.
fn fresh_name(module: &Module<'_>, function: Node<'_>) -> String {
    let taken = |candidate: &str| any_identifier(function, |node| module.text(node) == candidate);
    let mut candidate = "patcher".to_string();
    let mut counter = 0;
    while taken(&candidate) {
        counter += 1;
        candidate = format!("patcher_{counter}");
    }
    candidate
}

/// The class whose body defines `function` directly.
fn method_class(classes: &Classes<'_>, function: Node<'_>) -> Option<ClassId> {
    let definition = function.parent().filter(|p| p.is(Kind::DecoratedDefinition));
    let body = definition.unwrap_or(function).parent().filter(|p| p.is(Kind::Block))?;
    let class = body.parent().filter(|p| p.is(Kind::ClassDefinition))?;
    classes.of_definition(class)
}

/// Every base of the class, of its bases and of its subclasses in the
/// module is defined here or is a test case known not to stop patchers
/// (or `object`): no code out of sight can stop them for it.
fn hierarchy_in_sight(classes: &Classes<'_>, id: ClassId) -> bool {
    std::iter::once(id).chain(classes.descendants(id)).all(|class| {
        classes.foreign_bases(class).iter().all(|base| match base {
            Base::Qualified(name) => {
                name == "builtins.object" || TEST_CASES.contains(&name.as_str())
            }
            _ => false,
        })
    })
}

/// `call` is in the body of `with self.assertRaises(...)` (or
/// `assertRaisesRegex`, `pytest.raises`): the test expects it to raise.
fn expects_an_error(module: &Module<'_>, call: Node<'_>) -> bool {
    let mut current = call.parent();
    while let Some(node) = current {
        match node.py_kind() {
            Kind::FunctionDefinition | Kind::ClassDefinition => return false,
            Kind::WithStatement => {
                let raises = any_node(node, |item| {
                    item.is(Kind::WithItem)
                        && item
                            .named_child(0)
                            .and_then(|value| value.child_by_field_name("function"))
                            .is_some_and(|function| {
                                let text = module.text(function);
                                ["assertRaises", "assertRaisesRegex", "raises"].iter().any(|name| {
                                    text == *name || text.ends_with(&format!(".{name}"))
                                })
                            })
                });
                if raises {
                    return true;
                }
            }
            _ => {}
        }
        current = node.parent();
    }
    false
}

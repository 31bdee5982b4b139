//! # mutable-default (PF001)
//!
//! ## What it does
//! Finds parameters whose default value is mutable: a list, dict or set
//! display, a comprehension, or a call to `list`, `dict`, `set`, `bytearray`,
//! `collections.defaultdict`, `OrderedDict`, `Counter` or `deque` (however
//! they were imported). Tuples, `frozenset()`, `None`, numbers, strings and
//! bytes are immutable and not reported.
//!
//! ## Why is this bad?
//! A default is evaluated once, when the `def` runs, not at each call. Every
//! call that relies on it gets the same object, so what one call appends,
//! the next call sees:
//!
//! ```python
//! def add(item, items=[]):
//!     items.append(item)
//!     return items
//!
//! add(1)  # [1]
//! add(2)  # [1, 2]: the list from the first call
//! ```
//!
//! ## Example
//! ```python
//! def add(item, items: list[int] = []):
//!     """Append and return."""
//!     items.append(item)
//!     return items
//! ```
//!
//! Use instead:
//! ```python
//! def add(item, items: list[int] | None = None):
//!     """Append and return."""
//!     if items is None:
//!         items = []
//!     items.append(item)
//!     return items
//! ```
//!
//! The default becomes `None` and the original default, byte for byte, is
//! built at the start of the body, after the docstring, in the file's own
//! indentation and line endings. One-line bodies become indented blocks;
//! several mutable parameters get one `if` each, in parameter order. An
//! annotation is widened to admit `None`: `X | None` when the target is
//! Python 3.10+ (from `requires-python`) or the file has
//! `from __future__ import annotations`, else `Optional[X]` with its import.
//!
//! Other mutable defaults of the same signature that leave the call
//! (returned, stored, passed on) without the function changing them are
//! converted by the same fix: a helper they are passed to may change them,
//! and a reviewer asks for the whole signature at once.
//!
//! A body that starts with `if NAME is None:` already says what `None`
//! means: only the default changes. Not fixed (reported, with the reason):
//! stub files, defaults that name
//! something the body cannot see the same way (a parameter, a local
//! variable, a `match` capture or walrus target of the body, a class-level
//! name of an enclosing class), a body that tests the parameter against
//! `None` later on (a guard would make that test dead), and an annotation
//! that is not a type (`c: 1 = {}`: `1 | None` raises a `TypeError`).
//!
//! Reported only when one call's changes reach the next, with the lines
//! that show it: the function (or a closure in it) changes the default
//! (`items.append(x)`, `d[k] = v`, `del d[k]`, `items += ...`, a read of a
//! `defaultdict`) and lets it out of the call (`return items`, `yield`,
//! `self.items = items`, `registry.append(items)`, or passes it on,
//! `walk(child, items)` down its own recursion included); or a generator
//! default is read (used up after one call). A default only read, copied or
//! passed on is shared harmlessly; one the function changes but keeps to
//! itself (a counter, a memo, a "first call" flag in a parameter no caller
//! passes) is private state kept on purpose far more often than not.
//!
//! Not reported: a default a comment says is shared on purpose (`cache`,
//! `memo`, `shared`, `deliberate`, `intentional`, `on purpose`, `persist`
//! in a comment of the `def`'s header or just above it), or whose name says
//! it is a memo (`cache`, `_memo`, `seen_cache`...); a lambda's default
//! (`lambda x, seen=[]: ...` is written for its state: there is no other
//! way to give a lambda any); a function a factory defines and returns
//! (`def make(): def step(x, last=[""]): ...; return step`): each factory
//! call makes a new default, the state of that one closure.
//!
//! ## Fix safety
//! Unsafe. A caller that passes `None` explicitly now gets a fresh default
//! instead of `None`; code that relied on the shared object (a deliberate
//! cache) loses it; and the default's expression runs at each call instead
//! of once, so names in it are looked up at call time.

use std::collections::HashSet;

use tree_sitter::Node;

use crate::rule::fix::{Edit, Fix};
use crate::rule::importer::ensure_from_import;
use crate::rule::settings::PythonVersion;
use crate::rule::{Context, Diagnostic, FileInfo, FixKind, RuleMeta, Transform};
use crate::semantic::Semantic;
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::scan::{Kind as ScanKind, Scan};
use crate::syntax::walk::is_docstring;
use crate::syntax::walk::{Walk, statements, visit};

pub struct MutableDefault;

static META: RuleMeta = RuleMeta {
    code: "PF001",
    name: "mutable-default",
    fix: FixKind::Unsafe,
    source: include_str!("mutable_default.rs"),
    aliases: &["B006"],
};

/// Calls that build a fresh mutable object.
const MUTABLE_CALLS: &[&str] = &[
    "builtins.list",
    "builtins.dict",
    "builtins.set",
    "builtins.bytearray",
    "collections.defaultdict",
    "collections.OrderedDict",
    "collections.Counter",
    "collections.deque",
];

impl Transform for MutableDefault {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A `def` or `lambda` whose parameters hold `=` followed by a bracket,
    /// or by a name or dotted name and a bracket (a call).
    fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        let tokens = &scan.tokens;
        // A call default counts when it calls a mutable constructor by name
        // (`list(`, `collections.deque(`) or by a name an import renamed.
        let aliases: Vec<&[u8]> = scan
            .lines
            .iter()
            .flat_map(|line| scan.statement_starts(line))
            .filter(|line| {
                line.first().is_some_and(|first| scan.is(first, "import") || scan.is(first, "from"))
            })
            .flat_map(|line| {
                line.windows(2)
                    .filter(|pair| scan.is(&pair[0], "as"))
                    .map(|pair| scan.text(&pair[1]))
            })
            .collect();
        let constructor = |name: &[u8]| {
            MUTABLE_CALLS
                .iter()
                .any(|known| known.rsplit('.').next().is_some_and(|short| short.as_bytes() == name))
                || aliases.contains(&name)
        };
        tokens.iter().enumerate().any(|(index, token)| {
            // Where the parameters start, their depth, and whether a `:` at
            // that depth ends them (a lambda's; a `def`'s ends at its `)`).
            let parameters = if scan.is(token, "def") {
                tokens[index..]
                    .iter()
                    .position(|t| t.depth == token.depth && scan.is(t, "("))
                    .map(|open| (index + open + 1, token.depth + 1, false))
            } else if scan.is(token, "lambda") {
                Some((index + 1, token.depth, true))
            } else {
                None
            };
            let Some((first, depth, colon_ends)) = parameters else { return false };
            let mut rest = tokens[first..].iter().take_while(|t| {
                t.depth >= depth && !(colon_ends && t.depth == depth && scan.is(t, ":"))
            });
            while let Some(t) = rest.next() {
                if t.depth == depth && scan.is(t, "=") {
                    let mut last_name = None;
                    let value = rest.by_ref().find(|t| {
                        if t.kind == ScanKind::Name {
                            last_name = Some(scan.text(t));
                        }
                        t.kind != ScanKind::Name && !scan.is(t, ".")
                    });
                    let Some(value) = value else { continue };
                    let display = last_name.is_none()
                        && (scan.is(value, "[") || scan.is(value, "{") || scan.is(value, "("));
                    let call =
                        last_name.is_some_and(|name| scan.is(value, "(") && constructor(name));
                    if display || call {
                        return true;
                    }
                }
            }
            false
        })
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let mut diagnostics = Vec::new();
        for function in context.module.nodes_of_kind(&[Kind::FunctionDefinition]) {
            check_function(context, function, &mut diagnostics);
        }
        diagnostics
    }
}

/// A parameter with a mutable default.
#[derive(Clone)]
struct MutableParameter<'t> {
    name: &'t str,
    /// The parameter's name in the signature (its binding).
    identifier: Node<'t>,
    annotation: Option<Node<'t>>,
    value: Node<'t>,
    kind: &'static str,
}

fn mutable_parameters<'t>(
    module: &Module<'t>,
    semantic: &Semantic<'_>,
    parameters: Node<'t>,
) -> Vec<MutableParameter<'t>> {
    let mut found = Vec::new();
    let mut cursor = parameters.walk();
    for parameter in parameters.named_children(&mut cursor) {
        if !matches!(parameter.py_kind(), Kind::DefaultParameter | Kind::TypedDefaultParameter) {
            continue;
        }
        let (Some(name), Some(value)) =
            (parameter.child_by_field_name("name"), parameter.child_by_field_name("value"))
        else {
            continue;
        };
        if name.py_kind() != Kind::Identifier {
            continue;
        }
        if let Some(kind) = mutable_kind(semantic, value) {
            found.push(MutableParameter {
                name: module.text(name),
                identifier: name,
                annotation: parameter.child_by_field_name("type"),
                value,
                kind,
            });
        }
    }
    found
}

/// What mutable object `value` builds, or `None` if it is not one.
fn mutable_kind(semantic: &Semantic<'_>, mut value: Node<'_>) -> Option<&'static str> {
    while value.is(Kind::ParenthesizedExpression) {
        value = value.named_child(0)?;
    }
    match value.py_kind() {
        Kind::List => Some("list"),
        Kind::Dictionary => Some("dict"),
        Kind::Set => Some("set"),
        Kind::ListComprehension => Some("list"),
        Kind::DictionaryComprehension => Some("dict"),
        Kind::SetComprehension => Some("set"),
        Kind::GeneratorExpression => Some("generator"),
        Kind::Call => {
            let callee = semantic.qualified_name(value.child_by_field_name("function")?)?;
            MUTABLE_CALLS
                .iter()
                .find(|known| **known == callee)
                .map(|known| known.rsplit('.').next().unwrap_or(known))
                .map(|short| match short {
                    "list" => "list",
                    "dict" => "dict",
                    "set" => "set",
                    "bytearray" => "bytearray",
                    "defaultdict" => "defaultdict",
                    "OrderedDict" => "OrderedDict",
                    "Counter" => "Counter",
                    _ => "deque",
                })
        }
        _ => None,
    }
}

/// How a shared default leaks from one call into the next, with the
/// places that show it: the function changes it and lets it out of the call
/// (returns it, stores it, passes it on, down its own recursion too), so
/// each call starts from what earlier calls left; or it is a generator,
/// used up by the first call. A default the function changes but keeps to
/// itself is private state across calls (a counter, a memo, a "first call"
/// flag): deliberate far more often than not, so not a finding.
struct Sharing<'t> {
    changed: Node<'t>,
    /// How the object leaves the call, and where; `None` for a generator.
    leaves: Option<(SharingKind, Node<'t>)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SharingKind {
    /// `NAME.append(...)`, `NAME[k] = v`, `del NAME[k]`, `NAME += ...`.
    Changed,
    /// `self.attribute = NAME`, `other.append(NAME)`, `cache[k] = NAME`.
    Stored,
    /// `return NAME` / `yield NAME`: the caller gets the shared object.
    HandedOut,
    /// `helper(NAME)`, `walk(child, NAME)`: another function sees it.
    Passed,
}

impl Sharing<'_> {
    fn describe(&self, module: &Module<'_>) -> String {
        let line = |node: Node<'_>| module.line_column(node.start_byte()).0;
        let changed = line(self.changed);
        let Some((how, at)) = self.leaves else {
            return format!("line {changed} uses it up, and every later call gets it empty");
        };
        let leaves = match how {
            SharingKind::Stored => "stores it",
            SharingKind::Passed => "passes it on",
            _ => "hands it to the caller",
        };
        let place = match line(at) {
            same if same == changed => format!("line {changed} changes it and {leaves}"),
            other => format!("line {changed} changes it and line {other} {leaves}"),
        };
        format!("{place}, so each call starts from what earlier calls left in it")
    }
}

/// Methods of lists, dicts, sets, deques and bytearrays that leave the
/// object as it is. Any other method call may change it.
const READ_ONLY_METHODS: &[&str] = &[
    "copy",
    "count",
    "index",
    "get",
    "keys",
    "values",
    "items",
    "issubset",
    "issuperset",
    "isdisjoint",
    "union",
    "intersection",
    "difference",
    "symmetric_difference",
    "most_common",
    "elements",
    "total",
    "hex",
    "decode",
    "startswith",
    "endswith",
    "find",
    "rfind",
    "__contains__",
    "__len__",
    "__iter__",
    "__getitem__",
    "maxlen",
];

/// Methods through which another object keeps what it is given (not
/// `extend` or `update`: they copy what it holds).
const STORING_METHODS: &[&str] = &[
    "append",
    "appendleft",
    "add",
    "insert",
    "setdefault",
    "put",
    "put_nowait",
    "push",
    "register",
];

/// Names that say a default is a memo: a `cache={}` the function writes
/// into is shared on purpose, even without a comment saying so.
fn names_a_memo(name: &str) -> bool {
    let name = name.trim_matches('_').to_ascii_lowercase();
    name == "cache"
        || name.starts_with("memo")
        || name.ends_with("_cache")
        || name.starts_with("cache_")
        || name.ends_with("_memo")
}

/// A default the function lets out of the call without changing it.
struct OnlyLeaves;

/// The first use in the function (closures included) that changes the
/// default and the first that lets it out; `Err(OnlyLeaves)` when it
/// leaves unchanged, `None` when it is only read or only changed.
fn sharing<'t>(
    context: &Context<'t>,
    parameter: &MutableParameter<'t>,
) -> Option<Result<Sharing<'t>, OnlyLeaves>> {
    let semantic = context.semantic;
    let module = context.module;
    let binding = semantic.binding_at(parameter.identifier)?;
    // A `defaultdict` inserts a key on a mere read of a missing one, and a
    // generator is used up by the first call that reads it.
    let reads_insert = parameter.kind == "defaultdict";
    let reads_consume = parameter.kind == "generator";
    // After `if NAME is None: NAME = ...` at the start, the later reads
    // see either binding; with the mutable default that branch never runs.
    let body = function_of(module, parameter.identifier)?.child_by_field_name("body")?;
    let references = match none_handling(module, body, parameter.name) {
        NoneHandling::AtStart => semantic.references_to(semantic.binding(binding).symbol),
        _ => semantic.references_of(binding),
    };
    let mut changed = None;
    let mut leaves = None;
    for &reference in references {
        let node = semantic.reference(reference).node;
        if reads_consume {
            return Some(Ok(Sharing { changed: node, leaves: None }));
        }
        match use_of_default(module, node, reads_insert) {
            Some(SharingKind::Changed) => {
                changed.get_or_insert(node);
            }
            Some(how) => {
                leaves.get_or_insert((how, node));
            }
            None => {}
        }
    }
    match (changed, leaves) {
        (Some(changed), Some(leaves)) => Some(Ok(Sharing { changed, leaves: Some(leaves) })),
        (None, Some(_)) => Some(Err(OnlyLeaves)),
        _ => None,
    }
}

/// `def make(): def step(...): ...; return step`: a function defined in
/// another that returns it. Each call of the factory builds a new default.
fn returned_by_its_factory(context: &Context<'_>, function: Node<'_>) -> bool {
    let semantic = context.semantic;
    let module = context.module;
    let Some(factory) = module.parent(function).and_then(|parent| function_of_body(module, parent))
    else {
        return false;
    };
    let Some(binding) = function.child_by_field_name("name").and_then(|n| semantic.binding_at(n))
    else {
        return false;
    };
    semantic.references_of(binding).iter().any(|&reference| {
        let node = semantic.reference(reference).node;
        module.parent(node).is_some_and(|parent| parent.is(Kind::ReturnStatement))
            && function_of_body(module, node) == Some(factory)
    })
}

/// The function whose body holds `node` (the innermost one).
fn function_of_body<'t>(module: &'t Module<'_>, node: Node<'t>) -> Option<Node<'t>> {
    let mut current = module.parent(node);
    while let Some(candidate) = current {
        match candidate.py_kind() {
            Kind::FunctionDefinition => return Some(candidate),
            Kind::ClassDefinition | Kind::Lambda => return None,
            _ => current = module.parent(candidate),
        }
    }
    None
}

/// The function whose parameter list holds `node`.
fn function_of<'t>(module: &'t Module<'_>, node: Node<'t>) -> Option<Node<'t>> {
    let mut current = Some(node);
    while let Some(candidate) = current {
        if candidate.is(Kind::FunctionDefinition) {
            return Some(candidate);
        }
        current = module.parent(candidate);
    }
    None
}

/// What one read of the parameter does to the object.
fn use_of_default(module: &Module<'_>, name: Node<'_>, reads_insert: bool) -> Option<SharingKind> {
    let direct_parent = module.parent(name)?;
    // `return a, b` and `self.pair = (a, b)` hand out or store what the
    // tuple, list or dict holds.
    let mut value = name;
    let mut parent = direct_parent;
    while matches!(
        parent.py_kind(),
        Kind::ExpressionList
            | Kind::Tuple
            | Kind::List
            | Kind::Set
            | Kind::Dictionary
            | Kind::Pair
            | Kind::ParenthesizedExpression
            | Kind::ListSplat
    ) {
        value = parent;
        parent = module.parent(parent)?;
    }
    if value != name {
        return match parent.py_kind() {
            Kind::ReturnStatement | Kind::Yield => Some(SharingKind::HandedOut),
            Kind::Assignment if parent.child_by_field_name("right") == Some(value) => {
                let left = parent.child_by_field_name("left")?;
                matches!(left.py_kind(), Kind::Attribute | Kind::Subscript)
                    .then_some(SharingKind::Stored)
            }
            _ => None,
        };
    }
    let parent = direct_parent;
    let is = |node: Node<'_>, field: &str| parent.child_by_field_name(field) == Some(node);
    match parent.py_kind() {
        // `NAME.method(...)`: a method that is not known to only read.
        Kind::Attribute if is(name, "object") => {
            let method =
                parent.child_by_field_name("attribute").map(|attribute| module.text(attribute))?;
            let called = module.parent(parent).is_some_and(|call| {
                call.is(Kind::Call) && call.child_by_field_name("function") == Some(parent)
            });
            (called && !READ_ONLY_METHODS.contains(&method)).then_some(SharingKind::Changed)
        }
        // `NAME[k] = v`, `del NAME[k]`, `NAME[k] += v`; any read of a defaultdict.
        Kind::Subscript if is(name, "value") => {
            let target = module.parent(parent).is_some_and(|holder| {
                matches!(holder.py_kind(), Kind::Assignment | Kind::AugmentedAssignment)
                    && holder.child_by_field_name("left") == Some(parent)
                    || holder.is(Kind::DeleteStatement)
            });
            (target || reads_insert).then_some(SharingKind::Changed)
        }
        // `NAME += [...]` changes a list, set or dict in place.
        Kind::AugmentedAssignment if is(name, "left") => Some(SharingKind::Changed),
        // `x.attr = NAME`, `cache[k] = NAME`: stored where it outlives the call.
        Kind::Assignment if is(name, "right") => {
            let left = parent.child_by_field_name("left")?;
            matches!(left.py_kind(), Kind::Attribute | Kind::Subscript)
                .then_some(SharingKind::Stored)
        }
        // `other.append(NAME)` stores it; any other call sees it.
        Kind::ArgumentList | Kind::KeywordArgument => {
            let arguments =
                if parent.is(Kind::KeywordArgument) { module.parent(parent)? } else { parent };
            let call = module.parent(arguments)?;
            let method = call
                .child_by_field_name("function")
                .filter(|function| function.is(Kind::Attribute))
                .and_then(|function| function.child_by_field_name("attribute"))
                .map(|attribute| module.text(attribute));
            if method.is_some_and(|method| STORING_METHODS.contains(&method)) {
                Some(SharingKind::Stored)
            } else {
                Some(SharingKind::Passed)
            }
        }
        Kind::ReturnStatement | Kind::Yield => Some(SharingKind::HandedOut),
        _ => None,
    }
}

fn message(parameter: &MutableParameter<'_>) -> String {
    format!(
        "`{}` defaults to a mutable {} that is created once and shared by every call",
        parameter.name, parameter.kind
    )
}

fn check_function<'t>(
    context: &Context<'t>,
    function: Node<'t>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(parameters) = function.child_by_field_name("parameters") else {
        return;
    };
    // A comment that says the object is shared on purpose (a memo, a
    // cache) makes the default deliberate: not a finding.
    if documented_as_shared(context.module, function) || returned_by_its_factory(context, function)
    {
        return;
    }
    // Sharing is a bug only when the object can change: the function (or
    // a closure in it) changes it, stores it where it outlives the call, or
    // hands it to its caller. A default only read is shared harmlessly.
    let mut mutable: Vec<(MutableParameter<'_>, Sharing)> = Vec::new();
    let mut leaving = Vec::new();
    for parameter in mutable_parameters(context.module, context.semantic, parameters) {
        if names_a_memo(parameter.name) {
            continue;
        }
        match sharing(context, &parameter) {
            Some(Ok(sharing)) => mutable.push((parameter, sharing)),
            Some(Err(OnlyLeaves)) => leaving.push(parameter),
            None => {}
        }
    }
    if mutable.is_empty() {
        return;
    }
    let parameters: Vec<MutableParameter<'_>> =
        mutable.iter().map(|(parameter, _)| parameter.clone()).collect();
    let fix = build_fix(context, function, &parameters, &leaving);
    for (parameter, sharing) in &mutable {
        let claim = format!("{}: {}", message(parameter), sharing.describe(context.module));
        let message = match &fix {
            Ok(_) => claim,
            Err(reason) => format!("{claim} (no fix: {reason})"),
        };
        diagnostics
            .push(META.report(parameter.value.byte_range(), message).with_fix(fix.clone().ok()));
    }
}

/// One fix for all the function's mutable defaults, so that the `if` blocks
/// go in together, in parameter order.
fn build_fix(
    context: &Context<'_>,
    function: Node<'_>,
    mutable: &[MutableParameter<'_>],
    leaving: &[MutableParameter<'_>],
) -> Result<Fix, &'static str> {
    let module = context.module;
    if module.is_stub {
        return Err("a stub has no body to put the default in");
    }
    if !defaults_can_move(context.semantic, function, mutable) {
        return Err("a name in the default would mean something else in the body");
    }
    let body = function.child_by_field_name("body").ok_or("the function has no body")?;
    // A default that only leaves goes with the others when it can move
    // as simply (no `None` test, an annotation that widens).
    let leaving: Vec<MutableParameter<'_>> = leaving
        .iter()
        .filter(|parameter| {
            matches!(none_handling(module, body, parameter.name), NoneHandling::Absent)
        })
        .filter(|parameter| {
            parameter
                .annotation
                .is_none_or(|annotation| widen_annotation(context, annotation).is_some())
        })
        .filter(|parameter| {
            defaults_can_move(context.semantic, function, std::slice::from_ref(*parameter))
        })
        .cloned()
        .collect();
    let mut all: Vec<MutableParameter<'_>> = mutable.iter().chain(&leaving).cloned().collect();
    all.sort_by_key(|parameter| parameter.identifier.start_byte());
    let mut edits = Vec::new();
    let mut to_initialise = Vec::new();
    for parameter in &all {
        match none_handling(module, body, parameter.name) {
            // The body starts by giving `None` its meaning: the default
            // becomes `None`, and that branch does the rest.
            NoneHandling::AtStart => {}
            // A test of `None` later in the body: a guard above it would
            // make it dead code, a guard below it would come too late.
            NoneHandling::Later => return Err("the body already tests it against `None`"),
            NoneHandling::Absent => to_initialise.push(parameter),
        }
        edits.push(Edit::replace(parameter.value.byte_range(), "None"));
        if let Some(annotation) = parameter.annotation {
            let widened = widen_annotation(context, annotation);
            edits.extend(
                widened.ok_or("its annotation is not a type pyfix can widen to admit `None`")?,
            );
        }
    }
    if !to_initialise.is_empty() {
        let to_initialise: Vec<MutableParameter<'_>> = to_initialise.into_iter().cloned().collect();
        let guard = initialise_in_body(module, function, &to_initialise);
        edits.extend(guard.ok_or("the body's layout leaves no clear place for the guard")?);
    }
    dedup_imports(&mut edits);
    Ok(Fix::unsafe_(edits))
}

/// Whether and where a function's body already tests a parameter against
/// `None` (`if NAME is None:`, `NAME == None`, `NAME is not None`).
enum NoneHandling {
    /// The body's first statement (after the docstring) is `if NAME is None:`.
    AtStart,
    Later,
    Absent,
}

fn none_handling(module: &Module<'_>, body: Node<'_>, name: &str) -> NoneHandling {
    let mut body_statements = statements(body).skip_while(|statement| is_docstring(*statement));
    let first_tests = body_statements.next().is_some_and(|first| {
        first.is(Kind::IfStatement)
            && first
                .child_by_field_name("condition")
                .is_some_and(|condition| compares_with_none(module, condition, name, "is"))
    });
    if first_tests {
        return NoneHandling::AtStart;
    }
    let mut tests = false;
    visit(body, |node| match node.py_kind() {
        // A nested function's `NAME` is another variable, or a closure's read.
        Kind::FunctionDefinition | Kind::Lambda | Kind::ClassDefinition => Walk::Skip,
        Kind::ComparisonOperator => {
            tests |= ["is", "is not", "==", "!="]
                .iter()
                .any(|operator| compares_with_none(module, node, name, operator));
            Walk::Skip
        }
        _ => Walk::Descend,
    });
    if tests { NoneHandling::Later } else { NoneHandling::Absent }
}

/// `NAME <operator> None`, whatever the spacing.
fn compares_with_none(
    module: &Module<'_>,
    comparison: Node<'_>,
    name: &str,
    operator: &str,
) -> bool {
    let words: Vec<&str> = module.text(comparison).split_whitespace().collect();
    let expected: Vec<&str> =
        std::iter::once(name).chain(operator.split(' ')).chain(std::iter::once("None")).collect();
    words == expected
}

/// Words that say a mutable default is shared on purpose.
const SHARED_ON_PURPOSE: &[&str] =
    &["cache", "memo", "shared", "deliberate", "intentional", "on purpose", "persist"];

/// A comment in the function's header (decorators to the `:`), or in the
/// comment lines just above it, says the default is shared on purpose.
fn documented_as_shared(module: &Module<'_>, function: Node<'_>) -> bool {
    let definition = module.parent(function).filter(|parent| parent.is(Kind::DecoratedDefinition));
    let start = definition.unwrap_or(function).start_byte();
    let header_end =
        function.child_by_field_name("body").map_or(function.end_byte(), |body| body.start_byte());
    let mut text = String::new();
    // The comment lines directly above.
    let mut line_start = module.line_start(start);
    while line_start > 0 {
        let above = module.line_start(line_start - 1);
        let line = module.source[above..line_start].trim();
        if !line.starts_with('#') {
            break;
        }
        text.push_str(line);
        line_start = above;
    }
    // Comments in the header (`def f(cache={}):  # memo`), up to the end
    // of the line of its `:`.
    let header_end = module.next_line_start(header_end.saturating_sub(1));
    let mut comments = Vec::new();
    module.visit(definition.unwrap_or(function), |node| {
        if node.start_byte() >= header_end {
            return Walk::Skip;
        }
        if node.is(Kind::Comment) {
            comments.push(module.text(node));
        }
        Walk::Descend
    });
    text.extend(comments);
    let text = text.to_lowercase();
    SHARED_ON_PURPOSE.iter().any(|word| text.contains(word))
}

/// Two typed parameters may both need `Optional`: keep one import edit.
fn dedup_imports(edits: &mut Vec<Edit>) {
    let mut seen = HashSet::new();
    edits.retain(|edit| seen.insert(edit.clone()));
}

/// The default moves from definition time, in the enclosing scope, to call
/// time, in the function's scope: every name it reads must mean the same
/// there. A class-level name is not visible from a method's body, a name
/// the body binds (a `match` capture, a walrus, a later assignment) would
/// be an unbound local, and a parameter would be read instead of the outer
/// name. Names the default's own comprehensions or lambdas bind move with it.
fn defaults_can_move(
    semantic: &Semantic<'_>,
    function: Node<'_>,
    mutable: &[MutableParameter<'_>],
) -> bool {
    let Some(body_scope) = semantic.scope_of_definition(function) else { return false };
    let module = semantic.module();
    let references = semantic.references();
    mutable.iter().all(|parameter| {
        let range = parameter.value.byte_range();
        let first =
            references.partition_point(|reference| reference.node.start_byte() < range.start);
        references[first..]
            .iter()
            .take_while(|reference| reference.node.start_byte() < range.end)
            .all(|reference| {
                let scope_of = |symbol| semantic.scope(semantic.symbol(symbol).scope).node;
                let bound_inside = reference
                    .symbol
                    .is_some_and(|symbol| range.contains(&scope_of(symbol).start_byte()));
                bound_inside
                    || semantic.lookup(module.text(reference.node), body_scope) == reference.symbol
            })
    })
}

/// `X | None` or `Optional[X]`, unless the annotation already admits `None`.
fn widen_annotation(context: &Context<'_>, annotation: Node<'_>) -> Option<Vec<Edit>> {
    let module = context.module;
    let expression = annotation.named_child(0).unwrap_or(annotation);
    if admits_none(module.source, expression) {
        return Some(Vec::new());
    }
    if !is_type_expression(expression) {
        // `c: 1 = {}`: `1 | None` would raise a TypeError when the `def` runs.
        return None;
    }
    let modern = uses_union_syntax(context);
    let range = annotation.byte_range();
    match expression.py_kind() {
        // A string annotation is never evaluated at definition time: widen
        // inside it, so that no `str | None` is ever computed.
        Kind::String if modern => {
            let end = expression.child(expression.child_count().checked_sub(1)?)?;
            let mut cursor = expression.walk();
            let interpolated =
                expression.named_children(&mut cursor).any(|part| part.is(Kind::Interpolation));
            if end.py_kind() != Kind::StringEnd || interpolated {
                return None;
            }
            return Some(vec![Edit::insert(end.start_byte(), " | None")]);
        }
        Kind::ConcatenatedString => return None,
        _ => {}
    }
    if modern {
        let needs_parentheses = matches!(
            expression.py_kind(),
            Kind::Lambda
                | Kind::ConditionalExpression
                | Kind::BooleanOperator
                | Kind::NotOperator
                | Kind::ComparisonOperator
        );
        return Some(if needs_parentheses {
            vec![Edit::insert(range.start, "("), Edit::insert(range.end, ") | None")]
        } else {
            vec![Edit::insert(range.end, " | None")]
        });
    }
    let optional = ensure_from_import(context.semantic, "typing", "Optional")?;
    let mut edits = vec![
        Edit::insert(range.start, format!("{}[", optional.name)),
        Edit::insert(range.end, "]"),
    ];
    edits.extend(optional.edit);
    Some(edits)
}

/// Whether the widened annotation may say `X | None`: when the code must
/// run on 3.10 or later (as stated, not assumed), or annotations are not
/// evaluated (`from __future__ import annotations`), or the file already
/// writes unions with `|` in its annotations, unless it writes `Optional`
/// instead. When nothing says, `Optional[X]` runs everywhere.
fn uses_union_syntax(context: &Context<'_>) -> bool {
    let settings = context.settings;
    if context.semantic.future_annotations() {
        return true;
    }
    if settings.target_version < PythonVersion(3, 10) {
        return false;
    }
    let module = context.module;
    // Asked for each finding: the annotations are read once per file.
    let file_writes_unions = *context.semantic.memo("mutable_default::writes_unions", || {
        module.nodes_of_kind(&[Kind::Type]).any(|annotation| {
            annotation.named_child(0).is_some_and(|inner| {
                inner.is(Kind::BinaryOperator)
                    && inner
                        .child_by_field_name("operator")
                        .is_some_and(|operator| operator.is(Kind::Pipe))
            })
        })
    });
    let file_writes_optional = context.semantic.top_level_binding("Optional").is_some();
    file_writes_unions || (settings.target_version_stated && !file_writes_optional)
}

/// An annotation that names a type: a name, a dotted name, a subscript of
/// one (`list[int]`, `Optional[X]`), a string, `None`, or a union of those
/// with `|`. Anything else (a number, a call) cannot be widened with `|`.
fn is_type_expression(expression: Node<'_>) -> bool {
    match expression.py_kind() {
        Kind::Identifier | Kind::Attribute | Kind::NoneLiteral => true,
        Kind::String | Kind::ConcatenatedString => true,
        Kind::Subscript | Kind::GenericType => true,
        Kind::Type | Kind::ParenthesizedExpression => {
            expression.named_child(0).is_some_and(is_type_expression)
        }
        Kind::BinaryOperator => {
            let operator = expression.child_by_field_name("operator");
            let sides =
                [expression.child_by_field_name("left"), expression.child_by_field_name("right")];
            operator.is_some_and(|operator| operator.is(Kind::Pipe))
                && sides.iter().all(|side| side.is_some_and(is_type_expression))
        }
        _ => false,
    }
}

/// True for `None`, `Optional[...]`, `Union[..., None]`, `X | None`, `Any`
/// and `object`; inside a string annotation too.
fn admits_none(source: &str, expression: Node<'_>) -> bool {
    let text = |node: Node<'_>| &source[node.byte_range()];
    let last_segment = |node: Node<'_>| {
        let text = text(node);
        text.rsplit('.').next().unwrap_or(text).trim().to_string()
    };
    match expression.py_kind() {
        Kind::NoneLiteral => true,
        Kind::Type => expression.named_child(0).is_some_and(|inner| admits_none(source, inner)),
        Kind::Identifier | Kind::Attribute => {
            matches!(last_segment(expression).as_str(), "Any" | "object" | "None")
        }
        Kind::String => string_annotation_admits_none(source, expression),
        Kind::BinaryOperator => {
            let (Some(left), Some(right)) =
                (expression.child_by_field_name("left"), expression.child_by_field_name("right"))
            else {
                return false;
            };
            admits_none(source, left) || admits_none(source, right)
        }
        Kind::GenericType | Kind::Subscript => {
            let Some(head) = expression.named_child(0) else {
                return false;
            };
            let head = last_segment(head);
            if head == "Optional" {
                return true;
            }
            if head != "Union" && head != "Annotated" {
                return false;
            }
            let mut elements = type_arguments(expression);
            if head == "Annotated" {
                elements.truncate(1);
            }
            elements.into_iter().any(|element| admits_none(source, element))
        }
        _ => false,
    }
}

/// The arguments of `X[a, b]`, whether tree-sitter read it as a generic type or a subscript.
fn type_arguments(expression: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = expression.walk();
    let mut elements = Vec::new();
    for argument in expression.named_children(&mut cursor).skip(1) {
        if matches!(argument.py_kind(), Kind::TypeParameter | Kind::Tuple | Kind::ExpressionList) {
            let mut inner = argument.walk();
            elements.extend(argument.named_children(&mut inner));
        } else {
            elements.push(argument);
        }
    }
    elements
}

/// Parses the text of a string annotation as an annotation and asks the same question.
fn string_annotation_admits_none(source: &str, string: Node<'_>) -> bool {
    let mut cursor = string.walk();
    let contents: Vec<Node<'_>> =
        string.named_children(&mut cursor).filter(|part| part.is(Kind::StringContent)).collect();
    let [content] = contents.as_slice() else {
        return false;
    };
    let annotation = format!("_: {}\n", &source[content.byte_range()]);
    let Ok(tree) = crate::syntax::module::parse_tree(&annotation) else {
        return false;
    };
    let root = tree.root_node();
    if root.has_error() {
        return false;
    }
    let mut found = None;
    visit(root, |node| {
        if node.is(Kind::Type) {
            found = Some(node);
            return Walk::Stop;
        }
        Walk::Descend
    });
    found.is_some_and(|node| admits_none(&annotation, node))
}

/// The edits that make the body start with `if NAME is None: NAME = <default>`
/// for each parameter, after the docstring.
fn initialise_in_body(
    module: &Module<'_>,
    function: Node<'_>,
    mutable: &[MutableParameter<'_>],
) -> Option<Vec<Edit>> {
    let body = function.child_by_field_name("body")?;
    let body_statements: Vec<Node<'_>> = statements(body).collect();
    let first = *body_statements.first()?;
    let newline = module.newline();
    let outer = module.indentation_at(function.start_byte());

    if !module.starts_line(first.start_byte()) {
        // `def f(x=[]): return x`: the body becomes an indented block.
        let colon = previous_sibling_of_kind(body, Kind::Colon)?;
        let step = indent_step(module, outer, None);
        let inner = format!("{outer}{step}");
        let checks = initialisations(module, mutable, &inner, &step, newline);
        if !is_docstring(first) {
            let gap = colon.end_byte()..first.start_byte();
            return Some(vec![Edit::replace(gap, format!("{newline}{checks}{inner}"))]);
        }
        let break_line = format!("{newline}{inner}");
        let mut edits = vec![Edit::replace(colon.end_byte()..first.start_byte(), break_line)];
        match body_statements.get(1) {
            Some(second) => edits.push(Edit::replace(
                first.end_byte()..second.start_byte(),
                format!("{newline}{checks}{inner}"),
            )),
            None => {
                let checks = checks.strip_suffix(newline).unwrap_or(&checks);
                edits.push(Edit::insert(first.end_byte(), format!("{newline}{checks}")));
            }
        }
        return Some(edits);
    }

    let indentation = module.indentation_at(first.start_byte());
    let step = indent_step(module, outer, Some(indentation));
    let checks = initialisations(module, mutable, indentation, &step, newline);
    if !is_docstring(first) {
        return Some(vec![Edit::insert(module.logical_line_start(first.start_byte()), checks)]);
    }
    if let Some(second) = body_statements.get(1)
        && !module.starts_line(second.start_byte())
    {
        return None; // `"""Doc."""; x = 1`: too rare to restructure.
    }
    if !module.ends_line(first.end_byte()) {
        return None;
    }
    let after_docstring = module.next_line_start(first.end_byte());
    if after_docstring == module.source.len() && !module.source.ends_with('\n') {
        let checks = checks.strip_suffix(newline).unwrap_or(&checks);
        return Some(vec![Edit::insert(after_docstring, format!("{newline}{checks}"))]);
    }
    Some(vec![Edit::insert(after_docstring, checks)])
}

/// `if NAME is None:` / `NAME = <default>` lines, each ending in `newline`.
fn initialisations(
    module: &Module<'_>,
    mutable: &[MutableParameter<'_>],
    indentation: &str,
    step: &str,
    newline: &str,
) -> String {
    let mut text = String::new();
    for parameter in mutable {
        let name = parameter.name;
        let default = reindented(module, parameter.value, &format!("{indentation}{step}"));
        text.push_str(&format!(
            "{indentation}if {name} is None:{newline}{indentation}{step}{name} = {default}{newline}"
        ));
    }
    text
}

/// The default's text for its new place: continuation lines of a multi-line
/// default move with it, from the `def`'s indentation to `target`'s. Lines
/// that start inside a string literal are content and stay as they are.
fn reindented(module: &Module<'_>, value: Node<'_>, target: &str) -> String {
    let text = module.text(value);
    if !text.contains('\n') {
        return text.to_string();
    }
    let original = module.indentation_at(value.start_byte());
    let mut strings = Vec::new();
    visit(value, |node| {
        if node.is(Kind::String) {
            strings.push(node.byte_range());
            return Walk::Skip;
        }
        Walk::Descend
    });
    let mut out = String::with_capacity(text.len());
    let mut line_offset = value.start_byte();
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let inside_string =
            strings.iter().any(|range| range.start < line_offset && line_offset < range.end);
        match line.strip_prefix(original) {
            Some(rest) if index > 0 && !inside_string && !rest.trim().is_empty() => {
                out.push_str(target);
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
        line_offset += line.len();
    }
    out
}

/// One indentation level: the function's own step from its `def` to its
/// body when there is one, else the file's unit (a tab in tab-indented code).
fn indent_step(module: &Module<'_>, outer: &str, body: Option<&str>) -> String {
    if let Some(step) =
        body.and_then(|body| body.strip_prefix(outer)).filter(|step| !step.is_empty())
    {
        return step.to_string();
    }
    if outer.contains('\t') {
        return "\t".to_string();
    }
    module.indent_unit().to_string()
}

fn previous_sibling_of_kind<'t>(node: Node<'t>, kind: Kind) -> Option<Node<'t>> {
    let mut sibling = node.prev_sibling();
    while let Some(candidate) = sibling {
        if candidate.is(kind) {
            return Some(candidate);
        }
        sibling = candidate.prev_sibling();
    }
    None
}

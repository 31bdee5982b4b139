//! # del-cleanup (PF007)
//!
//! ## What it does
//! Finds classes that clean up in `__del__` and are not context managers
//! (they define neither `__enter__` nor `__exit__`).
//!
//! ## Why is this bad?
//! `__del__` runs when the garbage collector gets to the object: maybe much
//! later than the last use, maybe never (reference cycles, objects alive at
//! exit), and at interpreter shutdown, when the module globals it reads may
//! already be `None`. A `__del__` can even resurrect its object. Files,
//! sockets and locks it was meant to release stay held in the meantime.
//! Cleanup belongs in an explicit `close()` that a `with` block calls at a
//! known point, also when the block raises.
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
//!     def __enter__(self):
//!         return self
//!
//!     def __exit__(self, exc_type, exc, tb):
//!         self.close()
//!
//!     def close(self):
//!         self.socket.close()
//! ```
//!
//! `__del__` becomes `close()`: its parameters, docstring, comments and body
//! stay as they were. `__enter__` and `__exit__` are added where `__del__`
//! stood, above its leading comments, in the class's indentation, line
//! endings and spacing between methods. `__exit__` returns `None`, so an
//! exception raised in the `with` block still propagates.
//!
//! When the class already has a `close()` (or `__del__` calls an inherited
//! one) and `__del__` only calls it, `__del__` itself becomes `__exit__`.
//!
//! Reported without a fix: a class that already defines `__enter__` or
//! `__exit__`; a class with `close()` whose `__del__` does more than call it;
//! a `__del__` that is decorated, `async`, assigned, defined conditionally or
//! more than once; a `__del__` right below a line that ends in a `\`
//! continuation (inserted code would join that line); and any class in a
//! file that calls `__del__` explicitly (`super().__del__()`), since that
//! call would then fail. Stub files are not checked.
//!
//! ## Fix safety
//! Unsafe. The object is no longer cleaned up when it is garbage collected:
//! callers must now use `with` or call `close()` themselves, or the
//! resource stays open until the process ends. A `close()` added to a class
//! whose base class already has one overrides it (pyfix cannot see base
//! classes in other files), and code elsewhere that calls `obj.__del__()`
//! breaks.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use crate::rule::fix::{Edit, Fix};
use crate::rule::{Context, Diagnostic, FileInfo, FixKind, RuleMeta, Transform};
use crate::semantic::block_scope_names;
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::scan::{Kind as ScanKind, Scan};
use crate::syntax::walk::is_docstring;
use crate::syntax::walk::{Walk, any_node, holds_statements, statements, visit};
use crate::transforms::helpers::calls::{is_method_call_statement, is_name_attribute};

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

impl Transform for DelCleanup {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A class that binds `__del__` names it.
    fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        scan.tokens.iter().any(|token| token.kind == ScanKind::Name && scan.is(token, "__del__"))
    }

    /// How a class relates to others in the file decides the fix: its
    /// bases (by name, wherever they are defined) and the methods they
    /// define (`__enter__`, `__exit__`, `close`), and calls of `__del__`.
    /// Only a definition that names `__del__`, defines a class, or is a
    /// class naming one of those methods can change that. The headers of
    /// blanked definitions stay in the skeleton, and a class that is kept
    /// keeps the headers of its methods.
    fn may_need_definition(&self, view: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        let region = view.region.start as u32..view.region.end as u32;
        let mut tokens = view.tokens.iter().filter(|token| region.contains(&token.start));
        let is_class = tokens.next().is_some_and(|first| view.is(first, "class"));
        let names = if is_class { &RELATED_NAMES[..] } else { &RELATED_NAMES[..1] };
        tokens.any(|token| {
            (token.kind == ScanKind::Name && names.iter().any(|name| view.is(token, name)))
                || view.is(token, "class")
        })
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let module = context.module;
        if module.is_stub {
            return Vec::new();
        }
        let classes = class_definitions(module.root());
        // Computed on the first class with a `__del__`: most files have none.
        let facts = OnceCell::new();
        classes.iter().filter_map(|class| check_class(module, *class, &facts, &classes)).collect()
    }
}

/// The names through which one class's fix depends on another definition
/// (`__del__` first: the only one that matters outside a class).
const RELATED_NAMES: [&str; 4] = ["__del__", "__enter__", "__exit__", "close"];

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

/// The `__del__` of a class, as far as the fix needs it.
struct DelMethod<'t> {
    function: Node<'t>,
    name: Node<'t>,
    /// The first parameter's name (`self`, or whatever the class calls it).
    receiver: &'t str,
}

fn check_class<'t>(
    module: &'t Module<'t>,
    class: Node<'t>,
    facts: &OnceCell<FileFacts<'t>>,
    classes: &[Node<'t>],
) -> Option<Diagnostic> {
    let body = class.child_by_field_name("body")?;
    let names = block_scope_names(module, body);
    if !names.contains("__del__") {
        return None;
    }
    let class_name = class.child_by_field_name("name").map_or("class", |name| module.text(name));
    let bindings = del_bindings(module, body);
    let range = bindings.first().copied().unwrap_or(class).byte_range();
    let facts = facts.get_or_init(|| FileFacts::of(module, classes));
    let outcome = plan_fix(module, class, body, &names, &bindings, facts);
    let message = match &outcome {
        Ok(_) => format!(
            "`{class_name}` cleans up in `__del__`, which may run late or never: \
             make it a context manager (callers must then use `with {class_name}(...)` or call `close()`)"
        ),
        Err(reason) => format!(
            "`{class_name}` cleans up in `__del__`, which may run late or never: \
             use `close()` and a `with` block instead (no fix: {reason})"
        ),
    };
    Some(META.report(range, message).with_fix(outcome.ok().map(Fix::unsafe_)))
}

/// The edits that turn the class into a context manager, or why there are none.
fn plan_fix(
    module: &Module<'_>,
    class: Node<'_>,
    body: Node<'_>,
    names: &HashSet<&str>,
    bindings: &[Node<'_>],
    facts: &FileFacts<'_>,
) -> Result<Vec<Edit>, &'static str> {
    if names.contains("__enter__") || names.contains("__exit__") {
        return Err("the class already defines `__enter__` or `__exit__`");
    }
    if facts.del_called_explicitly {
        return Err("this file calls `__del__` explicitly");
    }
    let inherited = facts.inherited_names(module, class);
    if inherited.contains("__enter__") || inherited.contains("__exit__") {
        return Err("a base class in this file defines `__enter__` or `__exit__`");
    }
    let del = plain_del_method(module, body, bindings)?;
    let del_body = del.function.child_by_field_name("body").ok_or("no body")?;
    let only_calls_close = only_calls_close(module, del_body, del.receiver);
    let close_exists = names.contains("close")
        || inherited.contains("close")
        || mentions_close(module, del_body, del.receiver);
    let layout = Layout::of(module, class, body, del.function);
    let insert_at = leading_comments_start(module, del.function)
        .ok_or("`__del__` follows a line continuation (`\\`)")?;
    let receiver = del.receiver;
    let (indent, step, newline) = (layout.indent, layout.step.as_str(), module.newline());
    let gap = newline.repeat(layout.blank_lines);
    let enter = format!(
        "{indent}def __enter__({receiver}):{newline}{indent}{step}return {receiver}{newline}{gap}"
    );
    if close_exists {
        if !only_calls_close {
            return Err("`close()` already exists and `__del__` does more than call it");
        }
        let parameters = del.function.child_by_field_name("parameters").ok_or("no parameters")?;
        if has_comment(parameters) {
            return Err("comments in the parameter list");
        }
        return Ok(vec![
            Edit::insert(insert_at, enter),
            Edit::replace(del.name.byte_range(), "__exit__"),
            Edit::replace(parameters.byte_range(), format!("({receiver}, exc_type, exc, tb)")),
        ]);
    }
    let exit = format!(
        "{indent}def __exit__({receiver}, exc_type, exc, tb):{newline}{indent}{step}{receiver}.close(){newline}{gap}"
    );
    Ok(vec![
        Edit::insert(insert_at, format!("{enter}{exit}")),
        Edit::replace(del.name.byte_range(), "close"),
    ])
}

/// The one `__del__` a fix can rewrite: a plain `def` directly in the class body.
fn plain_del_method<'t>(
    module: &'t Module<'t>,
    body: Node<'t>,
    bindings: &[Node<'t>],
) -> Result<DelMethod<'t>, &'static str> {
    let name = match bindings {
        [name] => name,
        [] => return Err("`__del__` is not a `def`"),
        _ => return Err("`__del__` is bound more than once"),
    };
    let function = module.parent(*name).filter(|parent| parent.is(Kind::FunctionDefinition));
    let Some(function) = function else {
        return Err("`__del__` is not a `def`");
    };
    match module.parent(function) {
        Some(parent) if parent == body => {}
        Some(parent) if parent.is(Kind::DecoratedDefinition) => {
            return Err("`__del__` is decorated");
        }
        _ => return Err("`__del__` is defined conditionally"),
    }
    if function.child(0).is_some_and(|first| first.is(Kind::Async)) {
        return Err("`__del__` is `async`");
    }
    let receiver = function
        .child_by_field_name("parameters")
        .and_then(|parameters| parameters.named_child(0))
        .and_then(|first| match first.py_kind() {
            Kind::Identifier => Some(first),
            Kind::TypedParameter => first.named_child(0).filter(|name| name.is(Kind::Identifier)),
            _ => None,
        })
        .map(|name| module.text(name))
        .ok_or("`__del__` has no plain first parameter")?;
    Ok(DelMethod { function, name: *name, receiver })
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

/// What the fix must know about the rest of the file.
struct FileFacts<'t> {
    /// The file reads the attribute `__del__` (see `calls_del_explicitly`).
    del_called_explicitly: bool,
    /// The classes defined in the file, by name (a name may be reused).
    classes: HashMap<&'t str, Vec<Node<'t>>>,
}

impl<'t> FileFacts<'t> {
    fn of(module: &'t Module<'t>, all_classes: &[Node<'t>]) -> FileFacts<'t> {
        let mut classes: HashMap<&'t str, Vec<Node<'t>>> = HashMap::new();
        for class in all_classes {
            if let Some(name) = class.child_by_field_name("name") {
                classes.entry(module.text(name)).or_default().push(*class);
            }
        }
        FileFacts { del_called_explicitly: calls_del_explicitly(module), classes }
    }

    /// The methods that matter here (`__enter__`, `__exit__`, `close`) that
    /// `class` inherits from base classes defined in this file. Bases from
    /// other modules are out of sight.
    fn inherited_names(&self, module: &Module<'t>, class: Node<'t>) -> HashSet<&'t str> {
        let mut inherited = HashSet::new();
        let mut seen = HashSet::from([class.id()]);
        let mut pending = vec![class];
        while let Some(current) = pending.pop() {
            let Some(bases) = current.child_by_field_name("superclasses") else {
                continue;
            };
            let mut cursor = bases.walk();
            for base in bases.named_children(&mut cursor).filter(|base| base.is(Kind::Identifier)) {
                for &definition in self.classes.get(module.text(base)).into_iter().flatten() {
                    if !seen.insert(definition.id()) {
                        continue;
                    }
                    if let Some(body) = definition.child_by_field_name("body") {
                        let names = block_scope_names(module, body);
                        inherited.extend(
                            ["__enter__", "__exit__", "close"]
                                .into_iter()
                                .filter(|name| names.contains(name)),
                        );
                    }
                    pending.push(definition);
                }
            }
        }
        inherited
    }
}

/// True when the file reads the attribute `__del__` (`super().__del__()`,
/// `Base.__del__(self)`): once a `__del__` is gone, such a call fails.
fn calls_del_explicitly(module: &Module<'_>) -> bool {
    any_node(module.root(), |node| {
        node.is(Kind::Attribute)
            && node
                .child_by_field_name("attribute")
                .is_some_and(|name| module.text(name) == "__del__")
    })
}

/// True when the body (after an optional docstring) is exactly `<receiver>.close()`.
fn only_calls_close(module: &Module<'_>, body: Node<'_>, receiver: &str) -> bool {
    let mut rest: Vec<Node<'_>> = statements(body).collect();
    if rest.len() == 2 && is_docstring(rest[0]) {
        rest.remove(0);
    }
    matches!(rest.as_slice(), [statement] if is_method_call_statement(module.source, *statement, receiver, "close"))
}

/// True when the body reads `<receiver>.close`: renaming `__del__` to
/// `close` would then make it call itself.
fn mentions_close(module: &Module<'_>, body: Node<'_>, receiver: &str) -> bool {
    any_node(body, |node| is_name_attribute(module.source, node, receiver, "close"))
}

fn has_comment(node: Node<'_>) -> bool {
    any_node(node, |child| child.is(Kind::Comment))
}

/// Where code inserted before `function` goes: the start of the comment lines
/// right above it (they describe it and move with it), else its own line.
/// `None` when that line continues the one above it (a `\` at its end).
fn leading_comments_start(module: &Module<'_>, function: Node<'_>) -> Option<usize> {
    let indent = module.indentation_at(function.start_byte());
    let mut start = module.line_start(function.start_byte());
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

//! `except` clauses: what they catch, what their body does with the
//! exception, and the message a fix logs when it makes a failure visible.
//!
//! tree-sitter-python writes `except E as e:` as an `as_pattern` in the
//! clause's `value` field, and `except* E:` as the same clause with a `*`
//! token; the body is the clause's `block` child (not a field).

use tree_sitter::Node;

use crate::rule::fix::Edit;
use crate::semantic::Semantic;
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::walk::{Walk, statements, visit};
use crate::transforms::helpers::logger::logger_at;

/// The clause's body.
pub fn body(clause: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = clause.walk();
    clause.children(&mut cursor).find(|child| child.is(Kind::Block))
}

/// `except* E:` (an exception-group handler).
pub fn is_star(clause: Node<'_>) -> bool {
    let mut cursor = clause.walk();
    clause.children(&mut cursor).any(|child| child.is(Kind::Star))
}

/// The `except` keyword.
pub fn keyword(clause: Node<'_>) -> Option<Node<'_>> {
    clause.child(0).filter(|child| child.is(Kind::Except))
}

/// `except:`, catching everything.
pub fn is_bare(clause: Node<'_>) -> bool {
    clause.child_by_field_name("value").is_none() && !is_star(clause)
}

/// The expressions naming what the clause catches: `A` and `B` in
/// `except (A, B) as e:` or `except A, B:`.
pub fn caught_types(clause: Node<'_>) -> Vec<Node<'_>> {
    let mut types = Vec::new();
    let mut cursor = clause.walk();
    let mut pending: Vec<Node<'_>> = clause.children_by_field_name("value", &mut cursor).collect();
    pending.reverse();
    while let Some(node) = pending.pop() {
        match node.py_kind() {
            // `as_pattern` holds the caught expression first, then the alias.
            Kind::AsPattern => pending.extend(node.named_child(0)),
            Kind::Tuple | Kind::ParenthesizedExpression | Kind::ExpressionList => {
                let mut inner = node.walk();
                let mut elements: Vec<Node<'_>> = node
                    .named_children(&mut inner)
                    .filter(|child| child.py_kind() != Kind::Comment)
                    .collect();
                elements.reverse();
                pending.extend(elements);
            }
            _ => types.push(node),
        }
    }
    types
}

/// The name the exception is bound to: `e` in `except E as e:`.
pub fn bound_name<'s>(module: &Module<'s>, clause: Node<'_>) -> Option<&'s str> {
    let value = clause.child_by_field_name("value").filter(|value| value.is(Kind::AsPattern))?;
    let target = value.child_by_field_name("alias")?;
    let name = target.named_child(0).unwrap_or(target);
    (name.is(Kind::Identifier)).then(|| module.text(name))
}

/// The nearest `except` clause whose body holds `node`, within the same
/// function (a function defined in a handler runs later, outside it).
pub fn enclosing_handler<'m>(module: &'m Module<'_>, node: Node<'m>) -> Option<Node<'m>> {
    let mut child = node;
    let mut current = module.parent(node);
    while let Some(ancestor) = current {
        match ancestor.py_kind() {
            Kind::ExceptClause => return (child.is(Kind::Block)).then_some(ancestor),
            Kind::FunctionDefinition | Kind::Lambda | Kind::ClassDefinition => return None,
            _ => {}
        }
        child = ancestor;
        current = module.parent(ancestor);
    }
    None
}

/// True when the body does nothing but leave: only `pass`, `...`,
/// `continue`, `return` or `return None`.
pub fn only_swallows(body: Node<'_>) -> bool {
    let mut any = false;
    let all = statements(body).all(|statement| {
        any = true;
        match statement.py_kind() {
            Kind::PassStatement | Kind::ContinueStatement => true,
            Kind::ExpressionStatement => is_ellipsis_statement(statement),
            Kind::ReturnStatement => match statement.named_child(0) {
                None => true,
                Some(value) => value.is(Kind::NoneLiteral),
            },
            _ => false,
        }
    });
    any && all
}

fn is_ellipsis_statement(statement: Node<'_>) -> bool {
    statement.is(Kind::ExpressionStatement)
        && statement.named_child_count() == 1
        && statement.named_child(0).is_some_and(|value| value.is(Kind::Ellipsis))
}

/// True when every path through the body ends in a bare `raise`: no
/// `return`, `break`, `continue` or other `raise` leaves it first, and it
/// cannot run off its end.
pub fn always_reraises(module: &Module<'_>, body: Node<'_>) -> bool {
    for statement in statements(body) {
        if ends_in_bare_raise(module, statement) {
            return true;
        }
        if may_leave(module, statement) {
            return false;
        }
    }
    false
}

/// `raise`, or an `if`/`elif`/`else` whose every branch always re-raises.
fn ends_in_bare_raise(module: &Module<'_>, statement: Node<'_>) -> bool {
    match statement.py_kind() {
        Kind::RaiseStatement => is_bare_raise(statement),
        Kind::IfStatement => {
            let consequence_reraises = statement
                .child_by_field_name("consequence")
                .is_some_and(|body| always_reraises(module, body));
            let mut cursor = statement.walk();
            let branches: Vec<Node<'_>> =
                statement.children_by_field_name("alternative", &mut cursor).collect();
            let has_else = branches.iter().any(|branch| branch.is(Kind::ElseClause));
            let branches_reraise = branches.iter().all(|branch| {
                let field = if branch.is(Kind::ElseClause) { "body" } else { "consequence" };
                branch.child_by_field_name(field).is_some_and(|body| always_reraises(module, body))
            });
            consequence_reraises && has_else && branches_reraise
        }
        _ => false,
    }
}

fn is_bare_raise(statement: Node<'_>) -> bool {
    let mut cursor = statement.walk();
    statement.is(Kind::RaiseStatement)
        && statement.named_children(&mut cursor).all(|child| child.is(Kind::Comment))
}

/// True when `statement` may leave the handler other than by a bare
/// `raise`: a `return`, a `raise` of something, or a `break`/`continue`
/// aimed at a loop outside it. Code in nested functions does not count.
fn may_leave(module: &Module<'_>, statement: Node<'_>) -> bool {
    let mut leaves = false;
    visit(statement, |node| match node.py_kind() {
        Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
        Kind::ReturnStatement => {
            leaves = true;
            Walk::Stop
        }
        Kind::RaiseStatement if !is_bare_raise(node) => {
            leaves = true;
            Walk::Stop
        }
        Kind::BreakStatement | Kind::ContinueStatement
            if !inside_loop_within(module, node, statement) =>
        {
            leaves = true;
            Walk::Stop
        }
        _ => Walk::Descend,
    });
    leaves
}

/// True when a `break`/`continue` belongs to a loop body inside `outer`.
fn inside_loop_within(module: &Module<'_>, jump: Node<'_>, outer: Node<'_>) -> bool {
    let mut child = jump;
    let mut current = module.parent(jump);
    while let Some(ancestor) = current {
        if matches!(ancestor.py_kind(), Kind::ForStatement | Kind::WhileStatement)
            && ancestor.child_by_field_name("body") == Some(child)
        {
            return true;
        }
        if ancestor == outer {
            return false;
        }
        child = ancestor;
        current = module.parent(ancestor);
    }
    false
}

/// The edit that makes `statement` the first statement of a handler's body:
/// it replaces a lone `pass` or `...`, goes on its own line before the first
/// statement of an indented body, and before the first statement, followed
/// by `; `, in a one-line body (`except: continue`).
pub fn prepend_statement(module: &Module<'_>, body: Node<'_>, statement: &str) -> Option<Edit> {
    let body_statements: Vec<Node<'_>> = statements(body).collect();
    let first = *body_statements.first()?;
    let placeholder = first.is(Kind::PassStatement) || is_ellipsis_statement(first);
    if body_statements.len() == 1 && placeholder {
        return Some(Edit::replace(first.byte_range(), statement));
    }
    if module.starts_line(first.start_byte()) {
        let indentation = module.indentation_at(first.start_byte());
        let newline = module.newline();
        return Some(Edit::insert(
            first.start_byte(),
            format!("{statement}{newline}{indentation}"),
        ));
    }
    Some(Edit::insert(first.start_byte(), format!("{statement}; ")))
}

/// A call that logs the exception a handler caught, with its traceback.
pub struct LogCall {
    /// `log.exception("json.loads failed in load()")`.
    pub text: String,
    /// The `import logging` the call needs, when the module lacks it.
    pub import: Option<Edit>,
}

/// `<logger>.exception("<message>")` for code in `clause`'s body: through the
/// module's logger, else `logging` (see `logger::logger_at`).
pub fn log_exception_call(semantic: &Semantic<'_>, clause: Node<'_>) -> Option<LogCall> {
    let logger = logger_at(semantic, clause)?;
    let message = failure_message(semantic.module(), clause);
    Some(LogCall { text: format!("{}.exception(\"{message}\")", logger.name), import: logger.edit })
}

/// A short message for a log call in `clause`: what failed (the call or
/// import in the `try` body) and where (`"json.loads failed in load()"`),
/// else the function (`"Loader.load() failed"`). Never holds a quote, a
/// backslash, a brace or a `%`: it is written into a plain string literal.
pub fn failure_message(module: &Module<'_>, clause: Node<'_>) -> String {
    let operations = clause
        .parent()
        .filter(|parent| parent.is(Kind::TryStatement))
        .and_then(|try_statement| try_statement.child_by_field_name("body"))
        .map(|body| failed_operations(module, body))
        .unwrap_or_default();
    let place = place_of(module, clause);
    let in_place = |what: String| match &place {
        Place::Module => format!("{what} failed"),
        place => format!("{what} failed in {}", place.describe()),
    };
    match (operations.as_slice(), &place) {
        ([one], _) => in_place(one.clone()),
        ([first, second], _) => in_place(format!("{first} or {second}")),
        (_, Place::Function(_)) => format!("{} failed", place.describe()),
        (_, Place::Class(name)) => format!("code in class {name} failed"),
        ([first, ..], Place::Module) => format!("{first} or a later step failed"),
        ([], Place::Module) => module_level_fallback(module, clause),
    }
}

/// Where a handler runs.
enum Place {
    /// `load` or `Loader.load`.
    Function(String),
    Class(String),
    Module,
}

impl Place {
    fn describe(&self) -> String {
        match self {
            Place::Function(name) => format!("{name}()"),
            Place::Class(name) => format!("class {name}"),
            Place::Module => "the module".to_string(),
        }
    }
}

fn place_of(module: &Module<'_>, node: Node<'_>) -> Place {
    let mut current = module.parent(node);
    while let Some(ancestor) = current {
        let name =
            || ancestor.child_by_field_name("name").map(|name| module.text(name).to_string());
        match ancestor.py_kind() {
            Kind::FunctionDefinition => {
                let Some(function) = name() else { return Place::Module };
                return match class_of_method(module, ancestor) {
                    Some(class) => Place::Function(format!("{class}.{function}")),
                    None => Place::Function(function),
                };
            }
            Kind::ClassDefinition => return name().map_or(Place::Module, Place::Class),
            _ => {}
        }
        current = module.parent(ancestor);
    }
    Place::Module
}

/// The name of the class a function is defined directly in.
fn class_of_method<'s>(module: &Module<'s>, function: Node<'_>) -> Option<&'s str> {
    let mut parent = module.parent(function)?;
    if parent.is(Kind::DecoratedDefinition) {
        parent = module.parent(parent)?;
    }
    let class = module
        .parent(parent)
        .filter(|class| parent.is(Kind::Block) && class.is(Kind::ClassDefinition))?;
    class.child_by_field_name("name").map(|name| module.text(name))
}

/// What the `try` body does that can fail, in order, each once: the
/// outermost call with a plain dotted name in each expression
/// (`json.loads` in `json.loads(f.read())`), imports, and class statements.
fn failed_operations(module: &Module<'_>, try_body: Node<'_>) -> Vec<String> {
    let mut operations: Vec<String> = Vec::new();
    let mut add = |operation: String| {
        if !operations.contains(&operation) {
            operations.push(operation);
        }
    };
    visit(try_body, |node| match node.py_kind() {
        // A class body runs now (`class Color(Enum): ...` can fail); a function's runs later.
        Kind::ClassDefinition => {
            if let Some(name) = node.child_by_field_name("name") {
                add(format!("class {}", module.text(name)));
            }
            Walk::Skip
        }
        Kind::FunctionDefinition | Kind::Lambda => Walk::Skip,
        Kind::Call => match node
            .child_by_field_name("function")
            .and_then(|function| dotted_name(module, function))
        {
            Some(name) if !rarely_fails(&name) => {
                add(name);
                Walk::Skip
            }
            // `loaded.append(json.loads(text))`: the work is in the arguments.
            _ => Walk::Descend,
        },
        Kind::ImportStatement | Kind::ImportFromStatement => {
            add(import_description(module, node));
            Walk::Skip
        }
        _ => Walk::Descend,
    });
    operations
}

/// Calls too plain to be what failed: `len`, `str`, `items.append`, ...
fn rarely_fails(callee: &str) -> bool {
    // Not `get`, `add`, `copy`, `insert`, `update`: HTTP clients, sessions and shutil use them too.
    const PLAIN: &[&str] = &[
        "append",
        "bool",
        "dict",
        "endswith",
        "enumerate",
        "extend",
        "format",
        "frozenset",
        "hasattr",
        "id",
        "isinstance",
        "issubclass",
        "items",
        "keys",
        "len",
        "list",
        "lower",
        "lstrip",
        "print",
        "range",
        "repr",
        "rstrip",
        "set",
        "setdefault",
        "split",
        "startswith",
        "str",
        "strip",
        "tuple",
        "type",
        "upper",
        "values",
        "zip",
    ];
    let last = callee.rsplit('.').next().unwrap_or(callee);
    PLAIN.binary_search(&last).is_ok()
}

/// `a.b.c` for a name or an attribute chain of names, shortened to its last
/// two parts when long.
fn dotted_name(module: &Module<'_>, expression: Node<'_>) -> Option<String> {
    let mut node = expression;
    while node.is(Kind::Attribute) {
        node = node.child_by_field_name("object")?;
    }
    if node.py_kind() != Kind::Identifier {
        return None;
    }
    let mut parts = Vec::new();
    let mut current = expression;
    while current.is(Kind::Attribute) {
        parts.push(module.text(current.child_by_field_name("attribute")?));
        current = current.child_by_field_name("object")?;
    }
    parts.push(module.text(current));
    parts.reverse();
    let full = parts.join(".");
    if full.len() > 40 && parts.len() > 2 {
        return Some(parts[parts.len() - 2..].join("."));
    }
    Some(full)
}

/// `import a.b` or `from a import b, c`, on one line, without aliases.
fn import_description(module: &Module<'_>, statement: Node<'_>) -> String {
    let mut cursor = statement.walk();
    let names: Vec<String> = statement
        .children_by_field_name("name", &mut cursor)
        .filter_map(|name| {
            let name = match name.py_kind() {
                Kind::AliasedImport => name.child_by_field_name("name")?,
                _ => name,
            };
            Some(without_spaces(module.text(name)))
        })
        .collect();
    let names = match names.len() {
        0 => "*".to_string(),
        1..=3 => names.join(", "),
        _ => "...".to_string(),
    };
    match statement.child_by_field_name("module_name") {
        Some(source) if statement.is(Kind::ImportFromStatement) => {
            format!("from {} import {names}", without_spaces(module.text(source)))
        }
        _ => format!("import {names}"),
    }
}

fn without_spaces(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '\\').collect()
}

/// For a module-level `try` with nothing to name: its first statement when
/// that is short and plain (`del cache[key] failed`), else the file.
fn module_level_fallback(module: &Module<'_>, clause: Node<'_>) -> String {
    let first = clause
        .parent()
        .and_then(|try_statement| try_statement.child_by_field_name("body"))
        .and_then(|body| statements(body).next());
    if let Some(first) = first {
        let text = module.text(first);
        let plain =
            text.len() <= 40 && !text.contains(['\n', '\r', '"', '\'', '\\', '%', '{', '}', '#']);
        if plain {
            return format!("{text} failed");
        }
    }
    let stem = module.file_name.rsplit(['/', '\\']).next().unwrap_or("");
    if !stem.is_empty() && stem.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        return format!("module-level code in {stem} failed");
    }
    "module-level code failed".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_clause<'t>(module: &'t Module<'_>) -> Node<'t> {
        let mut found = None;
        module.visit(module.root(), |node| {
            if node.is(Kind::ExceptClause) {
                found = Some(node);
                return Walk::Stop;
            }
            Walk::Descend
        });
        found.unwrap()
    }

    fn message(source: &str) -> String {
        let module = Module::parse(source, "app.py").unwrap();
        failure_message(&module, first_clause(&module))
    }

    fn reraises(source: &str) -> bool {
        let module = Module::parse(source, "t.py").unwrap();
        always_reraises(&module, body(first_clause(&module)).unwrap())
    }

    #[test]
    fn messages_name_the_call_and_the_function() {
        assert_eq!(
            message(
                "def load(s):\n    try:\n        return json.loads(s.read())\n    except:\n        pass\n"
            ),
            "json.loads failed in load()"
        );
        assert_eq!(
            message(
                "class Loader:\n    @staticmethod\n    def load():\n        try:\n            a(); b(); c()\n        except:\n            pass\n"
            ),
            "Loader.load() failed"
        );
        assert_eq!(message("try:\n    import yaml\nexcept:\n    pass\n"), "import yaml failed");
        assert_eq!(
            message("try:\n    from a.b import (c as d, e)\nexcept:\n    pass\n"),
            "from a.b import c, e failed"
        );
        assert_eq!(
            message("try:\n    from .a import *\nexcept:\n    pass\n"),
            "from .a import * failed"
        );
        assert_eq!(
            message("try:\n    requests.get(u).json()\n    x()\nexcept:\n    pass\n"),
            "requests.get or x failed"
        );
        assert_eq!(
            message("try:\n    del cache[key]\nexcept:\n    pass\n"),
            "del cache[key] failed"
        );
        assert_eq!(
            message("try:\n    class Color(Enum):\n        RED = f()\nexcept:\n    pass\n"),
            "class Color failed"
        );
        assert_eq!(
            message("try:\n    x = d['k']\nexcept:\n    pass\n"),
            "module-level code in app.py failed"
        );
        assert_eq!(
            message("class C:\n    try:\n        a(); b(); c()\n    except:\n        pass\n"),
            "code in class C failed"
        );
    }

    #[test]
    fn plain_calls_are_sorted_and_skipped() {
        assert!(rarely_fails("items.append") && rarely_fails("len") && !rarely_fails("json.loads"));
        assert_eq!(
            message(
                "def f(t):\n    try:\n        out.append(json.loads(t))\n    except:\n        pass\n"
            ),
            "json.loads failed in f()"
        );
    }

    #[test]
    fn reraising_means_on_every_path() {
        assert!(reraises("try:\n    x()\nexcept:\n    cleanup()\n    raise\n"));
        assert!(reraises(
            "try:\n    x()\nexcept:\n    if a:\n        raise\n    else:\n        raise  # again\n"
        ));
        assert!(reraises(
            "try:\n    x()\nexcept:\n    for i in y:\n        if i: break\n    raise\n"
        ));
        assert!(!reraises("try:\n    x()\nexcept:\n    if a:\n        raise\n"));
        assert!(!reraises(
            "for i in y:\n    try:\n        x()\n    except:\n        if a: continue\n        raise\n"
        ));
        assert!(!reraises("try:\n    x()\nexcept:\n    raise ValueError\n"));
        assert!(!reraises(
            "try:\n    x()\nexcept:\n    try:\n        raise\n    except Exception:\n        pass\n"
        ));
    }

    #[test]
    fn caught_types_and_names() {
        let module =
            Module::parse("try:\n    x()\nexcept (A, (B, c.D)) as err:\n    pass\n", "t.py")
                .unwrap();
        let clause = first_clause(&module);
        let types: Vec<&str> =
            caught_types(clause).into_iter().map(|node| module.text(node)).collect();
        assert_eq!(types, ["A", "B", "c.D"]);
        assert_eq!(bound_name(&module, clause), Some("err"));
        assert!(!is_bare(clause) && !is_star(clause));
    }
}

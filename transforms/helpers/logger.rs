//! The logger a fix should write through: the module's own
//! (`log = logging.getLogger(__name__)`), else the `logging` module itself,
//! imported if the module lacks it.
//!
//! Uses only the public face of `Semantic` and `Module`, so that a fuller
//! scope model can absorb it.

use tree_sitter::Node;

use crate::rule::importer::{Imported, ensure_import};
use crate::semantic::scope::{enclosing_scope_names, runs_at_import_time};
use crate::semantic::{Binding, Semantic};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::walk::statements;

/// A module-level `NAME = logging.getLogger(...)`.
#[derive(Clone, Copy, Debug)]
pub struct ModuleLogger<'t> {
    pub name: &'t str,
    /// The assignment statement, to tell whether import-time code runs after it.
    pub statement: Node<'t>,
}

/// The first logger the module binds at its top level with
/// `NAME = logging.getLogger(...)` (or `NAME: Logger = ...`), however
/// `logging` or `getLogger` was imported.
pub fn module_logger<'m>(semantic: &Semantic<'m>) -> Option<ModuleLogger<'m>> {
    let module = semantic.module();
    statements(module.root()).find_map(|statement| {
        if statement.py_kind() != Kind::ExpressionStatement || statement.named_child_count() != 1 {
            return None;
        }
        let assignment = statement.named_child(0).filter(|node| node.is(Kind::Assignment))?;
        let target =
            assignment.child_by_field_name("left").filter(|node| node.is(Kind::Identifier))?;
        let value = assignment.child_by_field_name("right").filter(|node| node.is(Kind::Call))?;
        let function = value.child_by_field_name("function")?;
        (semantic.qualified_name(function).as_deref() == Some("logging.getLogger"))
            .then(|| ModuleLogger { name: module.text(target), statement })
    })
}

/// What a fix at `node` should call `.exception()` on: the module's logger
/// when `node` can see it, else `logging` (with the edit that imports it when
/// the module lacks it). `None` when a local name hides both, when the
/// `logging` name is taken by something else, or where a log call could
/// call back into the code (`logging_may_reenter`).
pub fn logger_at(semantic: &Semantic<'_>, node: Node<'_>) -> Option<Imported> {
    let module = semantic.module();
    if logging_may_reenter(semantic, node) {
        return None;
    }
    let hidden = enclosing_scope_names(module, node);
    let at_import_time = runs_at_import_time(module, node);
    if let Some(logger) = module_logger(semantic) {
        // Import-time code (module level, class bodies) only sees what ran before it.
        let defined_in_time = !at_import_time || logger.statement.end_byte() <= node.start_byte();
        if !hidden.contains(logger.name) && defined_in_time {
            return Some(Imported { name: logger.name.to_string(), edit: None });
        }
    }
    let logging = ensure_import(semantic, "logging")?;
    if hidden.contains(logging.name.as_str()) {
        return None;
    }
    if at_import_time
        && logging.edit.is_none()
        && !imported_before(module, &logging.name, node.start_byte())
    {
        // `import logging` comes later in the file: a second one is not an option.
        return None;
    }
    Some(logging)
}

/// True where a new log call could run inside logging itself or while the
/// interpreter shuts down: in a module that defines its own `getLogger` (a
/// logging implementation), in a class derived from a `logging` class (a
/// handler's `emit`, a filter, a formatter), directly or through classes
/// of the module, and in `__del__`. A failure logged there can recurse or
/// fail in turn.
pub fn logging_may_reenter(semantic: &Semantic<'_>, node: Node<'_>) -> bool {
    let module = semantic.module();
    if semantic.top_level_binding("getLogger") == Some(&Binding::Other) {
        return true;
    }
    let logging_classes = module_classes_derived_from_logging(semantic);
    let mut current = module.parent(node);
    let mut innermost_function = true;
    while let Some(ancestor) = current {
        let name = ancestor.child_by_field_name("name").map(|name| module.text(name));
        match ancestor.py_kind() {
            Kind::FunctionDefinition => {
                if innermost_function && name == Some("__del__") {
                    return true;
                }
                innermost_function = false;
            }
            Kind::ClassDefinition
                if class_bases(ancestor)
                    .into_iter()
                    .any(|base| is_logging_class(semantic, &logging_classes, base)) =>
            {
                return true;
            }
            _ => {}
        }
        current = module.parent(ancestor);
    }
    false
}

/// The module-level classes that derive from a `logging` class, directly or
/// through other module-level classes.
fn module_classes_derived_from_logging<'m>(semantic: &Semantic<'m>) -> Vec<&'m str> {
    let module = semantic.module();
    let classes: Vec<(&'m str, Vec<Node<'m>>)> = statements(module.root())
        .filter_map(|statement| {
            let class = match statement.py_kind() {
                Kind::DecoratedDefinition => statement.child_by_field_name("definition")?,
                _ => statement,
            };
            let name =
                class.child_by_field_name("name").filter(|_| class.is(Kind::ClassDefinition))?;
            Some((module.text(name), class_bases(class)))
        })
        .collect();
    let mut derived: Vec<&'m str> = Vec::new();
    // Each round adds at least one class or ends: at most one round per class.
    loop {
        let before = derived.len();
        for (name, bases) in &classes {
            if !derived.contains(name)
                && bases.iter().any(|base| is_logging_class(semantic, &derived, *base))
            {
                derived.push(name);
            }
        }
        if derived.len() == before {
            return derived;
        }
    }
}

fn is_logging_class(semantic: &Semantic<'_>, derived: &[&str], base: Node<'_>) -> bool {
    if base.is(Kind::Identifier) && derived.contains(&semantic.module().text(base)) {
        return true;
    }
    semantic.qualified_name(base).is_some_and(|name| name.starts_with("logging."))
}

/// The base classes in `class C(A, b.B, metaclass=M):`, keywords left out.
fn class_bases(class: Node<'_>) -> Vec<Node<'_>> {
    let Some(arguments) = class.child_by_field_name("superclasses") else {
        return Vec::new();
    };
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|argument| matches!(argument.py_kind(), Kind::Identifier | Kind::Attribute))
        .collect()
}

/// True when a module-level `import` that binds `name` ends before `offset`.
fn imported_before(module: &Module<'_>, name: &str, offset: usize) -> bool {
    statements(module.root())
        .take_while(|statement| statement.end_byte() <= offset)
        .filter(|statement| statement.is(Kind::ImportStatement))
        .any(|statement| {
            let mut cursor = statement.walk();
            statement.children_by_field_name("name", &mut cursor).any(|imported| {
                let bound = match imported.py_kind() {
                    Kind::AliasedImport => {
                        imported.child_by_field_name("alias").map(|alias| module.text(alias))
                    }
                    _ => module.text(imported).split('.').next().map(str::trim),
                };
                bound == Some(name)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logger_name(source: &str, at: &str) -> Option<(String, bool)> {
        let module = Module::parse(source, "t.py").unwrap();
        let semantic = Semantic::new(&module);
        let offset = source.find(at).unwrap();
        let node = module.root().descendant_for_byte_range(offset, offset + at.len()).unwrap();
        logger_at(&semantic, node).map(|imported| (imported.name, imported.edit.is_some()))
    }

    #[test]
    fn finds_the_module_logger_under_any_name_and_alias() {
        let source = "import logging as lg\nLOG = lg.getLogger(__name__)\ndef f():\n    target()\n";
        assert_eq!(logger_name(source, "target"), Some(("LOG".into(), false)));
        let source =
            "from logging import getLogger\nlog: object = getLogger()\ndef f():\n    target()\n";
        assert_eq!(logger_name(source, "target"), Some(("log".into(), false)));
    }

    #[test]
    fn falls_back_to_logging_imported_once() {
        assert_eq!(
            logger_name("def f():\n    target()\n", "target"),
            Some(("logging".into(), true))
        );
        assert_eq!(
            logger_name("import logging as lg\ntarget()\n", "target"),
            Some(("lg".into(), false))
        );
        // Not a logger: some other module's getLogger.
        let source = "import mylog\nlog = mylog.getLogger()\ndef f():\n    target()\n";
        assert_eq!(logger_name(source, "target"), Some(("logging".into(), true)));
    }

    #[test]
    fn import_time_code_only_sees_what_ran_before_it() {
        let source = "import logging\ntarget()\nlog = logging.getLogger(__name__)\n";
        assert_eq!(logger_name(source, "target"), Some(("logging".into(), false)));
        assert_eq!(logger_name("target()\nimport logging\n", "target"), None);
        let source = "class C:\n    target()\nlog = logging.getLogger()\nimport logging\n";
        assert_eq!(logger_name(source, "target"), None);
    }

    #[test]
    fn no_logging_where_logging_may_call_back() {
        let source =
            "import logging\nclass H(logging.Handler):\n    def emit(self, r):\n        target()\n";
        assert_eq!(logger_name(source, "target"), None);
        let source = "from logging import Handler\nclass A(Handler): pass\nclass B(A):\n    def emit(self, r):\n        target()\n";
        assert_eq!(logger_name(source, "target"), None);
        assert_eq!(
            logger_name("class F:\n    def __del__(self):\n        target()\n", "target"),
            None
        );
        assert_eq!(logger_name("def getLogger(): pass\ndef f():\n    target()\n", "target"), None);
        let source = "import logging\nclass C(Base):\n    def __del__(self):\n        def later():\n            target()\n";
        assert_eq!(logger_name(source, "target"), Some(("logging".into(), false)));
    }

    #[test]
    fn local_names_hide_the_logger() {
        let source = "import logging\nlog = logging.getLogger()\ndef f(log):\n    target()\n";
        assert_eq!(logger_name(source, "target"), Some(("logging".into(), false)));
        let source = "log = logging.getLogger()\ndef f(log):\n    logging = 1\n    target()\n";
        assert_eq!(logger_name(source, "target"), None);
        let source = "logging = 1\ndef f():\n    target()\n";
        assert_eq!(logger_name(source, "target"), None);
    }
}

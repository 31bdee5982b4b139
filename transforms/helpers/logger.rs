//! The logger a fix writes through. Library code never logs through the
//! root logger (`logging.exception(...)` configures the application's
//! handlers when nothing else has): a fix uses the module's own logger
//! (`Semantic::loggers`), and when the module has none it creates one,
//! `logger = logging.getLogger(__name__)`, once, after the imports, with
//! `import logging` placed in its section when the module lacks it.
//!
//! No logger is offered where a log call could call back into the code
//! (`logging_may_reenter`), nor in a module that logs through a facility of
//! its project (`from distutils import log`, `from .utils import logger`,
//! structlog, loguru): a stdlib logger there would be foreign to it.

use tree_sitter::Node;

use crate::rule::fix::Edit;
use crate::rule::importer::{after_imports, ensure_import_in_section};
use crate::semantic::{Binding, Semantic};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::walk::statements;

/// The logger a fix writes `NAME.exception(...)` on, and the edits that
/// create it (an import and a module-level assignment) when the module
/// has no logger yet. Every fix of the file computes the same edits, so
/// the logger is created once.
#[derive(Clone, Debug)]
pub struct FixLogger {
    pub name: String,
    pub edits: Vec<Edit>,
}

/// Names a created logger may take, in order of preference.
const NEW_LOGGER_NAMES: &[&str] = &["logger", "_logger", "log"];

/// Names that, imported from anything but `logging`, are a project's own
/// logging facility.
const FACILITY_NAMES: &[&str] =
    &["log", "logger", "_log", "_logger", "LOG", "LOGGER", "_LOG", "_LOGGER", "logs"];

/// Logging libraries other than `logging`.
const FACILITY_MODULES: &[&str] = &["structlog", "loguru", "logbook", "twiggy", "eliot"];

/// The logger a fix at `node` should write through (see the module
/// documentation); `None` when there is no sure one.
pub fn fix_logger(semantic: &Semantic<'_>, node: Node<'_>) -> Option<FixLogger> {
    if logging_may_reenter(semantic, node) {
        return None;
    }
    if let Some(own) = semantic.loggers().own() {
        // A local of the same name, or import-time code above it: no sure logger.
        return semantic
            .sees_module_binding(node, own.name, own.binding)
            .then(|| FixLogger { name: own.name.to_string(), edits: Vec::new() });
    }
    if uses_own_facility(semantic) {
        return None;
    }
    create_logger(semantic, node)
}

/// True when the module imports a logging facility that is not `logging`.
pub fn uses_own_facility(semantic: &Semantic<'_>) -> bool {
    semantic.imports().iter().any(|import| {
        let root = import.qualified.split('.').next().unwrap_or("");
        if root == "logging" {
            return false;
        }
        let bound = semantic.module().text(semantic.binding(import.binding).name);
        FACILITY_NAMES.contains(&bound) || FACILITY_MODULES.contains(&root)
    })
}

/// `logger = logging.getLogger(__name__)` after the imports, and
/// `import logging` when the module lacks it.
fn create_logger(semantic: &Semantic<'_>, node: Node<'_>) -> Option<FixLogger> {
    let created = semantic.memo("logger::new_logger", || new_logger(semantic));
    let created = created.as_ref().as_ref()?;
    // Import-time code above the new logger cannot use it.
    let in_function = semantic.scope(semantic.scope_at(node)).in_function;
    if !in_function && node.start_byte() < created.at {
        return None;
    }
    Some(FixLogger { name: created.name.clone(), edits: created.edits.clone() })
}

/// The module's new logger: its name, where it goes, and the edits that
/// make it (the same for every finding of the file).
struct NewLogger {
    name: String,
    at: usize,
    edits: Vec<Edit>,
}

fn new_logger(semantic: &Semantic<'_>) -> Option<NewLogger> {
    let module = semantic.module();
    let source = module.source;
    let name = NEW_LOGGER_NAMES.iter().find(|name| !mentioned_in_code(module, name))?;
    let (at, without_newline) = after_imports(module);
    let logging = ensure_import_in_section(semantic, "logging")?;
    if logging.edit.is_none() && !imported_before(semantic, "logging", at) {
        // `import logging` comes later, or only under `if`/`try`.
        return None;
    }
    let newline = module.newline();
    let assignment = format!("{name} = {}.getLogger(__name__)", logging.name);
    let next_line_blank =
        source[at..source[at..].find('\n').map_or(source.len(), |i| at + i)].trim().is_empty();
    let creation = if without_newline {
        format!("{newline}{newline}{assignment}{newline}")
    } else if at >= source.len() || next_line_blank {
        format!("{newline}{assignment}{newline}")
    } else {
        format!("{newline}{assignment}{newline}{newline}")
    };
    let mut edits = Vec::new();
    match logging.edit {
        // Both at the same spot: one edit, the import first.
        Some(import) if import.range.start == at && import.range.is_empty() => {
            let import_text = import.replacement.trim_end_matches(['\n', '\r']);
            let import_text = import_text.trim_start_matches(['\n', '\r']);
            let lead = if without_newline { newline } else { "" };
            edits.push(Edit::insert(
                at,
                format!("{lead}{import_text}{newline}{newline}{assignment}{newline}{}", {
                    if at >= source.len() || next_line_blank || without_newline {
                        ""
                    } else {
                        newline
                    }
                }),
            ));
        }
        Some(import) => {
            edits.push(import);
            edits.push(Edit::insert(at, creation));
        }
        None => edits.push(Edit::insert(at, creation)),
    }
    Some(NewLogger { name: name.to_string(), at, edits })
}

/// `word` occurs in the module's code as a name: outside comments and
/// strings, and not as an attribute (`self.word`). Text a skeleton did not
/// parse counts wherever it occurs.
fn mentioned_in_code(module: &Module<'_>, word: &str) -> bool {
    let source = module.source;
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    source.match_indices(word).any(|(at, _)| {
        let before = source[..at].chars().next_back();
        let after = source[at + word.len()..].chars().next();
        if before.is_some_and(|c| is_name(c) || c == '.') || after.is_some_and(is_name) {
            return false;
        }
        if module.blanked().iter().any(|blank| blank.contains(&at)) {
            return true;
        }
        let node = module.root().descendant_for_byte_range(at, at + word.len());
        !node.is_some_and(|node| {
            matches!(node.py_kind(), Kind::Comment | Kind::String | Kind::StringContent)
        })
    })
}

/// True when an unconditional module-level import binds `name` to the
/// module `name` and ends before `offset`.
fn imported_before(semantic: &Semantic<'_>, name: &str, offset: usize) -> bool {
    let Some(local) = semantic.import_binding_of(name) else {
        return false;
    };
    semantic.imports().iter().any(|import| {
        import.qualified == name
            && import.unconditional
            && semantic.module().text(semantic.binding(import.binding).name) == local
            && semantic.binding(import.binding).scope == semantic.module_scope()
            && import.statement.end_byte() <= offset
    })
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
    let derived = semantic.memo("logger::logging_classes", || {
        let names = module_classes_derived_from_logging(semantic);
        names.into_iter().map(str::to_string).collect::<Vec<String>>()
    });
    let logging_classes: Vec<&str> = derived.iter().map(String::as_str).collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::module::Module;

    /// The logger's name and the fixed text, with `target()` replaced by a log call.
    fn fixed(source: &str) -> Option<String> {
        let module = Module::parse(source, "t.py").unwrap();
        let semantic = Semantic::new(&module);
        let offset = source.find("target()").unwrap();
        let node = module.root().descendant_for_byte_range(offset, offset + 6).unwrap();
        let logger = fix_logger(&semantic, node)?;
        let mut edits = logger.edits.clone();
        edits.push(Edit::replace(offset..offset + 8, format!("{}.exception('x')", logger.name)));
        edits.sort_by_key(|edit| edit.range.start);
        let mut out = source.to_string();
        for edit in edits.iter().rev() {
            out.replace_range(edit.range.clone(), &edit.replacement);
        }
        Some(out)
    }

    #[test]
    fn the_module_logger_is_used_under_any_name() {
        let source = "import logging as lg\nLOG = lg.getLogger(__name__)\ndef f():\n    target()\n";
        assert_eq!(fixed(source).unwrap(), source.replace("target()", "LOG.exception('x')"));
        let source = "import logging\naudit = logging.getLogger('audit')\nlog = logging.getLogger(__name__)\ndef f():\n    target()\n";
        assert!(fixed(source).unwrap().contains("    log.exception('x')"));
    }

    #[test]
    fn a_logger_is_created_after_the_imports() {
        let source = "import os\nimport sys\n\nX = 1\n\n\ndef f():\n    target()\n";
        assert_eq!(
            fixed(source).unwrap(),
            "import logging\nimport os\nimport sys\n\nlogger = logging.getLogger(__name__)\n\nX = 1\n\n\ndef f():\n    logger.exception('x')\n"
        );
        let source = "import json\n\nX = 1\ndef f():\n    target()\n";
        assert_eq!(
            fixed(source).unwrap(),
            "import json\nimport logging\n\nlogger = logging.getLogger(__name__)\n\nX = 1\ndef f():\n    logger.exception('x')\n"
        );
        let source = "\"\"\"Doc.\"\"\"\nX = 1\ndef f():\n    target()\n";
        assert_eq!(
            fixed(source).unwrap(),
            "\"\"\"Doc.\"\"\"\nimport logging\n\nlogger = logging.getLogger(__name__)\n\nX = 1\ndef f():\n    logger.exception('x')\n"
        );
        let source = "import logging as lg\nfrom . import x\n\ndef f():\n    target()\n";
        assert_eq!(
            fixed(source).unwrap(),
            "import logging as lg\nfrom . import x\n\nlogger = lg.getLogger(__name__)\n\ndef f():\n    logger.exception('x')\n"
        );
    }

    #[test]
    fn a_taken_name_is_not_reused() {
        let source = "import logging\ndef g(logger): pass\ndef f():\n    target()\n";
        assert!(fixed(source).unwrap().contains("_logger = logging.getLogger(__name__)"));
        let source = "import logging\nlogger = 1\n_logger = 2\nlog = 3\ndef f():\n    target()\n";
        assert_eq!(fixed(source), None);
    }

    #[test]
    fn no_logger_where_none_is_sure() {
        // Module-level code above the place the logger would go.
        assert_eq!(fixed("try:\n    target()\nexcept: pass\nimport os\n"), None);
        // A project's own facility.
        assert_eq!(fixed("from distutils import log\ndef f():\n    target()\n"), None);
        // `import logging` only under `if`.
        assert_eq!(fixed("import os\nif x:\n    import logging\ndef f():\n    target()\n"), None);
        // A local name hides the module's logger.
        let source = "import logging\nlog = logging.getLogger()\ndef f(log):\n    target()\n";
        assert_eq!(fixed(source), None);
    }

    #[test]
    fn import_time_code_sees_only_what_ran_before_it() {
        let source = "import logging\ntarget()\nlog = logging.getLogger(__name__)\n";
        assert_eq!(fixed(source), None);
    }

    fn reenters(source: &str) -> bool {
        let module = Module::parse(source, "t.py").unwrap();
        let semantic = Semantic::new(&module);
        let offset = source.find("target").unwrap();
        let node = module.root().descendant_for_byte_range(offset, offset + 6).unwrap();
        logging_may_reenter(&semantic, node)
    }

    #[test]
    fn no_logging_where_logging_may_call_back() {
        assert!(reenters(
            "import logging\nclass H(logging.Handler):\n    def emit(self, r):\n        target()\n"
        ));
        assert!(reenters(
            "from logging import Handler\nclass A(Handler): pass\nclass B(A):\n    def emit(self, r):\n        target()\n"
        ));
        assert!(reenters("class F:\n    def __del__(self):\n        target()\n"));
        assert!(reenters("def getLogger(): pass\ndef f():\n    target()\n"));
        assert!(!reenters(
            "import logging\nclass C(Base):\n    def __del__(self):\n        def later():\n            target()\n"
        ));
    }
}

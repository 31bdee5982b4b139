//! What names refer to. Built once per parse.
//!
//! Today this knows the module's top-level bindings and imports, enough to
//! resolve `dq` to `collections.deque` after `from collections import deque as dq`
//! and to tell the builtin `list` from a module's own `list`. Rules ask through
//! `qualified_name()` so that a fuller scope model can replace the inside.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use crate::module::Module;
use crate::walk::{Walk, statements, visit};

/// What a module-level name was bound by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Binding {
    /// `import a.b as c` binds `c` to `a.b`; `import a.b` binds `a` to `a`;
    /// `from a import b as c` binds `c` to `a.b`. `unconditional` when the
    /// import is a statement of the module itself, not under `if` or `try`.
    Import { qualified: String, unconditional: bool },
    /// Anything else: assignment, `def`, `class`, `for`, ...
    Other,
}

pub struct Semantic<'m> {
    module: &'m Module<'m>,
    top_level: HashMap<&'m str, Binding>,
    future_annotations: bool,
    star_import: bool,
}

impl<'m> Semantic<'m> {
    pub fn new(module: &'m Module<'m>) -> Semantic<'m> {
        let mut semantic = Semantic {
            module,
            top_level: HashMap::new(),
            future_annotations: false,
            star_import: false,
        };
        for statement in statements(module.root()) {
            semantic.record_statement(statement);
        }
        semantic
    }

    pub fn module(&self) -> &'m Module<'m> {
        self.module
    }

    /// `from __future__ import annotations` is in effect.
    pub fn future_annotations(&self) -> bool {
        self.future_annotations
    }

    /// The module has `from x import *`: any global name may come from it.
    pub fn has_star_import(&self) -> bool {
        self.star_import
    }

    /// How a module-level name is bound, if it is.
    pub fn top_level_binding(&self, name: &str) -> Option<&Binding> {
        self.top_level.get(name)
    }

    /// The dotted name an expression refers to: `t.sleep` is `time.sleep`
    /// after `import time as t`, and an unshadowed `list` is `builtins.list`.
    /// `None` for anything that is not a name or an attribute chain of one.
    pub fn qualified_name(&self, node: Node<'_>) -> Option<String> {
        match node.kind() {
            "identifier" => {
                let name = self.module.text(node);
                match self.top_level.get(name) {
                    Some(Binding::Import { qualified, .. }) => Some(qualified.clone()),
                    Some(Binding::Other) => None,
                    None if self.star_import => None,
                    None if is_builtin(name) => Some(format!("builtins.{name}")),
                    None => None,
                }
            }
            "attribute" => {
                let object = self.qualified_name(node.child_by_field_name("object")?)?;
                let attribute = self.module.text(node.child_by_field_name("attribute")?);
                Some(format!("{object}.{attribute}"))
            }
            "parenthesized_expression" => self.qualified_name(node.named_child(0)?),
            _ => None,
        }
    }

    /// The first unconditional import that binds `qualified` (a module, or a
    /// name in one), as the local name that refers to it.
    pub fn import_binding_of(&self, qualified: &str) -> Option<&'m str> {
        self.top_level
            .iter()
            .filter(|(_, binding)| {
                matches!(binding, Binding::Import { qualified: q, unconditional: true } if q == qualified)
            })
            .map(|(name, _)| *name)
            .min()
    }

    fn record_statement(&mut self, statement: Node<'m>) {
        let module = self.module;
        let unconditional = statement.parent().is_some_and(|parent| parent.kind() == "module");
        match statement.kind() {
            "import_statement" => {
                let mut cursor = statement.walk();
                for name in statement.children_by_field_name("name", &mut cursor) {
                    let (local, qualified) = match name.kind() {
                        "aliased_import" => {
                            let (Some(target), Some(alias)) = (
                                name.child_by_field_name("name"),
                                name.child_by_field_name("alias"),
                            ) else {
                                continue;
                            };
                            (module.text(alias), module.text(target).to_string())
                        }
                        _ => {
                            let dotted = module.text(name);
                            let first = dotted.split('.').next().unwrap_or(dotted);
                            (first, first.to_string())
                        }
                    };
                    self.top_level.insert(
                        local,
                        Binding::Import { qualified: strip_spaces(&qualified), unconditional },
                    );
                }
            }
            "import_from_statement" => self.record_from_import(statement),
            "future_import_statement" => {
                if module.text(statement).contains("annotations") {
                    self.future_annotations = true;
                }
            }
            "decorated_definition" => {
                if let Some(definition) = statement.child_by_field_name("definition") {
                    self.record_statement(definition);
                }
            }
            "function_definition" | "class_definition" => {
                if let Some(name) = statement.child_by_field_name("name") {
                    self.top_level.insert(module.text(name), Binding::Other);
                }
            }
            _ => self.record_other_bindings(statement),
        }
    }

    fn record_from_import(&mut self, statement: Node<'m>) {
        let module = self.module;
        let unconditional = statement.parent().is_some_and(|parent| parent.kind() == "module");
        let Some(source_module) = statement.child_by_field_name("module_name") else {
            return;
        };
        let source_module = strip_spaces(module.text(source_module));
        let mut cursor = statement.walk();
        if statement.children(&mut cursor).any(|child| child.kind() == "wildcard_import") {
            self.star_import = true;
            return;
        }
        let mut cursor = statement.walk();
        for name in statement.children_by_field_name("name", &mut cursor) {
            let (local, imported) = match name.kind() {
                "aliased_import" => {
                    let (Some(target), Some(alias)) =
                        (name.child_by_field_name("name"), name.child_by_field_name("alias"))
                    else {
                        continue;
                    };
                    (module.text(alias), module.text(target))
                }
                _ => (module.text(name), module.text(name)),
            };
            let qualified = format!("{source_module}.{imported}");
            self.top_level.insert(local, Binding::Import { qualified, unconditional });
        }
    }

    /// Names a non-import statement binds at module level: assignment and
    /// `for` targets, `with ... as`, walrus, `global` inside functions is ignored.
    fn record_other_bindings(&mut self, statement: Node<'m>) {
        let module = self.module;
        let mut bound = Vec::new();
        visit(statement, |node| match node.kind() {
            // Their bodies are other scopes; the names they bind here were handled above.
            "function_definition" | "class_definition" | "lambda" | "list_comprehension"
            | "set_comprehension" | "dictionary_comprehension" | "generator_expression" => {
                if let Some(name) = node.child_by_field_name("name") {
                    bound.push(module.text(name));
                }
                Walk::Skip
            }
            "assignment" | "augmented_assignment" | "for_statement" | "named_expression" => {
                if let Some(target) = node
                    .child_by_field_name("left")
                    .or_else(|| node.child_by_field_name("name"))
                {
                    bound.extend(target_names(module, target));
                }
                Walk::Descend
            }
            "as_pattern_target" => {
                bound.extend(target_names(module, node));
                Walk::Descend
            }
            "import_statement" | "import_from_statement" => {
                // Imports nested in `if`/`try` at module level still bind globals.
                self.record_statement(node);
                Walk::Skip
            }
            _ => Walk::Descend,
        });
        for name in bound {
            self.top_level.entry(name).or_insert(Binding::Other);
        }
    }
}

/// The plain names an assignment target binds: `a`, `a, (b, *c)`; not `a.b` or `a[0]`.
pub fn target_names<'s>(module: &Module<'s>, target: Node<'_>) -> Vec<&'s str> {
    let mut names = Vec::new();
    visit(target, |node| match node.kind() {
        "identifier" => {
            names.push(module.text(node));
            Walk::Skip
        }
        "attribute" | "subscript" => Walk::Skip,
        _ => Walk::Descend,
    });
    names
}

/// Names bound directly in a function's scope: its parameters and what its
/// body binds, without descending into nested functions, classes, lambdas or
/// comprehensions (whose own names are theirs), but with the names of nested
/// `def`/`class` statements.
pub fn function_scope_names<'s>(module: &Module<'s>, function: Node<'_>) -> HashSet<&'s str> {
    let mut names = HashSet::new();
    if let Some(parameters) = function.child_by_field_name("parameters") {
        names.extend(parameter_names(module, parameters));
    }
    if let Some(body) = function.child_by_field_name("body") {
        names.extend(block_scope_names(module, body));
    }
    names
}

/// The names a block binds in the scope that owns it (see `function_scope_names`).
pub fn block_scope_names<'s>(module: &Module<'s>, body: Node<'_>) -> HashSet<&'s str> {
    let mut names = HashSet::new();
    visit(body, |node| match node.kind() {
        "function_definition" | "class_definition" => {
            if let Some(name) = node.child_by_field_name("name") {
                names.insert(module.text(name));
            }
            Walk::Skip
        }
        "lambda" | "list_comprehension" | "set_comprehension" | "dictionary_comprehension"
        | "generator_expression" => Walk::Skip,
        "assignment" | "augmented_assignment" | "for_statement" | "named_expression"
        | "for_in_clause" => {
            if let Some(target) =
                node.child_by_field_name("left").or_else(|| node.child_by_field_name("name"))
            {
                names.extend(target_names(module, target));
            }
            Walk::Descend
        }
        "as_pattern_target" | "delete_statement" | "global_statement" | "nonlocal_statement" => {
            names.extend(target_names(module, node));
            Walk::Skip
        }
        "aliased_import" => {
            if let Some(alias) = node.child_by_field_name("alias") {
                names.insert(module.text(alias));
            }
            Walk::Skip
        }
        "import_statement" => {
            let mut cursor = node.walk();
            for name in node.children_by_field_name("name", &mut cursor) {
                if name.kind() == "dotted_name" {
                    let dotted = module.text(name);
                    names.insert(dotted.split('.').next().unwrap_or(dotted).trim());
                }
            }
            Walk::Descend
        }
        "import_from_statement" => {
            let mut cursor = node.walk();
            for name in node.children_by_field_name("name", &mut cursor) {
                if name.kind() == "dotted_name" {
                    names.insert(module.text(name));
                }
            }
            Walk::Descend
        }
        "except_clause" => {
            if let Some(alias) = node.child_by_field_name("alias") {
                names.extend(target_names(module, alias));
            }
            Walk::Descend
        }
        "with_item" => {
            if let Some(value) = node.child_by_field_name("value")
                && value.kind() == "as_pattern"
                && let Some(alias) = value.child_by_field_name("alias")
            {
                names.extend(target_names(module, alias));
            }
            Walk::Descend
        }
        _ => Walk::Descend,
    });
    names
}

/// Names of the parameters in a `parameters` or `lambda_parameters` node.
pub fn parameter_names<'s>(module: &Module<'s>, parameters: Node<'_>) -> Vec<&'s str> {
    let mut names = Vec::new();
    let mut cursor = parameters.walk();
    for parameter in parameters.named_children(&mut cursor) {
        let name = match parameter.kind() {
            "identifier" => Some(parameter),
            "default_parameter" | "typed_default_parameter" => parameter.child_by_field_name("name"),
            "typed_parameter" => parameter.named_child(0),
            "list_splat_pattern" | "dictionary_splat_pattern" => parameter.named_child(0),
            _ => None,
        };
        let Some(name) = name else { continue };
        let name = match name.kind() {
            "list_splat_pattern" | "dictionary_splat_pattern" => match name.named_child(0) {
                Some(inner) => inner,
                None => continue,
            },
            _ => name,
        };
        if name.kind() == "identifier" {
            names.push(module.text(name));
        }
    }
    names
}

fn strip_spaces(dotted: &str) -> String {
    dotted.chars().filter(|c| !c.is_whitespace() && *c != '\\').collect()
}

/// Python's builtin names (3.13), for telling `list` from a user's `list`.
pub fn is_builtin(name: &str) -> bool {
    BUILTINS.binary_search(&name).is_ok()
}

const BUILTINS: &[&str] = &[
    "ArithmeticError", "AssertionError", "AttributeError", "BaseException",
    "BaseExceptionGroup", "BlockingIOError", "BrokenPipeError", "BufferError",
    "BytesWarning", "ChildProcessError", "ConnectionAbortedError", "ConnectionError",
    "ConnectionRefusedError", "ConnectionResetError", "DeprecationWarning", "EOFError",
    "Ellipsis", "EncodingWarning", "EnvironmentError", "Exception", "ExceptionGroup",
    "False", "FileExistsError", "FileNotFoundError", "FloatingPointError", "FutureWarning",
    "GeneratorExit", "IOError", "ImportError", "ImportWarning", "IndentationError",
    "IndexError", "InterruptedError", "IsADirectoryError", "KeyError", "KeyboardInterrupt",
    "LookupError", "MemoryError", "ModuleNotFoundError", "NameError", "None",
    "NotADirectoryError", "NotImplemented", "NotImplementedError", "OSError",
    "OverflowError", "PendingDeprecationWarning", "PermissionError", "ProcessLookupError",
    "PythonFinalizationError", "RecursionError", "ReferenceError", "ResourceWarning",
    "RuntimeError", "RuntimeWarning", "StopAsyncIteration", "StopIteration", "SyntaxError",
    "SyntaxWarning", "SystemError", "SystemExit", "TabError", "TimeoutError", "True",
    "TypeError", "UnboundLocalError", "UnicodeDecodeError", "UnicodeEncodeError",
    "UnicodeError", "UnicodeTranslateError", "UnicodeWarning", "UserWarning", "ValueError",
    "Warning", "ZeroDivisionError", "__build_class__", "__debug__", "__doc__", "__import__",
    "__loader__", "__name__", "__package__", "__spec__", "abs", "aiter", "all", "anext",
    "any", "ascii", "bin", "bool", "breakpoint", "bytearray", "bytes", "callable", "chr",
    "classmethod", "compile", "complex", "copyright", "credits", "delattr", "dict", "dir",
    "divmod", "enumerate", "eval", "exec", "exit", "filter", "float", "format", "frozenset",
    "getattr", "globals", "hasattr", "hash", "help", "hex", "id", "input", "int",
    "isinstance", "issubclass", "iter", "len", "license", "list", "locals", "map", "max",
    "memoryview", "min", "next", "object", "oct", "open", "ord", "pow", "print", "property",
    "quit", "range", "repr", "reversed", "round", "set", "setattr", "slice", "sorted",
    "staticmethod", "str", "sum", "super", "tuple", "type", "vars", "zip",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_sorted_for_binary_search() {
        assert!(BUILTINS.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(is_builtin("list") && is_builtin("bytearray") && !is_builtin("deque"));
    }

    fn resolve(source: &str, expression: &str) -> Option<String> {
        let module = Module::parse(source, "t.py").unwrap();
        let semantic = Semantic::new(&module);
        let offset = source.rfind(expression).unwrap();
        let node = module
            .root()
            .descendant_for_byte_range(offset, offset + expression.len())
            .unwrap();
        semantic.qualified_name(node)
    }

    #[test]
    fn resolves_imports_and_aliases() {
        let source = "import collections\nimport time as t\nfrom collections import deque as dq\nimport os.path\nx = (collections.OrderedDict, t.sleep, dq, os.path.join, list)\n";
        assert_eq!(resolve(source, "collections.OrderedDict").as_deref(), Some("collections.OrderedDict"));
        assert_eq!(resolve(source, "t.sleep").as_deref(), Some("time.sleep"));
        assert_eq!(resolve(source, "dq").as_deref(), Some("collections.deque"));
        assert_eq!(resolve(source, "os.path.join").as_deref(), Some("os.path.join"));
        assert_eq!(resolve(source, "list").as_deref(), Some("builtins.list"));
    }

    #[test]
    fn a_module_level_rebinding_shadows_a_builtin() {
        assert_eq!(resolve("def list(): pass\nx = list\n", "list"), None);
        assert_eq!(resolve("list = tuple\nx = list\n", "list"), None);
        assert_eq!(resolve("from mylib import *\nx = list\n", "list"), None);
    }
}

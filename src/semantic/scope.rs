//! Scope questions the module-level `Semantic` does not answer yet: what
//! the functions and class bodies around a node bind, and whether a node
//! runs at import time. Built from the public helpers of `semantic`, so that
//! a full scope model can answer them instead.

use std::collections::HashSet;

use tree_sitter::Node;

use crate::semantic::{Semantic, block_scope_names, function_scope_names, parameter_names};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;

/// True when `node` runs as the module is imported: not inside a function or lambda.
pub fn runs_at_import_time(module: &Module<'_>, node: Node<'_>) -> bool {
    let mut current = module.parent(node);
    while let Some(ancestor) = current {
        if matches!(ancestor.py_kind(), Kind::FunctionDefinition | Kind::Lambda) {
            return false;
        }
        current = module.parent(ancestor);
    }
    true
}

/// Names that code at `node` finds before the module's globals: what the
/// enclosing functions bind (parameters and locals, closures included), and
/// the class body's names for code that runs directly in a class body.
pub fn enclosing_scope_names<'s>(module: &Module<'s>, node: Node<'_>) -> HashSet<&'s str> {
    let mut names = HashSet::new();
    let mut inside_function = false;
    let mut current = module.parent(node);
    while let Some(ancestor) = current {
        match ancestor.py_kind() {
            Kind::FunctionDefinition => {
                names.extend(function_scope_names(module, ancestor));
                inside_function = true;
            }
            Kind::Lambda => {
                if let Some(parameters) = ancestor.child_by_field_name("parameters") {
                    names.extend(parameter_names(module, parameters));
                }
                inside_function = true;
            }
            // A method does not see its class's names; the class body itself does.
            Kind::ClassDefinition if !inside_function => {
                if let Some(body) = ancestor.child_by_field_name("body") {
                    names.extend(block_scope_names(module, body));
                }
            }
            _ => {}
        }
        current = module.parent(ancestor);
    }
    names
}

/// True when the builtin `name` (`Exception`) is what `name` means at `node`:
/// neither the module nor a scope around `node` binds it. A star import is
/// not taken to export a builtin's name.
pub fn builtin_visible_at(semantic: &Semantic<'_>, node: Node<'_>, name: &str) -> bool {
    semantic.top_level_binding(name).is_none()
        && !enclosing_scope_names(semantic.module(), node).contains(name)
}

/// `Semantic::qualified_name`, unless the name the expression starts with
/// is bound in a function or class body around it (a local `logging`).
pub fn qualified_name_at(semantic: &Semantic<'_>, node: Node<'_>) -> Option<String> {
    let mut root = node;
    while matches!(root.py_kind(), Kind::Attribute | Kind::ParenthesizedExpression) {
        root = match root.py_kind() {
            Kind::Attribute => root.child_by_field_name("object")?,
            _ => root.named_child(0)?,
        };
    }
    if root.is(Kind::Identifier)
        && enclosing_scope_names(semantic.module(), node).contains(semantic.module().text(root))
    {
        return None;
    }
    semantic.qualified_name(node)
}

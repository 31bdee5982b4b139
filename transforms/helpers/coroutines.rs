//! What the coroutine rules (PF009, PF010) share: whether a file has a
//! coroutine at all, which code is test code for them, and which calls sit
//! behind a check for a running loop.

use tree_sitter::Node;

use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::scan::Scan;
use crate::transforms::helpers::except_handler::is_test_module;

/// `async` directly followed by `def` somewhere in the tokens.
pub fn defines_coroutine(scan: &Scan<'_>) -> bool {
    scan.tokens.windows(2).any(|pair| scan.is(&pair[0], "async") && scan.is(&pair[1], "def"))
}

/// Test code: a test module (`test_*.py`, `*_test.py`, `conftest.py`), a
/// `test*` function, or a method of a `TestCase` class. A class merely
/// named `Test...` in other code is not one (meson's test runner has
/// `class TestSubprocess`, production code).
pub fn is_test_code(module: &Module<'_>, node: Node<'_>) -> bool {
    if is_test_module(module) {
        return true;
    }
    let mut current = module.parent(node);
    while let Some(ancestor) = current {
        match ancestor.py_kind() {
            Kind::FunctionDefinition => {
                let name = ancestor.child_by_field_name("name").map(|name| module.text(name));
                if name.is_some_and(|name| name.starts_with("test")) {
                    return true;
                }
            }
            Kind::ClassDefinition => {
                let bases = ancestor.child_by_field_name("superclasses");
                if bases.is_some_and(|bases| module.text(bases).contains("TestCase")) {
                    return true;
                }
            }
            _ => {}
        }
        current = module.parent(ancestor);
    }
    false
}

/// `node` is under an `if` (or `elif`, or a conditional expression) of
/// `coroutine` whose condition asks whether a loop is running
/// (`asyncio.get_running_loop()`, `loop.is_running()`): the coroutine is
/// then also run by hand, outside any loop.
pub fn checks_running_loop(module: &Module<'_>, node: Node<'_>, coroutine: Node<'_>) -> bool {
    let mut current = module.parent(node);
    while let Some(ancestor) = current {
        if ancestor.id() == coroutine.id() {
            return false;
        }
        let condition = match ancestor.py_kind() {
            Kind::IfStatement | Kind::ElifClause => ancestor.child_by_field_name("condition"),
            Kind::ConditionalExpression => ancestor.named_child(1),
            _ => None,
        };
        if condition.is_some_and(|condition| {
            let text = module.text(condition);
            text.contains("running_loop") || text.contains("is_running")
        }) {
            return true;
        }
        current = module.parent(ancestor);
    }
    false
}

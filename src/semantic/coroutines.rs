//! Coroutines: which `async def` runs a node, and which event loop library
//! a module's coroutines are written for.

use tree_sitter::Node;

use super::{ScopeKind, Semantic};
use crate::syntax::kind::{Kind, NodeKind};

/// Libraries whose coroutines do not run on an asyncio event loop: an
/// `asyncio` call (`asyncio.sleep`) fails or misbehaves under them.
const OTHER_LOOPS: &[&str] = &["trio", "anyio", "curio", "twisted"];

impl<'m> Semantic<'m> {
    /// The `async def` whose own code runs `node` when the coroutine runs:
    /// `node` is in its body, directly or in a comprehension there, not in
    /// a nested `def`, lambda or class body (nor in the defaults or
    /// decorators of the `async def` itself, which run where it is defined).
    pub fn enclosing_coroutine(&self, node: Node<'_>) -> Option<Node<'m>> {
        let scope = self
            .ancestor_scopes(self.scope_at(node))
            .find(|id| self.scope(*id).kind != ScopeKind::Comprehension)?;
        let scope = self.scope(scope);
        let definition = scope.node;
        let is_coroutine = scope.kind == ScopeKind::Function
            && definition.is(Kind::FunctionDefinition)
            && definition.child(0).is_some_and(|first| first.is(Kind::Async));
        is_coroutine.then_some(definition)
    }

    /// The first library of `OTHER_LOOPS` (`trio`, `anyio`, `curio`,
    /// `twisted`) the module imports anywhere: its coroutines are likely
    /// written for that library's loop, not asyncio's.
    pub fn other_event_loop(&self) -> Option<&'static str> {
        self.imports().iter().find_map(|import| {
            let top = import.qualified.split('.').next().unwrap_or("");
            OTHER_LOOPS.iter().find(|library| **library == top).copied()
        })
    }
}

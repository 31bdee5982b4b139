//! Coroutines: which `async def` runs a node, which event loop library
//! a module's coroutines are written for, and which expression is the loop
//! running a coroutine.

use tree_sitter::Node;

use super::{BindingKind, ScopeKind, Semantic};
use crate::syntax::kind::{Kind, NodeKind};

/// Libraries whose coroutines do not run on an asyncio event loop: an
/// `asyncio` call (`asyncio.sleep`) fails or misbehaves under them.
const OTHER_LOOPS: &[&str] = &["trio", "anyio", "curio", "twisted"];

/// Functions that, called in a coroutine, return the loop running it.
const RUNNING_LOOP: &[&str] = &[
    "asyncio.get_running_loop",
    "asyncio.get_event_loop",
    "asyncio.events.get_running_loop",
    "asyncio.events.get_event_loop",
];

/// Functions that return a new event loop.
const NEW_LOOP: &[&str] =
    &["asyncio.new_event_loop", "asyncio.events.new_event_loop", "uvloop.new_event_loop"];

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

    /// The module imports `nest_asyncio`, which patches asyncio so that
    /// `asyncio.run()` and `loop.run_until_complete()` may run inside a
    /// running loop.
    pub fn patches_nested_loops(&self) -> bool {
        self.imports().iter().any(|import| {
            import.qualified == "nest_asyncio" || import.qualified.starts_with("nest_asyncio.")
        })
    }

    /// `expression`, read in `coroutine`, is the loop running it:
    /// `asyncio.get_running_loop()` or `asyncio.get_event_loop()` (which
    /// returns the running loop in a coroutine), called there or assigned
    /// to a local name of the coroutine by every binding of that name.
    pub fn is_running_loop(&self, expression: Node<'_>, coroutine: Node<'_>) -> bool {
        self.is_local_value(expression, coroutine, &|call| self.calls_one_of(call, RUNNING_LOOP))
    }

    /// `expression`, read in `coroutine`, is an asyncio event loop: the
    /// running one (see [`Semantic::is_running_loop`]) or a new one
    /// (`asyncio.new_event_loop()`, `uvloop.new_event_loop()`), called
    /// there or assigned to a local name of the coroutine by every binding
    /// of that name. An attribute or a parameter may hold anything: an
    /// object with a `run_until_complete` method of its own.
    pub fn is_event_loop(&self, expression: Node<'_>, coroutine: Node<'_>) -> bool {
        self.is_local_value(expression, coroutine, &|call| {
            self.calls_one_of(call, RUNNING_LOOP) || self.calls_one_of(call, NEW_LOOP)
        })
    }

    /// `expression` is a call `is_value` accepts, or a local name of
    /// `coroutine` that every binding assigns such a call to.
    fn is_local_value(
        &self,
        expression: Node<'_>,
        coroutine: Node<'_>,
        is_value: &dyn Fn(Node<'_>) -> bool,
    ) -> bool {
        match expression.py_kind() {
            Kind::Call => is_value(expression),
            Kind::ParenthesizedExpression => expression
                .named_child(0)
                .is_some_and(|inner| self.is_local_value(inner, coroutine, is_value)),
            Kind::Identifier => {
                let Some(scope) = self.scope_of_definition(coroutine) else { return false };
                let Some(reference) = self.reference_at(expression) else { return false };
                let Some(symbol) = self.reference(reference).symbol else { return false };
                if self.symbol(symbol).scope != scope {
                    return false;
                }
                let bindings = self.bindings_of(symbol);
                !bindings.is_empty()
                    && bindings.iter().all(|id| {
                        let binding = self.binding(*id);
                        let source = binding.source;
                        binding.kind == BindingKind::Assignment
                            && binding.scope == scope
                            && source.is(Kind::Assignment)
                            && source
                                .child_by_field_name("left")
                                .is_some_and(|left| left.id() == binding.name.id())
                            && source.child_by_field_name("right").is_some_and(is_value)
                    })
            }
            _ => false,
        }
    }

    /// A call without arguments of one of `functions` (qualified names).
    fn calls_one_of(&self, call: Node<'_>, functions: &[&str]) -> bool {
        call.is(Kind::Call)
            && call
                .child_by_field_name("arguments")
                .is_some_and(|arguments| arguments.named_child_count() == 0)
            && call
                .child_by_field_name("function")
                .and_then(|function| self.qualified_name(function))
                .is_some_and(|name| functions.contains(&name.as_str()))
    }
}

//! Whether a closure made in one iteration of a loop can be used once that
//! iteration is over ("escapes" it), or is used up before the loop moves on.
//!
//! The question behind late binding: a `lambda` or `def` made in a loop body
//! reads the loop's variable when it is called. Called before the iteration
//! ends, it sees that iteration's value; called later, the value of a later
//! iteration. So a closure matters only when it can outlive its iteration.
//!
//! The analysis follows the closure's value up the tree from where it is
//! made, and through the variables it is bound to (their references, from
//! the semantic model), until every use is known:
//!
//! - it **escapes** when it is stored in something that outlives the
//!   iteration (an attribute, a subscript or a container method such as
//!   `.append` of an object not made in the iteration, a variable read after
//!   the loop or by a later iteration, a comprehension's result), yielded
//!   (unless every caller in the module iterates the generator with a `for`
//!   loop that keeps nothing),
//!   registered as a callback (`connect`, `register`, `add_done_callback`,
//!   `call_later`, `atexit.register`, `signal.signal`, a `command=` or
//!   `callback=` argument, a registering decorator such as `@app.route`), or
//!   handed to a thread, a process, an executor or the event loop;
//! - it **stays** in the iteration when it is called there, dropped, used as
//!   a `key=`, returned from the function (the loop never runs again), given
//!   to `map`/`filter` whose result is consumed there, stored in one slot
//!   (a variable, `obj.attr`, `obj["key"]`) that every iteration overwrites
//!   before reading it (what is left is the last closure, which sees its own
//!   value), or passed to a callee not known to keep it. An unknown callee counts as one that does not
//!   keep it: the analysis claims an escape only on evidence.
//!
//! Containers made in the iteration (`row = []`, `Button(...)`) are followed
//! like the closure: storing the closure in them escapes only if they do.
//!
//! Everything is read from the definition that holds the loop, except the
//! callers of a generator: a rule that asks must keep the bodies holding
//! `for` statements in a skeleton (`Transform::may_need_definition`).

use std::cell::{Cell, RefCell};
use std::collections::HashSet;

use tree_sitter::Node;

use super::{BindingId, BindingKind, ScopeId, ScopeKind, Semantic};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::walk::Walk;

/// How a closure outlives the iteration that made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EscapeKind {
    /// Stored in an attribute, a subscript, a container that outlives the
    /// iteration, or a variable declared `global`/`nonlocal`.
    Stored,
    /// The element of a comprehension over the loop: collected in its result.
    Collected,
    /// `yield`ed to code that runs after the generator resumes.
    Yielded,
    /// Registered to be called later: `connect`, `atexit.register`, `command=`, ...
    Callback,
    /// Handed to a thread, process, executor or task that runs concurrently.
    Concurrent,
    /// Bound to a variable that a later iteration reads before binding it again.
    LaterIteration,
    /// Bound to a variable read after the loop, when the last iteration need
    /// not be the one that made it.
    AfterLoop,
}

/// Where and how a closure escapes its iteration.
#[derive(Clone, Copy, Debug)]
pub struct Escape<'m> {
    pub kind: EscapeKind,
    /// The node where the closure (or what holds it) leaves the iteration.
    pub at: Node<'m>,
}

impl<'m> Semantic<'m> {
    /// How `closure` (a `lambda` or `function_definition` node) made inside
    /// one iteration of `loop_node` can outlive it: `loop_node` is a
    /// `for_statement` (the iteration is its body) or a comprehension (the
    /// iteration is its element and later clauses). `None` when every use of
    /// the closure ends in the iteration, or is not known to keep it.
    pub fn escape_from_iteration(
        &self,
        closure: Node<'m>,
        loop_node: Node<'m>,
    ) -> Option<Escape<'m>> {
        let comprehension = is_comprehension(loop_node.py_kind());
        let region =
            if comprehension { loop_node } else { loop_node.child_by_field_name("body")? };
        if !contains(region, closure) {
            return None;
        }
        let scope = self.flow_scope_of(loop_node, comprehension)?;
        Flow::new(self, region, comprehension, scope, 0).closure(closure)
    }

    /// The scope whose code runs the loop: the comprehension's own scope, or
    /// the scope around a `for` statement.
    fn flow_scope_of(&self, loop_node: Node<'m>, comprehension: bool) -> Option<ScopeId> {
        if comprehension {
            return self.scope_of_definition(loop_node);
        }
        let mut current = self.module().parent(loop_node);
        while let Some(node) = current {
            if matches!(
                node.py_kind(),
                Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda | Kind::Module
            ) {
                return if node.is(Kind::Module) {
                    Some(self.module_scope())
                } else {
                    self.scope_of_definition(node)
                };
            }
            current = self.module().parent(node);
        }
        Some(self.module_scope())
    }
}

/// Enough steps for any real loop body; past it the answer is "unsure".
const STEP_BUDGET: u32 = 400;

/// What the value being followed is, relative to the closure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Holding {
    /// The closure itself, or something that holds it (a list, a partial).
    Closure,
    /// Something that calls the closure when it is consumed: a `map` or
    /// `filter` object, a coroutine or generator made by calling it.
    Lazy,
}

struct Flow<'a, 'm> {
    semantic: &'a Semantic<'m>,
    module: &'m Module<'m>,
    /// The body of the `for` statement, or the comprehension.
    region: Node<'m>,
    comprehension: bool,
    /// The scope whose code runs the loop.
    scope: ScopeId,
    /// The closure being followed is an `async def` or a generator: calling
    /// it makes a coroutine or generator that runs its body later.
    deferred: Cell<bool>,
    budget: Cell<u32>,
    closures: RefCell<HashSet<usize>>,
    bindings: RefCell<HashSet<BindingId>>,
    /// How many consumers of a generator this flow is nested in.
    depth: u32,
}

impl<'a, 'm> Flow<'a, 'm> {
    fn new(
        semantic: &'a Semantic<'m>,
        region: Node<'m>,
        comprehension: bool,
        scope: ScopeId,
        depth: u32,
    ) -> Flow<'a, 'm> {
        Flow {
            semantic,
            module: semantic.module(),
            region,
            comprehension,
            scope,
            deferred: Cell::new(false),
            budget: Cell::new(STEP_BUDGET),
            closures: RefCell::new(HashSet::new()),
            bindings: RefCell::new(HashSet::new()),
            depth,
        }
    }

    fn escape(&self, kind: EscapeKind, at: Node<'m>) -> Option<Escape<'m>> {
        Some(Escape { kind, at })
    }

    fn step(&self) -> bool {
        let left = self.budget.get();
        self.budget.set(left.saturating_sub(1));
        left > 0
    }

    /// A closure made in the iteration: a lambda is a value where it stands;
    /// a `def` (or a class holding a method) is bound to its name.
    fn closure(&self, closure: Node<'m>) -> Option<Escape<'m>> {
        if !self.closures.borrow_mut().insert(closure.id()) || !self.step() {
            return None;
        }
        match closure.py_kind() {
            Kind::Lambda => {
                self.deferred.set(false);
                self.value(closure, Holding::Closure)
            }
            Kind::FunctionDefinition => {
                self.deferred.set(runs_later_when_called(self.module, closure));
                self.definition(closure)
            }
            _ => None,
        }
    }

    /// A `def` or `class` statement: its decorators, the class around a
    /// method, and the name it binds.
    fn definition(&self, definition: Node<'m>) -> Option<Escape<'m>> {
        let mut outer = definition;
        if let Some(parent) = self.module.parent(definition)
            && parent.is(Kind::DecoratedDefinition)
        {
            outer = parent;
            let mut cursor = parent.walk();
            let decorators: Vec<Node<'m>> = parent
                .named_children(&mut cursor)
                .filter(|child| child.is(Kind::Decorator))
                .collect();
            for decorator in decorators.iter().rev() {
                let Some(expression) = decorator.named_child(0) else { continue };
                if let Some(kind) = self.registering(expression) {
                    return self.escape(kind, *decorator);
                }
            }
        }
        // A method is held by its class.
        if let Some(block) = self.module.parent(outer)
            && block.is(Kind::Block)
            && let Some(class) = self.module.parent(block)
            && class.is(Kind::ClassDefinition)
            && contains(self.region, class)
        {
            return self.definition(class);
        }
        let name = definition.child_by_field_name("name")?;
        let binding = self.semantic.binding_at(name)?;
        self.variable(binding, Holding::Closure)
    }

    /// A decorator (or the function of a decorator call) that registers the
    /// function it decorates.
    fn registering(&self, expression: Node<'m>) -> Option<EscapeKind> {
        let function = if expression.is(Kind::Call) {
            expression.child_by_field_name("function")?
        } else {
            expression
        };
        if let Some(qualified) = self.semantic.qualified_name(function) {
            if CALLBACK_FUNCTIONS.iter().any(|(name, _)| *name == qualified) {
                return Some(EscapeKind::Callback);
            }
            if CONCURRENT_FUNCTIONS.contains(&qualified.as_str()) {
                return Some(EscapeKind::Concurrent);
            }
        }
        let last = last_name(self.module, function)?;
        if REGISTERING_METHODS.contains(&last) || REGISTERING_DECORATORS.contains(&last) {
            return Some(EscapeKind::Callback);
        }
        None
    }

    /// Follows a value up from `node` to where it ends.
    fn value(&self, node: Node<'m>, holding: Holding) -> Option<Escape<'m>> {
        if !self.step() {
            return None;
        }
        let (node, parent) = outside_parentheses(self.module, node);
        let parent = parent?;
        let is_field = |field: &str| parent.child_by_field_name(field) == Some(node);
        match parent.py_kind() {
            Kind::Call if is_field("function") => {
                if holding == Holding::Closure && self.deferred.get() {
                    // `make()` of an `async def` or generator: runs when consumed.
                    self.value(parent, Holding::Lazy)
                } else {
                    None
                }
            }
            // `f(x for x in ...)`: the generator is the only argument.
            Kind::Call => self.argument(parent, node, None, holding),
            Kind::ArgumentList => {
                let call = self.module.parent(parent)?;
                self.argument(call, node, None, holding)
            }
            Kind::KeywordArgument if is_field("value") => {
                let keyword = parent.child_by_field_name("name").map(|name| self.module.text(name));
                let call = self.module.parent(parent).and_then(|list| self.module.parent(list))?;
                self.argument(call, node, keyword, holding)
            }
            Kind::ListSplat | Kind::DictionarySplat => match holding {
                // `[*map(f, xs)]`, `g(*filter(f, xs))`: iterated on the spot.
                Holding::Lazy => None,
                Holding::Closure => self.value(parent, holding),
            },
            Kind::List | Kind::Tuple | Kind::Set | Kind::ExpressionList | Kind::Dictionary => {
                self.value(parent, holding)
            }
            Kind::Pair => self.value(parent, holding),
            Kind::ListComprehension
            | Kind::SetComprehension
            | Kind::DictionaryComprehension
            | Kind::GeneratorExpression
                if is_field("body") =>
            {
                if self.comprehension && parent.id() == self.region.id() {
                    self.escape(EscapeKind::Collected, node)
                } else {
                    self.value(parent, holding)
                }
            }
            Kind::ForInClause if is_field("right") => {
                let comprehension = self.module.parent(parent)?;
                match holding {
                    // A generator keeps the lazy iterable it reads from.
                    Holding::Lazy
                        if comprehension.is(Kind::GeneratorExpression)
                            && comprehension.id() != self.region.id() =>
                    {
                        self.value(comprehension, holding)
                    }
                    _ => None,
                }
            }
            Kind::ConditionalExpression => {
                // `a if condition else b`: the condition is only tested.
                if parent.named_child(1) == Some(node) { None } else { self.value(parent, holding) }
            }
            // `f or g`, `[f] * 2`, `[f] + rest`: the result may be (or hold) it.
            Kind::BooleanOperator | Kind::BinaryOperator => self.value(parent, holding),
            Kind::NamedExpression if is_field("value") => {
                let name = parent.child_by_field_name("name")?;
                let escape = match self.semantic.binding_at(name) {
                    Some(binding) => self.variable(binding, holding),
                    None => None,
                };
                escape.or_else(|| self.value(parent, holding))
            }
            Kind::Assignment if is_field("right") => {
                let left = parent.child_by_field_name("left")?;
                let escape = self.target(left, holding);
                // `a = b = f`: the inner assignment is the outer one's value.
                escape.or_else(|| match self.module.parent(parent) {
                    Some(outer) if outer.is(Kind::Assignment) => self.value(parent, holding),
                    _ => None,
                })
            }
            Kind::AugmentedAssignment if is_field("right") => {
                // `fs += [f]`: added to what the variable held before.
                let left = parent.child_by_field_name("left")?;
                match left.py_kind() {
                    Kind::Identifier => self.container(left, parent),
                    _ => self.target(left, holding),
                }
            }
            Kind::Yield => self.yielded(parent),
            Kind::DefaultParameter | Kind::TypedDefaultParameter if is_field("value") => {
                // A default is kept by the function it belongs to.
                let owner = self.module.parent(parent).and_then(|list| self.module.parent(list))?;
                match owner.py_kind() {
                    Kind::Lambda => self.value(owner, holding),
                    Kind::FunctionDefinition => self.definition(owner),
                    _ => None,
                }
            }
            // Returned: the function ends and the loop never runs again.
            // Dropped, awaited, tested, compared, indexed: used up here.
            _ => None,
        }
    }

    /// `yield <closure>`: the consumer gets the closure while the generator
    /// is suspended in this iteration. It escapes unless every call of the
    /// generator function in this module is iterated by a `for` statement
    /// whose body uses what it gets within its own iteration (a consumer
    /// elsewhere, or one that keeps the items, could call it later).
    fn yielded(&self, yield_node: Node<'m>) -> Option<Escape<'m>> {
        let escape = self.escape(EscapeKind::Yielded, yield_node);
        let mut cursor = yield_node.walk();
        let yield_from = yield_node.children(&mut cursor).any(|child| child.kind() == "from");
        let scope = self.semantic.scope(self.scope);
        if yield_from || self.depth > 0 || scope.kind != ScopeKind::Function {
            return escape;
        }
        let Some(binding) =
            scope.node.child_by_field_name("name").and_then(|name| self.semantic.binding_at(name))
        else {
            return escape;
        };
        let calls = self.semantic.references_of(binding);
        let consumed = !calls.is_empty()
            && calls.iter().all(|&reference| {
                let node = self.semantic.reference(reference).node;
                let (outer, parent) = outside_parentheses(self.module, node);
                parent.is_some_and(|call| {
                    call.is(Kind::Call)
                        && call.child_by_field_name("function") == Some(outer)
                        && self.iterated_in_place(call)
                })
            });
        if consumed { None } else { escape }
    }

    /// A generator's items are only used by `for` loops that keep none of
    /// them: `for x in gen():`, or `items = gen()` read only as `for x in items:`.
    fn iterated_in_place(&self, call: Node<'m>) -> bool {
        let (outer, parent) = outside_parentheses(self.module, call);
        let Some(parent) = parent else { return false };
        let iterated_by = |node: Node<'m>, holder: Node<'m>| {
            holder.is(Kind::ForStatement)
                && holder.child_by_field_name("right") == Some(node)
                && self.consumer_keeps_nothing(holder)
        };
        if iterated_by(outer, parent) {
            return true;
        }
        if !(parent.is(Kind::Assignment) && parent.child_by_field_name("right") == Some(outer)) {
            return false;
        }
        let Some(binding) = parent
            .child_by_field_name("left")
            .filter(|left| left.is(Kind::Identifier))
            .and_then(|left| self.semantic.binding_at(left))
        else {
            return false;
        };
        let uses = self.semantic.references_of(binding);
        !uses.is_empty()
            && uses.iter().all(|&reference| {
                let node = self.semantic.reference(reference).node;
                let (outer, parent) = outside_parentheses(self.module, node);
                parent.is_some_and(|holder| iterated_by(outer, holder))
            })
    }

    /// No variable a `for` loop binds keeps its value past the iteration.
    fn consumer_keeps_nothing(&self, for_statement: Node<'m>) -> bool {
        let (Some(body), Some(left)) =
            (for_statement.child_by_field_name("body"), for_statement.child_by_field_name("left"))
        else {
            return false;
        };
        let Some(scope) = self.semantic.flow_scope_of(for_statement, false) else { return false };
        let mut names = Vec::new();
        let mut plain = true;
        self.module.visit(left, |node| match node.py_kind() {
            Kind::Identifier => {
                names.push(node);
                Walk::Skip
            }
            Kind::Attribute | Kind::Subscript => {
                plain = false;
                Walk::Skip
            }
            _ => Walk::Descend,
        });
        let consumer = Flow::new(self.semantic, body, false, scope, self.depth + 1);
        plain
            && names.iter().all(|name| {
                self.semantic
                    .binding_at(*name)
                    .is_some_and(|binding| consumer.variable(binding, Holding::Closure).is_none())
            })
    }

    /// `node` is an argument of `call` (by `keyword`, if any).
    fn argument(
        &self,
        call: Node<'m>,
        node: Node<'m>,
        keyword: Option<&str>,
        holding: Holding,
    ) -> Option<Escape<'m>> {
        if !call.is(Kind::Call) {
            return None;
        }
        let function = call.child_by_field_name("function")?;
        let qualified = self.semantic.qualified_name(function);
        let qualified = qualified.as_deref().unwrap_or("");
        let method = match function.py_kind() {
            Kind::Attribute => {
                function.child_by_field_name("attribute").map(|a| self.module.text(a))
            }
            _ => None,
        };
        let first = is_first_positional(self.module, call, node);
        if CONCURRENT_FUNCTIONS.contains(&qualified) {
            return self.thread(call);
        }
        if qualified == "builtins.setattr" {
            // `setattr(obj, name, f)`: `obj.<name> = f`.
            return match positional_index(self.module, call, node) {
                Some(2) if !self.overwritten_slot(call) => self.escape(EscapeKind::Stored, call),
                _ => None,
            };
        }
        if let Some((_, position)) = CALLBACK_FUNCTIONS.iter().find(|(name, _)| *name == qualified)
            && position
                .is_none_or(|position| positional_index(self.module, call, node) == Some(position))
        {
            return self.escape(EscapeKind::Callback, call);
        }
        if WRAPPERS.contains(&qualified) {
            return self.value(call, holding);
        }
        if LAZY_CALLERS.contains(&qualified) {
            // `map(f, xs)`: calls `f` as it is iterated; `map(g, fs)`: the
            // closures in `fs` are only passed through.
            let calls_it = match keyword {
                Some(keyword) => keyword == "key" || keyword == "function",
                None => first,
            };
            let holding = if calls_it { Holding::Lazy } else { holding };
            return self.value(call, holding);
        }
        if keyword == Some("key") {
            // `sorted(xs, key=f)`, `xs.sort(key=f)`, `max(..., key=f)`: called
            // before the call returns; an unknown callee's `key=` too, most likely.
            return None;
        }
        if COPIES.contains(&qualified) {
            return match holding {
                // `list(map(f, xs))`: the map is consumed on the spot.
                Holding::Lazy => None,
                // `list(fs)`, `dict(a=f)`: the new container holds the closures.
                Holding::Closure => self.value(call, holding),
            };
        }
        if PICKS.contains(&qualified) && holding == Holding::Closure && keyword.is_none() {
            // `max(fs)`, `next(iter(fs))`: one of the closures.
            return self.value(call, holding);
        }
        if matches!(qualified, "asyncio.run" | "asyncio.wait_for") {
            return None;
        }
        if let Some(method) = method {
            let receiver = function.child_by_field_name("object")?;
            if STORE_METHODS.contains(&method)
                || (STORE_ALL_METHODS.contains(&method) && holding == Holding::Closure)
            {
                return self.container(receiver, call);
            }
            if CONCURRENT_METHODS.contains(&method) {
                return match self.ends_in_iteration(receiver) {
                    true => None,
                    false => self.escape(EscapeKind::Concurrent, call),
                };
            }
            if REGISTERING_METHODS.contains(&method) {
                return match self.ends_in_iteration(receiver) {
                    true => None,
                    false => self.escape(EscapeKind::Callback, call),
                };
            }
        }
        if let Some(keyword) = keyword
            && is_callback_keyword(keyword)
        {
            // `Button(..., command=f)`, `Future(callback=f)`.
            return self.escape(EscapeKind::Callback, call);
        }
        // Called on the spot (`assertRaises(E, f)`), iterated on the spot
        // (`"".join(map(f, xs))`), or kept by a callee we know nothing of:
        // not evidence of an escape.
        None
    }

    /// `Thread(target=f)`, `Timer(1, f)`, `create_task(make())`: runs
    /// concurrently, unless the iteration waits for it (`t.join()`,
    /// `await task`).
    fn thread(&self, call: Node<'m>) -> Option<Escape<'m>> {
        if let Some(escape) = self.value(call, Holding::Closure) {
            return Some(escape);
        }
        let (outer, parent) = outside_parentheses(self.module, call);
        if let Some(parent) = parent
            && parent.is(Kind::Await)
        {
            return None;
        }
        if let Some(parent) = parent
            && parent.is(Kind::Assignment)
            && parent.child_by_field_name("right") == Some(outer)
            && let Some(left) = parent.child_by_field_name("left")
            && left.is(Kind::Identifier)
            && let Some(binding) = self.semantic.binding_at(left)
            && self.waited_for(binding)
        {
            return None;
        }
        self.escape(EscapeKind::Concurrent, call)
    }

    /// The iteration waits for what the variable holds: `t.join()`, `await t`.
    fn waited_for(&self, binding: BindingId) -> bool {
        self.semantic.references_of(binding).iter().any(|&reference| {
            let node = self.semantic.reference(reference).node;
            if !contains(self.region, node) {
                return false;
            }
            let (outer, parent) = outside_parentheses(self.module, node);
            match parent {
                Some(parent) if parent.is(Kind::Await) => true,
                Some(parent) if parent.is(Kind::Attribute) => {
                    parent.child_by_field_name("object") == Some(outer)
                        && parent
                            .child_by_field_name("attribute")
                            .is_some_and(|name| matches!(self.module.text(name), "join" | "result"))
                }
                _ => false,
            }
        })
    }

    /// A receiver bound by a `with` statement inside the iteration
    /// (`with ThreadPoolExecutor() as pool:`): it is closed, and what it
    /// runs finished, before the iteration ends.
    fn ends_in_iteration(&self, receiver: Node<'m>) -> bool {
        let (receiver, _) = inside_parentheses(receiver);
        receiver.is(Kind::Identifier)
            && self.local_binding(receiver).is_some_and(|binding| {
                let binding = self.semantic.binding(binding);
                binding.kind == BindingKind::WithAlias
            })
    }

    /// The closure is assigned to `target`.
    fn target(&self, target: Node<'m>, holding: Holding) -> Option<Escape<'m>> {
        match target.py_kind() {
            Kind::Identifier => {
                let binding = self.semantic.binding_at(target)?;
                self.variable(binding, holding)
            }
            Kind::Attribute | Kind::Subscript => {
                let object = match target.py_kind() {
                    Kind::Attribute => target.child_by_field_name("object")?,
                    _ => target.child_by_field_name("value")?,
                };
                match self.container(object, target) {
                    // Stored right here, in a slot each iteration overwrites.
                    Some(escape)
                        if escape.at.id() == target.id() && self.overwritten_slot(target) =>
                    {
                        None
                    }
                    escape => escape,
                }
            }
            Kind::PatternList | Kind::TuplePattern | Kind::ListPattern => {
                // `a, b = f, g`: any target that keeps it.
                let mut cursor = target.walk();
                let parts: Vec<Node<'m>> = target.named_children(&mut cursor).collect();
                parts.into_iter().find_map(|part| self.target(part, holding))
            }
            Kind::ParenthesizedExpression => self.target(target.named_child(0)?, holding),
            _ => None,
        }
    }

    /// The closure is put into `receiver` (`receiver.append(f)`,
    /// `receiver[k] = f`, `receiver.attr = f`): it escapes when the object
    /// does. `at` is the store.
    fn container(&self, receiver: Node<'m>, at: Node<'m>) -> Option<Escape<'m>> {
        let root = root_object(receiver);
        if root.is(Kind::Identifier)
            && let Some(binding) = self.local_binding(root)
            && self.made_in_iteration(binding)
        {
            return self.variable(binding, Holding::Closure);
        }
        self.escape(EscapeKind::Stored, at)
    }

    /// The binding an identifier in the iteration reads, when that binding
    /// is made inside the iteration, in the loop's own scope.
    fn local_binding(&self, identifier: Node<'m>) -> Option<BindingId> {
        let reference = self.semantic.reference_at(identifier)?;
        let binding = self.semantic.resolved_binding(reference)?;
        let found = self.semantic.binding(binding);
        (!self.comprehension
            && found.scope == self.scope
            && self.semantic.symbol(found.symbol).scope == self.scope
            && contains(self.region, found.name))
        .then_some(binding)
    }

    /// The variable holds an object the iteration made: a literal, a
    /// comprehension, a `with` target, or what a call returns.
    fn made_in_iteration(&self, binding: BindingId) -> bool {
        let binding = self.semantic.binding(binding);
        if !matches!(binding.kind, BindingKind::Assignment | BindingKind::WithAlias) {
            return false;
        }
        if binding.kind == BindingKind::WithAlias {
            return true;
        }
        let Some(value) = binding.source.child_by_field_name("right") else { return false };
        let (value, _) = inside_parentheses(value);
        match value.py_kind() {
            Kind::List
            | Kind::Dictionary
            | Kind::Set
            | Kind::Tuple
            | Kind::ListComprehension
            | Kind::DictionaryComprehension
            | Kind::SetComprehension => true,
            // A call's result counts as new (`Button(...)`, `empty()`,
            // `self.prepare_request()`), unless it is an item of a container
            // (`registry.setdefault(key, [])`, `handlers.get(name)`).
            Kind::Call => value.child_by_field_name("function").is_some_and(|function| {
                !(function.is(Kind::Attribute)
                    && last_name(self.module, function)
                        .is_some_and(|name| ITEM_GETTERS.contains(&name)))
            }),
            _ => false,
        }
    }

    /// Every use of a variable the closure (or what holds it) is bound to.
    fn variable(&self, binding_id: BindingId, holding: Holding) -> Option<Escape<'m>> {
        if !self.bindings.borrow_mut().insert(binding_id) || !self.step() {
            return None;
        }
        let semantic = self.semantic;
        let binding = semantic.binding(binding_id);
        let symbol = binding.symbol;
        let home = semantic.symbol(symbol).scope;
        if self.comprehension || home != self.scope || binding.scope != self.scope {
            // A walrus out of a comprehension, a `global` or `nonlocal` name:
            // kept, unless every iteration overwrites it (then it holds the
            // last closure, which sees its own value).
            if !self.comprehension && self.last_binding_of_every_iteration(binding_id) {
                let read_before = semantic.references_to(symbol).iter().find(|&&reference| {
                    let node = semantic.reference(reference).node;
                    contains(self.region, node) && node.start_byte() < binding.name.start_byte()
                });
                return match read_before {
                    Some(&reference) => {
                        self.escape(EscapeKind::LaterIteration, semantic.reference(reference).node)
                    }
                    None => None,
                };
            }
            return self.escape(EscapeKind::Stored, binding.name);
        }
        for &reference_id in semantic.references_to(symbol) {
            let reference = semantic.reference(reference_id);
            let node = reference.node;
            if let Some(closure) = semantic.outermost_closure(reference.scope, home) {
                // Read by another closure, when that one is called.
                let closure = semantic.scope(closure).node;
                if contains(self.region, closure) {
                    let deferred = self.deferred.get();
                    let escape = self.closure(closure);
                    self.deferred.set(deferred);
                    if escape.is_some() {
                        return escape;
                    }
                }
                continue;
            }
            if contains(self.region, node) {
                if node.start_byte() < binding.name.start_byte() {
                    if !self.bound_in_iteration_before(binding_id, node.start_byte()) {
                        return self.escape(EscapeKind::LaterIteration, node);
                    }
                } else if reference.binding == Some(binding_id)
                    && let Some(escape) = self.value(node, holding)
                {
                    return Some(escape);
                }
            } else if reference.binding == Some(binding_id)
                && node.start_byte() >= self.region.end_byte()
                && !self.last_binding_of_every_iteration(binding_id)
            {
                return self.escape(EscapeKind::AfterLoop, node);
            }
        }
        None
    }

    /// Some binding of the same variable inside the iteration comes before `at`.
    fn bound_in_iteration_before(&self, binding: BindingId, at: usize) -> bool {
        let symbol = self.semantic.binding(binding).symbol;
        self.semantic.bindings_of(symbol).iter().any(|&other| {
            let other = self.semantic.binding(other);
            !other.kind.is_declaration()
                && contains(self.region, other.name)
                && other.name.start_byte() < at
        })
    }

    /// The binding runs in every iteration that runs to its end, and is the
    /// last of the variable there: after the loop, the variable holds the
    /// closure of the last iteration, which sees its own value. A statement
    /// of the body itself (or of a `with` block in it), with no `break` or
    /// `continue` before it.
    fn last_binding_of_every_iteration(&self, binding_id: BindingId) -> bool {
        let binding = self.semantic.binding(binding_id);
        let mut statement = binding.source;
        if statement.is(Kind::FunctionDefinition)
            && let Some(parent) = self.module.parent(statement)
            && parent.is(Kind::DecoratedDefinition)
        {
            statement = parent;
        }
        if statement.is(Kind::Assignment) {
            match self.module.parent(statement) {
                Some(parent) if parent.is(Kind::ExpressionStatement) => statement = parent,
                _ => return false,
            }
        }
        let symbol = binding.symbol;
        let later_binding = self.semantic.bindings_of(symbol).iter().any(|&other| {
            let other = self.semantic.binding(other);
            contains(self.region, other.name) && other.name.start_byte() > binding.name.end_byte()
        });
        !later_binding && self.runs_every_iteration(statement)
    }

    /// A statement of the loop body itself (or of a `with` block in it),
    /// with no `break` or `continue` before it: every iteration that runs
    /// to its end runs it.
    fn runs_every_iteration(&self, statement: Node<'m>) -> bool {
        if self.comprehension {
            return false;
        }
        let mut current = statement;
        loop {
            let Some(block) = self.module.parent(current) else { return false };
            if block.id() == self.region.id() {
                break;
            }
            let Some(holder) = self.module.parent(block) else { return false };
            if !(block.is(Kind::Block) && holder.is(Kind::WithStatement)) {
                return false;
            }
            current = holder;
        }
        let mut jumps_before = false;
        self.module.visit(self.region, |node| {
            if node.start_byte() >= statement.start_byte() || jumps_before {
                return Walk::Skip;
            }
            match node.py_kind() {
                Kind::BreakStatement | Kind::ContinueStatement => {
                    jumps_before = true;
                    Walk::Skip
                }
                // Their `break`/`continue` belong to them.
                Kind::ForStatement
                | Kind::WhileStatement
                | Kind::FunctionDefinition
                | Kind::ClassDefinition
                | Kind::Lambda => Walk::Skip,
                _ => Walk::Descend,
            }
        });
        !jumps_before
    }

    /// `obj.attr = f`, `obj["key"] = f`, `setattr(obj, "attr", f)` (`slot`
    /// is the target, or the `setattr` call): one slot of one object, which
    /// every iteration overwrites at the same place. After the loop it holds
    /// the last iteration's closure, which sees its own value; an iteration
    /// that reads the slot before storing its own would see the one before
    /// (read there, the closure escapes).
    fn overwritten_slot(&self, slot: Node<'m>) -> bool {
        let (object, name) = match slot.py_kind() {
            Kind::Attribute => (slot.child_by_field_name("object"), None),
            Kind::Subscript => {
                (slot.child_by_field_name("value"), slot.child_by_field_name("subscript"))
            }
            Kind::Call => {
                let Some(arguments) = slot.child_by_field_name("arguments") else { return false };
                let mut cursor = arguments.walk();
                let mut positional = arguments.named_children(&mut cursor).filter(|child| {
                    !matches!(child.py_kind(), Kind::Comment | Kind::KeywordArgument)
                });
                let object = positional.next();
                (object, positional.next())
            }
            _ => return false,
        };
        let Some(object) = object else { return false };
        // The same object, and the same key, in every iteration.
        let same_every_time = |node: Node<'m>| {
            let mut fixed = true;
            self.module.visit(node, |part| match part.py_kind() {
                Kind::Identifier => {
                    let is_attribute_name = self.module.parent(part).is_some_and(|parent| {
                        parent.is(Kind::Attribute)
                            && parent.child_by_field_name("attribute") == Some(part)
                    });
                    fixed &= is_attribute_name || self.not_bound_by_the_loop(part);
                    Walk::Skip
                }
                Kind::String => {
                    let mut cursor = part.walk();
                    fixed &= !part
                        .named_children(&mut cursor)
                        .any(|child| child.is(Kind::Interpolation));
                    Walk::Skip
                }
                Kind::Call | Kind::Subscript => {
                    fixed = false;
                    Walk::Skip
                }
                _ => Walk::Descend,
            });
            fixed
        };
        if !same_every_time(object) || !name.is_none_or(same_every_time) {
            return false;
        }
        let mut statement = slot;
        while let Some(parent) = self.module.parent(statement) {
            if parent.id() == self.region.id() || parent.is(Kind::Block) {
                break;
            }
            statement = parent;
        }
        if !matches!(self.module.parent(statement), Some(parent) if parent.is(Kind::Block))
            || !self.runs_every_iteration(statement)
        {
            return false;
        }
        // Read before the store, the slot holds the closure of the iteration before.
        let text = match slot.py_kind() {
            Kind::Call => None,
            _ => Some(self.module.text(slot)),
        };
        let attribute = match slot.py_kind() {
            Kind::Call => {
                name.map(|name| self.module.text(name).trim_matches(|c| c == '"' || c == '\''))
            }
            _ => None,
        };
        let mut read_before = false;
        self.module.visit(self.region, |node| {
            if node.start_byte() >= statement.start_byte() || read_before {
                return Walk::Skip;
            }
            let same = match node.py_kind() {
                Kind::Attribute | Kind::Subscript => {
                    text.is_some_and(|text| self.module.text(node) == text)
                        || attribute.is_some_and(|attribute| {
                            node.child_by_field_name("attribute")
                                .is_some_and(|name| self.module.text(name) == attribute)
                        })
                }
                _ => false,
            };
            read_before |= same;
            Walk::Descend
        });
        !read_before
    }

    /// The identifier names a variable the loop (its target or its body)
    /// does not bind: the same value in every iteration.
    fn not_bound_by_the_loop(&self, identifier: Node<'m>) -> bool {
        let Some(loop_node) = self.module.parent(self.region) else { return false };
        let Some(reference) = self.semantic.reference_at(identifier) else { return false };
        let Some(symbol) = self.semantic.reference(reference).symbol else {
            return true;
        };
        !self
            .semantic
            .bindings_of(symbol)
            .iter()
            .any(|&binding| contains(loop_node, self.semantic.binding(binding).name))
    }
}

/// Functions that run their argument concurrently.
const CONCURRENT_FUNCTIONS: &[&str] = &[
    "threading.Thread",
    "threading.Timer",
    "multiprocessing.Process",
    "multiprocessing.context.Process",
    "_thread.start_new_thread",
    "_thread.start_new",
    "asyncio.create_task",
    "asyncio.ensure_future",
    "asyncio.run_coroutine_threadsafe",
];

/// Functions that keep a callable to call it later, with the position of
/// the argument they keep (`None`: any).
const CALLBACK_FUNCTIONS: &[(&str, Option<usize>)] = &[
    ("atexit.register", Some(0)),
    ("signal.signal", Some(1)),
    ("weakref.finalize", Some(1)),
    ("weakref.ref", Some(1)),
    ("weakref.proxy", Some(1)),
    ("sys.settrace", Some(0)),
    ("sys.setprofile", Some(0)),
    ("sys.addaudithook", Some(0)),
    ("threading.settrace", Some(0)),
    ("threading.setprofile", Some(0)),
    ("copyreg.pickle", None),
    ("codecs.register", Some(0)),
    ("readline.set_completer", Some(0)),
    ("unittest.addModuleCleanup", Some(0)),
];

/// Calls whose result holds their argument: `partial(f, 1)`, `staticmethod(f)`.
const WRAPPERS: &[&str] = &[
    "functools.partial",
    "functools.partialmethod",
    "functools.wraps",
    "functools.update_wrapper",
    "functools.lru_cache",
    "functools.cache",
    "functools.cached_property",
    "functools.singledispatch",
    "types.MethodType",
    "builtins.staticmethod",
    "builtins.classmethod",
    "builtins.property",
    "contextlib.contextmanager",
    "contextlib.asynccontextmanager",
];

/// Lazy iterators: they call the function they are given (first argument,
/// or `key=`) as they are iterated, and pass their other arguments' items through.
const LAZY_CALLERS: &[&str] = &[
    "builtins.map",
    "builtins.filter",
    "builtins.enumerate",
    "builtins.zip",
    "builtins.reversed",
    "builtins.iter",
    "itertools.starmap",
    "itertools.filterfalse",
    "itertools.takewhile",
    "itertools.dropwhile",
    "itertools.groupby",
    "itertools.accumulate",
    "itertools.chain",
    "itertools.islice",
    "itertools.cycle",
    "itertools.repeat",
];

/// Builtins that build a new container from an iterable: they consume a
/// lazy one on the spot, and hold the closures of another.
const COPIES: &[&str] = &[
    "builtins.list",
    "builtins.tuple",
    "builtins.set",
    "builtins.frozenset",
    "builtins.dict",
    "builtins.sorted",
    "collections.deque",
    "collections.OrderedDict",
    "collections.defaultdict",
];

/// Builtins that return one of the items they are given.
const PICKS: &[&str] = &["builtins.max", "builtins.min", "builtins.next"];

/// Methods that put their arguments into the receiver.
const STORE_METHODS: &[&str] =
    &["append", "appendleft", "add", "insert", "setdefault", "__setitem__", "put", "put_nowait"];

/// Methods that return an item of their receiver, not a new object.
const ITEM_GETTERS: &[&str] = &["get", "setdefault", "__getitem__", "pop", "popitem", "popleft"];

/// Methods that put the items of their argument into the receiver: they
/// consume a lazy iterable instead of keeping it.
const STORE_ALL_METHODS: &[&str] = &["extend", "extendleft", "update"];

/// Methods that keep a callable to call it later.
const REGISTERING_METHODS: &[&str] = &[
    "connect",
    "register",
    "add_done_callback",
    "call_soon",
    "call_soon_threadsafe",
    "call_later",
    "call_at",
    "add_callback",
    "addCallback",
    "addCallbacks",
    "addErrback",
    "addBoth",
    "addCleanup",
    "addClassCleanup",
    "callback",
    "push_async_callback",
    "add_reader",
    "add_writer",
    "add_signal_handler",
    "after",
    "after_idle",
    "bind",
    "bind_all",
    "bind_class",
    "trace_add",
    "subscribe",
    "add_listener",
    "add_handler",
    "add_hook",
    "on",
];

/// Methods that run a callable concurrently.
const CONCURRENT_METHODS: &[&str] =
    &["submit", "run_in_executor", "apply_async", "create_task", "start_soon", "spawn"];

/// Decorator names that register what they decorate (`@app.route(...)`,
/// `@receiver(signal)`, `@bot.command()`).
const REGISTERING_DECORATORS: &[&str] = &[
    "route",
    "receiver",
    "listens_for",
    "listener",
    "command",
    "hookimpl",
    "task",
    "handler",
    "event",
    "errorhandler",
    "before_request",
    "after_request",
];

/// A keyword argument that names a callback: `command=`, `callback=`, `on_click=`.
fn is_callback_keyword(keyword: &str) -> bool {
    matches!(keyword, "command" | "callback" | "errback" | "done_callback")
        || keyword.strip_prefix("on_").is_some_and(|rest| !rest.is_empty())
}

fn is_comprehension(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::ListComprehension
            | Kind::SetComprehension
            | Kind::DictionaryComprehension
            | Kind::GeneratorExpression
    )
}

/// `inner` lies within `outer`.
fn contains(outer: Node<'_>, inner: Node<'_>) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

/// The node itself, or the outermost parentheses around it, and what holds that.
fn outside_parentheses<'m>(module: &'m Module<'_>, node: Node<'m>) -> (Node<'m>, Option<Node<'m>>) {
    let mut current = node;
    while let Some(parent) = module.parent(current) {
        if parent.py_kind() != Kind::ParenthesizedExpression {
            return (current, Some(parent));
        }
        current = parent;
    }
    (current, None)
}

/// What parentheses hold: `((x))` is `x`.
fn inside_parentheses(node: Node<'_>) -> (Node<'_>, usize) {
    let mut current = node;
    let mut depth = 0;
    while current.is(Kind::ParenthesizedExpression) {
        let Some(inner) = current.named_child(0) else { break };
        current = inner;
        depth += 1;
    }
    (current, depth)
}

/// `a` in `a.b[c].d`.
fn root_object(node: Node<'_>) -> Node<'_> {
    let mut current = node;
    loop {
        let next = match current.py_kind() {
            Kind::Attribute => current.child_by_field_name("object"),
            Kind::Subscript => current.child_by_field_name("value"),
            Kind::ParenthesizedExpression => current.named_child(0),
            _ => None,
        };
        match next {
            Some(next) => current = next,
            None => return current,
        }
    }
}

/// `route` in `app.route`, `receiver` in `receiver`.
fn last_name<'s>(module: &Module<'s>, function: Node<'_>) -> Option<&'s str> {
    match function.py_kind() {
        Kind::Identifier => Some(module.text(function)),
        Kind::Attribute => function.child_by_field_name("attribute").map(|name| module.text(name)),
        _ => None,
    }
}

/// The argument's position among the positional arguments of `call`.
fn positional_index(module: &Module<'_>, call: Node<'_>, argument: Node<'_>) -> Option<usize> {
    let arguments = call.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let positional: Vec<Node<'_>> = arguments
        .named_children(&mut cursor)
        .filter(|child| {
            !matches!(
                child.py_kind(),
                Kind::Comment | Kind::KeywordArgument | Kind::DictionarySplat
            )
        })
        .collect();
    let (outer, _) = outside_parentheses(module, argument);
    positional.iter().position(|child| child.id() == outer.id() || child.id() == argument.id())
}

fn is_first_positional(module: &Module<'_>, call: Node<'_>, argument: Node<'_>) -> bool {
    positional_index(module, call, argument) == Some(0)
}

/// An `async def`, or a `def` whose body yields: calling it runs nothing yet.
fn runs_later_when_called(module: &Module<'_>, definition: Node<'_>) -> bool {
    let is_async = definition.child(0).is_some_and(|first| first.is(Kind::Async));
    if is_async {
        return true;
    }
    let Some(body) = definition.child_by_field_name("body") else { return false };
    let mut yields = false;
    module.visit(body, |node| match node.py_kind() {
        Kind::Yield => {
            yields = true;
            Walk::Skip
        }
        Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
        _ if yields => Walk::Skip,
        _ => Walk::Descend,
    });
    yields
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How the first `lambda`/`def` in `source` escapes the first loop around it.
    fn escape_of(source: &str) -> Option<EscapeKind> {
        let module = Module::parse(source, "t.py").expect("test source parses");
        let semantic = Semantic::new(&module);
        let closure = module
            .nodes_of_kind(&[Kind::Lambda, Kind::FunctionDefinition])
            .find(|node| {
                let mut current = module.parent(*node);
                while let Some(parent) = current {
                    if parent.is(Kind::ForStatement) || is_comprehension(parent.py_kind()) {
                        return true;
                    }
                    current = module.parent(parent);
                }
                false
            })
            .expect("a closure in a loop");
        let mut current = module.parent(closure);
        let loop_node = loop {
            let node = current.expect("a loop around the closure");
            if node.is(Kind::ForStatement) || is_comprehension(node.py_kind()) {
                break node;
            }
            current = module.parent(node);
        };
        semantic.escape_from_iteration(closure, loop_node).map(|escape| escape.kind)
    }

    #[test]
    fn stored_in_what_outlives_the_iteration() {
        let stored = Some(EscapeKind::Stored);
        assert_eq!(escape_of("fs = []\nfor i in x:\n    fs.append(lambda: i)\n"), stored);
        assert_eq!(escape_of("for i in x:\n    if i:\n        self.f = lambda: i\n"), stored);
        assert_eq!(escape_of("for i in x:\n    d[i] = lambda: i\n"), stored);
        assert_eq!(escape_of("for i in x:\n    setattr(o, f'f{i}', lambda: i)\n"), stored);
        assert_eq!(
            escape_of(
                "for i in x:\n    row = []\n    row.append(lambda: i)\n    rows.append(row)\n"
            ),
            stored
        );
        assert_eq!(
            escape_of("for i in x:\n    b = d.setdefault(i, [])\n    b.append(lambda: i)\n"),
            stored
        );
        assert_eq!(
            escape_of("for i in x:\n    def f():\n        return i\n    fs.append(f)\n"),
            stored
        );
    }

    #[test]
    fn collected_yielded_registered_concurrent() {
        assert_eq!(escape_of("fs = [lambda: i for i in x]\n"), Some(EscapeKind::Collected));
        assert_eq!(
            escape_of("def g():\n    for i in x:\n        yield lambda: i\n"),
            Some(EscapeKind::Yielded)
        );
        assert_eq!(
            escape_of("for i in x:\n    s.connect(lambda: i)\n"),
            Some(EscapeKind::Callback)
        );
        assert_eq!(
            escape_of("for i in x:\n    Button(command=lambda: i)\n"),
            Some(EscapeKind::Callback)
        );
        assert_eq!(
            escape_of("for i in x:\n    @app.route('/')\n    def v():\n        return i\n"),
            Some(EscapeKind::Callback)
        );
        assert_eq!(
            escape_of(
                "import threading\nfor i in x:\n    threading.Thread(target=lambda: i).start()\n"
            ),
            Some(EscapeKind::Concurrent)
        );
        assert_eq!(
            escape_of("for i in x:\n    pool.submit(lambda: i)\n"),
            Some(EscapeKind::Concurrent)
        );
    }

    #[test]
    fn slots_overwritten_by_every_iteration() {
        for source in [
            "for i in x:\n    m.side_effect = lambda: i\n    m()\n",
            "for i in x:\n    m.config['k'] = lambda: i\n",
            "for i in x:\n    setattr(m, 'reply', lambda: i)\n",
            "def f():\n    global g\n    for i in x:\n        g = lambda: i\n",
        ] {
            assert_eq!(escape_of(source), None, "{source}");
        }
        let stored = Some(EscapeKind::Stored);
        assert_eq!(escape_of("for i in x:\n    if i:\n        m.f = lambda: i\n"), stored);
        assert_eq!(escape_of("for i in x:\n    m.f()\n    m.f = lambda: i\n"), stored);
        assert_eq!(escape_of("for o in x:\n    o.f = lambda: o\n"), stored);
        assert_eq!(escape_of("for i in x:\n    m[i] = lambda: i\n"), stored);
    }

    #[test]
    fn variables_read_later() {
        assert_eq!(
            escape_of("p = None\nfor i in x:\n    if p:\n        p()\n    p = lambda: i\n"),
            Some(EscapeKind::LaterIteration)
        );
        assert_eq!(
            escape_of("for i in x:\n    if i:\n        f = lambda: i\nf()\n"),
            Some(EscapeKind::AfterLoop)
        );
        // The last iteration's closure sees the last value: its own.
        assert_eq!(escape_of("for i in x:\n    f = lambda: i\nf()\n"), None);
    }

    #[test]
    fn used_up_in_the_iteration() {
        for source in [
            "for i in x:\n    (lambda: i)()\n",
            "for i in x:\n    f = lambda: i\n    f()\n",
            "for i in x:\n    def f():\n        return i\n    f()\n",
            "for i in x:\n    raises(E, lambda: i)\n",
            "for i in x:\n    self.assertRaises(E, lambda: i)\n",
            "for i in x:\n    helper(lambda: i)\n",
            "for i in x:\n    sorted(y, key=lambda v: v + i)\n",
            "for i in x:\n    out.append(list(map(lambda v: v + i, y)))\n",
            "for i in x:\n    out.extend(map(lambda v: v + i, y))\n",
            "for i in x:\n    with mock.patch('a.b', lambda: i):\n        run()\n",
            "for i in x:\n    with Pool() as p:\n        p.submit(lambda: i)\n",
            "import threading\nfor i in x:\n    t = threading.Thread(target=lambda: i)\n    t.start()\n    t.join()\n",
            "def f():\n    for i in x:\n        return lambda: i\n",
            "for i in x:\n    row = []\n    row.append(lambda: i)\n    use(row)\n",
            "for i in x:\n    u = empty()\n    u.get = lambda: i\n    check(u)\n",
            "async def m():\n    for i in x:\n        async def f():\n            return i\n        await f()\n",
        ] {
            assert_eq!(escape_of(source), None, "{source}");
        }
    }

    #[test]
    fn yielded_to_consumers() {
        let generator = "def g(x):\n    for i in x:\n        yield lambda: i\n";
        // No caller here: a caller elsewhere may keep it.
        assert_eq!(escape_of(generator), Some(EscapeKind::Yielded));
        let called_in_place =
            format!("{generator}for f in g(y):\n    f()\nfs = g(y)\nfor f in fs:\n    f()\n");
        assert_eq!(escape_of(&called_in_place), None);
        let in_a_function = format!("{generator}def t():\n    for f in g(y):\n        f()\n");
        assert_eq!(escape_of(&in_a_function), None);
        let exact = "def gen(values):\n    for pos in values:\n        yield lambda res: res[pos]\n\n\ndef test():\n    for extractor in gen([1]):\n        extractor(1)\n";
        assert_eq!(escape_of(exact), None);
        let kept = format!("{generator}for f in g(y):\n    out.append(f)\n");
        assert_eq!(escape_of(&kept), Some(EscapeKind::Yielded));
        let listed = format!("{generator}fs = list(g(y))\n");
        assert_eq!(escape_of(&listed), Some(EscapeKind::Yielded));
        let delegated =
            "def g(x):\n    yield from ([lambda: i] for i in x)\nfor f in g(y):\n    f()\n";
        assert_eq!(escape_of(delegated), Some(EscapeKind::Collected));
    }

    #[test]
    fn lazy_values_escape_when_kept() {
        assert_eq!(
            escape_of("for i in x:\n    out.append(map(lambda v: v + i, y))\n"),
            Some(EscapeKind::Stored)
        );
        assert_eq!(
            escape_of(
                "import asyncio\nasync def m():\n    for i in x:\n        async def f():\n            return i\n        ts.append(asyncio.create_task(f()))\n"
            ),
            Some(EscapeKind::Stored)
        );
    }
}

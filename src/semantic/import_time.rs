//! Which code runs when other code runs: the module's own functions that a
//! piece of code calls, followed through the module. It answers "does this
//! run while the module is imported?" (`Semantic::scope_runs_at_import`)
//! and "what runs when the `__main__` block runs?"
//! (`Semantic::scopes_run_from`).
//!
//! Code runs while the module is imported when it is at module level (but
//! not in a top-level `if __name__ == "__main__":` block, which runs only
//! when the module is a script), in a class body there, in a decorator,
//! default or eager annotation of a definition there, or in a function or
//! lambda that such code runs:
//! - a function called (`setup()`), or used as a decorator (`@register`);
//!   a decorator factory (`@route("/")`) runs, and so does the function it
//!   returns, which decorates;
//! - a class called (`App()`): its `__init__`, `__new__` and
//!   `__post_init__`; a class used as a base: its `__init_subclass__`;
//! - a method called through its class (`Config.load()`) or, in a method
//!   that runs, through `self` or `cls`;
//! - a function or lambda handed to a builtin that calls it at once
//!   (`sorted(items, key=f)`, `map`, `filter`, `min`, `max`, `reduce`);
//! - then, transitively, what those functions' bodies run.
//!
//! Only the module's own definitions are followed; what another module's
//! function does with a function it is given is not known.

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use super::model::{BindingKind, Model, ReferenceId, ScopeId, ScopeKind};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;

/// What the walk needs: the model, the tree, and the qualified names of
/// expressions (`Semantic::qualified_name`).
pub(crate) struct Code<'a, 'm> {
    pub(crate) model: &'a Model<'m>,
    pub(crate) module: &'m Module<'m>,
    pub(crate) qualified_name: &'a dyn Fn(Node<'_>) -> Option<String>,
}

/// Builtins (and `functools.reduce`) that call the function they are given
/// before they return (or as their result is consumed, at once in practice).
const EAGER_CALLERS: &[&str] = &[
    "builtins.map",
    "builtins.filter",
    "builtins.sorted",
    "builtins.min",
    "builtins.max",
    "functools.reduce",
];

/// Methods a call of their class runs.
const CONSTRUCTORS: &[&str] = &["__init__", "__new__", "__post_init__"];

/// Which function and lambda scopes some code runs.
pub(crate) struct Runs {
    /// Per scope: its code runs (for class and comprehension scopes, as
    /// their function, lambda or module does).
    runs: Vec<bool>,
    /// Per scope: the reference whose evaluation made it run.
    because: Vec<Option<ReferenceId>>,
}

impl Runs {
    pub(crate) fn runs(&self, model: &Model<'_>, scope: ScopeId) -> bool {
        self.runs.get(owner(model, scope).index()).copied().unwrap_or(false)
    }

    pub(crate) fn because(&self, model: &Model<'_>, scope: ScopeId) -> Option<ReferenceId> {
        self.because.get(owner(model, scope).index()).copied().flatten()
    }

    /// The function and lambda scopes that run, in source order, each with
    /// the reference that runs it.
    pub(crate) fn functions(&self, model: &Model<'_>) -> Vec<(ScopeId, ReferenceId)> {
        (0..self.runs.len())
            .filter_map(|index| {
                let is_function =
                    matches!(model.scopes[index].kind, ScopeKind::Function | ScopeKind::Lambda);
                let because = self.because[index].filter(|_| self.runs[index] && is_function)?;
                Some((ScopeId::new(index), because))
            })
            .collect()
    }
}

/// The scope whose running decides whether code in `scope` runs: the
/// nearest function, lambda or the module (class bodies and comprehensions
/// run where they stand).
pub(crate) fn owner(model: &Model<'_>, scope: ScopeId) -> ScopeId {
    let mut current = scope;
    loop {
        let Some(found) = model.scopes.get(current.index()) else { return scope };
        match (found.kind, found.parent) {
            (ScopeKind::Class | ScopeKind::Comprehension, Some(parent)) => current = parent,
            _ => return current,
        }
    }
}

/// What runs while the module is imported; `guards`: the `__main__` blocks.
pub(crate) fn at_import(code: &Code<'_, '_>, guards: &[Range<usize>]) -> Runs {
    let model = code.model;
    let module = ScopeId(0);
    let mut runs = reach(code, |id| {
        let reference = &model.references[id.index()];
        let at = reference.node.start_byte();
        owner(model, reference.scope) == module && !guards.iter().any(|guard| guard.contains(&at))
    });
    if let Some(module) = runs.runs.get_mut(module.index()) {
        *module = true;
    }
    runs
}

/// What runs when the code of `scope` (a function, lambda or the module)
/// in `ranges` runs.
pub(crate) fn from_ranges(code: &Code<'_, '_>, scope: ScopeId, ranges: &[Range<usize>]) -> Runs {
    let model = code.model;
    reach(code, |id| {
        let reference = &model.references[id.index()];
        let at = reference.node.start_byte();
        owner(model, reference.scope) == scope && ranges.iter().any(|range| range.contains(&at))
    })
}

/// The scopes run by the references `seed` picks, and transitively by the
/// references of the functions those run.
fn reach(code: &Code<'_, '_>, seed: impl Fn(ReferenceId) -> bool) -> Runs {
    let model = code.model;
    let scope_count = model.scopes.len();
    let owners: Vec<ScopeId> =
        (0..scope_count).map(|index| owner(model, ScopeId::new(index))).collect();
    let mut by_owner: Vec<Vec<ReferenceId>> = vec![Vec::new(); scope_count];
    for (index, reference) in model.references.iter().enumerate() {
        if reference.evaluated {
            by_owner[owners[reference.scope.index()].index()].push(ReferenceId::new(index));
        }
    }
    let index = Index::new(code);
    let mut runs = Runs { runs: vec![false; scope_count], because: vec![None; scope_count] };
    let mut queue: Vec<ReferenceId> =
        by_owner.iter().flatten().copied().filter(|&id| seed(id)).collect();
    while let Some(reference) = queue.pop() {
        for target in triggered(code, &index, reference) {
            let target = owners[target.index()];
            if !runs.runs[target.index()] {
                runs.runs[target.index()] = true;
                runs.because[target.index()] = Some(reference);
                queue.extend(by_owner[target.index()].iter().copied());
            }
        }
    }
    runs
}

/// The module's functions by the scope they are defined in, and the names
/// each function returns.
struct Index<'s> {
    /// Per scope: the functions defined directly in it, with their names.
    functions: Vec<Vec<(&'s str, ScopeId)>>,
    /// Per scope: the references of `return name` statements.
    returns: Vec<Vec<ReferenceId>>,
    /// The scope each definition, lambda or comprehension node makes.
    scope_of: HashMap<usize, ScopeId>,
}

impl<'s> Index<'s> {
    fn new(code: &Code<'_, 's>) -> Index<'s> {
        let (model, module) = (code.model, code.module);
        let count = model.scopes.len();
        let mut functions = vec![Vec::new(); count];
        let mut scope_of = HashMap::new();
        for (index, scope) in model.scopes.iter().enumerate() {
            scope_of.insert(scope.node.id(), ScopeId::new(index));
            let (Some(parent), ScopeKind::Function) = (scope.parent, scope.kind) else { continue };
            if let Some(name) = scope.node.child_by_field_name("name") {
                functions[parent.index()].push((module.text(name), ScopeId::new(index)));
            }
        }
        let mut returns = vec![Vec::new(); count];
        for (index, reference) in model.references.iter().enumerate() {
            if module.parent(reference.node).is_some_and(|parent| parent.is(Kind::ReturnStatement))
            {
                returns[reference.scope.index()].push(ReferenceId::new(index));
            }
        }
        Index { functions, returns, scope_of }
    }

    fn scope_of_definition(&self, node: Node<'_>) -> Option<ScopeId> {
        self.scope_of.get(&node.id()).copied()
    }

    /// The methods of `class` (defined in its body) with one of these names.
    fn methods(&self, class: ScopeId, names: &[&str]) -> Vec<ScopeId> {
        let defined = self.functions.get(class.index()).map_or(&[][..], Vec::as_slice);
        defined.iter().filter(|(name, _)| names.contains(name)).map(|&(_, scope)| scope).collect()
    }

    /// The functions defined in `function`'s body that it returns by name.
    fn returned_functions(&self, model: &Model<'_>, function: ScopeId) -> Vec<ScopeId> {
        let mut returned = Vec::new();
        for &reference in self.returns.get(function.index()).map_or(&[][..], Vec::as_slice) {
            let Some(symbol) = model.references[reference.index()].symbol else { continue };
            for &binding in model.bindings_by_symbol.get(symbol.index()) {
                let binding = &model.bindings[binding.index()];
                if binding.kind == BindingKind::FunctionDef && binding.scope == function {
                    returned.extend(self.scope_of_definition(binding.source));
                }
            }
        }
        returned
    }
}

/// The scopes evaluating `reference` runs: what it calls, decorates with,
/// instantiates or hands to an eager builtin.
fn triggered(code: &Code<'_, '_>, index: &Index<'_>, id: ReferenceId) -> Vec<ScopeId> {
    let (model, module) = (code.model, code.module);
    let reference = &model.references[id.index()];
    let node = reference.node;
    let Some(parent) = module.parent(node) else { return Vec::new() };
    let is_function_of = |call: Node<'_>, callee: Node<'_>| {
        call.is(Kind::Call) && call.child_by_field_name("function") == Some(callee)
    };
    let is_decorator = |node: Node<'_>| node.kind() == "decorator";
    let mut targets = Vec::new();
    match parent.py_kind() {
        Kind::Call if is_function_of(parent, node) => {
            targets.extend(callees(model, index, id));
            // `@factory(...)` or `factory(...)(...)`: what it returns is called too.
            let result_called = module.parent(parent).is_some_and(|grandparent| {
                is_decorator(grandparent) || is_function_of(grandparent, parent)
            });
            if result_called {
                let returned: Vec<ScopeId> = targets
                    .iter()
                    .flat_map(|&scope| index.returned_functions(model, scope))
                    .collect();
                targets.extend(returned);
            }
        }
        _ if is_decorator(parent) => targets.extend(callees(model, index, id)),
        Kind::Attribute if parent.child_by_field_name("object") == Some(node) => {
            let called = module.parent(parent).is_some_and(|grandparent| {
                is_function_of(grandparent, parent) || is_decorator(grandparent)
            });
            if let (true, Some(attribute)) = (called, parent.child_by_field_name("attribute")) {
                let name = module.text(attribute);
                for class in classes_of(code, index, id) {
                    targets.extend(index.methods(class, &[name]));
                }
            }
        }
        Kind::ArgumentList | Kind::KeywordArgument => {
            let list = if parent.is(Kind::KeywordArgument) {
                if parent.child_by_field_name("value") != Some(node) {
                    return Vec::new();
                }
                module.parent(parent).filter(|list| list.is(Kind::ArgumentList))
            } else {
                Some(parent)
            };
            let Some(holder) = list.and_then(|list| module.parent(list)) else { return Vec::new() };
            match holder.py_kind() {
                Kind::Call => {
                    let eager = holder.child_by_field_name("function").is_some_and(|function| {
                        let sort = function.is(Kind::Attribute)
                            && function
                                .child_by_field_name("attribute")
                                .is_some_and(|attribute| module.text(attribute) == "sort");
                        sort || (code.qualified_name)(function)
                            .is_some_and(|name| EAGER_CALLERS.contains(&name.as_str()))
                    });
                    if eager {
                        targets.extend(callees(model, index, id));
                    }
                }
                // A base class: defining the subclass runs its `__init_subclass__`.
                Kind::ClassDefinition => {
                    for class in classes_of(code, index, id) {
                        targets.extend(index.methods(class, &["__init_subclass__"]));
                    }
                }
                _ => {}
            }
        }
        _ => {}
    }
    targets
}

/// The scopes that calling the value of `reference` runs: a function's or
/// lambda's body, a class's constructors.
fn callees(model: &Model<'_>, index: &Index<'_>, id: ReferenceId) -> Vec<ScopeId> {
    let Some(symbol) = model.references[id.index()].symbol else { return Vec::new() };
    let mut scopes = Vec::new();
    for &binding in model.bindings_by_symbol.get(symbol.index()) {
        let binding = &model.bindings[binding.index()];
        match binding.kind {
            BindingKind::FunctionDef => scopes.extend(index.scope_of_definition(binding.source)),
            BindingKind::ClassDef => {
                if let Some(class) = index.scope_of_definition(binding.source) {
                    scopes.extend(index.methods(class, CONSTRUCTORS));
                }
            }
            BindingKind::Assignment => {
                let value = binding.source.child_by_field_name("right");
                if let Some(lambda) = value.filter(|value| value.is(Kind::Lambda)) {
                    scopes.extend(index.scope_of_definition(lambda));
                }
            }
            _ => {}
        }
    }
    scopes
}

/// The classes `reference` names: a class of the module, or, for `self`
/// and `cls` (a method's first parameter), the method's class.
fn classes_of(code: &Code<'_, '_>, index: &Index<'_>, id: ReferenceId) -> Vec<ScopeId> {
    let model = code.model;
    let Some(symbol) = model.references[id.index()].symbol else { return Vec::new() };
    let mut classes = Vec::new();
    for &binding in model.bindings_by_symbol.get(symbol.index()) {
        let binding = &model.bindings[binding.index()];
        match binding.kind {
            BindingKind::ClassDef => classes.extend(index.scope_of_definition(binding.source)),
            BindingKind::Parameter => {
                let name = code.module.text(binding.name);
                let method = &model.scopes[binding.scope.index()];
                let class = method
                    .parent
                    .filter(|&parent| model.scopes[parent.index()].kind == ScopeKind::Class);
                if matches!(name, "self" | "cls") && method.kind == ScopeKind::Function {
                    classes.extend(class);
                }
            }
            _ => {}
        }
    }
    classes
}

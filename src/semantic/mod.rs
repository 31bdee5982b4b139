//! What names refer to: scopes, bindings, references and imports, built
//! from the tree on first use (once per parse) and shared by every rule.
//!
//! The model follows Python's rules:
//! - scopes: the module, each class body, function, lambda and comprehension.
//!   A class scope is visible only to code directly in it: its methods, and
//!   the comprehensions and lambdas in its body, skip it.
//! - a name is local to a scope when the scope binds it anywhere (assignment,
//!   parameter, import, `for` target, `with`/`except` alias, walrus, `del`,
//!   `def`/`class`, match capture), unless the scope declares it `global` or
//!   `nonlocal`; a walrus in a comprehension binds in the enclosing scope.
//! - defaults, decorators, annotations, base classes and the first iterable of
//!   a comprehension are evaluated in the enclosing scope, when the definition
//!   runs; a function's body runs when it is called.
//!
//! A [`Reference`] is an identifier whose value is read; it resolves to a
//! [`Symbol`] (a name in a scope) and, when the symbol has bindings, to the
//! [`NameBinding`] it most likely sees: the last one before it in the same
//! flow of execution, or the last one of its scope when it is read later, at
//! call time (see [`Semantic::resolved_binding`]).
//!
//! The free helpers at the end (`target_names`, `block_scope_names`, ...)
//! answer quick syntactic questions without building the model.

mod annotation;
mod build;
pub mod classes;
pub mod coroutines;
pub mod escape;
mod import_time;
pub mod loggers;
mod model;
#[cfg(test)]
mod tests;

use std::any::Any;
use std::cell::{OnceCell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;

use tree_sitter::Node;

use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::walk::{Walk, statements, visit};

pub use model::{
    Binding, BindingId, BindingKind, Evaluation, Import, NameBinding, Reference, ReferenceId,
    Scope, ScopeId, ScopeKind, StringName, Symbol, SymbolId,
};
use model::{FastMap, Model};

pub struct Semantic<'m> {
    module: &'m Module<'m>,
    model: OnceCell<Model<'m>>,
    top_level: OnceCell<FastMap<&'m str, Binding>>,
    import_time: OnceCell<import_time::Runs>,
    loggers: OnceCell<model::Loggers<'m>>,
    /// What rules derive from the whole module, by name (see `memo`).
    memo: RefCell<FastMap<&'static str, Rc<dyn Any>>>,
}

impl<'m> Semantic<'m> {
    /// Cheap: the model is built the first time a rule asks a question.
    pub fn new(module: &'m Module<'m>) -> Semantic<'m> {
        Semantic {
            module,
            model: OnceCell::new(),
            top_level: OnceCell::new(),
            import_time: OnceCell::new(),
            loggers: OnceCell::new(),
            memo: RefCell::default(),
        }
    }

    /// `make()`, computed once per file under `key`: a fact about the
    /// whole module that a rule needs for each of its findings (where an
    /// import goes, the module's logging classes) would otherwise be
    /// recomputed per finding, quadratic in a file with thousands.
    pub fn memo<T: 'static>(&self, key: &'static str, make: impl FnOnce() -> T) -> Rc<T> {
        let known = self.memo.borrow().get(key).cloned();
        if let Some(value) = known.and_then(|known| known.downcast::<T>().ok()) {
            return value;
        }
        let value = Rc::new(make());
        self.memo.borrow_mut().insert(key, value.clone());
        value
    }

    pub fn module(&self) -> &'m Module<'m> {
        self.module
    }

    fn model(&self) -> &Model<'m> {
        self.model.get_or_init(|| build::build(self.module))
    }

    /// `from __future__ import annotations` is in effect.
    pub fn future_annotations(&self) -> bool {
        self.model().future_annotations
    }

    /// The module has `from x import *`: any global name may come from it.
    pub fn has_star_import(&self) -> bool {
        self.model().star_import
    }

    /// The module is a command-line entry point: a `__main__.py`, or a
    /// module with an `if __name__ == "__main__":` block at its top level.
    pub fn is_entry_point(&self) -> bool {
        self.module.file_name == "__main__.py"
            || statements(self.module.root()).any(|statement| is_main_guard(self.module, statement))
    }

    /// The module's top-level `if __name__ == "__main__":` statements.
    pub fn main_guards(&self) -> Vec<Node<'m>> {
        statements(self.module.root())
            .filter(|statement| is_main_guard(self.module, *statement))
            .collect()
    }

    /// How a module-level name is bound, if it is: by an import (the last
    /// one, if several) or by anything else.
    pub fn top_level_binding(&self, name: &str) -> Option<&Binding> {
        self.top_level().get(name)
    }

    /// Some code reads `name` where no binding of the file defines it: a
    /// builtin, or a `NameError` (`import x` in a class body, read in a
    /// method). A new module-level binding of `name` would change what that
    /// code reads.
    pub fn reads_unbound(&self, name: &str) -> bool {
        let module = self.module();
        self.references()
            .iter()
            .any(|reference| reference.symbol.is_none() && module.text(reference.node) == name)
            || self.string_names().iter().any(|read| read.symbol.is_none() && read.name == name)
    }

    /// The first unconditional module-level import that binds `qualified` (a
    /// module, or a name in one), as the local name that refers to it.
    pub fn import_binding_of(&self, qualified: &str) -> Option<&'m str> {
        self.top_level()
            .iter()
            .filter(|(_, binding)| {
                matches!(binding, Binding::Import { qualified: q, unconditional: true } if q == qualified)
            })
            .map(|(name, _)| *name)
            .min()
    }

    /// The dotted name an expression refers to: `t.sleep` is `time.sleep`
    /// after `import time as t`, and an unshadowed `list` is `builtins.list`.
    /// `None` for anything that is not a name or an attribute chain of one,
    /// or whose name is bound by something other than an import.
    pub fn qualified_name(&self, node: Node<'_>) -> Option<String> {
        // Attribute chains nest as deep as the source says: walk, don't recurse.
        let mut attributes = Vec::new();
        let mut current = node;
        loop {
            match current.py_kind() {
                Kind::Attribute => {
                    attributes.push(self.module.text(current.child_by_field_name("attribute")?));
                    current = current.child_by_field_name("object")?;
                }
                Kind::ParenthesizedExpression => current = current.named_child(0)?,
                Kind::Identifier => break,
                _ => return None,
            }
        }
        let mut qualified = self.qualified_name_of_identifier(current)?;
        for attribute in attributes.iter().rev() {
            qualified.push('.');
            qualified.push_str(attribute);
        }
        Some(qualified)
    }

    fn qualified_name_of_identifier(&self, identifier: Node<'_>) -> Option<String> {
        let model = self.model();
        let name = self.module.text(identifier);
        let Some(reference) = self.reference_at(identifier) else {
            // A node this model did not see as a read (a binding site, or a
            // node of another tree): answer as the module's top level would.
            return match self.top_level_binding(name) {
                Some(Binding::Import { qualified, .. }) => Some(qualified.clone()),
                Some(Binding::Other) => None,
                None => self.builtin(name),
            };
        };
        let reference = self.reference(reference);
        match (reference.symbol, reference.binding) {
            (None, _) => self.builtin(name),
            (Some(_), Some(binding)) => {
                model.import_index(binding).map(|index| model.imports[index].qualified.clone())
            }
            (Some(_), None) => None,
        }
    }

    fn builtin(&self, name: &str) -> Option<String> {
        (!self.has_star_import() && is_builtin(name)).then(|| format!("builtins.{name}"))
    }

    // ----- scopes -----

    pub fn scopes(&self) -> &[Scope<'m>] {
        &self.model().scopes
    }

    pub fn scope(&self, id: ScopeId) -> &Scope<'m> {
        &self.model().scopes[id.index()]
    }

    pub fn module_scope(&self) -> ScopeId {
        ScopeId(0)
    }

    /// The scope a `function_definition`, `class_definition`, `lambda` or
    /// comprehension node makes.
    pub fn scope_of_definition(&self, node: Node<'_>) -> Option<ScopeId> {
        position_of_node(&self.model().scopes, node, |scope| scope.node).map(ScopeId::new)
    }

    /// The scopes from `scope` out to the module, `scope` first.
    pub fn ancestor_scopes(&self, scope: ScopeId) -> impl Iterator<Item = ScopeId> + '_ {
        std::iter::successors(Some(scope), move |id| self.scope(*id).parent)
    }

    /// Between `from` and its enclosing scope `home`, the outermost
    /// function or lambda: the closure made each time the code of `home`
    /// runs, whose call runs the code of `from`. `None` when `from` runs in
    /// the flow of `home` (directly, or in a comprehension or class body
    /// there), or when `home` does not enclose `from`.
    pub fn outermost_closure(&self, from: ScopeId, home: ScopeId) -> Option<ScopeId> {
        let mut closure = None;
        for scope in self.ancestor_scopes(from) {
            if scope == home {
                return closure;
            }
            if matches!(self.scope(scope).kind, ScopeKind::Function | ScopeKind::Lambda) {
                closure = Some(scope);
            }
        }
        None
    }

    // ----- symbols and bindings -----

    pub fn symbol(&self, id: SymbolId) -> &Symbol<'m> {
        &self.model().symbols[id.index()]
    }

    /// What `name` would mean if read in `scope`: the symbol it resolves to,
    /// following `global`/`nonlocal`; `None` for builtins and undefined names.
    pub fn lookup(&self, name: &str, scope: ScopeId) -> Option<SymbolId> {
        self.model().lookup(name, scope, None)
    }

    /// True when the builtin `name` (`Exception`) is what `name` means at
    /// `node`: no scope the code at `node` sees binds it. A star import is
    /// not taken to export a builtin's name.
    pub fn builtin_visible_at(&self, node: Node<'_>, name: &str) -> bool {
        self.lookup(name, self.scope_at(node)).is_none()
    }

    pub fn bindings(&self) -> &[NameBinding<'m>] {
        &self.model().bindings
    }

    pub fn binding(&self, id: BindingId) -> &NameBinding<'m> {
        &self.model().bindings[id.index()]
    }

    /// The binding whose name is this identifier.
    pub fn binding_at(&self, identifier: Node<'_>) -> Option<BindingId> {
        position_of_node(&self.model().bindings, identifier, |binding| binding.name)
            .map(BindingId::new)
    }

    /// Every binding (and `global`/`nonlocal` declaration) of a symbol, in source order.
    pub fn bindings_of(&self, symbol: SymbolId) -> &[BindingId] {
        self.model().bindings_by_symbol.get(symbol.index())
    }

    /// The import a binding of kind `Import` comes from.
    pub fn import_of(&self, binding: BindingId) -> Option<&Import<'m>> {
        let model = self.model();
        model.import_index(binding).map(|index| &model.imports[index])
    }

    /// Every name bound by an import, in source order.
    pub fn imports(&self) -> &[Import<'m>] {
        &self.model().imports
    }

    // ----- references -----

    pub fn references(&self) -> &[Reference<'m>] {
        &self.model().references
    }

    pub fn reference(&self, id: ReferenceId) -> &Reference<'m> {
        &self.model().references[id.index()]
    }

    /// The reference this identifier is, if it is read.
    pub fn reference_at(&self, identifier: Node<'_>) -> Option<ReferenceId> {
        position_of_node(&self.model().references, identifier, |reference| reference.node)
            .map(ReferenceId::new)
    }

    /// Every reference that reads a symbol, in source order.
    pub fn references_to(&self, symbol: SymbolId) -> &[ReferenceId] {
        self.model().references_by_symbol.get(symbol.index())
    }

    /// Every reference resolved to this binding, in source order.
    pub fn references_of(&self, binding: BindingId) -> &[ReferenceId] {
        self.model().references_by_binding.get(binding.index())
    }

    /// The binding a reference most likely sees. Read in the flow of code
    /// that binds it (the same scope, or a class body or comprehension run on
    /// the spot), it is the last binding before the reference, or, when there
    /// is none before (a loop that comes round), the last one. Read from a
    /// function or lambda body, at call time, it is the last binding of the
    /// symbol's scope. `None` for builtins and names only declared.
    pub fn resolved_binding(&self, reference: ReferenceId) -> Option<BindingId> {
        self.reference(reference).binding
    }

    /// When the value of a reference is looked up.
    pub fn evaluation(&self, reference: ReferenceId) -> Evaluation {
        let reference = self.reference(reference);
        if !reference.evaluated {
            return Evaluation::Never;
        }
        let model = self.model();
        let mut scope = reference.scope;
        loop {
            let current = &model.scopes[scope.index()];
            match current.kind {
                ScopeKind::Function | ScopeKind::Lambda => return Evaluation::Call,
                ScopeKind::Module | ScopeKind::Class => return Evaluation::Definition,
                // A comprehension runs where it stands.
                ScopeKind::Comprehension => match current.parent {
                    Some(parent) => scope = parent,
                    None => return Evaluation::Definition,
                },
            }
        }
    }

    /// The reference is evaluated while the module is imported: at module
    /// level, in a class body there, or in a default, decorator or eager
    /// annotation of a definition there.
    pub fn runs_at_import(&self, reference: ReferenceId) -> bool {
        let reference = self.reference(reference);
        reference.evaluated && !self.scope(reference.scope).in_function
    }

    // ----- evaluation time -----

    /// The code of `scope` runs while the module is imported (`import
    /// module`): module level outside a `__main__` block, class bodies
    /// there, and the functions such code calls, decorates with or
    /// instantiates, transitively (see `import_time.rs`).
    pub fn scope_runs_at_import(&self, scope: ScopeId) -> bool {
        self.import_time().runs(self.model(), scope)
    }

    /// Why the code of `scope` runs at import: the reference (a call, a
    /// decorator, ...) that runs its function. `None` for the module, or
    /// when it does not run then.
    pub fn import_trigger(&self, scope: ScopeId) -> Option<ReferenceId> {
        self.import_time().because(self.model(), scope)
    }

    /// The code at `node` runs while the module is imported: it is in a
    /// scope that does (for a default, decorator or annotation, the scope
    /// around the definition), outside a top-level `__main__` block.
    pub fn runs_at_import_time(&self, node: Node<'_>) -> bool {
        let scope = self.scope_evaluating(node);
        if import_time::owner(self.model(), scope) == self.module_scope() {
            let at = node.start_byte();
            return !self.main_guards().iter().any(|guard| guard.byte_range().contains(&at));
        }
        self.scope_runs_at_import(scope)
    }

    /// The function and lambda scopes that run when the code in `node` runs
    /// (a `__main__` block, a statement of a function), followed as
    /// `scope_runs_at_import` follows calls; in source order.
    pub fn scopes_run_from(&self, node: Node<'_>) -> Vec<ScopeId> {
        let scope = import_time::owner(self.model(), self.scope_evaluating(node));
        let ranges = [node.byte_range()];
        let runs = self.with_code(|code| import_time::from_ranges(code, scope, &ranges));
        runs.functions(self.model()).into_iter().map(|(scope, _)| scope).collect()
    }

    /// The function and lambda scopes that the module-level code in
    /// `ranges` runs, each with the reference (a call, a decorator, ...)
    /// that runs it; in source order.
    pub fn scopes_run_by(&self, ranges: &[std::ops::Range<usize>]) -> Vec<(ScopeId, ReferenceId)> {
        let module = self.module_scope();
        self.with_code(|code| import_time::from_ranges(code, module, ranges))
            .functions(self.model())
    }

    /// The scope whose code `node` is: the function or lambda whose body
    /// holds it (its class and comprehension scopes run with it), else the
    /// module.
    fn scope_evaluating(&self, node: Node<'_>) -> ScopeId {
        let mut child = node;
        let mut current = self.module.parent(node);
        while let Some(ancestor) = current {
            if matches!(ancestor.py_kind(), Kind::FunctionDefinition | Kind::Lambda)
                && ancestor.child_by_field_name("body").is_some_and(|body| body.id() == child.id())
                && let Some(scope) = self.scope_of_definition(ancestor)
            {
                return scope;
            }
            child = ancestor;
            current = self.module.parent(ancestor);
        }
        self.module_scope()
    }

    fn import_time(&self) -> &import_time::Runs {
        self.import_time.get_or_init(|| {
            let guards: Vec<_> =
                self.main_guards().iter().map(|guard| guard.byte_range()).collect();
            self.with_code(|code| import_time::at_import(code, &guards))
        })
    }

    /// Runs `walk` over this module's code (see `import_time.rs`).
    fn with_code<R>(&self, walk: impl FnOnce(&import_time::Code<'_, 'm>) -> R) -> R {
        let qualified_name = |node: Node<'_>| self.qualified_name(node);
        walk(&import_time::Code {
            model: self.model(),
            module: self.module,
            qualified_name: &qualified_name,
        })
    }

    // ----- string annotations -----

    /// Every name read inside a string annotation, in source order.
    pub fn string_names(&self) -> &[StringName<'m>] {
        &self.model().string_names
    }

    /// The names in string annotations that read a symbol, in source order.
    pub fn string_names_to(&self, symbol: SymbolId) -> impl Iterator<Item = &StringName<'m>> + '_ {
        let model = self.model();
        model
            .string_names_by_symbol
            .get(symbol.index())
            .iter()
            .map(move |&index| &model.string_names[index as usize])
    }

    fn top_level(&self) -> &FastMap<&'m str, Binding> {
        self.top_level.get_or_init(|| self.model().top_level_summary())
    }
}

/// Where `node` is in a list kept in source order of `node_of` its items.
fn position_of_node<'m, T>(
    items: &[T],
    node: Node<'_>,
    node_of: impl Fn(&T) -> Node<'m>,
) -> Option<usize> {
    let start = items.partition_point(|item| node_of(item).start_byte() < node.start_byte());
    items[start..]
        .iter()
        .take_while(|item| node_of(item).start_byte() == node.start_byte())
        .position(|item| node_of(item).id() == node.id())
        .map(|offset| start + offset)
}

/// `if __name__ == "__main__":` (either way round, either quote).
fn is_main_guard(module: &Module<'_>, statement: Node<'_>) -> bool {
    if statement.py_kind() != Kind::IfStatement {
        return false;
    }
    let Some(condition) = statement.child_by_field_name("condition") else {
        return false;
    };
    if condition.py_kind() != Kind::ComparisonOperator || condition.named_child_count() != 2 {
        return false;
    }
    let mut cursor = condition.walk();
    let is_equality = condition.children(&mut cursor).any(|child| child.is(Kind::EqualEqual));
    let (Some(left), Some(right)) = (condition.named_child(0), condition.named_child(1)) else {
        return false;
    };
    let is_name = |node: Node<'_>| node.is(Kind::Identifier) && module.text(node) == "__name__";
    let is_main = |node: Node<'_>| {
        node.is(Kind::String) && matches!(module.text(node), "\"__main__\"" | "'__main__'")
    };
    is_equality && ((is_name(left) && is_main(right)) || (is_main(left) && is_name(right)))
}

/// The plain names an assignment target binds: `a`, `a, (b, *c)`; not `a.b` or `a[0]`.
pub fn target_names<'s>(module: &Module<'s>, target: Node<'_>) -> Vec<&'s str> {
    let mut names = Vec::new();
    visit(target, |node| match node.py_kind() {
        Kind::Identifier => {
            names.push(module.text(node));
            Walk::Skip
        }
        Kind::Attribute | Kind::Subscript => Walk::Skip,
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
    visit(body, |node| match node.py_kind() {
        Kind::FunctionDefinition | Kind::ClassDefinition => {
            if let Some(name) = node.child_by_field_name("name") {
                names.insert(module.text(name));
            }
            Walk::Skip
        }
        Kind::Lambda
        | Kind::ListComprehension
        | Kind::SetComprehension
        | Kind::DictionaryComprehension
        | Kind::GeneratorExpression => Walk::Skip,
        Kind::Assignment
        | Kind::AugmentedAssignment
        | Kind::ForStatement
        | Kind::NamedExpression
        | Kind::ForInClause => {
            if let Some(target) =
                node.child_by_field_name("left").or_else(|| node.child_by_field_name("name"))
            {
                names.extend(target_names(module, target));
            }
            Walk::Descend
        }
        Kind::AsPatternTarget
        | Kind::DeleteStatement
        | Kind::GlobalStatement
        | Kind::NonlocalStatement => {
            names.extend(target_names(module, node));
            Walk::Skip
        }
        Kind::AliasedImport => {
            if let Some(alias) = node.child_by_field_name("alias") {
                names.insert(module.text(alias));
            }
            Walk::Skip
        }
        Kind::ImportStatement => {
            let mut cursor = node.walk();
            for name in node.children_by_field_name("name", &mut cursor) {
                if name.is(Kind::DottedName) {
                    let dotted = module.text(name);
                    names.insert(dotted.split('.').next().unwrap_or(dotted).trim());
                }
            }
            Walk::Descend
        }
        Kind::ImportFromStatement => {
            let mut cursor = node.walk();
            for name in node.children_by_field_name("name", &mut cursor) {
                if name.is(Kind::DottedName) {
                    names.insert(module.text(name));
                }
            }
            Walk::Descend
        }
        Kind::ExceptClause => {
            if let Some(alias) = node.child_by_field_name("alias") {
                names.extend(target_names(module, alias));
            }
            Walk::Descend
        }
        Kind::WithItem => {
            if let Some(value) = node.child_by_field_name("value")
                && value.is(Kind::AsPattern)
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
        let name = match parameter.py_kind() {
            Kind::Identifier => Some(parameter),
            Kind::DefaultParameter | Kind::TypedDefaultParameter => {
                parameter.child_by_field_name("name")
            }
            Kind::TypedParameter => parameter.named_child(0),
            Kind::ListSplatPattern | Kind::DictionarySplatPattern => parameter.named_child(0),
            _ => None,
        };
        let Some(name) = name else { continue };
        let name = match name.py_kind() {
            Kind::ListSplatPattern | Kind::DictionarySplatPattern => match name.named_child(0) {
                Some(inner) => inner,
                None => continue,
            },
            _ => name,
        };
        if name.is(Kind::Identifier) {
            names.push(module.text(name));
        }
    }
    names
}

/// Python's builtin names (3.13), for telling `list` from a user's `list`.
pub fn is_builtin(name: &str) -> bool {
    BUILTINS.binary_search(&name).is_ok()
}

const BUILTINS: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "EncodingWarning",
    "EnvironmentError",
    "Exception",
    "ExceptionGroup",
    "False",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "None",
    "NotADirectoryError",
    "NotImplemented",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "PythonFinalizationError",
    "RecursionError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeError",
    "RuntimeWarning",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "True",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "ValueError",
    "Warning",
    "ZeroDivisionError",
    "__build_class__",
    "__debug__",
    "__doc__",
    "__import__",
    "__loader__",
    "__name__",
    "__package__",
    "__spec__",
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "exit",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "license",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
];

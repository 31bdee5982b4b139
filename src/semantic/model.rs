//! The model's data: scopes, symbols, bindings, references and imports,
//! as `build` records them and `Semantic` answers from them.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use tree_sitter::Node;

/// What a module-level name was bound by (the summary `top_level_binding` gives).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Binding {
    /// `import a.b as c` binds `c` to `a.b`; `import a.b` binds `a` to `a`;
    /// `from a import b as c` binds `c` to `a.b`. `unconditional` when the
    /// import is a statement of the module itself, not under `if` or `try`.
    Import { qualified: String, unconditional: bool },
    /// Anything else: assignment, `def`, `class`, `for`, ...
    Other,
}

macro_rules! id_type {
    ($name:ident) => {
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub(crate) u32);

        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }

            pub(crate) fn new(index: usize) -> Self {
                // More than 4 billion of anything cannot come from one source file.
                $name(u32::try_from(index).unwrap_or(u32::MAX))
            }
        }
    };
}

id_type!(ScopeId);

id_type!(SymbolId);

id_type!(BindingId);

id_type!(ReferenceId);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
    /// A list, set or dict comprehension or a generator expression.
    Comprehension,
}

#[derive(Clone, Debug)]
pub struct Scope<'m> {
    pub kind: ScopeKind,
    /// The `module`, `function_definition`, `class_definition`, `lambda` or
    /// comprehension node that makes the scope.
    pub node: Node<'m>,
    /// The scope the definition is in; `None` for the module.
    pub parent: Option<ScopeId>,
    /// This scope or one around it is a function or lambda body: its code
    /// runs when that function is called, not when the module is imported.
    pub in_function: bool,
}

/// What binds a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindingKind {
    /// `x = ...`, `x: int = ...`, `a, *b = ...`.
    Assignment,
    /// `x += ...`: also a reference to the previous value.
    AugmentedAssignment,
    /// `x: int` without a value: makes `x` local, binds nothing at run time.
    Annotation,
    Parameter,
    /// `import` or `from ... import`: see [`Semantic::import_of`].
    Import,
    /// The target of a `for` statement; `source` is the `for_statement`.
    ForTarget,
    /// The target of a comprehension's `for`; `source` is the `for_in_clause`.
    ComprehensionTarget,
    /// `with ... as x`; `source` is the `with_item`.
    WithAlias,
    /// `except ... as x`; `source` is the `except_clause`.
    ExceptAlias,
    /// `(x := ...)`; binds in the nearest scope that is not a comprehension.
    Walrus,
    /// `global x`: a declaration, not a value; its symbol is the module's `x`.
    Global,
    /// `nonlocal x`: a declaration; its symbol is the enclosing function's `x`.
    Nonlocal,
    FunctionDef,
    ClassDef,
    /// `del x`.
    Deletion,
    /// A capture in a `case` pattern.
    MatchCapture,
    /// `T` in `def f[T]()` or `class C[T]:`.
    TypeParameter,
    /// `X` in `type X = ...`.
    TypeAlias,
}

impl BindingKind {
    /// `global`/`nonlocal` declare where a name lives; they bind no value.
    pub fn is_declaration(self) -> bool {
        matches!(self, BindingKind::Global | BindingKind::Nonlocal)
    }
}

#[derive(Clone, Debug)]
pub struct NameBinding<'m> {
    pub kind: BindingKind,
    /// The identifier that is bound (for `import a.b`, the `a`).
    pub name: Node<'m>,
    /// The construct that binds it: the assignment, `for` statement,
    /// `for_in_clause`, import statement, definition, `with_item`,
    /// `except_clause`, `case_clause`, parameter list's function or lambda, ...
    pub source: Node<'m>,
    /// The scope the name is bound in as written (for `global x` inside `f`, `f`).
    pub scope: ScopeId,
    /// The variable it binds (for `global x` inside `f`, the module's `x`).
    pub symbol: SymbolId,
}

/// A name in a scope: what a binding binds and a reference reads.
#[derive(Clone, Debug)]
pub struct Symbol<'m> {
    pub name: &'m str,
    pub scope: ScopeId,
    /// Where a `global`/`nonlocal` declaration sends the name (itself if none).
    pub(crate) target: SymbolId,
    /// Some binding other than a declaration binds it here.
    pub(crate) bound: bool,
    pub(crate) declaration: Option<BindingKind>,
}

/// An identifier whose value is read.
#[derive(Clone, Debug)]
pub struct Reference<'m> {
    pub node: Node<'m>,
    /// The scope the identifier is evaluated in (for a default value or a
    /// decorator, the scope around the definition).
    pub scope: ScopeId,
    /// The variable it reads; `None` for builtins and undefined names.
    pub symbol: Option<SymbolId>,
    /// The binding it most likely sees (see [`Semantic::resolved_binding`]).
    pub binding: Option<BindingId>,
    /// Part of a parameter, return or variable annotation.
    pub annotation: bool,
    /// False for annotations Python never evaluates: all of them under
    /// `from __future__ import annotations`, and those of local variables.
    pub evaluated: bool,
}

/// A name read inside a string annotation: `pd` in `df: "pd.DataFrame"`.
/// Python does not evaluate the string, but type checkers and
/// `typing.get_type_hints` read it as code written where the string is, so
/// the name is resolved like a reference there (see `annotation.rs`).
#[derive(Clone, Debug)]
pub struct StringName<'m> {
    pub name: &'m str,
    /// Where the name is in the file.
    pub range: std::ops::Range<usize>,
    /// The string literal that holds it.
    pub string: Node<'m>,
    /// The scope the annotation is written in.
    pub scope: ScopeId,
    /// The variable it reads; `None` for builtins and undefined names.
    pub symbol: Option<SymbolId>,
    /// The binding it most likely sees, as for a reference.
    pub binding: Option<BindingId>,
}

/// When a reference's value is looked up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evaluation {
    /// When the code around the definition runs: module level, class bodies,
    /// defaults, decorators, base classes, eager annotations (and code in
    /// comprehensions there).
    Definition,
    /// Only when the function or lambda whose body holds it is called.
    Call,
    /// Never: an annotation Python does not evaluate.
    Never,
}

/// One name an import binds.
#[derive(Clone, Debug)]
pub struct Import<'m> {
    pub binding: BindingId,
    /// The `import_statement` or `import_from_statement`.
    pub statement: Node<'m>,
    /// The part of the statement that binds the name: `a.b`, `a.b as c`, `b as c`.
    pub item: Node<'m>,
    /// The module imported: `a.b` for `import a.b [as c]`, `a` for
    /// `from a import b`, `..pkg` for a relative import.
    pub module: String,
    /// `b` in `from a import b [as c]`.
    pub member: Option<&'m str>,
    /// What the bound name refers to: `a` for `import a.b`, `a.b` for
    /// `import a.b as c` and `from a import b`.
    pub qualified: String,
    /// The import is a statement of its scope's own body, not under `if`/`try`/`with`.
    pub unconditional: bool,
}

/// The built model. Every list is in source order.
pub(crate) struct Model<'m> {
    pub(crate) scopes: Vec<Scope<'m>>,
    pub(crate) symbols: Vec<Symbol<'m>>,
    pub(crate) symbol_index: FastMap<(ScopeId, &'m str), SymbolId>,
    pub(crate) bindings: Vec<NameBinding<'m>>,
    pub(crate) references: Vec<Reference<'m>>,
    /// Sorted by binding (imports are recorded in source order, like bindings).
    pub(crate) imports: Vec<Import<'m>>,
    pub(crate) bindings_by_symbol: Groups<BindingId>,
    pub(crate) references_by_symbol: Groups<ReferenceId>,
    pub(crate) references_by_binding: Groups<ReferenceId>,
    /// Names read in string annotations, in source order.
    pub(crate) string_names: Vec<StringName<'m>>,
    /// Indexes into `string_names`, by symbol.
    pub(crate) string_names_by_symbol: Groups<u32>,
    pub(crate) future_annotations: bool,
    pub(crate) star_import: bool,
}

impl<'m> Model<'m> {
    /// `at`: where the read is, when known. A class body reads its own
    /// namespace only once the name is bound there (`policy = policy.default`
    /// reads the global `policy`).
    pub(crate) fn lookup(&self, name: &str, scope: ScopeId, at: Option<usize>) -> Option<SymbolId> {
        let mut current = Some(scope);
        let mut first = true;
        while let Some(id) = current {
            let scope = &self.scopes[id.index()];
            // A class body is seen only by code directly in it.
            if (first || scope.kind != ScopeKind::Class)
                && let Some(&symbol) = self.symbol_index.get(&(id, name))
            {
                let found = &self.symbols[symbol.index()];
                if found.target != symbol {
                    return Some(found.target);
                }
                let not_yet_bound = scope.kind == ScopeKind::Class
                    && at.is_some_and(|at| !self.bound_before(symbol, at));
                if found.bound && !not_yet_bound {
                    return Some(symbol);
                }
            }
            first = false;
            current = scope.parent;
        }
        None
    }

    /// Some binding (not a declaration) of the symbol takes effect before `at`.
    pub(crate) fn bound_before(&self, symbol: SymbolId, at: usize) -> bool {
        self.last_binding_before(symbol, at).is_some()
    }

    /// The last binding (not a declaration) of the symbol that takes effect
    /// before `at`. An assignment takes effect after its value: the `x` read
    /// in `x = x + 1` is the one before.
    pub(crate) fn last_binding_before(&self, symbol: SymbolId, at: usize) -> Option<BindingId> {
        let bindings = self.bindings_by_symbol.get(symbol.index());
        let written_before =
            bindings.partition_point(|id| self.bindings[id.index()].name.start_byte() < at);
        bindings[..written_before].iter().rev().copied().find(|id| {
            let binding = &self.bindings[id.index()];
            let takes_effect = match binding.kind {
                BindingKind::Assignment
                | BindingKind::AugmentedAssignment
                | BindingKind::Walrus => binding.source.end_byte(),
                _ => binding.name.start_byte(),
            };
            !binding.kind.is_declaration() && takes_effect <= at
        })
    }

    pub(crate) fn import_index(&self, binding: BindingId) -> Option<usize> {
        self.imports.binary_search_by_key(&binding, |import| import.binding).ok()
    }

    /// The module's names as `top_level_binding` reports them.
    pub(crate) fn top_level_summary(&self) -> FastMap<&'m str, Binding> {
        let mut summary = FastMap::default();
        for (index, symbol) in self.symbols.iter().enumerate() {
            if symbol.scope != ScopeId(0) || symbol.target != SymbolId::new(index) {
                continue;
            }
            let bindings = self.bindings_by_symbol.get(index);
            if bindings.is_empty() {
                continue;
            }
            let last_import = bindings.iter().rev().find_map(|binding| self.import_index(*binding));
            let binding = match last_import {
                Some(import) => {
                    let import = &self.imports[import];
                    let at_module_level = self.bindings[import.binding.index()].scope == ScopeId(0);
                    Binding::Import {
                        qualified: import.qualified.clone(),
                        unconditional: import.unconditional && at_module_level,
                    }
                }
                None => Binding::Other,
            };
            summary.insert(symbol.name, binding);
        }
        summary
    }
}

/// Items grouped by key, each group in the order the items came: one
/// allocation for all groups instead of one per group.
pub(crate) struct Groups<T> {
    pub(crate) offsets: Vec<u32>,
    pub(crate) items: Vec<T>,
}

impl<T: Copy + Default> Groups<T> {
    pub(crate) fn build(
        group_count: usize,
        pairs: impl Iterator<Item = (usize, T)> + Clone,
    ) -> Groups<T> {
        let mut offsets = vec![0u32; group_count + 1];
        for (group, _) in pairs.clone() {
            offsets[group + 1] += 1;
        }
        for index in 1..offsets.len() {
            offsets[index] += offsets[index - 1];
        }
        let total = offsets[group_count] as usize;
        let mut next = offsets.clone();
        let mut items = vec![T::default(); total];
        for (group, item) in pairs {
            items[next[group] as usize] = item;
            next[group] += 1;
        }
        Groups { offsets, items }
    }

    pub(crate) fn get(&self, group: usize) -> &[T] {
        match (self.offsets.get(group), self.offsets.get(group + 1)) {
            (Some(&start), Some(&end)) => &self.items[start as usize..end as usize],
            _ => &[],
        }
    }
}

/// A fast hash for short keys (names, ids); the input is not adversarial
/// enough to need SipHash, and this map is filled for every file.
#[derive(Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(SEED);
        }
        for &byte in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(byte)).wrapping_mul(SEED);
        }
    }

    fn write_u32(&mut self, value: u32) {
        self.write_u64(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

// ----- loggers (found by `loggers.rs`, kept by `Semantic`) -----

/// What a receiver of `.error(...)` or `.exception(...)` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoggerKind {
    /// A `logging.Logger` (or adapter) object.
    Logger,
    /// The `logging` module: its functions log through the root logger.
    LoggingModule,
}

/// A name bound to a logger.
#[derive(Clone, Copy, Debug)]
pub struct LoggerBinding<'m> {
    pub name: &'m str,
    pub binding: BindingId,
    /// The assignment statement (`expression_statement`).
    pub statement: Node<'m>,
    /// `getLogger(__name__)`: the conventional logger of the module.
    pub named_after_module: bool,
    /// A statement of the module's own body (not under `if`, `try`, ...).
    pub module_statement: bool,
    /// Bound in the module's scope (possibly under `if` or `try`).
    pub module_scope: bool,
}

/// `self.NAME = <logger call>` in a method, or `NAME = <logger call>` in a
/// class body: `self.NAME` is a logger in the class's methods.
#[derive(Clone, Copy, Debug)]
pub struct AttributeLogger<'m> {
    pub class: Node<'m>,
    pub attribute: &'m str,
}

/// The loggers of one module (see the module documentation).
#[derive(Debug, Default)]
pub struct Loggers<'m> {
    /// Every binding of a name to a logger, in source order, any scope.
    pub bindings: Vec<LoggerBinding<'m>>,
    pub attributes: Vec<AttributeLogger<'m>>,
    /// Module-level functions that return a logger: their `def` bindings.
    pub factories: Vec<BindingId>,
}

impl<'m> Loggers<'m> {
    /// The loggers bound at module level, in source order.
    pub fn module_level(&self) -> impl Iterator<Item = &LoggerBinding<'m>> + '_ {
        self.bindings.iter().filter(|logger| logger.module_scope)
    }

    /// The module's own logger, the one fixes write through: a module-level
    /// `NAME = logging.getLogger(__name__)` statement, else the first
    /// module-level logger statement. Only statements of the module's own
    /// body count (a logger bound under `if` may not exist).
    pub fn own(&self) -> Option<&LoggerBinding<'m>> {
        let candidates = || self.module_level().filter(|logger| logger.module_statement);
        candidates().find(|logger| logger.named_after_module).or_else(|| candidates().next())
    }
}

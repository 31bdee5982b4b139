//! # import-cycle (PF016)
//!
//! ## What it does
//! Finds imports that run while a module is imported and lead, through
//! the project's own modules, back to the module: `a` imports `b`, which
//! imports `a` (directly or through others). Each import in the cycle is
//! reported, with the whole cycle (`a -> b -> a`). This needs the whole
//! project: pyfix indexes every file of the run first (its imports and
//! top-level names, read from its tokens).
//!
//! A cycle is reported as failing when some order of import makes it fail
//! today: a `from m import name` runs while `m` is only partly imported and
//! has not yet bound `name`, which Python reports as "ImportError: cannot
//! import name 'name' from partially initialized module 'm' (most likely
//! due to a circular import)". The message says which module, imported
//! first, fails. An order can fail at several imports, one after the
//! other: each is reported as failing (the next fails once the one before
//! no longer runs at import). The other cycles are reported as fragile.
//!
//! Imports count when they run at import time: at module level, in a class
//! body, under `if`, `try` or `with` there. Not inside functions, under
//! `if TYPE_CHECKING:`, in the `if __name__ == "__main__":` block, or of
//! modules outside the run (the standard library, third-party packages). An
//! import of a package runs its `__init__.py`, so a cycle can pass through
//! one. Two files claiming one module name (`foo.py` beside `foo/`) are
//! reported once as a warning, and imports of that name are not followed.
//!
//! ## Why is this bad?
//! Python runs a module's imports in order, and a module that is being
//! imported is already in `sys.modules`, half run. In a cycle, one of the
//! modules always sees another half run: it works only while nothing run at
//! import time reads a name the other has not bound yet. Which module is
//! imported first decides it, so a cycle that passes the tests fails in
//! production when a new entry point, a test run alone, or a reordered
//! import enters the cycle elsewhere; a new module-level use of an imported
//! name breaks it at once. Cycles also tie the modules together: none of
//! them can be understood, tested or moved alone.
//!
//! ## Example
//! ```python
//! # shop/models.py
//! from shop.pricing import price_of
//!
//! class Item:
//!     def total(self):
//!         return price_of(self)
//!
//! # shop/pricing.py
//! from shop.models import Item
//!
//! def price_of(item: Item):
//!     return 1
//! ```
//! `import shop.models` fails: `pricing` reads `Item` before `models` has
//! bound it.
//!
//! Use instead: move the import that closes the cycle into the functions
//! that need it (what the fix does), turn a `from m import name` read at
//! call time into `import m` with `m.name` (what it does for names read in
//! many functions), or move what both modules need into a third.
//! ```python
//! # shop/models.py
//! class Item:
//!     def total(self):
//!         from shop.pricing import price_of
//!         return price_of(self)
//! ```
//!
//! The fix is offered only on the import the message names as failing
//! (`from module import name` in the module that imports it), when every
//! name the statement binds is read only at call time: inside function
//! bodies (methods included), in functions that nothing run at import
//! calls, decorates with or instantiates. The statement moves into each of
//! those functions (at most four), as `eager-cli-import` moves an import:
//! at the top of the body, after the docstring and among the imports that
//! open it, in the body's indentation, each function importing only the
//! names it reads, aliases and a trailing comment kept. The fixed import no
//! longer runs at import time, so the next run does not report it.
//!
//! When the names are read in more than four functions, the statement
//! imports the module instead, and each read becomes an attribute of it,
//! read at call time: `from shop.pricing import price_of as price` becomes
//! `from shop import pricing` (`import pricing` for a top-level module,
//! `from . import pricing` for `from .pricing import ...`), and
//! `price(item)` becomes `pricing.price_of(item)`. Binding a module works
//! while it is half run (Python finds it in `sys.modules`), so the import
//! no longer fails; the cycle remains, and is reported as fragile. Only
//! when nothing else in the module is named like that module.
//!
//! No fix when a name is read while the module is imported (module level,
//! a class body, a decorator, a default value, an annotation of a
//! module-level definition, a lambda outside any function) or in a string
//! annotation; when a name is bound again or declared `global`; when it is
//! never read here or a string of a module with `__all__` names it (other
//! modules may import it from this one); in a package's `__init__.py`,
//! whose imports are its interface; for an import under `try:`, `if` or
//! `with`, or holding a comment; in a module with `from x import *`; nor
//! for the other imports of a cycle, which work in every order today.
//!
//! ## Fix safety
//! Unsafe. The import now runs when a function is first called, not when
//! the module is imported: an `ImportError` of that module, and its side
//! effects (registering plugins, configuring logging), move to call time.
//! Each call pays a dictionary look-up in `sys.modules`. The name is no
//! longer an attribute of this module, so code that takes it from here
//! (`from this_module import name`, `mock.patch("this_module.name")`)
//! no longer finds it: pyfix knows the project's imports of modules, not
//! of names, so check other modules' imports from this one. With the
//! module imported instead, the import still runs at import time, but
//! each read looks the name up in the other module when it runs: a test
//! that patches `this_module.name` must patch `other_module.name`.

use std::collections::{BTreeMap, BTreeSet};

use tree_sitter::Node;

use crate::rule::fix::{Edit, Fix};
use crate::rule::settings::{CycleFailure, ImportCycle as Cycle};
use crate::rule::{Context, Diagnostic, FileInfo, FixKind, RuleMeta, Transform};
use crate::semantic::Import;
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::scan::Scan;
use crate::transforms::helpers::move_import::{
    FunctionUse, Moving, body_statement_holding, function_to_import_in, holds_comment, move_imports,
};

pub struct ImportCycle;

static META: RuleMeta = RuleMeta {
    code: "PF016",
    name: "import-cycle",
    fix: FixKind::Unsafe,
    source: include_str!("import_cycle.rs"),
    aliases: &[],
};

impl Transform for ImportCycle {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads_project(&self) -> bool {
        true
    }

    /// The project index puts the module in a cycle.
    fn may_match(&self, _scan: &Scan<'_>, file: &FileInfo<'_>) -> bool {
        !file.settings.project.cycles.is_empty()
    }

    /// Imports run at import time in a class body, not in a function; and
    /// the fix of an import that fails here reads every function's uses.
    fn may_need_definition(&self, view: &Scan<'_>, file: &FileInfo<'_>) -> bool {
        let has = |word: &str| view.tokens.iter().any(|token| view.is(token, word));
        let settings = file.settings;
        let fails_here = settings.project.cycles.iter().any(|cycle| {
            cycle.failure.as_ref().is_some_and(|failure| {
                settings.module.name.as_deref() == Some(failure.importer.as_str())
            })
        });
        self.may_match(view, file) && (fails_here || has("class") && has("import"))
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let cycles = &context.settings.project.cycles;
        if cycles.is_empty() {
            return Vec::new();
        }
        let module = context.module;
        let mut imports = Vec::new();
        import_time_imports(module, module.root(), true, &mut imports);
        let mut diagnostics = Vec::new();
        for import in imports {
            for (node, cycle) in cycles_of(context, import, cycles) {
                let failure = cycle.failure.as_ref().filter(|failure| {
                    !imports_the_module_only(import, node) || failure.module != cycle.imported
                });
                let diagnostic = META.report(node.byte_range(), message(cycle, failure));
                let fix = failure.and_then(|failure| fix(context, import, failure));
                diagnostics.push(diagnostic.with_fix(fix));
            }
        }
        diagnostics
    }
}

/// The import statements that run while the module is imported, in order;
/// `at_top` is true for the module's own statements.
fn import_time_imports<'t>(
    module: &Module<'_>,
    node: Node<'t>,
    at_top: bool,
    found: &mut Vec<Node<'t>>,
) {
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.py_kind() {
            Kind::ImportStatement | Kind::ImportFromStatement => found.push(child),
            Kind::FunctionDefinition | Kind::Lambda => {}
            Kind::DecoratedDefinition => {
                // A decorated class's body runs at import; a function's does not.
                if let Some(class) = child
                    .child_by_field_name("definition")
                    .filter(|definition| definition.is(Kind::ClassDefinition))
                {
                    import_time_imports(module, class, false, found);
                }
            }
            Kind::IfStatement | Kind::ElifClause => if_branches(module, child, at_top, found),
            _ => import_time_imports(module, child, false, found),
        }
    }
}

/// The branches of an `if` (or of an `elif` and those after it) that can
/// run: not the body under `if TYPE_CHECKING:` and the like.
fn if_branches<'t>(module: &Module<'_>, node: Node<'t>, at_top: bool, found: &mut Vec<Node<'t>>) {
    let never = node
        .child_by_field_name("condition")
        .is_some_and(|condition| never_at_run_time(module, condition, at_top));
    if !never && let Some(consequence) = node.child_by_field_name("consequence") {
        import_time_imports(module, consequence, false, found);
    }
    let mut cursor = node.walk();
    for alternative in node.children_by_field_name("alternative", &mut cursor) {
        match alternative.py_kind() {
            Kind::ElifClause => if_branches(module, alternative, at_top, found),
            _ => import_time_imports(module, alternative, false, found),
        }
    }
}

/// `TYPE_CHECKING`, `typing.TYPE_CHECKING`, `False`, `0`, and at the
/// module's own level `__name__ == "__main__"`.
fn never_at_run_time(module: &Module<'_>, condition: Node<'_>, at_top: bool) -> bool {
    let text: String = module.text(condition).split_whitespace().collect();
    let is_main = |text: &str| text == "'__main__'" || text == "\"__main__\"";
    text == "TYPE_CHECKING"
        || text.ends_with(".TYPE_CHECKING") && !text.contains(['(', '['])
        || text == "False"
        || text == "0"
        || at_top
            && text.split_once("==").is_some_and(|(left, right)| {
                (left == "__name__" && is_main(right)) || (is_main(left) && right == "__name__")
            })
}

/// The cycles an import statement is part of, each with the node to
/// report: the module named, or the name imported when it is itself a
/// module of the cycle (`from pkg import b`).
fn cycles_of<'t, 'c>(
    context: &Context<'_>,
    import: Node<'t>,
    cycles: &'c [Cycle],
) -> Vec<(Node<'t>, &'c Cycle)> {
    let module = context.module;
    let location = &context.settings.module;
    let is_package = module.file_name == "__init__.py";
    let mut found = Vec::new();
    if import.is(Kind::ImportStatement) {
        let mut cursor = import.walk();
        for item in import.children_by_field_name("name", &mut cursor) {
            let dotted = item.child_by_field_name("name").unwrap_or(item);
            let written = dotted_text(module, dotted);
            if let Some(cycle) = cycle_of(cycles, &written) {
                found.push((dotted, cycle));
            }
        }
        return found;
    }
    let Some(from) = import.child_by_field_name("module_name") else { return found };
    let Some(absolute) = location.absolute_import(&dotted_text(module, from), is_package) else {
        return found;
    };
    let mut reads_module =
        import.named_children(&mut import.walk()).any(|child| child.is(Kind::WildcardImport));
    let mut cursor = import.walk();
    for item in import.children_by_field_name("name", &mut cursor) {
        let name_node = item.child_by_field_name("name").unwrap_or(item);
        let submodule = format!("{absolute}.{}", dotted_text(module, name_node));
        match cycles.iter().find(|cycle| cycle.imported == submodule) {
            Some(cycle) => found.push((name_node, cycle)),
            None => reads_module = true,
        }
    }
    if reads_module && let Some(cycle) = cycle_of(cycles, &absolute) {
        found.insert(0, (from, cycle));
    }
    found
}

/// The cycle of the import of the module `written`, if it is in one.
fn cycle_of<'c>(cycles: &'c [Cycle], written: &str) -> Option<&'c Cycle> {
    cycles.iter().find(|cycle| cycle.imported == written)
}

/// A dotted or relative module name as Python reads it: `..a.b` for
/// `. . a . b` or a name split over lines.
fn dotted_text(module: &Module<'_>, node: Node<'_>) -> String {
    module.text(node).chars().filter(|c| !c.is_whitespace() && *c != '\\').collect()
}

/// `node` is a submodule a `from package import module` statement names:
/// the statement binds the module, even half run, and reads none of its
/// names, so a failure to read one is not this statement's (as after the
/// fix that turns `from .m import a` into `from . import m`).
fn imports_the_module_only(import: Node<'_>, node: Node<'_>) -> bool {
    import.is(Kind::ImportFromStatement)
        && import.child_by_field_name("module_name").is_some_and(|from| from.id() != node.id())
}

fn message(cycle: &Cycle, failure: Option<&CycleFailure>) -> String {
    let path = cycle.path.join(" -> ");
    match failure {
        Some(failure) => format!(
            "Import cycle `{path}` fails at import: when `{}` is imported first, `{}` imports `{}` from `{}` before `{}` has defined it",
            failure.entry, failure.importer, failure.name, failure.module, failure.module
        ),
        None => format!("Import cycle `{path}`"),
    }
}

/// The most functions a fix moves an import into: past that, the import
/// belongs at the top of the module and the cycle calls for a redesign.
const MAX_FUNCTIONS: usize = 4;

/// The fix of the import a failure names (`from module import name` in
/// this module, the importer), when every name it binds is read only at
/// call time: the statement moves into the functions that read them. See
/// the documentation for when there is none.
fn fix(context: &Context<'_>, statement: Node<'_>, failure: &CycleFailure) -> Option<Fix> {
    let (module, semantic) = (context.module, context.semantic);
    let location = &context.settings.module;
    // A package's `__init__.py` imports names for others to take from it.
    if module.file_name == "__init__.py" || location.name.as_deref() != Some(&failure.importer) {
        return None;
    }
    // Only a statement of the module's own body: not under `try`, `if`, `with`.
    if !statement.is(Kind::ImportFromStatement)
        || module.parent(statement).is_none_or(|parent| !parent.is(Kind::Module))
        || semantic.has_star_import()
        || holds_comment(statement)
    {
        return None;
    }
    let written = dotted_text(module, statement.child_by_field_name("module_name")?);
    if location.absolute_import(&written, false)? != failure.module {
        return None;
    }
    let imports: Vec<&Import<'_>> = semantic
        .imports()
        .iter()
        .filter(|import| import.statement.id() == statement.id())
        .collect();
    if !imports.iter().any(|import| import.member == Some(failure.name.as_str())) {
        return None;
    }
    let mut uses: BTreeMap<_, FunctionUse<'_>> = BTreeMap::new();
    for (index, import) in imports.iter().enumerate() {
        let binding = semantic.binding(import.binding);
        let name = module.text(binding.name);
        let symbol = binding.symbol;
        let references = semantic.references_to(symbol);
        // Unused here, listed in `__all__`, bound again or declared
        // `global`, or named in a string annotation: no fix.
        if references.is_empty()
            || exported(module, name)
            || semantic.bindings_of(symbol).len() != 1
            || semantic.string_names_to(symbol).next().is_some()
        {
            return None;
        }
        for &reference in references {
            let reference = semantic.reference(reference);
            // Read at import time (module level, a class body, a default, a
            // decorator, an annotation), by a lambda outside any function,
            // or in a function that runs at import: no fix.
            let function = function_to_import_in(semantic, reference.scope)?;
            if semantic.import_trigger(function).is_some() {
                return None;
            }
            let at = reference.node.start_byte();
            let first = body_statement_holding(semantic, function, at)?;
            let entry = uses
                .entry(function)
                .or_insert(FunctionUse { first_statement: first, imports: BTreeSet::new() });
            if first.start_byte() < entry.first_statement.start_byte() {
                entry.first_statement = first;
            }
            entry.imports.insert(index);
        }
    }
    if uses.len() > MAX_FUNCTIONS {
        return module_import_fix(context, statement, &imports, &written);
    }
    let moving = Moving { imports: &imports, uses: &uses, sorted_before: &written };
    let edits = move_imports(semantic, &moving, &[], &|_| false).ok()?;
    let moved: Vec<String> = imports
        .iter()
        .map(|import| module.text(semantic.binding(import.binding).name).to_string())
        .collect();
    // The moved names now resolve to each function's own import.
    Some(Fix::unsafe_(edits).rebinding(moved))
}

/// The fix for names read in more functions than a move may reach: the
/// statement imports the module instead (`from pkg.m import a` becomes
/// `from pkg import m`, `from m import a` becomes `import m`), and each
/// read of `a` becomes `m.a`. The import binds `m` even while `m` is half
/// run, and `m.a` is read at call time, once every module has run. Only
/// when nothing in the module is named `m` already.
fn module_import_fix(
    context: &Context<'_>,
    statement: Node<'_>,
    imports: &[&Import<'_>],
    written: &str,
) -> Option<Fix> {
    let (module, semantic) = (context.module, context.semantic);
    let dots = written.len() - written.trim_start_matches('.').len();
    let (parent, leaf) = match written[dots..].rsplit_once('.') {
        Some((parent, leaf)) => (format!("{}{parent}", &written[..dots]), leaf),
        None => (written[..dots].to_string(), &written[dots..]),
    };
    let named_elsewhere = module.nodes_of_kind(&[Kind::Identifier]).any(|identifier| {
        module.text(identifier) == leaf
            && !statement.byte_range().contains(&identifier.start_byte())
    });
    if leaf.is_empty() || named_elsewhere {
        return None;
    }
    let replacement = match parent.as_str() {
        "" => format!("import {leaf}"),
        parent => format!("from {parent} import {leaf}"),
    };
    let mut edits = vec![Edit::replace(statement.byte_range(), replacement)];
    let mut rebound = vec![leaf.to_string()];
    for import in imports {
        let member = import.member?;
        let binding = semantic.binding(import.binding);
        rebound.push(module.text(binding.name).to_string());
        for &reference in semantic.references_to(binding.symbol) {
            let node = semantic.reference(reference).node;
            edits.push(Edit::replace(node.byte_range(), format!("{leaf}.{member}")));
        }
    }
    Some(Fix::unsafe_(edits).rebinding(rebound))
}

/// The module has an `__all__` and a string literal that is `name`: the
/// name is likely exported, for other modules to import from this one.
fn exported(module: &Module<'_>, name: &str) -> bool {
    module.source.contains("__all__")
        && module.nodes_of_kind(&[Kind::String]).any(|string| {
            let text = module.text(string);
            let quoted = |quote: char| {
                text.strip_prefix(quote).and_then(|rest| rest.strip_suffix(quote)) == Some(name)
            };
            quoted('"') || quoted('\'')
        })
}

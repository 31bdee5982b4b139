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
//! first, fails. The other cycles are reported as fragile.
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
//! that need it, turn a `from m import name` read at call time into
//! `import m` with `m.name`, or move what both modules need into a third.
//! ```python
//! # shop/models.py
//! class Item:
//!     def total(self):
//!         from shop.pricing import price_of
//!
//!         return price_of(self)
//! ```
//!
//! ## Fix safety
//! No fix yet: which import should give way is a design decision; the
//! message names the one that fails.

use tree_sitter::Node;

use crate::rule::settings::ImportCycle as Cycle;
use crate::rule::{Context, Diagnostic, FileInfo, FixKind, RuleMeta, Transform};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::scan::Scan;

pub struct ImportCycle;

static META: RuleMeta = RuleMeta {
    code: "PF016",
    name: "import-cycle",
    fix: FixKind::None,
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

    /// Imports run at import time in a class body, not in a function.
    fn may_need_definition(&self, view: &Scan<'_>, file: &FileInfo<'_>) -> bool {
        let has = |word: &str| view.tokens.iter().any(|token| view.is(token, word));
        self.may_match(view, file) && has("class") && has("import")
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
                diagnostics.push(META.report(node.byte_range(), message(cycle)));
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

fn message(cycle: &Cycle) -> String {
    let path = cycle.path.join(" -> ");
    match &cycle.failure {
        Some(failure) => format!(
            "Import cycle `{path}` fails at import: when `{}` is imported first, `{}` imports `{}` from `{}` before `{}` has defined it",
            failure.entry, failure.importer, failure.name, failure.module, failure.module
        ),
        None => format!("Import cycle `{path}`"),
    }
}

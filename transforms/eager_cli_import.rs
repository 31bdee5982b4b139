//! # eager-cli-import (PF005)
//!
//! ## What it does
//! In a module that is a command-line entry point, finds a heavy module
//! imported when the tool starts though only functions use it, and only
//! some runs of the command call them (a subcommand, an option's branch,
//! after an early exit). The heavy modules are pandas, numpy, scipy,
//! matplotlib, torch, tensorflow, sklearn, sympy, polars, pyarrow, cv2,
//! transformers, plotly, seaborn, requests and boto3, with their
//! submodules (`heavy-modules` changes the list).
//!
//! A module is an entry point when it is a `__main__.py`; when the
//! project's packaging names it as a command (`[project.scripts]` or
//! `[project.gui-scripts]` in `pyproject.toml`, `[tool.poetry.scripts]`,
//! `console_scripts` in `setup.cfg` or `setup.py`: `tool = "pkg.cli:main"`
//! makes `pkg/cli.py` one); or when its `if __name__ == "__main__":` block
//! parses arguments (`argparse`, `sys.argv`, `click`, `typer`, `fire`,
//! `getopt`, `optparse`, `docopt`), itself or in a function it calls. A
//! library module whose `__main__` block is a demo or a self-test, which
//! parses nothing, is not one: every run of it needs what it imports.
//!
//! ## Why is this bad?
//! A module-level import runs every time the tool starts, before argument
//! parsing. `import pandas` alone takes a few hundred milliseconds, so
//! `tool --help`, a typo in an option, and every subcommand that never
//! touches pandas all pay for it.
//!
//! ## Example
//! ```python
//! import argparse
//! import os
//! import pandas as pd
//!
//! def main():
//!     parser = argparse.ArgumentParser()
//!     parser.add_argument("path")
//!     parser.add_argument("--check", action="store_true")
//!     args = parser.parse_args()
//!     if args.check:
//!         return 0 if os.path.exists(args.path) else 1
//!     frame = pd.read_csv(args.path)
//!     print(frame.describe())
//!
//! if __name__ == "__main__":
//!     main()
//! ```
//!
//! Use instead:
//! ```python
//! import argparse
//! import os
//!
//! def main():
//!     parser = argparse.ArgumentParser()
//!     parser.add_argument("path")
//!     parser.add_argument("--check", action="store_true")
//!     args = parser.parse_args()
//!     if args.check:
//!         return 0 if os.path.exists(args.path) else 1
//!     import pandas as pd
//!     frame = pd.read_csv(args.path)
//!     print(frame.describe())
//!
//! if __name__ == "__main__":
//!     main()
//! ```
//!
//! Every module-level import of the heavy module moves, or none does:
//! `import pandas as pd` and `from pandas import read_csv` move together,
//! since either alone loads pandas. Each goes into each function that uses
//! it, at the top of its body (after the docstring, among the imports that
//! open it in the order of their modules' names, above the comments that
//! lead into the next statement), in the function's indentation; when the
//! statements before the first use parse the arguments (`args =
//! parser.parse_args()`), just before that use, so that `--help` and a bad
//! option cost nothing. A `from` import of several names longer than 88
//! columns is wrapped in parentheses. Aliases stay (`import a as b`, `from
//! a import b as c`); a function imports only the names it uses. A
//! trailing comment on the import moves with it. A method gets the import
//! in its own body; a function nested in another gets it in the outer one.
//! From `import os, numpy`, only `numpy` moves.
//!
//! Not reported: a heavy module every run of the command needs: one used
//! by the code that runs whatever the arguments, the `__main__` block (in a
//! `__main__.py`, the module's code) and, through their unconditional
//! calls, module-level functions and constructors, up to the first
//! statement that may leave early (`return`, `raise`, `sys.exit()`,
//! `parser.error()`) and outside branches (loop bodies count, as a tool's
//! `for path in args.paths:` is what every run that does anything does);
//! moving its import would only spare `--help`. A tool that imports modules by name
//! (`__import__`, `importlib.import_module`) with a string naming the heavy
//! package loads it anyway. Nor a heavy module the tool needs while it
//! starts anyway: names used at module level, in class bodies, decorators, defaults or
//! annotations of module-level definitions (string annotations included,
//! and under `from __future__ import annotations` too, as type checkers and
//! `typing.get_type_hints` look them up there), in a lambda outside any
//! function, in the `__main__` block itself, or in code strings run by
//! `exec`, `eval` or `timeit` (benchmarks); imports under `try:` or `if`
//! (optional dependencies; `if TYPE_CHECKING:` imports load nothing);
//! unused imports (kept for their side effects); the package the module
//! belongs to (`import mypkg` in `mypkg/cli.py`: importing `mypkg.cli`
//! has loaded it already), and the heavy modules that package or another
//! import that stays always loads (`numpy` beside `import scipy`). A module
//! with `from x import *`, whose names could come from anywhere, is left
//! alone.
//!
//! Reported without a fix, saying why: a heavy module used by a function
//! that runs while the module is imported (called at module level, a
//! decorator or decorator factory, a constructor of a class instantiated
//! there), where moving the import would not defer it; names bound again
//! or declared `global`; a submodule (`import scipy.linalg as la`) that
//! other code reaches as an attribute of its package (`scipy.linalg.norm`
//! after `import scipy`); a string annotation of a nested function's
//! parameter, which `typing.get_type_hints` reads in the module's globals;
//! a comment inside the import statement.
//!
//! ## Fix safety
//! Unsafe: the import's side effects (registering plugins, setting
//! environment or warnings state, making a submodule an attribute of its
//! package) now happen when a function first runs, or not at all; an import
//! error surfaces at call time instead of at start-up; and the name is no
//! longer an attribute of this module, so code that reaches it from outside
//! or through a string no longer finds it: `from tool import pd`,
//! `mock.patch("tool.pd")`, doctests, `globals()["pd"]`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use tree_sitter::Node;

use crate::rule::fix::Fix;
use crate::rule::{Context, Diagnostic, FileInfo, FixKind, RuleMeta, Transform};
use crate::semantic::{BindingId, Import, ReferenceId, ScopeId, ScopeKind, Semantic};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::scan::{Kind as ScanKind, Scan, Token, contains_word};
use crate::syntax::walk::{Walk, statements, visit};
use crate::transforms::helpers::move_import::{
    FunctionUse, Moving, body_statement_holding, function_to_import_in, holds_comment,
    move_imports, statement_edits,
};

pub struct EagerCliImport;

static META: RuleMeta = RuleMeta {
    code: "PF005",
    name: "eager-cli-import",
    fix: FixKind::Unsafe,
    source: include_str!("eager_cli_import.rs"),
    aliases: &[],
};

/// What a `__main__` block (or what it calls) uses to parse arguments.
const ARGUMENT_PARSERS: &[&str] =
    &["argparse", "optparse", "getopt", "click", "typer", "fire", "docopt", "sys.argv"];

/// Heavy modules that importing a module always imports too (its hard
/// dependencies): `import numpy` gains nothing by waiting while `import
/// scipy` stays.
const ALSO_IMPORTS: &[(&str, &[&str])] = &[
    ("pandas", &["numpy"]),
    ("scipy", &["numpy"]),
    ("matplotlib", &["numpy"]),
    ("sklearn", &["numpy", "scipy"]),
    ("seaborn", &["numpy", "pandas", "matplotlib"]),
    ("statsmodels", &["numpy", "scipy", "pandas"]),
    ("xarray", &["numpy", "pandas"]),
    ("geopandas", &["numpy", "pandas"]),
    ("skimage", &["numpy", "scipy"]),
    ("cv2", &["numpy"]),
    ("tensorflow", &["numpy"]),
    ("keras", &["numpy"]),
    ("transformers", &["numpy", "requests"]),
    ("torchvision", &["torch", "numpy"]),
    ("numba", &["numpy"]),
    ("h5py", &["numpy"]),
    ("astropy", &["numpy"]),
];

/// Calls that run code given as a string, in this module's globals or with
/// names it imports from `__main__`.
const CODE_RUNNERS: &[&str] = &[
    "builtins.exec",
    "builtins.eval",
    "builtins.compile",
    "timeit.timeit",
    "timeit.repeat",
    "timeit.Timer",
    "cProfile.run",
    "cProfile.runctx",
    "profile.run",
    "profile.runctx",
];

impl Transform for EagerCliImport {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A finding needs an entry point (a `__main__.py`, a command of the
    /// packaging, or `__name__` beside a `"__main__"` string) and an import
    /// statement that names the first part of a heavy module.
    fn may_match(&self, scan: &Scan<'_>, file: &FileInfo<'_>) -> bool {
        let has_main_guard = || {
            let name = scan
                .tokens
                .iter()
                .any(|token| token.kind == ScanKind::Name && scan.is(token, "__name__"));
            name && scan.tokens.iter().any(|token| {
                token.kind == ScanKind::String
                    && scan.text(token).windows(8).any(|w| w == b"__main__")
            })
        };
        let entry_point = file.file_name == "__main__.py" || file.settings.module.command;
        if !entry_point && !has_main_guard() {
            return false;
        }
        heavy_imports(scan, file).next().is_some()
    }

    /// Every body of a file that may match matters: any function may use
    /// the import (in an f-string or a string annotation too), run at
    /// import time, or parse the arguments the `__main__` block hands it.
    /// Such files are few (an entry point with a heavy import).
    fn may_need_definition(&self, _view: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        true
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let (module, semantic) = (context.module, context.semantic);
        if module.is_stub || semantic.has_star_import() || !is_command_line_entry_point(context) {
            return Vec::new();
        }
        let startup = Startup::of(context);
        let mut groups = heavy_groups(context, &startup);
        settle_loaded(context, &startup, &mut groups);
        // The lines each movable group's fix deletes, for the others to tidy around.
        let deleted: Vec<(String, Vec<Range<usize>>)> = groups
            .values()
            .filter(|group| matches!(group.verdict, Verdict::Movable))
            .filter_map(|group| {
                let edits = statement_edits(context.semantic, &group.imports).ok()?;
                let ranges = edits.into_iter().filter(|edit| edit.replacement.is_empty());
                Some((group.heavy.clone(), ranges.map(|edit| edit.range).collect()))
            })
            .collect();
        groups
            .into_values()
            .filter_map(|group| {
                let others: Vec<Range<usize>> = deleted
                    .iter()
                    .filter(|(heavy, _)| *heavy != group.heavy)
                    .flat_map(|(_, ranges)| ranges.iter().cloned())
                    .collect();
                report(context, group, &others)
            })
            .collect()
    }
}

/// The module-level import statements (as tokens) that name the first part
/// of a heavy module.
fn heavy_imports<'v>(scan: &'v Scan<'_>, file: &FileInfo<'_>) -> impl Iterator<Item = &'v [Token]> {
    let heavy_roots: Vec<&[u8]> = file
        .settings
        .heavy_modules
        .iter()
        .map(|heavy| heavy.split('.').next().unwrap_or(heavy).as_bytes())
        .collect();
    let module_level = scan.lines.iter().filter(|line| line.indent == 0);
    module_level.flat_map(|line| scan.statement_starts(line)).filter(move |tokens| {
        let is_import =
            tokens.first().is_some_and(|first| scan.is(first, "import") || scan.is(first, "from"));
        is_import
            && tokens.iter().any(|token| {
                token.kind == ScanKind::Name && heavy_roots.contains(&scan.text(token))
            })
    })
}

// ----- entry points -----

/// See the documentation: a `__main__.py`, a command of the packaging, or
/// a `__main__` block that parses arguments.
fn is_command_line_entry_point(context: &Context<'_>) -> bool {
    if context.module.file_name == "__main__.py" || context.settings.module.command {
        return true;
    }
    let semantic = context.semantic;
    semantic.main_guards().into_iter().any(|guard| parses_arguments(semantic, guard))
}

/// The `__main__` block, the functions it runs (with their decorators:
/// `@click.command()`), or the module-level values it calls (`app =
/// typer.Typer()`), name an argument parser or `sys.argv`.
fn parses_arguments(semantic: &Semantic<'_>, guard: Node<'_>) -> bool {
    let module = semantic.module();
    let mut ranges = vec![guard.byte_range()];
    for scope in semantic.scopes_run_from(guard) {
        let definition = semantic.scope(scope).node;
        let whole = module.parent(definition).filter(|parent| parent.is(Kind::DecoratedDefinition));
        ranges.push(whole.unwrap_or(definition).byte_range());
    }
    // Module-level values the block reads: `app()` after `app = typer.Typer()`.
    for reference in semantic.references() {
        if !guard.byte_range().contains(&reference.node.start_byte()) {
            continue;
        }
        let Some(binding) = reference.binding.map(|binding| semantic.binding(binding)) else {
            continue;
        };
        if binding.scope == semantic.module_scope() && binding.source.is(Kind::Assignment) {
            ranges.push(binding.source.byte_range());
        }
    }
    semantic.references().iter().any(|reference| {
        let at = reference.node.start_byte();
        ranges.iter().any(|range| range.contains(&at))
            && names_argument_parser(semantic, reference.node)
    })
}

fn names_argument_parser(semantic: &Semantic<'_>, identifier: Node<'_>) -> bool {
    // `sys.argv`: the attribute, not just `sys`.
    let expression = semantic
        .module()
        .parent(identifier)
        .filter(|parent| {
            parent.is(Kind::Attribute) && parent.child_by_field_name("object") == Some(identifier)
        })
        .unwrap_or(identifier);
    let names = [semantic.qualified_name(expression), semantic.qualified_name(identifier)];
    names.iter().flatten().any(|name| {
        ARGUMENT_PARSERS.iter().any(|parser| {
            name == parser || (name.starts_with(parser) && name[parser.len()..].starts_with('.'))
        })
    })
}

// ----- the imports of each heavy module -----

/// What becomes of the imports of one heavy module.
#[derive(Debug)]
enum Verdict {
    /// Not reported: the module is needed, or loaded, when the tool starts
    /// anyway.
    Needed,
    /// Reported without a fix, for this reason.
    Unfixable(String),
    /// Reported with a fix.
    Movable,
}

/// The module-level imports of one heavy module (a configured heavy name:
/// `pandas`, or `mycompany.bigdata`).
struct Group<'a, 't> {
    heavy: String,
    /// Its imports, in source order.
    imports: Vec<&'a Import<'t>>,
    verdict: Verdict,
    /// Per function the imports move into: its first statement that uses
    /// them, and which of `imports` it uses.
    uses: BTreeMap<ScopeId, FunctionUse<'t>>,
}

/// The heavy module an import loads, as configured (`None` if not heavy).
fn heavy_of(module: &str, heavy_modules: &[String]) -> Option<String> {
    heavy_modules
        .iter()
        .find(|heavy| {
            module == heavy.as_str()
                || (module.starts_with(heavy.as_str()) && module[heavy.len()..].starts_with('.'))
        })
        .cloned()
}

/// Whether the import is executed at all: not under `if TYPE_CHECKING:`.
fn is_executed(module: &Module<'_>, statement: Node<'_>) -> bool {
    let mut current = module.parent(statement);
    while let Some(ancestor) = current {
        if ancestor.is(Kind::IfStatement)
            && let Some(condition) = ancestor.child_by_field_name("condition")
            && matches!(module.text(condition), "TYPE_CHECKING" | "typing.TYPE_CHECKING")
        {
            return false;
        }
        current = module.parent(ancestor);
    }
    true
}

/// Each heavy module's module-level imports, judged one by one.
fn heavy_groups<'a, 't>(
    context: &'a Context<'t>,
    startup: &Startup,
) -> BTreeMap<String, Group<'a, 't>> {
    let (module, semantic) = (context.module, context.semantic);
    let mut groups: BTreeMap<String, Group<'a, 't>> = BTreeMap::new();
    for import in semantic.imports() {
        // Imports in the `__main__` block already wait for the command.
        let at_module_level = semantic.binding(import.binding).scope == semantic.module_scope()
            && !startup.in_guard(import.statement.start_byte());
        if !at_module_level || !is_executed(module, import.statement) {
            continue;
        }
        let Some(heavy) = heavy_of(&import.module, &context.settings.heavy_modules) else {
            continue;
        };
        groups
            .entry(heavy.clone())
            .or_insert_with(|| Group {
                heavy,
                imports: Vec::new(),
                verdict: Verdict::Movable,
                uses: BTreeMap::new(),
            })
            .imports
            .push(import);
    }
    let code_strings = code_strings(context);
    let every_run = every_run(context);
    let by_name = imported_by_name(context);
    for group in groups.values_mut() {
        judge(context, startup, group, &code_strings, &every_run);
        let root = root_of(&group.heavy);
        let named = |name: &&str| {
            *name == root || name.strip_prefix(root).is_some_and(|rest| rest.starts_with('.'))
        };
        if by_name.iter().any(named) {
            group.verdict = Verdict::Needed; // `__import__("scipy." + name)`: loaded anyway.
        }
    }
    groups
}

/// Where every run of the command goes: byte ranges of statements that run
/// whatever the arguments, each with the scope (the module, or a function)
/// whose code it is. From the `__main__` block (in a `__main__.py`, the
/// module's code), the statements before the first that may leave early
/// (`return`, `raise`, `sys.exit()`, `parser.error()`, in it or in a branch)
/// and outside branches (loop bodies count); then, through the calls of module-level
/// functions (and classes: their `__init__`) there, the same in those
/// functions. A heavy module used there is needed by every run: moving its
/// import only spares `--help`.
fn every_run(context: &Context<'_>) -> Vec<(ScopeId, Range<usize>)> {
    let (module, semantic) = (context.module, context.semantic);
    let guards = semantic.main_guards();
    let mut queue: Vec<(ScopeId, Node<'_>)> = Vec::new();
    if module.file_name == "__main__.py" {
        queue.push((semantic.module_scope(), module.root()));
    } else {
        for guard in &guards {
            if let Some(body) = guard.child_by_field_name("consequence") {
                queue.push((semantic.module_scope(), body));
            }
        }
    }
    let mut ranges = Vec::new();
    let mut seen: BTreeSet<ScopeId> = BTreeSet::new();
    while let Some((scope, block)) = queue.pop() {
        let mut calls = Vec::new();
        unconditional(semantic, &guards, scope, block, &mut ranges, &mut calls);
        for call in calls {
            for function in called_functions(semantic, call) {
                let body = semantic.scope(function).node.child_by_field_name("body");
                if let Some(body) = body.filter(|_| seen.insert(function)) {
                    queue.push((function, body));
                }
            }
        }
    }
    ranges
}

/// Scans `block`'s statements that run unconditionally (see `every_run`),
/// recording their ranges and calls; returns false once one may leave.
fn unconditional<'t>(
    semantic: &Semantic<'t>,
    guards: &[Node<'t>],
    scope: ScopeId,
    block: Node<'t>,
    ranges: &mut Vec<(ScopeId, Range<usize>)>,
    calls: &mut Vec<Node<'t>>,
) -> bool {
    for statement in statements(block) {
        match statement.py_kind() {
            Kind::FunctionDefinition | Kind::ClassDefinition | Kind::DecoratedDefinition => {}
            Kind::IfStatement if guards.iter().any(|guard| guard.id() == statement.id()) => {
                if let Some(body) = statement.child_by_field_name("consequence")
                    && !unconditional(semantic, guards, scope, body, ranges, calls)
                {
                    return false;
                }
            }
            // A loop's body counts too: `for path in args.paths:
            // convert(path)` is what every run that does anything does.
            Kind::TryStatement
            | Kind::WithStatement
            | Kind::ForStatement
            | Kind::WhileStatement => {
                if let Some(body) = statement.child_by_field_name("body") {
                    // The head (`with open(p) as f:`, `for x in f():`) runs too.
                    if !statement.is(Kind::TryStatement) {
                        let head = statement.start_byte()..body.start_byte();
                        collect_calls(statement, &head, calls);
                        ranges.push((scope, head));
                    }
                    if !unconditional(semantic, guards, scope, body, ranges, calls) {
                        return false;
                    }
                }
                if may_leave(semantic, statement) {
                    return false;
                }
            }
            Kind::IfStatement | Kind::MatchStatement => {
                if may_leave(semantic, statement) {
                    return false;
                }
            }
            // In a `__main__.py`, module-level code other than the command's
            // calls is the tool's start (see `Startup`), reported without a fix.
            _ if block.is(Kind::Module) && !is_command_statement(statement) => {
                if may_leave(semantic, statement) {
                    return false;
                }
            }
            _ => {
                let range = statement.byte_range();
                collect_calls(statement, &range, calls);
                ranges.push((scope, range));
                if may_leave(semantic, statement) {
                    return false;
                }
            }
        }
    }
    true
}

/// A module-level statement of a `__main__.py` that is the command: a call
/// (`main()`, `sys.exit(main())`) or a `raise SystemExit(main())`.
fn is_command_statement(statement: Node<'_>) -> bool {
    match statement.py_kind() {
        Kind::ExpressionStatement => {
            statement.named_child(0).is_some_and(|child| child.is(Kind::Call))
        }
        Kind::RaiseStatement => true,
        _ => false,
    }
}

/// The calls in `node` within `range`, outside lambdas, comprehensions,
/// conditional expressions and the right of `and`/`or`.
fn collect_calls<'t>(node: Node<'t>, range: &Range<usize>, calls: &mut Vec<Node<'t>>) {
    visit(node, |child| {
        if child.start_byte() >= range.end || child.end_byte() <= range.start {
            return Walk::Skip;
        }
        match child.py_kind() {
            Kind::Lambda
            | Kind::ConditionalExpression
            | Kind::BooleanOperator
            | Kind::ListComprehension
            | Kind::SetComprehension
            | Kind::DictionaryComprehension
            | Kind::GeneratorExpression
            | Kind::FunctionDefinition
            | Kind::ClassDefinition => Walk::Skip,
            Kind::Call => {
                calls.push(child);
                Walk::Descend
            }
            _ => Walk::Descend,
        }
    });
}

/// `statement` may leave the code it is in: a `return` or `raise`, or a
/// call of `sys.exit`, `exit`, `quit`, `os._exit` or an argument parser's
/// `exit`/`error`, outside nested definitions.
fn may_leave(semantic: &Semantic<'_>, statement: Node<'_>) -> bool {
    let module = semantic.module();
    let mut found = false;
    visit(statement, |node| match node.py_kind() {
        Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
        Kind::ReturnStatement | Kind::RaiseStatement => {
            found = true;
            Walk::Stop
        }
        Kind::Call => {
            let function = node.child_by_field_name("function");
            let exits = function.is_some_and(|function| {
                let qualified = semantic.qualified_name(function);
                let named = qualified.as_deref().is_some_and(|name| {
                    matches!(name, "sys.exit" | "builtins.exit" | "builtins.quit" | "os._exit")
                });
                let method = function.is(Kind::Attribute)
                    && function
                        .child_by_field_name("attribute")
                        .is_some_and(|name| matches!(module.text(name), "exit" | "error"));
                named || method
            });
            if exits {
                found = true;
                return Walk::Stop;
            }
            Walk::Descend
        }
        _ => Walk::Descend,
    });
    found
}

/// The functions a call runs: a module-level function called by name, or
/// the `__init__` of a module-level class.
fn called_functions(semantic: &Semantic<'_>, call: Node<'_>) -> Vec<ScopeId> {
    let Some(function) = call.child_by_field_name("function") else { return Vec::new() };
    // `Tool(args).run()`: the constructor's call is collected too; this is `run`.
    if function.is(Kind::Attribute)
        && let Some(object) = function.child_by_field_name("object").filter(|o| o.is(Kind::Call))
        && let Some(method) = function.child_by_field_name("attribute")
    {
        let module = semantic.module();
        let class =
            object.child_by_field_name("function").and_then(|name| class_named(semantic, name));
        return class
            .map(|class| methods_named(semantic, class, module.text(method)))
            .unwrap_or_default();
    }
    if !function.is(Kind::Identifier) {
        return Vec::new();
    }
    let Some(binding) =
        semantic.reference_at(function).and_then(|id| semantic.resolved_binding(id))
    else {
        return Vec::new();
    };
    let binding = semantic.binding(binding);
    if binding.scope != semantic.module_scope() {
        return Vec::new();
    }
    let source = binding.source;
    match source.py_kind() {
        Kind::FunctionDefinition => semantic.scope_of_definition(source).into_iter().collect(),
        Kind::ClassDefinition => methods_named(semantic, source, "__init__"),
        _ => Vec::new(),
    }
}

/// The module-level class that `name` (an identifier) names.
fn class_named<'t>(semantic: &Semantic<'t>, name: Node<'_>) -> Option<Node<'t>> {
    let binding = semantic.reference_at(name).and_then(|id| semantic.resolved_binding(id))?;
    let binding = semantic.binding(binding);
    (binding.scope == semantic.module_scope() && binding.source.is(Kind::ClassDefinition))
        .then_some(binding.source)
}

/// The methods called `name` that the class body defines.
fn methods_named(semantic: &Semantic<'_>, class: Node<'_>, name: &str) -> Vec<ScopeId> {
    let Some(body) = class.child_by_field_name("body") else { return Vec::new() };
    let module = semantic.module();
    statements(body)
        .map(|statement| match statement.py_kind() {
            Kind::DecoratedDefinition => {
                statement.child_by_field_name("definition").unwrap_or(statement)
            }
            _ => statement,
        })
        .filter(|definition| {
            definition.is(Kind::FunctionDefinition)
                && definition
                    .child_by_field_name("name")
                    .is_some_and(|found| module.text(found) == name)
        })
        .filter_map(|definition| semantic.scope_of_definition(definition))
        .collect()
}

/// The string literals of a module that imports modules by name
/// (`__import__`, `importlib.import_module`): `"scipy"` in `BASE_MODULE =
/// "scipy"` ... `__import__(BASE_MODULE + "." + name)`.
fn imported_by_name<'t>(context: &Context<'t>) -> Vec<&'t str> {
    let (module, semantic) = (context.module, context.semantic);
    let imports_by_name = module.nodes_of_kind(&[Kind::Call]).any(|call| {
        call.child_by_field_name("function")
            .and_then(|function| semantic.qualified_name(function))
            .is_some_and(|name| {
                matches!(
                    name.as_str(),
                    "builtins.__import__" | "importlib.import_module" | "importlib.__import__"
                )
            })
    });
    if !imports_by_name {
        return Vec::new();
    }
    module
        .nodes_of_kind(&[Kind::String])
        .filter_map(|string| {
            let text = module.text(string);
            let text = text.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            let quote = text.chars().next().filter(|c| matches!(c, '"' | '\''))?;
            let inner = text.trim_matches(quote);
            inner
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
                .then_some(inner)
                .filter(|inner| !inner.is_empty())
        })
        .collect()
}

/// Decides a group's verdict and where its names are used.
fn judge<'t>(
    context: &Context<'t>,
    startup: &Startup,
    group: &mut Group<'_, 't>,
    code_strings: &[&str],
    every_run: &[(ScopeId, Range<usize>)],
) {
    let (module, semantic) = (context.module, context.semantic);
    let own_package = context.settings.module.package_root();
    if own_package.is_some_and(|package| root_of(&group.heavy) == package) {
        group.verdict = Verdict::Needed; // Importing this module has loaded its package.
        return;
    }
    let mut unfixable: Option<String> = None;
    for (index, import) in group.imports.iter().enumerate() {
        // A conditional import is an optional dependency, decided at start.
        if module.parent(import.statement).is_none_or(|parent| !parent.is(Kind::Module)) {
            group.verdict = Verdict::Needed;
            return;
        }
        let binding = semantic.binding(import.binding);
        let name = module.text(binding.name);
        let symbol = binding.symbol;
        let references = semantic.references_to(symbol);
        let strings: Vec<_> = semantic.string_names_to(symbol).collect();
        if references.is_empty() && strings.is_empty() {
            group.verdict = Verdict::Needed; // Unused: kept for its side effects.
            return;
        }
        if code_strings.iter().any(|code| code_names(code, name)) {
            group.verdict = Verdict::Needed; // Run by `exec` or `timeit` in this module's globals.
            return;
        }
        // Another import of the group may bind the name too (`import a` and `import a.b`).
        let in_group =
            |other: BindingId| group.imports.iter().any(|import| import.binding == other);
        if let Some(&other) = semantic.bindings_of(symbol).iter().find(|&&other| !in_group(other)) {
            let (line, _) = module.line_column(semantic.binding(other).name.start_byte());
            unfixable.get_or_insert(format!("`{name}` is also bound on line {line}"));
        }
        let uses = references
            .iter()
            .map(|&reference| {
                let reference = semantic.reference(reference);
                (reference.scope, reference.node.start_byte(), None)
            })
            .chain(strings.iter().map(|read| (read.scope, read.range.start, Some(read.string))));
        for (scope, at, string) in uses {
            let owner = runs_owner(semantic, scope);
            if every_run.iter().any(|(code, range)| *code == owner && range.contains(&at)) {
                group.verdict = Verdict::Needed; // Every run of the command uses it.
                return;
            }
            let Some(function) = function_to_import_in(semantic, scope) else {
                group.verdict = Verdict::Needed; // Used while the module is imported.
                return;
            };
            if let Some(annotated) = string.and_then(|string| signature_annotated(module, string)) {
                unfixable.get_or_insert(format!(
                    "a string annotation of `{annotated}` names it, and `typing.get_type_hints` \
                     looks such names up in the module's globals"
                ));
            }
            if let Some(trigger) = startup.trigger(function) {
                unfixable.get_or_insert(runs_at_start_reason(semantic, function, trigger));
            }
            let Some(statement) = body_statement_holding(semantic, function, at) else {
                unfixable.get_or_insert("a use could not be placed".to_string());
                continue;
            };
            let entry = group
                .uses
                .entry(function)
                .or_insert(FunctionUse { first_statement: statement, imports: BTreeSet::new() });
            if statement.start_byte() < entry.first_statement.start_byte() {
                entry.first_statement = statement;
            }
            entry.imports.insert(index);
        }
    }
    if unfixable.is_none() {
        unfixable = submodule_reached_elsewhere(semantic, group);
    }
    if unfixable.is_none() {
        unfixable = group
            .imports
            .iter()
            .any(|import| holds_comment(import.statement))
            .then(|| "a comment inside the import statement would be lost".to_string());
    }
    if let Some(reason) = unfixable {
        group.verdict = Verdict::Unfixable(reason);
    }
}

/// The functions that run before the command does, each with the
/// reference (a call, a decorator) that runs it: those that run while the
/// module is imported; in a `__main__.py`, whose module level is the
/// command, those that its module-level code other than call statements
/// (`main()`, `sys.exit(main())`) runs.
struct Startup {
    functions: HashMap<ScopeId, ReferenceId>,
    /// The `__main__` blocks: the command, not its start.
    guards: Vec<Range<usize>>,
}

impl Startup {
    fn of(context: &Context<'_>) -> Startup {
        let (module, semantic) = (context.module, context.semantic);
        let functions = if module.file_name == "__main__.py" {
            let guards = semantic.main_guards();
            let ranges: Vec<Range<usize>> = statements(module.root())
                .filter(|statement| {
                    !is_command_statement(*statement)
                        && !guards.iter().any(|guard| guard.id() == statement.id())
                })
                .map(|statement| statement.byte_range())
                .collect();
            semantic.scopes_run_by(&ranges).into_iter().collect()
        } else {
            (0..semantic.scopes().len())
                .map(ScopeId::new)
                .filter_map(|scope| Some((scope, semantic.import_trigger(scope)?)))
                .collect()
        };
        let guards = semantic.main_guards().iter().map(|guard| guard.byte_range()).collect();
        Startup { functions, guards }
    }

    /// `at` is in a `__main__` block.
    fn in_guard(&self, at: usize) -> bool {
        self.guards.iter().any(|guard| guard.contains(&at))
    }

    /// What runs `function` before the command does, if anything.
    fn trigger(&self, function: ScopeId) -> Option<ReferenceId> {
        self.functions.get(&function).copied()
    }

    /// Code at `at` in `scope` runs before the command: at module level
    /// outside the `__main__` block, or in a function (or a class or
    /// comprehension in one) that does.
    fn runs(&self, semantic: &Semantic<'_>, scope: ScopeId, at: usize) -> bool {
        let owner = semantic
            .ancestor_scopes(scope)
            .find(|&id| matches!(semantic.scope(id).kind, ScopeKind::Function | ScopeKind::Lambda));
        match owner {
            Some(function) => self.functions.contains_key(&function),
            None => !self.in_guard(at),
        }
    }
}

/// Why a function's code runs before the command does.
fn runs_at_start_reason(
    semantic: &Semantic<'_>,
    function: ScopeId,
    trigger: ReferenceId,
) -> String {
    let name = function_name(semantic, function);
    let node = semantic.reference(trigger).node;
    let module = semantic.module();
    let (line, _) = module.line_column(node.start_byte());
    format!(
        "`{name}`, which uses it, runs when the module is loaded, before the command (through \
         `{}` on line {line})",
        module.text(node)
    )
}

/// `main`, `Registry.__init__`, or `a lambda`.
fn function_name(semantic: &Semantic<'_>, function: ScopeId) -> String {
    let module = semantic.module();
    let scope = semantic.scope(function);
    let name = match scope.node.child_by_field_name("name") {
        Some(name) if scope.kind == ScopeKind::Function => module.text(name),
        _ => return "a lambda".to_string(),
    };
    let class = scope
        .parent
        .map(|parent| semantic.scope(parent))
        .filter(|parent| parent.kind == ScopeKind::Class);
    match class.and_then(|class| class.node.child_by_field_name("name")) {
        Some(class) => format!("{}.{name}", module.text(class)),
        None => name.to_string(),
    }
}

/// The function whose parameter or return annotation holds the string.
fn signature_annotated<'s>(module: &Module<'s>, string: Node<'_>) -> Option<&'s str> {
    let mut child = string;
    let mut current = module.parent(string);
    while let Some(ancestor) = current {
        match ancestor.py_kind() {
            Kind::FunctionDefinition => {
                let in_signature = ancestor.child_by_field_name("return_type") == Some(child)
                    || ancestor.child_by_field_name("parameters") == Some(child);
                return in_signature
                    .then(|| ancestor.child_by_field_name("name").map(|name| module.text(name)))
                    .flatten();
            }
            Kind::Block | Kind::Module | Kind::Lambda => return None,
            _ => {}
        }
        child = ancestor;
        current = module.parent(ancestor);
    }
    None
}

/// The texts of the string literals handed to code runners (`exec`,
/// `timeit.timeit("np.dot(a, b)")`).
fn code_strings<'t>(context: &Context<'t>) -> Vec<&'t str> {
    let (module, semantic) = (context.module, context.semantic);
    let mut texts = Vec::new();
    for call in module.nodes_of_kind(&[Kind::Call]) {
        let runs_code = call
            .child_by_field_name("function")
            .and_then(|function| semantic.qualified_name(function))
            .is_some_and(|name| CODE_RUNNERS.contains(&name.as_str()));
        let Some(arguments) = call.child_by_field_name("arguments").filter(|_| runs_code) else {
            continue;
        };
        visit(arguments, |node| {
            if matches!(node.py_kind(), Kind::String | Kind::ConcatenatedString) {
                texts.push(module.text(node));
                return Walk::Skip;
            }
            Walk::Descend
        });
    }
    texts
}

/// Code in a string names `word`, or imports everything from `__main__`.
fn code_names(text: &str, word: &str) -> bool {
    contains_word(text, word) || text.contains("__main__ import *")
}

fn root_of(module: &str) -> &str {
    module.split('.').next().unwrap_or(module)
}

/// What the modules imported under `module` (a dotted name) load besides
/// it: its parent packages, and the heavy modules it always imports.
fn loads(module: &str) -> Vec<String> {
    let mut loaded: Vec<String> = Vec::new();
    let mut prefix = String::new();
    for part in module.split('.') {
        if !prefix.is_empty() {
            prefix.push('.');
        }
        prefix.push_str(part);
        loaded.push(prefix.clone());
    }
    let root = root_of(module);
    for (importer, imported) in ALSO_IMPORTS {
        if *importer == root {
            loaded.extend(imported.iter().map(|name| name.to_string()));
        }
    }
    loaded
}

/// Groups the tool loads at start anyway become `Needed`: the module's own
/// package and what it always imports, and what the imports that stay (of
/// other modules, in functions that run at import, of groups that cannot
/// move) load. Settles like a fixpoint: a group that stays loads more.
fn settle_loaded(
    context: &Context<'_>,
    startup: &Startup,
    groups: &mut BTreeMap<String, Group<'_, '_>>,
) {
    let semantic = context.semantic;
    let grouped: BTreeSet<usize> = groups
        .values()
        .flat_map(|group| group.imports.iter().map(|import| import.binding.index()))
        .collect();
    let mut loaded: BTreeSet<String> = BTreeSet::new();
    if let Some(package) = context.settings.module.package_root() {
        loaded.extend(loads(package));
    }
    // Every other import the module runs while it is imported.
    for import in semantic.imports() {
        let scope = semantic.binding(import.binding).scope;
        let at_import = startup.runs(semantic, scope, import.statement.start_byte());
        if at_import
            && !grouped.contains(&import.binding.index())
            && is_executed(context.module, import.statement)
            && !import.module.starts_with('.')
        {
            let heavy = heavy_of(&import.module, &context.settings.heavy_modules);
            // A function that runs at import imports a heavy module moving would defer.
            if scope != semantic.module_scope()
                && let Some(group) = heavy.as_ref().and_then(|heavy| groups.get_mut(heavy))
            {
                if matches!(group.verdict, Verdict::Movable) {
                    let function = function_name(semantic, runs_owner(semantic, scope));
                    group.verdict = Verdict::Unfixable(format!(
                        "`{function}`, which runs when the module is loaded, before the \
                         command, imports it too"
                    ));
                }
                let others = loads(&import.module)
                    .into_iter()
                    .filter(|module| Some(module) != heavy.as_ref());
                loaded.extend(others);
                continue;
            }
            loaded.extend(loads(&import.module));
        }
    }
    let reported = |verdict: &Verdict| !matches!(verdict, Verdict::Needed);
    loop {
        let mut changed = false;
        // What the groups that stay at module level load (each but itself).
        let staying: Vec<(String, Vec<String>)> = groups
            .values()
            .filter(|group| !matches!(group.verdict, Verdict::Movable))
            .map(|group| {
                let modules = group.imports.iter().flat_map(|import| loads(&import.module));
                (group.heavy.clone(), modules.collect())
            })
            .collect();
        for group in groups.values_mut().filter(|group| reported(&group.verdict)) {
            let by_others = staying
                .iter()
                .filter(|(heavy, _)| *heavy != group.heavy)
                .flat_map(|(_, modules)| modules);
            let is_loaded = |module: &String| *module == group.heavy;
            if loaded.contains(&group.heavy) || by_others.clone().any(is_loaded) {
                group.verdict = Verdict::Needed;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// The function (or lambda) whose running makes `scope` run.
fn runs_owner(semantic: &Semantic<'_>, scope: ScopeId) -> ScopeId {
    semantic
        .ancestor_scopes(scope)
        .find(|&id| matches!(semantic.scope(id).kind, ScopeKind::Function | ScopeKind::Lambda))
        .unwrap_or(scope)
}

// ----- the finding and its fix -----

fn report(
    context: &Context<'_>,
    group: Group<'_, '_>,
    deleted_by_others: &[Range<usize>],
) -> Option<Diagnostic> {
    let module = context.module;
    let first = group.imports.first()?.statement;
    let mut modules: Vec<String> =
        group.imports.iter().map(|import| format!("`{}`", import.module)).collect();
    modules.dedup();
    let message = format!(
        "{} imported when the command-line tool starts, though only functions use it: every \
         run pays for the import, even `--help`",
        modules.join(", ")
    );
    match group.verdict {
        Verdict::Needed => None,
        Verdict::Unfixable(reason) => {
            Some(META.report(first.byte_range(), format!("{message}; no fix: {reason}")))
        }
        Verdict::Movable => {
            let diagnostic = META.report(first.byte_range(), message.clone());
            let semantic = context.semantic;
            let moving =
                Moving { imports: &group.imports, uses: &group.uses, sorted_before: &group.heavy };
            let parses = |statement: Node<'_>| parses_arguments(semantic, statement);
            match move_imports(semantic, &moving, deleted_by_others, &parses) {
                Ok(edits) => {
                    let moved: Vec<String> = group
                        .imports
                        .iter()
                        .map(|import| {
                            module.text(semantic.binding(import.binding).name).to_string()
                        })
                        .collect();
                    // The moved names now resolve to each function's own import.
                    Some(diagnostic.with_fix(Some(Fix::unsafe_(edits).rebinding(moved))))
                }
                Err(reason) => {
                    Some(META.report(first.byte_range(), format!("{message}; no fix: {reason}")))
                }
            }
        }
    }
}

/// Importing `a.b.c` also sets the attributes `a.b` and `a.b.c` of the
/// package: a function that reaches them through another import of `a`
/// (`import a` ... `a.b.c.f()`) must get the submodule's import too, or
/// depend on another function having run first.
fn submodule_reached_elsewhere(semantic: &Semantic<'_>, group: &Group<'_, '_>) -> Option<String> {
    let source = semantic.module().source;
    for (index, import) in group.imports.iter().enumerate() {
        // `import a.b` imports `a.b`; `from a import b` may import the submodule
        // `a.b`, unless `b` is a class (`DataFrame`: modules are lower case).
        let member_is_class =
            import.member.is_some_and(|member| member.starts_with(|c: char| c.is_uppercase()));
        let qualified = Some(import.qualified.as_str()).filter(|_| !member_is_class);
        for submodule in [Some(import.module.as_str()), qualified].into_iter().flatten() {
            if !submodule.contains('.') {
                continue;
            }
            for other in group.imports.iter().filter(|other| other.binding != import.binding) {
                let symbol = semantic.binding(other.binding).symbol;
                for &reference in semantic.references_to(symbol) {
                    let reference = semantic.reference(reference);
                    // `a.b` after `import a`: is `a.b` this import's submodule (or on the way to it)?
                    let node = reference.node;
                    let Some(attribute) = node
                        .parent()
                        .filter(|parent| {
                            parent.is(Kind::Attribute)
                                && parent.child_by_field_name("object") == Some(node)
                        })
                        .and_then(|parent| parent.child_by_field_name("attribute"))
                    else {
                        continue;
                    };
                    let path = format!("{}.{}", other.qualified, &source[attribute.byte_range()]);
                    let reaches = submodule == path || submodule.starts_with(&format!("{path}."));
                    let imports_it = function_to_import_in(semantic, reference.scope)
                        .and_then(|function| group.uses.get(&function))
                        .is_some_and(|function_use| function_use.imports.contains(&index));
                    if reaches && !imports_it {
                        let place = function_to_import_in(semantic, reference.scope).map_or_else(
                            || "code".to_string(),
                            |function| format!("`{}`", function_name(semantic, function)),
                        );
                        return Some(format!(
                            "{place} reaches `{submodule}` as an attribute of `{}` and would not \
                             import it",
                            other.qualified
                        ));
                    }
                }
            }
        }
    }
    None
}

//! # import-path-hack (PF014)
//!
//! ## What it does
//! Finds library modules that change the import path while they are
//! imported: `sys.path.insert()`, `.append()` and `.extend()`, `sys.path
//! += [...]`, `sys.path[0:0] = [...]`, `sys.path = [...] + sys.path`,
//! `site.addsitedir()`, and writes of `PYTHONPATH` to the environment
//! (`os.environ["PYTHONPATH"] = ...`, `.setdefault()`, `.update()`,
//! `os.putenv()`), at module level or in a function that runs at import.
//! Names are resolved: `from sys import path` then `path.insert(0, d)`, or
//! `import sys as _sys`, are found; a local `path` list is not `sys.path`.
//!
//! Only library code is reported, where the edit reaches every program
//! that imports the package. These are left alone:
//! - scripts and entry points: `__main__.py`, a module with an `if __name__
//!   == "__main__":` block or a `#!` line, a module the packaging declares
//!   a command (`[project.scripts]`, `console_scripts`) unless it is a
//!   package's `__init__.py` (which every module of the package imports),
//!   a module outside
//!   any package (a lone `tool.py`, a folder of scripts without
//!   `__init__.py`), a file whose name is no module name (`run-tests.py`),
//!   modules under a folder or package named `scripts`, `tools`, `bin`,
//!   `examples`, `benchmarks` or `docs` (below the project root), and
//!   bootstrap modules, whose job is setting up the path
//!   (`pyiboot01_bootstrap.py`);
//! - configuration files that tools execute: `setup.py`, Sphinx's
//!   `conf.py`, `conftest.py`, `noxfile.py`, `tasks.py`, `fabfile.py`,
//!   `manage.py`, `sitecustomize.py`;
//! - test code (test modules, test classes and functions, folders and
//!   packages named `tests`, `test` or `testing`);
//! - edits that run only on demand (in a function nobody calls at import,
//!   or under the `__main__` block), and edits undone afterwards: in a
//!   `try` whose `finally` restores the path, or followed in the same
//!   block by `sys.path.remove()`, `.pop()` or `sys.path[:] = saved`.
//!
//! ## Why is this bad?
//! `sys.path` belongs to the program, not to a library. A library that
//! edits it on import changes where every later import of the process
//! looks: a folder put first shadows installed packages and the standard
//! library (a `logging.py` or `utils.py` in it wins), a folder put last
//! quietly supplies a module the environment lacks, and the same import
//! gives different modules depending on which package was imported
//! first. Type checkers, IDEs and packaging tools do not see the edit, so
//! the imports it enables look broken to them. The edit usually stands in
//! for installing the package: install it (`pip install -e .` while
//! developing) and import its modules as `package.module` or with relative
//! imports (`from . import module`).
//!
//! Vendored packages put on the path (`sys.path.insert(0, ".../_vendor")`)
//! are the same problem: the vendored copy and an installed copy shadow
//! each other. pip vendors without touching the path: its vendoring tool
//! rewrites the vendored packages' imports to `pip._vendor.name`.
//!
//! Writing `PYTHONPATH` changes the import path of every subprocess started
//! afterwards, including those of unrelated code; pass `env=` to the one
//! subprocess that needs it.
//!
//! ## Example
//! ```python
//! # mypackage/plugins.py
//! import os
//! import sys
//!
//! sys.path.insert(0, os.path.dirname(__file__))
//!
//! import helpers
//! ```
//!
//! Use instead:
//! ```python
//! # mypackage/plugins.py
//! from . import helpers
//! ```
//!
//! ## Fix safety
//! No fix: what replaces the edit depends on the project (install the
//! package, turn the import into a relative or package import, rewrite
//! vendored imports), and removing the edit alone breaks the imports that
//! rely on it.

use tree_sitter::Node;

use crate::rule::{Context, Diagnostic, FileInfo, FixKind, RuleMeta, Transform};
use crate::semantic::Semantic;
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::scan::{Kind as ScanKind, Scan};
use crate::syntax::walk::{Walk, statements, visit};
use crate::transforms::helpers::except_handler::is_test_code;

pub struct ImportPathHack;

static META: RuleMeta = RuleMeta {
    code: "PF014",
    name: "import-path-hack",
    fix: FixKind::None,
    source: include_str!("import_path_hack.rs"),
    aliases: &[],
};

/// Calls that add to the import path.
const PATH_CALLS: &[&str] =
    &["sys.path.insert", "sys.path.append", "sys.path.extend", "site.addsitedir"];

/// Calls that take entries off the import path or put a saved one back.
const RESTORE_CALLS: &[&str] = &["sys.path.remove", "sys.path.pop", "sys.path.clear"];

/// Files that tools execute rather than import (configuration, task files).
const TOOL_FILES: &[&str] = &[
    "__main__",
    "setup",
    "conf",
    "conftest",
    "noxfile",
    "tasks",
    "fabfile",
    "dodo",
    "pavement",
    "manage",
    "site",
    "sitecustomize",
    "usercustomize",
];

/// Names of packages and folders whose modules are scripts, tests or
/// documentation.
const SCRIPT_FOLDERS: &[&str] = &[
    "scripts",
    "script",
    "tools",
    "bin",
    "examples",
    "example",
    "benchmarks",
    "benchmark",
    "bench",
    "docs",
    "doc",
    "demo",
    "demos",
    "tests",
    "test",
    "testing",
    "t",
];

impl Transform for ImportPathHack {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Only in a library module (its name and place say so); there, an
    /// edit of the path names `sys` (its import) and writes `.path`
    /// followed by `.insert`, `.append`, `.extend`, `=`, `+=` or `[` (after
    /// `from sys import`, any `path` so followed, or `path as`); `site.addsitedir` names
    /// `addsitedir`; a write of the environment has `PYTHONPATH` in a string
    /// or a keyword.
    fn may_match(&self, scan: &Scan<'_>, file: &FileInfo<'_>) -> bool {
        if !is_library_file(file, scan.source) {
            return false;
        }
        let tokens = &scan.tokens;
        let is = |index: usize, text: &str| tokens.get(index).is_some_and(|t| scan.is(t, text));
        let mut sys = false;
        let mut from_sys = false;
        let mut edit = false;
        let mut bare_edit = false;
        for (index, token) in tokens.iter().enumerate() {
            match token.kind {
                ScanKind::Name => {
                    if scan.is(token, "addsitedir") || scan.is(token, "PYTHONPATH") {
                        return true;
                    }
                    if scan.is(token, "sys") {
                        sys = true;
                        from_sys |= index > 0 && is(index - 1, "from") && is(index + 1, "import");
                    } else if scan.is(token, "path") {
                        let edits = ["=", "+=", "["].iter().any(|op| is(index + 1, op))
                            || (is(index + 1, ".")
                                && ["insert", "append", "extend"]
                                    .iter()
                                    .any(|name| is(index + 2, name)));
                        if edits && index > 0 && is(index - 1, ".") {
                            edit = true;
                        } else if (edits && !is(index + 1, "=")) || is(index + 1, "as") {
                            bare_edit = true;
                        }
                    }
                }
                ScanKind::String if contains(scan.text(token), b"PYTHONPATH") => return true,
                _ => {}
            }
        }
        sys && (edit || (from_sys && bare_edit))
    }

    /// Every body of a file that may match matters: a function the module
    /// calls while it is imported runs its edits then, through any chain of
    /// calls. Such files are few.
    fn may_need_definition(&self, _view: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        true
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let module = context.module;
        if module.is_stub || !is_library_module(context) {
            return Vec::new();
        }
        let semantic = context.semantic;
        let mut diagnostics = Vec::new();
        for node in module.nodes_of_kind(&[Kind::Call, Kind::Assignment, Kind::AugmentedAssignment])
        {
            let Some(edit) = path_edit(semantic, node) else { continue };
            if !semantic.runs_at_import_time(node)
                || is_test_code(module, node)
                || is_switched_off(module, node)
                || is_undone(semantic, node, edit.target)
            {
                continue;
            }
            diagnostics.push(META.report(node.byte_range(), message(module, node, &edit)));
        }
        diagnostics
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// What an edit changes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    SysPath,
    Environment,
}

struct PathEdit {
    target: Target,
    /// How the user wrote it, for the message (`sys.path.insert()`).
    what: String,
}

/// The module is library code that others import: in a package (or of
/// unknown location, judged by its content), not a script, an entry
/// point, a tool's configuration file or a test.
fn is_library_module(context: &Context<'_>) -> bool {
    let module = context.module;
    let file = FileInfo { file_name: &module.file_name, settings: context.settings };
    is_library_file(&file, module.source.as_bytes())
        && (is_init(&module.file_name) || !context.semantic.is_entry_point())
        && !statements(module.root()).any(|statement| runs_program(context.semantic, statement))
}

/// A package's `__init__.py`, imported by every module of the package
/// whatever `__main__` block or command it also holds.
fn is_init(file_name: &str) -> bool {
    file_stem(file_name) == "__init__"
}

/// The file's name without its folders and its `.py` or `.pyw`.
fn file_stem(file_name: &str) -> &str {
    let file = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    file.strip_suffix(".pyw").or_else(|| file.strip_suffix(".py")).unwrap_or(file)
}

/// What a library module's name, place and first bytes must be, known
/// before the file is parsed (the prefilter asks it too): not a tool's
/// file, a command, a module outside any package, under a script or test
/// folder, a bootstrap module, or a file that starts with `#!`.
fn is_library_file(file: &FileInfo<'_>, source: &[u8]) -> bool {
    let name = file.file_name.rsplit(['/', '\\']).next().unwrap_or(file.file_name);
    let stem = file_stem(file.file_name);
    if TOOL_FILES.contains(&stem) || (name != "-" && !is_identifier(stem)) {
        return false;
    }
    let location = &file.settings.module;
    if (location.command && !is_init(file.file_name))
        || (location.name.is_some() && !location.in_package)
    {
        return false;
    }
    let packages = location.name.as_deref().unwrap_or("");
    let script_folder = |part: &str| {
        SCRIPT_FOLDERS.contains(&part) || part.starts_with("test_") || part.ends_with("_tests")
    };
    if packages.split('.').any(script_folder)
        || location.folders.iter().any(|folder| script_folder(folder))
        || stem.contains("bootstrap")
    {
        return false;
    }
    !source.starts_with(b"#!")
}

/// A module-level statement that runs a program, as a script does at its
/// end: `main()`, `cli.main()`, `sys.exit(main())`, `raise SystemExit(main())`.
fn runs_program(semantic: &Semantic<'_>, statement: Node<'_>) -> bool {
    let module = semantic.module();
    let expression = match statement.py_kind() {
        Kind::ExpressionStatement | Kind::RaiseStatement => statement.named_child(0),
        _ => None,
    };
    let Some(call) = expression.filter(|node| node.is(Kind::Call)) else { return false };
    let Some(function) = call.child_by_field_name("function") else { return false };
    let name = module.text(function).rsplit('.').next().unwrap_or("");
    matches!(name, "main" | "SystemExit")
        || semantic.qualified_name(function).as_deref() == Some("sys.exit")
}

/// The edit sits under a module-level `if SWITCH:` whose switch the module
/// only ever sets to `False`: a hook for redistributors, off as shipped
/// (pip's `if DEBUNDLED:`).
fn is_switched_off(module: &Module<'_>, node: Node<'_>) -> bool {
    let mut current = module.parent(node);
    while let Some(ancestor) = current {
        if ancestor.is(Kind::IfStatement)
            && module.parent(ancestor).is_some_and(|parent| parent.is(Kind::Module))
            && let Some(condition) = ancestor.child_by_field_name("condition")
            && condition.is(Kind::Identifier)
        {
            let switch = module.text(condition);
            let mut values = statements(module.root()).filter_map(|statement| {
                let assignment = statement.named_child(0).filter(|child| {
                    statement.is(Kind::ExpressionStatement) && child.is(Kind::Assignment)
                })?;
                let left = assignment.child_by_field_name("left")?;
                (module.text(left) == switch).then(|| {
                    assignment.child_by_field_name("right").map(|right| module.text(right))
                })
            });
            let mut any = false;
            if values.all(|value| {
                any = true;
                value == Some("False")
            }) && any
            {
                return true;
            }
        }
        current = module.parent(ancestor);
    }
    false
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|first| first.is_alphabetic() || first == '_')
        && chars.all(|rest| rest.is_alphanumeric() || rest == '_')
}

/// `node` (a call or an assignment) adds to the import path, or writes
/// `PYTHONPATH`.
fn path_edit(semantic: &Semantic<'_>, node: Node<'_>) -> Option<PathEdit> {
    let module = semantic.module();
    let qualified = |node: Node<'_>| semantic.qualified_name(node);
    match node.py_kind() {
        Kind::Call => {
            let function = node.child_by_field_name("function")?;
            let name = qualified(function)?;
            let what = format!("{}()", module.text(function));
            if PATH_CALLS.contains(&name.as_str()) {
                return Some(PathEdit { target: Target::SysPath, what });
            }
            let writes_pythonpath = match name.as_str() {
                "os.environ.setdefault" | "os.putenv" => first_argument_is_pythonpath(module, node),
                "os.environ.update" => names_pythonpath(module, node),
                _ => false,
            };
            writes_pythonpath.then_some(PathEdit { target: Target::Environment, what })
        }
        Kind::AugmentedAssignment => {
            let left = node.child_by_field_name("left")?;
            if qualified(left).as_deref() == Some("sys.path") {
                return Some(PathEdit {
                    target: Target::SysPath,
                    what: format!("{} +=", module.text(left)),
                });
            }
            is_pythonpath_item(semantic, left).then(|| PathEdit {
                target: Target::Environment,
                what: format!("{} +=", module.text(left)),
            })
        }
        Kind::Assignment => {
            let left = node.child_by_field_name("left")?;
            let right = node.child_by_field_name("right")?;
            let what = format!("{} =", module.text(left));
            if is_pythonpath_item(semantic, left) {
                return Some(PathEdit { target: Target::Environment, what });
            }
            let adds = match left.py_kind() {
                // `sys.path = [here] + sys.path`: a restore (`sys.path =
                // saved`) names no `sys.path` on the right.
                Kind::Attribute => {
                    qualified(left).as_deref() == Some("sys.path") && extends_path(semantic, right)
                }
                // `sys.path[0:0] = [here]`; `sys.path[:] = [here] + sys.path`.
                Kind::Subscript => {
                    let value = left.child_by_field_name("value")?;
                    let slice = left.named_child(1)?;
                    qualified(value).as_deref() == Some("sys.path")
                        && slice.is(Kind::Slice)
                        && (module.text(slice).trim() != ":" || extends_path(semantic, right))
                }
                _ => false,
            };
            adds.then_some(PathEdit { target: Target::SysPath, what })
        }
        _ => None,
    }
}

/// `right` builds a list from `sys.path` and more: `[here] + sys.path`.
fn extends_path(semantic: &Semantic<'_>, right: Node<'_>) -> bool {
    if !right.is(Kind::BinaryOperator) {
        return false;
    }
    let mut found = false;
    visit(right, |node| {
        if found {
            return Walk::Stop;
        }
        if matches!(node.py_kind(), Kind::Attribute | Kind::Identifier)
            && semantic.qualified_name(node).as_deref() == Some("sys.path")
        {
            found = true;
            return Walk::Stop;
        }
        Walk::Descend
    });
    found
}

/// `os.environ["PYTHONPATH"]`.
fn is_pythonpath_item(semantic: &Semantic<'_>, node: Node<'_>) -> bool {
    if !node.is(Kind::Subscript) {
        return false;
    }
    let module = semantic.module();
    node.child_by_field_name("value")
        .is_some_and(|value| semantic.qualified_name(value).as_deref() == Some("os.environ"))
        && node.named_child(1).is_some_and(|key| is_pythonpath_string(module, key))
}

fn is_pythonpath_string(module: &Module<'_>, node: Node<'_>) -> bool {
    node.is(Kind::String)
        && module
            .text(node)
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .trim_matches(|c: char| c == '"' || c == '\'')
            == "PYTHONPATH"
}

fn first_argument_is_pythonpath(module: &Module<'_>, call: Node<'_>) -> bool {
    call.child_by_field_name("arguments")
        .and_then(|arguments| arguments.named_child(0))
        .is_some_and(|first| is_pythonpath_string(module, first))
}

/// `os.environ.update({"PYTHONPATH": ...})` or `update(PYTHONPATH=...)`.
fn names_pythonpath(module: &Module<'_>, call: Node<'_>) -> bool {
    let Some(arguments) = call.child_by_field_name("arguments") else { return false };
    let mut found = false;
    visit(arguments, |node| {
        if found {
            return Walk::Stop;
        }
        match node.py_kind() {
            Kind::KeywordArgument => {
                found = node
                    .child_by_field_name("name")
                    .is_some_and(|name| module.text(name) == "PYTHONPATH");
                Walk::Skip
            }
            Kind::Pair => {
                found = node
                    .child_by_field_name("key")
                    .is_some_and(|key| is_pythonpath_string(module, key));
                Walk::Skip
            }
            Kind::Dictionary | Kind::ArgumentList => Walk::Descend,
            _ => Walk::Skip,
        }
    });
    found
}

/// The edit is undone: it is in the body of a `try` whose `finally`
/// restores the path, or a later statement of its block does.
fn is_undone(semantic: &Semantic<'_>, node: Node<'_>, target: Target) -> bool {
    let module = semantic.module();
    let mut child = node;
    let mut current = module.parent(node);
    while let Some(ancestor) = current {
        match ancestor.py_kind() {
            Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => return false,
            Kind::TryStatement => {
                let in_body = ancestor
                    .child_by_field_name("body")
                    .is_some_and(|body| body.id() == child.id());
                let mut cursor = ancestor.walk();
                let finally = ancestor
                    .named_children(&mut cursor)
                    .find(|clause| clause.is(Kind::FinallyClause));
                if in_body && finally.is_some_and(|clause| restores(semantic, clause, target, true))
                {
                    return true;
                }
            }
            Kind::Block | Kind::Module => {
                let mut sibling = child.next_named_sibling();
                while let Some(statement) = sibling {
                    if restores(semantic, statement, target, false) {
                        return true;
                    }
                    sibling = statement.next_named_sibling();
                }
            }
            _ => {}
        }
        child = ancestor;
        current = module.parent(ancestor);
    }
    false
}

/// `code` takes entries off the path or puts a saved one back:
/// `sys.path.remove(here)`, `sys.path.pop(0)`, `sys.path[:] = saved`,
/// `sys.path = saved`, `del sys.path[0]`; for the environment,
/// `os.environ.pop("PYTHONPATH")`, `del os.environ["PYTHONPATH"]`, and in a
/// `finally` clause (`in_finally`) any write of `PYTHONPATH` or of the whole
/// `os.environ` (`os.environ["PYTHONPATH"] = old`).
fn restores(semantic: &Semantic<'_>, code: Node<'_>, target: Target, in_finally: bool) -> bool {
    let module = semantic.module();
    let is_path = |node: Node<'_>| semantic.qualified_name(node).as_deref() == Some("sys.path");
    let is_environ =
        |node: Node<'_>| semantic.qualified_name(node).as_deref() == Some("os.environ");
    let mut found = false;
    visit(code, |node| {
        if found {
            return Walk::Stop;
        }
        found =
            match (node.py_kind(), target) {
                (Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda, _) => {
                    return Walk::Skip;
                }
                (Kind::Call, Target::SysPath) => {
                    node.child_by_field_name("function").is_some_and(|function| {
                        semantic
                            .qualified_name(function)
                            .is_some_and(|name| RESTORE_CALLS.contains(&name.as_str()))
                    })
                }
                (Kind::Assignment, Target::SysPath) => {
                    path_edit(semantic, node).is_none()
                        && node.child_by_field_name("left").is_some_and(|left| {
                            is_path(left)
                                || (left.is(Kind::Subscript)
                                    && left.child_by_field_name("value").is_some_and(is_path))
                        })
                }
                (Kind::DeleteStatement, Target::SysPath) => {
                    let mut named = false;
                    visit(node, |inner| {
                        if is_path(inner) {
                            named = true;
                            return Walk::Stop;
                        }
                        Walk::Descend
                    });
                    named
                }
                (Kind::Call, Target::Environment) => node
                    .child_by_field_name("function")
                    .is_some_and(|function| match semantic.qualified_name(function).as_deref() {
                        Some("os.environ.pop" | "os.unsetenv") => {
                            first_argument_is_pythonpath(module, node)
                        }
                        Some("os.environ.clear") => true,
                        Some("os.environ.update") => in_finally,
                        _ => false,
                    }),
                (Kind::DeleteStatement, Target::Environment) => {
                    module.text(node).contains("PYTHONPATH")
                }
                (Kind::String, Target::Environment) => {
                    in_finally && module.text(node).contains("PYTHONPATH")
                }
                (Kind::Attribute, Target::Environment) => {
                    in_finally
                        && module.parent(node).is_some_and(|parent| parent.is(Kind::Assignment))
                        && is_environ(node)
                }
                _ => false,
            };
        if found { Walk::Stop } else { Walk::Descend }
    });
    found
}

/// What the finding says: the edit, what it does, and what to do instead.
fn message(module: &Module<'_>, node: Node<'_>, edit: &PathEdit) -> String {
    let what = &edit.what;
    if edit.target == Target::Environment {
        return format!(
            "`{what}` at import time: every subprocess started afterwards gets this import path; \
             install the package (`pip install -e .`) and pass `env=` to the subprocess that \
             needs it"
        );
    }
    let text = module.text(node).to_ascii_lowercase();
    if ["vendor", "extern", "third_party", "thirdparty"].iter().any(|word| text.contains(word)) {
        return format!(
            "`{what}` at import time puts vendored packages on the import path of the whole \
             process, where they and installed copies shadow each other; rewrite their imports \
             to this package's namespace (`from ._vendor import name`), as pip's vendoring does"
        );
    }
    format!(
        "`{what}` at import time changes where every later import of the process looks; install \
         the package (`pip install -e .`) and use package or relative imports instead"
    )
}

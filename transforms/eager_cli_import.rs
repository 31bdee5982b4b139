//! # eager-cli-import (PF005)
//!
//! ## What it does
//! In a module that is a command-line entry point (it has an
//! `if __name__ == "__main__":` block, or is a `__main__.py`), finds a
//! module-level import of a heavy module whose names are used only inside
//! function bodies, when those functions are called. The heavy modules are
//! pandas, numpy, scipy, matplotlib, torch, tensorflow, sklearn, sympy,
//! polars, pyarrow, cv2, transformers, plotly, seaborn, requests and boto3,
//! with their submodules (`matplotlib.pyplot`).
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
//! import pandas as pd
//!
//! def main():
//!     args = argparse.ArgumentParser().parse_args()
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
//!
//! def main():
//!     args = argparse.ArgumentParser().parse_args()
//!     import pandas as pd
//!     frame = pd.read_csv(args.path)
//!     print(frame.describe())
//!
//! if __name__ == "__main__":
//!     main()
//! ```
//!
//! The import moves into each function that uses it, just before the first
//! statement of the function's body that uses it (so that argument parsing
//! and `--help` come first), in the function's indentation. Aliases stay
//! (`import a as b`, `from a import b as c`); a function imports only the
//! names it uses. A trailing comment on the import moves with it. A method
//! gets the import in its own body; a function nested in another gets it
//! in the outer one.
//!
//! Not moved, and not reported: names also used at module level, in class
//! bodies, decorators, defaults or annotations of module-level definitions
//! (even under `from __future__ import annotations`, as type checkers and
//! `typing.get_type_hints` still look them up there), or in a lambda
//! outside any function; names bound again elsewhere or declared `global`;
//! imports under `try:` or `if TYPE_CHECKING:` (any import not at the top
//! level of the module); imports that also bring in a module that is not
//! heavy; a submodule (`import scipy.linalg as la`) that other code reaches
//! as an attribute of its package (`scipy.linalg.norm` after `import
//! scipy`); unused imports. Library modules (no entry point) are never
//! touched, nor is a module with `from x import *`, whose names could come
//! from anywhere.
//!
//! ## Fix safety
//! Unsafe: the import's side effects (registering plugins, setting
//! environment or warnings state, making a submodule an attribute of its
//! package) now happen when a function first runs, or not at all; an import
//! error surfaces at call time instead of at start-up; and the name is no
//! longer an attribute of this module, so code that reaches it from outside
//! or through a string no longer finds it: `from tool import pd`,
//! `mock.patch("tool.pd")`, doctests, `globals()["pd"]`.

use std::collections::BTreeMap;
use std::ops::Range;

use tree_sitter::Node;

use crate::rule::fix::{Edit, Fix};
use crate::rule::{Context, Diagnostic, FileInfo, FixKind, RuleMeta, Transform};
use crate::semantic::{Import, ScopeId, ScopeKind, Semantic};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::scan::{Kind as ScanKind, Scan, Token};
use crate::syntax::walk::{Walk, statements, visit};

pub struct EagerCliImport;

static META: RuleMeta = RuleMeta {
    code: "PF005",
    name: "eager-cli-import",
    fix: FixKind::Unsafe,
    source: include_str!("eager_cli_import.rs"),
    aliases: &[],
};

impl Transform for EagerCliImport {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A finding needs an entry point (a `__main__.py`, or `__name__` beside
    /// a `"__main__"` string) and an import statement that names the first
    /// part of a heavy module.
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
        if file.file_name != "__main__.py" && !has_main_guard() {
            return false;
        }
        heavy_imports(scan, file).next().is_some()
    }

    /// Every use of a heavy import's names, in every function, decides
    /// whether it moves: a definition matters when it names any name the
    /// import statement holds. Not only the names it binds: a use of the
    /// package through another import (`mpl.pyplot` beside `import
    /// matplotlib.pyplot`, see `submodule_reached_elsewhere`) names a part
    /// of the module's path.
    fn may_need_definition(&self, view: &Scan<'_>, file: &FileInfo<'_>) -> bool {
        let keywords: [&[u8]; 3] = [b"import", b"from", b"as"];
        let names: Vec<&[u8]> = heavy_imports(view, file)
            .flatten()
            .filter(|token| token.kind == ScanKind::Name)
            .map(|token| view.text(token))
            .filter(|name| !keywords.contains(name))
            .collect();
        let region = view.region.start as u32..view.region.end as u32;
        view.tokens
            .iter()
            .filter(|token| token.kind == ScanKind::Name && region.contains(&token.start))
            .any(|token| names.contains(&view.text(token)))
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let (module, semantic) = (context.module, context.semantic);
        if module.is_stub || !semantic.is_entry_point() || semantic.has_star_import() {
            return Vec::new();
        }
        statements(module.root())
            .filter(|statement| {
                matches!(statement.py_kind(), Kind::ImportStatement | Kind::ImportFromStatement)
            })
            .filter_map(|statement| check_import(context, statement))
            .collect()
    }
}

/// The module-level import statements (as tokens) that name the first part
/// of a heavy module. Only those, not imports under `if` or `try`, move.
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

/// Where one function uses names of the import: the first statement of its
/// body that does, and which of the statement's names it uses.
struct Use<'t> {
    first_statement: Node<'t>,
    imports: Vec<usize>,
}

fn check_import(context: &Context<'_>, statement: Node<'_>) -> Option<Diagnostic> {
    let semantic = context.semantic;
    let imports: Vec<&Import<'_>> = semantic
        .imports()
        .iter()
        .filter(|import| import.statement.id() == statement.id())
        .collect();
    let heavy = |import: &&Import<'_>| is_heavy(&import.module, &context.settings.heavy_modules);
    if imports.is_empty()
        || !imports.iter().all(heavy)
        || submodule_reached_elsewhere(semantic, &imports)
    {
        return None;
    }
    // Function scope -> its use of the import's names; ordered so that edits come out in source order.
    let mut uses: BTreeMap<ScopeId, Use<'_>> = BTreeMap::new();
    for (index, import) in imports.iter().enumerate() {
        let symbol = semantic.binding(import.binding).symbol;
        if semantic.bindings_of(symbol).len() != 1 {
            return None; // Bound again, or declared `global` somewhere.
        }
        for &reference in semantic.references_to(symbol) {
            let reference = semantic.reference(reference);
            let function = function_to_import_in(semantic, reference.scope)?;
            let body_statement = body_statement_holding(semantic, function, reference.node)?;
            let entry = uses
                .entry(function)
                .or_insert(Use { first_statement: body_statement, imports: Vec::new() });
            if body_statement.start_byte() < entry.first_statement.start_byte() {
                entry.first_statement = body_statement;
            }
            if !entry.imports.contains(&index) {
                entry.imports.push(index);
            }
        }
    }
    if uses.is_empty() {
        return None; // Unused: moving it would only drop its side effects.
    }
    let mut modules: Vec<String> =
        imports.iter().map(|import| format!("`{}`", import.module)).collect();
    modules.dedup();
    Some(
        META.report(
            statement.byte_range(),
            format!(
                "{} imported when the command-line tool starts, though only functions use it: \
             every run pays for the import, even `--help`",
                modules.join(", ")
            ),
        )
        .with_fix(move_import(context.module, statement, &imports, &uses).map(|edits| {
            // The moved names now resolve to each function's own import.
            let moved = imports.iter().map(|import| semantic.binding(import.binding).name);
            Fix::unsafe_(edits).rebinding(moved.map(|name| context.module.text(name).to_string()))
        })),
    )
}

/// Importing `a.b.c` also sets the attributes `a.b` and `a.b.c` of the
/// package: code that reaches them through another import of `a`
/// (`import a` ... `a.b.c.f()`) depends on this import having run first.
fn submodule_reached_elsewhere(semantic: &Semantic<'_>, imports: &[&Import<'_>]) -> bool {
    let statement = imports[0].statement;
    // `import a.b` imports `a.b`; `from a import b` may import the submodule `a.b`.
    let submodules: Vec<&str> = imports
        .iter()
        .flat_map(|import| [import.module.as_str(), import.qualified.as_str()])
        .filter(|module| module.contains('.'))
        .collect();
    let root = |module: &str| module.split('.').next().unwrap_or_default().to_string();
    let source = semantic.module().source;
    submodules.iter().any(|submodule| {
        let others = semantic.imports().iter().filter(|other| {
            other.statement.id() != statement.id() && root(&other.qualified) == root(submodule)
        });
        others.into_iter().any(|other| {
            let symbol = semantic.binding(other.binding).symbol;
            semantic.references_to(symbol).iter().any(|&reference| {
                // `a.b` after `import a`: is `a.b` this import's submodule (or on the way to it)?
                let node = semantic.reference(reference).node;
                let Some(attribute) = node
                    .parent()
                    .filter(|parent| {
                        parent.is(Kind::Attribute)
                            && parent.child_by_field_name("object") == Some(node)
                    })
                    .and_then(|parent| parent.child_by_field_name("attribute"))
                else {
                    return false;
                };
                let path = format!("{}.{}", other.qualified, &source[attribute.byte_range()]);
                *submodule == path || submodule.starts_with(&format!("{path}."))
            })
        })
    })
}

/// `module` is a heavy module or one of its submodules.
fn is_heavy(module: &str, heavy_modules: &[String]) -> bool {
    heavy_modules.iter().any(|heavy| {
        module == heavy
            || (module.starts_with(heavy.as_str()) && module[heavy.len()..].starts_with('.'))
    })
}

/// The function whose body the import should move into so that a reference
/// in `scope` sees it: the outermost function around the reference, when
/// only class bodies lie between it and the module. `None` when the
/// reference runs at import time, or only a lambda holds it.
fn function_to_import_in(semantic: &Semantic<'_>, scope: ScopeId) -> Option<ScopeId> {
    let mut outermost = None;
    for id in semantic.ancestor_scopes(scope) {
        match semantic.scope(id).kind {
            ScopeKind::Function | ScopeKind::Lambda => outermost = Some(id),
            ScopeKind::Class | ScopeKind::Comprehension | ScopeKind::Module => {}
        }
    }
    let outermost = outermost?;
    (semantic.scope(outermost).kind == ScopeKind::Function).then_some(outermost)
}

/// The statement of the function's own body that holds `node`.
fn body_statement_holding<'t>(
    semantic: &Semantic<'t>,
    function: ScopeId,
    node: Node<'_>,
) -> Option<Node<'t>> {
    let body = semantic.scope(function).node.child_by_field_name("body")?;
    statements(body).find(|statement| {
        statement.start_byte() <= node.start_byte() && node.end_byte() <= statement.end_byte()
    })
}

/// The edits: the module-level import goes; each function gets the names it uses.
fn move_import(
    module: &Module<'_>,
    statement: Node<'_>,
    imports: &[&Import<'_>],
    uses: &BTreeMap<ScopeId, Use<'_>>,
) -> Option<Vec<Edit>> {
    if holds_comment(statement) {
        return None; // Comments between the names would be lost.
    }
    let trailing_comment = trailing_comment(module, statement);
    let mut edits = vec![Edit::delete(removal_range(module, statement))];
    for function_use in uses.values() {
        let import_text = import_text(module, statement, imports, &function_use.imports)?;
        let at = function_use.first_statement.start_byte();
        let edit = if module.starts_line(at) {
            let indentation = module.indentation_at(at);
            let comment = trailing_comment.unwrap_or("");
            Edit::insert(
                module.line_start(at),
                format!("{indentation}{import_text}{comment}{}", module.newline()),
            )
        } else if trailing_comment.is_none() {
            // `def f(): return pd.x()` -> `def f(): import pandas as pd; return pd.x()`.
            Edit::insert(at, format!("{import_text}; "))
        } else {
            return None;
        };
        edits.push(edit);
    }
    Some(edits)
}

fn holds_comment(statement: Node<'_>) -> bool {
    let mut found = false;
    visit(statement, |node| {
        if node.is(Kind::Comment) {
            found = true;
            return Walk::Stop;
        }
        Walk::Descend
    });
    found
}

/// `  # comment` after the statement (and a `;`) on its line, spacing
/// included, without the newline.
fn trailing_comment<'s>(module: &Module<'s>, statement: Node<'_>) -> Option<&'s str> {
    let end = statement.end_byte();
    let rest = &module.source[end..module.next_line_start(end)];
    let rest = rest.trim_end_matches(['\n', '\r']);
    let rest = match rest.trim_start_matches([' ', '\t']).strip_prefix(';') {
        Some(after_semicolon) => after_semicolon,
        None => rest,
    };
    rest.trim_start_matches([' ', '\t']).starts_with('#').then_some(rest)
}

/// What to delete to remove the statement: its whole line(s) (with a
/// trailing comment, which moves with the import), or just the statement
/// and its `;` when it shares the line with others.
fn removal_range(module: &Module<'_>, statement: Node<'_>) -> Range<usize> {
    let bytes = module.source.as_bytes();
    let skip_blanks = |mut at: usize| {
        while matches!(bytes.get(at), Some(b' ' | b'\t')) {
            at += 1;
        }
        at
    };
    let (start, end) = (statement.start_byte(), statement.end_byte());
    let after = skip_blanks(end);
    if bytes.get(after) == Some(&b';') {
        let next = skip_blanks(after + 1);
        if !matches!(bytes.get(next), None | Some(b'\n' | b'\r' | b'#')) {
            return start..next; // `import pandas as pd; x = 1`
        }
    }
    let mut before = start;
    while before > 0 && matches!(bytes[before - 1], b' ' | b'\t') {
        before -= 1;
    }
    if before > 0 && bytes[before - 1] == b';' {
        let stop = if bytes.get(after) == Some(&b';') { after + 1 } else { end };
        return before - 1..stop; // `x = 1; import pandas as pd`
    }
    let bom = if module.source.starts_with('\u{feff}') { 3 } else { 0 };
    module.line_start(start).max(bom)..module.next_line_start(end)
}

/// `import a as b` / `from a import b as c, d` with the names this function uses.
fn import_text(
    module: &Module<'_>,
    statement: Node<'_>,
    imports: &[&Import<'_>],
    used: &[usize],
) -> Option<String> {
    let mut used = used.to_vec();
    used.sort_unstable();
    let items: Vec<String> =
        used.iter().map(|&index| normalised(module.text(imports[index].item))).collect();
    let items = items.join(", ");
    match statement.py_kind() {
        Kind::ImportStatement => Some(format!("import {items}")),
        _ => {
            let from = normalised(module.text(statement.child_by_field_name("module_name")?));
            Some(format!("from {from} import {items}"))
        }
    }
}

/// The text on one line with single spaces: `a  as\\\n  b` is `a as b`.
fn normalised(text: &str) -> String {
    text.split_whitespace().filter(|word| *word != "\\").collect::<Vec<_>>().join(" ")
}

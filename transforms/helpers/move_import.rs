//! Moving a module-level import into the functions that use it, in the
//! file's style: the statement goes (or loses the names that move, in
//! `import os, numpy`) without leaving two blank lines where one was, and
//! each function gets the names it uses at the top of its body (after the
//! docstring, among the imports that open it, above the comments that lead
//! into its next statement), in its indentation and line endings, with the
//! import's trailing comment and aliases. Used by `eager-cli-import` (a
//! heavy module only some runs need) and `import-cycle` (an import that
//! closes a cycle).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use tree_sitter::Node;

use crate::rule::fix::Edit;
use crate::semantic::{Import, ScopeId, ScopeKind, Semantic};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::walk::{Walk, statements, visit};

/// Where one function uses names of the imports that move.
pub struct FunctionUse<'t> {
    /// The function's first statement (of its own body) that uses them.
    pub first_statement: Node<'t>,
    /// Which of the imports it uses (indexes into `Moving::imports`).
    pub imports: BTreeSet<usize>,
}

/// Imports that move, and the functions they move into.
pub struct Moving<'g, 'a, 't> {
    /// The module-level imports, in source order.
    pub imports: &'g [&'a Import<'t>],
    /// Per function the imports move into, where it uses which.
    pub uses: &'g BTreeMap<ScopeId, FunctionUse<'t>>,
    /// Among the imports that open a function body, the new one goes before
    /// the first of a module named after this.
    pub sorted_before: &'g str,
}

/// The function whose body the import should move into so that a use in
/// `scope` sees it: the outermost function around the use, when only class
/// bodies lie between it and the module. `None` when the use runs at
/// import time (module level, class bodies, decorators, defaults, eager
/// annotations of module-level definitions), or only a lambda holds it.
pub fn function_to_import_in(semantic: &Semantic<'_>, scope: ScopeId) -> Option<ScopeId> {
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

/// The statement of the function's own body that holds the offset `at`.
pub fn body_statement_holding<'t>(
    semantic: &Semantic<'t>,
    function: ScopeId,
    at: usize,
) -> Option<Node<'t>> {
    let body = semantic.scope(function).node.child_by_field_name("body")?;
    statements(body).find(|statement| statement.start_byte() <= at && at < statement.end_byte())
}

/// The statements of `imports` (in source order), each with the indexes of
/// the imports it holds.
pub fn statements_of<'t>(imports: &[&Import<'t>]) -> Vec<(Node<'t>, Vec<usize>)> {
    let mut by_statement: Vec<(Node<'t>, Vec<usize>)> = Vec::new();
    for (index, import) in imports.iter().enumerate() {
        match by_statement.last_mut() {
            Some((statement, items)) if statement.id() == import.statement.id() => {
                items.push(index)
            }
            _ => by_statement.push((import.statement, vec![index])),
        }
    }
    by_statement
}

/// The edits that take `imports` out of their statements: the statement
/// goes, or, in `import os, numpy`, loses the names that move.
pub fn statement_edits(
    semantic: &Semantic<'_>,
    imports: &[&Import<'_>],
) -> Result<Vec<Edit>, String> {
    let module = semantic.module();
    let mut edits = Vec::new();
    for (statement, items) in statements_of(imports) {
        let all_items =
            semantic.imports().iter().filter(|import| import.statement.id() == statement.id());
        let kept: Vec<&Import<'_>> = all_items
            .filter(|import| !items.iter().any(|&index| imports[index].binding == import.binding))
            .collect();
        if kept.is_empty() {
            edits.push(Edit::delete(removal_range(module, statement)));
        } else if statement.is(Kind::ImportStatement) {
            // `import os, numpy`: `import os` stays.
            let names: Vec<String> =
                kept.iter().map(|import| normalised(module.text(import.item))).collect();
            edits.push(Edit::replace(
                statement.byte_range(),
                format!("import {}", names.join(", ")),
            ));
        } else {
            return Err("the statement imports other names too".to_string());
        }
    }
    edits.sort_by_key(|edit| edit.range.start);
    if edits.windows(2).any(|pair| pair[1].range.start < pair[0].range.end) {
        return Err("its imports share a line".to_string());
    }
    Ok(edits)
}

/// The edits: the module-level imports go (or lose the names that move);
/// each function gets the names it uses, before its first use of them.
/// `deleted_by_others`: lines other fixes of the same pass delete (see
/// `tidy_blank_lines`); `parses_arguments`: a statement of a function
/// body that the import must come after (see `insertion_statement`).
pub fn move_imports(
    semantic: &Semantic<'_>,
    moving: &Moving<'_, '_, '_>,
    deleted_by_others: &[Range<usize>],
    parses_arguments: &dyn Fn(Node<'_>) -> bool,
) -> Result<Vec<Edit>, String> {
    let module = semantic.module();
    let by_statement = statements_of(moving.imports);
    let edits = statement_edits(semantic, moving.imports)?;
    let mut edits = tidy_blank_lines(module, edits, deleted_by_others);
    for (&function, function_use) in moving.uses {
        let mut lines = Vec::new();
        for (statement, items) in &by_statement {
            let used: Vec<usize> = items
                .iter()
                .copied()
                .filter(|index| function_use.imports.contains(index))
                .collect();
            if used.is_empty() {
                continue;
            }
            let text = import_text(module, *statement, moving.imports, &used)
                .ok_or_else(|| "the import could not be rewritten".to_string())?;
            lines.push((text, trailing_comment(module, *statement)));
        }
        let (statement, below_imports) = insertion_statement(
            semantic,
            function,
            function_use.first_statement,
            moving.sorted_before,
            parses_arguments,
        );
        let at = statement.start_byte();
        let edit = if module.starts_line(at) {
            let indentation = module.indentation_at(at);
            let text: String = lines
                .iter()
                .map(|(text, comment)| {
                    let line = wrapped(module, indentation, text, comment.unwrap_or(""));
                    format!("{line}{}", module.newline())
                })
                .collect();
            Edit::insert(below_imports.unwrap_or_else(|| comments_above(module, at)), text)
        } else if lines.iter().all(|(_, comment)| comment.is_none()) {
            // `def f(): return pd.x()` -> `def f(): import pandas as pd; return pd.x()`.
            let text: String = lines.iter().map(|(text, _)| format!("{text}; ")).collect();
            Edit::insert(at, text)
        } else {
            return Err(
                "the import's comment has no line of its own in a one-line body".to_string()
            );
        };
        edits.push(edit);
    }
    edits.sort_by_key(|edit| edit.range.start);
    Ok(edits)
}

/// Where a function gets the import: at the top of its body (after the
/// docstring, and among the imports that open it, before the first of a
/// module named after `heavy`, so that a later pass keeps them sorted), or, when
/// the statements before the first use parse the arguments (`args =
/// parser.parse_args()`, as `parses_arguments` says), just before that use,
/// so that `--help` and bad options cost nothing. Returns the statement whose line (and
/// indentation) the import takes, and, when that is not the statement's
/// own line, the offset to insert at.
fn insertion_statement<'t>(
    semantic: &Semantic<'_>,
    function: ScopeId,
    first_use: Node<'t>,
    heavy: &str,
    parses_arguments: &dyn Fn(Node<'_>) -> bool,
) -> (Node<'t>, Option<usize>) {
    // The function's body, reached from the use so that the nodes share its lifetime.
    let definition = semantic.scope(function).node;
    let mut body = None;
    let mut current = Some(first_use);
    while let Some(node) = current {
        if node.parent().is_some_and(|parent| parent.id() == definition.id()) {
            body = Some(node);
            break;
        }
        current = node.parent();
    }
    let Some(body) = body else { return (first_use, None) };
    let mut before: Vec<Node<'t>> =
        statements(body).take_while(|statement| statement.id() != first_use.id()).collect();
    let is_docstring = |statement: &Node<'_>| {
        statement.is(Kind::ExpressionStatement)
            && statement.named_child_count() == 1
            && statement.named_child(0).is_some_and(|child| child.is(Kind::String))
    };
    if before.first().is_some_and(is_docstring) {
        before.remove(0);
    }
    let leading_imports = before
        .iter()
        .take_while(|statement| {
            matches!(statement.py_kind(), Kind::ImportStatement | Kind::ImportFromStatement)
        })
        .count();
    let module = semantic.module();
    let imported = |statement: &Node<'_>| {
        let name = match statement.py_kind() {
            Kind::ImportFromStatement => statement.child_by_field_name("module_name"),
            _ => statement.named_child(0),
        };
        name.map_or("", |name| module.text(name))
    };
    if before[leading_imports..].iter().any(|statement| parses_arguments(*statement)) {
        return (first_use, None);
    }
    let sorted_after =
        before[..leading_imports].iter().position(|statement| imported(statement) > heavy);
    if let Some(next) = sorted_after.map(|index| before[index])
        && module.starts_line(next.start_byte())
    {
        return (next, None);
    }
    let last_import = leading_imports.checked_sub(1).map(|last| before[last]);
    before.drain(..leading_imports);
    let top = before.first().copied().unwrap_or(first_use);
    match last_import {
        // Just below the last import, when each has its own line.
        Some(last)
            if module.starts_line(last.start_byte())
                && module.starts_line(top.start_byte())
                && module.line_start(top.start_byte()) > last.end_byte() =>
        {
            (top, Some(module.next_line_start(last.end_byte())))
        }
        _ => (top, None),
    }
}

/// Where to insert before the line at `at`: above the comment lines, in
/// the same indentation, that lead into it.
fn comments_above(module: &Module<'_>, at: usize) -> usize {
    let indentation = module.indentation_at(at);
    let mut line = module.line_start(at);
    while line > 0 {
        let previous = module.line_start(line - 1);
        let text = &module.source[previous..line];
        let comment = text.strip_prefix(indentation).is_some_and(|rest| rest.starts_with('#'));
        if !comment || module.indentation_at(previous) != indentation {
            break;
        }
        line = previous;
    }
    line
}

/// The import on its line; a `from` import of several names that would run
/// past 88 columns is wrapped in parentheses, one name a line.
fn wrapped(module: &Module<'_>, indentation: &str, text: &str, comment: &str) -> String {
    let line = format!("{indentation}{text}{comment}");
    let Some((from, names)) = text.split_once(" import ") else { return line };
    let names: Vec<&str> = names.split(", ").collect();
    if line.chars().count() <= 88 || names.len() < 2 || !from.starts_with("from ") {
        return line;
    }
    let newline = module.newline();
    let unit = module.indent_unit();
    let mut out = format!("{indentation}{from} import ({comment}{newline}");
    for name in names {
        out.push_str(&format!("{indentation}{unit}{name},{newline}"));
    }
    out.push_str(&format!("{indentation})"));
    out
}

pub fn holds_comment(statement: Node<'_>) -> bool {
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

/// Deleting whole lines can leave two blank lines where one separated the
/// imports from what follows (`import sys`, blank, `import pandas as pd`,
/// blank, blank, `def`). Lines the other heavy modules' fixes delete
/// (`deleted_by_others`) count as gone: of a block of deleted lines between
/// two blank lines, the fix that deletes its last line deletes the blank
/// line before it too; at the top of the file, the blank lines after it.
/// Adjacent deletions merge into one.
fn tidy_blank_lines(
    module: &Module<'_>,
    edits: Vec<Edit>,
    deleted_by_others: &[Range<usize>],
) -> Vec<Edit> {
    let source = module.source;
    let bom = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let is_line_start = |at: usize| at == bom || at == source.len() || module.line_start(at) == at;
    let is_blank_line = |start: usize| {
        let end = module.next_line_start(start);
        start < end && source[start..end].trim().is_empty()
    };
    let whole_lines = |edit: &Edit| {
        edit.replacement.is_empty()
            && is_line_start(edit.range.start)
            && is_line_start(edit.range.end)
    };
    let mut merged: Vec<Edit> = Vec::new();
    for edit in edits {
        match merged.last_mut() {
            Some(last)
                if whole_lines(last)
                    && whole_lines(&edit)
                    && last.range.end == edit.range.start =>
            {
                last.range.end = edit.range.end;
            }
            _ => merged.push(edit),
        }
    }
    let deleted_before = |at: usize| deleted_by_others.iter().find(|range| range.end == at);
    let deleted_after = |at: usize| deleted_by_others.iter().find(|range| range.start == at);
    let mut extra = Vec::new();
    for edit in merged.iter_mut().filter(|edit| whole_lines(edit)) {
        if deleted_after(edit.range.end).is_some() {
            continue; // Another fix deletes the block's last line.
        }
        let mut block_start = edit.range.start;
        while let Some(range) = deleted_before(block_start) {
            block_start = range.start;
        }
        let end = edit.range.end;
        if block_start == bom {
            let mut after = end;
            while after < source.len() && is_blank_line(after) {
                after = module.next_line_start(after);
            }
            edit.range.end = after;
        } else if block_start > bom && end < source.len() && is_blank_line(end) {
            let previous = module.line_start(block_start - 1).max(bom);
            if is_blank_line(previous) {
                if previous + (block_start - previous) == edit.range.start {
                    edit.range.start = previous;
                } else {
                    extra.push(Edit::delete(previous..block_start));
                }
            }
        }
    }
    merged.extend(extra);
    merged.sort_by_key(|edit| edit.range.start);
    merged
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
pub fn normalised(text: &str) -> String {
    text.split_whitespace().filter(|word| *word != "\\").collect::<Vec<_>>().join(" ")
}

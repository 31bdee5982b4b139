//! Adding an import a fix needs, or reusing one the module already has.
//!
//! Every fix that needs the same import emits the same edit at the same
//! place, so however many fixes a pass applies, the import is added once.

use tree_sitter::Node;

use crate::fix::Edit;
use crate::module::Module;
use crate::semantic::Semantic;
use crate::walk::statements;

/// How a fix refers to what it imported: the name to write, and the edit
/// that adds the import if the module lacks it.
pub struct Imported {
    pub name: String,
    pub edit: Option<Edit>,
}

/// `import MODULE`: reuses `import MODULE` or `import MODULE as alias`.
/// `None` when the name is taken by something else.
pub fn ensure_import(semantic: &Semantic<'_>, module_name: &str) -> Option<Imported> {
    if let Some(local) = semantic.import_binding_of(module_name) {
        return Some(Imported { name: local.to_string(), edit: None });
    }
    let first = module_name.split('.').next().unwrap_or(module_name);
    if semantic.top_level_binding(first).is_some() {
        return None;
    }
    Some(Imported {
        name: module_name.to_string(),
        edit: Some(import_edit(semantic.module(), &format!("import {module_name}"))),
    })
}

/// `from MODULE import NAME`: reuses that import, or `MODULE.NAME` after an
/// `import MODULE`; else adds `from MODULE import NAME`, or `import MODULE` when
/// `NAME` is already taken. `None` when both names are taken.
pub fn ensure_from_import(semantic: &Semantic<'_>, module_name: &str, name: &str) -> Option<Imported> {
    if let Some(local) = semantic.import_binding_of(&format!("{module_name}.{name}")) {
        return Some(Imported { name: local.to_string(), edit: None });
    }
    if let Some(local) = semantic.import_binding_of(module_name) {
        return Some(Imported { name: format!("{local}.{name}"), edit: None });
    }
    if semantic.top_level_binding(name).is_none() {
        let statement = format!("from {module_name} import {name}");
        return Some(Imported {
            name: name.to_string(),
            edit: Some(import_edit(semantic.module(), &statement)),
        });
    }
    let imported = ensure_import(semantic, module_name)?;
    Some(Imported { name: format!("{}.{name}", imported.name), edit: imported.edit })
}

/// Inserts `statement` after the module docstring, `from __future__` imports
/// and the leading import block; before the first statement if there are none.
fn import_edit(module: &Module<'_>, statement: &str) -> Edit {
    let newline = module.newline();
    let header_end = header_statements(module).last().map(|last| last.end_byte());
    match header_end {
        Some(end) => {
            let at = module.next_line_start(end);
            let ends_with_newline = at > end;
            if ends_with_newline {
                Edit::insert(at, format!("{statement}{newline}"))
            } else {
                // The header runs to the end of a file without a final newline.
                Edit::insert(at, format!("{newline}{statement}"))
            }
        }
        None => match statements(module.root()).next() {
            Some(first) => Edit::insert(module.line_start(first.start_byte()).max(bom_len(module)), format!("{statement}{newline}")),
            None => {
                let end = module.source.len();
                let needs_newline = end > bom_len(module) && !module.source.ends_with('\n');
                let lead = if needs_newline { newline } else { "" };
                Edit::insert(end, format!("{lead}{statement}{newline}"))
            }
        },
    }
}

fn bom_len(module: &Module<'_>) -> usize {
    if module.source.starts_with('\u{feff}') { 3 } else { 0 }
}

/// The docstring, `__future__` imports and imports the module starts with.
fn header_statements<'t>(module: &'t Module<'_>) -> Vec<Node<'t>> {
    let mut header = Vec::new();
    for (index, statement) in statements(module.root()).enumerate() {
        let is_header = match statement.kind() {
            "import_statement" | "import_from_statement" | "future_import_statement" => true,
            "expression_statement" => index == 0 && is_docstring(statement),
            _ => false,
        };
        if !is_header {
            break;
        }
        header.push(statement);
    }
    header
}

/// A statement that is only a string literal (a docstring when it comes first).
pub fn is_docstring(statement: Node<'_>) -> bool {
    statement.kind() == "expression_statement"
        && statement.named_child_count() == 1
        && statement
            .named_child(0)
            .is_some_and(|value| matches!(value.kind(), "string" | "concatenated_string"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(source: &str, module_name: &str, name: Option<&str>) -> String {
        let module = Module::parse(source, "t.py").unwrap();
        let semantic = Semantic::new(&module);
        let imported = match name {
            Some(name) => ensure_from_import(&semantic, module_name, name),
            None => ensure_import(&semantic, module_name),
        }
        .unwrap();
        let mut out = source.to_string();
        if let Some(edit) = imported.edit {
            out.replace_range(edit.range, &edit.replacement);
        }
        format!("{}|{}", imported.name, out)
    }

    #[test]
    fn lands_after_docstring_future_and_imports() {
        let source = "#!/usr/bin/env python\n\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport os\n\nx = 1\n";
        assert_eq!(
            add(source, "logging", None),
            "logging|#!/usr/bin/env python\n\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport os\nimport logging\n\nx = 1\n"
        );
    }

    #[test]
    fn reuses_an_alias_and_keeps_crlf() {
        assert_eq!(add("import logging as lg\r\n", "logging", None), "lg|import logging as lg\r\n");
        assert_eq!(add("x = 1\r\n", "logging", None), "logging|import logging\r\nx = 1\r\n");
    }

    #[test]
    fn from_imports_fall_back_to_the_module() {
        assert_eq!(add("import typing as t\n", "typing", Some("Optional")), "t.Optional|import typing as t\n");
        assert_eq!(
            add("Optional = 3\n", "typing", Some("Optional")),
            "typing.Optional|import typing\nOptional = 3\n"
        );
        assert_eq!(add("\"\"\"Doc.\"\"\"", "typing", Some("Optional")), "Optional|\"\"\"Doc.\"\"\"\nfrom typing import Optional");
    }

    #[test]
    fn an_import_under_if_is_not_reused() {
        let source = "if TYPE_CHECKING:\n    from typing import Optional\n";
        assert!(add(source, "typing", Some("Optional")).starts_with("typing.Optional|import typing\n"));
    }
}

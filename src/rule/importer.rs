//! Adding an import a fix needs, or reusing one the module already has.
//!
//! Every fix that needs the same import emits the same edit at the same
//! place, so however many fixes a pass applies, the import is added once.

use tree_sitter::Node;

use crate::rule::fix::Edit;
use crate::semantic::Semantic;
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::walk::{is_docstring, statements};

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
pub fn ensure_from_import(
    semantic: &Semantic<'_>,
    module_name: &str,
    name: &str,
) -> Option<Imported> {
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
            let mut at = module.next_line_start(end);
            // A line that continues the header's last one (a `\` at its end) is part of it.
            while at < module.source.len() && module.continues_previous_line(at) {
                at = module.next_line_start(at);
            }
            let ends_with_newline = at > end;
            if ends_with_newline {
                Edit::insert(at, format!("{statement}{newline}"))
            } else {
                // The header runs to the end of a file without a final newline.
                Edit::insert(at, format!("{newline}{statement}"))
            }
        }
        None => match statements(module.root()).next() {
            Some(first) => {
                let at = top_of_file(module, first.start_byte());
                // Code right below gets a blank line between it and the import.
                let separator = if line_is_blank(module, at) { "" } else { newline };
                Edit::insert(at, format!("{statement}{newline}{separator}"))
            }
            None => {
                let end = module.source.len();
                let needs_newline = end > bom_len(module) && !module.source.ends_with('\n');
                let lead = if needs_newline { newline } else { "" };
                Edit::insert(end, format!("{lead}{statement}{newline}"))
            }
        },
    }
}

/// Where an import goes in a module without a header: after the comment
/// lines that open the file when a blank line ends them (a licence, a
/// description); else after a shebang and an encoding line only, so that a
/// comment that belongs to the first statement stays on it.
fn top_of_file(module: &Module<'_>, first_statement: usize) -> usize {
    let mut line = bom_len(module);
    let mut after_magic = line;
    let mut index = 0;
    while line < first_statement {
        let next = module.next_line_start(line);
        let text = module.source[line..next].trim();
        if text.is_empty() {
            return line;
        }
        let magic = (index == 0 && text.starts_with("#!")) || (index < 2 && is_encoding_line(text));
        if magic && after_magic == line {
            after_magic = next;
        }
        line = next;
        index += 1;
    }
    after_magic
}

/// `# -*- coding: utf-8 -*-` (PEP 263).
fn is_encoding_line(text: &str) -> bool {
    text.starts_with('#') && (text.contains("coding:") || text.contains("coding="))
}

fn line_is_blank(module: &Module<'_>, at: usize) -> bool {
    module.source[at..module.next_line_start(at)].trim().is_empty()
}

fn bom_len(module: &Module<'_>) -> usize {
    if module.source.starts_with('\u{feff}') { 3 } else { 0 }
}

/// The docstring, `__future__` imports and imports the module starts with.
fn header_statements<'t>(module: &'t Module<'_>) -> Vec<Node<'t>> {
    let mut header = Vec::new();
    for (index, statement) in statements(module.root()).enumerate() {
        let is_header = match statement.py_kind() {
            Kind::ImportStatement | Kind::ImportFromStatement | Kind::FutureImportStatement => true,
            Kind::ExpressionStatement => index == 0 && is_docstring(statement),
            _ => false,
        };
        if !is_header {
            break;
        }
        header.push(statement);
    }
    header
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
        assert_eq!(add("x = 1\r\n", "logging", None), "logging|import logging\r\n\r\nx = 1\r\n");
    }

    #[test]
    fn from_imports_fall_back_to_the_module() {
        assert_eq!(
            add("import typing as t\n", "typing", Some("Optional")),
            "t.Optional|import typing as t\n"
        );
        assert_eq!(
            add("Optional = 3\n", "typing", Some("Optional")),
            "typing.Optional|import typing\n\nOptional = 3\n"
        );
        assert_eq!(
            add("\"\"\"Doc.\"\"\"", "typing", Some("Optional")),
            "Optional|\"\"\"Doc.\"\"\"\nfrom typing import Optional"
        );
    }

    #[test]
    fn never_right_after_a_line_continuation() {
        // The docstring's line ends in `\`: the comment below continues it.
        assert_eq!(
            add("\"\"\"Doc.\"\"\"\\\n# c\nimport os\n", "logging", None),
            "logging|\"\"\"Doc.\"\"\"\\\n# c\nimport logging\nimport os\n"
        );
        assert_eq!(
            add("\"\"\"Doc.\"\"\"\\\n# c\nx = 1\n", "logging", None),
            "logging|\"\"\"Doc.\"\"\"\\\n# c\nimport logging\nx = 1\n"
        );
    }

    #[test]
    fn without_a_header_it_goes_after_the_opening_comments() {
        let source = "#!/usr/bin/env python\n# Licence.\n\n\ndef f(): pass\n";
        assert_eq!(
            add(source, "logging", None),
            "logging|#!/usr/bin/env python\n# Licence.\nimport logging\n\n\ndef f(): pass\n"
        );
        let source = "# -*- coding: utf-8 -*-\n# About f.\ndef f(): pass\n";
        assert_eq!(
            add(source, "logging", None),
            "logging|# -*- coding: utf-8 -*-\nimport logging\n\n# About f.\ndef f(): pass\n"
        );
    }

    #[test]
    fn an_import_under_if_is_not_reused() {
        let source = "if TYPE_CHECKING:\n    from typing import Optional\n";
        assert!(
            add(source, "typing", Some("Optional")).starts_with("typing.Optional|import typing\n")
        );
    }
}

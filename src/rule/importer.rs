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
    if is_taken(semantic, first) {
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
    if !is_taken(semantic, name) {
        let statement = format!("from {module_name} import {name}");
        return Some(Imported {
            name: name.to_string(),
            edit: Some(import_edit(semantic.module(), &statement)),
        });
    }
    let imported = ensure_import(semantic, module_name)?;
    Some(Imported { name: format!("{}.{name}", imported.name), edit: imported.edit })
}

/// A module-level import of `name` would clash with a module-level binding
/// of it, or change what code that reads it unbound reads (a method that
/// reads an import of its class body, a `NameError` today).
fn is_taken(semantic: &Semantic<'_>, name: &str) -> bool {
    semantic.top_level_binding(name).is_some() || semantic.reads_unbound(name)
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

// ----- imports placed as isort and ruff place them -----

/// `import MODULE` where isort and ruff would put it: reuses an existing
/// import (or alias) like `ensure_import`; else the new statement goes into
/// the module's leading import block, in its section: a standard-library
/// module joins the first group of standard-library imports, at its sorted
/// place when that group is sorted (plain imports before `from` imports,
/// or all by module name), else after the group's last plain import; with
/// no such group it opens one before the first import. Never before the
/// module's constants or code, and always after its docstring, its
/// `from __future__` imports and the comments that open the file. A
/// module without imports gets it where `ensure_import` puts it.
pub fn ensure_import_in_section(semantic: &Semantic<'_>, module_name: &str) -> Option<Imported> {
    if let Some(local) = semantic.import_binding_of(module_name) {
        return Some(Imported { name: local.to_string(), edit: None });
    }
    let first = module_name.split('.').next().unwrap_or(module_name);
    if is_taken(semantic, first) {
        return None;
    }
    let module = semantic.module();
    let statement = format!("import {module_name}");
    let edit = section_import_edit(module, module_name, &statement)
        .unwrap_or_else(|| import_edit(module, &statement));
    Some(Imported { name: module_name.to_string(), edit: Some(edit) })
}

/// True for a module of the standard library (`os`, `os.path`, `_thread`).
pub fn is_stdlib(module_name: &str) -> bool {
    let root = module_name.split('.').next().unwrap_or(module_name);
    STDLIB.binary_search(&root).is_ok()
}

/// Where module-level code that needs the imports goes (a module's
/// `logger = logging.getLogger(__name__)`): the start of the line after
/// the leading import block; with no import block, after the docstring and
/// `from __future__` imports, or at the top of the file. The flag says
/// that the file ends there without a final newline.
pub fn after_imports(module: &Module<'_>) -> (usize, bool) {
    let last =
        import_region(module).last().copied().or_else(|| header_statements(module).last().copied());
    match last {
        Some(statement) => line_after(module, statement),
        None => match statements(module.root()).next() {
            Some(first) => (top_of_file(module, first.start_byte()), false),
            None => {
                let end = module.source.len();
                (end, end > bom_len(module) && !module.source.ends_with('\n'))
            }
        },
    }
}

/// The edit that removes the name `item` binds from its import statement
/// (`import_statement` or `import_from_statement` at module level): the
/// whole statement when it imports that name alone, else the name and its
/// comma, or the line it is alone on in a parenthesized import, so that a
/// multi-line import stays as written. `None` when the statement shares
/// its line with another or is not a statement of the module's own body.
pub fn remove_import_name(
    module: &Module<'_>,
    statement: Node<'_>,
    item: Node<'_>,
) -> Option<Edit> {
    if module.parent(statement).is_none_or(|parent| !parent.is(Kind::Module)) {
        return None;
    }
    let mut cursor = statement.walk();
    let names: Vec<Node<'_>> = statement.children_by_field_name("name", &mut cursor).collect();
    let index = names.iter().position(|name| name.id() == item.id())?;
    if names.len() == 1 {
        let start = module.line_start(statement.start_byte()).max(bom_len(module));
        let (end, _) = line_after(module, statement);
        let alone = module.starts_line(statement.start_byte())
            && !module.continues_previous_line(start)
            && module.ends_line(statement.end_byte())
            && !module.source[statement.end_byte()..end].trim_start().starts_with(';');
        if !alone {
            return None;
        }
        // A blank line on both sides: one of them goes too.
        let blank_before = start > 0 && line_is_blank(module, module.line_start(start - 1));
        let end = if blank_before && end < module.source.len() && line_is_blank(module, end) {
            module.next_line_start(end)
        } else {
            end
        };
        return Some(Edit::delete(start..end));
    }
    let line = module.line_start(item.start_byte());
    let rest_of_line = &module.source[item.end_byte()..module.next_line_start(item.end_byte())];
    let rest = rest_of_line.trim_start_matches([' ', '\t']);
    let rest = rest.strip_prefix(',').unwrap_or(rest).trim_start_matches([' ', '\t']);
    let alone_on_line = module.starts_line(item.start_byte())
        && (rest.is_empty() || rest.starts_with('\n') || rest.starts_with("\r\n"));
    if alone_on_line && line > statement.start_byte() {
        return Some(Edit::delete(line..module.next_line_start(item.end_byte())));
    }
    match (names.get(index + 1), index.checked_sub(1).and_then(|before| names.get(before))) {
        (Some(next), _) => Some(Edit::delete(item.start_byte()..next.start_byte())),
        (None, Some(previous)) => Some(Edit::delete(previous.end_byte()..item.end_byte())),
        (None, None) => None,
    }
}

/// The line start after `statement`, past any `\` continuation, and
/// whether the file ends there without a newline.
fn line_after(module: &Module<'_>, statement: Node<'_>) -> (usize, bool) {
    let end = statement.end_byte();
    let mut at = module.next_line_start(end);
    while at < module.source.len() && module.continues_previous_line(at) {
        at = module.next_line_start(at);
    }
    let without_newline = at == module.source.len() && !module.source[end..].contains('\n');
    (at, without_newline)
}

/// The leading import block: from the first module-level import (which
/// must come before any `def` or `class`), the run of statements that are
/// imports, or `try`/`if` statements holding only imports (`try: import
/// ujson as json` / `except ImportError: import json`, `if TYPE_CHECKING:`).
/// `from __future__` imports are not part of it.
fn import_region<'t>(module: &'t Module<'_>) -> Vec<Node<'t>> {
    let mut region = Vec::new();
    for statement in statements(module.root()) {
        let kind = statement.py_kind();
        if region.is_empty() {
            match kind {
                Kind::ImportStatement | Kind::ImportFromStatement => region.push(statement),
                Kind::FunctionDefinition | Kind::ClassDefinition | Kind::DecoratedDefinition => {
                    return region;
                }
                _ => {}
            }
            continue;
        }
        let belongs = match kind {
            Kind::ImportStatement | Kind::ImportFromStatement => true,
            Kind::TryStatement | Kind::IfStatement => holds_only_imports(statement),
            _ => false,
        };
        if !belongs {
            break;
        }
        region.push(statement);
    }
    region
}

/// Every statement in the blocks of a `try` or `if` is an import, `pass`,
/// a simple assignment, or such a `try`/`if` again; and one is an import.
fn holds_only_imports(statement: Node<'_>) -> bool {
    let mut pending = vec![statement];
    let mut any_import = false;
    while let Some(statement) = pending.pop() {
        match statement.py_kind() {
            Kind::ImportStatement | Kind::ImportFromStatement => any_import = true,
            Kind::PassStatement => {}
            Kind::ExpressionStatement
                if statement.named_child(0).is_some_and(|child| child.is(Kind::Assignment)) => {}
            Kind::TryStatement | Kind::IfStatement => {
                let mut cursor = statement.walk();
                for child in statement.named_children(&mut cursor) {
                    let block = match child.py_kind() {
                        Kind::Block => Some(child),
                        Kind::ExceptClause | Kind::ElseClause | Kind::FinallyClause => {
                            let mut inner = child.walk();
                            child.named_children(&mut inner).find(|c| c.is(Kind::Block))
                        }
                        Kind::ElifClause => child.child_by_field_name("consequence"),
                        _ => None,
                    };
                    if let Some(block) = block {
                        pending.extend(statements(block));
                    }
                }
            }
            _ => return false,
        }
    }
    any_import
}

/// How an import statement sorts: (`from` import, lowercased module).
fn sort_key(module: &Module<'_>, statement: Node<'_>) -> (bool, String) {
    let is_from = statement.is(Kind::ImportFromStatement);
    let name = if is_from {
        statement.child_by_field_name("module_name").map(|name| module.text(name))
    } else {
        let mut cursor = statement.walk();
        let first = statement.children_by_field_name("name", &mut cursor).next();
        first.map(|name| match name.py_kind() {
            Kind::AliasedImport => name.child_by_field_name("name").map_or("", |n| module.text(n)),
            _ => module.text(name),
        })
    };
    let name: String = name.unwrap_or("").chars().filter(|c| !c.is_whitespace()).collect();
    (is_from, name.to_lowercase())
}

/// An import statement whose modules are all in the standard library.
fn imports_stdlib(module: &Module<'_>, statement: Node<'_>) -> bool {
    if statement.is(Kind::ImportFromStatement) {
        let (_, name) = sort_key(module, statement);
        return !name.starts_with('.') && is_stdlib(&name);
    }
    let mut cursor = statement.walk();
    let names: Vec<Node<'_>> = statement.children_by_field_name("name", &mut cursor).collect();
    !names.is_empty()
        && names.iter().all(|name| {
            let dotted = match name.py_kind() {
                Kind::AliasedImport => {
                    name.child_by_field_name("name").map_or("", |n| module.text(n))
                }
                _ => module.text(*name),
            };
            is_stdlib(dotted.trim())
        })
}

/// The plain imports of the region, in groups that blank lines (or a
/// `try`/`if` in the region) separate.
fn import_groups<'t>(module: &Module<'_>, region: &[Node<'t>]) -> Vec<Vec<Node<'t>>> {
    let mut groups: Vec<Vec<Node<'t>>> = Vec::new();
    let mut previous: Option<Node<'t>> = None;
    for &statement in region {
        let plain =
            matches!(statement.py_kind(), Kind::ImportStatement | Kind::ImportFromStatement);
        if !plain {
            previous = None;
            continue;
        }
        let adjacent = previous.is_some_and(|previous| {
            let from = module.next_line_start(previous.end_byte());
            let to = module.line_start(statement.start_byte());
            from <= to && !module.source[from..to].lines().any(|line| line.trim().is_empty())
        });
        match groups.last_mut() {
            Some(group) if adjacent => group.push(statement),
            _ => groups.push(vec![statement]),
        }
        previous = Some(statement);
    }
    groups
}

/// The edit that adds `import MODULE_NAME` (`statement`) to the import
/// block, or `None` when the module has no import block.
fn section_import_edit(module: &Module<'_>, module_name: &str, statement: &str) -> Option<Edit> {
    let region = import_region(module);
    let groups = import_groups(module, &region);
    let first_group = groups.first()?;
    let newline = module.newline();
    let stdlib = is_stdlib(module_name);
    let in_section = |statement: &Node<'_>| imports_stdlib(module, *statement) == stdlib;
    let target = groups
        .iter()
        .find(|group| group.iter().all(in_section))
        .or_else(|| groups.iter().find(|group| group.iter().any(in_section)));
    let Some(group) = target else {
        // No group of its section: a new group before the first one (the
        // standard library comes first), below the comments that open the file.
        let first = first_group[0];
        let at = above_section_comment(module, module.logical_line_start(first.start_byte()))
            .max(bom_len(module));
        return Some(Edit::insert(at, format!("{statement}{newline}{newline}")));
    };
    let keys: Vec<(bool, String)> = group.iter().map(|s| sort_key(module, *s)).collect();
    let new_key = (false, module_name.to_lowercase());
    let plain_first_sorted = keys.windows(2).all(|pair| pair[0] <= pair[1]);
    let by_module_sorted = keys.windows(2).all(|pair| pair[0].1 <= pair[1].1);
    let before = if plain_first_sorted {
        keys.iter().position(|key| *key > new_key)
    } else if by_module_sorted {
        keys.iter().position(|key| key.1 > new_key.1)
    } else {
        // Unsorted: after the last plain import of its section.
        let last_plain = group.iter().rposition(|s| s.is(Kind::ImportStatement) && in_section(s));
        match last_plain {
            Some(index) => (index + 1 < group.len()).then_some(index + 1),
            None => Some(0),
        }
    };
    Some(match before {
        Some(0) => {
            // A byte-order mark stays first in the file.
            let at = module.logical_line_start(group[0].start_byte()).max(bom_len(module));
            Edit::insert(at, format!("{statement}{newline}"))
        }
        Some(index) => {
            // After the statement above, so that comments above the next one stay on it.
            let (at, _) = line_after(module, group[index - 1]);
            Edit::insert(at, format!("{statement}{newline}"))
        }
        None => {
            let last = group[group.len() - 1];
            let (at, without_newline) = line_after(module, last);
            if without_newline {
                Edit::insert(at, format!("{newline}{statement}"))
            } else {
                Edit::insert(at, format!("{statement}{newline}"))
            }
        }
    })
}

/// `at` is the start of an import's line: when comment lines sit right
/// above it, after a blank line, they head a section (`# Third party`) and
/// the new group goes above them; comments that open the file stay first.
fn above_section_comment(module: &Module<'_>, at: usize) -> usize {
    let mut line = at;
    while line > 0 {
        let above = module.line_start(line - 1);
        let text = module.source[above..line].trim();
        if text.is_empty() {
            return line;
        }
        if !text.starts_with('#') {
            return at;
        }
        line = above;
    }
    at
}

/// The top-level modules of the standard library (`sys.stdlib_module_names`).
const STDLIB: &[&str] = &[
    "__future__",
    "_abc",
    "_aix_support",
    "_ast",
    "_asyncio",
    "_bisect",
    "_blake2",
    "_bootsubprocess",
    "_bz2",
    "_codecs",
    "_codecs_cn",
    "_codecs_hk",
    "_codecs_iso2022",
    "_codecs_jp",
    "_codecs_kr",
    "_codecs_tw",
    "_collections",
    "_collections_abc",
    "_colorize",
    "_compat_pickle",
    "_compression",
    "_contextvars",
    "_crypt",
    "_csv",
    "_ctypes",
    "_curses",
    "_curses_panel",
    "_datetime",
    "_dbm",
    "_decimal",
    "_elementtree",
    "_frozen_importlib",
    "_frozen_importlib_external",
    "_functools",
    "_gdbm",
    "_hashlib",
    "_heapq",
    "_imp",
    "_interpchannels",
    "_interpqueues",
    "_interpreters",
    "_io",
    "_json",
    "_locale",
    "_lsprof",
    "_lzma",
    "_markupbase",
    "_md5",
    "_msi",
    "_multibytecodec",
    "_multiprocessing",
    "_opcode",
    "_opcode_metadata",
    "_operator",
    "_osx_support",
    "_overlapped",
    "_pickle",
    "_posixshmem",
    "_posixsubprocess",
    "_py_abc",
    "_pydecimal",
    "_pyio",
    "_pyrepl",
    "_queue",
    "_random",
    "_scproxy",
    "_sha1",
    "_sha256",
    "_sha3",
    "_sha512",
    "_signal",
    "_sitebuiltins",
    "_socket",
    "_sqlite3",
    "_sre",
    "_ssl",
    "_stat",
    "_statistics",
    "_string",
    "_strptime",
    "_struct",
    "_suggestions",
    "_symtable",
    "_thread",
    "_threading_local",
    "_tkinter",
    "_tokenize",
    "_tracemalloc",
    "_typing",
    "_uuid",
    "_warnings",
    "_weakref",
    "_weakrefset",
    "_winapi",
    "_zoneinfo",
    "abc",
    "aifc",
    "antigravity",
    "argparse",
    "array",
    "ast",
    "asynchat",
    "asyncio",
    "asyncore",
    "atexit",
    "audioop",
    "base64",
    "bdb",
    "binascii",
    "bisect",
    "builtins",
    "bz2",
    "cProfile",
    "calendar",
    "cgi",
    "cgitb",
    "chunk",
    "cmath",
    "cmd",
    "code",
    "codecs",
    "codeop",
    "collections",
    "colorsys",
    "compileall",
    "concurrent",
    "configparser",
    "contextlib",
    "contextvars",
    "copy",
    "copyreg",
    "crypt",
    "csv",
    "ctypes",
    "curses",
    "dataclasses",
    "datetime",
    "dbm",
    "decimal",
    "difflib",
    "dis",
    "distutils",
    "doctest",
    "email",
    "encodings",
    "ensurepip",
    "enum",
    "errno",
    "faulthandler",
    "fcntl",
    "filecmp",
    "fileinput",
    "fnmatch",
    "fractions",
    "ftplib",
    "functools",
    "gc",
    "genericpath",
    "getopt",
    "getpass",
    "gettext",
    "glob",
    "graphlib",
    "grp",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "idlelib",
    "imaplib",
    "imghdr",
    "imp",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "keyword",
    "lib2to3",
    "linecache",
    "locale",
    "logging",
    "lzma",
    "mailbox",
    "mailcap",
    "marshal",
    "math",
    "mimetypes",
    "mmap",
    "modulefinder",
    "msilib",
    "msvcrt",
    "multiprocessing",
    "netrc",
    "nis",
    "nntplib",
    "nt",
    "ntpath",
    "nturl2path",
    "numbers",
    "opcode",
    "operator",
    "optparse",
    "os",
    "ossaudiodev",
    "pathlib",
    "pdb",
    "pickle",
    "pickletools",
    "pipes",
    "pkgutil",
    "platform",
    "plistlib",
    "poplib",
    "posix",
    "posixpath",
    "pprint",
    "profile",
    "pstats",
    "pty",
    "pwd",
    "py_compile",
    "pyclbr",
    "pydoc",
    "pydoc_data",
    "pyexpat",
    "queue",
    "quopri",
    "random",
    "re",
    "readline",
    "reprlib",
    "resource",
    "rlcompleter",
    "runpy",
    "sched",
    "secrets",
    "select",
    "selectors",
    "shelve",
    "shlex",
    "shutil",
    "signal",
    "site",
    "smtpd",
    "smtplib",
    "sndhdr",
    "socket",
    "socketserver",
    "spwd",
    "sqlite3",
    "sre_compile",
    "sre_constants",
    "sre_parse",
    "ssl",
    "stat",
    "statistics",
    "string",
    "stringprep",
    "struct",
    "subprocess",
    "sunau",
    "symtable",
    "sys",
    "sysconfig",
    "syslog",
    "tabnanny",
    "tarfile",
    "telnetlib",
    "tempfile",
    "termios",
    "textwrap",
    "this",
    "threading",
    "time",
    "timeit",
    "tkinter",
    "token",
    "tokenize",
    "tomllib",
    "trace",
    "traceback",
    "tracemalloc",
    "tty",
    "turtle",
    "turtledemo",
    "types",
    "typing",
    "unicodedata",
    "unittest",
    "urllib",
    "uu",
    "uuid",
    "venv",
    "warnings",
    "wave",
    "weakref",
    "webbrowser",
    "winreg",
    "winsound",
    "wsgiref",
    "xdrlib",
    "xml",
    "xmlrpc",
    "zipapp",
    "zipfile",
    "zipimport",
    "zlib",
    "zoneinfo",
];

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

    fn add_in_section(source: &str) -> String {
        let module = Module::parse(source, "t.py").unwrap();
        let semantic = Semantic::new(&module);
        let imported = ensure_import_in_section(&semantic, "logging").unwrap();
        let mut out = source.to_string();
        if let Some(edit) = imported.edit {
            out.replace_range(edit.range, &edit.replacement);
        }
        out
    }

    #[test]
    fn a_stdlib_import_joins_the_stdlib_group_in_order() {
        // Sorted group: at its place.
        assert_eq!(
            add_in_section("import json\nimport os\n\nimport requests\n\nX = 1\n"),
            "import json\nimport logging\nimport os\n\nimport requests\n\nX = 1\n"
        );
        // Plain imports first, then `from` imports (isort's default).
        assert_eq!(
            add_in_section("import os\nimport sys\nfrom pathlib import Path\n\nfrom . import x\n"),
            "import logging\nimport os\nimport sys\nfrom pathlib import Path\n\nfrom . import x\n"
        );
        // Sorted by module whatever the form (force-sort-within-sections).
        assert_eq!(
            add_in_section("import abc\nfrom collections import deque\nimport os\n"),
            "import abc\nfrom collections import deque\nimport logging\nimport os\n"
        );
        // Unsorted: after the group's last plain import.
        assert_eq!(
            add_in_section("import sys\nimport os\nfrom io import StringIO\n\nimport attr\n"),
            "import sys\nimport os\nimport logging\nfrom io import StringIO\n\nimport attr\n"
        );
        // The stdlib group is the second one, after a licence comment and `__future__`.
        assert_eq!(
            add_in_section(
                "# Licence.\nfrom __future__ import annotations\n\nimport attr\n\nimport os\nimport time\n"
            ),
            "# Licence.\nfrom __future__ import annotations\n\nimport attr\n\nimport logging\nimport os\nimport time\n"
        );
    }

    #[test]
    fn a_byte_order_mark_stays_first() {
        // Found by the property test: an import added or removed on the
        // first line went before the mark, which then sat in line 2.
        assert_eq!(
            add_in_section("\u{feff}import time\n"),
            "\u{feff}import logging\nimport time\n"
        );
        assert_eq!(
            add_in_section("\u{feff}import attr\n"),
            "\u{feff}import logging\n\nimport attr\n"
        );
        assert_eq!(remove("\u{feff}import traceback\nX = 1\n", "traceback"), "\u{feff}X = 1\n");
    }

    #[test]
    fn without_a_stdlib_group_one_opens_before_the_first_group() {
        assert_eq!(
            add_in_section("\"\"\"Doc.\"\"\"\n\n# Third party\nimport attr\n\nX = 1\n"),
            "\"\"\"Doc.\"\"\"\n\nimport logging\n\n# Third party\nimport attr\n\nX = 1\n"
        );
        assert_eq!(
            add_in_section("# Licence.\nfrom ._compat import x\n"),
            "# Licence.\nimport logging\n\nfrom ._compat import x\n"
        );
    }

    #[test]
    fn never_before_the_module_constants() {
        assert_eq!(
            add_in_section("\"\"\"Doc.\"\"\"\n__all__ = ['f']\n\nimport os\n\ndef f(): pass\n"),
            "\"\"\"Doc.\"\"\"\n__all__ = ['f']\n\nimport logging\nimport os\n\ndef f(): pass\n"
        );
    }

    #[test]
    fn multi_line_imports_stay_as_written() {
        let source = "from os import (\n    path,\n    sep,\n)\nimport sys\n";
        assert_eq!(
            add_in_section(source),
            "import logging\nfrom os import (\n    path,\n    sep,\n)\nimport sys\n"
        );
        let source = "import sys\nfrom os import (\n    path,\n    sep,\n)\n\nX = 1\n";
        assert_eq!(
            add_in_section(source),
            "import logging\nimport sys\nfrom os import (\n    path,\n    sep,\n)\n\nX = 1\n"
        );
    }

    #[test]
    fn after_imports_skips_import_blocks_in_try() {
        let source = "import os\ntry:\n    import ujson as json\nexcept ImportError:\n    import json\n\nX = 1\n";
        let module = Module::parse(source, "t.py").unwrap();
        let (at, _) = after_imports(&module);
        assert_eq!(&source[at..], "\nX = 1\n");
    }

    fn remove(source: &str, name: &str) -> String {
        let module = Module::parse(source, "t.py").unwrap();
        let semantic = Semantic::new(&module);
        let import = semantic
            .imports()
            .iter()
            .find(|import| module.text(semantic.binding(import.binding).name) == name)
            .unwrap();
        let edit = remove_import_name(&module, import.statement, import.item).unwrap();
        let mut out = source.to_string();
        out.replace_range(edit.range, &edit.replacement);
        out
    }

    #[test]
    fn removing_a_name_keeps_the_rest_as_written() {
        assert_eq!(
            remove("import os\nimport traceback\nX = 1\n", "traceback"),
            "import os\nX = 1\n"
        );
        assert_eq!(
            remove("import os\n\nimport traceback\n\nX = 1\n", "traceback"),
            "import os\n\nX = 1\n"
        );
        assert_eq!(remove("import os, traceback\n", "traceback"), "import os\n");
        assert_eq!(remove("import traceback, os\n", "traceback"), "import os\n");
        assert_eq!(
            remove("from traceback import (\n    format_exc,\n    print_exc,\n)\n", "print_exc"),
            "from traceback import (\n    format_exc,\n)\n"
        );
        assert_eq!(
            remove("from traceback import print_exc, format_exc  # noqa\n", "print_exc"),
            "from traceback import format_exc  # noqa\n"
        );
    }
}

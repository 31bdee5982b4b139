//! The architecture, checked: the layers of `src/` point one way, no module
//! files use each other in a cycle, and no module of `src/` but the crate
//! roots names the rules in `transforms/`.
//!
//! The layers, bottom to top (a file may use its own layer and those below):
//! `error`; `syntax`; `semantic`; `rule`; the rules in `transforms/` and
//! the custom rules' compiler `codemod` (same level: neither may use the other);
//! `engine`; `config`, `report` and `cache` (same level: none may use another);
//! `server`; `cli`; then the crate roots `src/lib.rs` and `src/main.rs`.
//!
//! Every `.rs` file under `src/` and `transforms/` is read, with comments and
//! string literals left out. A file *uses* a module file when it names a path
//! into it: in a `use` declaration (multi-line and nested braces included),
//! or inline (`crate::a::b::f(..)`), starting from `crate`, `super`, `self`,
//! a child module of the file, or (in `main.rs`) the library's name. The path
//! goes to the deepest module that has a file of its own:
//! `crate::rule::fix::Fix` is `src/rule/fix.rs`, `crate::rule::Diagnostic` is
//! `src/rule/mod.rs` (a re-export counts as a use of the module that names
//! it). Declaring `mod child;` is not a use. Test code is left out of the
//! cycle and layer checks, since tests may use anything: items under
//! `#[cfg(test)]` (`mod tests { .. }`, a test-only function) and whole files
//! declared under it or named `tests.rs`. The rule about `transforms` holds
//! for test code too. Every file read must be reached by `mod` declarations
//! from `src/lib.rs` (or be `src/main.rs`), so that none escapes the checks.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// The layers, bottom to top, by the top-level module a file belongs to.
/// `transforms` (the rules) sits above the rule interface and below the
/// engine, which runs the rules without naming them; `codemod` (rules
/// compiled from data) sits beside it.
const LAYERS: &[(&str, u8)] = &[
    ("error", 0),
    ("syntax", 1),
    ("semantic", 2),
    ("rule", 3),
    ("transforms", 4),
    ("codemod", 4),
    ("engine", 5),
    ("config", 6),
    ("report", 6),
    ("cache", 6),
    ("project", 6),
    ("server", 7),
    ("cli", 8),
];

/// The rank of the crate roots, `src/lib.rs` and `src/main.rs`.
const ROOT_RANK: u8 = u8::MAX;

/// The directories read, relative to the package root.
const DIRECTORIES: &[&str] = &["src", "transforms"];

#[test]
fn the_layers_point_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = read_tree(root);
    let crate_name = env!("CARGO_PKG_NAME").replace('-', "_");
    let architecture = Architecture::new(&files, &crate_name);
    // Not vacuous: the tree was read and its arrows found.
    assert!(files.len() >= 20, "only {} files read under {DIRECTORIES:?}", files.len());
    assert!(architecture.edges.len() >= 50, "only {} arrows found", architecture.edges.len());
    let violations = architecture.violations();
    assert!(
        violations.is_empty(),
        "{} architecture violation(s):\n\n{}",
        violations.len(),
        violations.join("\n\n")
    );
}

/// Every `.rs` file under `DIRECTORIES`, by its path relative to `root`
/// (with `/` separators), with its text.
fn read_tree(root: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut pending: Vec<_> = DIRECTORIES.iter().map(|dir| root.join(dir)).collect();
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let relative = path.strip_prefix(root).expect("under the root");
                let name = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
                files.insert(name, text);
            }
        }
    }
    files
}

// ---------------------------------------------------------------------------
// Tokens: Rust source without comments, with string literals kept apart.

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    PathSep,
    /// A string literal's contents (escapes left as written).
    Str(String),
    Punct(char),
    /// A lifetime, a character or a number: nothing a path can start with.
    Other,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    line: usize,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The tokens of `source`, comments left out. Only what matters for paths
/// is exact: identifiers, `::`, brackets and punctuation, string contents.
fn tokenize(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let mut tokens = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < chars.len() {
        let start = i;
        let start_line = line;
        let c = chars[i];
        let tok = if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            None
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            loop {
                if i >= chars.len() {
                    break;
                } else if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            None
        } else if c.is_whitespace() {
            i += 1;
            None
        } else if let Some((contents, end)) = string_literal(&chars, i) {
            i = end;
            Some(Tok::Str(contents))
        } else if c == '\'' || (c == 'b' && at(i + 1) == '\'') {
            i = char_or_lifetime_end(&chars, if c == 'b' { i + 1 } else { i });
            Some(Tok::Other)
        } else if c == 'r' && at(i + 1) == '#' && is_ident_start(at(i + 2)) {
            i += 2;
            let begin = i;
            while i < chars.len() && is_ident_char(chars[i]) {
                i += 1;
            }
            Some(Tok::Ident(chars[begin..i].iter().collect()))
        } else if is_ident_start(c) {
            while i < chars.len() && is_ident_char(chars[i]) {
                i += 1;
            }
            Some(Tok::Ident(chars[start..i].iter().collect()))
        } else if c.is_ascii_digit() {
            while i < chars.len() && is_ident_char(chars[i]) {
                i += 1;
            }
            Some(Tok::Other)
        } else if c == ':' && at(i + 1) == ':' {
            i += 2;
            Some(Tok::PathSep)
        } else {
            i += 1;
            Some(Tok::Punct(c))
        };
        line += chars[start..i].iter().filter(|&&c| c == '\n').count();
        if let Some(tok) = tok {
            tokens.push(Token { tok, line: start_line });
        }
    }
    tokens
}

/// A string literal starting at `i` (`"..."`, `r#"..."#`, `b"..."`,
/// `br"..."`, `c"..."`, `cr"..."`): its contents and the index after it.
fn string_literal(chars: &[char], i: usize) -> Option<(String, usize)> {
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    let mut j = i;
    if matches!(at(j), 'b' | 'c') {
        j += 1;
    }
    let raw = at(j) == 'r';
    if raw {
        j += 1;
    }
    let mut hashes = 0;
    while raw && at(j) == '#' {
        hashes += 1;
        j += 1;
    }
    if at(j) != '"' {
        return None;
    }
    j += 1;
    let begin = j;
    while j < chars.len() {
        if !raw && chars[j] == '\\' {
            j += 2;
        } else if chars[j] == '"' && (0..hashes).all(|k| at(j + 1 + k) == '#') {
            return Some((chars[begin..j].iter().collect(), j + 1 + hashes));
        } else {
            j += 1;
        }
    }
    Some((chars[begin..].iter().collect(), chars.len()))
}

/// The index after a character literal or a lifetime starting with `'` at `i`.
fn char_or_lifetime_end(chars: &[char], i: usize) -> usize {
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    if at(i + 1) == '\\' {
        let mut j = i + 3;
        while j < chars.len() && chars[j] != '\'' {
            j += 1;
        }
        j + 1
    } else if at(i + 2) == '\'' {
        i + 3
    } else {
        let mut j = i + 1;
        while j < chars.len() && is_ident_char(chars[j]) {
            j += 1;
        }
        j
    }
}

// ---------------------------------------------------------------------------
// One file: its module declarations and the paths it names.

/// `mod name;` or `mod name { .. }`, inside the inline modules `scope`.
#[derive(Debug)]
struct ModDecl {
    scope: Vec<String>,
    name: String,
    line: usize,
    inline: bool,
    /// The value of a `#[path = ".."]` attribute.
    path: Option<String>,
    test: bool,
}

/// A path the file names, as written, inside the inline modules `scope`.
#[derive(Debug)]
struct Ref {
    scope: Vec<String>,
    segments: Vec<String>,
    line: usize,
    in_use: bool,
    test: bool,
}

impl Ref {
    fn written(&self) -> String {
        let path = self.segments.join("::");
        if self.in_use { format!("use {path}") } else { path }
    }
}

#[derive(Debug, Default)]
struct FileScan {
    mods: Vec<ModDecl>,
    refs: Vec<Ref>,
}

fn ident(tokens: &[Token], i: usize) -> Option<&str> {
    match tokens.get(i).map(|t| &t.tok) {
        Some(Tok::Ident(name)) => Some(name),
        _ => None,
    }
}

fn is(tokens: &[Token], i: usize, tok: &Tok) -> bool {
    tokens.get(i).is_some_and(|t| &t.tok == tok)
}

/// The index after the item starting at `i`: after its `;`, or after the
/// first brace group, whichever comes first outside brackets.
fn item_end(tokens: &[Token], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < tokens.len() {
        match tokens[i].tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']') => depth = depth.saturating_sub(1),
            Tok::Punct('}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            Tok::Punct(';') if depth == 0 => return i + 1,
            _ => {}
        }
        i += 1;
    }
    i
}

/// The index of the bracket closing the one at `i`.
fn closing(tokens: &[Token], i: usize) -> usize {
    let mut depth = 0usize;
    for (j, token) in tokens.iter().enumerate().skip(i) {
        match token.tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// The leaves of the use tree starting at `i`, each as its full path and
/// the line of its last segment, appended to `out`; returns the index after
/// the tree. `self` in braces names the path before the braces.
fn use_tree(
    tokens: &[Token],
    mut i: usize,
    prefix: &[String],
    out: &mut Vec<(Vec<String>, usize)>,
) -> usize {
    let mut path = prefix.to_vec();
    let mut line = tokens.get(i).map_or(0, |t| t.line);
    if is(tokens, i, &Tok::PathSep) {
        i += 1;
    }
    loop {
        match tokens.get(i).map(|t| &t.tok) {
            Some(Tok::Ident(name)) => {
                if name != "self" || path.is_empty() {
                    path.push(name.clone());
                }
                line = tokens[i].line;
                i += 1;
                if is(tokens, i, &Tok::PathSep) {
                    i += 1;
                    continue;
                }
                if ident(tokens, i) == Some("as") {
                    i += 2;
                }
                out.push((path, line));
                return i;
            }
            Some(Tok::Punct('*')) => {
                out.push((path, tokens[i].line));
                return i + 1;
            }
            Some(Tok::Punct('{')) => {
                let end = closing(tokens, i);
                i += 1;
                while i < end {
                    if is(tokens, i, &Tok::Punct(',')) {
                        i += 1;
                    } else {
                        i = use_tree(tokens, i, &path, out).clamp(i + 1, end);
                    }
                }
                return end + 1;
            }
            _ => {
                if !path.is_empty() {
                    out.push((path, line));
                }
                return i;
            }
        }
    }
}

/// Whether a path can start with the identifier `name` (not a keyword
/// that comes before a path).
fn can_start_a_path(name: &str) -> bool {
    !matches!(name, "use" | "mod" | "as" | "in" | "pub" | "where" | "impl" | "for" | "dyn")
}

/// The module declarations and the paths of one file.
fn scan(source: &str) -> FileScan {
    let tokens = tokenize(source);
    let mut found = FileScan::default();
    // The inline modules open around the current token: each one's name
    // and the brace depth of its body.
    let mut scopes: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut test_until = 0usize;
    let mut next_is_test = false;
    let mut path_attr: Option<String> = None;
    let mut i = 0;
    while i < tokens.len() {
        let scope: Vec<String> = scopes.iter().map(|(name, _)| name.clone()).collect();
        let in_test = i < test_until;
        match &tokens[i].tok {
            Tok::Punct('#')
                if is(&tokens, i + 1, &Tok::Punct('[')) || is(&tokens, i + 1, &Tok::Punct('!')) =>
            {
                let open = if is(&tokens, i + 1, &Tok::Punct('!')) { i + 2 } else { i + 1 };
                let close = closing(&tokens, open);
                let inner: Vec<&Tok> = tokens[open + 1..close].iter().map(|t| &t.tok).collect();
                let cfg_test = [
                    Tok::Ident("cfg".into()),
                    Tok::Punct('('),
                    Tok::Ident("test".into()),
                    Tok::Punct(')'),
                ];
                if open == i + 1 && inner.iter().copied().eq(cfg_test.iter()) {
                    next_is_test = true;
                }
                if let [Tok::Ident(name), Tok::Punct('='), Tok::Str(value)] = inner[..]
                    && name == "path"
                {
                    path_attr = Some(value.clone());
                }
                i = close + 1;
                continue;
            }
            _ if next_is_test => {
                test_until = test_until.max(item_end(&tokens, i));
                next_is_test = false;
                continue;
            }
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                depth = depth.saturating_sub(1);
                while scopes.last().is_some_and(|&(_, body)| depth < body) {
                    scopes.pop();
                }
                path_attr = None;
            }
            Tok::Punct(';') => path_attr = None,
            Tok::Ident(keyword) if keyword == "mod" => {
                if let Some(name) = ident(&tokens, i + 1) {
                    let inline = is(&tokens, i + 2, &Tok::Punct('{'));
                    let path = path_attr.take();
                    found.mods.push(ModDecl {
                        scope,
                        name: name.to_string(),
                        line: tokens[i].line,
                        inline,
                        path,
                        test: in_test,
                    });
                    if inline {
                        scopes.push((name.to_string(), depth + 1));
                    }
                    i += 2;
                    continue;
                }
            }
            Tok::Ident(keyword)
                if keyword == "use"
                    && !is(&tokens, i + 1, &Tok::Punct('<'))
                    && !is(&tokens, i.wrapping_sub(1), &Tok::PathSep) =>
            {
                let mut leaves = Vec::new();
                let end = use_tree(&tokens, i + 1, &[], &mut leaves);
                for (segments, line) in leaves {
                    let scope = scope.clone();
                    found.refs.push(Ref { scope, segments, line, in_use: true, test: in_test });
                }
                i = end;
                continue;
            }
            Tok::Ident(first)
                if is(&tokens, i + 1, &Tok::PathSep)
                    && can_start_a_path(first)
                    && !is(&tokens, i.wrapping_sub(1), &Tok::PathSep)
                    && !(ident(&tokens, i.wrapping_sub(1)) == Some("in")
                        && is(&tokens, i.wrapping_sub(2), &Tok::Punct('('))) =>
            {
                let mut segments = vec![first.clone()];
                let mut j = i + 1;
                let mut line = tokens[i].line;
                while is(&tokens, j, &Tok::PathSep)
                    && let Some(name) = ident(&tokens, j + 1)
                {
                    segments.push(name.to_string());
                    line = tokens[j + 1].line;
                    j += 2;
                }
                found.refs.push(Ref { scope, segments, line, in_use: false, test: in_test });
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

// ---------------------------------------------------------------------------
// The whole tree: modules, arrows between module files, violations.

/// A module path from a crate root: `["crate", "rule", "fix"]`.
type ModPath = Vec<String>;

/// An arrow: `from` names a path into `to`, at `line`.
#[derive(Debug, PartialEq)]
struct Edge {
    from: String,
    to: String,
    line: usize,
    in_use: bool,
    segments: Vec<String>,
}

/// The lines that make arrows, one per source line: the leaves of a `use`
/// tree on one line are shown together (`use super::{A, B}`).
fn evidence(edges: &[&Edge]) -> String {
    let mut lines: Vec<(&str, usize, bool, Vec<&[String]>)> = Vec::new();
    for edge in edges {
        match lines.last_mut() {
            Some((from, line, in_use, paths))
                if *from == edge.from && *line == edge.line && *in_use == edge.in_use =>
            {
                paths.push(&edge.segments);
            }
            _ => lines.push((&edge.from, edge.line, edge.in_use, vec![&edge.segments])),
        }
    }
    let mut text = String::new();
    for (from, line, in_use, paths) in lines {
        let written = if in_use && paths.len() > 1 {
            let shortest = paths.iter().map(|p| p.len()).min().unwrap_or(0);
            let common = (0..shortest.saturating_sub(1))
                .take_while(|&k| paths.iter().all(|p| p[k] == paths[0][k]))
                .count();
            let tails: Vec<String> = paths.iter().map(|p| p[common..].join("::")).collect();
            format!("use {}::{{{}}}", paths[0][..common].join("::"), tails.join(", "))
        } else {
            let written = paths.iter().map(|p| p.join("::"));
            let written: Vec<String> =
                written.map(|p| if in_use { format!("use {p}") } else { p }).collect();
            written.join(", ")
        };
        write!(text, "\n    {from}:{line}: {written}").expect("a String");
    }
    text
}

struct Architecture<'a> {
    files: &'a BTreeMap<String, String>,
    scans: BTreeMap<&'a str, FileScan>,
    /// Each module with a file, or an inline module (its file's).
    modules: BTreeMap<ModPath, String>,
    /// Each file's module path.
    module_of: BTreeMap<String, ModPath>,
    /// Files that are test code (under `#[cfg(test)]`, or `tests.rs`).
    test_files: BTreeSet<String>,
    /// Arrows between different module files, test code left out.
    edges: Vec<Edge>,
}

/// The directory in which `file`'s child modules live.
fn child_dir(file: &str) -> String {
    let (dir, name) = file.rsplit_once('/').unwrap_or(("", file));
    if matches!(name, "mod.rs" | "lib.rs" | "main.rs") {
        dir.to_string()
    } else {
        let stem = name.trim_end_matches(".rs");
        if dir.is_empty() { stem.to_string() } else { format!("{dir}/{stem}") }
    }
}

/// `dir/relative` with `.` and `..` resolved.
fn join(dir: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

impl<'a> Architecture<'a> {
    fn new(files: &'a BTreeMap<String, String>, crate_name: &str) -> Self {
        let scans = files.iter().map(|(name, text)| (name.as_str(), scan(text))).collect();
        let mut architecture = Architecture {
            files,
            scans,
            modules: BTreeMap::new(),
            module_of: BTreeMap::new(),
            test_files: BTreeSet::new(),
            edges: Vec::new(),
        };
        if files.contains_key("src/lib.rs") {
            architecture.declare("src/lib.rs", vec!["crate".to_string()], false);
        }
        if files.contains_key("src/main.rs") {
            architecture.declare("src/main.rs", vec!["main".to_string()], false);
        }
        for name in files.keys() {
            if name.ends_with("/tests.rs") {
                architecture.test_files.insert(name.clone());
            }
        }
        architecture.edges = architecture.find_edges(crate_name);
        architecture
    }

    /// Records `file` as module `path`, then its child modules.
    fn declare(&mut self, file: &str, path: ModPath, test: bool) {
        if self.module_of.contains_key(file) {
            return;
        }
        self.modules.insert(path.clone(), file.to_string());
        self.module_of.insert(file.to_string(), path.clone());
        if test {
            self.test_files.insert(file.to_string());
        }
        let mut children = Vec::new();
        for decl in &self.scans[file].mods {
            let mut child = path.clone();
            child.extend(decl.scope.iter().cloned());
            child.push(decl.name.clone());
            if decl.inline {
                self.modules.insert(child, file.to_string());
                continue;
            }
            let dir = join(&child_dir(file), &decl.scope.join("/"));
            let candidates = match &decl.path {
                Some(relative) => {
                    vec![join(file.rsplit_once('/').map_or("", |(d, _)| d), relative)]
                }
                None => {
                    vec![format!("{dir}/{}.rs", decl.name), format!("{dir}/{}/mod.rs", decl.name)]
                }
            };
            if let Some(found) = candidates.into_iter().find(|c| self.files.contains_key(c)) {
                children.push((found, child, test || decl.test));
            }
        }
        for (child_file, child, child_test) in children {
            self.declare(&child_file, child, child_test);
        }
    }

    /// The module path `reference` names, from `file`, if it names one of
    /// this crate's modules (or items in them).
    fn resolve(&self, file: &str, reference: &Ref, crate_name: &str) -> Option<ModPath> {
        let mut here = self.module_of.get(file)?.clone();
        here.extend(reference.scope.iter().cloned());
        let segments = &reference.segments;
        let first = segments.first()?.as_str();
        let (mut path, rest) = match first {
            "crate" => (vec![here[0].clone()], &segments[1..]),
            _ if first == crate_name && here[0] == "main" => {
                (vec!["crate".to_string()], &segments[1..])
            }
            "self" => (here, &segments[1..]),
            "super" => {
                let supers = segments.iter().take_while(|s| *s == "super").count();
                here.truncate(here.len().saturating_sub(supers).max(1));
                (here, &segments[supers..])
            }
            child => {
                let mut path = here.clone();
                path.push(child.to_string());
                if !self.modules.contains_key(&path) {
                    return None;
                }
                (here, &segments[..])
            }
        };
        path.extend(rest.iter().cloned());
        Some(path)
    }

    /// The file of the deepest module along `path`.
    fn file_of(&self, path: &[String]) -> Option<&String> {
        (1..=path.len()).rev().find_map(|n| self.modules.get(&path[..n]))
    }

    fn find_edges(&self, crate_name: &str) -> Vec<Edge> {
        let mut edges = Vec::new();
        for (&file, found) in &self.scans {
            if self.test_files.contains(file) {
                continue;
            }
            for reference in found.refs.iter().filter(|r| !r.test) {
                let Some(path) = self.resolve(file, reference, crate_name) else { continue };
                let Some(to) = self.file_of(&path) else { continue };
                let edge = Edge {
                    from: file.to_string(),
                    to: to.clone(),
                    line: reference.line,
                    in_use: reference.in_use,
                    segments: reference.segments.clone(),
                };
                if to != file && !self.test_files.contains(to) && !edges.contains(&edge) {
                    edges.push(edge);
                }
            }
        }
        edges
    }

    /// The layer of `file` and its rank, or `None` for a module in no layer.
    fn layer(&self, file: &str) -> Option<(&str, u8)> {
        let path = self.module_of.get(file)?;
        match path.get(1) {
            None => Some(("crate root", ROOT_RANK)),
            Some(top) => {
                LAYERS.iter().find(|(name, _)| name == top).map(|&(name, rank)| (name, rank))
            }
        }
    }

    fn violations(&self) -> Vec<String> {
        let mut violations = self.undeclared_files();
        violations.extend(self.unknown_layers());
        violations.extend(self.cycles());
        violations.extend(self.wrong_way_arrows());
        violations.extend(self.names_of_transforms());
        violations
    }

    /// Files no `mod` declaration reaches: not compiled, or declared in a
    /// way this checker does not follow; either way, not checked.
    fn undeclared_files(&self) -> Vec<String> {
        let undeclared = self.files.keys().filter(|file| !self.module_of.contains_key(*file));
        undeclared.map(|file| format!("{file}: no `mod` declaration reaches it")).collect()
    }

    fn unknown_layers(&self) -> Vec<String> {
        let mut tops = BTreeSet::new();
        for (file, path) in &self.module_of {
            if path.len() > 1 && self.layer(file).is_none() && !self.test_files.contains(file) {
                tops.insert(path[1].clone());
            }
        }
        let unknown = tops
            .into_iter()
            .map(|top| format!("module `crate::{top}` is in no layer: add it to LAYERS"));
        unknown.collect()
    }

    fn wrong_way_arrows(&self) -> Vec<String> {
        let mut grouped: BTreeMap<(&str, &str), Vec<&Edge>> = BTreeMap::new();
        for edge in &self.edges {
            let (Some((from, low)), Some((to, high))) =
                (self.layer(&edge.from), self.layer(&edge.to))
            else {
                continue;
            };
            if from != to && low <= high {
                grouped.entry((&edge.from, &edge.to)).or_default().push(edge);
            }
        }
        let mut violations = Vec::new();
        for ((from, to), edges) in grouped {
            let (from_layer, low) = self.layer(from).expect("a layer");
            let (to_layer, high) = self.layer(to).expect("a layer");
            let kind = if low == high { "sideways arrow (same level)" } else { "upward arrow" };
            let mut text = format!("{kind}: {from} ({from_layer}) -> {to} ({to_layer})");
            text.push_str(&evidence(&edges));
            violations.push(text);
        }
        violations
    }

    /// For each group of files that use each other, the shortest cycle
    /// through each file not already on a cycle shown, with the lines that
    /// make its arrows.
    fn cycles(&self) -> Vec<String> {
        let mut graph: Graph = BTreeMap::new();
        for edge in &self.edges {
            graph.entry(&edge.from).or_default().entry(&edge.to).or_default().push(edge);
        }
        let mut violations = Vec::new();
        for group in strongly_connected(&graph) {
            let mut shown = BTreeSet::new();
            for &start in &group {
                if shown.contains(start) {
                    continue;
                }
                let cycle = shortest_cycle(&graph, start, &group);
                shown.extend(cycle.iter().copied());
                let mut text = format!("cycle: {}", cycle.join(" -> "));
                for pair in cycle.windows(2) {
                    text.push_str(&evidence(&graph[pair[0]][pair[1]]));
                }
                violations.push(text);
            }
        }
        violations
    }

    fn names_of_transforms(&self) -> Vec<String> {
        let mut violations = Vec::new();
        for (&file, found) in &self.scans {
            if !file.starts_with("src/") || matches!(file, "src/lib.rs" | "src/main.rs") {
                continue;
            }
            for reference in
                found.refs.iter().filter(|r| r.segments.iter().any(|s| s == "transforms"))
            {
                let written = reference.written();
                violations
                    .push(format!("{file}:{}: names `transforms`: {written}", reference.line));
            }
            for decl in found.mods.iter().filter(|m| m.name == "transforms") {
                violations.push(format!("{file}:{}: declares `mod transforms`", decl.line));
            }
        }
        violations
    }
}

type Graph<'a> = BTreeMap<&'a str, BTreeMap<&'a str, Vec<&'a Edge>>>;

/// The groups of two or more nodes that all reach each other (Tarjan's
/// algorithm), each sorted, in order.
fn strongly_connected<'a>(graph: &Graph<'a>) -> Vec<Vec<&'a str>> {
    struct State<'a> {
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        groups: Vec<Vec<&'a str>>,
    }
    fn visit<'a>(node: &'a str, graph: &Graph<'a>, state: &mut State<'a>) {
        let number = state.index.len();
        state.index.insert(node, number);
        state.low.insert(node, number);
        state.stack.push(node);
        state.on_stack.insert(node);
        for &next in graph.get(node).map(|n| n.keys()).into_iter().flatten() {
            if !state.index.contains_key(next) {
                visit(next, graph, state);
                let low = state.low[node].min(state.low[next]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next) {
                let low = state.low[node].min(state.index[next]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut group = Vec::new();
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                group.push(member);
                if member == node {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort_unstable();
                state.groups.push(group);
            }
        }
    }
    let mut state = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        groups: Vec::new(),
    };
    for &node in graph.keys() {
        if !state.index.contains_key(node) {
            visit(node, graph, &mut state);
        }
    }
    state.groups.sort();
    state.groups
}

/// The shortest path `start -> .. -> start` inside `group` (breadth first).
fn shortest_cycle<'a>(graph: &Graph<'a>, start: &'a str, group: &[&'a str]) -> Vec<&'a str> {
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &next in graph.get(node).map(|n| n.keys()).into_iter().flatten() {
            if next == start {
                let mut cycle = vec![node];
                while let Some(&previous) = came_from.get(cycle[cycle.len() - 1]) {
                    cycle.push(previous);
                }
                cycle.reverse();
                cycle.push(start);
                return cycle;
            }
            if group.contains(&next) && !came_from.contains_key(next) {
                came_from.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    unreachable!("{start} is in a group of files that reach each other")
}

// ---------------------------------------------------------------------------
// The checker's own tests, on synthetic trees: it must be able to fail.

fn tree(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files.iter().map(|(name, text)| (name.to_string(), text.to_string())).collect()
}

fn violations_of(files: &[(&str, &str)]) -> Vec<String> {
    let files = tree(files);
    Architecture::new(&files, "pyfix").violations()
}

fn arrows_of(files: &[(&str, &str)]) -> Vec<(String, String)> {
    let files = tree(files);
    let edges = Architecture::new(&files, "pyfix").edges;
    let pairs: BTreeSet<_> = edges.into_iter().map(|e| (e.from, e.to)).collect();
    pairs.into_iter().collect()
}

fn arrow(from: &str, to: &str) -> (String, String) {
    (from.to_string(), to.to_string())
}

const LIB: &str = "pub mod error;\npub mod syntax;\npub mod rule;\npub mod engine;\npub mod config;\n\
                   pub mod report;\npub mod cli;\n#[path = \"../transforms/mod.rs\"]\npub mod transforms;\n";

#[test]
fn paths_go_to_the_deepest_module_file() {
    let arrows = arrows_of(&[
        ("src/lib.rs", LIB),
        (
            "src/rule/mod.rs",
            "pub mod fix;\npub mod registry;\npub use fix::Fix;\npub struct Diagnostic;\n",
        ),
        ("src/rule/fix.rs", "pub struct Fix;\n"),
        ("src/rule/registry.rs", "use super::Diagnostic;\n"),
        ("transforms/mod.rs", "pub mod helpers;\nmod a;\n"),
        ("transforms/helpers/mod.rs", "pub mod logger;\n"),
        ("transforms/helpers/logger.rs", "pub fn x() {}\n"),
        (
            "transforms/a.rs",
            "use crate::rule::{\n    fix::{self, Fix},\n    Diagnostic,\n};\n\
             fn f() { crate::transforms::helpers::logger::x(); }\n",
        ),
    ]);
    assert_eq!(
        arrows,
        [
            arrow("src/rule/mod.rs", "src/rule/fix.rs"),
            arrow("src/rule/registry.rs", "src/rule/mod.rs"),
            arrow("transforms/a.rs", "src/rule/fix.rs"),
            arrow("transforms/a.rs", "src/rule/mod.rs"),
            arrow("transforms/a.rs", "transforms/helpers/logger.rs"),
        ]
    );
}

#[test]
fn a_cycle_and_an_upward_arrow_are_found() {
    let violations = violations_of(&[
        ("src/lib.rs", LIB),
        ("src/syntax/mod.rs", "pub mod walk;\npub struct Tree;\n"),
        ("src/syntax/walk.rs", "pub fn f() -> crate::rule::Rule { crate::rule::Rule }\n"),
        ("src/rule/mod.rs", "use crate::syntax::{Tree, walk};\npub struct Rule;\n"),
    ]);
    assert_eq!(violations.len(), 2, "{violations:#?}");
    assert!(
        violations[0]
            .starts_with("cycle: src/rule/mod.rs -> src/syntax/walk.rs -> src/rule/mod.rs"),
        "{}",
        violations[0]
    );
    assert!(
        violations[0].contains("src/rule/mod.rs:1: use crate::syntax::walk"),
        "{}",
        violations[0]
    );
    assert!(violations[0].contains("src/syntax/walk.rs:1: crate::rule::Rule"), "{}", violations[0]);
    assert!(
        violations[1]
            .starts_with("upward arrow: src/syntax/walk.rs (syntax) -> src/rule/mod.rs (rule)"),
        "{}",
        violations[1]
    );
}

#[test]
fn config_and_report_may_not_use_each_other_and_rules_may_not_use_the_engine() {
    let violations = violations_of(&[
        ("src/lib.rs", LIB),
        ("src/config/mod.rs", "use crate::rule::Rule;\n"),
        ("src/report/mod.rs", "use crate::config::Options;\nuse crate::engine::Finding;\n"),
        ("src/engine/mod.rs", "pub struct Finding;\n"),
        ("src/rule/mod.rs", "pub struct Rule;\n"),
        ("transforms/mod.rs", "mod a;\n"),
        ("transforms/a.rs", "use crate::engine::Finding;\n"),
    ]);
    assert_eq!(
        violations,
        [
            "sideways arrow (same level): src/report/mod.rs (report) -> src/config/mod.rs (config)\n    \
             src/report/mod.rs:1: use crate::config::Options",
            "upward arrow: transforms/a.rs (transforms) -> src/engine/mod.rs (engine)\n    \
             transforms/a.rs:1: use crate::engine::Finding",
        ]
    );
}

#[test]
fn test_code_comments_and_strings_are_left_out() {
    let violations = violations_of(&[
        ("src/lib.rs", LIB),
        (
            "src/syntax/mod.rs",
            "mod tests;\n// crate::cli::run\n/* crate::cli::run /* nested */ crate::cli::run */\n\
             const A: &str = \"crate::cli::run\";\nconst B: &str = r#\"crate::\"cli::run\"#;\n\
             const C: char = '\"';\nfn f<'a>(x: &'a str) -> &'a str { x }\n\
             #[cfg(test)]\nfn helper() { crate::cli::run(); }\n\
             #[cfg(test)]\nmod more {\n    use crate::cli::run;\n}\n",
        ),
        ("src/syntax/tests.rs", "use crate::cli::run;\n"),
        ("src/cli/mod.rs", "pub fn run() {}\n"),
    ]);
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn only_the_crate_roots_name_transforms() {
    let violations = violations_of(&[
        ("src/lib.rs", LIB),
        ("src/main.rs", "fn main() { pyfix::cli::run(pyfix::transforms::REGISTRY); }\n"),
        (
            "src/cli/mod.rs",
            "pub fn run() {}\n#[cfg(test)]\nmod tests {\n    use crate::transforms::REGISTRY;\n}\n",
        ),
        ("src/engine/mod.rs", "fn f() { let _ = crate::transforms::REGISTRY; }\n"),
        ("transforms/mod.rs", "pub static REGISTRY: () = ();\n"),
    ]);
    assert_eq!(
        violations,
        [
            "src/cli/mod.rs:4: names `transforms`: use crate::transforms::REGISTRY",
            "src/engine/mod.rs:1: names `transforms`: crate::transforms::REGISTRY",
        ]
    );
}

#[test]
fn super_self_and_child_module_paths_resolve() {
    let arrows = arrows_of(&[
        ("src/lib.rs", "pub mod rule;\n"),
        (
            "src/rule/mod.rs",
            "pub mod fix;\npub struct Diagnostic;\nmod inner {\n    use super::fix::Fix;\n}\n",
        ),
        ("src/rule/fix.rs", "pub mod edit;\npub struct Fix;\n"),
        (
            "src/rule/fix/edit.rs",
            "use super::super::Diagnostic;\nfn g() {}\nfn f() { self::g(); edit::g(); }\n",
        ),
    ]);
    assert_eq!(
        arrows,
        [
            arrow("src/rule/fix/edit.rs", "src/rule/mod.rs"),
            arrow("src/rule/mod.rs", "src/rule/fix.rs")
        ]
    );
}

#[test]
fn a_file_no_module_declares_is_reported() {
    let violations = violations_of(&[
        ("src/lib.rs", "pub mod rule;\n"),
        ("src/rule/mod.rs", "pub struct Rule;\n"),
        ("src/rule/orphan.rs", "use crate::cli::run;\n"),
    ]);
    assert_eq!(violations, ["src/rule/orphan.rs: no `mod` declaration reaches it"]);
}

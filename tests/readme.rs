//! The documentation stays true to the code: README.md's rule table lists
//! every rule of `transforms::ALL`, in code order; the Markdown files name
//! only files of this repository; and each layer of `src/` uses only the
//! layers docs/architecture.md allows it.

use std::fs;
use std::path::{Component, Path, PathBuf};

use pyfix::transforms::ALL;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// The code and name columns of each row of the table under `## Rules`.
fn rule_rows(readme: &str) -> Vec<(String, String)> {
    let Some((_, section)) = readme.split_once("\n## Rules\n") else {
        panic!("README.md has no `## Rules` section");
    };
    section
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .skip(2) // the header row and the `|---|` row
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let cell = |index: usize| cells.get(index).copied().unwrap_or_default().to_string();
            (cell(1), cell(2))
        })
        .collect()
}

#[test]
fn the_rule_table_lists_every_rule_in_code_order() {
    let rows = rule_rows(&read(&root().join("README.md")));
    let rules: Vec<(String, String)> =
        ALL.iter().map(|rule| (rule.code().to_string(), rule.name().to_string())).collect();
    if rows == rules {
        return;
    }
    let mut problems = Vec::new();
    for (code, name) in rules.iter().filter(|rule| !rows.contains(rule)) {
        problems.push(format!(
            "add the row `| {code} | {name} | <what it finds> | <its fix> |` to the table \
             under `## Rules` in README.md, in code order"
        ));
    }
    for (code, name) in rows.iter().filter(|row| !rules.contains(row)) {
        problems.push(format!(
            "README.md lists `{code} | {name}`, which is no rule of transforms::ALL: \
             correct the row or remove it"
        ));
    }
    if problems.is_empty() {
        let codes: Vec<&str> = rows.iter().map(|(code, _)| code.as_str()).collect();
        problems.push(format!(
            "README.md's rule rows must be in code order, as transforms::ALL is; they are {codes:?}"
        ));
    }
    panic!("README.md's rule table does not match transforms::ALL:\n{}", problems.join("\n"));
}

/// README.md, CONTRIBUTING.md and the Markdown files under docs/.
fn documents() -> Vec<PathBuf> {
    let mut paths = vec![root().join("README.md"), root().join("CONTRIBUTING.md")];
    if let Ok(entries) = fs::read_dir(root().join("docs")) {
        let mut docs: Vec<PathBuf> = entries
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
            .collect();
        docs.sort();
        paths.extend(docs);
    }
    paths.into_iter().filter(|path| path.is_file()).collect()
}

/// Where repository paths start; a name outside these (`transforms::ALL`,
/// `.pyfix_cache/`, `target/corpus/`) is not checked.
const TOP_LEVEL: &[&str] = &[
    "src/",
    "tests/",
    "transforms/",
    "docs/",
    "snapshots/",
    ".github/",
    ".ci/",
    "README.md",
    "CONTRIBUTING.md",
    "Cargo.toml",
    "Cargo.lock",
    "pyproject.toml",
    "rustfmt.toml",
    "clippy.toml",
    ".pre-commit-hooks.yaml",
];

/// A reference in a Markdown text: an inline code span (outside fenced
/// blocks), which names a path from the repository's root, or a link
/// target, relative to the document.
enum Reference {
    Code(String),
    Link(String),
}

/// Where a reference leads.
enum Target {
    /// Out of the repository (`../shared/DESIGN.md`).
    Outside,
    /// This path from the root.
    Inside(PathBuf),
}

fn references(markdown: &str) -> Vec<Reference> {
    let mut prose = String::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    let spans = prose.split('`').skip(1).step_by(2).map(|span| Reference::Code(span.to_string()));
    let links = prose.split("](").skip(1).filter_map(|rest| {
        rest.split_once(')').map(|(target, _)| Reference::Link(target.to_string()))
    });
    spans.chain(links).collect()
}

/// The path a reference names, relative to the root: a code span that
/// starts like a repository path and is a plain path (no placeholder such
/// as `<rule>`, no glob, no spaces; `tests/fixtures.rs::name` names
/// `tests/fixtures.rs`), or a link that is no URL or anchor.
fn repository_path(reference: &Reference, document_dir: &Path) -> Option<Target> {
    let (text, base) = match reference {
        Reference::Code(text) => {
            let text = text.split("::").next().unwrap_or(text);
            if text.starts_with("../") {
                return Some(Target::Outside);
            }
            let plain = !text.contains(['<', '>', '*', '{', ' ', '\n']);
            if !plain || !TOP_LEVEL.iter().any(|start| text.starts_with(start)) {
                return None;
            }
            (text, Path::new(""))
        }
        Reference::Link(target) => {
            if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
                return None;
            }
            (target.split('#').next().unwrap_or(target), document_dir)
        }
    };
    let mut path = PathBuf::new();
    for component in base.join(text).components() {
        match component {
            Component::Normal(part) => path.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !path.pop() {
                    return Some(Target::Outside);
                }
            }
            Component::RootDir | Component::Prefix(_) => return Some(Target::Outside),
        }
    }
    Some(Target::Inside(path))
}

#[test]
fn the_documentation_names_only_files_of_this_repository() {
    let mut problems = Vec::new();
    let documents = documents();
    assert!(documents.len() >= 2, "README.md and CONTRIBUTING.md: {documents:?}");
    for document in documents {
        let relative = document.strip_prefix(root()).unwrap_or(&document).to_path_buf();
        let shown = relative.display().to_string();
        let document_dir = relative.parent().unwrap_or(Path::new(""));
        for reference in references(&read(&document)) {
            let text = match &reference {
                Reference::Code(text) | Reference::Link(text) => text.clone(),
            };
            match repository_path(&reference, document_dir) {
                None => {}
                Some(Target::Outside) => {
                    problems.push(format!("{shown}: `{text}` points outside the repository"));
                }
                Some(Target::Inside(path)) if !root().join(&path).exists() => {
                    problems.push(format!("{shown}: `{text}` names no file of the repository"));
                }
                Some(Target::Inside(_)) => {}
            }
        }
    }
    assert!(problems.is_empty(), "stale references:\n{}", problems.join("\n"));
}

/// The layers of docs/architecture.md, bottom to top, with the layers each
/// may use. No layer may name `transforms`: the binary hands the registry
/// down.
const LAYERS: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("syntax", &["error"]),
    ("semantic", &["error", "syntax"]),
    ("rule", &["error", "syntax", "semantic"]),
    ("codemod", &["error", "syntax", "semantic", "rule"]),
    ("engine", &["error", "syntax", "semantic", "rule"]),
    ("config", &["error", "syntax", "semantic", "rule", "codemod", "engine"]),
    ("report", &["error", "syntax", "semantic", "rule", "engine"]),
    ("server", &["error", "syntax", "semantic", "rule", "engine", "config", "report"]),
    (
        "cli",
        &["error", "syntax", "semantic", "rule", "codemod", "engine", "config", "report", "server"],
    ),
];

/// `src/<layer>.rs` and every `.rs` file under `src/<layer>/`.
fn layer_files(layer: &str) -> Vec<PathBuf> {
    let src = root().join("src");
    let mut files: Vec<PathBuf> =
        [src.join(format!("{layer}.rs"))].into_iter().filter(|path| path.is_file()).collect();
    let mut pending = vec![src.join(layer)];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for path in entries.map(|entry| entry.unwrap().path()) {
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn each_layer_uses_only_the_layers_below_it() {
    let mut problems = Vec::new();
    for (layer, allowed) in LAYERS {
        let files = layer_files(layer);
        assert!(
            !files.is_empty(),
            "src/{layer}: no such layer; update LAYERS and docs/architecture.md"
        );
        for file in files {
            let text = read(&file);
            let shown = file.strip_prefix(root()).unwrap_or(&file).display().to_string();
            for used in text.split("crate::").skip(1) {
                let name: String =
                    used.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                let is_module =
                    name == "transforms" || LAYERS.iter().any(|(other, _)| *other == name);
                if is_module && name != *layer && !allowed.contains(&name.as_str()) {
                    problems.push(format!("{shown}: the {layer} layer uses crate::{name}"));
                }
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "dependencies must point down the layers of docs/architecture.md:\n{}",
        problems.join("\n")
    );
}

//! The rule pages under docs/rules/ are what `pyfix::rule::docs` makes of
//! each rule's documentation: a page edited by hand, or not regenerated
//! after a rule's `//!` header changed, fails here.
//!
//! Regenerate them with `PYFIX_UPDATE_DOCS=1 cargo test --test rule_pages`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use pyfix::rule::docs::{self, PAGES_DIR};
use pyfix::transforms::REGISTRY;

fn pages_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(PAGES_DIR)
}

/// Every page that should exist, by file name, with its text.
fn expected() -> BTreeMap<String, String> {
    let mut pages = BTreeMap::new();
    for rule in REGISTRY.rules() {
        pages.insert(docs::page_file(rule.code()), docs::page(rule.meta()));
    }
    pages.insert("README.md".to_string(), docs::index(REGISTRY));
    pages
}

#[test]
fn the_rule_pages_are_up_to_date() {
    let dir = pages_dir();
    let expected = expected();
    if std::env::var_os("PYFIX_UPDATE_DOCS").is_some() {
        fs::create_dir_all(&dir).unwrap();
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !expected.contains_key(&name) {
                fs::remove_file(&path).unwrap();
            }
        }
        for (name, text) in &expected {
            fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let mut problems = Vec::new();
    for (name, text) in &expected {
        match fs::read_to_string(dir.join(name)) {
            Ok(found) if &found == text => {}
            Ok(_) => problems.push(format!("{PAGES_DIR}/{name} is out of date")),
            Err(_) => problems.push(format!("{PAGES_DIR}/{name} is missing")),
        }
    }
    if let Ok(entries) = fs::read_dir(&dir) {
        for entry in entries {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            if !expected.contains_key(&name) {
                problems.push(format!("{PAGES_DIR}/{name} belongs to no rule"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}\nRegenerate the pages with `PYFIX_UPDATE_DOCS=1 cargo test --test rule_pages`.",
        problems.join("\n")
    );
}

#[test]
fn each_page_is_the_rules_documentation() {
    for rule in REGISTRY.rules() {
        let page = docs::page(rule.meta());
        assert!(page.contains(&rule.meta().documentation()), "{}", rule.code());
        assert!(page.contains(&format!("# {} ({})", rule.name(), rule.code())), "{page}");
    }
    assert_eq!(docs::page_url("PF001", None), "docs/rules/PF001.md");
    assert_eq!(
        docs::page_url("PF001", Some("https://example.org/pyfix/docs/rules/")),
        "https://example.org/pyfix/docs/rules/PF001.md"
    );
}

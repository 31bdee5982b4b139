//! The rule pages: one Markdown page per rule under `docs/rules/`, made
//! from the rule's documentation (what `--explain` prints), and their
//! index. `tests/rule_pages.rs` keeps the committed pages equal to these
//! (`PYFIX_UPDATE_DOCS=1 cargo test --test rule_pages` rewrites them);
//! the JSON and SARIF outputs link each finding's rule to its page.

use crate::rule::registry::Registry;
use crate::rule::transform::RuleMeta;

/// Where the pages live, relative to the repository's root.
pub const PAGES_DIR: &str = "docs/rules";

/// The first line of every generated page: where it comes from.
const GENERATED: &str = "<!-- Generated from the rule's `//!` documentation; do not edit. \
Regenerate with `PYFIX_UPDATE_DOCS=1 cargo test --test rule_pages`. -->";

/// The file name of the page of the rule `code`: `PF001.md`.
pub fn page_file(code: &str) -> String {
    format!("{code}.md")
}

/// The link to the page of the rule `code`: under `base` (a URL the
/// configuration gives, such as the repository's address on its forge)
/// when there is one, else the page's path from the repository's root.
pub fn page_url(code: &str, base: Option<&str>) -> String {
    match base {
        Some(base) => format!("{}/{}", base.trim_end_matches('/'), page_file(code)),
        None => format!("{PAGES_DIR}/{}", page_file(code)),
    }
}

/// The page of one rule: its documentation, then what the command line
/// and other linters know it by.
pub fn page(meta: &RuleMeta) -> String {
    let mut page = format!("{GENERATED}\n\n{}", meta.documentation());
    if !page.ends_with('\n') {
        page.push('\n');
    }
    page.push_str(&format!(
        "\n---\n\nCode `{}`, name `{}`, {}. `pyfix --explain {}` prints the documentation above.\n",
        meta.code, meta.name, meta.fix, meta.code
    ));
    if !meta.aliases.is_empty() {
        let aliases: Vec<String> = meta.aliases.iter().map(|alias| format!("`{alias}`")).collect();
        page.push_str(&format!(
            "\nOther linters make the same check as {}: `# noqa` directives for those codes \
             suppress this rule too.\n",
            aliases.join(", ")
        ));
    }
    page
}

/// The index of the pages: every rule, in code order.
pub fn index(registry: Registry) -> String {
    let mut index = format!("{GENERATED}\n\n# Rules\n\n| code | name | fix |\n|---|---|---|\n");
    for rule in registry.rules() {
        let meta = rule.meta();
        index.push_str(&format!(
            "| [{}]({}) | {} | {} |\n",
            meta.code,
            page_file(meta.code),
            meta.name,
            meta.fix
        ));
    }
    index
}

//! Small text helpers for messages and summaries.

/// `1 finding`, `2 findings`, `2 fixes`.
pub fn plural(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        _ if noun.ends_with('x') => format!("{count} {noun}es"),
        _ => format!("{count} {noun}s"),
    }
}

/// The text of a `## Heading` section of a rule's documentation.
pub fn section(doc: &str, heading: &str) -> Option<String> {
    let start = doc.find(heading)? + heading.len();
    let rest = &doc[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_doc_sections() {
        let doc =
            "# x (PF1)\n\n## What it does\nFinds things. More.\n\n## Why is this bad?\nBad.\n";
        assert_eq!(section(doc, "## What it does").as_deref(), Some("Finds things. More."));
        assert_eq!(section(doc, "## Fix safety"), None);
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "fix"), "1 fix");
        assert_eq!(plural(2, "fix"), "2 fixes");
        assert_eq!(plural(0, "finding"), "0 findings");
    }
}

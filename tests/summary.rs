//! `--summary` renders as the Markdown a pull request shows: for every rule,
//! the description parsed by a CommonMark parser has its headings, its
//! table and its code blocks where they belong (a fence left open would turn
//! the rest of the description into code).

use std::collections::BTreeMap;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use pyfix::report::{ChangedFile, Mode, Totals, summary};
use pyfix::transforms::{ALL, REGISTRY};

/// What the parser saw: headings (level 3) and the text inside code blocks.
struct Structure {
    headings: Vec<String>,
    tables: usize,
    code: Vec<String>,
}

fn structure(markdown: &str) -> Structure {
    let mut structure = Structure { headings: Vec::new(), tables: 0, code: Vec::new() };
    let (mut heading, mut code) = (None::<String>, None::<String>);
    for event in Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { level: HeadingLevel::H3, .. }) => {
                heading = Some(String::new())
            }
            Event::End(TagEnd::Heading(HeadingLevel::H3)) => {
                structure.headings.extend(heading.take());
            }
            Event::Start(Tag::CodeBlock(_)) => code = Some(String::new()),
            Event::End(TagEnd::CodeBlock) => structure.code.extend(code.take()),
            Event::Start(Tag::Table(_)) => structure.tables += 1,
            Event::Text(text) | Event::Code(text) => {
                if let Some(heading) = heading.as_mut() {
                    heading.push_str(&text);
                }
                if let Some(code) = code.as_mut() {
                    code.push_str(&text);
                }
            }
            _ => {}
        }
    }
    structure
}

#[test]
fn every_rules_summary_renders_with_its_headings_table_and_closed_code_blocks() {
    for rule in ALL {
        let code = rule.code();
        let fixes = BTreeMap::from([(code, 2)]);
        let unsafe_fixes = BTreeMap::from([(code, 1)]);
        let changed =
            vec![ChangedFile { path: "src/app.py".into(), fixes: fixes.clone(), unsafe_fixes }];
        let totals = Totals { fixes, files_changed: 1, changed, ..Totals::default() };
        let markdown = summary::markdown(&totals, Mode::Write, REGISTRY);
        let seen = structure(&markdown);
        let expected = [
            format!("{code} {}: 2 fixes (1 of them unsafe)", rule.name()),
            "Files changed".into(),
            "What to check".into(),
        ];
        assert_eq!(seen.headings, expected, "{code}: headings as rendered:\n{markdown}");
        assert_eq!(seen.tables, 1, "{code}: the files table must render as a table:\n{markdown}");
        for block in &seen.code {
            assert!(
                !block.contains("###") && !block.contains("| file |"),
                "{code}: a code block swallowed the rest:\n{markdown}"
            );
        }
    }
}

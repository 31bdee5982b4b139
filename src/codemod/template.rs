//! Rewrite templates: Python text with the pattern's metavariables. A
//! captured node keeps its original text (comments inside it included);
//! lines the template adds take the indentation of the line the match
//! starts on and the file's newline; each four-space step of the template's
//! own indentation becomes one of the file's indentation steps.

use std::collections::HashMap;

use tree_sitter::Node;

use crate::codemod::pattern::{
    Capture, Captures, PNode, metavariable_name_len, significant_children, single_node, substitute,
};
use crate::rule::fix::Edit;
use crate::syntax::module::Module;

/// One piece of a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    One(String),
    Seq(String),
}

#[derive(Clone, Debug)]
pub struct Template {
    pub text: String,
    pub segments: Vec<Segment>,
    /// The template's tree, when it is one expression or statement: the
    /// rewrite then edits only the parts of the match that differ.
    pub tree: Option<TNode>,
}

/// One node of a template's tree: its text (metavariables as written) and
/// the metavariable it is, if it is one.
#[derive(Clone, Debug)]
pub struct TNode {
    kind_id: u16,
    text: String,
    meta: Option<(String, bool)>,
    children: Vec<TNode>,
}

impl TNode {
    fn of(module: &Module<'_>, node: Node<'_>) -> TNode {
        let text = module.text(node);
        let meta = [("__pf_one_", false), ("__pf_seq_", true)].into_iter().find_map(
            |(prefix, sequence)| {
                let name = text.strip_prefix(prefix)?;
                (metavariable_name_len(name) == name.len()).then(|| (name.to_string(), sequence))
            },
        );
        let children = if meta.is_some() {
            Vec::new()
        } else {
            significant_children(node).into_iter().map(|child| TNode::of(module, child)).collect()
        };
        TNode {
            kind_id: node.kind_id(),
            text: text.replace("__pf_one_", "$").replace("__pf_seq_", "$$$"),
            meta,
            children,
        }
    }

    /// The same code as the pattern node: nothing to rewrite there.
    fn same_as(&self, pattern: &PNode) -> bool {
        match (pattern, &self.meta) {
            (PNode::One(name), Some((meta, false))) | (PNode::Seq(name), Some((meta, true))) => {
                name == meta
            }
            (PNode::One(_) | PNode::Seq(_), _) | (_, Some(_)) => false,
            (PNode::Leaf { kind_id, text }, None) => {
                *kind_id == self.kind_id && self.children.is_empty() && *text == self.text
            }
            (PNode::Inner { kind_id, children, .. }, None) => {
                *kind_id == self.kind_id
                    && children.len() == self.children.len()
                    && children.iter().zip(&self.children).all(|(p, t)| t.same_as(p))
            }
        }
    }

    /// Child `pattern` and child `self` stand at the same place: a
    /// sequence only lines up with itself.
    fn aligned(&self, pattern: &PNode) -> bool {
        match (pattern, &self.meta) {
            (PNode::Seq(name), Some((meta, true))) => name == meta,
            (PNode::Seq(_), _) | (_, Some((_, true))) => false,
            _ => true,
        }
    }
}

impl Template {
    pub fn new(text: &str) -> Template {
        let mut segments = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('$') {
            literal.push_str(&rest[..at]);
            let tail = &rest[at..];
            let sequence = tail.starts_with("$$$");
            let start = if sequence { 3 } else { 1 };
            let len = metavariable_name_len(&tail[start..]);
            if len == 0 {
                literal.push('$');
                rest = &tail[1..];
                continue;
            }
            if !literal.is_empty() {
                segments.push(Segment::Text(std::mem::take(&mut literal)));
            }
            let name = tail[start..start + len].to_string();
            segments.push(if sequence { Segment::Seq(name) } else { Segment::One(name) });
            rest = &tail[start + len..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            segments.push(Segment::Text(literal));
        }
        let (source, _) = substitute(text);
        let tree = Module::parse(&source, "<fix>")
            .ok()
            .and_then(|module| single_node(&module).ok().map(|node| TNode::of(&module, node)));
        Template { text: text.to_string(), segments, tree }
    }

    /// The edits that turn the match of `pattern` at `target` into this
    /// template: where the template has the pattern's shape, only the
    /// parts that differ are rewritten, so the rest (layout, comments,
    /// commas) stays as written.
    pub fn edits(
        &self,
        module: &Module<'_>,
        pattern: &PNode,
        target: Node<'_>,
        captures: &Captures<'_>,
        renames: &HashMap<String, String>,
    ) -> Vec<Edit> {
        let mut edits = Vec::new();
        match &self.tree {
            Some(tree) => rewrite(module, pattern, tree, target, captures, renames, &mut edits),
            None => edits.push(Edit::replace(
                target.byte_range(),
                self.render(module, target.start_byte(), captures, renames),
            )),
        }
        edits
    }

    /// The metavariables the template uses.
    pub fn metavariables(&self) -> impl Iterator<Item = (&str, bool)> {
        self.segments.iter().filter_map(|segment| match segment {
            Segment::One(name) => Some((name.as_str(), false)),
            Segment::Seq(name) => Some((name.as_str(), true)),
            Segment::Text(_) => None,
        })
    }

    /// The replacement text for a match starting at `start`. `renames`
    /// turns names the template writes into the names the file's imports
    /// give them (`UTC` into `datetime.UTC`).
    pub fn render(
        &self,
        module: &Module<'_>,
        start: usize,
        captures: &Captures<'_>,
        renames: &HashMap<String, String>,
    ) -> String {
        let mut out = String::new();
        let mut skip_comma = false;
        for (index, segment) in self.segments.iter().enumerate() {
            // `($$$ARGS)`: the whole text between the brackets, as written.
            let between_brackets = matches!(segment, Segment::Seq(_))
                && index > 0
                && matches!(&self.segments[index - 1], Segment::Text(t) if t.ends_with(['(', '[', '{']))
                && matches!(self.segments.get(index + 1), Some(Segment::Text(t)) if t.starts_with([')', ']', '}']));
            match segment {
                Segment::Text(text) => {
                    let mut text = rename(text, renames);
                    if skip_comma {
                        skip_comma = false;
                        if let Some(rest) = text.strip_prefix(',') {
                            text = rest.trim_start_matches(' ').to_string();
                        }
                    }
                    out.push_str(&follow_style(module, start, &text));
                }
                Segment::One(name) | Segment::Seq(name) => {
                    let range = captures.get(name).and_then(|capture| {
                        let inner = between_brackets.then(|| capture.bracketed()).flatten();
                        inner.or_else(|| capture.range())
                    });
                    match range {
                        Some(range) => out.push_str(&module.source[range]),
                        None => {
                            // An empty sequence: drop its comma, before or after.
                            let empty_seq = matches!(segment, Segment::Seq(_))
                                || matches!(captures.get(name), Some(Capture::Seq(_)));
                            if empty_seq {
                                let trimmed = out.trim_end_matches(' ');
                                if trimmed.ends_with(',') {
                                    out.truncate(trimmed.len() - 1);
                                } else {
                                    skip_comma = true;
                                }
                            }
                        }
                    }
                }
            }
        }
        out
    }
}

fn rewrite(
    module: &Module<'_>,
    pattern: &PNode,
    template: &TNode,
    target: Node<'_>,
    captures: &Captures<'_>,
    renames: &HashMap<String, String>,
    edits: &mut Vec<Edit>,
) {
    if template.same_as(pattern) {
        return;
    }
    if let PNode::Inner { kind_id, children, .. } = pattern
        && *kind_id == template.kind_id
        && template.meta.is_none()
        && children.len() == template.children.len()
        && children.iter().zip(&template.children).all(|(p, t)| t.aligned(p))
    {
        let spans: Option<Vec<Node<'_>>> = children
            .iter()
            .zip(&template.children)
            .filter(|(p, t)| !t.same_as(p))
            .map(|(p, _)| captures.span(p))
            .collect();
        if let Some(spans) = spans {
            let differing = children.iter().zip(&template.children).filter(|(p, t)| !t.same_as(p));
            for ((p, t), span) in differing.zip(spans) {
                rewrite(module, p, t, span, captures, renames, edits);
            }
            return;
        }
    }
    let text = Template::new(&template.text).render(module, target.start_byte(), captures, renames);
    edits.push(Edit::replace(target.byte_range(), text));
}

/// Replaces whole identifiers of `text` as `renames` says.
fn rename(text: &str, renames: &HashMap<String, String>) -> String {
    if renames.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let mut after_dot = false;
    let flush = |word: &mut String, out: &mut String, after_dot: bool| {
        match renames.get(word.as_str()) {
            Some(to) if !after_dot => out.push_str(to),
            _ => out.push_str(word),
        }
        word.clear();
    };
    for ch in text.chars() {
        if ch.is_alphanumeric() || ch == '_' {
            word.push(ch);
        } else {
            let was_dot = after_dot;
            flush(&mut word, &mut out, was_dot);
            after_dot = ch == '.';
            out.push(ch);
        }
    }
    flush(&mut word, &mut out, after_dot);
    out
}

/// Indentation and newlines as the file writes them, for the lines a piece
/// of the template's own text adds (its first line continues the output).
fn follow_style(module: &Module<'_>, start: usize, text: &str) -> String {
    if !text.contains('\n') {
        return text.to_string();
    }
    let base = module.indentation_at(start);
    let unit = module.indent_unit();
    let newline = module.newline();
    let mut out = String::with_capacity(text.len() + 16);
    let count = text.split('\n').count();
    for (index, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if index > 0 {
            out.push_str(newline);
            // A blank line stays blank; the last one is followed by a capture.
            if !line.trim().is_empty() || index + 1 == count {
                let spaces = line.len() - line.trim_start_matches(' ').len();
                out.push_str(base);
                for _ in 0..spaces / 4 {
                    out.push_str(unit);
                }
                out.push_str(&" ".repeat(spaces % 4));
                out.push_str(line.trim_start_matches(' '));
                continue;
            }
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments() {
        let template = Template::new("f($X, $$$REST) + $5");
        assert_eq!(
            template.segments,
            vec![
                Segment::Text("f(".into()),
                Segment::One("X".into()),
                Segment::Text(", ".into()),
                Segment::Seq("REST".into()),
                Segment::Text(") + $5".into()),
            ]
        );
    }

    #[test]
    fn renames_whole_names_only() {
        let renames = HashMap::from([("UTC".to_string(), "datetime.UTC".to_string())]);
        assert_eq!(rename("now(UTC, x.UTC, UTCX)", &renames), "now(datetime.UTC, x.UTC, UTCX)");
    }

    #[test]
    fn added_lines_follow_the_file() {
        let source = "if x:\r\n\tpass\r\n";
        let module = Module::parse(source, "t.py").expect("parse");
        let at = source.find("pass").expect("pass");
        assert_eq!(follow_style(&module, at, "a\n    b\nc"), "a\r\n\t\tb\r\n\tc");
    }
}

//! Patterns written as Python code with metavariables, matched on the tree.
//!
//! `$X` stands for one node, `$$$ARGS` for a sequence of nodes (zero or
//! more), `$_` and `$$$_` for nodes that are not captured. Before parsing,
//! each metavariable becomes a unique identifier (`__pf_one_X`,
//! `__pf_seq_ARGS`), so the pattern parses as ordinary Python; the tree is
//! then kept as a small owned tree of `PNode`s.
//!
//! Matching compares kinds and leaf texts, skipping comments and commas:
//! it is insensitive to layout, comments and trailing commas. A dotted name
//! in the pattern (`requests.get`, `logging.warn`) matches by the qualified
//! name the semantic model resolves when the target refers to an import
//! (`from requests import get as fetch; fetch`), by its text otherwise
//! (`self.assertEquals`).

use tree_sitter::Node;

use crate::semantic::Semantic;
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;

const ONE: &str = "__pf_one_";
const SEQ: &str = "__pf_seq_";

/// A metavariable as the text names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metavariable {
    pub name: String,
    pub sequence: bool,
}

/// The metavariables of `text` in order of appearance (repeats included),
/// and the text with each replaced by its placeholder identifier.
pub fn substitute(text: &str) -> (String, Vec<Metavariable>) {
    let mut out = String::with_capacity(text.len() + 16);
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let sequence = text[i..].starts_with("$$$");
            let start = if sequence { i + 3 } else { i + 1 };
            let len = metavariable_name_len(&text[start..]);
            if len > 0 {
                let name = &text[start..start + len];
                out.push_str(if sequence { SEQ } else { ONE });
                out.push_str(name);
                found.push(Metavariable { name: name.to_string(), sequence });
                i = start + len;
                continue;
            }
        }
        let ch = text[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    (out, found)
}

/// The length of the metavariable name at the start of `text`: an
/// upper-case letter or `_`, then upper-case letters, digits and `_`.
pub fn metavariable_name_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    match bytes.first() {
        Some(b) if b.is_ascii_uppercase() || *b == b'_' => {}
        _ => return 0,
    }
    bytes.iter().take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || **b == b'_').count()
}

/// The metavariable a placeholder identifier stands for.
fn placeholder(text: &str) -> Option<Metavariable> {
    if let Some(name) = text.strip_prefix(ONE) {
        Some(Metavariable { name: name.to_string(), sequence: false })
    } else {
        text.strip_prefix(SEQ).map(|name| Metavariable { name: name.to_string(), sequence: true })
    }
}

/// One node of a pattern.
#[derive(Clone, Debug)]
pub enum PNode {
    /// `$X`: any one named node.
    One(String),
    /// `$$$X`: any run of nodes.
    Seq(String),
    /// A leaf: same kind, same text.
    Leaf { kind_id: u16, text: String },
    /// An inner node: same kind, children matched in order. `dotted` is
    /// set for a name or attribute chain in a place that reads it.
    Inner { kind_id: u16, kind: Kind, dotted: Option<String>, children: Vec<PNode> },
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct Pattern {
    pub root: PNode,
    /// Identifiers every file with a match has somewhere (the prefilter).
    pub names: Vec<String>,
    /// Of those, the ones a definition holding a match has in its view
    /// whatever the imports are (attribute and keyword names, the last part
    /// of a dotted name): a definition whose view lacks one cannot hold a
    /// match.
    pub local_names: Vec<String>,
    pub metavariables: Vec<Metavariable>,
    /// Tokens side by side in every match (the prefilter's strongest
    /// test when the names are common: `== None`).
    pub pairs: Vec<(String, String)>,
    /// The runs of tokens every match holds on one logical line, when
    /// every match lies on one (see `Runs`).
    pub runs: Option<Runs>,
}

/// The pattern's tokens as every match holds them, for a pattern whose
/// matches lie on one logical line (an expression or a simple statement):
/// runs of tokens side by side, in order, cut where a match may differ
/// (as `Pattern::pairs` are). A dotted name is written as the pattern
/// writes it unless an import may rename it, which takes an import
/// statement naming its first part (`heads`); then it is cut too.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Runs {
    /// The runs when no import names a head: dotted names as written.
    pub literal: Vec<Vec<String>>,
    /// The runs when one may: dotted names cut.
    pub resolved: Vec<Vec<String>>,
    /// The first part of each dotted name the pattern reads.
    pub heads: Vec<String>,
}

impl Pattern {
    /// Compiles `text`; the error says why it is not a pattern.
    pub fn compile(text: &str) -> Result<Pattern, String> {
        let (source, metavariables) = substitute(text);
        let module = Module::parse(&source, "<pattern>")
            .map_err(|_| "the pattern is not valid Python (metavariables aside)".to_string())?;
        let root = single_node(&module)?;
        let pnode = convert(&module, root);
        if matches!(pnode, PNode::One(_) | PNode::Seq(_)) {
            return Err("the pattern is a lone metavariable: it would match everything".into());
        }
        let mut names = Vec::new();
        let mut local_names = Vec::new();
        collect_names(&pnode, false, &mut names, &mut local_names);
        names.sort();
        names.dedup();
        local_names.sort();
        local_names.dedup();
        let pairs = adjacent_tokens(&module, &source);
        let runs = line_runs(&module, &source, root);
        Ok(Pattern { root: pnode, names, local_names, metavariables, pairs, runs })
    }

    /// The kind ids of the nodes a match can start at.
    pub fn root_kinds(&self) -> Vec<u16> {
        match &self.root {
            PNode::Leaf { kind_id, .. } => vec![*kind_id],
            PNode::Inner { kind_id, dotted: Some(_), .. } => {
                let mut kinds = Kind::Identifier.ids();
                kinds.extend(Kind::Attribute.ids());
                kinds.push(*kind_id);
                kinds.sort_unstable();
                kinds.dedup();
                kinds
            }
            PNode::Inner { kind_id, .. } => vec![*kind_id],
            PNode::One(_) | PNode::Seq(_) => Vec::new(),
        }
    }
}

/// The one statement of a pattern's module, or the expression it holds.
pub fn single_node<'m>(module: &'m Module<'_>) -> Result<Node<'m>, String> {
    let root = module.root();
    let mut cursor = root.walk();
    let statements: Vec<Node<'_>> =
        root.named_children(&mut cursor).filter(|node| !node.is(Kind::Comment)).collect();
    let [statement] = statements.as_slice() else {
        return Err(format!(
            "the pattern must be one expression or statement, not {}",
            statements.len()
        ));
    };
    if statement.is(Kind::ExpressionStatement) && statement.named_child_count() == 1 {
        return statement.named_child(0).ok_or_else(|| "empty pattern".to_string());
    }
    Ok(*statement)
}

/// The children a match compares: no comments, no commas.
pub fn significant_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .filter(|child| !child.is(Kind::Comment) && child.kind() != ",")
        .collect()
}

fn convert(module: &Module<'_>, node: Node<'_>) -> PNode {
    if node.is(Kind::Identifier)
        && let Some(meta) = placeholder(module.text(node))
    {
        return if meta.sequence { PNode::Seq(meta.name) } else { PNode::One(meta.name) };
    }
    // `$X` alone on a line of a block is the statement, not its expression.
    if node.is(Kind::ExpressionStatement)
        && node.named_child_count() == 1
        && let Some(child) = node.named_child(0)
        && child.is(Kind::Identifier)
        && let Some(meta) = placeholder(module.text(child))
    {
        return if meta.sequence { PNode::Seq(meta.name) } else { PNode::One(meta.name) };
    }
    let children = significant_children(node);
    if children.is_empty() {
        return PNode::Leaf { kind_id: node.kind_id(), text: module.text(node).to_string() };
    }
    let dotted = (node.is(Kind::Attribute) && reads_name(module, node))
        .then(|| dotted_text(module, node))
        .flatten();
    PNode::Inner {
        kind_id: node.kind_id(),
        kind: node.py_kind(),
        dotted,
        children: children.into_iter().map(|child| convert(module, child)).collect(),
    }
}

/// The pairs of tokens that follow each other in the pattern and so in
/// every match. The tokens are cut at metavariables; at commas, which a
/// match skips (a trailing comma may stand before a closing bracket);
/// at strings, whose text may differ where their trees agree (`f"{x}"`,
/// `f"{ x }"`); and at dotted names, matched by what they resolve to
/// (`logging.warn` is `warn` after `from logging import warn`).
fn adjacent_tokens(module: &Module<'_>, source: &str) -> Vec<(String, String)> {
    let scan = crate::syntax::scan::scan(source.as_bytes());
    if scan.suspicious {
        return Vec::new();
    }
    let opaque: Vec<std::ops::Range<usize>> = module
        .nodes()
        .iter()
        .filter(|node| {
            node.is(Kind::String)
                || node.is(Kind::ConcatenatedString)
                || (node.is(Kind::Attribute)
                    && reads_name(module, **node)
                    && dotted_text(module, **node).is_some())
        })
        .map(|node| node.byte_range())
        .collect();
    let usable = |token: &crate::syntax::scan::Token| {
        let text = std::str::from_utf8(scan.text(token)).ok()?;
        let inside = |range: &std::ops::Range<usize>| range.contains(&(token.start as usize));
        let cut = token.kind == crate::syntax::scan::Kind::String
            || text == ","
            || placeholder(text).is_some()
            || opaque.iter().any(inside);
        (!cut).then_some(text)
    };
    let mut pairs = Vec::new();
    for two in scan.tokens.windows(2) {
        if let (Some(first), Some(second)) = (usable(&two[0]), usable(&two[1]))
            && !matches!(second, ")" | "]" | "}")
        {
            pairs.push((first.to_string(), second.to_string()));
        }
    }
    pairs.sort();
    pairs.dedup();
    pairs
}

/// Compound statements: a match may span logical lines.
const COMPOUND: &[&str] = &[
    "if_statement",
    "for_statement",
    "while_statement",
    "try_statement",
    "with_statement",
    "function_definition",
    "class_definition",
    "decorated_definition",
    "match_statement",
];

/// The runs of tokens of a pattern whose matches lie on one logical line
/// (see `Runs`); `None` for a compound statement, or a pattern the scanner
/// cannot read with certainty.
///
/// Cut as `adjacent_tokens` cuts (metavariables, commas, strings), and
/// also before a closing bracket or a `:` (where a match may hold a
/// trailing comma: `f(a,)`, `lambda a,: a`), at `...` and at dots side by
/// side (`from . . import`, which a parse reads as `from .. import`).
fn line_runs(module: &Module<'_>, source: &str, root: Node<'_>) -> Option<Runs> {
    if COMPOUND.contains(&root.kind()) {
        return None;
    }
    let scan = crate::syntax::scan::scan(source.as_bytes());
    if scan.suspicious || !scan.lines_certain || scan.lines.len() != 1 {
        return None;
    }
    let strings: Vec<std::ops::Range<usize>> = module
        .nodes()
        .iter()
        .filter(|node| node.is(Kind::String) || node.is(Kind::ConcatenatedString))
        .map(|node| node.byte_range())
        .collect();
    // The outermost dotted names the pattern reads.
    let dotted: Vec<(std::ops::Range<usize>, String)> = module
        .nodes()
        .iter()
        .filter(|node| node.is(Kind::Attribute) && reads_name(module, **node))
        .filter_map(|node| Some((node.byte_range(), dotted_text(module, *node)?)))
        .collect();
    let outermost: Vec<&(std::ops::Range<usize>, String)> = dotted
        .iter()
        .filter(|(range, _)| {
            !dotted.iter().any(|(other, _)| {
                other != range && other.start <= range.start && range.end <= other.end
            })
        })
        .collect();
    let mut heads: Vec<String> = outermost
        .iter()
        .filter_map(|(_, text)| text.split('.').next().map(str::to_string))
        .collect();
    heads.sort();
    heads.dedup();
    let tokens = &scan.tokens;
    let text = |at: usize| std::str::from_utf8(scan.text(&tokens[at])).unwrap_or("");
    let runs = |cut_dotted: bool| {
        let usable = |at: usize| {
            let token = &tokens[at];
            let start = token.start as usize;
            let inside = |range: &std::ops::Range<usize>| range.contains(&start);
            let dot = |other: Option<usize>| other.and_then(|i| tokens.get(i).map(|_| text(i)));
            let dots = text(at) == "."
                && (dot(at.checked_sub(1)) == Some(".") || dot(Some(at + 1)) == Some("."));
            let cut = token.kind == crate::syntax::scan::Kind::String
                || matches!(text(at), "," | "...")
                || dots
                || placeholder(text(at)).is_some()
                || strings.iter().any(inside)
                || (cut_dotted && outermost.iter().any(|(range, _)| inside(range)));
            !cut
        };
        let mut runs: Vec<Vec<String>> = Vec::new();
        let mut current: Vec<String> = Vec::new();
        for at in 0..tokens.len() {
            if !usable(at) {
                runs.extend((!current.is_empty()).then(|| std::mem::take(&mut current)));
                continue;
            }
            let here = text(at);
            let after_open =
                current.last().is_some_and(|last| matches!(last.as_str(), "(" | "[" | "{"));
            if matches!(here, ")" | "]" | "}" | ":") && !after_open && !current.is_empty() {
                runs.push(std::mem::take(&mut current));
            }
            current.push(here.to_string());
        }
        runs.extend((!current.is_empty()).then_some(current));
        runs
    };
    Some(Runs { literal: runs(false), resolved: runs(true), heads })
}

/// `a.b.c` when `node` is a chain of plain names.
fn dotted_text(module: &Module<'_>, node: Node<'_>) -> Option<String> {
    match node.py_kind() {
        Kind::Identifier => {
            let text = module.text(node);
            placeholder(text).is_none().then(|| text.to_string())
        }
        Kind::Attribute => {
            let object = dotted_text(module, node.child_by_field_name("object")?)?;
            let attribute = dotted_text(module, node.child_by_field_name("attribute")?)?;
            Some(format!("{object}.{attribute}"))
        }
        _ => None,
    }
}

/// True when a name at `node` is read (not a keyword name, an attribute
/// name, a definition's name or a parameter).
fn reads_name(module: &Module<'_>, node: Node<'_>) -> bool {
    let Some(parent) = module.parent(node) else { return true };
    let is_field =
        |field: &str| parent.child_by_field_name(field).is_some_and(|n| n.id() == node.id());
    match parent.py_kind() {
        Kind::Attribute => !is_field("attribute"),
        Kind::KeywordArgument => !is_field("name"),
        Kind::FunctionDefinition | Kind::ClassDefinition => !is_field("name"),
        Kind::Parameters | Kind::DefaultParameter | Kind::TypedParameter => false,
        _ => true,
    }
}

/// Identifiers in the pattern: all of them must be in a matching file
/// (an import spells every part of a qualified name); those outside a
/// dotted name, and the last part of a dotted name, must be in the view of
/// a definition that holds a match.
fn collect_names(node: &PNode, in_dotted: bool, names: &mut Vec<String>, local: &mut Vec<String>) {
    match node {
        PNode::One(_) | PNode::Seq(_) => {}
        PNode::Leaf { kind_id, text } => {
            if Kind::of_id(*kind_id) == Kind::Identifier {
                names.push(text.clone());
                if !in_dotted {
                    local.push(text.clone());
                }
            } else if is_keyword_leaf(*kind_id, text) {
                // `None`, `not`, `lambda`: words the tokenizer sees as names,
                // which no import can rename.
                names.push(text.clone());
                local.push(text.clone());
            }
        }
        PNode::Inner { dotted, children, .. } => {
            // A dotted name matches what resolves to it, but whatever the
            // imports, its last part is written in the match (`log.warn`,
            // `warn`) or in the import that renames it (`warn as w`), and
            // a definition's view holds the module's imports.
            if let (Some(dotted), false) = (dotted, in_dotted)
                && let Some(last) = dotted.rsplit('.').next()
            {
                local.push(last.to_string());
            }
            let in_dotted = in_dotted || dotted.is_some();
            for child in children {
                collect_names(child, in_dotted, names, local);
            }
        }
    }
}

/// A keyword (an anonymous word leaf) or `None`, `True`, `False`; never
/// the text of a string.
fn is_keyword_leaf(kind_id: u16, text: &str) -> bool {
    let language = crate::syntax::kind::language();
    let word = !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphabetic());
    let constant = matches!(language.node_kind_for_id(kind_id), Some("none" | "true" | "false"));
    word && (constant || !language.node_kind_is_named(kind_id))
}

/// What a metavariable captured.
#[derive(Clone, Debug)]
pub enum Capture<'t> {
    One(Node<'t>),
    Seq(Vec<Node<'t>>),
}

impl Capture<'_> {
    /// For a sequence that is everything between a pair of brackets, the
    /// text between them (layout, comments and a trailing comma included),
    /// so that `f($$$ARGS)` rewritten as `g($$$ARGS)` keeps the arguments
    /// as they were written.
    pub fn bracketed(&self) -> Option<std::ops::Range<usize>> {
        let Capture::Seq(nodes) = self else { return None };
        let parent = nodes.first()?.parent()?;
        let children = significant_children(parent);
        let (open, inner) = children.split_first()?;
        let (close, inner) = inner.split_last()?;
        let brackets = matches!((open.kind(), close.kind()), ("(", ")") | ("[", "]") | ("{", "}"));
        let same =
            inner.len() == nodes.len() && inner.iter().zip(nodes).all(|(a, b)| a.id() == b.id());
        (brackets && same).then(|| open.end_byte()..close.start_byte())
    }

    /// The captured text, from the first node's start to the last one's end
    /// (comments between them included); empty for an empty sequence.
    pub fn range(&self) -> Option<std::ops::Range<usize>> {
        match self {
            Capture::One(node) => Some(node.byte_range()),
            Capture::Seq(nodes) => Some(nodes.first()?.start_byte()..nodes.last()?.end_byte()),
        }
    }
}

/// What one match captured: the metavariables, in the order they were
/// made, and the target node each pattern node matched structurally (by
/// the pattern node's address), so that a rewrite can edit only the parts
/// that change.
#[derive(Clone, Debug, Default)]
pub struct Captures<'t> {
    pub named: Vec<(String, Capture<'t>)>,
    pub spans: Vec<(usize, Node<'t>)>,
}

impl<'t> Captures<'t> {
    pub fn get(&self, name: &str) -> Option<&Capture<'t>> {
        self.named.iter().find(|(captured, _)| captured == name).map(|(_, capture)| capture)
    }

    /// The target node `pattern` matched, if it matched one structurally.
    pub fn span(&self, pattern: &PNode) -> Option<Node<'t>> {
        let key = std::ptr::from_ref(pattern) as usize;
        self.spans.iter().rev().find(|(at, _)| *at == key).map(|(_, node)| *node)
    }

    fn mark(&self) -> (usize, usize) {
        (self.named.len(), self.spans.len())
    }

    fn truncate(&mut self, (named, spans): (usize, usize)) {
        self.named.truncate(named);
        self.spans.truncate(spans);
    }
}

/// Matches patterns against one tree.
pub struct Matcher<'a, 'm> {
    pub module: &'a Module<'m>,
    /// `None` matches dotted names by text only (a template's tree).
    pub semantic: Option<&'a Semantic<'m>>,
}

impl<'a, 'm> Matcher<'a, 'm> {
    /// The captures when `pattern` matches at `node`.
    pub fn matches<'t>(&self, pattern: &Pattern, node: Node<'t>) -> Option<Captures<'t>> {
        let mut captures = Captures::default();
        self.node(&pattern.root, node, &mut captures).then_some(captures)
    }

    fn node<'t>(&self, pattern: &PNode, target: Node<'t>, captures: &mut Captures<'t>) -> bool {
        match pattern {
            PNode::One(name) => {
                if !target.is_named() {
                    return false;
                }
                if name != "_" {
                    if let Some(earlier) = captures.get(name) {
                        return match earlier {
                            Capture::One(earlier) => self.same_text(*earlier, target),
                            Capture::Seq(_) => false,
                        };
                    }
                    captures.named.push((name.clone(), Capture::One(target)));
                }
                captures.spans.push((std::ptr::from_ref(pattern) as usize, target));
                true
            }
            PNode::Seq(_) => false,
            PNode::Leaf { kind_id, text } => {
                let same = target.kind_id() == *kind_id
                    && target.child_count() == 0
                    && self.module.text(target) == text;
                if same {
                    captures.spans.push((std::ptr::from_ref(pattern) as usize, target));
                }
                same
            }
            PNode::Inner { kind_id, dotted, children, .. } => {
                if let Some(dotted) = dotted
                    && let Some(semantic) = self.semantic
                    && matches!(target.py_kind(), Kind::Identifier | Kind::Attribute)
                    && let Some(qualified) = semantic.qualified_name(target)
                    && !qualified.starts_with("builtins.")
                {
                    let same = &qualified == dotted;
                    if same {
                        captures.spans.push((std::ptr::from_ref(pattern) as usize, target));
                    }
                    return same;
                }
                if target.kind_id() != *kind_id {
                    return false;
                }
                let targets = significant_children(target);
                let mark = captures.mark();
                captures.spans.push((std::ptr::from_ref(pattern) as usize, target));
                if self.sequence(children, &targets, captures) {
                    true
                } else {
                    captures.truncate(mark);
                    false
                }
            }
        }
    }

    /// Matches a list of pattern children against target children, trying
    /// every length for a sequence metavariable (shortest first).
    fn sequence<'t>(
        &self,
        patterns: &[PNode],
        targets: &[Node<'t>],
        captures: &mut Captures<'t>,
    ) -> bool {
        let Some((first, rest)) = patterns.split_first() else {
            return targets.is_empty();
        };
        if let PNode::Seq(name) = first {
            for take in 0..=targets.len() {
                let mark = captures.mark();
                let taken: Vec<Node<'t>> = targets[..take].to_vec();
                if taken.iter().any(|node| !node.is_named()) {
                    // A sequence holds whole elements, never a bracket.
                    break;
                }
                let consistent = if name == "_" {
                    true
                } else if let Some(earlier) = captures.get(name) {
                    match earlier {
                        Capture::Seq(earlier) => {
                            earlier.len() == taken.len()
                                && earlier.iter().zip(&taken).all(|(a, b)| self.same_text(*a, *b))
                        }
                        Capture::One(_) => false,
                    }
                } else {
                    captures.named.push((name.clone(), Capture::Seq(taken)));
                    true
                };
                if consistent && self.sequence(rest, &targets[take..], captures) {
                    return true;
                }
                captures.truncate(mark);
            }
            return false;
        }
        let Some((target, others)) = targets.split_first() else { return false };
        let mark = captures.mark();
        if self.node(first, *target, captures) && self.sequence(rest, others, captures) {
            return true;
        }
        captures.truncate(mark);
        false
    }

    /// Same leaves, whatever the layout and comments between them.
    fn same_text(&self, a: Node<'_>, b: Node<'_>) -> bool {
        leaves(self.module, a) == leaves(self.module, b)
    }
}

/// The texts of a node's leaves, comments left out.
pub fn leaves<'s>(module: &Module<'s>, node: Node<'_>) -> Vec<&'s str> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        if node.is(Kind::Comment) {
            continue;
        }
        if node.child_count() == 0 {
            out.push(module.text(node));
            continue;
        }
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(pattern: &str, source: &str) -> Vec<String> {
        let pattern = Pattern::compile(pattern).expect("pattern");
        let module = Module::parse(source, "t.py").expect("parse");
        let semantic = Semantic::new(&module);
        let matcher = Matcher { module: &module, semantic: Some(&semantic) };
        let kinds = pattern.root_kinds();
        module
            .nodes()
            .iter()
            .filter(|node| kinds.contains(&node.kind_id()))
            .filter_map(|node| {
                matcher.matches(&pattern, *node).map(|_| module.text(*node).to_string())
            })
            .collect()
    }

    #[test]
    fn metavariables_become_identifiers() {
        let (text, metas) = substitute("f($X, $$$REST, $_)");
        assert_eq!(text, "f(__pf_one_X, __pf_seq_REST, __pf_one__)");
        assert_eq!(metas.len(), 3);
        assert!(metas[1].sequence);
        assert_eq!(substitute("'$5' + $x").1, vec![]);
    }

    #[test]
    fn layout_comments_and_trailing_commas_do_not_matter() {
        let found = find("f($A, $B)", "f(1, 2)\nf(\n    1,  # one\n    2,\n)\nf(1)\nf(1, 2, 3)\n");
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn sequences_take_any_number_of_arguments() {
        let found = find("g($$$A, key=$V, $$$B)", "g(key=1)\ng(1, 2, key=3, x=4)\ng(1, other=2)\n");
        assert_eq!(found, vec!["g(key=1)", "g(1, 2, key=3, x=4)"]);
    }

    #[test]
    fn dotted_names_match_through_imports() {
        let source = "from requests import get as fetch\nimport requests as r\nfetch(u)\nr.get(u)\n\
                      get(u)\nfrom x import requests as other\nother.get(u)\n";
        let found = find("requests.get($URL)", source);
        assert_eq!(found, vec!["fetch(u)", "r.get(u)"]);
        // A name no import binds matches by its text.
        assert_eq!(
            find(
                "requests.get($URL)",
                "requests.get(u)
"
            )
            .len(),
            1
        );
        let local =
            "def get(u): ...\nclass C:\n    def t(self):\n        self.assertEquals(1, 2)\n";
        assert_eq!(find("self.assertEquals($$$A)", local).len(), 1);
        // An import that resolves elsewhere does not match by text.
        assert!(
            find("datetime.datetime.utcnow()", "import datetime\ndatetime.utcnow()\n").is_empty()
        );
        assert_eq!(
            find(
                "datetime.datetime.utcnow()",
                "from datetime import datetime\ndatetime.utcnow()\n"
            )
            .len(),
            1
        );
    }

    #[test]
    fn repeated_metavariables_must_agree() {
        let found = find("$X == $X", "a == a\na == b\nf( a ) == f(a)\n");
        assert_eq!(found, vec!["a == a", "f( a ) == f(a)"]);
    }

    #[test]
    fn operators_count() {
        assert_eq!(find("$A + $B", "x + y\nx - y\n"), vec!["x + y"]);
    }

    #[test]
    fn bad_patterns_say_why() {
        assert!(Pattern::compile("f(").is_err());
        assert!(Pattern::compile("$X").is_err());
        assert!(Pattern::compile("a\nb").is_err());
    }

    #[test]
    fn prefilter_names() {
        let pattern = Pattern::compile("os.popen($C).read()").expect("pattern");
        assert_eq!(pattern.names, vec!["os", "popen", "read"]);
        assert_eq!(pattern.local_names, vec!["popen", "read"]);
        let pattern = Pattern::compile("$X is not None and 'word' in $Y").expect("pattern");
        assert_eq!(pattern.names, vec!["None", "and", "in", "is", "not"]);
    }

    #[test]
    fn prefilter_pairs_are_cut_where_a_match_may_differ() {
        let pairs = |text: &str| Pattern::compile(text).expect("pattern").pairs;
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(pairs("$X == None"), vec![pair("==", "None")]);
        assert_eq!(pairs("$X is not None"), vec![pair("is", "not"), pair("not", "None")]);
        // The dotted name resolves through imports; a trailing comma may
        // come before `)`; the string's text is not compared.
        assert_eq!(pairs("logging.warn($A, 'x')"), Vec::<(String, String)>::new());
        assert_eq!(
            pairs("type($A) == type($B)"),
            vec![pair(")", "=="), pair("==", "type"), pair("type", "(")]
        );
        assert_eq!(pairs("$D.has_key($K)"), vec![pair(".", "has_key"), pair("has_key", "(")]);
    }
}

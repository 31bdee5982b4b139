//! Iterative tree traversal. Nesting depth is under the input's control (5,000
//! nested brackets are legal Python), so nothing here recurses.

use crate::syntax::kind::{Kind, NodeKind};
use tree_sitter::Node;

/// What a visitor wants after seeing a node.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Walk {
    /// Visit the node's children next.
    Descend,
    /// Do not visit this node's children.
    Skip,
    /// End the traversal.
    Stop,
}

/// Visits `root` and its descendants in source order, without recursion and
/// without allocating per node.
pub fn visit<'t>(root: Node<'t>, mut visitor: impl FnMut(Node<'t>) -> Walk) {
    let mut cursor = root.walk();
    loop {
        match visitor(cursor.node()) {
            Walk::Stop => return,
            Walk::Descend if cursor.goto_first_child() => continue,
            Walk::Descend | Walk::Skip => {}
        }
        // Move to the next sibling, climbing up as long as there is none.
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// The named children of `node` that are not comments: its statements when
/// `node` is a block or a module. Lazy, so that a caller that stops at the
/// first statements (the docstring and imports of a module of 100,000
/// functions) does not walk them all.
pub fn statements<'t>(node: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    let mut cursor = node.walk();
    let mut moved = cursor.goto_first_child();
    std::iter::from_fn(move || {
        while moved {
            let child = cursor.node();
            moved = cursor.goto_next_sibling();
            if child.is_named() && child.py_kind() != Kind::Comment {
                return Some(child);
            }
        }
        None
    })
}

/// The first ancestor (or `node` itself) whose kind is one of `kinds`.
pub fn ancestor_of_kind<'t>(node: Node<'t>, kinds: &[Kind]) -> Option<Node<'t>> {
    let mut current = Some(node);
    while let Some(candidate) = current {
        if kinds.contains(&candidate.py_kind()) {
            return Some(candidate);
        }
        current = candidate.parent();
    }
    None
}

/// The statement that holds `node`: the ancestor whose parent is a block or the module.
pub fn enclosing_statement(node: Node<'_>) -> Node<'_> {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if matches!(parent.py_kind(), Kind::Block | Kind::Module) {
            return current;
        }
        current = parent;
    }
    current
}

/// True for the nodes that can hold statements: the module, blocks, and
/// compound statements and their clauses. A search for statements can skip
/// every other node (expressions never hold a statement).
pub fn holds_statements(node: Node<'_>) -> bool {
    matches!(
        node.py_kind(),
        Kind::Module
            | Kind::Block
            | Kind::DecoratedDefinition
            | Kind::FunctionDefinition
            | Kind::ClassDefinition
            | Kind::IfStatement
            | Kind::ElifClause
            | Kind::ElseClause
            | Kind::ForStatement
            | Kind::WhileStatement
            | Kind::TryStatement
            | Kind::ExceptClause
            | Kind::FinallyClause
            | Kind::WithStatement
            | Kind::MatchStatement
            | Kind::CaseClause
    )
}

/// True when `root` or a node below it satisfies `predicate`.
pub fn any_node<'t>(root: Node<'t>, mut predicate: impl FnMut(Node<'t>) -> bool) -> bool {
    let mut found = false;
    visit(root, |node| {
        if predicate(node) {
            found = true;
            return Walk::Stop;
        }
        Walk::Descend
    });
    found
}

/// A statement that is only a string literal (a docstring when it comes first).
pub fn is_docstring(statement: Node<'_>) -> bool {
    statement.is(Kind::ExpressionStatement)
        && statement.named_child_count() == 1
        && statement
            .named_child(0)
            .is_some_and(|value| matches!(value.py_kind(), Kind::String | Kind::ConcatenatedString))
}

/// Every node of a tree in preorder, with each node's parent and the end of
/// its subtree, built in one walk. Rules that visit the whole tree, or ask
/// for parents, read these arrays instead of walking the tree again: a
/// cursor step costs tens of nanoseconds, an array step one.
pub struct NodeIndex<'t> {
    nodes: Vec<Node<'t>>,
    /// One past the last descendant of each node.
    ends: Vec<u32>,
    /// The parent's position; `u32::MAX` for the root.
    parents: Vec<u32>,
    /// The field each node fills in its parent (`body`, `name`, ...).
    fields: Vec<Option<std::num::NonZeroU16>>,
    /// Each node's kind id, so that finding the nodes of a kind touches no node.
    kinds: Vec<u16>,
}

impl<'t> NodeIndex<'t> {
    pub fn build(root: Node<'t>) -> NodeIndex<'t> {
        // The tree knows its size: the arrays never grow (and copy) on a
        // large file.
        let count = root.descendant_count();
        let mut index = NodeIndex {
            nodes: Vec::with_capacity(count),
            ends: Vec::with_capacity(count),
            parents: Vec::with_capacity(count),
            fields: Vec::with_capacity(count),
            kinds: Vec::with_capacity(count),
        };
        let mut open: Vec<u32> = Vec::new();
        let mut cursor = root.walk();
        loop {
            let position = index.nodes.len() as u32;
            index.nodes.push(cursor.node());
            index.parents.push(open.last().copied().unwrap_or(u32::MAX));
            index.ends.push(position + 1);
            index.fields.push(cursor.field_id());
            index.kinds.push(cursor.node().kind_id());
            if cursor.goto_first_child() {
                open.push(position);
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return index;
                }
                if let Some(parent) = open.pop() {
                    index.ends[parent as usize] = index.nodes.len() as u32;
                }
            }
        }
    }

    pub fn nodes(&self) -> &[Node<'t>] {
        &self.nodes
    }

    /// Where `node` is in the preorder: nodes are sorted by start byte, and
    /// the few that share one are told apart by id.
    pub fn position(&self, node: Node<'_>) -> Option<usize> {
        let start = node.start_byte();
        let first = self.nodes.partition_point(|candidate| candidate.start_byte() < start);
        self.nodes[first..]
            .iter()
            .take_while(|candidate| candidate.start_byte() == start)
            .position(|candidate| candidate.id() == node.id())
            .map(|offset| first + offset)
    }

    /// The nodes whose kind is one of `kinds`, in preorder.
    pub fn of_kind<'a>(&'a self, kinds: &[Kind]) -> impl Iterator<Item = Node<'t>> + 'a {
        let ids: Vec<u16> = kinds.iter().flat_map(|kind| kind.ids()).collect();
        self.of_kind_ids(ids)
    }

    /// The nodes whose kind id is one of `ids`, in preorder.
    pub fn of_kind_ids<'a>(&'a self, ids: Vec<u16>) -> impl Iterator<Item = Node<'t>> + 'a {
        self.kinds
            .iter()
            .zip(&self.nodes)
            .filter(move |(kind, _)| ids.contains(kind))
            .map(|(_, node)| *node)
    }

    /// One past the last descendant of the node at `position`.
    pub fn end(&self, position: usize) -> usize {
        self.ends[position] as usize
    }

    /// The id of the field the node at `position` fills in its parent.
    pub fn field_id(&self, position: usize) -> Option<std::num::NonZeroU16> {
        self.fields[position]
    }

    /// `walk::visit`, over the arrays.
    pub fn visit(&self, node: Node<'t>, mut visitor: impl FnMut(Node<'t>) -> Walk) {
        let Some(start) = self.position(node) else {
            return visit(node, visitor);
        };
        let end = self.ends[start] as usize;
        let mut at = start;
        while at < end {
            match visitor(self.nodes[at]) {
                Walk::Stop => return,
                Walk::Skip => at = self.ends[at] as usize,
                Walk::Descend => at += 1,
            }
        }
    }

    /// The node's parent, without tree-sitter's walk down from the root.
    pub fn parent(&self, node: Node<'t>) -> Option<Node<'t>> {
        match self.position(node) {
            Some(at) => self.nodes.get(self.parents[at] as usize).copied(),
            None => node.parent(),
        }
    }
}

/// `node.kind()` without tree-sitter's `strlen` and UTF-8 check on every
/// call: the grammar's kind names, read once, indexed by kind id.
pub trait KindName {
    fn kind_name(&self) -> &'static str;
}

impl KindName for Node<'_> {
    fn kind_name(&self) -> &'static str {
        static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
        let names = NAMES.get_or_init(|| {
            let language = crate::syntax::kind::language();
            (0..language.node_kind_count())
                .map(|id| language.node_kind_for_id(id as u16).unwrap_or(""))
                .collect()
        });
        match names.get(self.kind_id() as usize) {
            Some(name) => name,
            // ERROR nodes have an id past the grammar's symbols.
            None => "ERROR",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_match_tree_sitter() {
        let source = "import os\nclass A(B):\n    def f(self, x=[], *a, **k) -> int:\n        try:\n            return [*x.y()] or {**k} | {1}\n        except* E as e:\n            print(f'{e!r:>3}', `x`)\n";
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&tree_sitter_python::LANGUAGE.into()).unwrap();
        let tree = parser.parse(source, None).unwrap();
        let index = NodeIndex::build(tree.root_node());
        assert!(index.nodes().len() > 50);
        for node in index.nodes() {
            assert_eq!(node.kind_name(), node.kind());
        }
    }
}

//! Shapes of calls several rules look for.

use crate::syntax::kind::{Kind, NodeKind};
use tree_sitter::Node;

/// True when `node` is `NAME.ATTRIBUTE` on a plain name (`source` is the
/// text the tree was parsed from).
pub fn is_name_attribute(source: &str, node: Node<'_>, name: &str, attribute: &str) -> bool {
    let text = |child: Node<'_>| &source[child.byte_range()];
    node.is(Kind::Attribute)
        && node
            .child_by_field_name("object")
            .is_some_and(|object| object.is(Kind::Identifier) && text(object) == name)
        && node.child_by_field_name("attribute").is_some_and(|found| text(found) == attribute)
}

/// True when `statement` is exactly `NAME.METHOD()`, a call without arguments.
pub fn is_method_call_statement(
    source: &str,
    statement: Node<'_>,
    name: &str,
    method: &str,
) -> bool {
    statement.is(Kind::ExpressionStatement)
        && statement.named_child_count() == 1
        && statement.named_child(0).is_some_and(|call| {
            call.is(Kind::Call)
                && call.child_by_field_name("arguments").is_some_and(|arguments| {
                    arguments.is(Kind::ArgumentList) && arguments.named_child_count() == 0
                })
                && call
                    .child_by_field_name("function")
                    .is_some_and(|function| is_name_attribute(source, function, name, method))
        })
}

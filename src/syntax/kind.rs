//! The node kinds of tree-sitter-python that pyfix reads, as one typed
//! table. Rules compare `node.is(Kind::Call)` or match on `node.py_kind()`
//! instead of strings, so a misspelt kind does not compile, and a test checks
//! every entry against the grammar (a kind the grammar renames fails it
//! instead of silently matching nothing).

use std::collections::HashMap;
use std::sync::OnceLock;

use tree_sitter::Node;

/// Declares `Kind` with one variant per grammar name, and its name table.
macro_rules! kinds {
    ($($variant:ident = $name:literal,)*) => {
        /// A node kind of tree-sitter-python (see the module documentation).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Kind {
            $($variant,)*
            /// A kind this table does not list (the tree's `ERROR` nodes,
            /// kinds no rule reads).
            Other,
        }

        impl Kind {
            /// Every listed kind, in table order.
            pub const LISTED: &[Kind] = &[$(Kind::$variant,)*];

            /// The grammar's name for the kind (`""` for `Other`).
            pub fn name(self) -> &'static str {
                match self {
                    $(Kind::$variant => $name,)*
                    Kind::Other => "",
                }
            }
        }
    };
}

kinds! {
    AliasedImport = "aliased_import",
    ArgumentList = "argument_list",
    AsPattern = "as_pattern",
    AsPatternTarget = "as_pattern_target",
    Assignment = "assignment",
    Async = "async",
    AssertStatement = "assert_statement",
    Attribute = "attribute",
    Await = "await",
    AugmentedAssignment = "augmented_assignment",
    BinaryOperator = "binary_operator",
    Block = "block",
    BooleanOperator = "boolean_operator",
    BreakStatement = "break_statement",
    Call = "call",
    CaseClause = "case_clause",
    CasePattern = "case_pattern",
    Chevron = "chevron",
    ClassDefinition = "class_definition",
    ClassPattern = "class_pattern",
    Comment = "comment",
    ComparisonOperator = "comparison_operator",
    ConcatenatedString = "concatenated_string",
    ConditionalExpression = "conditional_expression",
    ContinueStatement = "continue_statement",
    DecoratedDefinition = "decorated_definition",
    Decorator = "decorator",
    DefaultParameter = "default_parameter",
    DeleteStatement = "delete_statement",
    Dictionary = "dictionary",
    DictionaryComprehension = "dictionary_comprehension",
    DictionarySplat = "dictionary_splat",
    DictionarySplatPattern = "dictionary_splat_pattern",
    DottedName = "dotted_name",
    ElifClause = "elif_clause",
    Ellipsis = "ellipsis",
    ElseClause = "else_clause",
    EscapeInterpolation = "escape_interpolation",
    EscapeSequence = "escape_sequence",
    Except = "except",
    ExceptClause = "except_clause",
    ExecStatement = "exec_statement",
    ExpressionList = "expression_list",
    ExpressionStatement = "expression_statement",
    False = "false",
    FinallyClause = "finally_clause",
    Float = "float",
    ForInClause = "for_in_clause",
    ForStatement = "for_statement",
    FunctionDefinition = "function_definition",
    FutureImportStatement = "future_import_statement",
    GeneratorExpression = "generator_expression",
    GenericType = "generic_type",
    GlobalStatement = "global_statement",
    Identifier = "identifier",
    IfStatement = "if_statement",
    ImportFromStatement = "import_from_statement",
    ImportStatement = "import_statement",
    Integer = "integer",
    Interpolation = "interpolation",
    KeywordArgument = "keyword_argument",
    KeywordPattern = "keyword_pattern",
    Lambda = "lambda",
    LambdaParameters = "lambda_parameters",
    LineContinuation = "line_continuation",
    List = "list",
    ListComprehension = "list_comprehension",
    ListPattern = "list_pattern",
    ListSplat = "list_splat",
    ListSplatPattern = "list_splat_pattern",
    MatchStatement = "match_statement",
    Module = "module",
    NamedExpression = "named_expression",
    NoneLiteral = "none",
    NonlocalStatement = "nonlocal_statement",
    NotOperator = "not_operator",
    Pair = "pair",
    Parameters = "parameters",
    ParenthesizedExpression = "parenthesized_expression",
    ParenthesizedListSplat = "parenthesized_list_splat",
    PassStatement = "pass_statement",
    PatternList = "pattern_list",
    PrintStatement = "print_statement",
    RaiseStatement = "raise_statement",
    ReturnStatement = "return_statement",
    Set = "set",
    SetComprehension = "set_comprehension",
    Slice = "slice",
    SplatPattern = "splat_pattern",
    String = "string",
    StringContent = "string_content",
    StringEnd = "string_end",
    StringStart = "string_start",
    Subscript = "subscript",
    True = "true",
    TryStatement = "try_statement",
    Tuple = "tuple",
    TuplePattern = "tuple_pattern",
    Type = "type",
    TypeAliasStatement = "type_alias_statement",
    TypeConversion = "type_conversion",
    TypeParameter = "type_parameter",
    TypedDefaultParameter = "typed_default_parameter",
    TypedParameter = "typed_parameter",
    UnaryOperator = "unary_operator",
    WhileStatement = "while_statement",
    WildcardImport = "wildcard_import",
    WithItem = "with_item",
    WithStatement = "with_statement",
    Yield = "yield",
    // Keywords and punctuation (anonymous nodes).
    Pipe = "|",
    LeftParen = "(",
    RightParen = ")",
    Star = "*",
    Comma = ",",
    Colon = ":",
    LessGreater = "<>",
    EqualEqual = "==",
    LeftBrace = "{",
    RightBrace = "}",
}

impl Kind {
    /// The grammar's ids for this kind: a named node and a keyword may
    /// share a name (`lambda`), and an alias gives a name several ids.
    pub fn ids(self) -> Vec<u16> {
        let by_id = by_id();
        (0..by_id.len())
            .filter(|&id| by_id[id] == self)
            .filter_map(|id| u16::try_from(id).ok())
            .collect()
    }

    /// The kind of the node whose kind id is `id`.
    pub fn of_id(id: u16) -> Kind {
        // ERROR nodes have an id past the grammar's symbols.
        by_id().get(usize::from(id)).copied().unwrap_or(Kind::Other)
    }
}

/// Every kind id of the grammar, with the kind whose name it has.
fn by_id() -> &'static [Kind] {
    static BY_ID: OnceLock<Vec<Kind>> = OnceLock::new();
    BY_ID.get_or_init(|| {
        let by_name: HashMap<&str, Kind> =
            Kind::LISTED.iter().map(|kind| (kind.name(), *kind)).collect();
        let language = language();
        (0..language.node_kind_count())
            .map(|id| {
                let name = u16::try_from(id).ok().and_then(|id| language.node_kind_for_id(id));
                name.and_then(|name| by_name.get(name).copied()).unwrap_or(Kind::Other)
            })
            .collect()
    })
}

/// The typed kind of a tree-sitter node.
pub trait NodeKind {
    /// The node's kind, `Kind::Other` for one the table does not list.
    fn py_kind(&self) -> Kind;

    /// True when the node is of `kind`.
    fn is(&self, kind: Kind) -> bool {
        self.py_kind() == kind
    }
}

impl NodeKind for Node<'_> {
    fn py_kind(&self) -> Kind {
        Kind::of_id(self.kind_id())
    }
}

pub(crate) fn language() -> &'static tree_sitter::Language {
    static LANGUAGE: OnceLock<tree_sitter::Language> = OnceLock::new();
    LANGUAGE.get_or_init(|| tree_sitter_python::LANGUAGE.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_kind_is_in_the_grammar() {
        let unknown: Vec<&str> = Kind::LISTED
            .iter()
            .filter(|kind| kind.ids().is_empty())
            .map(|kind| kind.name())
            .collect();
        assert!(unknown.is_empty(), "kinds tree-sitter-python does not have: {unknown:?}");
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = Kind::LISTED.iter().map(|kind| kind.name()).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a grammar name is listed twice");
    }

    #[test]
    fn parsed_nodes_have_their_kind() {
        let source = "import os\nclass A(B):\n    def f(self, x=[], *a, **k) -> int:\n        try:\n            return [*x.y()] or {**k} | {1}\n        except* E as e:\n            print(f'{e!r:>3}', lambda: None)\n";
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(language()).expect("the grammar loads");
        let tree = parser.parse(source, None).expect("a tree");
        let mut seen = 0;
        crate::syntax::walk::visit(tree.root_node(), |node| {
            let kind = node.py_kind();
            if kind == Kind::Other {
                assert!(
                    !Kind::LISTED.iter().any(|listed| listed.name() == node.kind()),
                    "{}",
                    node.kind()
                );
            } else {
                assert_eq!(kind.name(), node.kind());
                seen += 1;
            }
            crate::syntax::walk::Walk::Descend
        });
        assert!(seen > 30, "only {seen} listed kinds in the sample");
    }
}

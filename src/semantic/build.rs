//! Builds the model: one iterative walk over the tree records scopes,
//! bindings and references; then declarations and references are resolved.
//!
//! The walk keeps, per depth, the kind of each ancestor, and two stacks of
//! frames popped when the walk leaves the node that pushed them: the scope
//! code is evaluated in, and the context an identifier appears in (an
//! assignment target, a parameter list, an annotation, a `case` pattern).
//! A function's scope is entered at its body, so that its decorators,
//! defaults and annotations belong to the scope around it; a comprehension's
//! at each of its parts except the first iterable.

use std::num::NonZeroU16;
use std::sync::OnceLock;

use tree_sitter::{Language, Node};

use super::annotation;
use super::model::{
    BindingId, BindingKind, FastMap, Groups, Import, Model, NameBinding, Reference, ReferenceId,
    Scope, ScopeId, ScopeKind, StringName, Symbol, SymbolId,
};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;

pub(super) fn build<'m>(module: &'m Module<'m>) -> Model<'m> {
    let mut builder = Builder::new(module.source);
    builder.walk(module, module.root());
    builder.finish()
}

/// What the model makes of a node kind (several kinds can play one role).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Other,
    Module,
    Block,
    Comment,
    Identifier,
    Attribute,
    KeywordArgument,
    FunctionDefinition,
    ClassDefinition,
    Lambda,
    Comprehension,
    ForInClause,
    Parameters,
    DefaultParameter,
    TypedParameter,
    SplatPattern,
    Assignment,
    AugmentedAssignment,
    ForStatement,
    NamedExpression,
    AsPattern,
    AsPatternTarget,
    WithItem,
    ExceptClause,
    DeleteStatement,
    GlobalStatement,
    NonlocalStatement,
    ImportStatement,
    ImportFromStatement,
    FutureImport,
    CaseClause,
    CasePattern,
    DottedName,
    ClassPattern,
    KeywordPattern,
    MatchSplat,
    Type,
    GenericType,
    TypeParameter,
    TypeAliasStatement,
    String,
    /// Nodes that hold assignment targets without reading them: `a, b`,
    /// `(a, b)`, `[a, *b]`.
    TargetContainer,
}

/// What a node of `kind` means to the model.
fn role_of(kind: Kind) -> Role {
    match kind {
        Kind::Module => Role::Module,
        Kind::Block => Role::Block,
        Kind::Comment => Role::Comment,
        Kind::Identifier => Role::Identifier,
        Kind::Attribute => Role::Attribute,
        Kind::KeywordArgument => Role::KeywordArgument,
        Kind::FunctionDefinition => Role::FunctionDefinition,
        Kind::ClassDefinition => Role::ClassDefinition,
        Kind::Lambda => Role::Lambda,
        Kind::ListComprehension
        | Kind::SetComprehension
        | Kind::DictionaryComprehension
        | Kind::GeneratorExpression => Role::Comprehension,
        Kind::ForInClause => Role::ForInClause,
        Kind::Parameters | Kind::LambdaParameters => Role::Parameters,
        Kind::DefaultParameter | Kind::TypedDefaultParameter => Role::DefaultParameter,
        Kind::TypedParameter => Role::TypedParameter,
        Kind::ListSplatPattern | Kind::DictionarySplatPattern => Role::SplatPattern,
        Kind::Assignment => Role::Assignment,
        Kind::AugmentedAssignment => Role::AugmentedAssignment,
        Kind::ForStatement => Role::ForStatement,
        Kind::NamedExpression => Role::NamedExpression,
        Kind::AsPattern => Role::AsPattern,
        Kind::AsPatternTarget => Role::AsPatternTarget,
        Kind::WithItem => Role::WithItem,
        Kind::ExceptClause => Role::ExceptClause,
        Kind::DeleteStatement => Role::DeleteStatement,
        Kind::GlobalStatement => Role::GlobalStatement,
        Kind::NonlocalStatement => Role::NonlocalStatement,
        Kind::ImportStatement => Role::ImportStatement,
        Kind::ImportFromStatement => Role::ImportFromStatement,
        Kind::FutureImportStatement => Role::FutureImport,
        Kind::CaseClause => Role::CaseClause,
        Kind::CasePattern => Role::CasePattern,
        Kind::DottedName => Role::DottedName,
        Kind::ClassPattern => Role::ClassPattern,
        Kind::KeywordPattern => Role::KeywordPattern,
        Kind::SplatPattern => Role::MatchSplat,
        Kind::Type => Role::Type,
        Kind::GenericType => Role::GenericType,
        Kind::TypeParameter => Role::TypeParameter,
        Kind::TypeAliasStatement => Role::TypeAliasStatement,
        Kind::String => Role::String,
        Kind::PatternList
        | Kind::TuplePattern
        | Kind::ListPattern
        | Kind::Tuple
        | Kind::List
        | Kind::ParenthesizedExpression
        | Kind::ExpressionList
        | Kind::ListSplat => Role::TargetContainer,
        _ => Role::Other,
    }
}

/// The fields the model cares about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    None,
    Other,
    Name,
    Body,
    Parameters,
    Left,
    Right,
    Type,
    Alias,
    Attribute,
    ReturnType,
    TypeParameters,
}

fn field_named(name: &str) -> Field {
    match name {
        "name" => Field::Name,
        "body" => Field::Body,
        "parameters" => Field::Parameters,
        "left" => Field::Left,
        "right" => Field::Right,
        "type" => Field::Type,
        "alias" => Field::Alias,
        "attribute" => Field::Attribute,
        "return_type" => Field::ReturnType,
        "type_parameters" => Field::TypeParameters,
        _ => Field::Other,
    }
}

/// Role and field tables indexed by tree-sitter's ids, so that the walk
/// compares small integers instead of strings.
struct Grammar {
    kinds: Vec<Role>,
    fields: Vec<Field>,
}

impl Grammar {
    fn get() -> &'static Grammar {
        static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
        GRAMMAR.get_or_init(|| {
            let language: Language = tree_sitter_python::LANGUAGE.into();
            let kinds = (0..language.node_kind_count())
                .map(|id| {
                    let id = u16::try_from(id).unwrap_or(u16::MAX);
                    match language.node_kind_for_id(id) {
                        Some(_) if language.node_kind_is_named(id) => role_of(Kind::of_id(id)),
                        _ => Role::Other,
                    }
                })
                .collect();
            let fields = (0..=language.field_count())
                .map(|id| {
                    let id = u16::try_from(id).unwrap_or(u16::MAX);
                    language.field_name_for_id(id).map_or(Field::None, field_named)
                })
                .collect();
            Grammar { kinds, fields }
        })
    }

    fn kind(&self, id: u16) -> Role {
        self.kinds.get(usize::from(id)).copied().unwrap_or(Role::Other)
    }

    fn field(&self, id: Option<NonZeroU16>) -> Field {
        id.and_then(|id| self.fields.get(usize::from(id.get())).copied()).unwrap_or(Field::None)
    }
}

/// What an identifier means where it stands.
#[derive(Clone, Copy)]
enum Context<'m> {
    /// Code: identifiers are read.
    Plain,
    /// Inside an assignment target but read: `a` and `i` in `a[i] = ...`.
    Load,
    /// Bound by `kind`.
    Target {
        kind: BindingKind,
        source: Node<'m>,
    },
    /// A parameter list: names bind in the function's scope; defaults are read.
    Parameters {
        scope: ScopeId,
        source: Node<'m>,
    },
    /// `[T, U]` after a `def` or `class` name.
    TypeParameters {
        scope: Option<ScopeId>,
        source: Node<'m>,
    },
    /// A `case` pattern: captures bind, dotted names are read.
    Pattern {
        source: Node<'m>,
    },
    Annotation {
        evaluated: bool,
    },
}

#[derive(Clone, Copy)]
struct Ancestor<'m> {
    kind: Role,
    node: Node<'m>,
    /// The scope this definition or comprehension makes (for the first
    /// `for_in_clause` of a comprehension: the scope its target binds in).
    opens: Option<ScopeId>,
    /// For a comprehension: its first `for_in_clause` has been seen.
    first_clause_seen: bool,
}

struct Builder<'m> {
    source: &'m str,
    grammar: &'static Grammar,
    /// Filled by the walk; its groups and resolutions by `finish`.
    model: Model<'m>,
    /// Symbols declared `global` or `nonlocal`, resolved at the end.
    declared: Vec<SymbolId>,
    /// `(depth, scope)`: the scope entered at the node at that depth.
    scope_stack: Vec<(usize, ScopeId)>,
    /// `(depth, context)`: the context set by the node at that depth.
    contexts: Vec<(usize, Context<'m>)>,
    /// The node being visited and its ancestors, indexed by depth.
    ancestors: Vec<Ancestor<'m>>,
}

impl<'m> Builder<'m> {
    fn new(source: &'m str) -> Builder<'m> {
        Builder {
            source,
            grammar: Grammar::get(),
            model: Model {
                scopes: Vec::new(),
                symbols: Vec::new(),
                symbol_index: FastMap::default(),
                bindings: Vec::new(),
                references: Vec::new(),
                imports: Vec::new(),
                bindings_by_symbol: Groups::empty(),
                references_by_symbol: Groups::empty(),
                references_by_binding: Groups::empty(),
                string_names: Vec::new(),
                string_names_by_symbol: Groups::empty(),
                future_annotations: false,
                star_import: false,
            },
            declared: Vec::new(),
            scope_stack: Vec::new(),
            contexts: Vec::new(),
            ancestors: Vec::new(),
        }
    }

    /// Pre-order over the whole tree, without recursion.
    /// Enters every node in preorder, skipping the children of those
    /// `enter` declines, over the module's node index (no tree walk).
    fn walk(&mut self, module: &'m Module<'m>, root: Node<'m>) {
        let index = module.index();
        let Some(start) = index.position(root) else { return };
        // The subtree ends of the nodes being entered: their count is the depth.
        let mut open: Vec<usize> = Vec::new();
        let mut at = start;
        let end = index.end(start);
        while at < end {
            while open.last().is_some_and(|&open_end| at >= open_end) {
                open.pop();
            }
            let node = index.nodes()[at];
            let field = self.grammar.field(index.field_id(at));
            if self.enter(node, field, open.len()) {
                open.push(index.end(at));
                at += 1;
            } else {
                at = index.end(at);
            }
        }
    }

    fn text(&self, node: Node<'_>) -> &'m str {
        self.source.get(node.byte_range()).unwrap_or("")
    }

    fn current_scope(&self) -> ScopeId {
        self.scope_stack.last().map_or(ScopeId(0), |(_, scope)| *scope)
    }

    fn context(&self) -> Context<'m> {
        self.contexts.last().map_or(Context::Plain, |(_, context)| *context)
    }

    fn ancestor_kind(&self, depth: usize, up: usize) -> Role {
        depth
            .checked_sub(up)
            .and_then(|index| self.ancestors.get(index))
            .map_or(Role::Other, |ancestor| ancestor.kind)
    }

    /// Visits one node; returns whether to visit its children.
    fn enter(&mut self, node: Node<'m>, field: Field, depth: usize) -> bool {
        while self.scope_stack.last().is_some_and(|(at, _)| *at >= depth) {
            self.scope_stack.pop();
        }
        while self.contexts.last().is_some_and(|(at, _)| *at >= depth) {
            self.contexts.pop();
        }
        self.ancestors.truncate(depth);
        let kind = self.grammar.kind(node.kind_id());
        self.ancestors.push(Ancestor { kind, node, opens: None, first_clause_seen: false });
        if depth > 0 {
            self.enter_part_of_parent(kind, field, depth);
        }
        self.enter_kind(node, kind, field, depth)
    }

    /// What being this field of its parent means: entering the parent's
    /// scope, a target, a parameter list, an annotation.
    fn enter_part_of_parent(&mut self, kind: Role, field: Field, depth: usize) {
        let parent = self.ancestors[depth - 1];
        let context = match (parent.kind, field) {
            (Role::FunctionDefinition | Role::ClassDefinition | Role::Lambda, Field::Body) => {
                if let Some(scope) = parent.opens {
                    self.enter_scope(depth, scope);
                }
                None
            }
            (Role::FunctionDefinition | Role::Lambda, Field::Parameters) => {
                parent.opens.map(|scope| Context::Parameters { scope, source: parent.node })
            }
            (Role::FunctionDefinition | Role::ClassDefinition, Field::TypeParameters) => {
                Some(Context::TypeParameters { scope: parent.opens, source: parent.node })
            }
            (Role::FunctionDefinition, Field::ReturnType)
            | (Role::DefaultParameter | Role::TypedParameter, Field::Type) => {
                Some(Context::Annotation { evaluated: !self.model.future_annotations })
            }
            (Role::Comprehension, _) => {
                let Some(scope) = parent.opens else { return };
                if kind == Role::ForInClause && !parent.first_clause_seen {
                    // Its iterable is evaluated outside; its target binds inside.
                    self.ancestors[depth - 1].first_clause_seen = true;
                    self.ancestors[depth].opens = Some(scope);
                } else if kind != Role::Comment {
                    self.enter_scope(depth, scope);
                }
                None
            }
            (Role::ForInClause, Field::Left) => {
                if let Some(scope) = parent.opens {
                    self.enter_scope(depth, scope);
                }
                Some(target(BindingKind::ComprehensionTarget, parent.node))
            }
            (Role::Assignment, Field::Left) => {
                let annotation_only = parent.node.child_by_field_name("right").is_none()
                    && parent.node.child_by_field_name("type").is_some();
                let kind =
                    if annotation_only { BindingKind::Annotation } else { BindingKind::Assignment };
                Some(target(kind, parent.node))
            }
            (Role::Assignment, Field::Type) => {
                // Local variable annotations are never evaluated.
                let scope_kind = self.model.scopes[self.current_scope().index()].kind;
                let evaluated = !self.model.future_annotations
                    && matches!(scope_kind, ScopeKind::Module | ScopeKind::Class);
                Some(Context::Annotation { evaluated })
            }
            (Role::AugmentedAssignment, Field::Left) => {
                Some(target(BindingKind::AugmentedAssignment, parent.node))
            }
            (Role::ForStatement, Field::Left) => Some(target(BindingKind::ForTarget, parent.node)),
            (Role::NamedExpression, Field::Name) => Some(target(BindingKind::Walrus, parent.node)),
            (Role::AsPattern, Field::Alias) => {
                let holder =
                    depth.checked_sub(2).and_then(|index| self.ancestors.get(index)).copied();
                match holder {
                    Some(holder) if holder.kind == Role::WithItem => {
                        Some(target(BindingKind::WithAlias, holder.node))
                    }
                    Some(holder) if holder.kind == Role::ExceptClause => {
                        Some(target(BindingKind::ExceptAlias, holder.node))
                    }
                    _ => None,
                }
            }
            (Role::ExceptClause, Field::Alias) => {
                Some(target(BindingKind::ExceptAlias, parent.node))
            }
            (Role::TypeAliasStatement, Field::Left) => {
                Some(target(BindingKind::TypeAlias, parent.node))
            }
            // A type alias's value is evaluated lazily, when first used.
            (Role::TypeAliasStatement, Field::Right) => {
                Some(Context::Annotation { evaluated: false })
            }
            (Role::CaseClause, _) if kind == Role::CasePattern => {
                Some(Context::Pattern { source: parent.node })
            }
            _ => None,
        };
        if let Some(context) = context {
            self.contexts.push((depth, context));
        }
    }

    fn enter_scope(&mut self, depth: usize, scope: ScopeId) {
        self.scope_stack.push((depth, scope));
        self.contexts.push((depth, Context::Plain));
    }

    /// What the node itself means. Returns whether to visit its children.
    fn enter_kind(&mut self, node: Node<'m>, kind: Role, field: Field, depth: usize) -> bool {
        // In a target, anything but a name or a tuple of names is read:
        // `a.b = ...` reads `a`, `a[i] = ...` reads `a` and `i`.
        if let Context::Target { kind: binding_kind, .. } = self.context()
            && binding_kind != BindingKind::TypeAlias
            && !matches!(
                kind,
                Role::TargetContainer
                    | Role::Identifier
                    | Role::SplatPattern
                    | Role::AsPatternTarget
                    | Role::Comment
            )
        {
            self.contexts.push((depth, Context::Load));
        }
        let scope_kind = match kind {
            Role::Module => {
                let scope = self.add_scope(ScopeKind::Module, node, None);
                self.scope_stack.push((depth, scope));
                return true;
            }
            Role::FunctionDefinition => ScopeKind::Function,
            Role::ClassDefinition => ScopeKind::Class,
            Role::Lambda => ScopeKind::Lambda,
            Role::Comprehension => ScopeKind::Comprehension,
            Role::Identifier => {
                self.identifier(node, field, depth);
                return false;
            }
            Role::ImportStatement => {
                self.import(node, depth);
                return false;
            }
            Role::ImportFromStatement => {
                self.import_from(node, depth);
                return false;
            }
            Role::FutureImport => {
                self.future_import(node);
                return false;
            }
            Role::GlobalStatement => {
                self.declare(node, BindingKind::Global);
                return false;
            }
            Role::NonlocalStatement => {
                self.declare(node, BindingKind::Nonlocal);
                return false;
            }
            Role::DeleteStatement => {
                self.contexts.push((depth, target(BindingKind::Deletion, node)));
                return true;
            }
            Role::DottedName if matches!(self.context(), Context::Pattern { .. }) => {
                self.pattern_name(node, depth);
                return false;
            }
            Role::String if matches!(self.context(), Context::Annotation { .. }) => {
                return !self.string_annotation(node, depth);
            }
            Role::Comment => return false,
            _ => return true,
        };
        let parent = self.current_scope();
        let scope = self.add_scope(scope_kind, node, Some(parent));
        self.ancestors[depth].opens = Some(scope);
        true
    }

    fn add_scope(&mut self, kind: ScopeKind, node: Node<'m>, parent: Option<ScopeId>) -> ScopeId {
        let in_function = matches!(kind, ScopeKind::Function | ScopeKind::Lambda)
            || parent.is_some_and(|parent| self.model.scopes[parent.index()].in_function);
        self.model.scopes.push(Scope { kind, node, parent, in_function });
        ScopeId::new(self.model.scopes.len() - 1)
    }

    fn identifier(&mut self, node: Node<'m>, field: Field, depth: usize) {
        let parent = self.ancestor_kind(depth, 1);
        match (parent, field) {
            // `x.name`, `f(name=...)`: not variables.
            (Role::Attribute, Field::Attribute) | (Role::KeywordArgument, Field::Name) => return,
            (Role::FunctionDefinition | Role::ClassDefinition, Field::Name) => {
                let kind = if parent == Role::FunctionDefinition {
                    BindingKind::FunctionDef
                } else {
                    BindingKind::ClassDef
                };
                let definition = self.ancestors[depth - 1].node;
                self.bind(kind, node, definition, self.current_scope());
                return;
            }
            _ => {}
        }
        match self.context() {
            Context::Target { kind: BindingKind::TypeAlias, source } => {
                let is_alias_name = (parent == Role::Type
                    && self.ancestor_kind(depth, 2) == Role::TypeAliasStatement)
                    || (parent == Role::GenericType
                        && self.ancestor_kind(depth, 3) == Role::TypeAliasStatement);
                if is_alias_name {
                    self.bind(BindingKind::TypeAlias, node, source, self.current_scope());
                }
            }
            Context::Target { kind, source } => {
                if kind == BindingKind::AugmentedAssignment {
                    self.reference(node, false, true);
                }
                let scope = if kind == BindingKind::Walrus {
                    self.walrus_scope()
                } else {
                    self.current_scope()
                };
                self.bind(kind, node, source, scope);
            }
            Context::Parameters { scope, source } if self.is_parameter_name(field, depth) => {
                self.bind(BindingKind::Parameter, node, source, scope);
            }
            Context::TypeParameters { scope, source } => {
                let is_parameter =
                    parent == Role::Type && self.ancestor_kind(depth, 2) == Role::TypeParameter;
                match scope {
                    Some(scope) if is_parameter => {
                        self.bind(BindingKind::TypeParameter, node, source, scope);
                    }
                    _ => self.reference(node, true, !self.model.future_annotations),
                }
            }
            Context::Pattern { source } => match parent {
                Role::MatchSplat | Role::AsPattern => {
                    if self.text(node) != "_" {
                        self.bind(BindingKind::MatchCapture, node, source, self.current_scope());
                    }
                }
                // `case Point(x=...)`: `x` names an attribute.
                Role::KeywordPattern => {}
                _ => self.reference(node, false, true),
            },
            Context::Annotation { evaluated } => self.reference(node, true, evaluated),
            Context::Plain | Context::Load | Context::Parameters { .. } => {
                self.reference(node, false, true);
            }
        }
    }

    /// A string in an annotation: records the names its content reads, and
    /// returns true, unless it is an f-string (whose replacement fields are
    /// code, visited as such). A string that is a value (`Literal["a"]`,
    /// `Annotated[T, "metadata"]`) reads nothing.
    fn string_annotation(&mut self, node: Node<'m>, depth: usize) -> bool {
        let mut content = None;
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            match child.py_kind() {
                Kind::StringStart => {
                    let prefix = self.text(child).trim_end_matches(['"', '\'']);
                    if !matches!(prefix, "" | "r" | "R" | "u" | "U") {
                        // An f-string is code; a bytes literal reads nothing.
                        return !prefix.contains(['f', 'F', 't', 'T']);
                    }
                }
                Kind::StringContent => content = Some(child),
                Kind::StringEnd => {}
                _ => return false,
            }
        }
        let Some(content) = content else { return true };
        if content.named_child_count() > 0 || self.is_value_in_subscript(node, depth) {
            return true; // Escape sequences: not read (rare in annotations).
        }
        let Some(names) = annotation::names_read(self.text(content)) else { return true };
        let scope = self.current_scope();
        for (offset, name) in names {
            let at = content.start_byte() + offset;
            self.model.string_names.push(StringName {
                name,
                range: at..at + name.len(),
                string: node,
                scope,
                symbol: None,
                binding: None,
            });
        }
        true
    }

    /// The string at `depth` is an argument of `Literal[...]`, or a later
    /// argument of `Annotated[T, ...]`: a value, not a type.
    fn is_value_in_subscript(&self, string: Node<'m>, depth: usize) -> bool {
        for ancestor in self.ancestors[..depth].iter().rev() {
            let node = ancestor.node;
            let mut cursor = node.walk();
            let (name, arguments): (Option<Node<'m>>, Vec<Node<'m>>) = match node.py_kind() {
                Kind::Type | Kind::TypeParameter | Kind::Tuple | Kind::ParenthesizedExpression => {
                    continue;
                }
                Kind::GenericType => {
                    let parameters =
                        node.named_children(&mut cursor).find(|part| part.is(Kind::TypeParameter));
                    let arguments = parameters.map_or_else(Vec::new, |parameters| {
                        let mut cursor = parameters.walk();
                        parameters.named_children(&mut cursor).collect()
                    });
                    (node.named_child(0), arguments)
                }
                Kind::Subscript => (
                    node.child_by_field_name("value"),
                    node.children_by_field_name("subscript", &mut cursor).collect(),
                ),
                _ => return false,
            };
            let Some(name) = name else { return false };
            let last = self.text(name).rsplit('.').next().unwrap_or_default().trim();
            let position = arguments.iter().position(|argument| {
                argument.start_byte() <= string.start_byte()
                    && string.end_byte() <= argument.end_byte()
            });
            return match last {
                "Literal" => true,
                "Annotated" => position.is_some_and(|position| position > 0),
                _ => false,
            };
        }
        false
    }

    /// Is this identifier, inside a parameter list, a parameter's name (not
    /// part of a default or an annotation)?
    fn is_parameter_name(&self, field: Field, depth: usize) -> bool {
        match self.ancestor_kind(depth, 1) {
            Role::Parameters => true,
            Role::DefaultParameter => field == Field::Name,
            Role::TypedParameter => field != Field::Type,
            Role::SplatPattern => {
                matches!(self.ancestor_kind(depth, 2), Role::Parameters | Role::TypedParameter)
            }
            _ => false,
        }
    }

    /// A `dotted_name` in a `case` pattern: a capture when it is one plain
    /// name, a value (read) when dotted or when it names a class.
    fn pattern_name(&mut self, node: Node<'m>, depth: usize) {
        let Context::Pattern { source } = self.context() else { return };
        let Some(first) = node.named_child(0) else { return };
        let is_capture =
            self.ancestor_kind(depth, 1) != Role::ClassPattern && node.named_child_count() == 1;
        if !is_capture {
            self.reference(first, false, true);
        } else if self.text(first) != "_" {
            self.bind(BindingKind::MatchCapture, first, source, self.current_scope());
        }
    }

    /// A walrus binds in the nearest scope that is not a comprehension.
    fn walrus_scope(&self) -> ScopeId {
        let mut scope = self.current_scope();
        while let Some(current) = self.model.scopes.get(scope.index()) {
            match (current.kind, current.parent) {
                (ScopeKind::Comprehension, Some(parent)) => scope = parent,
                _ => break,
            }
        }
        scope
    }

    fn reference(&mut self, node: Node<'m>, annotation: bool, evaluated: bool) {
        self.model.references.push(Reference {
            node,
            scope: self.current_scope(),
            symbol: None,
            binding: None,
            annotation,
            evaluated,
        });
    }

    fn symbol_for(&mut self, scope: ScopeId, name: &'m str) -> SymbolId {
        if let Some(&symbol) = self.model.symbol_index.get(&(scope, name)) {
            return symbol;
        }
        let symbol = SymbolId::new(self.model.symbols.len());
        self.model.symbols.push(Symbol {
            name,
            scope,
            target: symbol,
            bound: false,
            declaration: None,
        });
        self.model.symbol_index.insert((scope, name), symbol);
        symbol
    }

    fn bind(
        &mut self,
        kind: BindingKind,
        name: Node<'m>,
        source: Node<'m>,
        scope: ScopeId,
    ) -> BindingId {
        let symbol = self.symbol_for(scope, self.text(name));
        if !kind.is_declaration() {
            self.model.symbols[symbol.index()].bound = true;
        }
        self.model.bindings.push(NameBinding { kind, name, source, scope, symbol });
        BindingId::new(self.model.bindings.len() - 1)
    }

    /// `global a, b` / `nonlocal a, b`.
    fn declare(&mut self, statement: Node<'m>, kind: BindingKind) {
        let scope = self.current_scope();
        if self.model.scopes[scope.index()].kind == ScopeKind::Module {
            return; // `global` at module level changes nothing.
        }
        let mut cursor = statement.walk();
        for name in statement.named_children(&mut cursor) {
            if name.py_kind() != Kind::Identifier {
                continue;
            }
            let binding = self.bind(kind, name, statement, scope);
            let symbol = self.model.bindings[binding.index()].symbol;
            if self.model.symbols[symbol.index()].declaration.is_none() {
                self.model.symbols[symbol.index()].declaration = Some(kind);
                self.declared.push(symbol);
            }
        }
    }

    /// The import is a statement of its scope's own body.
    fn is_unconditional(&self, depth: usize) -> bool {
        match self.ancestor_kind(depth, 1) {
            Role::Module => true,
            Role::Block => matches!(
                self.ancestor_kind(depth, 2),
                Role::FunctionDefinition | Role::ClassDefinition
            ),
            _ => false,
        }
    }

    /// `import a.b`, `import a.b as c`.
    fn import(&mut self, statement: Node<'m>, depth: usize) {
        let unconditional = self.is_unconditional(depth);
        let mut cursor = statement.walk();
        for item in statement.children_by_field_name("name", &mut cursor) {
            let (bound, module, qualified) = match item.py_kind() {
                Kind::AliasedImport => {
                    let (Some(target), Some(alias)) =
                        (item.child_by_field_name("name"), item.child_by_field_name("alias"))
                    else {
                        continue;
                    };
                    let module = dotted(self.text(target));
                    (alias, module.clone(), module)
                }
                Kind::DottedName => {
                    let Some(first) = item.named_child(0) else { continue };
                    (first, dotted(self.text(item)), self.text(first).to_string())
                }
                _ => continue,
            };
            let binding = self.bind(BindingKind::Import, bound, statement, self.current_scope());
            self.model.imports.push(Import {
                binding,
                statement,
                item,
                module,
                member: None,
                qualified,
                unconditional,
            });
        }
    }

    /// `from a import b`, `from .a import b as c`, `from a import *`.
    fn import_from(&mut self, statement: Node<'m>, depth: usize) {
        let unconditional = self.is_unconditional(depth);
        let Some(module_name) = statement.child_by_field_name("module_name") else { return };
        let module = dotted(self.text(module_name));
        let mut cursor = statement.walk();
        if statement.children(&mut cursor).any(|child| child.is(Kind::WildcardImport)) {
            self.model.star_import = true;
            return;
        }
        for item in statement.children_by_field_name("name", &mut cursor) {
            let (bound, member) = match item.py_kind() {
                Kind::AliasedImport => {
                    let (Some(target), Some(alias)) =
                        (item.child_by_field_name("name"), item.child_by_field_name("alias"))
                    else {
                        continue;
                    };
                    (alias, self.text(target))
                }
                Kind::DottedName => match item.named_child(0) {
                    Some(first) => (first, self.text(item)),
                    None => continue,
                },
                _ => continue,
            };
            let qualified = if module.ends_with('.') {
                format!("{module}{member}")
            } else {
                format!("{module}.{member}")
            };
            let binding = self.bind(BindingKind::Import, bound, statement, self.current_scope());
            self.model.imports.push(Import {
                binding,
                statement,
                item,
                module: module.clone(),
                member: Some(member),
                qualified,
                unconditional,
            });
        }
    }

    fn future_import(&mut self, statement: Node<'m>) {
        let mut cursor = statement.walk();
        let annotations = statement
            .children_by_field_name("name", &mut cursor)
            .any(|item| self.text(item).split_whitespace().next() == Some("annotations"));
        self.model.future_annotations |= annotations;
    }

    /// Points each `global`/`nonlocal` declaration at the symbol it means.
    /// Outer scopes come first, so a target is already final when used.
    fn resolve_declarations(&mut self) {
        let mut declared = std::mem::take(&mut self.declared);
        declared.sort_by_key(|symbol| self.model.symbols[symbol.index()].scope);
        for symbol in declared {
            let Symbol { name, scope, declaration, bound, .. } =
                self.model.symbols[symbol.index()].clone();
            let target = match declaration {
                Some(BindingKind::Global) => Some(self.symbol_for(ScopeId(0), name)),
                Some(BindingKind::Nonlocal) => self.nonlocal_target(name, scope),
                _ => None,
            };
            let Some(target) = target else { continue };
            let target = self.model.symbols[target.index()].target;
            if target == symbol {
                continue;
            }
            self.model.symbols[symbol.index()].target = target;
            if bound {
                self.model.symbols[target.index()].bound = true;
            }
        }
    }

    /// The nearest enclosing function scope that has `name`.
    fn nonlocal_target(&self, name: &str, scope: ScopeId) -> Option<SymbolId> {
        let mut current = self.model.scopes[scope.index()].parent;
        while let Some(id) = current {
            let scope = &self.model.scopes[id.index()];
            match scope.kind {
                ScopeKind::Module => return None,
                ScopeKind::Function | ScopeKind::Lambda => {
                    if let Some(&symbol) = self.model.symbol_index.get(&(id, name)) {
                        let found = &self.model.symbols[symbol.index()];
                        if found.bound || found.target != symbol {
                            return Some(symbol);
                        }
                    }
                }
                ScopeKind::Class | ScopeKind::Comprehension => {}
            }
            current = scope.parent;
        }
        None
    }

    fn finish(mut self) -> Model<'m> {
        self.resolve_declarations();
        let mut model = self.model;
        for binding in &mut model.bindings {
            binding.symbol = model.symbols[binding.symbol.index()].target;
        }
        model.bindings_by_symbol = Groups::build(
            model.symbols.len(),
            model
                .bindings
                .iter()
                .enumerate()
                .map(|(index, binding)| (binding.symbol.index(), BindingId::new(index))),
        );
        for index in 0..model.references.len() {
            let reference = &model.references[index];
            let name = self.source.get(reference.node.byte_range()).unwrap_or("");
            let symbol = model.lookup(name, reference.scope, Some(reference.node.start_byte()));
            let binding = symbol.and_then(|symbol| model.binding_seen(symbol, reference));
            let reference = &mut model.references[index];
            reference.symbol = symbol;
            reference.binding = binding;
        }
        model.references_by_symbol = Groups::build(
            model.symbols.len(),
            model.references.iter().enumerate().filter_map(|(index, reference)| {
                Some((reference.symbol?.index(), ReferenceId::new(index)))
            }),
        );
        model.references_by_binding = Groups::build(
            model.bindings.len(),
            model.references.iter().enumerate().filter_map(|(index, reference)| {
                Some((reference.binding?.index(), ReferenceId::new(index)))
            }),
        );
        for index in 0..model.string_names.len() {
            let StringName { name, scope, range, .. } = model.string_names[index].clone();
            let symbol = model.lookup(name, scope, Some(range.start));
            let binding =
                symbol.and_then(|symbol| model.binding_seen_at(symbol, scope, range.start));
            model.string_names[index].symbol = symbol;
            model.string_names[index].binding = binding;
        }
        model.string_names_by_symbol = Groups::build(
            model.symbols.len(),
            model.string_names.iter().enumerate().filter_map(|(index, name)| {
                Some((name.symbol?.index(), u32::try_from(index).ok()?))
            }),
        );
        model
    }
}

fn target(kind: BindingKind, source: Node<'_>) -> Context<'_> {
    Context::Target { kind, source }
}

/// A dotted module name as Python reads it: `a . b` is `a.b`.
fn dotted(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '\\').collect()
}

impl<'m> Model<'m> {
    /// See `Semantic::resolved_binding`.
    fn binding_seen(&self, symbol: SymbolId, reference: &Reference<'m>) -> Option<BindingId> {
        self.binding_seen_at(symbol, reference.scope, reference.node.start_byte())
    }

    /// The binding of `symbol` that a read at `at`, in `scope`, most likely sees.
    fn binding_seen_at(&self, symbol: SymbolId, scope: ScopeId, at: usize) -> Option<BindingId> {
        let bindings = self.bindings_by_symbol.get(symbol.index());
        let is_value = |id: &&BindingId| !self.bindings[id.index()].kind.is_declaration();
        let last = bindings.iter().rev().find(is_value).copied();
        if self.read_later(scope, self.symbols[symbol.index()].scope) {
            return last;
        }
        self.last_binding_before(symbol, at).or(last)
    }

    /// Code in `from` runs later than the code of `to` around it: a function
    /// or lambda body lies between them.
    fn read_later(&self, from: ScopeId, to: ScopeId) -> bool {
        let mut current = Some(from);
        while let Some(id) = current {
            if id == to {
                return false;
            }
            let scope = &self.scopes[id.index()];
            if matches!(scope.kind, ScopeKind::Function | ScopeKind::Lambda) {
                return true;
            }
            current = scope.parent;
        }
        false
    }
}

impl<T: Copy + Default> Groups<T> {
    fn empty() -> Groups<T> {
        Groups { offsets: Vec::new(), items: Vec::new() }
    }
}

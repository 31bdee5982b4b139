//! Classes as the module defines them: for each `class` statement, its
//! bases resolved in the module, its members (what its body binds: methods,
//! class-body assignments such as the alias `stop = __del__`, nested
//! classes, imports), the attributes its methods assign on their receiver
//! (`self.close = ...`), and the classes of the module that subclass it.
//!
//! Built from the scopes and bindings of [`Semantic`] by
//! [`Classes::build`], which a rule calls once per check. A class's bases and
//! subclasses in other modules are out of sight: a base is then
//! [`Base::Qualified`] (imported, or a builtin) or [`Base::Unknown`].
//!
//! In a skeleton parse, the members and attributes of blanked bodies are
//! not seen: a rule that asks about them keeps those bodies
//! (`Transform::may_need_definition`).

use tree_sitter::Node;

use super::{BindingId, BindingKind, ScopeId, ScopeKind, Semantic, is_builtin};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::walk::{Walk, visit};

/// A class of the module, by its position in [`Classes::all`] (source order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClassId(u32);

impl ClassId {
    pub fn index(self) -> usize {
        self.0 as usize
    }

    fn new(index: usize) -> ClassId {
        ClassId(u32::try_from(index).unwrap_or(u32::MAX))
    }
}

/// One base class expression of a `class` statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// A class defined in this module (the one the name most likely sees).
    Local(ClassId),
    /// A name imported from another module or a builtin, by its qualified
    /// name: `contextlib.AbstractContextManager`, `builtins.object`.
    Qualified(String),
    /// Anything else: a name bound by an assignment, a call, `*bases`.
    Unknown,
}

/// A name a class body binds.
#[derive(Clone, Debug)]
pub struct Member<'m> {
    pub name: &'m str,
    pub binding: BindingId,
    pub kind: BindingKind,
    /// The construct that binds it (the `def`, the assignment, ...).
    pub source: Node<'m>,
    /// For an assignment of one name (`stop = __del__`, `_close = os.close`):
    /// the value assigned.
    pub value: Option<Node<'m>>,
}

/// An attribute a method assigns on its receiver: `self.close = ...`,
/// `setattr(self, "close", ...)`, `cls.registry = ...`.
#[derive(Clone, Debug)]
pub struct InstanceAttribute<'m> {
    pub name: &'m str,
    /// The `self.close` attribute node (for `setattr`, the call).
    pub node: Node<'m>,
    /// The value assigned, when the attribute is the whole target of an
    /// assignment (`self.close = value`) or given to `setattr`.
    pub value: Option<Node<'m>>,
    /// The method that assigns it.
    pub method: Node<'m>,
}

#[derive(Clone, Debug)]
pub struct ClassInfo<'m> {
    /// The `class_definition` node.
    pub node: Node<'m>,
    pub name: &'m str,
    /// The class body's scope.
    pub scope: ScopeId,
    /// The positional base class expressions, in order (keywords such as
    /// `metaclass=` are not bases).
    pub bases: Vec<Base>,
    /// What the class body binds, in source order.
    pub members: Vec<Member<'m>>,
    /// What its methods assign on their receiver, in source order.
    pub instance_attributes: Vec<InstanceAttribute<'m>>,
}

impl<'m> ClassInfo<'m> {
    /// The members bound to `name`.
    pub fn member<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Member<'m>> + 'a {
        self.members.iter().filter(move |member| member.name == name)
    }

    /// The class body binds `name`, or one of its methods assigns it on the receiver.
    pub fn binds(&self, name: &str) -> bool {
        self.member(name).next().is_some()
            || self.instance_attributes.iter().any(|attribute| attribute.name == name)
    }

    /// The class-body names assigned the plain name `name`: `stop` for
    /// `stop = __del__`.
    pub fn aliases_of<'a>(
        &'a self,
        module: &'a Module<'m>,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Member<'m>> + 'a {
        self.members.iter().filter(move |member| {
            member
                .value
                .is_some_and(|value| value.is(Kind::Identifier) && module.text(value) == name)
        })
    }

    /// The methods (`def` statements directly in the class body).
    pub fn methods<'a>(&'a self) -> impl Iterator<Item = &'a Member<'m>> + 'a {
        self.members.iter().filter(|member| member.kind == BindingKind::FunctionDef)
    }
}

/// Every class of the module.
pub struct Classes<'m> {
    classes: Vec<ClassInfo<'m>>,
    /// The direct subclasses of each class, in source order.
    subclasses: Vec<Vec<ClassId>>,
}

impl<'m> Classes<'m> {
    pub fn build(semantic: &Semantic<'m>) -> Classes<'m> {
        let module = semantic.module();
        let scopes = semantic.scopes();
        let mut classes: Vec<ClassInfo<'m>> = Vec::new();
        // The class of each class scope, by scope index.
        let mut class_of_scope: Vec<Option<ClassId>> = vec![None; scopes.len()];
        for (index, scope) in scopes.iter().enumerate() {
            if scope.kind != ScopeKind::Class {
                continue;
            }
            let name = scope.node.child_by_field_name("name").map_or("", |name| module.text(name));
            class_of_scope[index] = Some(ClassId::new(classes.len()));
            classes.push(ClassInfo {
                node: scope.node,
                name,
                scope: ScopeId::new(index),
                bases: Vec::new(),
                members: Vec::new(),
                instance_attributes: Vec::new(),
            });
        }
        for (index, binding) in semantic.bindings().iter().enumerate() {
            if binding.kind.is_declaration() {
                continue;
            }
            let Some(Some(class)) = class_of_scope.get(binding.scope.index()) else {
                continue;
            };
            let value = (binding.kind == BindingKind::Assignment)
                .then(|| single_assignment_value(binding.source, binding.name))
                .flatten();
            classes[class.index()].members.push(Member {
                name: module.text(binding.name),
                binding: BindingId::new(index),
                kind: binding.kind,
                source: binding.source,
                value,
            });
        }
        let mut built = Classes { classes, subclasses: Vec::new() };
        for index in 0..built.classes.len() {
            let node = built.classes[index].node;
            built.classes[index].bases = built.resolve_bases(semantic, node);
            let attributes = built.classes[index]
                .methods()
                .filter_map(|method| {
                    let function = method.source;
                    receiver_of(module, function).map(|receiver| (function, receiver))
                })
                .flat_map(|(function, receiver)| receiver_attributes(module, function, receiver))
                .collect();
            built.classes[index].instance_attributes = attributes;
        }
        let mut subclasses = vec![Vec::new(); built.classes.len()];
        for (index, class) in built.classes.iter().enumerate() {
            for base in &class.bases {
                if let Base::Local(base) = base
                    && !subclasses[base.index()].contains(&ClassId::new(index))
                {
                    subclasses[base.index()].push(ClassId::new(index));
                }
            }
        }
        built.subclasses = subclasses;
        built
    }

    /// Every class, in source order.
    pub fn all(&self) -> &[ClassInfo<'m>] {
        &self.classes
    }

    pub fn class(&self, id: ClassId) -> &ClassInfo<'m> {
        &self.classes[id.index()]
    }

    /// The class a `class_definition` node defines.
    pub fn of_definition(&self, node: Node<'_>) -> Option<ClassId> {
        let start =
            self.classes.partition_point(|class| class.node.start_byte() < node.start_byte());
        self.classes[start..]
            .iter()
            .take_while(|class| class.node.start_byte() == node.start_byte())
            .position(|class| class.node.id() == node.id())
            .map(|offset| ClassId::new(start + offset))
    }

    /// The classes of this module that name `id` as a base.
    pub fn subclasses(&self, id: ClassId) -> &[ClassId] {
        self.subclasses.get(id.index()).map_or(&[], Vec::as_slice)
    }

    /// The bases of `id` defined in this module, and theirs, depth first in
    /// the order the bases are written (not `id` itself; each once).
    pub fn ancestors(&self, id: ClassId) -> Vec<ClassId> {
        self.closure(id, |class| {
            self.class(class)
                .bases
                .iter()
                .filter_map(|base| match base {
                    Base::Local(base) => Some(*base),
                    _ => None,
                })
                .collect()
        })
    }

    /// The subclasses of `id` in this module, and theirs (not `id` itself; each once).
    pub fn descendants(&self, id: ClassId) -> Vec<ClassId> {
        self.closure(id, |class| self.subclasses(class).to_vec())
    }

    /// The bases of `id` and of its ancestors in this module that are not
    /// defined in this module: imported, builtin or unknown.
    pub fn foreign_bases(&self, id: ClassId) -> Vec<&Base> {
        std::iter::once(id)
            .chain(self.ancestors(id))
            .flat_map(|class| self.class(class).bases.iter())
            .filter(|base| !matches!(base, Base::Local(_)))
            .collect()
    }

    fn closure(&self, id: ClassId, next: impl Fn(ClassId) -> Vec<ClassId>) -> Vec<ClassId> {
        let mut found = Vec::new();
        let mut pending = next(id);
        pending.reverse();
        while let Some(class) = pending.pop() {
            if class == id || found.contains(&class) {
                continue;
            }
            found.push(class);
            let mut more = next(class);
            more.reverse();
            pending.extend(more);
        }
        found
    }

    fn resolve_bases(&self, semantic: &Semantic<'m>, class: Node<'m>) -> Vec<Base> {
        let Some(arguments) = class.child_by_field_name("superclasses") else {
            return Vec::new();
        };
        let mut cursor = arguments.walk();
        arguments
            .named_children(&mut cursor)
            .filter(|argument| !matches!(argument.py_kind(), Kind::KeywordArgument | Kind::Comment))
            .map(|argument| self.resolve_base(semantic, argument))
            .collect()
    }

    fn resolve_base(&self, semantic: &Semantic<'m>, expression: Node<'m>) -> Base {
        match expression.py_kind() {
            // `Generic[T]`, `Base[int]`: the class subscripted.
            Kind::Subscript => match expression.child_by_field_name("value") {
                Some(value) => self.resolve_base(semantic, value),
                None => Base::Unknown,
            },
            Kind::Identifier => {
                let name = semantic.module().text(expression);
                let Some(reference) = semantic.reference_at(expression) else {
                    return Base::Unknown;
                };
                let reference = semantic.reference(reference);
                match (reference.symbol, reference.binding) {
                    (None, _) if is_builtin(name) && !semantic.has_star_import() => {
                        Base::Qualified(format!("builtins.{name}"))
                    }
                    (Some(_), Some(binding)) => {
                        let binding = semantic.binding(binding);
                        match binding.kind {
                            BindingKind::ClassDef => self
                                .of_definition(binding.source)
                                .map_or(Base::Unknown, Base::Local),
                            BindingKind::Import => semantic
                                .qualified_name(expression)
                                .map_or(Base::Unknown, Base::Qualified),
                            _ => Base::Unknown,
                        }
                    }
                    _ => Base::Unknown,
                }
            }
            Kind::Attribute => {
                semantic.qualified_name(expression).map_or(Base::Unknown, Base::Qualified)
            }
            _ => Base::Unknown,
        }
    }
}

/// The value of `name = value` when `name` is the whole target.
fn single_assignment_value<'m>(assignment: Node<'m>, name: Node<'m>) -> Option<Node<'m>> {
    if !assignment.is(Kind::Assignment) {
        return None;
    }
    let left = assignment.child_by_field_name("left")?;
    if left.id() != name.id() {
        return None;
    }
    let right = assignment.child_by_field_name("right")?;
    // `a = b = value`: the value of the last link.
    let mut value = right;
    while value.is(Kind::Assignment) {
        value = value.child_by_field_name("right")?;
    }
    Some(value)
}

/// The name a method calls its receiver (its first parameter), unless the
/// method is a `staticmethod`.
pub fn receiver_of<'m>(module: &Module<'m>, function: Node<'_>) -> Option<&'m str> {
    if let Some(parent) = function.parent()
        && parent.is(Kind::DecoratedDefinition)
    {
        let mut cursor = parent.walk();
        let is_static =
            parent.named_children(&mut cursor).filter(|child| child.is(Kind::Decorator)).any(
                |decorator| module.text(decorator).trim_start_matches('@').trim() == "staticmethod",
            );
        if is_static {
            return None;
        }
    }
    let first = function.child_by_field_name("parameters")?.named_child(0)?;
    let name = match first.py_kind() {
        Kind::Identifier => first,
        Kind::TypedParameter | Kind::DefaultParameter | Kind::TypedDefaultParameter => first
            .child_by_field_name("name")
            .or_else(|| first.named_child(0))
            .filter(|name| name.is(Kind::Identifier))?,
        _ => return None,
    };
    Some(module.text(name))
}

/// The attributes `function` assigns on `receiver`: `receiver.name = ...`
/// (also in tuple targets, augmented and annotated assignments, and in the
/// functions nested in it) and `setattr(receiver, "name", ...)`.
fn receiver_attributes<'m>(
    module: &Module<'m>,
    function: Node<'m>,
    receiver: &str,
) -> Vec<InstanceAttribute<'m>> {
    let mut found = Vec::new();
    let Some(body) = function.child_by_field_name("body") else {
        return found;
    };
    let is_receiver = |node: Node<'_>| node.is(Kind::Identifier) && module.text(node) == receiver;
    visit(body, |node| match node.py_kind() {
        Kind::ClassDefinition => Walk::Skip,
        Kind::Assignment | Kind::AugmentedAssignment => {
            if let Some(left) = node.child_by_field_name("left") {
                visit(left, |target| match target.py_kind() {
                    Kind::Attribute => {
                        if target.child_by_field_name("object").is_some_and(is_receiver)
                            && let Some(name) = target.child_by_field_name("attribute")
                        {
                            let value = (node.is(Kind::Assignment) && target.id() == left.id())
                                .then(|| node.child_by_field_name("right"))
                                .flatten();
                            found.push(InstanceAttribute {
                                name: module.text(name),
                                node: target,
                                value,
                                method: function,
                            });
                        }
                        Walk::Skip
                    }
                    Kind::Subscript => Walk::Skip,
                    _ => Walk::Descend,
                });
            }
            Walk::Descend
        }
        Kind::Call => {
            if let Some(name) = setattr_name(module, node, &is_receiver) {
                let value = node
                    .child_by_field_name("arguments")
                    .and_then(|arguments| arguments.named_child(2));
                found.push(InstanceAttribute { name, node, value, method: function });
            }
            Walk::Descend
        }
        _ => Walk::Descend,
    });
    found
}

/// `NAME` in `setattr(receiver, "NAME", value)`.
fn setattr_name<'m>(
    module: &Module<'m>,
    call: Node<'_>,
    is_receiver: &impl Fn(Node<'_>) -> bool,
) -> Option<&'m str> {
    let function = call.child_by_field_name("function")?;
    if !(function.is(Kind::Identifier) && module.text(function) == "setattr") {
        return None;
    }
    let arguments = call.child_by_field_name("arguments")?;
    let object = arguments.named_child(0)?;
    let name = arguments.named_child(1)?;
    if !is_receiver(object) || !name.is(Kind::String) {
        return None;
    }
    let text = module.text(name);
    let inner = text
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .or_else(|| text.strip_prefix('\'').and_then(|rest| rest.strip_suffix('\'')))?;
    inner.chars().all(|c| c.is_alphanumeric() || c == '_').then_some(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_classes(source: &str, check: impl for<'m> FnOnce(&Module<'m>, &Classes<'m>)) {
        let module = Module::parse(source, "t.py").unwrap();
        let semantic = Semantic::new(&module);
        check(&module, &Classes::build(&semantic));
    }

    fn id(classes: &Classes<'_>, name: &str) -> ClassId {
        let index = classes.all().iter().position(|class| class.name == name).unwrap();
        ClassId::new(index)
    }

    fn names(classes: &Classes<'_>, ids: &[ClassId]) -> Vec<String> {
        ids.iter().map(|id| classes.class(*id).name.to_string()).collect()
    }

    #[test]
    fn bases_resolve_to_local_classes_imports_and_builtins() {
        let source = "import contextlib\nfrom io import RawIOBase as Raw\nfrom typing import Generic, TypeVar\nT = TypeVar('T')\nAlias = dict\n\
                      class A: pass\n\
                      class B(A, contextlib.AbstractContextManager, Raw, object, Generic[T], Alias, metaclass=type): pass\n\
                      def make(): return A\n\
                      class C(make()): pass\n";
        with_classes(source, |_, classes| {
            let b = classes.class(id(classes, "B"));
            assert_eq!(
                b.bases,
                vec![
                    Base::Local(id(classes, "A")),
                    Base::Qualified("contextlib.AbstractContextManager".to_string()),
                    Base::Qualified("io.RawIOBase".to_string()),
                    Base::Qualified("builtins.object".to_string()),
                    Base::Qualified("typing.Generic".to_string()),
                    Base::Unknown,
                ],
                "the keyword `metaclass=` is not a base"
            );
            assert_eq!(classes.class(id(classes, "C")).bases, vec![Base::Unknown]);
        });
    }

    #[test]
    fn a_base_is_the_class_the_name_sees_where_the_class_statement_runs() {
        let source =
            "class A:\n    x = 1\nclass B(A): pass\nclass A:\n    y = 2\nclass C(A): pass\n";
        with_classes(source, |_, classes| {
            let first_a = ClassId::new(0);
            let second_a = ClassId::new(2);
            assert_eq!(classes.class(id(classes, "B")).bases, vec![Base::Local(first_a)]);
            assert_eq!(classes.class(id(classes, "C")).bases, vec![Base::Local(second_a)]);
            assert_eq!(names(classes, classes.subclasses(first_a)), ["B"]);
        });
    }

    #[test]
    fn members_are_what_the_class_body_binds_aliases_included() {
        let source = "import os\nclass R:\n    _close = os.close\n    def release(self): pass\n    stop = release\n    __del__ = stop\n    if cond:\n        def extra(self): pass\n    class Inner:\n        def deep(self): pass\n    def method(self):\n        local = 1\n";
        with_classes(source, |module, classes| {
            let r = classes.class(id(classes, "R"));
            let member_names: Vec<&str> = r.members.iter().map(|member| member.name).collect();
            assert_eq!(
                member_names,
                ["_close", "release", "stop", "__del__", "extra", "Inner", "method"]
            );
            let aliases: Vec<&str> =
                r.aliases_of(module, "release").map(|member| member.name).collect();
            assert_eq!(aliases, ["stop"]);
            let close = r.member("_close").next().unwrap();
            assert_eq!(close.value.map(|value| module.text(value)), Some("os.close"));
            let methods: Vec<&str> = r.methods().map(|member| member.name).collect();
            assert_eq!(methods, ["release", "extra", "method"]);
            assert!(!r.binds("deep") && !r.binds("local"));
        });
    }

    #[test]
    fn instance_attributes_are_assigned_on_the_receiver_of_each_method() {
        let source = "class R:\n    def __init__(this, callback):\n        this.close = callback\n        this.a, (this.b, other.c) = 1, (2, 3)\n        this.count += 1\n        setattr(this, 'name', 4)\n        def nested():\n            this.late = 5\n        class Inner:\n            def f(self):\n                self.inner = 6\n    @staticmethod\n    def helper(obj):\n        obj.static = 7\n    @classmethod\n    def make(cls):\n        cls.registry = 8\n";
        with_classes(source, |module, classes| {
            let r = classes.class(id(classes, "R"));
            let attributes: Vec<&str> =
                r.instance_attributes.iter().map(|attribute| attribute.name).collect();
            assert_eq!(attributes, ["close", "a", "b", "count", "name", "late", "registry"]);
            let close = &r.instance_attributes[0];
            assert_eq!(close.value.map(|value| module.text(value)), Some("callback"));
            assert!(r.instance_attributes[1].value.is_none(), "part of a tuple target");
            assert!(r.binds("close") && !r.binds("static") && !r.binds("inner"));
        });
    }

    #[test]
    fn ancestors_and_descendants_follow_the_module_hierarchy_once() {
        let source = "class A: pass\nclass B(A): pass\nclass C(A): pass\nclass D(B, C): pass\nclass E(D, external.Base): pass\n";
        with_classes(source, |_, classes| {
            let (a, d, e) = (id(classes, "A"), id(classes, "D"), id(classes, "E"));
            assert_eq!(names(classes, &classes.ancestors(d)), ["B", "A", "C"]);
            assert_eq!(names(classes, &classes.descendants(a)), ["B", "D", "E", "C"]);
            assert_eq!(names(classes, classes.subclasses(a)), ["B", "C"]);
            assert_eq!(classes.foreign_bases(e), vec![&Base::Unknown]);
            assert!(classes.foreign_bases(d).is_empty());
        });
    }

    #[test]
    fn a_cycle_of_bases_does_not_loop() {
        // Read before `B` is bound, `B` resolves to the only `B` there is.
        let source = "class A(B): pass\nclass B(A): pass\n";
        with_classes(source, |_, classes| {
            let (a, b) = (id(classes, "A"), id(classes, "B"));
            assert_eq!(classes.class(a).bases, vec![Base::Local(b)]);
            assert_eq!(names(classes, &classes.ancestors(a)), ["B"]);
            assert_eq!(names(classes, &classes.descendants(a)), ["B"]);
        });
    }

    #[test]
    fn of_definition_finds_nested_classes() {
        let source = "class Outer:\n    class Inner:\n        pass\n";
        with_classes(source, |module, classes| {
            let inner = module.nodes_of_kind(&[Kind::ClassDefinition]).nth(1).unwrap();
            assert_eq!(
                classes.of_definition(inner).map(|id| classes.class(id).name),
                Some("Inner")
            );
        });
    }
}

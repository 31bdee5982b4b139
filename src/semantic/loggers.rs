//! Loggers: which names, attributes and calls of a module are `logging`
//! loggers, and which one is the module's own (the one a fix should write
//! through).
//!
//! A logger is made by a *logger call*: `logging.getLogger(...)` (however
//! `logging` or `getLogger` was imported), `logging.LoggerAdapter(...)`, a
//! `getLogger(...)`/`get_logger(...)` imported from a project's own module,
//! or a call to a *factory*: a module-level function of the module that
//! returns a logger call (`def get_logger(): return logging.getLogger(...)`).
//! Then a logger is:
//! - a name bound by `NAME = <logger call>` (or `NAME: Logger = ...`), in
//!   any scope; every such binding counts, not just the first;
//! - an attribute `self.NAME` / `cls.NAME` of a method's first parameter,
//!   when the class (or a module-level class it derives from) assigns
//!   `self.NAME = <logger call>` in a method or `NAME = <logger call>` in
//!   its body;
//! - a logger call itself.
//!
//! `logging` itself (its module-level functions log through the root
//! logger) is told apart: see [`LoggerKind`].

use tree_sitter::Node;

pub use super::model::{AttributeLogger, LoggerBinding, LoggerKind, Loggers};
use super::{BindingId, BindingKind, ScopeId, ScopeKind, Semantic};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::walk::{Walk, statements, visit};

fn is_module_node(node: Node<'_>) -> bool {
    node.is(Kind::Module)
}

impl<'m> Semantic<'m> {
    /// The module's loggers, found once per parse.
    pub fn loggers(&self) -> &Loggers<'m> {
        self.loggers.get_or_init(|| build(self))
    }

    /// Whether `expression` is a logger or the `logging` module, read where
    /// it stands: a local name that hides the module's logger is not one.
    pub fn logger_kind(&self, expression: Node<'_>) -> Option<LoggerKind> {
        match expression.py_kind() {
            Kind::Identifier => {
                if self.qualified_name(expression).as_deref() == Some("logging") {
                    return Some(LoggerKind::LoggingModule);
                }
                let reference = self.reference_at(expression)?;
                let binding = self.resolved_binding(reference)?;
                self.loggers()
                    .bindings
                    .iter()
                    .any(|logger| logger.binding == binding)
                    .then_some(LoggerKind::Logger)
            }
            Kind::Attribute => {
                if self.qualified_name(expression).as_deref() == Some("logging") {
                    return Some(LoggerKind::LoggingModule);
                }
                self.is_attribute_logger(expression).then_some(LoggerKind::Logger)
            }
            Kind::Call => self.is_logger_call(expression).then_some(LoggerKind::Logger),
            Kind::ParenthesizedExpression => self.logger_kind(expression.named_child(0)?),
            _ => None,
        }
    }

    /// The innermost scope whose code holds `node` (the module for
    /// module-level code). A node in a function's body is in the function's
    /// scope; decorators, defaults and annotations are not treated apart.
    pub fn scope_at(&self, node: Node<'_>) -> ScopeId {
        let module = self.module();
        let mut current = module.parent(node);
        let mut child = node;
        while let Some(ancestor) = current {
            let opens_scope = match ancestor.py_kind() {
                Kind::FunctionDefinition | Kind::ClassDefinition => {
                    ancestor.child_by_field_name("body") == Some(child)
                }
                Kind::Lambda => ancestor.child_by_field_name("body") == Some(child),
                Kind::ListComprehension
                | Kind::SetComprehension
                | Kind::DictionaryComprehension
                | Kind::GeneratorExpression => true,
                _ => false,
            };
            if opens_scope && let Some(scope) = self.scope_of_definition(ancestor) {
                return scope;
            }
            child = ancestor;
            current = module.parent(ancestor);
        }
        self.module_scope()
    }

    /// Whether the name `name` written at `node` would read the module-level
    /// binding `binding` (not a local, not a class attribute, not a global
    /// bound later at import time).
    pub fn sees_module_binding(&self, node: Node<'_>, name: &str, binding: BindingId) -> bool {
        let scope = self.scope_at(node);
        let Some(symbol) = self.lookup(name, scope) else {
            return false;
        };
        if symbol != self.binding(binding).symbol {
            return false;
        }
        // Code that runs at import time sees only what ran before it.
        let in_function = self.scope(scope).in_function;
        in_function || self.binding(binding).source.end_byte() <= node.start_byte()
    }

    /// `logging.getLogger(...)`, an adapter, a project's `get_logger(...)`,
    /// or a call to one of the module's factories.
    pub fn is_logger_call(&self, call: Node<'_>) -> bool {
        let Some(function) = call.child_by_field_name("function").filter(|_| call.is(Kind::Call))
        else {
            return false;
        };
        if let Some(qualified) = self.qualified_name(function) {
            if matches!(
                qualified.as_str(),
                "logging.getLogger" | "logging.LoggerAdapter" | "logging.getLoggerClass"
            ) {
                return true;
            }
            // `from .log import get_logger`: a project's own factory.
            let imported = self.module().text(function);
            let last = qualified.rsplit('.').next().unwrap_or("");
            if function.is(Kind::Identifier)
                && imported == last
                && matches!(last, "getLogger" | "get_logger")
            {
                return true;
            }
        }
        if function.is(Kind::Identifier)
            && let Some(reference) = self.reference_at(function)
            && let Some(binding) = self.resolved_binding(reference)
        {
            return self.loggers().factories.contains(&binding);
        }
        false
    }

    fn is_attribute_logger(&self, attribute: Node<'_>) -> bool {
        let module = self.module();
        let (Some(object), Some(name)) =
            (attribute.child_by_field_name("object"), attribute.child_by_field_name("attribute"))
        else {
            return false;
        };
        if object.py_kind() != Kind::Identifier {
            return false;
        }
        let Some(class) = method_class_of_first_parameter(self, object) else {
            return false;
        };
        let wanted = module.text(name);
        let loggers = self.loggers();
        let mut classes = vec![class];
        let mut seen = 0;
        // The class, then the module-level classes it derives from, by name.
        while seen < classes.len() && seen < 32 {
            let current = classes[seen];
            seen += 1;
            if loggers
                .attributes
                .iter()
                .any(|logger| logger.class == current && logger.attribute == wanted)
            {
                return true;
            }
            for base in class_base_names(self, current) {
                if let Some(found) = module_class_named(self, base)
                    && !classes.contains(&found)
                {
                    classes.push(found);
                }
            }
        }
        false
    }
}

/// The class whose method has `identifier` as its first parameter (`self`,
/// `cls`), when `identifier` reads that parameter.
fn method_class_of_first_parameter<'m>(
    semantic: &Semantic<'m>,
    identifier: Node<'_>,
) -> Option<Node<'m>> {
    let reference = semantic.reference_at(identifier)?;
    let binding = semantic.resolved_binding(reference)?;
    let binding = semantic.binding(binding);
    if binding.kind != BindingKind::Parameter {
        return None;
    }
    let scope = semantic.scope(binding.scope);
    if scope.kind != ScopeKind::Function {
        return None;
    }
    let function = scope.node;
    let parameters = function.child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    let first = parameters.named_children(&mut cursor).find(|p| p.py_kind() != Kind::Comment)?;
    let first_name = match first.py_kind() {
        Kind::Identifier => first,
        Kind::TypedParameter => first.named_child(0)?,
        _ => return None,
    };
    if first_name.id() != binding.name.id() {
        return None;
    }
    class_of_function(semantic, function)
}

/// The class a function is defined directly in (through a decorator).
fn class_of_function<'m>(semantic: &Semantic<'m>, function: Node<'m>) -> Option<Node<'m>> {
    let module = semantic.module();
    let mut parent = module.parent(function)?;
    if parent.is(Kind::DecoratedDefinition) {
        parent = module.parent(parent)?;
    }
    let class = module.parent(parent)?;
    (parent.is(Kind::Block) && class.is(Kind::ClassDefinition)).then_some(class)
}

fn class_base_names<'m>(semantic: &Semantic<'m>, class: Node<'m>) -> Vec<&'m str> {
    let Some(arguments) = class.child_by_field_name("superclasses") else {
        return Vec::new();
    };
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|argument| argument.is(Kind::Identifier))
        .map(|argument| semantic.module().text(argument))
        .collect()
}

fn module_class_named<'m>(semantic: &Semantic<'m>, name: &str) -> Option<Node<'m>> {
    let module = semantic.module();
    statements(module.root()).find_map(|statement| {
        let class = match statement.py_kind() {
            Kind::DecoratedDefinition => statement.child_by_field_name("definition")?,
            _ => statement,
        };
        let class_name = class.child_by_field_name("name")?;
        (class.is(Kind::ClassDefinition) && module.text(class_name) == name).then_some(class)
    })
}

/// The value an assignment binds: `x` in `a = b = x`.
fn assigned_value(assignment: Node<'_>) -> Option<Node<'_>> {
    let mut value = assignment.child_by_field_name("right")?;
    while value.is(Kind::Assignment) {
        value = value.child_by_field_name("right")?;
    }
    Some(value)
}

fn build<'m>(semantic: &Semantic<'m>) -> Loggers<'m> {
    let module = semantic.module();
    let mut loggers = Loggers::default();

    // Factories first: `log = get_logger(__name__)` needs them.
    for statement in statements(module.root()) {
        let function = match statement.py_kind() {
            Kind::DecoratedDefinition => statement.child_by_field_name("definition"),
            Kind::FunctionDefinition => Some(statement),
            _ => None,
        };
        let Some(function) = function.filter(|function| function.is(Kind::FunctionDefinition))
        else {
            continue;
        };
        if returns_logger_call(semantic, function)
            && let Some(name) = function.child_by_field_name("name")
            && let Some(binding) = semantic.binding_at(name)
        {
            loggers.factories.push(binding);
        }
    }
    // Stored before the bindings are searched, so that `is_logger_call`
    // (which reads `loggers().factories`) is not asked while building.
    let factories = loggers.factories.clone();
    let is_logger_value = |value: Node<'_>| {
        if !value.is(Kind::Call) {
            return false;
        }
        let Some(function) = value.child_by_field_name("function") else {
            return false;
        };
        if function.is(Kind::Identifier)
            && let Some(reference) = semantic.reference_at(function)
            && let Some(binding) = semantic.resolved_binding(reference)
            && factories.contains(&binding)
        {
            return true;
        }
        is_plain_logger_call(semantic, value)
    };

    for (index, binding) in semantic.bindings().iter().enumerate() {
        if binding.kind != BindingKind::Assignment || !binding.source.is(Kind::Assignment) {
            continue;
        }
        let assignment = binding.source;
        let Some(value) = assigned_value(assignment) else { continue };
        // Only `NAME = ...` (and chains of them): not `a, b = ...`.
        let target_is_name =
            assignment.child_by_field_name("left").is_some_and(|left| left.is(Kind::Identifier));
        if !target_is_name || !is_logger_value(value) {
            continue;
        }
        let Some(statement) = module.parent(assignment) else { continue };
        let in_class = semantic.scope(binding.scope).kind == ScopeKind::Class;
        if in_class
            && let Some(class) = module.parent(statement).and_then(|block| module.parent(block))
        {
            loggers
                .attributes
                .push(AttributeLogger { class, attribute: module.text(binding.name) });
        }
        loggers.bindings.push(LoggerBinding {
            name: module.text(binding.name),
            binding: BindingId::new(index),
            statement,
            named_after_module: names_module(module, value),
            module_statement: statement.is(Kind::ExpressionStatement)
                && module.parent(statement).is_some_and(is_module_node),
            module_scope: binding.scope == semantic.module_scope(),
        });
    }

    // `self.NAME = <logger call>` in methods.
    for assignment in module.nodes_of_kind(&[Kind::Assignment]) {
        let Some(left) = assignment.child_by_field_name("left").filter(|l| l.is(Kind::Attribute))
        else {
            continue;
        };
        let (Some(object), Some(attribute)) =
            (left.child_by_field_name("object"), left.child_by_field_name("attribute"))
        else {
            continue;
        };
        if !object.is(Kind::Identifier) || !assigned_value(assignment).is_some_and(&is_logger_value)
        {
            continue;
        }
        if let Some(class) = method_class_of_first_parameter(semantic, object) {
            loggers.attributes.push(AttributeLogger { class, attribute: module.text(attribute) });
        }
    }
    loggers
}

/// A logger call that needs no factory of the module.
fn is_plain_logger_call(semantic: &Semantic<'_>, call: Node<'_>) -> bool {
    let Some(function) = call.child_by_field_name("function") else {
        return false;
    };
    let Some(qualified) = semantic.qualified_name(function) else {
        return false;
    };
    if matches!(qualified.as_str(), "logging.getLogger" | "logging.LoggerAdapter") {
        return true;
    }
    let last = qualified.rsplit('.').next().unwrap_or("");
    function.is(Kind::Identifier)
        && semantic.module().text(function) == last
        && matches!(last, "getLogger" | "get_logger")
}

/// `getLogger(__name__)`.
fn names_module(module: &crate::syntax::module::Module<'_>, call: Node<'_>) -> bool {
    let Some(arguments) = call.child_by_field_name("arguments") else {
        return false;
    };
    let mut cursor = arguments.walk();
    let first = arguments.named_children(&mut cursor).next();
    first.is_some_and(|first| first.is(Kind::Identifier) && module.text(first) == "__name__")
}

/// A function whose every `return` with a value returns a logger call, and
/// that has at least one.
fn returns_logger_call(semantic: &Semantic<'_>, function: Node<'_>) -> bool {
    let Some(body) = function.child_by_field_name("body") else {
        return false;
    };
    let mut returns = 0;
    let mut all = true;
    visit(body, |node| match node.py_kind() {
        Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
        Kind::ReturnStatement => {
            match node.named_child(0) {
                Some(value) if is_plain_logger_call(semantic, value) => returns += 1,
                Some(_) => all = false,
                None => {}
            }
            Walk::Skip
        }
        _ => Walk::Descend,
    });
    all && returns > 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::module::Module;

    fn kind_of(source: &str, at: &str) -> Option<LoggerKind> {
        let module = Module::parse(source, "t.py").unwrap();
        let semantic = Semantic::new(&module);
        let offset = source.rfind(at).unwrap();
        let mut node = module.root().descendant_for_byte_range(offset, offset + 1).unwrap();
        while node.byte_range() != (offset..offset + at.len()) {
            node = node.parent().unwrap();
        }
        semantic.logger_kind(node)
    }

    #[test]
    fn every_module_level_logger_counts() {
        let source = "import logging\nlog = logging.getLogger('a')\naudit = logging.getLogger('b')\ndef f():\n    audit.error(1)\n";
        assert_eq!(kind_of(source, "audit"), Some(LoggerKind::Logger));
        let source = "from logging import getLogger as gl\nLOG: object = gl(__name__)\nLOG\n";
        assert_eq!(kind_of(source, "LOG"), Some(LoggerKind::Logger));
        assert_eq!(kind_of("import logging as lg\nlg\n", "lg"), Some(LoggerKind::LoggingModule));
        assert_eq!(kind_of("import mylog\nlog = mylog.make()\nlog\n", "log"), None);
    }

    #[test]
    fn a_local_name_hides_the_module_logger() {
        let source =
            "import logging\nlog = logging.getLogger()\ndef f(log):\n    log.error(1)\n    log\n";
        assert_eq!(kind_of(source, "log"), None);
        let source = "import logging\ndef f():\n    log = logging.getLogger('x')\n    log.error(1)\n    log\n";
        assert_eq!(kind_of(source, "log"), Some(LoggerKind::Logger));
    }

    #[test]
    fn attributes_of_self_and_cls() {
        let source = "import logging\nclass A:\n    def __init__(self):\n        self.logger = logging.getLogger(__name__)\n    def run(self):\n        self.logger\n";
        assert_eq!(kind_of(source, "self.logger"), Some(LoggerKind::Logger));
        let source = "import logging\nclass A:\n    log = logging.getLogger('a')\nclass B(A):\n    @classmethod\n    def run(cls):\n        cls.log\n";
        assert_eq!(kind_of(source, "cls.log"), Some(LoggerKind::Logger));
        let source = "import logging\nclass A:\n    def run(self, other):\n        other.logger\n";
        assert_eq!(kind_of(source, "other.logger"), None);
        let source = "class A:\n    def run(self):\n        self.logger\n";
        assert_eq!(kind_of(source, "self.logger"), None);
    }

    #[test]
    fn factories_and_project_loggers() {
        let source = "import logging\ndef get_logger():\n    return logging.getLogger('app')\nlog = get_logger()\nget_logger()\n";
        assert_eq!(kind_of(source, "get_logger()"), Some(LoggerKind::Logger));
        assert_eq!(kind_of(&format!("{source}log\n"), "log"), Some(LoggerKind::Logger));
        let source = "from .utils import get_logger\nlogger = get_logger(__name__)\nlogger\n";
        assert_eq!(kind_of(source, "logger"), Some(LoggerKind::Logger));
    }

    #[test]
    fn the_own_logger_prefers_dunder_name() {
        let source = "import logging\naudit = logging.getLogger('audit')\nlogger = logging.getLogger(__name__)\nif x:\n    other = logging.getLogger(__name__)\n";
        let module = Module::parse(source, "t.py").unwrap();
        let semantic = Semantic::new(&module);
        assert_eq!(semantic.loggers().own().map(|logger| logger.name), Some("logger"));
        assert_eq!(semantic.loggers().module_level().count(), 3);
    }
}

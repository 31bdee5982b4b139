//! # float-equality (PF011)
//!
//! ## What it does
//! Finds `==` and `!=` between floats where one side is a decimal literal
//! that binary floating point cannot hold (`0.1`, `0.3`, `1.1`), and the
//! comparison is between a computed value and that literal:
//!
//! - the literal takes part in the arithmetic (`a + 0.1 == b`,
//!   `x * 0.1 != y`, `0.1 + 0.2 == 0.3`): `+ - * / **` with the literal
//!   as an operand, at any depth;
//! - or the literal stands alone and the other side is computed: an
//!   arithmetic expression (`a / b == 0.1`), a call of `sum`, of a `math`
//!   function or of a `statistics` function, or a local name last bound by
//!   such an expression or by `+=`-style assignment.
//!
//! A literal is inexact when its decimal value is not a dyadic rational
//! that a double holds exactly, decided on the digits (`0.5`, `0.25`,
//! `1.0`, `2.0`, `1e3`, `1.5e-1`... `0.5`, `0.25` and `1e3` are exact;
//! `0.15`, `0.1`, `1.1` are not). Literals with no fractional part are never
//! taken as inexact, and a literal with more than 38 significant digits is
//! left alone.
//!
//! Not reported: a name, attribute, item or ordinary call compared with a
//! literal (`self.version == 1.1`, `config["ratio"] == 0.3`,
//! `float(text) == 0.1`, `round(x, 1) == 0.1`): the value may well have
//! been stored or parsed from that very literal, and then `==` is right;
//! NaN tests (`x != x`); exact fractions (`0.5`, `0.25`) and integers;
//! strings, `Decimal(...)` and `Fraction(...)` operands; and modules that
//! import `sympy`, `mpmath` or `symengine`, where `==` on expressions is
//! structural and literals build exact symbolic numbers.
//!
//! ## Why is this bad?
//! `0.1` in source code is the double nearest to one tenth, not one tenth;
//! every operation rounds again. `0.1 + 0.2 == 0.3` is `False`, and a
//! comparison that holds on one input fails on the next, or after an
//! innocent refactoring changes the order of the operations. A loop that
//! waits for `t == 0.3` never ends.
//!
//! ## Example
//! ```python
//! def is_full(used, free):
//!     return used + free == 0.3
//! ```
//!
//! Use instead:
//! ```python
//! import math
//!
//!
//! def is_full(used, free):
//!     return math.isclose(used + free, 0.3)
//! ```
//!
//! `!=` becomes `not math.isclose(...)`. The module's own `import math`
//! (or its alias, or `from math import isclose`) is reused; otherwise
//! `import math` is added to the imports. Reported without a fix: chained
//! comparisons (`a == 0.1 == b`); `!=` where `not` would need parentheses
//! (an operand of an operator); a comparison with comments inside; a
//! comparison with zero (`math.isclose(x, 0)` is only true for exactly zero:
//! it needs an `abs_tol` only the author can choose); a module that imports
//! numpy, pandas or another array library (the operands may be arrays, for
//! which `math.isclose` fails: use `numpy.isclose`); and an `assert` in test
//! code, where `pytest.approx` is the idiom.
//!
//! ## Fix safety
//! Unsafe. `math.isclose` uses a relative tolerance of `1e-09`: values that
//! differ in the tenth significant digit now compare equal, where `==`
//! needed them bit-identical. Operands that are not real numbers
//! (`complex`, `Decimal`, objects with their own `__eq__`) make
//! `math.isclose` raise `TypeError` where `==` returned a result.

use tree_sitter::Node;

use crate::rule::fix::{Edit, Fix};
use crate::rule::importer::ensure_import_in_section;
use crate::rule::{Context, Diagnostic, FileInfo, FixKind, RuleMeta, Transform};
use crate::semantic::BindingKind;
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::scan::{Kind as ScanKind, Scan};
use crate::syntax::walk::any_node;
use crate::transforms::helpers::except_handler::is_test_code;

pub struct FloatEquality;

static META: RuleMeta = RuleMeta {
    code: "PF011",
    name: "float-equality",
    fix: FixKind::Unsafe,
    source: include_str!("float_equality.rs"),
    aliases: &["RUF069"],
};

/// Arithmetic whose float result is rounded.
const ARITHMETIC: &[&str] = &["+", "-", "*", "/", "**"];

/// Libraries whose `==` on numbers is structural or exact on purpose.
const SYMBOLIC_MODULES: &[&str] = &["sympy", "mpmath", "symengine", "gmpy2"];

/// Libraries whose values may be arrays: `math.isclose` fails on them.
const ARRAY_MODULES: &[&str] =
    &["numpy", "pandas", "torch", "tensorflow", "jax", "xarray", "cupy", "dask", "scipy"];

/// `math` functions that compute a rounded float.
const MATH_FUNCTIONS: &[&str] = &[
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cbrt", "cos", "cosh", "degrees",
    "dist", "exp", "exp2", "expm1", "fmod", "hypot", "log", "log10", "log1p", "log2", "pow",
    "prod", "radians", "sin", "sinh", "sqrt", "sumprod", "tan", "tanh",
];

/// `statistics` functions that compute a rounded float.
const STATISTICS_FUNCTIONS: &[&str] = &[
    "fmean",
    "geometric_mean",
    "harmonic_mean",
    "mean",
    "pstdev",
    "pvariance",
    "stdev",
    "variance",
];

impl Transform for FloatEquality {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A number token that is an inexact decimal literal, and a `==` or
    /// `!=` token: every finding compares with such a literal.
    /// The literal is an operand of the comparison, at some depth: a
    /// logical line must hold both `==`/`!=` and an inexact literal.
    fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        scan.lines.iter().any(|line| {
            let tokens = scan.line_tokens(line);
            tokens.iter().any(|token| scan.is(token, "==") || scan.is(token, "!="))
                && tokens.iter().any(|token| {
                    token.kind == ScanKind::Number
                        && std::str::from_utf8(scan.text(token)).is_ok_and(is_inexact_literal_text)
                })
        })
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        if imports_any(context, SYMBOLIC_MODULES) {
            return Vec::new();
        }
        let arrays = imports_any(context, ARRAY_MODULES);
        let mut diagnostics = Vec::new();
        for comparison in context.module.nodes_of_kind(&[Kind::ComparisonOperator]) {
            diagnostics.extend(check_comparison(context, comparison, arrays));
        }
        diagnostics
    }
}

/// One `==`/`!=` of a comparison: its operands and operator.
struct Pair<'t> {
    left: Node<'t>,
    right: Node<'t>,
    negated: bool,
}

fn check_comparison<'t>(
    context: &Context<'t>,
    comparison: Node<'t>,
    arrays: bool,
) -> Vec<Diagnostic> {
    let module = context.module;
    let mut operands = Vec::new();
    let mut operators = Vec::new();
    let mut cursor = comparison.walk();
    for child in comparison.children(&mut cursor) {
        if child.is(Kind::Comment) {
            continue;
        }
        if child.is_named() {
            operands.push(child);
        } else {
            operators.push(module.text(child));
        }
    }
    if operands.len() != operators.len() + 1 {
        return Vec::new();
    }
    let chained = operands.len() > 2;
    let mut diagnostics = Vec::new();
    for (index, operator) in operators.iter().enumerate() {
        let negated = match *operator {
            "==" => false,
            "!=" => true,
            _ => continue,
        };
        let pair = Pair { left: operands[index], right: operands[index + 1], negated };
        let Some(literal) = fragile_literal(context, &pair) else {
            continue;
        };
        let literal_text = module.text(literal);
        let range = pair.left.start_byte()..pair.right.end_byte();
        let assertion = test_assertion(module, comparison);
        let in_test_assert = assertion.is_some() && is_test_code(module, comparison);
        if in_test_assert && (negated || assertion == Some(Assertion::False)) {
            continue; // A test that values differ: exactness only makes it stricter.
        }
        let function = if negated { "not math.isclose" } else { "math.isclose" };
        let message = if in_test_assert {
            format!(
                "exact float comparison with `{literal_text}`, which binary floating point \
                 cannot hold: compare with `pytest.approx({literal_text})`"
            )
        } else if arrays {
            format!(
                "exact float comparison with `{literal_text}`, which binary floating point \
                 cannot hold: use `{function}(...)` (`numpy.isclose` for arrays)"
            )
        } else {
            format!(
                "exact float comparison with `{literal_text}`, which binary floating point \
                 cannot hold: use `{function}(...)`"
            )
        };
        let fix = if chained || in_test_assert || arrays {
            None
        } else {
            fix_for(context, comparison, &pair)
        };
        diagnostics.push(META.report(range, message).with_fix(fix));
    }
    diagnostics
}

/// The inexact literal that makes the pair a fragile comparison, if it is one.
fn fragile_literal<'t>(context: &Context<'t>, pair: &Pair<'t>) -> Option<Node<'t>> {
    let module = context.module;
    for (side, other) in [(pair.left, pair.right), (pair.right, pair.left)] {
        if !plain_number_operand(context, other) {
            continue;
        }
        let constant = inexact_literal(module, side).or_else(|| decimal_constant(module, side));
        let literal = match constant {
            Some(literal) => is_computed(context, other, true).then_some(literal),
            None => arithmetic_literal(context, side),
        };
        if let Some(literal) = literal
            && !shares_literal(context, side, other)
        {
            return Some(literal);
        }
    }
    None
}

/// True when both sides are computed from the same inexact literal (the
/// other side directly, or through the value its base name was assigned):
/// `matrix(A) + 0.1 == A + 0.1`, `r = off / 0.001; r.value == x / 0.001`.
/// The same operations on the same operands give the same double; such a
/// test means the exact comparison.
fn shares_literal(context: &Context<'_>, side: Node<'_>, other: Node<'_>) -> bool {
    let module = context.module;
    let mut values = Vec::new();
    inexact_values(module, side, &mut values);
    if values.is_empty() {
        return false;
    }
    let mut others = Vec::new();
    let mut pending = vec![(other, 0)];
    while let Some((node, depth)) = pending.pop() {
        inexact_values(module, node, &mut others);
        if depth == 2 {
            continue;
        }
        if let Some(value) = assigned_value(context, node) {
            pending.push((value, depth + 1));
        }
        let mut names = Vec::new();
        visit_names(node, &mut names);
        for name in names {
            if let Some(value) = assigned_value(context, name) {
                pending.push((value, depth + 1));
            }
        }
    }
    values.iter().any(|value| others.contains(value))
}

/// The identifiers in `node` that are read (not attribute names).
fn visit_names<'t>(node: Node<'t>, names: &mut Vec<Node<'t>>) {
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        if current.is(Kind::Identifier) {
            names.push(current);
            continue;
        }
        let mut cursor = current.walk();
        stack.extend(current.named_children(&mut cursor));
    }
}

/// The bits of every inexact float literal in `node`.
fn inexact_values(module: &Module<'_>, node: Node<'_>, values: &mut Vec<u64>) {
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        if current.is(Kind::Float) {
            let text = module.text(current);
            if is_inexact_literal_text(text)
                && let Ok(value) = text.replace('_', "").parse::<f64>()
            {
                values.push(value.to_bits());
            }
            continue;
        }
        let mut cursor = current.walk();
        stack.extend(current.named_children(&mut cursor));
    }
}

/// The value assigned to the name at the base of `node` (`r` of `r.value`,
/// `r[0]`), as the binding seen there: `r = <value>`.
fn assigned_value<'t>(context: &Context<'t>, node: Node<'_>) -> Option<Node<'t>> {
    let semantic = context.semantic;
    let mut base = strip_sign(context.module, node);
    while matches!(base.py_kind(), Kind::Attribute | Kind::Subscript | Kind::Call) {
        let field = match base.py_kind() {
            Kind::Attribute => "object",
            Kind::Subscript => "value",
            _ => "function",
        };
        base = strip_parentheses(base.child_by_field_name(field)?);
    }
    if !base.is(Kind::Identifier) {
        return None;
    }
    let binding = semantic.resolved_binding(semantic.reference_at(base)?)?;
    let binding = semantic.binding(binding);
    if binding.kind != BindingKind::Assignment {
        return None;
    }
    binding.source.child_by_field_name("right")
}

/// A sum or difference of number literals whose double is the double of
/// its exact decimal value (`1 - 0.010` is the double `0.99` means): a
/// constant spelled as arithmetic, judged like a single literal. Its first
/// inexact literal, when it is one.
fn decimal_constant<'t>(module: &Module<'_>, node: Node<'t>) -> Option<Node<'t>> {
    let expression = strip_sign(module, node);
    if !is_arithmetic(module, expression) {
        return None;
    }
    let (exact, scale, double, literal) = fold_sum(module, node)?;
    let literal = literal?;
    let negative = exact < 0;
    let digits = exact.unsigned_abs().to_string();
    let sign = if negative { "-" } else { "" };
    let decimal: f64 = format!("{sign}{digits}e-{scale}").parse().ok()?;
    (decimal == double).then_some(literal)
}

/// The exact value of a `+`/`-` tree of number literals, as `mantissa *
/// 10^-scale`, its value in doubles, and its first inexact literal.
fn fold_sum<'t>(module: &Module<'_>, node: Node<'t>) -> Option<(i128, u32, f64, Option<Node<'t>>)> {
    let expression = strip_parentheses(node);
    match expression.py_kind() {
        Kind::UnaryOperator => {
            let operator = module.text(expression.child_by_field_name("operator")?);
            let (exact, scale, double, literal) =
                fold_sum(module, expression.child_by_field_name("argument")?)?;
            match operator {
                "-" => Some((exact.checked_neg()?, scale, -double, literal)),
                "+" => Some((exact, scale, double, literal)),
                _ => None,
            }
        }
        Kind::BinaryOperator => {
            let operator = module.text(expression.child_by_field_name("operator")?);
            if !matches!(operator, "+" | "-") {
                return None;
            }
            let left = fold_sum(module, expression.child_by_field_name("left")?)?;
            let right = fold_sum(module, expression.child_by_field_name("right")?)?;
            let scale = left.1.max(right.1);
            let left_exact = left.0.checked_mul(10i128.checked_pow(scale - left.1)?)?;
            let right_exact = right.0.checked_mul(10i128.checked_pow(scale - right.1)?)?;
            let (exact, double) = if operator == "+" {
                (left_exact.checked_add(right_exact)?, left.2 + right.2)
            } else {
                (left_exact.checked_sub(right_exact)?, left.2 - right.2)
            };
            Some((exact, scale, double, left.3.or(right.3)))
        }
        Kind::Integer | Kind::Float => {
            let text = module.text(expression).replace('_', "").to_ascii_lowercase();
            if text.contains(['e', 'j', 'x', 'o', 'b']) {
                return None;
            }
            let (integer, fraction) = text.split_once('.').unwrap_or((&text, ""));
            let scale = u32::try_from(fraction.len()).ok()?;
            let exact: i128 = format!("{integer}{fraction}0").parse::<i128>().ok()? / 10;
            let double: f64 = text.parse().ok()?;
            let literal = (expression.is(Kind::Float) && is_inexact_literal_text(&text))
                .then_some(expression);
            Some((exact, scale, double, literal))
        }
        _ => None,
    }
}

/// `node` without parentheses around it, and without unary `+`/`-`.
fn strip_sign<'t>(module: &Module<'_>, node: Node<'t>) -> Node<'t> {
    let mut current = strip_parentheses(node);
    while current.is(Kind::UnaryOperator) {
        let operator = current.child_by_field_name("operator").map(|op| module.text(op));
        if !matches!(operator, Some("-" | "+")) {
            break;
        }
        match current.child_by_field_name("argument") {
            Some(argument) => current = strip_parentheses(argument),
            None => break,
        }
    }
    current
}

fn strip_parentheses(node: Node<'_>) -> Node<'_> {
    let mut current = node;
    while current.is(Kind::ParenthesizedExpression) {
        let mut cursor = current.walk();
        let inner = current.named_children(&mut cursor).find(|child| !child.is(Kind::Comment));
        match inner {
            Some(inner) => current = inner,
            None => break,
        }
    }
    current
}

/// The literal itself when `node` is an inexact float literal (signed or
/// parenthesized).
fn inexact_literal<'t>(module: &Module<'_>, node: Node<'t>) -> Option<Node<'t>> {
    let literal = strip_sign(module, node);
    (literal.is(Kind::Float) && is_inexact_literal_text(module.text(literal))).then_some(literal)
}

/// The inexact literal that takes part in `node`'s arithmetic (`a + 0.1`,
/// `(x - 1.1) * 2`), when every operand there is a plain number operand.
fn arithmetic_literal<'t>(context: &Context<'t>, node: Node<'t>) -> Option<Node<'t>> {
    let module = context.module;
    let expression = strip_sign(module, node);
    if !is_arithmetic(module, expression) {
        return None;
    }
    let mut found = None;
    let mut plain = true;
    walk_arithmetic(module, expression, &mut |leaf| {
        if !plain_number_operand(context, leaf) {
            plain = false;
        }
        if found.is_none() {
            found = inexact_literal(module, leaf);
        }
    });
    found.filter(|_| plain)
}

/// Calls `leaf` on each operand of the arithmetic tree at `node`.
fn walk_arithmetic<'t>(module: &Module<'_>, node: Node<'t>, leaf: &mut impl FnMut(Node<'t>)) {
    let expression = strip_sign(module, node);
    if is_arithmetic(module, expression) {
        for field in ["left", "right"] {
            if let Some(operand) = expression.child_by_field_name(field) {
                walk_arithmetic(module, operand, leaf);
            }
        }
    } else {
        leaf(expression);
    }
}

/// `a + b`, `a - b`, `a * b`, `a / b` or `a ** b`.
fn is_arithmetic(module: &Module<'_>, node: Node<'_>) -> bool {
    node.is(Kind::BinaryOperator)
        && node
            .child_by_field_name("operator")
            .is_some_and(|operator| ARITHMETIC.contains(&module.text(operator)))
}

/// An operand that may be a float: not a string, container, `None`, bool,
/// `Decimal(...)` or `Fraction(...)`.
fn plain_number_operand(context: &Context<'_>, node: Node<'_>) -> bool {
    let expression = strip_sign(context.module, node);
    match expression.py_kind() {
        Kind::String
        | Kind::ConcatenatedString
        | Kind::List
        | Kind::Tuple
        | Kind::Dictionary
        | Kind::Set
        | Kind::ListComprehension
        | Kind::SetComprehension
        | Kind::DictionaryComprehension
        | Kind::GeneratorExpression
        | Kind::NoneLiteral
        | Kind::True
        | Kind::False => false,
        Kind::Call => {
            let qualified = expression
                .child_by_field_name("function")
                .and_then(|function| context.semantic.qualified_name(function));
            !matches!(
                qualified.as_deref(),
                Some("decimal.Decimal" | "fractions.Fraction" | "builtins.complex")
            )
        }
        _ => true,
    }
}

/// A value computed by rounding arithmetic: an arithmetic expression, a
/// call of `sum`, a `math` or `statistics` function, or (with
/// `follow_names`) a local name last bound by one, or by `+=` and the like.
fn is_computed(context: &Context<'_>, node: Node<'_>, follow_names: bool) -> bool {
    let module = context.module;
    let expression = strip_sign(module, node);
    match expression.py_kind() {
        Kind::BinaryOperator => {
            let mut plain = true;
            walk_arithmetic(module, expression, &mut |leaf| {
                plain &= plain_number_operand(context, leaf);
            });
            is_arithmetic(module, expression) && plain && !exact_quotient(module, expression)
        }
        Kind::Call => expression
            .child_by_field_name("function")
            .and_then(|function| context.semantic.qualified_name(function))
            .is_some_and(|qualified| computes_float(&qualified)),
        Kind::Identifier if follow_names => bound_by_computation(context, expression),
        _ => false,
    }
}

/// `a / b` or `a ** b` of two operands that are neither float literals nor
/// arithmetic: integers divide into the double nearest the true quotient,
/// which is the double a literal of that value means (`1 / 10 == 0.1`).
fn exact_quotient(module: &Module<'_>, expression: Node<'_>) -> bool {
    let operator = expression.child_by_field_name("operator").map(|op| module.text(op));
    if !matches!(operator, Some("/" | "**")) {
        return false;
    }
    ["left", "right"].iter().all(|field| {
        expression.child_by_field_name(field).is_some_and(|operand| {
            let operand = strip_sign(module, operand);
            !operand.is(Kind::Float) && !is_arithmetic(module, operand)
        })
    })
}

fn computes_float(qualified: &str) -> bool {
    if qualified == "builtins.sum" {
        return true;
    }
    if let Some(function) = qualified.strip_prefix("math.") {
        return MATH_FUNCTIONS.contains(&function);
    }
    if let Some(function) = qualified.strip_prefix("statistics.") {
        return STATISTICS_FUNCTIONS.contains(&function);
    }
    false
}

/// A name whose binding seen here is `name = <computation>` or `name += ...`.
fn bound_by_computation(context: &Context<'_>, identifier: Node<'_>) -> bool {
    let semantic = context.semantic;
    let Some(binding) = semantic
        .reference_at(identifier)
        .and_then(|reference| semantic.resolved_binding(reference))
    else {
        return false;
    };
    let binding = semantic.binding(binding);
    match binding.kind {
        BindingKind::AugmentedAssignment => {
            binding.source.child_by_field_name("operator").is_some_and(|operator| {
                matches!(context.module.text(operator), "+=" | "-=" | "*=" | "/=" | "**=")
            })
        }
        BindingKind::Assignment => {
            let source = binding.source;
            source.child_by_field_name("left") == Some(binding.name)
                && source.child_by_field_name("right").is_some_and(|value| {
                    is_computed(context, value, false)
                        || arithmetic_literal(context, value).is_some()
                })
        }
        _ => false,
    }
}

/// True when the module imports one of `roots` (or a submodule of one),
/// anywhere in the file, star imports included.
fn imports_any(context: &Context<'_>, roots: &[&str]) -> bool {
    let module = context.module;
    let from_root = |name: Node<'_>| {
        let text = module.text(name);
        roots.contains(&text.split('.').next().unwrap_or("").trim())
    };
    module.nodes_of_kind(&[Kind::ImportStatement, Kind::ImportFromStatement]).any(|statement| {
        if statement.is(Kind::ImportFromStatement) {
            return statement.child_by_field_name("module_name").is_some_and(from_root);
        }
        let mut cursor = statement.walk();
        statement.children_by_field_name("name", &mut cursor).any(|item| {
            let dotted = if item.is(Kind::AliasedImport) {
                item.child_by_field_name("name")
            } else {
                Some(item)
            };
            dotted.is_some_and(from_root)
        })
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Assertion {
    /// `assert ...`, `self.assertTrue(...)`, `assert_(...)`.
    True,
    /// `assert not ...`, `self.assertFalse(...)`.
    False,
}

/// The assertion `node` is part of: an `assert` statement's test, or an
/// argument of an `assert...` method or function (`self.assertTrue(a == b)`,
/// numpy's `assert_(...)`).
fn test_assertion(module: &Module<'_>, node: Node<'_>) -> Option<Assertion> {
    let mut negated = false;
    let mut current = module.parent(node);
    while let Some(ancestor) = current {
        match ancestor.py_kind() {
            Kind::NotOperator => negated = !negated,
            Kind::AssertStatement => {
                return Some(if negated { Assertion::False } else { Assertion::True });
            }
            Kind::Call => {
                let function = ancestor.child_by_field_name("function");
                let name = function.map(|function| match function.py_kind() {
                    Kind::Attribute => function
                        .child_by_field_name("attribute")
                        .map_or("", |attribute| module.text(attribute)),
                    _ => module.text(function),
                });
                let name = name.unwrap_or("");
                if name.starts_with("assert") {
                    let false_test = name == "assertFalse";
                    return Some(if negated ^ false_test {
                        Assertion::False
                    } else {
                        Assertion::True
                    });
                }
            }
            Kind::Lambda
            | Kind::FunctionDefinition
            | Kind::ClassDefinition
            | Kind::Block
            | Kind::ExpressionStatement => return None,
            _ => {}
        }
        current = module.parent(ancestor);
    }
    None
}

/// `math.isclose(a, b)` for `a == b`, `not math.isclose(a, b)` for `a != b`.
fn fix_for(context: &Context<'_>, comparison: Node<'_>, pair: &Pair<'_>) -> Option<Fix> {
    let module = context.module;
    if any_node(comparison, |node| node.is(Kind::Comment)) {
        return None;
    }
    if [pair.left, pair.right].iter().any(|side| is_zero(module, *side)) {
        return None; // `isclose(x, 0)` needs an `abs_tol` only the author can choose.
    }
    if pair.negated && !takes_not(module, comparison) {
        return None;
    }
    let (function, import) = isclose_name(context, comparison)?;
    let left = argument_text(module, pair.left);
    let right = argument_text(module, pair.right);
    let not = if pair.negated { "not " } else { "" };
    let mut edits =
        vec![Edit::replace(comparison.byte_range(), format!("{not}{function}({left}, {right})"))];
    edits.extend(import);
    Some(Fix::unsafe_(edits))
}

/// The name `isclose` is written with here, and the import edit it needs.
fn isclose_name(context: &Context<'_>, node: Node<'_>) -> Option<(String, Option<Edit>)> {
    let semantic = context.semantic;
    let scope = semantic.scope_at(node);
    let module_scope = semantic.module_scope();
    // The module-level name is what `name` means here (no local shadows it).
    let sees_module_name = |name: &str| {
        semantic
            .lookup(name, scope)
            .is_some_and(|symbol| semantic.symbol(symbol).scope == module_scope)
    };
    if let Some(local) = semantic.import_binding_of("math.isclose")
        && sees_module_name(local)
    {
        return Some((local.to_string(), None));
    }
    let imported = ensure_import_in_section(semantic, "math")?;
    match imported.edit {
        None if sees_module_name(&imported.name) => {
            Some((format!("{}.isclose", imported.name), None))
        }
        None => None,
        Some(edit) => semantic
            .lookup(&imported.name, scope)
            .is_none()
            .then(|| (format!("{}.isclose", imported.name), Some(edit))),
    }
}

/// True when `not ...` can replace the comparison without parentheses.
fn takes_not(module: &Module<'_>, comparison: Node<'_>) -> bool {
    let Some(parent) = module.parent(comparison) else {
        return false;
    };
    match parent.py_kind() {
        Kind::IfStatement | Kind::ElifClause | Kind::WhileStatement => {
            parent.child_by_field_name("condition") == Some(comparison)
        }
        Kind::AssertStatement
        | Kind::ReturnStatement
        | Kind::BooleanOperator
        | Kind::ArgumentList
        | Kind::ParenthesizedExpression
        | Kind::List
        | Kind::Tuple
        | Kind::Set
        | Kind::ExpressionList => true,
        Kind::Assignment | Kind::KeywordArgument | Kind::Lambda => {
            parent.child_by_field_name("value") == Some(comparison)
                || parent.child_by_field_name("right") == Some(comparison)
                || parent.child_by_field_name("body") == Some(comparison)
        }
        _ => false,
    }
}

/// The operand as an argument: one layer of redundant parentheses dropped.
fn argument_text<'s>(module: &Module<'s>, operand: Node<'_>) -> &'s str {
    if operand.is(Kind::ParenthesizedExpression)
        && operand.named_child_count() == 1
        && let Some(inner) = operand.named_child(0)
        && !matches!(inner.py_kind(), Kind::Yield | Kind::NamedExpression)
    {
        return module.text(inner);
    }
    module.text(operand)
}

/// `0`, `0.0`, `-0.0`.
fn is_zero(module: &Module<'_>, node: Node<'_>) -> bool {
    let literal = strip_sign(module, node);
    matches!(literal.py_kind(), Kind::Integer | Kind::Float)
        && module
            .text(literal)
            .chars()
            .all(|c| matches!(c, '0' | '.' | '_' | 'e' | 'E' | '+' | '-'))
}

/// True when a float literal's decimal value has a fractional part that no
/// double holds exactly: `0.1`, `1.1`, `1.5e-1`; not `0.5`, `0.25`, `1.0`,
/// `1e3`, `1e23` (integral), integers or imaginary literals. Decided on the
/// digits: the value `m * 10^-k` (`m` without trailing zeros) is a double
/// exactly when `5^k` divides `m` and the odd part of `m / 5^k` fits in 53
/// bits. Literals with more than 38 significant digits are not judged.
pub fn is_inexact_literal_text(text: &str) -> bool {
    let lower: String = text.chars().filter(|c| *c != '_').collect::<String>().to_ascii_lowercase();
    if lower.ends_with('j')
        || lower.starts_with("0x")
        || lower.starts_with("0o")
        || lower.starts_with("0b")
        || !(lower.contains('.') || lower.contains('e'))
    {
        return false;
    }
    let (mantissa, exponent) = match lower.split_once('e') {
        Some((mantissa, exponent)) => match exponent.parse::<i64>() {
            Ok(exponent) => (mantissa, exponent),
            Err(_) => return false,
        },
        None => (lower.as_str(), 0),
    };
    let (integer, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if !integer.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit()) {
        return false;
    }
    let Ok(fraction_digits) = i64::try_from(fraction.len()) else {
        return false;
    };
    let mut exponent = exponent.saturating_sub(fraction_digits);
    let digits = format!("{integer}{fraction}");
    let digits = digits.trim_start_matches('0');
    let trimmed = digits.trim_end_matches('0');
    if trimmed.is_empty() {
        return false; // Zero.
    }
    let Ok(zeros) = i64::try_from(digits.len() - trimmed.len()) else {
        return false;
    };
    exponent = exponent.saturating_add(zeros);
    if exponent >= 0 {
        return false; // An integer: not a decimal fraction.
    }
    if trimmed.len() > 38 {
        return false;
    }
    let Ok(significand) = trimmed.parse::<u128>() else {
        return false;
    };
    let Ok(fives) = u32::try_from(exponent.unsigned_abs()) else {
        return true; // 5^k with k that large divides no 38-digit number.
    };
    let Some(power) = 5u128.checked_pow(fives) else {
        return true; // 5^k is larger than any 38-digit number.
    };
    if significand % power != 0 {
        return true;
    }
    let quotient = significand / power;
    let odd = quotient >> quotient.trailing_zeros();
    odd >= 1 << 53
}

#[cfg(test)]
mod tests {
    use super::is_inexact_literal_text;

    #[test]
    fn inexact_literals() {
        for text in ["0.1", "0.3", "1.1", ".1", "1.5e-1", "0.15", "3.14", "1_000.1", "2.2E-16"] {
            assert!(is_inexact_literal_text(text), "{text}");
        }
        for text in [
            "0.5",
            "0.25",
            "1.0",
            "2.0",
            "1e3",
            "1.",
            ".5",
            "0.0",
            "1e23",
            "0.125",
            "1e-1j",
            "10",
            "0x1f",
            "1.5",
            "2.5e-1",
            "1e400",
            "0.1000000000000000055511151231257827021181583404541015625",
        ] {
            assert!(!is_inexact_literal_text(text), "{text}");
        }
        // 2^-20 and 2^-53 written out in decimal are exact; one more in the last digit is not.
        assert!(!is_inexact_literal_text("9.5367431640625e-07"));
        assert!(!is_inexact_literal_text("1.1102230246251565404236316680908203125e-16"));
        assert!(is_inexact_literal_text("1.1102230246251565404236316680908203126e-16"));
    }
}

//! # late-binding-closure (PF004)
//!
//! ## What it does
//! Finds a `lambda` or `def` created inside a `for` loop body or a
//! comprehension that reads a variable bound by that loop (or by a loop
//! around it), when the closure escapes the iteration that made it: it can
//! be called after the loop has moved on.
//!
//! ## Why is this bad?
//! A closure looks its free variables up when it is called, not when it is
//! created. Every closure the loop makes shares the one variable, so once
//! the loop has moved on they all see its last value:
//!
//! ```python
//! funcs = [lambda x: x + i for i in range(3)]
//! [f(10) for f in funcs]  # [12, 12, 12], not [10, 11, 12]
//! ```
//!
//! A closure called before its iteration ends sees the right value, so
//! only closures that escape are reported. The semantic model's escape
//! analysis follows the closure, and the variables it is bound to, to
//! every use. A closure escapes when it is:
//! - stored in something that outlives the iteration: an attribute
//!   (`setattr(cls, name, f)`, `item.callback = f`), a subscript
//!   (`handlers[name] = f`), a container method (`.append`, `.add`,
//!   `.extend`, `.insert`, `.update`, `.setdefault`, `+=`) of an object the
//!   iteration did not make, a `global` or `nonlocal` variable;
//! - the element of a comprehension over the loop (collected in its result);
//! - `yield`ed, unless every call of the generator in the module is iterated
//!   by a `for` loop that keeps nothing it gets (a caller elsewhere, or
//!   `list(gen())`, could call the closures after the loop moved on);
//! - registered as a callback: `connect`, `register`, `add_done_callback`,
//!   `call_later`, `call_soon`, `addCallback`/`addErrback`, `addCleanup`,
//!   `bind`, `after`, `atexit.register`, `signal.signal`, a `command=`,
//!   `callback=` or `on_...=` argument, a registering decorator
//!   (`@app.route(...)`, `@receiver(...)`, `@x.register`);
//! - handed to a thread, process, executor or task (`Thread(target=f)`,
//!   `Timer`, `executor.submit`, `loop.run_in_executor`,
//!   `asyncio.create_task(make())`) that the iteration does not wait for;
//! - bound to a variable that the next iteration reads before binding it
//!   again, or that is read after the loop when the last iteration need not
//!   be the one that made it (a conditional binding, a `continue` before it).
//!
//! Objects the iteration makes (`row = []`, `button = Button()`, what a
//! call returns) are followed the same way: a closure stored in them
//! escapes only if they do.
//!
//! ## Example
//! ```python
//! funcs = [lambda x: x + i for i in range(3)]
//!
//! for name, scale in units.items():
//!     def convert(value, precision=2):
//!         return round(value * scale, precision), name
//!     converters.append(convert)
//! ```
//!
//! Use instead:
//! ```python
//! funcs = [lambda x, i=i: x + i for i in range(3)]
//!
//! for name, scale in units.items():
//!     def convert(value, precision=2, name=name, scale=scale):
//!         return round(value * scale, precision), name
//!     converters.append(convert)
//! ```
//!
//! The fix binds each loop variable the closure reads as a default, which is
//! evaluated when the closure is created. The defaults go where Python
//! allows them: at the end of the parameters (after `*args` they are
//! keyword-only: `lambda *a, i=i:`), or just before `**kwargs`
//! (`lambda i=i, **kw:`); in loop order (`for k, v in ...` gives `k=k, v=v`).
//! Only the variables of loops whose iteration the closure escapes are
//! bound: a closure kept for one outer iteration reads the outer variable
//! while it still has its value.
//!
//! The fix keeps the file's line length (its longest line, at least 79 and
//! at most 120 columns). A comprehension written on one line that the
//! defaults would push past it is split as black splits it: the element and
//! each `for`/`if` clause on a line of their own. A line that still would
//! not fit (`yield loads, lambda d: dumps(d, protocol)`) keeps its finding
//! without a fix: choosing where to break it is a person's call.
//!
//! Not reported, because the closure is used up before the iteration ends,
//! cannot see a stale value, or does not read the loop's variable:
//! - a closure called in the iteration, directly or through the variable
//!   it is bound to (`check = lambda: i` then `check()`), or awaited there;
//! - a closure passed to a call that does not keep it, or to a callee the
//!   analysis knows nothing about: `raises(E, lambda: ...)`,
//!   `self.assertRaises(E, f)`, `mock.patch("x", lambda: ...)` in a `with`
//!   block, `helper(lambda: ...)`. A finding is a claim, and a call is not
//!   evidence that the callee keeps its argument;
//! - a `key=` function, the function given to `functools.reduce`, and the
//!   function given to `map`/`filter` when the result is consumed in the
//!   iteration (`list(...)`, `"".join(...)`, a `for` loop, `.extend`);
//! - a closure submitted to an executor bound by a `with` block in the
//!   iteration, or run by a thread the iteration joins;
//! - a closure in a container the iteration made and then drops;
//! - a closure in a `return` statement inside the loop: the loop never
//!   runs again;
//! - a closure bound unconditionally to a variable read only after the
//!   loop, or stored in one slot that every iteration overwrites before
//!   reading it (`mock.side_effect = lambda: value`, `self.current = f`,
//!   `config["key"] = f`, a `global`): what is left after the loop is the
//!   last iteration's closure, which sees its own value;
//! - a closure whose own parameter (or default) has the name: `lambda i: i`;
//! - a closure in a loop over a literal of one item (`for opt in (ECHO,):`):
//!   the variable has one value;
//! - a closure that declares the name `global` or `nonlocal`, or whose
//!   default would not see the same variable (a method of a class body
//!   that binds the name itself).
//!
//! Only `for` statement and comprehension variables count, not names
//! assigned in a loop's body.
//!
//! ## Fix safety
//! Unsafe: the closure's signature gains parameters. A caller that passes
//! more positional arguments than the closure took, or a keyword argument
//! named like the loop variable (which `**kwargs` used to collect), now sets
//! the loop variable instead of getting a `TypeError` or landing in
//! `kwargs`; after `*args` the defaults are keyword-only, so only the
//! keyword case remains. Code that relied on seeing the variable's latest
//! value (rare, and usually a bug) sees the value from the iteration that
//! made the closure. When the fix splits a comprehension over lines, only
//! the layout of that expression changes.

use tree_sitter::Node;

use crate::rule::fix::{Edit, Fix};
use crate::rule::{Context, Diagnostic, FileInfo, FixKind, RuleMeta, Transform};
use crate::semantic::{BindingKind, ScopeId, Semantic, SymbolId};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::scan::{Kind as ScanKind, Scan, Token};

pub struct LateBindingClosure;

static META: RuleMeta = RuleMeta {
    code: "PF004",
    name: "late-binding-closure",
    fix: FixKind::Unsafe,
    source: include_str!("late_binding_closure.rs"),
    aliases: &["B023"],
};

impl Transform for LateBindingClosure {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A finding needs a closure that names a loop's variable: a `lambda`
    /// or `def` under a `for` statement whose tokens (a lambda's, to the end
    /// of its line; a def's, with its body) mention one of the loop's target
    /// names; or a `lambda` on a comprehension's line mentioning one of the
    /// comprehension's targets. An f-string could hide a lambda or a name
    /// (its replacement fields are not split into tokens), so one that
    /// holds the word counts too.
    fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        let hidden_lambda = scan.tokens.iter().any(|token| {
            token.kind == ScanKind::String
                && is_formatted(scan.text(token))
                && scan.text(token).windows(6).any(|w| w == b"lambda")
        });
        hidden_lambda
            || (0..scan.lines.len()).any(|index| {
                loop_closure_may_capture(scan, index)
                    || comprehension_closure_may_capture(scan, index)
            })
    }

    /// A body with a finding in it, or one with a `for` statement: a
    /// closure yielded by a generator escapes unless every caller in the
    /// module iterates the generator with a `for` loop that keeps nothing,
    /// so those loops, in any body, can change a finding.
    fn may_need_definition(&self, view: &Scan<'_>, file: &FileInfo<'_>) -> bool {
        let region = view.region.start as u32..view.region.end as u32;
        self.may_match(view, file)
            || view.tokens.iter().any(|token| {
                region.contains(&token.start) && is_name(view, token, "for") && token.depth == 0
            })
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        if context.module.is_stub {
            return Vec::new();
        }
        let semantic = context.semantic;
        let mut captures = captured_loop_variables(semantic);
        captures.sort_unstable_by_key(|capture| (capture.closure, capture.loop_order));
        captures.dedup_by_key(|capture| (capture.closure, capture.symbol));
        // A closure that declares the name `global`/`nonlocal` means to read its current value.
        captures.retain(|capture| !declared_inside(semantic, capture.closure, capture.symbol));
        captures
            .chunk_by(|a, b| a.closure == b.closure)
            .filter_map(|group| check_closure(context, group))
            .collect()
    }
}

/// `f"..."`, `rf'...'`, `t"..."`: a string with replacement fields.
fn is_name(scan: &Scan<'_>, token: &Token, name: &str) -> bool {
    token.kind == ScanKind::Name && scan.is(token, name)
}

/// The names between `for` (at `tokens[at]`) and its `in`.
fn loop_targets<'s>(scan: &Scan<'s>, tokens: &[Token], at: usize) -> Vec<&'s [u8]> {
    let depth = tokens[at].depth;
    tokens[at + 1..]
        .iter()
        .take_while(|token| !(token.depth == depth && is_name(scan, token, "in")))
        .filter(|token| token.kind == ScanKind::Name)
        .map(|token| scan.text(token))
        .collect()
}

/// Line `index` starts a `for` statement, and a closure in it or in the
/// lines indented under it mentions one of its target names.
fn loop_closure_may_capture(scan: &Scan<'_>, index: usize) -> bool {
    let line = &scan.lines[index];
    let tokens = scan.line_tokens(line);
    let at = match tokens {
        [first, ..] if is_name(scan, first, "for") => 0,
        [first, second, ..] if is_name(scan, first, "async") && is_name(scan, second, "for") => 1,
        _ => return false,
    };
    let targets = loop_targets(scan, tokens, at);
    let body_end = index
        + 1
        + scan.lines[index + 1..].iter().take_while(|next| next.indent > line.indent).count();
    (index..body_end).any(|inner| {
        let inner_tokens = scan.line_tokens(&scan.lines[inner]);
        inner_tokens.iter().enumerate().any(|(position, token)| {
            let region: Vec<&Token> = if is_name(scan, token, "lambda") {
                inner_tokens[position + 1..].iter().collect()
            } else if is_name(scan, token, "def") {
                let def_line = &scan.lines[inner];
                let def_end = inner
                    + 1
                    + scan.lines[inner + 1..]
                        .iter()
                        .take_while(|next| next.indent > def_line.indent)
                        .count();
                (inner..def_end).flat_map(|l| scan.line_tokens(&scan.lines[l]).iter()).collect()
            } else {
                return false;
            };
            region.iter().any(|t| mentions_any(scan, t, &targets))
        })
    })
}

/// Line `index` holds a comprehension and a `lambda` whose tokens (to the
/// end of the line) mention one of the comprehension's target names.
fn comprehension_closure_may_capture(scan: &Scan<'_>, index: usize) -> bool {
    let tokens = scan.line_tokens(&scan.lines[index]);
    let Some(lambda) = tokens.iter().position(|token| is_name(scan, token, "lambda")) else {
        return false;
    };
    let targets: Vec<&[u8]> = tokens
        .iter()
        .enumerate()
        .filter(|(_, token)| token.depth > 0 && is_name(scan, token, "for"))
        .flat_map(|(at, _)| loop_targets(scan, tokens, at))
        .collect();
    !targets.is_empty() && tokens[lambda..].iter().any(|t| mentions_any(scan, t, &targets))
}

/// The token is one of the names, or an f-string whose replacement fields
/// may read one (`f"{intrin}_{sfx}"`: the scan does not split them).
fn mentions_any(scan: &Scan<'_>, token: &Token, names: &[&[u8]]) -> bool {
    let text = scan.text(token);
    match token.kind {
        ScanKind::Name => names.contains(&text),
        ScanKind::String if is_formatted(text) => names
            .iter()
            .any(|name| !name.is_empty() && text.windows(name.len()).any(|window| window == *name)),
        _ => false,
    }
}

fn is_formatted(token: &[u8]) -> bool {
    token
        .iter()
        .take_while(|byte| byte.is_ascii_alphabetic())
        .any(|byte| matches!(byte.to_ascii_lowercase(), b'f' | b't'))
}

/// A closure reads a loop's variable.
struct Capture<'m> {
    /// The scope of the lambda or function created in the loop.
    closure: ScopeId,
    symbol: SymbolId,
    /// Defaults follow loop order: outer loops first (their variables live
    /// in outer scopes, or earlier in the same scope), then target order.
    loop_order: (usize, usize),
    /// The `for` statement or comprehension whose iteration binds the variable.
    loop_node: Node<'m>,
}

/// Every (closure, loop variable) pair where a closure made in a loop reads
/// the loop's variable from its body.
fn captured_loop_variables<'m>(semantic: &Semantic<'m>) -> Vec<Capture<'m>> {
    let mut captures = Vec::new();
    for reference in semantic.references() {
        let Some(symbol) = reference.symbol else { continue };
        let home = semantic.symbol(symbol).scope;
        let bound_by_a_loop = semantic.bindings_of(symbol).iter().any(|&binding| {
            matches!(
                semantic.binding(binding).kind,
                BindingKind::ForTarget | BindingKind::ComprehensionTarget
            )
        });
        if !reference.evaluated || home == reference.scope || !bound_by_a_loop {
            continue;
        }
        let Some(closure) = semantic.outermost_closure(reference.scope, home) else {
            continue;
        };
        let closure_node = semantic.scope(closure).node;
        let loop_target = semantic.bindings_of(symbol).iter().find_map(|&binding| {
            let binding = semantic.binding(binding);
            is_loop_around(semantic.module(), binding.kind, binding.source, closure_node)
                .then_some(binding)
        });
        let Some(loop_target) = loop_target else { continue };
        let loop_node = match loop_target.kind {
            // A comprehension target's source is its `for_in_clause`.
            BindingKind::ComprehensionTarget => semantic.module().parent(loop_target.source),
            _ => Some(loop_target.source),
        };
        if let Some(loop_node) = loop_node {
            let depth = semantic.ancestor_scopes(home).count();
            captures.push(Capture {
                closure,
                symbol,
                loop_order: (depth, loop_target.name.start_byte()),
                loop_node,
            });
        }
    }
    captures
}

/// `node` is in the part of a loop that runs once per value of its target:
/// a `for` statement's body, or a comprehension's element and later clauses.
fn is_loop_around(
    module: &Module<'_>,
    kind: BindingKind,
    source: Node<'_>,
    node: Node<'_>,
) -> bool {
    let inside = |outer: Node<'_>| {
        outer.start_byte() <= node.start_byte() && node.end_byte() <= outer.end_byte()
    };
    match kind {
        BindingKind::ForTarget => source.child_by_field_name("body").is_some_and(inside),
        BindingKind::ComprehensionTarget => {
            let Some(comprehension) = module.parent(source) else { return false };
            let in_element = comprehension.child_by_field_name("body").is_some_and(inside);
            let in_later_clause = inside(comprehension) && node.start_byte() >= source.end_byte();
            in_element || in_later_clause
        }
        _ => false,
    }
}

fn check_closure<'a>(context: &Context<'a>, captures: &[Capture<'a>]) -> Option<Diagnostic> {
    let semantic = context.semantic;
    let closure = captures.first()?.closure;
    let node = semantic.scope(closure).node;
    // Only the variables of loops whose iteration the closure outlives: a
    // closure kept for the whole of an outer iteration but no longer sees
    // the outer variable's own value.
    let captures: Vec<&Capture<'_>> = captures
        .iter()
        .filter(|capture| !runs_once(capture.loop_node))
        .filter(|capture| semantic.escape_from_iteration(node, capture.loop_node).is_some())
        .collect();
    if captures.is_empty() {
        return None;
    }
    let names: Vec<&str> =
        captures.iter().map(|capture| semantic.symbol(capture.symbol).name).collect();
    let fix = if captures
        .iter()
        .all(|capture| default_sees_same_variable(semantic, closure, capture.symbol))
    {
        default_parameters_edit(context.module, node, &names)
            .and_then(|edit| within_line_length(context.module, node, edit))
            .map(|edit| {
                // The closure now reads its own parameters, bound to the loop's values.
                Fix::unsafe_(vec![edit]).rebinding(names.iter().map(|name| name.to_string()))
            })
    } else {
        None
    };
    let range = match node.py_kind() {
        Kind::FunctionDefinition => node.child_by_field_name("name").unwrap_or(node).byte_range(),
        _ => node.byte_range(),
    };
    Some(META.report(range, message(&names)).with_fix(fix))
}

/// `for opt in (ECHO,):`: a loop over a literal of one item gives its
/// variable one value, so no closure can see another.
fn runs_once(loop_node: Node<'_>) -> bool {
    let Some(iterable) =
        loop_node.child_by_field_name("right").filter(|_| loop_node.is(Kind::ForStatement))
    else {
        return false;
    };
    let mut iterable = iterable;
    while iterable.is(Kind::ParenthesizedExpression) {
        match iterable.named_child(0) {
            Some(inner) => iterable = inner,
            None => return false,
        }
    }
    let mut cursor = iterable.walk();
    let items: Vec<Node<'_>> = iterable
        .named_children(&mut cursor)
        .filter(|item| item.py_kind() != Kind::Comment)
        .collect();
    matches!(iterable.py_kind(), Kind::Tuple | Kind::List | Kind::Set)
        && items.len() == 1
        && !matches!(items[0].py_kind(), Kind::ListSplat | Kind::DictionarySplat)
}

fn message(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    let (noun, pronoun) =
        if names.len() == 1 { ("variable", "its") } else { ("variables", "their") };
    format!(
        "closure created in a loop reads the loop {noun} {} when called, not when created: \
         closures that outlive the iteration all see {pronoun} last value",
        quoted.join(", ")
    )
}

/// The closure, or a function in it, declares the name `global`/`nonlocal`.
fn declared_inside(semantic: &Semantic<'_>, closure: ScopeId, symbol: SymbolId) -> bool {
    semantic.bindings_of(symbol).iter().any(|&binding| {
        let binding = semantic.binding(binding);
        binding.kind.is_declaration()
            && semantic.ancestor_scopes(binding.scope).any(|scope| scope == closure)
    })
}

/// A default is evaluated in the scope around the closure: it must find the
/// same variable there (a method of a class body that binds the name would
/// find the class's).
fn default_sees_same_variable(semantic: &Semantic<'_>, closure: ScopeId, symbol: SymbolId) -> bool {
    let Some(around) = semantic.scope(closure).parent else { return false };
    semantic.lookup(semantic.symbol(symbol).name, around) == Some(symbol)
}

/// Inserts `name=name, ...` where Python allows a default: before `**kwargs`,
/// else after the last parameter, else in the empty list. In a parameter
/// list written one per line, the defaults get a line of their own.
fn default_parameters_edit(module: &Module<'_>, closure: Node<'_>, names: &[&str]) -> Option<Edit> {
    let defaults: Vec<String> = names.iter().map(|name| format!("{name}={name}")).collect();
    let defaults = defaults.join(", ");
    let Some(parameters) = closure.child_by_field_name("parameters") else {
        // `lambda: x` has no parameter list at all.
        let keyword = closure.child(0).filter(|keyword| keyword.is(Kind::Lambda))?;
        return Some(Edit::insert(keyword.end_byte(), format!(" {defaults}")));
    };
    let mut cursor = parameters.walk();
    let items: Vec<Node<'_>> = parameters
        .named_children(&mut cursor)
        .filter(|item| item.py_kind() != Kind::Comment)
        .collect();
    let newline = module.newline();
    if let Some(double_star) = items.iter().find(|item| is_double_star(**item)) {
        let at = double_star.start_byte();
        if module.starts_line(at) && items.len() > 1 {
            let indentation = module.indentation_at(at);
            return Some(Edit::insert(
                module.line_start(at),
                format!("{indentation}{defaults},{newline}"),
            ));
        }
        return Some(Edit::insert(at, format!("{defaults}, ")));
    }
    let Some(last) = items.last() else {
        let open = parameters.child(0).filter(|open| open.is(Kind::LeftParen))?;
        return Some(Edit::insert(open.end_byte(), defaults));
    };
    if let Some(comma) = last.next_sibling().filter(|next| next.is(Kind::Comma))
        && let Some(close) = parameters.child(parameters.child_count().checked_sub(1)?)
        && close.is(Kind::RightParen)
        && module.starts_line(last.start_byte())
        && module.starts_line(close.start_byte())
        && module.next_line_start(comma.end_byte()) <= close.start_byte()
    {
        // `def f(\n    a,\n    b,\n):` gains a line `    i=i,` after `b,`.
        let indentation = module.indentation_at(last.start_byte());
        let at = module.next_line_start(comma.end_byte());
        return Some(Edit::insert(at, format!("{indentation}{defaults},{newline}")));
    }
    Some(Edit::insert(last.end_byte(), format!(", {defaults}")))
}

/// The longest a line may grow: the file's longest line (its own style
/// tolerates that), at least 79 and at most 120 columns.
fn line_limit(module: &Module<'_>) -> usize {
    let longest = module
        .source
        .split('\n')
        .map(|line| line.trim_end_matches('\r').chars().count())
        .max()
        .unwrap_or(0);
    longest.clamp(79, 120)
}

/// The longest of the lines `text` spans once `edit` (inside it, `offset`
/// being where `text` starts) is applied.
fn longest_line_after(text: &str, offset: usize, edit: &Edit) -> Option<usize> {
    let start = edit.range.start.checked_sub(offset)?;
    let end = edit.range.end.checked_sub(offset)?;
    let edited = format!("{}{}{}", text.get(..start)?, edit.replacement, text.get(end..)?);
    edited.split('\n').map(|line| line.trim_end_matches('\r').chars().count()).max()
}

/// The edit, if the lines it touches stay within the file's line length;
/// else, when the closure sits in a comprehension written on one line, the
/// comprehension split as black splits it (element and each clause on a
/// line of their own) if that fits; else no fix: the line needs a person.
fn within_line_length(module: &Module<'_>, closure: Node<'_>, edit: Edit) -> Option<Edit> {
    let limit = line_limit(module);
    let lines_start = module.line_start(edit.range.start);
    let lines_end = module.next_line_start(edit.range.end);
    let lines = module.source.get(lines_start..lines_end)?;
    if longest_line_after(lines, lines_start, &edit)? <= limit {
        return Some(edit);
    }
    let comprehension = std::iter::successors(module.parent(closure), |node| module.parent(*node))
        .find(|node| {
            matches!(
                node.py_kind(),
                Kind::ListComprehension
                    | Kind::SetComprehension
                    | Kind::DictionaryComprehension
                    | Kind::GeneratorExpression
            )
        })?;
    split_comprehension(module, comprehension, &edit, limit)
}

/// `[f(x) for x in xs if x]` on one line, with `edit` applied inside it,
/// rewritten as
/// ```text
/// [
///     f(x)
///     for x in xs
///     if x
/// ]
/// ```
/// when every line of the result fits in `limit`.
fn split_comprehension(
    module: &Module<'_>,
    comprehension: Node<'_>,
    edit: &Edit,
    limit: usize,
) -> Option<Edit> {
    let text = module.text(comprehension);
    let body = comprehension.child_by_field_name("body")?;
    // Black splits a line at its last bracket pair: the comprehension's must
    // end the line (before a comma or a comment), or black would split another.
    let after =
        &module.source[comprehension.end_byte()..module.next_line_start(comprehension.end_byte())];
    let after = after
        .trim_start_matches([' ', '\t'])
        .strip_prefix(',')
        .unwrap_or(after.trim_start_matches([' ', '\t']));
    let after = after.trim_start_matches([' ', '\t']);
    if !(after.is_empty()
        || after.starts_with('#')
        || after.starts_with('\n')
        || after.starts_with("\r\n"))
    {
        return None;
    }
    if text.contains('\n')
        || !(body.start_byte() <= edit.range.start && edit.range.end <= body.end_byte())
    {
        return None;
    }
    let count = comprehension.child_count();
    let open = comprehension.child(0)?;
    let close = comprehension.child(count.checked_sub(1)?)?;
    if open.end_byte() > body.start_byte() || close.start_byte() < body.end_byte() {
        return None;
    }
    let mut cursor = comprehension.walk();
    let clauses: Vec<Node<'_>> = comprehension
        .named_children(&mut cursor)
        .filter(|child| child.start_byte() >= body.end_byte())
        .collect();
    if clauses.is_empty() || clauses.iter().any(|clause| clause.is(Kind::Comment)) {
        return None;
    }
    let newline = module.newline();
    let indentation = module.indentation_at(comprehension.start_byte());
    let inner = format!("{indentation}{}", module.indent_unit());
    let element = {
        let body_text = module.text(body);
        let start = edit.range.start - body.start_byte();
        let end = edit.range.end - body.start_byte();
        format!("{}{}{}", body_text.get(..start)?, edit.replacement, body_text.get(end..)?)
    };
    let mut split = format!("{}{newline}{inner}{element}", module.text(open));
    for clause in &clauses {
        split.push_str(&format!("{newline}{inner}{}", module.text(*clause)));
    }
    split.push_str(&format!("{newline}{indentation}{}", module.text(close)));
    let replaced = Edit::replace(comprehension.byte_range(), split);
    let lines_start = module.line_start(comprehension.start_byte());
    let lines_end = module.next_line_start(comprehension.end_byte());
    let lines = module.source.get(lines_start..lines_end)?;
    (longest_line_after(lines, lines_start, &replaced)? <= limit).then_some(replaced)
}

/// `**kwargs` or `**kwargs: Any`.
fn is_double_star(parameter: Node<'_>) -> bool {
    match parameter.py_kind() {
        Kind::DictionarySplatPattern => true,
        Kind::TypedParameter => {
            parameter.named_child(0).is_some_and(|inner| inner.is(Kind::DictionarySplatPattern))
        }
        _ => false,
    }
}

//! # debugger-leftover (PF012)
//!
//! ## What it does
//! Finds calls that stop the program in a debugger and were left in the
//! code after a debugging session: `breakpoint()`, `pdb.set_trace()`,
//! `pdb.post_mortem()` and `pdb.pm()`, the same functions of `ipdb`,
//! `pudb`, `pdbr`, `remote_pdb`, `rpdb`, `web_pdb` and celery's `rdb`, and
//! the remote debuggers' `debugpy.breakpoint()` and `pydevd.settrace()`.
//! Names are resolved: `from pdb import set_trace as st` then `st()` is
//! found, and a local `breakpoint` or `pdb` that shadows the builtin or
//! the module is not.
//!
//! Debugger calls that are there on purpose are not reported; a leftover
//! is an unconditional stop in normal code. A call is deliberate when:
//! - it runs only behind a debugging switch: under an `if` (or `elif`,
//!   `and`, conditional expression) whose condition names one (`if
//!   options.pdb:`, `if self.debug:`, `elif config["debug"]:`, `if
//!   DO_POST_MORTEM:`, `if break_time and elapsed > break_time:`, `debug and
//!   pdb.set_trace()`), or after such an `if`
//!   in the same function (`if not self.use_pdb: return`);
//! - starting the debugger is the job of the code around it: a function or
//!   method named for it (`def debug()`, `def set_trace()`, `def
//!   post_mortem_hook()`, an `excepthook`, a signal handler installed as
//!   `rdb_handler`), a lambda (a hook handed to `signal.signal` or a
//!   callback), a class of debugging tools (`class Debugger`, a `pdb.Pdb`
//!   or `bdb.Bdb` subclass);
//! - the module is a debugging tool or its test: a module whose name says
//!   so (`pdb.py`, `bdb.py`, `debugger.py`, `debug_utils.py`,
//!   `test_pdb.py`, `rdb.py`), or one that works with the breakpoint
//!   machinery itself (`sys.breakpointhook`, `PYTHONBREAKPOINT`);
//! - a test patches the debugger around it (`with patch("pdb.set_trace"):
//!   breakpoint()`), or passes `breakpoint()` arguments (only a custom
//!   `sys.breakpointhook` takes any).
//!
//! Any other file the project keeps as a debugging tool can be exempted
//! with `per-file-ignores`, as with ruff's `T100`:
//!
//! ```toml
//! [tool.pyfix.per-file-ignores]
//! "scripts/debug_*.py" = ["PF012"]
//! ```
//!
//! and a `# noqa: T100` (or `# noqa: PF012`) on the line keeps one call.
//!
//! ## Why is this bad?
//! A debugger call left in the code stops the program and waits for
//! commands on standard input: a web worker hangs on its request, a batch
//! job or a CI run hangs until it times out, a service without a terminal
//! fails with `BdbQuit` or an `EOFError` reading a command. It is also a
//! security risk: whoever reaches the debugger prompt can run any code in
//! the process.
//!
//! ## Example
//! ```python
//! def total(items):
//!     import pdb; pdb.set_trace()
//!     return sum(item.price for item in items)
//!
//!
//! def parse(lines):
//!     for line in lines:
//!         if line.startswith("#"):
//!             breakpoint()
//!         yield line.split()
//! ```
//!
//! Use instead:
//! ```python
//! def total(items):
//!     return sum(item.price for item in items)
//!
//!
//! def parse(lines):
//!     for line in lines:
//!         yield line.split()
//! ```
//!
//! The fix removes the call statement, and the import of the debugger
//! when nothing else uses it (`import pdb; pdb.set_trace()` on a line of
//! its own disappears whole). An `if` that only held the call goes too
//! when its condition has no side effect (no call, `await`, `yield` or
//! `:=`); a block left empty gets `pass`. A debugger call inside a larger
//! expression (`x = compute() or breakpoint()`) is reported without a fix.
//!
//! ## Fix safety
//! Unsafe: the program no longer stops in the debugger there. Whoever
//! relied on the stop (to inspect state while running the code by hand)
//! loses it, and an `if` removed with the call no longer evaluates its
//! condition, so an exception that condition raised (a missing attribute
//! or key) no longer happens.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use crate::rule::fix::Edit;
use crate::rule::{Context, Diagnostic, FileInfo, Fix, FixKind, RuleMeta, Transform};
use crate::semantic::{BindingKind, Semantic};
use crate::syntax::kind::{Kind, NodeKind};
use crate::syntax::module::Module;
use crate::syntax::scan::{Kind as ScanKind, Scan};
use crate::syntax::walk::{Walk, statements, visit};

pub struct DebuggerLeftover;

static META: RuleMeta = RuleMeta {
    code: "PF012",
    name: "debugger-leftover",
    fix: FixKind::Unsafe,
    source: include_str!("debugger_leftover.rs"),
    aliases: &["T100"],
};

/// The functions that stop the program in a debugger.
const DEBUGGER_CALLS: &[&str] = &[
    "builtins.breakpoint",
    "pdb.set_trace",
    "pdb.post_mortem",
    "pdb.pm",
    "ipdb.set_trace",
    "ipdb.sset_trace",
    "ipdb.post_mortem",
    "ipdb.pm",
    "pudb.set_trace",
    "pudb.post_mortem",
    "pudb.pm",
    "pdbr.set_trace",
    "pdbr.post_mortem",
    "remote_pdb.set_trace",
    "rpdb.set_trace",
    "web_pdb.set_trace",
    "celery.contrib.rdb.set_trace",
    "debugpy.breakpoint",
    "pydevd.settrace",
    "pydevd_pycharm.settrace",
];

/// The last part of each name in `DEBUGGER_CALLS`: a call of one of them
/// names one of these somewhere in the file (the call, or the import that
/// binds its alias).
const CALL_NAMES: &[&str] =
    &["breakpoint", "set_trace", "sset_trace", "post_mortem", "pm", "settrace"];

/// Tokens that keep a body in the skeleton besides `CALL_NAMES`: the
/// debugger modules (a body that uses one keeps an import the fix would
/// otherwise remove) and the breakpoint machinery the module-level checks
/// read.
const KEEP_NAMES: &[&str] = &[
    "pdb",
    "ipdb",
    "pudb",
    "pdbr",
    "remote_pdb",
    "rpdb",
    "web_pdb",
    "rdb",
    "debugpy",
    "pydevd",
    "pydevd_pycharm",
    "breakpointhook",
];

/// Words that mark a condition as a debugging switch (`if options.pdb:`).
/// `break` covers `break_on_error`, `should_break`, `break_time`.
const SWITCH_WORDS: &[&str] = &["pdb", "debug", "dbg", "break", "mortem", "trace", "interactive"];

/// Words in a function's name that make starting the debugger its job.
const FUNCTION_WORDS: &[&str] =
    &["debug", "pdb", "dbg", "rdb", "breakpoint", "trace", "mortem", "hook", "interact"];

/// Words in a class's name (or its bases) that make it a debugging tool.
const CLASS_WORDS: &[&str] = &["pdb", "debug", "breakpoint", "tracer", "dbg"];

impl Transform for DebuggerLeftover {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A name a debugger call needs: the called function's own name
    /// (`breakpoint`, `set_trace`, `post_mortem`, `pm`, `settrace`), in the
    /// call or in the import that binds an alias of it.
    fn may_match(&self, scan: &Scan<'_>, _file: &FileInfo<'_>) -> bool {
        scan.tokens.iter().any(|token| {
            token.kind == ScanKind::Name && CALL_NAMES.iter().any(|name| scan.is(token, name))
        })
    }

    /// A body that calls a debugger, or uses a debugger module (the fix
    /// removes an import only when nothing else reads it), or touches the
    /// breakpoint machinery (`PYTHONBREAKPOINT` in a string).
    fn may_need_definition(&self, view: &Scan<'_>, file: &FileInfo<'_>) -> bool {
        self.may_match(view, file)
            || view.tokens.iter().any(|token| match token.kind {
                ScanKind::Name => KEEP_NAMES.iter().any(|name| view.is(token, name)),
                ScanKind::String => contains(view.text(token), b"PYTHONBREAKPOINT"),
                _ => false,
            })
    }

    fn check(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let module = context.module;
        if module.is_stub || is_debugging_module(context) {
            return Vec::new();
        }
        let mut findings = Vec::new();
        for call in module.nodes_of_kind(&[Kind::Call]) {
            let Some(function) = call.child_by_field_name("function") else { continue };
            let Some(qualified) = context.semantic.qualified_name(function) else { continue };
            if !DEBUGGER_CALLS.contains(&qualified.as_str()) || is_deliberate(context, call) {
                continue;
            }
            if qualified == "builtins.breakpoint" && has_arguments(call) {
                continue;
            }
            findings.push(call);
        }
        if findings.is_empty() {
            return Vec::new();
        }
        let plan = Plan::new(context, &findings);
        findings
            .iter()
            .enumerate()
            .map(|(index, call)| {
                let callee = call
                    .child_by_field_name("function")
                    .map_or("breakpoint", |function| module.text(function));
                let fix = plan.fix_for(index);
                let message = if call_statement(*call).is_some() {
                    format!(
                        "`{callee}()` left in the code: the program stops here and waits for \
                         debugger commands"
                    )
                } else {
                    format!(
                        "`{callee}()` left in the code, inside an expression: the program stops \
                         here and waits for debugger commands"
                    )
                };
                META.report(call.byte_range(), message).with_fix(fix)
            })
            .collect()
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

fn has_arguments(call: Node<'_>) -> bool {
    call.child_by_field_name("arguments").is_some_and(|arguments| {
        let mut cursor = arguments.walk();
        arguments.named_children(&mut cursor).any(|argument| !argument.is(Kind::Comment))
    })
}

/// Whether `text` (a name, lowercased by the caller) holds one of `words`.
fn has_word(text: &str, words: &[&str]) -> bool {
    let text = text.to_ascii_lowercase();
    words.iter().any(|word| text.contains(word))
}

/// The module is a debugger, a debugging tool or its test (its name or a
/// package's says so), or it works with the breakpoint machinery itself.
fn is_debugging_module(context: &Context<'_>) -> bool {
    let file = context.module.file_name.as_str();
    let stem = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = stem.split('.').next().unwrap_or(stem);
    let mut parts: Vec<&str> = vec![stem];
    if let Some(name) = context.settings.module.name.as_deref() {
        parts.extend(name.split('.'));
    }
    let named = parts.iter().any(|part| {
        has_word(part, &["pdb", "debug"])
            || part.to_ascii_lowercase().split('_').any(|word| {
                matches!(word, "bdb" | "rdb" | "dbg" | "breakpoint" | "breakpoints" | "doctest")
            })
    });
    named
        || context.module.source.contains("breakpointhook")
        || context.module.source.contains("PYTHONBREAKPOINT")
}

/// The debugger call is there on purpose (see the documentation).
fn is_deliberate(context: &Context<'_>, call: Node<'_>) -> bool {
    let module = context.module;
    let mut child = call;
    let mut current = module.parent(call);
    while let Some(node) = current {
        if makes_deliberate(module, node, child, call) {
            return true;
        }
        child = node;
        current = module.parent(node);
    }
    false
}

/// `node`, an ancestor of `call` (through `child`), says the call is
/// deliberate: a switch it runs behind, or code whose job is to debug.
fn makes_deliberate(module: &Module<'_>, node: Node<'_>, child: Node<'_>, call: Node<'_>) -> bool {
    let named = |words: &[&str]| {
        node.child_by_field_name("name").is_some_and(|name| has_word(module.text(name), words))
    };
    match node.py_kind() {
        Kind::Lambda => true,
        Kind::FunctionDefinition => named(FUNCTION_WORDS) || guarded_earlier(module, node, call),
        Kind::ClassDefinition => {
            named(CLASS_WORDS)
                || node.child_by_field_name("superclasses").is_some_and(|bases| {
                    has_word(module.text(bases), CLASS_WORDS)
                        || has_word(module.text(bases), &["bdb"])
                })
        }
        Kind::IfStatement | Kind::ElifClause | Kind::WhileStatement => node
            .child_by_field_name("condition")
            .is_some_and(|condition| is_switch(module, condition)),
        // `a if condition else b`: the condition is the second operand.
        Kind::ConditionalExpression => {
            node.named_child(1).is_some_and(|condition| is_switch(module, condition))
        }
        // `debug and pdb.set_trace()`: what comes before the call.
        Kind::BooleanOperator => node
            .child_by_field_name("left")
            .is_some_and(|left| left.id() != child.id() && is_switch(module, left)),
        // A test that patches the debugger: `with patch("pdb.set_trace"):`.
        Kind::WithStatement => {
            let header_end =
                node.child_by_field_name("body").map_or(node.end_byte(), |body| body.start_byte());
            has_word(&module.source[node.start_byte()..header_end], &["patch", "mock"])
        }
        _ => false,
    }
}

/// A condition that names a debugging switch: an identifier, attribute or
/// string in it holds a word of `SWITCH_WORDS` (`options.pdb`,
/// `config["debug"]`, `os.environ.get("MYAPP_PDB")`).
fn is_switch(module: &Module<'_>, condition: Node<'_>) -> bool {
    let mut found = false;
    visit(condition, |node| {
        if found {
            return Walk::Stop;
        }
        match node.py_kind() {
            Kind::Identifier | Kind::StringContent => {
                if has_word(module.text(node), SWITCH_WORDS) {
                    found = true;
                    return Walk::Stop;
                }
                Walk::Skip
            }
            Kind::Lambda => Walk::Skip,
            _ => Walk::Descend,
        }
    });
    found
}

/// An `if` of `function`'s own body, before `call`, tests a debugging
/// switch: `if not self.use_pdb: return` then `pdb.post_mortem(tb)`.
fn guarded_earlier(module: &Module<'_>, function: Node<'_>, call: Node<'_>) -> bool {
    let Some(body) = function.child_by_field_name("body") else { return false };
    let mut found = false;
    visit(body, |node| {
        if found || node.start_byte() >= call.start_byte() {
            return Walk::Stop;
        }
        match node.py_kind() {
            Kind::FunctionDefinition | Kind::ClassDefinition | Kind::Lambda => Walk::Skip,
            Kind::IfStatement | Kind::ElifClause => {
                if node
                    .child_by_field_name("condition")
                    .is_some_and(|condition| is_switch(module, condition))
                {
                    found = true;
                    return Walk::Stop;
                }
                Walk::Descend
            }
            _ => Walk::Descend,
        }
    });
    found
}

/// The statement that is only `call`, directly in a block or the module.
fn call_statement(call: Node<'_>) -> Option<Node<'_>> {
    let statement = call.parent().filter(|parent| parent.is(Kind::ExpressionStatement))?;
    let alone = statement.named_child_count() == 1;
    let in_block = statement
        .parent()
        .is_some_and(|parent| matches!(parent.py_kind(), Kind::Block | Kind::Module));
    (alone && in_block).then_some(statement)
}

/// What the fixes of a file remove. Removals that touch the same block,
/// or the same import, are one group, and every finding of a group has the
/// group's edits as its fix: whether a block is left empty, or an import
/// unused, depends on all of them.
struct Plan {
    /// Per finding: its group, when it can be fixed.
    group_of: Vec<Option<usize>>,
    /// Per group: the edits, or `None` when one of them could not be made.
    edits: Vec<Option<Vec<Edit>>>,
}

impl Plan {
    fn new<'t>(context: &Context<'t>, findings: &[Node<'t>]) -> Plan {
        let module = context.module;
        let statements_of: Vec<Option<Node<'_>>> = findings
            .iter()
            .map(|call| call_statement(*call).filter(|s| !has_suppression(module, *s)))
            .collect();
        // The callee roots of the calls the fix removes: the only reads an
        // import may have to go with them.
        let removed_roots: HashSet<usize> = findings
            .iter()
            .zip(&statements_of)
            .filter(|(_, statement)| statement.is_some())
            .filter_map(|(call, _)| callee_root(*call).map(|root| root.id()))
            .collect();
        // The imports that go, each with the findings that read it.
        let mut imports: Vec<(Node<'_>, Vec<usize>)> = Vec::new();
        for (index, call) in findings.iter().enumerate() {
            if statements_of[index].is_none() {
                continue;
            }
            let Some(statement) = removable_import(context, *call, &removed_roots, &statements_of)
            else {
                continue;
            };
            match imports.iter_mut().find(|(node, _)| node.id() == statement.id()) {
                Some((_, readers)) => readers.push(index),
                None => imports.push((statement, vec![index])),
            }
        }
        let import_ids: HashSet<usize> = imports.iter().map(|(node, _)| node.id()).collect();
        // Each call statement, or the `if` that holds only it.
        let targets: Vec<Option<Node<'_>>> = statements_of
            .iter()
            .map(|statement| statement.map(|statement| widen(statement, &import_ids)))
            .collect();
        // Items: (statement removed, findings it belongs to).
        let mut items: Vec<(Node<'_>, Vec<usize>)> = Vec::new();
        for (index, target) in targets.iter().enumerate() {
            if let Some(target) = target {
                match items.iter_mut().find(|(node, _)| node.id() == target.id()) {
                    Some((_, owners)) => owners.push(index),
                    None => items.push((*target, vec![index])),
                }
            }
        }
        for (statement, readers) in imports {
            let inside_target = items.iter().any(|(target, _)| {
                target.start_byte() <= statement.start_byte()
                    && statement.end_byte() <= target.end_byte()
            });
            if !inside_target {
                items.push((statement, readers));
            }
        }
        // Union the findings that share an item or a block.
        let mut parent: Vec<usize> = (0..findings.len()).collect();
        let mut by_block: HashMap<usize, usize> = HashMap::new();
        for (node, owners) in &items {
            let Some(&first) = owners.first() else { continue };
            for &other in owners {
                union(&mut parent, first, other);
            }
            if let Some(block) = node.parent() {
                match by_block.get(&block.id()) {
                    Some(&other) => union(&mut parent, first, other),
                    None => {
                        by_block.insert(block.id(), first);
                    }
                }
            }
        }
        let item_roots: Vec<Option<usize>> = items
            .iter()
            .map(|(_, owners)| owners.first().map(|&first| find(&mut parent, first)))
            .collect();
        let mut roots: Vec<usize> = Vec::new();
        let mut group_of = vec![None; findings.len()];
        for index in 0..findings.len() {
            if targets[index].is_none() {
                continue;
            }
            let root = find(&mut parent, index);
            let group = match roots.iter().position(|&r| r == root) {
                Some(group) => group,
                None => {
                    roots.push(root);
                    roots.len() - 1
                }
            };
            group_of[index] = Some(group);
        }
        let edits = roots
            .iter()
            .map(|&root| {
                let nodes: Vec<Node<'_>> = items
                    .iter()
                    .zip(&item_roots)
                    .filter(|(_, item_root)| **item_root == Some(root))
                    .map(|((node, _), _)| *node)
                    .collect();
                removal_edits(module, &nodes)
            })
            .collect();
        Plan { group_of, edits }
    }

    fn fix_for(&self, finding: usize) -> Option<Fix> {
        let group = self.group_of.get(finding).copied().flatten()?;
        let edits = self.edits.get(group)?.clone()?;
        Some(Fix::unsafe_(edits))
    }
}

fn find(parent: &mut [usize], index: usize) -> usize {
    let mut root = index;
    while parent[root] != root {
        root = parent[root];
    }
    let mut current = index;
    while parent[current] != root {
        let next = parent[current];
        parent[current] = root;
        current = next;
    }
    root
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (a, b) = (find(parent, a), find(parent, b));
    if a != b {
        parent[b.max(a)] = b.min(a);
    }
}

/// A suppression comment on the statement's line: the project keeps that
/// call, so no other fix may remove it.
fn has_suppression(module: &Module<'_>, statement: Node<'_>) -> bool {
    let end = module.next_line_start(statement.end_byte());
    let line = &module.source[module.line_start(statement.start_byte())..end];
    line.split_once('#').is_some_and(|(_, comment)| {
        let comment = comment.to_ascii_lowercase();
        comment.contains("noqa") || comment.contains("pyfix:")
    })
}

/// The identifier a call's callee starts from: `pdb` in `pdb.set_trace`.
fn callee_root(call: Node<'_>) -> Option<Node<'_>> {
    let mut root = call.child_by_field_name("function")?;
    while root.is(Kind::Attribute) {
        root = root.child_by_field_name("object")?;
    }
    root.is(Kind::Identifier).then_some(root)
}

/// The import statement that binds the callee of `call` when every name
/// it binds is read only by calls this rule removes, so it can go with
/// them: `import pdb` before `pdb.set_trace()`, `from pdb import set_trace`.
/// Only a statement of the module's own body, or of the block of a removed
/// call, or of a function's body; never one another module could import
/// from (`__all__`).
fn removable_import<'t>(
    context: &Context<'t>,
    call: Node<'t>,
    removed_roots: &HashSet<usize>,
    statements_of: &[Option<Node<'t>>],
) -> Option<Node<'t>> {
    let semantic = context.semantic;
    let module = context.module;
    let root = callee_root(call)?;
    let binding = semantic.resolved_binding(semantic.reference_at(root)?)?;
    let import = semantic.import_of(binding)?;
    let statement = import.statement;
    let parent = statement.parent()?;
    let placed = parent.is(Kind::Module)
        || parent.parent().is_some_and(|owner| owner.is(Kind::FunctionDefinition))
        || statements_of.iter().flatten().any(|removed| removed.parent() == Some(parent));
    if !placed {
        return None;
    }
    // Every name the statement binds must be read only by removed calls.
    let names: Vec<_> =
        semantic.imports().iter().filter(|other| other.statement.id() == statement.id()).collect();
    for other in &names {
        if !read_only_by_removed(semantic, other.binding, removed_roots) {
            return None;
        }
        let name = module.text(semantic.binding(other.binding).name);
        if parent.is(Kind::Module)
            && (module.source.contains(&format!("\"{name}\""))
                || module.source.contains(&format!("'{name}'")))
        {
            return None;
        }
    }
    Some(statement)
}

fn read_only_by_removed(
    semantic: &Semantic<'_>,
    binding: crate::semantic::BindingId,
    removed_roots: &HashSet<usize>,
) -> bool {
    let symbol = semantic.binding(binding).symbol;
    let bindings = semantic.bindings_of(symbol);
    let only_this = bindings
        .iter()
        .all(|other| *other == binding || semantic.binding(*other).kind == BindingKind::Global);
    only_this
        && semantic.string_names_to(symbol).next().is_none()
        && semantic
            .references_to(symbol)
            .iter()
            .all(|reference| removed_roots.contains(&semantic.reference(*reference).node.id()))
}

/// The statement to remove for a debugger call statement: the statement
/// itself, or the `if` (without `elif`/`else`, with a condition free of
/// side effects) whose block holds only it and imports that go with it,
/// and so on outwards.
fn widen<'t>(statement: Node<'t>, imports: &HashSet<usize>) -> Node<'t> {
    let mut target = statement;
    while let Some(block) = target.parent().filter(|block| block.is(Kind::Block)) {
        let Some(owner) = block.parent().filter(|owner| owner.is(Kind::IfStatement)) else {
            break;
        };
        if owner.child_by_field_name("alternative").is_some() {
            break;
        }
        let Some(condition) = owner.child_by_field_name("condition") else { break };
        if !is_pure(condition) {
            break;
        }
        let only_removed = statements(block)
            .all(|other| other.id() == target.id() || imports.contains(&other.id()));
        if !only_removed {
            break;
        }
        target = owner;
    }
    target
}

/// An expression whose evaluation calls nothing and binds nothing: names,
/// attributes, subscripts, literals, comparisons and boolean operators.
fn is_pure(expression: Node<'_>) -> bool {
    let mut pure = true;
    visit(expression, |node| {
        if matches!(
            node.py_kind(),
            Kind::Call
                | Kind::Await
                | Kind::Yield
                | Kind::NamedExpression
                | Kind::Lambda
                | Kind::ListComprehension
                | Kind::SetComprehension
                | Kind::DictionaryComprehension
                | Kind::GeneratorExpression
        ) {
            pure = false;
            return Walk::Stop;
        }
        Walk::Descend
    });
    pure
}

/// The edits that remove `removed` (statements of blocks or the module):
/// each line that holds only removed statements goes whole, a statement
/// that shares its line with another goes with its `;`, and a block left
/// empty keeps a `pass`. `None` when a line cannot be cut cleanly.
fn removal_edits(module: &Module<'_>, removed: &[Node<'_>]) -> Option<Vec<Edit>> {
    let mut by_block: Vec<(Node<'_>, Vec<Node<'_>>)> = Vec::new();
    for node in removed {
        let block = node.parent()?;
        match by_block.iter_mut().find(|(other, _)| other.id() == block.id()) {
            Some((_, nodes)) => nodes.push(*node),
            None => by_block.push((block, vec![*node])),
        }
    }
    let mut edits = Vec::new();
    for (block, mut nodes) in by_block {
        nodes.sort_by_key(|node| node.start_byte());
        let siblings: Vec<Node<'_>> = statements(block).collect();
        let is_removed = |node: &Node<'_>| nodes.iter().any(|removed| removed.id() == node.id());
        let mut kept: Vec<bool> = siblings.iter().map(|node| !is_removed(node)).collect();
        if block.is(Kind::Block) && kept.iter().all(|kept| !kept) {
            // The block would be empty: its first removed statement becomes `pass`.
            let first = siblings.first()?;
            edits.push(Edit::replace(first.byte_range(), "pass"));
            kept[0] = true;
        }
        // Statements on the same lines, in clusters.
        let mut start = 0;
        while start < siblings.len() {
            let mut end = start + 1;
            let mut last_row = siblings[start].end_position().row;
            while end < siblings.len() && siblings[end].start_position().row <= last_row {
                last_row = last_row.max(siblings[end].end_position().row);
                end += 1;
            }
            edits.extend(cluster_edits(module, &siblings[start..end], &kept[start..end])?);
            start = end;
        }
    }
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    edits.dedup();
    Some(edits)
}

/// The edits that remove the statements of one line (a cluster of
/// statements joined by `;`) that are not `kept`.
fn cluster_edits(module: &Module<'_>, cluster: &[Node<'_>], kept: &[bool]) -> Option<Vec<Edit>> {
    if kept.iter().all(|kept| *kept) {
        return Some(Vec::new());
    }
    let first = cluster.first()?;
    let last = cluster.last()?;
    if kept.iter().all(|kept| !kept) {
        let line = module.line_start(first.start_byte());
        let alone = module.starts_line(first.start_byte())
            && !module.continues_previous_line(line)
            && ends_line_after_semicolon(module, last.end_byte());
        if !alone {
            return None;
        }
        return Some(vec![Edit::delete(line_range(module, first, last))]);
    }
    let mut edits = Vec::new();
    let mut index = 0;
    while index < cluster.len() {
        if kept[index] {
            index += 1;
            continue;
        }
        let run_start = index;
        while index < cluster.len() && !kept[index] {
            index += 1;
        }
        // `a; REMOVED; b` loses `REMOVED; `; `a; REMOVED` loses `; REMOVED`.
        let range = match cluster.get(index) {
            Some(next) => cluster[run_start].start_byte()..next.start_byte(),
            None => {
                cluster.get(run_start.checked_sub(1)?)?.end_byte()..cluster[index - 1].end_byte()
            }
        };
        edits.push(Edit::delete(range));
    }
    Some(edits)
}

/// Only whitespace, a `;` or a comment follows `offset` on its line.
fn ends_line_after_semicolon(module: &Module<'_>, offset: usize) -> bool {
    let rest = module.source[offset..].trim_start_matches([' ', '\t', '\x0c']);
    let rest = rest.strip_prefix(';').unwrap_or(rest);
    module.ends_line(module.source.len() - rest.len())
}

/// The lines from `first`'s to `last`'s (past `\` continuations), with one
/// of the blank lines around them when both sides are blank, or the blank
/// line after them when they open their block (no blank line is left
/// between a `def` and its body, or two where there was one).
fn line_range(module: &Module<'_>, first: &Node<'_>, last: &Node<'_>) -> std::ops::Range<usize> {
    let source = module.source;
    let start = module.line_start(first.start_byte());
    let mut end = module.next_line_start(last.end_byte());
    while end < source.len() && module.continues_previous_line(end) {
        end = module.next_line_start(end);
    }
    let is_blank = |at: usize| source[at..module.next_line_start(at)].trim().is_empty();
    let blank_before = start > 0 && is_blank(module.line_start(start - 1));
    let opens_block = first.parent().is_some_and(|block| {
        block.is(Kind::Block) && statements(block).next().is_some_and(|s| s.id() == first.id())
    });
    let blank_after = end < source.len() && is_blank(end);
    if blank_after && (blank_before || opens_block) {
        end = module.next_line_start(end);
    } else if blank_before && end >= source.len() {
        return module.line_start(start - 1)..end;
    }
    start..end
}

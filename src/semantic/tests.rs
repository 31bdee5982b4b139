use super::*;
use crate::syntax::walk::KindName;

#[test]
fn builtins_are_sorted_for_binary_search() {
    assert!(BUILTINS.windows(2).all(|pair| pair[0] < pair[1]));
    assert!(is_builtin("list") && is_builtin("bytearray") && !is_builtin("deque"));
}

/// Parses `source` and hands `check` the model and a finder for the
/// identifier at the `nth` (0-based) occurrence of a word.
type Find<'a, 'm> = &'a dyn Fn(&str, usize) -> Node<'m>;

fn with_model(source: &str, check: impl for<'a, 'm> FnOnce(&'a Semantic<'m>, Find<'a, 'm>)) {
    with_named_model(source, "t.py", check);
}

fn with_named_model(
    source: &str,
    file_name: &str,
    check: impl for<'a, 'm> FnOnce(&'a Semantic<'m>, Find<'a, 'm>),
) {
    let module = Module::parse(source, file_name).unwrap();
    let semantic = Semantic::new(&module);
    let find = |word: &str, nth: usize| -> Node<'_> {
        let offset =
            occurrences(source, word).nth(nth).unwrap_or_else(|| panic!("no {word} #{nth}"));
        module.root().descendant_for_byte_range(offset, offset + word.len()).unwrap()
    };
    check(&semantic, &find);
}

/// Offsets of `word` as a whole word.
fn occurrences<'a>(source: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    source.match_indices(word).map(|(offset, _)| offset).filter(move |&offset| {
        let before = offset.checked_sub(1).map(|i| source.as_bytes()[i]);
        let after = source.as_bytes().get(offset + word.len()).copied();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

fn resolve(source: &str, expression: &str) -> Option<String> {
    let module = Module::parse(source, "t.py").unwrap();
    let semantic = Semantic::new(&module);
    let offset = source.rfind(expression).unwrap();
    let node = module.root().descendant_for_byte_range(offset, offset + expression.len()).unwrap();
    semantic.qualified_name(node)
}

/// The kind of binding and the scope kind of the symbol the `nth` `word` reads.
fn read_binding(semantic: &Semantic<'_>, node: Node<'_>) -> Option<(BindingKind, ScopeKind)> {
    let reference = semantic.reference_at(node).expect("a reference");
    let binding = semantic.resolved_binding(reference)?;
    let binding = semantic.binding(binding);
    let symbol = semantic.symbol(binding.symbol);
    Some((binding.kind, semantic.scope(symbol.scope).kind))
}

#[test]
fn resolves_imports_and_aliases() {
    let source = "import collections\nimport time as t\nfrom collections import deque as dq\nimport os.path\nx = (collections.OrderedDict, t.sleep, dq, os.path.join, list)\n";
    assert_eq!(
        resolve(source, "collections.OrderedDict").as_deref(),
        Some("collections.OrderedDict")
    );
    assert_eq!(resolve(source, "t.sleep").as_deref(), Some("time.sleep"));
    assert_eq!(resolve(source, "dq").as_deref(), Some("collections.deque"));
    assert_eq!(resolve(source, "os.path.join").as_deref(), Some("os.path.join"));
    assert_eq!(resolve(source, "list").as_deref(), Some("builtins.list"));
}

#[test]
fn a_module_level_rebinding_shadows_a_builtin() {
    assert_eq!(resolve("def list(): pass\nx = list\n", "list"), None);
    assert_eq!(resolve("list = tuple\nx = list\n", "list"), None);
    assert_eq!(resolve("from mylib import *\nx = list\n", "list"), None);
}

#[test]
fn local_names_shadow_imports_and_builtins() {
    assert_eq!(resolve("def f(list):\n    return list\n", "list"), None);
    assert_eq!(resolve("import time\ndef f(time):\n    return time.sleep\n", "time.sleep"), None);
    assert_eq!(
        resolve("def f():\n    import time as t\n    return t.sleep\n", "t.sleep").as_deref(),
        Some("time.sleep")
    );
    // A lambda's parameter, a comprehension's variable.
    assert_eq!(resolve("f = lambda dict: dict\n", "dict"), None);
    assert_eq!(resolve("x = [set for set in y if set]\n", "set"), None);
    // Outside the comprehension, the builtin again.
    assert_eq!(
        resolve("x = [set for set in y]\nz = set\n", "set").as_deref(),
        Some("builtins.set")
    );
}

#[test]
fn import_table() {
    let source = "import a.b\nimport a.b as c\nfrom .x import y as z, w\nfrom .. import v\nif q:\n    import u\n";
    let module = Module::parse(source, "t.py").unwrap();
    let semantic = Semantic::new(&module);
    let summary: Vec<(String, &str, Option<&str>, String, bool)> = semantic
        .imports()
        .iter()
        .map(|import| {
            let name = module.text(semantic.binding(import.binding).name).to_string();
            (
                name,
                import.module.as_str(),
                import.member,
                import.qualified.clone(),
                import.unconditional,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("a".into(), "a.b", None, "a".into(), true),
            ("c".into(), "a.b", None, "a.b".into(), true),
            ("z".into(), ".x", Some("y"), ".x.y".into(), true),
            ("w".into(), ".x", Some("w"), ".x.w".into(), true),
            ("v".into(), "..", Some("v"), "..v".into(), true),
            ("u".into(), "u", None, "u".into(), false),
        ]
    );
    assert_eq!(semantic.import_binding_of("a.b"), Some("c"));
    assert_eq!(semantic.import_binding_of("u"), None);
    assert_eq!(
        semantic.top_level_binding("u"),
        Some(&Binding::Import { qualified: "u".into(), unconditional: false })
    );
}

#[test]
fn class_scopes_do_not_enclose_methods_or_comprehensions() {
    let source = "\
x = 1
class A:
    x = 2
    y = x
    def f(self, d=x):
        return x
    g = lambda: x
    z = [x for _ in range(3)]
    w = [_ for _ in x]
";
    with_model(source, |semantic, find| {
        let module_scope = |nth| read_binding(semantic, find("x", nth)).map(|(_, scope)| scope);
        assert_eq!(module_scope(2), Some(ScopeKind::Class), "y = x reads the class's x");
        assert_eq!(
            module_scope(3),
            Some(ScopeKind::Class),
            "a default is evaluated in the class body"
        );
        assert_eq!(module_scope(4), Some(ScopeKind::Module), "a method skips the class");
        assert_eq!(module_scope(5), Some(ScopeKind::Module), "so does a lambda");
        assert_eq!(module_scope(6), Some(ScopeKind::Module), "and a comprehension's element");
        assert_eq!(module_scope(7), Some(ScopeKind::Class), "but not its first iterable");
    });
}

#[test]
fn a_class_body_reads_a_global_until_it_binds_the_name() {
    let source =
        "from email import policy\nclass Test:\n    policy = policy.default\n    other = policy\n";
    with_model(source, |semantic, find| {
        let scope_of_read = |nth| {
            let reference = semantic.reference_at(find("policy", nth)).unwrap();
            let symbol = semantic.reference(reference).symbol.unwrap();
            semantic.scope(semantic.symbol(symbol).scope).kind
        };
        assert_eq!(scope_of_read(2), ScopeKind::Module);
        assert_eq!(scope_of_read(3), ScopeKind::Class);
    });
    assert_eq!(
        resolve(
            "import email.policy as policy\nclass T:\n    policy = policy.default\n",
            "policy.default"
        )
        .as_deref(),
        Some("email.policy.default")
    );
}

#[test]
fn binding_kinds() {
    let source = "\
import os
for i, (j, *k) in pairs:
    pass
with open(p) as handle, lock:
    pass
try:
    pass
except OSError as error:
    pass
if (n := 10) > 5:
    pass
def f(a, /, b: int = 1, *args, c, **kw):
    global g
    g = 1
    del os
class C:
    pass
match command:
    case Point(x=0, y=yy) | [first, *rest] as whole:
        pass
    case Color.RED:
        pass
total: int
lines = [line for line in text]
print(i, j, k, handle, error, n, yy, first, rest, whole, total, line)
";
    with_model(source, |semantic, find| {
        let kind_of = |word: &str| {
            let nth = usize::from(word == "line");
            let binding =
                semantic.binding_at(find(word, nth)).unwrap_or_else(|| panic!("{word} is bound"));
            semantic.binding(binding).kind
        };
        assert_eq!(kind_of("os"), BindingKind::Import);
        for word in ["i", "j", "k"] {
            assert_eq!(kind_of(word), BindingKind::ForTarget, "{word}");
        }
        assert_eq!(kind_of("handle"), BindingKind::WithAlias);
        assert_eq!(kind_of("error"), BindingKind::ExceptAlias);
        assert_eq!(kind_of("n"), BindingKind::Walrus);
        for word in ["a", "b", "args", "c", "kw"] {
            assert_eq!(kind_of(word), BindingKind::Parameter, "{word}");
        }
        assert_eq!(kind_of("f"), BindingKind::FunctionDef);
        assert_eq!(kind_of("g"), BindingKind::Global);
        assert_eq!(kind_of("C"), BindingKind::ClassDef);
        for word in ["yy", "first", "rest", "whole"] {
            assert_eq!(kind_of(word), BindingKind::MatchCapture, "{word}");
        }
        assert_eq!(kind_of("total"), BindingKind::Annotation);
        assert_eq!(kind_of("line"), BindingKind::ComprehensionTarget);
        // Not variables: attribute names, keyword names, the class in a pattern.
        assert!(
            semantic.binding_at(find("x", 0)).is_none()
                && semantic.reference_at(find("x", 0)).is_none()
        );
        assert!(semantic.reference_at(find("Point", 0)).is_some());
        assert!(semantic.reference_at(find("Color", 0)).is_some());
        assert!(semantic.reference_at(find("RED", 0)).is_none());
        // `del os` binds os in f: f's os is local; `g = 1` binds the module's g.
        let g = semantic.binding_at(find("g", 1)).unwrap();
        assert_eq!(semantic.binding(g).kind, BindingKind::Assignment);
        assert_eq!(semantic.symbol(semantic.binding(g).symbol).scope, semantic.module_scope());
        assert_eq!(semantic.top_level_binding("g"), Some(&Binding::Other));
        // The `for` target's source is the loop.
        let i = semantic.binding_at(find("i", 0)).unwrap();
        assert_eq!(semantic.binding(i).source.kind_name(), "for_statement");
        // The references at the end find their binding (not `line`: it is the comprehension's).
        for word in ["i", "j", "k", "handle", "error", "n", "yy", "first", "rest", "whole", "total"]
        {
            let last = occurrences(source, word).count() - 1;
            let reference =
                semantic.reference_at(find(word, last)).unwrap_or_else(|| panic!("{word} read"));
            assert!(semantic.resolved_binding(reference).is_some(), "{word}");
        }
    });
}

#[test]
fn global_and_nonlocal_in_nested_functions() {
    let source = "\
def outer():
    total = 0
    def add():
        nonlocal total
        total += 1
        def deeper():
            global counter
            counter = total
        return deeper
    return total, counter
";
    with_model(source, |semantic, find| {
        let outer_total = semantic.binding(semantic.binding_at(find("total", 0)).unwrap()).symbol;
        let added = semantic.binding_at(find("total", 2)).unwrap();
        assert_eq!(semantic.binding(added).kind, BindingKind::AugmentedAssignment);
        assert_eq!(semantic.binding(added).symbol, outer_total, "nonlocal binds the outer total");
        let read_in_deeper = semantic.reference_at(find("total", 3)).unwrap();
        assert_eq!(semantic.reference(read_in_deeper).symbol, Some(outer_total));
        let counter = semantic.binding(semantic.binding_at(find("counter", 1)).unwrap()).symbol;
        assert_eq!(semantic.symbol(counter).scope, semantic.module_scope());
        let read = semantic.reference_at(find("counter", 2)).unwrap();
        assert_eq!(semantic.reference(read).symbol, Some(counter), "outer reads the global");
        assert_eq!(semantic.references_to(outer_total).len(), 3, "`+=`, deeper, return");
    });
}

#[test]
fn comprehensions_bind_their_own_variables_and_walrus_leaks() {
    let source =
        "def f(rows):\n    found = [last := row for row in rows if row]\n    return last, row\n";
    with_model(source, |semantic, find| {
        let row = semantic.reference_at(find("row", 0)).unwrap();
        let binding = semantic.resolved_binding(row).unwrap();
        assert_eq!(semantic.binding(binding).kind, BindingKind::ComprehensionTarget);
        assert_eq!(semantic.scope(semantic.reference(row).scope).kind, ScopeKind::Comprehension);
        let rows = semantic.reference_at(find("rows", 1)).unwrap();
        assert_eq!(semantic.scope(semantic.reference(rows).scope).kind, ScopeKind::Function);
        let last = semantic.reference_at(find("last", 1)).unwrap();
        let walrus = semantic.resolved_binding(last).unwrap();
        assert_eq!(semantic.binding(walrus).kind, BindingKind::Walrus);
        assert_eq!(
            semantic.scope(semantic.symbol(semantic.binding(walrus).symbol).scope).kind,
            ScopeKind::Function
        );
        // `row` after the comprehension is not the comprehension's.
        let outside = semantic.reference_at(find("row", 3)).unwrap();
        assert_eq!(semantic.reference(outside).symbol, None);
    });
}

#[test]
fn evaluation_time() {
    let source = "\
import a
@deco
def f(x: Hint = default) -> Result:
    local: Local = body
    return [item for item in body]
class C(Base):
    field: Field = value
    def m(self):
        return inside
top = module_level
";
    with_model(source, |semantic, find| {
        let time = |word: &str| semantic.evaluation(semantic.reference_at(find(word, 0)).unwrap());
        for word in ["deco", "Hint", "default", "Result", "Base", "Field", "value", "module_level"]
        {
            assert_eq!(time(word), Evaluation::Definition, "{word}");
        }
        for word in ["body", "inside"] {
            assert_eq!(time(word), Evaluation::Call, "{word}");
        }
        assert_eq!(time("Local"), Evaluation::Never, "a local annotation is never evaluated");
        let body = semantic.reference_at(find("body", 1)).unwrap();
        assert_eq!(semantic.evaluation(body), Evaluation::Call, "a comprehension in a function");
        assert!(semantic.runs_at_import(semantic.reference_at(find("Hint", 0)).unwrap()));
        assert!(!semantic.runs_at_import(semantic.reference_at(find("inside", 0)).unwrap()));
    });
    let future = "from __future__ import annotations\ndef f(x: Hint = default) -> Result:\n    pass\nv: Var = 1\n";
    with_model(future, |semantic, find| {
        assert!(semantic.future_annotations());
        let time = |word: &str| semantic.evaluation(semantic.reference_at(find(word, 0)).unwrap());
        assert_eq!(time("Hint"), Evaluation::Never);
        assert_eq!(time("Result"), Evaluation::Never);
        assert_eq!(time("Var"), Evaluation::Never);
        assert_eq!(time("default"), Evaluation::Definition);
    });
}

#[test]
fn references_resolve_to_the_binding_they_see() {
    let source = "x = 1\nprint(x)\nx = 2\nprint(x)\ndef f():\n    return x\nfor i in r:\n    print(i)\nx = x + 1\n";
    with_model(source, |semantic, find| {
        let seen = |nth: usize| {
            let reference = semantic.reference_at(find("x", nth)).unwrap();
            let binding = semantic.resolved_binding(reference).unwrap();
            semantic.binding(binding).name.start_byte()
        };
        assert_eq!(seen(1), 0, "the first print sees x = 1");
        assert_eq!(seen(3), find("x", 2).start_byte(), "the second sees x = 2");
        assert_eq!(seen(4), find("x", 5).start_byte(), "f, called later, sees the last");
        assert_eq!(seen(6), find("x", 2).start_byte(), "`x = x + 1` reads the x before");
        let second = semantic.binding_at(find("x", 2)).unwrap();
        assert_eq!(semantic.references_of(second).len(), 2);
        let symbol = semantic.binding(second).symbol;
        assert_eq!(semantic.bindings_of(symbol).len(), 3);
        assert_eq!(semantic.references_to(symbol).len(), 4);
    });
}

#[test]
fn entry_points() {
    with_model("def main():\n    pass\nif __name__ == '__main__':\n    main()\n", |semantic, _| {
        assert!(semantic.is_entry_point());
    });
    with_model("if \"__main__\" == __name__:\n    pass\n", |semantic, _| {
        assert!(semantic.is_entry_point())
    });
    with_model("def f():\n    if __name__ == '__main__':\n        pass\n", |semantic, _| {
        assert!(!semantic.is_entry_point());
    });
    with_named_model("run()\n", "__main__.py", |semantic, _| assert!(semantic.is_entry_point()));
}

#[test]
fn scope_of_a_definition() {
    with_model("def f():\n    g = lambda: [x for x in y]\n", |semantic, find| {
        let function = find("f", 0).parent().unwrap();
        let scope = semantic.scope_of_definition(function).unwrap();
        assert_eq!(semantic.scope(scope).kind, ScopeKind::Function);
        let lambda = find("lambda", 0).parent().unwrap();
        let lambda_scope = semantic.scope_of_definition(lambda).unwrap();
        assert_eq!(semantic.scope(lambda_scope).parent, Some(scope));
        assert_eq!(semantic.ancestor_scopes(lambda_scope).count(), 3);
    });
}

#[test]
fn odd_code_does_not_panic() {
    let sources = [
        "global x\nnonlocal y\n",
        "def f():\n    nonlocal z\n    z = 1\n",
        "class C:\n    global g\n    g = 1\n    nonlocal h\n",
        "def f[T: int, *Ts, **P](x: T) -> T:\n    return x\nclass C[T]:\n    pass\ntype Alias[T] = list[T]\n",
        "from m import *\nfrom . import *\n",
        "x = [[[[y for y in z] for z in w] for w in v] for v in u]\n",
        "f = lambda: (yield)\n",
        "def f():\n    global f\n    def f(): pass\n",
        "match x:\n    case {\"k\": v, **rest}:\n        pass\n    case _:\n        pass\n",
        "for x.y[0] in z:\n    del x.y, (a, b)\n",
        "with a as (b, c), d as e.f:\n    pass\n",
        "try:\n    pass\nexcept* (A, B) as group:\n    pass\n",
        "",
        "\u{feff}x = 1\n",
    ];
    for source in sources {
        let module =
            Module::parse(source, "t.py").unwrap_or_else(|err| panic!("{source:?}: {err}"));
        let semantic = Semantic::new(&module);
        assert!(!semantic.scopes().is_empty());
        for index in 0..semantic.references().len() {
            let id = ReferenceId::new(index);
            let _ = (semantic.evaluation(id), semantic.resolved_binding(id));
            let _ = semantic.qualified_name(semantic.reference(id).node);
        }
        let _ = semantic.top_level_binding("x");
    }
}

/// Deep nesting is legal Python; nothing here may recurse on it. Runs on a
/// thread with a small stack so that recursion would show. (tree-sitter-python
/// itself gives up on blocks nested much deeper than 500: such a file is a
/// syntax error for pyfix, reported and skipped.)
#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let mut nested_blocks = String::new();
    for depth in 0..500 {
        nested_blocks.push_str(&" ".repeat(depth));
        nested_blocks.push_str(&format!("def f{depth}(a{depth}=x):\n"));
    }
    nested_blocks.push_str(&" ".repeat(500));
    nested_blocks.push_str("return a0 + x\n");
    let brackets = format!("y = {}x{}\n", "(".repeat(5000), ")".repeat(5000));
    let attributes = format!("import os\nz = os{}\n", ".path".repeat(5000));
    let lambdas = format!("g = {}x\n", "lambda: ".repeat(1000));
    let comprehensions = format!("h = {}x{}\n", "[".repeat(500), " for x in y]".repeat(500));
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            for source in [nested_blocks, brackets, attributes, lambdas, comprehensions] {
                let module = Module::parse(&source, "deep.py").unwrap();
                let semantic = Semantic::new(&module);
                let last = semantic.references().len() - 1;
                let reference = semantic.reference(ReferenceId::new(last));
                let _ = semantic.qualified_name(reference.node);
                let _ = semantic.evaluation(ReferenceId::new(last));
                assert!(!semantic.scopes().is_empty());
            }
        })
        .unwrap();
    handle.join().expect("no stack overflow");
}

/// The names each string annotation reads, as `name -> scope kind it resolves in`
/// (`None` for builtins and undefined names).
fn string_reads(semantic: &Semantic<'_>) -> Vec<(String, Option<ScopeKind>)> {
    semantic
        .string_names()
        .iter()
        .map(|read| {
            let scope =
                read.symbol.map(|symbol| semantic.scope(semantic.symbol(symbol).scope).kind);
            (read.name.to_string(), scope)
        })
        .collect()
}

#[test]
fn string_annotations_read_names() {
    let source = "import pandas as pd\nfrom typing import Literal, Annotated\n\
                  def f(df: \"pd.DataFrame\", mode: Literal[\"fast\"], n: Annotated[int, \"n\"]) -> \"Optional[np.ndarray]\":\n    \
                  local: \"pd.Series\" = df\n    label = f\"{pd}\"\n\
                  x: 'the count of things' = 1\n";
    with_model(source, |semantic, find| {
        assert_eq!(
            string_reads(semantic),
            vec![
                ("pd".to_string(), Some(ScopeKind::Module)),
                ("Optional".to_string(), None),
                ("np".to_string(), None),
                ("pd".to_string(), Some(ScopeKind::Module)),
            ]
        );
        // Offsets are the file's; the symbol groups them.
        let first = &semantic.string_names()[0];
        assert_eq!(&source[first.range.clone()], "pd");
        let pd = semantic.binding(semantic.binding_at(find("pd", 0)).unwrap()).symbol;
        assert_eq!(semantic.string_names_to(pd).count(), 2);
        // The f-string's replacement field is code: a plain reference.
        assert_eq!(semantic.references_to(pd).len(), 1);
    });
}

/// The scope of the function `def name`.
fn function_scope(semantic: &Semantic<'_>, name: &str) -> ScopeId {
    let module = semantic.module();
    (0..semantic.scopes().len())
        .map(ScopeId::new)
        .find(|&id| {
            let scope = semantic.scope(id);
            scope.kind == ScopeKind::Function
                && scope.node.child_by_field_name("name").map(|n| module.text(n)) == Some(name)
        })
        .unwrap_or_else(|| panic!("no def {name}"))
}

/// Whether the function named `name` runs while the module is imported.
fn function_runs(semantic: &Semantic<'_>, name: &str) -> bool {
    semantic.scope_runs_at_import(function_scope(semantic, name))
}

#[test]
fn functions_run_at_import_when_module_level_code_runs_them() {
    let source = "\
def setup():
    helper()
def helper():
    pass
def factory(arg):
    def decorate(function):
        return function
    return decorate
def decorator(function):
    def wrapper():
        pass
    return wrapper
def key(item):
    return item
class App:
    def __init__(self):
        self.load()
    def load(self):
        pass
    def unused(self):
        pass
def lazy():
    pass
def main():
    pass
setup()
@factory(1)
@decorator
def decorated():
    pass
app = App()
ordered = sorted([], key=key)
handlers = {'lazy': lazy}
if __name__ == '__main__':
    main()
";
    with_model(source, |semantic, find| {
        for name in
            ["setup", "helper", "factory", "decorate", "decorator", "key", "__init__", "load"]
        {
            assert!(function_runs(semantic, name), "{name} runs at import");
        }
        for name in ["wrapper", "decorated", "unused", "lazy", "main"] {
            assert!(!function_runs(semantic, name), "{name} does not run at import");
        }
        let setup = function_scope(semantic, "setup");
        let trigger = semantic.import_trigger(setup).unwrap();
        assert_eq!(semantic.reference(trigger).node.start_byte(), find("setup", 1).start_byte());
        // Module-level code runs at import, except in the `__main__` block.
        assert!(semantic.runs_at_import_time(find("sorted", 0)));
        assert!(!semantic.runs_at_import_time(find("main", 1)));
        assert!(!semantic.runs_at_import_time(find("pass", 5)));
        // What the `__main__` block runs.
        let guard = semantic.main_guards()[0];
        let run: Vec<ScopeId> = semantic.scopes_run_from(guard);
        assert_eq!(run, vec![function_scope(semantic, "main")]);
    });
}

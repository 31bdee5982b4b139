use super::*;
use crate::rule::settings::Settings;
use crate::semantic::Semantic;

fn rule(extra: impl FnOnce(&mut Spec)) -> Rule {
    let mut spec = Spec {
        id: "r".into(),
        code: "ACME1".into(),
        message: "call of $F".into(),
        pattern: "$F($ARG)".into(),
        ..Spec::default()
    };
    extra(&mut spec);
    Rule::compile(spec).expect("a rule")
}

/// The findings' messages and the text each fix leaves.
fn run(rule: &Rule, source: &str) -> Vec<(String, Option<String>)> {
    let module = Module::parse(source, "t.py").expect("parse");
    let semantic = Semantic::new(&module);
    let settings = Settings::default();
    let context = Context { module: &module, semantic: &semantic, settings: &settings };
    rule.check(&context)
        .into_iter()
        .map(|diagnostic| {
            let fixed = diagnostic.fix.map(|fix| {
                let mut text = source.to_string();
                let mut edits = fix.edits;
                edits.sort_by_key(|edit| std::cmp::Reverse(edit.range.start));
                for edit in edits {
                    text.replace_range(edit.range, &edit.replacement);
                }
                text
            });
            (diagnostic.message, fixed)
        })
        .collect()
}

#[test]
fn messages_name_the_captures() {
    let found = run(&rule(|_| {}), "f(1)\ng(\n  2)\nh(1, 2)\n");
    let messages: Vec<&str> = found.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(messages, vec!["call of f", "call of g"]);
}

#[test]
fn constraints_filter_matches() {
    let by_kind = rule(|spec| {
        spec.constraints.push((
            "ARG".into(),
            ConstraintSpec { kind: vec!["string".into()], ..Default::default() },
        ))
    });
    assert_eq!(run(&by_kind, "f('a')\nf(1)\n").len(), 1);
    let by_regex = rule(|spec| {
        spec.constraints
            .push(("F".into(), ConstraintSpec { regex: Some("^re_".into()), ..Default::default() }))
    });
    assert_eq!(run(&by_regex, "re_a(1)\nb(1)\n").len(), 1);
    let by_name = rule(|spec| {
        spec.constraints.push((
            "F".into(),
            ConstraintSpec { qualified_name: vec!["requests.get".into()], ..Default::default() },
        ))
    });
    assert_eq!(run(&by_name, "from requests import get as fetch\nfetch(url)\nget(url)\n").len(), 1);
    let outside_try = rule(|spec| spec.not_inside = vec!["try_statement".into()]);
    assert_eq!(run(&outside_try, "try:\n    f(1)\nexcept E:\n    pass\ng(1)\n").len(), 1);
}

#[test]
fn a_fix_edits_only_what_changes_and_keeps_captured_text() {
    let renamed = rule(|spec| {
        spec.message = "m".into();
        spec.pattern = "old($$$ARGS)".into();
        spec.fix = Some("new($$$ARGS)".into());
    });
    let found = run(&renamed, "old(\n    a,  # why\n    b,\n)\n");
    assert_eq!(found[0].1.as_deref(), Some("new(\n    a,  # why\n    b,\n)\n"));
    let wrapped = rule(|spec| {
        spec.message = "m".into();
        spec.pattern = "old($X)".into();
        spec.fix = Some("new(\n    $X,\n    extra,\n)".into());
    });
    let found = run(&wrapped, "if x:\n\tr = old(1)\n");
    assert_eq!(found[0].1.as_deref(), Some("if x:\n\tr = new(\n\t\t1,\n\t\textra,\n\t)\n"));
    // Where the template has the pattern's shape, only what differs is
    // edited: a multi-line call keeps its layout.
    let keyword = rule(|spec| {
        spec.message = "m".into();
        spec.pattern = "$F($$$A, old=$V, $$$B)".into();
        spec.fix = Some("$F($$$A, new=$V, $$$B)".into());
    });
    let found = run(&keyword, "call(a,\n     old=1,  # c\n     b=2)\n");
    assert_eq!(found[0].1.as_deref(), Some("call(a,\n     new=1,  # c\n     b=2)\n"));
}

#[test]
fn an_unsatisfied_import_withdraws_the_fix_not_the_finding() {
    let with_import = rule(|spec| {
        spec.message = "m".into();
        spec.pattern = "$D.utcnow()".into();
        spec.fix = Some("$D.now(UTC)".into());
        spec.add_imports = vec!["from datetime import UTC".into()];
    });
    // `UTC` and `datetime` both mean something else here.
    let found = run(&with_import, "UTC = 1\ndatetime = 2\nx.utcnow()\n");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, None);
}

#[test]
fn placeholders_in_a_template_satisfy_constraints() {
    let spec = Spec {
        id: "r".into(),
        code: "ACME1".into(),
        message: "m".into(),
        pattern: "f($X)".into(),
        fix: Some("f(g($X))".into()),
        constraints: vec![(
            "X".into(),
            ConstraintSpec { kind: vec!["identifier".into()], ..Default::default() },
        )],
        ..Spec::default()
    };
    // `g($X)` is a call, not an identifier: the output cannot match again.
    assert!(Rule::compile(spec.clone()).is_ok());
    let unconstrained = Spec { constraints: Vec::new(), ..spec };
    let err = Rule::compile(unconstrained).err().expect("an error");
    assert!(err.message.contains("matches the pattern again"), "{}", err.message);
}

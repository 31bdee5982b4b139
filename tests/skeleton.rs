//! Skeleton plans for the real rules: which bodies each rule's
//! prefilter lets the planner blank (see `pyfix::syntax::skeleton` and
//! `pyfix::engine::plan`).

use pyfix::engine::plan::{Plan, matching_rules, plan};
use pyfix::rule::{FileInfo, Settings};
use pyfix::syntax::scan::scan;
use pyfix::syntax::skeleton::{MAX_SKIPPED, MIN_SKIPPED_BYTES};
use pyfix::transforms::ALL;

fn plan_of(source: &str) -> Plan {
    let settings = Settings::default();
    let file = FileInfo { file_name: "example.py", settings: &settings };
    let scan = scan(source.as_bytes());
    plan(&scan, &matching_rules(&scan, ALL, &file), &file)
}

/// The skeleton's text; fails the test if the plan is anything else.
fn skeleton_of(source: &str) -> String {
    match plan_of(source) {
        Plan::Skeleton(skeleton) => skeleton.text,
        other => panic!("expected a skeleton, got {other:?}"),
    }
}

#[test]
fn only_long_blanks_are_skipped_and_at_most_max_skipped_of_them() {
    let long_body =
        format!("    total = 0\n{}    return total\n", "    total += len(str(total))\n".repeat(12));
    let mut source = String::from("def loud(x=[]):\n    return x\n\n");
    for index in 0..MAX_SKIPPED + 10 {
        source.push_str(&format!(
            "def long_{index}(a):\n{long_body}\ndef short_{index}(a):\n    return a\n\n"
        ));
    }
    let Plan::Skeleton(skeleton) = plan_of(&source) else { panic!("expected a skeleton") };
    assert_eq!(skeleton.skipped.len(), MAX_SKIPPED);
    assert!(skeleton.skipped.iter().all(|range| range.len() >= MIN_SKIPPED_BYTES));
    assert!(skeleton.skipped.windows(2).all(|pair| pair[0].end <= pair[1].start));
    assert!(!skeleton.text.contains("return a\n"), "short bodies are still blanked");
}

#[test]
fn bodies_without_a_trigger_are_blanked_in_place() {
    let source = "import os\n\ndef quiet(a):\n    # just a comment\n    return os.path.join(a, 'x')\n\ndef loud(x=[]):\n    return x\n";
    let skeleton = skeleton_of(source);
    assert_eq!(skeleton.len(), source.len());
    assert_eq!(skeleton.lines().count(), source.lines().count());
    assert!(skeleton.contains("def quiet(a):\n    # just a comment\n    ...   "));
    assert!(!skeleton.contains("os.path.join"));
    assert!(skeleton.contains("def loud(x=[]):\n    return x\n"));
}

#[test]
fn a_one_line_body_is_blanked_on_its_line() {
    let source = "def quiet(): return 1\ndef loud(x={}): return x\n";
    let skeleton = skeleton_of(source);
    assert_eq!(skeleton, "def quiet(): ...     \ndef loud(x={}): return x\n");
}

#[test]
fn a_file_no_rule_can_match_is_not_parsed() {
    assert_eq!(plan_of("def f(x):\n    return x\n"), Plan::NothingToFind);
}

#[test]
fn a_module_level_import_can_make_a_body_match() {
    // `D()` is a mutable default only because of the import above it.
    let source = "from collections import deque as D\n\ndef f(x=D()):\n    return x\n\ndef g(y):\n    return y + 1\n";
    let skeleton = skeleton_of(source);
    assert!(skeleton.contains("def f(x=D()):\n    return x\n"));
    assert!(!skeleton.contains("y + 1"));
}

#[test]
fn a_body_declaring_a_global_is_kept() {
    let source = "def setup():\n    global log\n    log = 1\n\ndef f(x=[]):\n    return x\n";
    assert!(matches!(plan_of(source), Plan::Whole(_)));
}

#[test]
fn a_body_with_a_suppression_comment_is_kept_for_the_rule_that_judges_them() {
    let source =
        "def quiet():\n    a = 1  # noqa: PF001\n    return a\n\ndef f(x=[]):\n    return x\n";
    assert!(matches!(plan_of(source), Plan::Whole(_)));
}

#[test]
fn a_body_too_short_for_an_ellipsis_is_kept() {
    let source = "def quiet(): x\ndef f(x=[]):\n    return x\n";
    assert!(matches!(plan_of(source), Plan::Whole(_)));
}

/// An entry point with a heavy import needs every body: any function may
/// parse the arguments, leave early, or call the one that uses the import
/// (and a use in an f-string or a string annotation is no name a scan sees).
#[test]
fn eager_cli_import_keeps_every_body_of_an_entry_point() {
    let source = "import numpy as np\nfrom pandas import DataFrame\n\ndef main():\n    return np.zeros(3)\n\n\
                  def table():\n    return DataFrame()\n\ndef quiet():\n    return 1\n\nif __name__ == '__main__':\n    main()\n";
    match plan_of(source) {
        Plan::Whole(_) => {}
        Plan::Skeleton(skeleton) => {
            assert!(skeleton.text.contains("    return np.zeros(3)\n"));
            assert!(skeleton.text.contains("    return DataFrame()\n"));
            assert!(skeleton.text.contains("    return 1\n"), "every body is kept");
        }
        Plan::NothingToFind => panic!("PF005 may match an entry point with a heavy import"),
    }
}

#[test]
fn del_cleanup_keeps_the_bodies_that_relate_classes() {
    let source = "class Base:\n    def close(self):\n        self.done = True\n\n\
                  def factory():\n    class Made(Base):\n        pass\n    return Made\n\n\
                  def quiet():\n    return 1\n\n\
                  class Leaky(Base):\n    def read(self):\n        return 2\n\n    def __del__(self):\n        self.handle.release()\n";
    let skeleton = skeleton_of(source);
    assert!(
        skeleton.contains("class Base:\n    def close(self):\n        self.done = True\n"),
        "a method's body is kept: what it assigns on `self` and releases matters"
    );
    assert!(skeleton.contains("    class Made(Base):\n"), "a class defined in a function is kept");
    assert!(!skeleton.contains("return 1"), "an unrelated function is blanked");
    assert!(skeleton.contains("    def read(self):\n        return 2\n"), "methods are kept");
    assert!(skeleton.contains("        self.handle.release()\n"), "__del__ itself is kept");
}

#[test]
fn decorators_and_headers_stay() {
    let source = "@cache\nasync def quiet(a: int = 1) -> int:\n    return a\n\nclass Loud:\n    def f(self, x=[]):\n        return x\n";
    let skeleton = skeleton_of(source);
    assert!(skeleton.starts_with("@cache\nasync def quiet(a: int = 1) -> int:\n    ...     \n"));
    assert!(skeleton.ends_with("class Loud:\n    def f(self, x=[]):\n        return x\n"));
}

#[test]
fn a_kept_class_is_looked_into_method_by_method() {
    let source = "class Service:\n    retries = 3\n\n    def quiet(self):\n        return self.retries\n\n    def loud(self, seen=[]):\n        return seen\n";
    let skeleton = skeleton_of(source);
    assert!(skeleton.contains("    retries = 3\n\n    def quiet(self):\n        ...   "));
    assert!(!skeleton.contains("self.retries"));
    assert!(skeleton.ends_with("    def loud(self, seen=[]):\n        return seen\n"));
}

#[test]
fn a_function_around_a_closure_is_kept_whole() {
    let source = "def outer():\n    for i in range(3):\n        def inner():\n            return i\n        yield inner\n\ndef quiet():\n    return 1\n";
    let skeleton = skeleton_of(source);
    assert!(skeleton.starts_with(&source[..source.find("def quiet").unwrap()]));
}

#[test]
fn a_loop_variable_read_only_in_an_f_string_keeps_its_function() {
    // Found in numpy's tests: the capture of `sfx` hides in the f-string.
    let source = "def quiet():\n    return 1\n\ndef test():\n    for sfx in names:\n        vcb = lambda i: f\"{i}_{sfx}\"\n        run(vcb)\n";
    let skeleton = skeleton_of(source);
    assert!(skeleton.ends_with(&source[source.find("def test").unwrap()..]));
}

#[test]
fn a_global_declared_in_one_function_is_seen_by_the_others() {
    // `D` is `collections.deque` for `work`'s default only through `setup`'s `global`.
    let body = "    total = 0\n".repeat(40);
    let source = format!(
        "def setup():\n    global D\n    from collections import deque as D\n\n\
         def work(y=D()):\n{body}    y.append(total)\n\n\
         def other():\n{body}    return total\n"
    );
    let skeleton = skeleton_of(&source);
    assert!(skeleton.contains("def work(y=D()):\n    total = 0\n"), "{skeleton}");
    assert!(!skeleton.contains("return total"), "an unrelated body is still blanked");
}

/// A module-level function whose signature nothing else reads loses it with
/// its body: `():...` stands after its name, the rest is blank.
#[test]
fn a_signature_nothing_reads_is_blanked_with_its_body() {
    let source = "def loud(x=[]):\n    return x\n\n\
                  def quiet(first, b=None, *rest, c=-1, **options):\n    return first\n";
    let skeleton = skeleton_of(source);
    assert_eq!(skeleton.len(), source.len());
    assert_eq!(skeleton.lines().count(), source.lines().count());
    assert!(skeleton.contains("\ndef quiet():...     "), "{skeleton}");
    assert!(!skeleton.contains("b=None") && !skeleton.contains("return first"));
}

/// Where a rule may read a signature, or the module's indentation is read
/// from the function, the signature stays and only the body is blanked.
#[test]
fn signatures_stay_where_something_may_read_them() {
    let kept = [
        "def first_spans_lines(alpha):\n    ...",
        "def called(alpha):\n    ...",
        "@cache\ndef decorated(alpha):\n    ...",
        "def annotated(alpha: int):\n    ...",
        "def returns(alpha) -> int:\n    ...",
        "def named_default(alpha=SENTINEL):\n    ...",
        "def string_default(alpha=\"x\"):\n    ...",
        "def call_default(alpha=f()):\n    ...",
    ];
    let mut source = String::new();
    for header in kept {
        let header = header.trim_end_matches('.');
        source.push_str(&format!("{header}return alpha\n\n"));
    }
    source.push_str("class OneLine(Base): value = 1\n\n");
    source.push_str(
        "def caller(alpha):\n    return called(alpha)\n\ndef loud(x=[]):\n    return x\n",
    );
    let skeleton = skeleton_of(&source);
    for header in kept {
        assert!(skeleton.contains(header), "{header} in {skeleton}");
    }
    assert!(skeleton.contains("class OneLine(Base): ...      \n"), "a class keeps its bases");
    assert!(skeleton.contains("\ndef caller():...  \n"), "{skeleton}");
}

/// A custom rule's pattern may match any code, stand-ins too: with one
/// among the rules, every signature stays.
#[test]
fn signatures_stay_when_asked() {
    use pyfix::syntax::skeleton::{Signatures, skeleton_within};
    let source = "def first(alpha):\n    return alpha\n\ndef second(alpha):\n    return alpha\n";
    let scanned = scan(source.as_bytes());
    let blank_all = |signatures| {
        skeleton_within(&scanned, &mut |_| false, None, signatures).map(|skeleton| skeleton.text)
    };
    let kept = "def first(alpha):\n    ...         \n\ndef second(alpha):\n    ...         \n";
    let blanked = "def first(alpha):\n    ...         \n\ndef second():...  \n                \n";
    assert_eq!(blank_all(Signatures::Keep).as_deref(), Ok(kept));
    assert_eq!(blank_all(Signatures::Blank).as_deref(), Ok(blanked));
}

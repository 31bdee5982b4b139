//! Suppression comments end to end: a suppressed finding is neither
//! reported nor fixed, and PF100 reports the comments that suppress nothing.

mod support;

use support::*;

#[test]
fn a_suppressed_finding_is_neither_reported_nor_fixed() {
    let files = [
        (
            "noqa.py",
            "def add(item, items=[]):  # noqa: PF001\n    items.append(item)\n    return items\n",
        ),
        (
            "bare_noqa.py",
            "def add(item, items=[]):  # noqa\n    items.append(item)\n    return items\n",
        ),
        (
            "by_name.py",
            "def add(item, items=[]):  # pyfix: ignore[mutable-default]\n    items.append(item)\n    return items\n",
        ),
        (
            "bare.py",
            "def add(item, items=[]):  # pyfix: ignore\n    items.append(item)\n    return items\n",
        ),
        (
            "whole.py",
            "#!/usr/bin/env python3\n# pyfix: ignore-file\ndef add(item, items=[]):\n    items.append(item)\n    return items\n",
        ),
        (
            "other_code.py",
            "def add(item, items=[]):  # noqa: E501\n    items.append(item)\n    return items\n",
        ),
    ];
    let dir = project(&files);
    let out = pyfix(dir.path(), &["--write", "--unsafe-fixes"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    for (name, text) in &files[..5] {
        assert_eq!(read(dir.path(), name), *text, "{name} must be left alone");
    }
    assert!(
        read(dir.path(), "other_code.py").contains("items=None"),
        "another tool's code suppresses nothing"
    );
}

#[test]
fn the_directive_goes_where_the_finding_starts() {
    let source = "def add(\n    item,\n    items=[],  # noqa: PF001\n):\n    items.append(item)\n    return items\n\n\ndef other(  # noqa: PF001\n    items=[],\n):\n    items.append(1)\n    return items\n";
    let dir = project(&[("a.py", source)]);
    let out = pyfix(dir.path(), &["--output-format", "concise"]);
    let text = stdout(&out);
    assert!(text.contains("a.py:9:13: PF100"), "the directive on the `def` line is unused: {text}");
    assert!(text.contains("a.py:10:11: PF001"), "{text}");
    assert!(!text.contains("a.py:3:"), "{text}");
}

#[test]
fn unused_suppressions_are_reported_and_removed_by_a_safe_fix() {
    let source = "def add(item, items=None):  # noqa: PF001, E501\n    return items\n\n\nx = 1  # pyfix: ignore[PF999]\n";
    let dir = project(&[("a.py", source)]);
    let out = pyfix(dir.path(), &[]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(
        text.contains("a.py:1:29: PF100 [*] unused `noqa` directive (unused: `PF001`)"),
        "{text}"
    );
    assert!(
        text.contains("a.py:5:8: PF100 [*] unused `pyfix: ignore` (unknown: `PF999`)"),
        "{text}"
    );
    let out = pyfix(dir.path(), &["--write"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(
        read(dir.path(), "a.py"),
        "def add(item, items=None):  # noqa: E501\n    return items\n\n\nx = 1\n"
    );

    // Only the rules that ran are judged.
    let dir = project(&[("a.py", source)]);
    let out = pyfix(dir.path(), &["--select", "PF100", "--diff"]);
    let diff = stdout(&out);
    assert!(!diff.contains("-def add"), "PF001 did not run, so its code is not judged: {diff}");
    assert!(diff.contains("-x = 1  # pyfix: ignore[PF999]"), "{diff}");
}

//! Every fix kind against the places where tree-sitter and CPython disagree,
//! or where Python's grammar has a corner a fix could cut: tree-sitter
//! accepts `lambda **kw, i=i: 0`, a default before a non-default
//! parameter, `from x import *` inside a function, `return` in a class
//! body..., so the engine's re-parse cannot catch a fix that produces them.
//! Each case is valid Python; with all rules and unsafe fixes, CPython must
//! compile the output, and a second run must change nothing.

use std::path::Path;

use pyfix::cli::verify::{Verdict, Verifier};
use pyfix::engine;
use pyfix::rule::Applicability;
use pyfix::rule::settings::Settings;
use pyfix::transforms::REGISTRY;

/// (case, source). Grouped by the fix they exercise.
const CASES: &[(&str, &str)] = &[
    // PF001 mutable-default: where `x=None` and the guard go.
    (
        "pf001 positional-only and keyword-only",
        "def f(a=[], /, b={}, *, c=set()):\n    a.append(1); b[1] = 1; c.add(1)\n    return a, b, c\n",
    ),
    ("pf001 one-line body", "def f(a=[]): a.append(0); return a\n"),
    ("pf001 one-line body with semicolons", "def f(a=[]): a.append(1); return a\n"),
    ("pf001 docstring only", "def f(a=[]):\n    \"\"\"Doc.\"\"\"\n"),
    (
        "pf001 annotated",
        "def f(a: list[int] = [], *args: int, b: dict = {}, **kw: str) -> list:\n    a.append(1); b[1] = 2\n    return a, b\n",
    ),
    (
        "pf001 async decorated",
        "import functools\n@functools.cache\nasync def f(a=()):\n    return a\n\nasync def g(a=[]):\n    a.append(1)\n    return a\n",
    ),
    ("pf001 lambda default", "f = lambda a=[]: a\n"),
    (
        "pf001 nested def",
        "def outer():\n    def inner(a={}):\n        a[1] = 1\n        return a\n    return inner\n",
    ),
    ("pf001 tabs", "def f(a=[]):\n\tif a:\n\t\ta.pop()\n\t\treturn a\n\treturn None\n"),
    ("pf001 comment after colon", "def f(a=[]):  # note\n    a.append(1)\n    return a\n"),
    (
        "pf001 body starts with global",
        "X = 1\ndef f(a=[]):\n    global X\n    a.append(1)\n    X = a\n    return a\n",
    ),
    (
        "pf001 attribute across lines in brackets",
        "x = (str.\n    upper)\ny = str.\\\n    lower\ndef f(a=[]): a.append(1); return str.\\\n    upper(a)\n",
    ),
    ("pf001 generator", "def f(a=[]):\n    a.append(1)\n    yield from a\n    yield a\n"),
    (
        "pf001 comment at column 0 between a method's decorator and its def",
        "class A:\n    @staticmethod\n#    @other\n    def f(x=[]):\n        x.append(1)\n        return x\n",
    ),
    (
        "pf001 comment at column 0 inside a body, CRLF",
        "def f(a=[]):\r\n    if a:\r\n# off\r\n        a.pop()\r\n        return a\r\n    return None\r\n",
    ),
    // PF002 / PF003 / PF006: handlers.
    ("pf002 one-line handler", "try: x = 1\nexcept: pass\n"),
    (
        "pf002 handler in a loop with continue",
        "for i in range(3):\n    try:\n        x = i\n    except:\n        continue\n",
    ),
    ("pf002 re-raising handler", "try:\n    x = 1\nexcept:\n    x = 2\n    raise\n"),
    (
        "pf002 in a class body",
        "class C:\n    try:\n        import json\n    except:\n        json = None\n",
    ),
    (
        "pf002 with else and finally",
        "try:\n    x = 1\nexcept:\n    pass\nelse:\n    x = 2\nfinally:\n    x = 3\n",
    ),
    ("pf003 except star", "try:\n    x = 1\nexcept* ValueError:\n    pass\n"),
    (
        "pf003 ellipsis body",
        "import logging\ntry:\n    x = 1\nexcept Exception:  # TODO\n    ...\n",
    ),
    (
        "pf003 return in handler",
        "import logging\ndef f():\n    try:\n        return 1\n    except Exception:  # TODO\n        return None\n",
    ),
    (
        "pf003 future import first",
        "\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport logging\ntry:\n    x = 1\nexcept Exception:  # TODO\n    pass\n",
    ),
    (
        "pf006 error with exc_info",
        "import logging\ntry:\n    x = 1\nexcept ValueError as e:\n    logging.error('bad: %s', e)\n",
    ),
    (
        "pf006 error on a logger",
        "import logging\nlog = logging.getLogger(__name__)\ndef f():\n    try:\n        return 1\n    except OSError as err:\n        log.error(f'failed {err}')\n",
    ),
    // PF004 late-binding-closure: where `i=i` goes.
    ("pf004 lambda with **kw", "fs = []\nfor i in range(3):\n    fs.append(lambda **kw: i)\n"),
    ("pf004 lambda with *args", "fs = []\nfor i in range(3):\n    fs.append(lambda *a: i)\n"),
    (
        "pf004 lambda with *args and **kw",
        "fs = []\nfor i in range(3):\n    fs.append(lambda *a, **kw: i)\n",
    ),
    (
        "pf004 lambda with bare star",
        "fs = []\nfor i in range(3):\n    fs.append(lambda *, k: i + k)\n",
    ),
    ("pf004 lambda with slash", "fs = []\nfor i in range(3):\n    fs.append(lambda a, /: i + a)\n"),
    ("pf004 lambda without parameters", "fs = [lambda: i for i in range(3)]\n"),
    (
        "pf004 def with defaults",
        "fs = []\nfor n in range(3):\n    def f(x, scale=10):\n        return x * scale + n\n    fs.append(f)\n",
    ),
    (
        "pf004 def with keyword-only",
        "fs = []\nfor n in range(3):\n    def f(x, *, scale):\n        return x * scale + n\n    fs.append(f)\n",
    ),
    (
        "pf004 def with **kw only",
        "fs = []\nfor n in range(3):\n    def f(**kw):\n        return n\n    fs.append(f)\n",
    ),
    ("pf004 tuple target", "fs = []\nfor k, v in {1: 2}.items():\n    fs.append(lambda: (k, v))\n"),
    ("pf004 nested comprehension", "fs = [lambda: (i, j) for i in range(2) for j in range(2)]\n"),
    (
        "pf004 async def",
        "fs = []\nfor n in range(3):\n    async def f():\n        return n\n    fs.append(f)\n",
    ),
    // PF005 eager-cli-import: moving imports into functions.
    (
        "pf005 function with global",
        "import json\nX = None\ndef main():\n    global X\n    X = json.dumps({})\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf005 star import stays",
        "from json import *\ndef main():\n    return dumps({})\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf005 one-line function",
        "import json\ndef main(): return json.dumps({})\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf005 docstring function",
        "import json\ndef main():\n    \"\"\"Doc.\"\"\"\n    return json.dumps({})\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf005 future import",
        "from __future__ import annotations\nimport json\ndef main():\n    return json.dumps({})\nif __name__ == '__main__':\n    main()\n",
    ),
    // PF007 del-cleanup.
    ("pf007 one-line del", "class R:\n    def __del__(self): self.h.close()\n"),
    (
        "pf007 only method with docstring",
        "class R:\n    \"\"\"Doc.\"\"\"\n    def __del__(self):\n        self.h.close()\n",
    ),
    (
        "pf007 tabs",
        "class R:\n\tdef __init__(self):\n\t\tself.h = None\n\n\tdef __del__(self):\n\t\tself.h.close()\n",
    ),
    (
        "pf007 nested class",
        "def f():\n    class R:\n        def __del__(self):\n            self.h.close()\n    return R\n",
    ),
    // Found by the fuzzer: code inserted after a line ending in `\` joins it.
    (
        "pf007 comment continuing a backslash line",
        "class C:\n    def open(self):\n        self.h = 1\n\\\n    # Release.\n    def __del__(self):\n        self.h.close()\n",
    ),
    (
        "pf007 continued line right above",
        "class C:\n    x = 1 + \\\n    2\n    def __del__(self):\n        self.h.close()\n",
    ),
    (
        "pf007 docstring and code on the def line",
        "class R:\n    def __del__(self): \"\"\"Doc.\"\"\"; self.h.close()\n",
    ),
    (
        "pf007 body continued from the def line",
        "class R:\n    def __del__(self): \\\n        self.h.close()\n",
    ),
    (
        "pf007 multi-line header with a comment",
        "import os\nclass R:\n    def __del__(self,  # why\n                _close=os.close):\n        _close(self.fd)\n",
    ),
    (
        "pf007 docstring then a comment",
        "class R:\n    def __del__(self):\n        \"\"\"Doc.\"\"\"  # note\n        # Release.\n        self.h.close()\n",
    ),
    (
        "pf003 import after a docstring continued by a backslash",
        "\"\"\"Doc.\"\"\"\\\n# c\nimport logging\ntry:\n    x = 1\nexcept Exception:  # TODO\n    pass\n",
    ),
    ("pf001 body starting with a backslash", "def f(a=[]):\n    \\\n    a.append(1); return a\n"),
    (
        "pf008 continued line inside the block",
        "def g(p):\n    f = open(p)\n    d = f.read() + \\\n    ''\n    f.close()\n    return d\n",
    ),
    // PF008 open-without-with.
    (
        "pf008 one-liners with semicolons",
        "def f(p):\n    fh = open(p); data = fh.read(); fh.close()\n    return data\n",
    ),
    (
        "pf008 in an else clause",
        "def f(p, q):\n    if q:\n        pass\n    else:\n        fh = open(p)\n        data = fh.read()\n        fh.close()\n        return data\n",
    ),
    (
        "pf008 comment between",
        "def f(p):\n    fh = open(p)\n    # read it all\n    data = fh.read()\n    fh.close()\n    return data\n",
    ),
    ("pf008 module level", "fh = open(__file__)\ndata = fh.read()\nfh.close()\n"),
    // PF009 blocking-call-in-coroutine: `await` goes in front of a statement.
    ("pf009 one-line body after a colon", "import time\nasync def f():\n    if 1: time.sleep(0)\n"),
    ("pf009 after a semicolon", "import time\nasync def f():\n    x = 1; time.sleep(x)\n"),
    (
        "pf009 callee in parentheses, argument on the next line",
        "import time as t\nasync def f():\n    (t.sleep)(\n        0)\n",
    ),
    (
        "pf009 file without a final newline",
        "from asyncio import gather\nfrom time import sleep\nasync def f():\n    sleep(0)",
    ),
    // PF012 debugger-leftover: removing a statement must leave a valid block.
    ("pf012 one-line if", "def f(x):\n    if x: breakpoint()\n    return x\n"),
    ("pf012 alone in a class body", "class C:\n    breakpoint()\n"),
    (
        "pf012 backslash continuation",
        "def f():\n    import pdb; \\\n        pdb.set_trace()\n    return 1\n",
    ),
    ("pf012 between semicolons", "def f(a):\n    a.x(); breakpoint(); a.y()\n"),
    ("pf012 trailing semicolon", "def f(a):\n    breakpoint();\n"),
    ("pf012 last line without newline", "x = 1\n\nbreakpoint()"),
    (
        "pf012 in an else of a for",
        "for i in []:\n    pass\nelse:\n    import pdb; pdb.set_trace()\n",
    ),
    ("pf012 nested ifs", "def f(a, b):\n    if a:\n        if b:\n            breakpoint()\n"),
    // PF015 leaking-patcher: where the cleanup line goes.
    (
        "pf015 old mac line endings, no newline at the end",
        "import unittest\rfrom unittest import mock\rclass T(unittest.TestCase):\r    def setUp(self):\r        self.m = mock.patch('os.getpid').start()  # c",
    ),
    (
        "pf015 start followed by a semicolon",
        "import unittest\nfrom unittest import mock\nclass T(unittest.TestCase):\n    def setUp(self):\n        p = mock.patch('os.getpid'); p.start(); x = 1\n",
    ),
    (
        "pf015 in a match case and an async method",
        "import unittest\nfrom unittest import mock\nclass T(unittest.IsolatedAsyncioTestCase):\n    async def asyncSetUp(self):\n        match 1:\n            case 1:\n                mock.patch(\n                    'os.getpid',\n                ).start()\n",
    ),
    // PF100 unused-suppression: removing a comment must not remove code.
    ("pf100 noqa after code", "x = 1  # noqa: PF001\n"),
    ("pf100 ignore on a continuation line", "x = (1,  # pyfix: ignore[PF002]\n     2)\n"),
];

fn python() -> Verifier {
    Verifier::start(Path::new("python3")).expect("the tests need python3")
}

fn settings() -> Settings {
    let mut settings = Settings::default();
    settings.heavy_modules.push("json".to_string());
    settings
}

#[test]
fn every_case_compiles_before_so_the_test_means_something() {
    let python = python();
    for (case, source) in CASES {
        assert_eq!(
            python.compile(case, source.as_bytes()),
            Ok(Verdict::Compiles),
            "{case}: not valid Python"
        );
    }
}

#[test]
fn every_fix_kind_compiles_under_cpython_and_settles() {
    let python = python();
    let settings = settings();
    let mut fixed_cases = 0;
    for (case, source) in CASES {
        let report = engine::process(
            source,
            "case.py",
            REGISTRY.select_all(),
            &settings,
            Some(Applicability::Unsafe),
        )
        .unwrap_or_else(|err| panic!("{case}: {err}"));
        let Some(fixed) = report.fixed else { continue };
        fixed_cases += 1;
        let verdict = python.compile(case, fixed.as_bytes()).unwrap();
        assert_eq!(verdict, Verdict::Compiles, "{case}: the fixed text does not compile:\n{fixed}");
        let again = engine::process(
            &fixed,
            "case.py",
            REGISTRY.select_all(),
            &settings,
            Some(Applicability::Unsafe),
        )
        .unwrap();
        assert!(again.fixed.is_none(), "{case}: a second run changed it again:\n{fixed}");
    }
    // Most cases exist to be fixed; if none were, the rules stopped firing.
    assert!(
        fixed_cases * 4 > CASES.len() * 3,
        "only {fixed_cases} of {} cases were fixed",
        CASES.len()
    );
}

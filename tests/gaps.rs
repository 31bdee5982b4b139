//! Every fix kind against the places where tree-sitter and CPython disagree,
//! or where Python's grammar has a corner a fix could cut: tree-sitter
//! accepts `lambda **kw, i=i: 0`, a default before a non-default
//! parameter, `from x import *` inside a function, `return` in a class
//! body..., so the engine's re-parse cannot catch a fix that produces them.
//! Each case is valid Python; with all rules and unsafe fixes, CPython must
//! compile the output, and a second run must change nothing. The cases of
//! the rules in `FIRING` must each be reported by their rule (the code in
//! the case's name), so that none of them tests nothing.

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
    // Found by the fuzzer: `import asyncio` in a class body, read (unbound) by a method; a module-level
    // import added by the fix would change what the method reads.
    (
        "pf009 import of asyncio in a class body read by a method",
        "import time\nasync def poll(job):\n    time.sleep(0.5)\nclass Holder:\n    import asyncio\n    async def refresh(self, client):\n        return asyncio.run(client.token())\n",
    ),
    // PF010 asyncio-run-in-coroutine: `asyncio.run(x)` becomes `await x`; the import goes when unused.
    (
        "pf010 one-line body after a colon",
        "import asyncio\nasync def c():\n    return 1\nasync def f(x):\n    if x: return asyncio.run(c())\n",
    ),
    (
        "pf010 one-line coroutine",
        "import asyncio\nasync def c():\n    return 1\nasync def f(): return asyncio.run(c())\n",
    ),
    (
        "pf010 after a semicolon",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    x = 1; y = asyncio.run(c()); return x, y\n",
    ),
    (
        "pf010 backslash continuation",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    x = \\\n        asyncio.run(c())\n    return x\n",
    ),
    // A comment or backslash inside the call would be lost: reported, not fixed.
    (
        "pf010 backslash inside the call",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    return asyncio.run( \\\n        c())\n",
    ),
    (
        "pf010 file without a final newline",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    return asyncio.run(c())",
    ),
    (
        "pf010 crlf",
        "import asyncio\r\nasync def c():\r\n    return 1\r\nasync def f():\r\n    return asyncio.run(c())\r\n",
    ),
    (
        "pf010 lone cr",
        "import asyncio\rasync def c():\r    return 1\rasync def f():\r    return asyncio.run(c())\r",
    ),
    (
        "pf010 tabs",
        "import asyncio\nasync def c():\n\treturn 1\nasync def f(x):\n\tif x:\n\t\treturn asyncio.run(c())\n",
    ),
    (
        "pf010 comment inside the call",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    return asyncio.run(  # why\n        c())\n",
    ),
    (
        "pf010 argument on lines of its own",
        "import asyncio\nasync def c():\n    return 1\nasync def g(a, b):\n    return a\nasync def f():\n    return asyncio.run(g(\n        1,\n        2,  # two\n    ))\n",
    ),
    // `await` binds looser than `.`, `[]` and calls: parentheses there...
    (
        "pf010 object of attribute, subscript and call",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    a = asyncio.run(c()).real\n    b = asyncio.run(c())[0]\n    d = asyncio.run(c())(1)\n    return a, b, d\n",
    ),
    // ...and tighter than `-`, `not`, `**` (either side), `*`: none there.
    (
        "pf010 unary minus and power",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    return -asyncio.run(c()), asyncio.run(c()) ** 2, 2 ** asyncio.run(c())\n",
    ),
    (
        "pf010 not, star and keyword argument",
        "import asyncio\nasync def c():\n    return 1\nasync def f(g):\n    return not asyncio.run(c()), g(*asyncio.run(c()), k=asyncio.run(c()))\n",
    ),
    // In replacement fields, with a conversion, a spec and `=`; `run` is nowhere else (the prefilter must read f-strings).
    (
        "pf010 f-string replacement fields",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    return f\"{asyncio.run(c())!r:>10} {asyncio.run(c())=}\"\n",
    ),
    // A lambda's body is not the coroutine's code (`await` is illegal there): left alone.
    (
        "pf010 in a lambda",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    g = lambda: asyncio.run(c())\n    return g, asyncio.run(c())\n",
    ),
    // A lambda's defaults, a nested def's decorators and defaults, and a class's bases run in the coroutine:
    // `await` is legal there (`@await x` from 3.9); the nested body and the class body are not async.
    (
        "pf010 in a lambda default",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    g = lambda x=asyncio.run(c()): x\n    return g\n",
    ),
    (
        "pf010 in comprehensions",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    return [asyncio.run(c()) for _ in range(2)], {asyncio.run(c()): 1 for _ in 'a' if asyncio.run(c())}\n",
    ),
    // `await` would make a generator expression async: no fix inside one; list, set and dict comprehensions are fine.
    (
        "pf010 generator expression",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    return list(asyncio.run(c()) for _ in 'a'), asyncio.run(c())\n",
    ),
    (
        "pf010 decorator and default of a nested def",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    @asyncio.run(c())\n    def g(x=asyncio.run(c())):\n        return asyncio.run(c())\n    return g\n",
    ),
    (
        "pf010 class body in a coroutine",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    class A(asyncio.run(c()).__class__):\n        x = asyncio.run(c())\n    return A\n",
    ),
    // A local annotation never runs (not reported); a parameter or return annotation runs but may not hold `await`
    // (a syntax error under `from __future__ import annotations` and from 3.14): reported, no fix.
    (
        "pf010 annotation",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    x: asyncio.run(c()) = 1\n    def g(a: asyncio.run(c())): pass\n    return x, g\n",
    ),
    // The import removed in every layout: aliased, sharing a line (with a comment), in parentheses, after a
    // semicolon (kept), alone in an `if` (kept), continued by a backslash, dotted.
    (
        "pf010 from asyncio import run as r",
        "from asyncio import run as r\nasync def c():\n    return 1\nasync def f():\n    return r(c())\n",
    ),
    (
        "pf010 from import sharing a line",
        "from asyncio import sleep, run  # why\nasync def f():\n    await sleep(0)\n    return run(sleep(0))\n",
    ),
    (
        "pf010 parenthesised from import",
        "from asyncio import (\n    run,  # to start\n    sleep,\n)\nasync def f():\n    return run(sleep(0))\n",
    ),
    (
        "pf010 import after a semicolon",
        "import os; import asyncio\nasync def f():\n    return asyncio.run(asyncio.sleep(0)), os\n",
    ),
    (
        "pf010 import alone in an if",
        "import sys\nif sys:\n    import asyncio\nasync def f():\n    return asyncio.run(c())\nasync def c():\n    return 1\n",
    ),
    (
        "pf010 import with a backslash",
        "from asyncio import \\\n    run\nasync def f(c):\n    return run(c())\n",
    ),
    // `await asyncio.run(x)`, with or without parentheses, becomes `await x`; a parenthesised argument keeps them.
    (
        "pf010 awaited call and parenthesised argument",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    return await asyncio.run(c()), await (asyncio.run(c())), asyncio.run((c()))\n",
    ),
    (
        "pf010 walrus and conditional",
        "import asyncio\nasync def c():\n    return 1\nasync def f(z):\n    if (y := asyncio.run(c())) if z else asyncio.run(c()):\n        return y\n",
    ),
    (
        "pf010 run_until_complete on the running loop",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    loop = asyncio.get_running_loop()\n    x = loop.run_until_complete(c()).real; y = asyncio.get_event_loop().run_until_complete(c())\n    return x, y\n",
    ),
    (
        "pf010 dotted import",
        "import asyncio.runners\nasync def f(c):\n    return asyncio.runners.run(c())\n",
    ),
    (
        "pf010 with and async for",
        "import asyncio\nasync def c():\n    return 1\nasync def f(m, it):\n    with m(asyncio.run(c())) as x:\n        async for i in it(asyncio.run(c())): pass\n    return x\n",
    ),
    // `(yield)` as the argument: `await (yield)`.
    (
        "pf010 return with yield in async generator",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    x = asyncio.run((yield))\n    yield x\n",
    ),
    (
        "pf010 annotations under from __future__",
        "from __future__ import annotations\nimport asyncio\nasync def c():\n    return int\nasync def f():\n    x: asyncio.run(c()) = 1\n    def g(a: asyncio.run(c())) -> asyncio.run(c()): pass\n    return x, g, asyncio.run(c())\n",
    ),
    (
        "pf010 call inside the argument of another",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    return asyncio.run(asyncio.wait_for(c(), 1))\n",
    ),
    (
        "pf010 semicolon after the call at the end of a file",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    asyncio.run(c());",
    ),
    // More statement and expression positions: `match` subject and guard, `yield`, a `for` iterable,
    // a nested format spec, `**`, an async comprehension, `run_until_complete` in a one-line `if`.
    (
        "pf010 match subject and guard",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    match asyncio.run(c()):\n        case 1 if asyncio.run(c()):\n            return 1\n",
    ),
    (
        "pf010 yield and for iterable",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    x = yield asyncio.run(c())\n    for i in asyncio.run(c()):\n        yield i\n",
    ),
    (
        "pf010 nested format spec and double star",
        "import asyncio\nasync def c():\n    return 1\nasync def f(x, g):\n    return f\"{x:{asyncio.run(c())}}\", g(**asyncio.run(c()))\n",
    ),
    (
        "pf010 loop variable run_until_complete in a one-line if",
        "import asyncio\nasync def c():\n    return 1\nasync def f():\n    loop = asyncio.get_event_loop(); r = 0\n    if loop: r = loop.run_until_complete(c())\n    return r\n",
    ),
    (
        "pf010 async comprehension with the call",
        "import asyncio\nasync def c():\n    return 1\nasync def f(it):\n    return [asyncio.run(c()) async for _ in it]\n",
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
    // PF013 fork-with-threads: a spawn context (`get_context("spawn").Pool`, `mp_context=`), `import multiprocessing` added.
    (
        "pf013 one-line body after a colon",
        "import multiprocessing, threading\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main(x):\n    threading.Thread(target=beat).start()\n    if x: multiprocessing.Process(target=work).start()\nif __name__ == '__main__':\n    main(1)\n",
    ),
    (
        "pf013 after semicolons on the def line",
        "import multiprocessing, threading\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main(): threading.Thread(target=beat).start(); p = multiprocessing.Process(target=work); p.start()\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 backslash before the attribute",
        "import multiprocessing\nimport threading\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    threading.Thread(target=beat).start()\n    p = multiprocessing \\\n        .Process(target=work)\n    p.start()\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 backslash after the dot",
        "import multiprocessing as mp\nimport threading\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    threading.Thread(target=beat).start()\n    p = mp.\\\n        Process(target=work)\n    p.start()\nif __name__ == '__main__':\n    main()\n",
    ),
    // `mp_context=` written as the call lays out its arguments, with the file's line endings and indentation.
    (
        "pf013 executor, file without a final newline",
        "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    with ThreadPoolExecutor() as t:\n        t.submit(beat)\n        with ProcessPoolExecutor() as p:\n            p.map(work, [1])\nif __name__ == '__main__':\n    main()",
    ),
    (
        "pf013 executor, crlf",
        "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\r\ndef work(n):\r\n    return n\r\ndef beat():\r\n    pass\r\ndef main():\r\n    with ThreadPoolExecutor() as t:\r\n        t.submit(beat)\r\n        with ProcessPoolExecutor(\r\n            max_workers=2,\r\n        ) as p:\r\n            p.map(work, [1])\r\nif __name__ == '__main__':\r\n    main()\r\n",
    ),
    (
        "pf013 executor, lone cr",
        "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\rdef work(n):\r    return n\rdef beat():\r    pass\rdef main():\r    with ThreadPoolExecutor() as t:\r        t.submit(beat)\r        with ProcessPoolExecutor(\r            max_workers=2\r        ) as p:\r            p.map(work, [1])\rif __name__ == '__main__':\r    main()\r",
    ),
    (
        "pf013 executor, tabs",
        "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\ndef work(n):\n\treturn n\ndef beat():\n\tpass\ndef main():\n\twith ThreadPoolExecutor() as t:\n\t\tt.submit(beat)\n\t\twith ProcessPoolExecutor(max_workers=2,\n\t\t\t\tinitializer=beat) as p:\n\t\t\tp.map(work, [1])\nif __name__ == '__main__':\n\tmain()\n",
    ),
    (
        "pf013 executor, comment after the last argument",
        "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    with ThreadPoolExecutor() as t:\n        t.submit(beat)\n        with ProcessPoolExecutor(max_workers=2  # two\n        ) as p:\n            p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 executor, trailing comma and comment",
        "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    with ThreadPoolExecutor() as t:\n        t.submit(beat)\n        with ProcessPoolExecutor(\n            max_workers=2,  # two\n            initializer=beat,\n        ) as p:\n            p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 executor, trailing comma on the argument's line",
        "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    with ThreadPoolExecutor() as t:\n        t.submit(beat)\n        with ProcessPoolExecutor(\n            2,) as p:\n            p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    // Reported without a fix: the comment is where the keyword would go.
    (
        "pf013 executor, comment only",
        "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    with ThreadPoolExecutor() as t:\n        t.submit(beat)\n        with ProcessPoolExecutor(  # default\n        ) as p:\n            p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 executor, backslash inside",
        "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    with ThreadPoolExecutor() as t:\n        t.submit(beat)\n        with ProcessPoolExecutor(2, \\\n        ) as p:\n            p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    // `*a` takes the keyword after it; `**kw` may hold `mp_context` (not reported).
    (
        "pf013 executor, star arguments",
        "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main(*a, **kw):\n    with ThreadPoolExecutor() as t:\n        t.submit(beat)\n        with ProcessPoolExecutor(*a) as p:\n            p.map(work, [1])\n        with ProcessPoolExecutor(**kw) as q:\n            q.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 executor, import after a docstring and future import",
        "\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport concurrent.futures as cf; import os\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    with cf.ThreadPoolExecutor() as t:\n        t.submit(beat)\n        with cf.ProcessPoolExecutor() as p:\n            p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 executor, assigned and shut down",
        "import concurrent.futures\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    t = concurrent.futures.ThreadPoolExecutor()\n    t.submit(beat)\n    p = concurrent.futures.ProcessPoolExecutor(max_workers=2,\n                                               )\n    p.submit(work, 1)\n    p.shutdown()\nif __name__ == '__main__':\n    main()\n",
    ),
    // `get_context` takes the place of `Pool` in the import (its only use) or joins it.
    (
        "pf013 from multiprocessing import Pool, Queue",
        "from multiprocessing import Pool, Queue\nimport threading\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    threading.Thread(target=beat).start()\n    with Pool(2) as p:\n        p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    // A queue made with the default context cannot be handed to a spawned child: no fix.
    (
        "pf013 from multiprocessing import Pool, Queue with Queue used",
        "from multiprocessing import Pool, Queue\nimport threading\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    threading.Thread(target=beat).start()\n    q = Queue()\n    with Pool(2) as p:\n        p.map(work, [q])\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 Pool used twice, parenthesised import with a comment",
        "from multiprocessing import (Pool,  # pools\n    cpu_count)\nimport threading\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    threading.Thread(target=beat).start()\n    with Pool(cpu_count()) as p:\n        p.map(work, [1])\n    with Pool(1) as q:\n        q.map(work, [2])\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 Pool imported with a backslash and an alias",
        "from multiprocessing import \\\n    Pool as P\nimport threading\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    threading.Thread(target=beat).start()\n    with P(2) as p:\n        p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 Process imported in a thread pool block",
        "from multiprocessing import Process\nfrom concurrent.futures import ThreadPoolExecutor\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    with ThreadPoolExecutor() as t:\n        t.submit(beat)\n        Process(target=work).start()\nif __name__ == '__main__':\n    main()\n",
    ),
    // Spawn imports the module again, which starts the thread again: no fix.
    (
        "pf013 import-time thread, pool on a decorated target",
        "import functools\nimport multiprocessing\nimport threading\n@functools.cache\ndef work(n):\n    return n\ndef beat():\n    pass\nthreading.Thread(target=beat, daemon=True).start()\ndef main():\n    with multiprocessing.Pool(initializer=beat) as p:\n        p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 pool in a one-line with",
        "import multiprocessing\nimport threading\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    threading.Thread(target=beat).start()\n    with multiprocessing.Pool(2) as p: p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 comment inside the Pool call",
        "import multiprocessing\nimport threading\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    threading.Thread(target=beat).start()\n    with multiprocessing.Pool(  # why\n        2,\n    ) as p:\n        p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    // Found by these cases: a backslash continuation inside the parentheses was taken for the last argument
    // (`(\` then `, mp_context=...`, a syntax error) or for a positional one (`Pool(\` then `2)`).
    (
        "pf013 executor, only a backslash inside",
        "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    with ThreadPoolExecutor() as t:\n        t.submit(beat)\n        with ProcessPoolExecutor(\\\n        ) as p:\n            p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 executor, backslash after the keyword",
        "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    with ThreadPoolExecutor() as t:\n        t.submit(beat)\n        with ProcessPoolExecutor(max_workers=2 \\\n        ) as p:\n            p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 executor, backslash before the keyword",
        "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    with ThreadPoolExecutor() as t:\n        t.submit(beat)\n        with ProcessPoolExecutor(\\\n            max_workers=2) as p:\n            p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 pool, backslash before the argument",
        "import multiprocessing, threading\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    threading.Thread(target=beat).start()\n    with multiprocessing.Pool(\\\n        2) as p:\n        p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    // The same for `import multiprocessing` added by the executor's fix.
    (
        "pf013 import of multiprocessing in a class body read by a method",
        "import threading\nfrom concurrent.futures import ProcessPoolExecutor\ndef work(n):\n    return n\nclass Jobs:\n    import multiprocessing\n    def cores(self):\n        return multiprocessing.cpu_count()\ndef main():\n    threading.Thread(target=print).start()\n    with ProcessPoolExecutor() as p:\n        p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    // Several fixes in one import: `get_context` added once, no overlapping removals.
    (
        "pf013 Pool and Process imported together, each used once",
        "from multiprocessing import Pool, Process\nimport threading\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    threading.Thread(target=beat).start()\n    Process(target=work).start()\n    with Pool(2) as p:\n        p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 Pool and an executor",
        "from multiprocessing import Pool\nfrom concurrent.futures import ProcessPoolExecutor\nimport threading\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    threading.Thread(target=beat).start()\n    with ProcessPoolExecutor() as e:\n        e.map(work, [1])\n    with Pool(2) as p:\n        p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 Pool and Process in two from imports",
        "from multiprocessing import Pool\nfrom multiprocessing import Process\nimport threading\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    threading.Thread(target=beat).start()\n    Process(target=work).start()\n    with Pool(2) as p:\n        p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    (
        "pf013 Pool and Process imported together and a multiprocessing import",
        "import multiprocessing\nfrom multiprocessing import Pool, Process\nimport threading\ndef work(n):\n    return n\ndef beat():\n    pass\ndef main():\n    threading.Thread(target=beat).start()\n    Process(target=work).start()\n    with Pool(2) as p:\n        p.map(work, [1])\nif __name__ == '__main__':\n    main()\n",
    ),
    // PF014 import-path-hack has no fix: its odd layouts must not crash, and other rules' fixes around them
    // must compile (the cases sit in a package, where the rule reports).
    ("pf014 slice assignment at the front", "import sys\nsys.path[:0] = ['vendor']\n"),
    (
        "pf014 augmented assignment after a semicolon, no final newline",
        "import os, sys; sys.path += [os.path.dirname(__file__)]",
    ),
    (
        "pf014 one-line if, backslash continuation, CRLF",
        "import sys\r\nif 'vendor' not in sys.path: sys.path[0:0] = \\\r\n    ['vendor']\r\n",
    ),
    (
        "pf014 lone CR, tabs, comment inside the brackets",
        "import sys\rdef _setup():\r\tsys.path += [  # ours\r\t\t'vendor',\r\t]\r_setup()\r",
    ),
    (
        "pf014 from sys import path in an f-string argument",
        "from sys import path as p\nimport os\np.insert(0, f\"{os.sep}vendor\")\n",
    ),
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

/// The settings of one case: PF014 reports only library code, so its cases
/// are a module of a package.
fn settings_for(case: &str) -> Settings {
    let mut settings = settings();
    if case.starts_with("pf014 ") {
        settings.module.name = Some("pkg.case".to_string());
        settings.module.in_package = true;
    }
    settings
}

/// The rules whose every case must be reported by that rule (the code in
/// the case's name): a case it does not fire on tests nothing.
const FIRING: &[&str] = &["PF010", "PF013", "PF014"];

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
fn every_case_of_the_checked_rules_fires_its_rule() {
    let mut checked = 0;
    for (case, source) in CASES {
        let code = case.split(' ').next().unwrap_or_default().to_uppercase();
        if !FIRING.contains(&code.as_str()) {
            continue;
        }
        checked += 1;
        let report =
            engine::process(source, "case.py", REGISTRY.select_all(), &settings_for(case), None)
                .unwrap_or_else(|err| panic!("{case}: {err}"));
        assert!(
            report.findings.iter().any(|finding| finding.code == code),
            "{case}: {code} finds nothing, so the case tests nothing"
        );
    }
    assert!(checked >= 60, "only {checked} cases of {FIRING:?}");
}

#[test]
fn every_fix_kind_compiles_under_cpython_and_settles() {
    let python = python();
    let mut fixed_cases = 0;
    let mut fixable_cases = 0;
    for (case, source) in CASES {
        let settings = settings_for(case);
        // PF014 has no fix: its cases check that nothing breaks around it.
        if !case.starts_with("pf014 ") {
            fixable_cases += 1;
        }
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
        fixed_cases * 4 > fixable_cases * 3,
        "only {fixed_cases} of {fixable_cases} cases were fixed"
    );
}

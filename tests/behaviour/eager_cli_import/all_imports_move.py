# args: --help
# python-path: support
# expect-output: usage: tool
# reject-output: heavy module pandas imported
# `import pandas as pd` and `from pandas import DataFrame` both load pandas: both move,
# so `--help` no longer imports it.
import argparse

import pandas as pd
from pandas import DataFrame


def build(rows):
    return DataFrame(rows)


def show(frame):
    print(pd.DataFrame(frame))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tool")
    parser.add_argument("--rows", type=int, default=2)
    args = parser.parse_args(argv)
    if args.rows:
        show(build(args.rows))


if __name__ == "__main__":
    main()

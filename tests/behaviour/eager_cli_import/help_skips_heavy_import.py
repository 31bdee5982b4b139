# args: --help
# python-path: support
# expect-output: usage: tool
# reject-output: heavy module
# `tool --help` no longer imports pandas or numpy: the imports wait for the command.
import argparse

import pandas as pd
from numpy import zeros as make_zeros


def build(rows):
    return pd.DataFrame(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tool")
    parser.add_argument("--rows", type=int, default=2)
    args = parser.parse_args(argv)
    if args.rows:
        print(build(args.rows), make_zeros(args.rows))


if __name__ == "__main__":
    main()

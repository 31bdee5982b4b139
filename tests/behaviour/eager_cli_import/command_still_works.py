# args: --rows 3
# python-path: support
# expect-output: frame with 3 rows [0.0, 0.0, 0.0]
# expect-output: heavy module pandas imported
# before: passes
# The real command still imports what it needs and works as before.
import argparse

import pandas as pd
from numpy import zeros as make_zeros


def build(rows):
    return pd.DataFrame(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tool")
    parser.add_argument("--rows", type=int, default=2)
    args = parser.parse_args(argv)
    print(build(args.rows), make_zeros(args.rows))


if __name__ == "__main__":
    main()

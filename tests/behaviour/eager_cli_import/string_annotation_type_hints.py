# args: --help
# python-path: support
# expect-output: usage: tool
# expect-output: hints {'values': <class 'numpy.ndarray'>
# reject-output: heavy module pandas imported
# A string annotation of a module-level function keeps numpy at module level, so
# typing.get_type_hints still resolves it; pandas, used only by the command, moves.
import argparse
import typing

import numpy as np
import pandas as pd


def mean(values: "np.ndarray") -> float:
    return sum(values) / len(values)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tool")
    parser.add_argument("--rows", type=int, default=2)
    args = parser.parse_args(argv)
    if args.rows:
        print(pd.DataFrame(args.rows))


if __name__ == "__main__":
    print("hints", typing.get_type_hints(mean))
    main()

# args: stats 1 2 3
# python-path: support
# expect-output: mean 2.0
# expect-output: heavy module numpy imported
# reject-output: heavy module pandas imported
# The command still works and imports what it needs; the other command's module stays unloaded.
import sys

import numpy as np
import pandas as pd


def stats(values):
    print("mean", np.mean(values))


def table(values):
    print(pd.DataFrame(len(values)))


def main(argv):
    command, *values = argv
    numbers = [float(value) for value in values]
    {"stats": stats, "table": table}[command](numbers)


if __name__ == "__main__":
    main(sys.argv[1:])

# args: version
# python-path: support
# expect-output: numpy 0.0-stand-in
# reject-output: heavy module pandas imported
# A function that uses numpy only in an f-string gets the import too: the `version`
# command still works, and pandas waits for the command that needs it.
import sys

import numpy as np
import pandas as pd


def version():
    return f"numpy {np.__version__}"


def table(values):
    return pd.DataFrame(values)


def main(argv):
    command, *values = argv
    print(version() if command == "version" else table(values))


if __name__ == "__main__":
    main(sys.argv[1:])

# args: --help
# python-path: support
# expect-output: usage: tool
# reject-output: heavy module
# A package's __main__.py: its module-level call of main() is the command, so the
# import waits for it, after argument parsing.
import argparse
import sys

import pandas as pd


def main(argv):
    parser = argparse.ArgumentParser(prog="tool")
    parser.add_argument("path")
    args = parser.parse_args(argv)
    if args.path.endswith(".csv"):
        print(pd.DataFrame(args.path))


sys.exit(main(sys.argv[1:]))

"""A stand-in for pandas that says when it is imported: the import is what PF005 defers."""
import sys

print("[heavy module pandas imported]", file=sys.stderr)


class DataFrame:
    def __init__(self, rows):
        self.rows = rows

    def __repr__(self):
        return f"frame with {self.rows} rows"

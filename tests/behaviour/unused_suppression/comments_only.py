# before: passes
# Only comments change: a string that reads like a suppression is kept, and the code runs the same.
import tokenize

MESSAGE = "x = 1  # noqa: PF999"
value = 1  # noqa: PF999


def comments():
    with open(__file__, encoding="utf-8") as source:
        return [tok.string for tok in tokenize.generate_tokens(source.readline) if tok.type == tokenize.COMMENT]


assert MESSAGE == "x = 1  # noqa: PF999"
assert value == 1
print("unknown codes left:", sum("PF999" in comment for comment in comments()))

# A suppression naming no pyfix rule is removed; the comment's other text stays.
import tokenize

total = 2 + 2  # why: arithmetic  # pyfix: ignore[PF999]


def comments():
    with open(__file__, encoding="utf-8") as source:
        return [tok.string for tok in tokenize.generate_tokens(source.readline) if tok.type == tokenize.COMMENT]


assert total == 4
assert "# why: arithmetic" in comments(), comments()
assert not any("PF999" in comment for comment in comments()), comments()

# A total built with `+=` drifts from the literal: the loop that waits for it to reach
# `0.3` exactly never stops by itself; after the fix it stops at the third step.


def steps_to_target():
    total = 0.0
    count = 0
    while count < 100:
        total += 0.1
        count += 1
        if total == 0.3:
            return count
    return None


assert steps_to_target() == 3, steps_to_target()
print("ok")

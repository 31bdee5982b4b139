"""A small order service with the mistakes pyfix fixes."""


def add_item(item, basket=[]):
    """Add an item to the basket and return it."""
    basket.append(item)
    return basket


def tally(words, counts={}):
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    return counts

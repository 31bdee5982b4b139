"""A small order service with the mistakes pyfix fixes: shared defaults, a file
left open if reading fails, closures that all see the last loop value, and a
bare `except:`."""


def add_item(item, basket=[]):
    """Add an item to the basket and return it."""
    basket.append(item)
    return basket


def tally(words, counts={}):
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    return counts


def load_prices(path):
    prices = open(path)
    text = prices.read()
    prices.close()
    return text


def price_callbacks(names, prices):
    callbacks = []
    for name in names:
        callbacks.append(lambda: prices[name])
    return callbacks


def parse_quantity(text):
    try:
        return int(text)
    except:
        return None

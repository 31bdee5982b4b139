# Each module reads a name from the other before it is bound: importing
# either first fails, as each finding says.
# fixed: every order imports
# file: shop/__init__.py
# file: shop/models.py
from shop.pricing import price_of


class Item:
    def total(self):
        return price_of(self)
# file: shop/pricing.py
from shop.models import Item


def price_of(item: Item):
    return 1

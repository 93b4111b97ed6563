from .models import Cart, Item


def apply_discount(cart: Cart, percent: int) -> int:
    """Return the cart's total in cents after a percentage discount."""
    subtotal = cart.subtotal_cents()
    return subtotal - subtotal * percent // 100


def cheapest_item(cart: Cart) -> Item | None:
    return min(cart.items, key=lambda item: item.price_cents, default=None)

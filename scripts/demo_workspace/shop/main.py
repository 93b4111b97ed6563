import json

from .models import Cart, Item
from .pricing import apply_discount


def main() -> None:
    cart = Cart()
    cart.add(Item("coffee", 450, 2))
    cart.add(Item("bagel", 300))
    total = apply_discount(cart, 10)
    print(json.dumps({"total_cents": total}))


def format_price(cents: int) -> str:
    

from dataclasses import dataclass, field


@dataclass
class Item:
    """One product line in a cart."""
    name: str
    price_cents: int
    quantity: int = 1

    def total_cents(self) -> int:
        return self.price_cents * self.quantity


@dataclass
class Cart:
    items: list[Item] = field(default_factory=list)

    def add(self, item: Item) -> None:
        self.items.append(item)

    def subtotal_cents(self) -> int:
        return sum(item.total_cents() for item in self.items)

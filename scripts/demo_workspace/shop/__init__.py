"""A tiny shop used by `make demo`: carts, prices and discounts."""

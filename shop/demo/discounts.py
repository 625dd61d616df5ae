"""The demo's discount codes (README names them): one for everything, free shipping, a merchant's own."""

from typing import Any

DISCOUNTS: list[dict[str, Any]] = [
    # 10% off a first order: once per buyer (account, e-mail or PRC ID number), from 100 CNY of goods.
    {"code": "WELCOME10", "kind": "percent", "value": "10", "per_buyer": 1, "min_subtotal_cny": "100"},
    # Free shipping on every line for orders with 300 CNY of goods; the first 500 orders.
    {"code": "FREESHIP", "kind": "free_shipping", "value": "0", "max_uses": 500, "min_subtotal_cny": "300"},
    # The Lieba bakery's own code: 5 CNY off its bread, for its listings only.
    {"code": "LIEBA5", "kind": "amount", "value": "5", "merchant": "lieba-bakery", "scope": "merchant"},
]

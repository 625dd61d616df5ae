"""An order's money: amounts in the currency its rate was frozen in at placing."""
from __future__ import annotations

from decimal import Decimal

from shop.domain import money
from shop.models import Order

CENT = Decimal("0.01")


def total_in(order: Order, amount_cny: Decimal) -> Decimal:
    """An amount of this order in its frozen currency."""
    return money.round_amount(Decimal(amount_cny) * Decimal(order.exchange_rate), order.currency)

"""Cash on delivery in the destination's own money: the currency, the rate and the amount the
courier collects, fixed when the order is placed (rounded the way that country counts cash)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shop.domain import money
from shop.services.ordering.quoting import latest_rates


@dataclass(frozen=True)
class CashDue:
    currency: str
    rate: Decimal  # units of `currency` per 1 CNY
    amount: Decimal


def currency_for(country: str, rates: dict[str, Decimal] | None = None) -> str:
    """The currency a courier in `country` collects (its own, where the shop has a rate for it)."""
    rates = rates if rates is not None else latest_rates()
    return money.cash_currency(country, lambda code: code in rates)


def cash_due(country: str, total_cny: Decimal, rates: dict[str, Decimal] | None = None) -> CashDue:
    """What a courier in `country` collects for an order of `total_cny`, at today's rate."""
    rates = rates if rates is not None else latest_rates()
    currency = currency_for(country, rates)
    rate = Decimal(1) if currency == "CNY" else Decimal(rates[currency])
    amount = money.cash_amount(money.Money(Decimal(total_cny) * rate, currency)).amount
    return CashDue(currency, rate, amount)

"""Exchange rates and the buyer's currency: prices are kept in CNY and shown converted."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import g, request

from shop.extensions import db
from shop.i18n import DEFAULT_CURRENCY
from shop.models import ExchangeRate

CURRENCIES = ("CNY", "USD", "RUB", "PKR", "KGS", "KZT", "UZS", "TJS")
CURRENCY_COOKIE = "currency"


@dataclass(frozen=True)
class Rate:
    currency: str
    per_cny: Decimal
    as_of: dt.date | None


def latest_rates() -> dict[str, Rate]:
    """The newest rate of every currency (CNY is always 1); cached for the request."""
    cached = getattr(g, "_rates", None)
    if cached is not None:
        return cached
    newest = (
        sa.select(ExchangeRate.currency, sa.func.max(ExchangeRate.as_of).label("as_of"))
        .group_by(ExchangeRate.currency)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(ExchangeRate).join(
            newest, sa.and_(ExchangeRate.currency == newest.c.currency, ExchangeRate.as_of == newest.c.as_of)
        )
    ).scalars()
    rates = {r.currency: Rate(r.currency, r.rate, r.as_of) for r in rows}
    rates["CNY"] = Rate("CNY", Decimal(1), None)
    g._rates = rates
    return rates


def buyer_currency(lang: str) -> str:
    """The currency the buyer chose (cookie), else the language's default, if we have its rate."""
    rates = latest_rates()
    chosen = request.cookies.get(CURRENCY_COOKIE) if request else None
    if chosen in CURRENCIES and chosen in rates:
        return chosen
    default = DEFAULT_CURRENCY.get(lang, "USD")
    return default if default in rates else "CNY"


def convert(amount_cny: Decimal, currency: str) -> Decimal:
    """CNY to `currency` at the latest rate, rounded to the fen/kopeck."""
    rate = latest_rates().get(currency)
    if rate is None:
        raise KeyError(currency)
    return (Decimal(amount_cny) * rate.per_cny).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DisplayPrice:
    """A CNY amount as the buyer sees it: in their currency, with the CNY figure and rate date."""

    amount: Decimal
    currency: str
    amount_cny: Decimal
    as_of: dt.date | None

    @property
    def converted(self) -> bool:
        return self.currency != "CNY"


def display_price(amount_cny: Decimal, currency: str) -> DisplayPrice:
    """`amount_cny` converted for display at the latest rate of `currency`."""
    rate = latest_rates()[currency]
    return DisplayPrice(convert(amount_cny, currency), currency, Decimal(amount_cny), rate.as_of)


def offered_currencies() -> list[str]:
    """The currencies a buyer can choose: those the shop trades in and has a rate for."""
    rates = latest_rates()
    return [code for code in CURRENCIES if code in rates]


def rate_date(currency: str) -> dt.date | None:
    rate = latest_rates().get(currency)
    return rate.as_of if rate else None

"""Exchange rates and the buyer's currency: prices are kept in CNY and shown converted."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from shop.domain import money
from shop.domain.languages import DEFAULT_CURRENCY
from shop.extensions import db
from shop.models import ExchangeRate
from shop.services.context import Memo

# The currencies a buyer may see prices in (each one is in shop.domain.money's table).
CURRENCIES = ("CNY", "USD", "RUB", "PKR", "KGS", "KZT", "UZS", "TJS")
assert set(CURRENCIES) <= set(money.CURRENCIES)


@dataclass(frozen=True)
class Rate:
    currency: str
    per_cny: Decimal
    as_of: dt.date | None


Rates = dict[str, Rate]

_NEWEST = (sa.select(ExchangeRate.currency, sa.func.max(ExchangeRate.as_of).label("as_of"))
           .group_by(ExchangeRate.currency).subquery())
_LATEST = sa.select(ExchangeRate).join(
    _NEWEST, sa.and_(ExchangeRate.currency == _NEWEST.c.currency, ExchangeRate.as_of == _NEWEST.c.as_of))


def _load_rates() -> Rates:
    rates = {r.currency: Rate(r.currency, Decimal(r.rate), r.as_of) for r in db.session.scalars(_LATEST)}
    rates["CNY"] = Rate("CNY", Decimal(1), None)
    return rates


def latest_rates(memo: Memo | None = None) -> Rates:
    """The newest rate of every currency (CNY is always 1); read once per `memo`."""
    return memo.get("rates", _load_rates) if memo is not None else _load_rates()


def cny_per_unit(currency: str, rates: Rates | None = None) -> Decimal | None:
    """CNY for one unit of `currency`: the inverse of the newest rate (units per CNY)."""
    if currency == "CNY":
        return Decimal(1)
    rate = (rates if rates is not None else latest_rates()).get(currency)
    return Decimal(1) / rate.per_cny if rate is not None and rate.per_cny else None


def buyer_currency(lang: str, chosen: str | None, rates: Rates) -> str:
    """The currency the buyer chose, else the language's default, if we have its rate."""
    if chosen in CURRENCIES and chosen in rates:
        return chosen
    default = DEFAULT_CURRENCY.get(lang, "USD")
    return default if default in rates else "CNY"


def convert(amount_cny: Decimal, currency: str, rates: Rates | None = None) -> Decimal:
    """CNY to `currency` at the latest rate, rounded half up to the fen/kopeck."""
    rate = (rates if rates is not None else latest_rates()).get(currency)
    if rate is None:
        raise KeyError(currency)
    if currency == "CNY":
        return money.Money(Decimal(amount_cny), "CNY").quantize().amount
    return money.convert(money.Money(Decimal(amount_cny), "CNY"), rate.per_cny, currency).amount


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


def display_price(amount_cny: Decimal, currency: str, rates: Rates | None = None) -> DisplayPrice:
    """`amount_cny` converted for display at the latest rate of `currency`."""
    rates = rates if rates is not None else latest_rates()
    return DisplayPrice(convert(amount_cny, currency, rates), currency, Decimal(amount_cny), rates[currency].as_of)


def offered_currencies(rates: Rates | None = None) -> list[str]:
    """The currencies a buyer can choose: those the shop trades in and has a rate for."""
    rates = rates if rates is not None else latest_rates()
    return [code for code in CURRENCIES if code in rates]


def rate_date(currency: str, rates: Rates | None = None) -> dt.date | None:
    rate = (rates if rates is not None else latest_rates()).get(currency)
    return rate.as_of if rate else None

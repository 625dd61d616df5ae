"""Quoting an order's shipping: the options for its goods and destination, and the buyer's choice."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from decimal import Decimal

import sqlalchemy as sa

from shop.domain import routing
from shop.extensions import db
from shop.models import ExpressLine, Product
from shop.services import addresses, pricing, quotes
from shop.services.ordering.errors import LineNotAvailable, NoShippingOption, UnknownLine

log = logging.getLogger("shop.services.ordering")


def latest_rates() -> dict[str, Decimal]:
    """Units of each currency for one CNY, newest per currency (CNY is 1)."""
    return {currency: rate.per_cny for currency, rate in pricing.latest_rates().items()}


def quote_items(pairs: list[tuple[Product, int]], country: str, city: str,
                now: dt.datetime | None = None, *, discounts: Mapping[str, Decimal] | None = None) -> routing.Quote:
    """The shipping options for these products to this destination, departures' bookings included
    (the routing adapter's quote, with the city as the buyer typed it in any script); `discounts`
    (sku -> CNY off, a discount code's) put taxes on the price paid."""
    city = addresses.routing_city(city)
    try:
        return quotes.quote_products(pairs, country, city, now, discounts=discounts)
    except routing.MissingExchangeRate as missing:
        log.warning("no exchange rate for %s: duties left out of the quote", missing.currency)
        return quotes.quote_products(pairs, country, city, now, with_duty=False, discounts=discounts)


def option_value(option: routing.Option) -> str:
    """The form value naming an option: its line code, or codes joined by '+' for a split."""
    return "+".join(shipment.line for shipment in option.shipments)


def choose_option(quote: routing.Quote, choice: str, known_codes: set[str]) -> routing.Option:
    """The option `choice` names ('auto' = the recommended one), or UnknownLine / LineNotAvailable."""
    choice = (choice or "auto").strip()
    if choice == "auto":
        if not quote.options:
            raise NoShippingOption()
        return quote.options[0]
    codes = choice.split("+")
    for code in codes:
        if code not in known_codes:
            raise UnknownLine(code)
    for option in quote.options:
        if option_value(option) == choice:
            return option
    raise LineNotAvailable(choice)


def line_codes() -> set[str]:
    return set(db.session.scalars(sa.select(ExpressLine.code)))

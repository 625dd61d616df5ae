"""Quoting an order's shipping: the options for its goods and destination, and the buyer's choice."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from decimal import Decimal

import sqlalchemy as sa

from shop.domain import routing
from shop.extensions import db
from shop.models import ExpressLine, Order, Product
from shop.services import addresses, pricing, quotes
from shop.services.ordering.errors import LineNotAvailable, NoShippingOption, UnknownLine

log = logging.getLogger("shop.services.ordering")


def latest_rates() -> dict[str, Decimal]:
    """Units of each currency for one CNY, newest per currency (CNY is 1)."""
    return {currency: rate.per_cny for currency, rate in pricing.latest_rates().items()}


# Orders whose goods went, or are going, to their recipient: they use up a monthly duty allowance.
_NOT_SENT = ("cancelled", "refunded")


def sent_this_month(country: str, phone: str, now: dt.datetime) -> Decimal:
    """Goods value (CNY) of the orders to this recipient (destination and phone number) placed
    this calendar month (China time), unpaid ones holding stock included."""
    number, problem = addresses.check_phone(country.upper(), phone)
    if problem or not number:
        return Decimal(0)
    local = now.astimezone(routing.SHANGHAI)
    start = dt.datetime(local.year, local.month, 1, tzinfo=routing.SHANGHAI).astimezone(dt.UTC)
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Order.goods_cny), 0)).where(
            Order.ship_country == country.upper(), Order.ship_phone == number, Order.placed_at >= start,
            Order.status.not_in(_NOT_SENT)))
    return Decimal(total or 0)


def _already_sent(country: str, recipient_phone: str, now: dt.datetime | None) -> Decimal:
    if not recipient_phone or country.upper() == "CN":
        return Decimal(0)
    rule = quotes.duty_rule(country.upper())
    if rule is None or rule.per != "month":
        return Decimal(0)
    return sent_this_month(country, recipient_phone, now or quotes.current_time())


def quote_items(pairs: list[tuple[Product, int]], country: str, city: str,
                now: dt.datetime | None = None, *, recipient_phone: str = "",
                discounts: Mapping[str, Decimal] | None = None) -> routing.Quote:
    """The shipping options for these products to this destination, departures' bookings included
    (the routing adapter's quote, with the city as the buyer typed it in any script); `discounts`
    (sku -> CNY off, a discount code's) put taxes on the price paid.

    With the recipient's phone, a destination whose duty allowance counts per calendar month
    counts what that recipient was already sent this month."""
    city = addresses.routing_city(city)
    already = _already_sent(country, recipient_phone, now)
    try:
        return quotes.quote_products(pairs, country, city, now, duty_already_cny=already, discounts=discounts)
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

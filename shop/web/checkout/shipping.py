"""The checkout's shipping options as the page shows them: the quoting use case's options for
the buyer's cart and address, with line and product names in the page's language."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import get_currency_name

from shop.domain.languages import BABEL_LOCALE
from shop.services import cart, discounts, ordering, quotes
from shop.web import words
from shop.web.checkout import labels
from shop.web.context import buyer_context


@dataclass
class ShipmentView:
    line_code: str
    line_name: str
    items: list[tuple[str, int]]
    departure: dt.datetime
    earliest: dt.date
    latest: dt.date
    cost_cny: Decimal


@dataclass
class OptionView:
    value: str
    labels: tuple[str, ...]
    shipments: list[ShipmentView]
    cost_cny: Decimal
    taxes_cny: Decimal
    tax_kind: str
    total_cny: Decimal
    earliest: dt.date
    latest: dt.date
    over_limit: bool
    discount_cny: Decimal = Decimal(0)  # a discount code's, goods and shipping


@dataclass
class QuoteView:
    country: str
    city: str
    options: list[OptionView] = field(default_factory=list)
    ruled_out: list[tuple[str, str]] = field(default_factory=list)
    unshippable: list[str] = field(default_factory=list)


def served_countries() -> list[str]:
    """The countries some line serves, in the order of their names in the page's language."""
    return sorted(quotes.served_countries(buyer_context().memo), key=labels.country_name)


def _line_names(lang: str) -> dict[str, str]:
    """Each line as buyers understand it ('Air, 3–5 days'), not the operator's name."""
    memo = buyer_context().memo
    return {code: words.buyer_line_name(code, lang, memo) for code in quotes.line_set(memo).info}


def quote_view(pairs, country: str, city: str, applied: discounts.Applied | None = None,
               phone: str = "") -> QuoteView | None:
    """The options for this cart and destination, or None until both country and city are known;
    with a discount code `applied`, taxes on the price paid and each option's total less the discount
    (with the recipient's phone, a monthly duty allowance counts what they were sent this month)."""
    if not pairs or not country or not city.strip():
        return None
    lang = buyer_context().lang
    names = _line_names(lang)
    product_names = {p.sku: (p.text(lang).name if p.text(lang) else p.sku) for p, _q in pairs}
    quote = ordering.quote_items(pairs, country, city, recipient_phone=phone,
                                 discounts=applied.goods if applied else None)
    goods = sum((Decimal(p.price_cny) * q for p, q in pairs), Decimal(0))
    view = QuoteView(country, city)
    for option in quote.options:
        view.options.append(OptionView(
            value=ordering.option_value(option), labels=option.labels,
            shipments=[ShipmentView(s.line, names.get(s.line, s.line),
                                    [(product_names.get(sku, sku), q) for sku, q in s.items], s.departure,
                                    s.delivery_earliest, s.delivery_latest, s.cost) for s in option.shipments],
            cost_cny=option.cost, taxes_cny=option.taxes, tax_kind=option.tax_kind,
            total_cny=goods + option.cost + option.taxes - (applied.total_off(option) if applied else 0),
            earliest=option.delivery_earliest, latest=option.delivery_latest, over_limit=option.over_order_limit,
            discount_cny=applied.total_off(option) if applied else Decimal(0)))
    for ruled in quote.ruled_out:
        view.ruled_out.append((names.get(ruled.line, ruled.line),
                               words.ruling_text(ruled.line, ruled.code, ruled.params, buyer_context().memo)))
    view.unshippable = [product_names.get(sku, sku) for sku in quote.unshippable]
    return view


def cart_pairs() -> list:
    """The buyer's cart as (product, quantity) pairs."""
    return [(line.product, line.quantity) for line in cart.cart_lines(buyer_context())]


def cash_currency_names(countries: list[str]) -> dict[str, str]:
    """For each country, the currency its courier collects cash on delivery in, named in the
    page's language ('Pakistani Rupee'), for the payment choice to say."""
    lang = buyer_context().lang
    rates = ordering.latest_rates()
    return {country: get_currency_name(ordering.cash_currency_for(country, rates), locale=BABEL_LOCALE[lang])
            for country in countries}

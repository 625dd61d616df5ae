"""Quoting, as a use case: the ranked ways the active express lines carry products to a
destination, and the outlook the product page words as its delivery promise.

Results are routing's plain objects; the words (line names, reasons, headlines) and the
JSON shape are the web layer's (shop.web.words, shop.web.api.quote_json)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from shop.domain import customs, routing
from shop.domain.places import CITIES as CITIES  # the `X as X` imports: part of this interface
from shop.domain.places import ISO_COUNTRIES as ISO_COUNTRIES
from shop.domain.places import Place as Place
from shop.domain.places import is_country as is_country
from shop.extensions import db
from shop.models import DutyRule, Product
from shop.services import lines as line_service
from shop.services import pricing
from shop.services.addresses import routing_city
from shop.services.context import BuyerContext, Memo
from shop.services.lines import LineSet as LineSet
from shop.services.lines import domain_lines as domain_lines
from shop.services.lines import line_set as line_set

NOT_SERVING = ("not_served_country", "not_served_city")


def current_time() -> dt.datetime:
    """Now, in Asia/Shanghai (tests pin it)."""
    return dt.datetime.now(routing.SHANGHAI)


# ---- the data a quote needs -------------------------------------------------------------

_RULE = sa.select(DutyRule).where(DutyRule.country == sa.bindparam("country"))


def duty_rule(country: str) -> customs.DutyRule | None:
    """The destination's duty rule, if it has one."""
    row = db.session.scalar(_RULE, {"country": country})
    if row is None:
        return None
    try:
        return customs.DutyRule(row.country, Decimal(row.threshold), row.currency, Decimal(row.rate), row.per,
                                row.basis or "excess", row.valid_from)
    except customs.InvalidDutyRule:
        return None  # the table's own checks make this unreachable; never fail a quote over it


def to_items(items: Iterable[tuple[Product, int]],
             discounts: Mapping[str, Decimal] | None = None) -> list[routing.Item]:
    """Routing items from (product, quantity) pairs, one per product (repeats are added up);
    `discounts` (sku -> CNY off the line, a discount code's) lower the value taxes are due on."""
    merged: dict[str, tuple[Product, int]] = {}
    for product, quantity in items:
        before = merged.get(product.sku)
        merged[product.sku] = (product, quantity + (before[1] if before else 0))
    return [
        routing.Item(sku=p.sku, quantity=q, weight_g=p.weight_g, dims_mm=(p.length_mm, p.width_mm, p.height_mm),
                     unit_value_cny=Decimal(p.price_cny), goods_flags=frozenset(p.goods_flags or ()),
                     tax_class=p.tax_class, discount_cny=Decimal((discounts or {}).get(p.sku, 0)))
        for p, q in merged.values()
    ]


def quote_products(items: list[tuple[Product, int]], country: str, city: str, now: dt.datetime | None = None,
                   *, with_duty: bool = True, memo: Memo | None = None,
                   duty_already_cny: Decimal = Decimal(0),
                   discounts: Mapping[str, Decimal] | None = None) -> routing.Quote:
    """The ranked ways the active lines carry these products to (country, city) from `now`.

    `city` may be typed in any script ("Москва", "لاہور"): it is routed by its Latin name.
    Raises routing.InvalidQuoteRequest (empty order, bad quantity, naive `now`) and
    routing.MissingExchangeRate (the destination's duty rule is in a currency without a rate).
    `with_duty=False` skips the destination's duty estimate (export options then show no taxes).
    `memo` (the buyer context's) reads the lines and rates once for a request.
    `duty_already_cny`: what the recipient was sent earlier this month (a monthly duty allowance).
    `discounts` (sku -> CNY off, a discount code's goods discount): taxes on the price paid."""
    now = now or current_time()
    country = country.strip().upper()
    rules, rates = None, None
    if with_duty and country != "CN":  # imports into China pay import tax, not a destination's duty
        rule = duty_rule(country)
        if rule is not None:
            rules = {country: rule}
            rate = pricing.cny_per_unit(rule.currency, pricing.latest_rates(memo))
            rates = {rule.currency: rate} if rate is not None else {}
    local_day = now.astimezone(routing.SHANGHAI).date() if now.tzinfo else None
    return routing.quote(
        to_items(items, discounts), routing.Destination(country, routing_city(city)), now, line_set(memo).lines,
        duty_rules=rules, cny_per_unit=rates,
        booked=line_service.booked(local_day) if local_day else None, duty_already_cny=duty_already_cny,
    )


# ---- destinations -----------------------------------------------------------------------

def served_places(memo: Memo | None = None) -> list[Place]:
    """Every place an active line serves: the cities lines name, and for countries a line
    serves everywhere, the cities shop.domain.places knows in that country."""
    found: dict[tuple[str, str], Place] = {}
    countries_everywhere = set()
    for line in line_set(memo).lines:
        for country, cities in line.serves.items():
            country = country.upper()
            if not cities:
                countries_everywhere.add(country)
            for city in cities:
                found.setdefault((country, city.casefold()), Place(country, city))
    for country in sorted(countries_everywhere):
        for city in CITIES.get(country, ()):
            found.setdefault((country, city.casefold()), Place(country, city))
    return list(found.values())


def served_place(place: Place, memo: Memo | None = None) -> Place | None:
    """The place as the lines spell it, when the destination chooser offers it (else None)."""
    return next((p for p in served_places(memo)
                 if p.country == place.country and p.city.casefold() == place.city.casefold()), None)


def offered(place: Place, memo: Memo | None = None) -> bool:
    """Whether the destination chooser offers this place."""
    return served_place(place, memo) is not None


def served_countries(memo: Memo | None = None) -> set[str]:
    """The countries some active line serves."""
    return {country.upper() for line in line_set(memo).lines for country in line.serves}


# ---- the product page's outlook ---------------------------------------------------------

@dataclass(frozen=True)
class DeliveryOutlook:
    """How one unit of a product reaches the buyer's destination, for the page to word."""

    place: Place
    option: routing.Option | None  # the best way, when there is one
    served: bool  # whether any line serves the place at all
    ruled_out: tuple[routing.RuledOut, ...] = ()  # lines that serve the place but cannot carry now
    season: routing.RuledOut | None = None  # the season closure that ends first, among ruled_out

    @property
    def available(self) -> bool:
        return self.option is not None


def reopens(ruled: routing.RuledOut) -> dt.date | None:
    """The day a line closed for the season reopens, as its ruling says."""
    until = ruled.params.get("until")
    return until if isinstance(until, dt.date) else None


def delivery_outlook(product: Product, ctx: BuyerContext) -> DeliveryOutlook | None:
    """The outlook for one unit of `product` to the buyer's destination (None only when the
    product cannot be routed at all, e.g. it has no dimensions). Duties are left out."""
    place = ctx.place
    try:
        quote = quote_products([(product, 1)], place.country, place.city, with_duty=False, memo=ctx.memo)
    except routing.RoutingError:
        return None
    if quote.options:
        return DeliveryOutlook(place, quote.options[0], True)
    serving = tuple(r for r in quote.ruled_out if r.code not in NOT_SERVING)
    seasons = sorted((r for r in serving if r.code == "closed_season" and reopens(r) is not None),
                     key=lambda r: reopens(r) or dt.date.max)
    return DeliveryOutlook(place, None, bool(serving), serving, seasons[0] if seasons else None)

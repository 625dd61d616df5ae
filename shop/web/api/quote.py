"""POST /api/v1/quote: shipping options for items to a destination, reasons in the caller's language."""
from __future__ import annotations

import datetime as dt
import json
import re

from flask import jsonify, request
from flask_babel import gettext as _

from shop.domain import places, routing
from shop.i18n import current_language
from shop.services import catalogue, discounts, quotes
from shop.services.addresses import routing_city
from shop.services.context import Memo
from shop.web import discount_codes
from shop.web.api import bp
from shop.web.api.quote_json import quote_to_json
from shop.web.errors import json_error

MAX_BODY_BYTES = 64 * 1024
MAX_ITEMS = 50
MAX_CITY = 80
MAX_SKU = 40
# How far ahead a quote may be asked: the routing looks about a year ahead.
MAX_DAYS_AHEAD = 366
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})")


class BadRequest(Exception):
    """A request the quote cannot answer: status, code, translated message and the field at fault."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None, **extra) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.field, self.extra = status, code, message, field, extra

    def response(self):
        extra = dict(self.extra)
        if self.field:
            extra["field"] = self.field
        return json_error(self.status, self.code, self.message, **extra)


def _wrong_type(field: str, expected: str) -> BadRequest:
    return BadRequest(400, "invalid_type", _("%(field)s must be %(expected)s.", field=field, expected=expected),
                      field)


def _missing(field: str) -> BadRequest:
    return BadRequest(400, "missing_field", _("%(field)s is required.", field=field), field)


def _body() -> dict:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise BadRequest(413, "too_large", _("What you sent is too large."))
    raw = request.get_data(cache=False)
    if len(raw) > MAX_BODY_BYTES:
        raise BadRequest(413, "too_large", _("What you sent is too large."))
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(400, "invalid_json", _("The request body must be JSON.")) from None
    if not isinstance(body, dict):
        raise _wrong_type("body", _("a JSON object"))
    return body


def _destination(body: dict) -> tuple[str, str]:
    destination = body.get("destination")
    if destination is None:
        raise _missing("destination")
    if not isinstance(destination, dict):
        raise _wrong_type("destination", _("an object with country and city"))
    country = destination.get("country")
    if country is None:
        raise _missing("destination.country")
    if not isinstance(country, str):
        raise _wrong_type("destination.country", _("a two-letter country code"))
    if not places.is_country(country.strip()):
        raise BadRequest(422, "unknown_country", _("%(country)s is not a country code we know (ISO 3166, e.g. RU).",
                                                   country=country[:8]), "destination.country")
    city = destination.get("city", "")
    if city is None:
        city = ""
    if not isinstance(city, str):
        raise _wrong_type("destination.city", _("text"))
    if len(city) > MAX_CITY:
        raise BadRequest(422, "invalid_city", _("The city name is too long."), "destination.city")
    return country.strip().upper(), routing_city(city)


def _quantity(raw: object, field: str) -> int:
    # bool is an int in Python and 2.0 is a float in JSON: neither is a count of things.
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= routing.MAX_QUANTITY:
        raise BadRequest(422, "invalid_quantity",
                         _("The quantity must be a whole number from 1 to %(max)d.", max=routing.MAX_QUANTITY),
                         field)
    return raw


def _items(body: dict) -> list[tuple[str, int]]:
    items = body.get("items")
    if items is None:
        raise _missing("items")
    if not isinstance(items, list):
        raise _wrong_type("items", _("a list of {sku, quantity} objects"))
    if not items:
        raise BadRequest(422, "no_items", _("Add at least one item to quote."), "items")
    if len(items) > MAX_ITEMS:
        raise BadRequest(422, "too_many_items", _("At most %(max)d items can be quoted at once.", max=MAX_ITEMS),
                         "items")
    wanted: dict[str, int] = {}
    for n, item in enumerate(items):
        where = f"items[{n}]"
        if not isinstance(item, dict):
            raise _wrong_type(where, _("an object with sku and quantity"))
        sku = item.get("sku")
        if sku is None:
            raise _missing(f"{where}.sku")
        if not isinstance(sku, str) or not sku.strip():
            raise _wrong_type(f"{where}.sku", _("text"))
        if "quantity" not in item:
            raise _missing(f"{where}.quantity")
        quantity = _quantity(item["quantity"], f"{where}.quantity")
        sku = sku.strip()[:MAX_SKU + 1]
        # The same SKU twice is one line of the order.
        wanted[sku] = _quantity(wanted.get(sku, 0) + quantity, f"{where}.quantity")
    return list(wanted.items())


def _when(body: dict) -> dt.datetime:
    now = quotes.current_time()
    raw = body.get("date")
    if raw is None:
        return now
    if not isinstance(raw, str):
        raise _wrong_type("date", _("a date such as 2026-12-01"))
    text = raw.strip()
    try:
        if _DATE.fullmatch(text):
            day = dt.date.fromisoformat(text)
            moment = None
        elif _DATETIME.fullmatch(text):
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(routing.SHANGHAI)
            day = moment.date()
        else:
            raise ValueError(text)
    except ValueError:
        raise BadRequest(422, "invalid_date", _("The date must be a date such as 2026-12-01."), "date") from None
    today = now.astimezone(routing.SHANGHAI).date()
    if day < today or (moment is not None and moment < now):
        # Nothing can leave in the past: a quote for a date gone by is the quote for an order
        # placed now (scripts keep a fixed example date; refusing it would break them the next day).
        return now
    if (day - today).days > MAX_DAYS_AHEAD:
        raise BadRequest(422, "date_too_far",
                         _("Quotes can be asked at most %(days)d days ahead.", days=MAX_DAYS_AHEAD), "date")
    if moment is not None:
        return max(moment, now)
    # A later day is quoted as ordered when that day begins in Kashgar's time zone; today, as now.
    return now if day == today else dt.datetime.combine(day, dt.time(0, 0), tzinfo=routing.SHANGHAI)


def _products(wanted: list[tuple[str, int]]) -> list:
    skus = [sku for sku, _quantity in wanted]
    found = catalogue.on_sale_by_sku(skus)
    for n, sku in enumerate(skus):
        if sku not in found:
            raise BadRequest(422, "unknown_sku", _("No product with SKU %(sku)s is on sale.", sku=sku[:MAX_SKU]),
                             f"items[{n}].sku", sku=sku[:MAX_SKU])
    return [(found[sku], quantity) for sku, quantity in wanted]


def _discount(body: dict, products: list, when: dt.datetime) -> discounts.Applied | None:
    """The optional `discount_code` on these products (uses per buyer are the checkout's to count)."""
    raw = body.get("discount_code")
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise _wrong_type("discount_code", _("text"))
    try:
        return discounts.evaluate(discount_codes.typed_code(raw), products, now=when)
    except discounts.DiscountRefused as refused:
        raise BadRequest(422, f"discount_{refused.code}", discount_codes.refusal_text(refused), "discount_code",
                         reason=refused.code) from None


@bp.post("/quote")
def quote():
    """Shipping options for items to a destination: cost, departure, delivery, taxes, ruled-out lines."""
    lang = current_language()
    memo = Memo()
    try:
        body = _body()
        country, city = _destination(body)
        wanted = _items(body)
        when = _when(body)
        products = _products(wanted)
        applied = _discount(body, products, when)
        result = quotes.quote_products(products, country, city, when, memo=memo,
                                       discounts=applied.goods if applied else None)
    except BadRequest as bad:
        return _localised(bad.response(), lang)
    except routing.MissingExchangeRate as missing:
        return _localised(json_error(
            503, "missing_exchange_rate",
            _("Duties cannot be estimated: there is no exchange rate for %(currency)s yet.",
              currency=missing.currency)), lang)
    except routing.InvalidQuoteRequest as invalid:
        return _localised(json_error(422, invalid.code, _("These items cannot be quoted.")), lang)
    return _localised((jsonify(quote_to_json(result, lang, memo, applied)), 200), lang)


def _localised(answer, lang: str):
    response, status = answer
    response.status_code = status
    response.headers["Content-Language"] = lang
    response.vary.add("Accept-Language")
    return response

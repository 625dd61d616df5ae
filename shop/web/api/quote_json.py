"""The JSON of POST /api/v1/quote (CONTRACT.md's shape), its words in the caller's language."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from flask_babel import force_locale, format_currency, get_locale
from flask_babel import gettext as _

from shop.domain import customs, routing
from shop.domain.money import Money
from shop.services import discounts, quotes
from shop.services.context import Memo
from shop.web import words


def _money(value: Decimal, currency: str = "CNY") -> dict:
    return {"amount": Money(Decimal(value), currency).amount_str, "currency": currency}


def _dates(earliest: dt.date, latest: dt.date) -> dict:
    return {"earliest": earliest.isoformat(), "latest": latest.isoformat()}


def _jsonable(params: Mapping) -> dict:
    out = {}
    for key, value in params.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        out[key] = value
    return out


def quote_to_json(quote: routing.Quote, lang: str, memo: Memo | None = None,
                  applied: discounts.Applied | None = None) -> dict:
    """A quote in CONTRACT.md's shape, its words in `lang`; with a discount code, what it takes off."""
    current = get_locale()
    if current is not None and str(current) == lang:
        return _quote_json(quote, lang, memo, applied)
    with force_locale(lang):
        return _quote_json(quote, lang, memo, applied)


def _quote_json(quote: routing.Quote, lang: str, memo: Memo | None, applied: discounts.Applied | None) -> dict:
    info = quotes.line_set(memo).info
    options = []
    over_limit = False
    for option in quote.options:
        over_limit = over_limit or option.over_order_limit
        shipments = [{
            "line": s.line,
            "line_name": info[s.line].name(lang) if s.line in info else s.line,
            "mode": info[s.line].mode if s.line in info else None,
            "items": [{"sku": sku, "quantity": quantity} for sku, quantity in s.items],
            "departure": s.departure.isoformat(),
            "delivery": _dates(s.delivery_earliest, s.delivery_latest),
            "chargeable_weight_g": s.chargeable_weight_g,
            "cost": _money(s.cost),
        } for s in option.shipments]
        options.append({
            "labels": list(option.labels),
            "shipments": shipments,
            "cost": _money(option.cost),
            "taxes": {**_money(option.taxes), "kind": option.tax_kind},
            "total": _money(option.cost + option.taxes),
            "delivery": _dates(option.delivery_earliest, option.delivery_latest),
            "over_order_limit": option.over_order_limit,
        })
        if applied is not None:
            # What the code takes off with this option: the goods' part and (free shipping) the shipping's;
            # `taxes` are already on the price paid.
            off = applied.total_off(option)
            options[-1]["discount"] = {**_money(off), "goods": _money(applied.goods_total)["amount"],
                                       "shipping": _money(off - applied.goods_total)["amount"]}
    ruled_out = [{
        "line": r.line,
        "line_name": info[r.line].name(lang) if r.line in info else r.line,
        "code": r.code,
        "reason": words.reason_text(r.code, r.params, mode=info[r.line].mode if r.line in info else None),
        "params": _jsonable(r.params),
    } for r in quote.ruled_out]
    notices = []
    if over_limit:
        notices.append({"code": "over_order_limit", "message": _(
            "A cross-border import order may hold at most %(limit)s of goods: split it into several orders.",
            limit=format_currency(customs.ORDER_LIMIT_CNY, "CNY"))})
    for sku in quote.unshippable:
        notices.append({"code": "unshippable", "sku": sku,
                        "message": _("No express line can carry %(sku)s to this destination.", sku=sku)})
    answer = {
        "destination": {"country": quote.destination.country, "city": quote.destination.city},
        "options": options,
        "ruled_out": ruled_out,
        "unshippable": list(quote.unshippable),
        "notices": notices,
    }
    if applied is not None:
        answer["discount"] = {"code": applied.code, "kind": applied.kind, "goods": _money(applied.goods_total),
                              "skus": sorted(line.sku for line in applied.eligible)}
    return answer

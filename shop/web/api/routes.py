"""Catalogue endpoints of the JSON API: the product list with its filters, one product, and
suggestions while typing."""
import re
from decimal import Decimal

from flask import current_app, jsonify, request

from shop.domain import money
from shop.i18n import LANGUAGES
from shop.services import catalogue, pricing, search
from shop.web.api import bp
from shop.web.api.product_json import product_json, products_json
from shop.web.errors import json_error
from shop.web.mail_render import shop_url
from shop.web.response_cache import cached_json

_ORIGIN = re.compile(r"^[A-Za-z]{2}$")
MAX_SUGGESTIONS = 10


class BadParameter(ValueError):
    """A query parameter the API cannot use: answered 400 with its code."""

    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message
        super().__init__(message)


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit() and 0 < int(raw[:6]) < 100_000):
        raise BadParameter("invalid_page", "page must be a positive whole number")
    return int(raw)


def _lang_arg() -> str:
    lang = request.args.get("lang") or "en"
    if lang not in LANGUAGES:
        raise BadParameter("invalid_lang", f"lang must be one of {', '.join(LANGUAGES)}")
    return lang


def _price_arg(name: str) -> Decimal | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        amount = money.parse_amount(raw[:30])
    except money.InvalidAmount:
        raise BadParameter("invalid_price", f"{name} must be a non-negative amount, e.g. 12.50") from None
    if amount > catalogue.MAX_PRICE:
        raise BadParameter("invalid_price", f"{name} is too large")
    return amount


def _filters() -> tuple[catalogue.Filters, str]:
    """The list's filters and sort from the query string; BadParameter for any that means nothing."""
    origins = [o.strip() for o in request.args.getlist("origin") if o.strip()]
    if any(not _ORIGIN.match(o) for o in origins):
        raise BadParameter("invalid_origin", "origin must be an ISO 3166 alpha-2 country code")
    categories = [c.strip() for c in request.args.getlist("category") if c.strip()]
    if len(origins) > catalogue.MAX_FILTER_VALUES or len(categories) > catalogue.MAX_FILTER_VALUES:
        raise BadParameter("too_many_values", f"at most {catalogue.MAX_FILTER_VALUES} categories and origins")
    sort = catalogue.sort_name(request.args.get("sort") or "relevance")
    if sort is None:
        raise BadParameter("invalid_sort", f"sort must be one of {', '.join(catalogue.SORTS)}")
    in_stock = request.args.get("in_stock", "")
    if in_stock not in ("", "0", "1"):
        raise BadParameter("invalid_in_stock", "in_stock must be 1 or 0")
    currency = (request.args.get("currency") or "CNY").upper()
    if currency not in pricing.latest_rates():
        raise BadParameter("invalid_currency", "currency must be one the shop has a rate for")
    low, high = _price_arg("min_price"), _price_arg("max_price")
    if low is not None and high is not None and low > high:
        raise BadParameter("invalid_price", "min_price must not be above max_price")
    q = " ".join((request.args.get("q") or "").split())[:search.MAX_QUERY]
    return catalogue.Filters(q=q, categories=tuple(dict.fromkeys(c[:64] for c in categories)),
                             origins=tuple(dict.fromkeys(o.upper() for o in origins)), min_price=low,
                             max_price=high, currency=currency, in_stock=in_stock == "1"), sort


@bp.get("/products")
@cached_json
def products():
    """The public catalogue, paginated: q, repeatable category and origin, min_price and
    max_price (in `currency`, CNY by default), in_stock=1, sort."""
    try:
        page, lang = _page_arg(), _lang_arg()
        filters, sort = _filters()
    except BadParameter as bad:
        return json_error(400, bad.code, bad.message)
    try:
        result = catalogue.listing(lang=lang, filters=filters, sort=sort, page=page,
                                   per_page=current_app.config["PER_PAGE"])
    except catalogue.UnknownCategory:  # a category nobody has: nothing in it
        return jsonify({"items": [], "page": page, "pages": 1, "total": 0})
    found = result.page
    return jsonify({
        "items": products_json(found.items, result.stock),
        "page": found.page,
        "pages": found.pages,
        "total": found.total,
    })


@bp.get("/products/<sku>")
@cached_json
def product(sku: str):
    """One listing with its translations and stock available."""
    found = catalogue.get_by_sku(sku)
    if found is None or not found.active:
        return json_error(404, "unknown_sku", f"No product with SKU {sku[:60]!r}")
    return jsonify(product_json(found, catalogue.stock_available([found.id])[found.id]))


@bp.get("/search/suggest")
@cached_json
def suggest():
    """Up to ten products for what a buyer has typed so far, best first, named in `lang`."""
    try:
        lang = _lang_arg()
    except BadParameter as bad:
        return json_error(400, bad.code, bad.message)
    q = " ".join((request.args.get("q") or "").split())[:search.MAX_QUERY]
    found = catalogue.suggest(q, lang, MAX_SUGGESTIONS) if q else []
    response = jsonify({"items": [
        {"sku": sku, "name": name, "url": shop_url("storefront.product", lang=lang, slug=slug)}
        for sku, name, slug in found]})
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response

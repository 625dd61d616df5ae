"""Catalogue endpoints of the JSON API."""
from flask import current_app, jsonify, request

from shop.services import catalogue, search
from shop.web.api import bp
from shop.web.api.product_json import product_json, products_json
from shop.web.errors import json_error
from shop.web.response_cache import cached_json


def _page_arg() -> int | None:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else None


@bp.get("/products")
@cached_json
def products():
    """The public catalogue, paginated, filtered by q, category and origin."""
    page = _page_arg()
    if page is None:
        return json_error(400, "invalid_page", "page must be a positive whole number")
    ids = None
    q = (request.args.get("q") or "").strip()
    if q:
        ids = search.search_product_ids(q)
    stmt = catalogue.product_query(
        category=request.args.get("category") or None, origin=request.args.get("origin") or None, product_ids=ids
    )
    if stmt is None:
        return jsonify({"items": [], "page": page, "pages": 1, "total": 0})
    result = catalogue.paginate(stmt, page, current_app.config["PER_PAGE"])
    stock = catalogue.stock_available(p.id for p in result.items)
    return jsonify({
        "items": products_json(result.items, stock),
        "page": result.page,
        "pages": result.pages,
        "total": result.total,
    })


@bp.get("/products/<sku>")
@cached_json
def product(sku: str):
    """One listing with its translations and stock available."""
    found = catalogue.get_by_sku(sku)
    if found is None or not found.active:
        return json_error(404, "unknown_sku", f"No product with SKU {sku[:60]!r}")
    return jsonify(product_json(found, catalogue.stock_available([found.id])[found.id]))

"""The merchant API (/api/v1/merchant/...): a merchant's own listings, lots and orders, for the
bearer token they made in the portal. Answers JSON, errors as {"error": {"code", "message"}}."""
from __future__ import annotations

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _

from shop.domain.orders import OrderStatus
from shop.extensions import limiter, merchant_api_key, merchant_api_limit
from shop.i18n import LANGUAGES
from shop.services import catalogue, listings, photos
from shop.services import merchant as merchant_service
from shop.web.api import bp
from shop.web.api.bearer import bearer_required
from shop.web.api.product_json import product_json as public_json
from shop.web.errors import json_error
from shop.web.media import queue_renditions
from shop.web.messages import said

LANG_KEYS = LANGUAGES
# Keys of the product shape that a client may send back unchanged (GET, edit, PUT).
READ_ONLY = {"sku", "slug", "merchant", "stock_available"}
# A variant's fields are the listing CSV's: "product", "option1_name", "option1_value", ...
VARIANT_KEYS = set(listings.VARIANT_COLUMNS)
READ_ONLY |= {"options", "variants", "images"}
WRITABLE = {"names", "descriptions", "category", "origin_country", "hs_code", "price", "price_cny", "weight_g",
            "dimensions_mm", "goods_flags", "tax_class", "active", "reorder_point", *VARIANT_KEYS}
LOT_KEYS = {"sku", "lot_number", "quantity", "expiry", "bin", "customs_entry", "customs_status"}
ORDER_STATUSES = tuple(status.value for status in OrderStatus)


# One budget per token across every merchant endpoint and every worker (MERCHANT_API_RATE_LIMIT).
api_limit = limiter.shared_limit(merchant_api_limit, scope="merchant-api", key_func=merchant_api_key)


def _token_words(kind: str) -> str:
    if kind == "revoked":
        return _("This API token has been revoked.")
    if kind == "invalid":
        return _("This API token is not valid.")
    return _("Send your API token as Authorization: Bearer <token>.")


# Let the request through with g.api_token set, or answer 401.
token_required = bearer_required("merchant", merchant_service.authenticate, "api_token", _token_words)


def _merchant_id() -> int:
    return g.api_token.merchant_id


def _page_arg() -> int | None:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 100_000 else None


def _invalid(fields: dict[str, str], message: str | None = None):
    return json_error(422, "invalid", message or _("Some fields are not valid; nothing was saved."),
                      fields=fields)


def _body() -> dict | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def product_json(product, available: int) -> dict:
    """The public product shape, plus whether the listing is on sale."""
    return {**public_json(product, available), "active": product.active, "reorder_point": product.reorder_point}


@bp.get("/merchant/products")
@api_limit
@token_required
def merchant_products():
    """The merchant's listings (on sale or not), paginated like /products."""
    page = _page_arg()
    if page is None:
        return json_error(400, "invalid_page", _("page must be a positive whole number"))
    found = merchant_service.listing_page(_merchant_id(), request.args.get("q") or "", page,
                                          current_app.config["PER_PAGE"])
    return jsonify({
        "items": [product_json(p, found.stock.get(p.id, 0)) for p in found.page.items],
        "page": found.page.page, "pages": found.page.pages, "total": found.page.total,
    })


# Where a parse_listing field shows up in the JSON body.
_FIELD_PATHS = {
    **{f"name_{lang}": f"names.{lang}" for lang in LANG_KEYS},
    **{f"description_{lang}": f"descriptions.{lang}" for lang in LANG_KEYS},
    "length_mm": "dimensions_mm[0]", "width_mm": "dimensions_mm[1]", "height_mm": "dimensions_mm[2]",
}


def _whole_number(value) -> str | None:
    """An integer as text, or None for anything else (booleans and floats included)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return str(value)


def listing_raw(body: dict, base: dict) -> tuple[dict, dict[str, str]]:
    """The text values parse_listing reads: `base` (the listing now, or empty) overlaid with the body.

    Answers (raw, errors) where errors are about the JSON's shape, keyed by its paths."""
    raw = dict(base)
    errors: dict[str, str] = {}
    for key in body:
        if key not in WRITABLE and key not in READ_ONLY:
            errors[key] = _("Unknown field.")
    for kind in ("names", "descriptions"):
        if kind not in body:
            continue
        texts = body[kind]
        if not isinstance(texts, dict):
            errors[kind] = _("Send an object of language code to text, e.g. {\"en\": \"...\"}.")
            continue
        for lang, text in texts.items():
            if lang not in LANG_KEYS:
                errors[f"{kind}.{lang}"[:60]] = _("Unknown language: use en, zh, ru or ur.")
            elif text is not None and not isinstance(text, str):
                errors[f"{kind}.{lang}"] = _("Send text, or null to remove it.")
            else:
                raw[f"{'name' if kind == 'names' else 'description'}_{lang}"] = text or ""
    for key in ("category", "origin_country", "hs_code"):
        if key in body:
            if not isinstance(body[key], str):
                errors[key] = _("Send text.")
            else:
                raw[key] = body[key]
    if "tax_class" in body:
        if body["tax_class"] is not None and not isinstance(body["tax_class"], str):
            errors["tax_class"] = _("Send text, or null for the category's default.")
        else:
            raw["tax_class"] = body["tax_class"] or ""
    if "price" in body and "price_cny" in body:
        errors["price"] = _("Send either price or price_cny, not both.")
    elif "price" in body:
        price = body["price"]
        if not isinstance(price, dict) or not isinstance(price.get("amount"), str):
            errors["price"] = _("Send {\"amount\": \"12.50\", \"currency\": \"CNY\"} with the amount as text.")
        elif price.get("currency", "CNY") != "CNY":
            errors["price.currency"] = _("Prices are kept in CNY.")
        else:
            raw["price_cny"] = price["amount"]
    elif "price_cny" in body:
        if not isinstance(body["price_cny"], str):
            errors["price_cny"] = _("Send the amount as text, e.g. \"12.50\".")
        else:
            raw["price_cny"] = body["price_cny"]
    if "weight_g" in body:
        text = _whole_number(body["weight_g"])
        if text is None:
            errors["weight_g"] = _("Send a whole number.")
        else:
            raw["weight_g"] = text
    if "reorder_point" in body:
        text = _whole_number(body["reorder_point"])
        if text is None:
            errors["reorder_point"] = _("Send a whole number.")
        else:
            raw["reorder_point"] = text
    if "dimensions_mm" in body:
        sizes = body["dimensions_mm"]
        texts = [_whole_number(v) for v in sizes] if isinstance(sizes, list) and len(sizes) == 3 else None
        if texts is None or None in texts:
            errors["dimensions_mm"] = _("Send three whole numbers: length, width and height in millimetres.")
        else:
            raw["length_mm"], raw["width_mm"], raw["height_mm"] = texts
    if "goods_flags" in body:
        flags = body["goods_flags"]
        if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
            errors["goods_flags"] = _("Send a list such as [\"liquid\", \"fragile\"].")
        else:
            raw["goods_flags"] = flags
    if "active" in body:
        if not isinstance(body["active"], bool):
            errors["active"] = _("Send true or false.")
        else:
            raw["active"] = body["active"]
    for key in sorted(VARIANT_KEYS & set(body)):
        if body[key] is not None and not isinstance(body[key], str):
            errors[key] = _("Send text, or null to remove it.")
        else:
            raw[key] = body[key] or ""
    return raw, errors


@bp.put("/merchant/products/<sku>")
@api_limit
@token_required
def merchant_product_put(sku: str):
    """Create a listing (201) or update one of the merchant's (200); fields left out keep their values."""
    body = _body()
    if body is None:
        return json_error(400, "invalid_json", _("Send a JSON object."))
    if "sku" in body and body["sku"] != sku:
        return _invalid({"sku": _("The SKU in the body differs from the one in the address.")})
    existing = catalogue.get_by_sku(sku)
    if existing is not None and existing.merchant_id != _merchant_id():
        return json_error(403, "sku_taken", _("This SKU is already used by another merchant."))
    base = listings.listing_values(existing) if existing is not None else {"sku": sku}
    raw, errors = listing_raw(body, base)
    if errors:
        return _invalid(errors)
    draft, problems = listings.parse_listing(raw)
    if problems or draft is None:  # parse_listing answers a draft exactly when there are no problems
        sent_price = "price_cny" if "price_cny" in body else "price"
        paths = {**_FIELD_PATHS, "price_cny": sent_price}
        return _invalid({paths.get(k, k): message for k, message in said(problems).items()})
    try:
        product, created, _changed = merchant_service.save_listing(
            _merchant_id(), draft, g.api_token.user_id, create=False, via="api")
    except merchant_service.SkuTaken:
        return json_error(403, "sku_taken", _("This SKU is already used by another merchant."))
    except merchant_service.NotFound:
        return _invalid({"category": _("There is no category %(slug)s.", slug=draft.category)})
    except merchant_service.VariantRefused as refused:
        return _invalid({refused.field: str(refused.message)})
    product = catalogue.get_by_sku(product.sku) or product  # read back with its texts, category and merchant
    available = catalogue.stock_available([product.id])[product.id]
    return jsonify(product_json(product, available)), (201 if created else 200)


@bp.post("/merchant/lots")
@api_limit
@token_required
def merchant_lots_post():
    """Receive a bonded lot of one of the merchant's listings (an intake in the ledger): 201."""
    body = _body()
    if body is None:
        return json_error(400, "invalid_json", _("Send a JSON object."))
    errors = {key[:60]: _("Unknown field.") for key in body if key not in LOT_KEYS}
    raw = {}
    for key in LOT_KEYS - {"quantity"}:
        value = body.get(key)
        if value is not None and not isinstance(value, str):
            errors[key] = _("Send text.")
        raw[key] = value if isinstance(value, str) else ""
    if "quantity" in body:
        text = _whole_number(body["quantity"])
        if text is None:
            errors["quantity"] = _("Send a whole number.")
        raw["quantity"] = text or ""
    if not raw["sku"].strip():
        errors["sku"] = _("This field is required.")
    draft, problems = listings.parse_lot(raw)
    errors = {**said(problems), **errors}
    if errors or draft is None:
        return _invalid(errors)
    sku = raw["sku"].strip()
    try:
        lot = merchant_service.receive_lot(_merchant_id(), sku, draft, g.api_token.user_id, via="api")
    except merchant_service.NotFound:
        return json_error(404, "unknown_sku", _("You have no listing with this SKU."))
    except merchant_service.LotNumberTaken:
        return json_error(409, "lot_number_taken", _("This lot number is already in use."))
    # Read back as stored (the ledger's totals, the stored timestamp), with its listing.
    stored = merchant_service.get_lot(_merchant_id(), lot.id) or lot
    return jsonify(merchant_service.lot_to_dict(stored)), 201


@bp.get("/merchant/orders")
@api_limit
@token_required
def merchant_orders():
    """Orders holding the merchant's goods, newest first, with only their lines; ?status= filters."""
    page = _page_arg()
    if page is None:
        return json_error(400, "invalid_page", _("page must be a positive whole number"))
    status = request.args.get("status") or None
    if status is not None and status not in ORDER_STATUSES:
        return json_error(400, "invalid_status", _("Unknown order status."))
    per_page = current_app.config["PER_PAGE"]
    found, total = merchant_service.orders(_merchant_id(), page, per_page, status)
    pages = max(1, -(-total // per_page))
    return jsonify({"items": [merchant_service.order_to_dict(o, lines) for o, lines in found],
                    "page": min(page, pages), "pages": pages, "total": total})


ALT_FIELDS = {f"alt_{lang}": lang for lang in LANG_KEYS}


@bp.post("/merchant/products/<sku>/images")
@api_limit
@token_required
def merchant_product_images_post(sku: str):
    """Add a photo to one of the merchant's listings (multipart: `file`, optional `alt_en` ... `alt_ur`): 201."""
    if request.mimetype != "multipart/form-data":
        return json_error(400, "multipart_required", _("Send the photo as multipart/form-data in the field file."))
    upload = request.files.get("file")
    if upload is None or not upload.filename and not upload.content_length:
        return _invalid({"file": _("Send the photo in the field file.")})
    unknown = [k for k in (*request.form, *request.files) if k not in ALT_FIELDS and k != "file"]
    if unknown:
        return _invalid({str(k)[:60]: _("Unknown field.") for k in unknown})
    alts = {lang: request.form.get(field) for field, lang in ALT_FIELDS.items() if field in request.form}
    data = upload.stream.read(photos.MAX_BYTES + 1)
    try:
        made = photos.add_images(_merchant_id(), sku, [(data, alts)], g.api_token.user_id, via="api")
    except photos.ListingNotFound:
        return json_error(404, "unknown_sku", _("You have no listing with this SKU."))
    except photos.ImageRejected as error:
        if error.code == "invalid_alt":
            return _invalid({"alt": str(error.message)})
        return json_error(413 if error.code == "file_too_large" else 400, error.code, str(error.message))
    queue_renditions(image.id for image in made)
    image = photos.stored_image(made[0].id) or made[0]
    return jsonify(photos.image_to_dict(image)), 201


@bp.delete("/merchant/products/<sku>/images/<int:image_id>")
@api_limit
@token_required
def merchant_product_image_delete(sku: str, image_id: int):
    """Take a photo off one of the merchant's listings: 204."""
    try:
        photos.delete_image(_merchant_id(), sku, image_id, g.api_token.user_id, via="api")
    except photos.ListingNotFound:
        return json_error(404, "unknown_sku", _("You have no listing with this SKU."))
    except photos.ImageNotFound:
        return json_error(404, "unknown_image", _("This listing has no photo with this id."))
    return "", 204

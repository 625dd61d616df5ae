"""The API's OpenAPI 3.1 description, served at /api/v1/openapi.json."""
from typing import Any

from flask import jsonify

from shop.domain.tracking import NOTE_MAX, PLACE_MAX, CarrierStatus
from shop.i18n import LANGUAGES
from shop.web.api import bp

CARRIER_STATUSES = tuple(status.value for status in CarrierStatus)
MONEY = {"type": "object", "required": ["amount", "currency"],
         "properties": {"amount": {"type": "string", "pattern": r"^\d+\.\d{2}$"},
                        "currency": {"type": "string", "minLength": 3, "maxLength": 3}}}
LANG_MAP = {"type": "object", "properties": {k: {"type": ["string", "null"]} for k in LANGUAGES}}
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message"],
    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}
IMAGE = {
    "type": "object", "required": ["id", "url", "width", "height", "alt", "renditions"],
    "properties": {
        "id": {"type": "integer"}, "url": {"type": "string"}, "width": {"type": "integer", "minimum": 1},
        "height": {"type": "integer", "minimum": 1}, "alt": LANG_MAP,
        "renditions": {"type": "array", "description": "WebP copies 320, 640 and 1280 px wide (never wider than "
                       "the photo); empty until the worker has made them", "items": {
                           "type": "object", "required": ["url", "width"],
                           "properties": {"url": {"type": "string"}, "width": {"type": "integer"}}}},
    },
}
PRODUCT: dict[str, Any] = {  # a JSON Schema object; LISTING_BODY reads parts of it
    "type": "object",
    "required": ["sku", "slug", "names", "descriptions", "category", "merchant", "origin_country", "hs_code",
                 "goods_flags", "price", "weight_g", "dimensions_mm", "stock_available", "images"],
    "properties": {
        "sku": {"type": "string"}, "slug": {"type": "string"}, "names": LANG_MAP, "descriptions": LANG_MAP,
        "category": {"type": "string"}, "merchant": {"type": "string"},
        "origin_country": {"type": "string", "minLength": 2, "maxLength": 2}, "hs_code": {"type": "string"},
        "tax_class": {"type": "string", "enum": ["food", "general", "cosmetics_high"]},
        "goods_flags": {"type": "array", "items": {"type": "string", "enum": [
            "liquid", "aerosol", "battery", "perfume", "perishable", "fragile"]}},
        "price": MONEY, "weight_g": {"type": "integer"},
        "dimensions_mm": {"type": "array", "items": {"type": "integer"}, "minItems": 3, "maxItems": 3},
        "stock_available": {"type": "integer", "minimum": 0},
        "images": {"type": "array", "items": IMAGE},
    },
}
DATE_RANGE = {"type": "object", "properties": {"earliest": {"type": "string", "format": "date"},
                                               "latest": {"type": "string", "format": "date"}}}
QUOTE = {
    "type": "object", "required": ["destination", "options", "ruled_out"],
    "properties": {
        "destination": {"type": "object"},
        "options": {"type": "array", "items": {"type": "object", "required": ["shipments", "cost", "taxes", "delivery"],
            "properties": {
                "labels": {"type": "array", "items": {"type": "string",
                                                      "enum": ["recommended", "fastest", "cheapest"]}},
                "shipments": {"type": "array", "items": {"type": "object", "required": [
                    "line", "items", "departure", "delivery", "chargeable_weight_g", "cost"], "properties": {
                    "line": {"type": "string"}, "items": {"type": "array"},
                    "departure": {"type": "string", "format": "date-time"}, "delivery": DATE_RANGE,
                    "chargeable_weight_g": {"type": "integer"}, "cost": MONEY}}},
                "cost": MONEY, "taxes": MONEY, "delivery": DATE_RANGE,
                "discount": {"description": "with a discount_code: what it takes off with this option "
                             "(amount = goods + shipping; taxes are already on the price paid)",
                             "type": "object", "required": ["amount", "currency", "goods", "shipping"],
                             "properties": {"amount": {"type": "string"}, "currency": {"type": "string"},
                                            "goods": {"type": "string"}, "shipping": {"type": "string"}}}}}},
        "discount": {"description": "the discount code applied: its kind, the goods discount, the SKUs it is for",
                     "type": "object", "required": ["code", "kind", "goods"], "properties": {
                         "code": {"type": "string"}, "kind": {"type": "string",
                                                              "enum": ["percent", "amount", "free_shipping"]},
                         "goods": MONEY, "skus": {"type": "array", "items": {"type": "string"}}}},
        "ruled_out": {"type": "array", "items": {"type": "object", "required": ["line", "code", "reason"],
                                                 "properties": {"line": {"type": "string"},
                                                                "code": {"type": "string"},
                                                                "reason": {"type": "string"}}}},
    },
}


LISTING_BODY = {
    "type": "object", "additionalProperties": False,
    "description": "Fields left out keep their values; a new listing needs names.en, category, origin_country, "
                   "hs_code, a price, weight_g and dimensions_mm.",
    "properties": {
        "sku": {"type": "string", "description": "when sent, the same as in the address"},
        "slug": {"type": "string", "readOnly": True}, "merchant": {"type": "string", "readOnly": True},
        "stock_available": {"type": "integer", "readOnly": True},
        "images": {"type": "array", "readOnly": True, "description": "ignored: photos have their own endpoints"},
        "names": LANG_MAP, "descriptions": LANG_MAP, "category": {"type": "string"},
        "origin_country": {"type": "string", "minLength": 2, "maxLength": 2}, "hs_code": {"type": "string"},
        "price": MONEY, "price_cny": {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"},
        "weight_g": {"type": "integer", "minimum": 1},
        "dimensions_mm": {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 3, "maxItems": 3},
        "goods_flags": PRODUCT["properties"]["goods_flags"],
        "tax_class": {"type": ["string", "null"], "enum": ["food", "general", "cosmetics_high", None]},
        "active": {"type": "boolean"},
    },
}
LOT_BODY = {
    "type": "object", "additionalProperties": False,
    "required": ["sku", "lot_number", "quantity", "bin", "customs_entry"],
    "properties": {
        "sku": {"type": "string"}, "lot_number": {"type": "string", "maxLength": 40},
        "quantity": {"type": "integer", "minimum": 1}, "expiry": {"type": ["string", "null"], "format": "date"},
        "bin": {"type": "string"}, "customs_entry": {"type": "string", "pattern": r"^\d{18}$"},
        "customs_status": {"type": "string", "enum": ["bonded", "released", "quarantined"]},
    },
}

CARRIER_EVENT_BODY = {
    "type": "object", "required": ["status", "at"],
    "description": "Idempotent on (tracking number, status, at): the same report again answers 200 with the event "
                   "recorded first. Other keys are ignored.",
    "properties": {
        "status": {"type": "string", "enum": list(CARRIER_STATUSES)},
        "at": {"type": "string", "format": "date-time",
               "description": "when it happened, ISO 8601 with its offset; at most 15 minutes ahead of the shop's "
                              "clock, at most a year ago"},
        "place": {"type": "string", "maxLength": PLACE_MAX}, "note": {"type": "string", "maxLength": NOTE_MAX},
    },
}
CARRIER_EVENT = {
    "type": "object", "required": ["id", "tracking_number", "status", "at", "place", "note", "source",
                                   "shipment_status"],
    "properties": {
        "id": {"type": "integer"}, "tracking_number": {"type": "string"},
        "status": {"type": "string", "enum": list(CARRIER_STATUSES)},
        "at": {"type": "string", "format": "date-time"}, "place": {"type": "string"}, "note": {"type": "string"},
        "source": {"type": "string", "enum": ["operator", "staff"]},
        "shipment_status": {"type": "string", "description": "the parcel's status once the event is recorded"},
    },
}


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _errors(*codes):
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    return {str(c): {"description": "error", "content": error}
            for c in codes}


def spec() -> dict:
    def query(name: str, schema: dict, description: str, repeat: bool = False) -> dict:
        if repeat:
            return {"name": name, "in": "query", "required": False, "description": description,
                    "schema": {"type": "array", "items": schema, "maxItems": 20}, "style": "form", "explode": True}
        return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}

    lang_param = query("lang", {"type": "string", "enum": list(LANGUAGES)}, "ranking and names in this language")
    page_params = [
        query("q", {"type": "string"}, "search words in any of the four languages; typos forgiven"),
        query("category", {"type": "string"}, "a category slug (its subcategories included); repeatable", True),
        query("origin", {"type": "string", "pattern": "^[A-Za-z]{2}$"}, "ISO 3166 alpha-2; repeatable", True),
        query("min_price", {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"}, "lowest price, in `currency`"),
        query("max_price", {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"}, "highest price, in `currency`"),
        query("currency", {"type": "string", "minLength": 3, "maxLength": 3}, "of the price bounds; CNY by default"),
        query("in_stock", {"type": "string", "enum": ["0", "1"]}, "1: only what can be bought now"),
        query("sort", {"type": "string", "enum": ["relevance", "price", "-price", "newest"]},
              "relevance (with q: best match) by default"),
        query("page", {"type": "string", "pattern": "^[0-9]+$"}, "from 1"),
        lang_param,
    ]
    bearer: list[dict[str, list[str]]] = [{"bearer": []}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kashgar Bonded Zone Shop API", "version": "1.0.0"},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": {"Product": PRODUCT, "Image": IMAGE, "Money": MONEY, "Error": ERROR, "Quote": QUOTE,
                        "CarrierEvent": CARRIER_EVENT},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "operator": {"type": "http", "scheme": "bearer",
                                             "description": "an express line operator's token"}},
        },
        "paths": {
            "/products": {"get": {"summary": "The public catalogue", "parameters": page_params, "responses": {
                "200": {"description": "a page of products", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["items", "page", "pages", "total"], "properties": {
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Product"}},
                        "page": {"type": "integer"}, "pages": {"type": "integer"},
                        "total": {"type": "integer"}}}}}}, **_errors(400, 404)}}},
            "/search/suggest": {"get": {"summary": "Products for what a buyer has typed so far (at most 10)",
                                        "parameters": [query("q", {"type": "string"}, "what was typed"), lang_param],
                                        "responses": {"200": {"description": "suggestions, best first", "content": {
                "application/json": {"schema": {"type": "object", "required": ["items"], "properties": {
                    "items": {"type": "array", "maxItems": 10, "items": {
                        "type": "object", "required": ["sku", "name", "url"], "properties": {
                            "sku": {"type": "string"}, "name": {"type": "string"},
                            "url": {"type": "string", "format": "uri"}}}}}}}}}, **_errors(400)}}},
            "/products/{sku}": {"get": {"summary": "One listing", "parameters": [
                {"name": "sku", "in": "path", "required": True, "schema": {"type": "string"}}], "responses": {
                "200": {"description": "the product", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Product"}}}}, **_errors(400, 404)}}},
            "/quote": {"post": {"summary": "Shipping options for items to a destination", "requestBody": {
                "required": True, "content": {"application/json": {"schema": {"type": "object",
                    "required": ["destination", "items"], "properties": {
                        "destination": {"type": "object", "required": ["country"], "properties": {
                            "country": {"type": "string"}, "city": {"type": "string"}}},
                        "items": {"type": "array", "minItems": 1, "items": {"type": "object",
                            "required": ["sku", "quantity"], "properties": {
                                "sku": {"type": "string"}, "quantity": {"type": "integer", "minimum": 1}}}},
                        "date": {"type": "string", "format": "date"},
                        "discount_code": {"type": "string", "maxLength": 64, "description":
                                          "a discount code; one that cannot be used answers 422 with error code "
                                          "discount_unknown, discount_expired, discount_not_yet_valid, "
                                          "discount_used_up, discount_minimum_not_reached or "
                                          "discount_not_for_these_items"}}}}}},
                "responses": {"200": {"description": "options", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Quote"}}}}, **_errors(400, 413, 422, 503)}}},
            "/merchant/orders": {"get": {"summary": "The merchant's orders", "security": bearer, "parameters": [
                {"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
                for n in ("page", "status")],
                "responses": {"200": {"description": "orders"}, **_errors(400, 401, 429)}}},
            "/merchant/products": {"get": {"summary": "The merchant's listings", "security": bearer, "parameters": [
                {"name": n, "in": "query", "required": False, "schema": {"type": "string"}} for n in ("q", "page")],
                "responses": {"200": {"description": "products"}, **_errors(400, 401, 429)}}},
            "/merchant/products/{sku}": {"put": {"summary": "Create or update one of the merchant's listings",
                                                 "security": bearer, "parameters": [
                {"name": "sku", "in": "path", "required": True, "schema": {"type": "string"}}],
                "requestBody": _body(LISTING_BODY),
                "responses": {"200": {"description": "the product, updated"},
                              "201": {"description": "the product, created"},
                              **_errors(400, 401, 403, 404, 413, 422, 429)}}},
            "/shipments/{tracking_number}/events": {"post": {
                "summary": "An express line's operator reports what happened to one of its parcels",
                "description": "With a token an admin made for the line (shop create-operator-token LINE_CODE). "
                               "A parcel of another line, or none, answers 404. A delivered event delivers the "
                               "parcel, and the order once all its parcels are.",
                "security": [{"operator": []}], "parameters": [
                    {"name": "tracking_number", "in": "path", "required": True, "schema": {"type": "string"}}],
                "requestBody": _body(CARRIER_EVENT_BODY),
                "responses": {"201": {"description": "the event, recorded now", "content": {"application/json": {
                                  "schema": {"$ref": "#/components/schemas/CarrierEvent"}}}},
                              "200": {"description": "the same event, recorded before", "content": {
                                  "application/json": {"schema": {"$ref": "#/components/schemas/CarrierEvent"}}}},
                              **_errors(400, 401, 404, 409, 413, 422, 429)}}},
            "/merchant/products/{sku}/images": {"post": {
                "summary": "Add a photo to one of the merchant's listings (JPEG, PNG or WebP, at most 15 MB and "
                           "50 megapixels; turned upright, EXIF and GPS removed)", "security": bearer,
                "parameters": [{"name": "sku", "in": "path", "required": True, "schema": {"type": "string"}}],
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["file"], "properties": {
                        "file": {"type": "string", "format": "binary"},
                        **{f"alt_{k}": {"type": "string", "maxLength": 250} for k in LANGUAGES}}}}}},
                "responses": {"201": {"description": "the photo", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Image"}}}}, **_errors(400, 401, 404, 413, 422, 429)}}},
            "/merchant/products/{sku}/images/{id}": {"delete": {
                "summary": "Take a photo off one of the merchant's listings", "security": bearer, "parameters": [
                    {"name": "sku", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"204": {"description": "deleted"}, **_errors(400, 401, 404, 429)}}},
            "/merchant/lots": {"post": {"summary": "Receive a bonded lot", "security": bearer,
                                        "requestBody": _body(LOT_BODY),
                                        "responses": {"201": {"description": "the lot"},
                                                      **_errors(400, 401, 404, 409, 413, 422, 429)}}},
        },
    }


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(spec())

"""The API's OpenAPI 3.1 description, served at /api/v1/openapi.json."""
from typing import Any

from flask import jsonify

from shop.i18n import LANGUAGES
from shop.web.api import bp

MONEY = {"type": "object", "required": ["amount", "currency"],
         "properties": {"amount": {"type": "string", "pattern": r"^\d+\.\d{2}$"},
                        "currency": {"type": "string", "minLength": 3, "maxLength": 3}}}
LANG_MAP = {"type": "object", "properties": {k: {"type": ["string", "null"]} for k in LANGUAGES}}
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message"],
    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}
PRODUCT: dict[str, Any] = {  # a JSON Schema object; LISTING_BODY reads parts of it
    "type": "object",
    "required": ["sku", "slug", "names", "descriptions", "category", "merchant", "origin_country", "hs_code",
                 "goods_flags", "price", "weight_g", "dimensions_mm", "stock_available"],
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
                "cost": MONEY, "taxes": MONEY, "delivery": DATE_RANGE}}},
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
            "schemas": {"Product": PRODUCT, "Money": MONEY, "Error": ERROR, "Quote": QUOTE},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
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
                        "date": {"type": "string", "format": "date"}}}}}},
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

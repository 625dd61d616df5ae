"""Products as the API shows them: the catalogue's shape with each variant option named in the
four languages (the words buyers read are the web layer's)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import force_locale

from shop.i18n import BABEL_LOCALE, LANGUAGES
from shop.services import catalogue
from shop.web.words import option_name


def _option_names(kind: str) -> dict[str, str]:
    names = {}
    for lang in LANGUAGES:
        with force_locale(BABEL_LOCALE[lang]):
            names[lang] = option_name(kind)
    return names


def products_json(products: Sequence[Any], stock: dict[int, int]) -> list[dict[str, Any]]:
    items = catalogue.products_to_dicts(products, stock)
    for item in items:
        for option in item.get("options", ()):
            option["name"] = _option_names(option["code"])
    return items


def product_json(product: Any, available: int) -> dict[str, Any]:
    return products_json([product], {product.id: available})[0]

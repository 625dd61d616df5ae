"""A listing and a lot after validation (drafts), and a stored listing as the text values a form
or an API update starts from."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from shop.domain.languages import LANGUAGES
from shop.models import Category, Product
from shop.services.catalogue import category_tree
from shop.services.listings.columns import VARIANT_COLUMNS
from shop.services.variants import VariantDraft

# A listing's tax class when the merchant does not name one, by its top-level category.
DEFAULT_TAX_CLASS = {"food": "food", "cosmetics": "general", "daily-necessities": "general"}

# The values parse_listing reads, by the names the form, the API and the CSV columns use.
LISTING_FIELDS = (
    "sku", *(f"name_{lang}" for lang in LANGUAGES), *(f"description_{lang}" for lang in LANGUAGES),
    "category", "origin_country", "hs_code", "tax_class", "price_cny", "weight_g", "length_mm", "width_mm",
    "height_mm", "goods_flags", "reorder_point", *VARIANT_COLUMNS,
)


@dataclass
class ListingDraft:
    """A listing's values after validation (texts: lang -> (name, description))."""

    sku: str
    texts: dict[str, tuple[str, str]]
    category: str
    origin_country: str
    hs_code: str
    tax_class: str | None  # None: the default of its category
    price_cny: Decimal
    weight_g: int
    length_mm: int
    width_mm: int
    height_mm: int
    goods_flags: list[str]
    active: bool = True
    reorder_point: int | None = None  # None: keep the listing's own (0 for a new one)
    variant: VariantDraft | None = None  # the product it is a variant of, and its options
    variant_given: bool = False  # whether the values spoke of variants at all (else membership stays)

    def values(self, category: Category) -> dict[str, object]:
        """The Product column values, with the tax class settled by the category."""
        return {
            "category_id": category.id, "origin_country": self.origin_country, "hs_code": self.hs_code,
            "tax_class": self.tax_class or default_tax_class(category), "price_cny": self.price_cny,
            "weight_g": self.weight_g, "length_mm": self.length_mm, "width_mm": self.width_mm,
            "height_mm": self.height_mm, "goods_flags": self.goods_flags, "active": self.active,
            **({"reorder_point": self.reorder_point} if self.reorder_point is not None else {}),
        }


@dataclass
class LotDraft:
    """A lot's values after validation."""

    lot_number: str
    quantity: int
    expiry: dt.date | None
    bin: str
    customs_entry: str
    customs_status: str = "bonded"


def default_tax_class(category: Category) -> str:
    """food for listings under the food tree, general for the rest (cosmetics_high is chosen)."""
    tree = category_tree()
    root = tree.path(category)[0] if category.id in tree.by_id else category
    return DEFAULT_TAX_CLASS.get(root.slug, "general")


def listing_values(product: Product) -> dict[str, object]:
    """A product as the text values parse_listing reads (to fill a form or merge an API update)."""
    texts = {t.lang: t for t in product.translations}
    values: dict[str, object] = {
        "sku": product.sku, "category": product.category.slug, "origin_country": product.origin_country,
        "hs_code": product.hs_code, "tax_class": product.tax_class, "price_cny": f"{product.price_cny:.2f}",
        "weight_g": str(product.weight_g), "length_mm": str(product.length_mm), "width_mm": str(product.width_mm),
        "height_mm": str(product.height_mm), "goods_flags": ";".join(sorted(product.goods_flags or [])),
        "reorder_point": str(product.reorder_point or 0),
        "active": product.active,
    }
    for lang in LANGUAGES:
        values[f"name_{lang}"] = texts[lang].name if lang in texts else ""
        values[f"description_{lang}"] = texts[lang].description if lang in texts else ""
    group = product.variant_group
    values.update({column: "" for column in VARIANT_COLUMNS})
    if group is not None:
        values["product"] = group.code
        for n, (kind, value) in enumerate(zip(group.option_kinds or [], product.option_values or [],
                                              strict=False), start=1):
            values[f"option{n}_name"] = kind
            values[f"option{n}_value"] = value.get("en", "")
            for lang in LANGUAGES:
                if lang != "en":
                    values[f"option{n}_value_{lang}"] = value.get(lang, "")
    return values

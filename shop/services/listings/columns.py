"""The listings CSV file's columns: the one description of its format, for the import and the template."""
from __future__ import annotations

from shop.domain.languages import LANGUAGES

COLUMNS = (
    "sku", *(f"name_{lang}" for lang in LANGUAGES), *(f"description_{lang}" for lang in LANGUAGES),
    "category", "origin_country", "hs_code", "price_cny", "weight_g", "length_mm", "width_mm", "height_mm",
    "goods_flags", "lot_number", "lot_quantity", "lot_expiry", "bin", "customs_entry",
)
# A variant's columns: the product it belongs to (a code the merchant chooses, shared by its
# variants) and one or two options; a value's translations are optional (the value is English).
VARIANT_COLUMNS = (
    "product", "option1_name", "option1_value", "option2_name", "option2_value",
    *(f"option{n}_value_{lang}" for n in (1, 2) for lang in LANGUAGES if lang != "en"),
)
OPTIONAL_COLUMNS = ("tax_class", "reorder_point", *VARIANT_COLUMNS)
# The CSV's lot columns and the names parse_lot knows them by.
LOT_COLUMNS = {"lot_number": "lot_number", "lot_quantity": "quantity", "lot_expiry": "expiry", "bin": "bin",
               "customs_entry": "customs_entry"}

"""The listings CSV file's columns: the one description of its format, for the import and the template."""
from __future__ import annotations

from shop.domain.languages import LANGUAGES

COLUMNS = (
    "sku", *(f"name_{lang}" for lang in LANGUAGES), *(f"description_{lang}" for lang in LANGUAGES),
    "category", "origin_country", "hs_code", "price_cny", "weight_g", "length_mm", "width_mm", "height_mm",
    "goods_flags", "lot_number", "lot_quantity", "lot_expiry", "bin", "customs_entry",
)
OPTIONAL_COLUMNS = ("tax_class", "reorder_point")
# The CSV's lot columns and the names parse_lot knows them by.
LOT_COLUMNS = {"lot_number": "lot_number", "lot_quantity": "quantity", "lot_expiry": "expiry", "bin": "bin",
               "customs_entry": "customs_entry"}

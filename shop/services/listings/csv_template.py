"""The listings CSV template merchants download to start from: the header and one example row."""
from __future__ import annotations

from shop.services import csv_export
from shop.services.listings.columns import COLUMNS, OPTIONAL_COLUMNS

_EXAMPLE = {
    "sku": "KZ-EXAMPLE-1", "name_en": "Rakhat dark chocolate 100 g", "name_zh": "拉哈特黑巧克力100克",
    "name_ru": "Шоколад «Рахат» тёмный, 100 г", "name_ur": "رحات ڈارک چاکلیٹ، 100 گرام",
    "description_en": "Dark chocolate from Almaty.", "category": "sweets-chocolate", "origin_country": "KZ",
    "hs_code": "1806.32", "price_cny": "18.50", "weight_g": "110", "length_mm": "160", "width_mm": "80",
    "height_mm": "10", "goods_flags": "fragile", "lot_number": "", "lot_quantity": "", "lot_expiry": "",
    "bin": "", "customs_entry": "", "tax_class": "",
}


def template_csv() -> str:
    """A header row and one example row, for merchants to start from."""
    columns = [*COLUMNS, *OPTIONAL_COLUMNS]
    return csv_export.write_csv(columns, [{c: _EXAMPLE.get(c, "") for c in columns}], bom=False)

"""A merchant's listings and bonded lots as people type them: one validation for the portal form,
the JSON API and the CSV import, the writes they share, and the all-or-nothing CSV import
(`shop import-listings`).

Modules, one job each:
- fields: one value (text, number, price, date, goods flags) checked on its own;
- drafts: a validated listing or lot, and a stored listing as text values;
- parsing: `parse_listing` and `parse_lot`, a draft or {field: message};
- writes: a listing made or changed from its draft, a lot received, search reindexed;
- columns, csv_file, import_errors, csv_import: the CSV format, reading a file, what was wrong
  with it, and the import itself; csv_template: the file merchants start from.

Messages are `shop.domain.messages.Message`s (msgid and values): the web layer says them in
the reader's language. Nothing here commits except the import, in one transaction.
"""
from __future__ import annotations

from collections.abc import Callable

from shop.services.listings import csv_import
from shop.services.listings.columns import COLUMNS, LOT_COLUMNS, OPTIONAL_COLUMNS, VARIANT_COLUMNS
from shop.services.listings.csv_file import MAX_BYTES, MAX_ROWS, Row, read_rows
from shop.services.listings.csv_import import ImportResult
from shop.services.listings.csv_template import template_csv
from shop.services.listings.drafts import (
    DEFAULT_TAX_CLASS,
    LISTING_FIELDS,
    ListingDraft,
    LotDraft,
    default_tax_class,
    listing_values,
)
from shop.services.listings.fields import (
    MAX_DESCRIPTION,
    MAX_NAME,
    MAX_PRICE,
    MAX_QUANTITY,
    MAX_REORDER_POINT,
    MAX_SIDE_MM,
    MAX_WEIGHT_G,
    Invalid,
    check_text,
    clean_text,
    parse_date,
    parse_flags,
    today,
)
from shop.services.listings.import_errors import MAX_ERRORS, ListingImportError, RowError
from shop.services.listings.parsing import parse_listing, parse_lot
from shop.services.listings.writes import Slugs, apply_listing, receive_into, reindex

__all__ = [
    "COLUMNS", "DEFAULT_TAX_CLASS", "LISTING_FIELDS", "LOT_COLUMNS", "MAX_BYTES", "MAX_DESCRIPTION", "MAX_ERRORS",
    "MAX_NAME", "MAX_PRICE", "MAX_QUANTITY", "MAX_REORDER_POINT", "MAX_ROWS", "MAX_SIDE_MM", "MAX_WEIGHT_G",
    "OPTIONAL_COLUMNS", "VARIANT_COLUMNS", "ImportResult", "Invalid", "ListingDraft", "ListingImportError",
    "LotDraft", "Row",
    "RowError", "Slugs", "apply_listing", "check_text", "clean_text", "default_tax_class",
    "import_listings_csv", "listing_values", "parse_date", "parse_flags", "parse_listing", "parse_lot",
    "read_rows", "receive_into", "reindex", "template_csv", "today",
]


def import_listings_csv(data: bytes, merchant_slug: str, progress: Callable[[int, int], None] | None = None,
                        *, user_id: int | None = None) -> ImportResult:
    """Create or update one merchant's listings and receive their lots from CSV: all rows or none
    (see csv_import.import_listings_csv).

    The file's limits are this package's MAX_BYTES and MAX_ROWS, read at each call: the portal
    sizes its upload by the same names, so lowering them here (an operator, a test) lowers both."""
    return csv_import.import_listings_csv(data, merchant_slug, progress, user_id=user_id, max_bytes=MAX_BYTES,
                                          max_rows=MAX_ROWS)

"""Printed documents: barcodes and PDFs through the documents adapter, CSV and JSON exports."""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from shop.services import csv_export, ports
from shop.services.ports import DocumentError

__all__ = ["DocumentError", "barcode_svg", "mask_id_number", "render_pdf", "to_csv", "to_json"]


def barcode_svg(data: str, *, height_mm: float = 12.0) -> Markup:
    """A Code 128 barcode of `data` as an <svg> element to put straight into HTML."""
    return Markup(ports.registry().documents.barcode_svg(data, height_mm))


def render_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML document."""
    return ports.registry().documents.pdf(html)


def to_csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    """UTF-8 CSV text with a header row, through the shop's one CSV writer (formulas defused)."""
    return csv_export.write_csv(columns, rows)


def _json_default(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: object) -> str:
    """JSON text with amounts as decimal strings and dates in ISO 8601."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)


def mask_id_number(id_number: str | None) -> str:
    """An ID number with its middle hidden ("110105********0015"): enough to match, not to misuse."""
    if not id_number:
        return ""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]

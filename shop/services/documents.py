"""Printed documents: Code 128 barcodes as inline SVG, HTML to PDF with WeasyPrint, CSV and JSON exports."""
from __future__ import annotations

import csv
import functools
import io
import json
import mimetypes
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

import barcode
from barcode.writer import SVGWriter
from markupsafe import Markup

STATIC = Path(__file__).resolve().parent.parent / "static"
# Inline barcodes stay legible on a thermal label printer at 203 dpi: a module of 0.3 mm
# is about 2.4 dots.
_FILL_STYLE = re.compile(r'style="fill:\s*([a-z]+);?"')
_BARCODE_OPTIONS = {"module_width": 0.3, "quiet_zone": 3.0, "write_text": False, "compress": False}


class DocumentError(Exception):
    """A document that cannot be made (a value a barcode cannot carry, a resource refused)."""


@functools.lru_cache(maxsize=2048)  # a pick list repeats its bins and orders
def barcode_svg(data: str, *, height_mm: float = 12.0) -> Markup:
    """A Code 128 barcode of `data` as an <svg> element to put straight into HTML."""
    if not data or not data.isascii():
        raise DocumentError(f"Code 128 carries ASCII only: {data!r}")
    code = barcode.get("code128", data, writer=SVGWriter())
    svg = code.render({**_BARCODE_OPTIONS, "module_height": height_mm}).decode("utf-8")
    # python-barcode writes an XML declaration and a DOCTYPE first; HTML wants the element alone.
    svg = svg[svg.index("<svg"):]
    # Presentation attributes instead of style="fill:..." (which WeasyPrint's CSS parser warns about), and
    # no id: several barcodes on one page would repeat it.
    svg = _FILL_STYLE.sub(r'fill="\1"', svg).replace(' id="barcode_group"', "")
    label = Markup.escape(data)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="barcode" ', 1))


def _static_only_fetcher(url: str) -> dict:
    """WeasyPrint may read data: URIs and the shop's own static files, nothing from the network."""
    from weasyprint import default_url_fetcher

    if url.startswith("data:"):
        return default_url_fetcher(url)
    path = unquote(urlsplit(url).path)
    marker = "/static/"
    if marker in path:
        candidate = (STATIC / path.split(marker, 1)[1]).resolve()
        if candidate.is_file() and STATIC.resolve() in candidate.parents:
            return {"string": candidate.read_bytes(),
                    "mime_type": mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"}
    raise DocumentError(f"documents may not load {url!r}")


def render_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML document (fonts come from the system: Noto Sans, Noto Sans CJK SC,
    Noto Nastaliq Urdu)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(STATIC), url_fetcher=_static_only_fetcher).write_pdf()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, (list, tuple)):
        return ";".join(_cell(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def to_csv(columns: Sequence[str], rows: Iterable[dict]) -> str:
    """UTF-8 CSV text with a header row (with a byte order mark, so spreadsheet programs read the scripts)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()


def _json_default(value):
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data) -> str:
    """JSON text with amounts as decimal strings and dates in ISO 8601."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)


def mask_id_number(id_number: str | None) -> str:
    """An ID number with its middle hidden ("110105********0015"): enough to match, not to misuse."""
    if not id_number:
        return ""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]

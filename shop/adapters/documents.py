"""Documents behind the DocumentMaker port: Code 128 barcodes as inline SVG (python-barcode) and
HTML to PDF (WeasyPrint), reading nothing but data: URIs and the shop's own static files."""
from __future__ import annotations

import functools
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import barcode
from barcode.writer import SVGWriter
from markupsafe import Markup

from shop.services.ports import DocumentError

STATIC = Path(__file__).resolve().parent.parent / "static"
# Inline barcodes stay legible on a thermal label printer at 203 dpi: a module of 0.3 mm
# is about 2.4 dots.
_FILL_STYLE = re.compile(r'style="fill:\s*([a-z]+);?"')
_BARCODE_OPTIONS = {"module_width": 0.3, "quiet_zone": 3.0, "write_text": False, "compress": False}


@functools.lru_cache(maxsize=2048)  # a pick list repeats its bins and orders
def _barcode_svg(data: str, height_mm: float) -> str:
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
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="barcode" ', 1)


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


class PrintedDocuments:
    """WeasyPrint for PDFs (fonts from the system: Noto Sans, Noto Sans CJK SC, Noto Nastaliq Urdu)."""

    def pdf(self, html: str) -> bytes:
        from weasyprint import HTML

        return HTML(string=html, base_url=str(STATIC), url_fetcher=_static_only_fetcher).write_pdf()

    def barcode_svg(self, data: str, height_mm: float = 12.0) -> str:
        return _barcode_svg(data, float(height_mm))

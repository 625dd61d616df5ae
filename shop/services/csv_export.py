"""The one CSV writer every export shares: UTF-8 with a byte order mark, and no cell a spreadsheet
would run as a formula."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets
# (=HYPERLINK(...), +cmd|..., -2+3, @SUM(...)); tab and carriage return hide such a start.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """A value as CSV text: decimals without exponent, dates in ISO 8601, lists joined by ';'."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, (list, tuple)):
        return ";".join(cell(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def defuse(text: str) -> str:
    """`text` that a spreadsheet shows as text: a leading formula character gets a ' before it
    (a negative number reads as '-5 then: better than running whatever a buyer typed)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any] | dict[str, Any]], *, bom: bool = True) -> str:
    """CSV text with a header row; rows are sequences in column order or dicts keyed by column."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")  # so spreadsheet programs read the scripts
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([defuse(cell(c)) for c in columns])
    for row in rows:
        values = [row.get(c) for c in columns] if isinstance(row, dict) else list(row)
        writer.writerow([defuse(cell(v)) for v in values])
    return out.getvalue()


def stream_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> Iterator[str]:
    """The same CSV as write_csv, a line at a time (for a download streamed while it is read)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def line(values: Iterable[Any]) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow([defuse(cell(v)) for v in values])
        return out.getvalue()

    yield ("\ufeff" if bom else "") + line(columns)
    for row in rows:
        yield line(row)

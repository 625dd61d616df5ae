"""Reading a listings CSV file: its encoding, its size, its header and its rows, before any cell
is judged."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from shop.domain.messages import N_, Nn_
from shop.services.listings.columns import COLUMNS, OPTIONAL_COLUMNS
from shop.services.listings.drafts import ListingDraft, LotDraft
from shop.services.listings.fields import shown
from shop.services.listings.import_errors import ListingImportError, ProblemList

MAX_BYTES = 4 * 1024 * 1024
MAX_ROWS = 5_000


@dataclass
class Row:
    """One row of the file: its number as a spreadsheet counts, its cells by column, and the
    drafts its cells made once checked."""

    number: int
    cells: dict[str, str]
    listing: ListingDraft | None = None
    lot: LotDraft | None = None


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ListingImportError.of_file(N_(
            "The file is saved as UTF-16: save it as CSV UTF-8 and upload it again."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise ListingImportError.of_file(N_(
            "Line %(line)d is not UTF-8 text: save the file as CSV UTF-8 and upload it again.", line=line)) \
            from None
    if "\x00" in text:
        raise ListingImportError.of_file(N_("This is not a CSV text file (it contains NUL bytes)."))
    return text


def _records(data: bytes, max_bytes: int, max_rows: int) -> list[list[str]]:
    if len(data) > max_bytes:
        raise ListingImportError.of_file(N_(
            "The file is larger than %(mb)d MB: split it into smaller files.", mb=max_bytes // (1024 * 1024)))
    reader = csv.reader(io.StringIO(_decode(data), newline=""), strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > max_rows + 1:
                raise ListingImportError.of_file(N_(
                    "The file has more than %(max)d rows: split it into smaller files.", max=max_rows))
    except csv.Error as error:
        raise ListingImportError.of_file(N_(
            "This row cannot be read as CSV (%(reason)s).", reason=shown(str(error), 80)), len(records) + 1) \
            from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise ListingImportError.of_file(N_("The file is empty: it needs a header row naming the columns."))
    return records


def _check_header(header: list[str], problems: ProblemList) -> None:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.add(1, name, N_("This column appears twice."))
        seen.add(name)
    unknown = [name for name in header if name not in COLUMNS and name not in OPTIONAL_COLUMNS]
    missing = [name for name in COLUMNS if name not in seen]
    if unknown:
        problems.add(1, None, Nn_("Unknown column: %(names)s.", "Unknown columns: %(names)s.", len(unknown),
                                  names=", ".join(shown(n, 30) for n in unknown)))
    if missing:
        problems.add(1, None, Nn_("Missing column: %(names)s.", "Missing columns: %(names)s.", len(missing),
                                  names=", ".join(missing)))


def read_rows(data: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> tuple[list[str], list[Row]]:
    """The header and the non-empty rows, or ListingImportError for a file that cannot be read."""
    records = _records(data, max_bytes, max_rows)
    header = [cell.strip().lower() for cell in records[0]]
    problems = ProblemList()
    _check_header(header, problems)
    problems.raise_if_any()
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.add(number, None, N_("This row has %(found)d cells; the header has %(expected)d.",
                                          found=len(record), expected=len(header)))
            continue
        rows.append(Row(number, dict(zip(header, record, strict=False))))
    problems.raise_if_any()
    if not rows:
        raise ListingImportError.of_file(N_("The file has a header but no listings."))
    return header, rows

"""Pick lists for a wave: bins in walking order, lines grouped by tote, and check-digited waybill numbers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple


@dataclass(frozen=True)
class PickLine:
    """Take `quantity` units of `sku` from lot `lot_number` in `bin` for order `order_number`."""

    order_number: str
    sku: str
    name: str
    lot_number: str
    expiry: date | None
    bin: str
    quantity: int


class BinLocation(NamedTuple):
    """A bin code read as zone letter(s), aisle and shelf, plus whatever follows (a level, a slot)."""

    zone: str
    aisle: int
    shelf: int
    rest: str


# "A-02-10", "a-2-10", "A02-10", "B-03-07-2": zone letters, aisle, shelf, anything after.
_BIN_PATTERN = re.compile(r"\s*([A-Za-z]+)\s*-?\s*([0-9]+)\s*-\s*([0-9]+)(.*)", re.DOTALL)
_CHUNK_PATTERN = re.compile(r"[0-9]+|[^\W0-9_]+")


def parse_bin(bin: str) -> BinLocation | None:
    """The parts of a zone-aisle-shelf bin code, or None for a code in another format."""
    if not isinstance(bin, str):
        return None
    match = _BIN_PATTERN.fullmatch(bin)
    if match is None:
        return None
    zone, aisle, shelf, rest = match.groups()
    return BinLocation(zone.upper(), int(aisle), int(shelf), rest.strip())


def _natural_chunks(text: str) -> tuple[tuple[int, int, str], ...]:
    # Numbers and words as (kind, number, word) so the two always compare with each other.
    return tuple(
        (0, int(chunk), "") if chunk.isascii() and chunk.isdigit() else (1, 0, chunk.casefold())
        for chunk in _CHUNK_PATTERN.findall(text)
    )


def bin_key(bin: str) -> tuple[tuple[tuple[int, int, str], ...], str]:
    """Sort key putting bins in natural order ("A-02-9" before "A-02-10"); any text sorts, empty last."""
    if not isinstance(bin, str) or not bin.strip():
        return (((2, 0, ""),), "")
    return (_natural_chunks(bin), bin)


def _walk_key(bin: str) -> tuple[object, ...]:
    location = parse_bin(bin)
    if location is None:
        # Bins in a format we cannot place on the walk are visited after the rest.
        return (1, bin_key(bin))
    zone, aisle, shelf, rest = location
    # Serpentine: up odd aisles, back down even ones, so the picker never walks an aisle empty.
    along = shelf if aisle % 2 == 1 else -shelf
    return (0, zone, aisle, along, _natural_chunks(rest), bin)


def _pick_key(line: PickLine) -> tuple[object, ...]:
    return (
        _walk_key(line.bin),
        line.sku,
        line.expiry is None,
        line.expiry or date.min,
        line.lot_number,
        line.order_number,
    )


def pick_path(lines: Iterable[PickLine]) -> list[PickLine]:
    """The lines in walking order: zone by zone, aisle by aisle, serpentine along the shelves."""
    return sorted(lines, key=_pick_key)


def group_by_tote(lines: Iterable[PickLine]) -> dict[str, list[PickLine]]:
    """Lines per order (one tote each), orders and lines in the order they were given."""
    totes: dict[str, list[PickLine]] = {}
    for line in lines:
        totes.setdefault(line.order_number, []).append(line)
    return totes


# Waybill numbers follow the UPU S10 idea: letters, a serial, and a mod-11 check digit.
# S10 weighs an 8-digit serial 8 6 4 2 3 5 9 7; our ninth, leading digit weighs 10, so a
# serial below 100,000,000 gets the same check digit S10 would give it.
_WAYBILL_WEIGHTS = (10, 8, 6, 4, 2, 3, 5, 9, 7)
_WAYBILL_SERIAL_DIGITS = len(_WAYBILL_WEIGHTS)
_WAYBILL_PATTERN = re.compile(r"([A-Z]{2,4})([0-9]{9})([0-9])")
_LINE_PREFIX_PATTERN = re.compile(r"[A-Za-z]{2,4}")


class InvalidWaybillInput(ValueError):
    """A line code or sequence number that cannot make a waybill number."""


def waybill_check_digit(serial: str) -> int:
    """The mod-11 check digit of a 9-digit serial (S10 rule: 10 becomes 0, 11 becomes 5)."""
    if len(serial) != _WAYBILL_SERIAL_DIGITS or not serial.isascii() or not serial.isdigit():
        raise InvalidWaybillInput(f"serial must be {_WAYBILL_SERIAL_DIGITS} digits: {serial!r}")
    check = 11 - sum(w * int(d) for w, d in zip(_WAYBILL_WEIGHTS, serial, strict=False)) % 11
    return {10: 0, 11: 5}.get(check, check)


def waybill_number(line_code: str, seq: int) -> str:
    """A waybill number such as "KHG0000123455": the line's prefix, a 9-digit serial, a check digit.

    The prefix is the first part of the express line code ("KHG" for "KHG-MOW-TRUCK",
    "CN" for "CN-BONDED"), so `seq` must come from one counter per prefix.
    """
    prefix = line_code.split("-", 1)[0] if isinstance(line_code, str) else ""
    if not _LINE_PREFIX_PATTERN.fullmatch(prefix):
        raise InvalidWaybillInput(f"line code must start with 2-4 letters: {line_code!r}")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq < 10**_WAYBILL_SERIAL_DIGITS:
        raise InvalidWaybillInput(f"sequence number out of range: {seq!r}")
    serial = f"{seq:0{_WAYBILL_SERIAL_DIGITS}d}"
    return f"{prefix.upper()}{serial}{waybill_check_digit(serial)}"


def is_valid_waybill(number: str) -> bool:
    """True when `number` has the waybill format and its check digit matches."""
    if not isinstance(number, str):
        return False
    match = _WAYBILL_PATTERN.fullmatch(number)
    return match is not None and waybill_check_digit(match.group(2)) == int(match.group(3))

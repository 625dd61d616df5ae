"""Refunds and returns by the rules: what a choice of lines is worth with its share of the taxes, how much
money may still go back, which units a buyer may still send back, and whether the return window is open."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from shop.domain.money import MoneyError, from_minor_units, round_amount

__all__ = [
    "MAX_REASON", "RETURN_CONDITIONS", "RefundRefused", "RefundSplit", "Line", "amount_from_text", "lines_refund",
    "parse_quantities", "return_window_open", "tax_share", "units_left",
]

MAX_REASON = 500
MAX_UNITS = 100_000
RETURN_CONDITIONS = ("saleable", "damaged")
ZERO = Decimal(0)
_DECIMAL = re.compile(r"[0-9]{1,12}(\.[0-9]{1,4})?")


class RefundRefused(Exception):
    """A refund or a return the rules do not allow; `code` names why, `params` fill the message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Line:
    """One order line as the rules see it."""

    id: int
    sku: str
    quantity: int
    unit_price_cny: Decimal


@dataclass(frozen=True)
class RefundSplit:
    """What a refund gives back, in yuan: goods, their share of the taxes, and the units by line."""

    goods_cny: Decimal
    tax_cny: Decimal
    units: dict[int, int] = field(default_factory=dict)

    @property
    def total_cny(self) -> Decimal:
        return self.goods_cny + self.tax_cny


def tax_share(goods_refunded: Decimal, goods_total: Decimal, tax_total: Decimal) -> Decimal:
    """The taxes that go back with `goods_refunded`: the same share of the order's taxes as of its goods."""
    if goods_total <= 0 or tax_total <= 0 or goods_refunded <= 0:
        return ZERO.quantize(Decimal("0.01"))
    share = min(goods_refunded / goods_total, Decimal(1))
    return round_amount(tax_total * share, "CNY")


def units_left(lines: Sequence[Line], taken: Mapping[int, int]) -> dict[int, int]:
    """Per line, the units not yet taken (refunded, or asked back) by earlier refunds or returns."""
    return {line.id: max(line.quantity - int(taken.get(line.id, 0)), 0) for line in lines}


def parse_quantities(raw: Mapping[int, str]) -> dict[int, int]:
    """Whole, non-negative unit counts from form text, by line id; nought left out. Refused: anything else."""
    chosen: dict[int, int] = {}
    for line_id, text in raw.items():
        text = (text or "").strip()
        if not text:
            continue
        if not text.isdigit() or len(text) > 6:
            raise RefundRefused("bad_quantity")
        if int(text) > 0:
            chosen[line_id] = int(text)
    return chosen


def lines_refund(lines: Sequence[Line], chosen: Mapping[int, int], taken: Mapping[int, int],
                 goods_total: Decimal, tax_total: Decimal) -> RefundSplit:
    """The goods of the chosen units and their share of the taxes. Refused: no unit, a line not on the
    order, a negative count, or more units than the line still has (after `taken`)."""
    by_id = {line.id: line for line in lines}
    left = units_left(lines, taken)
    units: dict[int, int] = {}
    for line_id, quantity in chosen.items():
        if line_id not in by_id:
            raise RefundRefused("unknown_line")
        if quantity < 0 or quantity > MAX_UNITS:
            raise RefundRefused("bad_quantity")
        if quantity == 0:
            continue
        if quantity > left[line_id]:
            raise RefundRefused("too_many_units", sku=by_id[line_id].sku, most=left[line_id])
        units[line_id] = quantity
    if not units:
        raise RefundRefused("nothing_chosen")
    goods = sum((by_id[i].unit_price_cny * q for i, q in units.items()), ZERO)
    return RefundSplit(goods_cny=round_amount(goods, "CNY"), tax_cny=tax_share(goods, goods_total, tax_total),
                       units=units)


def amount_from_text(text: str, currency: str) -> Decimal:
    """A positive amount in `currency` from what staff typed ("12.50", "12,50"). Refused: not a number,
    nought or below, more decimals than the currency has, or absurdly large."""
    cleaned = (text or "").strip().replace(",", ".").replace(" ", "")
    if not cleaned or len(cleaned) > 20 or not _DECIMAL.fullmatch(cleaned):
        raise RefundRefused("bad_amount")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise RefundRefused("bad_amount") from None
    if not amount.is_finite() or amount <= 0:
        raise RefundRefused("bad_amount")
    if amount >= Decimal("1e10"):
        raise RefundRefused("bad_amount")
    try:
        exponent = from_minor_units(1, currency).amount
    except MoneyError:
        raise RefundRefused("bad_amount") from None
    if amount != amount.quantize(exponent):
        raise RefundRefused("bad_amount")
    return amount.quantize(exponent)


def return_window_open(delivered_at: dt.datetime | None, now: dt.datetime, days: int) -> bool:
    """True while a delivered order may still be sent back: within `days` of its delivery."""
    if delivered_at is None:
        return False
    return delivered_at <= now <= delivered_at + dt.timedelta(days=days)

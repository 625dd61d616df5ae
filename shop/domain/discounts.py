"""Discount codes: whether a code applies to a cart, to which lines, and how much it takes off.

Pure rules on plain values; the service reads the code and its uses, the web words the refusals.
A code takes off one of three ways:

- `percent`: that share of every line in its scope, each line rounded half up to the fen;
- `amount`: a fixed sum in CNY off the lines in its scope (never more than they cost), shared
  among them in proportion to their value, so each line's price paid is known;
- `free_shipping`: the shipping of every shipment whose goods are all in its scope, on one
  express line (`line_code`) or on every line.

The goods discount lowers the value customs and duties are computed on: the price actually paid.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

__all__ = [
    "KINDS", "REFUSAL_CODES", "SCOPES",
    "CartLine", "Discount", "DiscountRefused", "Outcome", "ShipmentCost",
    "applies_to", "check", "eligible_lines", "goods_discounts", "normalise_code", "outcome", "shipping_discount",
]

KINDS = ("percent", "amount", "free_shipping")
SCOPES = ("all", "categories", "merchant", "listings")
REFUSAL_CODES = ("unknown", "expired", "not_yet_valid", "used_up", "already_used", "minimum_not_reached",
                 "not_for_these_items")

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MAX_CODE = 32
_CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{2,31}")


class DiscountRefused(Exception):
    """The code cannot be used for this cart now; `code` is one of REFUSAL_CODES."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def normalise_code(raw: object) -> str:
    """A code as typed, in the one spelling it is kept under (upper case); '' when it cannot be one."""
    if not isinstance(raw, str):
        return ""
    text = raw.strip().upper()
    return text if _CODE.fullmatch(text) else ""


@dataclass(frozen=True, slots=True)
class Discount:
    code: str
    kind: str
    value: Decimal = Decimal(0)  # percent: 0-100; amount: CNY; free shipping: unused
    min_subtotal_cny: Decimal = Decimal(0)  # of the lines in scope
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None  # the last moment it is good (inclusive)
    max_uses: int | None = None  # over all buyers; None: no limit
    per_buyer: int | None = None  # per account, e-mail and PRC ID number
    scope: str = "all"
    category_ids: frozenset[int] = field(default_factory=frozenset)
    merchant_id: int | None = None
    product_ids: frozenset[int] = field(default_factory=frozenset)
    line_code: str | None = None  # free shipping on this express line only
    active: bool = True


@dataclass(frozen=True, slots=True)
class CartLine:
    product_id: int
    sku: str
    category_id: int | None
    merchant_id: int | None
    unit_price_cny: Decimal
    quantity: int

    @property
    def value(self) -> Decimal:
        return self.unit_price_cny * self.quantity


@dataclass(frozen=True, slots=True)
class ShipmentCost:
    line_code: str
    skus: tuple[str, ...]
    cost_cny: Decimal


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a code takes off one cart with one shipping option."""

    goods: Mapping[str, Decimal]  # sku -> discount on that line
    shipping: Decimal

    @property
    def goods_total(self) -> Decimal:
        return sum(self.goods.values(), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return self.goods_total + self.shipping


def applies_to(discount: Discount, line: CartLine) -> bool:
    """Whether the code's scope takes in this line."""
    if discount.scope == "all":
        return True
    if discount.scope == "categories":
        return line.category_id is not None and line.category_id in discount.category_ids
    if discount.scope == "merchant":
        return discount.merchant_id is not None and line.merchant_id == discount.merchant_id
    if discount.scope == "listings":
        return line.product_id in discount.product_ids
    return False


def eligible_lines(discount: Discount, lines: Iterable[CartLine]) -> tuple[CartLine, ...]:
    return tuple(line for line in lines if applies_to(discount, line))


def check(discount: Discount, lines: Iterable[CartLine], now: dt.datetime, *, uses: int = 0,
          buyer_uses: int = 0) -> tuple[CartLine, ...]:
    """The lines the code applies to, or DiscountRefused saying why it cannot be used.

    `uses` are the uses taken over all buyers, `buyer_uses` this buyer's (by account, e-mail
    or ID number). The order of the checks is the order a buyer can act on them."""
    if not discount.active:
        raise DiscountRefused("unknown")
    if discount.valid_from is not None and now < discount.valid_from:
        raise DiscountRefused("not_yet_valid", valid_from=discount.valid_from)
    if discount.valid_until is not None and now > discount.valid_until:
        raise DiscountRefused("expired", valid_until=discount.valid_until)
    if discount.max_uses is not None and uses >= discount.max_uses:
        raise DiscountRefused("used_up")
    if discount.per_buyer is not None and buyer_uses >= discount.per_buyer:
        raise DiscountRefused("already_used", per_buyer=discount.per_buyer)
    eligible = eligible_lines(discount, lines)
    if not eligible:
        raise DiscountRefused("not_for_these_items")
    subtotal = sum((line.value for line in eligible), Decimal(0))
    if subtotal < discount.min_subtotal_cny:
        raise DiscountRefused("minimum_not_reached", minimum=discount.min_subtotal_cny, subtotal=subtotal)
    return eligible


def goods_discounts(discount: Discount, eligible: Iterable[CartLine]) -> dict[str, Decimal]:
    """The discount on each eligible line (sku -> CNY, whole fen, never more than the line)."""
    lines = [line for line in eligible if line.value > 0]
    if discount.kind == "percent":
        share = min(max(discount.value, Decimal(0)), HUNDRED) / HUNDRED
        return {line.sku: min((line.value * share).quantize(CENT, rounding=ROUND_HALF_UP), line.value)
                for line in lines}
    if discount.kind != "amount" or not lines:
        return {}
    subtotal = sum((line.value for line in lines), Decimal(0))
    total = min(max(discount.value, Decimal(0)), subtotal).quantize(CENT, rounding=ROUND_DOWN)
    # Largest remainder: each line its share rounded down, the fen left over to the largest remainders.
    raw = {line.sku: total * line.value / subtotal for line in lines}
    parts = {sku: amount.quantize(CENT, rounding=ROUND_DOWN) for sku, amount in raw.items()}
    left = int((total - sum(parts.values(), Decimal(0))) / CENT)
    by_remainder = sorted(raw, key=lambda sku: (-(raw[sku] - parts[sku]), sku))
    for sku in by_remainder[:left]:
        parts[sku] += CENT
    return parts


def shipping_discount(discount: Discount, shipments: Iterable[ShipmentCost], eligible: Iterable[CartLine]) -> Decimal:
    """The shipping a free-shipping code takes off: shipments on its line whose goods are all in scope."""
    if discount.kind != "free_shipping":
        return Decimal("0.00")
    skus = {line.sku for line in eligible}
    return sum((s.cost_cny for s in shipments
                if (discount.line_code is None or s.line_code == discount.line_code) and s.skus
                and all(sku in skus for sku in s.skus)), Decimal("0.00"))


def outcome(discount: Discount, eligible: tuple[CartLine, ...], shipments: Iterable[ShipmentCost] = ()) -> Outcome:
    """The whole discount for these eligible lines and this option's shipments."""
    return Outcome(goods_discounts(discount, eligible), shipping_discount(discount, shipments, eligible))

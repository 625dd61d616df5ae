"""Customs rules: cross-border import tax and limits, PRC ID numbers, destination duty estimates."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

__all__ = [
    "ANNUAL_LIMIT_CNY",
    "DUTY_BASES",
    "DUTY_PERIODS",
    "ORDER_LIMIT_CNY",
    "TAX_CLASSES",
    "AnnualLimitExceeded",
    "CustomsError",
    "DutyRule",
    "ID_REASON_CODES",
    "InvalidDutyRule",
    "InvalidIdNumber",
    "OrderLimitExceeded",
    "TaxClass",
    "UnknownTaxClass",
    "check_import_limits",
    "cross_border_tax_rate",
    "estimate_duty",
    "import_tax",
    "validate_prc_id",
]

CENT = Decimal("0.01")
_RATE_PLACES = Decimal("0.0001")
# Cross-border retail imports pay 70% of the statutory VAT and consumption tax (tariff 0).
_CROSS_BORDER_SHARE = Decimal("0.7")

ORDER_LIMIT_CNY = Decimal("5000")
ANNUAL_LIMIT_CNY = Decimal("26000")


class CustomsError(Exception):
    """Base of every customs domain error."""


class UnknownTaxClass(CustomsError):
    def __init__(self, tax_class: str) -> None:
        super().__init__(f"unknown tax class {tax_class!r}")
        self.tax_class = tax_class


class OrderLimitExceeded(CustomsError):
    def __init__(self, order_value: Decimal, limit: Decimal = ORDER_LIMIT_CNY) -> None:
        super().__init__(f"order value {order_value} CNY exceeds the {limit} CNY limit")
        self.order_value = order_value
        self.limit = limit


class AnnualLimitExceeded(CustomsError):
    def __init__(
        self, order_value: Decimal, paid_this_year: Decimal, limit: Decimal = ANNUAL_LIMIT_CNY
    ) -> None:
        super().__init__(
            f"order value {order_value} CNY plus {paid_this_year} CNY this year "
            f"exceeds the {limit} CNY annual limit"
        )
        self.order_value = order_value
        self.paid_this_year = paid_this_year
        self.limit = limit
        self.remaining = max(limit - paid_this_year, Decimal("0"))


ID_REASON_CODES = ("length", "format", "birth_date", "check_digit")


class InvalidIdNumber(CustomsError):
    """A PRC resident ID number that fails a check; `code` is one of ID_REASON_CODES."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class InvalidDutyRule(CustomsError):
    pass


@dataclass(frozen=True, slots=True)
class TaxClass:
    vat: Decimal
    consumption_tax: Decimal


TAX_CLASSES: MappingProxyType[str, TaxClass] = MappingProxyType(
    {
        "food": TaxClass(vat=Decimal("0.09"), consumption_tax=Decimal("0")),
        "general": TaxClass(vat=Decimal("0.13"), consumption_tax=Decimal("0")),
        "cosmetics_high": TaxClass(vat=Decimal("0.13"), consumption_tax=Decimal("0.15")),
    }
)


def _rate(tax: TaxClass) -> Decimal:
    # Consumption tax is levied on a price that includes it, hence the division by (1 - CT).
    raw = (tax.consumption_tax + tax.vat) / (1 - tax.consumption_tax) * _CROSS_BORDER_SHARE
    return raw.quantize(_RATE_PLACES, rounding=ROUND_HALF_UP)


_RATES = {name: _rate(tax) for name, tax in TAX_CLASSES.items()}


def cross_border_tax_rate(tax_class: str) -> Decimal:
    """The combined cross-border import tax rate of a class, to 4 places (general: 0.0910)."""
    try:
        return _RATES[tax_class]
    except KeyError:
        raise UnknownTaxClass(tax_class) from None


def import_tax(lines: Iterable[tuple[str, Decimal]]) -> Decimal:
    """Import tax in CNY on (tax_class, value_cny) lines, rounded once to the fen."""
    total = Decimal("0")
    for tax_class, value in lines:
        total += value * cross_border_tax_rate(tax_class)
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def check_import_limits(order_value: Decimal, paid_this_year: Decimal) -> None:
    """Raise when a cross-border import order breaks the per-order or the annual limit."""
    if order_value > ORDER_LIMIT_CNY:
        raise OrderLimitExceeded(order_value)
    if paid_this_year + order_value > ANNUAL_LIMIT_CNY:
        raise AnnualLimitExceeded(order_value, paid_this_year)


_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_ID_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))
_ID_CHECK = "10X98765432"


def validate_prc_id(number: str, *, today: date | None = None) -> str:
    """Check an 18-character PRC resident ID number and return it upper-cased.

    Raises InvalidIdNumber('length' | 'format' | 'birth_date' | 'check_digit'). When `today`
    is given, a birth date after it is refused too.
    """
    normalised = number.strip().upper()
    if len(normalised) != 18:
        raise InvalidIdNumber("length")
    if not _ID_SHAPE.fullmatch(normalised):
        raise InvalidIdNumber("format")
    try:
        born = date(int(normalised[6:10]), int(normalised[10:12]), int(normalised[12:14]))
    except ValueError:
        raise InvalidIdNumber("birth_date") from None
    if born.year < 1900 or (today is not None and born > today):
        raise InvalidIdNumber("birth_date")
    # ISO 7064 MOD 11-2.
    total = sum(int(digit) * weight for digit, weight in zip(normalised[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != normalised[17]:
        raise InvalidIdNumber("check_digit")
    return normalised


DUTY_PERIODS = ("parcel", "month")
# What the rate applies to once the threshold is passed: the value above it, or the whole value.
DUTY_BASES = ("excess", "full")


@dataclass(frozen=True, slots=True)
class DutyRule:
    """A destination's duty-free threshold (in its own currency) and the duty above it.

    `per` says what the threshold counts: one parcel, or all of one recipient's parcels in a
    calendar month. `basis` says whether, once over it, `rate` applies to the excess or to the
    whole value. The rule applies from `valid_from` (None: always)."""

    country: str
    threshold: Decimal
    currency: str
    rate: Decimal
    per: str = "parcel"
    basis: str = "excess"
    valid_from: date | None = None

    def __post_init__(self) -> None:
        if self.per not in DUTY_PERIODS:
            raise InvalidDutyRule(f"per must be one of {DUTY_PERIODS}, not {self.per!r}")
        if self.basis not in DUTY_BASES:
            raise InvalidDutyRule(f"basis must be one of {DUTY_BASES}, not {self.basis!r}")
        if self.threshold < 0 or self.rate < 0:
            raise InvalidDutyRule("threshold and rate must not be negative")

    def in_force(self, day: date) -> bool:
        """Whether the rule applies to goods sent on `day`."""
        return self.valid_from is None or self.valid_from <= day


def _owed(value_cny: Decimal, rule: DutyRule, threshold_cny: Decimal) -> Decimal:
    if value_cny <= threshold_cny:
        return Decimal(0)
    base = value_cny if rule.basis == "full" else value_cny - threshold_cny
    return base * rule.rate


def estimate_duty(value_cny: Decimal, rule: DutyRule, cny_per_unit: Decimal,
                  already_cny: Decimal = Decimal(0)) -> Decimal:
    """Duty in CNY the buyer pays on goods worth value_cny.

    `cny_per_unit` is how many CNY one unit of rule.currency costs. For a monthly allowance,
    `already_cny` is what the same recipient was sent earlier that month: this order pays the
    duty its value adds on top of theirs (an allowance already used up makes all of it dutiable).
    A per-parcel rule ignores it.
    """
    if value_cny <= 0:
        return Decimal("0.00")
    threshold_cny = rule.threshold * cny_per_unit
    before = max(already_cny, Decimal(0)) if rule.per == "month" else Decimal(0)
    duty = _owed(before + value_cny, rule, threshold_cny) - _owed(before, rule, threshold_cny)
    return max(duty, Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)

"""Money as Decimal with an ISO 4217 currency: arithmetic, rounding, conversion from CNY and parsing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 minor-unit digits. UZS and KZT have 2 in ISO even though neither coin
# circulates; payment providers' own zero-decimal rules belong at their edge, not here.
CURRENCIES: dict[str, int] = {
    "CNY": 2,
    "USD": 2,
    "EUR": 2,
    "RUB": 2,
    "PKR": 2,
    "KGS": 2,
    "KZT": 2,
    "UZS": 2,
    "TJS": 2,
    "AFN": 2,
}

# The money a courier collects at the door in each destination country, best first: the
# local currency, then what is taken there when the shop has no rate for it.
CASH_CURRENCIES: dict[str, tuple[str, ...]] = {
    "CN": ("CNY",),
    "RU": ("RUB",),
    "KG": ("KGS",),
    "KZ": ("KZT",),
    "UZ": ("UZS",),
    "TJ": ("TJS",),
    "PK": ("PKR",),
    "AF": ("AFN", "USD"),
}
CASH_FALLBACK = ("USD", "CNY")

# The smallest step cash changes hands in: what notes and coins are actually used there.
# Kopecks, tyiyn and tiyin are not handed over; tenge and rupees go by tens at the door,
# sum by hundreds; diram and jiao coins still circulate.
CASH_STEP: dict[str, Decimal] = {
    "RUB": Decimal(1),
    "KGS": Decimal(1),
    "KZT": Decimal(10),
    "PKR": Decimal(10),
    "UZS": Decimal(100),
    "TJS": Decimal("0.1"),
    "AFN": Decimal(1),
    "CNY": Decimal("0.1"),
    "USD": Decimal(1),
    "EUR": Decimal(1),
}

# Amounts people type or import: ASCII digits only, so "١٢" or "1_000" are refused
# rather than silently accepted by Decimal.
_AMOUNT_PATTERN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_MAX_INPUT_DECIMALS = 2


class MoneyError(ValueError):
    """Base class of the money errors."""


class UnknownCurrency(MoneyError):
    """A currency code the shop does not trade in."""

    def __init__(self, currency: object) -> None:
        self.currency = currency
        super().__init__(f"unknown currency {currency!r}")


class CurrencyMismatch(MoneyError):
    """Two amounts in different currencies were combined or compared."""

    def __init__(self, left: str, right: str) -> None:
        self.left = left
        self.right = right
        super().__init__(f"cannot combine {left} with {right}")


class InvalidAmount(MoneyError):
    """Text that is not an acceptable price: `text` is the input, `reason` a short code."""

    def __init__(self, text: object, reason: str) -> None:
        self.text = text
        self.reason = reason  # not_a_number | not_finite | negative | too_many_decimals
        super().__init__(f"invalid amount {text!r}: {reason.replace('_', ' ')}")


class InvalidRate(MoneyError):
    """An exchange rate that is not a finite positive number."""

    def __init__(self, rate: object) -> None:
        self.rate = rate
        super().__init__(f"invalid exchange rate {rate!r}")


def _check_currency(currency: object) -> str:
    if not isinstance(currency, str) or currency.upper() not in CURRENCIES:
        raise UnknownCurrency(currency)
    return currency.upper()


def _exponent(currency: str) -> Decimal:
    return Decimal(1).scaleb(-CURRENCIES[currency])


@dataclass(frozen=True)
class Money:
    """An amount in one currency; exact until `quantize` rounds it to the minor unit."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        amount = self.amount
        # bool is an int subclass, and a float would bring binary rounding in.
        if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
            raise TypeError(f"Money amount must be Decimal or int, not {type(amount).__name__}")
        amount = Decimal(amount)
        if not amount.is_finite():
            raise InvalidAmount(amount, "not_finite")
        object.__setattr__(self, "amount", amount)
        object.__setattr__(self, "currency", _check_currency(self.currency))

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Nothing, in `currency`."""
        return cls(Decimal(0), currency)

    @property
    def minor_digits(self) -> int:
        """Digits after the decimal point in this currency (ISO 4217)."""
        return CURRENCIES[self.currency]

    def quantize(self) -> Money:
        """This amount rounded half up to the currency's minor unit."""
        rounded = self.amount.quantize(_exponent(self.currency), rounding=ROUND_HALF_UP)
        if rounded.is_zero():
            rounded = rounded.copy_abs()  # no "-0.00" on a page or in JSON
        return Money(rounded, self.currency)

    @property
    def amount_str(self) -> str:
        """The rounded amount as a plain decimal string, e.g. "12.50" (the API's format)."""
        return f"{self.quantize().amount:f}"

    def is_zero(self) -> bool:
        return self.amount.is_zero()

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency)

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __radd__(self, other: object) -> Money:
        # Lets sum() start from its default 0.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: object) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, (int, Decimal)):
            return NotImplemented
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def _compare(self, other: object) -> Decimal | None:
        if not isinstance(other, Money):
            return None
        self._same_currency(other)
        return other.amount

    def __lt__(self, other: object) -> bool:
        other_amount = self._compare(other)
        return NotImplemented if other_amount is None else self.amount < other_amount

    def __le__(self, other: object) -> bool:
        other_amount = self._compare(other)
        return NotImplemented if other_amount is None else self.amount <= other_amount

    def __gt__(self, other: object) -> bool:
        other_amount = self._compare(other)
        return NotImplemented if other_amount is None else self.amount > other_amount

    def __ge__(self, other: object) -> bool:
        other_amount = self._compare(other)
        return NotImplemented if other_amount is None else self.amount >= other_amount

    def __str__(self) -> str:
        # For logs and debugging; pages format through Babel's format_currency.
        return f"{self.amount_str} {self.currency}"


def round_amount(amount: Decimal | int | str, currency: str = "CNY") -> Decimal:
    """`amount` rounded half up to `currency`'s minor unit: the shop's one rounding rule for money."""
    return Money(Decimal(amount), currency).quantize().amount


def convert(money_cny: Money, rate_per_cny: Decimal, currency: str) -> Money:
    """`money_cny` in `currency` at `rate_per_cny` units of it for 1 CNY, rounded to its minor unit."""
    if money_cny.currency != "CNY":
        raise CurrencyMismatch("CNY", money_cny.currency)
    if isinstance(rate_per_cny, bool) or not isinstance(rate_per_cny, (Decimal, int)):
        raise InvalidRate(rate_per_cny)
    rate = Decimal(rate_per_cny)
    if not rate.is_finite() or rate <= 0:
        raise InvalidRate(rate_per_cny)
    return Money(money_cny.amount * rate, _check_currency(currency)).quantize()


def cash_currency(country: str, has_rate: Callable[[str], bool]) -> str:
    """The currency cash on delivery is collected in for `country`: its own where the shop has a
    rate for it (`has_rate`), else the first fallback it has a rate for, else CNY."""
    wanted = CASH_CURRENCIES.get(country.upper(), ()) + CASH_FALLBACK
    return next((currency for currency in wanted if currency == "CNY" or has_rate(currency)), "CNY")


def cash_amount(money_: Money) -> Money:
    """`money_` rounded the way cash is counted in its currency (half up to the nearest step of
    CASH_STEP: whole roubles, tens of rupees or tenge, hundreds of sum), never below one step
    when there is something to pay."""
    step = CASH_STEP.get(money_.currency, _exponent(money_.currency))
    steps = (money_.amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if steps.is_zero() and money_.amount > 0:
        steps = Decimal(1)
    rounded = (steps * step).quantize(_exponent(money_.currency))
    return Money(rounded.copy_abs() if rounded.is_zero() else rounded, money_.currency)


def to_minor_units(money: Money) -> int:
    """The amount as an integer count of minor units (fen, cents, kopecks), rounded half up."""
    return int(money.quantize().amount.scaleb(money.minor_digits))


def from_minor_units(units: int, currency: str) -> Money:
    """Money from an integer count of minor units, e.g. 1250 CNY fen -> 12.50 CNY."""
    if isinstance(units, bool) or not isinstance(units, int):
        raise TypeError(f"minor units must be an int, not {type(units).__name__}")
    currency = _check_currency(currency)
    return Money(Decimal(units).scaleb(-CURRENCIES[currency]), currency)


def parse_amount(text: str) -> Decimal:
    """A non-negative price typed or imported as text, with at most two decimal places."""
    if not isinstance(text, str):
        raise InvalidAmount(text, "not_a_number")
    stripped = text.strip()
    if stripped.lower().lstrip("+-") in {"nan", "snan", "inf", "infinity"}:
        raise InvalidAmount(text, "not_finite")
    if not _AMOUNT_PATTERN.fullmatch(stripped):
        raise InvalidAmount(text, "not_a_number")
    try:
        amount = Decimal(stripped)
    except InvalidOperation:  # the pattern should make this unreachable
        raise InvalidAmount(text, "not_a_number") from None
    if amount.is_signed() and not amount.is_zero():
        raise InvalidAmount(text, "negative")
    exponent = amount.as_tuple().exponent  # an int: the pattern admits finite numbers only
    if isinstance(exponent, int) and -exponent > _MAX_INPUT_DECIMALS:
        raise InvalidAmount(text, "too_many_decimals")
    return amount.copy_abs()

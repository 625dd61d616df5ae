"""One value of a listing or lot as typed: texts, whole numbers, prices, dates and goods flags.

Each check answers the clean value or raises `Invalid` carrying the sentence that says why
(a Message, said in the reader's language by the web layer)."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

from shop.domain import money
from shop.domain.messages import N_, Message
from shop.domain.routing import GOODS_FLAGS, SHANGHAI

MAX_NAME = 200
MAX_DESCRIPTION = 5000
MAX_WEIGHT_G = 1_000_000
MAX_SIDE_MM = 10_000
MAX_QUANTITY = 1_000_000
# Stock below this many units puts a listing in the merchant's daily alert digest (0 = never).
MAX_REORDER_POINT = 100_000
MAX_PRICE = Decimal("1000000")

REQUIRED = N_("This field is required.")

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]")
# Characters that make a cell a formula when the file is opened in a spreadsheet again.
_FORMULA_START = ("=", "+", "-", "@")
# Bidirectional embeddings and overrides can make a name read differently from what it is.
_BIDI_OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class Invalid(ValueError):
    """A value that cannot be taken; `message` says why."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


def today() -> dt.date:
    """Today in the zone (Asia/Shanghai)."""
    return dt.datetime.now(SHANGHAI).date()


def shown(value: str, limit: int = 40) -> str:
    """A value quoted in a message, cut short."""
    value = value.replace("\n", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def check_text(value: str, *, multiline: bool = False) -> Message | None:
    """Why `value` cannot be stored as a name or description, or None when it can."""
    if value.startswith(_FORMULA_START):
        return N_("Do not start a cell with =, +, - or @: a spreadsheet would run it as a formula.")
    for char in value:
        if char == "\n" and multiline:
            continue
        if char in _BIDI_OVERRIDES or unicodedata.category(char) in ("Cc", "Cs"):
            return N_("Remove the control characters from this text.")
    if _MARKUP.search(value):
        return N_("Plain text only: remove the markup (text in angle brackets).")
    return None


def clean_text(value: object) -> str:
    """Text as stored: NFC, one kind of line break, no surrounding blanks (None is empty)."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def whole_number(text: str, minimum: int, maximum: int) -> int:
    """A whole number from `minimum` to `maximum`, written in ASCII digits."""
    if not (text.isascii() and text.isdigit()):
        if text.startswith("-") and text[1:].isascii() and text[1:].isdigit():
            raise Invalid(N_("This cannot be negative."))
        raise Invalid(N_("Enter a whole number."))
    value = int(text)
    if not minimum <= value <= maximum:
        raise Invalid(N_("Enter a number from %(min)d to %(max)d.", min=minimum, max=maximum))
    return value


def price(text: str) -> Decimal:
    """A price in yuan: more than zero, below MAX_PRICE, at most two decimals."""
    try:
        amount = money.parse_amount(text)
    except money.InvalidAmount as error:
        raise Invalid({
            "negative": N_("A price cannot be negative."),
            "too_many_decimals": N_("Use at most two decimals."),
        }.get(error.reason, N_("Enter an amount such as 12.50."))) from None
    if amount >= MAX_PRICE:
        raise Invalid(N_("That amount is too large."))
    if amount <= 0:
        raise Invalid(N_("A price must be more than zero."))
    return amount


def parse_date(text: str) -> dt.date:
    """A date written YYYY-MM-DD."""
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Invalid(N_("Enter a date as YYYY-MM-DD, e.g. 2026-12-01.")) from None


def parse_flags(value: object) -> list[str]:
    """Goods flags from 'a;b' text or a list; raises Invalid naming an unknown one."""
    if isinstance(value, str):
        items: list[object] = list(value.split(";"))
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    elif not value:
        items = []
    else:
        raise Invalid(N_("Goods flags are words such as liquid or fragile."))
    flags = set()
    for item in items:
        if not isinstance(item, str):
            raise Invalid(N_("Goods flags are words such as liquid or fragile."))
        flag = item.strip().lower()
        if not flag:
            continue
        if flag not in GOODS_FLAGS:
            raise Invalid(N_("Unknown goods flag %(flag)s: use %(known)s.", flag=shown(item.strip(), 30),
                             known=", ".join(GOODS_FLAGS)))
        flags.add(flag)
    return sorted(flags)

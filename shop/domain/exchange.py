"""Exchange rates from a daily feed in the European Central Bank's XML format.

The feed quotes every currency per euro; the shop keeps rates as units per yuan, so each rate
is divided by the feed's CNY rate. A feed without CNY, without a date, or with a rate that is
not a positive number is refused whole.
"""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

RATE_PLACES = Decimal("0.000001")
MAX_FEED_BYTES = 1_000_000


class FeedError(ValueError):
    """The feed cannot be read as ECB daily rates; `reason` is a short code."""

    def __init__(self, reason: str) -> None:
        self.reason = reason  # too_large | not_xml | no_date | no_cny | bad_rate
        super().__init__(f"exchange-rate feed refused: {reason.replace('_', ' ')}")


@dataclass(frozen=True)
class DailyRates:
    """The feed's date and its rates as units of each currency for one CNY."""

    as_of: dt.date
    per_cny: dict[str, Decimal]


def parse_ecb_daily(document: bytes) -> DailyRates:
    """Rates per CNY from an ECB `eurofxref-daily.xml` document (EUR included)."""
    if len(document) > MAX_FEED_BYTES:
        raise FeedError("too_large")
    if b"<!DOCTYPE" in document or b"<!ENTITY" in document:
        raise FeedError("not_xml")  # no entity tricks: the ECB format has no DTD
    try:
        root = ET.fromstring(document)
    except ET.ParseError:
        raise FeedError("not_xml") from None
    day = None
    per_eur: dict[str, Decimal] = {}
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag != "Cube":
            continue
        if "time" in element.attrib and day is None:
            try:
                day = dt.date.fromisoformat(element.attrib["time"])
            except ValueError:
                raise FeedError("no_date") from None
        if "currency" in element.attrib and "rate" in element.attrib:
            code = element.attrib["currency"].strip().upper()
            try:
                rate = Decimal(element.attrib["rate"].strip())
            except InvalidOperation:
                raise FeedError("bad_rate") from None
            if len(code) != 3 or not code.isalpha() or not rate.is_finite() or rate <= 0:
                raise FeedError("bad_rate")
            per_eur[code] = rate
    if day is None:
        raise FeedError("no_date")
    cny = per_eur.get("CNY")
    if cny is None:
        raise FeedError("no_cny")
    per_eur["EUR"] = Decimal(1)
    per_cny = {code: (rate / cny).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
               for code, rate in per_eur.items() if code != "CNY"}
    return DailyRates(day, per_cny)

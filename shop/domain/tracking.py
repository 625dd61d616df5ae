"""Carrier tracking: the events an express line's operator reports for a parcel, how a report is checked,
and what a parcel's status becomes because of one."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

__all__ = [
    "AT_EARLIEST", "FUTURE_SLACK", "NOTE_MAX", "PLACE_MAX", "TRACKING_NUMBER", "CarrierEvent", "CarrierStatus",
    "InvalidEvent", "parse_event", "shipment_status_after", "takes_events", "tracking_number",
]


class CarrierStatus(str, Enum):
    """What the carrier says happened to a parcel."""

    IN_TRANSIT = "in_transit"
    ARRIVED_HUB = "arrived_hub"
    CUSTOMS_CLEARED = "customs_cleared"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    FAILED = "failed"  # a delivery attempt that did not reach the buyer
    RETURNED = "returned"  # on its way back to the zone


PLACE_MAX = 120
NOTE_MAX = 500
# A scanner's clock may run a little ahead; anything further ahead is a mistake, not a report.
FUTURE_SLACK = dt.timedelta(minutes=15)
# Parcels older than this never travel on the shop's lines: an earlier time is a typo.
AT_EARLIEST = dt.timedelta(days=365)
# Waybill numbers the shop issues (and operators type): letters, digits and dashes.
TRACKING_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


@dataclass(frozen=True)
class CarrierEvent:
    """One checked report: `at` in UTC, whole seconds; place and note trimmed ("" when not given)."""

    status: CarrierStatus
    at: dt.datetime
    place: str
    note: str


class InvalidEvent(Exception):
    """A report the shop cannot take; `problems` maps each field to a code (missing, not_a_string,
    unknown_status, not_iso, needs_offset, in_future, too_old, too_long, control_characters)."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = dict(problems)


def tracking_number(text: str) -> str | None:
    """The tracking number as the shop keeps it (upper case), or None when it cannot be one."""
    value = text.strip().upper()
    return value if TRACKING_NUMBER.match(value) else None


def _text(raw: object, limit: int) -> tuple[str, str | None]:
    if raw is None:
        return "", None
    if not isinstance(raw, str):
        return "", "not_a_string"
    if _CONTROL.search(raw.replace("\n", " ").replace("\r", " ").replace("\t", " ")):
        return "", "control_characters"
    value = " ".join(raw.split())  # one line, as it shows in a timeline
    if len(value) > limit:
        return "", "too_long"
    return value, None


def _moment(raw: object, now: dt.datetime) -> tuple[dt.datetime | None, str | None]:
    if raw is None or raw == "":
        return None, "missing"
    if not isinstance(raw, str):
        return None, "not_a_string"
    if len(raw) > 40 or _CONTROL.search(raw):
        return None, "not_iso"
    text = raw.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None, "not_iso"
    if moment.tzinfo is None or moment.utcoffset() is None:
        return None, "needs_offset"
    try:
        moment = moment.astimezone(dt.UTC).replace(microsecond=0)
    except OverflowError:  # the first or the last day Python can count, moved past its end
        return None, "too_old" if moment.year == dt.MINYEAR else "in_future"
    if moment > now + FUTURE_SLACK:
        return None, "in_future"
    if moment < now - AT_EARLIEST:
        return None, "too_old"
    return moment, None


def parse_event(body: Mapping[str, object], now: dt.datetime) -> CarrierEvent:
    """A report `{"status", "at", "place", "note"}` checked against the clock `now` (aware); every
    problem is gathered into one InvalidEvent. Keys other than these four are ignored."""
    problems: dict[str, str] = {}
    raw_status = body.get("status")
    status: CarrierStatus | None = None
    if raw_status is None:
        problems["status"] = "missing"
    elif not isinstance(raw_status, str):
        problems["status"] = "not_a_string"
    else:
        try:
            status = CarrierStatus(raw_status.strip().lower())
        except ValueError:
            problems["status"] = "unknown_status"
    at, problem = _moment(body.get("at"), now)
    if problem:
        problems["at"] = problem
    place, problem = _text(body.get("place"), PLACE_MAX)
    if problem:
        problems["place"] = problem
    note, problem = _text(body.get("note"), NOTE_MAX)
    if problem:
        problems["note"] = problem
    if problems or status is None or at is None:
        raise InvalidEvent(problems)
    return CarrierEvent(status=status, at=at, place=place, note=note)


def takes_events(shipment_status: str) -> bool:
    """Only a parcel that has left the zone is the carrier's to report on."""
    return shipment_status in ("shipped", "delivered")


def shipment_status_after(shipment_status: str, event: CarrierStatus) -> str:
    """The parcel's status once the event is recorded: `delivered` ends its journey; the others (a failed
    attempt, a return under way, a late scan after delivery) are told in its timeline only."""
    if event is CarrierStatus.DELIVERED and shipment_status == "shipped":
        return "delivered"
    return shipment_status

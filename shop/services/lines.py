"""Express lines as routing sees them (built once per process, rebuilt when the rows change),
the admin's edits to them, and the departure board."""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import threading
from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from shop.database import aware, write_transaction
from shop.domain import routing
from shop.extensions import db
from shop.models import Departure, ExpressLine, LineClosure
from shop.services.admin import NotFound, jsonable
from shop.services.audit import audit
from shop.services.context import Memo

log = logging.getLogger(__name__)

BOARD_DAYS = 14
# Booked departures further ahead than this cannot matter: a line rolls over at most
# routing.DEPARTURES_AHEAD departures, and the slowest line departs weekly.
BOOKING_WINDOW_DAYS = 7 * (routing.DEPARTURES_AHEAD + 2)


@dataclass(frozen=True)
class LineInfo:
    """What pages say about a line beside the routing: its names and mode."""

    code: str
    mode: str
    names: Mapping[str, str]
    days: tuple[int, int] = (0, 0)  # from departure to the door, customs clearance included

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("en") or self.code


# The values of the active lines' rows (each line joined with its closures), as queried.
Rows = tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class LineSet:
    """The active lines as domain objects, with what they were built from."""

    rows: Rows
    lines: tuple[routing.Line, ...]
    info: Mapping[str, LineInfo] = field(default_factory=dict)

    def by_code(self, code: str) -> routing.Line | None:
        return next((line for line in self.lines if line.code == code), None)


_LINE_COLUMNS = (
    ExpressLine.id, ExpressLine.code, ExpressLine.mode, ExpressLine.names, ExpressLine.serves,
    ExpressLine.weekdays, ExpressLine.cutoff, ExpressLine.transit_days_min, ExpressLine.transit_days_max,
    ExpressLine.refused_flags, ExpressLine.max_parcel_weight_g, ExpressLine.max_parcel_side_mm,
    ExpressLine.capacity_kg, ExpressLine.capacity_m3, ExpressLine.first_weight_g, ExpressLine.first_price,
    ExpressLine.step_g, ExpressLine.step_price, ExpressLine.volumetric_divisor,
    ExpressLine.closes_on_cn_holidays,
)
_JSON_KEYS = frozenset({"names", "serves", "weekdays", "refused_flags"})
_CLOSURE_COLUMNS = (LineClosure.id, LineClosure.start, LineClosure.end, LineClosure.yearly, LineClosure.kind)
_N_LINE = len(_LINE_COLUMNS)
# Built once: the check runs on every quote. JSON columns come back as their text, so
# comparing rows costs no decoding; they are decoded only when the lines are rebuilt.
_ROUTING_ROWS = (
    sa.select(*(sa.cast(c, sa.Text) if c.key in _JSON_KEYS else c for c in _LINE_COLUMNS), *_CLOSURE_COLUMNS)
    .outerjoin(LineClosure, LineClosure.line_id == ExpressLine.id)
    .where(ExpressLine.active.is_(True))
    .order_by(ExpressLine.id, LineClosure.id)
)

_cache: dict[str, LineSet] = {}
_cache_lock = threading.Lock()


def _routing_rows() -> Rows:
    """Every routing-relevant value of the active lines and their closures, in a stable order.

    One indexed query of a few dozen rows. Comparing it with what the cached lines were built
    from is what keeps every worker process right after an admin edit, a demo load or an edit
    made straight in the database, with no version counter to forget to bump."""
    return tuple(tuple(row) for row in db.session.execute(_ROUTING_ROWS))


def line_set(memo: Memo | None = None) -> LineSet:
    """The active lines, reused across requests until their rows change (checked once per
    `memo`, i.e. once a request when the caller passes the buyer's; else on every call)."""
    return memo.get("line_set", _current_line_set) if memo is not None else _current_line_set()


def _current_line_set() -> LineSet:
    rows = _routing_rows()
    key = str(db.engine.url)
    cached = _cache.get(key)
    if cached is None or cached.rows != rows:
        with _cache_lock:
            cached = _cache.get(key)
            if cached is None or cached.rows != rows:
                cached = _cache[key] = _build(rows)
    return cached


def domain_lines(memo: Memo | None = None) -> list[routing.Line]:
    """The active express lines as routing.Line objects (cached; see line_set)."""
    return list(line_set(memo).lines)


def _build(rows: Rows) -> LineSet:
    json_at = [n for n, column in enumerate(_LINE_COLUMNS) if column.key in _JSON_KEYS]
    grouped: dict[int, tuple[list[Any], list[tuple[Any, ...]]]] = {}
    for row in rows:
        line_part, closure_part = row[:_N_LINE], row[_N_LINE:]
        if line_part[0] not in grouped:
            values = list(line_part)
            for n in json_at:
                values[n] = json.loads(values[n]) if values[n] is not None else None
            grouped[line_part[0]] = (values, [])
        if closure_part[0] is not None:
            grouped[line_part[0]][1].append(closure_part)
    lines: list[routing.Line] = []
    info: dict[str, LineInfo] = {}
    for values, closures in grouped.values():
        try:
            line = _domain_line(tuple(values), closures)
        except (routing.InvalidLine, TypeError, ValueError, AttributeError) as error:
            # One bad row must not stop quoting on every other line.
            log.error("express line %s left out of routing: %s", values[1], error)
            continue
        lines.append(line)
        days = (routing.CUSTOMS_CLEARANCE_DAYS + line.transit_days_min,
                routing.CUSTOMS_CLEARANCE_DAYS + line.transit_days_max)
        info[line.code] = LineInfo(line.code, line.mode, dict(values[3] or {}), days)
    return LineSet(rows, tuple(lines), info)


def _domain_line(values: tuple[Any, ...], closures: list[tuple[Any, ...]]) -> routing.Line:
    (_id, code, mode, _names, serves, weekdays, cutoff, t_min, t_max, refused, max_g, max_side, cap_kg, cap_m3,
     first_g, first_price, step_g, step_price, divisor, holidays) = values
    return routing.Line(
        code=code, mode=mode,
        serves={country: frozenset(cities or ()) for country, cities in (serves or {}).items()},
        weekdays=frozenset(weekdays or ()), cutoff=cutoff.replace(tzinfo=None),
        transit_days_min=t_min, transit_days_max=t_max, refused_flags=frozenset(refused or ()),
        max_parcel_weight_g=max_g, max_parcel_side_mm=max_side,
        capacity_kg=Decimal(cap_kg), capacity_m3=Decimal(cap_m3),
        rate=routing.RateTable(first_g, Decimal(first_price), step_g, Decimal(step_price)),
        volumetric_divisor=divisor,
        closures=tuple(routing.Closure(start, end, bool(yearly), kind) for _id, start, end, yearly, kind in closures),
        closes_on_cn_holidays=bool(holidays),
    )


def to_domain(line: ExpressLine) -> routing.Line:
    """A fresh routing.Line for one row (for pages that must not share the cached calendars)."""
    values = tuple(getattr(line, column.key) for column in _LINE_COLUMNS)
    closures = [(c.id, c.start, c.end, c.yearly, c.kind) for c in line.closures]
    return _domain_line(values, closures)


# ---- bookings ---------------------------------------------------------------------------

def shanghai_day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=routing.SHANGHAI)


_BOOKED = (
    sa.select(ExpressLine.code, Departure.departs_at, Departure.booked_kg, Departure.booked_m3)
    .join(ExpressLine, ExpressLine.id == Departure.line_id)
    .where(Departure.departs_at >= sa.bindparam("start"), Departure.departs_at < sa.bindparam("end"),
           Departure.status != "cancelled")
)


def booked(since: dt.date, days: int = BOOKING_WINDOW_DAYS) -> dict[tuple[str, dt.date], tuple[Decimal, Decimal]]:
    """(line code, departure day in Asia/Shanghai) -> (kg, m3) already booked, from `since` on."""
    start = shanghai_day_start(since).astimezone(dt.UTC)
    end = shanghai_day_start(since + dt.timedelta(days=days)).astimezone(dt.UTC)
    found: dict[tuple[str, dt.date], tuple[Decimal, Decimal]] = {}
    for code, departs_at, kg, m3 in db.session.execute(_BOOKED, {"start": start, "end": end}):
        key = (code, aware(departs_at).astimezone(routing.SHANGHAI).date())
        before = found.get(key, (Decimal(0), Decimal(0)))
        found[key] = (before[0] + Decimal(kg or 0), before[1] + Decimal(m3 or 0))
    return found


# ---- reading and editing ----------------------------------------------------------------

def all_lines() -> list[ExpressLine]:
    """Every line, active first, for the back office."""
    return list(db.session.scalars(sa.select(ExpressLine).order_by(ExpressLine.active.desc(), ExpressLine.code)))


def get_line(code: str) -> ExpressLine | None:
    return db.session.scalar(sa.select(ExpressLine).where(ExpressLine.code == code))


EDITABLE = (
    "names", "mode", "serves", "weekdays", "cutoff", "transit_days_min", "transit_days_max", "refused_flags",
    "max_parcel_weight_g", "max_parcel_side_mm", "capacity_kg", "capacity_m3", "first_weight_g", "first_price",
    "step_g", "step_price", "volumetric_divisor", "closes_on_cn_holidays", "active",
)


def _same(a: object, b: object) -> bool:
    return jsonable(a) == jsonable(b)


def update_line(code: str, values: Mapping[str, object], user_id: int | None) -> dict[str, list[object]]:
    """Save an admin's edit of a line; returns the changes as {field: [before, after]}.

    Raises routing.InvalidLine when the result could not be routed on (nothing is saved)."""
    with write_transaction():
        line = db.session.scalar(sa.select(ExpressLine).where(ExpressLine.code == code).with_for_update())
        if line is None:
            raise NotFound(code)
        changed: dict[str, list[object]] = {}
        for name in EDITABLE:
            if name in values and not _same(getattr(line, name), values[name]):
                changed[name] = [jsonable(getattr(line, name)), jsonable(values[name])]
                setattr(line, name, values[name])
        if changed:
            to_domain(line)  # the routing's own checks, before anything is written
            audit(user_id, "express_line.update", "express_line", code, changed)
    return changed


def add_closure(code: str, *, start: dt.date, end: dt.date, yearly: bool, kind: str, note: str,
                user_id: int | None) -> LineClosure:
    """Close a line for a period (a season rules it out; other closures skip their days)."""
    routing.Closure(start, end, yearly, kind)  # raises InvalidLine on a period that ends before it starts
    with write_transaction():
        line = db.session.scalar(sa.select(ExpressLine).where(ExpressLine.code == code).with_for_update())
        if line is None:
            raise NotFound(code)
        closure = LineClosure(start=start, end=end, yearly=yearly, kind=kind, note={"en": note} if note else {})
        line.closures.append(closure)
        db.session.flush()
        audit(user_id, "express_line.closure_add", "express_line", code,
              {"closure": closure.id, "start": start.isoformat(), "end": end.isoformat(), "yearly": yearly,
               "kind": kind, "note": note})
    return closure


def remove_closure(code: str, closure_id: int, user_id: int | None) -> None:
    with write_transaction():
        closure = db.session.scalar(
            sa.select(LineClosure).join(ExpressLine)
            .where(ExpressLine.code == code, LineClosure.id == closure_id).with_for_update())
        if closure is None:
            raise NotFound(closure_id)
        audit(user_id, "express_line.closure_remove", "express_line", code,
              {"closure": closure.id, "start": closure.start.isoformat(), "end": closure.end.isoformat(),
               "yearly": closure.yearly, "kind": closure.kind})
        db.session.delete(closure)


# ---- served places as admins type them --------------------------------------------------

_SERVES_LINE = re.compile(r"^\s*([A-Za-z]{2})\s*(?::\s*(.*))?$")


class ServesError(ValueError):
    """A problem on one line of the `serves` text: `code` is bad_line | unknown_country | duplicate."""

    def __init__(self, line_no: int, code: str, text: str) -> None:
        super().__init__(line_no, code, text)
        self.line_no, self.code, self.text = line_no, code, text


def parse_serves(text: str, known_countries: Container[str]) -> dict[str, list[str]]:
    """'RU: Moscow, Kazan' per line, or 'UZ' (or 'UZ: *') for every city of a country."""
    serves: dict[str, list[str]] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        match = _SERVES_LINE.match(raw)
        if not match:
            raise ServesError(number, "bad_line", raw.strip()[:40])
        country = match.group(1).upper()
        if country not in known_countries:
            raise ServesError(number, "unknown_country", country)
        if country in serves:
            raise ServesError(number, "duplicate", country)
        rest = (match.group(2) or "").strip()
        cities = [] if rest in ("", "*") else [" ".join(c.split()) for c in rest.split(",") if c.strip()]
        if any(len(c) > 80 for c in cities):
            raise ServesError(number, "bad_line", raw.strip()[:40])
        serves[country] = cities
    return serves


def format_serves(serves: Mapping[str, list[str]]) -> str:
    return "\n".join(f"{country}: {', '.join(cities)}" if cities else country
                     for country, cities in sorted((serves or {}).items()))


# ---- departure board --------------------------------------------------------------------

@dataclass(frozen=True)
class BoardDeparture:
    departure: routing.Departure
    booked_kg: Decimal
    booked_m3: Decimal
    capacity_kg: Decimal
    capacity_m3: Decimal

    @staticmethod
    def _share(booked: Decimal, capacity: Decimal) -> int:
        return 100 if capacity <= 0 else min(100, int(booked * 100 / capacity))

    @property
    def kg_percent(self) -> int:
        return self._share(self.booked_kg, self.capacity_kg)

    @property
    def m3_percent(self) -> int:
        return self._share(self.booked_m3, self.capacity_m3)

    @property
    def full(self) -> bool:
        return self.booked_kg >= self.capacity_kg or self.booked_m3 >= self.capacity_m3


@dataclass(frozen=True)
class BoardLine:
    line: ExpressLine
    departures: tuple[BoardDeparture, ...]
    closed_until: dt.date | None  # a season closure reached within the board's days
    problem: str | None = None  # a routing ruling code when the line has no departure at all


def departure_board(now: dt.datetime, days: int = BOARD_DAYS) -> list[BoardLine]:
    """Each active line's departures over the coming `days`, with weight and volume booked."""
    today = now.astimezone(routing.SHANGHAI).date()
    last_day = today + dt.timedelta(days=days)
    taken = booked(today, days + 1)
    board: list[BoardLine] = []
    for line in db.session.scalars(sa.select(ExpressLine).where(ExpressLine.active.is_(True))
                                   .order_by(ExpressLine.code)):
        try:
            domain = to_domain(line)
        except routing.InvalidLine:
            board.append(BoardLine(line, (), None, "invalid"))
            continue
        departures: list[BoardDeparture] = []
        closed_until: dt.date | None = None
        problem: str | None = None
        moment = now
        while True:
            try:
                found = routing.next_departure(domain, moment)
            except routing.LineUnavailable as unavailable:
                if unavailable.code == "closed_season":
                    until = unavailable.params.get("until")
                    closed_until = until if isinstance(until, dt.date) else None
                elif not departures:
                    problem = unavailable.code
                break
            day = found.at.date()
            if day > last_day:
                break
            kg, m3 = taken.get((line.code, day), (Decimal(0), Decimal(0)))
            departures.append(BoardDeparture(found, kg, m3, Decimal(line.capacity_kg), Decimal(line.capacity_m3)))
            moment = found.at + dt.timedelta(seconds=1)
        board.append(BoardLine(line, tuple(departures), closed_until, problem))
    return board

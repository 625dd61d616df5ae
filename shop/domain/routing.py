"""Express-line routing: which lines can carry an order, when it leaves, when it arrives, what it costs."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import holidays

from .customs import ORDER_LIMIT_CNY, DutyRule, estimate_duty, import_tax

__all__ = [
    "CLOSURE_KINDS",
    "CUSTOMS_CLEARANCE_DAYS",
    "DEPARTURES_AHEAD",
    "GOODS_FLAGS",
    "INVALID_REQUEST_CODES",
    "LABELS",
    "MAX_QUANTITY",
    "MODES",
    "REASON_CODES",
    "SHANGHAI",
    "Closure",
    "Departure",
    "Destination",
    "InvalidLine",
    "InvalidQuoteRequest",
    "Item",
    "Line",
    "LineUnavailable",
    "MissingExchangeRate",
    "Option",
    "Quote",
    "RateTable",
    "RoutingError",
    "RuledOut",
    "Shipment",
    "chargeable_weight_g",
    "cn_days_off",
    "next_departure",
    "quote",
    "shipping_cost",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
MODES = ("truck", "air", "rail", "express")
GOODS_FLAGS = ("liquid", "aerosol", "battery", "perfume", "perishable", "fragile")
CLOSURE_KINDS = ("season", "other")
REASON_CODES = (
    "not_served_country",
    "not_served_city",
    "goods_refused",  # params: flag
    "closed_season",  # params: until (the date the line reopens)
    "overweight",  # params: limit_kg
    "oversize",  # params: limit_cm
    "departure_full",
    "no_departure",
)
INVALID_REQUEST_CODES = ("no_items", "quantity", "bad_item", "duplicate_sku", "naive_datetime")
LABELS = ("recommended", "fastest", "cheapest")
# "Recommended": the cheapest option arriving at most this many days after the fastest one.
RECOMMENDED_SLACK_DAYS = 3
MAX_QUANTITY = 999
# How many departures an order may roll over for lack of capacity before the line is "full".
DEPARTURES_AHEAD = 8
CUSTOMS_CLEARANCE_DAYS = 1
# Far enough to see past a winter season or a long maintenance closure.
_HORIZON_DAYS = 400
_SCHEDULE_CACHE_SIZE = 64
_ONE_DAY = timedelta(days=1)


class RoutingError(Exception):
    """Base of every routing domain error."""


class InvalidQuoteRequest(RoutingError):
    """A quote asked with unusable input; `code` is one of INVALID_REQUEST_CODES."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


class InvalidLine(RoutingError):
    """An express line whose data cannot be routed on."""


class MissingExchangeRate(RoutingError):
    def __init__(self, currency: str) -> None:
        super().__init__(f"no CNY rate for {currency}")
        self.currency = currency


class LineUnavailable(RoutingError):
    """next_departure found no departure; `code` and `params` as in RuledOut."""

    def __init__(self, line: str, code: str, params: Mapping[str, object]) -> None:
        super().__init__(line, code, params)
        self.line = line
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class Item:
    sku: str
    quantity: int
    weight_g: int
    dims_mm: tuple[int, int, int]
    unit_value_cny: Decimal
    goods_flags: frozenset[str] = frozenset()
    tax_class: str = "general"
    discount_cny: Decimal = Decimal(0)  # off the whole line (a discount code): taxes go on the price paid

    @property
    def value_cny(self) -> Decimal:
        """What the buyer pays for the line's goods, the value taxes and duties are computed on."""
        return max(self.unit_value_cny * self.quantity - self.discount_cny, Decimal(0))

    def __post_init__(self) -> None:
        # Callers often hold lists; the routing relies on set operations and fixed dimensions.
        if type(self.goods_flags) is not frozenset:
            object.__setattr__(self, "goods_flags", frozenset(self.goods_flags))
        if type(self.dims_mm) is not tuple:
            object.__setattr__(self, "dims_mm", tuple(self.dims_mm))


@dataclass(frozen=True, slots=True)
class Destination:
    country: str  # ISO 3166 alpha-2
    city: str  # Latin name, compared case-insensitively


@dataclass(frozen=True, slots=True)
class RateTable:
    """Chinese-convention rate: a first-weight price, then a price per started step."""

    first_weight_g: int
    first_price: Decimal
    step_g: int
    step_price: Decimal

    def __post_init__(self) -> None:
        if self.first_weight_g < 0 or self.step_g <= 0:
            raise InvalidLine("rate weights must be positive")


@dataclass(frozen=True, slots=True)
class Closure:
    """A period a line does not depart. A 'season' rules the line out; 'other' days are skipped.

    A yearly closure repeats on the same month and day every year (the years of start and end
    are ignored) and may wrap the year end, like 1 Dec - 31 Mar.
    """

    start: date
    end: date
    yearly: bool
    kind: str
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in CLOSURE_KINDS:
            raise InvalidLine(f"closure kind must be one of {CLOSURE_KINDS}")
        if not self.yearly and self.end < self.start:
            raise InvalidLine("closure ends before it starts")

    def covers(self, day: date) -> bool:
        if not self.yearly:
            return self.start <= day <= self.end
        md, start, end = (day.month, day.day), _md(self.start), _md(self.end)
        if start <= end:
            return start <= md <= end
        return md >= start or md <= end

    def reopens(self, day: date) -> date:
        """The first day after the occurrence of this closure that covers `day`."""
        if not self.yearly:
            return self.end + _ONE_DAY
        year = day.year
        if _md(self.end) < _md(self.start) and (day.month, day.day) >= _md(self.start):
            year += 1  # a winter closure seen in December ends next year
        return _on(year, self.end.month, self.end.day) + _ONE_DAY


def _md(day: date) -> tuple[int, int]:
    return day.month, day.day


def _on(year: int, month: int, day: int) -> date:
    # A yearly date of 29 February falls on the 28th in common years.
    if month == 2 and day == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        day = 28
    return date(year, month, day)


@dataclass(frozen=True)
class Line:
    """An express line as admins edit it.

    Build lines once and reuse them (e.g. cache them until an admin edits one): derived
    figures and the departure calendar are computed on the object and memoised there.
    """

    code: str
    mode: str
    # country -> cities; an empty set means every city of that country.
    serves: Mapping[str, frozenset[str]] = field(hash=False)
    weekdays: frozenset[int]  # 0 = Monday
    cutoff: time  # Asia/Shanghai, on each departure day
    transit_days_min: int
    transit_days_max: int
    refused_flags: frozenset[str]
    max_parcel_weight_g: int
    max_parcel_side_mm: int
    capacity_kg: Decimal
    capacity_m3: Decimal
    rate: RateTable
    volumetric_divisor: int  # 5000 for express, 6000 for air
    closures: tuple[Closure, ...] = ()
    closes_on_cn_holidays: bool = False

    def __post_init__(self) -> None:
        # Rows from the database arrive as lists.
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        object.__setattr__(self, "refused_flags", frozenset(self.refused_flags))
        object.__setattr__(self, "closures", tuple(self.closures))
        if self.mode not in MODES:
            raise InvalidLine(f"{self.code}: mode must be one of {MODES}")
        if not self.weekdays <= frozenset(range(7)):
            raise InvalidLine(f"{self.code}: weekdays are 0 (Monday) to 6")
        if not 0 <= self.transit_days_min <= self.transit_days_max:
            raise InvalidLine(f"{self.code}: transit days must satisfy 0 <= min <= max")
        if self.volumetric_divisor <= 0:
            raise InvalidLine(f"{self.code}: volumetric divisor must be positive")
        if self.cutoff.tzinfo is not None:
            raise InvalidLine(f"{self.code}: the cut-off is a plain Asia/Shanghai time")
        # Not a dataclass field: derived data stays out of eq, repr and asdict.
        object.__setattr__(self, "_compiled", _CompiledLine(self))


class _CompiledLine:
    """A line's figures in integer units (grams, mm3, fen) plus its memoised calendar."""

    __slots__ = (
        "serves", "cap_g", "cap_mm3", "cap_g_whole", "cap_mm3_whole", "max_g",
        "max_side", "refused", "divisor", "first_g", "first_fen", "step_g", "step_fen",
        "limit_kg", "limit_cm", "schedules",
    )  # fmt: skip

    def __init__(self, line: Line) -> None:
        self.serves = {
            country.strip().upper(): frozenset(city.strip().casefold() for city in cities)
            for country, cities in line.serves.items()
        }
        self.cap_g = line.capacity_kg * 1000
        self.cap_mm3 = line.capacity_m3 * 1_000_000_000
        # Whole units are enough to compare against integer loads.
        self.cap_g_whole = int(self.cap_g)
        self.cap_mm3_whole = int(self.cap_mm3)
        self.max_g = line.max_parcel_weight_g
        self.max_side = line.max_parcel_side_mm
        self.refused = line.refused_flags
        self.divisor = line.volumetric_divisor
        rate = line.rate
        self.first_g, self.step_g = rate.first_weight_g, rate.step_g
        self.first_fen, self.step_fen = _fen(rate.first_price), _fen(rate.step_price)
        self.limit_kg = Decimal(line.max_parcel_weight_g) / 1000
        self.limit_cm = Decimal(line.max_parcel_side_mm) / 10
        self.schedules: dict[tuple[date, bool], _Schedule] = {}

    def schedule(self, line: Line, today: date, open_today: bool) -> _Schedule:
        """The departures from a day on; `open_today` when today's cut-off is still ahead."""
        key = (today, open_today)
        found = self.schedules.get(key)
        if found is None:
            if len(self.schedules) >= _SCHEDULE_CACHE_SIZE:
                self.schedules.clear()
            found = self.schedules[key] = _build_schedule(line, today, open_today)
        return found


@dataclass(frozen=True, slots=True)
class Departure:
    line: str
    at: datetime  # aware, Asia/Shanghai: the departure day at the line's cut-off
    delivery_earliest: date
    delivery_latest: date


# The next departures a line can make from a given moment, ignoring capacity, and the date
# the line reopens when the departure after them falls in a season closure (else None).
_Schedule = tuple[tuple[tuple[date, Departure], ...], date | None]
# How a line carries a load: (departure, chargeable grams, cost in fen), or a ruling
# (None, reason code, its parameters) when it cannot.
_Leg = tuple[Departure, int, int]
_Ruling = tuple[None, str, Mapping[str, object]]
_Booked = Mapping[tuple[str, date], tuple[Decimal, Decimal]] | None
_Served = tuple[int, "Line", "_CompiledLine", _Schedule]  # (line index, line, compiled, schedule)
_Plan = tuple[tuple[int, tuple[int, ...], _Leg], ...]  # (line index, item indexes, leg) per shipment


@functools.cache
def cn_days_off(year: int) -> frozenset[date]:
    """Chinese public holidays of a year, with the weekends inside a holiday run.

    The holidays package lists a run's weekend days only when they are holidays themselves
    (National Day 2026 lacks Sunday 4 October), yet the border crossings stay shut across
    the whole run.
    """
    listed = set(holidays.country_holidays("CN", years=(year - 1, year, year + 1)))
    bridged = set()
    for day in listed:
        for offset in (-2, -1, 1, 2):
            weekend = day + timedelta(days=offset)
            if weekend.weekday() < 5 or weekend in listed:
                continue
            before = weekend - _ONE_DAY
            after = weekend + _ONE_DAY
            is_saturday = weekend.weekday() == 5
            if (before in listed or (not is_saturday and before - _ONE_DAY in listed)) and (
                after in listed or (is_saturday and after + _ONE_DAY in listed)
            ):
                bridged.add(weekend)
    return frozenset(day for day in listed | bridged if day.year == year)


def _build_schedule(line: Line, today: date, open_today: bool) -> _Schedule:
    departures: list[tuple[date, Departure]] = []
    if not line.weekdays:
        return (), None
    seasons = [c for c in line.closures if c.kind == "season"]
    others = [c for c in line.closures if c.kind == "other"]
    earliest = timedelta(days=CUSTOMS_CLEARANCE_DAYS + line.transit_days_min)
    latest = timedelta(days=CUSTOMS_CLEARANCE_DAYS + line.transit_days_max)
    day = today if open_today else today + _ONE_DAY
    for _ in range(_HORIZON_DAYS):
        if day.weekday() in line.weekdays:
            for season in seasons:
                if season.covers(day):
                    # Pushing an order months ahead is no promise: rule the line out instead.
                    return tuple(departures), season.reopens(day)
            closed = (line.closes_on_cn_holidays and day in cn_days_off(day.year)) or any(
                other.covers(day) for other in others
            )
            if not closed:
                at = datetime.combine(day, line.cutoff, tzinfo=SHANGHAI)
                departures.append((day, Departure(line.code, at, day + earliest, day + latest)))
                if len(departures) == DEPARTURES_AHEAD:
                    break
        day += _ONE_DAY
    return tuple(departures), None


def _fen(amount: Decimal) -> int:
    return int(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)


def _money(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def _cost_fen(first_g: int, first_fen: int, step_g: int, step_fen: int, chargeable: int) -> int:
    beyond = chargeable - first_g
    if beyond <= 0:
        return first_fen
    return first_fen + -(-beyond // step_g) * step_fen  # every started step is paid


def shipping_cost(rate: RateTable, chargeable_g: int) -> Decimal:
    """The price of a parcel of this chargeable weight, in CNY."""
    return _money(
        _cost_fen(
            rate.first_weight_g, _fen(rate.first_price), rate.step_g, _fen(rate.step_price),
            chargeable_g,
        )
    )  # fmt: skip


def chargeable_weight_g(items: Iterable[Item], divisor: int) -> int:
    """The greater of actual and volumetric weight (L x W x H cm / divisor kg per unit)."""
    actual = volume = 0
    for item in items:
        length, width, height = item.dims_mm
        actual += item.weight_g * item.quantity
        volume += length * width * height * item.quantity
    # mm3 / divisor is grams: (mm3 / 1000) cm3 / divisor kg x 1000 g.
    return max(actual, -(-volume // divisor))


def _departure(
    code: str, c: _CompiledLine, schedule: _Schedule, grams: int | Decimal, mm3: int | Decimal, booked: _Booked
) -> Departure | _Ruling:
    """The first departure with room for the load, or a (None, code, params) ruling."""
    departures, season_until = schedule
    if grams <= c.cap_g_whole and mm3 <= c.cap_mm3_whole:
        if not booked:
            if departures:
                return departures[0][1]
        else:
            for day, departure in departures:
                taken = booked.get((code, day))
                if taken is None or (
                    taken[0] * 1000 + grams <= c.cap_g and taken[1] * 1_000_000_000 + mm3 <= c.cap_mm3
                ):
                    return departure
    if season_until is not None:
        return None, "closed_season", {"until": season_until}
    return None, ("departure_full" if departures else "no_departure"), {}


def _carry(
    line: Line, c: _CompiledLine, schedule: _Schedule, flags: frozenset[str], grams: int, mm3: int, side: int,
    booked: _Booked,
) -> _Leg | _Ruling:
    """How `line` carries one parcel: (departure, chargeable g, fen) or (None, code, params)."""
    refused = c.refused & flags
    if refused:
        return None, "goods_refused", {"flag": min(refused)}
    if grams > c.max_g:
        return None, "overweight", {"limit_kg": c.limit_kg}
    if side > c.max_side:
        return None, "oversize", {"limit_cm": c.limit_cm}
    departure = _departure(line.code, c, schedule, grams, mm3, booked)
    if isinstance(departure, tuple):
        return departure
    volumetric = -(-mm3 // c.divisor)
    chargeable = grams if grams >= volumetric else volumetric
    return departure, chargeable, _cost_fen(c.first_g, c.first_fen, c.step_g, c.step_fen, chargeable)


def next_departure(
    line: Line,
    now: datetime,
    booked: Mapping[tuple[str, date], tuple[Decimal, Decimal]] | None = None,
    weight_kg: Decimal = Decimal("0"),
    volume_m3: Decimal = Decimal("0"),
) -> Departure:
    """The departure an order of this size placed `now` makes (raises LineUnavailable)."""
    local = _shanghai(now)
    c: _CompiledLine = line._compiled  # type: ignore[attr-defined]
    schedule = c.schedule(line, local.date(), local.time() < line.cutoff)
    found = _departure(line.code, c, schedule, weight_kg * 1000, volume_m3 * 1_000_000_000, booked)
    if isinstance(found, tuple):
        raise LineUnavailable(line.code, found[1], found[2])
    return found


@dataclass(frozen=True, slots=True)
class Shipment:
    line: str
    items: tuple[tuple[str, int], ...]  # (sku, quantity)
    departure: datetime
    delivery_earliest: date
    delivery_latest: date
    chargeable_weight_g: int
    cost: Decimal


@dataclass(frozen=True, slots=True)
class Option:
    labels: tuple[str, ...]
    shipments: tuple[Shipment, ...]
    cost: Decimal  # shipping, all shipments
    taxes: Decimal  # import tax, or the destination's duty estimate
    tax_kind: str  # 'import' or 'export'
    over_order_limit: bool
    delivery_earliest: date
    delivery_latest: date


@dataclass(frozen=True, slots=True)
class RuledOut:
    line: str
    code: str  # one of REASON_CODES
    params: Mapping[str, object] = field(default_factory=dict, hash=False)


@dataclass(frozen=True, slots=True)
class Quote:
    destination: Destination
    options: tuple[Option, ...]  # recommended first
    ruled_out: tuple[RuledOut, ...]
    unshippable: tuple[str, ...] = ()  # skus that no line can carry there, even alone


def _shanghai(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidQuoteRequest("naive_datetime")
    return now.astimezone(SHANGHAI)


def _check_items(items: tuple[Item, ...]) -> None:
    if not items:
        raise InvalidQuoteRequest("no_items")
    skus = set()
    for item in items:
        if not 1 <= item.quantity <= MAX_QUANTITY:
            raise InvalidQuoteRequest("quantity", sku=item.sku, quantity=item.quantity)
        if item.weight_g < 0 or len(item.dims_mm) != 3 or min(item.dims_mm) <= 0:
            raise InvalidQuoteRequest("bad_item", sku=item.sku)
        if item.sku in skus:
            raise InvalidQuoteRequest("duplicate_sku", sku=item.sku)
        skus.add(item.sku)


class _Group:
    """Items bound for one line while a split is being built."""

    __slots__ = ("members", "flags", "grams", "mm3", "side", "leg")

    def __init__(
        self, members: list[int], flags: frozenset[str], grams: int, mm3: int, side: int, leg: _Leg
    ) -> None:
        self.members = members
        self.flags = flags
        self.grams = grams
        self.mm3 = mm3
        self.side = side
        self.leg = leg


def quote(
    items: Iterable[Item],
    destination: Destination,
    now: datetime,
    lines: Iterable[Line],
    *,
    duty_rules: Mapping[str, DutyRule] | None = None,
    cny_per_unit: Mapping[str, Decimal] | None = None,
    booked: Mapping[tuple[str, date], tuple[Decimal, Decimal]] | None = None,
    duty_already_cny: Decimal = Decimal(0),
) -> Quote:
    """Rank the ways the express lines can carry these items to the destination from `now`.

    `booked` maps (line code, departure date) to the (kg, m3) already taken on it.
    `duty_already_cny` is the goods value the recipient was sent earlier this calendar month,
    for a destination whose duty allowance is counted per month. A duty rule applies only
    from its `valid_from` day (China time).
    """
    items = tuple(items)
    _check_items(items)
    local = _shanghai(now)
    today, clock = local.date(), local.time()
    country = destination.country.strip().upper()
    city = destination.city.strip().casefold()

    count = len(items)
    grams = [item.weight_g * item.quantity for item in items]
    mm3 = [item.dims_mm[0] * item.dims_mm[1] * item.dims_mm[2] * item.quantity for item in items]
    sides = [max(item.dims_mm) for item in items]
    flags = [item.goods_flags for item in items]
    all_flags = frozenset().union(*flags) if count > 1 else flags[0]
    total_grams, total_mm3, longest = sum(grams), sum(mm3), max(sides)
    everything = tuple(range(count))

    # Each line against the whole order: a single-line option or the reason it cannot be one.
    served: list[_Served] = []
    singles: list[tuple[int, _Leg]] = []  # (line index, leg)
    reasons: dict[int, RuledOut] = {}
    for index, line in enumerate(lines):
        c: _CompiledLine = line._compiled  # type: ignore[attr-defined]
        cities = c.serves.get(country)
        if cities is None:
            reasons[index] = RuledOut(line.code, "not_served_country", {})
            continue
        if cities and city not in cities:
            reasons[index] = RuledOut(line.code, "not_served_city", {})
            continue
        schedule = c.schedule(line, today, clock < line.cutoff)
        served.append((index, line, c, schedule))
        leg = _carry(line, c, schedule, all_flags, total_grams, total_mm3, longest, booked)
        if leg[0] is None:
            reasons[index] = RuledOut(line.code, leg[1], leg[2])
        else:
            singles.append((index, leg))

    plans: list[_Plan] = [((index, everything, leg),) for index, leg in singles]
    unshippable: tuple[str, ...] = ()
    if count > 1 and served and not (singles and _split_cannot_beat(singles, served, flags, grams, sides)):
        # What each item could do on its own, for splitting.
        alone: list[list[tuple[int, _Leg]]] = [[] for _ in everything]
        for index, line, c, schedule in served:
            for i in everything:
                leg = _carry(line, c, schedule, flags[i], grams[i], mm3[i], sides[i], booked)
                if leg[0] is not None:
                    alone[i].append((index, leg))
        unshippable = tuple(items[i].sku for i in everything if not alone[i])
        if not unshippable:
            plans += _splits(alone, singles, served, flags, grams, mm3, sides, booked)
    elif not singles:
        unshippable = tuple(item.sku for item in items)

    used = {index for plan in plans for index, _, _ in plan}
    ruled_out = tuple(reason for index, reason in reasons.items() if index not in used)
    rules = {code: rule for code, rule in (duty_rules or {}).items() if rule.in_force(today)}
    options = _rank(plans, items, country, rules, cny_per_unit, duty_already_cny)
    return Quote(destination, options, ruled_out, unshippable)


def _split_cannot_beat(
    singles: list[tuple[int, _Leg]], served: list[_Served], flags: list[frozenset[str]], grams: list[int],
    sides: list[int],
) -> bool:
    """Whether no split can arrive strictly earlier than the best single-line option.

    A split beats (E0, L0) only if all its shipments deliver from before E0, or all from E0 at
    the latest and by before L0. No shipment delivers sooner than its line's next departure
    would, so checking each item against those first departures usually settles it, and the
    costlier split search is skipped.
    """
    best_earliest, best_latest = min(
        (leg[0].delivery_earliest, leg[0].delivery_latest) for _, leg in singles
    )
    all_sooner = all_within = True
    for i, item_flags in enumerate(flags):
        sooner = within = False
        for _, _, c, (departures, _) in served:
            if departures and not c.refused & item_flags and grams[i] <= c.max_g and sides[i] <= c.max_side:
                first = departures[0][1]
                sooner = sooner or first.delivery_earliest < best_earliest
                within = within or (
                    first.delivery_earliest <= best_earliest and first.delivery_latest < best_latest
                )
        all_sooner, all_within = all_sooner and sooner, all_within and within
        if not (all_sooner or all_within):
            return True
    return False


def _splits(
    alone: list[list[tuple[int, _Leg]]], singles: list[tuple[int, _Leg]], served: list[_Served],
    flags: list[frozenset[str]], grams: list[int], mm3: list[int], sides: list[int], booked: _Booked,
) -> list[_Plan]:
    """Split plans: the fastest and the cheapest greedy ones when no line takes everything,
    else only a split that arrives strictly earlier than every single line."""
    if singles:
        best = min((leg[0].delivery_earliest, leg[0].delivery_latest) for _, leg in singles)
        plan = _greedy_split("fastest", alone, served, flags, grams, mm3, sides, booked)
        if plan is None or len(plan) < 2:
            return []
        key = (max(leg[0].delivery_earliest for _, _, leg in plan),
               max(leg[0].delivery_latest for _, _, leg in plan))  # fmt: skip
        return [plan] if key < best else []
    plans: list[_Plan] = []
    for goal in ("fastest", "cheapest"):
        plan = _greedy_split(goal, alone, served, flags, grams, mm3, sides, booked)
        if plan is not None and plan not in plans:
            plans.append(plan)
    return plans


def _greedy_split(
    goal: str, alone: list[list[tuple[int, _Leg]]], served: list[_Served], flags: list[frozenset[str]],
    grams: list[int], mm3: list[int], sides: list[int], booked: _Booked,
) -> _Plan | None:
    """Put each item, most constrained and heaviest first, where the plan gets best for `goal`."""
    by_index = {index: (line, c, schedule) for index, line, c, schedule in served}
    groups: dict[int, _Group] = {}
    order = sorted(range(len(alone)), key=lambda i: (len(alone[i]), -grams[i], i))
    for i in order:
        best: tuple[tuple[object, ...], int, _Leg] | None = None
        for index, solo in alone[i]:
            group = groups.get(index)
            if group is None:
                leg = solo
            else:
                line, c, schedule = by_index[index]
                carried = _carry(
                    line, c, schedule, group.flags | flags[i], group.grams + grams[i],
                    group.mm3 + mm3[i], max(group.side, sides[i]), booked,
                )  # fmt: skip
                if carried[0] is None:
                    continue
                leg = carried
            legs = [g.leg for key, g in groups.items() if key != index]
            legs.append(leg)
            earliest = max(other[0].delivery_earliest for other in legs)
            latest = max(other[0].delivery_latest for other in legs)
            fen = sum(other[2] for other in legs)
            score = (earliest, latest, len(legs), fen) if goal == "fastest" else (fen, len(legs), earliest, latest)
            if best is None or score < best[0]:
                best = (score, index, leg)
        if best is None:
            return None
        _, index, leg = best
        group = groups.get(index)
        if group is None:
            groups[index] = _Group([i], flags[i], grams[i], mm3[i], sides[i], leg)
        else:
            group.members.append(i)
            group.flags = group.flags | flags[i]
            group.grams += grams[i]
            group.mm3 += mm3[i]
            group.side = max(group.side, sides[i])
            group.leg = leg
    return tuple(
        (index, tuple(sorted(group.members)), group.leg)
        for index, group in sorted(groups.items(), key=lambda kv: (kv[1].leg[0].at, kv[0]))
    )


def _rank(
    plans: list[_Plan], items: tuple[Item, ...], country: str, duty_rules: Mapping[str, DutyRule] | None,
    cny_per_unit: Mapping[str, Decimal] | None, duty_already_cny: Decimal = Decimal(0),
) -> tuple[Option, ...]:
    """Price the plans' taxes, label them and turn them into options, recommended first."""
    if not plans:
        return ()
    values = [item.value_cny for item in items]
    goods_value = sum(values, Decimal(0))
    if country == "CN":
        tax_kind, over_limit = "import", goods_value > ORDER_LIMIT_CNY
        # The same goods pay the same import tax however they are sent.
        tax = import_tax((item.tax_class, value) for item, value in zip(items, values, strict=True))
        taxes_of = _constant(tax)
    else:
        tax_kind, over_limit = "export", False
        taxes_of = _duty_estimator(country, duty_rules, cny_per_unit, values, goods_value, duty_already_cny)

    ranked = []
    for plan in plans:
        taxes = taxes_of(plan)
        fen = sum(leg[2] for _, _, leg in plan)
        earliest = max(leg[0].delivery_earliest for _, _, leg in plan)
        latest = max(leg[0].delivery_latest for _, _, leg in plan)
        total = fen + int(taxes * 100)  # taxes are whole fen
        line_order = tuple(index for index, _, _ in plan)  # the last tie-break, for determinism
        ranked.append(((earliest, latest, total, line_order), plan, fen, taxes, earliest, latest))
    ranked.sort(key=lambda entry: entry[0])
    # Fastest is the surest arrival (earliest latest date); recommended is the cheapest of the
    # options that arrive at most RECOMMENDED_SLACK_DAYS after it (the page says so), and leads.
    fastest = min(range(len(ranked)), key=lambda n: (ranked[n][5], ranked[n][4], n))
    soon_enough = ranked[fastest][5] + timedelta(days=RECOMMENDED_SLACK_DAYS)
    recommended = min((n for n in range(len(ranked)) if ranked[n][5] <= soon_enough),
                      key=lambda n: (ranked[n][0][2], ranked[n][5], n))
    ranked.insert(0, ranked.pop(recommended))
    fastest = 0 if fastest == recommended else fastest + (fastest < recommended)
    cheapest = min(range(len(ranked)), key=lambda n: (ranked[n][0][2], n))

    options = []
    for n, (_, plan, fen, taxes, earliest, latest) in enumerate(ranked):
        chosen = {"recommended": n == 0, "fastest": n == fastest, "cheapest": n == cheapest}
        labels = tuple(label for label in LABELS if chosen[label])
        shipments = tuple(
            Shipment(
                leg[0].line,
                tuple((items[i].sku, items[i].quantity) for i in members),
                leg[0].at,
                leg[0].delivery_earliest,
                leg[0].delivery_latest,
                leg[1],
                _money(leg[2]),
            )
            for _, members, leg in plan
        )
        options.append(Option(labels, shipments, _money(fen), taxes, tax_kind, over_limit, earliest, latest))
    return tuple(options)


def _duty_estimator(
    country: str, duty_rules: Mapping[str, DutyRule] | None, cny_per_unit: Mapping[str, Decimal] | None,
    values: list[Decimal], goods_value: Decimal, already_this_month: Decimal = Decimal(0),
) -> Callable[[_Plan], Decimal]:
    rule = duty_rules.get(country) if duty_rules else None
    if rule is None:
        return _constant(Decimal("0.00"))
    try:
        rate = (cny_per_unit or {})[rule.currency]
    except KeyError:
        raise MissingExchangeRate(rule.currency) from None
    if rule.per == "month":
        # The whole order counts against the month's allowance, on top of what the recipient
        # was sent earlier that month, however the order splits into parcels.
        return _constant(estimate_duty(goods_value, rule, rate, already_this_month))

    duties: dict[tuple[int, ...], Decimal] = {}  # single-line options all carry the same parcel

    def parcel(members: tuple[int, ...]) -> Decimal:
        duty = duties.get(members)
        if duty is None:
            duty = duties[members] = estimate_duty(sum((values[i] for i in members), Decimal(0)), rule, rate)
        return duty

    return lambda plan: sum((parcel(members) for _, members, _ in plan), Decimal("0.00"))


def _constant(taxes: Decimal) -> Callable[[_Plan], Decimal]:
    return lambda plan: taxes

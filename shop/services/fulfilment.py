"""Fulfilment use cases: the desk's departure board, a wave per departure and its pick list, picking
into the stock ledger, packing with waybill numbers, shipping a departure, recording delivery, and the
data the printed documents show.

Shipments move pending -> picking (in a wave) -> packed -> shipped -> delivered; an order follows
through the domain state machine: picking when its first shipment joins a wave, packed when all its
shipments are packed, shipped when all have left. Whether a shipment was picked is read from the
ledger itself (its 'pick' rows), so there is one record of it.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from shop.database import aware as aware  # re-exported: the desk pages show its moments
from shop.database import write_transaction
from shop.domain import orders, picking
from shop.extensions import db
from shop.models import (
    Allocation,
    Departure,
    ExpressLine,
    Lot,
    Order,
    OrderLine,
    Product,
    Shipment,
    StockMove,
    User,
    Wave,
    utcnow,
)
from shop.services import locking
from shop.services.audit import audit as _audit

S = orders.OrderStatus
# Orders whose shipments a wave takes: paid, COD-confirmed, or already picking another shipment
# of a split order on an earlier departure.
WAVE_ORDER_STATUSES = (S.PAID.value, S.CONFIRMED.value, S.PICKING.value)
READY_ORDER_STATUSES = (S.PAID.value, S.CONFIRMED.value)
ACTIVE_SHIPMENT_STATUSES = ("pending", "picking", "packed")
IN_WAVE_STATUSES = ("picking", "packed", "shipped", "delivered")
DONE_SHIPMENT_STATUSES = ("packed", "shipped", "delivered")
CENT = Decimal("0.01")
KASHGAR_CLOCK = ZoneInfo("Asia/Shanghai")  # the zone works on Beijing time, as the express lines do


# ---- errors (the web layer words them) ------------------------------------------------------

class FulfilmentError(Exception):
    """A desk action the rules refuse; nothing was changed."""


class NotFound(FulfilmentError):
    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key} not found")
        self.kind, self.key = kind, key


class NothingToPick(FulfilmentError):
    """No paid or confirmed order travels on this departure yet, so there is no wave to build."""


class NotInWave(FulfilmentError):
    def __init__(self, order_number: str) -> None:
        super().__init__(order_number)
        self.order_number = order_number


class NotPicked(FulfilmentError):
    """Packing before the picking was confirmed."""

    def __init__(self, order_number: str) -> None:
        super().__init__(order_number)
        self.order_number = order_number


class NotPacked(FulfilmentError):
    """A parcel label asked for before the parcel has a waybill number."""

    def __init__(self, order_number: str) -> None:
        super().__init__(order_number)
        self.order_number = order_number


class WrongStatus(FulfilmentError):
    """The order's status forbids `action` (pick, pack, deliver, customs)."""

    def __init__(self, order_number: str, status: str, action: str) -> None:
        super().__init__(f"{order_number} is {status}: cannot {action}")
        self.order_number, self.status, self.action = order_number, status, action


class NothingAllocated(FulfilmentError):
    """The parcel has no stock allocated to it, so there is nothing to pick (checkout left it incomplete)."""

    def __init__(self, order_number: str) -> None:
        super().__init__(order_number)
        self.order_number = order_number


class LotQuarantined(FulfilmentError):
    """Customs put the lot in quarantine after it was allocated: its goods may not leave."""

    def __init__(self, order_number: str, lot_number: str) -> None:
        super().__init__(f"{order_number}: lot {lot_number}")
        self.order_number, self.lot_number = order_number, lot_number


class StockMismatch(FulfilmentError):
    """The lot no longer holds the reservation the allocation expects (released or adjusted)."""

    def __init__(self, order_number: str, lot_number: str) -> None:
        super().__init__(f"{order_number}: lot {lot_number}")
        self.order_number, self.lot_number = order_number, lot_number


# ---- small shared reads ---------------------------------------------------------------------

def _lock_orders(order_ids: Iterable[int]) -> dict[int, Order]:
    """Lock orders in id order (the order every use case takes them in, so none deadlock)."""
    ids = sorted(set(order_ids))
    if not ids:
        return {}
    return {order.id: order for order in locking.lock_orders(Order.id.in_(ids))}


def _lock_departure(departure_id: int) -> Departure:
    departure = next(iter(locking.lock_departures(Departure.id == departure_id)), None)
    if departure is None:
        raise NotFound("departure", departure_id)
    return departure


def _picked_lots(order_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(order id, lot id) pairs the ledger holds a pick for."""
    ids = list(set(order_ids))
    if not ids:
        return set()
    rows = db.session.execute(sa.select(StockMove.order_id, StockMove.lot_id).where(
        StockMove.kind == "pick", StockMove.order_id.in_(ids)).distinct())
    return {(order_id, lot_id) for order_id, lot_id in rows if order_id is not None}


def _is_picked(shipment: Shipment, picked: set[tuple[int, int]]) -> bool:
    # Lots are per product and a product is on one line of one shipment, so the lots of a
    # shipment's allocations are its own: a pick row on one of them is this shipment's pick.
    lots = {a.lot_id for line in shipment.lines for a in line.allocations}
    return bool(lots) and all((shipment.order_id, lot_id) in picked for lot_id in lots)


def goods_weight_g(lines: Iterable[OrderLine]) -> int:
    return sum(line.product.weight_g * line.quantity for line in lines)


def goods_value_cny(lines: Iterable[OrderLine]) -> Decimal:
    return sum((Decimal(line.unit_price_cny) * line.quantity for line in lines), Decimal(0)).quantize(CENT)


# ---- the desk's board -----------------------------------------------------------------------

@dataclass
class DepartureLoad:
    """What a departure carries that the desk still has to work on."""

    departure: Departure
    wave: Wave | None = None
    orders: int = 0
    parcels: int = 0
    weight_g: int = 0
    waiting: int = 0  # parcels of paid/confirmed orders not yet in the wave
    picking: int = 0
    packed: int = 0

    @property
    def overdue(self) -> bool:
        return aware(self.departure.departs_at) < utcnow()


@dataclass
class LineBoard:
    line: ExpressLine
    departures: list[DepartureLoad] = field(default_factory=list)


def board() -> list[LineBoard]:
    """Departures with work on them, per express line: parcels waiting for a wave, being picked or packed,
    and every open wave."""
    weight = sa.func.coalesce(sa.func.sum(OrderLine.quantity * Product.weight_g), 0)
    rows = db.session.execute(
        sa.select(Shipment.departure_id, Shipment.order_id, Shipment.status, Order.status, weight)
        .join(Order, Shipment.order_id == Order.id)
        .outerjoin(OrderLine, OrderLine.shipment_id == Shipment.id)
        .outerjoin(Product, OrderLine.product_id == Product.id)
        .where(Shipment.departure_id.is_not(None), Shipment.status.in_(ACTIVE_SHIPMENT_STATUSES))
        .group_by(Shipment.id, Shipment.departure_id, Shipment.order_id, Shipment.status, Order.status)).all()
    open_waves = {w.departure_id for w in db.session.scalars(sa.select(Wave).where(Wave.status == "open"))}
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(
        ("parcels", "weight_g", "waiting", "picking", "packed"), 0))
    order_sets: dict[int, set[int]] = defaultdict(set)
    for departure_id, order_id, shipment_status, order_status, grams in rows:
        if departure_id is None or (shipment_status == "pending" and order_status not in WAVE_ORDER_STATUSES):
            continue  # awaiting payment, or cancelled: nothing to pick
        count = counts[departure_id]
        order_sets[departure_id].add(order_id)
        count["parcels"] += 1
        count["weight_g"] += int(grams or 0)
        count[{"pending": "waiting", "picking": "picking"}.get(shipment_status, "packed")] += 1
    ids = set(counts) | open_waves
    if not ids:
        return []
    departures = db.session.scalars(sa.select(Departure).where(Departure.id.in_(ids))
                                    .options(selectinload(Departure.line)))
    waves = {w.departure_id: w for w in db.session.scalars(sa.select(Wave).where(Wave.departure_id.in_(ids)))}
    boards: dict[int, LineBoard] = {}
    for departure in departures:
        load = DepartureLoad(departure=departure, wave=waves.get(departure.id),
                             orders=len(order_sets.get(departure.id, ())), **counts.get(departure.id, {}))
        boards.setdefault(departure.line_id, LineBoard(departure.line)).departures.append(load)
    for entry in boards.values():
        entry.departures.sort(key=lambda load: aware(load.departure.departs_at))
    return sorted(boards.values(), key=lambda entry: entry.line.code)


def open_waves() -> list[Wave]:
    return list(db.session.scalars(
        sa.select(Wave).where(Wave.status == "open").join(Departure, Wave.departure_id == Departure.id)
        .order_by(Departure.departs_at).options(selectinload(Wave.departure).selectinload(Departure.line))))


# ---- waves ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class WaveBuilt:
    wave_id: int
    created: bool
    added: int  # shipments this build put into the wave (0 on a repeat)


def build_wave(departure_id: int, user_id: int | None) -> WaveBuilt:
    """Make (or top up) the departure's wave in one transaction: its shipments of paid or confirmed orders
    join the wave and their orders start picking. Building again adds only what became ready since."""
    with write_transaction():
        candidates = db.session.execute(
            sa.select(Shipment.id, Shipment.order_id).join(Order, Shipment.order_id == Order.id)
            .where(Shipment.departure_id == departure_id, Shipment.status == "pending",
                   Order.status.in_(WAVE_ORDER_STATUSES))).all()
        locked = _lock_orders(order_id for _, order_id in candidates)
        departure = _lock_departure(departure_id)
        wave: Wave | None = db.session.scalar(sa.select(Wave).where(Wave.departure_id == departure_id))
        if wave is None and not candidates:
            raise NothingToPick()
        created = wave is None
        if wave is None:
            wave = Wave(departure_id=departure.id, status="open")
            db.session.add(wave)
        added = []
        shipments = db.session.scalars(sa.select(Shipment).where(Shipment.id.in_([s for s, _ in candidates]))
                                       .order_by(Shipment.id).execution_options(populate_existing=True))
        for shipment in shipments:
            order = locked[shipment.order_id]
            # Re-read under the lock: the order may have been cancelled since the first look.
            if shipment.status != "pending" or order.status not in WAVE_ORDER_STATUSES:
                continue
            if order.status != S.PICKING.value:
                orders.apply_event(order, orders.OrderEvent.START_PICKING)
            shipment.status = "picking"
            added.append(order.number)
        if added and wave.status != "open":
            wave.status = "open"
        db.session.flush()
        if created or added:
            _audit(user_id, "wave.build", "wave", wave.id,
                   {"departure": departure.id, "orders": added, "created": created})
        return WaveBuilt(wave.id, created, len(added))


def get_wave(wave_id: int) -> Wave:
    wave: Wave | None = db.session.scalar(sa.select(Wave).where(Wave.id == wave_id).options(
        selectinload(Wave.departure).selectinload(Departure.line)))
    if wave is None:
        raise NotFound("wave", wave_id)
    return wave


def wave_for_departure(departure_id: int) -> Wave | None:
    return db.session.scalar(sa.select(Wave).where(Wave.departure_id == departure_id))


@dataclass(frozen=True)
class Tote:
    """One order's share of the wave: what goes into its tote, and how far it got."""

    number: int
    order_number: str
    shipment_id: int
    shipment_status: str
    order_status: str
    cash_on_delivery: bool
    picked: bool
    waybill: str | None
    lines: tuple[picking.PickLine, ...]

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True)
class PickList:
    """The wave's walk through the warehouse (to pick) and its totes (all, with their progress)."""

    wave: Wave
    departure: Departure
    walk: tuple[tuple[picking.PickLine, int], ...]  # (line, tote number), in pick-path order
    totes: tuple[Tote, ...]

    @property
    def to_pick(self) -> tuple[Tote, ...]:
        return tuple(t for t in self.totes if t.shipment_status == "picking" and not t.picked)

    @property
    def units(self) -> int:
        return sum(line.quantity for line, _ in self.walk)


def _wave_shipments(departure_id: int, statuses: Iterable[str] = IN_WAVE_STATUSES) -> list[Shipment]:
    return list(db.session.scalars(
        sa.select(Shipment).where(Shipment.departure_id == departure_id, Shipment.status.in_(statuses))
        .order_by(Shipment.id).options(
            selectinload(Shipment.order),
            selectinload(Shipment.lines).selectinload(OrderLine.allocations).selectinload(Allocation.lot),
            selectinload(Shipment.lines).selectinload(OrderLine.product).selectinload(Product.translations))))


def product_name(line: OrderLine, lang: str) -> str:
    """The product's name in `lang` (else English), or the name frozen on the order line."""
    text = line.product.text(lang) if line.product is not None else None
    return text.name if text is not None else line.name


def pick_list(wave_id: int, lang: str) -> PickList:
    """The wave's pick list in `lang`: the lines still to take walk the bins in order (domain pick_path),
    each naming lot, expiry, bin and quantity; totes are numbered in the order the walk first meets them."""
    wave = get_wave(wave_id)
    shipments = _wave_shipments(wave.departure_id)
    picked = _picked_lots(s.order_id for s in shipments)
    lines_of: dict[int, list[picking.PickLine]] = {}
    for shipment in shipments:
        number = shipment.order.number
        lines_of[shipment.id] = [
            picking.PickLine(order_number=number, sku=line.sku, name=product_name(line, lang),
                             lot_number=allocation.lot.lot_number, expiry=allocation.lot.expiry,
                             bin=allocation.lot.bin, quantity=allocation.quantity)
            for line in shipment.lines for allocation in line.allocations]
    pending = [s for s in shipments if s.status == "picking" and not _is_picked(s, picked)]
    walk = picking.pick_path(line for s in pending for line in lines_of[s.id])
    # Totes are numbered by where the walk over the whole wave first meets them, so a reprint
    # halfway through the wave keeps the numbers already written on the totes.
    whole_walk = picking.pick_path(line for s in shipments for line in lines_of[s.id])
    rank = {number: i for i, number in enumerate(picking.group_by_tote(whole_walk))}
    ordered = sorted(shipments, key=lambda s: (rank.get(s.order.number, len(rank)), s.id))
    totes = []
    for index, shipment in enumerate(ordered, start=1):
        totes.append(Tote(
            number=index, order_number=shipment.order.number, shipment_id=shipment.id,
            shipment_status=shipment.status, order_status=shipment.order.status,
            cash_on_delivery=shipment.order.payment_method == "cod", picked=_is_picked(shipment, picked),
            waybill=shipment.waybill, lines=tuple(picking.pick_path(lines_of[shipment.id]))))
    tote_number = {t.order_number: t.number for t in totes}
    return PickList(wave=wave, departure=wave.departure, totes=tuple(totes),
                    walk=tuple((line, tote_number[line.order_number]) for line in walk))


def _shipment_in_wave(wave: Wave, order: Order) -> Shipment:
    for shipment in order.shipments:
        if shipment.departure_id == wave.departure_id:
            return shipment
    raise NotInWave(order.number)


def _lock_order_by_number(number: str) -> Order:
    order = next(iter(locking.lock_orders(Order.number == number)), None)
    if order is None:
        raise NotFound("order", number)
    return order


@dataclass(frozen=True)
class Picked:
    order_number: str
    moves: int
    already: bool


def confirm_picked(wave_id: int, order_number: str, user_id: int | None) -> Picked:
    """The picker confirms an order's tote is full: one 'pick' row per allocation takes the units off hand and
    out of the reservation together. Confirming again changes nothing."""
    with write_transaction():
        order = _lock_order_by_number(order_number)
        wave = get_wave(wave_id)
        shipment = _shipment_in_wave(wave, order)
        if shipment.status in DONE_SHIPMENT_STATUSES:
            return Picked(order.number, 0, True)
        if shipment.status == "pending":
            raise NotInWave(order.number)
        if shipment.status != "picking" or order.status != S.PICKING.value:
            raise WrongStatus(order.number, order.status, "pick")
        if _is_picked(shipment, _picked_lots([order.id])):
            return Picked(order.number, 0, True)
        allocations = [a for line in shipment.lines for a in line.allocations]
        if not allocations:
            raise NothingAllocated(order.number)
        lots = {lot.id: lot for lot in locking.lock_lots(Lot.id.in_({a.lot_id for a in allocations}))}
        for allocation in sorted(allocations, key=lambda a: (a.lot_id, a.id)):
            lot = lots[allocation.lot_id]
            if lot.customs_status == "quarantined":
                raise LotQuarantined(order.number, lot.lot_number)
            if lot.reserved < allocation.quantity or lot.on_hand < allocation.quantity:
                raise StockMismatch(order.number, lot.lot_number)
            lot.on_hand -= allocation.quantity
            lot.reserved -= allocation.quantity
            db.session.add(StockMove(lot_id=lot.id, kind="pick", on_hand_delta=-allocation.quantity,
                                     reserved_delta=-allocation.quantity, order_id=order.id, user_id=user_id,
                                     note=f"{order.number} wave {wave.id}"))
        _audit(user_id, "order.pick", "order", order.number,
               {"wave": wave.id, "shipment": shipment.id,
                "lots": {lots[a.lot_id].lot_number: a.quantity for a in allocations}})
        return Picked(order.number, len(allocations), False)


@dataclass(frozen=True)
class Packed:
    order_number: str
    waybill: str
    order_status: str
    already: bool


def pack(wave_id: int, order_number: str, user_id: int | None) -> Packed:
    """Close the order's parcel for this departure: it gets its waybill number (the line's prefix and the
    shipment's number from the database sequence, with a check digit), and the order is packed once all its
    parcels are."""
    with write_transaction():
        order = _lock_order_by_number(order_number)
        wave = get_wave(wave_id)
        shipment = _shipment_in_wave(wave, order)
        if shipment.status in DONE_SHIPMENT_STATUSES:
            return Packed(order.number, shipment.waybill or "", order.status, True)
        if shipment.status == "pending":
            raise NotInWave(order.number)
        if shipment.status != "picking" or order.status != S.PICKING.value:
            raise WrongStatus(order.number, order.status, "pack")
        if not _is_picked(shipment, _picked_lots([order.id])):
            raise NotPicked(order.number)
        # The shipment's primary key is a sequence the database keeps unique, so the serial
        # (and the waybill) is too, whatever the line's prefix.
        shipment.waybill = picking.waybill_number(shipment.line.code, shipment.id)
        shipment.status = "packed"
        live = [s for s in order.shipments if s.status != "cancelled"]
        if all(s.status in DONE_SHIPMENT_STATUSES for s in live):
            orders.apply_event(order, orders.OrderEvent.PACK)
        _audit(user_id, "shipment.pack", "order", order.number,
               {"wave": wave.id, "shipment": shipment.id, "waybill": shipment.waybill, "status": order.status})
        return Packed(order.number, shipment.waybill, order.status, False)


# ---- shipping and delivery ------------------------------------------------------------------

@dataclass(frozen=True)
class Shipped:
    parcels: int
    orders_shipped: tuple[str, ...]
    left_behind: int  # parcels in the wave that were not packed in time


def ship_departure(departure_id: int, user_id: int | None) -> Shipped:
    """The truck (or plane) leaves: the departure's packed parcels are shipped, and each order whose parcels
    have all left is shipped. Shipping again finds nothing packed and changes nothing."""
    with write_transaction():
        candidates = db.session.execute(sa.select(Shipment.id, Shipment.order_id).where(
            Shipment.departure_id == departure_id, Shipment.status == "packed")).all()
        locked = _lock_orders(order_id for _, order_id in candidates)
        departure = _lock_departure(departure_id)
        shipments = list(db.session.scalars(
            sa.select(Shipment).where(Shipment.id.in_([s for s, _ in candidates])).order_by(Shipment.id)
            .execution_options(populate_existing=True)))
        shipped = [s for s in shipments if s.status == "packed"]
        for shipment in shipped:
            shipment.status = "shipped"
        done = []
        for order in locked.values():
            live = [s for s in order.shipments if s.status != "cancelled"]
            if order.status == S.PACKED.value and all(s.status in ("shipped", "delivered") for s in live):
                orders.apply_event(order, orders.OrderEvent.SHIP)
                done.append(order.number)
        left = db.session.scalar(sa.select(sa.func.count(Shipment.id)).where(
            Shipment.departure_id == departure_id, Shipment.status == "picking")) or 0
        if shipped:
            departure.status = "departed"
            wave = db.session.scalar(sa.select(Wave).where(Wave.departure_id == departure_id))
            if wave is not None and not left:
                wave.status = "shipped"
            _audit(user_id, "departure.ship", "departure", departure.id,
                   {"waybills": [s.waybill for s in shipped], "orders_shipped": done, "left_behind": int(left)})
        return Shipped(len(shipped), tuple(done), int(left))


@dataclass(frozen=True)
class Delivered:
    order_number: str
    status: str
    already: bool
    cash_collected: bool


def record_delivery(order_number: str, staff: User) -> Delivered:
    """The buyer has the goods: the order is delivered (a cash-on-delivery order is paid then), through the
    ordering service's own use case. Recording it again changes nothing."""
    from shop.services import ordering

    order = db.session.scalar(sa.select(Order).where(Order.number == order_number))
    if order is None:
        raise NotFound("order", order_number)
    if order.status == S.DELIVERED.value:
        return Delivered(order.number, order.status, True, False)
    cod = order.payment_method == "cod"
    try:
        status = ordering.record_delivery(order_number, staff)
    except ordering.OrderNotFound:
        raise NotFound("order", order_number) from None
    except ordering.CannotDeliver as refused:
        db.session.rollback()
        current = db.session.scalar(sa.select(Order.status).where(Order.number == order_number))
        if current == S.DELIVERED.value:  # a second click won the race: same outcome
            return Delivered(order_number, current, True, False)
        raise WrongStatus(order_number, str(refused.status), "deliver") from None
    return Delivered(order_number, status, False, cod)


# ---- reading for pages and documents --------------------------------------------------------

def find(query: str) -> Order | None:
    """The order with this number, or the one whose parcel has this waybill number."""
    text = (query or "").strip().upper()
    if not text:
        return None
    order = db.session.scalar(sa.select(Order).where(sa.func.upper(Order.number) == text))
    if order is None:
        order = db.session.scalar(sa.select(Order).join(Shipment, Shipment.order_id == Order.id)
                                  .where(Shipment.waybill == text))
    return order


def get_order(number: str) -> Order:
    order: Order | None = db.session.scalar(sa.select(Order).where(Order.number == number).options(
        selectinload(Order.payments),
        selectinload(Order.lines).selectinload(OrderLine.product).selectinload(Product.translations),
        selectinload(Order.shipments).selectinload(Shipment.line),
        selectinload(Order.shipments).selectinload(Shipment.departure)))
    if order is None:
        raise NotFound("order", number)
    return order


def get_departure(departure_id: int) -> Departure:
    departure: Departure | None = db.session.scalar(sa.select(Departure).where(Departure.id == departure_id)
                                                    .options(selectinload(Departure.line)))
    if departure is None:
        raise NotFound("departure", departure_id)
    return departure


def departure_shipments(departure_id: int) -> list[Shipment]:
    """Every parcel booked on the departure that is not cancelled, with its order."""
    return list(db.session.scalars(
        sa.select(Shipment).where(Shipment.departure_id == departure_id, Shipment.status != "cancelled")
        .order_by(Shipment.id).options(selectinload(Shipment.order),
                                       selectinload(Shipment.lines).selectinload(OrderLine.product))))


def get_shipment(shipment_id: int) -> Shipment:
    shipment: Shipment | None = db.session.scalar(sa.select(Shipment).where(Shipment.id == shipment_id).options(
        selectinload(Shipment.order), selectinload(Shipment.line), selectinload(Shipment.departure),
        selectinload(Shipment.lines).selectinload(OrderLine.product).selectinload(Product.translations)))
    if shipment is None:
        raise NotFound("shipment", shipment_id)
    return shipment


def label_shipment(shipment_id: int) -> Shipment:
    """The shipment a parcel label is printed for: only once packed, when it has its waybill number."""
    shipment = get_shipment(shipment_id)
    if not shipment.waybill:
        raise NotPacked(shipment.order.number)
    return shipment


@dataclass(frozen=True)
class ManifestParcel:
    waybill: str
    order_number: str
    consignee: str
    consignee_latin: str
    country: str
    city: str
    city_latin: str
    hs_codes: tuple[str, ...]
    origin_countries: tuple[str, ...]
    pieces: int
    weight_g: int
    chargeable_weight_g: int
    declared_value_cny: Decimal
    status: str

    def as_row(self, line_code: str, departs_at: dt.datetime) -> dict[str, object]:
        return {"waybill": self.waybill, "order_number": self.order_number, "line": line_code,
                "departure": departs_at.astimezone(KASHGAR_CLOCK).isoformat(), "consignee": self.consignee_latin,
                "destination_country": self.country, "destination_city": self.city_latin,
                "hs_codes": list(self.hs_codes), "origin_countries": list(self.origin_countries),
                "pieces": self.pieces, "weight_kg": (Decimal(self.weight_g) / 1000).quantize(Decimal("0.001")),
                "chargeable_weight_kg": (Decimal(self.chargeable_weight_g) / 1000).quantize(Decimal("0.001")),
                "declared_value_cny": self.declared_value_cny}


MANIFEST_COLUMNS = ("waybill", "order_number", "line", "departure", "consignee", "destination_country",
                    "destination_city", "hs_codes", "origin_countries", "pieces", "weight_kg",
                    "chargeable_weight_kg", "declared_value_cny")


@dataclass(frozen=True)
class Manifest:
    departure: Departure
    parcels: tuple[ManifestParcel, ...]

    @property
    def weight_g(self) -> int:
        return sum(p.weight_g for p in self.parcels)

    @property
    def declared_value_cny(self) -> Decimal:
        return sum((p.declared_value_cny for p in self.parcels), Decimal(0))

    def rows(self) -> list[dict[str, object]]:
        departs_at = aware(self.departure.departs_at)
        return [p.as_row(self.departure.line.code, departs_at) for p in self.parcels]


def manifest(departure_id: int) -> Manifest:
    """The departure's parcels that have a waybill number (packed or gone), for the carrier and customs."""
    from shop.services.addresses import latin, routing_city

    departure = get_departure(departure_id)
    parcels = []
    for shipment in departure_shipments(departure_id):
        if not shipment.waybill:
            continue
        order = shipment.order
        products = [line.product for line in shipment.lines]
        parcels.append(ManifestParcel(
            waybill=shipment.waybill, order_number=order.number, consignee=order.ship_name,
            consignee_latin=latin(order.ship_name), country=order.ship_country, city=order.ship_city,
            city_latin=routing_city(order.ship_city), hs_codes=tuple(sorted({p.hs_code for p in products})),
            origin_countries=tuple(sorted({p.origin_country for p in products})),
            pieces=sum(line.quantity for line in shipment.lines), weight_g=goods_weight_g(shipment.lines),
            chargeable_weight_g=shipment.chargeable_weight_g, declared_value_cny=goods_value_cny(shipment.lines),
            status=shipment.status))
    return Manifest(departure, tuple(parcels))


def customs_order(number: str) -> Order:
    """An import order, for its three customs documents (order, payment and waybill records)."""
    order = get_order(number)
    if order.flow != "import":
        raise WrongStatus(order.number, order.flow, "customs")
    return order


def customs_records(order: Order, id_number_shown: str, lang: str = "zh") -> dict[str, object]:
    """The three documents' data: order record, payment record, waybill records (amounts in CNY); product
    names in `lang` beside the name the buyer ordered under."""
    paid = [p for p in order.payments if p.status == "succeeded"]
    return {
        "order": {
            "order_number": order.number, "placed_at": aware(order.placed_at), "flow": order.flow,
            "buyer_name": order.id_name, "buyer_id_number": id_number_shown, "buyer_phone": order.ship_phone,
            "consignee": order.ship_name, "address": order.ship_address, "city": order.ship_city,
            "postcode": order.ship_postcode, "country": order.ship_country,
            "items": [{"sku": line.sku, "name": product_name(line, lang), "name_on_order": line.name,
                       "hs_code": line.product.hs_code,
                       "origin_country": line.product.origin_country, "quantity": line.quantity,
                       "unit_price_cny": Decimal(line.unit_price_cny).quantize(CENT),
                       "total_cny": (Decimal(line.unit_price_cny) * line.quantity).quantize(CENT)}
                      for line in order.lines],
            "goods_cny": Decimal(order.goods_cny), "shipping_cny": Decimal(order.shipping_cny),
            "tax_cny": Decimal(order.tax_cny), "total_cny": Decimal(order.total_cny),
        },
        "payment": {
            "order_number": order.number, "method": order.payment_method,
            "payer_name": order.id_name, "payer_id_number": id_number_shown,
            "paid_at": aware(order.paid_at), "amount_cny": Decimal(order.total_cny),
            "currency": order.currency, "amount_in_currency": order.total_in_currency(),
            "references": [p.provider_ref for p in paid if p.provider_ref],
        },
        "waybills": [
            {"waybill": s.waybill, "line": s.line.code,
             "departure": aware(s.departure.departs_at) if s.departure else None,
             "consignee": order.ship_name, "address": order.ship_address, "city": order.ship_city,
             "country": order.ship_country, "pieces": sum(line.quantity for line in s.lines),
             "weight_kg": (Decimal(goods_weight_g(s.lines)) / 1000).quantize(Decimal("0.001")),
             "status": s.status}
            for s in order.shipments if s.status != "cancelled"],
    }

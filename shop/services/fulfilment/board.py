"""The desk's board: per express line, the departures with work on them, and the open waves."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from shop.database import aware
from shop.extensions import db
from shop.models import Departure, ExpressLine, Order, OrderLine, Product, Shipment, Wave, utcnow
from shop.services.fulfilment.parcels import ACTIVE_SHIPMENT_STATUSES, WAVE_ORDER_STATUSES


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

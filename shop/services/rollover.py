"""Missed departures roll over: a shipment still unpicked when its departure's cut-off has
passed moves to the next departure of its line, or, when that line is closed or full, to
another line that can carry it; the buyer is told the new dates.

Each shipment moves in a transaction of its own (order row locked first, then the departures
in id order), so running the job twice moves nothing twice: a moved shipment's departure is
in the future again.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from shop.database import aware, write_transaction
from shop.domain import routing
from shop.extensions import db
from shop.models import Departure, ExpressLine, Order, OrderLine, Shipment, utcnow
from shop.services import locking, outbox
from shop.services.audit import audit
from shop.services.ordering import bookings, quoting

log = logging.getLogger("shop.rollover")

# Orders whose stock waits in the zone for a departure (picking has not begun).
WAITING_ORDER_STATUSES = ("pending_payment", "confirmed", "paid")


@dataclass(frozen=True)
class Moved:
    order: str
    from_line: str
    to_line: str
    departs_at: dt.datetime
    delivery_earliest: dt.date
    delivery_latest: dt.date


def missed_shipment_ids(now: dt.datetime) -> list[int]:
    """Unpicked shipments whose departure left before `now`."""
    return list(db.session.scalars(
        sa.select(Shipment.id).join(Departure, Departure.id == Shipment.departure_id)
        .join(Order, Order.id == Shipment.order_id)
        .where(Shipment.status == "pending", Departure.departs_at < now,
               Order.status.in_(WAITING_ORDER_STATUSES))
        .order_by(Shipment.id)))


def _choose(quote: routing.Quote, line_code: str) -> routing.Option | None:
    """The same line when it can still carry the shipment whole, else the best other line."""
    whole = [option for option in quote.options if len(option.shipments) == 1]
    same = [option for option in whole if option.shipments[0].line == line_code]
    candidates = same or whole
    return candidates[0] if candidates else None


def _move(shipment_id: int, now: dt.datetime) -> Moved | None:
    with write_transaction():
        order_id = db.session.scalar(sa.select(Shipment.order_id).where(Shipment.id == shipment_id))
        if order_id is None:
            return None
        order = next(iter(locking.lock_orders(Order.id == order_id)), None)
        shipment = db.session.execute(
            sa.select(Shipment).where(Shipment.id == shipment_id)
            .options(selectinload(Shipment.lines).selectinload(OrderLine.product))
            .execution_options(populate_existing=True)).scalar_one()
        old = db.session.get(Departure, shipment.departure_id) if shipment.departure_id else None
        if (order is None or shipment.status != "pending" or order.status not in WAITING_ORDER_STATUSES
                or old is None or aware(old.departs_at) >= now):
            return None  # picked, cancelled or moved meanwhile
        pairs = [(line.product, line.quantity) for line in shipment.lines]
        from_code = shipment.line.code
        option = _choose(quoting.quote_items(pairs, order.ship_country, order.ship_city, now), from_code)
        if option is None:
            log.warning("order %s: no line can carry the shipment that missed %s", order.number, from_code)
            audit(None, "order.rollover_failed", "order", order.number, {"line": from_code})
            return None
        planned = option.shipments[0]
        line_id, capacity_kg, capacity_m3 = db.session.execute(
            sa.select(ExpressLine.id, ExpressLine.capacity_kg, ExpressLine.capacity_m3)
            .where(ExpressLine.code == planned.line)).one()
        kg, m3 = bookings.load_of(pairs)
        new_departure = bookings.departure_id(line_id, planned.departure)
        locking.lock_departures(Departure.id.in_({old.id, new_departure}))  # both, in id order
        bookings.book({new_departure: (planned.line, kg, m3, Decimal(capacity_kg), Decimal(capacity_m3))})
        old.booked_kg = max(Decimal(old.booked_kg) - kg, Decimal(0))
        old.booked_m3 = max(Decimal(old.booked_m3) - m3, Decimal(0))
        shipment.line_id = line_id
        shipment.departure_id = new_departure
        shipment.delivery_earliest = planned.delivery_earliest
        shipment.delivery_latest = planned.delivery_latest
        db.session.flush()
        moved = Moved(order.number, from_code, planned.line, planned.departure,
                      planned.delivery_earliest, planned.delivery_latest)
        audit(None, "order.rollover", "order", order.number, {
            "from_line": from_code, "to_line": planned.line,
            "from_departure": aware(old.departs_at).isoformat(),
            "to_departure": planned.departure.isoformat(),
            "delivery": [planned.delivery_earliest.isoformat(), planned.delivery_latest.isoformat()]})
        db.session.refresh(shipment, ["line"])
        outbox.enqueue(order.email, "departure_moved", order.lang, order=outbox.order_params(order, order.lang),
                       moved={"departs_at": planned.departure.isoformat(),
                              "delivery_earliest": planned.delivery_earliest.isoformat(),
                              "delivery_latest": planned.delivery_latest.isoformat()},
                       line_name=shipment.line.display_name(order.lang), link=outbox.order_link(order))
        return moved


def roll_over_missed_departures(now: dt.datetime | None = None) -> list[Moved]:
    """Move every shipment that missed its departure; returns what moved."""
    now = now or utcnow()
    moved = []
    for shipment_id in missed_shipment_ids(now):
        result = _move(shipment_id, now)
        if result is not None:
            moved.append(result)
    return moved

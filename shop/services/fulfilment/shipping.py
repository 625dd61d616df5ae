"""Shipping a departure's packed parcels, and recording that an order reached its buyer."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from shop.database import write_transaction
from shop.domain import orders
from shop.extensions import db
from shop.models import Order, Shipment, User, Wave
from shop.services import outbox
from shop.services.audit import audit as _audit
from shop.services.fulfilment.errors import NotFound, WrongStatus
from shop.services.fulfilment.locks import lock_departure, lock_orders
from shop.services.fulfilment.parcels import S


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
        locked = lock_orders(order_id for _, order_id in candidates)
        departure = lock_departure(departure_id)
        shipments = list(db.session.scalars(
            sa.select(Shipment).where(Shipment.id.in_([s for s, _ in candidates])).order_by(Shipment.id)
            .execution_options(populate_existing=True)))
        shipped = [s for s in shipments if s.status == "packed"]
        for shipment in shipped:
            shipment.status = "shipped"
            _tell_shipped(locked[shipment.order_id], shipment, user_id)
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


def _tell_shipped(order: Order, shipment: Shipment, user_id: int | None) -> None:
    """On the order's timeline, and in the buyer's mail: which line carries the parcel, its tracking
    number and when it should arrive."""
    _audit(user_id, "order.ship", "order", order.number, {"waybill": shipment.waybill, "line": shipment.line.code})
    outbox.enqueue(order.email, "shipment_shipped", order.lang, order=outbox.order_params(order, order.lang),
                   line_name=shipment.line.display_name(order.lang), tracking_number=shipment.waybill,
                   delivery_earliest=shipment.delivery_earliest.isoformat(),
                   delivery_latest=shipment.delivery_latest.isoformat(), link=outbox.order_link(order))


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

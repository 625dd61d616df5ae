"""Waves: one per departure, built (and topped up) from the shipments of paid or confirmed orders,
whose orders start picking."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from shop.database import write_transaction
from shop.domain import orders
from shop.extensions import db
from shop.models import Departure, Order, Shipment, Wave
from shop.services.audit import audit as _audit
from shop.services.fulfilment.errors import NotFound, NothingToPick, NotInWave
from shop.services.fulfilment.locks import lock_departure, lock_orders
from shop.services.fulfilment.parcels import WAVE_ORDER_STATUSES, S


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
        locked = lock_orders(order_id for _, order_id in candidates)
        departure = lock_departure(departure_id)
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


def shipment_in_wave(wave: Wave, order: Order) -> Shipment:
    for shipment in order.shipments:
        if shipment.departure_id == wave.departure_id:
            return shipment
    raise NotInWave(order.number)

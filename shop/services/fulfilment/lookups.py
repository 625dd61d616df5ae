"""Looking up what the desk's pages and documents show: an order (by number or waybill), a
departure and its parcels, a shipment and its label."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from shop.extensions import db
from shop.models import Departure, Order, OrderLine, Product, Shipment
from shop.services.fulfilment.errors import NotFound, NotPacked


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

"""Reading orders: the one a viewer may see, a buyer's list, the one a checkout key placed."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from shop.database import aware
from shop.extensions import db
from shop.models import Order, Shipment, User


def find_by_key(key: str) -> Order | None:
    """The order a checkout form with this idempotency key placed, if any."""
    return db.session.scalar(sa.select(Order).where(Order.idempotency_key == key))


def order_for_viewer(number: str, user: User | None) -> Order | None:
    """The order when `user` owns it or works for the shop; None otherwise (the page says 404)."""
    if user is None or not user.is_authenticated:
        return None
    order = db.session.scalar(
        sa.select(Order).where(Order.number == number).options(
            selectinload(Order.lines), selectinload(Order.payments),
            selectinload(Order.shipments).selectinload(Shipment.line),
            selectinload(Order.shipments).selectinload(Shipment.departure),
            selectinload(Order.shipments).selectinload(Shipment.lines)))
    if order is None:
        return None
    if order.user_id == user.id or user.role in ("staff", "admin"):
        return order
    return None


def orders_of(user_id: int, page: int = 1, per_page: int = 20) -> tuple[list[Order], int]:
    """A buyer's orders, newest first, and how many there are."""
    total = db.session.scalar(sa.select(sa.func.count(Order.id)).where(Order.user_id == user_id)) or 0
    rows = list(db.session.scalars(
        sa.select(Order).where(Order.user_id == user_id).order_by(Order.placed_at.desc(), Order.id.desc())
        .options(selectinload(Order.lines), selectinload(Order.shipments))
        .limit(per_page).offset((max(page, 1) - 1) * per_page)))
    return rows, total


def deadline_of(order: Order) -> dt.datetime | None:
    return aware(order.payment_deadline)

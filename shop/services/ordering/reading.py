"""Reading orders: the one a viewer may see, a buyer's list, the one a checkout key placed."""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from shop.database import aware
from shop.extensions import db
from shop.models import Order, Shipment, User
from shop.services import order_tokens


def find_by_key(key: str) -> Order | None:
    """The order a checkout form with this idempotency key placed, if any."""
    return db.session.scalar(sa.select(Order).where(Order.idempotency_key == key))


def _load(number: str) -> Order | None:
    return db.session.scalar(
        sa.select(Order).where(Order.number == number).options(
            selectinload(Order.lines), selectinload(Order.payments),
            selectinload(Order.shipments).selectinload(Shipment.line),
            selectinload(Order.shipments).selectinload(Shipment.departure),
            selectinload(Order.shipments).selectinload(Shipment.lines)))


def order_for_viewer(number: str, user: User | None, guest_numbers: Collection[str] = ()) -> Order | None:
    """The order when `user` owns it or works for the shop, or when it is one of `guest_numbers`
    (the orders this browser placed or opened with their signed key); None otherwise (404)."""
    signed_in = user is not None and user.is_authenticated
    if not signed_in and number not in guest_numbers:
        return None
    order = _load(number)
    if order is None:
        return None
    if number in guest_numbers:
        return order
    if user is not None and (order.user_id == user.id or user.role in ("staff", "admin")):
        return order
    return None


def order_opened_by(number: str, token: str) -> bool:
    """Whether `token` is the signed key this order's e-mails carry (order_tokens)."""
    email = db.session.scalar(sa.select(Order.email).where(Order.number == number))
    return email is not None and order_tokens.opens(token, number, email)


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

"""The desk's row locks, taken through shop.services.locking: orders (by id, in id order, or by
number), then the departure."""
from __future__ import annotations

from collections.abc import Iterable

from shop.models import Departure, Order
from shop.services import locking
from shop.services.fulfilment.errors import NotFound


def lock_orders(order_ids: Iterable[int]) -> dict[int, Order]:
    """Lock orders in id order (the order every use case takes them in, so none deadlock)."""
    ids = sorted(set(order_ids))
    if not ids:
        return {}
    return {order.id: order for order in locking.lock_orders(Order.id.in_(ids))}


def lock_departure(departure_id: int) -> Departure:
    departure = next(iter(locking.lock_departures(Departure.id == departure_id)), None)
    if departure is None:
        raise NotFound("departure", departure_id)
    return departure


def lock_order(number: str) -> Order:
    order = next(iter(locking.lock_orders(Order.number == number)), None)
    if order is None:
        raise NotFound("order", number)
    return order

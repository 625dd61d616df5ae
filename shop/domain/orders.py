"""The order state machine: which event moves an order from which status to which, and what follows from it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

__all__ = [
    "COD_STATUS_ORDER", "FINAL_STATUSES", "STATUS_ORDER", "HasStatus", "IllegalTransition", "OrderError",
    "OrderEvent", "OrderStatus", "ShipmentStatus", "Transition", "allowed_events", "apply_event", "buyer_may_cancel",
    "can", "initial_status", "next_status", "releases_stock", "transition",
]

class OrderStatus(str, Enum):
    """Where an order stands. `confirmed` replaces `pending_payment` and `paid` for cash on delivery."""

    PENDING_PAYMENT = "pending_payment"
    CONFIRMED = "confirmed"
    PAID = "paid"
    PICKING = "picking"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"  # delivered, part of the money given back
    RETURNED = "returned"  # delivered, and every unit came back to the zone


class ShipmentStatus(str, Enum):
    """Where the part of an order travelling on one departure stands."""

    PENDING = "pending"
    PICKING = "picking"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class OrderEvent(str, Enum):
    """What can happen to an order."""

    PAY = "pay"
    START_PICKING = "start_picking"
    PACK = "pack"
    SHIP = "ship"
    DELIVER = "deliver"
    CANCEL = "cancel"
    REFUND = "refund"
    EXPIRE = "expire"
    PARTIAL_REFUND = "partial_refund"
    RETURN = "return"


_S = OrderStatus
_E = OrderEvent

# Progress steps to show a buyer, in order; cancelled and refunded are off the path.
STATUS_ORDER: tuple[OrderStatus, ...] = (
    _S.PENDING_PAYMENT, _S.PAID, _S.PICKING, _S.PACKED, _S.SHIPPED, _S.DELIVERED,
)
COD_STATUS_ORDER: tuple[OrderStatus, ...] = (
    _S.CONFIRMED, _S.PICKING, _S.PACKED, _S.SHIPPED, _S.DELIVERED,
)
FINAL_STATUSES: frozenset[OrderStatus] = frozenset({_S.CANCELLED, _S.REFUNDED})

# Statuses in which the order holds stock in the warehouse (reserved, allocated or in a
# tote); leaving one of them for cancelled/refunded puts that stock back.
_HOLDS_STOCK = frozenset({_S.PENDING_PAYMENT, _S.CONFIRMED, _S.PAID, _S.PICKING, _S.PACKED})
_BUYER_MAY_CANCEL = frozenset({_S.PENDING_PAYMENT, _S.CONFIRMED, _S.PAID})

# `cancel` stops an order before it ships: it ends `cancelled` when nothing was paid and
# `refunded` when money was taken. The buyer may cancel only before picking
# (buyer_may_cancel); staff may cancel up to packing. `refund` gives the money of a paid
# order back, after delivery too (goods that come back enter the ledger as a return).
_PREPAID: dict[OrderStatus, dict[OrderEvent, OrderStatus]] = {
    _S.PENDING_PAYMENT: {_E.PAY: _S.PAID, _E.CANCEL: _S.CANCELLED, _E.EXPIRE: _S.CANCELLED},
    _S.PAID: {_E.START_PICKING: _S.PICKING, _E.CANCEL: _S.REFUNDED, _E.REFUND: _S.REFUNDED},
    _S.PICKING: {_E.PACK: _S.PACKED, _E.CANCEL: _S.REFUNDED, _E.REFUND: _S.REFUNDED},
    _S.PACKED: {_E.SHIP: _S.SHIPPED, _E.CANCEL: _S.REFUNDED, _E.REFUND: _S.REFUNDED},
    _S.SHIPPED: {_E.DELIVER: _S.DELIVERED, _E.REFUND: _S.REFUNDED},
}
# Cash on delivery: no payment step and no deadline; the courier's collection on
# delivery is the payment, so only a delivered COD order can be refunded.
_CASH_ON_DELIVERY: dict[OrderStatus, dict[OrderEvent, OrderStatus]] = {
    _S.CONFIRMED: {_E.START_PICKING: _S.PICKING, _E.CANCEL: _S.CANCELLED},
    _S.PICKING: {_E.PACK: _S.PACKED, _E.CANCEL: _S.CANCELLED},
    _S.PACKED: {_E.SHIP: _S.SHIPPED, _E.CANCEL: _S.CANCELLED},
    _S.SHIPPED: {_E.DELIVER: _S.DELIVERED},
}
# After delivery, in both modes: money back in part or whole, goods back in whole. Once every unit
# came back the order stays `returned`, whatever more money is refunded.
_AFTER_DELIVERY: dict[OrderStatus, dict[OrderEvent, OrderStatus]] = {
    _S.DELIVERED: {_E.REFUND: _S.REFUNDED, _E.PARTIAL_REFUND: _S.PARTIALLY_REFUNDED, _E.RETURN: _S.RETURNED},
    _S.PARTIALLY_REFUNDED: {_E.REFUND: _S.REFUNDED, _E.PARTIAL_REFUND: _S.PARTIALLY_REFUNDED,
                            _E.RETURN: _S.RETURNED},
    _S.RETURNED: {_E.REFUND: _S.RETURNED, _E.PARTIAL_REFUND: _S.RETURNED},
}
_PREPAID.update(_AFTER_DELIVERY)
_CASH_ON_DELIVERY.update(_AFTER_DELIVERY)


class OrderError(Exception):
    """Base class of the order errors."""


class IllegalTransition(OrderError):
    """`event` cannot happen to an order in `status`."""

    def __init__(self, status: OrderStatus, event: OrderEvent) -> None:
        self.status = status
        self.event = event
        super().__init__(f"cannot {event.value} an order that is {status.value}")


@dataclass(frozen=True)
class Transition:
    """One legal step and what the service must do because of it."""

    source: OrderStatus
    event: OrderEvent
    target: OrderStatus
    marks_paid: bool  # record the payment now (Stripe success, or COD cash collected)
    releases_stock: bool  # put the order's stock back through the ledger
    refunds_payment: bool  # give the money back (Stripe refund or cash)


def _table(cash_on_delivery: bool) -> dict[OrderStatus, dict[OrderEvent, OrderStatus]]:
    return _CASH_ON_DELIVERY if cash_on_delivery else _PREPAID


def initial_status(*, cash_on_delivery: bool = False) -> OrderStatus:
    """The status a newly placed order starts in."""
    return _S.CONFIRMED if cash_on_delivery else _S.PENDING_PAYMENT


class HasStatus(Protocol):
    """Anything that stands somewhere in the order state machine (the Order row, a test double)."""

    status: str
    payment_method: str


def apply_event(order: HasStatus, event: OrderEvent) -> Transition:
    """Move `order` by `event`, writing its new status; IllegalTransition leaves it as it was."""
    step = transition(order.status, event, cash_on_delivery=order.payment_method == "cod")
    order.status = step.target.value
    return step


def transition(
    status: OrderStatus | str, event: OrderEvent | str, *, cash_on_delivery: bool = False
) -> Transition:
    """The step `event` takes from `status`, or IllegalTransition. Unknown names raise ValueError."""
    status, event = OrderStatus(status), OrderEvent(event)
    target = _table(cash_on_delivery).get(status, {}).get(event)
    if target is None:
        raise IllegalTransition(status, event)
    return Transition(
        source=status,
        event=event,
        target=target,
        marks_paid=event is _E.PAY or (cash_on_delivery and event is _E.DELIVER),
        releases_stock=releases_stock(status, target),
        refunds_payment=target is _S.REFUNDED or event in (_E.REFUND, _E.PARTIAL_REFUND),
    )


def next_status(
    status: OrderStatus | str, event: OrderEvent | str, *, cash_on_delivery: bool = False
) -> OrderStatus:
    """The status after `event`, or IllegalTransition."""
    return transition(status, event, cash_on_delivery=cash_on_delivery).target


def can(status: OrderStatus | str, event: OrderEvent | str, *, cash_on_delivery: bool = False) -> bool:
    """True when `event` may happen to an order in `status`."""
    return OrderEvent(event) in _table(cash_on_delivery).get(OrderStatus(status), {})


def allowed_events(
    status: OrderStatus | str, *, cash_on_delivery: bool = False
) -> tuple[OrderEvent, ...]:
    """The events that may happen now, in OrderEvent's order (for buttons on staff pages)."""
    possible = _table(cash_on_delivery).get(OrderStatus(status), {})
    return tuple(event for event in OrderEvent if event in possible)


def releases_stock(status_from: OrderStatus | str, status_to: OrderStatus | str) -> bool:
    """True when moving between these statuses gives the order's stock back (cancel or refund before shipping)."""
    return OrderStatus(status_from) in _HOLDS_STOCK and OrderStatus(status_to) in FINAL_STATUSES


def buyer_may_cancel(status: OrderStatus | str) -> bool:
    """True while the buyer may still cancel: before picking starts."""
    return OrderStatus(status) in _BUYER_MAY_CANCEL

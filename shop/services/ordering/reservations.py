"""An order's reservations: the stock and departure space it holds from placing, kept by its
payment, given back when it is cancelled or its payment deadline passes."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from shop.database import write_transaction
from shop.domain import orders
from shop.extensions import db
from shop.models import Departure, Lot, Order, StockMove, utcnow
from shop.services import discounts, locking, outbox
from shop.services.ordering.bookings import load_of


@dataclass
class Aftermath:
    """What must happen outside the transaction once an order was cancelled or expired."""

    number: str
    status: str
    refund_payment_ids: list[int] = field(default_factory=list)
    cancel_intents: list[str | None] = field(default_factory=list)  # the payments' intents, None if never made


def release_stock(order: Order, user_id: int | None, note: str) -> None:
    """Give back what the order still holds, lot by lot, as 'release' rows in the ledger: units still
    reserved go back to the lot's free stock, and units already picked into a tote (taken off hand)
    go back on hand in the same lot, so a cancelled order leaves every lot as it found it; and its
    use of a discount code (the code's row is locked before the lots: shop/services/locking.py)."""
    discounts.give_back(order)
    sums = db.session.execute(
        sa.select(StockMove.lot_id, sa.func.sum(StockMove.reserved_delta), sa.func.sum(StockMove.on_hand_delta))
        .where(StockMove.order_id == order.id).group_by(StockMove.lot_id)).all()
    reserved = {lot_id: int(r or 0) for lot_id, r, _ in sums if r and int(r) > 0}
    picked = {lot_id: -int(h or 0) for lot_id, _, h in sums if h and int(h) < 0}
    if reserved or picked:
        lots = locking.lock_lots(Lot.id.in_(set(reserved) | set(picked)))
        for lot in lots:
            amount = min(reserved.get(lot.id, 0), lot.reserved)
            back = picked.get(lot.id, 0)
            if amount <= 0 and back <= 0:
                continue
            lot.reserved -= max(amount, 0)
            lot.on_hand += back
            db.session.add(StockMove(lot_id=lot.id, kind="release", reserved_delta=-max(amount, 0),
                                     on_hand_delta=back, order_id=order.id, user_id=user_id,
                                     note=(note + ", picked stock back on the shelf")[:200] if back else note))
    departures = {d.id: d for d in locking.lock_departures(
        Departure.id.in_({s.departure_id for s in order.shipments if s.departure_id is not None}))}
    for shipment in order.shipments:
        if shipment.departure is None or shipment.departure_id is None:
            continue
        departure = departures[shipment.departure_id]
        kg, m3 = load_of([(line.product, line.quantity) for line in shipment.lines])
        departure.booked_kg = max(Decimal(departure.booked_kg) - kg, Decimal(0))
        departure.booked_m3 = max(Decimal(departure.booked_m3) - m3, Decimal(0))
        shipment.status = "cancelled"


def mark_paid(order: Order, now: dt.datetime) -> bool:
    """Record the payment of a pending order (inside the caller's transaction); False if it was not pending."""
    if order.status != orders.OrderStatus.PENDING_PAYMENT.value:
        return False
    orders.apply_event(order, orders.OrderEvent.PAY)
    order.paid_at = now
    outbox.enqueue(order.email, "payment_received", order.lang,
                   order=outbox.order_params(order, order.lang, shipments=True), link=outbox.order_link(order))
    return True


def _expire(order: Order, now: dt.datetime) -> Aftermath:
    orders.apply_event(order, orders.OrderEvent.EXPIRE)
    order.cancelled_at = now
    release_stock(order, None, "payment deadline passed")
    aftermath = Aftermath(order.number, order.status)
    for payment in order.payments:
        if payment.provider == "stripe" and payment.status not in ("succeeded", "refunded", "refund_pending",
                                                                   "refund_failed"):
            payment.status = "canceled"
            aftermath.cancel_intents.append(payment.provider_ref)
    outbox.enqueue(order.email, "order_expired", order.lang, order=outbox.order_params(order, order.lang),
                   link=outbox.order_link(order))
    return aftermath


def _overdue(now: dt.datetime) -> sa.ColumnElement[bool]:
    return sa.and_(Order.status == orders.OrderStatus.PENDING_PAYMENT.value, Order.payment_deadline.is_not(None),
                   Order.payment_deadline < now)


def expire_overdue(now: dt.datetime | None = None, *, number: str | None = None,
                   user_id: int | None = None) -> list[Aftermath]:
    """Cancel unpaid orders past their deadline and give their stock back (all, one, or a buyer's)."""
    now = now or utcnow()
    where = [_overdue(now)]
    if number is not None:
        where.append(Order.number == number)
    if user_id is not None:
        where.append(Order.user_id == user_id)
    # A cheap read first: most looks at an order find nothing to expire and need no write lock.
    if db.session.scalar(sa.select(sa.func.count(Order.id)).where(*where)) == 0:
        return []
    done = []
    with write_transaction():
        for order in locking.lock_orders(*where, skip_locked=True):
            done.append(_expire(order, now))
    return done

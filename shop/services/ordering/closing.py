"""How an order ends: cancelled by its buyer (before picking) or by staff, or delivered."""
from __future__ import annotations

import datetime as dt

from shop.database import write_transaction
from shop.domain import orders
from shop.domain.money import Money, to_minor_units
from shop.extensions import db
from shop.models import AuditLog, Order, Payment, User, utcnow
from shop.services import locking, outbox
from shop.services.ordering.errors import CannotCancel, CannotDeliver, OrderNotFound
from shop.services.ordering.reservations import Aftermath, release_stock


def lock_order(number: str) -> Order:
    """The order row, locked for the rest of the transaction (OrderNotFound if none)."""
    order = next(iter(locking.lock_orders(Order.number == number)), None)
    if order is None:
        raise OrderNotFound(number)
    return order


def cancel_order(number: str, user: User | None, now: dt.datetime | None = None) -> Aftermath:
    """The buyer (before picking) or staff cancel an order: stock goes back, money is to be refunded.
    `user` None is the guest the web edge let open the order (its session or signed key): only an
    order in no account is cancelled that way."""
    now = now or utcnow()
    with write_transaction():
        order = lock_order(number)
        is_staff = user is not None and user.role in ("staff", "admin")
        if not is_staff and order.user_id != (user.id if user is not None else None):
            raise OrderNotFound(number)
        cod = order.payment_method == "cod"
        if (not is_staff and not orders.buyer_may_cancel(order.status)) or not orders.can(
                order.status, orders.OrderEvent.CANCEL, cash_on_delivery=cod):
            raise CannotCancel(order.status)
        step = orders.apply_event(order, orders.OrderEvent.CANCEL)
        order.cancelled_at = now
        if step.releases_stock:
            release_stock(order, user.id if user else None, "cancelled by " + ("staff" if is_staff else "buyer"))
        aftermath = Aftermath(order.number, order.status)
        for payment in order.payments:
            if payment.provider != "stripe":
                continue
            if payment.status == "succeeded" and step.refunds_payment:
                payment.status = "refund_pending"
                aftermath.refund_payment_ids.append(payment.id)
            elif payment.status not in ("succeeded", "refunded", "refund_pending", "refund_failed"):
                payment.status = "canceled"
                aftermath.cancel_intents.append(payment.provider_ref)
        db.session.add(AuditLog(user_id=user.id if user else None, action="order.cancel", entity="order",
                                entity_id=order.number, data={"from": step.source.value, "to": step.target.value}))
        outbox.enqueue(order.email, "order_cancelled", order.lang, order=outbox.order_params(order, order.lang),
                       refunded=step.refunds_payment, link=outbox.order_link(order))
    return aftermath


def record_delivery(order_number: str, staff_user: User, now: dt.datetime | None = None) -> str:
    """Staff record that a shipped order reached the buyer; a cash-on-delivery order is paid then."""
    now = now or utcnow()
    with write_transaction():
        order = lock_order(order_number)
        if not orders.can(order.status, orders.OrderEvent.DELIVER, cash_on_delivery=order.payment_method == "cod"):
            raise CannotDeliver(order.status)
        for shipment in order.shipments:
            if shipment.status != "cancelled":
                shipment.status = "delivered"
        deliver(order, staff_user.id, now)
    return order.status


def deliver(order: Order, user_id: int | None, now: dt.datetime, data: dict[str, object] | None = None) -> None:
    """Inside the caller's transaction, with the order locked and its parcels delivered: the order is
    delivered (a cash-on-delivery order is paid then), on the audit trail, and its buyer mailed."""
    step = orders.apply_event(order, orders.OrderEvent.DELIVER)
    if step.marks_paid:
        order.paid_at = now
        # The cash the courier collected: in the destination's money, as fixed when it was placed.
        cash, cash_currency = order.cash_due()
        amount = Money(cash, cash_currency)
        order.payments.append(Payment(provider="cod", amount_minor=to_minor_units(amount),
                                      currency=cash_currency, status="succeeded"))
    db.session.add(AuditLog(user_id=user_id, action="order.deliver", entity="order",
                            entity_id=order.number, data={"cash_collected": step.marks_paid, **(data or {})}))
    outbox.enqueue(order.email, "order_delivered", order.lang, order=outbox.order_params(order, order.lang),
                   cash_collected=step.marks_paid, link=outbox.order_link(order))

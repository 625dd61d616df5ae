"""Payment reconciliation for the worker: card payments whose webhook never came are asked of
Stripe and settled (paid, or failed and open for another try); an order past its deadline is
expired by the reservation job as before. Safe to run twice: an applied outcome is not applied
again (payments.sync applies each intent's outcome once)."""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from shop.extensions import db
from shop.models import Order, Payment, utcnow
from shop.services import payments

log = logging.getLogger("shop.reconciliation")

# A webhook normally arrives within seconds; after this long the worker asks Stripe itself.
QUIET_FOR = dt.timedelta(minutes=3)


def orders_waiting_for_a_webhook(now: dt.datetime) -> list[str]:
    """Unpaid card orders whose open payment has not heard from Stripe for QUIET_FOR."""
    return list(db.session.scalars(
        sa.select(Order.number).join(Payment, Payment.order_id == Order.id)
        .where(Order.status == "pending_payment", Payment.provider == "stripe",
               Payment.status.in_(payments.OPEN_STATUSES), Payment.updated_at <= now - QUIET_FOR)
        .group_by(Order.number).order_by(Order.number)))


def reconcile_payments(now: dt.datetime | None = None) -> dict[str, str]:
    """Ask Stripe about every order waiting for a webhook; returns {order number: status after}."""
    if not payments.configured():
        return {}
    now = now or utcnow()
    found: dict[str, str] = {}
    for number in orders_waiting_for_a_webhook(now):
        try:
            found[number] = payments.sync(number)
        except payments.PaymentError as error:
            log.warning("could not reconcile %s: %s", number, error)
    return found

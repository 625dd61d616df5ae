"""Refunds of a paid order, in full or in part, by lines or by amount, each a Refund row of its own.

One transaction decides the refund under the order's lock (never more than was paid, counting earlier
refunds; taxes in proportion to the goods) and moves the order to partially_refunded or refunded. A card
refund then goes to the payment gateway after the commit, with an idempotency key made from the refund's
own row, and its outcome is written in a second transaction; one that fails stays `failed` with its
error and is tried again (by staff, or the worker) under the same key. A cash-on-delivery refund is
recorded as staff paid it out: the method and their reference. The buyer is mailed once money went back."""
from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from shop.database import aware, write_transaction
from shop.domain import orders
from shop.domain.money import from_minor_units, round_amount
from shop.domain.refunds import (
    MAX_REASON,
    Line,
    RefundRefused,
    RefundSplit,
    amount_from_text,
    lines_refund,
    tax_share,
    units_left,
)
from shop.extensions import db
from shop.models import AuditLog, Order, Payment, Refund, User, utcnow
from shop.services import outbox, payments, ports
from shop.services.ordering import lock_order
from shop.services.ordering.errors import OrderNotFound

__all__ = [
    "MANUAL_METHODS", "Refundable", "RefundRefused", "RefundRequest", "RefundView", "clean_text", "create_refund",
    "issue_refund",
    "refundable", "refunds_of", "retry_failed_refund_rows", "retry_refund", "send_refunds",
]

log = logging.getLogger(__name__)

MANUAL_METHODS = ("cash", "bank_transfer", "other")
KINDS = ("full", "lines", "amount")
MAX_REFERENCE = 120
MAX_ATTEMPTS = 8
MAX_ID = 2**31  # ids beyond an integer column's range name no row (and must not reach PostgreSQL)
# A payment a cancellation refunded whole, through the payment's own refund (before refunds had rows).
WHOLE_REFUND_STATUSES = ("refund_pending", "refunded", "refund_failed")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class RefundRequest:
    """What staff ask for: `kind` full | lines | amount; units by order line id; an amount in the
    currency paid (as typed); for cash on delivery how the money went back and its reference."""

    kind: str
    lines: dict[int, int] = field(default_factory=dict)
    amount: str = ""
    reason: str = ""
    method: str = ""
    reference: str = ""
    request_key: str | None = None


@dataclass(frozen=True)
class RefundView:
    id: int
    kind: str
    amount: Decimal
    currency: str
    amount_cny: Decimal
    goods_cny: Decimal
    tax_cny: Decimal
    reason: str
    lines: list[dict[str, Any]]
    method: str
    reference: str
    status: str
    error: str | None
    attempts: int
    who: str | None
    at: dt.datetime
    return_id: int | None


@dataclass(frozen=True)
class LineLeft:
    id: int
    sku: str
    name: str
    quantity: int
    left: int
    unit_price_cny: Decimal


@dataclass(frozen=True)
class Refundable:
    """How much of an order can still be refunded, and how (for the desk's form)."""

    currency: str
    paid: Decimal
    refunded: Decimal
    left: Decimal
    manual: bool  # cash on delivery: staff give the method and reference
    may_refund: bool
    may_refund_in_part: bool
    lines: list[LineLeft]


# ---- reading --------------------------------------------------------------------------------------------

def _order(number: str) -> Order:
    order = db.session.scalar(sa.select(Order).where(Order.number == number)) if len(number) <= 24 else None
    if order is None:
        raise OrderNotFound(number)
    return order


def _refund_rows(order_id: int) -> list[Refund]:
    return list(db.session.scalars(sa.select(Refund).where(Refund.order_id == order_id).order_by(Refund.id)))


def _paid_payment(order: Order) -> Payment | None:
    """The payment refunds go back to: the order's settled one (a card payment, or the cash collected)."""
    settled = [p for p in order.payments if p.status == "succeeded" or p.status in WHOLE_REFUND_STATUSES]
    return sorted(settled, key=lambda p: p.id)[-1] if settled else None


def _amount_of(payment: Payment) -> Decimal:
    if payment.provider == "stripe":
        return payments.from_stripe_amount(payment.amount_minor, payment.currency)
    return from_minor_units(payment.amount_minor, payment.currency).amount


@dataclass(frozen=True)
class _Money:
    payment: Payment | None
    currency: str
    paid: Decimal
    refunded: Decimal
    goods_refunded: Decimal
    tax_refunded: Decimal
    units: dict[int, int]

    @property
    def left(self) -> Decimal:
        return max(self.paid - self.refunded, Decimal(0))


def _money_state(order: Order, rows: list[Refund]) -> _Money:
    payment = _paid_payment(order)
    if payment is None:
        return _Money(None, order.currency, Decimal(0), Decimal(0), Decimal(0), Decimal(0), {})
    paid = _amount_of(payment)
    same = [r for r in rows if r.currency == payment.currency]
    refunded = paid if payment.status in WHOLE_REFUND_STATUSES else sum((r.amount for r in same), Decimal(0))
    units: dict[int, int] = {}
    for row in rows:
        for item in row.lines or []:
            units[int(item["line_id"])] = units.get(int(item["line_id"]), 0) + int(item["quantity"])
    return _Money(payment, payment.currency, paid, min(refunded, paid),
                  sum((r.goods_cny for r in rows), Decimal(0)), sum((r.tax_cny for r in rows), Decimal(0)), units)


def _rule_lines(order: Order) -> list[Line]:
    return [Line(id=line.id, sku=line.sku, quantity=line.quantity, unit_price_cny=line.unit_price_cny)
            for line in sorted(order.lines, key=lambda row: row.id)]


def _may(order: Order, event: orders.OrderEvent) -> bool:
    cod = order.payment_method == "cod"
    if not orders.can(order.status, event, cash_on_delivery=cod):
        return False
    return not orders.transition(order.status, event, cash_on_delivery=cod).releases_stock


def refundable(number: str) -> Refundable:
    """What the desk's refund form offers for the order."""
    order = _order(number)
    state = _money_state(order, _refund_rows(order.id))
    left = units_left(_rule_lines(order), state.units)
    has_money = state.payment is not None and state.left > 0
    return Refundable(
        currency=state.currency, paid=state.paid, refunded=state.refunded, left=state.left,
        manual=state.payment is not None and state.payment.provider != "stripe",
        may_refund=has_money and _may(order, orders.OrderEvent.REFUND),
        may_refund_in_part=has_money and _may(order, orders.OrderEvent.PARTIAL_REFUND),
        lines=[LineLeft(id=line.id, sku=line.sku, name=line.name, quantity=line.quantity, left=left[line.id],
                        unit_price_cny=line.unit_price_cny) for line in sorted(order.lines, key=lambda r: r.id)])


def _view(row: Refund, emails: dict[int, str]) -> RefundView:
    return RefundView(id=row.id, kind=row.kind, amount=row.amount, currency=row.currency, amount_cny=row.amount_cny,
                      goods_cny=row.goods_cny, tax_cny=row.tax_cny, reason=row.reason, lines=list(row.lines or []),
                      method=row.method, reference=row.reference, status=row.status, error=row.error,
                      attempts=row.attempts, who=emails.get(row.user_id) if row.user_id else None,
                      at=aware(row.created_at), return_id=row.return_id)


def refunds_of(number: str) -> list[RefundView]:
    """The order's refunds, oldest first, with who decided each."""
    order = _order(number)
    rows = _refund_rows(order.id)
    ids = {r.user_id for r in rows if r.user_id is not None}
    emails: dict[int, str] = {}
    if ids:
        emails = {user_id: email for user_id, email in db.session.execute(
            sa.select(User.id, User.email).where(User.id.in_(ids)))}
    return [_view(row, emails) for row in rows]


# ---- deciding -------------------------------------------------------------------------------------------

def clean_text(text: str, limit: int, code: str, *, required: bool) -> str:
    """Staff's or a buyer's text (a reason, a message, a reference) or RefundRefused saying why not."""
    cleaned = (text or "").replace("\r\n", "\n").strip()
    if _CONTROL.search(cleaned):
        raise RefundRefused(code + "_control")
    if required and not cleaned:
        raise RefundRefused(code + "_missing")
    if len(cleaned) > limit:
        raise RefundRefused(code + "_too_long", most=limit)
    return cleaned


def clean_key(key: str | None) -> str | None:
    """A form's one-time key as kept, or None when it is not one the shop made."""
    return key if key and _KEY.match(key) else None


def _in_currency(amount_cny: Decimal, order: Order, currency: str) -> Decimal:
    if currency == "CNY":
        return round_amount(amount_cny, "CNY")
    return round_amount(amount_cny * order.exchange_rate, currency)


def _to_cny(amount: Decimal, order: Order, currency: str) -> Decimal:
    if currency == "CNY" or not order.exchange_rate:
        return round_amount(amount, "CNY")
    return round_amount(amount / order.exchange_rate, "CNY")


def create_refund(order: Order, user_id: int | None, request: RefundRequest, *, return_id: int | None = None,
                  cap_to_left: bool = False) -> Refund:
    """Decide a refund inside the caller's transaction, the order already locked. Refused (RefundRefused)
    when nothing was paid, nothing is left, the order cannot be refunded now, or the request asks more
    than the rules allow. `cap_to_left` (a received return) lowers a lines refund to the money left."""
    if request.kind not in KINDS:
        raise RefundRefused("bad_kind")
    reason = clean_text(request.reason, MAX_REASON, "reason", required=False)
    rows = _refund_rows(order.id)
    state = _money_state(order, rows)
    if state.payment is None:
        raise RefundRefused("not_paid")
    if state.left <= 0:
        raise RefundRefused("nothing_left")
    manual = state.payment.provider != "stripe"
    method, reference = "stripe", ""
    if manual:
        if request.method not in MANUAL_METHODS:
            raise RefundRefused("method_missing")
        method = request.method
        reference = clean_text(request.reference, MAX_REFERENCE, "reference", required=True)
    lines = _rule_lines(order)
    goods_left = max(order.goods_cny - state.goods_refunded, Decimal(0))
    tax_left = max(order.tax_cny - state.tax_refunded, Decimal(0))
    if request.kind == "full":
        amount = state.left
        split = RefundSplit(goods_cny=goods_left, tax_cny=tax_left,
                            units={i: n for i, n in units_left(lines, state.units).items() if n > 0})
        amount_cny = _to_cny(amount, order, state.currency)
    elif request.kind == "lines":
        split = lines_refund(lines, request.lines, state.units, order.goods_cny, order.tax_cny)
        split = RefundSplit(goods_cny=min(split.goods_cny, goods_left), tax_cny=min(split.tax_cny, tax_left),
                            units=split.units)
        amount = _in_currency(split.total_cny, order, state.currency)
        if amount > state.left:
            if not cap_to_left:
                raise RefundRefused("above_paid", most=state.left, currency=state.currency)
            amount = state.left
        amount_cny = split.total_cny
    else:
        amount = amount_from_text(request.amount, state.currency)
        if amount > state.left:
            raise RefundRefused("above_paid", most=state.left, currency=state.currency)
        amount_cny = _to_cny(amount, order, state.currency)
        tax = min(tax_share(amount_cny, order.total_cny, order.tax_cny), tax_left) if order.total_cny else Decimal(0)
        split = RefundSplit(goods_cny=max(amount_cny - tax, Decimal(0)), tax_cny=tax, units={})
    if amount <= 0:
        raise RefundRefused("nothing_left")
    whole = amount >= state.left
    event = orders.OrderEvent.REFUND if whole else orders.OrderEvent.PARTIAL_REFUND
    cod = order.payment_method == "cod"
    if not orders.can(order.status, event, cash_on_delivery=cod):
        raise RefundRefused("not_now", status=order.status, whole=whole)
    step = orders.transition(order.status, event, cash_on_delivery=cod)
    if step.releases_stock:
        raise RefundRefused("cancel_instead", status=order.status)
    by_id = {line.id: line for line in order.lines}
    refund = Refund(
        order_id=order.id, payment_id=state.payment.id, return_id=return_id, kind=request.kind, amount=amount,
        currency=state.currency, amount_cny=amount_cny, goods_cny=split.goods_cny, tax_cny=split.tax_cny,
        reason=reason, lines=[{"line_id": i, "sku": by_id[i].sku, "name": by_id[i].name, "quantity": n}
                              for i, n in sorted(split.units.items())],
        method=method, reference=reference, status="pending" if method == "stripe" else "succeeded", attempts=0,
        request_key=clean_key(request.request_key), user_id=user_id)
    db.session.add(refund)
    db.session.flush()
    # The payment itself stays `succeeded`: its refunds are these rows, counted against what it paid.
    orders.apply_event(order, event)
    db.session.add(AuditLog(user_id=user_id, action="order.refund", entity="order", entity_id=order.number,
                            data={"refund": refund.id, "kind": refund.kind, "amount": f"{amount:f}",
                                  "currency": refund.currency, "method": method, "to": order.status}))
    if refund.status == "succeeded":
        _mail_refund(order, refund)
    return refund


def _mail_refund(order: Order, refund: Refund) -> None:
    outbox.enqueue(order.email, "refund_issued", order.lang, order=outbox.order_params(order, order.lang),
                   amount=f"{refund.amount:f}", currency=refund.currency, method=refund.method,
                   lines=[{"name": item.get("name") or item.get("sku"), "quantity": item["quantity"]}
                          for item in refund.lines or []],
                   whole=order.status in ("refunded",), link=outbox.order_link(order))


def issue_refund(number: str, user: User, request: RefundRequest) -> RefundView:
    """Staff refund the order (one transaction), then the gateway is asked for a card refund. Sending
    the same form twice (its request key) gives back the first refund and changes nothing."""
    key = clean_key(request.request_key)
    try:
        with write_transaction():
            order = lock_order(number)
            existing = _by_key(order.id, key)
            if existing is not None:
                return _view(existing, {})
            refund = create_refund(order, user.id, request)
            refund_id = refund.id
    except IntegrityError:
        db.session.rollback()  # the same form sent twice at once: the other one made it
        existing = _by_key(_order(number).id, key)
        if existing is None:
            raise
        return _view(existing, {})
    send_refunds([refund_id])
    return _one(refund_id)


def _by_key(order_id: int, key: str | None) -> Refund | None:
    if key is None:
        return None
    return db.session.scalar(sa.select(Refund).where(Refund.request_key == key, Refund.order_id == order_id))


def _one(refund_id: int) -> RefundView:
    db.session.expire_all()
    row = db.session.get(Refund, refund_id)
    assert row is not None
    return _view(row, {})


def idempotency_key(refund: Refund) -> str:
    """The key the gateway sees for this refund: the same on every attempt, never the same for two rows."""
    return f"order-{refund.order.number}-refund-{refund.id}"


def send_refunds(refund_ids: list[int], now: dt.datetime | None = None) -> list[int]:
    """Ask the gateway for each pending card refund (after the commit that decided it); write what it
    answered. Returns the ids that went through."""
    done = []
    for refund_id in refund_ids:
        refund = db.session.get(Refund, refund_id)
        if refund is None or refund.status != "pending" or refund.method != "stripe":
            continue
        payment = db.session.get(Payment, refund.payment_id) if refund.payment_id else None
        if payment is None or not payment.provider_ref:
            _outcome(refund_id, None, "no card payment to refund", now)
            continue
        try:
            reference = payments.gateway().refund(
                payment.provider_ref, metadata={"order_number": refund.order.number, "refund": str(refund.id)},
                idempotency_key=idempotency_key(refund),
                amount_minor=payments.stripe_amount(refund.amount, refund.currency))
        except (ports.GatewayError, payments.PaymentsUnavailable) as error:
            log.error("refund %s of order %s failed: %s", refund_id, refund.order.number, error)
            _outcome(refund_id, None, f"{type(error).__name__}: {error}", now)
            continue
        _outcome(refund_id, reference, None, now)
        done.append(refund_id)
    return done


def _outcome(refund_id: int, reference: str | None, error: str | None, now: dt.datetime | None) -> None:
    with write_transaction():
        refund = db.session.get(Refund, refund_id)
        if refund is None or refund.status != "pending":
            return
        order = lock_order(refund.order.number)
        refund.attempts = (refund.attempts or 0) + 1
        refund.updated_at = now or utcnow()
        if error is None:
            refund.status, refund.error, refund.reference = "succeeded", None, (reference or "")[:MAX_REFERENCE]
            _mail_refund(order, refund)
            db.session.add(AuditLog(user_id=None, action="refund.succeeded", entity="order", entity_id=order.number,
                                    data={"refund": refund.id, "reference": refund.reference}))
        else:
            refund.status, refund.error = "failed", error[:1000]
            db.session.add(AuditLog(user_id=None, action="refund.failed", entity="order", entity_id=order.number,
                                    data={"refund": refund.id, "error": refund.error[:200]}))


def retry_refund(number: str, refund_id: int, user: User) -> RefundView:
    """Staff try a failed card refund again, with the same idempotency key."""
    with write_transaction():
        order = lock_order(number)
        refund = db.session.get(Refund, refund_id) if 0 < refund_id < MAX_ID else None
        if refund is None or refund.order_id != order.id:
            raise RefundRefused("unknown_refund")
        if refund.status != "failed":
            return _view(refund, {})
        refund.status = "pending"
        db.session.add(AuditLog(user_id=user.id, action="refund.retry", entity="order", entity_id=order.number,
                                data={"refund": refund.id}))
    send_refunds([refund_id])
    return _one(refund_id)


def retry_failed_refund_rows(now: dt.datetime | None = None, limit: int = 50) -> list[int]:
    """For the worker: failed card refunds tried again (each at most MAX_ATTEMPTS times)."""
    due = list(db.session.scalars(sa.select(Refund.id).where(Refund.status == "failed", Refund.method == "stripe",
                                                             Refund.attempts < MAX_ATTEMPTS)
                                  .order_by(Refund.id).limit(limit)))
    if not due:
        return []
    with write_transaction():
        for refund in db.session.scalars(sa.select(Refund).where(Refund.id.in_(due), Refund.status == "failed")):
            refund.status = "pending"
    return send_refunds(due, now)


"""Card payments through the payment gateway port: one PaymentIntent per order, card payment on the
page, webhook events stored and applied once, refunds and cancellations with idempotency keys.
An event is applied only for the PaymentIntent this shop created for the order and for exactly the
amount and currency it asked; anything else changes nothing and is put on the order for staff to see.
A refund that fails stays visible (refund_failed, its attempts and last error) and is tried again."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from shop.database import write_transaction
from shop.domain import orders
from shop.extensions import db
from shop.models import AuditLog, Order, Payment, User, WebhookEvent, utcnow
from shop.services import locking, ordering, ports
from shop.services.ports import PaymentGateway, ProviderObject
from shop.services.settings import Settings

log = logging.getLogger(__name__)

# Stripe's own minor units differ from ISO 4217 for some currencies.
ZERO_DECIMAL = frozenset({"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND",
                          "VUV", "XAF", "XOF", "XPF"})
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
# Currencies Stripe accepts for the Chinese wallets.
WALLET_CURRENCIES = {
    "alipay": frozenset({"CNY", "AUD", "CAD", "EUR", "GBP", "HKD", "JPY", "MYR", "NZD", "SGD", "USD"}),
    "wechat_pay": frozenset({"CNY", "AUD", "CAD", "CHF", "DKK", "EUR", "GBP", "HKD", "JPY", "NOK", "SEK", "SGD",
                             "USD"}),
}
OPEN_STATUSES = ("created", "requires_payment_method", "requires_confirmation", "requires_action", "processing",
                 "failed")
SETTLED_STATUSES = ("succeeded", "refund_pending", "refund_failed", "refunded")
ANOMALY = "payment.anomaly"
MAX_REFUND_ATTEMPTS = 8
FIRST_REFUND_RETRY = dt.timedelta(minutes=5)
LAST_REFUND_RETRY = dt.timedelta(hours=12)
# Card attempts one order may make: enough for a buyer's typos and a second card, not for
# someone testing stolen card numbers.
MAX_CARD_ATTEMPTS = 8


class PaymentError(Exception):
    """Base of the payment errors."""


class PaymentsUnavailable(PaymentError):
    """Stripe is not configured, or did not answer."""


class OrderNotPayable(PaymentError):
    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


class BadSignature(PaymentError):
    pass


class TooManyAttempts(PaymentError):
    """The order's card was declined too often: no new attempt is started (card testing)."""


@dataclass(frozen=True)
class Checkout:
    """What the payment page needs to pay one order."""

    client_secret: str
    publishable_key: str
    js_url: str
    amount: Decimal
    currency: str
    methods: tuple[str, ...]


@dataclass(frozen=True)
class PayResult:
    status: str  # succeeded | requires_action | processing | failed
    client_secret: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class PaymentIssue:
    """Something about an order's payments that staff should see: an event not applied, a refund that failed."""

    kind: str  # unknown_intent | amount_mismatch | refund_failed
    at: dt.datetime | None
    intent_id: str
    amount_minor: int | None = None
    currency: str | None = None
    expected_minor: int | None = None
    expected_currency: str | None = None
    attempts: int = 0
    error: str | None = None


@dataclass(frozen=True)
class RefundRetry:
    tried: int
    refunded: int


# ---- configuration and amounts ------------------------------------------------------------

def configured() -> bool:
    """Card payments are offered only when both Stripe keys are set."""
    return ports.registry().payments is not None


def gateway() -> PaymentGateway:
    found = ports.registry().payments
    if found is None:
        raise PaymentsUnavailable()
    return found


def stripe_amount(amount: Decimal, currency: str) -> int:
    """An amount in Stripe's minor units for `currency` (yen have none; dinars have three)."""
    currency = currency.upper()
    amount = Decimal(amount)
    if currency in ZERO_DECIMAL:
        return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if currency in THREE_DECIMAL:
        # Stripe wants the last of the three digits to be 0.
        return int(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 1000)
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_stripe_amount(units: int, currency: str) -> Decimal:
    currency = currency.upper()
    if currency in ZERO_DECIMAL:
        return Decimal(units)
    return Decimal(units) / (1000 if currency in THREE_DECIMAL else 100)


def methods_for(currency: str, settings: Settings | None = None) -> tuple[str, ...]:
    """Card always; Alipay and WeChat Pay where Stripe takes the currency, when the settings allow
    wallets (production by default: the local Stripe stand-in knows only cards)."""
    settings = settings or ports.settings()
    methods = ["card"]
    if settings.stripe_wallets:
        methods += [m for m, currencies in WALLET_CURRENCIES.items() if currency.upper() in currencies]
    return tuple(methods)


def charge_of(order: Order, settings: Settings | None = None) -> tuple[str, Decimal]:
    """The currency and amount Stripe charges: the buyer's own, unless the Stripe account does
    not settle it (STRIPE_CURRENCIES, when set), then the order's yuan."""
    allowed = (settings or ports.settings()).stripe_currencies
    if allowed and order.currency.upper() not in allowed:
        return "CNY", Decimal(order.total_cny)
    return order.currency, order.total_in_currency()


# ---- paying -------------------------------------------------------------------------------

def _open_payment(order: Order) -> Payment | None:
    """The order's card payment that counts: the one that succeeded, else its latest attempt
    (earlier, declined attempts stay on the order as they ended)."""
    candidates = sorted((p for p in order.payments if p.provider == "stripe" and p.provider_ref),
                        key=lambda p: p.id)
    settled = [p for p in candidates if p.status in SETTLED_STATUSES]
    if settled:
        return settled[0]
    attempts = [p for p in candidates if p.status in OPEN_STATUSES]
    return attempts[-1] if attempts else None


def _intent_id(payment: Payment) -> str:
    """The PaymentIntent behind a Stripe payment (_open_payment picks only payments that have one)."""
    if not payment.provider_ref:
        raise PaymentsUnavailable()
    return payment.provider_ref


def _order(number: str) -> Order:
    order = db.session.scalar(sa.select(Order).where(Order.number == number))
    if order is None:
        raise ordering.OrderNotFound(number)
    return order


def prepare(number: str) -> Checkout:
    """The order's PaymentIntent (created once, with an idempotency key) ready for Stripe.js."""
    if ordering.expire_overdue(number=number):
        raise OrderNotPayable(orders.OrderStatus.CANCELLED.value)
    order = _order(number)
    if order.status != orders.OrderStatus.PENDING_PAYMENT.value or order.payment_method != "stripe":
        raise OrderNotPayable(order.status)
    api = gateway()
    settings = ports.settings()
    currency, amount = charge_of(order, settings)
    methods = methods_for(currency, settings)
    try:
        payment = _payable(order)
        intent = _new_intent(order) if payment is None else api.retrieve_intent(_intent_id(payment))
    except ports.GatewayError as error:
        log.error("Stripe could not prepare the payment of %s: %s", number, error)
        raise PaymentsUnavailable() from error
    return Checkout(client_secret=intent["client_secret"], publishable_key=settings.stripe_publishable_key or "",
                    js_url=settings.stripe_js_url, amount=amount, currency=currency, methods=methods)


def _new_intent(order: Order) -> ProviderObject:
    """A PaymentIntent for the order's charge, recorded as its payment; each attempt after a
    decline has its own idempotency key."""
    settings = ports.settings()
    currency, amount = charge_of(order, settings)
    attempt = sum(1 for p in order.payments if p.provider == "stripe")
    if attempt >= MAX_CARD_ATTEMPTS:
        raise TooManyAttempts()
    key = f"order-{order.number}-intent" + (f"-{attempt + 1}" if attempt else "")
    intent = gateway().create_intent(amount_minor=stripe_amount(amount, currency), currency=currency,
                                     methods=methods_for(currency, settings),
                                     metadata={"order_number": order.number, "order_id": str(order.id)},
                                     idempotency_key=key)
    _record_intent(order.id, intent)
    db.session.expire(order, ["payments"])
    return intent


def _payable(order: Order) -> Payment | None:
    """The payment a card can be tried on now: the open attempt, or none after a decline. The
    declined attempt stays on the order as declined and its intent is cancelled, so the next
    card starts on an intent of its own (one confirmed once cannot always be confirmed again)."""
    payment = _open_payment(order)
    if payment is None or payment.status != "failed":
        return payment
    if sum(1 for p in order.payments if p.provider == "stripe") >= MAX_CARD_ATTEMPTS:
        raise TooManyAttempts()
    cancel_intents([_intent_id(payment)])
    return None


def _record_intent(order_id: int, intent: ProviderObject) -> Payment | None:
    payment: Payment | None
    try:
        with write_transaction():
            payment = Payment(order_id=order_id, provider="stripe", provider_ref=intent["id"],
                              amount_minor=int(intent["amount"]), currency=str(intent["currency"]).upper(),
                              status="created")
            db.session.add(payment)
    except IntegrityError:
        # The same intent came back for a second request (Stripe honoured the idempotency key).
        db.session.rollback()
        payment = db.session.scalar(sa.select(Payment).where(Payment.provider_ref == intent["id"]))
    return payment


def pay(number: str, *, payment_method: str | None = None, token: str | None = None) -> PayResult:
    """Confirm the order's PaymentIntent with a card the page collected (a PaymentMethod id, or a
    card token from Stripe.js stand-ins without createPaymentMethod)."""
    if ordering.expire_overdue(number=number):
        raise OrderNotPayable(orders.OrderStatus.CANCELLED.value)
    order = _order(number)
    if order.status != orders.OrderStatus.PENDING_PAYMENT.value or _open_payment(order) is None:
        raise OrderNotPayable(order.status)
    api = gateway()
    if not (payment_method or token):
        return PayResult("failed")
    try:
        payment = _payable(order)
        if payment is None:  # the last card was declined: this one gets an intent of its own
            _new_intent(order)
            payment = _open_payment(order)
    except ports.GatewayError as error:
        log.error("Stripe could not start another attempt for %s: %s", number, error)
        raise PaymentsUnavailable() from error
    if payment is None:
        raise PaymentsUnavailable()
    intent_id = _intent_id(payment)
    try:
        intent = api.confirm_intent(intent_id, payment_method=payment_method, token=token)
    except ports.CardDeclined as error:
        _apply_failure(intent_id, error.message)
        return PayResult("failed", message=error.message)
    except ports.GatewayRefused as error:
        log.warning("Stripe refused to confirm %s: %s", number, error)
        return PayResult("failed", message=error.message)
    except ports.GatewayError as error:
        log.error("Stripe did not answer for %s: %s", number, error)
        raise PaymentsUnavailable() from error
    return _follow(intent)


def _follow(intent: ProviderObject) -> PayResult:
    status = intent["status"]
    if status == "succeeded":
        refunds = _apply_success_now(intent)
        refund_payments(refunds)
        return PayResult("succeeded")
    if status == "requires_action":
        return PayResult("requires_action", client_secret=intent["client_secret"])
    if status == "processing":
        return PayResult("processing")
    message = (intent.get("last_payment_error") or {}).get("message")
    _apply_failure(intent["id"], message or "")
    return PayResult("failed", message=message)


def sync(number: str) -> str:
    """Ask Stripe how the order's PaymentIntent stands and apply it (webhooks may be late).
    Returns the order's status."""
    order = _order(number)
    payment = _open_payment(order)
    if payment is not None and configured() and payment.status in OPEN_STATUSES:
        try:
            intent = gateway().retrieve_intent(_intent_id(payment))
        except ports.GatewayError as error:
            log.warning("could not check the payment of %s: %s", number, error)
        else:
            if intent["status"] == "succeeded":
                refund_payments(_apply_success_now(intent))
            elif intent["status"] == "requires_payment_method" and intent.get("last_payment_error"):
                _apply_failure(intent["id"], (intent.get("last_payment_error") or {}).get("message") or "")
    ordering.expire_overdue(number=number)
    db.session.expire_all()
    return _order(number).status


# ---- applying outcomes (by the return path and by webhooks alike) --------------------------

def _apply_success_now(intent: ProviderObject) -> list[int]:
    with write_transaction():
        return _apply_success(intent, utcnow())


def _locked_payment(intent_id: str | None) -> Payment | None:
    if not intent_id:
        return None
    return next(iter(locking.lock_payments(Payment.provider == "stripe", Payment.provider_ref == intent_id)), None)


def _record_anomaly(number: str | None, kind: str, intent: ProviderObject, payment: Payment | None = None) -> None:
    """Log an event that was not applied, and put it on its order (when one is named) for staff."""
    data = {"kind": kind, "intent": str(intent.get("id") or "")[:120],
            "amount_received": intent.get("amount_received"), "amount": intent.get("amount"),
            "currency": str(intent.get("currency") or "").upper()[:3]}
    if payment is not None:
        data.update(expected_minor=payment.amount_minor, expected_currency=payment.currency)
    log.error("payment event not applied (%s) for order %r: %s", kind, number, data)
    order_number = payment.order.number if payment is not None else number
    if order_number and db.session.scalar(sa.select(Order.id).where(Order.number == str(order_number))) is not None:
        db.session.add(AuditLog(user_id=None, action=ANOMALY, entity="order", entity_id=str(order_number)[:64],
                                data=data))


def _apply_success(intent: ProviderObject, now: dt.datetime) -> list[int]:
    """Mark the order paid once, for the shop's own intent and the exact charge; a payment for an order
    no longer waiting for it is to be refunded. Returns the ids of payments to refund after commit."""
    intent_id = intent.get("id")
    payment = _locked_payment(intent_id)
    number = (intent.get("metadata") or {}).get("order_number")
    if payment is None:
        # Not an intent this shop created: whatever its metadata says, it pays for nothing.
        _record_anomaly(number, "unknown_intent", intent)
        return []
    if payment.status in SETTLED_STATUSES:
        return []  # a replay, or the return path got here first
    order = ordering.lock_order(payment.order.number)
    received = (intent.get("amount_received"), str(intent.get("currency") or "").upper())
    if received != (payment.amount_minor, payment.currency.upper()):
        _record_anomaly(order.number, "amount_mismatch", intent, payment)
        return []
    payment.status = "succeeded"
    if ordering.mark_paid(order, now):
        return []
    # The order was cancelled or expired (or paid by another intent) meanwhile: give the money back.
    log.warning("payment %s arrived for order %s which is %s: refunding it", intent_id, order.number, order.status)
    payment.status = "refund_pending"
    return [payment.id]


def _apply_failure(intent_id: str, message: str) -> None:
    """A failed attempt: the buyer may try again; a failure after success changes nothing."""
    with write_transaction():
        _record_failure(intent_id, message)


def _record_failure(intent_id: str | None, message: str) -> None:
    payment = _locked_payment(intent_id)
    if payment is None:
        log.warning("payment %s failed for an order we do not know: ignored", intent_id)
        return
    if payment.status in SETTLED_STATUSES or payment.status == "canceled":
        return
    payment.status = "failed"
    log.info("payment %s of order %s failed: %s", intent_id, payment.order.number, message)


# ---- webhooks -----------------------------------------------------------------------------

def _object_or_empty(value: object) -> dict[str, object] | None:
    """A JSON object as is, absent/null as {}, anything else None."""
    if value is None:
        return {}
    return value if isinstance(value, dict) else None


def _well_formed_event(event: object) -> bool:
    """An object with a text id and type; data, data.object, its metadata and error objects when given."""
    if not isinstance(event, dict):
        return False
    event_id, kind = event.get("id"), event.get("type", "")
    if not isinstance(event_id, str) or not event_id or len(event_id) > 120 or not isinstance(kind, str):
        return False
    data = _object_or_empty(event.get("data"))
    intent = _object_or_empty(data.get("object")) if data is not None else None
    if intent is None:
        return False
    metadata, error = _object_or_empty(intent.get("metadata")), _object_or_empty(intent.get("last_payment_error"))
    if metadata is None or error is None:
        return False
    amount = intent.get("amount")
    return (all(isinstance(intent.get(key), str | None) for key in ("id", "status", "currency"))
            and isinstance(metadata.get("order_number"), str | None) and isinstance(error.get("message"), str | None)
            and (amount is None or (isinstance(amount, int) and not isinstance(amount, bool))))


def handle_webhook(payload: bytes, signature: str | None) -> str:
    """Check the signature on the raw body, store the event by its id and apply it once.

    Returns 'applied', 'duplicate' or 'ignored'; raises BadSignature or PaymentsUnavailable. A success
    for an intent or an amount that is not the order's is stored and 'applied' without paying anything
    (it is logged and shown to staff on the order)."""
    try:
        event = gateway().verify_event(payload, signature or "")
    except ports.WebhooksNotConfigured:
        raise PaymentsUnavailable() from None
    except ports.SignatureInvalid:
        raise BadSignature() from None
    event_id, kind = event.get("id"), str(event.get("type") or "")
    if not event_id:
        raise BadSignature()
    if not _well_formed_event(event):
        raise BadSignature()  # signed but not an event we can store: refused, nothing changed
    refunds: list[int] = []
    try:
        with write_transaction():
            if db.session.scalar(sa.select(WebhookEvent.id).where(
                    WebhookEvent.provider == "stripe", WebhookEvent.event_id == event_id)) is not None:
                return "duplicate"
            stored = WebhookEvent(provider="stripe", event_id=event_id, type=kind[:80], payload=event)
            db.session.add(stored)
            db.session.flush()
            intent = (event.get("data") or {}).get("object") or {}
            outcome = "ignored"
            if kind == "payment_intent.succeeded":
                refunds = _apply_success(intent, utcnow())
                outcome = "applied"
            elif kind == "payment_intent.payment_failed":
                error = intent.get("last_payment_error") or {}
                _record_failure(intent.get("id"), error.get("message") or "")
                outcome = "applied"
            stored.processed_at = utcnow()
    except IntegrityError:
        db.session.rollback()  # the same event delivered twice at once: the other copy won
        return "duplicate"
    refund_payments(refunds)
    return outcome


# ---- refunds and cancellations ------------------------------------------------------------

def refund_delay(attempts: int) -> dt.timedelta:
    """How long a failed refund waits before its next automatic attempt: 5, 10, 20 ... minutes, at most 12 hours."""
    doublings = max(attempts - 1, 0)
    return min(FIRST_REFUND_RETRY * (1 << doublings), LAST_REFUND_RETRY)


def refund_payments(payment_ids: list[int], now: dt.datetime | None = None) -> list[int]:
    """Refund each payment marked refund_pending, at most once (Stripe idempotency key). One that
    fails becomes refund_failed, with its attempts, last error and when to try again. Returns the ids refunded."""
    done = []
    for payment_id in payment_ids:
        payment = db.session.get(Payment, payment_id)
        if payment is None or payment.status != "refund_pending":
            continue
        intent_id, number = payment.provider_ref, payment.order.number
        if not intent_id:
            log.error("payment %s of order %s has no intent to refund", payment_id, number)
            continue
        try:
            gateway().refund(intent_id, metadata={"order_number": number},
                             idempotency_key=f"refund-{intent_id}")
        except (ports.GatewayError, PaymentsUnavailable) as error:
            log.error("refund of %s (order %s) failed: %s", intent_id, number, error)
            _refund_outcome(intent_id, error=f"{type(error).__name__}: {error}", now=now or utcnow())
            continue
        _refund_outcome(intent_id, error=None, now=now or utcnow())
        done.append(payment_id)
        log.info("refunded %s for order %s", intent_id, number)
    return done


def _refund_outcome(intent_id: str, *, error: str | None, now: dt.datetime) -> None:
    with write_transaction():
        payment = _locked_payment(intent_id)
        if payment is None or payment.status != "refund_pending":
            return
        payment.refund_attempts = (payment.refund_attempts or 0) + 1
        if error is None:
            payment.status, payment.refund_error, payment.refund_retry_at = "refunded", None, None
        else:
            payment.status, payment.refund_error = "refund_failed", error[:1000]
            payment.refund_retry_at = now + refund_delay(payment.refund_attempts)


def _requeue_refunds(where: Iterable[sa.ColumnElement[bool]]) -> list[int]:
    with write_transaction():
        found = locking.lock_payments(Payment.provider == "stripe", Payment.status == "refund_failed", *where)
        for payment in found:
            payment.status = "refund_pending"
        return [p.id for p in found]


def retry_refunds_of(number: str, staff_user: User) -> RefundRetry:
    """Staff try the failed refunds of an order again, now."""
    order = _order(number)
    ids = _requeue_refunds([Payment.order_id == order.id])
    done = refund_payments(ids)
    with write_transaction():
        db.session.add(AuditLog(user_id=staff_user.id, action="payment.refund_retry", entity="order",
                                entity_id=number, data={"tried": len(ids), "refunded": len(done)}))
    return RefundRetry(tried=len(ids), refunded=len(done))


def retry_failed_refunds(now: dt.datetime | None = None, limit: int = 50) -> list[int]:
    """For a worker: try again the failed refunds whose wait is over (and that have not failed too often)."""
    now = now or utcnow()
    due = list(db.session.scalars(sa.select(Payment.id).where(
        Payment.status == "refund_failed", Payment.refund_attempts < MAX_REFUND_ATTEMPTS,
        sa.or_(Payment.refund_retry_at.is_(None), Payment.refund_retry_at <= now)).order_by(Payment.id).limit(limit)))
    if not due:
        return []
    return refund_payments(_requeue_refunds([Payment.id.in_(due)]), now)


def payment_issues(number: str) -> list[PaymentIssue]:
    """What staff should know about an order's payments: events not applied, refunds that failed."""
    order = _order(number)
    issues = [PaymentIssue(kind="refund_failed", at=p.updated_at, intent_id=p.provider_ref or "",
                           amount_minor=p.amount_minor, currency=p.currency, attempts=p.refund_attempts or 0,
                           error=p.refund_error)
              for p in sorted(order.payments, key=lambda p: p.id) if p.status == "refund_failed"]
    for row in db.session.scalars(sa.select(AuditLog).where(AuditLog.action == ANOMALY, AuditLog.entity == "order",
                                                            AuditLog.entity_id == number).order_by(AuditLog.id)):
        data = row.data or {}
        received = data.get("amount_received")
        issues.append(PaymentIssue(
            kind=str(data.get("kind") or "unknown_intent"), at=row.created_at, intent_id=str(data.get("intent") or ""),
            amount_minor=received if isinstance(received, int) else data.get("amount"),
            currency=data.get("currency") or None, expected_minor=data.get("expected_minor"),
            expected_currency=data.get("expected_currency")))
    return issues


def cancel_intents(intent_ids: list[str]) -> None:
    """Cancel intents of orders that will not be paid; one that succeeded meanwhile is refunded
    when its event arrives."""
    if not intent_ids or not configured():
        return
    api = gateway()
    for intent_id in intent_ids:
        try:
            api.cancel_intent(intent_id)
        except ports.GatewayError as error:
            log.info("could not cancel %s: %s", intent_id, error)


def settle(aftermath: ordering.Aftermath | list[ordering.Aftermath]) -> None:
    """Do what a cancellation or an expiry leaves for after the commit."""
    for item in aftermath if isinstance(aftermath, list) else [aftermath]:
        refund_payments(item.refund_payment_ids)
        cancel_intents([ref for ref in item.cancel_intents if ref])


def cancel_order(number: str, user: User | None) -> ordering.Aftermath:
    """Cancel as the buyer or staff; first learn whether a payment went through meanwhile."""
    order = _order(number)
    if order.status == orders.OrderStatus.PENDING_PAYMENT.value and order.payment_method == "stripe":
        sync(number)
    aftermath = ordering.cancel_order(number, user)
    settle(aftermath)
    return aftermath


def expire_reservations() -> list[str]:
    """Expire every unpaid order past its deadline and cancel their intents; their numbers."""
    done = ordering.expire_overdue()
    settle(done)
    return [item.number for item in done]

"""Stripe at the edge: one PaymentIntent per order, card payment on the page, webhook events
stored and applied once, refunds and cancellations with idempotency keys."""
from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
import stripe
from flask import current_app
from sqlalchemy.exc import IntegrityError

from shop.database import write_transaction
from shop.domain import orders
from shop.extensions import db
from shop.models import Order, Payment, WebhookEvent, utcnow
from shop.services import ordering

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
SETTLED_STATUSES = ("succeeded", "refund_pending", "refunded")


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


# ---- configuration and amounts ------------------------------------------------------------

def configured() -> bool:
    """Card payments are offered only when both Stripe keys are set."""
    config = current_app.config
    return bool(config.get("STRIPE_SECRET_KEY") and config.get("STRIPE_PUBLISHABLE_KEY"))


def client() -> stripe.StripeClient:
    config = current_app.config
    if not configured():
        raise PaymentsUnavailable()
    options = {"max_network_retries": 2}
    if config.get("STRIPE_API_BASE"):
        options["base_addresses"] = {"api": config["STRIPE_API_BASE"].rstrip("/")}
    return stripe.StripeClient(config["STRIPE_SECRET_KEY"], **options)


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


def methods_for(currency: str) -> tuple[str, ...]:
    """Card always; Alipay and WeChat Pay where Stripe takes the currency, when the config allows
    wallets (production by default: the local Stripe stand-in knows only cards)."""
    config = current_app.config
    wallets = config.get("STRIPE_WALLETS")
    if wallets is None:
        wallets = config.get("SHOP_ENV") == "production" and not config.get("STRIPE_API_BASE")
    methods = ["card"]
    if wallets:
        methods += [m for m, currencies in WALLET_CURRENCIES.items() if currency.upper() in currencies]
    return tuple(methods)


def charge_of(order: Order) -> tuple[str, Decimal]:
    """The currency and amount Stripe charges: the buyer's own, unless the Stripe account does
    not settle it (STRIPE_CURRENCIES, when set), then the order's yuan."""
    allowed = current_app.config.get("STRIPE_CURRENCIES")
    if allowed and order.currency.upper() not in {c.upper() for c in allowed}:
        return "CNY", Decimal(order.total_cny)
    return order.currency, order.total_in_currency()


# ---- paying -------------------------------------------------------------------------------

def _open_payment(order: Order) -> Payment | None:
    candidates = [p for p in order.payments if p.provider == "stripe" and p.provider_ref]
    for payment in sorted(candidates, key=lambda p: p.id):
        if payment.status in OPEN_STATUSES + SETTLED_STATUSES:
            return payment
    return None


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
    api = client()
    currency, amount = charge_of(order)
    payment = _open_payment(order)
    try:
        if payment is None:
            intent = api.v1.payment_intents.create(
                params={"amount": stripe_amount(amount, currency), "currency": currency.lower(),
                        "payment_method_types": list(methods_for(currency)),
                        "metadata": {"order_number": order.number, "order_id": str(order.id)}},
                options={"idempotency_key": f"order-{order.number}-intent"})
            payment = _record_intent(order.id, intent)
        else:
            intent = api.v1.payment_intents.retrieve(payment.provider_ref)
    except stripe.StripeError as error:
        log.error("Stripe could not prepare the payment of %s: %s", number, error)
        raise PaymentsUnavailable() from error
    config = current_app.config
    return Checkout(client_secret=intent["client_secret"], publishable_key=config["STRIPE_PUBLISHABLE_KEY"],
                    js_url=config["STRIPE_JS_URL"], amount=amount, currency=currency, methods=methods_for(currency))


def _record_intent(order_id: int, intent) -> Payment:
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
    payment = _open_payment(order)
    if order.status != orders.OrderStatus.PENDING_PAYMENT.value or payment is None:
        raise OrderNotPayable(order.status)
    api = client()
    try:
        if token:
            payment_method = api.v1.tokens.retrieve(token)["card"]["id"]
        if not payment_method:
            return PayResult("failed")
        api.v1.payment_intents.update(payment.provider_ref, params={"payment_method": payment_method})
        intent = api.v1.payment_intents.confirm(payment.provider_ref)
    except stripe.CardError as error:
        _apply_failure(payment.provider_ref, error.user_message or "")
        return PayResult("failed", message=error.user_message)
    except stripe.InvalidRequestError as error:
        log.warning("Stripe refused to confirm %s: %s", number, error)
        return PayResult("failed", message=error.user_message)
    except stripe.StripeError as error:
        log.error("Stripe did not answer for %s: %s", number, error)
        raise PaymentsUnavailable() from error
    return _follow(intent)


def _follow(intent) -> PayResult:
    intent = _intent_dict(intent)
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
            intent = client().v1.payment_intents.retrieve(payment.provider_ref)
        except stripe.StripeError as error:
            log.warning("could not check the payment of %s: %s", number, error)
        else:
            intent = _intent_dict(intent)
            if intent["status"] == "succeeded":
                refund_payments(_apply_success_now(intent))
            elif intent["status"] == "requires_payment_method" and intent.get("last_payment_error"):
                _apply_failure(intent["id"], (intent.get("last_payment_error") or {}).get("message") or "")
    ordering.expire_overdue(number=number)
    db.session.expire_all()
    return _order(number).status


# ---- applying outcomes (by the return path and by webhooks alike) --------------------------

def _apply_success_now(intent) -> list[int]:
    with write_transaction():
        return _apply_success(_intent_dict(intent), utcnow())


def _intent_dict(intent) -> dict:
    return intent.to_dict() if hasattr(intent, "to_dict") else dict(intent)


def _locked_payment(intent_id: str) -> Payment | None:
    return db.session.scalars(sa.select(Payment).where(Payment.provider == "stripe", Payment.provider_ref == intent_id)
                              .with_for_update(key_share=True).execution_options(populate_existing=True)).one_or_none()


def _apply_success(intent: dict, now: dt.datetime) -> list[int]:
    """Mark the order paid once; a payment for an order no longer waiting for it is to be refunded.
    Returns the ids of payments to refund after commit."""
    intent_id = intent.get("id")
    payment = _locked_payment(intent_id)
    number = (intent.get("metadata") or {}).get("order_number")
    if payment is None:
        order = db.session.scalar(sa.select(Order).where(Order.number == number)) if number else None
        if order is None:
            log.warning("payment %s succeeded for an order we do not know (%r): ignored", intent_id, number)
            return []
        payment = Payment(order_id=order.id, provider="stripe", provider_ref=intent_id,
                          amount_minor=int(intent.get("amount") or 0),
                          currency=str(intent.get("currency") or order.currency).upper(), status="created")
        db.session.add(payment)
        db.session.flush()
    if payment.status in SETTLED_STATUSES:
        return []  # a replay, or the return path got here first
    order = ordering.lock_order(payment.order.number)
    if (int(intent.get("amount") or 0), str(intent.get("currency") or "").upper()) != (
            payment.amount_minor, payment.currency.upper()):
        log.error("payment %s for %s: amount %s %s differs from %s %s; not applied", intent_id, order.number,
                  intent.get("amount"), intent.get("currency"), payment.amount_minor, payment.currency)
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


def _record_failure(intent_id: str, message: str) -> None:
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

    Returns 'applied', 'duplicate' or 'ignored'; raises BadSignature or PaymentsUnavailable."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise PaymentsUnavailable()
    try:
        # The signature alone first: construct_event would build an Event from any JSON and fail on odd ones.
        stripe.WebhookSignature.verify_header(payload.decode("utf-8"), signature or "", secret,
                                              stripe.Webhook.DEFAULT_TOLERANCE)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError):
        raise BadSignature() from None
    if not _well_formed_event(event):
        raise BadSignature()  # signed but not an event we can store: refused, nothing changed
    event_id, kind = event.get("id"), event.get("type", "")
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

def refund_payments(payment_ids: list[int]) -> None:
    """Refund each payment marked refund_pending, at most once (Stripe idempotency key)."""
    for payment_id in payment_ids:
        payment = db.session.get(Payment, payment_id)
        if payment is None or payment.status != "refund_pending":
            continue
        try:
            client().v1.refunds.create(
                params={"payment_intent": payment.provider_ref,
                        "metadata": {"order_number": payment.order.number}},
                options={"idempotency_key": f"refund-{payment.provider_ref}"})
        except (stripe.StripeError, PaymentsUnavailable) as error:
            log.error("refund of %s (order %s) failed; it stays pending: %s", payment.provider_ref,
                      payment.order.number, error)
            continue
        with write_transaction():
            payment = _locked_payment(payment.provider_ref)
            payment.status = "refunded"
        log.info("refunded %s for order %s", payment.provider_ref, payment.order.number)


def cancel_intents(intent_ids: list[str]) -> None:
    """Cancel intents of orders that will not be paid; one that succeeded meanwhile is refunded
    when its event arrives."""
    if not intent_ids or not configured():
        return
    api = client()
    for intent_id in intent_ids:
        try:
            api.v1.payment_intents.cancel(intent_id)
        except stripe.StripeError as error:
            log.info("could not cancel %s: %s", intent_id, error)


def settle(aftermath: ordering.Aftermath | list[ordering.Aftermath]) -> None:
    """Do what a cancellation or an expiry leaves for after the commit."""
    for item in aftermath if isinstance(aftermath, list) else [aftermath]:
        refund_payments(item.refund_payment_ids)
        cancel_intents([ref for ref in item.cancel_intents if ref])


def cancel_order(number: str, user) -> ordering.Aftermath:
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

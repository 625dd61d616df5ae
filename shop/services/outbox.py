"""E-mail through an outbox table. A use case queues (recipient, template, language, JSON-able
parameters) in its own transaction; delivery, after the commit, renders each message through the
mail renderer and hands it to the mail adapter. A message that fails is kept with its attempts and
last error, and waits a little longer before each new attempt."""
from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shop.domain import money
from shop.extensions import db
from shop.models import Order, OutboxMessage, utcnow
from shop.services import ports

log = logging.getLogger("shop.mail")

# The waits after the 1st, 2nd ... failed attempt; after the last one the message is `failed`
# (staff can resend it from /admin/outbox).
RETRY_WAITS = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30),
               dt.timedelta(hours=2), dt.timedelta(hours=12))
MAX_ATTEMPTS = len(RETRY_WAITS) + 1
FIRST_RETRY = RETRY_WAITS[0]
LAST_RETRY = RETRY_WAITS[-1]
STATUSES = ("pending", "retrying", "failed", "sent")


def link(endpoint: str, **values: Any) -> dict[str, Any]:
    """A link parameter: the renderer makes it absolute from the shop's own address (SHOP_BASE_URL)."""
    return {"endpoint": endpoint, "values": values}


def order_link(order: Order, lang: str | None = None) -> dict[str, Any]:
    """The order page, with the signed key that opens it without an account (order_tokens)."""
    from shop.services import order_tokens
    return link("checkout.order_page", lang=lang or order.lang, number=order.number,
                access=order_tokens.token_for(order.number, order.email))


def order_params(order: Order, lang: str, *, shipments: bool = False) -> dict[str, Any]:
    """What an order's e-mail shows, as it stands now (JSON-able; amounts as decimal strings)."""
    data: dict[str, Any] = {
        "number": order.number, "payment_method": order.payment_method, "currency": order.currency,
        "total": f"{order.total_in_currency():f}", "total_cny": f"{order.total_cny:f}",
        "ship_name": order.ship_name, "ship_address": order.ship_address, "ship_city": order.ship_city,
        "ship_postcode": order.ship_postcode, "ship_country": order.ship_country,
        "lines": [{"quantity": line.quantity, "name": line.name} for line in order.lines],
    }
    redemption = order.discount_redemption
    if redemption is not None:
        amount = money.round_amount(redemption.total_cny * order.exchange_rate, order.currency)
        data["discount"] = {"code": redemption.code, "amount_cny": f"{redemption.total_cny:f}", "amount": f"{amount:f}"}
    if order.payment_method == "cod":
        cash, cash_currency = order.cash_due()
        data.update(cash_due=f"{cash:f}", cash_currency=cash_currency)
    if shipments:
        data["shipments"] = [
            {"line_name": s.line.display_name(lang), "delivery_earliest": s.delivery_earliest.isoformat(),
             "delivery_latest": s.delivery_latest.isoformat()}
            for s in order.shipments if s.status != "cancelled"]
    return data


def enqueue(to: str, template: str, lang: str, **params: Any) -> OutboxMessage:
    """Queue email/<template> in `lang` for `to`, in the caller's transaction (nothing is rendered
    or sent until it commits). `params` must be JSON-able."""
    json.dumps(params)  # fail here, in the use case, rather than at delivery
    message = OutboxMessage(to=to, subject="", body="", lang=lang, template=template, params=params,
                            attempts=0)
    db.session.add(message)
    return message


def retry_delay(attempts: int) -> dt.timedelta:
    """How long a message waits after its n-th failed attempt: 1 min, 5 min, 30 min, 2 h, 12 h."""
    return RETRY_WAITS[min(max(attempts, 1), len(RETRY_WAITS)) - 1]


def status_of(message: OutboxMessage) -> str:
    """pending (not tried yet), retrying (failed, will try again), failed (gave up) or sent."""
    if message.sent_at is not None and message.last_error is None:
        return "sent"
    if (message.attempts or 0) >= MAX_ATTEMPTS:
        return "failed"
    return "retrying" if message.attempts else "pending"


def _status_filter(status: str) -> Any:
    attempts = sa.func.coalesce(OutboxMessage.attempts, 0)
    return {
        "sent": sa.and_(OutboxMessage.sent_at.is_not(None), OutboxMessage.last_error.is_(None)),
        "failed": sa.and_(OutboxMessage.sent_at.is_(None), attempts >= MAX_ATTEMPTS),
        "retrying": sa.and_(OutboxMessage.sent_at.is_(None), attempts > 0, attempts < MAX_ATTEMPTS),
        "pending": sa.and_(OutboxMessage.sent_at.is_(None), attempts == 0),
    }[status]


def messages(*, status: str | None = None, page: int = 1, per_page: int = 50) -> tuple[list[OutboxMessage], int]:
    """A page of the outbox, newest first, optionally of one status; and how many there are."""
    query = sa.select(OutboxMessage)
    if status in STATUSES:
        query = query.where(_status_filter(status))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(OutboxMessage.id.desc())
                              .offset((max(page, 1) - 1) * per_page).limit(per_page))
    return list(rows), total


class NotResendable(Exception):
    """The message is on its way already (pending or retrying): nothing to resend."""


def resend(message_id: int, user_id: int | None) -> OutboxMessage:
    """Queue a message again: a failed one gets a fresh round of attempts; a sent one is copied,
    so the history keeps what went out. Raises LookupError or NotResendable."""
    from shop.database import write_transaction
    from shop.services.audit import audit
    with write_transaction():
        message = db.session.get(OutboxMessage, message_id, with_for_update=True)
        if message is None:
            raise LookupError(message_id)
        state = status_of(message)
        if state in ("pending", "retrying"):
            raise NotResendable(message_id)
        if state == "failed":
            message.attempts, message.next_attempt_at, message.last_error = 0, None, None
            queued = message
        else:
            queued = OutboxMessage(to=message.to, lang=message.lang, template=message.template,
                                   params=message.params, subject="" if message.template else message.subject,
                                   body="" if message.template else message.body, attempts=0)
            db.session.add(queued)
        db.session.flush()
        audit(user_id, "outbox.resend", "outbox_message", message.id, {"queued": queued.id, "was": state})
    return queued


def deliver_pending(limit: int = 50, now: dt.datetime | None = None) -> int:
    """Send what waits in the outbox and is due. Messages are claimed first (one UPDATE ... RETURNING),
    so two workers never send the same one; a message that fails goes back with its attempt counted.
    Works in a session of its own, so it sees committed messages only. Returns how many were sent."""
    now = now or utcnow()
    adapters = ports.registry()
    # The app session's bind: the engine (a connection of its own), or the connection a caller
    # put the app on (a test's transaction).
    with Session(db.session.get_bind(), expire_on_commit=False) as session:
        due = sa.and_(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS,
                      sa.or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now))
        # One statement that writes first: on SQLite a read that turns into a write can be refused
        # ("database is locked") when another worker wrote in between.
        due_ids = sa.select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(limit).scalar_subquery()
        claimed = list(session.scalars(
            sa.update(OutboxMessage).where(OutboxMessage.id.in_(due_ids), OutboxMessage.sent_at.is_(None))
            .values(sent_at=now).returning(OutboxMessage.id)))
        session.commit()
        if not claimed:
            return 0
        sent = 0
        messages = list(session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(claimed))
                                        .order_by(OutboxMessage.id)))
        for message in messages:
            try:
                rendered = _rendered(adapters, message)
                adapters.mailer.send(ports.OutgoingMail(to=message.to, lang=message.lang, subject=rendered.subject,
                                                        text=rendered.text, html=rendered.html))
            except Exception as error:  # noqa: BLE001  a bad message must not hold up the others
                attempts = (message.attempts or 0) + 1
                log.warning("could not send mail %s to %s (attempt %d): %s", message.id, message.to, attempts, error)
                session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message.id).values(
                    sent_at=None, attempts=attempts, last_error=f"{type(error).__name__}: {error}"[:1000],
                    next_attempt_at=now + retry_delay(attempts)))
                session.commit()
                continue
            session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message.id).values(
                subject=rendered.subject[:200], body=rendered.text, attempts=(message.attempts or 0) + 1,
                last_error=None))
            session.commit()
            sent += 1
    return sent


def _rendered(adapters: ports.Registry, message: OutboxMessage) -> ports.RenderedMail:
    if message.template is None:  # queued before messages were rendered at delivery
        return ports.RenderedMail(subject=message.subject, text=message.body, html="")
    return adapters.mail_renderer.render(message.template, message.lang, dict(message.params or {}))


def deliver_quietly() -> None:
    """deliver_pending for the end of a request: a mail problem never fails the page."""
    try:
        deliver_pending()
    except Exception:  # noqa: BLE001  the messages stay in the outbox for the next attempt
        log.exception("outbox delivery failed")

"""E-mail through an outbox table: messages are written in the transaction that causes them
and sent after it commits (to the log in development, by SMTP when MAIL_SERVER is set)."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale, format_currency, format_date, format_datetime

from shop.database import write_transaction
from shop.extensions import db
from shop.models import OutboxMessage, utcnow

log = logging.getLogger("shop.mail")


def absolute_url(endpoint: str, **values) -> str:
    """A full link for an e-mail, from the request's host or SHOP_BASE_URL outside requests."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config.get("SHOP_BASE_URL") or "http://127.0.0.1:5000"
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)


def enqueue(to: str, template: str, lang: str, **context) -> OutboxMessage:
    """Render email/<template>.html in `lang` and add it to the outbox (caller commits).

    The template's first line is the subject; the rest is the plain-text body.
    """
    with force_locale(lang):
        rendered = render_template(f"email/{template}.html", lang=lang, money=format_currency,
                                   format_date=format_date, format_datetime=format_datetime, **context)
    subject, _, body = rendered.strip().partition("\n")
    message = OutboxMessage(to=to, subject=subject.strip()[:200], body=body.strip() + "\n", lang=lang)
    db.session.add(message)
    return message


def deliver_pending(limit: int = 50) -> int:
    """Send what waits in the outbox. Messages are claimed first (one UPDATE ... RETURNING), so
    two workers never send the same one; a message that fails goes back. Returns how many were sent."""
    with write_transaction():  # claim under the write lock from the start (SQLite: BEGIN IMMEDIATE)
        ids = list(db.session.scalars(
            sa.select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id).limit(limit)))
        claimed = list(db.session.scalars(
            sa.update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.sent_at.is_(None))
            .values(sent_at=utcnow()).returning(OutboxMessage.id))) if ids else []
    if not claimed:
        return 0
    sent = 0
    for message in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(claimed))
                                      .order_by(OutboxMessage.id)):
        try:
            _send(message)
            sent += 1
        except (OSError, smtplib.SMTPException):
            log.exception("could not send mail %s to %s; it stays in the outbox", message.id, message.to)
            with write_transaction():
                db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message.id).values(sent_at=None))
    db.session.commit()
    return sent


def deliver_quietly() -> None:
    """deliver_pending for the end of a request: a mail problem never fails the page."""
    try:
        deliver_pending()
    except Exception:  # noqa: BLE001  the messages stay in the outbox for the next attempt
        db.session.rollback()
        log.exception("outbox delivery failed")


def _send(message: OutboxMessage) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        log.info("mail to %s (%s): %s\n%s", message.to, message.lang, message.subject, message.body)
        return
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.to
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT", 25), timeout=20) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(email)

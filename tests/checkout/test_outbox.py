"""The outbox: mail is queued with the change that causes it and handed to the mail adapter only
after the commit (nothing for a rolled-back order), as plain text and HTML in the buyer's
language; a failed delivery is kept with its attempts and last error and tried again later."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import threading

import pytest
import sqlalchemy as sa

from shop import bootstrap
from shop.extensions import db
from shop.models import OutboxMessage, utcnow
from shop.services import ordering, outbox
from shop.services.ordering import bookings
from shop.services.ports import MailDeliveryError

from .conftest import csrf_from, new_buyer


def _mails(folder) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted(folder.glob("*.eml"))]


def test_an_order_rolled_back_after_its_mail_was_queued_sends_nothing(app, buyer, world, tmp_path, monkeypatch):
    app.config["MAIL_DIR"] = str(tmp_path)

    def departure_fills_up(loads):
        raise ordering.DepartureFull("KHG-MOW-TRUCK")

    # Booking runs last in the order's transaction, after the confirmation mail was queued.
    monkeypatch.setattr(bookings, "book", departure_fills_up)
    buyer.fill_cart({world["CR-ROSE"]: 1})
    response, _ = buyer.checkout()
    assert response.status_code == 409
    with app.app_context():
        assert outbox.deliver_pending() == 0
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    assert _mails(tmp_path) == []


@pytest.mark.committed  # the outbox delivers on a connection of its own: only committed mail is seen
def test_a_mail_queued_in_an_open_transaction_waits_for_its_commit(app, world, tmp_path):
    app.config["MAIL_DIR"] = str(tmp_path)
    with app.app_context():
        outbox.enqueue("x@example.com", "password_reset", "en", name="X", minutes=60,
                       link=outbox.link("storefront.home", lang="en"))
        db.session.flush()  # in the database, but not committed
        outbox.deliver_quietly()
        assert _mails(tmp_path) == []
        db.session.rollback()
        assert outbox.deliver_pending() == 0
    assert _mails(tmp_path) == []


def test_an_urdu_buyer_gets_text_and_html_in_urdu_right_to_left(app, world, tmp_path):
    app.config.update(MAIL_DIR=str(tmp_path), SHOP_BASE_URL="https://shop.example")
    buyer = new_buyer(app, "ur@example.com", lang="ur").sign_in("ur")
    buyer.fill_cart({world["CR-ROSE"]: 1})
    response, _ = buyer.checkout("ur")
    assert response.status_code == 303
    (mail,) = _mails(tmp_path)
    number = response.headers["Location"].rsplit("/", 1)[1]
    assert mail["To"] == "ur@example.com" and number in mail["Subject"] and mail["Content-Language"] == "ur"
    text = mail.get_body(("plain",)).get_content()
    page = mail.get_body(("html",)).get_content()
    assert "گلاب فیس کریم" in text and f"https://shop.example/ur/orders/{number}" in text
    assert '<html lang="ur" dir="rtl">' in page and "گلاب فیس کریم" in page
    assert f'href="https://shop.example/ur/orders/{number}?access=' in page


def test_an_english_mail_reads_left_to_right(app, world, tmp_path):
    app.config["MAIL_DIR"] = str(tmp_path)
    buyer = new_buyer(app, "en@example.com").sign_in()
    buyer.fill_cart({world["CR-ROSE"]: 1})
    buyer.checkout()
    (mail,) = _mails(tmp_path)
    assert '<html lang="en" dir="ltr">' in mail.get_body(("html",)).get_content()
    assert "1 × Rose face cream" in mail.get_body(("plain",)).get_content()


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite gives UTC times back without their zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class _Down:
    def send(self, mail):
        raise MailDeliveryError("ConnectionRefusedError: [Errno 111] Connection refused")


@pytest.mark.committed  # delivery writes in a session of its own, read back after a rollback
def test_a_failed_delivery_is_counted_and_tried_again_after_a_wait(app, world, tmp_path):
    app.config["MAIL_DIR"] = str(tmp_path)
    with app.app_context():
        outbox.enqueue("x@example.com", "password_reset", "ru", name="X", minutes=60,
                       link=outbox.link("storefront.home", lang="ru"))
        db.session.commit()
        working = bootstrap.registry_of(app).mailer
        bootstrap.registry_of(app).mailer = _Down()
        now = utcnow()
        assert outbox.deliver_pending(now=now) == 0
        message = db.session.scalar(sa.select(OutboxMessage))
        assert (message.sent_at, message.attempts) == (None, 1)
        assert "Connection refused" in message.last_error and _aware(message.next_attempt_at) > now
        bootstrap.registry_of(app).mailer = working
        assert outbox.deliver_pending(now=now + dt.timedelta(seconds=1)) == 0  # still waiting
        assert outbox.deliver_pending(now=message.next_attempt_at) == 1
        db.session.rollback()  # end this session's read snapshot: delivery wrote in a session of its own
        message = db.session.scalar(sa.select(OutboxMessage))
        assert message.sent_at is not None and message.attempts == 2 and message.last_error is None
        assert message.subject == "Выберите новый пароль"
        assert outbox.deliver_pending(now=message.next_attempt_at + dt.timedelta(hours=1)) == 0  # sent once
    assert len(_mails(tmp_path)) == 1


def test_the_wait_between_mail_attempts_grows_and_is_capped():
    waits = [outbox.retry_delay(n) for n in range(1, 8)]
    minutes = [int(w.total_seconds() // 60) for w in waits]
    assert minutes == [1, 5, 30, 120, 720, 720, 720]
    assert outbox.MAX_ATTEMPTS == 6  # after the 12-hour wait one more try, then the message is failed


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free port, keeping what it receives."""
    from aiosmtpd.controller import Controller
    from conftest import free_port
    received: list[bytes] = []
    done = threading.Event()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope.content)
            done.set()
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, received, done
    controller.stop()


def test_mail_goes_through_a_real_smtp_server_as_multipart(app, world, smtp_server):
    controller, received, done = smtp_server
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_FROM="shop@kashgar.example")
    new_buyer(app, "zh@example.com", lang="zh")
    client = app.test_client()
    page = client.get("/zh/reset-password").get_data(as_text=True)
    client.post("/zh/reset-password", data={"email": "zh@example.com", "csrf_token": csrf_from(page)})
    assert done.wait(10)
    mail = email.message_from_bytes(received[0], policy=email.policy.default)
    assert mail["From"] == "shop@kashgar.example" and mail["Subject"] == "设置新密码"
    assert mail.get_content_type() == "multipart/alternative"
    assert '<html lang="zh-Hans" dir="ltr">' in mail.get_body(("html",)).get_content()
    assert "/zh/reset-password/" in mail.get_body(("plain",)).get_content()


def test_a_mail_in_yuan_shows_its_total_once(app, world, tmp_path):
    app.config["MAIL_DIR"] = str(tmp_path)
    buyer = new_buyer(app, "zh@example.com", lang="zh").sign_in("zh")
    buyer.fill_cart({world["CR-ROSE"]: 1})
    response, _ = buyer.checkout("zh")
    assert response.status_code == 303
    (mail,) = _mails(tmp_path)
    text = mail.get_body(("plain",)).get_content()
    [total] = [line for line in text.splitlines() if line.startswith("合计")]
    assert "（" not in total and total.count("¥") == 1, total


def test_urdu_tells_the_time_by_the_part_of_the_day(app):
    from shop.web import words
    evening = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)  # 18:00 in Kashgar's official time
    with app.test_request_context("/ur/"):
        from flask import g
        g.lang = "ur"
        assert words.clock(evening) == "6:00 شام"
    with app.test_request_context("/ru/"):
        from flask import g
        g.lang = "ru"
        assert words.clock(evening) == "18:00"

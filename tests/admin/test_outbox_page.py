"""/admin/outbox: every e-mail with its status, attempts and last error; failed and sent ones resent."""
from __future__ import annotations

import re

import sqlalchemy as sa

from shop.extensions import db
from tests.support import add_user, csrf_token, sign_in

PASSWORD = "outbox-admin-2026"


def _message(**values):
    from shop.models import OutboxMessage
    message = OutboxMessage(to=values.pop("to", "x@example.com"), lang=values.pop("lang", "ru"),
                            template="password_reset", params={"name": "X", "minutes": 60,
                                                               "link": {"endpoint": "storefront.home",
                                                                        "values": {"lang": "ru"}}},
                            subject="", body="", **values)
    db.session.add(message)
    db.session.flush()
    return message.id


def _admin(app, role="admin"):
    with app.app_context():
        add_user(f"{role}@example.com", PASSWORD, role=role)
        db.session.commit()
    client = app.test_client()
    sign_in(client, f"{role}@example.com", PASSWORD)
    return client


def test_the_outbox_lists_each_mail_with_its_status_and_last_error(app):
    from shop.services import outbox
    with app.app_context():
        _message(to="waiting@example.com")
        _message(to="retry@example.com", attempts=2, last_error="ConnectionRefusedError: [Errno 111]")
        _message(to="gave-up@example.com", attempts=outbox.MAX_ATTEMPTS, last_error="SMTPRecipientsRefused")
        db.session.commit()
    client = _admin(app)
    html = client.get("/admin/outbox").get_data(as_text=True)
    rows = dict(re.findall(r'<tr data-status="(\w+)">.*?<span class="ltr" dir="ltr">([^<]+)</span>', html, re.S))
    assert rows == {"pending": "waiting@example.com", "retrying": "retry@example.com", "failed": "gave-up@example.com"}
    assert "SMTPRecipientsRefused" in html and "3 e-mails" in html
    failed_only = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "gave-up@example.com" in failed_only and "waiting@example.com" not in failed_only


def test_a_failed_mail_resent_gets_a_fresh_round_and_is_delivered(app, tmp_path):
    from shop.models import OutboxMessage
    from shop.services import outbox
    app.config["MAIL_DIR"] = str(tmp_path)
    with app.app_context():
        failed = _message(to="gave-up@example.com", attempts=outbox.MAX_ATTEMPTS, last_error="refused")
        db.session.commit()
    client = _admin(app)
    response = client.post(f"/admin/outbox/{failed}/resend", data={"csrf_token": csrf_token(client, "/admin/outbox")})
    assert response.status_code == 303
    with app.app_context():
        message = db.session.get(OutboxMessage, failed)
        assert outbox.status_of(message) == "sent" and message.subject == "Выберите новый пароль"
    assert len(list(tmp_path.glob("*.eml"))) == 1
    again = client.post(f"/admin/outbox/{failed}/resend", data={"csrf_token": csrf_token(client, "/admin/outbox")})
    assert again.status_code == 303  # a sent one is copied, so the history keeps both
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 2


def test_only_admins_see_the_outbox_and_resending_needs_the_form_token(app):
    from shop.models import OutboxMessage
    from shop.services import outbox
    with app.app_context():
        message = _message(attempts=outbox.MAX_ATTEMPTS, last_error="refused")
        db.session.commit()
    assert app.test_client().get("/admin/outbox").status_code == 302  # sign in first
    assert _admin(app, role="staff").get("/admin/outbox").status_code == 403
    admin = _admin(app)
    admin.post(f"/admin/outbox/{message}/resend")  # no CSRF token: refused, nothing queued
    with app.app_context():
        assert outbox.status_of(db.session.get(OutboxMessage, message)) == "failed"
    assert admin.post("/admin/outbox/999999/resend",
                      data={"csrf_token": csrf_token(admin, "/admin/outbox")}).status_code == 404
    assert admin.get("/admin/outbox?page=%00").status_code in (200, 400)


def test_the_outbox_page_reads_in_russian(app):
    client = _admin(app)
    client.get("/admin/language/ru?next=/admin/outbox")
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert "Исходящие письма" in html and "Здесь нет писем." in html

"""Accounts: register, sign in and out, remember me, change and reset a password, rate limits."""
import re

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import OutboxMessage, User

from .conftest import PASSWORD, base_config, csrf_from, empty_tables, new_buyer


def _post(client, path, data):
    page = client.get(path).get_data(as_text=True)
    return client.post(path, data={**data, "csrf_token": csrf_from(page)})


def test_register_signs_the_buyer_in_with_a_hashed_password(app, client):
    response = _post(client, "/ru/register", {"name": "Анна", "email": "Anna@Example.com",
                                               "password": "long-enough-pw", "password2": "long-enough-pw"})
    assert response.status_code == 302
    assert "Выйти" in client.get("/ru/account").get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "anna@example.com"))
        assert user.preferred_lang == "ru" and user.role == "buyer"
        assert user.password_hash != "long-enough-pw" and user.check_password("long-enough-pw")


def test_register_refuses_a_taken_email_and_keeps_the_entries(app, client):
    new_buyer(app, "taken@example.com")
    response = _post(client, "/ur/register", {"name": "Ali", "email": "taken@example.com",
                                               "password": "long-enough-pw", "password2": "long-enough-pw"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "اس ای میل سے ایک اکاؤنٹ پہلے سے موجود ہے" in page
    assert 'value="taken@example.com"' in page


def test_forms_without_a_csrf_token_change_nothing(app, client):
    new_buyer(app, "b@example.com")
    response = client.post("/en/login", data={"email": "b@example.com", "password": PASSWORD})
    assert response.status_code == 303
    assert client.get("/en/account").status_code == 302  # still signed out


def test_sign_in_remember_me_and_sign_out(app, client):
    new_buyer(app, "b@example.com")
    response = _post(client, "/en/login", {"email": "B@example.com", "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    assert "remember_token" in response.headers.get("Set-Cookie", "")
    assert client.get("/en/account").status_code == 200
    _post(client, "/en/logout", {})
    assert client.get("/en/account").status_code == 302


def test_wrong_password_is_refused_in_the_buyers_language(app, client):
    new_buyer(app, "b@example.com")
    response = _post(client, "/zh/login", {"email": "b@example.com", "password": "not-the-password"})
    assert response.status_code == 400
    assert "电子邮箱或密码不正确。" in response.get_data(as_text=True)


def test_a_guest_with_an_empty_cart_is_sent_back_to_the_cart_not_to_sign_in(client):
    response = client.get("/en/checkout")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/cart")


def test_change_password_checks_the_current_one(app, world):
    buyer = new_buyer(app, "b@example.com").sign_in()
    response = _post(buyer.client, "/en/account/password",
                     {"current": "wrong-password", "password": "a-new-password", "password2": "a-new-password"})
    assert response.status_code == 400
    assert "This is not your current password." in response.get_data(as_text=True)
    response = _post(buyer.client, "/en/account/password",
                     {"current": PASSWORD, "password": "a-new-password", "password2": "a-new-password"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "b@example.com")).check_password("a-new-password")


def test_password_reset_link_goes_by_email_in_the_buyers_language_and_works_once(app, client):
    new_buyer(app, "b@example.com")
    response = _post(client, "/ru/reset-password", {"email": "b@example.com"})
    assert response.status_code == 302
    with app.app_context():
        mail = db.session.scalar(sa.select(OutboxMessage))
        assert mail.to == "b@example.com" and mail.lang == "ru"
        assert mail.subject == "Выберите новый пароль"
        assert mail.sent_at is not None  # written to a folder of .eml files in development and tests
        link = re.search(r"https?://\S+/ru/reset-password/\S+", mail.body).group(0)
    # The link is on the shop's own address (SHOP_BASE_URL), not the host the request named.
    assert link.startswith(app.config["SHOP_BASE_URL"] + "/ru/reset-password/")
    path = link.removeprefix(app.config["SHOP_BASE_URL"])
    response = _post(client, path, {"password": "brand-new-secret", "password2": "brand-new-secret"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(User)).check_password("brand-new-secret")
    # Used once: the same link is refused now.
    response = client.get(path)
    assert response.status_code == 302 and "/ru/reset-password" in response.headers["Location"]


def test_password_reset_for_an_unknown_email_says_the_same_and_sends_nothing(app, client):
    response = _post(client, "/en/reset-password", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert "If an account exists for nobody@example.com" in client.get("/en/login").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_signing_in_brings_the_guest_cart_along(app, world):
    from .conftest import Buyer
    buyer = new_buyer(app, "b@example.com")
    guest = buyer.client
    page = guest.get("/en/cart").get_data(as_text=True)
    guest.post("/en/cart", data={"sku": "CR-ROSE", "quantity": "2", "csrf_token": csrf_from(page)})
    Buyer(app, guest, buyer.user_id, buyer.email).sign_in()
    checkout = guest.get("/en/checkout").get_data(as_text=True)
    assert "2 × Rose face cream" in checkout


@pytest.fixture
def limited_app(database_urls):
    """The app with rate limits on (the test config turns them off), in memory."""
    from shop import create_app
    from shop.extensions import limiter
    app = create_app({**base_config(), "SQLALCHEMY_DATABASE_URI": database_urls["sqlite"],
                      "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        empty_tables()
    yield app
    limiter.enabled = False  # the limiter is one object for every app this process makes
    with app.app_context():
        db.session.remove()


def test_sign_in_attempts_are_limited_per_address(limited_app):
    client = limited_app.test_client()
    page = client.get("/ru/login").get_data(as_text=True)
    token = csrf_from(page)
    codes = [client.post("/ru/login", data={"email": f"user{n}@example.com", "password": "x", "csrf_token": token},
                         environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code for n in range(11)]
    assert codes[:10] == [400] * 10 and codes[10] == 429
    last = client.post("/ru/login", data={"email": "z@example.com", "password": "x", "csrf_token": token},
                       environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert "Слишком много попыток" in last.get_data(as_text=True)


def test_sign_in_attempts_are_limited_per_account_from_any_address(limited_app):
    client = limited_app.test_client()
    token = csrf_from(client.get("/en/login").get_data(as_text=True))
    codes = [client.post("/en/login", data={"email": "target@example.com", "password": "guess", "csrf_token": token},
                         environ_base={"REMOTE_ADDR": f"10.2.0.{n}"}).status_code for n in range(11)]
    assert codes[10] == 429


def test_mail_goes_by_smtp_when_a_mail_server_is_configured(app, monkeypatch):
    import smtplib

    from shop.services import outbox
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(("send", message["To"], message["Subject"], message.get_body(("plain",)).get_content()))

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="mail.example.com", MAIL_PORT=2525)
    new_buyer(app, "b@example.com")
    with app.test_request_context("/zh/reset-password"):
        from shop.services import accounts
        assert accounts.request_password_reset("b@example.com", "zh")
        assert outbox.deliver_pending() == 1
        assert outbox.deliver_pending() == 0  # sent once
    assert sent[0] == ("connect", "mail.example.com", 2525)
    assert sent[1][1:3] == ("b@example.com", "设置新密码")
    assert "/zh/reset-password/" in sent[1][3]

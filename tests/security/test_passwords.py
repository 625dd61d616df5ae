"""The password rule (10+ characters, not the e-mail, not a common password) at every door:
register, change, reset and `shop create-user`; refusals in the buyer's language."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from shop.domain import passwords
from shop.extensions import db

EMAIL = "gulchehra.tursun@example.uz"
GOOD = "apricot-kernels-in-june"
REFUSED = {
    "password123": passwords.TOO_COMMON,
    "QWERTYUIOP": passwords.TOO_COMMON,
    "1234567890": passwords.TOO_COMMON,
    "iloveyou2026": passwords.TOO_COMMON,
    EMAIL.upper(): passwords.IS_EMAIL,
    "Gulchehra.Tursun": passwords.IS_EMAIL,
    "short-1": passwords.TOO_SHORT,
}


def _translated(app, lang: str, text: str) -> str:
    from flask_babel import force_locale, gettext
    with app.test_request_context(f"/{lang}/"), force_locale(lang):
        translated = gettext(text)
    assert translated != text, f"{text!r} has no {lang} translation"
    return translated


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _accounts(app) -> int:
    from shop.models import User
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(User))


@pytest.mark.parametrize(("password", "code"), REFUSED.items())
def test_the_rule_refuses_with_a_code(password, code):
    assert passwords.refusal(password, EMAIL) == code
    with pytest.raises(passwords.WeakPassword) as raised:
        passwords.check(password, EMAIL)
    assert raised.value.code == code


@pytest.mark.parametrize("password", [GOOD, "demo-buyer-2026", "demo-merchant-2026", "Кашгар-базар-2026"])
def test_the_rule_accepts_long_uncommon_passwords(password):
    assert passwords.refusal(password, EMAIL) is None


def test_the_shipped_list_is_a_real_list():
    common = passwords.common_passwords()
    assert len(common) >= 1000
    assert {"password123", "qwertyuiop", "1234567890"} <= common


def test_the_demo_accounts_pass_the_rule():
    from shop.demo.accounts import ACCOUNTS
    for account in ACCOUNTS:
        assert passwords.refusal(account["password"], account["email"]) is None, account["email"]


@pytest.mark.parametrize(("lang", "password", "message"), [
    ("en", "password123", "This password is one of the most common ones. Please choose one that is harder to guess."),
    ("zh", EMAIL, "Your password must not be your e-mail address."),
    ("ru", "qwertyuiop", "This password is one of the most common ones. Please choose one that is harder to guess."),
    ("ur", "gulchehra.tursun", "Your password must not be your e-mail address."),
])
def test_registering_with_a_refused_password_says_why_in_the_buyers_language(app, client, lang, password, message):
    page = client.get(f"/{lang}/register").get_data(as_text=True)
    response = client.post(f"/{lang}/register", data={
        "name": "Gulchehra", "email": EMAIL, "password": password, "password2": password, "csrf_token": _csrf(page)})
    assert response.status_code == 400
    expected = message if lang == "en" else _translated(app, lang, message)
    assert expected in response.get_data(as_text=True)
    assert _accounts(app) == 0


@pytest.fixture
def buyer(app):
    from shop.services import accounts
    with app.app_context():
        return accounts.register(email=EMAIL, name="Gulchehra", password=GOOD, lang="ru").id


def test_a_new_password_must_pass_the_rule_and_the_old_one_keeps_working(app, client, auth, buyer):
    auth.login(EMAIL, GOOD, lang="ru")
    page = client.get("/ru/account/password").get_data(as_text=True)
    response = client.post("/ru/account/password", data={
        "current": GOOD, "password": "password123", "password2": "password123", "csrf_token": _csrf(page)})
    assert response.status_code == 400
    assert _translated(app, "ru", "This password is one of the most common ones. Please choose one that is harder "
                                  "to guess.") in response.get_data(as_text=True)
    from shop.services import accounts
    with app.app_context():
        assert accounts.authenticate(EMAIL, GOOD) is not None


def test_a_reset_password_must_pass_the_rule(app, client, buyer):
    from shop.models import User
    from shop.services import accounts
    with app.app_context():
        link = f"/ur/reset-password/{accounts.reset_token(db.session.get(User, buyer))}"
    page = client.get(link).get_data(as_text=True)
    response = client.post(link, data={"password": EMAIL, "password2": EMAIL, "csrf_token": _csrf(page)})
    assert response.status_code == 400
    assert _translated(app, "ur", "Your password must not be your e-mail address.") in response.get_data(as_text=True)
    with app.app_context():
        assert accounts.authenticate(EMAIL, GOOD) is not None
        assert accounts.authenticate(EMAIL, EMAIL) is None


def test_the_services_refuse_a_weak_password_whoever_calls_them(app, buyer):
    from shop.services import accounts
    with app.app_context():
        with pytest.raises(accounts.WeakPassword):
            accounts.register(email="other@example.com", name="Other", password="1234567890", lang="en")
        with pytest.raises(accounts.WeakPassword):
            accounts.change_password(buyer, GOOD, "gulchehra.tursun")
    assert _accounts(app) == 1


@pytest.mark.parametrize("password", ["password123", "staff@example.com", "short-pw"])
def test_create_user_refuses_a_weak_password(app, runner, password):
    result = runner.invoke(args=["shop", "create-user", "staff@example.com", "--role", "staff", "--password", password])
    assert result.exit_code != 0
    assert "--password" in result.output
    assert _accounts(app) == 0
    ok = runner.invoke(args=["shop", "create-user", "staff@example.com", "--role", "staff", "--password", GOOD])
    assert ok.exit_code == 0, ok.output
    assert _accounts(app) == 1

"""Signing out, a new password or a reset ends every session of the account: a copied session
or remember-me cookie stops working."""
from __future__ import annotations

import pytest

from shop.extensions import db

PASSWORD = "amber-caravan-2026"
NEW_PASSWORD = "walnut-orchard-1948"
EMAIL = "dilnoza@example.uz"


@pytest.fixture
def buyer(app):
    from shop.services import accounts
    with app.app_context():
        user = accounts.register(email=EMAIL, name="Dilnoza", password=PASSWORD, lang="en")
        return user.id


def signed_in(client) -> bool:
    response = client.get("/en/account")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def sign_in(client, auth, remember: bool = False) -> None:
    data = {"email": EMAIL, "password": PASSWORD, "csrf_token": auth.csrf("/en/login")}
    if remember:
        data["remember"] = "y"
    assert client.post("/en/login", data=data).status_code == 302
    assert signed_in(client)


def copy_of(app, client, name: str):
    """A second browser holding a copy of `client`'s cookie `name`."""
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    thief = app.test_client()
    thief.set_cookie(name, cookie.value)
    return thief


def test_a_copied_session_cookie_stops_working_after_sign_out(app, client, auth, buyer):
    sign_in(client, auth)
    thief = copy_of(app, client, "session")
    assert signed_in(thief)
    auth.logout()
    assert not signed_in(client)
    assert not signed_in(thief)


def test_a_copied_remember_me_cookie_stops_working_after_sign_out(app, client, auth, buyer):
    sign_in(client, auth, remember=True)
    thief = copy_of(app, client, "remember_token")
    assert signed_in(thief)  # the remember-me cookie alone signs in
    auth.logout()
    assert not signed_in(copy_of(app, thief, "remember_token"))


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, client, auth, buyer):
    sign_in(client, auth, remember=True)
    session_thief = copy_of(app, client, "session")
    remember_thief = copy_of(app, client, "remember_token")
    token = auth.csrf("/en/account/password")
    response = client.post("/en/account/password", data={
        "current": PASSWORD, "password": NEW_PASSWORD, "password2": NEW_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(session_thief)
    assert not signed_in(remember_thief)


def test_a_password_reset_ends_every_session(app, client, auth, buyer):
    from shop.models import User
    from shop.services import accounts
    sign_in(client, auth, remember=True)
    session_thief = copy_of(app, client, "session")
    remember_thief = copy_of(app, client, "remember_token")
    with app.app_context():
        link = f"/en/reset-password/{accounts.reset_token(db.session.get(User, buyer))}"
    visitor = app.test_client()
    page = visitor.get(link).get_data(as_text=True)
    import re
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = visitor.post(link, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD, "csrf_token": csrf})
    assert response.status_code == 302 and "/en/login" in response.headers["Location"]
    assert not signed_in(client)
    assert not signed_in(session_thief)
    assert not signed_in(remember_thief)


def test_sign_out_everywhere_on_the_account_page_ends_every_session(app, client, auth, buyer):
    sign_in(client, auth)
    other_browser = app.test_client()
    sign_in(other_browser, type(auth)(other_browser))
    page = client.get("/en/account").get_data(as_text=True)
    assert 'action="/en/account/sign-out-everywhere"' in page
    assert "Sign out everywhere" in page
    # Without the form's CSRF token nothing happens.
    refused = client.post("/en/account/sign-out-everywhere", data={})
    assert refused.status_code in (303, 400)
    assert signed_in(other_browser)
    response = client.post("/en/account/sign-out-everywhere", data={"csrf_token": auth.csrf("/en/account")})
    assert response.status_code == 303
    assert not signed_in(client)
    assert not signed_in(other_browser)


def test_an_old_style_cookie_without_a_version_signs_nobody_in(app, buyer):
    visitor = app.test_client()
    with visitor.session_transaction() as session:
        session["_user_id"] = str(buyer)
        session["_fresh"] = True
    assert not signed_in(visitor)


def test_the_remember_me_cookie_is_same_site_lax_and_secure_in_production(client, auth, buyer):
    from config import ProductionConfig
    data = {"email": EMAIL, "password": PASSWORD, "remember": "y", "csrf_token": auth.csrf("/en/login")}
    response = client.post("/en/login", data=data)
    remember = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token=")]
    assert remember and "SameSite=Lax" in remember[0] and "HttpOnly" in remember[0]
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SAMESITE == "Lax"


def test_a_deactivated_account_is_signed_out_at_its_next_request(app, client, auth, buyer):
    from shop.models import User
    sign_in(client, auth, remember=True)
    with app.app_context():
        db.session.get(User, buyer).active = False
        db.session.commit()
    assert not signed_in(client)

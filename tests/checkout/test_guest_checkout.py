"""Buying without an account: the e-mail the order goes to, the order lookup, the signed link in
every mail, and keeping the order in an account afterwards. The attacker's side too: a stranger
with the URL, a wrong e-mail, a forged or borrowed link, another account."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import Address, Order, OutboxMessage, User

from .conftest import PASSWORD, app_for, csrf_from, hidden, new_buyer, seed_world

GUEST_EMAIL = "Guest.Buyer@Example.com"
ADDRESS = {"name": "Иван Петров", "phone": "+7 912 345-67-89", "country": "RU", "city": "Москва",
           "address": "ул. Тверская, д. 7, кв. 12", "postcode": "125009", "line": "auto", "payment_method": "cod"}


class Guest:
    """A visitor without an account, in one browser (one test client, one session cookie)."""

    def __init__(self, app, lang: str = "en") -> None:
        self.app, self.client, self.lang = app, app.test_client(), lang

    def add(self, sku: str, quantity: int = 1) -> None:
        token = csrf_from(self.client.get(f"/{self.lang}/cart").get_data(as_text=True))
        response = self.client.post(f"/{self.lang}/cart", data={"sku": sku, "quantity": str(quantity),
                                                                "csrf_token": token})
        assert response.status_code == 303

    def checkout_page(self):
        response = self.client.get(f"/{self.lang}/checkout")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def checkout(self, **fields):
        page = self.checkout_page()
        data = {**ADDRESS, "email": GUEST_EMAIL, "csrf_token": csrf_from(page),
                "idempotency_key": hidden(page, "idempotency_key"), **fields}
        return self.client.post(f"/{self.lang}/checkout", data={k: v for k, v in data.items() if v is not None})

    def buy(self, sku: str = "CR-ROSE", **fields) -> str:
        self.add(sku)
        response = self.checkout(**fields)
        assert response.status_code == 303, response.get_data(as_text=True)[:600]
        return response.headers["Location"].rsplit("/orders/", 1)[1]


def _order(app, number: str) -> Order:
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        db.session.expunge(order)
        return order


def _mailed_link(app, number: str) -> str:
    """The order link of the order's confirmation mail, as the buyer reads it."""
    with app.app_context():
        mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "order_placed"))
        assert mail.to == GUEST_EMAIL.lower() and number in mail.subject
        (link,) = {m for m in re.findall(r"https?://\S+", mail.body) if f"/orders/{number}" in m}
        return link


def _path(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_a_guest_buys_with_an_email_and_no_account(app, world):
    guest = Guest(app)
    guest.add("CR-ROSE")
    page = guest.checkout_page()
    assert 'name="email"' in page and "No account needed" in page
    number = guest.buy()
    order = _order(app, number)
    assert order.user_id is None and order.email == GUEST_EMAIL.lower() and order.status == "confirmed"
    # The same browser sees its order; the cart let the goods go.
    response = guest.client.get(f"/en/orders/{number}")
    assert response.status_code == 200 and 'data-status="confirmed"' in response.get_data(as_text=True)
    assert "CR-ROSE" not in guest.client.get("/en/cart").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0  # no account made behind the scenes
    assert "Keep this order in an account" in response.get_data(as_text=True)


@pytest.mark.parametrize(("email", "message"), [
    (None, "Please enter your e-mail"), ("", "Please enter your e-mail"), ("not-an-address", "valid e-mail"),
    ("a@b.c\x00d", None), ("x" * 250 + "@example.com", "valid e-mail"),
])
def test_a_guest_must_give_a_working_email(app, world, email, message):
    guest = Guest(app)
    guest.add("CR-ROSE")
    response = guest.checkout(email=email) if email is not None else guest.checkout(email=None)
    assert response.status_code == 400
    assert message is None or message in response.get_data(as_text=True)  # NUL: the input guard's own 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0


def test_every_mail_carries_a_signed_link_that_opens_the_order_in_another_browser(app, world):
    app.config.update(SHOP_BASE_URL="https://shop.example")
    number = Guest(app).buy()
    link = _mailed_link(app, number)
    assert link.startswith(f"https://shop.example/en/orders/{number}?access=")
    other_device = app.test_client()
    response = other_device.get(_path(link))
    # The key leaves the address bar at once; the browser holds the order from then on.
    assert response.status_code == 303 and response.headers["Location"] == f"/en/orders/{number}"
    page = other_device.get(f"/en/orders/{number}")
    assert page.status_code == 200 and number in page.get_data(as_text=True)


def test_a_stranger_cannot_open_a_guests_order(app, world):
    number = Guest(app).buy()
    stranger = app.test_client()
    response = stranger.get(f"/en/orders/{number}")
    assert response.status_code == 302 and "/en/login" in response.headers["Location"]  # not the order
    assert 'id="order-status"' not in stranger.get(f"/en/orders/{number}", follow_redirects=True).get_data(as_text=True)
    assert stranger.get(f"/en/orders/{number}/pay").status_code in (302, 404)
    # A forged key, a key for another order, a key made with another secret: all refused.
    for bad in ("forged", "x" * 1000, "eyJuIjoiS1MifQ.abc.def"):
        assert stranger.get(f"/en/orders/{number}?access={bad}").status_code == 303
        assert stranger.get(f"/en/orders/{number}").status_code == 302
    other = Guest(app).buy("LB-SOFT")
    with app.app_context():
        from shop.services import order_tokens
        key_for_other = order_tokens.token_for(other, GUEST_EMAIL.lower())
    stranger.get(f"/en/orders/{number}?access={key_for_other}")
    assert stranger.get(f"/en/orders/{number}").status_code == 302
    # A signed-in buyer is no closer to someone else's guest order.
    buyer = new_buyer(app, "nosy@example.com").sign_in()
    assert buyer.client.get(f"/en/orders/{number}").status_code == 404
    response = buyer.client.post(f"/en/orders/{number}/cancel",
                                 data={"csrf_token": csrf_from(buyer.client.get("/en/account").get_data(as_text=True))})
    assert response.status_code == 404 and _order(app, number).status == "confirmed"


def test_a_key_stops_opening_the_order_once_its_email_changes(app, world):
    number = Guest(app).buy()
    link = _mailed_link(app, number)
    with app.app_context():
        db.session.execute(sa.update(Order).where(Order.number == number).values(email="new@example.com"))
        db.session.commit()
    browser = app.test_client()
    browser.get(_path(link))
    assert browser.get(f"/en/orders/{number}").status_code == 302


def test_the_lookup_opens_the_order_and_says_the_same_for_a_wrong_number_or_email(app, world):
    number = Guest(app).buy()
    browser = app.test_client()
    page = browser.get("/en/orders/lookup").get_data(as_text=True)
    token = csrf_from(page)

    def look(number_, email):
        return browser.post("/en/orders/lookup", data={"number": number_, "email": email, "csrf_token": token})

    wrong_email, wrong_number = look(number, "someone@example.com"), look("KS000000-AAAAA", GUEST_EMAIL)
    assert wrong_email.status_code == wrong_number.status_code == 404
    said = [re.search(r'id="lookup-not-found"><p>(.*?)</p>', r.get_data(as_text=True)).group(1)
            for r in (wrong_email, wrong_number)]
    assert said[0] == said[1] and "We found no order" in said[0]
    assert browser.get(f"/en/orders/{number}").status_code == 302
    # Typed as people type: lower case number, e-mail in other capitals, spaces around.
    response = look(f" {number.lower()} ", " guest.buyer@EXAMPLE.com ")
    assert response.status_code == 303 and response.headers["Location"] == f"/en/orders/{number}"
    assert browser.get(f"/en/orders/{number}").status_code == 200


@pytest.mark.parametrize("data", [
    {"number": "KS\x00", "email": "a@example.com"}, {"number": "", "email": ""},
    {"number": "9" * 5000, "email": "a@example.com"}, {"number": ["a", "b"], "email": "x"},
])
def test_the_lookup_survives_hostile_input(app, world, data):
    browser = app.test_client()
    token = csrf_from(browser.get("/en/orders/lookup").get_data(as_text=True))
    response = browser.post("/en/orders/lookup", data={**data, "csrf_token": token})
    assert response.status_code in (400, 404)


def test_the_lookup_needs_csrf(app, world):
    number = Guest(app).buy()
    browser = app.test_client()
    response = browser.post("/en/orders/lookup", data={"number": number, "email": GUEST_EMAIL})
    assert response.status_code == 303 and response.headers["Location"] == "/en/orders/lookup"  # shown again
    assert browser.get(f"/en/orders/{number}").status_code == 302


@pytest.fixture
def limited_app(request, backend):
    yield from app_for(request, backend, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")


def test_the_lookup_is_rate_limited(limited_app):
    with limited_app.app_context():
        seed_world()
    browser = limited_app.test_client()
    token = csrf_from(browser.get("/en/orders/lookup").get_data(as_text=True))
    codes = [browser.post("/en/orders/lookup", data={"number": f"KS261203-AAAA{i % 10}", "email": "a@example.com",
                                                     "csrf_token": token}).status_code for i in range(12)]
    assert codes[:10] == [404] * 10 and codes[-1] == 429


def test_a_guest_keeps_the_order_in_a_new_account(app, world):
    guest = Guest(app)
    number = guest.buy()
    page = guest.client.get(f"/en/orders/{number}").get_data(as_text=True)
    response = guest.client.post(f"/en/orders/{number}/keep", data={
        "password": "a-long-new-password", "password2": "a-long-new-password", "csrf_token": csrf_from(page)})
    assert response.status_code == 303
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == GUEST_EMAIL.lower()))
        assert user is not None and user.check_password("a-long-new-password") and user.name == "Иван Петров"
        assert db.session.scalar(sa.select(Order.user_id).where(Order.number == number)) == user.id
        (saved,) = db.session.scalars(sa.select(Address).where(Address.user_id == user.id))
        assert saved.city == "Москва" and "Tverskaia" in saved.latin
    # Signed in now: the order is in the account's list and the account page.
    assert number in guest.client.get("/en/orders").get_data(as_text=True)
    assert number in guest.client.get("/en/account").get_data(as_text=True)


def test_a_weak_password_keeps_nothing(app, world):
    guest = Guest(app)
    number = guest.buy()
    page = guest.client.get(f"/en/orders/{number}").get_data(as_text=True)
    guest.client.post(f"/en/orders/{number}/keep", data={"password": "short", "password2": "short",
                                                          "csrf_token": csrf_from(page)})
    assert _order(app, number).user_id is None


def test_an_email_with_an_account_is_asked_to_sign_in_never_attached_silently(app, world):
    owner = new_buyer(app, GUEST_EMAIL.lower())
    guest = Guest(app)
    number = guest.buy()
    page = guest.client.get(f"/en/orders/{number}").get_data(as_text=True)
    assert 'id="sign-in-to-keep"' in page and 'id="keep-order-button"' not in page
    # Posting a password anyway opens no account and attaches nothing.
    response = guest.client.post(f"/en/orders/{number}/keep", data={
        "password": "a-long-new-password", "password2": "a-long-new-password", "csrf_token": csrf_from(page)})
    assert response.status_code == 303 and "/en/login" in response.headers["Location"]
    assert _order(app, number).user_id is None
    # Signed in as the owner of that e-mail, the buyer adds it with a click of their own.
    from .conftest import sign_in
    sign_in(guest.client, owner.email, PASSWORD)
    page = guest.client.get(f"/en/orders/{number}").get_data(as_text=True)
    assert 'id="attach-order"' in page and _order(app, number).user_id is None
    guest.client.post(f"/en/orders/{number}/keep", data={"csrf_token": csrf_from(page)})
    assert _order(app, number).user_id == owner.user_id


def test_another_account_cannot_take_a_guests_order(app, world):
    guest = Guest(app)
    number = guest.buy()
    from .conftest import sign_in
    other = new_buyer(app, "other@example.com")
    sign_in(guest.client, other.email, PASSWORD)  # the same browser, another e-mail's account
    page = guest.client.get(f"/en/orders/{number}").get_data(as_text=True)
    assert 'id="attach-order"' not in page
    guest.client.post(f"/en/orders/{number}/keep", data={"csrf_token": csrf_from(page)})
    assert _order(app, number).user_id is None
    # And a browser that never held the order cannot claim it at all.
    stranger = app.test_client()
    token = csrf_from(stranger.get("/en/orders/lookup").get_data(as_text=True))
    response = stranger.post(f"/en/orders/{number}/keep", data={
        "password": "a-long-new-password", "password2": "a-long-new-password", "csrf_token": token})
    assert response.status_code == 404 and _order(app, number).user_id is None


def test_a_guest_cancels_their_own_order(app, world):
    guest = Guest(app)
    number = guest.buy()
    page = guest.client.get(f"/en/orders/{number}").get_data(as_text=True)
    response = guest.client.post(f"/en/orders/{number}/cancel", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303 and _order(app, number).status == "cancelled"
    with app.app_context():  # the cancellation mail, too, opens the order without an account
        mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.template == "order_cancelled"))
        (link,) = {m for m in re.findall(r"https?://\S+", mail.body) if f"/orders/{number}?access=" in m}
    other_device = app.test_client()
    other_device.get(_path(link))
    assert 'data-status="cancelled"' in other_device.get(f"/en/orders/{number}").get_data(as_text=True)


def test_a_second_click_gives_the_same_guest_order(app, world):
    guest = Guest(app)
    guest.add("CR-ROSE")
    page = guest.checkout_page()
    data = {**ADDRESS, "email": GUEST_EMAIL, "csrf_token": csrf_from(page),
            "idempotency_key": hidden(page, "idempotency_key")}
    first = guest.client.post("/en/checkout", data=data)
    second = guest.client.post("/en/checkout", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 1


def test_login_page_and_cart_tell_a_buyer_they_can_check_out_as_a_guest(app, world):
    guest = Guest(app)
    assert "Check out as a guest" in guest.client.get("/en/login").get_data(as_text=True)
    guest.add("CR-ROSE")
    assert "check out as a guest" in guest.client.get("/en/cart").get_data(as_text=True)
    assert "以游客身份结账" in guest.client.get("/zh/login").get_data(as_text=True)
    assert "Оформить без регистрации" in guest.client.get("/ru/login").get_data(as_text=True)
    assert "مہمان کے طور پر چیک آؤٹ کریں" in guest.client.get("/ur/login").get_data(as_text=True)


def test_the_header_links_the_account_when_signed_in(app, world):
    assert 'id="account-link"' not in app.test_client().get("/en/").get_data(as_text=True)
    buyer = new_buyer(app, "b@example.com").sign_in()
    assert 'id="account-link"' in buyer.client.get("/en/").get_data(as_text=True)


def test_the_query_key_is_not_kept_in_the_redirect(app, world):
    number = Guest(app).buy()
    link = _mailed_link(app, number)
    response = app.test_client().get(_path(link))
    assert "access" not in parse_qs(urlsplit(response.headers["Location"]).query)

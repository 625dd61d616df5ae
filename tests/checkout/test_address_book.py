"""The address book: add, edit, delete, choose the default, each only on the buyer's own
addresses; the checkout starts from the default and offers the others (without JavaScript too);
the Latin form of an address is shown at checkout and the buyer's correction is what is printed."""
from __future__ import annotations

import re

import sqlalchemy as sa

from shop.extensions import db
from shop.models import Address, Order

from .conftest import csrf_from, hidden, new_buyer

LAHORE = {"name": "عائشہ خان", "phone": "0300 1234567", "country": "PK", "city": "لاہور",
          "address": "مکان نمبر ۱۲، گلی نمبر ۳، ماڈل ٹاؤن", "postcode": "54000"}
MOSCOW = {"name": "Иван Петров", "phone": "+7 912 345-67-89", "country": "RU", "city": "Москва",
          "address": "ул. Тверская, д. 7, кв. 12", "postcode": "125009"}


def _add(client, values, **extra):
    page = client.get("/en/account/addresses/new").get_data(as_text=True)
    return client.post("/en/account/addresses/new", data={**values, **extra, "csrf_token": csrf_from(page)})


def _book(app, email):
    with app.app_context():
        from shop.models import User
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
        rows = db.session.scalars(sa.select(Address).where(Address.user_id == user_id).order_by(Address.id))
        return [(a.id, a.city, a.is_default, a.latin) for a in rows]


def test_a_buyer_adds_edits_chooses_the_default_and_deletes(app, world):
    buyer = new_buyer(app, "book@example.com").sign_in()
    assert _add(buyer.client, LAHORE).status_code == 303
    assert _add(buyer.client, MOSCOW).status_code == 303
    (lahore, _, first_default, latin), (moscow, _, second_default, _l) = _book(app, buyer.email)
    assert first_default and not second_default  # the first one is the default
    assert latin == "Ayesha Khan, House No. 12, Gali No. 3, Model Town, Lahore, 54000, PK"
    page = buyer.client.get("/en/account/addresses").get_data(as_text=True)
    assert "ماڈل ٹاؤن" in page and "Model Town" in page

    token = csrf_from(page)
    buyer.client.post(f"/en/account/addresses/{moscow}/default", data={"csrf_token": token})
    assert [d for _, _, d, _ in _book(app, buyer.email)] == [False, True]

    edit = buyer.client.get(f"/en/account/addresses/{lahore}/edit").get_data(as_text=True)
    assert "گلی نمبر" in edit
    response = buyer.client.post(f"/en/account/addresses/{lahore}/edit", data={
        **LAHORE, "latin": "Ayesha Khan, House 12, Street 3, Model Town, Lahore, 54000, PK",
        "csrf_token": csrf_from(edit)})
    assert response.status_code == 303
    assert _book(app, buyer.email)[0][3] == "Ayesha Khan, House 12, Street 3, Model Town, Lahore, 54000, PK"

    buyer.client.post(f"/en/account/addresses/{moscow}/delete", data={"csrf_token": token})
    assert [(i, d) for i, _, d, _ in _book(app, buyer.email)] == [(lahore, True)]  # the other became default


def test_a_bad_address_is_shown_again_with_messages_and_nothing_saved(app, world):
    buyer = new_buyer(app, "book@example.com").sign_in()
    response = _add(buyer.client, {**LAHORE, "postcode": "1", "phone": "12", "latin": "Лахор"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "not a valid postcode in Pakistan" in page and "Latin letters" in page
    assert _book(app, buyer.email) == []


def test_another_buyers_address_cannot_be_seen_changed_deleted_or_made_default(app, world):
    owner = new_buyer(app, "owner@example.com").sign_in()
    _add(owner.client, LAHORE)
    ((address_id, _, _, latin),) = _book(app, owner.email)
    attacker = new_buyer(app, "attacker@example.com").sign_in()
    token = csrf_from(attacker.client.get("/en/account/addresses").get_data(as_text=True))
    assert attacker.client.get(f"/en/account/addresses/{address_id}/edit").status_code == 404
    assert attacker.client.post(f"/en/account/addresses/{address_id}/edit",
                                data={**MOSCOW, "csrf_token": token}).status_code == 404
    assert attacker.client.post(f"/en/account/addresses/{address_id}/delete",
                                data={"csrf_token": token}).status_code == 404
    assert attacker.client.post(f"/en/account/addresses/{address_id}/default",
                                data={"csrf_token": token}).status_code == 404
    assert "ماڈل ٹاؤن" not in attacker.client.get("/en/account/addresses").get_data(as_text=True)
    # Nor does the checkout fill in someone else's address from ?address=ID.
    attacker.fill_cart({world["CR-ROSE"]: 1})
    assert "ماڈل ٹاؤن" not in attacker.client.get(f"/en/checkout?address={address_id}").get_data(as_text=True)
    assert _book(app, owner.email) == [(address_id, "لاہور", True, latin)]
    for odd in ("99999999999999999999", "-1", "abc"):
        assert attacker.client.get(f"/en/account/addresses/{odd}/edit").status_code == 404
        assert attacker.client.get(f"/en/checkout?address={odd}").status_code == 200


def test_address_changes_need_csrf_and_an_account(app, world):
    owner = new_buyer(app, "owner@example.com").sign_in()
    _add(owner.client, LAHORE)
    ((address_id, *_),) = _book(app, owner.email)
    response = owner.client.post(f"/en/account/addresses/{address_id}/delete", data={})
    assert response.status_code == 303 and len(_book(app, owner.email)) == 1  # CSRF: the form again, nothing done
    anonymous = app.test_client()
    assert anonymous.get("/en/account/addresses").status_code == 302
    assert anonymous.post(f"/en/account/addresses/{address_id}/delete").status_code in (302, 303)
    assert len(_book(app, owner.email)) == 1


def test_the_checkout_starts_from_the_default_and_offers_the_others_without_javascript(app, world):
    buyer = new_buyer(app, "book@example.com").sign_in()
    _add(buyer.client, LAHORE)
    _add(buyer.client, MOSCOW, make_default="y")
    (lahore, *_), (moscow, *_) = _book(app, buyer.email)
    buyer.fill_cart({world["CR-ROSE"]: 1})
    page = buyer.client.get("/en/checkout").get_data(as_text=True)
    assert 'id="saved-addresses"' in page and f"/en/checkout?address={lahore}" in page
    assert re.search(r'<option selected value="RU">|<option value="RU" selected>', page)
    assert "Тверская" in page
    chosen = buyer.client.get(f"/en/checkout?address={lahore}").get_data(as_text=True)
    assert "ماڈل ٹاؤن" in chosen and re.search(r'<option selected value="PK">|<option value="PK" selected>', chosen)
    assert "Model Town" in chosen  # its Latin form, ready to check


def test_the_latin_form_is_shown_and_the_buyers_correction_is_printed(app, world):
    buyer = new_buyer(app, "latin@example.com").sign_in()
    buyer.fill_cart({world["CR-ROSE"]: 1})
    page = buyer.client.get("/en/checkout").get_data(as_text=True)
    tokens = {"csrf_token": csrf_from(page), "idempotency_key": hidden(page, "idempotency_key")}
    # Without JavaScript: "Update shipping" shows the Latin form written out from the address.
    shown = buyer.client.post("/en/checkout", data={**LAHORE, **tokens, "line": "auto", "payment_method": "cod",
                                                    "update_shipping": "1"}).get_data(as_text=True)
    suggestion = "Ayesha Khan, House No. 12, Gali No. 3, Model Town, Lahore, 54000, PK"
    assert suggestion in shown and 'id="latin-block"' in shown and 'id="latin-block" hidden' not in shown
    corrected = "Ayesha Khan, House 12, Street 3, Model Town, Lahore 54000, PK"
    response = buyer.client.post("/en/checkout", data={
        **LAHORE, **tokens, "line": "auto", "payment_method": "cod", "address_latin": corrected,
        "latin_made": hidden(shown, "latin_made")})
    assert response.status_code == 303
    with app.app_context():
        order = db.session.scalar(sa.select(Order))
        assert order.ship_address_latin == corrected and order.ship_address == LAHORE["address"]
        assert db.session.scalar(sa.select(Address.latin)) == corrected  # the book keeps the correction


def test_an_untouched_latin_form_follows_a_changed_address(app, world):
    buyer = new_buyer(app, "latin@example.com").sign_in()
    buyer.fill_cart({world["CR-ROSE"]: 1})
    page = buyer.client.get("/en/checkout").get_data(as_text=True)
    tokens = {"csrf_token": csrf_from(page), "idempotency_key": hidden(page, "idempotency_key")}
    shown = buyer.client.post("/en/checkout", data={**MOSCOW, **tokens, "line": "auto", "payment_method": "cod",
                                                    "update_shipping": "1"}).get_data(as_text=True)
    old = hidden(shown, "latin_made")
    old_latin = re.search(r'<textarea[^>]*name="address_latin"[^>]*>\s*([^<]*)</textarea>', shown).group(1).strip()
    assert "Tverskaia" in old_latin
    buyer.client.post("/en/checkout", data={**MOSCOW, **tokens, "address": "ул. Арбат, д. 1", "line": "auto",
                                            "payment_method": "cod", "address_latin": old_latin,
                                            "latin_made": old})
    with app.app_context():
        assert "ul. Arbat, d. 1" in db.session.scalar(sa.select(Order.ship_address_latin))


def test_a_latin_form_in_cyrillic_is_refused(app, world):
    buyer = new_buyer(app, "latin@example.com").sign_in()
    buyer.fill_cart({world["CR-ROSE"]: 1})
    response, _ = buyer.checkout(address_latin="Иван Петров, Москва")
    assert response.status_code == 400 and "Latin letters only" in response.get_data(as_text=True)


def test_the_latin_suggestion_for_the_pages_script(app, world):
    client = app.test_client()
    data = client.get("/en/checkout/latin", query_string={**LAHORE}).get_json()
    assert data["latin"] == "Ayesha Khan, House No. 12, Gali No. 3, Model Town, Lahore, 54000, PK"
    assert data["needed"] is True and ":" in data["made"]
    odd = client.get("/en/checkout/latin", query_string={"name": "Ann\x01", "address": "x" * 100_000})
    assert odd.status_code in (200, 400) and "\x01" not in odd.get_data(as_text=True)
    assert client.get("/en/checkout/latin", query_string={"name": "Ann Lee", "city": "Osh"}).get_json()["needed"] is False

"""The desk is for staff and admins: anonymous visitors sign in first, buyers and merchants get 403,
and a form without its CSRF token changes nothing."""
import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import Order, Wave
from tests.fulfilment.conftest import Desk

PAGES = ["/fulfilment/", "/fulfilment/waves/1", "/fulfilment/waves/1/pick-list.pdf", "/fulfilment/departures/1",
         "/fulfilment/departures/1/manifest.csv", "/fulfilment/orders/KS261201-T0001",
         "/fulfilment/shipments/1/label.pdf", "/fulfilment/find?q=KS"]
ACTIONS = ["/fulfilment/departures/1/wave", "/fulfilment/departures/1/ship",
           "/fulfilment/waves/1/orders/KS261201-T0001/picked", "/fulfilment/orders/KS261201-T0001/delivered"]


@pytest.mark.parametrize("path", PAGES + ACTIONS)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.post(path) if path in ACTIONS else client.get(path)
    if path in ACTIONS:
        # Without a session there is no CSRF token either: nothing can happen, and no 500.
        assert response.status_code in (302, 303, 400)
    else:
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["buyer", "merchant"])
def test_buyers_and_merchants_are_refused(client, auth, world, role):
    Desk(client, auth).login(role)
    for path in PAGES:
        assert client.get(path).status_code == 403, path


@pytest.mark.parametrize("role", ["buyer", "merchant"])
def test_buyers_and_merchants_cannot_build_a_wave(app, client, auth, world, role):
    with app.app_context():
        world_order = world.order(items=[("TEA-BLACK", [("LOT-TEA-1", 1)])])
    Desk(client, auth).login(role)
    csrf = auth.csrf("/en/")
    response = client.post(f"/fulfilment/departures/{world.departures['KHG-MOW-TRUCK']}/wave",
                           data={"csrf_token": csrf})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(Order.status).where(Order.number == world_order)) == "paid"
        assert db.session.scalar(sa.select(sa.func.count(Wave.id))) == 0


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admins_see_the_desk(client, auth, world, role):
    Desk(client, auth).login(role)
    page = client.get("/fulfilment/")
    assert page.status_code == 200
    assert "Fulfilment desk" in page.get_data(as_text=True)


def test_a_form_without_its_csrf_token_changes_nothing(app, client, auth, world):
    with app.app_context():
        number = world.order(items=[("TEA-BLACK", [("LOT-TEA-1", 1)])])
    Desk(client, auth).login("staff")
    response = client.post(f"/fulfilment/departures/{world.departures['KHG-MOW-TRUCK']}/wave", data={})
    assert response.status_code in (302, 303)
    with app.app_context():
        assert db.session.scalar(sa.select(Order.status).where(Order.number == number)) == "paid"


def test_the_desk_speaks_the_staff_members_language(client, auth, world):
    Desk(client, auth).login("staff")
    client.set_cookie("office_lang", "ur")
    page = client.get("/fulfilment/").get_data(as_text=True)
    assert 'lang="ur" dir="rtl"' in page
    client.set_cookie("office_lang", "zh")
    assert 'lang="zh-Hans"' in client.get("/fulfilment/").get_data(as_text=True)


def test_the_desk_is_not_switched_by_the_storefront_language(client, auth, world):
    Desk(client, auth).login("staff")
    client.set_cookie("lang", "zh")
    page = client.get("/fulfilment/").get_data(as_text=True)
    assert '<html lang="en"' in page
    client.get("/fulfilment/language/ru?next=/fulfilment/")
    assert '<html lang="ru"' in client.get("/fulfilment/").get_data(as_text=True)
    assert 'lang="ur"' in client.get("/fulfilment/?lang=ur").get_data(as_text=True)  # a one-off choice


def test_the_headers_language_menu_on_the_desk_switches_the_desk(client, auth, world):
    Desk(client, auth).login("staff")
    page = client.get("/fulfilment/").get_data(as_text=True)
    assert "/language/ur?next=/fulfilment/" in page
    client.get("/language/ur?next=/fulfilment/")
    assert 'lang="ur" dir="rtl"' in client.get("/fulfilment/").get_data(as_text=True)
    assert client.get("/").headers["Location"].startswith("/en/")  # the storefront's choice is untouched

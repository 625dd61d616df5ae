"""The quote API, the promise and the back office over the real demo data (shop/demo), so the
routing web side keeps working with the lines, rates and duty rules the shop ships with."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from shop.extensions import db
from shop.models import Product
from shop.services import quotes
from shop.web.context import DESTINATION_COOKIE

from .conftest import csrf_token


def _sku(app, *, with_flag=None, without_flags=False):
    with app.app_context():
        for product in db.session.scalars(sa.select(Product).where(Product.active.is_(True)).order_by(Product.id)):
            flags = set(product.goods_flags or ())
            if (with_flag and with_flag in flags) or (without_flags and not flags):
                return product.sku, product.translations[0].slug
    raise AssertionError("the demo lacks such a product")


def test_every_demo_destination_is_offered_and_quotable(demo, clock):
    client = demo.test_client()
    sku, _slug = _sku(demo, without_flags=True)
    with demo.test_request_context("/en/"):
        places = quotes.served_places()
    assert {"RU:Moscow", "KG:Bishkek", "PK:Islamabad", "CN:Shanghai"} <= {p.value for p in places}
    for place in places:
        answer = client.post("/api/v1/quote", json={"destination": {"country": place.country, "city": place.city},
                                                    "items": [{"sku": sku, "quantity": 1}]})
        assert answer.status_code == 200, (place, answer.get_json())
        assert answer.get_json()["options"], place


def test_perfume_to_islamabad_waits_for_the_pass_in_winter(demo, clock):
    clock.set(dt.datetime(2026, 12, 10, 9, 0, tzinfo=clock.now.tzinfo))
    sku, slug = _sku(demo, with_flag="perfume")
    answer = demo.test_client().post("/api/v1/quote?lang=ur", json={
        "destination": {"country": "PK", "city": "Islamabad"}, "items": [{"sku": sku, "quantity": 1}]}).get_json()
    assert answer["options"] == []
    reasons = {r["line"]: r for r in answer["ruled_out"]}
    assert reasons["KHG-PK-TRUCK"]["reason"] == "1 اپریل تک موسمی بندش"
    client = demo.test_client()
    client.set_cookie(DESTINATION_COOKIE, "PK:Islamabad")
    html = client.get(f"/en/products/{slug}").get_data(as_text=True)
    assert "is closed for the season until April 1." in html


def test_the_back_office_shows_the_demo_lines(demo, clock):
    from shop.demo.accounts import ACCOUNTS
    admin = next(a for a in ACCOUNTS if a["role"] == "admin")
    client = demo.test_client()
    response = client.post("/en/login", data={"email": admin["email"], "password": admin["password"],
                                              "csrf_token": csrf_token(client, "/en/login")})
    assert response.status_code in (302, 303)
    for path in ("/admin/lines", "/admin/lines/KHG-PK-TRUCK", "/admin/departures", "/admin/rates",
                 "/admin/duty-rules", "/admin/users"):
        assert client.get(path).status_code == 200, path
    assert "KHG-MOW-TRUCK" in client.get("/admin/departures").get_data(as_text=True)

"""The delivery promise of the product page: to the buyer's destination (chosen on the page and
remembered in a cookie, else the language's default), in the page's language."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask import render_template

from shop.domain.routing import SHANGHAI
from shop.extensions import db
from shop.models import Product
from shop.web.context import DESTINATION_COOKIE, buyer_context
from shop.web.storefront.promise import product_promise

from .conftest import csrf_token


@pytest.fixture
def world(shared_world, clock):
    """These tests only read (a chosen destination lives in a cookie): one seeded database per
    backend for the whole module."""
    return shared_world


def promise_for(app, sku, lang, cookie=None, accept=None):
    headers = {"Cookie": f"{DESTINATION_COOKIE}={cookie}"} if cookie else {}
    if accept:
        headers["Accept-Language"] = accept
    with app.test_request_context(f"/{lang}/products/x", headers=headers):
        from flask import g
        g.lang = lang
        product = db.session.scalar(sa.select(Product).where(Product.sku == sku))
        promise = product_promise(product, buyer_context())
        html = render_template("storefront/_delivery_promise.html", promise=promise, lang=lang)
        return promise, html


@pytest.mark.parametrize("lang, place", [("ru", "RU:Moscow"), ("ur", "PK:Islamabad"), ("zh", "CN:Shanghai")],
                         ids=["ru", "ur", "zh"])
def test_each_language_has_its_default_destination(world, lang, place):
    promise, html = promise_for(world, "KG-HONEY-500", lang)
    assert promise.place.value == place
    assert promise.available
    assert f'<option value="{place}" selected>' in html


def test_an_english_visitor_is_asked_where_to_deliver(world):
    promise, html = promise_for(world, "KG-HONEY-500", "en", accept="en-US,en;q=0.9")
    assert promise.asking and not promise.available
    assert promise.headline == "Where should we deliver? Choose your city to see when it arrives and what delivery costs."
    assert "Bishkek" not in promise.headline and " selected>" not in html.replace("selected disabled>", "")
    assert '<option value="" selected disabled>Choose a city</option>' in html


@pytest.mark.parametrize("lang, accept, place", [
    ("en", "en-PK,en;q=0.9", "PK:Islamabad"),  # English read in Pakistan
    ("en", "en-US,ru;q=0.8", "RU:Moscow"),  # a Russian speaker on the English page
    ("en", "de-DE,kk;q=0.5", "KZ:Almaty"),
    ("ru", "ru-KZ,ru;q=0.9", "KZ:Almaty"),  # Russian as read in Kazakhstan
    ("ru", "ru-RU", "RU:Moscow"),
    ("zh", "en-US", "CN:Shanghai"),  # the page's language decides first
], ids=["en-PK", "en-with-ru", "kk", "ru-KZ", "ru-RU", "zh-page"])
def test_the_browsers_languages_suggest_the_destination(world, lang, accept, place):
    promise, _html = promise_for(world, "KG-HONEY-500", lang, accept=accept)
    assert promise.place.value == place and not promise.asking


def test_english_promise_names_dates_line_and_cut_off(world):
    promise, html = promise_for(world, "KG-HONEY-500", "en", cookie="KG:Bishkek")
    # Monday 10:00: the air express leaves at noon today and lands 2-4 days after clearance.
    assert promise.headline == "Arrives Dec 3\u2009–\u20095 by the Kashgar air express if ordered before 12:00\u202fPM today"
    assert promise.headline in html
    assert "Delivery to Bishkek, Kyrgyzstan" in html


def test_russian_promise_to_moscow_speaks_russian(world):
    promise, html = promise_for(world, "RU-PERFUME-50", "ru", cookie="RU:Moscow")
    assert promise.headline == ("Доставка 15—21 дек. — Железная дорога из Кашгара, "
                                "если заказать до 15:00, ср, 2 декабря")
    assert "Доставка: Москва, Россия" in html


def test_a_promise_after_the_cut_off_names_the_next_departure_day(world, clock):
    clock.set(dt.datetime(2026, 11, 30, 12, 30, tzinfo=SHANGHAI))
    promise, _html = promise_for(world, "KG-HONEY-500", "en", cookie="TJ:Dushanbe")  # by air only
    assert promise.headline.endswith("if ordered before 12:00\u202fPM on Tue, December 1")


def test_the_winter_pass_says_when_the_truck_runs_again(world, clock):
    clock.set(dt.datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI))
    promise, html = promise_for(world, "RU-PERFUME-50", "en", cookie="PK:Islamabad")
    assert not promise.available
    assert promise.headline == "The Khunjerab truck is closed for the season until April 1."
    assert "Kashgar air express: Cannot carry perfume by air" in promise.notes
    assert "delivery-promise-unavailable" in html


def test_the_winter_pass_in_urdu(world, clock):
    clock.set(dt.datetime(2026, 12, 10, 9, 0, tzinfo=SHANGHAI))
    promise, _html = promise_for(world, "RU-PERFUME-50", "ur")
    assert promise.headline == "خنجراب ٹرک 1 اپریل تک موسمی طور پر بند ہے۔"


def test_a_place_no_line_serves_says_so(world):
    promise, _html = promise_for(world, "KG-HONEY-500", "en", cookie="FR:Paris")
    assert not promise.available
    assert promise.headline == "We do not deliver to Paris, France yet."


def test_a_broken_cookie_falls_back_to_the_default(world):
    promise, _html = promise_for(world, "KG-HONEY-500", "ru", cookie="nonsense")
    assert promise.place.value == "RU:Moscow"


def test_the_chooser_offers_the_served_cities_grouped_by_country_in_the_pages_language(world):
    promise, html = promise_for(world, "KG-HONEY-500", "ru")
    groups = dict(promise.choices)
    assert {city for _value, city, _sel in groups["Кыргызстан"]} == {"Бишкек", "Ош"}
    assert "Москва" in {city for _value, city, _sel in groups["Россия"]}
    assert 'name="csrf_token"' in html and 'action="/ru/destination"' in html


def test_choosing_a_destination_remembers_it_and_goes_back(world):
    client = world.test_client()
    token = csrf_token(client, "/en/login")
    response = client.post("/en/destination", data={"destination": "PK:Lahore", "next": "/en/products/kg-honey-500",
                                                     "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/en/products/kg-honey-500")
    assert client.get_cookie(DESTINATION_COOKIE).value == "PK:Lahore"


def test_choosing_country_and_city_fields_works_too_and_keeps_the_lines_spelling(world):
    client = world.test_client()
    token = csrf_token(client, "/en/login")
    client.post("/en/destination", data={"country": "kg", "city": "osh", "csrf_token": token})
    assert client.get_cookie(DESTINATION_COOKIE).value == "KG:Osh"


@pytest.mark.parametrize("data", [{"destination": "FR:Paris"}, {"destination": "garbage"}, {},
                                  {"destination": "KG:Bishkek", "next": "https://evil.example/"}])
def test_a_destination_off_the_list_is_not_remembered_and_next_never_leaves_the_site(world, data):
    client = world.test_client()
    data = {**data, "csrf_token": csrf_token(client, "/en/login")}
    response = client.post("/en/destination", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/")
    if data.get("destination") != "KG:Bishkek":
        assert client.get_cookie(DESTINATION_COOKIE) is None


def test_choosing_a_destination_needs_the_csrf_token(world):
    client = world.test_client()
    client.post("/en/destination", data={"destination": "PK:Lahore"})
    assert client.get_cookie(DESTINATION_COOKIE) is None


@pytest.mark.parametrize("lang, expected", [
    ("en", "Arrives Dec 3\u2009–\u20095 by the Kashgar air express if ordered before 12:00\u202fPM today"),
    ("ru", "Доставка 15—21 дек. — Железная дорога из Кашгара, если заказать до 15:00, ср, 2 декабря"),
], ids=["en", "ru"])
def test_the_product_page_shows_the_promise_in_its_language(world, lang, expected):
    client = world.test_client()
    sku = "KG-HONEY-500" if lang == "en" else "RU-PERFUME-50"
    html = client.get(f"/{lang}/products/{sku.lower()}", headers={"Accept-Language": "ky"}).get_data(as_text=True)
    assert expected in html

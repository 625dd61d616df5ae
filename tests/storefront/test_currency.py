"""Prices in the buyer's currency, with CNY beside them and the rate's date."""
import re

import pytest

from tests.storefront.conftest import csrf_from


def price(html):
    return re.search(r'<span class="price"><bdi>([^<]+)</bdi>', html).group(1)


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "$3.50"), ("ru", "312,50\xa0₽"), ("ur", "Rs\xa0975.00"), ("zh", "¥25.00"),
])
def test_default_currency_follows_the_language(shop, lang, expected):
    html = shop.test_client().get(f"/{lang}/products/alenka-milk-chocolate").get_data(as_text=True)
    assert price(html) == expected


def test_converted_prices_show_cny_beside_and_the_rate_date(shop):
    html = shop.test_client().get("/en/products/alenka-milk-chocolate").get_data(as_text=True)
    assert '<span class="price-cny"><bdi>CN¥25.00</bdi></span>' in html
    assert "November 20, 2026" in html


def test_cny_prices_show_no_second_price(shop):
    html = shop.test_client().get("/zh/products/alenka-milk-chocolate").get_data(as_text=True)
    assert 'class="price-cny"' not in html


def test_switching_currency_is_remembered_in_a_cookie(shop):
    client = shop.test_client()
    html = client.get("/en/products/alenka-milk-chocolate").get_data(as_text=True)
    response = client.post("/en/currency", data={"currency": "KGS", "csrf_token": csrf_from(html),
                                                 "next": "/en/products/alenka-milk-chocolate"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/products/alenka-milk-chocolate"
    assert "currency=KGS" in response.headers["Set-Cookie"]
    html = client.get("/en/products/alenka-milk-chocolate").get_data(as_text=True)
    assert price(html) == "KGS\xa0305.00"
    html = client.get("/ru/products/alenka-milk-chocolate").get_data(as_text=True)
    assert price(html) == "305,00\xa0KGS"
    assert '<option value="KGS" selected>' in html


@pytest.mark.parametrize("code", ["XXX", "", "EUR", "rub<script>"])
def test_an_unknown_currency_changes_nothing(shop, code):
    client = shop.test_client()
    html = client.get("/en/").get_data(as_text=True)
    response = client.post("/en/currency", data={"currency": code, "csrf_token": csrf_from(html)},
                           follow_redirects=True)
    assert "Prices cannot be shown in that currency." in response.get_data(as_text=True)
    assert price(client.get("/en/products/alenka-milk-chocolate").get_data(as_text=True)) == "$3.50"


def test_currency_switch_refuses_an_off_site_return(shop):
    client = shop.test_client()
    html = client.get("/en/").get_data(as_text=True)
    response = client.post("/en/currency", data={"currency": "RUB", "csrf_token": csrf_from(html),
                                                 "next": "//evil.example/"})
    assert response.headers["Location"] == "/en/"


def test_a_forged_currency_cookie_is_ignored(shop):
    client = shop.test_client()
    client.set_cookie("currency", "XYZ")
    assert price(client.get("/en/products/alenka-milk-chocolate").get_data(as_text=True)) == "$3.50"


def test_currency_form_without_csrf_changes_nothing(shop):
    client = shop.test_client()
    response = client.post("/en/currency", data={"currency": "RUB"}, headers={"Referer": "http://localhost/en/"})
    assert response.status_code in (302, 303)
    assert "currency=" not in response.headers.get("Set-Cookie", "")


def test_cart_total_is_in_the_buyer_currency(shopper):
    shopper.add("RU-CHOC-1", "2")
    html = shopper.cart_page()
    assert '<p class="cart-total"><span>Total for the goods</span> <span class="price"><bdi>$7.00</bdi></span>' in html
    assert "CN¥50.00" in html

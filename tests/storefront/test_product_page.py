"""The product page: facts in the page's language, stock, price and the add-to-cart form."""
import json
import re

import pytest


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_shows_the_facts_a_buyer_needs(shop):
    html = page(shop.test_client(), "/en/products/rose-attar-oil")
    assert "<h1" in html and "Rose attar oil" in html
    assert "Rose perfume oil from Lahore." in html
    assert "Pakistan" in html                      # origin country, named
    assert '<bdi class="num">1806.32</bdi>' in html  # HS code
    assert "350 g" in html                         # weight
    assert "20 × 8 × 1.5 cm" in html
    assert "Liquid: cannot travel by air" in html
    assert "Perfume: cannot travel by air" in html
    assert "In stock" in html
    assert "Silk Road Trading" in html


@pytest.mark.parametrize(("lang", "country"), [("zh", "巴基斯坦"), ("ru", "Пакистан"), ("ur", "پاکستان"),
                                               ("en", "Pakistan")])
def test_origin_country_is_named_in_the_page_language(shop, lang, country):
    assert country in page(shop.test_client(), f"/{lang}/products/rose-attar-oil")


def test_add_to_cart_form_has_sku_quantity_and_csrf(shop):
    html = page(shop.test_client(), "/en/products/alenka-milk-chocolate")
    form = re.search(r'<form class="add-to-cart".*?</form>', html, re.S).group(0)
    assert 'action="/en/cart"' in form and 'method="post"' in form
    assert 'name="csrf_token"' in form
    assert 'name="sku" value="RU-CHOC-1"' in form
    assert re.search(r'<label for="quantity">', form) and 'name="quantity"' in form


def test_low_stock_and_out_of_stock_are_said(shop):
    client = shop.test_client()
    assert "Only 3 left" in page(client, "/en/products/lieba-bread-in-a-soft-bag")
    html = page(client, "/en/products/dried-apricots")
    assert "Out of stock" in html and 'class="add-to-cart"' not in html


def test_missing_translation_falls_back_to_english_with_a_note(shop):
    html = page(shop.test_client(), "/zh/products/issyk-kul-white-honey")
    assert "Issyk-Kul white honey" in html
    assert 'class="fallback-note"' in html
    assert 'lang="en"' in html


def test_a_translated_page_has_no_fallback_note(shop):
    assert 'class="fallback-note"' not in page(shop.test_client(), "/ru/products/issyk-kul-white-honey")


def test_unknown_or_inactive_product_is_404(shop):
    client = shop.test_client()
    assert client.get("/en/products/no-such-thing").status_code == 404
    assert client.get("/en/products/withdrawn-chocolate").status_code == 404
    assert client.get("/en/products/" + "x" * 5000).status_code == 404


def test_structured_data_describes_the_offer(shop):
    html = page(shop.test_client(), "/en/products/alenka-milk-chocolate")
    data = json.loads(re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S).group(1))[0]
    # In the page's currency: 25 CNY at 0.14 USD a yuan
    assert data["sku"] == "RU-CHOC-1" and data["offers"]["price"] == "3.50"
    assert data["offers"]["priceCurrency"] == "USD"


def test_placeholder_picture_is_sized_and_described_as_decorative(shop):
    html = page(shop.test_client(), "/en/products/alenka-milk-chocolate")
    assert re.search(r'<img src="/static/img/goods/sweets\.svg" alt="" width="640" height="480"', html)


def test_the_product_page_tells_a_russian_reader_about_delivery_to_moscow_in_russian(shop):
    # This catalogue has no express lines: the promise says so, for the language's default place,
    # and offers the chooser that comes back to this page.
    html = page(shop.test_client(), "/ru/products/alenka-milk-chocolate")
    promise = re.search(r'<section class="delivery-promise[^"]*".*?</section>', html, re.S)
    assert promise, "no delivery promise on the product page"
    assert "Доставка: Москва, Россия" in promise.group(0)
    assert "Мы пока не доставляем в пункт «Москва, Россия»." in promise.group(0)
    assert 'action="/ru/destination"' in promise.group(0)
    assert 'name="next" value="/ru/products/alenka-milk-chocolate"' in promise.group(0)


def test_urdu_page_isolates_skus_and_numbers(shop):
    html = page(shop.test_client(), "/ur/products/alenka-milk-chocolate")
    assert '<bdi class="sku">RU-CHOC-1</bdi>' in html
    assert re.search(r'<span class="price"><bdi>Rs\xa0[\d,.]+</bdi>', html)

"""Every demo product without a photo shows a drawing of its own kind of goods: the test walks all
of them, reads the picture each product page shows, and checks what it draws against the product's
sub-category (a scarf shows a scarf, not soap)."""
from __future__ import annotations

import re

from shop.demo.categories import CATEGORIES
from shop.demo.products import PRODUCTS
from tests.support import ROOT

# What the drawing for each demo sub-category must show, in words of its <title>.
SHOWS = {
    "bread-bakery": "loaf", "sweets-chocolate": "sweet", "dried-fruit-nuts": "apricots", "dairy": "milk",
    "tea-coffee": "tea", "spices-salt": "spices", "honey-preserves": "honey", "pantry": "rice",
    "skincare": "cream", "perfume": "perfume", "hair-body": "shampoo", "household": "cleaning",
    "kitchen": "teapot", "textiles": "scarf", "electronics-accessories": "power bank",
}
GOODS = ROOT / "shop" / "static" / "img" / "goods"


def drawing_title(src: str) -> str:
    name = re.fullmatch(r"/static/img/goods/([a-z]+)\.svg", src)
    assert name, f"not a drawing: {src}"
    svg = (GOODS / f"{name.group(1)}.svg").read_text()
    return re.search(r"<title>([^<]+)</title>", svg).group(1)


def test_the_table_covers_every_demo_sub_category():
    subcategories = {c["slug"] for c in CATEGORIES if c["parent"]}
    assert set(SHOWS) == subcategories == {p["category"] for p in PRODUCTS}


def test_every_demo_product_shows_a_drawing_of_its_own_kind_and_no_other_kind_shares_it(demo):
    client = demo.test_client()
    wrong, shown_for = [], {}
    for product in PRODUCTS:
        page = client.get(f"/en/products/{product['slug']}")
        assert page.status_code == 200, product["sku"]
        src = re.search(r'<div class="product-media">\s*<img src="([^"]+)"', page.get_data(as_text=True)).group(1)
        title = drawing_title(src)
        if SHOWS[product["category"]] not in title.lower():
            wrong.append(f"{product['sku']} {product['names']['en']!r} ({product['category']}) shows {title!r}")
        shown_for.setdefault(src, set()).add(product["category"])
    assert wrong == []
    assert {src: kinds for src, kinds in shown_for.items() if len(kinds) > 1} == {}


def test_the_listing_cards_show_the_same_drawings(demo):
    page = demo.test_client().get("/en/products?category=textiles").get_data(as_text=True)
    cards = re.findall(r'<img class="thumb" src="([^"]+)"', page)
    assert cards and {drawing_title(src) for src in cards} == {"A folded striped scarf with tassels"}

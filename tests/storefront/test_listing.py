"""The listing: category and origin filters, sorting, pagination, bad input, query count."""
import datetime as dt
import re

import pytest
from sqlalchemy import event

from shop.extensions import db
from shop.models import Merchant


def skus(response):
    assert response.status_code == 200
    return re.findall(r'data-sku="([^"]+)"', response.get_data(as_text=True))


def test_lists_active_products_only(shop):
    found = skus(shop.test_client().get("/en/products"))
    assert sorted(found) == ["KG-HONEY-1", "KZ-BREAD-1", "PK-ATTAR-1", "RU-CHOC-1", "UZ-APRICOT-1"]


def test_a_category_holds_its_subcategories(shop):
    client = shop.test_client()
    assert sorted(skus(client.get("/en/products?category=food"))) == [
        "KG-HONEY-1", "KZ-BREAD-1", "RU-CHOC-1", "UZ-APRICOT-1"]
    assert skus(client.get("/en/products?category=bread")) == ["KZ-BREAD-1"]


def test_origin_filter_takes_either_case(shop):
    client = shop.test_client()
    assert skus(client.get("/en/products?origin=PK")) == ["PK-ATTAR-1"]
    assert skus(client.get("/en/products?origin=pk")) == ["PK-ATTAR-1"]


def test_an_origin_nobody_sells_from_is_an_empty_listing(shop):
    response = shop.test_client().get("/en/products?origin=ZZ")
    assert skus(response) == []
    assert "No products match these filters." in response.get_data(as_text=True)


@pytest.mark.parametrize("query", [
    "category=no-such-category", "origin=XYZ", "origin=1", "page=0", "page=-1", "page=abc", "page=999",
    "page=99999999999999999999", "page=%EF%BC%91", "page=1.5",
])
def test_unknown_filters_and_pages_are_404_not_500(shop, query):
    response = shop.test_client().get(f"/en/products?{query}")
    assert response.status_code == 404
    assert "We could not find that page." in response.get_data(as_text=True)


def test_an_unknown_sort_falls_back_to_relevance(shop):
    assert skus(shop.test_client().get("/en/products?sort=DROP")) != []


@pytest.mark.parametrize(("sort", "first", "last"), [
    ("price_asc", "KZ-BREAD-1", "PK-ATTAR-1"),
    ("price_desc", "PK-ATTAR-1", "KZ-BREAD-1"),
    ("newest", "KG-HONEY-1", "RU-CHOC-1"),
])
def test_sorting(shop, sort, first, last):
    found = skus(shop.test_client().get(f"/en/products?sort={sort}"))
    assert found[0] == first and found[-1] == last


def test_relevance_without_a_query_puts_featured_first(shop):
    assert skus(shop.test_client().get("/en/products"))[0] == "RU-CHOC-1"


def test_pagination_splits_and_links_pages(shop):
    shop.config["PER_PAGE"] = 2
    client = shop.test_client()
    pages = [skus(client.get(f"/en/products?sort=price_asc&page={n}")) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert len({sku for page in pages for sku in page}) == 5
    html = client.get("/en/products?sort=price_asc&page=2").get_data(as_text=True)
    assert 'rel="prev" href="/en/products?sort=price&amp;page=1"' in html
    assert 'rel="next" href="/en/products?sort=price&amp;page=3"' in html
    assert 'aria-current="page"' in html
    assert client.get("/en/products?page=4").status_code == 404


def test_result_count_uses_plural_forms(shop):
    client = shop.test_client()
    assert "5 товаров" in client.get("/ru/products").get_data(as_text=True)
    assert "4 товара" in client.get("/ru/products?category=food").get_data(as_text=True)
    assert "1 товар<" in client.get("/ru/products?category=bread").get_data(as_text=True)


def test_filter_form_names_every_control(shop):
    html = shop.test_client().get("/en/products").get_data(as_text=True)
    for control in ("q", "sort", "min_price", "max_price", "in_stock"):
        assert f'<label for="{control}">' in html and f'id="{control}"' in html
    for facet, legend in (("category", "Category"), ("origin", "Origin country")):
        assert re.search(rf'<fieldset class="facet" id="{facet}">\s*<legend>{legend}</legend>', html)


def test_origin_choices_are_named_in_the_page_language(shop):
    assert "Пакистан" in shop.test_client().get("/ru/products").get_data(as_text=True)
    assert "巴基斯坦" in shop.test_client().get("/zh/products").get_data(as_text=True)


def _queries_for_listing(app, count: int) -> int:
    """SQL statements run to render a listing of `count` products."""
    from tests.storefront.conftest import add_categories, add_product, add_rates
    with app.app_context():
        categories = add_categories()
        merchant = Merchant(slug="m", name="M")
        db.session.add(merchant)
        for i in range(count):
            add_product(sku=f"P-{i:03d}", category=categories["sweets" if i % 2 else "bread"], merchant=merchant,
                        names={"en": f"Product {i}", "zh": f"商品{i}", "ru": f"Товар {i}", "ur": f"چیز {i}"},
                        origin=("KZ", "RU", "PK")[i % 3], created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        add_rates()
        db.session.commit()
    app.config["PER_PAGE"] = 48
    client = app.test_client()
    client.get("/en/products")  # warm-up: templates compiled, caches filled
    statements = []

    def count_statement(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count_statement)
        try:
            response = client.get("/en/products")
        finally:
            event.remove(db.engine, "before_cursor_execute", count_statement)
    assert response.status_code == 200
    assert len(skus(response)) == count
    return len(statements)


def test_listing_runs_as_many_queries_for_48_products_as_for_1(app):
    one = _queries_for_listing(app, 1)
    with app.app_context():
        from tests.conftest import _empty_tables
        _empty_tables()
    forty_eight = _queries_for_listing(app, 48)
    assert one == forty_eight
    assert one <= 12

"""Suggestions while typing: GET /api/v1/search/suggest?q=&lang=."""
import pytest


def suggest(client, q, lang="en"):
    response = client.get("/api/v1/search/suggest", query_string={"q": q, "lang": lang})
    assert response.status_code == 200
    return response.get_json()["items"]


def test_a_few_letters_suggest_products_named_in_the_page_language(demo):
    base = demo.config["SHOP_BASE_URL"]
    items = suggest(demo.test_client(), "хлеб", "ru")
    assert 0 < len(items) <= 10
    assert all(set(i) == {"sku", "name", "url"} for i in items)
    first = items[0]
    assert "хлеб" in first["name"].lower()
    assert first["url"].startswith(f"{base}/ru/products/")
    page = demo.test_client().get(first["url"].removeprefix(base))
    assert page.status_code == 200 and first["sku"] in page.get_data(as_text=True)


@pytest.mark.parametrize(("q", "lang", "sku"), [
    ("choc", "en", "KZ-0002"), ("choclate", "en", "KZ-0002"), ("mianb", "zh", "CN-0001"), ("蜂", "zh", "RU-0002"),
    ("شھد", "ur", "KG-0004"),
])
def test_suggestions_forgive_like_search(demo, q, lang, sku):
    assert sku in [i["sku"] for i in suggest(demo.test_client(), q, lang)]


def test_never_more_than_ten(demo):
    assert len(suggest(demo.test_client(), "a")) <= 10
    assert len(suggest(demo.test_client(), "lieba")) <= 10


@pytest.mark.parametrize("q", ["", "   ", "%", "\"", "*", "a" * 500, "'; DROP TABLE product; --"])
def test_odd_input_gives_an_empty_or_short_list(demo, q):
    assert len(suggest(demo.test_client(), q)) <= 10


def test_unknown_language_is_a_json_400(demo):
    response = demo.test_client().get("/api/v1/search/suggest?q=bread&lang=xx")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_lang"


def test_suggestions_may_be_cached_by_the_browser(demo):
    response = demo.test_client().get("/api/v1/search/suggest?q=bread&lang=en")
    assert "max-age=60" in response.headers.get("Cache-Control", "")


def test_the_search_box_offers_suggestions_through_a_script_with_the_pages_nonce(demo):
    response = demo.test_client().get("/ru/")
    html = response.get_data(as_text=True)
    assert 'data-suggest="/api/v1/search/suggest?lang=ru"' in html
    assert '<script src="/static/js/search-suggest.js" defer' in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_documented_in_openapi(demo):
    spec = demo.test_client().get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/search/suggest"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"q", "lang"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["items"][
        "maxItems"] == 10
    names = {p["name"] for p in spec["paths"]["/products"]["get"]["parameters"]}
    assert {"sort", "min_price", "max_price", "in_stock", "category", "origin"} <= names

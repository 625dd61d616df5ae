"""Wide tables of wrong input (tokens, API bodies, CSV cells and files) and every portal page.

These exercise parsing and access checks, not anything a database does differently, so they run
on SQLite only; the writes, isolation and ledger tests beside them run on PostgreSQL too."""
import pytest

from shop.models import Product
from tests.merchant.conftest import bearer, count
from tests.merchant.test_api import NEW_PRODUCT
from tests.merchant.test_import import COLUMNS, GOOD, _errors_of, csv_bytes, row
from tests.merchant.test_portal import PAGES


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(world, path):
    response = world.test_client().get(path)
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", PAGES)
def test_every_portal_page_answers_a_merchant(alpha, path):
    assert alpha.get(path).status_code == 200


@pytest.mark.parametrize("headers, code", [
    ({}, "missing_token"),
    ({"Authorization": "Bearer"}, "invalid_token"),
    ({"Authorization": "Basic YWxwaGE6eA=="}, "invalid_token"),
    ({"Authorization": "Bearer kbz_not-a-real-token"}, "invalid_token"),
    ({"Authorization": "Bearer " + "x" * 5000}, "invalid_token"),
])
@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/merchant/products"), ("get", "/api/v1/merchant/orders"),
    ("put", "/api/v1/merchant/products/A-NEW-1"), ("post", "/api/v1/merchant/lots"),
])
def test_calls_without_a_live_token_get_401_json(world, headers, code, method, path):
    response = getattr(world.test_client(), method)(path, headers=headers, json={})
    assert response.status_code == 401
    body = response.get_json()
    assert body["error"]["code"] == code and body["error"]["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("change, field", [
    ({"price": {"amount": "12.345", "currency": "CNY"}}, "price"),
    ({"price": {"amount": 12.5, "currency": "CNY"}}, "price"),
    ({"price": {"amount": "12.50", "currency": "USD"}}, "price.currency"),
    ({"price_cny": "-1"}, "price_cny"),
    ({"price_cny": 12}, "price_cny"),
    ({"weight_g": "450"}, "weight_g"),
    ({"weight_g": True}, "weight_g"),
    ({"weight_g": 0}, "weight_g"),
    ({"dimensions_mm": [300, 110]}, "dimensions_mm"),
    ({"dimensions_mm": [300, 110, -1]}, "dimensions_mm[2]"),
    ({"dimensions_mm": [300, 110, 99999]}, "dimensions_mm[2]"),
    ({"names": {"en": None}}, "names.en"),
    ({"names": {"fr": "Pain"}}, "names.fr"),
    ({"names": {"en": "<b>Roll</b>"}}, "names.en"),
    ({"descriptions": {"ur": "=1+1"}}, "descriptions.ur"),
    ({"category": "no-such"}, "category"),
    ({"origin_country": "ZZ"}, "origin_country"),
    ({"hs_code": "ABC"}, "hs_code"),
    ({"tax_class": "luxury"}, "tax_class"),
    ({"goods_flags": ["liquid", "plutonium"]}, "goods_flags"),
    ({"goods_flags": "liquid"}, "goods_flags"),
    ({"colour": "red"}, "colour"),
    ({"sku": "OTHER"}, "sku"),
])
def test_put_validation_errors_are_422_by_field(world, alpha_token, change, field):
    body = {**NEW_PRODUCT, **change}
    if "price_cny" in change:
        del body["price"]
    response = world.test_client().put("/api/v1/merchant/products/A-ROLL-1", json=body,
                                       headers=bearer(alpha_token))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    with world.app_context():
        assert count(Product, Product.sku == "A-ROLL-1") == 0


@pytest.mark.parametrize("values, column, words", [
    (dict(name_en="=HYPERLINK(\"http://evil\")"), "name_en", "formula"),
    (dict(description_ru="+cmd|' /C calc'!A0"), "description_ru", "formula"),
    (dict(name_zh="<img src=x onerror=alert(1)>"), "name_zh", "Plain text only"),
    (dict(name_en="Bad\u202eevil"), "name_en", "control characters"),
    (dict(category="no-such-category"), "category", "There is no category"),
    (dict(goods_flags="liquid;explosive"), "goods_flags", "explosive"),
    (dict(lot_expiry="2001-01-01"), "lot_expiry", "has passed"),
    (dict(lot_number="", lot_quantity="", lot_expiry="", customs_entry=""), "bin", "no lot_number"),
    (dict(sku="B-CREAM-1"), "sku", "another merchant"),
    (dict(lot_number="B-LOT-1"), "lot_number", "already in use"),
    (dict(name_en="", description_en=""), "name_en", "English name is required"),
    (dict(description_zh="只有描述", name_zh=""), "name_zh", "needs a name"),
])
def test_hostile_or_wrong_cells_are_refused_by_row_and_column(world, values, column, words):
    error = _errors_of(world, csv_bytes([GOOD[2], row(**values)]))
    assert [(e.row, e.column) for e in error.errors] == [(3, column)], error.errors
    assert words in error.errors[0].message


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"sku,name_en\n", "Missing columns"),
    (csv_bytes([row()], (*COLUMNS, "colour")), "Unknown column: colour"),
    (csv_bytes([row()]).replace("Горный".encode(), b"\xc3\x28"), "Line 2 is not UTF-8"),
    ("\ufeffsku".encode("utf-16"), "UTF-16"),
    (b"sku\x00,name_en\n", "NUL"),
    (csv_bytes([]), "no listings"),
    (csv_bytes([row()]) + b'x,"unclosed\n', "cannot be read as CSV"),
    (csv_bytes([row()]) + b"a,b\n", "Row 3: This row has 2 cells"),
])
def test_files_that_cannot_be_read_are_refused_with_a_reason(world, data, words):
    error = _errors_of(world, data)
    assert words in str(error)



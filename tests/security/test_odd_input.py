"""Odd input gets a 4xx with a clear error and changes nothing: NUL bytes (PostgreSQL refuses
them in text), deeply nested JSON, odd signed Stripe bodies, bodies that are too large."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import CartItem, Lot, Order, Product, WebhookEvent
from tests.checkout.conftest import PASSWORD, WEBHOOK_SECRET, make_buyer, put_in_cart, seed_world, sign
from tests.security.live import csrf_of


@pytest.fixture
def world(app):
    # Stripe configured as a shop takes webhooks: keys and the webhook secret (no call reaches it here).
    app.config.update(STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET, STRIPE_SECRET_KEY="sk_test_kashgar",
                      STRIPE_PUBLISHABLE_KEY="pk_test_kashgar", STRIPE_API_BASE="http://127.0.0.1:9")
    from shop.services import search
    with app.app_context():
        products = seed_world()
        for product in db.session.scalars(sa.select(Product)):
            search.index_product(product)
        db.session.commit()
        return products


@pytest.fixture
def token(app, world) -> str:
    from shop.models import Merchant, User
    from shop.services import merchant as merchant_service
    with app.app_context():
        user = User(email="m@example.com", name="M", role="merchant", merchant=db.session.query(Merchant).one())
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return merchant_service.create_token(user, "odd")[1]


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize("path", ["/en/products/%00", "/en/products/a%00b", "/en/products/%1b", "/zh/products/%C0%80"])
def test_nul_and_control_characters_in_the_address_answer_a_translated_400_page(app, world, path):
    response = app.test_client().get(path)
    assert response.status_code in (400, 404), response.status_code
    if response.status_code == 400:
        assert "text/html" in response.content_type


def test_control_characters_in_a_page_query_are_left_out(app, world):
    for query in ("?q=rose%00", "?q=%00rose&page=1%01", "?q=ro%07se"):
        response = app.test_client().get(f"/en/products{query}")
        assert response.status_code == 200
        assert "Rose face cream" in response.get_data(as_text=True)


def test_nul_in_the_address_is_refused_in_the_buyers_language(app, world):
    response = app.test_client().get("/ru/products/%00")
    assert response.status_code == 400
    assert "В адресе есть недопустимые символы." in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/v1/products/%00", "/api/v1/products?q=%00", "/api/v1/products?page=%00"])
def test_nul_in_an_api_address_answers_a_json_400(app, world, path):
    response = app.test_client().get(path)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_text"


def _signed_in(app, email="odd@example.com"):
    with app.app_context():
        user_id = make_buyer(email)
    client = app.test_client()
    page = client.get("/en/login").get_data(as_text=True)
    assert client.post("/en/login", data={"email": email, "password": PASSWORD,
                                          "csrf_token": csrf_of(page)}).status_code == 302
    return client, user_id


def test_a_nul_sku_in_the_cart_form_changes_nothing(app, world):
    client, _user_id = _signed_in(app)
    token = csrf_of(client.get("/en/cart").get_data(as_text=True))
    for sku in ("\x00", "CR-ROSE\x00", "CR-\u0007ROSE"):
        response = client.post("/en/cart", data={"sku": sku, "quantity": "1", "csrf_token": token})
        assert response.status_code == 400
        assert "The form holds characters that are not allowed." in response.get_data(as_text=True)
    assert _count(app, CartItem) == 0


def test_a_nul_in_the_checkout_name_places_no_order(app, world):
    client, user_id = _signed_in(app)
    with app.app_context():
        put_in_cart(user_id, {world["CR-ROSE"]: 1})
    page = client.get("/en/checkout").get_data(as_text=True)
    from tests.checkout.conftest import hidden
    response = client.post("/en/checkout", data={
        "name": "Ivan\x00Petrov", "phone": "+7 912 345-67-89", "country": "RU", "city": "Moscow",
        "address": "ул. Тверская, д. 7", "postcode": "125009", "line": "auto", "payment_method": "cod",
        "csrf_token": csrf_of(page), "idempotency_key": hidden(page, "idempotency_key")})
    assert response.status_code == 400
    assert _count(app, Order) == 0
    assert _count(app, CartItem) == 1


def _nested(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


@pytest.mark.parametrize("body", [
    '{"sku": "A-1", "lot_number": "L1", "quantity": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
    _nested(50_000),
    "[" * 2_000_000,
])
def test_deeply_nested_json_to_the_merchant_api_answers_400(app, world, token, body):
    lots = _count(app, Lot)
    for method, path in (("post", "/api/v1/merchant/lots"), ("put", "/api/v1/merchant/products/NEW-1")):
        response = getattr(app.test_client(), method)(path, data=body, content_type="application/json",
                                                     headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 400, response.get_data(as_text=True)[:200]
        assert response.get_json()["error"]["code"] == "too_deep"
    assert _count(app, Lot) == lots
    with app.app_context():
        assert db.session.scalar(sa.select(Product).where(Product.sku == "NEW-1")) is None


def test_nul_inside_json_to_the_merchant_api_answers_400(app, world, token):
    body = {"names": {"en": "Bread\u0000"}, "category": "goods", "origin_country": "KZ", "hs_code": "1905.90",
            "price_cny": "10.00", "weight_g": 100, "dimensions_mm": [1, 1, 1]}
    response = app.test_client().put("/api/v1/merchant/products/NUL-1", json=body,
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_text"
    with app.app_context():
        assert db.session.scalar(sa.select(Product).where(Product.sku == "NUL-1")) is None


ODD_EVENTS = [
    b"[]", b'"evt"', b"123", b"null", b'{"id": 5, "type": "payment_intent.succeeded"}',
    b'{"id": ["evt_1"]}', b'{"id": "evt_2", "type": 7}',
    b'{"id": "evt_3", "type": "payment_intent.succeeded", "data": []}',
    b'{"id": "evt_4", "type": "payment_intent.succeeded", "data": {"object": "pi_1"}}',
    b'{"id": "evt_5", "type": "payment_intent.succeeded", "data": {"object": {"id": {"x": 1}}}}',
    b'{"id": "evt_6", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_6", "amount": "12x"}}}',
    b'{"id": "evt_7", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_7", "metadata": []}}}',
    b'{"id": "evt_8", "type": "payment_intent.payment_failed", "data": {"object": {"id": "pi_8", '
    b'"last_payment_error": "no"}}}',
    b'{"id": "evt_9\\u0000", "type": "charge.refunded"}',
    b'{"id": "evt_10", "type": "charge.refunded", "data": {"object": {"note": "a\\u0000b"}}}',
    json.dumps({"id": "e" * 500, "type": "charge.refunded"}).encode(),
    b'{"id": "evt_11", "type": "x", "data": ' + b"[" * 5000 + b"]" * 5000 + b"}",
]


@pytest.mark.parametrize("payload", ODD_EVENTS, ids=range(len(ODD_EVENTS)))
def test_odd_signed_stripe_bodies_answer_400_and_store_nothing(app, world, payload):
    response = app.test_client().post("/webhooks/stripe", data=payload, content_type="application/json",
                                      headers={"Stripe-Signature": sign(payload)})
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "error" in response.get_json()
    assert _count(app, WebhookEvent) == 0


def test_a_well_formed_signed_event_is_still_stored(app, world):
    payload = json.dumps({"id": "evt_ok", "type": "charge.refunded", "data": {"object": {"id": "ch_1"}}}).encode()
    response = app.test_client().post("/webhooks/stripe", data=payload, headers={"Stripe-Signature": sign(payload)})
    assert response.status_code == 200
    assert _count(app, WebhookEvent) == 1


def test_a_body_over_the_size_limit_answers_413(app, world, token):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    lots = _count(app, Lot)
    big = b'{"sku": "' + b"A" * 100_000 + b'"}'
    response = app.test_client().post("/api/v1/merchant/lots", data=big, content_type="application/json",
                                      headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    response = app.test_client().post("/en/cart", data={"sku": "A" * 100_000, "quantity": "1"})
    assert response.status_code == 413
    assert "text/html" in response.content_type
    assert _count(app, Lot) == lots


def test_the_shop_limits_request_bodies_by_default(app):
    assert 0 < app.config["MAX_CONTENT_LENGTH"] <= 16 * 1024 * 1024


# ---- prices of nothing, and text that flips labels -----------------------------------------

LISTING = {"names": {"en": "Kashgar green tea"}, "category": "goods", "origin_country": "CN", "hs_code": "0902.10",
           "weight_g": 200, "dimensions_mm": [100, 80, 60]}


@pytest.mark.parametrize("price", ["0", "0.00", "-1.00", "-0.01"])
def test_a_listing_price_of_zero_or_below_is_refused_by_the_api(app, world, token, price):
    response = app.test_client().put("/api/v1/merchant/products/FREE-1", json={**LISTING, "price_cny": price},
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"price_cny"}
    with app.app_context():
        assert db.session.scalar(sa.select(Product).where(Product.sku == "FREE-1")) is None


def test_a_listing_price_of_zero_is_refused_in_csv_imports_and_the_portal(app, world):
    import io

    from shop.services.listings import COLUMNS, ListingImportError, import_listings_csv, parse_listing
    values = {"sku": "FREE-2", "name_en": "Free tea", "category": "goods", "origin_country": "CN",
              "hs_code": "0902.10", "price_cny": "0.00", "weight_g": "200", "length_mm": "10", "width_mm": "10",
              "height_mm": "10"}
    with app.test_request_context("/ru/"), app.app_context():
        from flask_babel import force_locale
        with force_locale("ru"):
            _draft, problems = parse_listing(values)
            assert problems["price_cny"] == "Цена должна быть больше нуля."
        out = io.StringIO()
        out.write(",".join(COLUMNS) + "\n" + ",".join(values.get(c, "") for c in COLUMNS) + "\n")
        with pytest.raises(ListingImportError) as raised:
            import_listings_csv(out.getvalue().encode(), "kashgar-goods")
        assert "price_cny" in str([vars(e) for e in raised.value.errors])
        assert db.session.scalar(sa.select(Product).where(Product.sku == "FREE-2")) is None
        _draft, problems = parse_listing({**values, "price_cny": "0.01"})
        assert "price_cny" not in problems


BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\x1b", "\x7f"]


@pytest.mark.parametrize("char", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_bidi_and_control_characters_are_refused_in_merchant_listing_names(app, world, token, char):
    response = app.test_client().put("/api/v1/merchant/products/FLIP-1", json={
        **LISTING, "names": {"en": f"Tea {char}321 gnikcuf", "ur": "چائے"}, "price_cny": "10.00"},
        headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (400, 422)
    with app.app_context():
        assert db.session.scalar(sa.select(Product).where(Product.sku == "FLIP-1")) is None


@pytest.mark.parametrize("field", ["name", "city", "address"])
@pytest.mark.parametrize("char", ["\u202e", "\u2067", "\x1b"], ids=["RLO", "RLI", "ESC"])
def test_bidi_and_control_characters_are_refused_in_checkout_addresses(app, world, field, char):
    from shop.models import Address
    from tests.checkout.conftest import hidden
    client, user_id = _signed_in(app)
    with app.app_context():
        put_in_cart(user_id, {world["CR-ROSE"]: 1})
    page = client.get("/ru/checkout").get_data(as_text=True)
    data = {"name": "Ivan Petrov", "phone": "+7 912 345-67-89", "country": "RU", "city": "Moscow",
            "address": "ул. Тверская, д. 7", "postcode": "125009", "line": "auto", "payment_method": "cod",
            "csrf_token": csrf_of(page), "idempotency_key": hidden(page, "idempotency_key")}
    data[field] = f"{data[field]} {char}7 .д"
    response = client.post("/ru/checkout", data=data)
    assert response.status_code in (400, 422), response.status_code
    # Bidi controls reach the address check; other control characters stop at the form gate.
    expected = "В форме есть недопустимые символы." if char == "\x1b" else "Удалите из текста управляющие символы."
    assert expected in response.get_data(as_text=True)
    assert _count(app, Order) == 0
    assert _count(app, Address) == 0

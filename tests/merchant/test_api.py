"""The merchant API and the tokens behind it: each merchant's own data only."""
import hashlib
import re

import sqlalchemy as sa

from shop.extensions import db
from shop.models import ApiToken, AuditLog, Lot, Product, StockMove
from tests.merchant.conftest import ENTRY, bearer, count

NEW_PRODUCT = {
    "names": {"en": "Alpha poppy seed roll", "ru": "Рулет с маком «Альфа»", "zh": None},
    "descriptions": {"en": "Baked in the zone."},
    "category": "bread-bakery", "origin_country": "CN", "hs_code": "1905.90",
    "price": {"amount": "32.00", "currency": "CNY"}, "weight_g": 450, "dimensions_mm": [300, 110, 80],
    "goods_flags": ["perishable"],
}


# ---- tokens ---------------------------------------------------------------------------------

def test_a_token_is_shown_once_and_only_its_hash_is_kept(world, alpha):
    response = alpha.post("/merchant/tokens", {"name": "warehouse sync"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="new-token">([^<]+)<', page).group(1)
    assert secret.startswith("kbz_") and len(secret) > 40
    with world.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest() and token.name == "warehouse sync"
        assert count(AuditLog, AuditLog.action == "api_token.create") == 1
    listing = alpha.get("/merchant/tokens").get_data(as_text=True)
    assert "warehouse sync" in listing and secret not in listing
    client = world.test_client()
    assert client.get("/api/v1/merchant/products", headers=bearer(secret)).status_code == 200


def test_a_token_needs_a_name(alpha):
    response = alpha.post("/merchant/tokens", {"name": ""})
    assert response.status_code == 400 and "This field is required." in response.get_data(as_text=True)


def test_a_revoked_token_stops_working_at_once(world, alpha, alpha_token):
    client = world.test_client()
    assert client.get("/api/v1/merchant/products", headers=bearer(alpha_token)).status_code == 200
    with world.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
        assert db.session.get(ApiToken, token_id).last_used_at is not None
    assert alpha.post(f"/merchant/tokens/{token_id}/revoke", {}, form_page="/merchant/tokens").status_code == 303
    response = client.get("/api/v1/merchant/products", headers=bearer(alpha_token))
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "revoked_token"
    assert "revoked" in alpha.get("/merchant/tokens").get_data(as_text=True)


def test_a_merchant_cannot_revoke_another_merchants_token(world, beta, alpha_token):
    with world.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    response = beta.post(f"/merchant/tokens/{token_id}/revoke", {}, form_page="/merchant/tokens")
    assert response.status_code == 404
    assert world.test_client().get("/api/v1/merchant/products", headers=bearer(alpha_token)).status_code == 200
    assert "test" not in beta.get("/merchant/tokens").get_data(as_text=True).split("Your tokens")[1]


def test_a_token_of_an_account_no_longer_a_merchant_is_refused(world, alpha_token):
    with world.app_context():
        from shop.models import User
        user = db.session.scalar(sa.select(User).where(User.email == "alpha@example.com"))
        user.active = False
        db.session.commit()
    assert world.test_client().get("/api/v1/merchant/products", headers=bearer(alpha_token)).status_code == 401


# ---- products -------------------------------------------------------------------------------

def test_listing_products_answers_only_the_merchants_own_in_the_public_shape(world, alpha_token):
    client = world.test_client()
    body = client.get("/api/v1/merchant/products", headers=bearer(alpha_token)).get_json()
    assert body["total"] == 1 and body["page"] == 1 and body["pages"] == 1
    item = body["items"][0]
    assert item["sku"] == "A-BREAD-1" and item["merchant"] == "alpha-bakery" and item["stock_available"] == 38
    assert {"sku", "slug", "names", "descriptions", "category", "merchant", "origin_country", "hs_code",
            "goods_flags", "price", "weight_g", "dimensions_mm", "stock_available"} <= set(item)
    assert item["price"] == {"amount": "20.00", "currency": "CNY"}
    assert client.get("/api/v1/merchant/products?page=0", headers=bearer(alpha_token)).status_code == 400


def test_put_creates_then_updates_a_listing(world, alpha_token):
    client = world.test_client()
    response = client.put("/api/v1/merchant/products/A-ROLL-1", json=NEW_PRODUCT, headers=bearer(alpha_token))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["names"] == {"en": "Alpha poppy seed roll", "zh": None, "ru": "Рулет с маком «Альфа»", "ur": None}
    assert body["tax_class"] == "food" and body["goods_flags"] == ["perishable"] and body["stock_available"] == 0
    assert body["slug"] == "alpha-poppy-seed-roll" and body["dimensions_mm"] == [300, 110, 80]

    response = client.put("/api/v1/merchant/products/A-ROLL-1", headers=bearer(alpha_token),
                          json={"price_cny": "35.50", "names": {"ur": "الفا خشخاش رول"}, "active": False})
    assert response.status_code == 200
    body = response.get_json()
    assert body["price"]["amount"] == "35.50" and body["names"]["ur"] == "الفا خشخاش رول"
    assert body["names"]["en"] == "Alpha poppy seed roll" and body["active"] is False
    # A product as GET answers it can be sent straight back.
    response = client.put("/api/v1/merchant/products/A-ROLL-1", json=body, headers=bearer(alpha_token))
    assert response.status_code == 200
    with world.app_context():
        assert count(AuditLog, AuditLog.entity_id == "A-ROLL-1") == 2
        assert db.session.scalar(sa.select(Product.active).where(Product.sku == "A-ROLL-1")) is False


def test_put_on_another_merchants_sku_is_refused_and_changes_nothing(world, alpha_token):
    response = world.test_client().put("/api/v1/merchant/products/B-CREAM-1", json=NEW_PRODUCT,
                                       headers=bearer(alpha_token))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "sku_taken"
    with world.app_context():
        product = db.session.scalar(sa.select(Product).where(Product.sku == "B-CREAM-1"))
        assert product.merchant.slug == "beta-cosmetics" and product.text("en").name == "Beta night cream"


def test_put_takes_price_or_price_cny_not_both(world, alpha_token):
    response = world.test_client().put("/api/v1/merchant/products/A-ROLL-1", headers=bearer(alpha_token),
                                       json={**NEW_PRODUCT, "price_cny": "32.00"})
    assert response.status_code == 422 and "price" in response.get_json()["error"]["fields"]


def test_put_messages_follow_accept_language(world, alpha_token):
    headers = {**bearer(alpha_token), "Accept-Language": "ru"}
    response = world.test_client().put("/api/v1/merchant/products/A-ROLL-1", headers=headers,
                                       json={**NEW_PRODUCT, "weight_g": 0})
    message = response.get_json()["error"]["fields"]["weight_g"]
    assert re.search("[а-я]", message), message


def test_put_without_a_json_object_is_400(world, alpha_token):
    client = world.test_client()
    response = client.put("/api/v1/merchant/products/A-ROLL-1", data="not json", headers=bearer(alpha_token))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_json"


# ---- lots -----------------------------------------------------------------------------------

LOT = {"sku": "A-BREAD-1", "lot_number": "A-LOT-9", "quantity": 60, "expiry": "2099-05-01", "bin": "A-04-01",
       "customs_entry": ENTRY, "customs_status": "bonded"}


def test_posting_a_lot_receives_it_with_an_intake(world, alpha_token):
    response = world.test_client().post("/api/v1/merchant/lots", json=LOT, headers=bearer(alpha_token))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["lot_number"], body["quantity"], body["available"], body["expiry"]) == ("A-LOT-9", 60, 60,
                                                                                        "2099-05-01")
    with world.app_context():
        lot = db.session.scalar(sa.select(Lot).where(Lot.lot_number == "A-LOT-9"))
        assert db.session.scalar(sa.select(sa.func.sum(StockMove.on_hand_delta)).where(
            StockMove.lot_id == lot.id)) == lot.on_hand == 60
    products = world.test_client().get("/api/v1/merchant/products", headers=bearer(alpha_token)).get_json()
    assert products["items"][0]["stock_available"] == 98


def test_posting_a_lot_for_another_merchants_sku_is_404(world, alpha_token):
    response = world.test_client().post("/api/v1/merchant/lots", json={**LOT, "sku": "B-CREAM-1"},
                                        headers=bearer(alpha_token))
    assert response.status_code == 404
    with world.app_context():
        assert count(Lot) == 2


def test_a_lot_number_in_use_is_409_and_bad_fields_are_422(world, alpha_token):
    client = world.test_client()
    response = client.post("/api/v1/merchant/lots", json={**LOT, "lot_number": "B-LOT-1"},
                           headers=bearer(alpha_token))
    assert response.status_code == 409
    response = client.post("/api/v1/merchant/lots", headers=bearer(alpha_token), json={
        **LOT, "quantity": "60", "expiry": "tomorrow", "customs_entry": "1", "customs_status": "lost", "x": 1})
    assert response.status_code == 422
    assert {"quantity", "expiry", "customs_entry", "customs_status", "x"} <= set(
        response.get_json()["error"]["fields"])
    with world.app_context():
        assert count(Lot) == 2


# ---- orders ---------------------------------------------------------------------------------

def test_orders_hold_only_the_merchants_own_lines(world, alpha_token, beta_token):
    client = world.test_client()
    alpha = client.get("/api/v1/merchant/orders", headers=bearer(alpha_token)).get_json()
    assert alpha["total"] == 1
    order = alpha["items"][0]
    assert order["number"] == "KBZ-TEST-0001" and [line["sku"] for line in order["lines"]] == ["A-BREAD-1"]
    assert order["lines"][0]["total"] == {"amount": "40.00", "currency": "CNY"}
    assert "ship_address" not in order and "email" not in order
    beta = client.get("/api/v1/merchant/orders", headers=bearer(beta_token)).get_json()
    assert [o["number"] for o in beta["items"]] == ["KBZ-TEST-0002", "KBZ-TEST-0001"] or \
        sorted(o["number"] for o in beta["items"]) == ["KBZ-TEST-0001", "KBZ-TEST-0002"]
    assert all(line["sku"] == "B-CREAM-1" for o in beta["items"] for line in o["lines"])
    paid = client.get("/api/v1/merchant/orders?status=paid", headers=bearer(beta_token)).get_json()
    assert [o["number"] for o in paid["items"]] == ["KBZ-TEST-0001"]
    assert client.get("/api/v1/merchant/orders?status=lost", headers=bearer(beta_token)).status_code == 400

"""/admin/discounts and /merchant/discounts: creating, editing and deactivating codes, form errors
re-shown, roles checked, and a merchant confined to its own listings and its own codes."""
import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import Discount, Product
from tests.support import (
    LANGS,
    add_category,
    add_merchant,
    add_product,
    add_user,
    app_for,
    csrf_token,
    sign_in,
)

PASSWORD = "kashgar-bazaar-2026"


@pytest.fixture
def app(request, backend):
    yield from app_for(request, backend)


@pytest.fixture
def world(app):
    with app.app_context():
        mine, theirs = add_merchant("lieba", "Lieba bakery"), add_merchant("indus", "Indus traders")
        category = add_category("bread", ("Bread", "面包", "Хлеб", "روٹی"))
        for sku, merchant in (("LB-1", mine), ("LB-2", mine), ("IN-1", theirs)):
            add_product(sku=sku, merchant=merchant, category=category, names=[sku] * len(LANGS), price="20.00",
                        origin_country="RU", hs_code="1905", weight_g=100, length_mm=10, width_mm=10, height_mm=10)
        add_user("admin@example.com", PASSWORD, role="admin")
        add_user("lieba@example.com", PASSWORD, role="merchant", merchant=mine)
        add_user("indus@example.com", PASSWORD, role="merchant", merchant=theirs)
        add_user("buyer@example.com", PASSWORD, role="buyer")
        db.session.commit()
    return app


def client_of(app, email):
    client = app.test_client()
    sign_in(client, email, PASSWORD)
    return client


def post(client, path, **fields):
    return client.post(path, data={"csrf_token": csrf_token(client, path if "/active" not in path else
                                                           path.rsplit("/", 2)[0]), **fields})


def codes(app):
    with app.app_context():
        return {d.code: d for d in db.session.scalars(sa.select(Discount))}


def test_an_admin_creates_edits_and_deactivates_a_code(world):
    admin = client_of(world, "admin@example.com")
    response = post(admin, "/admin/discounts/new", code="welcome10", kind="percent", value="10", max_uses="100",
                    per_buyer="1", min_subtotal="50", valid_until="2027-01-31", scope="all")
    assert response.status_code == 303
    code = codes(world)["WELCOME10"]
    assert (code.kind, str(code.value), code.max_uses, code.per_buyer) == ("percent", "10.00", 100, 1)
    page = admin.get("/admin/discounts").get_data(as_text=True)
    assert 'data-code="WELCOME10"' in page and "0 / 100" in page
    edit = post(admin, f"/admin/discounts/{code.id}", code="WELCOME10", kind="amount", value="15", scope="all")
    assert edit.status_code == 303 and codes(world)["WELCOME10"].kind == "amount"
    off = post(admin, f"/admin/discounts/{code.id}/active", active="0")
    assert off.status_code == 303 and codes(world)["WELCOME10"].active is False


@pytest.mark.parametrize("fields, field, words", [
    ({"code": "", "kind": "percent", "value": "10"}, "code", "required"),
    ({"code": "X Y!", "kind": "percent", "value": "10"}, "code", "3 to 32"),
    ({"code": "BIGPCT", "kind": "percent", "value": "150"}, "value", "0.01 to 100"),
    ({"code": "NEG", "kind": "amount", "value": "-5"}, "value", "a number"),
    ({"code": "HUGE", "kind": "amount", "value": "1e400"}, "value", "At most"),
    ({"code": "HALFUSE", "kind": "percent", "value": "10", "max_uses": "5.5"}, "max_uses", "whole number"),
    ({"code": "DAYS", "kind": "percent", "value": "10", "valid_from": "2027-02-01", "valid_until": "2027-01-01"},
     "valid_until", "before the first"),
    ({"code": "NOSKU", "kind": "percent", "value": "10", "scope": "listings", "skus": "NOPE"}, "skus", "NOPE"),
    ({"code": "NOLINE", "kind": "free_shipping", "line": "KHG-NOWHERE"}, "line", "KHG-NOWHERE"),
])
def test_a_bad_form_is_shown_again_with_the_reason_and_saves_nothing(world, fields, field, words):
    admin = client_of(world, "admin@example.com")
    response = post(admin, "/admin/discounts/new", **fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and words in page
    assert codes(world) == {}


def test_hostile_input_answers_4xx_and_saves_nothing(world):
    admin = client_of(world, "admin@example.com")
    for fields in ({"code": "NUL\x00", "kind": "percent", "value": "10"}, {"code": "A" * 5000, "kind": "x"},
                   {"code": "TYPES", "kind": "percent", "value": "10", "max_uses": "99999999999999999999"}):
        assert post(admin, "/admin/discounts/new", **fields).status_code == 400
    assert admin.get("/admin/discounts/999999").status_code == 404
    assert codes(world) == {}


def test_the_same_code_in_another_spelling_is_refused(world):
    admin = client_of(world, "admin@example.com")
    assert post(admin, "/admin/discounts/new", code="SPRING", kind="percent", value="5").status_code == 303
    again = post(admin, "/admin/discounts/new", code="spring", kind="percent", value="5")
    assert again.status_code == 400 and "already a discount code SPRING" in again.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/admin/discounts", "/admin/discounts/new"])
def test_only_admins_reach_the_admin_pages(world, path):
    assert client_of(world, "buyer@example.com").get(path).status_code == 403
    assert client_of(world, "lieba@example.com").get(path).status_code == 403
    assert world.test_client().get(path).status_code in (302, 303)


def test_a_merchants_code_is_forced_onto_its_own_listings(world):
    lieba = client_of(world, "lieba@example.com")
    # The form says "everything" and names another merchant: the code is still for Lieba's listings only.
    response = post(lieba, "/merchant/discounts/new", code="LIEBA5", kind="amount", value="5", scope="all",
                    merchant="indus")
    assert response.status_code == 303
    code = codes(world)["LIEBA5"]
    with world.app_context():
        lieba_id = db.session.scalar(sa.select(Product.merchant_id).where(Product.sku == "LB-1"))
    assert code.scope == "merchant" and code.scope_merchant_id == lieba_id and code.owner_merchant_id == lieba_id


def test_a_merchant_cannot_put_another_merchants_listing_in_its_code(world):
    lieba = client_of(world, "lieba@example.com")
    response = post(lieba, "/merchant/discounts/new", code="STEAL", kind="percent", value="50", scope="listings",
                    skus="LB-1 IN-1")
    assert response.status_code == 400 and "IN-1" in response.get_data(as_text=True)
    assert codes(world) == {}
    ok = post(lieba, "/merchant/discounts/new", code="MINE", kind="percent", value="50", scope="listings",
              skus="LB-1 LB-2")
    assert ok.status_code == 303 and len(codes(world)["MINE"].product_ids) == 2


def test_a_merchant_sees_and_changes_only_its_own_codes(world):
    admin = client_of(world, "admin@example.com")
    post(admin, "/admin/discounts/new", code="SHOPWIDE", kind="percent", value="10")
    indus = client_of(world, "indus@example.com")
    post(indus, "/merchant/discounts/new", code="INDUS10", kind="percent", value="10")
    lieba = client_of(world, "lieba@example.com")
    page = lieba.get("/merchant/discounts").get_data(as_text=True)
    assert "INDUS10" not in page and "SHOPWIDE" not in page
    for code in ("INDUS10", "SHOPWIDE"):
        target = codes(world)[code]
        assert lieba.get(f"/merchant/discounts/{target.id}").status_code == 404
        assert post(lieba, f"/merchant/discounts/{target.id}", code="HIJACK", kind="percent",
                    value="99").status_code == 404
        assert post(lieba, f"/merchant/discounts/{target.id}/active", active="0").status_code == 404
    assert set(codes(world)) == {"SHOPWIDE", "INDUS10"} and all(d.active for d in codes(world).values())
    # The admin sees a merchant's code in the list but leaves it to the merchant.
    assert "INDUS10" in admin.get("/admin/discounts").get_data(as_text=True)
    assert admin.get(f"/admin/discounts/{codes(world)['INDUS10'].id}").status_code == 404
    # ... but may stop it.
    assert post(admin, f"/admin/discounts/{codes(world)['INDUS10'].id}/active", active="0").status_code == 303
    assert codes(world)["INDUS10"].active is False

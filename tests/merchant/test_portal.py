"""The merchant portal: who may enter, what each merchant sees, listings, lots and the ledger."""
import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import AuditLog, Lot, Product, ProductTranslation, SearchDocument, StockMove
from shop.services import search
from tests.merchant.conftest import PASSWORD, Portal, count, listing_form

PAGES = ["/merchant/", "/merchant/listings", "/merchant/listings/new", "/merchant/listings/A-BREAD-1/edit",
         "/merchant/listings/A-BREAD-1/lots", "/merchant/orders", "/merchant/orders/KBZ-TEST-0001",
         "/merchant/import", "/merchant/tokens", "/merchant/import/template.csv"]


@pytest.mark.parametrize("email", ["buyer@example.com", "staff@example.com"])
def test_accounts_that_are_not_merchants_get_403(world, email):
    portal = Portal(world.test_client()).login(email)
    assert portal.get("/merchant/").status_code == 403
    assert portal.get("/merchant/listings").status_code == 403


def test_the_dashboard_counts_only_the_merchants_own(alpha):
    page = alpha.get("/merchant/").get_data(as_text=True)
    assert "A-BREAD-1" in page
    assert "KBZ-TEST-0001" in page and "KBZ-TEST-0002" not in page
    assert "B-CREAM-1" not in page


def test_a_merchant_sees_only_their_own_listings(alpha):
    page = alpha.get("/merchant/listings").get_data(as_text=True)
    assert "A-BREAD-1" in page and "B-CREAM-1" not in page
    assert "B-CREAM-1" not in alpha.get("/merchant/listings?q=cream").get_data(as_text=True)
    assert "A-BREAD-1" in alpha.get("/merchant/listings?q=rye").get_data(as_text=True)


def test_another_merchants_listing_lots_and_orders_are_404(world, alpha):
    with world.app_context():
        beta_lot = db.session.scalar(sa.select(Lot.id).where(Lot.lot_number == "B-LOT-1"))
    for path in ("/merchant/listings/B-CREAM-1/edit", "/merchant/listings/B-CREAM-1/lots",
                 f"/merchant/lots/{beta_lot}", "/merchant/orders/KBZ-TEST-0002"):
        assert alpha.get(path).status_code == 404, path
    own_page = "/merchant/listings/A-BREAD-1/edit"
    assert alpha.post("/merchant/listings/B-CREAM-1/edit", listing_form(sku="B-CREAM-1"),
                      form_page=own_page).status_code == 404
    assert alpha.post(f"/merchant/lots/{beta_lot}/adjust", {"change": "-5", "reason": "x"},
                      form_page=own_page).status_code == 404
    assert alpha.post(f"/merchant/lots/{beta_lot}/status", {"customs_status": "quarantined"},
                      form_page=own_page).status_code == 404
    assert alpha.post("/merchant/listings/B-CREAM-1/lots", {"lot_number": "X-1"},
                      form_page=own_page).status_code == 404
    with world.app_context():
        lot = db.session.scalar(sa.select(Lot).where(Lot.lot_number == "B-LOT-1"))
        assert (lot.on_hand, lot.customs_status) == (30, "bonded")
        assert count(StockMove, StockMove.lot_id == lot.id) == 2


def test_creating_a_listing_over_another_merchants_sku_is_refused(world, alpha):
    response = alpha.post("/merchant/listings/new", listing_form(sku="B-CREAM-1"))
    assert response.status_code == 400
    assert "already used by another merchant" in response.get_data(as_text=True)
    with world.app_context():
        assert db.session.scalar(sa.select(Product.merchant_id).where(Product.sku == "B-CREAM-1")) == 2


def test_an_order_shows_only_the_merchants_own_lines_and_no_buyer_details(alpha):
    page = alpha.get("/merchant/orders/KBZ-TEST-0001").get_data(as_text=True)
    assert "A-BREAD-1" in page and "B-CREAM-1" not in page
    assert "Secret street" not in page and "+77010000000" not in page and "Aigerim Secret" not in page
    orders = alpha.get("/merchant/orders").get_data(as_text=True)
    assert "KBZ-TEST-0001" in orders and "KBZ-TEST-0002" not in orders and "B-CREAM-1" not in orders


def test_creating_a_listing_saves_its_four_languages_slugs_search_and_audit(world, alpha):
    response = alpha.post("/merchant/listings/new", listing_form())
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/merchant/listings/A-CHOC-9/lots")
    with world.app_context():
        product = db.session.scalar(sa.select(Product).where(Product.sku == "A-CHOC-9"))
        texts = {t.lang: t for t in product.translations}
        assert set(texts) == {"en", "zh", "ru", "ur"}
        assert texts["en"].slug == "alpha-dark-chocolate"
        assert texts["ru"].name == "Тёмный шоколад «Альфа»"
        assert product.goods_flags == ["fragile"] and product.tax_class == "food"
        assert str(product.price_cny) == "18.50" and product.merchant.slug == "alpha-bakery"
        assert product.id in search.search_product_ids("шоколад", "ru")
        assert count(AuditLog, AuditLog.action == "listing.create", AuditLog.entity_id == "A-CHOC-9") == 1


def test_slugs_stay_unique_per_language(world, alpha):
    alpha.post("/merchant/listings/new", listing_form())
    alpha.post("/merchant/listings/new", listing_form(sku="A-CHOC-10"))
    with world.app_context():
        slugs = db.session.scalars(sa.select(ProductTranslation.slug).where(ProductTranslation.lang == "en")
                                   .order_by(ProductTranslation.id)).all()
        assert "alpha-dark-chocolate" in slugs and "alpha-dark-chocolate-a-choc-10" in slugs
        assert len(slugs) == len(set(slugs))


def test_a_wrong_form_is_shown_again_with_messages_and_entries_and_saves_nothing(world, alpha):
    data = listing_form(price_cny="12.345", weight_g="heavy", name_en="", description_en="", hs_code="12", origin_country="XX",
                        name_ru="=HYPERLINK(\"http://x\")", description_ur="<script>alert(1)</script>")
    response = alpha.post("/merchant/listings/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was saved" in page
    for message in ("Use at most two decimals.", "Enter a whole number.", "An English name is required",
                    "Enter an HS code", "two-letter country code", "a spreadsheet would run it as a formula",
                    "Plain text only"):
        assert message in page, message
    assert 'value="A-CHOC-9"' in page and 'value="heavy"' in page and "阿尔法黑巧克力" in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    with world.app_context():
        assert count(Product, Product.sku == "A-CHOC-9") == 0
        assert count(AuditLog) == 0


def test_messages_follow_the_merchants_language(world, alpha):
    alpha.client.set_cookie("office_lang", "ur")
    page = alpha.post("/merchant/listings/new", listing_form(weight_g="heavy")).get_data(as_text=True)
    assert 'dir="rtl"' in page and 'lang="ur"' in page
    assert "Enter a whole number." not in page
    alpha.client.set_cookie("office_lang", "zh")
    page = alpha.post("/merchant/listings/new", listing_form(weight_g="heavy")).get_data(as_text=True)
    assert "Enter a whole number." not in page and "整数" in page


def test_editing_a_listing_changes_it_and_says_when_nothing_changed(world, alpha):
    path = "/merchant/listings/A-BREAD-1/edit"
    page = alpha.get(path).get_data(as_text=True)
    assert 'value="Alpha rye bread"' in page
    form = listing_form(sku="IGNORED", name_en="Alpha rye bread, sliced", name_zh="", name_ur="",
                        name_ru="Ржаной хлеб «Альфа»", category="bread-bakery", price_cny="21.00")
    response = alpha.post(path, form)
    assert response.status_code == 303
    with world.app_context():
        product = db.session.scalar(sa.select(Product).where(Product.sku == "A-BREAD-1"))
        texts = {t.lang: t for t in product.translations}
        assert texts["en"].name == "Alpha rye bread, sliced" and texts["en"].slug == "a-bread-1"
        assert set(texts) == {"en", "zh", "ru", "ur"} - {"zh", "ur"}
        assert str(product.price_cny) == "21.00"
        assert count(SearchDocument, SearchDocument.product_id == product.id) == 2
        assert count(AuditLog, AuditLog.action == "listing.update") == 1
    alpha.post(path, form)
    assert "Nothing changed." in alpha.get(path).get_data(as_text=True)


def test_receiving_a_lot_writes_the_lot_and_an_intake(world, alpha):
    response = alpha.post("/merchant/listings/A-BREAD-1/lots", {
        "lot_number": "A-LOT-2", "customs_entry": "650820260350231999", "quantity": "120",
        "expiry": "2099-01-31", "bin": "a-02-03", "customs_status": "bonded"})
    assert response.status_code == 303
    with world.app_context():
        lot = db.session.scalar(sa.select(Lot).where(Lot.lot_number == "A-LOT-2"))
        assert (lot.on_hand, lot.reserved, lot.bin, str(lot.expiry)) == (120, 0, "A-02-03", "2099-01-31")
        moves = db.session.scalars(sa.select(StockMove).where(StockMove.lot_id == lot.id)).all()
        assert [(m.kind, m.on_hand_delta) for m in moves] == [("intake", 120)]
        assert count(AuditLog, AuditLog.action == "lot.receive") == 1


def test_a_wrong_lot_is_shown_again_and_saves_nothing(world, alpha):
    response = alpha.post("/merchant/listings/A-BREAD-1/lots", {
        "lot_number": "B-LOT-1", "customs_entry": "123", "quantity": "0", "expiry": "2020-01-01", "bin": "A 1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "18 digits" in page and "from 1 to" in page and "has passed" in page and "Enter a bin" in page
    response = alpha.post("/merchant/listings/A-BREAD-1/lots", {
        "lot_number": "B-LOT-1", "customs_entry": "650820260350231999", "quantity": "5", "expiry": "",
        "bin": "A-01-01", "customs_status": "bonded"})
    assert response.status_code == 400 and "already in use" in response.get_data(as_text=True)
    with world.app_context():
        assert count(Lot) == 2 and count(StockMove) == 4


def _lot_id(world, number="A-LOT-1"):
    with world.app_context():
        return db.session.scalar(sa.select(Lot.id).where(Lot.lot_number == number))


def test_adjusting_a_lot_records_the_reason_and_the_ledger_adds_up(world, alpha):
    lot_id = _lot_id(world)
    path = f"/merchant/lots/{lot_id}"
    assert alpha.post(f"{path}/adjust", {"change": "-3", "reason": "broken in the bin"},
                      form_page=path).status_code == 303
    assert alpha.post(f"{path}/adjust", {"change": "+10", "reason": "recount"}, form_page=path).status_code == 303
    with world.app_context():
        lot = db.session.get(Lot, lot_id)
        on_hand, reserved = db.session.execute(sa.select(sa.func.sum(StockMove.on_hand_delta),
                                                         sa.func.sum(StockMove.reserved_delta))
                                               .where(StockMove.lot_id == lot_id)).one()
        assert lot.on_hand == on_hand == 47 and lot.reserved == reserved == 2
        assert db.session.scalars(sa.select(StockMove.note).where(StockMove.kind == "adjust")).all() == [
            "broken in the bin", "recount"]
        assert count(AuditLog, AuditLog.action == "lot.adjust") == 2
    page = alpha.get(path).get_data(as_text=True)
    assert "The ledger adds up: 47 on hand, 2 reserved." in page and "broken in the bin" in page


def test_a_lot_never_goes_below_what_is_reserved(world, alpha):
    lot_id = _lot_id(world)
    path = f"/merchant/lots/{lot_id}"
    response = alpha.post(f"{path}/adjust", {"change": "-39", "reason": "lost"}, form_page=path)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "cannot go below 2" in page and 'value="-39"' in page
    for change, message in (("0", "other than zero"), ("abc", "whole number of units"), ("", "required")):
        response = alpha.post(f"{path}/adjust", {"change": change, "reason": "x"}, form_page=path)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert alpha.post(f"{path}/adjust", {"change": "-38", "reason": ""}, form_page=path).status_code == 400
    assert alpha.post(f"{path}/adjust", {"change": "-38", "reason": "sold off"}, form_page=path).status_code == 303
    with world.app_context():
        lot = db.session.get(Lot, lot_id)
        assert (lot.on_hand, lot.reserved) == (2, 2)


def test_changing_the_customs_status_is_audited_and_quarantine_hides_stock(world, alpha):
    lot_id = _lot_id(world)
    path = f"/merchant/lots/{lot_id}"
    response = alpha.post(f"{path}/status", {"customs_status": "quarantined", "note": "inspection 42"},
                          form_page=path)
    assert response.status_code == 303
    assert alpha.post(f"{path}/status", {"customs_status": "lost"}, form_page=path).status_code == 400
    with world.app_context():
        from shop.services.catalogue import stock_available
        lot = db.session.get(Lot, lot_id)
        assert lot.customs_status == "quarantined"
        assert stock_available([lot.product_id])[lot.product_id] == 0
        entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "lot.customs_status"))
        assert entry.data["customs_status"] == ["bonded", "quarantined"]
    assert "inspection 42" in alpha.get(path).get_data(as_text=True)


def test_a_form_without_its_csrf_token_changes_nothing(world, alpha):
    lot_id = _lot_id(world)
    response = alpha.client.post(f"/merchant/lots/{lot_id}/adjust", data={"change": "5", "reason": "x"})
    assert response.status_code in (302, 303, 400)
    with world.app_context():
        assert db.session.get(Lot, lot_id).on_hand == 40


def test_the_language_switch_stays_in_the_portal(alpha):
    response = alpha.get("/merchant/language/ru?next=/merchant/listings")
    assert response.status_code == 303 and response.headers["Location"].endswith("/merchant/listings")
    page = alpha.get("/merchant/listings").get_data(as_text=True)
    assert 'lang="ru"' in page
    assert alpha.get("/merchant/language/ru?next=https://evil.example/").headers["Location"].endswith("/merchant/")


def test_a_user_with_a_revoked_merchant_role_is_turned_away(world):
    portal = Portal(world.test_client()).login("alpha@example.com", PASSWORD)
    with world.app_context():
        from shop.models import User
        user = db.session.scalar(sa.select(User).where(User.email == "alpha@example.com"))
        user.role = "buyer"
        user.merchant_id = None
        db.session.commit()
    assert portal.get("/merchant/listings").status_code == 403


def test_the_portal_follows_the_merchants_own_language_not_the_storefronts(world, alpha):
    from shop.extensions import db
    from shop.models import User
    with world.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "alpha@example.com"))
        user.preferred_lang = "ru"
        db.session.commit()
    alpha.client.set_cookie("lang", "zh")  # browsing the shop in Chinese
    page = alpha.get("/merchant/").get_data(as_text=True)
    assert '<html lang="ru"' in page
    assert alpha.client.get("/zh/").status_code == 200  # the storefront stays in Chinese
    response = alpha.client.get("/merchant/language/ur?next=/merchant/")  # the portal's own switch
    assert response.status_code == 303
    assert 'lang="ur" dir="rtl"' in alpha.get("/merchant/").get_data(as_text=True)
    assert '<html lang="zh-Hans"' in alpha.client.get("/zh/").get_data(as_text=True)

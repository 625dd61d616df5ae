"""Variants managed by a merchant: the listing CSV's product/option columns, the portal form and
the API; and what buyers see of them (one card, a choice on the page, the variant in the cart)."""
import sqlalchemy as sa

from shop.extensions import db
from shop.models import Product, VariantGroup
from shop.services.listings import COLUMNS, OPTIONAL_COLUMNS, ListingImportError, import_listings_csv
from tests.merchant.conftest import bearer, listing_form
from tests.merchant.test_import import csv_bytes, row

VARIANT_COLUMNS = (*COLUMNS, "product", "option1_name", "option1_value", "option1_value_ru", "option2_name",
                   "option2_value")
SOFT = row(sku="A-LB-SOFT", name_en="Alpha loaf, soft bag", name_zh="", name_ru="", name_ur="", description_ru="", category="bread-bakery", goods_flags="",
           lot_number="A-LB-L1", product="alpha-loaf", option1_name="Packaging", option1_value="Soft bag",
           option1_value_ru="Мягкая упаковка")
HARD = row(sku="A-LB-HARD", name_en="Alpha loaf, hard bag", name_zh="", name_ru="", name_ur="", description_ru="", category="bread-bakery", goods_flags="",
           lot_number="A-LB-L2", price_cny="25.00", product="alpha-loaf", option1_name="packaging",
           option1_value="Hard bag")


def _group_of(sku: str):
    product = db.session.scalar(sa.select(Product).where(Product.sku == sku))
    return product.variant_group, product.option_values


def test_the_csv_makes_one_product_of_two_skus(world):
    with world.app_context():
        import_listings_csv(csv_bytes([SOFT, HARD], VARIANT_COLUMNS), "alpha-bakery")
        soft_group, soft_values = _group_of("A-LB-SOFT")
        hard_group, hard_values = _group_of("A-LB-HARD")
        assert soft_group is hard_group and soft_group.code == "alpha-loaf"
        assert soft_group.option_kinds == ["packaging"]
        assert soft_values == [{"en": "Soft bag", "ru": "Мягкая упаковка"}] and hard_values == [{"en": "Hard bag"}]
        assert {c for c in VARIANT_COLUMNS if c not in COLUMNS} <= set(OPTIONAL_COLUMNS)


def test_two_variants_with_the_same_options_are_refused_naming_the_row_and_nothing_is_written(world):
    with world.app_context():
        twin = {**HARD, "option1_value": "soft BAG"}
        try:
            import_listings_csv(csv_bytes([SOFT, twin], VARIANT_COLUMNS), "alpha-bakery")
        except ListingImportError as error:
            text = str(error)
        else:
            raise AssertionError("the import should have been refused")
        assert "row 3" in text.lower() or "3" in text
        assert "A-LB-SOFT already has these options in alpha-loaf." in text
        assert db.session.scalar(sa.select(sa.func.count(VariantGroup.id))) == 0
        assert db.session.scalar(sa.select(Product).where(Product.sku == "A-LB-HARD")) is None


def test_options_without_a_product_code_or_of_an_unknown_kind_are_refused(world):
    with world.app_context():
        for bad, column in (({"product": ""}, "product"), ({"option1_name": "shoe size"}, "option1_name"),
                            ({"option1_value": ""}, "option1_value"),
                            ({"option2_name": "packaging", "option2_value": "Box"}, "option2_name")):
            try:
                import_listings_csv(csv_bytes([{**SOFT, **bad}], VARIANT_COLUMNS), "alpha-bakery")
            except ListingImportError as error:
                assert any(e.column == column for e in error.errors), (bad, [e.column for e in error.errors])
            else:
                raise AssertionError(bad)
        assert db.session.scalar(sa.select(sa.func.count(Product.id)).where(Product.sku == "A-LB-SOFT")) == 0


def test_a_file_without_the_variant_columns_leaves_the_variants_alone(world):
    with world.app_context():
        import_listings_csv(csv_bytes([SOFT, HARD], VARIANT_COLUMNS), "alpha-bakery")
        plain = {k: v for k, v in SOFT.items() if k in COLUMNS}
        import_listings_csv(csv_bytes([{**plain, "price_cny": "23.00"}]), "alpha-bakery")
        group, _values = _group_of("A-LB-SOFT")
        assert group is not None and group.code == "alpha-loaf"


def test_one_merchants_product_code_is_not_anothers(world):
    with world.app_context():
        import_listings_csv(csv_bytes([SOFT], VARIANT_COLUMNS), "alpha-bakery")
        theirs = {**HARD, "sku": "B-LB-HARD", "lot_number": "B-LB-L2"}
        import_listings_csv(csv_bytes([theirs], VARIANT_COLUMNS), "beta-cosmetics")
        mine, _ = _group_of("A-LB-SOFT")
        other, _ = _group_of("B-LB-HARD")
        assert mine is not other and mine.merchant_id != other.merchant_id


def test_the_portal_form_puts_a_listing_in_a_product(world, alpha):
    with world.app_context():
        import_listings_csv(csv_bytes([SOFT], VARIANT_COLUMNS), "alpha-bakery")
    page = alpha.get("/merchant/listings/A-LB-SOFT/edit").get_data(as_text=True)
    assert 'name="product"' in page and 'value="alpha-loaf"' in page
    response = alpha.post("/merchant/listings/new", listing_form(
        sku="A-LB-BOX", product="alpha-loaf", option1_name="packaging", option1_value="Gift box"))
    assert response.status_code == 303, response.get_data(as_text=True)
    refused = alpha.post("/merchant/listings/new", listing_form(
        sku="A-LB-BOX2", product="alpha-loaf", option1_name="weight", option1_value="1 kg"))
    assert refused.status_code == 400
    assert "The variants of alpha-loaf have the options packaging: give this one the same." in \
        refused.get_data(as_text=True)
    with world.app_context():
        group, values = _group_of("A-LB-BOX")
        assert group.code == "alpha-loaf" and values == [{"en": "Gift box"}]
        assert db.session.scalar(sa.select(Product).where(Product.sku == "A-LB-BOX2")) is None


def test_the_api_names_the_options_and_every_variant(world, alpha_token):
    with world.app_context():
        import_listings_csv(csv_bytes([SOFT, HARD], VARIANT_COLUMNS), "alpha-bakery")
    client = world.test_client()
    body = client.get("/api/v1/products/A-LB-HARD").get_json()
    assert body["options"][0]["name"]["ru"] == "Упаковка" and body["options"][0]["code"] == "packaging"
    assert [v["en"] for v in body["options"][0]["values"]] == ["Soft bag", "Hard bag"]
    assert [(v["sku"], v["price"]["amount"]) for v in body["variants"]] == [("A-LB-SOFT", "68.00"),
                                                                          ("A-LB-HARD", "25.00")]
    assert body["variants"][0]["options"]["packaging"]["ru"] == "Мягкая упаковка"
    assert all(isinstance(v["stock_available"], int) for v in body["variants"])
    response = client.put("/api/v1/merchant/products/A-LB-HARD", json={"option1_value": "Paper bag"},
                          headers=bearer(alpha_token))
    assert response.status_code == 200, response.get_json()
    assert [v["en"] for v in response.get_json()["options"][0]["values"]] == ["Soft bag", "Paper bag"]
    refused = client.put("/api/v1/merchant/products/A-LB-HARD", json={"option1_value": "Soft bag"},
                         headers=bearer(alpha_token))
    assert refused.status_code in (400, 422) and "error" in refused.get_json()
    wrong = client.put("/api/v1/merchant/products/A-LB-HARD", json={"product": 12}, headers=bearer(alpha_token))
    assert wrong.status_code in (400, 422)


def test_buyers_see_one_card_choose_the_variant_and_get_that_sku(world):
    with world.app_context():
        import_listings_csv(csv_bytes([SOFT, HARD], VARIANT_COLUMNS), "alpha-bakery")
    client = world.test_client()
    listing = client.get("/en/products?category=bread-bakery").get_data(as_text=True)
    assert listing.count("/en/products/alpha-loaf-soft-bag") == 1 and "alpha-loaf-hard-bag" not in listing
    page = client.get("/ru/products/alpha-loaf-hard-bag").get_data(as_text=True)
    assert 'id="variant-choice"' in page and "Упаковка" in page and "Мягкая упаковка" in page
    assert 'value="A-LB-HARD" checked' in page
    assert page.count('type="radio" name="sku"') == 2
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/ru/cart", data={"csrf_token": token, "sku": "A-LB-SOFT", "quantity": "2"})
    cart = client.get("/ru/cart").get_data(as_text=True)
    assert "Alpha loaf, soft bag" in cart

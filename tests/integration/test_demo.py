"""The demo data: complete in four languages, and loading it twice changes nothing."""
import sqlalchemy as sa

from shop.extensions import db
from shop.models import DutyRule, ExchangeRate, ExpressLine, Lot, Merchant, Product, ProductTranslation, StockMove, User
from shop.services.demo import load_demo


def counts():
    return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
            for m in (Merchant, Product, ProductTranslation, Lot, StockMove, ExpressLine, ExchangeRate, DutyRule, User)}


def test_demo_is_big_enough_to_look_real(demo):
    with demo.app_context():
        c = counts()
        assert c["Merchant"] >= 6
        assert c["Product"] >= 80
        assert c["ProductTranslation"] == 4 * c["Product"]
        assert c["ExpressLine"] == 6
        currencies = set(db.session.scalars(sa.select(ExchangeRate.currency)))
        assert {"RUB", "PKR", "KGS", "KZT", "UZS", "TJS", "USD"} <= currencies
        roles = set(db.session.scalars(sa.select(User.role)))
        assert roles == {"buyer", "merchant", "staff", "admin"}
        origins = set(db.session.scalars(sa.select(Product.origin_country)))
        assert {"KZ", "KG", "UZ", "TJ", "RU", "PK"} <= origins


def test_every_product_speaks_four_languages_differently(demo):
    with demo.app_context():
        for product in db.session.scalars(sa.select(Product)):
            names = {t.lang: t.name for t in product.translations}
            assert set(names) == {"en", "zh", "ru", "ur"}
            assert len(set(names.values())) == 4, f"{product.sku} repeats a name across languages"


def test_lieba_bread_comes_in_soft_and_hard_bags(demo):
    with demo.app_context():
        names = [t.name.lower() for t in db.session.scalars(
            sa.select(ProductTranslation).where(ProductTranslation.lang == "en"))]
        lieba = [n for n in names if "lieba" in n]
        assert any("soft" in n for n in lieba) and any("hard" in n for n in lieba)


def test_the_lieba_russian_bread_is_one_product_in_two_bags_and_others_come_in_variants_too(demo):
    from shop.models import VariantGroup
    with demo.app_context():
        groups = {g.code: g for g in db.session.scalars(sa.select(VariantGroup))}
        assert len(groups) >= 3
        lieba = groups["lieba-russian-bread"]
        assert lieba.option_kinds == ["packaging"]
        assert {p.sku: p.option_values[0]["en"] for p in lieba.variants} == {"CN-0001": "Soft bag",
                                                                             "CN-0001-HB": "Hard bag"}
        for group in groups.values():
            assert len(group.variants) >= 2
            for product in group.variants:
                assert {"en", "zh", "ru", "ur"} <= set(product.option_values[0])


def test_stock_ledger_rebuilds_on_hand(demo):
    with demo.app_context():
        for lot in db.session.scalars(sa.select(Lot)):
            ledger = db.session.scalar(sa.select(sa.func.sum(StockMove.on_hand_delta)).where(StockMove.lot_id == lot.id))
            assert ledger == lot.on_hand


def test_loading_the_demo_twice_changes_nothing(demo):
    with demo.app_context():
        before = counts()
        created = load_demo()
        assert not any(created.values())
        assert counts() == before


def test_demo_command_says_nothing_changed_the_second_time(demo):
    runner = demo.test_cli_runner()
    result = runner.invoke(args=["shop", "demo"])
    assert result.exit_code == 0
    assert "nothing changed" in result.output


def test_demo_duty_rules_keep_their_basis_and_start_day(demo):
    import datetime as dt
    with demo.app_context():
        rules = {r.country: r for r in db.session.scalars(sa.select(DutyRule))}
        assert (rules["PK"].basis, rules["AF"].basis, rules["RU"].basis) == ("full", "full", "excess")
        assert rules["RU"].valid_from == dt.date(2026, 7, 1) and rules["PK"].valid_from is None
        assert rules["UZ"].per == "month"


def test_the_demo_has_the_discount_codes_the_readme_names(demo):
    from shop.services import discounts
    with demo.app_context():
        welcome = discounts.find("welcome10")
        assert welcome is not None and welcome.kind == "percent" and welcome.per_buyer == 1
        lieba = discounts.find("LIEBA5")
        assert lieba is not None and lieba.owner_merchant_id is not None and lieba.scope == "merchant"
        assert discounts.find("FREESHIP").kind == "free_shipping"

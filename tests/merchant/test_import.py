"""The CSV import (service, portal page and `shop import-listings`): all rows or none."""
import io

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import AuditLog, Lot, Product, ProductTranslation, StockMove
from shop.services import listings
from shop.services.listings import COLUMNS, ListingImportError, import_listings_csv
from tests.merchant.conftest import ENTRY, count


def row(**values) -> dict:
    base = {
        "sku": "A-HONEY-1", "name_en": "Alpha mountain honey", "name_zh": "阿尔法山花蜜",
        "name_ru": "Горный мёд «Альфа»", "name_ur": "الفا پہاڑی شہد", "description_en": "Raw honey, 500 g.",
        "description_zh": "", "description_ru": "Сырой мёд, 500 г.", "description_ur": "",
        "category": "food", "origin_country": "kg", "hs_code": "0409.00", "price_cny": "68.00", "weight_g": "650",
        "length_mm": "90", "width_mm": "90", "height_mm": "120", "goods_flags": "fragile; liquid",
        "lot_number": "A-HONEY-L1", "lot_quantity": "100", "lot_expiry": "2099-06-30", "bin": "A-03-01",
        "customs_entry": ENTRY,
    }
    base.update(values)
    return base


def csv_bytes(rows, columns=COLUMNS, bom=False) -> bytes:
    import csv
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for values in rows:
        writer.writerow([values.get(c, "") for c in columns])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


GOOD = [
    row(),
    row(lot_number="A-HONEY-L2", lot_quantity="20", lot_expiry="", bin="A-03-02"),
    row(sku="A-BREAD-1", name_en="Alpha rye bread", name_zh="", name_ru="", name_ur="", description_en="",
        description_ru="", category="bread-bakery", origin_country="KZ", hs_code="1905.90", price_cny="22.00",
        weight_g="500", length_mm="200", width_mm="100", height_mm="80", goods_flags="", lot_number="",
        lot_quantity="", lot_expiry="", bin="", customs_entry=""),
    row(sku="A-SOAP-1", name_en="Alpha olive soap", name_zh="", name_ru="", name_ur="", description_en="",
        description_ru="", category="household", origin_country="SY", hs_code="3401.11", price_cny="15",
        weight_g="120", length_mm="80", width_mm="60", height_mm="30", goods_flags="", lot_number="A-SOAP-L1",
        lot_quantity="10", lot_expiry="", bin="C-01-01"),
]


def snapshot():
    products = db.session.execute(sa.select(Product.sku, Product.price_cny, Product.tax_class, Product.goods_flags)
                                  .order_by(Product.sku)).all()
    lots = db.session.execute(sa.select(Lot.lot_number, Lot.on_hand, Lot.bin).order_by(Lot.lot_number)).all()
    return products, lots, count(StockMove), count(ProductTranslation)


def test_a_good_file_creates_and_updates_and_running_it_again_changes_nothing(world):
    with world.app_context():
        seen = []
        result = import_listings_csv(csv_bytes(GOOD, bom=True), "alpha-bakery",
                                     progress=lambda done, total: seen.append((done, total)))
        assert (result.created, result.updated, result.lots) == (2, 1, 3)
        assert seen[-1] == (8, 8) and all(d <= t for d, t in seen)
        honey = db.session.scalar(sa.select(Product).where(Product.sku == "A-HONEY-1"))
        assert honey.origin_country == "KG" and honey.goods_flags == ["fragile", "liquid"]
        assert honey.tax_class == "food" and honey.merchant.slug == "alpha-bakery"
        assert {t.lang: t.slug for t in honey.translations}["en"] == "alpha-mountain-honey"
        assert sorted(lot.on_hand for lot in honey.lots) == [20, 100]
        soap = db.session.scalar(sa.select(Product).where(Product.sku == "A-SOAP-1"))
        assert soap.tax_class == "general"  # daily-necessities
        bread = db.session.scalar(sa.select(Product).where(Product.sku == "A-BREAD-1"))
        assert str(bread.price_cny) == "22.00" and [t.lang for t in bread.translations] == ["en"]
        assert len(bread.lots) == 1 and bread.lots[0].on_hand == 40  # no lot_number: listing only
        intakes = db.session.scalars(sa.select(StockMove.on_hand_delta).where(
            StockMove.kind == "intake", StockMove.note == "csv import").order_by(StockMove.id)).all()
        assert intakes == [100, 20, 10]
        assert count(AuditLog, AuditLog.action == "listings.import") == 1
        before = snapshot()

        again = import_listings_csv(csv_bytes(GOOD), "alpha-bakery")
        assert (again.created, again.updated, again.unchanged, again.lots) == (0, 0, 3, 0)
        assert snapshot() == before
        from shop.services import search
        assert honey.id in search.search_product_ids("мёд", "ru")


def test_a_tax_class_column_overrides_the_category_default(world):
    columns = (*COLUMNS, "tax_class")
    with world.app_context():
        import_listings_csv(csv_bytes([row(category="skincare", tax_class="cosmetics_high")], columns),
                            "alpha-bakery")
        assert db.session.scalar(sa.select(Product.tax_class).where(Product.sku == "A-HONEY-1")) == "cosmetics_high"


def _errors_of(world, data, merchant="alpha-bakery"):
    with world.app_context():
        before, audits = snapshot(), count(AuditLog)
        with pytest.raises(ListingImportError) as caught:
            import_listings_csv(data, merchant)
        assert snapshot() == before, "a refused file wrote something"
        assert count(AuditLog) == audits
        return caught.value


def test_one_bad_row_anywhere_writes_nothing_and_names_its_row_and_column(world):
    rows = [*GOOD, row(sku="A-BAD-1", lot_number="A-BAD-L1", price_cny="12,50")]
    error = _errors_of(world, csv_bytes(rows))
    assert [(e.row, e.column) for e in error.errors] == [(6, "price_cny")]
    assert "Row 6, column price_cny" in str(error)


def test_every_problem_is_collected(world):
    rows = [row(weight_g="-5", origin_country="Kazakhstan"), row(sku="A 2", lot_number="A-L9", lot_quantity="x",
                                                                 lot_expiry="31.12.2099", customs_entry="1")]
    error = _errors_of(world, csv_bytes(rows))
    found = {(e.row, e.column) for e in error.errors}
    assert {(2, "weight_g"), (2, "origin_country"), (3, "sku"), (3, "lot_quantity"), (3, "lot_expiry"),
            (3, "customs_entry")} <= found


def test_an_existing_lot_must_match_what_was_received(world):
    with world.app_context():
        import_listings_csv(csv_bytes([row()]), "alpha-bakery")
    error = _errors_of(world, csv_bytes([row(lot_quantity="150", customs_entry="650820260350231999")]))
    assert {(e.row, e.column) for e in error.errors} == {(2, "lot_quantity"), (2, "customs_entry")}
    assert "received with 100 units" in str(error)
    with world.app_context():
        result = import_listings_csv(csv_bytes([row(bin="A-09-09")]), "alpha-bakery")
        assert (result.lots, result.lots_updated) == (0, 1)
        lot = db.session.scalar(sa.select(Lot).where(Lot.lot_number == "A-HONEY-L1"))
        assert (lot.bin, lot.on_hand) == ("A-09-09", 100)


def test_rows_of_one_sku_must_agree_and_a_lot_appears_once(world):
    error = _errors_of(world, csv_bytes([row(), row(lot_number="A-HONEY-L2", price_cny="70.00"),
                                         row(lot_number="A-HONEY-L1")]))
    assert {(e.row, e.column) for e in error.errors} == {(3, "price_cny"), (4, "lot_number")}


def test_huge_files_are_refused_before_reading(world, monkeypatch):
    monkeypatch.setattr(listings, "MAX_ROWS", 3)
    error = _errors_of(world, csv_bytes([row(lot_number=f"L-{i}", sku=f"S-{i}") for i in range(5)]))
    assert "more than 3 rows" in str(error)
    monkeypatch.setattr(listings, "MAX_BYTES", 100)
    assert "larger than" in str(_errors_of(world, csv_bytes([row()])))


def test_an_unknown_merchant_is_refused(world):
    assert "no merchant" in str(_errors_of(world, csv_bytes([row()]), merchant="nobody"))


def test_the_cli_imports_and_reports_errors_by_row_and_column(world, tmp_path):
    runner = world.test_cli_runner()
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(GOOD))
    result = runner.invoke(args=["shop", "import-listings", str(good), "--merchant", "alpha-bakery"])
    assert result.exit_code == 0, result.output
    assert "Imported 2 new and 1 updated listings, 3 lots." in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([row(sku="A-NEW-2", lot_number="A-NEW-L2"), row(sku="A-NEW-3", lot_number="",
                                                                              lot_quantity="", weight_g="0")]))
    result = runner.invoke(args=["shop", "import-listings", str(bad), "--merchant", "alpha-bakery"])
    assert result.exit_code != 0
    assert "Row 3, column weight_g" in result.output and "nothing was imported" in result.output
    with world.app_context():
        assert count(Product, Product.sku.in_(["A-NEW-2", "A-NEW-3"])) == 0


def test_the_portal_page_imports_a_file_and_lists_problems(world, alpha):
    page = "/merchant/import"
    response = alpha.post(page, {"file": (io.BytesIO(csv_bytes([row(price_cny="free")])), "l.csv")},
                          content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "price_cny" in text and "Nothing was imported" in text
    response = alpha.post(page, {"file": (io.BytesIO(csv_bytes(GOOD)), "l.csv")},
                          content_type="multipart/form-data")
    assert response.status_code == 303
    assert "2 new listings, 1 updated" in alpha.get("/merchant/listings").get_data(as_text=True)
    with world.app_context():
        entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "listings.import"))
        assert entry.user_id is not None
    response = alpha.post(page, {}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a CSV file" in response.get_data(as_text=True)


def test_the_template_is_a_file_the_import_accepts(world):
    with world.app_context():
        result = import_listings_csv(listings.template_csv().encode(), "alpha-bakery")
        assert result.created == 1

"""Bonded-stock reconciliation: per customs entry and lot, entered, sold and shipped, returned, adjusted and on
hand, as the stock ledger holds them; as a page, CSV and PDF; a merchant sees only its own entries."""
from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from shop.extensions import db
from shop.models import Lot, StockMove
from shop.services import bonded_stock
from tests.figures.conftest import ACCOUNTS, PASSWORD, RIVAL


def _move(lot_id: int, kind: str, on_hand: int, reserved: int = 0) -> None:
    lot = db.session.get(Lot, lot_id)
    lot.on_hand += on_hand
    lot.reserved += reserved
    db.session.add(StockMove(lot_id=lot_id, kind=kind, on_hand_delta=on_hand, reserved_delta=reserved, note="test"))


def ledger_sums(lot_id: int) -> dict[str, int]:
    rows = db.session.execute(sa.select(StockMove.kind, sa.func.sum(StockMove.on_hand_delta))
                              .where(StockMove.lot_id == lot_id).group_by(StockMove.kind)).all()
    return {kind: int(total) for kind, total in rows}


def test_each_lot_reads_as_the_ledger_sums_it(app, shop):
    tea = shop.world.lots["LOT-TEA-1"]
    with app.app_context():
        _move(tea, "pick", -3, -3)  # three of the reserved units picked for orders
        _move(tea, "return", 1)     # one came back
        _move(tea, "adjust", -2)    # two broken
        db.session.commit()
        found = bonded_stock.reconciliation()
        lots = {lot.lot_number: lot for entry in found.entries for lot in entry.lots}
        sums = ledger_sums(tea)
        on_hand = db.session.get(Lot, tea).on_hand
    row = lots["LOT-TEA-1"]
    assert (row.entered, row.sold_shipped, row.returned, row.adjusted) == (
        sums["intake"], -sums["pick"], sums["return"], sums["adjust"]) == (50, 3, 1, -2)
    assert row.on_hand_ledger == row.on_hand_recorded == on_hand == 46
    assert row.balanced and found.balanced
    entry = next(e for e in found.entries if e.customs_entry == "CE-2026-0001")
    assert entry.entered == 20 + 30 + 40 + 25 + 50 and entry.on_hand_ledger == entry.entered - 3 + 1 - 2
    assert [e.customs_entry for e in found.entries] == ["CE-2026-0001", "CE-RIVAL-0009"]


def test_a_lot_that_does_not_match_its_ledger_is_marked(app, shop, client, auth):
    with app.app_context():
        lot = db.session.get(Lot, shop.world.lots["LOT-HN-1"])
        lot.on_hand -= 4  # changed without a ledger row
        db.session.commit()
        found = bonded_stock.reconciliation()
    assert not found.balanced
    bad = [lot.lot_number for e in found.entries for lot in e.lots if not lot.balanced]
    assert bad == ["LOT-HN-1"]
    auth.login(ACCOUNTS["admin"], PASSWORD)
    html = client.get("/admin/bonded-stock").get_data(as_text=True)
    assert "Some lots do not balance with the ledger." in html and "lot says 21" in html


def test_admin_downloads_every_entry_as_csv_and_pdf(app, shop, client, auth):
    auth.login(ACCOUNTS["admin"], PASSWORD)
    response = client.get("/admin/bonded-stock.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert list(rows[0]) == list(bonded_stock.CSV_COLUMNS)
    by_lot = {row["lot_number"]: row for row in rows}
    assert set(by_lot) == {"LOT-LB-OLD", "LOT-LB-NEW", "LOT-CR-1", "LOT-HN-1", "LOT-TEA-1", "LOT-RV-1"}
    assert by_lot["LOT-RV-1"]["entered"] == "12" and by_lot["LOT-RV-1"]["balanced"] == "yes"
    one = client.get("/admin/bonded-stock.csv?entry=CE-RIVAL-0009").get_data(as_text=True)
    assert "LOT-RV-1" in one and "LOT-TEA-1" not in one
    pdf = client.get("/admin/bonded-stock.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_the_csv_defuses_an_entry_number_a_spreadsheet_would_run(app, shop, client, auth):
    with app.app_context():
        db.session.get(Lot, shop.world.lots["LOT-CR-1"]).customs_entry = "=HYPERLINK(1)"
        db.session.commit()
    auth.login(ACCOUNTS["admin"], PASSWORD)
    body = client.get("/admin/bonded-stock.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in body


def test_a_merchant_reconciles_only_its_own_entries(app, shop, client, auth):
    auth.login(RIVAL, PASSWORD)
    html = client.get("/merchant/bonded-stock").get_data(as_text=True)
    assert "CE-RIVAL-0009" in html and "LOT-RV-1" in html
    assert "CE-2026-0001" not in html and "LOT-TEA-1" not in html
    # Asking for another merchant's entry by name shows nothing of it, in any format.
    other = client.get("/merchant/bonded-stock?entry=CE-2026-0001").get_data(as_text=True)
    assert "LOT-TEA-1" not in other and "No bonded lot matches." in other
    body = client.get("/merchant/bonded-stock.csv?entry=CE-2026-0001").get_data(as_text=True)
    assert body.strip().lstrip("\ufeff").splitlines() == [",".join(bonded_stock.CSV_COLUMNS)]
    all_own = client.get("/merchant/bonded-stock.csv").get_data(as_text=True)
    assert "LOT-RV-1" in all_own and "LOT-TEA-1" not in all_own
    pdf = client.get("/merchant/bonded-stock.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_hostile_entry_parameters_are_ignored(shop, client, auth):
    auth.login(ACCOUNTS["merchant"], PASSWORD)
    for value in ("\x00", "A" * 5000, "' OR 1=1 --", "%", "９９"):
        response = client.get("/merchant/bonded-stock", query_string={"entry": value})
        assert response.status_code == 200
        assert "LOT-TEA-1" in response.get_data(as_text=True)  # no such entry: the whole list

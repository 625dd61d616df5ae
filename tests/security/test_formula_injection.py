"""Formula injection: a buyer's name or city that a spreadsheet would run lands as text in every
CSV export (the departure manifest, the listing template), through one writer."""
from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import Order
from shop.services import fulfilment
from tests.fulfilment.conftest import Desk, seed

FORMULA = '=HYPERLINK("http://evil.example","x")'
RUN_AS_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def test_a_buyer_named_like_a_formula_is_plain_text_in_the_manifest(app, client, auth):
    with app.app_context():
        world = seed()
        number = world.order(items=[("LB-SOFT", [("LOT-LB-OLD", 2)])])
        db.session.execute(sa.update(Order).where(Order.number == number).values(ship_name=FORMULA))
        db.session.commit()
        staff = world.users["staff"]
        wave = fulfilment.build_wave(world.departures["KHG-MOW-TRUCK"], staff).wave_id
        fulfilment.confirm_picked(wave, number, staff)
        fulfilment.pack(wave, number, staff)
    Desk(client, auth).login("staff")
    response = client.get(f"/fulfilment/departures/{world.departures['KHG-MOW-TRUCK']}/manifest.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    (row,) = [r for r in rows if r["order_number"] == number]
    assert row["consignee"].startswith("'=HYPERLINK(")  # text, not a formula (the name in Latin letters)
    assert not any(value.startswith(RUN_AS_FORMULA) for r in rows for value in r.values())


@pytest.mark.parametrize("value", [FORMULA, "+7 912 345", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_every_cell_a_spreadsheet_would_run_gets_a_quote(value):
    from shop.services import csv_export
    text = csv_export.write_csv(["name"], [{"name": value}])
    (row,) = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert row["name"] == "'" + value


def test_ordinary_cells_are_left_as_they_are():
    from shop.services import csv_export
    text = csv_export.write_csv(["name", "amount", "flags"], [["Анна Смирнова", None, ["liquid", "fragile"]]])
    assert text == "\ufeffname,amount,flags\r\nАнна Смирнова,,liquid;fragile\r\n"

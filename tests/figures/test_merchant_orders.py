"""/merchant/orders: the order desk's filters, search, sorts, pages and CSV over the orders holding the
merchant's goods, each with only the merchant's own lines and without the buyer's contact details."""
from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from shop.extensions import db
from shop.models import Order, Payment, Shipment
from shop.services import merchant
from tests.figures.conftest import ACCOUNTS, PASSWORD, RIVAL


def shown(client, query: str, candidates) -> set[str]:
    response = client.get("/merchant/orders?" + query)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return {n for n in candidates if f'data-number="{n}"' in html}


def test_filters_narrow_the_merchants_orders(shop, client, auth):
    n = shop.numbers
    auth.login(ACCOUNTS["merchant"], PASSWORD)
    ours = {n[k] for k in ("ru_paid", "cn_paid", "pk_pending", "ru_cod", "ru_refunded", "mixed")}
    everything = set(n.values())
    assert shown(client, "", everything) == ours  # not the rival's own order
    assert shown(client, "status=confirmed", everything) == {n["ru_cod"]}
    assert shown(client, "country=CN", everything) == {n["cn_paid"]}
    assert shown(client, "line=KHG-PK-TRUCK", everything) == {n["pk_pending"]}
    assert shown(client, f"departure={shop.world.departures['CN-BONDED']}", everything) == {n["cn_paid"]}
    assert shown(client, "q=" + n["ru_cod"], everything) == {n["ru_cod"]}


def test_payment_status_date_range_sort_and_pages(app, shop, client, auth):
    n = shop.numbers
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.number == n["ru_paid"]))
        db.session.add(Payment(order_id=order.id, provider="stripe", provider_ref="pi_fig_1", amount_minor=6000,
                               currency="CNY", status="succeeded"))
        db.session.commit()
        placed = {o.number: o.placed_at for o in db.session.scalars(sa.select(Order))}
    auth.login(ACCOUNTS["merchant"], PASSWORD)
    everything = set(n.values())
    assert shown(client, "payment_status=succeeded", everything) == {n["ru_paid"]}
    day = placed[n["ru_cod"]].date().isoformat()
    assert n["ru_cod"] in shown(client, f"from={day}&to={day}", everything)
    assert n["mixed"] not in shown(client, f"from={day}&to={day}", everything)
    html = client.get("/merchant/orders?sort=placed").get_data(as_text=True)
    assert html.index(n["mixed"]) < html.index(n["ru_paid"])  # oldest first


def test_the_merchant_sees_only_its_own_lines_of_a_shared_order(shop, client, auth):
    auth.login(RIVAL, PASSWORD)
    html = client.get("/merchant/orders").get_data(as_text=True)
    row = html[html.index(f'data-number="{shop.numbers["mixed"]}"'):]
    row = row[:row.index("</tr>")]
    assert "RV-SECRET" in row and "TEA-BLACK" not in row
    assert "77.00" in row  # its own jam, not the whole order's total
    assert shop.numbers["ru_paid"] not in html


def test_the_search_does_not_find_orders_by_the_buyers_details(shop, client, auth):
    auth.login(ACCOUNTS["merchant"], PASSWORD)
    everything = set(shop.numbers.values())
    # The merchant never sees the buyer's e-mail, name, phone or ID number, so it cannot probe for them.
    for probe in ("buyer@desk.example", "Анна", "345-67-89", "002X"):
        assert shown(client, "q=" + probe, everything) == set(), probe


def test_the_csv_export_holds_the_filtered_orders_own_lines_and_no_contact_details(app, shop, client, auth):
    with app.app_context():
        shipment = db.session.scalar(sa.select(Shipment).join(Order).where(Order.number == shop.numbers["mixed"]))
        shipment.waybill = "=KMT2026"  # a waybill a spreadsheet would run as a formula
        db.session.commit()
    auth.login(RIVAL, PASSWORD)
    response = client.get("/merchant/orders/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0]) == list(merchant.ORDER_EXPORT_COLUMNS)
    by_number = {row["number"]: row for row in rows}
    assert set(by_number) == {shop.numbers["rival"], shop.numbers["mixed"]}
    assert by_number[shop.numbers["mixed"]]["lines"] == "RV-SECRET x1"
    assert by_number[shop.numbers["mixed"]]["lines_value_cny"] == "77.00"
    assert by_number[shop.numbers["mixed"]]["waybills"] == "'=KMT2026"
    assert "buyer@desk.example" not in text and "Анна" not in text and "+7 912" not in text
    only_pk = client.get("/merchant/orders/export.csv?country=PK").get_data(as_text=True)
    assert shop.numbers["rival"] in only_pk and shop.numbers["mixed"] not in only_pk


def test_hostile_filter_values_never_fail(shop, client, auth):
    auth.login(ACCOUNTS["merchant"], PASSWORD)
    for query in ({"q": "\x00"}, {"departure": "9" * 40}, {"page": "-1"}, {"page": "9" * 30},
                  {"from": "2026-13-45"}, {"status": "<script>"}, {"merchant": "rival-goods"},
                  {"country": "\x00\x00"}, {"sort": "; drop table"}, {"q": "%_%"}):
        assert client.get("/merchant/orders", query_string=query).status_code == 200, query
        assert client.get("/merchant/orders/export.csv", query_string=query).status_code == 200, query
    # Naming the rival as the merchant filter does not widen the view.
    html = client.get("/merchant/orders?merchant=rival-goods").get_data(as_text=True)
    assert shop.numbers["rival"] not in html


def test_other_roles_cannot_read_the_merchant_orders(shop, client, auth):
    assert client.get("/merchant/orders").status_code in (302, 303)
    auth.login(ACCOUNTS["buyer"], PASSWORD)
    assert client.get("/merchant/orders").status_code == 403
    assert client.get("/merchant/orders/export.csv").status_code == 403
    assert client.get("/merchant/bonded-stock.csv").status_code == 403

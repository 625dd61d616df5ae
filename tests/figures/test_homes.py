"""The admin home and the merchant home: figures people look at, drawn as SVG with a table beside each,
in every language, and a merchant sees only its own."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from shop.services import figures
from tests.figures.conftest import ACCOUNTS, PASSWORD, RIVAL


def signed_in(client, auth, email):
    response = auth.login(email, PASSWORD)
    assert response.status_code in (302, 303)
    return client


def test_admin_home_counts_paid_and_confirmed_sales_by_day_destination_and_line(app, shop):
    with app.app_context():
        found = figures.admin_figures(figures.business_day(dt.datetime.now(dt.UTC)), dt.datetime.now(dt.UTC))
    # ru_paid 35+25, cn_paid 132+25+12.01 tax, ru_cod 132+25, rival 231+25, mixed 77+70+25: pending and
    # refunded are not sales.
    assert found.sales_orders == 5
    assert found.sales_total_cny == Decimal("60.00") + Decimal("169.01") + Decimal("157.00") + Decimal("256.00") \
        + Decimal("172.00")
    assert len(found.sales) == figures.SALES_DAYS and found.sales[-1].day == found.today
    by_country = {c.key: c.orders for c in found.by_destination}
    assert by_country == {"RU": 4, "CN": 1, "PK": 1}  # the pending Pakistani order was never taken
    assert {c.key: c.orders for c in found.by_line} == {"KHG-MOW-TRUCK": 4, "CN-BONDED": 1, "KHG-PK-TRUCK": 1}
    assert found.rates.taken == 6 and found.rates.refunded == 1 and found.rates.returned == 0
    assert found.rates.refund_rate == Decimal(1) / 6
    fills = {d.line: d for d in found.departures}
    assert fills["KHG-MOW-TRUCK"].booked_kg == 5 and fills["KHG-MOW-TRUCK"].capacity_kg == 5000
    # Every lot is bonded: 20+30+40+25+50 of the world at their prices, and the rival's 12 jars.
    assert found.bonded_units == 20 + 30 + 40 + 25 + 50 + 12
    assert found.bonded_value_cny == Decimal(50 * 18 + 40 * 128 + 25 * 66 + 50 * 35 + 12 * 77)
    within = {w.days: (w.lots, w.units) for w in found.expiring}
    assert within == {30: (2, 32), 60: (2, 32), 90: (3, 62)}  # LOT-LB-OLD, LOT-RV-1; then LOT-LB-NEW


def test_refund_and_return_rates_count_statuses_that_do_not_exist_yet():
    assert "partially_refunded" in figures.REFUND_STATUSES and "returned" in figures.RETURN_STATUSES
    rates = figures.Rates(taken=8, refunded=2, returned=1)
    assert (rates.refund_rate, rates.return_rate) == (Decimal("0.25"), Decimal("0.125"))
    assert figures.Rates(0, 0, 0).refund_rate == 0


@pytest.mark.parametrize("lang", ["en", "zh", "ru", "ur"])
def test_admin_home_draws_each_chart_with_its_title_description_and_table(client, auth, shop, lang):
    signed_in(client, auth, ACCOUNTS["admin"])
    client.get(f"/admin/language/{lang}")
    html = client.get("/admin/").get_data(as_text=True)
    for chart in ("sales", "by-destination", "by-line", "departures"):
        figure = html[html.index(f'<figure class="chart" id="{chart}"'):]
        figure = figure[:figure.index("</figure>")]
        assert "<svg" in figure and "<title" in figure and "<desc" in figure and "<table>" in figure, chart
    assert "<script" not in html[html.index('id="sales"'):html.index("</main>") if "</main>" in html else None]
    svg = html[html.index('<svg class="chart-svg chart-bars"'):]
    assert ('direction="rtl"' in svg[:400]) == (lang == "ur")
    if lang != "en":
        assert "Sales per day" not in html and "Orders by destination" not in html


def test_the_destination_chart_mirrors_in_urdu(client, auth, shop):
    signed_in(client, auth, ACCOUNTS["admin"])

    def first_bar(lang):
        client.get(f"/admin/language/{lang}")
        html = client.get("/admin/").get_data(as_text=True)
        figure = html[html.index('id="by-destination"'):]
        found = re.search(r'class="chart-bar" x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)"', figure)
        return float(found.group(1)), float(found.group(2))

    # The longest bar starts at the left edge in English and ends at the right edge in Urdu.
    x, width = first_bar("en")
    assert x == 0 and width > 300
    x, width = first_bar("ur")
    assert x > 0 and x + width == 640


def test_merchant_home_shows_its_sales_top_listings_cover_and_expiring_lots_only(client, auth, shop):
    signed_in(client, auth, ACCOUNTS["merchant"])
    html = client.get("/merchant/").get_data(as_text=True)
    assert "RV-SECRET" not in html and "Rival secret jam" not in html and "LOT-RV-1" not in html
    assert 'id="top-listings"' in html and "Ceylon black tea" in html
    # Tea: 1 (ru_paid) + 2 (mixed) sold in 30 days, 50 on hand, 5 reserved: 45 available -> 450 days.
    row = html[html.index('data-sku="TEA-BLACK"'):]
    assert "450 days" in row[:row.index("</tr>")]
    assert "LOT-LB-OLD" in html[html.index('id="expiring-lots"'):]


def test_a_merchant_home_never_counts_another_merchants_goods(app, shop):
    today = figures.business_day(dt.datetime.now(dt.UTC))
    with app.app_context():
        rival = figures.merchant_figures(shop.rival_merchant_id, today, "en")
        ours = figures.merchant_figures(shop.world.merchant_id, today, "en")
    # The mixed order holds 77 of the rival's jam and 70 of our tea: each sees its own lines only.
    assert rival.sales_total_cny == Decimal("231.00") + Decimal("77.00")
    assert {t.sku for t in rival.top} == {"RV-SECRET"}
    assert "RV-SECRET" not in {t.sku for t in ours.top} | {c.sku for c in ours.cover}
    assert ours.sales_total_cny == Decimal(35 + 132 + 132 + 70)
    assert [lot.lot_number for lot in rival.expiring] == ["LOT-RV-1"]


def test_the_homes_are_for_their_roles(client, auth, shop):
    signed_in(client, auth, RIVAL)
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/bonded-stock").status_code == 403
    assert client.get("/admin/bonded-stock.csv").status_code == 403

"""The order desk (/admin/orders): staff and admins find any order by filters and search, export what
they found as CSV, read an order's whole history, keep notes on it and cancel it."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import Lot, Order, Payment, Shipment
from shop.services import order_desk
from tests.desk.conftest import Desk

TEA = [("TEA-BLACK", [("LOT-TEA-1", 1)])]
HONEY = [("HN-MOUNTAIN", [("LOT-HN-1", 2)])]


def numbers(html: str, found: list[str]) -> set[str]:
    return {n for n in found if f'data-number="{n}"' in html}


@pytest.fixture
def orders(app, world):
    """Five orders that differ in status, destination, line, merchant goods, date and waybill."""
    with app.app_context():
        made = {
            "ru_paid": world.order(items=TEA),
            "cn_import": world.order(items=HONEY, country="CN", line="CN-BONDED"),
            "pk_pending": world.order(items=TEA, country="PK", line="KHG-PK-TRUCK", status="pending_payment"),
            "ru_cod": world.order(items=HONEY, status="confirmed", payment_method="cod"),
            "ru_old": world.order(items=TEA),
        }
        old = db.session.scalar(sa.select(Order).where(Order.number == made["ru_old"]))
        old.placed_at = dt.datetime(2026, 10, 2, 12, tzinfo=dt.UTC)
        old.ship_name, old.email = "Boris Godunov", "boris@example.ru"
        shipment = db.session.scalar(sa.select(Shipment).join(Order).where(Order.number == made["ru_cod"]))
        shipment.waybill = "KMT2026120300017"
        paid = db.session.scalar(sa.select(Order).where(Order.number == made["ru_paid"]))
        db.session.add(Payment(order_id=paid.id, provider="stripe", provider_ref="pi_desk_1", amount_minor=5300,
                               currency="CNY", status="succeeded"))
        db.session.commit()
    return made


def test_the_list_shows_every_order_and_filters_narrow_it(desk, world, orders):
    everything = list(orders.values())
    page = desk.client.get("/admin/orders").get_data(as_text=True)
    assert numbers(page, everything) == set(everything)
    assert "5 orders" in page

    def shown(query: str) -> set[str]:
        response = desk.client.get("/admin/orders?" + query)
        assert response.status_code == 200
        return numbers(response.get_data(as_text=True), everything)

    assert shown("status=pending_payment") == {orders["pk_pending"]}
    assert shown("country=CN") == {orders["cn_import"]}
    assert shown("line=KHG-PK-TRUCK") == {orders["pk_pending"]}
    assert shown("from=2026-10-01&to=2026-10-31") == {orders["ru_old"]}
    assert shown("from=2026-11-01") == set(everything) - {orders["ru_old"]}
    assert shown("status=paid&country=RU") == {orders["ru_paid"], orders["ru_old"]}
    assert shown("payment_status=succeeded") == {orders["ru_paid"]}
    assert shown(f"departure={world.departures['KHG-PK-TRUCK']}") == {orders["pk_pending"]}
    assert shown("merchant=kashgar-goods") == set(everything)
    assert shown("merchant=nobody") == set()


def test_search_finds_by_number_email_name_phone_waybill_and_id_digits(desk, orders):
    everything = list(orders.values())

    def found(q: str) -> set[str]:
        return numbers(desk.client.get("/admin/orders", query_string={"q": q}).get_data(as_text=True), everything)

    assert found(orders["cn_import"]) == {orders["cn_import"]}
    assert found("boris@") == {orders["ru_old"]}
    assert found("godunov") == {orders["ru_old"]}
    assert found("3001234567") == {orders["pk_pending"]}  # typed without the spaces
    assert found("KMT2026120300017") == {orders["ru_cod"]}
    assert found("002X") == {orders["cn_import"]}  # the last four of the PRC ID number
    assert found("nobody-at-all") == set()


def test_the_pages_keep_the_filters_and_sort(desk, orders, monkeypatch):
    monkeypatch.setattr(order_desk, "PER_PAGE", 2)
    first = desk.client.get("/admin/orders?country=RU&sort=number").get_data(as_text=True)
    ru = sorted([orders["ru_paid"], orders["ru_cod"], orders["ru_old"]])
    assert numbers(first, ru) == set(ru[:2]) and "Page 1 of 2" in first
    next_link = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    assert "country=RU" in next_link and "sort=number" in next_link and "page=2" in next_link
    second = desk.client.get(next_link).get_data(as_text=True)
    assert numbers(second, list(orders.values())) == {ru[2]} and "Page 2 of 2" in second
    assert "3 orders" in second


def test_the_service_pages_and_sorts(app, orders):
    with app.app_context():
        first = order_desk.search_orders(order_desk.OrderFilters(), "-total", page=1, per_page=2)
        second = order_desk.search_orders(order_desk.OrderFilters(), "-total", page=2, per_page=2)
        assert first.total == 5 and first.pages == 3
        totals = [row.total_cny for row in first.rows + second.rows]
        assert totals == sorted(totals, reverse=True)
        assert {r.number for r in first.rows}.isdisjoint({r.number for r in second.rows})
        by_number = order_desk.search_orders(order_desk.OrderFilters(), "number").rows
        assert [r.number for r in by_number] == sorted(orders.values())
        merchant = order_desk.search_orders(order_desk.OrderFilters(merchant="kashgar-goods")).total
        assert merchant == 5
        assert order_desk.search_orders(order_desk.OrderFilters(merchant="someone-else")).total == 0


@pytest.mark.parametrize("query", ["status=lost", "from=2026-13-45", "to=yesterday", "page=abc", "page=-3",
                                   "departure=x", "sort=price;drop", "country=Russia", "q=%00", "line=%00", "merchant=%3Cb%3E"])
def test_bad_filters_answer_the_page_without_them_never_a_500(desk, orders, query):
    response = desk.client.get("/admin/orders?" + query)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert numbers(response.get_data(as_text=True), list(orders.values())) == set(orders.values())


def test_the_csv_export_streams_the_filtered_orders_and_defuses_formulas(app, desk, orders):
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.number == orders["ru_paid"]))
        order.ship_name = '=HYPERLINK("http://evil.example","x")'
        db.session.commit()
    page = desk.client.get("/admin/orders?country=RU").get_data(as_text=True)
    assert "/admin/orders/export.csv?" in page and "country=RU" in page
    response = desk.client.get("/admin/orders/export.csv?country=RU&sort=number")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["number"] for r in rows] == sorted([orders["ru_paid"], orders["ru_cod"], orders["ru_old"]])
    evil = next(r for r in rows if r["number"] == orders["ru_paid"])
    assert evil["ship_name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert next(r for r in rows if r["number"] == orders["ru_cod"])["waybills"] == "KMT2026120300017"


ALL_PATHS = ["/admin/orders", "/admin/orders/export.csv", "/admin/orders/KS261201-T0001"]


@pytest.mark.parametrize("path", ALL_PATHS)
def test_anonymous_visitors_are_sent_to_sign_in(client, orders, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["buyer", "merchant"])
def test_buyers_and_merchants_are_refused(app, client, auth, orders, role):
    desk = Desk(client, auth).login(role)
    for path in ALL_PATHS:
        assert client.get(path).status_code == 403, path
    token = auth.csrf("/en/")
    response = client.post(f"/admin/orders/{orders['ru_paid']}/cancel", data={"csrf_token": token})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(Order.status).where(Order.number == orders["ru_paid"])) == "paid"
    del desk


def test_admins_use_the_desk_too(client, auth, orders):
    Desk(client, auth).login("admin")
    assert client.get("/admin/orders").status_code == 200
    assert client.get("/admin/").get_data(as_text=True).count('href="/admin/orders"') == 1


def test_the_timeline_shows_when_an_order_was_placed_and_paid_and_by_whom(desk, orders):
    page = desk.client.get(f"/admin/orders/{orders['ru_paid']}").get_data(as_text=True)
    assert 'id="order-status" data-status="paid"' in page
    placed = page.split('data-event="placed"')[1].split("</li>")[0]
    assert "buyer@desk.example" in placed
    assert 'data-event="paid"' in page
    assert page.index('data-event="placed"') < page.index('data-event="paid"')
    assert "Stock reserved: 1 unit of lot LOT-TEA-1" in page


def test_cancelling_a_paid_order_refunds_it(app, desk, orders):
    html = desk.post_and_follow(f"/admin/orders/{orders['ru_paid']}/cancel")
    assert 'id="order-status" data-status="refunded"' in html
    assert 'data-event="cancelled"' in html


def test_staff_cancel_puts_the_stock_back_and_shows_on_the_timeline(app, desk, world):
    with app.app_context():
        before = db.session.get(Lot, world.lots["LOT-HN-1"]).reserved
        number = world.order(items=HONEY, status="confirmed", payment_method="cod")
        assert db.session.get(Lot, world.lots["LOT-HN-1"]).reserved == before + 2
    page = desk.client.get(f"/admin/orders/{number}").get_data(as_text=True)
    assert 'id="order-status" data-status="confirmed"' in page
    html = desk.post_and_follow(f"/admin/orders/{number}/cancel")
    assert f"Order {number} is cancelled." in html
    assert 'id="order-status" data-status="cancelled"' in html
    cancelled = html.split('data-event="cancelled"')[1].split("</li>")[0]
    assert "staff@desk.example" in cancelled
    assert 'data-event="stock"' in html and "Stock released" in html
    with app.app_context():
        assert db.session.get(Lot, world.lots["LOT-HN-1"]).reserved == before
    # A second cancel is refused in words, and changes nothing.
    again = desk.post_and_follow(f"/admin/orders/{number}/cancel")
    assert "cannot be cancelled" in again
    with app.app_context():
        assert db.session.get(Lot, world.lots["LOT-HN-1"]).reserved == before


def test_a_shipped_order_cannot_be_cancelled_and_the_desk_says_so(app, desk, world):
    with app.app_context():
        number = world.order(items=TEA, status="shipped")
    response = desk.post(f"/admin/orders/{number}/cancel")
    assert response.status_code == 303
    html = desk.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "cannot be cancelled now" in html
    assert 'data-status="shipped"' in html


def test_cancelling_needs_the_csrf_token(app, desk, orders):
    html = desk.client.post(f"/admin/orders/{orders['ru_paid']}/cancel", data={},
                            follow_redirects=True).get_data(as_text=True)
    assert "Your form had expired" in html
    with app.app_context():
        assert db.session.scalar(sa.select(Order.status).where(Order.number == orders["ru_paid"])) == "paid"


def test_an_unknown_order_is_a_404(desk, orders):
    assert desk.client.get("/admin/orders/KS000000-NONE").status_code == 404
    assert desk.post("/admin/orders/KS000000-NONE/cancel").status_code == 404
    assert desk.post("/admin/orders/KS000000-NONE/notes", body="hello").status_code == 404


def test_china_imports_show_their_customs_status(desk, orders):
    imported = desk.client.get(f"/admin/orders/{orders['cn_import']}").get_data(as_text=True)
    assert 'id="customs-status" data-customs-status="not_filed"' in imported
    assert "ID number ending 002X" in imported
    exported = desk.client.get(f"/admin/orders/{orders['ru_paid']}").get_data(as_text=True)
    assert 'id="customs-status"' not in exported


def test_notes_are_kept_and_shown_with_who_wrote_them(desk, orders):
    number = orders["ru_paid"]
    html = desk.post_and_follow(f"/admin/orders/{number}/notes", body="Buyer called: leave at the door.\nThanks")
    assert "Note kept." in html
    notes = html.split('id="notes"')[1]
    assert "Buyer called: leave at the door." in notes and "staff@desk.example" in notes
    assert 'data-event="note"' in html


@pytest.mark.parametrize("body, message", [("   ", "Write the note first."),
                                           ("x" * 2001, "A note holds at most 2000 characters."),
                                           ("bell\x07", None)])
def test_bad_notes_are_refused_in_words_and_not_kept(desk, orders, body, message):
    number = orders["ru_paid"]
    response = desk.post(f"/admin/orders/{number}/notes", body=body)
    assert response.status_code in (303, 400)
    page = desk.client.get(f"/admin/orders/{number}").get_data(as_text=True)
    if message and response.status_code == 303:
        assert message in page
    assert page.split('id="notes"')[1].split("</ul>")[0].count("<li>") == 0


def test_the_service_refuses_control_characters_and_long_notes(app, orders):
    with app.app_context():
        for text, code in [("a\x00b", "note_control_characters"), ("", "note_empty"), ("y" * 2001, "note_too_long")]:
            with pytest.raises(order_desk.NoteRefused) as refused:
                order_desk.add_note(orders["ru_paid"], None, text)
            assert refused.value.code == code
        kept = order_desk.add_note(orders["ru_paid"], None, "z" * 2000)
        assert kept.body == "z" * 2000


@pytest.mark.parametrize("lang, direction, word", [("ru", "ltr", "Заказы"), ("ur", "rtl", "آرڈرز")])
def test_the_desk_reads_in_russian_and_urdu(desk, orders, lang, direction, word):
    desk.client.set_cookie("office_lang", lang)
    listing = desk.client.get("/admin/orders").get_data(as_text=True)
    assert f'lang="{lang}" dir="{direction}"' in listing
    assert word in listing
    detail = desk.client.get(f"/admin/orders/{orders['ru_paid']}").get_data(as_text=True)
    assert f'dir="{direction}"' in detail
    assert "History" not in detail and "Notes" not in detail


def test_the_export_reads_in_batches_and_keeps_each_orders_own_lines(app, orders, monkeypatch):
    monkeypatch.setattr(order_desk, "_EXPORT_BATCH", 2)
    with app.app_context():
        rows = order_desk.export_rows(order_desk.OrderFilters(), "number")
        assert iter(rows) is rows  # a generator: nothing is read before the download asks
        got = {row[0]: row[11] for row in rows}
    assert sorted(got) == sorted(orders.values())
    assert got[orders["cn_import"]] == ["HN-MOUNTAIN x2"] and got[orders["ru_old"]] == ["TEA-BLACK x1"]

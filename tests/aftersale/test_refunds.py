"""Refunds on the order desk: in full or in part, by items or by an amount, never more than was paid
(counting earlier refunds), taxes in proportion to the goods; cash-on-delivery refunds carry the payout's
method and reference; card refunds go to the gateway with a key made from the refund's own row."""
from __future__ import annotations

import html as html_lib
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import AuditLog, Order, OutboxMessage, Refund, User
from shop.services import refunds
from tests.aftersale.conftest import TEA, TEA_AND_HONEY, delivered
from tests.support import csrf_from, hidden


def refund_form(desk, number: str) -> dict:
    page = desk.client.get(f"/admin/orders/{number}").get_data(as_text=True)
    assert 'id="refund-form"' in page
    return {"csrf_token": csrf_from(page), "request_key": hidden(page, "request_key")}


def line_ids(number: str) -> dict[str, int]:
    order = db.session.scalar(sa.select(Order).where(Order.number == number))
    return {line.sku: line.id for line in order.lines}


def status_of(number: str) -> str:
    db.session.expire_all()
    return db.session.scalar(sa.select(Order.status).where(Order.number == number))


def rows(number: str) -> list[Refund]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Refund).join(Order, Refund.order_id == Order.id)
                                   .where(Order.number == number).order_by(Refund.id)))


def flashes(page: str) -> list[str]:
    return [html_lib.unescape(m) for m in re.findall(r'class="flash[^"]*">([^<]*)<', page)]


def test_a_cash_order_refunded_by_items_then_in_full(app, desk, world):
    with app.app_context():
        number = delivered(world, items=TEA_AND_HONEY)  # 2 tea at 35 + 1 honey at 66 + 25 shipping = 161
        ids = line_ids(number)
    form = refund_form(desk, number)
    page = desk.client.post(f"/admin/orders/{number}/refunds", data={
        **form, "kind": "lines", f"line_{ids['TEA-BLACK']}": "1", "reason": "one box crushed", "method": "cash",
        "reference": "RCPT-0042"}, follow_redirects=True).get_data(as_text=True)
    assert "Refund of CN¥35.00 recorded." in flashes(page)
    assert 'id="order-status" data-status="partially_refunded"' in page
    assert "RCPT-0042" in page and 'data-refund-status="succeeded"' in page
    with app.app_context():
        [first] = rows(number)
        assert (first.amount, first.currency, first.method, first.reference, first.kind) == (
            Decimal("35.00"), "CNY", "cash", "RCPT-0042", "lines")
        assert first.lines[0]["quantity"] == 1 and first.lines[0]["sku"] == "TEA-BLACK"
        assert first.user_id == world.users["staff"]
        assert status_of(number) == "partially_refunded"
    form = refund_form(desk, number)
    page = desk.client.post(f"/admin/orders/{number}/refunds", data={
        **form, "kind": "full", "method": "bank_transfer", "reference": "TRF-77"},
        follow_redirects=True).get_data(as_text=True)
    assert "Refund of CN¥126.00 recorded." in flashes(page)
    assert 'id="order-status" data-status="refunded"' in page
    assert 'id="refund-form"' not in page  # nothing left to refund
    with app.app_context():
        assert [r.amount for r in rows(number)] == [Decimal("35.00"), Decimal("126.00")]
        mails = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == "refund_issued")).all()
        assert len(mails) == 2 and {m.to for m in mails} == {"buyer@desk.example"}
        timeline = page.split('id="timeline"')[1]
        assert "Refund of CN¥35.00 decided" in timeline and "staff@desk.example" in timeline


def test_taxes_go_back_in_proportion_to_the_goods(app, desk, world):
    with app.app_context():
        # A China import: goods 2 x 35 + 66 = 136, taxes 9.1 % = 12.38.
        number = delivered(world, items=TEA_AND_HONEY, country="CN")
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        assert order.tax_cny == Decimal("12.38")
        ids = line_ids(number)
    form = refund_form(desk, number)
    desk.client.post(f"/admin/orders/{number}/refunds", data={
        **form, "kind": "lines", f"line_{ids['HN-MOUNTAIN']}": "1", "method": "cash", "reference": "R-1"})
    with app.app_context():
        [refund] = rows(number)
        # 66 of 136 in goods takes 66/136 of the taxes: 6.01
        assert (refund.goods_cny, refund.tax_cny, refund.amount) == (Decimal("66.00"), Decimal("6.01"),
                                                                      Decimal("72.01"))


def test_a_refund_never_exceeds_what_was_paid(app, desk, world):
    with app.app_context():
        number = delivered(world, items=TEA)  # 3 x 35 + 25 = 130
    form = refund_form(desk, number)
    desk.client.post(f"/admin/orders/{number}/refunds", data={
        **form, "kind": "amount", "amount": "100", "method": "cash", "reference": "R-1"})
    form = refund_form(desk, number)
    page = desk.client.post(f"/admin/orders/{number}/refunds", data={
        **form, "kind": "amount", "amount": "30.01", "method": "cash", "reference": "R-2"},
        follow_redirects=True).get_data(as_text=True)
    assert "At most CN¥30.00 can still be refunded." in flashes(page)
    with app.app_context():
        assert [r.amount for r in rows(number)] == [Decimal("100.00")]
    # three units were bought: four are refused, even by items
    with app.app_context():
        tea = line_ids(number)["TEA-BLACK"]
    form = refund_form(desk, number)
    page = desk.client.post(f"/admin/orders/{number}/refunds", data={
        **form, "kind": "lines", f"line_{tea}": "4", "method": "cash", "reference": "R-3"},
        follow_redirects=True).get_data(as_text=True)
    assert "At most 3 units of TEA-BLACK can be chosen." in flashes(page)
    with app.app_context():
        assert len(rows(number)) == 1


@pytest.mark.parametrize("amount", ["-5", "0", "1e400", "99999999999999", "NaN", "Infinity", "12.345", "abc",
                                    "１２", "5\x00", "", " "])
def test_odd_amounts_are_refused_in_words_never_a_500(app, desk, world, amount):
    with app.app_context():
        number = delivered(world, items=TEA)
    form = refund_form(desk, number)
    response = desk.client.post(f"/admin/orders/{number}/refunds", data={
        **form, "kind": "amount", "amount": amount, "method": "cash", "reference": "R-1"})
    assert response.status_code in (303, 400)
    if response.status_code == 303:
        page = desk.client.get(response.headers["Location"]).get_data(as_text=True)
        assert flashes(page), "a refusal is shown"
    with app.app_context():
        assert rows(number) == [] and status_of(number) == "delivered"


@pytest.mark.parametrize("field,value", [("line_999999", "1"), ("line_x", "1"), ("kind", "everything"),
                                         ("method", "bitcoin"), ("reference", "")])
def test_odd_refund_forms_change_nothing(app, desk, world, field, value):
    with app.app_context():
        number = delivered(world, items=TEA)
        tea = line_ids(number)["TEA-BLACK"]
    data = {**refund_form(desk, number), "kind": "lines", f"line_{tea}": "1", "method": "cash",
            "reference": "R-1"}
    if field.startswith("line_"):
        data.pop(f"line_{tea}")
    data[field] = value
    response = desk.client.post(f"/admin/orders/{number}/refunds", data=data)
    assert response.status_code == 303
    with app.app_context():
        assert rows(number) == []


def test_sending_the_refund_form_twice_refunds_once(app, desk, world):
    with app.app_context():
        number = delivered(world, items=TEA)
    form = refund_form(desk, number)
    data = {**form, "kind": "amount", "amount": "10", "method": "cash", "reference": "R-1"}
    desk.client.post(f"/admin/orders/{number}/refunds", data=data)
    desk.client.post(f"/admin/orders/{number}/refunds", data=data)
    with app.app_context():
        assert [r.amount for r in rows(number)] == [Decimal("10.00")]
        assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.action == "order.refund")) == 1


def test_an_order_still_in_the_zone_is_cancelled_not_refunded(app, desk, world):
    with app.app_context():
        number = world.order(items=TEA, status="confirmed", payment_method="cod")
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        with pytest.raises(refunds.RefundRefused) as refused:
            refunds.issue_refund(number, db.session.get(User, world.users["staff"]),
                                 refunds.RefundRequest(kind="full"))
        assert refused.value.code == "not_paid"
        assert order.status == "confirmed"
    page = desk.client.get(f"/admin/orders/{number}").get_data(as_text=True)
    assert 'id="refund-form"' not in page


def test_refunds_need_the_csrf_token_and_a_desk_account(app, client, auth, desk, world):
    with app.app_context():
        number = delivered(world, items=TEA)
    form = refund_form(desk, number)
    data = {"kind": "full", "method": "cash", "reference": "R-1", "request_key": form["request_key"]}
    page = desk.client.post(f"/admin/orders/{number}/refunds", data=data, follow_redirects=True)
    assert "Your form had expired" in page.get_data(as_text=True)
    from tests.aftersale.conftest import _signed_in
    for role in ("buyer", "merchant"):
        other = _signed_in(app, role)
        token = csrf_from(other.client.get("/en/").get_data(as_text=True))
        answer = other.client.post(f"/admin/orders/{number}/refunds", data={**data, "csrf_token": token})
        assert answer.status_code == 403
    with app.app_context():
        assert rows(number) == []


def test_a_card_refund_goes_to_the_gateway_with_its_rows_key_and_amount(app, desk, world, gateway):
    with app.app_context():
        number = delivered(world, items=TEA, payment_method="stripe", intent="pi_refund_test")
        tea = line_ids(number)["TEA-BLACK"]
    form = refund_form(desk, number)
    page = desk.client.post(f"/admin/orders/{number}/refunds", data={
        **form, "kind": "lines", f"line_{tea}": "2"}, follow_redirects=True).get_data(as_text=True)
    assert "Refund of CN¥70.00 recorded." in flashes(page)
    with app.app_context():
        [refund] = rows(number)
        assert gateway.refunds == [{"intent": "pi_refund_test", "amount_minor": 7000,
                                    "key": f"order-{number}-refund-{refund.id}",
                                    "metadata": {"order_number": number, "refund": str(refund.id)}}]
        assert (refund.status, refund.method, refund.reference, refund.attempts) == ("succeeded", "stripe", "re_1", 1)
        assert status_of(number) == "partially_refunded"


def test_a_card_refund_that_fails_is_kept_and_tried_again_with_the_same_key(app, desk, world, gateway):
    with app.app_context():
        number = delivered(world, items=TEA, payment_method="stripe")
    gateway.down = True
    form = refund_form(desk, number)
    page = desk.client.post(f"/admin/orders/{number}/refunds", data={**form, "kind": "full"},
                            follow_redirects=True).get_data(as_text=True)
    assert "The card refund of CN¥130.00 failed; it stays on the order to be tried again." in flashes(page)
    assert 'data-refund-status="failed"' in page and "Stripe did not answer" in page
    with app.app_context():
        [refund] = rows(number)
        assert refund.status == "failed" and refund.attempts == 1
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))
                                 .where(OutboxMessage.template == "refund_issued")) == 0
    gateway.down = False
    retry = re.search(r'action="([^"]*/refunds/\d+/retry)"', page).group(1)
    page = desk.client.post(retry, data={"csrf_token": csrf_from(page)}, follow_redirects=True).get_data(as_text=True)
    assert "Refund of CN¥130.00 recorded." in flashes(page)
    with app.app_context():
        [refund] = rows(number)
        assert refund.status == "succeeded" and refund.attempts == 2
        assert [call["key"] for call in gateway.refunds] == [f"order-{number}-refund-{refund.id}"]
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))
                                 .where(OutboxMessage.template == "refund_issued")) == 1
        assert status_of(number) == "refunded"


def test_the_worker_retries_failed_card_refunds(app, world, gateway):
    with app.app_context():
        number = delivered(world, items=TEA, payment_method="stripe")
        gateway.down = True
        refunds.issue_refund(number, db.session.get(User, world.users["staff"]),
                             refunds.RefundRequest(kind="amount", amount="5"))
        gateway.down = False
        done = refunds.retry_failed_refund_rows()
        assert len(done) == 1 and rows(number)[0].status == "succeeded"
        assert refunds.retry_failed_refund_rows() == []


def test_the_buyer_sees_the_refunds_on_the_order_page(app, desk, buyer, world):
    with app.app_context():
        number = delivered(world, items=TEA)
    form = refund_form(desk, number)
    desk.client.post(f"/admin/orders/{number}/refunds", data={
        **form, "kind": "amount", "amount": "12.50", "method": "cash", "reference": "R-secret-9"})
    page = buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)
    assert 'id="order-status" data-status="partially_refunded"' in page
    assert 'id="refund-list"' in page and "CN¥12.50" in page and "Refunded" in page
    assert "staff@desk.example" not in page
    ru = buyer.client.get(f"/ru/orders/{number}").get_data(as_text=True)
    assert "Частично возвращён" in ru or "Возврат" in ru


def test_a_parcel_on_its_way_is_refunded_only_in_full(app, world, gateway):
    from shop.models import Payment
    with app.app_context():
        number = world.order(items=TEA, status="shipped", payment_method="stripe")
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        db.session.add(Payment(order_id=order.id, provider="stripe", provider_ref="pi_lost", amount_minor=13000,
                               currency="CNY", status="succeeded"))
        db.session.commit()
        staff = db.session.get(User, world.users["staff"])
        state = refunds.refundable(number)
        assert state.may_refund and not state.may_refund_in_part
        with pytest.raises(refunds.RefundRefused) as refused:
            refunds.issue_refund(number, staff, refunds.RefundRequest(kind="amount", amount="10"))
        assert refused.value.code == "not_now"
        done = refunds.issue_refund(number, staff, refunds.RefundRequest(kind="full", reason="parcel lost"))
        assert done.amount == Decimal("130.00") and status_of(number) == "refunded"
        assert gateway.refunds[0]["amount_minor"] == 13000

"""Returns: the buyer asks from the order page within RETURN_DAYS of delivery; staff approve or refuse with
a message (the buyer is mailed either way); on receipt saleable units go back into their lot through a
`return` ledger row, damaged ones into a quarantine lot that is never sold, and the refund follows."""
from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import AuditLog, Lot, Order, OutboxMessage, Refund, ReturnRequest, StockMove, User, utcnow
from shop.services import returns
from tests.aftersale.conftest import TEA, TEA_AND_HONEY, delivered
from tests.support import add_user, csrf_from, hidden


def flashes(page: str) -> list[str]:
    return [html_lib.unescape(m) for m in re.findall(r'class="flash[^"]*">([^<]*)<', page)]


def line_ids(number: str) -> dict[str, int]:
    order = db.session.scalar(sa.select(Order).where(Order.number == number))
    return {line.sku: line.id for line in order.lines}


def return_form(buyer, number: str) -> dict:
    page = buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)
    assert 'id="return-form"' in page, "the buyer is offered the return form"
    return {"csrf_token": csrf_from(page), "request_key": hidden(page, "request_key")}


def ask(buyer, number: str, **fields):
    return buyer.client.post(f"/en/orders/{number}/returns", data={**return_form(buyer, number), **fields},
                             follow_redirects=True).get_data(as_text=True)


def requests_of(number: str) -> list[ReturnRequest]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(ReturnRequest).join(Order, ReturnRequest.order_id == Order.id)
                                   .where(Order.number == number).order_by(ReturnRequest.id)))


def lot(number: str) -> Lot:
    db.session.expire_all()
    return db.session.scalar(sa.select(Lot).where(Lot.lot_number == number))


def mails(template: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == template)))


def test_a_whole_return_from_asking_to_refund(app, desk, buyer, world):
    with app.app_context():
        number = delivered(world, items=TEA_AND_HONEY)
        ids = line_ids(number)
        tea_before, honey_before = lot("LOT-TEA-1").on_hand, lot("LOT-HN-1").on_hand
    page = ask(buyer, number, **{f"line_{ids['TEA-BLACK']}": "2", f"line_{ids['HN-MOUNTAIN']}": "1",
                                 "reason": "Not what I ordered"})
    assert "Your return request is sent. We will write to you once it is answered." in flashes(page)
    assert 'data-return-status="requested"' in page
    assert 'id="return-form"' not in page  # every unit is asked back already

    desk_page = desk.client.get(f"/admin/orders/{number}").get_data(as_text=True)
    assert "Not what I ordered" in desk_page and 'data-return-status="requested"' in desk_page
    with app.app_context():
        [request] = requests_of(number)
        assert request.customs_reference == "CE-2026-0001"
    decided = desk.post_and_follow(f"/admin/orders/{number}/returns/{request.id}/decision", decision="approve",
                                   message="Send it with the label we mail you.")
    assert "Return approved; the buyer is told." in flashes(decided)
    with app.app_context():
        [approved] = mails("return_approved")
        assert approved.to == "buyer@desk.example"
        assert approved.params["message"] == "Send it with the label we mail you."
        line_rows = {line.order_line_id: line.id for line in requests_of(number)[0].lines}
    received = desk.post_and_follow(
        f"/admin/orders/{number}/returns/{request.id}/receive",
        **{f"condition_{line_rows[ids['TEA-BLACK']]}": "saleable",
           f"condition_{line_rows[ids['HN-MOUNTAIN']]}": "damaged", "method": "cash", "reference": "RET-1"})
    assert "Return received: the stock and the refund are recorded." in flashes(received)
    assert 'id="order-status" data-status="returned"' in received
    with app.app_context():
        assert lot("LOT-TEA-1").on_hand == tea_before + 2  # back into its own lot, saleable
        assert lot("LOT-HN-1").on_hand == honey_before  # damaged: not back on sale
        quarantine = db.session.scalar(sa.select(Lot).where(Lot.bin == returns.QUARANTINE_BIN))
        assert (quarantine.on_hand, quarantine.customs_status, quarantine.available) == (1, "quarantined", 0)
        assert quarantine.customs_entry == "CE-2026-0001" and quarantine.product_id == world.products["HN-MOUNTAIN"]
        kinds = db.session.execute(sa.select(StockMove.lot_id, StockMove.on_hand_delta)
                                   .where(StockMove.kind == "return")).all()
        assert sorted(kinds) == sorted([(world.lots["LOT-TEA-1"], 2), (quarantine.id, 1)])
        [refund] = db.session.scalars(sa.select(Refund)).all()
        # goods back (2 x 35 + 66), not the shipping
        assert (refund.amount, refund.method, refund.reference, refund.return_id) == (
            Decimal("136.00"), "cash", "RET-1", request.id)
        assert len(mails("return_received")) == 1 and len(mails("refund_issued")) == 1
        assert db.session.scalar(sa.select(Order.status).where(Order.number == number)) == "returned"
    # receiving twice changes nothing
    again = desk.post(f"/admin/orders/{number}/returns/{request.id}/receive",
                      **{f"condition_{i}": "saleable" for i in line_rows.values()}, method="cash", reference="X")
    assert again.status_code == 303
    with app.app_context():
        assert lot("LOT-TEA-1").on_hand == tea_before + 2
        assert db.session.scalar(sa.select(sa.func.count(Refund.id))) == 1
    buyer_page = buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)
    assert 'data-return-status="received"' in buyer_page and 'id="refund-list"' in buyer_page


def test_part_of_an_order_returned_by_card_is_refunded_to_the_card(app, desk, buyer, world, gateway):
    with app.app_context():
        number = delivered(world, items=TEA, payment_method="stripe", intent="pi_return")
        tea = line_ids(number)["TEA-BLACK"]
    ask(buyer, number, **{f"line_{tea}": "1", "reason": "Too much"})
    with app.app_context():
        [request] = requests_of(number)
        line_id = request.lines[0].id
    desk.post(f"/admin/orders/{number}/returns/{request.id}/decision", decision="approve", message="")
    desk.post(f"/admin/orders/{number}/returns/{request.id}/receive", **{f"condition_{line_id}": "saleable"})
    with app.app_context():
        [refund] = db.session.scalars(sa.select(Refund)).all()
        assert refund.status == "succeeded" and refund.amount == Decimal("35.00")
        assert gateway.refunds[0]["amount_minor"] == 3500
        assert gateway.refunds[0]["key"] == f"order-{number}-refund-{refund.id}"
        assert db.session.scalar(sa.select(Order.status).where(Order.number == number)) == "partially_refunded"


def test_a_china_import_return_keeps_its_customs_reference(app, desk, buyer, world):
    with app.app_context():
        db.session.get(Lot, world.lots["LOT-TEA-1"]).customs_entry = "530120261000012345"
        db.session.commit()
        number = delivered(world, items=TEA, country="CN")
        tea = line_ids(number)["TEA-BLACK"]
    ask(buyer, number, **{f"line_{tea}": "1", "reason": "Broken seal"})
    with app.app_context():
        [request] = requests_of(number)
        assert request.customs_reference == "530120261000012345"
        line_id = request.lines[0].id
    desk.post(f"/admin/orders/{number}/returns/{request.id}/decision", decision="approve", message="")
    page = desk.post_and_follow(f"/admin/orders/{number}/returns/{request.id}/receive",
                                **{f"condition_{line_id}": "damaged", "method": "cash", "reference": "R"})
    assert "530120261000012345" in page.split('id="returns"')[1]
    with app.app_context():
        quarantine = db.session.scalar(sa.select(Lot).where(Lot.bin == returns.QUARANTINE_BIN))
        assert quarantine.customs_entry == "530120261000012345"
        receipt = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "return.receive"))
        assert receipt.data["customs_reference"] == "530120261000012345"


def test_refusing_a_return_needs_a_message_and_mails_it(app, desk, buyer, world):
    with app.app_context():
        number = delivered(world, items=TEA)
        tea = line_ids(number)["TEA-BLACK"]
    ask(buyer, number, **{f"line_{tea}": "1", "reason": "Changed my mind"})
    with app.app_context():
        [request] = requests_of(number)
    page = desk.post_and_follow(f"/admin/orders/{number}/returns/{request.id}/decision", decision="refuse",
                                message="")
    assert "Write the buyer a message saying why the return is refused." in flashes(page)
    page = desk.post_and_follow(f"/admin/orders/{number}/returns/{request.id}/decision", decision="refuse",
                                message="Opened food cannot come back.")
    assert "Return refused; the buyer is told." in flashes(page)
    with app.app_context():
        [refused] = mails("return_refused")
        assert refused.params["message"] == "Opened food cannot come back."
        assert requests_of(number)[0].status == "refused"
    # a refused return cannot be approved or received afterwards
    page = desk.post_and_follow(f"/admin/orders/{number}/returns/{request.id}/decision", decision="approve")
    assert "This return has been answered already." in flashes(page)
    page = desk.post_and_follow(f"/admin/orders/{number}/returns/{request.id}/receive")
    assert "Only an approved return can be received." in flashes(page)
    # the units are free to be asked again
    buyer_page = buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)
    assert "Opened food cannot come back." in buyer_page and 'id="return-form"' in buyer_page


def test_a_buyer_cannot_return_another_buyers_order(app, buyer, world):
    with app.app_context():
        number = delivered(world, items=TEA)
        tea = line_ids(number)["TEA-BLACK"]
        add_user("thief@desk.example", "fulfilment-desk-2026", role="buyer")
        db.session.commit()
    form = return_form(buyer, number)
    from tests.support import sign_in
    client = app.test_client()
    sign_in(client, "thief@desk.example", "fulfilment-desk-2026")
    token = csrf_from(client.get("/en/").get_data(as_text=True))
    response = client.post(f"/en/orders/{number}/returns", data={
        "csrf_token": token, "request_key": form["request_key"], f"line_{tea}": "1", "reason": "mine now"})
    assert response.status_code == 404
    assert client.get(f"/en/orders/{number}").status_code == 404
    with app.app_context():
        assert requests_of(number) == []


def test_staff_cannot_ask_a_return_in_a_buyers_name(app, desk, world):
    with app.app_context():
        number = delivered(world, items=TEA)
        tea = line_ids(number)["TEA-BLACK"]
    response = desk.client.post(f"/en/orders/{number}/returns", data={
        "csrf_token": desk.token(), f"line_{tea}": "1", "reason": "x"})
    assert response.status_code == 404


def test_more_units_than_bought_are_refused(app, buyer, world):
    with app.app_context():
        number = delivered(world, items=TEA)
        tea = line_ids(number)["TEA-BLACK"]
    page = ask(buyer, number, **{f"line_{tea}": "4", "reason": "all of them"})
    assert "At most 3 units of TEA-BLACK can be chosen." in flashes(page)
    ask(buyer, number, **{f"line_{tea}": "2", "reason": "two"})
    page = ask(buyer, number, **{f"line_{tea}": "2", "reason": "two more"})
    assert "At most 1 unit of TEA-BLACK can be chosen." in flashes(page)
    with app.app_context():
        assert [sum(line.quantity for line in r.lines) for r in requests_of(number)] == [2]


@pytest.mark.parametrize("value", ["-1", "1.5", "1e3", "9999999", "abc", "\x00"])
def test_odd_quantities_are_refused_never_a_500(app, buyer, world, value):
    with app.app_context():
        number = delivered(world, items=TEA)
        tea = line_ids(number)["TEA-BLACK"]
    response = buyer.client.post(f"/en/orders/{number}/returns",
                                 data={**return_form(buyer, number), f"line_{tea}": value, "reason": "odd"})
    assert response.status_code in (303, 400)  # NUL bytes are stopped at the door
    if response.status_code == 303:
        assert flashes(buyer.client.get(response.headers["Location"]).get_data(as_text=True))
    with app.app_context():
        assert requests_of(number) == []


def test_the_window_closes_return_days_after_delivery(app, buyer, world):
    with app.app_context():
        number = delivered(world, items=TEA)
        tea = line_ids(number)["TEA-BLACK"]
    form = return_form(buyer, number)
    with app.app_context():
        record = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "order.deliver"))
        record.created_at = utcnow() - dt.timedelta(days=15)
        db.session.commit()
    page = buyer.client.post(f"/en/orders/{number}/returns", data={**form, f"line_{tea}": "1", "reason": "late"},
                             follow_redirects=True).get_data(as_text=True)
    assert "The time to send this order back has passed: 14 days after delivery." in flashes(page)
    assert 'id="return-form"' not in page
    with app.app_context():
        assert requests_of(number) == []
    app.config["RETURN_DAYS"] = 30  # a shop that gives a month
    assert 'id="return-form"' in buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)


def test_an_order_not_delivered_cannot_be_returned(app, buyer, world):
    with app.app_context():
        number = world.order(items=TEA, status="shipped", payment_method="cod")
        tea = line_ids(number)["TEA-BLACK"]
        user = db.session.get(User, world.users["buyer"])
        with pytest.raises(returns.RefundRefused) as refused:
            returns.request_return(number, user, {tea: 1}, "early")
        assert refused.value.code == "not_delivered"
    assert 'id="return-form"' not in buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)


def test_sending_the_return_form_twice_asks_once(app, buyer, world):
    with app.app_context():
        number = delivered(world, items=TEA)
        tea = line_ids(number)["TEA-BLACK"]
    data = {**return_form(buyer, number), f"line_{tea}": "1", "reason": "once"}
    buyer.client.post(f"/en/orders/{number}/returns", data=data)
    buyer.client.post(f"/en/orders/{number}/returns", data=data)
    with app.app_context():
        assert len(requests_of(number)) == 1


def test_asking_a_return_needs_the_csrf_token(app, buyer, world):
    with app.app_context():
        number = delivered(world, items=TEA)
        tea = line_ids(number)["TEA-BLACK"]
    form = return_form(buyer, number)
    response = buyer.client.post(f"/en/orders/{number}/returns", data={
        "request_key": form["request_key"], f"line_{tea}": "1", "reason": "no token"}, follow_redirects=True)
    assert "Your form had expired" in response.get_data(as_text=True)
    with app.app_context():
        assert requests_of(number) == []


def test_buyers_cannot_answer_or_receive_returns(app, buyer, world):
    with app.app_context():
        number = delivered(world, items=TEA)
        tea = line_ids(number)["TEA-BLACK"]
    ask(buyer, number, **{f"line_{tea}": "1", "reason": "x"})
    with app.app_context():
        [request] = requests_of(number)
    token = csrf_from(buyer.client.get("/en/").get_data(as_text=True))
    for action in ("decision", "receive"):
        answer = buyer.client.post(f"/admin/orders/{number}/returns/{request.id}/{action}",
                                   data={"csrf_token": token, "decision": "approve"})
        assert answer.status_code == 403
    with app.app_context():
        assert requests_of(number)[0].status == "requested"


def test_a_return_in_urdu_reads_right_to_left(app, buyer, world):
    with app.app_context():
        number = delivered(world, items=TEA)
    page = buyer.client.get(f"/ur/orders/{number}").get_data(as_text=True)
    assert 'dir="rtl"' in page and 'id="return-form"' in page


@pytest.mark.parametrize("path", ["returns/99999999999999999999/decision", "returns/0/receive",
                                  "refunds/99999999999999999999/retry", "returns/2147483648/receive"])
def test_ids_beyond_any_row_are_refused_in_words(app, desk, world, path):
    with app.app_context():
        number = delivered(world, items=TEA)
    response = desk.post(f"/admin/orders/{number}/{path}", decision="approve")
    assert response.status_code == 303
    page = desk.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "There is no such" in page


def test_another_orders_return_cannot_be_answered_through_this_order(app, desk, buyer, world):
    with app.app_context():
        first = delivered(world, items=TEA)
        second = delivered(world, items=TEA)
        tea = line_ids(first)["TEA-BLACK"]
    ask(buyer, first, **{f"line_{tea}": "1", "reason": "x"})
    with app.app_context():
        [request] = requests_of(first)
    page = desk.post_and_follow(f"/admin/orders/{second}/returns/{request.id}/decision", decision="approve")
    assert "There is no such return on this order." in flashes(page)
    with app.app_context():
        assert requests_of(first)[0].status == "requested"

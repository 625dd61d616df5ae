"""Paid for one cent: a correctly signed payment_intent.succeeded is applied only for the
PaymentIntent the shop created for the order, and only for exactly its charge; anything else
changes nothing, is logged, and is shown to staff on the order."""
from __future__ import annotations

import html

import sqlalchemy as sa

from shop.extensions import db
from shop.models import Order, OutboxMessage
from tests.checkout.conftest import event_payload, sign


def _send(app, event_id: str, intent: dict):
    payload = event_payload(event_id, "payment_intent.succeeded", intent)
    return app.test_client().post("/webhooks/stripe", data=payload, headers={"Stripe-Signature": sign(payload)})


def _state(app, number: str) -> tuple[str, list[str], int]:
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        mails = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
        return order.status, [p.status for p in order.payments], mails


def _desk_page(staff, number: str) -> str:
    return html.unescape(staff.client.get(f"/fulfilment/orders/{number}").get_data(as_text=True))


def test_a_signed_success_for_an_intent_the_shop_never_created_pays_nothing(stripe_app, pending, staff, caplog):
    number, _intent = pending
    before = _state(stripe_app, number)
    forged = {"id": "pi_made_by_someone_else", "object": "payment_intent", "amount": 1, "amount_received": 1,
              "currency": "usd", "status": "succeeded", "metadata": {"order_number": number}}
    assert _send(stripe_app, "evt_forged_cent", forged).status_code == 200
    assert _state(stripe_app, number) == before == ("pending_payment", ["created"], before[2])
    page = _desk_page(staff, number)
    assert ("A payment event for a payment this shop did not create (pi_made_by_someone_else) was not applied."
            in page)
    assert "pi_made_by_someone_else" in caplog.text


def test_the_shops_own_intent_for_one_cent_pays_nothing(stripe_app, pending, staff):
    number, intent = pending
    before = _state(stripe_app, number)
    assert _send(stripe_app, "evt_one_cent", {**intent, "amount": 1, "amount_received": 1}).status_code == 200
    assert _state(stripe_app, number) == before
    page = _desk_page(staff, number)
    assert "A payment event for $0.01 was not applied: the order's charge is $" in page


def test_the_right_amount_in_another_currency_pays_nothing(stripe_app, pending, staff):
    number, intent = pending
    before = _state(stripe_app, number)
    _send(stripe_app, "evt_wrong_currency", {**intent, "currency": "jpy"})
    assert _state(stripe_app, number) == before
    assert "A payment event for ¥" in _desk_page(staff, number)


def test_a_partial_capture_of_the_shops_own_intent_pays_nothing(stripe_app, pending):
    number, intent = pending
    before = _state(stripe_app, number)
    _send(stripe_app, "evt_partial", {**intent, "amount_received": intent["amount"] - 1})
    assert _state(stripe_app, number) == before


def test_the_shops_own_intent_for_its_whole_charge_pays_the_order(stripe_app, pending, staff):
    number, intent = pending
    assert _send(stripe_app, "evt_real", intent).get_json()["outcome"] == "applied"
    status, payments, _mails = _state(stripe_app, number)
    assert (status, payments) == ("paid", ["succeeded"])
    assert "Payment problems" not in _desk_page(staff, number)

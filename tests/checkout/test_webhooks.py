"""POST /webhooks/stripe: signatures checked on the raw body, every event stored by its id and
applied once; replays, duplicates and events out of order change nothing."""
import time

import sqlalchemy as sa

from shop.extensions import db
from shop.models import Order, OutboxMessage, WebhookEvent

from .conftest import event_payload, sign


def _send(app, event_id, kind, intent, signature=None):
    payload = event_payload(event_id, kind, intent)
    return app.test_client().post("/webhooks/stripe", data=payload,
                                  headers={"Stripe-Signature": signature or sign(payload),
                                           "Content-Type": "application/json"})


def _state(app, number):
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.number == number))
        return order.status, [p.status for p in order.payments]


def _mails(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))


def test_a_bad_signature_is_refused_and_nothing_is_stored(stripe_app, pending):
    number, intent = pending
    payload = event_payload("evt_forged", "payment_intent.succeeded", {**intent, "status": "succeeded"})
    for header in (sign(payload, secret="whsec_someone_else"), "t=1,v1=00", "",
                   sign(payload, timestamp=int(time.time()) - 3600)):
        response = stripe_app.test_client().post("/webhooks/stripe", data=payload,
                                                 headers={"Stripe-Signature": header})
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "bad_signature"
    # A body changed after signing fails too: the signature is over the raw bytes.
    signature = sign(payload)
    response = stripe_app.test_client().post("/webhooks/stripe", data=payload.replace(b"evt_forged", b"evt_forgee"),
                                             headers={"Stripe-Signature": signature})
    assert response.status_code == 400
    assert _state(stripe_app, number) == ("pending_payment", ["created"])
    with stripe_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(WebhookEvent.id))) == 0


def test_success_marks_the_order_paid_once_and_a_replay_changes_nothing(stripe_app, pending):
    number, intent = pending
    first = _send(stripe_app, "evt_ok_1", "payment_intent.succeeded", {**intent, "status": "succeeded"})
    assert first.status_code == 200 and first.get_json()["outcome"] == "applied"
    assert _state(stripe_app, number) == ("paid", ["succeeded"])
    mails = _mails(stripe_app)
    replay = _send(stripe_app, "evt_ok_1", "payment_intent.succeeded", {**intent, "status": "succeeded"})
    assert replay.status_code == 200 and replay.get_json()["outcome"] == "duplicate"
    # The same news under another event id (Stripe retrying, or two endpoints) changes nothing either.
    again = _send(stripe_app, "evt_ok_2", "payment_intent.succeeded", {**intent, "status": "succeeded"})
    assert again.status_code == 200
    assert _state(stripe_app, number) == ("paid", ["succeeded"])
    assert _mails(stripe_app) == mails
    with stripe_app.app_context():
        events = db.session.scalars(sa.select(WebhookEvent).order_by(WebhookEvent.id)).all()
        assert [(e.provider, e.event_id, e.processed_at is not None) for e in events] == [
            ("stripe", "evt_ok_1", True), ("stripe", "evt_ok_2", True)]


def test_a_failure_after_success_leaves_the_order_paid(stripe_app, pending):
    number, intent = pending
    _send(stripe_app, "evt_a", "payment_intent.succeeded", {**intent, "status": "succeeded"})
    response = _send(stripe_app, "evt_b", "payment_intent.payment_failed",
                     {**intent, "status": "requires_payment_method", "last_payment_error": {"message": "declined"}})
    assert response.status_code == 200
    assert _state(stripe_app, number) == ("paid", ["succeeded"])


def test_a_failure_lets_the_buyer_try_again_and_a_later_success_pays(stripe_app, pending):
    number, intent = pending
    _send(stripe_app, "evt_f", "payment_intent.payment_failed",
          {**intent, "status": "requires_payment_method", "last_payment_error": {"message": "declined"}})
    assert _state(stripe_app, number) == ("pending_payment", ["failed"])
    _send(stripe_app, "evt_s", "payment_intent.succeeded", {**intent, "status": "succeeded"})
    assert _state(stripe_app, number) == ("paid", ["succeeded"])


def test_an_event_for_an_unknown_order_is_logged_and_answered_200(stripe_app, pending):
    stranger = {"id": "pi_not_ours", "object": "payment_intent", "amount": 100, "currency": "usd",
                "metadata": {"order_number": "KS000000-XXXXX"}}
    assert _send(stripe_app, "evt_x", "payment_intent.succeeded", stranger).status_code == 200
    assert _send(stripe_app, "evt_y", "payment_intent.payment_failed", stranger).status_code == 200
    assert _send(stripe_app, "evt_z", "customer.created", {"id": "cus_1", "object": "customer"}).status_code == 200


def test_an_amount_that_differs_from_the_order_is_not_taken_as_payment(stripe_app, pending):
    number, intent = pending
    _send(stripe_app, "evt_cheap", "payment_intent.succeeded", {**intent, "amount": 1, "amount_received": 1, "status": "succeeded"})
    assert _state(stripe_app, number)[0] == "pending_payment"


def test_webhooks_need_no_csrf_token_but_are_refused_without_a_secret(app):
    payload = event_payload("evt_1", "payment_intent.succeeded", {"id": "pi_1"})
    response = app.test_client().post("/webhooks/stripe", data=payload, headers={"Stripe-Signature": sign(payload)})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "not_configured"

"""Refunds that fail: a refund Stripe does not take stays visible on the order (refund_failed,
its attempts and last error), staff can try it again from the desk, and a worker retries it
later with a growing wait."""
from __future__ import annotations

import datetime as dt
import html
import json
import urllib.request

import sqlalchemy as sa

from shop.extensions import db
from shop.models import Order, Payment, utcnow
from shop.services import payments
from tests.checkout.conftest import csrf_from

UNREACHABLE = "http://127.0.0.1:9"


def _paid_then_cancelled_while_stripe_is_down(app, buyer, world, localstripe_url) -> tuple[str, str]:
    buyer.fill_cart({world["CR-ROSE"]: 1})
    response, _ = buyer.checkout(payment_method="stripe")
    number = response.headers["Location"].split("/orders/")[1].split("/")[0]
    page = buyer.client.get(f"/en/orders/{number}/pay").get_data(as_text=True)
    paid = buyer.client.post(f"/en/orders/{number}/pay", json={"payment_method": "pm_card_visa"},
                             headers={"X-CSRFToken": csrf_from(page)})
    assert paid.get_json()["status"] == "succeeded"
    app.config["STRIPE_API_BASE"] = UNREACHABLE  # Stripe stops answering
    page = buyer.client.get(f"/en/orders/{number}").get_data(as_text=True)
    buyer.client.post(f"/en/orders/{number}/cancel", data={"csrf_token": csrf_from(page)})
    app.config["STRIPE_API_BASE"] = localstripe_url
    with app.app_context():
        intent_id = db.session.scalar(sa.select(Payment.provider_ref))
    return number, intent_id


def _payment(app) -> Payment:
    with app.app_context():
        return db.session.scalar(sa.select(Payment))


def _refunds(localstripe_url: str, intent_id: str) -> list[dict]:
    request = urllib.request.Request(f"{localstripe_url}/v1/refunds?payment_intent={intent_id}",
                                     headers={"Authorization": "Bearer sk_test_kashgar"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["data"]


def test_a_refund_that_fails_stays_visible_and_staff_can_try_it_again(stripe_app, stripe_buyer, stripe_world,
                                                                      localstripe_url, staff):
    number, intent_id = _paid_then_cancelled_while_stripe_is_down(stripe_app, stripe_buyer, stripe_world,
                                                                 localstripe_url)
    payment = _payment(stripe_app)
    assert payment.status == "refund_failed" and payment.refund_attempts == 1 and payment.refund_error
    assert payment.refund_retry_at is not None
    assert _refunds(localstripe_url, intent_id) == []

    page = html.unescape(staff.client.get(f"/fulfilment/orders/{number}").get_data(as_text=True))
    assert "The refund failed (1 attempt): " in page and 'id="retry-refund"' in page
    answer = staff.client.post(f"/fulfilment/orders/{number}/refunds/retry", data={"csrf_token": csrf_from(page)},
                               follow_redirects=True).get_data(as_text=True)
    assert "1 refund went through." in answer
    assert 'id="retry-refund"' not in answer and "The refund failed" not in answer
    payment = _payment(stripe_app)
    assert (payment.status, payment.refund_attempts, payment.refund_error) == ("refunded", 2, None)
    assert len(_refunds(localstripe_url, intent_id)) == 1
    with stripe_app.app_context():
        assert db.session.scalar(sa.select(Order.status)) == "refunded"


def test_staff_retrying_while_stripe_is_still_down_are_told_and_the_attempt_counts(
        stripe_app, stripe_buyer, stripe_world, localstripe_url, staff):
    number, _intent_id = _paid_then_cancelled_while_stripe_is_down(stripe_app, stripe_buyer, stripe_world,
                                                                  localstripe_url)
    page = staff.client.get(f"/fulfilment/orders/{number}").get_data(as_text=True)
    stripe_app.config["STRIPE_API_BASE"] = UNREACHABLE
    answer = html.unescape(staff.client.post(f"/fulfilment/orders/{number}/refunds/retry",
                                             data={"csrf_token": csrf_from(page)},
                                             follow_redirects=True).get_data(as_text=True))
    assert "The refund failed again; it stays on the order for another try." in answer
    assert "The refund failed (2 attempts): " in answer
    assert _payment(stripe_app).status == "refund_failed"


def test_a_worker_retries_failed_refunds_once_their_wait_is_over(stripe_app, stripe_buyer, stripe_world,
                                                                 localstripe_url):
    _number, intent_id = _paid_then_cancelled_while_stripe_is_down(stripe_app, stripe_buyer, stripe_world,
                                                                  localstripe_url)
    failed = _payment(stripe_app)
    with stripe_app.app_context():
        assert payments.retry_failed_refunds(utcnow()) == []  # too soon after the failure
        assert _refunds(localstripe_url, intent_id) == []
        assert payments.retry_failed_refunds(failed.refund_retry_at + dt.timedelta(seconds=1)) == [failed.id]
    assert _payment(stripe_app).status == "refunded"
    assert len(_refunds(localstripe_url, intent_id)) == 1


def test_the_wait_between_refund_attempts_grows_and_is_capped():
    waits = [payments.refund_delay(n) for n in range(1, 12)]
    assert waits == sorted(waits) and waits[0] < waits[3] and waits[-1] == payments.LAST_REFUND_RETRY

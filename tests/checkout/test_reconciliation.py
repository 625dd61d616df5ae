"""A card payment whose webhook never came is settled by the worker asking Stripe (localstripe)."""
from __future__ import annotations

import datetime as dt

from .test_payments import _card_order, _payments, _status, _stripe


def test_a_payment_made_at_stripe_without_a_webhook_is_settled_by_the_worker(stripe_app, stripe_buyer,
                                                                            stripe_world, localstripe_url):
    from shop.services import reconciliation
    number = _card_order(stripe_buyer, stripe_world)
    stripe_buyer.client.get(f"/en/orders/{number}/pay")  # the payment step makes the PaymentIntent
    [payment] = _payments(stripe_app, number)
    # The buyer pays at Stripe; the webhook is lost on the way.
    _stripe(localstripe_url, f"/v1/payment_intents/{payment.provider_ref}", {"payment_method": "pm_card_visa"})
    _stripe(localstripe_url, f"/v1/payment_intents/{payment.provider_ref}/confirm", {})
    assert _status(stripe_app, number) == "pending_payment"
    with stripe_app.app_context():
        assert reconciliation.reconcile_payments(dt.datetime.now(dt.UTC)) == {}  # too soon to ask
        later = dt.datetime.now(dt.UTC) + reconciliation.QUIET_FOR + dt.timedelta(seconds=1)
        assert reconciliation.reconcile_payments(later) == {number: "paid"}
        assert reconciliation.reconcile_payments(later) == {}  # settled: nothing left to ask
    assert _status(stripe_app, number) == "paid"

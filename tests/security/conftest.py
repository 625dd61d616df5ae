"""Security fixtures: the checkout's small world (tests/checkout/conftest.py); localstripe comes from tests/conftest.py."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from shop.extensions import db
from tests.checkout import conftest as checkout
from tests.checkout.conftest import new_buyer

# The checkout's fixtures, under the same names.
app, world, buyer = checkout.app, checkout.world, checkout.buyer
stripe_app, stripe_world, stripe_buyer = checkout.stripe_app, checkout.stripe_world, checkout.stripe_buyer


@pytest.fixture
def pending(stripe_app, stripe_buyer, stripe_world):
    """A card order waiting for payment, its PaymentIntent created; (number, intent as Stripe sends it)."""
    from shop.models import Payment
    stripe_buyer.fill_cart({stripe_world["CR-ROSE"]: 1})
    response, _ = stripe_buyer.checkout(payment_method="stripe")
    number = response.headers["Location"].split("/orders/")[1].split("/")[0]
    stripe_buyer.client.get(f"/en/orders/{number}/pay")
    with stripe_app.app_context():
        payment = db.session.scalar(sa.select(Payment))
        intent = {"id": payment.provider_ref, "object": "payment_intent", "amount": payment.amount_minor,
                  "amount_received": payment.amount_minor, "currency": payment.currency.lower(),
                  "status": "succeeded", "metadata": {"order_number": number}}
    return number, intent


@pytest.fixture
def staff(stripe_app, stripe_world):
    """A signed-in member of the fulfilment staff, on the Stripe app."""
    return new_buyer(stripe_app, "desk@example.com", role="staff").sign_in()

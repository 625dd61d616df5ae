"""Security fixtures: the checkout's small world (tests/checkout/conftest.py); localstripe comes from tests/conftest.py."""
from __future__ import annotations

import pytest

from tests.checkout import conftest as checkout
from tests.checkout.conftest import new_buyer

# The checkout's fixtures, under the same names.
app, world, buyer = checkout.app, checkout.world, checkout.buyer
stripe_app, stripe_world, stripe_buyer = checkout.stripe_app, checkout.stripe_world, checkout.stripe_buyer
pending = checkout.pending




@pytest.fixture
def staff(stripe_app, stripe_world):
    """A signed-in member of the fulfilment staff, on the Stripe app."""
    return new_buyer(stripe_app, "desk@example.com", role="staff").sign_in()

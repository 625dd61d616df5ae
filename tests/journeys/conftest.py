"""A shop started the way `make run` starts it in development: a clean database, migrated, the demo
loaded, and the Stripe stand-in (localstripe) with the shop's webhook registered."""
from __future__ import annotations

import urllib.parse
import urllib.request

import pytest

from tests.checkout.conftest import WEBHOOK_SECRET, stripe_config
from tests.support import live_shop


@pytest.fixture(scope="session")
def made_run_shop(tmp_path_factory, localstripe_url):
    from shop.services.demo import load_demo
    with live_shop(tmp_path_factory.mktemp("journeys") / "shop.db", load_demo,
                   **stripe_config(localstripe_url)) as (base, app):
        body = urllib.parse.urlencode({"url": f"{base}/webhooks/stripe", "secret": WEBHOOK_SECRET}).encode()
        urllib.request.urlopen(urllib.request.Request(f"{localstripe_url}/_config/webhooks/journeys", data=body),
                               timeout=10)
        yield base, app

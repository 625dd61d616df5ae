"""A local Stripe stand-in for `make run` without Stripe keys: localstripe on 127.0.0.1, keeping
nothing on disk, with the shop's webhook registered, so card payments work end to end."""
from __future__ import annotations

import logging

DEV_KEYS = {
    "STRIPE_SECRET_KEY": "sk_test_local_standin",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_local_standin",
    "STRIPE_WEBHOOK_SECRET": "whsec_local_standin",
}


def environment(port: int) -> dict[str, str]:
    """What the web and worker processes need to talk to the stand-in on `port`."""
    base = f"http://127.0.0.1:{port}"
    return {**DEV_KEYS, "STRIPE_API_BASE": base, "STRIPE_JS_URL": f"{base}/js.stripe.com/v3/"}


def serve(port: int, webhook_url: str, webhook_secret: str) -> None:
    """Run localstripe until interrupted; its events go to `webhook_url`, signed with `webhook_secret`."""
    import localstripe.resources
    from aiohttp import web
    from localstripe.server import app
    from localstripe.webhooks import register_webhook

    localstripe.resources.Store.dump_to_disk = lambda self: None  # a fresh store every start
    register_webhook("shop", webhook_url, webhook_secret, None)
    logging.getLogger("shop.dev").info("Stripe stand-in on http://127.0.0.1:%d, webhooks to %s", port, webhook_url)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)

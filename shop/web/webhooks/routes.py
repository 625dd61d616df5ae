"""POST /webhooks/stripe: the signature is checked on the raw body, each event applied once."""
import logging

from flask import jsonify, request

from shop.services import outbox, payments
from shop.web.errors import json_error
from shop.web.webhooks import bp

log = logging.getLogger(__name__)


@bp.post("/stripe")
def stripe_webhook():
    """Stripe events: 400 on a bad signature, 200 for everything stored (known or not)."""
    payload = request.get_data(cache=False, as_text=False)
    try:
        outcome = payments.handle_webhook(payload, request.headers.get("Stripe-Signature"))
    except payments.BadSignature:
        log.warning("Stripe webhook with a bad signature from %s", request.remote_addr)
        return json_error(400, "bad_signature", "The signature does not match the payload.")
    except payments.PaymentsUnavailable:
        return json_error(400, "not_configured", "Stripe webhooks are not configured on this shop.")
    outbox.deliver_quietly()
    return jsonify({"received": True, "outcome": outcome})

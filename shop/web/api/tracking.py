"""The carriers' API: an express line's operator reports what happened to a parcel
(POST /api/v1/shipments/<tracking_number>/events) with the token an admin made for that line."""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _

from shop.extensions import limiter, merchant_api_key
from shop.services import outbox, tracking
from shop.web.api import bp
from shop.web.errors import json_error
from shop.web.tracking_words import problem_text


def operator_api_limit() -> str:
    """Calls an operator token may make (config OPERATOR_API_RATE_LIMIT)."""
    return current_app.config.get("OPERATOR_API_RATE_LIMIT") or "600 per minute"


# Counted per bearer token (a digest of the header), or per address without one.
api_limit = limiter.shared_limit(operator_api_limit, scope="operator-api", key_func=merchant_api_key)


def _unauthorized(code: str, message: str):
    response, status = json_error(401, code, message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="operator"'
    return response, status


def operator_required(view):
    """Let the request through with g.operator set, or answer 401."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _sep, secret = header.partition(" ")
        if not header.strip():
            return _unauthorized("missing_token", _("Send your operator token as Authorization: Bearer <token>."))
        if scheme.lower() != "bearer" or not secret.strip():
            return _unauthorized("invalid_token", _("Send your operator token as Authorization: Bearer <token>."))
        operator, state = tracking.authenticate(secret.strip())
        if operator is None:
            if state == "revoked":
                return _unauthorized("revoked_token", _("This operator token has been revoked."))
            return _unauthorized("invalid_token", _("This operator token is not valid."))
        g.operator = operator
        return view(*args, **kwargs)

    return wrapped


@bp.post("/shipments/<path:tracking_number>/events")
@api_limit
@operator_required
def shipment_event(tracking_number: str):
    """Record a carrier event for one of the operator's parcels: 201 the new event, 200 the same one again."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return json_error(400, "invalid_json", _("Send a JSON object: status, at, place, note."))
    try:
        recorded = tracking.record_event(tracking_number, body, operator=g.operator)
    except tracking.ShipmentNotFound:
        return json_error(404, "unknown_shipment", _("None of your line's parcels has this tracking number."))
    except tracking.InvalidEvent as invalid:
        return json_error(422, "invalid", _("Some fields are not valid; nothing was recorded."),
                          fields={name: problem_text(code, name) for name, code in invalid.problems.items()})
    except tracking.NotShipped:
        return json_error(409, "not_shipped", _("This parcel has not left the zone yet."))
    outbox.deliver_quietly()
    return jsonify({**recorded.event.to_dict(), "shipment_status": recorded.shipment_status}), \
        201 if recorded.created else 200

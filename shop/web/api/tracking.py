"""The carriers' API: an express line's operator reports what happened to a parcel
(POST /api/v1/shipments/<tracking_number>/events) with the token an admin made for that line."""
from __future__ import annotations

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _

from shop.extensions import limiter, merchant_api_key
from shop.services import outbox, tracking
from shop.web.api import bp
from shop.web.api.bearer import bearer_required
from shop.web.errors import json_error
from shop.web.tracking_words import problem_text


def operator_api_limit() -> str:
    """Calls an operator token may make (config OPERATOR_API_RATE_LIMIT)."""
    return current_app.config.get("OPERATOR_API_RATE_LIMIT") or "600 per minute"


# Counted per bearer token (a digest of the header), or per address without one.
api_limit = limiter.shared_limit(operator_api_limit, scope="operator-api", key_func=merchant_api_key)


def _operator_words(kind: str) -> str:
    if kind == "revoked":
        return _("This operator token has been revoked.")
    if kind == "invalid":
        return _("This operator token is not valid.")
    return _("Send your operator token as Authorization: Bearer <token>.")


# Let the request through with g.operator set, or answer 401.
operator_required = bearer_required("operator", tracking.authenticate, "operator", _operator_words)


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

"""Carrier events on the order desk: each parcel's tracking as its line's operator reported it, and the
form staff add an event with by hand (a phone call from the carrier, a scan the operator missed)."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from shop.domain.tracking import CarrierStatus
from shop.services import outbox, tracking
from shop.web.desk import bp
from shop.web.fulfilment.words import status_name
from shop.web.labels import CARRIER_STATUS
from shop.web.tracking_words import problem_text

# The desk's clock: a time typed without an offset is Kashgar business time (the app's zone).
DESK_OFFSET = "+08:00"
FIELD_NAMES = {"status": _l("Status"), "at": _l("Time"), "place": _l("Place"), "note": _l("Note")}


@bp.context_processor
def _tracking_helpers():
    return {"carrier_events": tracking.events_by_shipment, "carrier_status": lambda c: status_name(CARRIER_STATUS, c),
            "carrier_statuses": [status.value for status in CarrierStatus]}


def _at(text: str) -> str:
    """A datetime-local value (2026-12-03T14:30) as an ISO time in desk time; anything else as typed."""
    text = text.strip()
    if len(text) in (16, 19) and "T" in text and "+" not in text and not text.endswith("Z"):
        return text + DESK_OFFSET
    return text


@bp.post("/<number>/tracking/<waybill>/events")
def add_carrier_event(number: str, waybill: str):
    """Add a carrier event to one of the order's parcels by hand."""
    body = {"status": request.form.get("status") or None, "at": _at(request.form.get("at") or ""),
            "place": request.form.get("place") or "", "note": request.form.get("note") or ""}
    try:
        recorded = tracking.record_event(waybill, body, user_id=current_user.id, order_number=number[:24])
    except tracking.ShipmentNotFound:
        abort(404)
    except tracking.InvalidEvent as invalid:
        for field, code in invalid.problems.items():
            flash(_("%(field)s: %(problem)s", field=str(FIELD_NAMES.get(field, field)),
                    problem=problem_text(code, field)), "error")
        flash(_("Nothing was recorded."), "error")
    except tracking.NotShipped:
        flash(_("This parcel has not left the zone yet: there is nothing to track."), "error")
    else:
        if recorded.created:
            flash(_("Event recorded for parcel %(waybill)s.", waybill=recorded.event.tracking_number), "success")
        else:
            flash(_("This event was already recorded: nothing changed."), "warning")
        outbox.deliver_quietly()
    return redirect(url_for("desk.order", number=number[:24]) + f"#tracking-{waybill[:32]}", 303)

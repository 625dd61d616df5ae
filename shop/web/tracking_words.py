"""The words for carrier tracking that the API, the desk and the back office share: why a reported
event was refused, field by field."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from shop.domain.tracking import NOTE_MAX, PLACE_MAX


def problem_text(code: str, field: str | None = None) -> str:
    """What is wrong with one field of a carrier event (codes from shop.domain.tracking.InvalidEvent)."""
    if code == "missing":
        return _("This field is required.")
    if code == "not_a_string":
        return _("Send this field as text.")
    if code == "unknown_status":
        return _("Use one of: in_transit, arrived_hub, customs_cleared, out_for_delivery, delivered, failed, "
                 "returned.")
    if code == "not_iso":
        return _("Send an ISO 8601 time, e.g. 2026-12-03T14:30:00+08:00.")
    if code == "needs_offset":
        return _("Give the time with its offset from UTC, e.g. +08:00 or Z.")
    if code == "in_future":
        return _("This time is in the future.")
    if code == "too_old":
        return _("This time is more than a year ago.")
    if code == "too_long":
        limit = NOTE_MAX if field == "note" else PLACE_MAX
        return ngettext("At most %(num)d character.", "At most %(num)d characters.", limit)
    if code == "control_characters":
        return _("Remove the control characters.")
    return _("This value is not valid.")

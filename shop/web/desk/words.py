"""The words the order desk shows for payment statuses, timeline events and its refusals."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from shop.domain.orders import IllegalTransition
from shop.services import order_desk, ordering, payments
from shop.web.fulfilment.words import PAYMENT_METHOD, status_name
from shop.web.labels import CARRIER_STATUS, ORDER_STATUS
from shop.web.templating import money

PAYMENT_STATUS = {
    "created": _l("Created"),
    "requires_payment_method": _l("Needs a payment method"),
    "requires_confirmation": _l("Needs confirmation"),
    "requires_action": _l("Needs the buyer's action"),
    "processing": _l("Processing"),
    "failed": _l("Failed"),
    "succeeded": _l("Succeeded"),
    "canceled": _l("Cancelled"),
    "refund_pending": _l("Refund pending"),
    "refunded": _l("Refunded"),
    "refund_failed": _l("Refund failed"),
}
CUSTOMS_STATUS = {
    "not_filed": _l("Not filed"),
    "filed": _l("Filed"),
    "accepted": _l("Accepted"),
    "rejected": _l("Rejected"),
    "released": _l("Released"),
}
SORT_NAMES = {
    "-placed": _l("Newest first"),
    "placed": _l("Oldest first"),
    "-total": _l("Largest total first"),
    "total": _l("Smallest total first"),
    "-number": _l("Number, Z to A"),
    "number": _l("Number, A to Z"),
}
STOCK_MOVE = {
    "reserve": _l("Stock reserved"),
    "release": _l("Stock released"),
    "pick": _l("Stock picked"),
    "return": _l("Stock returned"),
    "adjust": _l("Stock adjusted"),
    "intake": _l("Stock received"),
}
AUDIT_ACTION = {
    "order.cancel": _l("Cancelled"),
    "order.pick": _l("Picked"),
    "order.ship": _l("Shipped"),
    "shipment.pack": _l("Packed"),
    "order.deliver": _l("Delivered"),
    "order.rollover": _l("Moved to a later departure"),
    "order.rollover_failed": _l("Could not be moved to a later departure"),
    "refund.succeeded": _l("Refund went through"),
    "refund.failed": _l("Refund failed"),
    "refund.retry": _l("Refund tried again"),
    "return.request": _l("Return asked for by the buyer"),
    "return.approve": _l("Return approved"),
    "return.refuse": _l("Return refused"),
    "return.receive": _l("Returned goods received"),
}


def event_text(event: str, data: dict[str, Any]) -> str:
    """What one timeline entry says happened."""
    if event == "placed":
        return _("Placed by a guest") if data.get("guest") else _("Placed")
    if event == "paid":
        return _("Paid")
    if event == "cancelled":
        return _("Cancelled")
    if event == "note":
        return _("Note added")
    if event == "order.refund":
        return _("Refund of %(amount)s decided",
                 amount=money(data.get("amount") or 0, str(data.get("currency") or "CNY")))
    if event == "payment":
        return _("Payment %(provider)s: %(status)s", provider=status_name(PAYMENT_METHOD, str(data.get("provider"))),
                 status=status_name(PAYMENT_STATUS, str(data.get("status", ""))))
    if event == "carrier":
        what = status_name(CARRIER_STATUS, str(data.get("status", "")))
        place = str(data.get("place") or "")
        if place:
            return _("Carrier, parcel %(waybill)s: %(status)s, %(place)s", waybill=str(data.get("waybill", "")),
                     status=what, place=place)
        return _("Carrier, parcel %(waybill)s: %(status)s", waybill=str(data.get("waybill", "")), status=what)
    if event == "stock":
        units = abs(int(data.get("reserved") or 0)) or abs(int(data.get("on_hand") or 0))
        what = status_name(STOCK_MOVE, str(data.get("kind", "")))
        return ngettext("%(what)s: %(num)d unit of lot %(lot)s", "%(what)s: %(num)d units of lot %(lot)s", units,
                        what=what, lot=str(data.get("lot", "")))
    return status_name(AUDIT_ACTION, event)


def refusal(error: Exception) -> str:
    """Why the desk refused to change an order (nothing was changed)."""
    if isinstance(error, ordering.CannotCancel):
        return _("Order cannot be cancelled now (status: %(status)s).",
                 status=status_name(ORDER_STATUS, error.status))
    if isinstance(error, IllegalTransition):
        return _("Order cannot be cancelled now (status: %(status)s).",
                 status=status_name(ORDER_STATUS, error.status.value))
    if isinstance(error, order_desk.NoteRefused):
        if error.code == "note_empty":
            return _("Write the note first.")
        if error.code == "note_too_long":
            return ngettext("A note holds at most %(num)d character.", "A note holds at most %(num)d characters.",
                            error.limit)
        return _("A note cannot hold control characters.")
    if isinstance(error, payments.PaymentError):
        return _("The payment service did not answer: try again in a moment.")
    return _("The order was not changed.")

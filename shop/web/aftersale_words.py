"""The words buyers and staff read about refunds and returns: kinds, methods, statuses and refusals."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from shop.domain.refunds import RefundRefused
from shop.web.labels import ORDER_STATUS, label
from shop.web.templating import money

REFUND_KIND = {"full": _l("Full refund"), "lines": _l("Refund of items"), "amount": _l("Refund of an amount")}
REFUND_METHOD = {"stripe": _l("Back to the card"), "cash": _l("Cash"), "bank_transfer": _l("Bank transfer"),
                 "other": _l("Other")}
REFUND_STATUS = {"pending": _l("In progress"), "succeeded": _l("Refunded"), "failed": _l("Failed")}
RETURN_STATUS = {"requested": _l("Asked for"), "approved": _l("Approved"), "refused": _l("Refused"),
                 "received": _l("Received")}
CONDITION = {"saleable": _l("Saleable: back to its lot"), "damaged": _l("Damaged: to quarantine")}


def refusal(error: RefundRefused) -> str:
    """Why a refund or a return was refused (nothing was changed)."""
    code, params = error.code, error.params
    if code.endswith("_control"):
        return _("The text cannot hold control characters.")
    if code.endswith("_too_long"):
        return ngettext("It holds at most %(num)d character.", "It holds at most %(num)d characters.",
                        int(params.get("most", 0)))
    if code == "too_many_units":
        return ngettext("At most %(num)d unit of %(sku)s can be chosen.",
                        "At most %(num)d units of %(sku)s can be chosen.", int(params.get("most", 0)),
                        sku=str(params.get("sku", "")))
    if code == "window_closed":
        return ngettext("The time to send this order back has passed: %(num)d day after delivery.",
                        "The time to send this order back has passed: %(num)d days after delivery.",
                        int(params.get("days", 0)))
    if code == "above_paid":
        return _("At most %(amount)s can still be refunded.",
                 amount=money(params.get("most", 0), str(params.get("currency", "CNY"))))
    if code == "not_now":
        return _("This order cannot be refunded now (status: %(status)s).",
                 status=label(ORDER_STATUS, str(params.get("status", ""))))
    if code == "condition_missing":
        return _("Record the condition of every item (%(sku)s has none).", sku=str(params.get("sku", "")))
    words = {
        "bad_kind": _("Choose how to refund: in full, by items or by an amount."),
        "not_paid": _("Nothing was paid on this order, so there is nothing to refund."),
        "nothing_left": _("Everything paid on this order has been refunded already."),
        "method_missing": _("Say how the money went back: cash, bank transfer or other."),
        "reference_missing": _("Give the payout's reference (a receipt or transfer number)."),
        "reason_missing": _("Say why you are sending the goods back."),
        "message_missing": _("Write the buyer a message saying why the return is refused."),
        "bad_quantity": _("Quantities are whole numbers of units."),
        "unknown_line": _("That item is not on this order."),
        "nothing_chosen": _("Choose at least one unit."),
        "bad_amount": _("Give an amount above nought, with no more decimals than the currency has."),
        "cancel_instead": _("This order has not left the zone yet: cancel it instead, which also puts its "
                            "stock back."),
        "unknown_refund": _("There is no such refund on this order."),
        "unknown_return": _("There is no such return on this order."),
        "not_delivered": _("Only a delivered order can be sent back."),
        "already_decided": _("This return has been answered already."),
        "not_approved": _("Only an approved return can be received."),
    }
    return words.get(code, _("Nothing was changed."))

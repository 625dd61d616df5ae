"""Order desk views for refunds and returns: refund in full, by items or by an amount; retry a card refund
that failed; answer a buyer's return and record what arrived. Thin: parse, call shop.services.refunds or
shop.services.returns, word their refusals."""
from __future__ import annotations

import secrets

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shop.domain.refunds import RefundRefused, parse_quantities
from shop.services import ordering, outbox, refunds, returns
from shop.web import aftersale_words as words
from shop.web.desk import bp
from shop.web.templating import money

MAX_FIELD = 2000


@bp.context_processor
def _aftersale_helpers():
    def aftersale(number: str) -> dict:
        """What the desk's refund and return blocks show for the order."""
        return {"refundable": refunds.refundable(number), "refunds": refunds.refunds_of(number),
                "returns": returns.returns_of(number), "request_key": secrets.token_urlsafe(24),
                "manual_methods": refunds.MANUAL_METHODS}
    return {"aftersale": aftersale, "refund_words": words}


def _field(name: str) -> str:
    return (request.form.get(name) or "")[:MAX_FIELD]


def _numbered(prefix: str) -> dict[int, str]:
    """Form fields named <prefix><id>, by id (other names ignored)."""
    found: dict[int, str] = {}
    for key, value in request.form.items():
        tail = key[len(prefix):]
        if key.startswith(prefix) and tail.isdigit() and len(tail) < 10:
            found[int(tail)] = value[:20]
    return found


def _back(number: str):
    outbox.deliver_quietly()
    return redirect(url_for("desk.order", number=number) + "#refunds", 303)


@bp.post("/<number>/refunds")
def refund(number: str):
    """Refund the order in full, by items, or by an amount."""
    try:
        asked = refunds.RefundRequest(
            kind=_field("kind"), lines=parse_quantities(_numbered("line_")), amount=_field("amount"),
            reason=_field("reason"), method=_field("method"), reference=_field("reference"),
            request_key=_field("request_key") or None)
        done = refunds.issue_refund(number, current_user, asked)
    except ordering.OrderNotFound:
        abort(404)
    except RefundRefused as refused:
        flash(words.refusal(refused), "error")
        return _back(number)
    amount = money(done.amount, done.currency)
    if done.status == "failed":
        flash(_("The card refund of %(amount)s failed; it stays on the order to be tried again.", amount=amount),
              "error")
    else:
        flash(_("Refund of %(amount)s recorded.", amount=amount), "success")
    return _back(number)


@bp.post("/<number>/refunds/<int:refund_id>/retry")
def retry_refund(number: str, refund_id: int):
    """Try a failed card refund again, under the same idempotency key."""
    try:
        done = refunds.retry_refund(number, refund_id, current_user)
    except ordering.OrderNotFound:
        abort(404)
    except RefundRefused as refused:
        flash(words.refusal(refused), "error")
        return _back(number)
    if done.status == "succeeded":
        flash(_("Refund of %(amount)s recorded.", amount=money(done.amount, done.currency)), "success")
    else:
        flash(_("The card refund of %(amount)s failed; it stays on the order to be tried again.",
                amount=money(done.amount, done.currency)), "error")
    return _back(number)


@bp.post("/<number>/returns/<int:return_id>/decision")
def decide_return(number: str, return_id: int):
    """Approve or refuse a buyer's return, with a message the buyer receives."""
    decision = _field("decision")
    if decision not in ("approve", "refuse"):
        flash(_("Choose to approve or to refuse the return."), "error")
        return _back(number)
    try:
        returns.decide_return(number, return_id, current_user, decision == "approve", _field("message"))
    except ordering.OrderNotFound:
        abort(404)
    except RefundRefused as refused:
        flash(words.refusal(refused), "error")
        return _back(number)
    flash(_("Return approved; the buyer is told.") if decision == "approve"
          else _("Return refused; the buyer is told."), "success")
    return _back(number)


@bp.post("/<number>/returns/<int:return_id>/receive")
def receive_return(number: str, return_id: int):
    """Record what came back to the zone, item by item; the refund follows."""
    conditions = {line_id: value for line_id, value in _numbered("condition_").items()}
    try:
        returns.receive_return(number, return_id, current_user, conditions, method=_field("method"),
                               reference=_field("reference"))
    except ordering.OrderNotFound:
        abort(404)
    except RefundRefused as refused:
        flash(words.refusal(refused), "error")
        return _back(number)
    flash(_("Return received: the stock and the refund are recorded."), "success")
    return _back(number)

"""The buyer's refunds and returns on the order page: what was refunded, and the form to send goods back
within RETURN_DAYS of delivery. Thin: parse, call shop.services.returns, word its refusals."""
from __future__ import annotations

import secrets

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from shop.domain.refunds import RefundRefused, parse_quantities
from shop.services import ordering, outbox, ports, refunds, returns
from shop.web import aftersale_words as words
from shop.web.checkout import bp


@bp.context_processor
def _aftersale_helpers():
    def aftersale(order) -> dict:
        """What the buyer's order page shows about refunds and returns."""
        return {"refunds": refunds.refunds_of(order.number), "returns": returns.returns_of(order.number),
                "returnable": returns.returnable(order),
                "may_return": returns.may_return(order, current_user if current_user.is_authenticated else None),
                "request_key": secrets.token_urlsafe(24), "return_days": ports.settings().return_days}
    return {"aftersale": aftersale, "refund_words": words}


@bp.post("/orders/<number>/returns")
@login_required
def ask_return(number: str):
    """The buyer asks to send items back: units per line and a reason."""
    if len(number) > 24:
        abort(404)
    quantities: dict[int, str] = {}
    for key, value in request.form.items():
        tail = key[len("line_"):]
        if key.startswith("line_") and tail.isdigit() and len(tail) < 10:
            quantities[int(tail)] = value[:20]
    try:
        returns.request_return(number, current_user, parse_quantities(quantities),
                               (request.form.get("reason") or "")[:2000], request.form.get("request_key"))
    except ordering.OrderNotFound:
        abort(404)
    except RefundRefused as refused:
        flash(words.refusal(refused), "error")
    else:
        flash(_("Your return request is sent. We will write to you once it is answered."), "success")
    outbox.deliver_quietly()
    return redirect(url_for("checkout.order_page", number=number) + "#returns", 303)

"""A buyer's discount code at the edge: kept in the session between the cart and the checkout,
tried on the cart, and its refusals said in the buyer's language (cart, checkout, quote API)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import has_request_context, session
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from shop.domain import routing
from shop.domain.discounts import normalise_code
from shop.services import discounts, quotes
from shop.web.context import buyer_context
from shop.web.templating import money

SESSION_KEY = "discount_code"
MAX_TYPED = 64


def typed_code(raw: object) -> str:
    """A code as typed in a form or JSON (trimmed and cut short; '' for anything else)."""
    return raw.strip()[:MAX_TYPED] if isinstance(raw, str) else ""


def kept_code() -> str:
    """The code the buyer applied on the cart (or the checkout), if any."""
    code = session.get(SESSION_KEY) if has_request_context() else None
    return normalise_code(code) if isinstance(code, str) else ""


def keep_code(code: str) -> None:
    if code:
        session[SESSION_KEY] = code
    else:
        session.pop(SESSION_KEY, None)


def buyer() -> discounts.Buyer:
    """The signed-in buyer as uses per buyer count them (a guest's e-mail is known at checkout)."""
    user = current_user._get_current_object() if has_request_context() and current_user else None
    if user is not None and user.is_authenticated:
        return discounts.Buyer(user.id, user.email)
    return discounts.Buyer()


def refusal_text(error: discounts.DiscountRefused) -> str:
    """Why the code cannot be used, in the buyer's language."""
    code, params = error.code, error.params
    if code == "expired":
        until = params.get("valid_until")
        when = format_date(until.astimezone(routing.SHANGHAI).date()) if isinstance(until, dt.datetime) else ""
        return _("This discount code expired on %(date)s.", date=when)
    if code == "not_yet_valid":
        start = params.get("valid_from")
        when = format_date(start.astimezone(routing.SHANGHAI).date()) if isinstance(start, dt.datetime) else ""
        return _("This discount code can be used from %(date)s.", date=when)
    if code == "used_up":
        return _("This discount code has been used up.")
    if code == "already_used":
        per_buyer = params.get("per_buyer")
        limit = per_buyer if isinstance(per_buyer, int) else 1
        return ngettext("You have already used this discount code as often as one buyer may (%(num)d time).",
                        "You have already used this discount code as often as one buyer may (%(num)d times).",
                        limit)
    if code == "minimum_not_reached":
        return _("This discount code needs goods worth at least %(minimum)s in your cart; the goods it is for "
                 "come to %(subtotal)s.", minimum=money(params.get("minimum", 0), "CNY"),
                 subtotal=money(params.get("subtotal", 0), "CNY"))
    if code == "not_for_these_items":
        return _("This discount code is not for the goods in your cart.")
    return _("We do not know this discount code. Please check it for a typing error.")


@dataclass(frozen=True)
class Tried:
    """A code tried on a cart: what it takes off, or why it cannot be used."""

    code: str
    applied: discounts.Applied | None = None
    refusal: str | None = None
    refusal_code: str | None = None


def try_code(code: str, pairs, who: discounts.Buyer | None = None) -> Tried | None:
    """The code (None when there is none) on these (product, quantity) pairs."""
    if not code:
        return None
    try:
        return Tried(code, discounts.evaluate(code, pairs, buyer=who or buyer()))
    except discounts.DiscountRefused as error:
        return Tried(code, None, refusal_text(error), error.code)


def kind_text(applied: discounts.Applied) -> str:
    """What the code gives, in words (the discount line's label)."""
    if applied.kind == "percent":
        return _("%(percent)s%% off", percent=f"{applied.rule.value.normalize():f}")
    if applied.kind == "free_shipping":
        if applied.rule.line_code:
            info = quotes.line_set(buyer_context().memo).info.get(applied.rule.line_code)
            name = info.name(buyer_context().lang) if info is not None else applied.rule.line_code
            return _("Free shipping on %(line)s", line=name)
        return _("Free shipping")
    return _("%(amount)s off", amount=money(applied.rule.value, "CNY"))

"""/merchant/discounts: a merchant's own discount codes, for its own listings only."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from shop.services import discounts
from shop.web import discount_forms
from shop.web.merchant import bp


def _owner() -> discounts.Owner:
    if current_user.merchant_id is None:
        abort(403)  # a merchant account not tied to a merchant must never act as the shop
    return discounts.Owner(merchant_id=current_user.merchant_id)


@bp.get("/discounts")
def discount_codes():
    """The merchant's codes, newest first, with their uses."""
    return discount_forms.list_page("merchant/discounts.html", _owner())


@bp.route("/discounts/new", methods=["GET", "POST"])
def discount_new():
    """A new code for the merchant's own listings."""
    return discount_forms.edit_page("merchant/discount_form.html", _owner(), "merchant.discount_codes", None)


@bp.route("/discounts/<int:discount_id>", methods=["GET", "POST"])
def discount_edit(discount_id: int):
    """Change one of the merchant's codes (another's is a 404)."""
    return discount_forms.edit_page("merchant/discount_form.html", _owner(), "merchant.discount_codes", discount_id)


@bp.post("/discounts/<int:discount_id>/active")
def discount_active(discount_id: int):
    """Deactivate or activate one of the merchant's codes."""
    return discount_forms.toggle(_owner(), "merchant.discount_codes", discount_id)

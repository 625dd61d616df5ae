"""/admin/discounts: every discount code (the shop's and the merchants'); the shop's are edited here."""
from __future__ import annotations

from shop.services import discounts
from shop.web import discount_forms
from shop.web.admin import bp


@bp.get("/discounts")
def discount_codes():
    """Every discount code, newest first, with its uses."""
    return discount_forms.list_page("admin/discounts.html", discounts.SHOP, everyone=True)


@bp.route("/discounts/new", methods=["GET", "POST"])
def discount_new():
    """A new discount code of the shop's."""
    return discount_forms.edit_page("admin/discount_form.html", discounts.SHOP, "admin.discount_codes", None)


@bp.route("/discounts/<int:discount_id>", methods=["GET", "POST"])
def discount_edit(discount_id: int):
    """Change one of the shop's codes (a merchant's code is the merchant's to change)."""
    return discount_forms.edit_page("admin/discount_form.html", discounts.SHOP, "admin.discount_codes", discount_id)


@bp.post("/discounts/<int:discount_id>/active")
def discount_active(discount_id: int):
    """Deactivate a code (field active=0) or activate it again (active=1): a merchant's too."""
    return discount_forms.toggle(discounts.SHOP, "admin.discount_codes", discount_id, any_owner=True)

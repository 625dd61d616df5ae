"""The discount code form and pages shared by /admin/discounts and /merchant/discounts: the
service keeps the codes and says what is wrong; these views only parse and render."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from shop.services import discounts

KIND_NAMES = {"percent": _l("Percent off the goods"), "amount": _l("Amount off the goods (CNY)"),
              "free_shipping": _l("Free shipping")}
SCOPE_NAMES = {"all": _l("Everything"), "categories": _l("Categories"), "merchant": _l("One merchant's listings"),
               "listings": _l("Chosen listings")}
MERCHANT_SCOPE_NAMES = {"merchant": _l("All my listings"), "listings": _l("Chosen listings of mine")}


class DiscountForm(FlaskForm):
    """Fields only (names are CONTRACT.md's); the service checks them."""

    code = StringField(_l("Code"))
    kind = SelectField(_l("What it takes off"), validate_choice=False)
    value = StringField(_l("Value (percent, or CNY)"))
    max_uses = StringField(_l("Uses in all (empty: no limit)"))
    per_buyer = StringField(_l("Uses per buyer (empty: no limit)"))
    min_subtotal = StringField(_l("Minimum for the goods it is for (CNY)"))
    valid_from = StringField(_l("First day (YYYY-MM-DD)"))
    valid_until = StringField(_l("Last day (YYYY-MM-DD)"))
    scope = SelectField(_l("What it is for"), validate_choice=False)
    categories = StringField(_l("Categories (slugs, separated by spaces)"))
    merchant = SelectField(_l("Merchant"), validate_choice=False)
    skus = StringField(_l("Listings (SKUs, separated by spaces)"))
    line = SelectField(_l("Free shipping on"), validate_choice=False)


class ToggleForm(FlaskForm):
    """Deactivate or activate a code: CSRF only."""


def _form(owner: discounts.Owner, data=None) -> DiscountForm:
    form = DiscountForm(data=data) if data is not None else DiscountForm()
    choices = discounts.form_choices()
    form.kind.choices = [(k, str(v)) for k, v in KIND_NAMES.items()]
    names = MERCHANT_SCOPE_NAMES if owner.merchant_id is not None else SCOPE_NAMES
    form.scope.choices = [(k, str(v)) for k, v in names.items()]
    form.merchant.choices = [("", "—")] + choices.merchants
    form.line.choices = [("", _("Every line"))] + [(code, code) for code in choices.lines]
    return form


def _values(form: DiscountForm) -> dict[str, str]:
    return {name: request.form.get(name, "") for name in discounts.FIELDS}


def list_page(template: str, owner: discounts.Owner, *, everyone: bool = False):
    return render_template(template, codes=discounts.list_discounts(owner, everyone=everyone),
                           kind_names=KIND_NAMES, scope_names=SCOPE_NAMES, toggle_form=ToggleForm())


def edit_page(template: str, owner: discounts.Owner, endpoint: str, discount_id: int | None):
    """New code (discount_id None) or an existing one the owner keeps (another's is a 404)."""
    row = None
    if discount_id is not None:
        try:
            row = discounts.get_discount(discount_id, owner)
        except discounts.DiscountNotFound:
            abort(404)
    if request.method == "GET":
        form = _form(owner, discounts.form_values(row) if row is not None else
                     {"kind": "percent", "scope": "merchant" if owner.merchant_id else "all"})
        return render_template(template, form=form, row=row, merchant_owner=owner.merchant_id is not None)
    form = _form(owner)
    form.validate()  # CSRF was checked before the view; the service checks the rest
    try:
        saved = discounts.save_discount(_values(form), owner=owner, discount_id=discount_id, user_id=current_user.id)
    except discounts.InvalidDiscount as invalid:
        for name, message in invalid.errors.items():
            field = getattr(form, name, None)
            if field is not None:
                field.errors = [str(message)]
        return render_template(template, form=form, row=row, merchant_owner=owner.merchant_id is not None), 400
    except discounts.DiscountNotFound:
        abort(404)
    flash(_("Discount code %(code)s saved.", code=saved.code), "success")
    return redirect(url_for(endpoint), 303)


def toggle(owner: discounts.Owner, endpoint: str, discount_id: int, *, any_owner: bool = False):
    if not ToggleForm().validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    try:
        row = discounts.set_active(discount_id, active, owner=owner, any_owner=any_owner, user_id=current_user.id)
    except discounts.DiscountNotFound:
        abort(404)
    flash(_("Discount code %(code)s is active again.", code=row.code) if active
          else _("Discount code %(code)s is deactivated: buyers can no longer use it.", code=row.code), "success")
    return redirect(url_for(endpoint), 303)

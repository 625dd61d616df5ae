"""The buyer's address book at /<lang>/account/addresses: add, edit, delete, choose the default.
Only the buyer's own addresses: another buyer's id answers 404, like one that does not exist.
(Served by the checkout blueprint, beside the checkout that offers these addresses.)"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TelField, TextAreaField

from shop.services import address_book, addresses
from shop.web.checkout import bp, labels, shipping
from shop.web.checkout.guest_checkout import LATIN_MESSAGES
from shop.web.checkout.routes import _message as address_message

MAX_ID = 2**31 - 1


class AddressForm(FlaskForm):
    name = StringField(_l("Recipient's full name"))
    phone = TelField(_l("Phone number"))
    country = SelectField(_l("Country"), validate_choice=False)
    city = StringField(_l("City"))
    address = TextAreaField(_l("Street, building and flat"))
    postcode = StringField(_l("Postcode"))
    latin = TextAreaField(_l("The address in Latin letters"), render_kw={"dir": "ltr", "lang": "en", "rows": 2})
    make_default = BooleanField(_l("Deliver here unless I choose another address"))


class ActionForm(FlaskForm):
    """Delete, or make the default: CSRF only."""


def _form() -> AddressForm:
    form = AddressForm()
    countries = shipping.served_countries()
    form.country.choices = [("", _("Choose a country"))] + [(c, labels.country_name(c)) for c in countries]
    return form


def _checked(form: AddressForm) -> tuple[dict[str, str], str | None] | None:
    """The cleaned address and its Latin form, or None with messages beside the bad fields."""
    countries = {code for code, _label in form.country.choices if code}
    result = addresses.check_address(
        name=form.name.data, phone=form.phone.data, country=form.country.data, city=form.city.data,
        address=form.address.data, postcode=form.postcode.data, countries=countries)
    for name, (code, params) in result.errors.items():
        params = {**params, "country_name": labels.country_name(result.values["country"]),
                  "example": f"\u2066{params.get('example', '')}\u2069"}
        getattr(form, name).errors = list(getattr(form, name).errors or []) + [address_message(name, code, params)]
    latin, problem = addresses.check_latin(form.latin.data or "")
    if problem:
        form.latin.errors = list(form.latin.errors or []) + [LATIN_MESSAGES[problem]()]
    if result.errors or problem:
        return None
    return result.values, latin or None


def _own(address_id: int):
    if address_id > MAX_ID:
        abort(404)
    try:
        return address_book.get(current_user.id, address_id)
    except address_book.AddressNotFound:
        abort(404)


@bp.get("/account/addresses")
@login_required
def addresses_page():
    """The buyer's saved addresses, the default first."""
    return render_template("account/addresses.html", saved=address_book.saved(current_user.id),
                           action_form=ActionForm(), country_name=labels.country_name)


@bp.route("/account/addresses/new", methods=["GET", "POST"])
@login_required
def add_address():
    """Add an address to the book."""
    form = _form()
    if request.method == "POST" and form.validate():
        checked = _checked(form)
        if checked is not None:
            values, latin = checked
            try:
                address_book.add(current_user.id, values, latin=latin, make_default=form.make_default.data)
            except address_book.BookFull:
                flash(_("Your address book is full. Please delete an address you no longer use."), "error")
            else:
                flash(_("The address is saved."), "success")
                return redirect(url_for("checkout.addresses_page"), 303)
    return render_template("account/address_form.html", form=form, editing=None), (
        400 if request.method == "POST" else 200)


@bp.route("/account/addresses/<int:address_id>/edit", methods=["GET", "POST"])
@login_required
def edit_address(address_id: int):
    """Change a saved address (and its Latin form)."""
    saved = _own(address_id)
    form = _form()
    if request.method == "GET":
        for name in ("name", "phone", "country", "city", "address", "postcode", "latin"):
            getattr(form, name).data = getattr(saved, name)
        form.make_default.data = saved.is_default
    elif form.validate():
        checked = _checked(form)
        if checked is not None:
            values, latin = checked
            if latin == saved.latin and any(values[f] != getattr(saved, f) for f in values if hasattr(saved, f)):
                latin = None  # the address changed under its old Latin form: write it out again
            try:
                address_book.update(current_user.id, address_id, values, latin=latin,
                                    make_default=form.make_default.data)
            except address_book.AddressNotFound:
                abort(404)
            flash(_("The address is saved."), "success")
            return redirect(url_for("checkout.addresses_page"), 303)
    return render_template("account/address_form.html", form=form, editing=saved), (
        400 if request.method == "POST" else 200)


@bp.post("/account/addresses/<int:address_id>/delete")
@login_required
def delete_address(address_id: int):
    """Delete a saved address."""
    if not ActionForm().validate_on_submit():
        abort(400)
    _own(address_id)
    try:
        address_book.delete(current_user.id, address_id)
    except address_book.AddressNotFound:
        abort(404)
    flash(_("The address is deleted."), "success")
    return redirect(url_for("checkout.addresses_page"), 303)


@bp.post("/account/addresses/<int:address_id>/default")
@login_required
def default_address(address_id: int):
    """Make a saved address the one the checkout starts from."""
    if not ActionForm().validate_on_submit():
        abort(400)
    _own(address_id)
    try:
        address_book.choose_default(current_user.id, address_id)
    except address_book.AddressNotFound:
        abort(404)
    flash(_("This is now your default address."), "success")
    return redirect(url_for("checkout.addresses_page"), 303)

"""A guest's orders: which ones this browser may open (its session), the order lookup by number
and e-mail, and keeping a guest's order in an account afterwards."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from shop.extensions import limiter
from shop.i18n import current_language
from shop.services import accounts, guest_orders
from shop.web.account.forms import Email, _new_password_validators, _repeat_validators
from shop.web.checkout import bp
from shop.web.context import forget_buyer_context

SESSION_KEY = "guest_orders"
MAX_REMEMBERED = 20
NOT_FOUND = _l("We found no order with this number and e-mail address. Please check both; the number is in "
               "the e-mail we sent when you ordered.")


# ---- which orders this browser may open ------------------------------------------------------

def numbers() -> tuple[str, ...]:
    """The orders this browser placed as a guest or opened with their signed link."""
    kept = session.get(SESSION_KEY)
    if not isinstance(kept, list):
        return ()
    return tuple(n for n in kept if isinstance(n, str) and len(n) <= guest_orders.MAX_NUMBER_LENGTH)


def remember(number: str) -> None:
    """Let this browser open the order from now on (bound to the signed session cookie)."""
    kept = [n for n in numbers() if n != number]
    session[SESSION_KEY] = ([number] + kept)[:MAX_REMEMBERED]


def holds(number: str) -> bool:
    return number in numbers()


def is_buyer_of(order) -> bool:
    """Whether this browser acts as the order's buyer: its account, or a guest's order it holds."""
    if current_user.is_authenticated and order.user_id == current_user.id:
        return True
    return order.user_id is None and holds(order.number)


def acting_user(order):
    """Who a buyer's action on an order is done as: the account, or None for a guest's order."""
    if order.user_id is None or not current_user.is_authenticated:
        return None
    return current_user._get_current_object()


@bp.app_context_processor
def order_words():
    """An order's status in the page's words, for pages outside the checkout (the account page)."""
    from shop.web.checkout import labels
    return {"order_status_label": lambda status: labels.label(labels.ORDER_STATUS, status)}


# ---- forms -----------------------------------------------------------------------------------

def _strip(value):
    return value.strip() if isinstance(value, str) else value


class LookupForm(FlaskForm):
    number = StringField(_l("Order number"), filters=[_strip],
                         validators=[DataRequired(_l("Please enter the order number.")), Length(max=40)])
    email = EmailField(_l("E-mail"), filters=[_strip], validators=[DataRequired(_l("Please enter your e-mail.")),
                                                 Email(_l("Please enter a valid e-mail address.")),
                                                 Length(max=254)])


class KeepOrderForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=_new_password_validators())
    password2 = PasswordField(_l("Repeat the password"), validators=_repeat_validators())


class AttachOrderForm(FlaskForm):
    """A button: keep this guest's order in the signed-in account (CSRF only)."""


def keep_offer(order) -> dict:
    """What the order page offers a guest: a password for a new account, signing in, or attaching."""
    if order.user_id is not None or not holds(order.number):
        return {}
    if current_user.is_authenticated:
        if guest_orders.claimable_by(order.number, current_user.id):
            return {"attach_form": AttachOrderForm()}
        return {}
    if guest_orders.account_exists_for(order.number):
        return {"sign_in_to_keep": True}
    return {"keep_form": KeepOrderForm()}


# ---- views -----------------------------------------------------------------------------------

def _lookup_key() -> str:
    return "lookup:" + (request.form.get("number") or "").strip().upper()[:40]


@bp.route("/orders/lookup", methods=["GET", "POST"])
@limiter.limit("10 per minute;60 per day", methods=["POST"])
@limiter.limit("10 per hour", methods=["POST"], key_func=_lookup_key)
def lookup():
    """Open a guest's order with its number and the e-mail address it was placed with."""
    form = LookupForm()
    if form.validate_on_submit():
        number = guest_orders.lookup(form.number.data, form.email.data)
        if number is not None:
            remember(number)
            return redirect(url_for("checkout.order_page", number=number), 303)
        # The same words whether the number or the e-mail was wrong: nobody learns which orders exist.
        return render_template("checkout/lookup.html", form=form, not_found=str(NOT_FOUND)), 404
    return render_template("checkout/lookup.html", form=form), (400 if form.errors else 200)


@bp.post("/orders/<number>/keep")
@limiter.limit("10 per hour", key_func=lambda: f"keep:{request.remote_addr}")
def keep(number: str):
    """Keep a guest's order in an account: a new one with this password, or the signed-in one."""
    if len(number) > guest_orders.MAX_NUMBER_LENGTH or not holds(number):
        abort(404)
    back = url_for("checkout.order_page", number=number)
    if current_user.is_authenticated:
        if not AttachOrderForm().validate_on_submit():
            abort(400)
        try:
            guest_orders.attach_to_account(number, current_user.id)
        except guest_orders.NotClaimable:
            flash(_("This order was placed with another e-mail address, so it cannot go into this account."),
                  "error")
            return redirect(back, 303)
        flash(_("The order is now in your account."), "success")
        return redirect(back, 303)
    form = KeepOrderForm()
    if form.validate_on_submit():
        try:
            user = guest_orders.claim_with_new_account(number, form.password.data, current_language())
        except guest_orders.NotClaimable:
            abort(404)
        except accounts.EmailTaken:
            # Never attached silently to an existing account: its owner signs in first.
            flash(_("An account with this e-mail already exists. Please sign in to keep the order in it."),
                  "warning")
            return redirect(url_for("account.login", next=back), 303)
        except accounts.WeakPassword as error:
            from shop.web.account.routes import password_refusal
            flash(password_refusal(error), "error")
            return redirect(back, 303)
        login_user(user)
        forget_buyer_context()
        flash(_("Your account is ready, and the order is in it."), "success")
        return redirect(back, 303)
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "error")
    return redirect(back, 303)

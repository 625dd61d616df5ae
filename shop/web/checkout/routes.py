"""Checkout and order views: the one-page checkout, the payment step, the buyer's orders."""
from __future__ import annotations

import datetime as dt
import logging
import secrets
from decimal import Decimal

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup

from shop.domain import customs, routing
from shop.domain import orders as order_rules
from shop.extensions import login_manager
from shop.i18n import current_language
from shop.services import addresses, clock, discounts, ordering, outbox, payments
from shop.web import discount_codes, words
from shop.web.checkout import bp, guest, guest_checkout, labels, shipping
from shop.web.checkout.forms import ActionForm, CheckoutForm
from shop.web.context import buyer_context
from shop.web.mail_render import shop_url
from shop.web.roles import role_required

log = logging.getLogger(__name__)

MAX_KEY_LENGTH = 64


@bp.context_processor
def checkout_helpers():
    return {"labels": labels, "label": labels.label, "country_name": labels.country_name, "now_utc": clock.utcnow,
            # Babel formatting for this page's language (money and price as the storefront shows them).
            "money": labels.money, "price": labels.price,
            # What the options block says "recommended" means (shop.domain.routing's rule).
            "recommended_slack_days": routing.RECOMMENDED_SLACK_DAYS}


# ---- the checkout page --------------------------------------------------------------------

def _payment_choices(country: str) -> list[str]:
    methods = ["stripe"] if payments.configured() else []
    if country != "CN":
        methods.append("cod")
    return methods


def _prefill(form: CheckoutForm) -> None:
    saved = guest_checkout.starting_address()
    if saved is not None:
        form.name.data, form.phone.data, form.country.data = saved.name, saved.phone, saved.country
        form.city.data, form.address.data, form.postcode.data = saved.city, saved.address, saved.postcode
    else:
        # The destination the buyer picked for delivery promises on the product pages.
        ctx = buyer_context()
        form.name.data = current_user.name if current_user.is_authenticated else ""
        if ctx.destination_known:  # else the buyer is asked: no country is assumed for them
            form.country.data, form.city.data = ctx.place.country, words.city_name(ctx.place.city, ctx.lang)
    form.line.data = "auto"
    form.payment_method.data = "stripe" if payments.configured() else "cod"
    guest_checkout.prefill_latin(form)


def _render(form: CheckoutForm, pairs, countries, *, status: int = 200, page_errors=(), quote=None):
    country = (form.country.data or "").upper()
    discount = _discount(form, pairs)
    if quote is None:
        try:
            quote = shipping.quote_view(pairs, country, form.city.data or "",
                                        discount.applied if discount else None, phone=form.phone.data or "")
        except Exception:  # noqa: BLE001  a quoting problem must not take the whole page down
            log.exception("quoting the checkout failed")
            quote = None
    currency = buyer_context().currency
    goods = sum((Decimal(p.price_cny) * q for p, q in pairs), Decimal(0))
    guest_checkout.suggest_latin(form)
    return render_template(
        "checkout/checkout.html", form=form, pairs=pairs, quote=quote, currency=currency, goods_cny=goods,
        **guest_checkout.page_values(),
        countries=countries, payment_choices=_payment_choices(country), page_errors=list(page_errors),
        cash_currencies=shipping.cash_currency_names(countries),
        selected_line=(form.line.data or "auto"), is_import=country == "CN", discount=discount,
        phone_example=_ltr(addresses.phone_example(country)) if country else None,
        postcode_example=_ltr(addresses.postcode_example(country)) if country else None,
    ), status


def _ltr(text: str | None) -> Markup | None:
    """Digits and '+' kept left to right inside an Urdu sentence."""
    return Markup('<bdi dir="ltr">{}</bdi>').format(text) if text else None


_ADDRESS_MESSAGES = {
    ("name", "required"): lambda p: _("Please enter the recipient's full name."),
    ("country", "required"): lambda p: _("Please choose the country to deliver to."),
    ("country", "not_served"): lambda p: _("We do not deliver to this country yet."),
    ("city", "required"): lambda p: _("Please enter the city."),
    ("address", "required"): lambda p: _("Please enter the street, building and flat."),
    ("phone", "required"): lambda p: _("Please enter a phone number the courier can call."),
    ("phone", "invalid"): lambda p: _("This is not a valid phone number in %(country)s, for example %(example)s.",
                                      country=p["country_name"], example=p["example"]),
    ("postcode", "required"): lambda p: _("Please enter the postcode."),
    ("postcode", "format"): lambda p: _("This is not a valid postcode in %(country)s, for example %(example)s.",
                                        country=p["country_name"], example=p["example"]),
}
_ID_MESSAGES = {
    "length": lambda: _("A PRC resident ID number has 18 characters."),
    "format": lambda: _("A PRC resident ID number has 17 digits followed by a digit or the letter X."),
    "birth_date": lambda: _("The birth date in this ID number is not a real date."),
    "check_digit": lambda: _("This ID number does not add up: please check it for a typing error."),
}


def _message(field_name: str, code: str, params: dict) -> str:
    maker = _ADDRESS_MESSAGES.get((field_name, code))
    if maker is not None:
        return maker(params)
    if code == "control_characters":
        return _("Remove the control characters from this text.")
    if code == "too_long":
        return _("Please use at most %(max)d characters.", max=params.get("max", 0))
    return _("Please check this field.")


def _set_error(form: CheckoutForm, name: str, message: str) -> None:
    field_ = getattr(form, name)
    field_.errors = list(field_.errors or []) + [message]


def _limit_message(error: ordering.ImportLimitExceeded) -> str:
    money_cny = _money_cny  # amounts in yuan: the limits are set in yuan
    if error.kind == "order":
        return _("Cross-border imports into China are limited to %(limit)s per order; the goods in this order "
                 "come to %(value)s. Please take some items out of your cart.",
                 limit=money_cny(error.limit), value=money_cny(error.value))
    return _("Cross-border imports into China are limited to %(limit)s per person per year; this ID number "
             "has %(remaining)s left this year, and the goods in this order come to %(value)s.",
             limit=money_cny(error.limit), remaining=money_cny(error.remaining or 0), value=money_cny(error.value))


def _money_cny(amount) -> str:
    return labels.money(amount, "CNY")


def _check(form: CheckoutForm, countries) -> dict | None:
    """Check what the form alone can tell for the chosen destination, putting a message beside
    each bad field; the cleaned values, or None when something is wrong. What the order needs
    beyond the form (the line, stock, the import limits) is place_order's to refuse."""
    result = addresses.check_address(
        name=form.name.data, phone=form.phone.data, country=form.country.data, city=form.city.data,
        address=form.address.data, postcode=form.postcode.data, countries=set(countries))
    country = result.values["country"]
    for name, (code, params) in result.errors.items():
        # The example is isolated left to right (U+2066..U+2069) so it reads right inside Urdu.
        params = {**params, "country_name": labels.country_name(country),
                  "example": f"\u2066{params.get('example', '')}\u2069"}
        _set_error(form, name, _message(name, code, params))

    method = (form.payment_method.data or "").strip()
    if method not in ("stripe", "cod") or (method == "stripe" and not payments.configured()):
        _set_error(form, "payment_method", _("Please choose how to pay."))
    elif method == "cod" and country == "CN":
        _set_error(form, "payment_method", _("Cash on delivery is not available for imports into China; "
                                             "please pay by card."))

    choice = (form.line.data or "auto").strip()[:200]

    id_name = " ".join((form.id_name.data or "").split())
    id_number = (form.id_number.data or "").strip().upper()
    if country == "CN":
        if not id_name:
            _set_error(form, "id_name", _("Please enter your name exactly as on your ID card."))
        elif len(id_name) > 60:
            _set_error(form, "id_name", _("Please use at most %(max)d characters.", max=60))
        if not id_number:
            _set_error(form, "id_number", _("Please enter your ID number: customs need it for imports."))
        else:
            try:
                id_number = customs.validate_prc_id(id_number, today=dt.date.today())
            except customs.InvalidIdNumber as error:
                _set_error(form, "id_number", _ID_MESSAGES[error.code]())

    guest_values = guest_checkout.check(form, result.values)
    if any(getattr(form, name).errors for name in (
            "name", "phone", "country", "city", "address", "postcode", "line", "payment_method", "id_name",
            "id_number", *guest_checkout.FIELDS)):
        return None
    values: dict[str, str | None] = dict(result.values)
    values.update(guest_values)
    values.update(method=method, line=choice, id_name=id_name if country == "CN" else None,
                  id_number=id_number if country == "CN" else None)
    return values


# ---- the discount code (the work is shop/web/discount_codes.py's) ---------------------------

def _discount(form: CheckoutForm, pairs) -> discount_codes.Tried | None:
    """The code in the form tried on the cart; a refusal is put beside the field."""
    tried = discount_codes.try_code(discount_codes.typed_code(form.discount_code.data), pairs)
    if tried is not None and tried.refusal and not form.discount_code.errors:
        _set_error(form, "discount_code", tried.refusal)
    return tried


def _discount_to_place(form: CheckoutForm, pairs) -> tuple[bool, str | None]:
    """(whether the order may be placed, the code to place it with); the code is kept for the cart."""
    tried = _discount(form, pairs)
    if tried is None:
        discount_codes.keep_code("")
        return True, None
    if tried.applied is None:
        return False, None
    discount_codes.keep_code(tried.applied.code)
    return True, tried.applied.code


def _out_of_stock_messages(error: ordering.OutOfStock) -> list[str]:
    messages = []
    for name, (wanted, available) in error.shortages.items():
        if available <= 0:
            messages.append(_("%(name)s has just sold out. Please take it out of your cart.", name=name))
        else:
            messages.append(ngettext(
                "Only %(num)d unit of %(name)s is left (you asked for %(wanted)d). Please change your cart.",
                "Only %(num)d units of %(name)s are left (you asked for %(wanted)d). Please change your cart.",
                available, name=name, wanted=wanted))
    return messages


def _destination_of(number: str, method: str) -> str:
    if method == "stripe":
        return url_for("checkout.pay", number=number)
    return url_for("checkout.order_page", number=number)


@bp.route("/checkout", methods=["GET", "POST"])
def checkout():
    """One page: address, shipping option, ID for imports, payment; POST places the order."""
    form = CheckoutForm()
    countries = shipping.served_countries()
    form.country.choices = [("", _("Choose a country"))] + [(c, labels.country_name(c)) for c in countries]
    if request.method == "GET":
        pairs = shipping.cart_pairs()
        if not pairs:
            flash(_("Your cart is empty."), "warning")
            return redirect(url_for("storefront.cart"))
        _prefill(form)
        form.discount_code.data = discount_codes.kept_code()
        form.idempotency_key.data = secrets.token_urlsafe(24)
        return _render(form, pairs, countries)

    form.validate()  # CSRF is checked before the view; the rest is checked by _check below
    key = (form.idempotency_key.data or "").strip()[:MAX_KEY_LENGTH]
    if key:
        earlier = ordering.find_by_key(key)
        if earlier is not None and guest.is_buyer_of(earlier):
            # A second click, or the back button: the order exists already.
            return redirect(_destination_of(earlier.number, earlier.payment_method), 303)
    else:
        key = form.idempotency_key.data = secrets.token_urlsafe(24)
    pairs = shipping.cart_pairs()
    if "update_shipping" in request.form:
        return _render(form, pairs, countries)
    if not pairs:
        flash(_("Your cart is empty."), "warning")
        return redirect(url_for("storefront.cart"))

    values = _check(form, countries)
    usable, discount_code = _discount_to_place(form, pairs)
    if values is None or not usable:
        return _render(form, pairs, countries, status=400)
    address = ordering.ShippingAddress(name=values["name"], phone=values["phone"], country=values["country"],
                                       city=values["city"], address=values["address"], postcode=values["postcode"])
    try:
        placed = ordering.place_order(
            user_id=guest_checkout.buyer_id(), email=values["email"], lang=current_language(),
            items=[(p.id, q) for p, q in pairs], address=address, line=values["line"],
            payment_method=values["method"], currency=buyer_context().currency,
            idempotency_key=key, id_name=values["id_name"], id_number=values["id_number"],
            discount_code=discount_code, address_latin=values["address_latin"])
    except discounts.DiscountRefused as error:  # taken by another order meanwhile, say: nothing was placed
        _set_error(form, "discount_code", discount_codes.refusal_text(error))
        return _render(form, pairs, countries, status=409)
    except ordering.OutOfStock as error:
        return _render(form, pairs, countries, status=409, page_errors=_out_of_stock_messages(error))
    except ordering.ProductUnavailable:
        flash(_("Some products in your cart are no longer sold. Please review your cart."), "error")
        return redirect(url_for("storefront.cart"))
    except ordering.UnknownLine as error:
        _set_error(form, "line", _("We do not know the shipping line “%(code)s”.", code=error.code[:40]))
        return _render(form, pairs, countries, status=400)
    except (ordering.LineNotAvailable, ordering.NoShippingOption):
        _set_error(form, "line", _("This shipping option cannot carry your order to this address now. "
                                   "Please choose another one."))
        return _render(form, pairs, countries, status=409)
    except ordering.DepartureFull:
        _set_error(form, "line", _("This departure has just filled up. Please choose another shipping option."))
        return _render(form, pairs, countries, status=409)
    except ordering.ImportLimitExceeded as error:
        message = _limit_message(error)
        if error.kind == "annual":  # the ID number's allowance; the per-order limit is the cart's
            _set_error(form, "id_number", message)
        return _render(form, pairs, countries, status=400, page_errors=[message])
    except ordering.IdentityRequired:
        _set_error(form, "id_name", _("Please enter your name exactly as on your ID card."))
        return _render(form, pairs, countries, status=400)
    except ordering.EmptyCart:
        flash(_("Your cart is empty."), "warning")
        return redirect(url_for("storefront.cart"))

    outbox.deliver_quietly()  # the order took the cart's lines with it (same transaction)
    discount_codes.keep_code("")  # used by this order
    guest_checkout.placed(placed, pairs)  # a guest's cart is in the session: the view lets the goods go
    if placed.payment_method == "stripe":
        return redirect(url_for("checkout.pay", number=placed.number), 303)
    flash(_("Thank you! Your order %(number)s is confirmed; you pay in cash on delivery.", number=placed.number),
          "success")
    return redirect(url_for("checkout.order_page", number=placed.number), 303)


@bp.get("/checkout/options")
def shipping_options():
    """The shipping options block alone, for the page's script to refresh as the address changes."""
    country = (request.args.get("country") or "").strip().upper()[:2]
    city = (request.args.get("city") or "").strip()[:80]
    pairs = shipping.cart_pairs()
    tried = discount_codes.try_code(discount_codes.typed_code(request.args.get("discount_code")), pairs)
    try:
        quote = shipping.quote_view(pairs, country, city, tried.applied if tried else None)
    except Exception:  # noqa: BLE001
        log.exception("quoting for the options block failed")
        quote = None
    return render_template("checkout/_options.html", quote=quote, selected_line=request.args.get("line") or "auto",
                           currency=buyer_context().currency, errors=[],
                           is_import=country == "CN")


# ---- the order and its payment ------------------------------------------------------------

def _viewable(number: str):
    if len(number) > 24:
        abort(404)
    order = ordering.order_for_viewer(number, current_user, guest.numbers())
    if order is None:
        if not current_user.is_authenticated:
            abort(login_manager.unauthorized())  # sign in, or find a guest's order from there
        abort(404)
    return order


@bp.get("/orders/<number>")
def order_page(number: str):
    """The buyer's order: status, shipments, departures and delivery dates."""
    opened = guest_checkout.open_by_link(number)
    if opened is not None:
        return opened
    order = _viewable(number)
    if order.status == order_rules.OrderStatus.PENDING_PAYMENT.value:
        # Webhooks can be late: ask Stripe directly, then let an overdue reservation lapse.
        if order.payment_method == "stripe" and payments.configured():
            payments.sync(number)
        else:
            ordering.expire_overdue(number=number)
        outbox.deliver_quietly()
        order = _viewable(number)
    # Back from the payment (?paid=1): look again until the payment's outcome has arrived.
    waiting = request.args.get("paid") == "1" and _waiting_for_payment(order)
    return _order_page(order, refresh_seconds=SETTLING_REFRESH_SECONDS if waiting else None)


def _order_page(order, *, confirmation: bool = False, refresh_seconds: int | None = None):
    return render_template(
        "checkout/order.html", order=order, action_form=ActionForm(), confirmation=confirmation,
        refresh_seconds=refresh_seconds,
        may_cancel=guest.is_buyer_of(order) and order_rules.buyer_may_cancel(order.status),
        may_deliver=getattr(current_user, "role", None) in ("staff", "admin") and order_rules.can(
            order.status, order_rules.OrderEvent.DELIVER, cash_on_delivery=order.payment_method == "cod"),
        steps=(order_rules.COD_STATUS_ORDER if order.payment_method == "cod" else order_rules.STATUS_ORDER),
        deadline=ordering.deadline_of(order), total_in=lambda amount: ordering.total_in(order, amount),
        stripe_on=payments.configured(), is_buyer=guest.is_buyer_of(order), **guest.keep_offer(order))


@bp.get("/orders/<number>/pay")
def pay(number: str):
    """The payment step: the card form, paid through Stripe.js."""
    order = _viewable(number)
    if not guest.is_buyer_of(order):
        abort(404)
    if order.status == order_rules.OrderStatus.PENDING_PAYMENT.value and payments.configured():
        payments.sync(number)
        order = _viewable(number)
    if order.status != order_rules.OrderStatus.PENDING_PAYMENT.value or order.payment_method != "stripe":
        return redirect(url_for("checkout.order_page", number=number))
    try:
        prepared = payments.prepare(number)
    except payments.OrderNotPayable:
        return redirect(url_for("checkout.order_page", number=number))
    except payments.PaymentsUnavailable:
        flash(_("Card payments are not available right now. Please try again in a few minutes."), "error")
        return redirect(url_for("checkout.order_page", number=number))
    except payments.TooManyAttempts:
        flash(_too_many_attempts(), "error")
        return redirect(url_for("checkout.order_page", number=number))
    # Where Stripe sends the buyer back: the shop's own address, never the request's Host.
    return_url = shop_url("checkout.confirmation", lang=current_language(), number=number)
    return render_template("checkout/pay.html", order=order, prepared=prepared, deadline=ordering.deadline_of(order),
                           return_url=return_url)


@bp.post("/orders/<number>/pay")
def pay_submit(number: str):
    """Confirm the payment with the card Stripe.js collected; answers JSON for the page's script."""
    order = _viewable(number)
    if not guest.is_buyer_of(order):
        abort(404)
    data = request.get_json(silent=True) or request.form
    payment_method = str(data.get("payment_method") or "")[:100] or None
    token = str(data.get("token") or "")[:100] or None
    done_url = url_for("checkout.confirmation", number=number)
    try:
        result = payments.pay(number, payment_method=payment_method, token=token)
    except payments.OrderNotPayable as error:
        message = (_("This order is already paid.") if error.status not in ("cancelled", "pending_payment")
                   else _("The time to pay this order has run out, so it is cancelled."))
        return jsonify({"status": "closed", "message": message, "redirect": done_url}), 409
    except payments.PaymentsUnavailable:
        return jsonify({"status": "error", "message": _("Card payments are not available right now. Please try "
                                                          "again in a few minutes.")}), 503
    except payments.TooManyAttempts:
        return jsonify({"status": "closed", "message": _too_many_attempts(),
                        "redirect": url_for("checkout.order_page", number=number)}), 429
    outbox.deliver_quietly()
    body: dict[str, str | None] = {"status": result.status, "redirect": done_url}
    if result.status == "requires_action":
        body["client_secret"] = result.client_secret
    elif result.status == "failed":
        body["message"] = _("Your card was declined. Please try another card.")
    return jsonify(body)


# ---- after paying: the confirmation, and pages that wait for the payment's outcome ------------

SETTLING_REFRESH_SECONDS = 4


def _too_many_attempts() -> str:
    return _("This order's card was declined too many times, so no more attempts can be made. "
             "Please cancel it and order again, or choose cash on delivery.")


def _waiting_for_payment(order) -> bool:
    """Whether the page should look again soon: a card payment sent and not settled yet."""
    return order.status == order_rules.OrderStatus.PENDING_PAYMENT.value and order.payment_method == "stripe"


@bp.get("/orders/<number>/confirmation")
def confirmation(number: str):
    """Where the buyer lands after paying (a guest too): thanks and the order's summary; while the
    payment is being confirmed the page reloads itself (no JavaScript needed) until it is settled."""
    order = _viewable(number)
    if not guest.is_buyer_of(order):
        abort(404)
    if _waiting_for_payment(order) and payments.configured():
        payments.sync(number)
        outbox.deliver_quietly()
        order = _viewable(number)
    return _order_page(order, confirmation=True,
                       refresh_seconds=SETTLING_REFRESH_SECONDS if _waiting_for_payment(order) else None)


@bp.post("/orders/<number>/cancel")
def cancel(number: str):
    """The buyer cancels before picking; stock goes back and a paid order is refunded."""
    order = _viewable(number)
    if not ActionForm().validate_on_submit() or not guest.is_buyer_of(order):
        abort(400)
    try:
        aftermath = payments.cancel_order(number, guest.acting_user(order))
    except ordering.CannotCancel:
        flash(_("This order can no longer be cancelled: it is already being prepared."), "error")
    else:
        if aftermath.status == order_rules.OrderStatus.REFUNDED.value:
            flash(_("Your order is cancelled and your payment is being refunded."), "success")
        else:
            flash(_("Your order is cancelled."), "success")
    outbox.deliver_quietly()
    return redirect(url_for("checkout.order_page", number=number), 303)


@bp.post("/orders/<number>/deliver")
@role_required("staff", "admin")
def record_delivery(number: str):
    """Staff record the delivery (and, for cash on delivery, the cash collected)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        ordering.record_delivery(number, current_user)
    except ordering.OrderNotFound:
        abort(404)
    except ordering.CannotDeliver:
        flash(_("This order cannot be marked delivered now."), "error")
    else:
        flash(_("Delivery recorded."), "success")
    return redirect(url_for("checkout.order_page", number=number), 303)


@bp.get("/orders")
@login_required
def my_orders():
    """The buyer's orders, newest first."""
    payments.settle(ordering.expire_overdue(user_id=current_user.id))
    raw_page = request.args.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 10_000 else 1
    rows, total = ordering.orders_of(current_user.id, page)
    pages = max(1, -(-total // 20))
    return render_template("checkout/my_orders.html", orders=rows, page=page, pages=pages, total=total,
                           total_in=ordering.total_in)

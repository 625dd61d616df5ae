"""The checkout's parts for guests and for the address's Latin form: the guest's e-mail, the
saved address the page starts from, the Latin form the buyer may correct, and what a placed
guest order leaves in the session. Kept apart from routes.py so the checkout view stays one flow."""
from __future__ import annotations

import hashlib

from flask import abort, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shop.services import accounts, address_book, addresses, ordering
from shop.web.account.forms import Email
from shop.web.checkout import bp, guest
from shop.web.context import forget_buyer_context, guest_lines, keep_guest_lines

FIELDS = ("email", "address_latin")
_EMAIL_SHAPE = Email("")
LATIN_MESSAGES = {
    "not_latin": lambda: _("Please write this line in Latin letters only (A–Z), as a courier abroad reads it."),
    "too_long": lambda: _("Please use at most %(max)d characters.", max=600),
    "control_characters": lambda: _("Remove the control characters from this text."),
}


def buyer_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


# ---- the saved address the page starts from ---------------------------------------------------

def _chosen_saved():
    """The saved address picked with ?address=ID (the buyer's own only), else None."""
    raw = request.args.get("address", "")
    if not current_user.is_authenticated or not raw.isdigit() or len(raw) > 12:
        return None
    try:
        return address_book.get(current_user.id, int(raw))
    except address_book.AddressNotFound:
        return None


def starting_address():
    """The address a GET of the checkout fills in: one chosen from the book, else the default."""
    if not current_user.is_authenticated:
        return None
    return _chosen_saved() or addresses.last_address(current_user.id)


def page_values() -> dict:
    """What the checkout template needs beyond the order: guest or not, the saved addresses."""
    signed_in = current_user.is_authenticated
    return {"is_guest": not signed_in,
            "saved_addresses": address_book.saved(current_user.id) if signed_in else [],
            "latin_url": url_for("checkout.latin_suggestion"), "made_of": made_of}


# ---- the Latin form of the address ----------------------------------------------------------

def _mark(text: str) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()[:16]


def _native(values: dict[str, str]) -> str:
    return "\0".join(" ".join((values.get(k) or "").split()) for k in ("name", "address", "city", "postcode",
                                                                          "country"))


def made_of(values: dict[str, str], latin: str) -> str:
    """The hidden mark of a Latin form the page wrote: which address it was made from, and its text."""
    return f"{_mark(_native(values))}:{_mark(' '.join((latin or '').split()))}"


def _typed(form) -> dict[str, str]:
    return {"name": form.name.data or "", "address": form.address.data or "", "city": form.city.data or "",
            "postcode": form.postcode.data or "", "country": (form.country.data or "").upper(),
            "phone": form.phone.data or ""}


def latin_state(form) -> str:
    """'empty'; 'edited' (the buyer's own words: kept); 'current' (what the page wrote, for this
    very address: kept, a saved correction included); 'stale' (written for an address since changed)."""
    current = " ".join((form.address_latin.data or "").split())
    if not current:
        return "empty"
    native_mark, _, latin_mark = (form.latin_made.data or "").partition(":")
    if latin_mark != _mark(current):
        return "edited"
    return "current" if native_mark == _mark(_native(_typed(form))) else "stale"


def prefill_latin(form) -> None:
    """On a GET: a saved address's own Latin form (the buyer may have corrected it)."""
    saved = starting_address()
    if saved is not None and saved.latin:
        form.address_latin.data = saved.latin
        form.latin_made.data = made_of(_typed(form), saved.latin)


def suggest_latin(form) -> None:
    """Before showing the page: a Latin form made from the address, unless the buyer wrote one."""
    typed = _typed(form)
    form.latin_needed = addresses.needs_latin(typed)
    form.latin_edited = latin_state(form) == "edited"
    if latin_state(form) in ("empty", "stale"):
        suggestion = addresses.latin_block(typed) if (typed["address"] or typed["name"]) else ""
        form.address_latin.data, form.latin_made.data = suggestion, made_of(typed, suggestion)


@bp.get("/checkout/latin")
def latin_suggestion():
    """The Latin form of the address being typed, for the page's script (JSON)."""
    values = {key: (request.args.get(key) or "")[:300] for key in ("name", "address", "city", "postcode")}
    values["country"] = (request.args.get("country") or "")[:2].upper()
    if any(addresses.has_control_characters(v, multiline=True) for v in values.values()):
        abort(400)
    suggestion = addresses.latin_block(values)
    return jsonify({"latin": suggestion, "made": made_of(values, suggestion), "needed": addresses.needs_latin(values)})


# ---- checking and after placing ---------------------------------------------------------------

def _set_error(form, name: str, message: str) -> None:
    field_ = getattr(form, name)
    field_.errors = list(field_.errors or []) + [message]


def check(form, values: dict[str, str]) -> dict[str, str | None]:
    """The guest's e-mail (the account's when signed in) and the Latin form to print, with a
    message beside a bad field."""
    result: dict[str, str | None] = {}
    if current_user.is_authenticated:
        result["email"] = current_user.email
    else:
        email = accounts.normalise_email(form.email.data or "")
        if not email:
            _set_error(form, "email", _("Please enter your e-mail: we send the order and its updates there."))
        elif len(email) > 254 or addresses.has_control_characters(email) or not _EMAIL_SHAPE.regex.match(email):
            _set_error(form, "email", _("Please enter a valid e-mail address."))
        result["email"] = email
    if latin_state(form) in ("empty", "stale"):
        result["address_latin"] = addresses.latin_block(values)
    else:
        latin, problem = addresses.check_latin(form.address_latin.data or "")
        if problem:
            _set_error(form, "address_latin", LATIN_MESSAGES[problem]())
        result["address_latin"] = latin or addresses.latin_block(values)
    return result


def placed(order: ordering.PlacedOrder, pairs) -> None:
    """A guest's order: this browser may open it from now on, and the cart lets the goods go."""
    if current_user.is_authenticated:
        return
    guest.remember(order.number)
    ordered = {product.sku for product, _quantity in pairs}
    keep_guest_lines(tuple(line for line in guest_lines() if line[0] not in ordered))
    forget_buyer_context()


def open_by_link(number: str):
    """An order opened with the signed key from its e-mail: this browser may open it from now on,
    and the key leaves the address bar (and the Referer) at once. None when there is no key."""
    token = request.args.get("access")
    if token is None:
        return None
    if len(number) <= 24 and ordering.order_opened_by(number, token):
        guest.remember(number)
    return redirect(url_for("checkout.order_page", number=number), 303)

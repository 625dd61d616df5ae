"""The destination chooser: remembers the buyer's country and city in a cookie."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from shop.domain.places import Place
from shop.i18n import current_language
from shop.services import quotes
from shop.web import words
from shop.web.context import DESTINATION_COOKIE, buyer_context
from shop.web.redirects import local_path
from shop.web.shipping import bp

COOKIE_MAX_AGE = 365 * 86400


def _back() -> str:
    return local_path(request.form.get("next"), url_for("storefront.home", lang=current_language()))


@bp.post("/destination")
def destination():
    """Choose the destination the product pages promise delivery to."""
    asked = Place.parse(request.form.get("destination"))
    if asked is None and request.form.get("country"):
        asked = Place.parse(f"{request.form.get('country', '')}:{request.form.get('city', '')}")
    response = redirect(_back(), 303)
    # Keep the spelling the lines use, whatever case the form sent.
    place = quotes.served_place(asked, buyer_context().memo) if asked is not None else None
    if place is None:
        flash(_("Please choose a destination from the list."), "error")
        return response
    response.set_cookie(DESTINATION_COOKIE, place.value, max_age=COOKIE_MAX_AGE, samesite="Lax",
                        httponly=True, secure=request.is_secure)
    flash(_("Delivery promises are now shown for %(place)s.", place=words.place_name(place, current_language())),
          "success")
    return response

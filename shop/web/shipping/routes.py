"""The destination chooser: remembers the buyer's country and city in a cookie."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from shop.i18n import current_language
from shop.services import quotes
from shop.web.redirects import local_path
from shop.web.shipping import bp

COOKIE_MAX_AGE = 365 * 86400


def _back() -> str:
    return local_path(request.form.get("next"), url_for("storefront.home", lang=current_language()))


@bp.post("/destination")
def destination():
    """Choose the destination the product pages promise delivery to."""
    place = quotes.Place.parse(request.form.get("destination"))
    if place is None and request.form.get("country"):
        place = quotes.Place.parse(f"{request.form.get('country', '')}:{request.form.get('city', '')}")
    response = redirect(_back(), 303)
    if place is None or not quotes.offered(place):
        flash(_("Please choose a destination from the list."), "error")
        return response
    # Keep the spelling the lines use, whatever case the form sent.
    place = next(p for p in quotes.served_places()
                 if p.country == place.country and p.city.casefold() == place.city.casefold())
    response.set_cookie(quotes.DESTINATION_COOKIE, place.value, max_age=COOKIE_MAX_AGE, samesite="Lax",
                        httponly=True, secure=request.is_secure)
    flash(_("Delivery promises are now shown for %(place)s.", place=quotes.place_name(place, current_language())),
          "success")
    return response

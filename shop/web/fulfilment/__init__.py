"""The fulfilment desk (/fulfilment/): staff and admin accounts only."""
from flask import Blueprint, g, request
from flask_login import current_user

from shop.i18n import LANG_COOKIE, LANGUAGES
from shop.web.roles import role_required

bp = Blueprint("fulfilment", __name__)


def staff_language() -> str:
    """The desk's language: ?lang= (a document printed in another language), the language cookie, the
    account's preferred language, then the browser's."""
    for choice in (request.args.get("lang"), request.cookies.get(LANG_COOKIE),
                   getattr(current_user, "preferred_lang", None) if current_user.is_authenticated else None):
        if choice in LANGUAGES:
            return choice
    return request.accept_languages.best_match(LANGUAGES) or "en"


@bp.before_request
def _language():
    # Back-office pages have no language prefix: they follow the user's cookie / browser.
    g.lang = staff_language()


@bp.before_request
def _staff_only():
    """Anonymous visitors sign in first; buyers and merchants get 403 on every desk URL."""
    return role_required("staff", "admin")(lambda: None)()


from shop.web.fulfilment import routes  # noqa: E402,F401

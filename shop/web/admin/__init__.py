"""The administration (/admin/): admin accounts only."""
from flask import Blueprint, g

from shop.i18n import negotiated_language

bp = Blueprint("admin", __name__)


@bp.before_request
def _language():
    # Back-office pages have no language prefix: they follow the user's cookie / browser.
    g.lang = negotiated_language()


from shop.web.admin import operator_tokens, routes  # noqa: E402,F401

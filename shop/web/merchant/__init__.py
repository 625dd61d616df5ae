"""The merchant portal (/merchant/): merchant accounts only."""
from flask import Blueprint, g

from shop.i18n import office_language

bp = Blueprint("merchant", __name__)


@bp.before_request
def _language():
    # Back-office pages have no language prefix: the back office's own choice, then the account's.
    g.lang = office_language()


from shop.web.merchant import discounts, routes  # noqa: E402,F401

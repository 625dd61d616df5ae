"""The administration (/admin/): admin accounts only."""
from flask import Blueprint, g

from shop.i18n import office_language

bp = Blueprint("admin", __name__)


@bp.before_request
def _language():
    # Back-office pages have no language prefix: the back office's own choice, then the account's.
    g.lang = office_language()


from shop.web.admin import discounts, operator_tokens, routes  # noqa: E402,F401

"""The fulfilment desk (/fulfilment/): staff and admin accounts only."""
from flask import Blueprint, g

from shop.i18n import office_language as staff_language
from shop.web.roles import role_required

bp = Blueprint("fulfilment", __name__)


@bp.before_request
def _language():
    # Back-office pages have no language prefix: the back office's own choice, then the account's.
    g.lang = staff_language()


@bp.before_request
def _staff_only():
    """Anonymous visitors sign in first; buyers and merchants get 403 on every desk URL."""
    return role_required("staff", "admin")(lambda: None)()


from shop.web.fulfilment import routes  # noqa: E402,F401

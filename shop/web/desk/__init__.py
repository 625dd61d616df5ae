"""The order desk (/admin/orders): every order, for staff and admin accounts."""
from flask import Blueprint, g

from shop.i18n import office_language as staff_language
from shop.web.roles import role_required

bp = Blueprint("desk", __name__)


@bp.before_request
def _language():
    # Back-office pages have no language prefix: the same choice as the fulfilment desk.
    g.lang = staff_language()


@bp.before_request
def _staff_only():
    """Anonymous visitors sign in first; buyers and merchants get 403 on every order desk URL."""
    return role_required("staff", "admin")(lambda: None)()


from shop.web.desk import aftersale, routes, tracking  # noqa: E402,F401

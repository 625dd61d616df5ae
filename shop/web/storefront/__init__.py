"""The buyer's storefront: home, listing, product pages and cart (under /<lang>/)."""
from flask import Blueprint

from shop.web.localized import localized_blueprint

bp = localized_blueprint("storefront", __name__)
root_bp = Blueprint("root", __name__)

from shop.web.storefront import routes  # noqa: E402,F401

"""Checkout and the buyer's orders (under /<lang>/)."""
from shop.web.localized import localized_blueprint

bp = localized_blueprint("checkout", __name__)

from shop.web.checkout import routes  # noqa: E402,F401
from shop.web.checkout import guest  # noqa: E402,F401

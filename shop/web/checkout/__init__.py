"""Checkout and the buyer's orders (under /<lang>/)."""
from shop.web.localized import localized_blueprint

bp = localized_blueprint("checkout", __name__)

from shop.web.checkout import address_book, guest, returns, routes  # noqa: E402,F401

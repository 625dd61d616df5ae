"""Checkout and the buyer's orders (under /<lang>/)."""
from shop.web.localized import localized_blueprint

bp = localized_blueprint("checkout", __name__)

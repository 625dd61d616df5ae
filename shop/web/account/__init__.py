"""Accounts: register, sign in, sign out (under /<lang>/)."""
from shop.web.localized import localized_blueprint

bp = localized_blueprint("account", __name__)

from shop.web.account import routes  # noqa: E402,F401

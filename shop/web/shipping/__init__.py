"""Where the buyer's goods go: the destination chooser of the delivery promise (under /<lang>/)."""
from shop.web.localized import localized_blueprint

bp = localized_blueprint("shipping", __name__)

from shop.web.shipping import routes  # noqa: E402,F401

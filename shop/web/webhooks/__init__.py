"""Provider webhooks (Stripe), exempt from CSRF: they are checked by signature instead."""
from flask import Blueprint

from shop.extensions import csrf

bp = Blueprint("webhooks", __name__)
csrf.exempt(bp)

from shop.web.webhooks import routes  # noqa: E402,F401

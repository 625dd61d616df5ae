"""JSON API (/api/v1): public catalogue, quotes and the merchant's own data."""
from flask import Blueprint

from shop.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)

from shop.web.api import openapi, quote, routes  # noqa: E402,F401
from shop.web.api import merchant  # noqa: E402,F401

"""JSON API (/api/v1): public catalogue, quotes and the merchant's own data."""
from flask import Blueprint

from shop.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)

from shop.web.api import (  # noqa: E402,F401
    merchant,  # noqa: E402,F401
    openapi,
    quote,
    routes,
    tracking,
)

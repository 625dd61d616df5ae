"""Merchant portal views."""
from flask import render_template

from shop.web.merchant import bp
from shop.web.roles import role_required


@bp.get("/")
@role_required("merchant")
def index():
    """The merchant portal's front page."""
    return render_template("merchant/index.html")

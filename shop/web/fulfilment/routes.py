"""Fulfilment desk views."""
from flask import render_template

from shop.web.fulfilment import bp
from shop.web.roles import role_required


@bp.get("/")
@role_required("staff", "admin")
def index():
    """The fulfilment desk's front page."""
    return render_template("fulfilment/index.html")

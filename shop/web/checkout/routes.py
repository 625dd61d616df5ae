"""Checkout and order views."""
from flask import render_template
from flask_login import login_required

from shop.web.checkout import bp


@bp.get("/orders")
@login_required
def my_orders():
    """The buyer's orders."""
    return render_template("checkout/my_orders.html", orders=[])

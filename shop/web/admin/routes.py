"""Administration views."""
from flask import render_template

from shop.web.admin import bp
from shop.web.roles import role_required


@bp.get("/")
@role_required("admin")
def index():
    """The administration's front page."""
    return render_template("admin/index.html")

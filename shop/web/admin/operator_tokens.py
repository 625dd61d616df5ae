"""Operator tokens (/admin/lines/<code>/tokens): the bearer tokens each express line's operator sends
tracking events with. A new token is shown once; the shop keeps only its hash."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length, ValidationError

from shop.services import lines as line_service
from shop.services import tracking
from shop.web.admin import bp
from shop.web.admin.forms import REQUIRED, ActionForm
from shop.web.input_guard import bad_text


class OperatorTokenForm(FlaskForm):
    name = StringField(_l("Name (who or what uses the token)"),
                       validators=[InputRequired(REQUIRED), Length(max=tracking.NAME_MAX)])

    def validate_name(self, field) -> None:
        if not (field.data or "").strip() or bad_text(field.data):
            raise ValidationError(_("Write a name of letters, digits and spaces."))


def _line_or_404(code: str):
    line = line_service.get_line(code) if len(code) <= 32 else None
    if line is None:
        abort(404)
    return line


def _page(line, form: OperatorTokenForm, secret: str | None = None, status: int = 200):
    return render_template("admin/operator_tokens.html", line=line, form=form, secret=secret,
                           tokens=tracking.operator_tokens(line.code), action_form=ActionForm()), status


@bp.route("/lines/<code>/tokens", methods=["GET", "POST"])
def operator_tokens(code: str):
    """The line operator's tokens; a new one is shown once."""
    line = _line_or_404(code)
    form = OperatorTokenForm()
    if form.validate_on_submit():
        _token, secret = tracking.create_operator_token(line.code, form.name.data or "", current_user.id)
        return _page(line, OperatorTokenForm(formdata=None), secret)
    return _page(line, form, status=400 if form.errors else 200)


@bp.after_request
def _no_store(response):
    # A page that shows a new token must not be kept by the browser or a proxy.
    if request.endpoint == "admin.operator_tokens":
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/lines/<code>/tokens/<int:token_id>/revoke")
def operator_token_revoke(code: str, token_id: int):
    """Stop an operator token working at once."""
    line = _line_or_404(code)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        changed = tracking.revoke_operator_token(line.code, token_id, current_user.id)
    except tracking.TokenNotFound:
        abort(404)
    flash(_("Token revoked.") if changed else _("Nothing changed."), "success" if changed else "warning")
    return redirect(url_for("admin.operator_tokens", code=line.code), 303)

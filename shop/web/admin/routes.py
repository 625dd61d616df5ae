"""Administration views: express lines and their closures, the departure board, exchange rates,
duty rules, accounts and the audit trail. Admin accounts only; every change is audited."""
from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from babel.dates import format_skeleton
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_currency, format_datetime, format_decimal, format_percent, format_time, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from shop.domain import routing
from shop.i18n import LANGUAGES, OFFICE_LANG_COOKIE, current_language
from shop.services import admin as admin_service
from shop.services import clock, figures, pricing, quotes
from shop.services import lines as line_service
from shop.services import listings as listing_service
from shop.services import outbox as outbox_service
from shop.web import bonded_stock as bonded_stock_views
from shop.web import figures as figure_charts
from shop.web.admin import bp
from shop.web.admin.forms import (
    BASIS_NAMES,
    KIND_NAMES,
    MODE_NAMES,
    PER_NAMES,
    ROLE_NAMES,
    ActionForm,
    ClosureForm,
    DutyRuleForm,
    LineForm,
    RateForm,
    RoleForm,
    weekday_choices,
)
from shop.web.redirects import switch_language
from shop.web.words import GOODS_NAMES, country_name

T = TypeVar("T")


def _entered(value: T | None) -> T:
    """The value of a field whose InputRequired validator passed: never None then (else a 400)."""
    if value is None:
        abort(400)
    return value


@bp.before_request
def _admins_only():
    """Anonymous visitors sign in first; accounts that are not admins get 403."""
    if not current_user.is_authenticated:
        return redirect(url_for("account.login", lang=current_language(), next=request.full_path.rstrip("?")))
    if current_user.role != "admin":
        abort(403)
    return None


@bp.context_processor
def _names():
    return {"mode_names": MODE_NAMES, "kind_names": KIND_NAMES, "per_names": PER_NAMES, "basis_names": BASIS_NAMES,
            "role_names": ROLE_NAMES,
            "goods_names": GOODS_NAMES, "admin_languages": LANGUAGES, "country_name": country_name,
            "format_decimal": format_decimal, "format_percent": format_percent, "format_time": format_time,
            "format_datetime": format_datetime, "format_currency": format_currency, "day_month": _day_month}


def _day_month(day) -> str:
    """A yearly date (the year does not matter) in the page's locale, e.g. 1 December."""
    return format_skeleton("MMMMd", day, locale=get_locale())


def _saved(changed) -> None:
    if changed:
        flash(_("Saved."), "success")
    else:
        flash(_("Nothing changed."), "warning")


@bp.get("/")
def index():
    """The administration's front page: the shop's figures, drawn as charts with their tables."""
    now = clock.utcnow()
    found = figures.admin_figures(listing_service.today(), now)
    charts = {"sales": figure_charts.sales_chart(found.sales),
              "destinations": figure_charts.destination_chart(found.by_destination),
              "lines": figure_charts.line_chart(found.by_line),
              "departures": figure_charts.departure_chart(found.departures)}
    return render_template("admin/index.html", figures=found, charts=charts)


@bp.get("/language/<code>")
def language(code: str):
    """Read the back office in another language (remembered in the language cookie)."""
    return switch_language(code, request.args.get("next"), url_for("admin.index"), cookie=OFFICE_LANG_COOKIE)


# ---- express lines ----------------------------------------------------------------------

@bp.get("/lines")
def lines():
    """Every express line with its schedule and limits."""
    return render_template("admin/lines.html", lines=line_service.all_lines(), weekdays=dict(weekday_choices()))


def _line_or_404(code: str):
    line = line_service.get_line(code)
    if line is None:
        abort(404)
    return line


def _edit_page(line, form: LineForm, closure_form: ClosureForm, status: int = 200):
    return render_template("admin/line_edit.html", line=line, form=form, closure_form=closure_form,
                           action_form=ActionForm(), weekdays=dict(weekday_choices())), status


@bp.route("/lines/<code>", methods=["GET", "POST"])
def line_edit(code: str):
    """Edit a line's schedule, cut-off, capacity, goods, rate table, transit and places served."""
    line = _line_or_404(code)
    form = LineForm()
    if request.method == "GET":
        form.fill_from(line)
    elif form.validate_on_submit():
        try:
            changed = line_service.update_line(code, form.values(), current_user.id)
        except routing.InvalidLine:
            form.form_errors.append(_("These values cannot be routed on; nothing was saved."))
        else:
            _saved(changed)
            return redirect(url_for("admin.line_edit", code=code), 303)
    return _edit_page(line, form, ClosureForm(formdata=None), 400 if form.errors else 200)


@bp.post("/lines/<code>/closures")
def closure_add(code: str):
    """Close a line for a period."""
    line = _line_or_404(code)
    closure_form = ClosureForm()
    if closure_form.validate_on_submit():
        try:
            line_service.add_closure(code, start=_entered(closure_form.start.data), end=_entered(closure_form.end.data),
                                     yearly=bool(closure_form.yearly.data), kind=closure_form.kind.data,
                                     note=(closure_form.note.data or "").strip(), user_id=current_user.id)
        except routing.InvalidLine:
            closure_form.end.errors.append(_("The closure cannot end before it starts."))
        else:
            flash(_("Closure added."), "success")
            return redirect(url_for("admin.line_edit", code=code), 303)
    form = LineForm(formdata=None)
    form.fill_from(line)
    return _edit_page(line, form, closure_form, 400)


@bp.post("/lines/<code>/closures/<int:closure_id>/delete")
def closure_remove(code: str, closure_id: int):
    """Reopen a line: remove one of its closures."""
    _line_or_404(code)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        line_service.remove_closure(code, closure_id, current_user.id)
    except admin_service.NotFound:
        abort(404)
    flash(_("Closure removed."), "success")
    return redirect(url_for("admin.line_edit", code=code), 303)


@bp.get("/departures")
def departures():
    """The coming departures of every line with weight and volume booked against capacity."""
    board = line_service.departure_board(quotes.current_time())
    return render_template("admin/departures.html", board=board, days=line_service.BOARD_DAYS)


# ---- exchange rates ---------------------------------------------------------------------

@bp.route("/rates", methods=["GET", "POST"])
def rates():
    """Today's exchange rates: units of each currency for one CNY."""
    form = RateForm()
    if form.validate_on_submit():
        today = quotes.current_time().date()
        admin_service.set_rate(form.currency.data, Decimal(_entered(form.rate.data)), today, current_user.id)
        flash(_("Rate saved for %(currency)s.", currency=form.currency.data), "success")
        return redirect(url_for("admin.rates"), 303)
    return render_template("admin/rates.html", form=form, latest=pricing.latest_rates(),
                           history=admin_service.rate_history()), (400 if form.errors else 200)


# ---- duty rules -------------------------------------------------------------------------

@bp.get("/duty-rules")
def duty_rules():
    """The destinations' duty-free thresholds and duty rates."""
    return render_template("admin/duty_rules.html", rules=admin_service.duty_rules())


@bp.route("/duty-rules/<country>", methods=["GET", "POST"])
def duty_rule_edit(country: str):
    """Edit one destination's threshold, currency, rate and period."""
    rule = admin_service.get_duty_rule(country)
    if rule is None:
        abort(404)
    # A client that does not send the newer fields (basis, start day) keeps their values.
    form = DutyRuleForm(data={"basis": rule.basis, "valid_from": rule.valid_from})
    if request.method == "GET":
        form.threshold.data = rule.threshold
        form.currency.data = rule.currency
        form.rate_percent.data = (Decimal(rule.rate) * 100).normalize()
        form.per.data = rule.per
    elif form.validate_on_submit():
        changed = admin_service.update_duty_rule(rule.country, {
            "threshold": form.threshold.data, "currency": form.currency.data,
            "rate": (Decimal(_entered(form.rate_percent.data)) / 100).quantize(Decimal("0.0001")),
            "per": form.per.data, "basis": form.basis.data, "valid_from": form.valid_from.data,
        }, current_user.id)
        _saved(changed)
        return redirect(url_for("admin.duty_rules"), 303)
    return render_template("admin/duty_rule_edit.html", rule=rule, form=form,
                           country_name=country_name(rule.country, current_language())), \
        (400 if form.errors else 200)


# ---- accounts ---------------------------------------------------------------------------

@bp.get("/users")
def users():
    """Every account with its role."""
    people = admin_service.users()
    forms = {}
    for person in people:
        form = RoleForm(formdata=None)
        form.role.data = person.role
        forms[person.id] = form
    return render_template("admin/users.html", users=people, forms=forms)


@bp.post("/users/<int:user_id>/role")
def user_role(user_id: int):
    """Give an account another role (never your own)."""
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a role from the list."), "error")
        return redirect(url_for("admin.users"), 303)
    try:
        changed = admin_service.change_role(user_id, form.role.data, current_user.id)
    except admin_service.CannotDemoteYourself:
        flash(_("You cannot change your own role: ask another administrator."), "error")
    except admin_service.MerchantRoleNeedsMerchant:
        flash(_("Only an account tied to a merchant can have the merchant role."), "error")
    except admin_service.NotFound:
        abort(404)
    else:
        _saved(changed)
    return redirect(url_for("admin.users"), 303)


@bp.get("/audit")
def audit():
    """The newest changes made in the back office."""
    return render_template("admin/audit.html", entries=admin_service.recent_audit())


# ---- the outbox --------------------------------------------------------------------------

OUTBOX_STATUS_NAMES = {"pending": _l("Waiting"), "retrying": _l("Retrying"), "failed": _l("Failed"),
                       "sent": _l("Sent")}


@bp.get("/outbox")
def outbox():
    """Every e-mail the shop wrote: status, attempts, last error; failed and sent ones can be resent."""
    status = request.args.get("status")
    status = status if status in outbox_service.STATUSES else None
    page = request.args.get("page", "1")
    page_number = int(page) if page.isascii() and page.isdigit() and 0 < len(page) < 6 else 1
    rows, total = outbox_service.messages(status=status, page=page_number, per_page=OUTBOX_PAGE)
    return render_template("admin/outbox.html", rows=[(m, outbox_service.status_of(m)) for m in rows],
                           total=total, page=page_number, pages=max(1, -(-total // OUTBOX_PAGE)), status=status,
                           status_names=OUTBOX_STATUS_NAMES, action_form=ActionForm())


OUTBOX_PAGE = 50


@bp.post("/outbox/<int:message_id>/resend")
def outbox_resend(message_id: int):
    """Queue a failed or sent e-mail again."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        outbox_service.resend(message_id, current_user.id)
    except LookupError:
        abort(404)
    except outbox_service.NotResendable:
        flash(_("This e-mail is still on its way: there is nothing to resend."), "warning")
    else:
        outbox_service.deliver_quietly()
        flash(_("The e-mail is queued again."), "success")
    return redirect(url_for("admin.outbox", status=request.args.get("status") or None), 303)


# ---- bonded stock ---------------------------------------------------------------------------

@bp.get("/bonded-stock")
def bonded_stock():
    """The bonded-stock reconciliation: every customs entry and its lots, from the stock ledger."""
    return bonded_stock_views.page("admin/bonded_stock.html", None)


@bp.get("/bonded-stock.csv")
def bonded_stock_csv():
    """The reconciliation as CSV, a row per lot."""
    return bonded_stock_views.csv_download(None, "bonded-stock")


@bp.get("/bonded-stock.pdf")
def bonded_stock_pdf():
    """The reconciliation as a PDF for customs."""
    return bonded_stock_views.pdf_download(None, "bonded-stock", _("Every merchant"))

"""Order desk views: the list of orders with filters, search and pages, its CSV export, one order with its
timeline and notes, and cancelling. Thin: parse, call shop.services.order_desk, word its refusals."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from shop.domain.orders import IllegalTransition
from shop.services import csv_export, order_desk, ordering, payments
from shop.web.desk import bp
from shop.web.desk.words import CUSTOMS_STATUS, PAYMENT_STATUS, SORT_NAMES, event_text, refusal
from shop.web.fulfilment.words import status_name, template_helpers


@bp.context_processor
def _helpers():
    return {**template_helpers(), "payment_status": lambda c: status_name(PAYMENT_STATUS, c),
            "customs_status": lambda c: status_name(CUSTOMS_STATUS, c), "event_text": event_text,
            "sort_names": SORT_NAMES}


def _detail_or_404(number: str) -> order_desk.OrderDetail:
    try:
        return order_desk.order_detail(number)
    except order_desk.OrderNotFound:
        abort(404)


@bp.get("")
def orders():
    """Every order, narrowed by the filters and the search in the URL, a page at a time."""
    filters = order_desk.filters_from(request.args)
    sort = order_desk.sort_from(request.args.get("sort"))
    found = order_desk.search_orders(filters, sort, order_desk.page_from(request.args.get("page")),
                                     per_page=order_desk.PER_PAGE)
    params = filters.as_params()
    return render_template("desk/orders.html", found=found, filters=filters, params=params, sort=sort,
                           choices=order_desk.filter_choices(), sorts=order_desk.SORTS)


@bp.get("/export.csv")
def export():
    """The orders the filters select, as CSV, streamed while they are read."""
    filters = order_desk.filters_from(request.args)
    sort = order_desk.sort_from(request.args.get("sort"))
    body = csv_export.stream_csv(order_desk.EXPORT_COLUMNS, order_desk.export_rows(filters, sort))
    return Response(stream_with_context(body), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="orders.csv"'})


@bp.get("/<number>")
def order(number: str):
    """One order: what was bought, payments, parcels, notes and the timeline of every change."""
    return render_template("desk/order.html", order=_detail_or_404(number), note_max=order_desk.NOTE_MAX)


@bp.post("/<number>/notes")
def add_note(number: str):
    """Keep a note on the order for the other staff."""
    try:
        order_desk.add_note(number, current_user.id, request.form.get("body") or "")
    except order_desk.OrderNotFound:
        abort(404)
    except order_desk.NoteRefused as refused:
        flash(refusal(refused), "error")
    else:
        flash(_("Note kept."), "success")
    return redirect(url_for("desk.order", number=number), 303)


@bp.post("/<number>/cancel")
def cancel(number: str):
    """Cancel the order: its stock goes back to the lots and a payment made is refunded."""
    try:
        payments.cancel_order(number, current_user)
    except (ordering.OrderNotFound, order_desk.OrderNotFound):
        abort(404)
    except (ordering.CannotCancel, IllegalTransition, payments.PaymentError) as refused:
        flash(refusal(refused), "error")
    else:
        flash(_("Order %(number)s is cancelled.", number=number), "success")
    return redirect(url_for("desk.order", number=number), 303)

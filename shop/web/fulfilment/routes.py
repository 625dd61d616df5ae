"""Fulfilment desk views: the departure board, waves and pick lists, picking, packing, shipping, delivery and
the printed documents. Thin: parse, call shop.services.fulfilment, word its refusals for the staff member."""
from __future__ import annotations

from contextlib import contextmanager

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from shop.domain.orders import IllegalTransition
from shop.i18n import BABEL_LOCALE, LANGUAGES, OFFICE_LANG_COOKIE, current_language
from shop.services import documents, ordering, payments
from shop.services import fulfilment as desk
from shop.web.fulfilment import bp
from shop.web.fulfilment.words import refusal, template_helpers
from shop.web.redirects import local_path, switch_language


@bp.context_processor
def _helpers():
    return template_helpers()


def _back(default: str):
    """Redirect after a form: to the page it came from (a path on this site), else `default`."""
    return redirect(local_path(request.form.get("next"), default), 303)


def _act(default: str, action, *args):
    """Run a desk action: a 404 when what it names is not there; a refused step is said in a
    translated message and the desk goes back to `default` (or the form's `next`)."""
    try:
        return action(*args)
    except desk.NotFound:
        abort(404)
    except (desk.FulfilmentError, IllegalTransition) as refused:
        flash(refusal(refused), "error")
        abort(_back(default))


@contextmanager
def _in_language(lang: str):
    """Render a document in `lang` whatever language the desk is read in."""
    previous = g.lang
    g.lang = lang
    try:
        with force_locale(BABEL_LOCALE[lang]):
            yield
    finally:
        g.lang = previous


def _document(template: str, filename: str, fmt: str, lang: str, **context):
    """A document as a printable HTML page or as a PDF, in `lang`."""
    with _in_language(lang):
        html = render_template(template, for_pdf=fmt == "pdf", doc_lang=lang, doc_endpoint=request.endpoint,
                               doc_args={k: v for k, v in (request.view_args or {}).items() if k != "fmt"},
                               **context)
    if fmt != "pdf":
        return html
    return Response(documents.render_pdf(html), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}.pdf"'})


def _download(body: str, filename: str, mimetype: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# ---- the desk -------------------------------------------------------------------------------

@bp.get("/")
def index():
    """The desk's front page: departures with work on them, per express line, and the open waves."""
    return render_template("fulfilment/index.html", board=desk.board(), waves=desk.open_waves())


@bp.get("/language/<code>")
def language(code: str):
    """Read the desk (and print its documents) in another language, remembered in the language cookie."""
    return switch_language(code, request.args.get("next"), url_for("fulfilment.index"),
                           cookie=OFFICE_LANG_COOKIE)


@bp.get("/find")
def find():
    """Go to an order by its number or by a parcel's waybill number (what a scanner types)."""
    query = (request.args.get("q") or "").strip()
    order = desk.find(query) if query else None
    if order is None:
        if query:
            flash(_("No order or waybill %(query)s.", query=query[:40]), "warning")
        return redirect(url_for("fulfilment.index"), 303)
    return redirect(url_for("fulfilment.order", number=order.number), 303)


# ---- departures and waves ----------------------------------------------------------------------

@bp.get("/departures/<int:departure_id>")
def departure(departure_id: int):
    """One departure: its parcels and their progress, the manifest, shipping and deliveries."""
    try:
        found = desk.get_departure(departure_id)
    except desk.NotFound:
        abort(404)
    return render_template("fulfilment/departure.html", departure=found,
                           shipments=desk.departure_shipments(departure_id),
                           wave=desk.wave_for_departure(departure_id))


@bp.post("/departures/<int:departure_id>/wave")
def build_wave(departure_id: int):
    """Build the departure's wave (or add the orders that became ready since)."""
    built = _act(url_for("fulfilment.index"), desk.build_wave, departure_id, current_user.id)
    if built.created:
        flash(ngettext("Wave built: %(num)d order to pick.", "Wave built: %(num)d orders to pick.", built.added),
              "success")
    elif built.added:
        flash(ngettext("%(num)d more order added to the wave.", "%(num)d more orders added to the wave.",
                       built.added), "success")
    else:
        flash(_("The wave already holds every paid order of this departure: nothing changed."), "warning")
    return redirect(url_for("fulfilment.wave", wave_id=built.wave_id), 303)


@bp.get("/waves/<int:wave_id>")
def wave(wave_id: int):
    """A wave at work: the walk, the totes, and the buttons to confirm picking and packing."""
    try:
        pick_list = desk.pick_list(wave_id, current_language())
    except desk.NotFound:
        abort(404)
    return render_template("fulfilment/wave.html", pick_list=pick_list)


@bp.get("/waves/<int:wave_id>/pick-list", defaults={"fmt": "html"})
@bp.get("/waves/<int:wave_id>/pick-list.<any(pdf):fmt>")
def pick_list(wave_id: int, fmt: str):
    """The printed pick list, in the staff member's language: bins in walking order, then the totes."""
    lang = current_language()
    try:
        found = desk.pick_list(wave_id, lang)
    except desk.NotFound:
        abort(404)
    return _document("fulfilment/documents/pick_list.html", f"pick-list-wave-{wave_id}-{lang}", fmt, lang,
                     pick_list=found)


@bp.post("/waves/<int:wave_id>/orders/<number>/picked")
def confirm_picked(wave_id: int, number: str):
    """The picker confirms the order's tote holds everything: the ledger records the pick."""
    default = url_for("fulfilment.wave", wave_id=wave_id)
    picked = _act(default, desk.confirm_picked, wave_id, number, current_user.id)
    if picked.already:
        flash(_("Order %(number)s was already picked: nothing changed.", number=number), "warning")
    else:
        flash(_("Order %(number)s picked: its stock has left the shelves.", number=number), "success")
    return _back(default)


@bp.post("/waves/<int:wave_id>/orders/<number>/packed")
def packed(wave_id: int, number: str):
    """The parcel is closed: it gets its waybill number, and the order is packed once all its parcels are."""
    default = url_for("fulfilment.wave", wave_id=wave_id)
    result = _act(default, desk.pack, wave_id, number, current_user.id)
    if result.already:
        flash(_("Order %(number)s was already packed: nothing changed.", number=number), "warning")
    else:
        flash(_("Order %(number)s packed, waybill %(waybill)s.", number=number, waybill=result.waybill), "success")
    return _back(default)


@bp.post("/departures/<int:departure_id>/ship")
def ship(departure_id: int):
    """The departure leaves: its packed parcels are shipped."""
    default = url_for("fulfilment.departure", departure_id=departure_id)
    shipped = _act(default, desk.ship_departure, departure_id, current_user.id)
    if shipped.parcels:
        flash(ngettext("%(num)d parcel shipped.", "%(num)d parcels shipped.", shipped.parcels), "success")
    else:
        flash(_("No packed parcel is waiting for this departure: nothing changed."), "warning")
    if shipped.left_behind:
        flash(ngettext("%(num)d parcel was not packed and missed this departure.",
                       "%(num)d parcels were not packed and missed this departure.", shipped.left_behind),
              "warning")
    return _back(default)


@bp.get("/departures/<int:departure_id>/manifest", defaults={"fmt": "html"})
@bp.get("/departures/<int:departure_id>/manifest.<any(pdf, csv):fmt>")
def manifest(departure_id: int, fmt: str):
    """The departure manifest: each parcel with waybill, HS codes, origins, weight and declared value in CNY."""
    try:
        found = desk.manifest(departure_id)
    except desk.NotFound:
        abort(404)
    stamp = desk.aware(found.departure.departs_at).strftime("%Y%m%d-%H%M")
    name = f"manifest-{found.departure.line.code}-{stamp}"
    if fmt == "csv":
        return _download(documents.to_csv(desk.MANIFEST_COLUMNS, found.rows()), f"{name}.csv",
                         "text/csv; charset=utf-8")
    lang = current_language()
    return _document("fulfilment/documents/manifest.html", f"{name}-{lang}", fmt, lang, manifest=found)


# ---- orders and their documents --------------------------------------------------------------

@bp.get("/orders/<number>")
def order(number: str):
    """One order as the desk sees it: shipments, waybills, documents, delivery."""
    try:
        found = desk.get_order(number)
    except desk.NotFound:
        abort(404)
    return render_template("fulfilment/order.html", order=found, payment_issues=payments.payment_issues(number),
                           minor_to_amount=payments.from_stripe_amount)


@bp.post("/orders/<number>/refunds/retry")
def retry_refunds(number: str):
    """Try the order's failed refunds again, now."""
    default = url_for("fulfilment.order", number=number)
    try:
        result = payments.retry_refunds_of(number, current_user._get_current_object())
    except ordering.OrderNotFound:
        abort(404)
    if result.refunded:
        flash(ngettext("%(num)d refund went through.", "%(num)d refunds went through.", result.refunded), "success")
    elif result.tried:
        flash(_("The refund failed again; it stays on the order for another try."), "error")
    else:
        flash(_("No failed refund is waiting on this order: nothing changed."), "warning")
    return _back(default)


@bp.post("/orders/<number>/delivered")
def delivered(number: str):
    """Record that the buyer received the order (cash on delivery: the cash was collected)."""
    default = url_for("fulfilment.order", number=number)
    result = _act(default, desk.record_delivery, number, current_user._get_current_object())
    if result.already:
        flash(_("The delivery of order %(number)s was already recorded: nothing changed.", number=number),
              "warning")
    elif result.cash_collected:
        flash(_("Delivery of order %(number)s recorded, and its cash payment with it.", number=number), "success")
    else:
        flash(_("Delivery of order %(number)s recorded.", number=number), "success")
    return _back(default)


@bp.get("/shipments/<int:shipment_id>/packing-slip", defaults={"fmt": "html"})
@bp.get("/shipments/<int:shipment_id>/packing-slip.<any(pdf):fmt>")
def packing_slip(shipment_id: int, fmt: str):
    """The packing slip that travels in the parcel: in the buyer's language unless ?lang= says otherwise."""
    try:
        shipment = desk.get_shipment(shipment_id)
    except desk.NotFound:
        abort(404)
    asked = request.args.get("lang")
    lang = asked if asked in LANGUAGES else (shipment.order.lang if shipment.order.lang in LANGUAGES else "en")
    return _document("fulfilment/documents/packing_slip.html", f"packing-slip-{shipment.order.number}-{lang}",
                     fmt, lang, shipment=shipment, order=shipment.order)


@bp.get("/shipments/<int:shipment_id>/label", defaults={"fmt": "html"})
@bp.get("/shipments/<int:shipment_id>/label.<any(pdf):fmt>")
def label(shipment_id: int, fmt: str):
    """The parcel label: waybill barcode, the address in its own script and in Latin letters, line, departure."""
    try:
        shipment = desk.label_shipment(shipment_id)
    except desk.NotFound:
        abort(404)
    except desk.FulfilmentError as refused:
        flash(refusal(refused), "error")
        return redirect(url_for("fulfilment.order", number=desk.get_shipment(shipment_id).order.number), 303)
    lang = current_language()
    return _document("fulfilment/documents/label.html", f"label-{shipment.waybill}-{lang}", fmt, lang,
                     shipment=shipment, order=shipment.order, crosses_border=desk.crosses_border(shipment.order))


@bp.get("/orders/<number>/customs", defaults={"fmt": "html"})
@bp.get("/orders/<number>/customs.<any(pdf, json):fmt>")
def customs(number: str, fmt: str):
    """The three documents for customs of an import order: order, payment and waybill records."""
    try:
        found = desk.customs_order(number)
    except desk.NotFound:
        abort(404)
    except desk.FulfilmentError as refused:
        flash(refusal(refused), "error")
        return redirect(url_for("fulfilment.order", number=number), 303)
    lang = current_language()
    records = desk.customs_records(found, documents.mask_id_number(found.id_number), lang)
    if fmt == "json":
        return _download(documents.to_json(records), f"customs-{found.number}.json", "application/json")
    return _document("fulfilment/documents/customs.html", f"customs-{found.number}-{lang}", fmt, lang,
                     order=found, records=records)

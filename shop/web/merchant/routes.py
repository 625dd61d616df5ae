"""Merchant portal views: dashboard, listings and their translations, bonded lots and their ledger,
orders holding the merchant's goods, CSV import and API tokens. Merchant accounts only, each
seeing only their own data: another merchant's listing, lot or order is a 404."""
from __future__ import annotations

from decimal import Decimal

from flask import Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import format_datetime, format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from shop.domain.orders import OrderStatus
from shop.i18n import LANGUAGES, OFFICE_LANG_COOKIE, current_language
from shop.services import csv_export, figures, order_desk, photos
from shop.services import listings as listing_service
from shop.services import merchant as merchant_service
from shop.web import bonded_stock as bonded_stock_views
from shop.web import figures as figure_charts
from shop.web.desk.words import PAYMENT_STATUS, SORT_NAMES
from shop.web.labels import ORDER_STATUS, label
from shop.web.media import PORTAL_FILES, queue_renditions
from shop.web.merchant import bp
from shop.web.merchant.forms import (
    FLAG_NAMES,
    LANG_LABELS,
    STATUS_NAMES,
    TAX_CLASS_NAMES,
    ActionForm,
    AdjustForm,
    ImportForm,
    ListingForm,
    LotForm,
    PhotoUploadForm,
    StatusForm,
    TokenForm,
)
from shop.web.redirects import switch_language
from shop.web.roles import role_required
from shop.web.words import country_name

PER_PAGE = 25
ORDER_STATUSES = tuple(status.value for status in OrderStatus)
AUDIT_NAMES = {
    "lot.receive": lambda: _("Received"), "lot.adjust": lambda: _("Quantity adjusted"),
    "lot.customs_status": lambda: _("Customs status changed"), "lot.move": lambda: _("Moved to another bin"),
}
MOVE_NAMES = {
    "intake": lambda: _("Intake"), "reserve": lambda: _("Reserved for an order"),
    "release": lambda: _("Reservation released"), "pick": lambda: _("Picked"), "adjust": lambda: _("Adjustment"),
    "return": lambda: _("Returned"),
}


@bp.before_request
@role_required("merchant")
def _merchants_only():
    """Every portal page: anonymous visitors sign in first; other accounts get 403."""
    return None


@bp.context_processor
def _helpers():
    return {"flag_names": FLAG_NAMES, "status_names": STATUS_NAMES, "tax_class_names": TAX_CLASS_NAMES,
            "lang_labels": LANG_LABELS, "portal_languages": LANGUAGES, "country_name": country_name,
            "order_status": lambda s: label(ORDER_STATUS, s),
            "move_name": lambda k: MOVE_NAMES.get(k, lambda: k)(),
            "audit_name": lambda a: AUDIT_NAMES.get(a, lambda: a)(), "format_datetime": format_datetime,
            "format_decimal": format_decimal, "merchant": getattr(current_user, "merchant", None),
            "product_name": _product_name, "lines_value": _lines_value}


def _lines_value(lines) -> Decimal:
    return sum((line.unit_price_cny * line.quantity for line in lines), Decimal("0"))


def _product_name(product) -> str:
    text = product.text(current_language())
    return text.name if text else product.sku


def _merchant_id() -> int:
    return current_user.merchant_id


def _page() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 100_000 else 1


def _listing_or_404(sku: str):
    product = merchant_service.get_listing(_merchant_id(), sku)
    if product is None:
        abort(404)
    return product


def _lot_or_404(lot_id: int):
    lot = merchant_service.get_lot(_merchant_id(), lot_id)
    if lot is None:
        abort(404)
    return lot


@bp.get("/language/<code>")
def language(code: str):
    """Read the portal in another language (remembered in the language cookie)."""
    target = request.args.get("next") or ""
    return switch_language(code, target if target.startswith("/merchant/") else None, url_for("merchant.index"),
                           cookie=OFFICE_LANG_COOKIE)


@bp.get("/")
def index():
    """The dashboard: counts, sales per day, top listings, days of stock cover, lots expiring, recent orders."""
    today = listing_service.today()
    found = figures.merchant_figures(_merchant_id(), today, current_language())
    return render_template("merchant/index.html", board=merchant_service.dashboard(_merchant_id(), today),
                           low_stock=merchant_service.LOW_STOCK, figures=found,
                           charts={"sales": figure_charts.sales_chart(found.sales, own=True),
                                   "top": figure_charts.top_listing_chart(found.top)})


# ---- bonded-stock reconciliation ------------------------------------------------------------

@bp.get("/bonded-stock")
def bonded_stock():
    """The merchant's own customs entries and lots, reconciled with the stock ledger."""
    return bonded_stock_views.page("merchant/bonded_stock.html", _merchant_id())


@bp.get("/bonded-stock.csv")
def bonded_stock_csv():
    return bonded_stock_views.csv_download(_merchant_id(), "bonded-stock")


@bp.get("/bonded-stock.pdf")
def bonded_stock_pdf():
    merchant = current_user.merchant
    return bonded_stock_views.pdf_download(_merchant_id(), "bonded-stock",
                                           merchant.display_name(current_language()) if merchant else "")


# ---- listings -------------------------------------------------------------------------------

@bp.get("/listings")
def listings():
    """The merchant's listings with stock, searchable by SKU or name in any language."""
    q = (request.args.get("q") or "").strip()[:100]
    found = merchant_service.listing_page(_merchant_id(), q, _page(), PER_PAGE)
    return render_template("merchant/listings.html", found=found, q=q)


def _listing_page(form: ListingForm, product=None, status: int = 200, upload: PhotoUploadForm | None = None,
                  photo_errors: list[str] | None = None):
    lang = current_language()
    shown = [(image, photos.picture(image, lang)) for image in product.images] if product is not None else []
    return render_template("merchant/listing_form.html", form=form, product=product, photo_rows=shown,
                           upload_form=upload or PhotoUploadForm(formdata=None), action_form=ActionForm(),
                           photo_errors=photo_errors or [], max_photos=photos.MAX_IMAGES,
                           portal_files=PORTAL_FILES), status


def _save(form: ListingForm, *, create: bool):
    if form.draft is None:  # the form's validate() sets it whenever the form is valid
        return None
    try:
        product, created, changed = merchant_service.save_listing(
            _merchant_id(), form.draft, current_user.id, create=create)
    except merchant_service.SkuTaken as error:
        form.sku.errors.append(_("You already have a listing with this SKU.") if error.yours
                               else _("This SKU is already used by another merchant."))
        return None
    except merchant_service.NotFound:
        form.category.errors.append(_("Choose a category from the list."))
        return None
    except merchant_service.VariantRefused as refused:
        form[refused.field].errors.append(str(refused.message))
        return None
    if created:
        flash(_("Listing %(sku)s created. Now receive its first lot.", sku=product.sku), "success")
        return redirect(url_for("merchant.lots", sku=product.sku), 303)
    flash(_("Saved.") if changed else _("Nothing changed."), "success" if changed else "warning")
    return redirect(url_for("merchant.listing_edit", sku=product.sku), 303)


@bp.route("/listings/new", methods=["GET", "POST"])
def listing_new():
    """Create a listing with its texts in English, Chinese, Russian and Urdu."""
    form = ListingForm()
    if form.validate_on_submit():
        done = _save(form, create=True)
        if done is not None:
            return done
    return _listing_page(form, status=400 if form.errors else 200)


@bp.route("/listings/<sku>/edit", methods=["GET", "POST"])
def listing_edit(sku: str):
    """Edit one of the merchant's listings (its SKU stays)."""
    product = _listing_or_404(sku)
    form = ListingForm(fixed_sku=product.sku)
    if request.method == "GET":
        form.fill(listing_service.listing_values(product))
    elif form.validate_on_submit():
        done = _save(form, create=False)
        if done is not None:
            return done
    return _listing_page(form, product, 400 if form.errors else 200)


# ---- photos ---------------------------------------------------------------------------------

def _edit_page_again(sku: str, upload: PhotoUploadForm | None = None, errors: list[str] | None = None):
    """The edit page shown again with what the photo forms said, as a 400."""
    product = _listing_or_404(sku)
    form = ListingForm(formdata=None, fixed_sku=product.sku)
    form.fill(listing_service.listing_values(product))
    return _listing_page(form, product, 400, upload=upload, photo_errors=errors)


def _photos_saved(sku: str):
    return redirect(url_for("merchant.listing_edit", sku=sku, _anchor="photos"), 303)


@bp.post("/listings/<sku>/images")
def listing_images_upload(sku: str):
    """Add photos to a listing, several at once, all or none (each checked by its content)."""
    product = _listing_or_404(sku)
    form = PhotoUploadForm()
    if not form.validate_on_submit():
        return _edit_page_again(product.sku, form)
    files = [f for f in form.files.data if f]
    if len(files) > PORTAL_FILES:
        return _edit_page_again(product.sku, form, [_("Upload at most %(num)d photos at a time.", num=PORTAL_FILES)])
    uploads = [(f.stream.read(photos.MAX_BYTES + 1), form.alts()) for f in files]
    try:
        made = photos.add_images(_merchant_id(), product.sku, uploads, current_user.id)
    except photos.ListingNotFound:
        abort(404)
    except photos.ImageRejected as error:
        return _edit_page_again(product.sku, form, [str(photos.rejection_text(error))])
    queue_renditions(image.id for image in made)
    flash(ngettext("%(num)d photo added.", "%(num)d photos added.", len(made)), "success")
    return _photos_saved(product.sku)


def _position(raw: str | None) -> int | None:
    text = (raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 4 else None


@bp.post("/listings/<sku>/images/arrange")
def listing_images_arrange(sku: str):
    """Save the photos' order (a number per photo, 1 shown first) and their alt texts."""
    product = _listing_or_404(sku)
    if not ActionForm().validate_on_submit():
        abort(400)
    images = list(product.images)
    wanted = {}
    for turn, image in enumerate(images, start=1):
        position = _position(request.form.get(f"position-{image.id}"))
        if position is None:
            return _edit_page_again(product.sku, errors=[
                _("Give each photo's place as a whole number (1 is shown first).")])
        wanted[image.id] = (position, turn)
    order = sorted(wanted, key=lambda image_id: wanted[image_id])
    alts = {image.id: {lang: request.form.get(f"alt_{lang}-{image.id}", "") for lang in LANGUAGES} for image in images}
    try:
        changed = photos.arrange_images(_merchant_id(), product.sku, order, alts, current_user.id)
    except (photos.ListingNotFound, photos.ImageNotFound):
        abort(404)
    except photos.ImageRejected as error:
        return _edit_page_again(product.sku, errors=[str(error.message)])
    flash(_("Photos saved.") if changed else _("Nothing changed."), "success" if changed else "warning")
    return _photos_saved(product.sku)


@bp.post("/listings/<sku>/images/<int:image_id>/delete")
def listing_image_delete(sku: str, image_id: int):
    """Take one photo off a listing."""
    product = _listing_or_404(sku)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        photos.delete_image(_merchant_id(), product.sku, image_id, current_user.id)
    except (photos.ListingNotFound, photos.ImageNotFound):
        abort(404)
    flash(_("Photo deleted."), "success")
    return _photos_saved(product.sku)


# ---- lots -----------------------------------------------------------------------------------

def _lots_page(product, form: LotForm, status: int = 200):
    lots = sorted(product.lots, key=lambda lot: (lot.expiry is None, lot.expiry or 0, lot.id))
    return render_template("merchant/lots.html", product=product, lots=lots, form=form,
                           today=listing_service.today()), status


@bp.route("/listings/<sku>/lots", methods=["GET", "POST"])
def lots(sku: str):
    """A listing's bonded lots, and receiving a new one (an intake in the ledger)."""
    product = _listing_or_404(sku)
    form = LotForm()
    if form.validate_on_submit() and form.draft is not None:  # validate() sets the draft when valid
        try:
            lot = merchant_service.receive_lot(_merchant_id(), product.sku, form.draft, current_user.id)
        except merchant_service.LotNumberTaken:
            form.lot_number.errors.append(_("This lot number is already in use."))
        else:
            flash(_("Lot %(lot)s received: %(quantity)d units.", lot=lot.lot_number, quantity=lot.on_hand),
                  "success")
            return redirect(url_for("merchant.lots", sku=product.sku), 303)
    return _lots_page(product, form, 400 if form.errors else 200)


def _lot_page(lot, adjust: AdjustForm | None = None, status_form: StatusForm | None = None, status: int = 200):
    status_form = status_form or StatusForm(formdata=None, customs_status=lot.customs_status)
    rows = merchant_service.ledger(lot)
    return render_template(
        "merchant/lot.html", lot=lot, product=lot.product, rows=rows,
        totals=merchant_service.ledger_totals(lot.id), history=merchant_service.lot_history(lot),
        adjust_form=adjust or AdjustForm(formdata=None), status_form=status_form), status


@bp.get("/lots/<int:lot_id>")
def lot(lot_id: int):
    """One lot: its ledger, on hand as the ledger sums it, and the forms to adjust it."""
    return _lot_page(_lot_or_404(lot_id))


@bp.post("/lots/<int:lot_id>/adjust")
def lot_adjust(lot_id: int):
    """Count a lot up or down with a reason; never below what orders have reserved."""
    found = _lot_or_404(lot_id)
    form = AdjustForm()
    if form.validate_on_submit():
        try:
            merchant_service.adjust_lot(_merchant_id(), found.id, form.units, form.reason.data.strip(),
                                        current_user.id)
        except merchant_service.BelowReserved as error:
            form.change.errors.append(_(
                "Orders have reserved %(reserved)d of the %(on_hand)d units: the lot cannot go below %(reserved)d.",
                reserved=error.reserved, on_hand=error.on_hand))
        except merchant_service.NotFound:
            abort(404)
        else:
            flash(_("Stock adjusted."), "success")
            return redirect(url_for("merchant.lot", lot_id=found.id), 303)
    return _lot_page(_lot_or_404(lot_id), adjust=form, status=400)


@bp.post("/lots/<int:lot_id>/status")
def lot_status(lot_id: int):
    """Mark a lot bonded, released or quarantined."""
    found = _lot_or_404(lot_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            changed = merchant_service.set_customs_status(_merchant_id(), found.id, form.customs_status.data,
                                                          current_user.id, (form.note.data or "").strip())
        except merchant_service.NotFound:
            abort(404)
        flash(_("Customs status changed.") if changed else _("Nothing changed."),
              "success" if changed else "warning")
        return redirect(url_for("merchant.lot", lot_id=found.id), 303)
    return _lot_page(found, status_form=form, status=400)


# ---- orders ---------------------------------------------------------------------------------

@bp.get("/orders")
def orders():
    """Orders holding the merchant's goods (only their lines), with the order desk's filters, search and sorts."""
    filters = order_desk.filters_from(request.args)
    sort = order_desk.sort_from(request.args.get("sort"))
    found = merchant_service.orders_matching(_merchant_id(), filters, sort, _page(), PER_PAGE)
    return render_template("merchant/orders.html", found=found, filters=filters, params=filters.as_params(),
                           sort=sort, sorts=order_desk.SORTS, sort_names=SORT_NAMES,
                           choices=order_desk.merchant_filter_choices(_merchant_id()),
                           payment_status=lambda code: label(PAYMENT_STATUS, code))


@bp.get("/orders/export.csv")
def orders_export():
    """The filtered orders as CSV (own lines only, no buyer contact details), streamed while read."""
    filters = order_desk.filters_from(request.args)
    sort = order_desk.sort_from(request.args.get("sort"))
    body = csv_export.stream_csv(merchant_service.ORDER_EXPORT_COLUMNS,
                                 merchant_service.order_export_rows(_merchant_id(), filters, sort))
    return Response(stream_with_context(body), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="orders.csv"'})


@bp.get("/orders/<number>")
def order(number: str):
    """One order: its status, destination and the merchant's lines (not the buyer's contact details)."""
    found = merchant_service.order_of(_merchant_id(), number[:24])
    if found is None:
        abort(404)
    return render_template("merchant/order.html", order=found[0], lines=found[1])


# ---- CSV import -----------------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
def import_listings():
    """Upload a CSV of listings and lots: every row is checked, then all are saved or none."""
    errors, more = [], False
    request.max_content_length = listing_service.MAX_BYTES + 64 * 1024
    try:
        form = ImportForm()
        submitted = form.validate_on_submit()
    except RequestEntityTooLarge:
        form = ImportForm(formdata=None)
        form.file.errors = [_("The file is larger than %(mb)d MB: split it into smaller files.",
                              mb=listing_service.MAX_BYTES // (1024 * 1024))]
        return render_template("merchant/import.html", form=form, errors=[], more=False,
                               columns=listing_service.COLUMNS, optional=listing_service.OPTIONAL_COLUMNS,
                               max_rows=listing_service.MAX_ROWS,
                               max_mb=listing_service.MAX_BYTES // (1024 * 1024)), 413
    if submitted:
        data = form.file.data.read(listing_service.MAX_BYTES + 1)
        try:
            result = listing_service.import_listings_csv(data, current_user.merchant.slug, user_id=current_user.id)
        except listing_service.ListingImportError as error:
            errors, more = error.errors, error.more
        else:
            flash(_("Imported: %(created)d new listings, %(updated)d updated, %(unchanged)d unchanged; "
                    "%(lots)d lots received.", created=result.created, updated=result.updated,
                    unchanged=result.unchanged, lots=result.lots), "success")
            return redirect(url_for("merchant.listings"), 303)
    status = 400 if (form.errors or errors) else 200
    return render_template("merchant/import.html", form=form, errors=errors, more=more,
                           columns=listing_service.COLUMNS, optional=listing_service.OPTIONAL_COLUMNS,
                           max_rows=listing_service.MAX_ROWS, max_mb=listing_service.MAX_BYTES // (1024 * 1024)), status


@bp.get("/import/template.csv")
def import_template():
    """A CSV with the header row and one example listing."""
    return Response("\ufeff" + listing_service.template_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=listings-template.csv"})


# ---- API tokens -----------------------------------------------------------------------------

def _tokens_page(form: TokenForm, secret: str | None = None, status: int = 200):
    return render_template("merchant/tokens.html", form=form, tokens=merchant_service.tokens_of(_merchant_id()),
                           action_form=ActionForm(), secret=secret), status


@bp.route("/tokens", methods=["GET", "POST"])
def tokens():
    """The merchant's API tokens; a new one is shown once, then only its hash is kept."""
    form = TokenForm()
    if form.validate_on_submit():
        _token, secret = merchant_service.create_token(current_user, form.name.data.strip())
        response = _tokens_page(TokenForm(formdata=None), secret)
        return response
    return _tokens_page(form, status=400 if form.errors else 200)


@bp.after_request
def _no_store(response):
    # A page that shows a new token must not be kept by the browser or a proxy.
    if request.endpoint == "merchant.tokens":
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/tokens/<int:token_id>/revoke")
def token_revoke(token_id: int):
    """Stop a token working at once."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        changed = merchant_service.revoke_token(_merchant_id(), token_id, current_user.id)
    except merchant_service.NotFound:
        abort(404)
    flash(_("Token revoked.") if changed else _("Nothing changed."), "success" if changed else "warning")
    return redirect(url_for("merchant.tokens"), 303)


"""Storefront views: thin parsing and rendering over shop.services."""
import re
from decimal import Decimal

import sqlalchemy as sa
from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from shop.domain import money
from shop.extensions import db
from shop.i18n import LANG_COOKIE, LANGUAGES, OFFICE_LANG_COOKIE, current_language, is_office_path, negotiated_language
from shop.services import cart as carts
from shop.services import catalogue, pricing, search
from shop.web import discount_codes
from shop.web.context import CURRENCY_COOKIE, buyer_context, keep_cart
from shop.web.redirects import local_path, switch_language
from shop.web.storefront import bp, root_bp
from shop.web.storefront.page_cache import cached_page
from shop.web.storefront.promise import product_promise
from shop.web.storefront.variant_choice import variant_choice

MAX_PAGE = 10_000
_ORIGIN = re.compile(r"^[A-Za-z]{2}$")


@root_bp.get("/")
def index():
    """Send the buyer to their language: cookie, then Accept-Language, then English."""
    return redirect(url_for("storefront.home", lang=negotiated_language()), 302)


@root_bp.get("/language/<code>")
def language(code: str):
    """Read pages without a language prefix in another language (kept in the language cookie)."""
    target = request.args.get("next")
    cookie = OFFICE_LANG_COOKIE if is_office_path(target) else LANG_COOKIE
    return switch_language(code, target, url_for("storefront.home", lang=code), cookie=cookie)


@root_bp.get("/healthz")
def healthz():
    """200 when the database answers, with the worker's last heartbeat and the queue's length."""
    from shop.worker import worker_health
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:  # the database is down or unreachable: say so, do not raise
        db.session.rollback()
        return jsonify({"status": "error", "database": "unavailable", **worker_health()}), 503
    return jsonify({"status": "ok", "database": "ok", **worker_health()})


@bp.after_request
def remember_language(response):
    """Remember the language the buyer is reading in, for their next visit to /."""
    lang = current_language()
    if lang in LANGUAGES and request.cookies.get(LANG_COOKIE) != lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Lax")
    return response


def _line_name(line: carts.CartLine) -> str:
    """The product's name on a cart line, in the page's language (its SKU when it has no text)."""
    text = line.product.text(current_language())
    return isolate(text.name if text is not None else line.product.sku)


def _back(default: str) -> str:
    """Where a form asked to return to: a path on this site only, never an open redirect."""
    return local_path(request.form.get("next"), default)


@bp.get("/")
@cached_page
def home():
    """Home: categories, featured and newly arrived listings, shop by origin."""
    tree = catalogue.category_nodes(buyer_context().memo)
    featured = catalogue.featured(8)
    newest = catalogue.newest(8, exclude=tuple(p.id for p in featured))
    stock = catalogue.stock_available(p.id for p in featured + newest)
    return render_template("storefront/home.html", tree=tree, featured=featured, newest=newest, stock=stock,
                           origins=catalogue.origin_counts())


def _price_arg(name: str) -> Decimal | None:
    """A price bound typed in the buyer's currency; anything that is not one is ignored."""
    raw = (request.args.get(name) or "").strip().replace(",", ".")[:20]
    if not raw:
        return None
    try:
        amount = money.parse_amount(raw)
    except money.InvalidAmount:
        return None
    return amount if amount <= catalogue.MAX_PRICE else None


def _listing_args() -> dict:
    """The listing's query string, checked: a malformed page or origin is a 404; a price,
    stock or sort choice that means nothing is ignored."""
    raw_page = request.args.get("page", "1")
    if not (raw_page.isascii() and raw_page.isdigit()) or not 0 < int(raw_page[:6]) <= MAX_PAGE:
        abort(404)
    origins = list(dict.fromkeys(o.strip().upper() for o in request.args.getlist("origin") if o.strip()))
    if any(not _ORIGIN.match(o) for o in origins):
        abort(404)
    categories = list(dict.fromkeys(c.strip()[:64] for c in request.args.getlist("category") if c.strip()))
    low, high = _price_arg("min_price"), _price_arg("max_price")
    if low is not None and high is not None and low > high:
        low, high = high, low
    return {
        "q": " ".join((request.args.get("q") or "").split())[:search.MAX_QUERY],
        "categories": categories[:catalogue.MAX_FILTER_VALUES],
        "origins": origins[:catalogue.MAX_FILTER_VALUES],
        "min_price": low,
        "max_price": high,
        "in_stock": request.args.get("in_stock") == "1",
        "sort": catalogue.sort_name(request.args.get("sort")) or "relevance",
        "page": int(raw_page),
    }


def _link_args(args: dict) -> dict:
    """The choices as query-string values, for links that keep them (pages, suggestions)."""
    out: dict = {}
    for key in ("q", "categories", "origins"):
        if args[key]:
            out[{"categories": "category", "origins": "origin"}.get(key, key)] = args[key]
    for key in ("min_price", "max_price"):
        if args[key] is not None:
            out[key] = f"{args[key]:f}"
    if args["in_stock"]:
        out["in_stock"] = "1"
    if args["sort"] != "relevance":
        out["sort"] = args["sort"]
    return out


@bp.get("/products")
@cached_page
def products():
    """Listing with search, facets (category, origin, price, in stock) and sort, paginated."""
    lang = current_language()
    args = _listing_args()
    ctx = buyer_context()
    filters = catalogue.Filters(q=args["q"], categories=tuple(args["categories"]), origins=tuple(args["origins"]),
                                min_price=args["min_price"], max_price=args["max_price"], currency=ctx.currency,
                                in_stock=args["in_stock"])
    try:
        result = catalogue.listing(lang=lang, filters=filters, sort=args["sort"], page=args["page"],
                                   per_page=current_app.config["PER_PAGE"], memo=ctx.memo, facets=True)
    except catalogue.UnknownCategory:
        abort(404)
    if args["page"] > result.page.pages:
        abort(404)
    nothing = bool(args["q"]) and not result.page.total
    return render_template("storefront/products.html", result=result, args=args, link_args=_link_args(args),
                           tree=catalogue.category_nodes(ctx.memo), currency=ctx.currency,
                           suggestions=search.suggestions(args["q"], lang) if nothing else [],
                           did_you_mean=search.did_you_mean(args["q"], lang) if nothing else None,
                           sorts=catalogue.SORTS)


@bp.get("/products/<slug>")
@cached_page
def product(slug: str):
    """A product page: facts, price, stock, the delivery promise and the add-to-cart form."""
    lang = current_language()
    found = catalogue.get_by_slug(slug[:200], lang)
    if found is None:
        abort(404)
    text = found.text(lang)
    if text is None:  # a product with no text in any language has no page
        abort(404)
    if text.slug != slug:
        return redirect(url_for(".product", slug=text.slug), 301)
    ctx = buyer_context()
    return render_template(
        "storefront/product.html", product=found, text=text, tree=catalogue.category_nodes(ctx.memo),
        stock=catalogue.stock_available([found.id])[found.id], related=catalogue.related(found),
        promise=product_promise(found, ctx), choice=variant_choice(found, ctx),
    )


def isolate(text: str) -> str:
    """Plain text kept in its own direction inside a message (Unicode first-strong isolate),
    so a Latin name or a number stays in order in an Urdu sentence."""
    return f"\u2068{text}\u2069"


def cart_error_message(error: carts.CartError) -> str:
    """A cart rule the buyer broke, said in their language."""
    if isinstance(error, carts.UnknownProduct):
        return _("That product is not on sale. Nothing was changed.")
    if isinstance(error, carts.QuantityLimit):
        if error.room <= 0:
            return _("Your cart already holds 99 of this product, the most one order can take.")
        return ngettext("You can add only %(num)d more of this product: 99 is the most one order can take.",
                        "You can add only %(num)d more of this product: 99 is the most one order can take.",
                        error.room)
    if isinstance(error, carts.NotEnoughStock):
        if error.available <= 0:
            return _("Sorry, this product is out of stock.")
        if error.in_cart:
            return ngettext("Only %(num)d is available and your cart already holds %(in_cart)d.",
                            "Only %(num)d are available and your cart already holds %(in_cart)d.",
                            error.available, in_cart=error.in_cart)
        return ngettext("Only %(num)d is available. Please choose a smaller quantity.",
                        "Only %(num)d are available. Please choose a smaller quantity.", error.available)
    if isinstance(error, carts.CartFull):
        return _("Your cart is full. Please order what it holds, or remove something first.")
    return _("Please enter a quantity from 1 to 99.")


@bp.route("/cart", methods=["GET", "POST"])
def cart():
    """The cart; POST `sku` and `quantity` adds to it."""
    if request.method == "POST":
        try:
            quantity = carts.parse_quantity(request.form.get("quantity"))
            line = keep_cart(carts.add_to_cart(buyer_context(), request.form.get("sku", ""), quantity)).line
        except carts.CartError as error:
            flash(cart_error_message(error), "error")
            return redirect(_back(url_for(".cart")), 303)
        if line is not None:  # adding always leaves the product's line
            flash(ngettext("Added %(num)d × %(name)s to your cart.", "Added %(num)d × %(name)s to your cart.",
                           quantity, name=_line_name(line)), "success")
        return redirect(url_for(".cart"), 303)
    ctx = buyer_context()
    lines = carts.cart_lines(ctx)
    stock = catalogue.stock_available(line.product.id for line in lines)
    total_cny = sum((line.subtotal_cny for line in lines), start=Decimal(0))
    discount = discount_codes.try_code(discount_codes.kept_code(), [(line.product, line.quantity) for line in lines])
    return render_template("storefront/cart.html", lines=lines, stock=stock, total_cny=total_cny,
                           tree=catalogue.category_nodes(ctx.memo), discount=discount)


@bp.app_template_global("discount_kind")
def discount_kind(applied) -> str:
    """What a discount code gives, in words (for every page that shows a discount line)."""
    return discount_codes.kind_text(applied)


@bp.post("/cart/discount")
def cart_discount():
    """Apply the discount code in field `discount_code` (or take it off with `remove`); a code that
    cannot be used is refused with its reason and changes nothing."""
    if "remove" in request.form:
        discount_codes.keep_code("")
        flash(_("The discount code is taken off."), "success")
        return redirect(url_for(".cart"), 303)
    typed = discount_codes.typed_code(request.form.get("discount_code"))
    lines = carts.cart_lines(buyer_context())
    tried = discount_codes.try_code(typed, [(line.product, line.quantity) for line in lines])
    if tried is None:
        flash(_("Please enter a discount code."), "error")
    elif tried.applied is None:
        flash(tried.refusal or "", "error")
    else:
        discount_codes.keep_code(tried.applied.code)
        flash(_("Discount code %(code)s applied.", code=tried.applied.code), "success")
    return redirect(url_for(".cart"), 303)


@bp.post("/cart/update")
def cart_update():
    """Change how many of one product the cart holds."""
    try:
        quantity = carts.parse_quantity(request.form.get("quantity"))
        line = keep_cart(carts.set_quantity(buyer_context(), request.form.get("sku", ""), quantity)).line
    except carts.CartError as error:
        flash(cart_error_message(error), "error")
    else:
        if line is not None:  # a quantity of 1 to 99 always leaves the product's line
            flash(_("%(name)s: quantity changed to %(num)d.", name=_line_name(line), num=line.quantity), "success")
    return redirect(url_for(".cart"), 303)


@bp.post("/cart/remove")
def cart_remove():
    """Take one product out of the cart."""
    if keep_cart(carts.remove(buyer_context(), request.form.get("sku", ""))).changed:
        flash(_("Removed from your cart."), "success")
    return redirect(url_for(".cart"), 303)


@bp.post("/currency")
def currency():
    """Show prices in another currency from now on (remembered in a cookie)."""
    code = (request.form.get("currency") or "").strip().upper()
    response = redirect(_back(url_for(".home")), 303)
    if code not in pricing.offered_currencies(pricing.latest_rates(buyer_context().memo)):
        flash(_("Prices cannot be shown in that currency."), "error")
        return response
    response.set_cookie(CURRENCY_COOKIE, code, max_age=365 * 86400, samesite="Lax")
    return response

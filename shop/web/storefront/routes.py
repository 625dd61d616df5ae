"""Storefront views."""
import sqlalchemy as sa
from flask import current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from shop.extensions import db
from shop.i18n import LANG_COOKIE, LANGUAGES, current_language, negotiated_language
from shop.models import Category, Product
from shop.services import catalogue, search
from shop.web.storefront import bp, root_bp


@root_bp.get("/")
def index():
    """Send the buyer to their language: cookie, then Accept-Language, then English."""
    return redirect(url_for("storefront.home", lang=negotiated_language()), 302)


@root_bp.get("/healthz")
def healthz():
    """200 when the database answers."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:  # the database is down or unreachable: say so, do not raise
        db.session.rollback()
        return jsonify({"status": "unavailable"}), 503
    return jsonify({"status": "ok"})


@bp.after_request
def remember_language(response):
    """Remember the language the buyer is reading in, for their next visit to /."""
    lang = current_language()
    if lang in LANGUAGES and request.cookies.get(LANG_COOKIE) != lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Lax")
    return response


@bp.get("/")
def home():
    """Home: categories, featured and newly arrived listings."""
    lang = current_language()
    categories = list(db.session.scalars(
        sa.select(Category).where(Category.parent_id.is_(None)).order_by(Category.position, Category.id)
    ))
    featured = list(db.session.scalars(catalogue.with_details(
        catalogue.product_query().where(Product.featured.is_(True)).order_by(Product.id).limit(8)
    )))
    return render_template("storefront/home.html", categories=categories, featured=featured, lang=lang)


@bp.get("/products")
def products():
    """Listing with search, category and origin filters, paginated."""
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    q = (request.args.get("q") or "").strip()[:search.MAX_QUERY]
    ids = search.search_product_ids(q) if q else None
    stmt = catalogue.product_query(category=request.args.get("category") or None,
                                   origin=request.args.get("origin") or None, product_ids=ids)
    result = (catalogue.paginate(stmt, page, current_app.config["PER_PAGE"]) if stmt is not None
              else catalogue.Page([], 1, 1, 0, current_app.config["PER_PAGE"]))
    return render_template("storefront/products.html", result=result, q=q)


@bp.get("/products/<slug>")
def product(slug: str):
    """A product page."""
    found = catalogue.get_by_slug(slug, current_language())
    if found is None:
        from flask import abort
        abort(404)
    stock = catalogue.stock_available([found.id])[found.id]
    return render_template("storefront/product.html", product=found, stock=stock)


@bp.route("/cart", methods=["GET", "POST"])
def cart():
    """The cart (placeholder until the cart lands)."""
    return render_template("storefront/cart.html")

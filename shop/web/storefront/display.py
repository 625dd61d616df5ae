"""How the storefront says catalogue facts in the buyer's language: countries, weights,
goods flags, stock, prices and pictures. Registered as Jinja globals by the blueprint."""
from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path

from babel import Locale
from babel.numbers import format_decimal, get_currency_name
from babel.units import format_unit
from flask import Flask, current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup

from shop.i18n import BABEL_LOCALE, HTML_LANG, LANGUAGE_NAMES, current_language
from shop.services import cart, catalogue, photos, pricing
from shop.web import words as place_words
from shop.web.context import buyer_context
from shop.web.storefront import page_cache
from shop.web.templating import money

STATIC = Path(__file__).resolve().parent.parent.parent / "static"
LOW_STOCK = 10

# What each goods flag means for the buyer, in plain words (routing refuses these on air).
FLAG_TEXT = {
    "liquid": _l("Liquid: cannot travel by air"),
    "aerosol": _l("Aerosol: cannot travel by air"),
    "perfume": _l("Perfume: cannot travel by air"),
    "battery": _l("Contains a lithium battery: cannot travel by air"),
    "perishable": _l("Perishable: keeps for a limited time"),
    "fragile": _l("Fragile: packed with extra care"),
}

# Pictures drawn for each kind of goods, chosen by words in the category's slug (the nearest
# category first, then its parents): a scarf is under textiles and shows a scarf, not soap.
PLACEHOLDERS = (
    ("bread", ("bread", "bak", "lepesh", "lieba", "naan", "pastry", "flour")),
    ("sweets", ("sweet", "confection", "chocolate", "candy", "halva", "biscuit", "cookie", "dessert")),
    ("tea", ("tea", "coffee")),
    ("honey", ("honey", "jam", "preserve", "spread")),
    ("nuts", ("nut", "dried", "fruit", "apricot", "raisin", "snack", "seed")),
    ("dairy", ("dairy", "milk", "cheese", "kurt", "kumis")),
    ("pantry", ("pantry", "rice", "grain", "oil", "cereal", "groat", "pasta", "noodle")),
    ("drinks", ("drink", "juice", "water", "beverage", "sauce")),
    ("spices", ("spice", "season", "herb", "salt")),
    ("perfume", ("perfume", "fragrance", "attar", "scent")),
    ("haircare", ("hair", "body", "shampoo", "shav", "deodor")),
    ("skincare", ("skin", "cream", "face", "lotion")),
    ("cosmetics", ("cosmetic", "beauty", "care", "soap", "hygiene")),
    ("electronics", ("electronic", "gadget", "phone", "charger", "battery", "cable")),
    ("textiles", ("textile", "craft", "fabric", "silk", "rug", "carpet", "scarf", "felt", "cloth")),
    ("kitchen", ("kitchen", "tableware", "ceramic", "porcelain", "cookware", "dish")),
    ("household", ("house", "home", "daily", "clean", "toy")),
    ("grocery", ("food", "grocer", "staple", "meat", "fish", "can")),
)


def locale() -> str:
    return BABEL_LOCALE[current_language()]


def country_name(code: str) -> str:
    """A country named in the page's language."""
    return place_words.country_name(code, current_language())


def currency_name(code: str) -> str:
    name = get_currency_name(code, locale=locale())
    return name[:1].upper() + name[1:]


def weight(grams: int) -> str:
    if grams < 1000:
        return format_unit(grams, "mass-gram", length="short", locale=locale())
    kilograms = (Decimal(grams) / 1000).normalize()
    return format_unit(kilograms, "mass-kilogram", length="short", locale=locale())


def dimensions(product) -> str:
    def cm(mm: int) -> str:
        return format_decimal((Decimal(mm) / 10).normalize(), locale=locale())
    return _("%(length)s × %(width)s × %(height)s cm", length=cm(product.length_mm), width=cm(product.width_mm),
             height=cm(product.height_mm))


def flag_texts(product) -> list[str]:
    return [str(FLAG_TEXT[f]) for f in sorted(product.goods_flags or []) if f in FLAG_TEXT]


def stock_state(available: int) -> tuple[str, str]:
    """(kind, words) for a stock level: in, low or out."""
    if available <= 0:
        return "out", _("Out of stock")
    if available < LOW_STOCK:
        return "low", ngettext("Only %(num)d left", "Only %(num)d left", available)
    return "in", _("In stock")


format_money = money


def display_price(amount_cny) -> pricing.DisplayPrice:
    """A CNY price in the buyer's currency, with what the page needs to show beside it."""
    ctx = buyer_context()
    return pricing.display_price(amount_cny, ctx.currency, pricing.latest_rates(ctx.memo))


def language_name(code: str) -> str:
    """A language named in the page's language ('английский' on a Russian page)."""
    return Locale.parse(locale()).languages.get(code) or LANGUAGE_NAMES.get(code, code)


def isolated(text: str) -> Markup:
    """Text the buyer typed, kept in its own direction inside a sentence (<bdi>)."""
    return Markup("<bdi>{}</bdi>").format(text)


def text_lang(code: str) -> str:
    """The lang attribute for content written in `code` (zh is Simplified Chinese)."""
    return HTML_LANG.get(code, code)


@functools.lru_cache(maxsize=1)
def _photos() -> dict[str, str]:
    """Product photos shipped under static/products/, by lower-case SKU."""
    folder = STATIC / "products"
    if not folder.is_dir():
        return {}
    return {p.stem.lower(): p.name for p in folder.iterdir() if p.suffix.lower() in (".webp", ".jpg", ".png")}


def placeholder_kind(category) -> str:
    """The drawing for a category: the first of it and its ancestors whose slug says what it holds."""
    if category is None:
        return "parcel"
    tree = catalogue.category_nodes(buyer_context().memo)
    known = tree.by_id.get(category.id)
    chain = reversed(tree.path(known)) if known is not None else [category]
    for slug in (c.slug.lower() for c in chain):
        for kind, words in PLACEHOLDERS:
            if any(word in slug for word in words):
                return kind
    return "parcel"


def product_image(product, category=None) -> dict:
    """The product's picture for an <img>: its first photo (with the renditions as srcset, the
    others under `more`), else a photo shipped under static/products/, else the drawing for its
    kind. `width` and `height` are the picture's own, so the page keeps its place while it loads."""
    if product.images:
        text = product.text(current_language())
        shown = photos.pictures(product, current_language(), fallback_alt=text.name if text else product.sku)
        first = shown[0]
        return {"src": first.src, "srcset": first.srcset, "width": first.width, "height": first.height,
                "alt": first.alt, "photo": True, "more": shown[1:]}
    photo = _photos().get(product.sku.lower())
    if photo:
        return {"src": url_for("static", filename=f"products/{photo}"), "srcset": "", "width": 640, "height": 480,
                "alt": "", "photo": True, "more": []}
    kind = placeholder_kind(category or product.category)
    return {"src": url_for("static", filename=f"img/goods/{kind}.svg"), "srcset": "", "width": 320, "height": 240,
            "alt": "", "photo": False, "more": [], "kind": kind}


def product_image_url(product) -> str | None:
    """The absolute address of the product's first photo, or None (for Open Graph and feeds)."""
    return photos.first_image_url(product)


def checkout_url() -> str:
    """The checkout page's address: /<lang>/checkout in the contract, whichever view serves it."""
    lang = current_language()
    for rule in current_app.url_map.iter_rules():
        if rule.rule == "/<lang:lang>/checkout":
            return url_for(rule.endpoint, lang=lang)
    return f"/{lang}/checkout"


def register(app: Flask) -> None:
    """Make the storefront's display functions and header facts available to every template."""
    app.jinja_env.globals.update(
        country_name=country_name, currency_name=currency_name, weight=weight, dimensions=dimensions,
        flag_texts=flag_texts, stock_state=stock_state, display_price=display_price, format_money=format_money,
        isolated=isolated,
        text_lang=text_lang,
        product_image=product_image, product_image_kind=placeholder_kind, product_image_url=product_image_url,
        checkout_url=checkout_url, language_name=language_name,
    )

    @app.context_processor
    def header_facts():
        facts = {"csrf_token": lambda: page_cache.PLACEHOLDER} if page_cache.rendering_for_cache() else {}
        return facts | {
            "cart_count": lambda: cart.cart_count(buyer_context()),
            "buyer_currency": lambda: buyer_context().currency,
            "offered_currencies": lambda: pricing.offered_currencies(pricing.latest_rates(buyer_context().memo)),
        }

"""What search engines and link previews read: /sitemap.xml, /robots.txt, /favicon.ico, and
the structured data (JSON-LD) and Open Graph facts of pages. Every address is absolute on
SHOP_BASE_URL, never on the request's Host."""
from __future__ import annotations

import math
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import quoteattr

from flask import Flask, Response, abort, current_app, send_from_directory, url_for

from shop.i18n import LANGUAGES, current_language
from shop.services import catalogue, ports, pricing
from shop.web.context import buyer_context
from shop.web.storefront import root_bp
from shop.web.templating import absolute

PRODUCTS_PER_SITEMAP = 10_000  # four addresses each: under the 50,000 a sitemap file may hold
HREFLANG = {"zh": "zh-Hans"}
OG_LOCALE = {"en": "en_US", "zh": "zh_CN", "ru": "ru_RU", "ur": "ur_PK"}
SITEMAP_NS = ('xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
              'xmlns:xhtml="http://www.w3.org/1999/xhtml"')


def _base() -> str:
    return ports.settings().base_url


def _product_path(lang: str, slug: str) -> str:
    return f"/{lang}/products/{quote(slug, safe='')}"


def _url_element(paths: dict[str, str], lastmod: str | None = None) -> list[str]:
    """One <url> per language of a page, each naming every language's address (and x-default)."""
    base = _base()
    alternates = "".join(
        f"<xhtml:link rel=\"alternate\" hreflang=\"{HREFLANG.get(lang, lang)}\" href={quoteattr(base + path)}/>"
        for lang, path in paths.items())
    alternates += f"<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href={quoteattr(base + paths['en'])}/>"
    modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    return [f"<url><loc>{quoteattr(base + path)[1:-1]}</loc>{modified}{alternates}</url>" for path in paths.values()]


def _xml(body: list[str], root: str) -> Response:
    text = f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} {SITEMAP_NS}>\n' + "\n".join(body) + f"\n</{root}>\n"
    response = Response(text, mimetype="application/xml")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


def _pages() -> list[str]:
    """Home and every category's listing, in every language."""
    urls = _url_element({lang: f"/{lang}/" for lang in LANGUAGES})
    for node in catalogue.category_nodes(buyer_context().memo).by_slug.values():
        urls += _url_element({lang: f"/{lang}/products?category={quote(node.slug, safe='')}" for lang in LANGUAGES})
    return urls


def _products(offset: int) -> list[str]:
    urls: list[str] = []
    for entry in catalogue.sitemap_products(offset, PRODUCTS_PER_SITEMAP):
        urls += _url_element({lang: _product_path(lang, slug) for lang, slug in entry.slugs.items()},
                             entry.updated.isoformat() if entry.updated else None)
    return urls


@root_bp.get("/sitemap.xml")
def sitemap():
    """Every page in every language with its hreflang alternates; an index of parts for a big catalogue."""
    count = catalogue.sitemap_product_count()
    if count <= PRODUCTS_PER_SITEMAP:
        return _xml(_pages() + _products(0), "urlset")
    base = _base()
    parts = [url_for("root.sitemap_part", part="pages")] + [
        url_for("root.sitemap_part", part=f"products-{n + 1}") for n in range(math.ceil(count / PRODUCTS_PER_SITEMAP))]
    return _xml([f"<sitemap><loc>{quoteattr(base + p)[1:-1]}</loc></sitemap>" for p in parts], "sitemapindex")


@root_bp.get("/sitemap-<part>.xml")
def sitemap_part(part: str):
    """One part of a big catalogue's sitemap: the pages, or a block of products."""
    if part == "pages":
        return _xml(_pages(), "urlset")
    number = part.removeprefix("products-")
    if not (part.startswith("products-") and number.isascii() and number.isdigit() and 0 < int(number[:6]) <= 10_000):
        abort(404)
    urls = _products((int(number) - 1) * PRODUCTS_PER_SITEMAP)
    if not urls:
        abort(404)
    return _xml(urls, "urlset")


@root_bp.get("/robots.txt")
def robots():
    """Crawl the catalogue, not carts, checkouts, accounts, back offices or the API."""
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in ("/merchant/", "/admin/", "/fulfilment/", "/api/", "/webhooks/")]
    lines += [f"Disallow: /{lang}/{page}" for lang in LANGUAGES
              for page in ("cart", "checkout", "account", "orders", "login", "register", "logout")]
    lines.append(f"Sitemap: {_base()}/sitemap.xml")
    response = Response("\n".join(lines) + "\n", mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


@root_bp.get("/favicon.ico")
def favicon():
    """The shop's icon, where browsers look for it."""
    return send_from_directory(f"{current_app.static_folder}/img", "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=7 * 86400, conditional=True)


# ---- facts in the page's head ----------------------------------------------------------------

def product_structured_data(product: Any, text: Any, stock: int, image: str) -> list[dict]:
    """JSON-LD for a product page: the Product with its offer (price in the buyer's currency,
    availability) and the BreadcrumbList from the home page through its categories."""
    lang = current_language()
    ctx = buyer_context()
    base = _base()
    page = base + _product_path(lang, text.slug)
    amount = pricing.convert(product.price_cny, ctx.currency, pricing.latest_rates(ctx.memo))
    item: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Product", "name": text.name, "sku": product.sku,
        "description": text.description or text.name, "image": [absolute(image)], "url": page,
        "countryOfOrigin": product.origin_country,
        "offers": {"@type": "Offer", "url": page, "price": f"{amount:f}", "priceCurrency": ctx.currency,
                   "availability": "https://schema.org/" + ("InStock" if stock > 0 else "OutOfStock"),
                   "itemCondition": "https://schema.org/NewCondition"},
    }
    if product.merchant is not None:
        item["brand"] = {"@type": "Organization", "name": product.merchant.name}
    tree = catalogue.category_nodes(ctx.memo)
    crumbs = [("", f"/{lang}/")]
    node = tree.by_id.get(product.category_id)
    for c in (tree.path(node) if node is not None else []):
        crumbs.append((c.text(lang).name, f"/{lang}/products?category={quote(c.slug, safe='')}"))
    crumbs.append((text.name, _product_path(lang, text.slug)))
    return [item, {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": i + 1, "name": name or home_name(), "item": base + path}
        for i, (name, path) in enumerate(crumbs)]}]


def home_name() -> str:
    from flask_babel import gettext as _
    return _("Home")


def register(app: Flask) -> None:
    app.jinja_env.globals.update(product_structured_data=product_structured_data,
                                 og_locale=lambda: OG_LOCALE.get(current_language(), "en_US"))

"""What search engines and link previews read: sitemap, robots.txt, favicon, JSON-LD, Open Graph."""
import json
import re
import xml.etree.ElementTree as ET

import pytest

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def json_ld(html):
    """The page's JSON-LD items, however they are grouped in blocks."""
    items = []
    for block in re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S):
        found = json.loads(block)
        items += found if isinstance(found, list) else [found]
    return items


def test_sitemap_lists_every_product_and_category_in_every_language(shop):
    base = shop.config["SHOP_BASE_URL"]
    response = shop.test_client().get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    urls = {u.find("s:loc", NS).text: u for u in root.findall("s:url", NS)}
    for lang in ("en", "zh", "ru", "ur"):
        assert f"{base}/{lang}/products/alenka-milk-chocolate" in urls
        assert f"{base}/{lang}/products?category=skin-care" in urls
        assert f"{base}/{lang}/" in urls
    assert f"{base}/en/products/withdrawn-chocolate" not in urls  # not on sale
    page = urls[f"{base}/ru/products/alenka-milk-chocolate"]
    alternates = {link.get("hreflang"): link.get("href") for link in page.findall("x:link", NS)}
    assert alternates == {"en": f"{base}/en/products/alenka-milk-chocolate",
                          "zh-Hans": f"{base}/zh/products/alenka-milk-chocolate",
                          "ru": f"{base}/ru/products/alenka-milk-chocolate",
                          "ur": f"{base}/ur/products/alenka-milk-chocolate",
                          "x-default": f"{base}/en/products/alenka-milk-chocolate"}
    assert page.find("s:lastmod", NS).text[:4] == "2026" or page.find("s:lastmod", NS) is not None


def test_sitemap_addresses_come_from_the_shop_address_not_the_host_header(shop):
    response = shop.test_client().get("/sitemap.xml", headers={"Host": "evil.example"})
    assert b"evil.example" not in response.data
    assert shop.config["SHOP_BASE_URL"].encode() in response.data


def test_a_big_catalogue_gets_a_sitemap_index(shop, monkeypatch):
    from shop.web.storefront import seo
    monkeypatch.setattr(seo, "PRODUCTS_PER_SITEMAP", 2)
    client = shop.test_client()
    root = ET.fromstring(client.get("/sitemap.xml").data)
    parts = [s.find("s:loc", NS).text for s in root.findall("s:sitemap", NS)]
    base = shop.config["SHOP_BASE_URL"]
    assert parts == [f"{base}/sitemap-pages.xml", f"{base}/sitemap-products-1.xml",
                     f"{base}/sitemap-products-2.xml", f"{base}/sitemap-products-3.xml"]
    seen = set()
    for part in parts:
        response = client.get(part.removeprefix(base))
        assert response.status_code == 200
        seen |= {u.find("s:loc", NS).text for u in ET.fromstring(response.data).findall("s:url", NS)}
    assert sum("/en/products/" in u for u in seen) == 5
    for bad in ("/sitemap-products-4.xml", "/sitemap-products-0.xml", "/sitemap-products-x.xml", "/sitemap-x.xml"):
        assert client.get(bad).status_code == 404


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_private_pages(shop):
    response = shop.test_client().get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert f"Sitemap: {shop.config['SHOP_BASE_URL']}/sitemap.xml" in text
    for path in ("/admin/", "/merchant/", "/api/", "/en/checkout", "/ur/cart"):
        assert f"Disallow: {path}" in text


def test_favicon_is_an_icon(shop):
    with shop.test_client().get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.data[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert 'rel="icon"' in shop.test_client().get("/en/").get_data(as_text=True)


@pytest.mark.parametrize(("lang", "currency", "amount"), [("en", "USD", "3.50"), ("ru", "RUB", "312.50")])
def test_product_page_carries_product_and_breadcrumb_json_ld(shop, lang, currency, amount):
    html = shop.test_client().get(f"/{lang}/products/alenka-milk-chocolate").get_data(as_text=True)
    product, crumbs = json_ld(html)
    base = shop.config["SHOP_BASE_URL"]
    assert product["@type"] == "Product" and product["sku"] == "RU-CHOC-1"
    assert product["offers"]["priceCurrency"] == currency and product["offers"]["price"] == amount
    assert product["offers"]["availability"] == "https://schema.org/InStock"
    assert product["image"][0].startswith(base + "/static/")
    assert crumbs["@type"] == "BreadcrumbList"
    items = crumbs["itemListElement"]
    assert [i["position"] for i in items] == [1, 2, 3, 4]
    assert items[-1]["item"] == f"{base}/{lang}/products/alenka-milk-chocolate"
    assert items[1]["item"] == f"{base}/{lang}/products?category=food"


def test_out_of_stock_is_said_in_the_offer(shop):
    html = shop.test_client().get("/en/products/dried-apricots").get_data(as_text=True)
    assert json_ld(html)[0]["offers"]["availability"] == "https://schema.org/OutOfStock"


def test_json_ld_cannot_be_broken_out_of(shop):
    import sqlalchemy as sa

    from shop.extensions import db
    from shop.models import ProductTranslation
    with shop.app_context():
        text = db.session.scalar(sa.select(ProductTranslation).where(ProductTranslation.slug == "dried-apricots",
                                                                     ProductTranslation.lang == "en"))
        text.name = "</script><script>alert(1)</script>"
        db.session.commit()
    html = shop.test_client().get("/en/products/dried-apricots").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert json_ld(html)[0]["name"] == "</script><script>alert(1)</script>"


def test_open_graph_names_the_page_its_picture_and_language(shop):
    html = shop.test_client().get("/ur/products/alenka-milk-chocolate").get_data(as_text=True)
    og = dict(re.findall(r'<meta property="og:([a-z_]+)" content="([^"]*)"', html))
    assert og["type"] == "product" and og["locale"] == "ur_PK"
    assert og["url"] == f"{shop.config['SHOP_BASE_URL']}/ur/products/alenka-milk-chocolate"
    assert og["image"].startswith(shop.config["SHOP_BASE_URL"] + "/static/")
    assert "الیونکا" in og["title"]
    home = dict(re.findall(r'<meta property="og:([a-z_]+)" content="([^"]*)"',
                           shop.test_client().get("/en/").get_data(as_text=True)))
    assert home["type"] == "website"


def test_canonical_keeps_every_chosen_filter(shop):
    html = shop.test_client().get("/en/products?category=bread&category=sweets").get_data(as_text=True)
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
    assert canonical.endswith("/en/products?category=bread&amp;category=sweets") or \
        canonical.endswith("/en/products?category=bread&category=sweets")

"""Findable and readable: titles, descriptions, alternates, translations, right-to-left CSS."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["/{lang}/", "/{lang}/products", "/{lang}/products?category=sweets", "/{lang}/products?q=chocolate",
         "/{lang}/products/alenka-milk-chocolate", "/{lang}/cart"]


def head(html):
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1).strip()
    return title, description


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_its_own_title_description_and_alternates(shop, path):
    client = shop.test_client()
    seen = {}
    for lang in ("en", "zh", "ru", "ur"):
        html = client.get(path.format(lang=lang)).get_data(as_text=True)
        title, description = head(html)
        assert title and len(description) > 10
        seen[lang] = (title, description)
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
        base = shop.config["SHOP_BASE_URL"]  # never the request's Host
        assert canonical.startswith(f"{base}/{lang}/")
        alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', html))
        assert set(alternates) == {"en", "zh-Hans", "ru", "ur", "x-default"}
        assert alternates["ur"].startswith(f"{base}/ur/")
    assert len({t for t, _ in seen.values()}) == 4  # a title per language
    assert len({d for _, d in seen.values()}) == 4


def test_titles_differ_between_pages(shop):
    client = shop.test_client()
    titles = {head(client.get(p.format(lang="en")).get_data(as_text=True))[0] for p in PAGES}
    assert len(titles) == len(PAGES)


def test_product_description_is_the_meta_description(shop):
    html = shop.test_client().get("/ru/products/alenka-milk-chocolate").get_data(as_text=True)
    assert head(html)[1] == "Классическая плитка молочного шоколада, 100 г."


def _storefront_msgids():
    """Every message the storefront shows, with whether it has a plural."""
    from babel.messages.extract import extract_from_dir
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = {}
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT / "shop", method_map=method_map, keywords=keywords):
        if not (filename.startswith(("templates/storefront/", "web/storefront/")) or filename == "templates/base.html"):
            continue
        if filename.endswith("_delivery_promise.html"):
            continue
        found[message[0] if isinstance(message, tuple) else message] = isinstance(message, tuple)
    return found


@pytest.mark.parametrize("lang", ["zh", "ru", "ur"])
def test_every_storefront_string_is_translated_with_its_plural_forms(lang):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=lang)
    missing, singular_only = [], []
    for msgid, plural in _storefront_msgids().items():
        message = catalog.get(msgid)
        if message is None or not (message.string if isinstance(message.string, str) else all(message.string)):
            missing.append(msgid)
        elif plural and not isinstance(message.id, tuple):
            singular_only.append(msgid)
    assert missing == []
    assert singular_only == [], "plurals lost at extraction: pybabel needs -k ngettext:1,2"


PHYSICAL = re.compile(r"(?<![-\w])(margin|padding|border)-(left|right)\b|(?<![-\w])(left|right)\s*:|"
                      r"text-align:\s*(left|right)|float:\s*(left|right)")


def test_stylesheet_uses_logical_properties_only():
    css = (ROOT / "shop" / "static" / "css" / "shop.css").read_text(encoding="utf-8")
    assert PHYSICAL.findall(css) == []
    assert "Noto Nastaliq Urdu" in css and "line-height: 2.2" in css


def test_urdu_page_is_right_to_left_with_isolated_latin(shop):
    html = shop.test_client().get("/ur/products/alenka-milk-chocolate").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl">' in html
    assert '<bdi class="sku">RU-CHOC-1</bdi>' in html
    assert re.search(r'<bdi class="num">[\d.]+</bdi>', html)

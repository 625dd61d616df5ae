"""Every answer carries the security headers; scripts run only with the response's nonce, and a
real Chromium sees no Content-Security-Policy violation on any page, in any language."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NONCE = re.compile(r"'nonce-([^']+)'")


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_pages_carry_the_security_headers(client):
    for path in ("/en/", "/en/login", "/en/no-such-page", "/api/v1/products", "/static/css/shop.css"):
        response = client.get(path)
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=(self)"):
            assert feature in headers["Permissions-Policy"], (path, feature)
        policy = directives(response)
        assert policy["frame-ancestors"] == ["'none'"], path
        assert policy["object-src"] == ["'none'"], path
        assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"], path
        assert any(NONCE.fullmatch(v) for v in policy["script-src"]), path
        assert "Strict-Transport-Security" not in headers, path  # not over plain HTTP in development
        response.close()


def test_each_response_has_its_own_nonce(client):
    first, second = (NONCE.search(client.get("/en/login").headers["Content-Security-Policy"]).group(1)
                     for _ in range(2))
    assert first != second and len(first) >= 16


def test_hsts_in_production_only(database_urls):
    from config import ProductionConfig
    from shop import create_app
    from tests.conftest import _base_config
    config = {**{k: getattr(ProductionConfig, k) for k in dir(ProductionConfig) if k.isupper()},
              "SECRET_KEY": "a-real-secret-for-this-test", "SHOP_BASE_URL": "https://localhost", "SQLALCHEMY_DATABASE_URI": database_urls["sqlite"],
              "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": _base_config()["PASSWORD_HASH_METHOD"]}
    response = create_app(config).test_client().get("/en/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def _product_path(app) -> str:
    import sqlalchemy as sa

    from shop.extensions import db
    from shop.models import ProductTranslation
    with app.app_context():
        slug = db.session.scalar(sa.select(ProductTranslation.slug).where(ProductTranslation.lang == "en")
                                 .order_by(ProductTranslation.id).limit(1))
    return f"/en/products/{slug}"


def test_a_page_from_the_page_cache_carries_the_nonce_of_its_own_response(demo):
    demo.config["STOREFRONT_PAGE_CACHE_SECONDS"] = 30
    client = demo.test_client()
    path = _product_path(demo)
    seen = set()
    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200
        nonce = NONCE.search(response.headers["Content-Security-Policy"]).group(1)
        body = response.get_data(as_text=True)
        script_nonces = set(re.findall(r'<script[^>]*\snonce="([^"]+)"', body))
        assert script_nonces == {nonce}
        assert demo.extensions["csp_nonce_placeholder"] not in body
        seen.add(nonce)
    assert len(seen) == 3


def test_stripe_is_allowed_on_the_payment_page_only(client):
    policy = client.get("/en/").headers["Content-Security-Policy"]
    assert "stripe.com" not in policy


def test_templates_have_no_inline_event_handlers_or_scripts_without_a_nonce():
    for template in (ROOT / "shop/templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {template}"
        assert "javascript:" not in text, template
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert 'nonce="{{ csp_nonce() }}"' in tag, f"{template}: {tag}"


# ---- a real Chromium on every kind of page --------------------------------------------------

LANGS = ("en", "zh", "ru", "ur")
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + e.blockedURI + " at " + e.sourceFile + ":" + e.lineNumber);
});"""


@pytest.fixture(scope="module")
def stripe_demo_shop(tmp_path_factory, localstripe_url):
    """The demo shop with Stripe (localstripe), served on a free port."""
    import threading

    from werkzeug.serving import make_server

    from shop import create_app
    from tests.checkout.conftest import stripe_config
    from tests.conftest import _base_config, _migrate, free_port
    path = tmp_path_factory.mktemp("csp-live") / "live.db"
    url = f"sqlite:///{path}"
    _migrate(url)
    app = create_app({**_base_config(), "SQLALCHEMY_DATABASE_URI": url, "TESTING": False, "WTF_CSRF_ENABLED": True,
                      "STOREFRONT_PAGE_CACHE_SECONDS": 30, **stripe_config(localstripe_url)})
    with app.app_context():
        from shop.services.demo import load_demo
        load_demo()
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()


def _plain_product_slugs(app) -> dict[str, str]:
    """Per language, the slug of an in-stock product no shipping line refuses."""
    import sqlalchemy as sa

    from shop.extensions import db
    from shop.models import Lot, Product
    with app.app_context():
        for product in db.session.scalars(sa.select(Product).where(Product.active.is_(True)).order_by(Product.id)):
            stocked = db.session.scalar(sa.select(sa.func.count()).select_from(Lot).where(Lot.product_id == product.id))
            if not product.goods_flags and stocked:
                slugs = {t.lang: t.slug for t in product.translations}
                if set(LANGS) <= set(slugs):
                    return slugs
    raise AssertionError("the demo has no plain product")


def _sign_in(page, base: str, lang: str, email: str, password: str) -> None:
    page.goto(f"{base}/{lang}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_chromium_sees_no_csp_violation_on_any_page(browser, stripe_demo_shop, lang):
    from shop.demo.accounts import ACCOUNTS
    from shop.i18n import LANG_COOKIE
    base, app = stripe_demo_shop
    buyer = next(a for a in ACCOUNTS if a["role"] == "buyer" and a["lang"] == lang)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": LANG_COOKIE, "value": lang, "url": base},
                         {"name": "office_lang", "value": lang, "url": base}])  # the back office keeps its own
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(f"{page.url}: {message.text}")
            if "CSP violation" in message.text or "Refused to" in message.text else None)
    visited: list[str] = []

    def visit(path: str) -> None:
        response = page.goto(base + path)
        assert "'nonce-" in response.headers.get("content-security-policy", ""), path
        page.wait_for_load_state("networkidle")
        visited.append(path)

    slug = _plain_product_slugs(app)[lang]
    for path in (f"/{lang}/", f"/{lang}/products", f"/{lang}/products/{slug}", f"/{lang}/login",
                 f"/{lang}/register", f"/{lang}/no-such-page"):
        visit(path)
    # The product page again: now from the page cache, with this response's nonce.
    visit(f"/{lang}/products/{slug}")
    _sign_in(page, base, lang, buyer["email"], buyer["password"])
    visit(f"/{lang}/account")
    visit(f"/{lang}/products/{slug}")
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_load_state("networkidle")
    visit(f"/{lang}/cart")
    visit(f"/{lang}/checkout")
    page.fill("#name", "Test Buyer")
    page.select_option("#country", "RU")
    page.fill("#city", "Moscow")
    page.fill("#address", "Tverskaya 7, 12")
    page.fill("#postcode", "125009")
    page.fill("#phone", "+7 912 345-67-89")
    page.wait_for_selector("input[name=line][value='KHG-MOW-TRUCK']")  # the checkout's own script refreshed it
    page.check("input[name=line][value='KHG-MOW-TRUCK']")
    page.check("#pay-stripe")
    page.click("#place-order")
    page.wait_for_url(re.compile(rf"/{lang}/orders/[^/]+/pay$"))
    page.wait_for_selector("#card-element input")  # Stripe.js (localstripe's) ran and drew the card form
    page.wait_for_load_state("networkidle")
    visited.append("pay page")
    number = page.url.split("/orders/")[1].split("/")[0]
    visit(f"/{lang}/orders/{number}")
    visit(f"/{lang}/orders")

    for role, path in (("merchant", "/merchant/"), ("staff", "/fulfilment/"), ("admin", "/admin/")):
        account = next(a for a in ACCOUNTS if a["role"] == role)
        context.clear_cookies()
        context.add_cookies([{"name": LANG_COOKIE, "value": lang, "url": base},
                             {"name": "office_lang", "value": lang, "url": base}])  # the back office's own choice
        _sign_in(page, base, lang, account["email"], account["password"])
        visit(path)
        assert page.get_attribute("html", "lang").startswith("zh" if lang == "zh" else lang), path
    context.close()
    assert len(visited) >= 15
    assert refused == []

"""Checkout fixtures: a small world of products, lots and lines; localstripe in a thread; an app
and a live server with Stripe configured against it."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import threading
import time
from decimal import Decimal

import pytest
import sqlalchemy as sa

from config import TestingConfig
from shop import create_app
from shop.extensions import db

WEBHOOK_SECRET = "whsec_test_kashgar"
PASSWORD = "kashgar-bazaar-2026"
ALL_DAYS = [0, 1, 2, 3, 4, 5, 6]


def base_config() -> dict:
    return {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}


def empty_tables() -> None:
    from tests.conftest import _empty_tables
    _empty_tables()


# ---- the world ---------------------------------------------------------------------------

PRODUCTS = [
    # sku, names (en, zh, ru, ur), tax class, price, weight g, dims mm, flags, lots [(number, qty, expiry days)]
    ("LB-SOFT", ("Lieba bread, soft bag", "列巴（软袋）", "Хлеб «Лиеба», мягкая упаковка", "لیبا روٹی، نرم تھیلا"),
     "food", "18.00", 400, (300, 120, 100), ["perishable"], [("LOT-LB-1", 6, 25), ("LOT-LB-2", 40, 150)]),
    ("CR-ROSE", ("Rose face cream", "玫瑰面霜", "Крем для лица с розой", "گلاب فیس کریم"),
     "cosmetics_high", "128.00", 150, (80, 80, 80), [], [("LOT-CR-1", 50, None)]),
    ("HN-MOUNTAIN", ("Mountain honey", "高山蜂蜜", "Горный мёд", "پہاڑی شہد"),
     "food", "66.00", 600, (100, 100, 120), ["liquid"], [("LOT-HN-1", 30, 400)]),
    ("SF-SAFFRON", ("Saffron threads", "藏红花", "Шафран", "زعفران"),
     "general", "1200.00", 50, (60, 40, 20), [], [("LOT-SF-1", 20, None)]),
    ("LAST-5", ("Kashgar silk scarf", "喀什丝巾", "Кашгарский шёлковый платок", "کاشغر ریشمی اسکارف"),
     "general", "240.00", 120, (200, 150, 20), [], [("LOT-LAST-A", 3, None), ("LOT-LAST-B", 2, None)]),
]

LINES = [
    dict(code="KHG-MOW-TRUCK", mode="truck", names={"en": "Moscow truck", "zh": "莫斯科卡车专线",
         "ru": "Грузовик до Москвы", "ur": "ماسکو ٹرک"}, serves={"RU": []}, transit=(14, 16),
         refused=[], first=(1000, "25.00"), step=(1000, "6.00"), divisor=5000),
    dict(code="KHG-PK-TRUCK", mode="truck", names={"en": "Pakistan truck", "zh": "巴基斯坦卡车专线",
         "ru": "Грузовик в Пакистан", "ur": "پاکستان ٹرک"}, serves={"PK": ["Islamabad", "Lahore", "Karachi"]},
         transit=(7, 9), refused=[], first=(1000, "20.00"), step=(1000, "5.00"), divisor=5000),
    dict(code="KHG-AIR", mode="air", names={"en": "Air express", "zh": "航空快线", "ru": "Авиаэкспресс",
         "ur": "ہوائی ایکسپریس"}, serves={"PK": ["Islamabad"], "KG": ["Bishkek"], "UZ": ["Tashkent"]},
         transit=(2, 4), refused=["liquid", "aerosol", "battery", "perfume"], first=(500, "45.00"),
         step=(500, "15.00"), divisor=6000),
    dict(code="CN-BONDED", mode="express", names={"en": "China bonded express", "zh": "保税区国内快递",
         "ru": "Экспресс по Китаю", "ur": "چین بانڈڈ ایکسپریس"}, serves={"CN": []}, transit=(3, 6),
         refused=[], first=(1000, "12.00"), step=(1000, "4.00"), divisor=5000),
]

RATES = {"USD": "0.14", "RUB": "11.50", "PKR": "39.00", "EUR": "0.13", "KGS": "12.10"}


def seed_world(today: dt.date | None = None) -> dict:
    """A merchant, five products with lots (and their intake in the ledger), four lines, rates."""
    from shop.models import (
        Category,
        CategoryTranslation,
        DutyRule,
        ExchangeRate,
        ExpressLine,
        Lot,
        Merchant,
        Product,
        ProductTranslation,
        StockMove,
    )
    today = today or dt.date.today()
    merchant = Merchant(slug="kashgar-goods", name="Kashgar Goods Co.", display_names={})
    category = Category(slug="goods")
    for lang, name in zip(("en", "zh", "ru", "ur"), ("Goods", "商品", "Товары", "اشیا"), strict=False):
        category.translations.append(CategoryTranslation(lang=lang, name=name))
    db.session.add_all([merchant, category])
    for sku, names, tax_class, price, weight, dims, flags, lots in PRODUCTS:
        product = Product(sku=sku, merchant=merchant, category=category, origin_country="RU", hs_code="190590",
                          tax_class=tax_class, price_cny=Decimal(price), weight_g=weight, length_mm=dims[0],
                          width_mm=dims[1], height_mm=dims[2], goods_flags=flags)
        for lang, name in zip(("en", "zh", "ru", "ur"), names, strict=False):
            product.translations.append(ProductTranslation(lang=lang, name=name, description=name,
                                                           slug=sku.lower()))
        db.session.add(product)
        for number, quantity, days in lots:
            lot = Lot(product=product, lot_number=number, customs_entry="CE-2026-0001", on_hand=quantity,
                      reserved=0, bin="A-01-01", expiry=today + dt.timedelta(days=days) if days else None)
            db.session.add(lot)
            db.session.add(StockMove(lot=lot, kind="intake", on_hand_delta=quantity, note="test intake"))
    for data in LINES:
        db.session.add(ExpressLine(
            code=data["code"], mode=data["mode"], names=data["names"], serves=data["serves"], weekdays=ALL_DAYS,
            cutoff=dt.time(18, 0), transit_days_min=data["transit"][0], transit_days_max=data["transit"][1],
            refused_flags=data["refused"], max_parcel_weight_g=30000, max_parcel_side_mm=1200,
            capacity_kg=Decimal("5000"), capacity_m3=Decimal("40"), first_weight_g=data["first"][0],
            first_price=Decimal(data["first"][1]), step_g=data["step"][0], step_price=Decimal(data["step"][1]),
            volumetric_divisor=data["divisor"]))
    for currency, rate in RATES.items():
        db.session.add(ExchangeRate(currency=currency, rate=Decimal(rate), as_of=today))
    db.session.add(DutyRule(country="RU", threshold=Decimal("200"), currency="EUR", rate=Decimal("0.15")))
    db.session.commit()
    return {p.sku: p.id for p in db.session.scalars(sa.select(Product))}


def make_buyer(email: str = "buyer@example.com", *, lang: str = "en", name: str = "Test Buyer", role="buyer"):
    from shop.models import User
    user = User(email=email, name=name, role=role, preferred_lang=lang)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user.id


def put_in_cart(user_id: int, items: dict[int, int]) -> None:
    from shop.models import CartItem
    for product_id, quantity in items.items():
        db.session.add(CartItem(user_id=user_id, product_id=product_id, quantity=quantity))
    db.session.commit()


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no csrf_token in the page"
    return match.group(1)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html)
    assert match, f"no {name} in the page"
    return match.group(1)


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe would send (t=..,v1=HMAC), made by the stripe library."""
    import stripe
    return stripe.WebhookSignature.generate_signature_header(payload.decode(), secret, timestamp)


def event_payload(event_id: str, kind: str, intent: dict) -> bytes:
    return json.dumps({"id": event_id, "object": "event", "type": kind, "created": int(time.time()),
                       "data": {"object": intent}}).encode()


# ---- localstripe ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def localstripe_url():
    """localstripe on 127.0.0.1 and a free port, in a thread with its own event loop, saving nothing."""
    import localstripe.resources
    import localstripe.server
    running = getattr(localstripe.server, "kashgar_test_url", None)
    if running:  # its app serves one event loop: another package's tests share this server
        yield running
        return
    localstripe.resources.Store.dump_to_disk = lambda self: None
    from aiohttp import web
    from conftest import free_port  # the root conftest (tests/ is on sys.path)
    from localstripe.server import app as stripe_app
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(stripe_app, access_log=None)
    ready = threading.Event()

    def serve():
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(15), "localstripe did not start"
    localstripe.server.kashgar_test_url = f"http://127.0.0.1:{port}"
    yield localstripe.server.kashgar_test_url
    del localstripe.server.kashgar_test_url
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


def stripe_config(localstripe_url: str) -> dict:
    return {"STRIPE_SECRET_KEY": "sk_test_kashgar", "STRIPE_PUBLISHABLE_KEY": "pk_test_kashgar",
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "STRIPE_API_BASE": localstripe_url,
            "STRIPE_JS_URL": f"{localstripe_url}/js.stripe.com/v3/"}


@pytest.fixture
def app(backend, database_urls):
    """An app on an empty, migrated database, without Stripe (cash on delivery only)."""
    app = create_app({**base_config(), "SQLALCHEMY_DATABASE_URI": database_urls[backend]})
    with app.app_context():
        empty_tables()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def stripe_app(backend, database_urls, localstripe_url):
    """An app with Stripe configured against localstripe."""
    app = create_app({**base_config(), "SQLALCHEMY_DATABASE_URI": database_urls[backend],
                      **stripe_config(localstripe_url)})
    with app.app_context():
        empty_tables()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def world(app):
    with app.app_context():
        return seed_world()


@pytest.fixture
def stripe_world(stripe_app):
    with stripe_app.app_context():
        return seed_world()


class Buyer:
    """A signed-in buyer driving the checkout through a test client."""

    def __init__(self, app, client, user_id: int, email: str) -> None:
        self.app, self.client, self.user_id, self.email = app, client, user_id, email

    def sign_in(self, lang: str = "en"):
        page = self.client.get(f"/{lang}/login").get_data(as_text=True)
        response = self.client.post(f"/{lang}/login", data={"email": self.email, "password": PASSWORD,
                                                            "csrf_token": csrf_from(page)})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return self

    def fill_cart(self, items: dict[int, int]):
        with self.app.app_context():
            put_in_cart(self.user_id, items)
        return self

    def checkout_form(self, lang: str = "en") -> tuple[str, dict]:
        response = self.client.get(f"/{lang}/checkout")
        assert response.status_code == 200, response.status_code
        page = response.get_data(as_text=True)
        return page, {"csrf_token": csrf_from(page), "idempotency_key": hidden(page, "idempotency_key")}

    def checkout(self, lang: str = "en", **fields):
        _page, tokens = self.checkout_form(lang)
        data = {"name": "Ivan Petrov", "phone": "+7 912 345-67-89", "country": "RU", "city": "Moscow",
                "address": "ул. Тверская, д. 7, кв. 12", "postcode": "125009", "line": "auto",
                "payment_method": "cod", **tokens}
        data.update({k: v for k, v in fields.items() if v is not None})
        for key in [k for k, v in fields.items() if v is None]:
            data.pop(key, None)
        return self.client.post(f"/{lang}/checkout", data=data), data


def new_buyer(app, email="buyer@example.com", lang="en", role="buyer") -> Buyer:
    with app.app_context():
        user_id = make_buyer(email, lang=lang, role=role)
    return Buyer(app, app.test_client(), user_id, email)


@pytest.fixture
def buyer(app, world):
    return new_buyer(app).sign_in()


@pytest.fixture
def stripe_buyer(stripe_app, stripe_world):
    return new_buyer(stripe_app).sign_in()


# ---- a live shop with Stripe, for Chromium -------------------------------------------------

@pytest.fixture(scope="session")
def stripe_shop(tmp_path_factory, localstripe_url):
    """The shop with the test world and Stripe (localstripe) served on a free port, its webhook
    registered with localstripe."""
    import urllib.parse
    import urllib.request

    from conftest import _migrate, free_port
    from werkzeug.serving import make_server
    path = tmp_path_factory.mktemp("checkout-live") / "live.db"
    url = f"sqlite:///{path}"
    _migrate(url)
    app = create_app({**base_config(), "SQLALCHEMY_DATABASE_URI": url, "TESTING": False, "WTF_CSRF_ENABLED": True,
                      **stripe_config(localstripe_url)})
    with app.app_context():
        seed_world()
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    body = urllib.parse.urlencode({"url": f"{base}/webhooks/stripe", "secret": WEBHOOK_SECRET}).encode()
    urllib.request.urlopen(urllib.request.Request(f"{localstripe_url}/_config/webhooks/shop", data=body), timeout=10)
    yield base, app
    server.shutdown()

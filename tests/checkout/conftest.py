"""Checkout fixtures: a small world of products, lots and lines; localstripe in a thread; an app
and a live server with Stripe configured against it."""
from __future__ import annotations

import datetime as dt
import json
import time
from decimal import Decimal

import pytest
import sqlalchemy as sa

from shop.extensions import db
from tests.support import (  # noqa: F401  (base_config, csrf_from, empty_tables, hidden: for the tests here)
    LANGS,
    add_category,
    add_lot,
    add_merchant,
    add_product,
    add_user,
    app_for,
    base_config,
    csrf_from,
    empty_tables,
    free_port,
    hidden,
    live_shop,
    sign_in,
)

WEBHOOK_SECRET = "whsec_test_kashgar"
PASSWORD = "kashgar-bazaar-2026"
ALL_DAYS = [0, 1, 2, 3, 4, 5, 6]


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
    from shop.models import DutyRule, ExchangeRate, ExpressLine, Product
    today = today or dt.date.today()
    merchant = add_merchant("kashgar-goods", "Kashgar Goods Co.")
    category = add_category("goods", ("Goods", "商品", "Товары", "اشیا"))
    for sku, names, tax_class, price, weight, dims, flags, lots in PRODUCTS:
        product = add_product(sku=sku, merchant=merchant, category=category, names=names, price=price,
                              descriptions=dict(zip(LANGS, names, strict=True)), origin_country="RU",
                              hs_code="190590", tax_class=tax_class, weight_g=weight, length_mm=dims[0],
                              width_mm=dims[1], height_mm=dims[2], goods_flags=flags)
        for number, quantity, days in lots:
            add_lot(product, number, quantity, expiry=today + dt.timedelta(days=days) if days else None,
                    intake_note="test intake")
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
    user_id = add_user(email, PASSWORD, role=role, name=name, lang=lang).id
    db.session.commit()
    return user_id


def put_in_cart(user_id: int, items: dict[int, int]) -> None:
    from shop.models import CartItem
    for product_id, quantity in items.items():
        db.session.add(CartItem(user_id=user_id, product_id=product_id, quantity=quantity))
    db.session.commit()


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe would send (t=..,v1=HMAC), made by the stripe library."""
    import stripe
    return stripe.WebhookSignature.generate_signature_header(payload.decode(), secret, timestamp)


def event_payload(event_id: str, kind: str, intent: dict) -> bytes:
    return json.dumps({"id": event_id, "object": "event", "type": kind, "created": int(time.time()),
                       "data": {"object": intent}}).encode()


# ---- localstripe (the localstripe_url fixture is in tests/conftest.py, shared with tests/security) ----

def stripe_config(localstripe_url: str) -> dict:
    return {"STRIPE_SECRET_KEY": "sk_test_kashgar", "STRIPE_PUBLISHABLE_KEY": "pk_test_kashgar",
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "STRIPE_API_BASE": localstripe_url,
            "STRIPE_JS_URL": f"{localstripe_url}/js.stripe.com/v3/"}


@pytest.fixture
def app(request, backend):
    """An app on an empty, migrated database, without Stripe (cash on delivery only)."""
    yield from app_for(request, backend)


@pytest.fixture
def stripe_app(request, backend, localstripe_url):
    """An app with Stripe configured against localstripe."""
    yield from app_for(request, backend, **stripe_config(localstripe_url))


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
        sign_in(self.client, self.email, PASSWORD, lang)
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

    with live_shop(tmp_path_factory.mktemp("checkout-live") / "live.db", seed_world,
                   **stripe_config(localstripe_url)) as (base, app):
        body = urllib.parse.urlencode({"url": f"{base}/webhooks/stripe", "secret": WEBHOOK_SECRET}).encode()
        urllib.request.urlopen(urllib.request.Request(f"{localstripe_url}/_config/webhooks/shop", data=body),
                               timeout=10)
        yield base, app


@pytest.fixture
def pending(stripe_app, stripe_buyer, stripe_world):
    """A card order waiting for payment, its PaymentIntent created; (number, intent as Stripe sends it)."""
    from shop.models import Payment
    stripe_buyer.fill_cart({stripe_world["CR-ROSE"]: 1})
    response, _ = stripe_buyer.checkout(payment_method="stripe")
    number = response.headers["Location"].split("/orders/")[1].split("/")[0]
    stripe_buyer.client.get(f"/en/orders/{number}/pay")
    with stripe_app.app_context():
        payment = db.session.scalar(sa.select(Payment))
        intent = {"id": payment.provider_ref, "object": "payment_intent", "amount": payment.amount_minor,
                  "amount_received": payment.amount_minor, "currency": payment.currency.lower(),
                  "status": "succeeded", "metadata": {"order_number": number}}
    return number, intent

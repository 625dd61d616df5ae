"""A small catalogue in four languages for the storefront tests (independent of the demo data)."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from shop.extensions import db
from shop.models import Category, ExchangeRate, Merchant, Product
from shop.services import search
from tests import support
from tests.support import AuthActions, add_category, add_lot, add_merchant, add_user, csrf_from

__all__ = ["csrf_from"]  # the tests here import it from this module

RATE_DAY = dt.date(2026, 11, 20)
RATES = {"USD": "0.14", "RUB": "12.5", "PKR": "39.0", "KGS": "12.2"}

CATEGORIES = [
    # slug, parent, en, zh, ru, ur
    ("food", None, "Food", "食品", "Продукты", "کھانے پینے کی چیزیں"),
    ("sweets", "food", "Sweets", "糖果甜点", "Сладости", "مٹھائیاں"),
    ("bread", "food", "Bread", "面包", "Хлеб", "روٹی"),
    ("cosmetics", None, "Cosmetics", "化妆品", "Косметика", "کاسمیٹکس"),
    ("skin-care", "cosmetics", "Skin care", "护肤", "Уход за кожей", "جلد کی دیکھ بھال"),
]

PRODUCTS = [
    dict(sku="RU-CHOC-1", category="sweets", origin="RU", price="25.00", stock=40, featured=True,
         names={"en": "Alenka milk chocolate", "zh": "阿廖恩卡牛奶巧克力", "ru": "Шоколад «Алёнка» молочный",
                "ur": "الیونکا دودھ والی چاکلیٹ"},
         descriptions={"en": "Classic Russian milk chocolate bar, 100 g.", "zh": "经典俄罗斯牛奶巧克力，100克。",
                       "ru": "Классическая плитка молочного шоколада, 100 г.",
                       "ur": "روسی دودھ والی چاکلیٹ کی کلاسیکی ٹکیا، 100 گرام۔"}),
    dict(sku="KZ-BREAD-1", category="bread", origin="KZ", price="18.50", stock=3, flags=["perishable"],
         names={"en": "Lieba bread in a soft bag", "zh": "软袋装列巴面包", "ru": "Хлеб «Лиеба» в мягкой упаковке",
                "ur": "نرم تھیلی میں لیبا روٹی"},
         descriptions={"en": "Russian-style rye bread baked in the zone.", "zh": "保税区烘焙的俄式黑麦面包。",
                       "ru": "Ржаной хлеб по-русски, испечён в зоне.", "ur": "زون میں پکی روسی طرز کی رائی روٹی۔"}),
    dict(sku="UZ-APRICOT-1", category="food", origin="UZ", price="45.00", stock=0,
         names={"en": "Dried apricots", "zh": "杏干", "ru": "Курага", "ur": "خشک خوبانی"},
         descriptions={"en": "Sun-dried apricots from Fergana.", "zh": "费尔干纳晒干的杏。",
                       "ru": "Курага из Ферганы, высушенная на солнце.", "ur": "فرغانہ کی دھوپ میں سکھائی خوبانی۔"}),
    dict(sku="PK-ATTAR-1", category="skin-care", origin="PK", price="120.00", stock=12, flags=["liquid", "perfume"],
         names={"en": "Rose attar oil", "zh": "玫瑰香精油", "ru": "Розовое масло аттар", "ur": "گلاب کا عطر"},
         descriptions={"en": "Rose perfume oil from Lahore.", "zh": "来自拉合尔的玫瑰香油。",
                       "ru": "Розовое парфюмерное масло из Лахора.", "ur": "لاہور کا گلاب کا خوشبو دار تیل۔"}),
    dict(sku="KG-HONEY-1", category="food", origin="KG", price="68.00", stock=25,
         names={"en": "Issyk-Kul white honey", "ru": "Белый мёд Иссык-Куля", "ur": "ایسک کول کا سفید شہد"},
         descriptions={"en": "Creamy white sainfoin honey.", "ru": "Кремовый белый эспарцетовый мёд.",
                       "ur": "کریمی سفید شہد۔"}),
]


def add_categories() -> dict[str, Category]:
    by_slug: dict[str, Category] = {}
    for position, (slug, parent, *names) in enumerate(CATEGORIES):
        by_slug[slug] = add_category(slug, names, parent=by_slug.get(parent), position=position, described=True)
    db.session.flush()
    return by_slug


def add_product(*, sku: str, category: Category, merchant: Merchant, names: dict, descriptions: dict | None = None,
                origin: str = "KZ", price: str = "10.00", stock: int = 10, featured: bool = False,
                flags=(), created_at: dt.datetime | None = None, active: bool = True) -> Product:
    """A listing slugged after its English name, with `stock` units in one bonded lot, indexed for search."""
    product = support.add_product(
        sku=sku, merchant=merchant, category=category, names=names, price=price,
        slug=re.sub(r"[^a-z0-9]+", "-", names["en"].lower()).strip("-"),
        descriptions=descriptions or {lang: "" for lang in names}, origin_country=origin, hs_code="1806.32",
        weight_g=350, length_mm=200, width_mm=80, height_mm=15, goods_flags=sorted(flags), featured=featured,
        active=active, created_at=created_at or dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    if stock:
        add_lot(product, f"L-{sku}", stock, customs_entry="CE-1", customs_status="bonded", intake_note=None)
    db.session.flush()
    search.index_product(product)
    return product


def add_rates() -> None:
    for currency, rate in RATES.items():
        db.session.add(ExchangeRate(currency=currency, rate=Decimal(rate), as_of=RATE_DAY))


def build_catalogue() -> None:
    categories = add_categories()
    merchant = add_merchant("silk-road", "Silk Road Trading", {"zh": "丝路贸易"})
    for i, data in enumerate(PRODUCTS):
        data = dict(data)
        add_product(category=categories[data.pop("category")], merchant=merchant,
                    created_at=dt.datetime(2026, 11, 1 + i, tzinfo=dt.UTC), **data)
    add_product(sku="XX-GONE-1", category=categories["sweets"], merchant=merchant, active=False,
                names={"en": "Withdrawn chocolate", "zh": "下架巧克力", "ru": "Снятый шоколад", "ur": "ہٹائی گئی چاکلیٹ"})
    add_rates()
    db.session.commit()


@pytest.fixture
def shop(app):
    """The app with the small four-language catalogue and exchange rates."""
    with app.app_context():
        build_catalogue()
    return app


@pytest.fixture
def buyer(app):
    with app.app_context():
        user_id = add_user("buyer@example.com", "long-enough-password", name="Aigerim").id
        db.session.commit()
        return user_id


class Shopper:
    """A guest or buyer driving the storefront through the test client."""

    def __init__(self, client, lang: str = "en"):
        self.client = client
        self.lang = lang
        self._token = None

    def token(self) -> str:
        if self._token is None:
            self._token = csrf_from(self.client.get(f"/{self.lang}/cart").get_data(as_text=True))
        return self._token

    def post(self, path: str, data: dict, **kwargs):
        return self.client.post(f"/{self.lang}{path}", data={"csrf_token": self.token(), **data}, **kwargs)

    def add(self, sku: str, quantity="1", **kwargs):
        return self.post("/cart", {"sku": sku, "quantity": quantity}, **kwargs)

    def cart_page(self) -> str:
        return self.client.get(f"/{self.lang}/cart").get_data(as_text=True)

    def login(self, email="buyer@example.com", password="long-enough-password"):
        self._token = None
        return AuthActions(self.client).login(email, password, lang=self.lang)


@pytest.fixture
def shopper(shop):
    return Shopper(shop.test_client())

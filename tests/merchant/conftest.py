"""Two merchants of their own for the portal, import and API tests (independent of the demo data):
Alpha Bakery and Beta Cosmetics, each with a login, a listing with a lot, and one order that
holds goods of both."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import (
    Category,
    CategoryTranslation,
    Lot,
    Merchant,
    Order,
    OrderLine,
    Product,
    ProductTranslation,
    StockMove,
    User,
)
from shop.services import search

PASSWORD = "merchant-password-1"
CATEGORIES = [
    # slug, parent, en, zh, ru, ur
    ("food", None, "Food", "食品", "Продукты", "کھانے پینے کی اشیا"),
    ("bread-bakery", "food", "Bread", "面包", "Хлеб", "روٹی"),
    ("sweets-chocolate", "food", "Sweets", "糖果", "Сладости", "مٹھائیاں"),
    ("cosmetics", None, "Cosmetics", "化妆品", "Косметика", "کاسمیٹکس"),
    ("skincare", "cosmetics", "Skin care", "护肤", "Уход за кожей", "جلد کی دیکھ بھال"),
    ("daily-necessities", None, "Daily necessities", "日用品", "Товары для дома", "روزمرہ کی اشیا"),
    ("household", "daily-necessities", "Household", "家居", "Хозяйство", "گھریلو سامان"),
]
ENTRY = "650820260350231436"


def add_product(merchant: Merchant, category: Category, sku: str, name: str, *, lot: str | None = None,
                quantity: int = 50, reserved: int = 0, price: str = "20.00") -> Product:
    product = Product(sku=sku, merchant=merchant, category=category, origin_country="KZ", hs_code="1905.90",
                      tax_class="food", price_cny=Decimal(price), weight_g=500, length_mm=200, width_mm=100,
                      height_mm=80, goods_flags=[])
    for lang, text in (("en", name), ("ru", f"{name} (ru)")):
        product.translations.append(ProductTranslation(lang=lang, name=text, description="", slug=sku.lower()))
    db.session.add(product)
    if lot:
        row = Lot(product=product, lot_number=lot, customs_entry=ENTRY, on_hand=quantity, reserved=reserved,
                  bin="A-01-01", customs_status="bonded", expiry=dt.date.today() + dt.timedelta(days=90))
        db.session.add(row)
        db.session.add(StockMove(lot=row, kind="intake", on_hand_delta=quantity, note="seed"))
        if reserved:
            db.session.add(StockMove(lot=row, kind="reserve", reserved_delta=reserved, note="seed"))
    db.session.flush()
    search.index_product(product)
    return product


def seed() -> None:
    by_slug: dict[str, Category] = {}
    for position, (slug, parent, *names) in enumerate(CATEGORIES):
        category = Category(slug=slug, position=position, parent=by_slug.get(parent))
        for lang, name in zip(("en", "zh", "ru", "ur"), names, strict=False):
            category.translations.append(CategoryTranslation(lang=lang, name=name))
        db.session.add(category)
        by_slug[slug] = category
    alpha = Merchant(slug="alpha-bakery", name="Alpha Bakery", display_names={"zh": "阿尔法面包"})
    beta = Merchant(slug="beta-cosmetics", name="Beta Cosmetics", display_names={})
    db.session.add_all([alpha, beta])
    for email, role, merchant in (("alpha@example.com", "merchant", alpha), ("beta@example.com", "merchant", beta),
                                  ("buyer@example.com", "buyer", None), ("staff@example.com", "staff", None)):
        user = User(email=email, name=email.split("@")[0], role=role, merchant=merchant)
        user.set_password(PASSWORD)
        db.session.add(user)
    db.session.flush()
    bread = add_product(alpha, by_slug["bread-bakery"], "A-BREAD-1", "Alpha rye bread", lot="A-LOT-1",
                        quantity=40, reserved=2)
    cream = add_product(beta, by_slug["skincare"], "B-CREAM-1", "Beta night cream", lot="B-LOT-1", quantity=30,
                        reserved=1, price="99.00")
    order = Order(number="KBZ-TEST-0001", email="buyer@example.com", status="paid", flow="export",
                  payment_method="cod", currency="CNY", exchange_rate=Decimal(1), goods_cny=Decimal("139.00"),
                  shipping_cny=Decimal("20.00"), tax_cny=Decimal(0), total_cny=Decimal("159.00"),
                  ship_name="Aigerim Secret", ship_phone="+77010000000", ship_country="KZ", ship_city="Almaty",
                  ship_address="Secret street 1")
    order.lines.append(OrderLine(product=bread, sku=bread.sku, name="Alpha rye bread", quantity=2,
                                 unit_price_cny=Decimal("20.00")))
    order.lines.append(OrderLine(product=cream, sku=cream.sku, name="Beta night cream", quantity=1,
                                 unit_price_cny=Decimal("99.00")))
    beta_only = Order(number="KBZ-TEST-0002", email="buyer@example.com", status="pending_payment", flow="export",
                      payment_method="cod", currency="CNY", exchange_rate=Decimal(1), goods_cny=Decimal("99.00"),
                      shipping_cny=Decimal("20.00"), tax_cny=Decimal(0), total_cny=Decimal("119.00"),
                      ship_name="X", ship_phone="+77010000000", ship_country="RU", ship_city="Moscow",
                      ship_address="Y")
    beta_only.lines.append(OrderLine(product=cream, sku=cream.sku, name="Beta night cream", quantity=1,
                                     unit_price_cny=Decimal("99.00")))
    db.session.add_all([order, beta_only])
    db.session.commit()


@pytest.fixture
def world(app):
    """The app with two merchants, their logins, listings, lots and orders."""
    with app.app_context():
        seed()
    return app


def csrf_from(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    assert match, "no csrf_token on the page"
    return match.group(1)


class Portal:
    """A signed-in merchant driving the portal through the test client."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = PASSWORD):
        token = csrf_from(self.client.get("/en/login").get_data(as_text=True))
        response = self.client.post("/en/login", data={"email": email, "password": password, "csrf_token": token})
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
        return self

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict, form_page: str | None = None, **kwargs):
        page = self.client.get(form_page or path).get_data(as_text=True)
        return self.client.post(path, data={"csrf_token": csrf_from(page), **data}, **kwargs)


@pytest.fixture
def alpha(world):
    return Portal(world.test_client()).login("alpha@example.com")


@pytest.fixture
def beta(world):
    return Portal(world.test_client()).login("beta@example.com")


def listing_form(**overrides) -> dict:
    """A valid new-listing form."""
    data = {
        "sku": "A-CHOC-9", "name_en": "Alpha dark chocolate", "name_zh": "阿尔法黑巧克力",
        "name_ru": "Тёмный шоколад «Альфа»", "name_ur": "الفا ڈارک چاکلیٹ",
        "description_en": "Seventy per cent cocoa.", "description_zh": "", "description_ru": "", "description_ur": "",
        "category": "sweets-chocolate", "origin_country": "KZ", "hs_code": "1806.32", "tax_class": "",
        "price_cny": "18.50", "weight_g": "110", "length_mm": "160", "width_mm": "80", "height_mm": "10",
        "goods_flags": ["fragile"], "active": "y",
    }
    data.update(overrides)
    return data


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def make_token(app, email: str = "alpha@example.com", name: str = "test") -> str:
    from shop.services import merchant as merchant_service
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        _token, secret = merchant_service.create_token(user, name)
    return secret


@pytest.fixture
def alpha_token(world) -> str:
    return make_token(world)


@pytest.fixture
def beta_token(world) -> str:
    return make_token(world, "beta@example.com")


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}

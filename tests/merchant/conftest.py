"""Two merchants of their own for the portal, import and API tests (independent of the demo data):
Alpha Bakery and Beta Cosmetics, each with a login, a listing with a lot, and one order that
holds goods of both."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import Category, Merchant, Product, User
from shop.services import search
from tests.support import (  # noqa: F401  (count: for the tests here)
    add_category,
    add_lot,
    add_merchant,
    add_order,
    add_product,
    add_user,
    count,
    csrf_from,
    sign_in,
)

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


def add_listing(merchant: Merchant, category: Category, sku: str, name: str, *, lot: str | None = None,
                quantity: int = 50, reserved: int = 0, price: str = "20.00") -> Product:
    """A listing in English and Russian, with a bonded lot (its intake and reservation in the ledger)."""
    product = add_product(sku=sku, merchant=merchant, category=category, names={"en": name, "ru": f"{name} (ru)"},
                          price=price, descriptions={}, origin_country="KZ", hs_code="1905.90", tax_class="food",
                          weight_g=500, length_mm=200, width_mm=100, height_mm=80, goods_flags=[])
    if lot:
        add_lot(product, lot, quantity, reserved=reserved, customs_entry=ENTRY, customs_status="bonded",
                expiry=dt.date.today() + dt.timedelta(days=90), intake_note="seed")
    db.session.flush()
    search.index_product(product)
    return product


def seed() -> None:
    by_slug: dict[str, Category] = {}
    for position, (slug, parent, *names) in enumerate(CATEGORIES):
        by_slug[slug] = add_category(slug, names, parent=by_slug.get(parent), position=position)
    alpha = add_merchant("alpha-bakery", "Alpha Bakery", {"zh": "阿尔法面包"})
    beta = add_merchant("beta-cosmetics", "Beta Cosmetics")
    for email, role, merchant in (("alpha@example.com", "merchant", alpha), ("beta@example.com", "merchant", beta),
                                  ("buyer@example.com", "buyer", None), ("staff@example.com", "staff", None)):
        add_user(email, PASSWORD, role=role, merchant=merchant)
    bread = add_listing(alpha, by_slug["bread-bakery"], "A-BREAD-1", "Alpha rye bread", lot="A-LOT-1",
                        quantity=40, reserved=2)
    cream = add_listing(beta, by_slug["skincare"], "B-CREAM-1", "Beta night cream", lot="B-LOT-1", quantity=30,
                        reserved=1, price="99.00")
    add_order("KBZ-TEST-0001", lines=[(bread, 2), (cream, 1)], email="buyer@example.com", ship_name="Aigerim Secret",
              ship_phone="+77010000000", ship_country="KZ", ship_city="Almaty", ship_address="Secret street 1")
    add_order("KBZ-TEST-0002", lines=[(cream, 1)], email="buyer@example.com", status="pending_payment",
              ship_name="X", ship_phone="+77010000000", ship_country="RU", ship_city="Moscow", ship_address="Y")
    db.session.commit()


@pytest.fixture
def world(app):
    """The app with two merchants, their logins, listings, lots and orders."""
    with app.app_context():
        seed()
    return app


class Portal:
    """A signed-in merchant driving the portal through the test client."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = PASSWORD):
        sign_in(self.client, email, password)
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

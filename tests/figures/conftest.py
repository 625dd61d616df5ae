"""Figures fixtures: the fulfilment desk's world, a second merchant ("rival") with its own listing, lot,
customs entry and order, and orders placed over the last days in the states the figures count."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from shop.extensions import db
from tests.fulfilment.conftest import ACCOUNTS, PASSWORD, World, seed
from tests.support import add_lot, add_merchant, add_product, add_user

__all__ = ["ACCOUNTS", "PASSWORD", "RIVAL", "Shop"]

RIVAL = "rival@figures.example"
TEA = [("TEA-BLACK", [("LOT-TEA-1", 1)])]
HONEY = [("HN-MOUNTAIN", [("LOT-HN-1", 2)])]


@dataclass
class Shop:
    world: World
    numbers: dict[str, str] = field(default_factory=dict)
    rival_merchant_id: int = 0


def _placed(number: str, days_ago: int, status: str | None = None) -> None:
    from shop.models import Order
    order = db.session.scalar(sa.select(Order).where(Order.number == number))
    order.placed_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago, hours=1)
    if status:
        order.status = status


@pytest.fixture
def shop(app) -> Shop:
    from shop.models import Category, Product
    with app.app_context():
        world = seed()
        rival = add_merchant("rival-goods", "Rival Goods LLC")
        category = db.session.scalar(sa.select(Category))
        product = add_product(sku="RV-SECRET", merchant=rival, category=category,
                              names=("Rival secret jam", "对手果酱", "Джем конкурента", "حریف جام"), price="77.00",
                              origin_country="KZ", hs_code="2007999000", weight_g=300, length_mm=80, width_mm=80,
                              height_mm=80)
        add_lot(product, "LOT-RV-1", 12, customs_entry="CE-RIVAL-0009", bin="C-01-01",
                expiry=dt.date.today() + dt.timedelta(days=20))
        add_user(RIVAL, PASSWORD, role="merchant", lang="en", merchant=rival)
        db.session.flush()
        world.products["RV-SECRET"] = product.id
        world.lots["LOT-RV-1"] = db.session.scalar(sa.select(Product).where(Product.sku == "RV-SECRET")).lots[0].id
        db.session.commit()
        made = Shop(world, rival_merchant_id=rival.id)
        made.numbers = {
            "ru_paid": world.order(items=TEA),
            "cn_paid": world.order(items=HONEY, country="CN", line="CN-BONDED"),
            "pk_pending": world.order(items=TEA, country="PK", line="KHG-PK-TRUCK", status="pending_payment"),
            "ru_cod": world.order(items=HONEY, status="confirmed", payment_method="cod"),
            "ru_refunded": world.order(items=TEA, status="refunded"),
            "rival": world.order(items=[("RV-SECRET", [("LOT-RV-1", 3)])], country="PK", line="KHG-PK-TRUCK"),
            "mixed": world.order(items=[("RV-SECRET", [("LOT-RV-1", 1)]), ("TEA-BLACK", [("LOT-TEA-1", 2)])]),
        }
        for key, days in {"ru_paid": 1, "cn_paid": 2, "pk_pending": 0, "ru_cod": 3, "ru_refunded": 4, "rival": 1,
                          "mixed": 5}.items():
            _placed(made.numbers[key], days)
        db.session.commit()
        return made

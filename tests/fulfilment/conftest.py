"""Fulfilment fixtures: a small warehouse (products in four languages, lots in bins, the intake in the
ledger), express lines with departures, desk accounts, and an order factory that builds orders the way
checkout leaves them: shipments on departures, lines allocated to lots, stock reserved in the ledger."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
import sqlalchemy as sa

from shop.extensions import db
from tests.support import LANGS, add_category, add_lot, add_merchant, add_product, add_user, csrf_from

PASSWORD = "fulfilment-desk-2026"
UTC = dt.UTC

# sku, names (en, zh, ru, ur), hs code, origin, weight g, price, [(lot, quantity, bin, expiry days)]
PRODUCTS = [
    ("LB-SOFT", ("Lieba bread, soft bag", "列巴（软袋）", "Хлеб «Лиеба», мягкая упаковка", "لیبا روٹی، نرم تھیلا"),
     "1905901000", "RU", 400, "18.00", [("LOT-LB-OLD", 20, "A-01-07", 20), ("LOT-LB-NEW", 30, "A-01-02", 90)]),
    ("CR-ROSE", ("Rose face cream", "玫瑰面霜", "Крем для лица с розой", "گلاب فیس کریم"),
     "3304990099", "RU", 150, "128.00", [("LOT-CR-1", 40, "B-02-03", None)]),
    ("HN-MOUNTAIN", ("Mountain honey", "高山蜂蜜", "Горный мёд", "پہاڑی شہد"),
     "0409000000", "KG", 600, "66.00", [("LOT-HN-1", 25, "A-02-09", 400)]),
    ("TEA-BLACK", ("Ceylon black tea", "锡兰红茶", "Цейлонский чёрный чай", "سیلونی کالی چائے"),
     "0902300000", "PK", 250, "35.00", [("LOT-TEA-1", 50, "A-02-02", 300)]),
]

LINES = {
    "KHG-MOW-TRUCK": {"en": "Moscow truck", "zh": "莫斯科卡车专线", "ru": "Грузовик до Москвы", "ur": "ماسکو ٹرک"},
    "CN-BONDED": {"en": "China bonded express", "zh": "保税区国内快递", "ru": "Экспресс по Китаю",
                  "ur": "چین بانڈڈ ایکسپریس"},
    "KHG-PK-TRUCK": {"en": "Pakistan truck", "zh": "巴基斯坦卡车专线", "ru": "Грузовик в Пакистан",
                     "ur": "پاکستان ٹرک"},
}

ACCOUNTS = {"staff": "staff@desk.example", "admin": "admin@desk.example", "buyer": "buyer@desk.example",
            "merchant": "merchant@desk.example"}

ADDRESSES = {
    "RU": dict(ship_name="Анна Смирнова", ship_phone="+7 912 345-67-89", ship_country="RU", ship_city="Москва",
               ship_address="ул. Тверская, д. 7, кв. 12", ship_postcode="125009", lang="ru",
               ship_address_latin="Anna Smirnova, ul. Tverskaia, d. 7, kv. 12, Moscow, 125009, RU"),
    "CN": dict(ship_name="李晓梅", ship_phone="+86 138 0013 8000", ship_country="CN", ship_city="上海",
               ship_address="浦东新区世纪大道100号", ship_postcode="200120", lang="zh",
               ship_address_latin="Li Xiaomei, Pudong Xinqu Shiji Dadao 100 Hao, Shanghai, 200120, CN"),
    "PK": dict(ship_name="عائشہ خان", ship_phone="+92 300 1234567", ship_country="PK", ship_city="لاہور",
               ship_address="مکان 12، گلی 4، گلبرگ", ship_postcode="54000", lang="ur",
               ship_address_latin="Ayesha Khan, House 12, Gali 4, Gulberg, Lahore, 54000, PK"),
}


@dataclass
class World:
    products: dict[str, int] = field(default_factory=dict)
    lots: dict[str, int] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    departures: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    merchant_id: int = 0
    _serial: int = 0

    def order(self, *, items, line: str = "KHG-MOW-TRUCK", status: str = "paid", payment_method: str = "stripe",
              country: str = "RU", number: str | None = None, departure: str | None = None) -> str:
        """An order as checkout leaves it: one shipment on the line's departure, each line allocated to the
        lots named, those units reserved on the lot and in the ledger. `items`: [(sku, [(lot, qty), ...])]."""
        from shop.models import Allocation, Lot, Order, OrderLine, Product, Shipment, StockMove

        self._serial += 1
        number = number or f"KS261201-T{self._serial:04d}"
        address = ADDRESSES[country]
        goods = Decimal(0)
        order = Order(number=number, user_id=self.users["buyer"], email="buyer@desk.example", status=status,
                      flow="import" if country == "CN" else "export", payment_method=payment_method,
                      currency="CNY", exchange_rate=Decimal(1), goods_cny=Decimal(0), shipping_cny=Decimal("25.00"),
                      tax_cny=Decimal(0), total_cny=Decimal(0), placed_at=dt.datetime(2026, 11, 28, 9, tzinfo=UTC),
                      paid_at=dt.datetime(2026, 11, 28, 9, 5, tzinfo=UTC) if status == "paid" else None,
                      **address)
        if country == "CN":
            order.id_name, order.id_number = "李晓梅", "11010519491231002X"
        shipment = Shipment(line_id=self.lines[line], departure_id=self.departures[departure or line],
                            chargeable_weight_g=1000, cost_cny=Decimal("25.00"),
                            delivery_earliest=dt.date(2026, 12, 15), delivery_latest=dt.date(2026, 12, 18))
        order.shipments.append(shipment)
        db.session.add(order)
        db.session.flush()
        for sku, taken in items:
            product = db.session.get(Product, self.products[sku])
            quantity = sum(q for _, q in taken)
            # The name frozen on the line is the one the buyer read, in the order's language.
            text = product.text(order.lang or "en") or product.text("en")
            line_row = OrderLine(product_id=product.id, sku=sku, name=text.name, quantity=quantity,
                                 unit_price_cny=product.price_cny)
            order.lines.append(line_row)
            line_row.shipment = shipment
            goods += product.price_cny * quantity
            for lot_number, q in taken:
                lot = db.session.get(Lot, self.lots[lot_number])
                lot.reserved += q
                line_row.allocations.append(Allocation(lot_id=lot.id, quantity=q))
                db.session.add(StockMove(lot_id=lot.id, kind="reserve", reserved_delta=q, order_id=order.id,
                                         note=number))
        order.goods_cny = goods
        order.tax_cny = (goods * Decimal("0.091")).quantize(Decimal("0.01")) if country == "CN" else Decimal(0)
        order.total_cny = goods + order.shipping_cny + order.tax_cny
        db.session.commit()
        return number


def seed(now: dt.datetime | None = None) -> World:
    from shop.models import Departure, ExpressLine, Lot, Product, User

    now = now or dt.datetime.now(UTC)
    world = World()
    merchant = add_merchant("kashgar-goods", "Kashgar Goods Co.")
    category = add_category("goods", ("Goods", "商品", "Товары", "اشیا"))
    for sku, names, hs, origin, weight, price, lots in PRODUCTS:
        product = add_product(sku=sku, merchant=merchant, category=category, names=names, price=price,
                              slug={lang: f"{sku.lower()}-{lang}" for lang in LANGS}, origin_country=origin,
                              hs_code=hs, weight_g=weight, length_mm=100, width_mm=100, height_mm=100)
        for lot_number, quantity, bin_code, days in lots:
            add_lot(product, lot_number, quantity, bin=bin_code,
                    expiry=(now.date() + dt.timedelta(days=days)) if days else None)
    for code, names in LINES.items():
        db.session.add(ExpressLine(
            code=code, mode="truck", names=names, serves={}, weekdays=[0, 1, 2, 3, 4, 5, 6], cutoff=dt.time(18),
            transit_days_min=7, transit_days_max=9, refused_flags=[], max_parcel_weight_g=30000,
            max_parcel_side_mm=1200, capacity_kg=Decimal(5000), capacity_m3=Decimal(40), first_weight_g=1000,
            first_price=Decimal(20), step_g=1000, step_price=Decimal(5)))
    for role, email in ACCOUNTS.items():
        add_user(email, PASSWORD, role=role, name=role.title(), lang="en",
                 merchant=merchant if role == "merchant" else None)
    db.session.flush()
    world.merchant_id = merchant.id
    world.products = {p.sku: p.id for p in db.session.scalars(sa.select(Product))}
    world.lots = {lot.lot_number: lot.id for lot in db.session.scalars(sa.select(Lot))}
    world.lines = {line.code: line.id for line in db.session.scalars(sa.select(ExpressLine))}
    world.users = {u.role: u.id for u in db.session.scalars(sa.select(User))}
    departs = (now + dt.timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    for code, line_id in world.lines.items():
        departure = Departure(line_id=line_id, departs_at=departs, booked_kg=Decimal(5), booked_m3=Decimal("0.1"))
        db.session.add(departure)
        db.session.flush()
        world.departures[code] = departure.id
    db.session.commit()
    return world


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        return seed()


@pytest.fixture
def ctx(app):
    """An application context for reading the database in a test."""
    with app.app_context():
        yield


token_from = csrf_from


class Desk:
    """A signed-in desk user driving the pages through the test client."""

    def __init__(self, client, auth) -> None:
        self.client, self.auth = client, auth

    def login(self, role: str = "staff"):
        response = self.auth.login(ACCOUNTS[role], PASSWORD)
        assert response.status_code in (302, 303), response.status_code
        return self

    def token(self) -> str:
        return token_from(self.client.get("/fulfilment/").get_data(as_text=True))

    def post(self, path: str, **data):
        return self.client.post(path, data={"csrf_token": self.token(), **data})

    def post_and_follow(self, path: str, **data) -> str:
        return self.client.post(path, data={"csrf_token": self.token(), **data},
                                follow_redirects=True).get_data(as_text=True)


@pytest.fixture
def desk(client, auth, world) -> Desk:
    return Desk(client, auth).login("staff")


def pdf_text(pdf: bytes, tmp_path) -> str | None:
    """The text of a PDF through pdftotext (poppler-utils), or None when it is not installed."""
    if shutil.which("pdftotext") is None:
        return None
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout

"""A small world of its own for the quote API, the delivery promise and the back office: the six
express lines of DESIGN.md, a handful of products, rates, duty rules and accounts, and a pinned
clock (Monday 30 November 2026, 10:00 in Kashgar's time zone)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shop import create_app
from shop.domain.routing import SHANGHAI
from shop.extensions import db
from shop.models import (
    DutyRule,
    ExchangeRate,
    ExpressLine,
    LineClosure,
)
from shop.services import quotes
from tests import support
from tests.support import (  # noqa: F401  (csrf_token: for the tests here)
    BACKENDS,
    LANGS,
    add_category,
    add_merchant,
    add_product,
    add_user,
    base_config,
    csrf_token,
    rolled_back,
)

NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
PASSWORD = "correct horse battery"
NAMES = {
    "KHG-MOW-TRUCK": {"en": "Kashgar–Moscow truck", "zh": "喀什—莫斯科卡车专线", "ru": "Грузовик Кашгар — Москва",
                      "ur": "کاشغر–ماسکو ٹرک"},
    "KHG-FRU-TRUCK": {"en": "Kashgar–Bishkek truck", "zh": "喀什—比什凯克卡车专线", "ru": "Грузовик Кашгар — Бишкек",
                      "ur": "کاشغر–بشکیک ٹرک"},
    "KHG-PK-TRUCK": {"en": "Khunjerab truck", "zh": "红其拉甫卡车专线", "ru": "Грузовик через Хунджераб",
                     "ur": "خنجراب ٹرک"},
    "KHG-AIR": {"en": "Kashgar air express", "zh": "喀什航空快线", "ru": "Авиаэкспресс из Кашгара",
                "ur": "کاشغر ہوائی ایکسپریس"},
    "KHG-RAIL": {"en": "Kashgar rail freight", "zh": "喀什铁路货运", "ru": "Железная дорога из Кашгара",
                 "ur": "کاشغر ریل مال بردار"},
    "CN-BONDED": {"en": "Bonded-zone domestic express", "zh": "保税区国内快递", "ru": "Экспресс по Китаю",
                  "ur": "چین کے اندر ایکسپریس"},
}


def _line(code, mode, serves, weekdays, cutoff, transit, rate, *, divisor=5000, refused=(), max_kg=100,
          side_mm=1500, capacity=("5000", "30"), holidays=False, closures=()):
    line = ExpressLine(
        code=code, mode=mode, names=NAMES[code], descriptions={}, serves=serves, weekdays=sorted(weekdays),
        cutoff=dt.time(*cutoff), transit_days_min=transit[0], transit_days_max=transit[1],
        refused_flags=sorted(refused), max_parcel_weight_g=max_kg * 1000, max_parcel_side_mm=side_mm,
        capacity_kg=Decimal(capacity[0]), capacity_m3=Decimal(capacity[1]), first_weight_g=rate[0],
        first_price=Decimal(rate[1]), step_g=rate[2], step_price=Decimal(rate[3]), volumetric_divisor=divisor,
        closes_on_cn_holidays=holidays, active=True)
    for closure in closures:
        line.closures.append(closure)
    return line


def lines() -> list[ExpressLine]:
    return [
        _line("KHG-MOW-TRUCK", "truck", {"RU": ["Moscow"]}, {1, 4}, (18, 0), (14, 16), (1000, "25.00", 1000, "6.00"),
              capacity=("8000", "40")),
        _line("KHG-FRU-TRUCK", "truck", {"KG": ["Bishkek", "Osh"], "KZ": ["Almaty"]}, {0, 3}, (17, 0), (7, 8),
              (1000, "20.00", 1000, "5.00"), holidays=True),
        _line("KHG-PK-TRUCK", "truck", {"PK": ["Islamabad", "Lahore", "Karachi"]}, {2, 5}, (16, 0), (7, 9),
              (1000, "20.00", 1000, "5.00"),
              closures=[LineClosure(start=dt.date(2026, 12, 1), end=dt.date(2026, 3, 31), yearly=True, kind="season",
                                    note={"en": "Khunjerab pass"})]),
        _line("KHG-AIR", "air", {"PK": ["Islamabad"], "UZ": ["Tashkent"], "KG": ["Bishkek"], "TJ": ["Dushanbe"],
                                 "KZ": ["Almaty", "Astana"]},
              {0, 1, 2, 3, 4, 5}, (12, 0), (2, 4), (500, "30.00", 500, "12.00"), divisor=6000,
              refused={"liquid", "aerosol", "perfume", "battery"}, max_kg=30, side_mm=1200, capacity=("800", "6")),
        _line("KHG-RAIL", "rail", {"UZ": [], "KZ": [], "RU": []}, {2}, (15, 0), (12, 18),
              (1000, "15.00", 1000, "3.00"), refused={"perishable"}, max_kg=200, side_mm=2000,
              capacity=("20000", "80")),
        _line("CN-BONDED", "express", {"CN": []}, range(7), (15, 0), (3, 6), (1000, "12.00", 1000, "2.00"),
              max_kg=30, side_mm=1000),
    ]


PRODUCTS = [
    # sku, en name, tax class, price, weight g, dims mm, flags
    ("KZ-LIEBA-SOFT", "Lieba bread, soft bag", "food", "25.00", 500, (300, 150, 100), ["perishable"]),
    ("RU-PERFUME-50", "Moscow lilac perfume 50 ml", "cosmetics_high", "480.00", 300, (120, 80, 60), ["perfume"]),
    ("KG-HONEY-500", "Kyrgyz white honey 500 g", "food", "68.00", 650, (90, 90, 120), ["fragile"]),
    ("PK-CARPET-SILK", "Silk carpet 120 x 180", "general", "3200.00", 9000, (1000, 300, 300), []),
    ("UZ-APRICOT-1K", "Dried apricots 1 kg", "food", "45.00", 1050, (250, 180, 60), []),
]


def seed() -> None:
    merchant = add_merchant("silk-road", "Silk Road Trading")
    category = add_category("goods", {lang: f"Goods {lang}" for lang in LANGS}, position=0)
    for sku, name, tax_class, price, weight, (length, width, height), flags in PRODUCTS:
        add_product(sku=sku, merchant=merchant, category=category, names={lang: f"{name} ({lang})" for lang in LANGS},
                    price=price, descriptions={}, origin_country=sku[:2], hs_code="0000", tax_class=tax_class,
                    weight_g=weight, length_mm=length, width_mm=width, height_mm=height, goods_flags=flags)
    db.session.add_all(lines())
    for currency, rate in {"RUB": "12.5", "PKR": "39", "KGS": "12", "KZT": "70", "UZS": "1750", "TJS": "1.5",
                           "USD": "0.14", "EUR": "0.13"}.items():
        db.session.add(ExchangeRate(currency=currency, rate=Decimal(rate), as_of=NOW.date() - dt.timedelta(days=3)))
    for country, threshold, currency, rate, per in (
            ("RU", "200", "EUR", "0.15", "parcel"), ("KG", "200", "EUR", "0.15", "parcel"),
            ("KZ", "200", "EUR", "0.15", "parcel"), ("UZ", "200", "USD", "0.30", "month"),
            ("PK", "1000", "PKR", "0.20", "parcel")):
        db.session.add(DutyRule(country=country, threshold=Decimal(threshold), currency=currency,
                                rate=Decimal(rate), per=per))
    for email, role in (("admin@example.com", "admin"), ("second@example.com", "admin"),
                        ("staff@example.com", "staff"), ("buyer@example.com", "buyer")):
        add_user(email, PASSWORD, role=role)
    db.session.commit()


@pytest.fixture
def clock(monkeypatch):
    """Pin the quotes' clock to NOW; tests may move it with clock.set(...)."""
    class Clock:
        now = NOW

        def set(self, moment):
            self.now = moment

    pinned = Clock()
    monkeypatch.setattr(quotes, "current_time", lambda: pinned.now)
    return pinned


@pytest.fixture
def world(app, clock):
    """The app with this folder's lines, products, rates, duty rules and accounts."""
    with app.app_context():
        seed()
    return app


@pytest.fixture(scope="module", params=BACKENDS)
def shared_world(request, database_urls):
    """The same world, seeded once per module and backend inside a transaction rolled back after
    the module, for modules whose tests only read (a module that uses it must not also write:
    see test_quote_data.py for those)."""
    app = create_app({**base_config(), "SQLALCHEMY_DATABASE_URI": database_urls[request.param]})
    with rolled_back(app):
        with app.app_context():
            seed()
        yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def api(world):
    client = world.test_client()

    def post(body, *, lang=None, accept_language=None, raw=None):
        headers = {"Content-Type": "application/json"}
        if accept_language:
            headers["Accept-Language"] = accept_language
        path = "/api/v1/quote" + (f"?lang={lang}" if lang else "")
        if raw is not None:
            return client.post(path, data=raw, headers=headers)
        return client.post(path, json=body, headers=headers)

    return post


def sign_in(client, email: str) -> None:
    """Sign in to one of this world's accounts."""
    support.sign_in(client, email, PASSWORD)


@pytest.fixture
def admin_client(world):
    client = world.test_client()
    sign_in(client, "admin@example.com")
    return client

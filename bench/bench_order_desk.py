"""The order desk at 100,000 orders: p95 of the list page (/admin/orders) under a mix of filters, searches,
sorts and pages, beside the same mix on 1,000 orders served the same way in the same run (the ratio says
how the desk scales); and the CSV export of all 100,000 orders, streamed, with the worker's memory sampled
while it downloads, beside the export of one destination's sixth of them (flat memory: the larger export
needs no more).
SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (a schema of its own, dropped after).
Run with `python -m bench.bench_order_desk` (BENCH_DESK_ORDERS overrides the 100,000)."""
from __future__ import annotations

import datetime as dt
import http.client
import os
import random
import re
import statistics
import threading
import time
import urllib.parse
from decimal import Decimal

from bench.bench_orders import _databases, _migrate
from bench.harness import gunicorn, report, rss_mb

ORDERS = int(os.environ.get("BENCH_DESK_ORDERS", "100000"))
SMALL = 1000
REQUESTS = int(os.environ.get("BENCH_DESK_REQUESTS", "120"))
EMAIL, PASSWORD = "bench-admin@example.com", "bench-admin-password"
COUNTRIES = ("RU", "KG", "KZ", "PK", "UZ", "CN")
LINES = ("KHG-MOW-TRUCK", "KHG-FRU-TRUCK", "KHG-PK-TRUCK", "KHG-AIR", "KHG-RAIL", "CN-BONDED")
STATUSES = ("paid", "confirmed", "picking", "packed", "shipped", "delivered", "cancelled", "pending_payment")
NAMES = ("Анна Смирнова", "Дмитрий Волков", "عائشہ خان", "李晓梅", "Emily Carter", "Жасур Алимов", "بلال احمد")


def _seed(url: str, orders: int) -> None:
    """Listings, lines, departures and an admin with the ORM; then `orders` orders (a shipment, one or two lines
    and a payment each) in bulk inserts."""
    import sqlalchemy as sa

    from shop import create_app
    from shop.extensions import db
    from shop.models import (
        Category,
        Departure,
        ExpressLine,
        Merchant,
        Order,
        OrderLine,
        Payment,
        Product,
        ProductTranslation,
        Shipment,
        User,
    )

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    rng = random.Random(13)
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        category = Category(slug="bench")
        merchants = [Merchant(slug=f"bench-{n}", name=f"Bench merchant {n}") for n in range(3)]
        db.session.add_all([category, *merchants])
        products = []
        for n in range(30):
            product = Product(sku=f"DESK-{n:03d}", merchant=merchants[n % 3], category=category, origin_country="KG",
                              hs_code="040900", price_cny=Decimal("20.00") + n, weight_g=300, length_mm=100,
                              width_mm=80, height_mm=60, goods_flags=[])
            product.translations.append(ProductTranslation(lang="en", name=f"Desk product {n}", slug=f"desk-{n}"))
            products.append(product)
        db.session.add_all(products)
        lines = []
        for code in LINES:
            lines.append(ExpressLine(
                code=code, mode="truck", names={"en": code}, serves={}, weekdays=[0, 3], cutoff=dt.time(18),
                transit_days_min=7, transit_days_max=9, refused_flags=[], max_parcel_weight_g=30000,
                max_parcel_side_mm=1200, capacity_kg=Decimal(5000), capacity_m3=Decimal(40), first_weight_g=1000,
                first_price=Decimal(20), step_g=1000, step_price=Decimal(5)))
        db.session.add_all(lines)
        admin = User(email=EMAIL, name="Bench admin", role="admin")
        admin.set_password(PASSWORD)
        db.session.add(admin)
        db.session.flush()
        departures = []
        for line in lines:
            for week in range(60):
                departure = Departure(line_id=line.id, departs_at=now - dt.timedelta(days=7 * week))
                db.session.add(departure)
                departures.append(departure)
        db.session.flush()
        by_line = {line.id: [d.id for d in departures if d.line_id == line.id] for line in lines}
        product_rows = [(p.id, p.sku, p.price_cny) for p in products]
        db.session.commit()

        order_rows, shipment_rows, line_rows, payment_rows = [], [], [], []
        line_id = 0
        for n in range(1, orders + 1):
            status = rng.choice(STATUSES)
            country = rng.choice(COUNTRIES)
            line = lines[COUNTRIES.index(country)]
            placed = now - dt.timedelta(minutes=rng.randrange(60 * 24 * 400))
            goods = Decimal(0)
            for _ in range(rng.choice((1, 1, 2))):
                line_id += 1
                pid, sku, price = rng.choice(product_rows)
                quantity = rng.randrange(1, 4)
                goods += price * quantity
                line_rows.append({"id": line_id, "order_id": n, "shipment_id": n, "product_id": pid, "sku": sku,
                                  "name": sku, "quantity": quantity, "unit_price_cny": price})
            cod = status == "confirmed"
            order_rows.append({
                "id": n, "number": f"KS{placed:%y%m%d}-{n:06d}", "email": f"buyer{n % 5000}@example.com",
                "lang": "ru", "status": status, "flow": "import" if country == "CN" else "export",
                "payment_method": "cod" if cod else "stripe", "currency": "CNY", "exchange_rate": Decimal(1),
                "goods_cny": goods, "shipping_cny": Decimal(25), "tax_cny": Decimal(0),
                "total_cny": goods + 25, "ship_name": rng.choice(NAMES), "ship_phone": f"+7 9{n:09d}",
                "ship_country": country, "ship_city": "Moscow", "ship_address": "ул. Тверская, 7",
                "ship_postcode": "125009", "ship_address_latin": "Tverskaya 7", "placed_at": placed,
                "paid_at": placed if status not in ("pending_payment", "confirmed") else None,
                "id_number": "11010519491231002X" if country == "CN" else None})
            shipment_rows.append({
                "id": n, "order_id": n, "line_id": line.id, "departure_id": rng.choice(by_line[line.id]),
                "waybill": f"KHG{n:010d}" if status in ("shipped", "delivered") else None,
                "status": {"shipped": "shipped", "delivered": "delivered", "cancelled": "cancelled"}.get(status,
                                                                                                       "pending"),
                "chargeable_weight_g": 1000, "cost_cny": Decimal(25), "delivery_earliest": placed.date(),
                "delivery_latest": placed.date()})
            if not cod:
                payment_rows.append({"order_id": n, "provider": "stripe", "provider_ref": f"pi_bench_{n}",
                                     "amount_minor": int((goods + 25) * 100), "currency": "CNY",
                                     "status": "created" if status == "pending_payment" else "succeeded",
                                     "created_at": placed, "updated_at": placed})
            if len(order_rows) >= 5000 or n == orders:
                for model, rows in ((Order, order_rows), (Shipment, shipment_rows), (OrderLine, line_rows),
                                    (Payment, payment_rows)):
                    if rows:
                        db.session.execute(sa.insert(model), rows)
                    rows.clear()
                db.session.commit()
        if db.engine.dialect.name == "postgresql":
            for table in ("order", "shipment", "order_line"):
                db.session.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"))
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        db.engine.dispose()


def _sign_in(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/en/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    conn.request("POST", "/en/login", body=body, headers={"Content-Type": "application/x-www-form-urlencoded",
                                                         "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    assert response.status in (302, 303), f"the bench admin could not sign in: {response.status}"
    return response.getheader("Set-Cookie", "").split(";")[0]


def _paths() -> list[str]:
    """The desk as staff use it: filters alone and together, searches, sorts, later pages."""
    today = dt.date.today()
    month = (today - dt.timedelta(days=30)).isoformat()
    return [
        "/admin/orders", "/admin/orders?status=paid", "/admin/orders?status=shipped&country=RU",
        "/admin/orders?payment_status=succeeded", f"/admin/orders?from={month}&to={today.isoformat()}",
        "/admin/orders?line=KHG-PK-TRUCK", "/admin/orders?departure=7", "/admin/orders?merchant=bench-1",
        "/admin/orders?country=CN&status=delivered&sort=-total", "/admin/orders?sort=number&page=40",
        "/admin/orders?q=" + urllib.parse.quote("Смирнова"), "/admin/orders?q=buyer42%40example.com",
        "/admin/orders?q=KHG0000001234", "/admin/orders?status=cancelled&page=3",
    ]


def _p95(port: int, cookie: str) -> tuple[float, float, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    paths = _paths()
    for path in paths:  # warm up
        conn.request("GET", path, headers={"Cookie": cookie})
        conn.getresponse().read()
    latencies, errors = [], 0
    for n in range(REQUESTS):
        started = time.perf_counter()
        conn.request("GET", paths[n % len(paths)], headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        errors += response.status != 200
    latencies.sort()
    return 1000 * latencies[int(0.95 * (len(latencies) - 1))], 1000 * statistics.median(latencies), errors


def _export(port: int, pid: int, cookie: str, query: str = "") -> tuple[int, float, float, float]:
    """Rows, seconds, and the worker's memory before and at its highest while the CSV streams."""
    before = rss_mb(pid)
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=sample)
    watcher.start()
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("GET", "/admin/orders/export.csv" + query, headers={"Cookie": cookie})
    response = conn.getresponse()
    rows = 0
    while chunk := response.read(64 * 1024):
        rows += chunk.count(b"\r\n")
    elapsed = time.perf_counter() - started
    done.set()
    watcher.join()
    return rows - 1, elapsed, before, peak[0]


def _serve(url: str):
    return gunicorn("wsgi:app", env={"DATABASE_URL": url, "RATELIMIT_ENABLED": "0"}, workers=1, threads=1)


def main() -> None:
    print("order desk")
    try:
        _measure()
    finally:
        _drop_schemas()


def _measure() -> None:
    with _databases() as urls:
        for name, big_url in urls:
            _one_database(name, big_url)


def _one_database(name: str, base_url: str) -> None:
    """The list mix at SMALL and at ORDERS orders; on the large one, the export of one destination's orders
    (a sixth of them) and of all: with flat memory the larger export needs no more."""
    results = {}
    for size in (SMALL, ORDERS):
        url = base_url.replace("orders.db", f"desk-{size}.db") if name == "sqlite" else _fresh_schema(base_url, size)
        _migrate(url)
        _seed(url, size)
        with _serve(url) as (port, pid):
            cookie = _sign_in(port)
            listed = _p95(port, cookie)
            exports = [_export(port, pid, cookie, query) for query in ("?country=RU", "")] if size == ORDERS else []
        results[size] = (listed, exports)
    small, big = results[SMALL][0], results[ORDERS][0]
    report(f"{name}: desk list p95 with filters, {ORDERS:,} orders", f"{big[0]:.0f} ms",
           f"p50 {big[1]:.0f} ms; {big[0] / small[0]:.1f}x the same mix at {SMALL:,} orders "
           f"({small[0]:.0f} ms); {big[2] + small[2]} errors")
    for rows, seconds, before, peak in results[ORDERS][1]:
        report(f"{name}: CSV export of {rows:,} orders, worker memory growth", f"{peak - before:+.1f} MB",
               f"{seconds:.1f} s ({rows / seconds:,.0f} rows/s); worker {before:.0f} MB before")


def _fresh_schema(base_url: str, size: int) -> str:
    """A schema of its own for one size, inside the bench's PostgreSQL schema run (dropped with the database's)."""
    import sqlalchemy as sa
    url = sa.engine.make_url(base_url)
    schema = url.query["options"].split("=", 1)[1] + f"_{size}"
    engine = sa.create_engine(url.difference_update_query(["options"]))
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    engine.dispose()
    _SCHEMAS.append((url.difference_update_query(["options"]), schema))
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


_SCHEMAS: list = []


def _drop_schemas() -> None:
    import sqlalchemy as sa
    for url, schema in _SCHEMAS:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        engine.dispose()
    _SCHEMAS.clear()


if __name__ == "__main__":
    main()

"""Orders placed per second by 8 concurrent buyers through the real checkout (add to cart, open
checkout, place a cash-on-delivery order), with p50/p95 of the place-order request, beside the
listing page measured in the same run on the same server. Run with `python -m bench.bench_orders`.

SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (in a schema of its own, dropped after)."""
from __future__ import annotations

import datetime as dt
import http.client
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from bench.harness import free_port, load, report, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
BUYERS = int(os.environ.get("BENCH_BUYERS", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "6"))
WORKERS = os.environ.get("BENCH_WORKERS", "2")
THREADS = os.environ.get("BENCH_THREADS", "4")
PASSWORD = "bench-buyer-password"
PRODUCTS = 20


# ---- a database with stock enough for every order ---------------------------------------

def _seed(url: str) -> None:
    from config import DevelopmentConfig
    from shop import create_app
    from shop.extensions import db
    from shop.models import (
        Category,
        CategoryTranslation,
        ExchangeRate,
        ExpressLine,
        Lot,
        Merchant,
        Product,
        ProductTranslation,
        StockMove,
        User,
    )

    app = create_app({**{k: getattr(DevelopmentConfig, k) for k in dir(DevelopmentConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        merchant = Merchant(slug="bench", name="Bench Goods")
        category = Category(slug="bench")
        for lang in ("en", "zh", "ru", "ur"):
            category.translations.append(CategoryTranslation(lang=lang, name=f"Bench {lang}"))
        db.session.add_all([merchant, category])
        for n in range(PRODUCTS):
            product = Product(sku=f"BENCH-{n:03d}", merchant=merchant, category=category, origin_country="KG",
                              hs_code="040900", tax_class="food", price_cny=Decimal("20.00") + n, weight_g=300,
                              length_mm=100, width_mm=80, height_mm=60, goods_flags=[])
            for lang in ("en", "zh", "ru", "ur"):
                product.translations.append(ProductTranslation(lang=lang, name=f"Bench product {n} {lang}",
                                                               description="", slug=f"bench-{n:03d}"))
            db.session.add(product)
            for k in range(3):  # three lots each, so FEFO has a choice to make
                lot = Lot(product=product, lot_number=f"BL-{n:03d}-{k}", customs_entry="CE-BENCH", on_hand=200_000,
                          bin=f"B-{n:02d}-{k}", expiry=dt.date.today() + dt.timedelta(days=120 + 30 * k))
                db.session.add(lot)
                db.session.add(StockMove(lot=lot, kind="intake", on_hand_delta=200_000))
        db.session.add(ExpressLine(
            code="KHG-MOW-TRUCK", mode="truck", names={"en": "Moscow truck"}, serves={"RU": []},
            weekdays=list(range(7)), cutoff=dt.time(18, 0), transit_days_min=14, transit_days_max=16,
            refused_flags=[], max_parcel_weight_g=1_000_000, max_parcel_side_mm=2000,
            capacity_kg=Decimal("9999999"), capacity_m3=Decimal("9999999"), first_weight_g=1000,
            first_price=Decimal("25"), step_g=1000, step_price=Decimal("6"), volumetric_divisor=5000))
        db.session.add(ExchangeRate(currency="USD", rate=Decimal("0.14"), as_of=dt.date.today()))
        for n in range(BUYERS):
            user = User(email=f"bench{n}@example.com", name=f"Bench {n}", role="buyer")
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
        db.engine.dispose()


def _migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("SHOP_ENV", None)
    subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)


@contextmanager
def _databases():
    """(name, url) for SQLite and, with TEST_DATABASE_URL, PostgreSQL in its own schema."""
    with tempfile.TemporaryDirectory() as folder:
        urls = [("sqlite", f"sqlite:///{Path(folder) / 'orders.db'}")]
        schema = None
        base = os.environ.get("TEST_DATABASE_URL")
        if base:
            import sqlalchemy as sa
            schema = f"bench_orders_{os.getpid()}_{secrets.token_hex(3)}"
            admin = sa.create_engine(base)
            with admin.begin() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            admin.dispose()
            urls.append(("postgresql", sa.engine.make_url(base).update_query_dict(
                {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)))
        try:
            yield urls
        finally:
            if schema:
                admin = sa.create_engine(base)
                with admin.begin() as conn:
                    conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
                admin.dispose()


# ---- the server ---------------------------------------------------------------------------

@contextmanager
def _gunicorn(url: str):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("SHOP_ENV", None)
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "--workers", WORKERS, "--threads", THREADS, "--worker-class", "gthread",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_port(port, "gunicorn")
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


# ---- a buyer ------------------------------------------------------------------------------

class Buyer:
    """A browser-like client: one keep-alive connection and the session cookie."""

    def __init__(self, port: int, email: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.email = email

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", text

    @staticmethod
    def field(page: str, name: str) -> str:
        match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
            rf'value="([^"]*)"[^>]*name="{name}"', page)
        if not match:
            raise RuntimeError(f"no {name} on the page")
        return match.group(1)

    def sign_in(self) -> None:
        _, _, page = self.request("GET", "/en/login")
        status, _, _ = self.request("POST", "/en/login", {"email": self.email, "password": PASSWORD,
                                                          "csrf_token": self.field(page, "csrf_token")})
        if status != 302:
            raise RuntimeError(f"sign-in failed ({status})")

    def order_once(self, sku: str) -> tuple[bool, float]:
        """Add one product, open checkout, place the order; (placed?, seconds the placing took)."""
        _, _, page = self.request("GET", "/en/cart")
        self.request("POST", "/en/cart", {"sku": sku, "quantity": "1", "csrf_token": self.field(page, "csrf_token")})
        _, _, page = self.request("GET", "/en/checkout")
        form = {"csrf_token": self.field(page, "csrf_token"),
                "idempotency_key": self.field(page, "idempotency_key"),
                "name": "Bench Buyer", "phone": "+7 912 345-67-89", "country": "RU", "city": "Moscow",
                "address": "Tverskaya 7", "postcode": "125009", "line": "auto", "payment_method": "cod"}
        started = time.perf_counter()
        status, location, _ = self.request("POST", "/en/checkout", form)
        took = time.perf_counter() - started
        return status == 303 and "/orders/" in location, took


def _orders(port: int) -> dict:
    buyers = [Buyer(port, f"bench{n}@example.com") for n in range(BUYERS)]
    for buyer in buyers:
        buyer.sign_in()
    buyers[0].order_once("BENCH-000")  # warm up the workers' caches
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + SECONDS

    def work(n: int) -> None:
        buyer, mine, k = buyers[n], [], 0
        while time.perf_counter() < stop:
            ok, took = buyer.order_once(f"BENCH-{(n * 7 + k) % PRODUCTS:03d}")
            k += 1
            if ok:
                mine.append(took)
            else:
                with lock:
                    failures[0] += 1
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(n,)) for n in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"orders_per_s": len(latencies) / elapsed, "orders": len(latencies), "failures": failures[0],
            "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")}


def _check_ledger(url: str) -> str:
    """Whether the lots still equal the sum of their ledger rows after the run."""
    import sqlalchemy as sa
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        bad = conn.execute(sa.text(
            "SELECT count(*) FROM lot JOIN (SELECT lot_id, sum(on_hand_delta) AS oh, sum(reserved_delta) AS rs "
            "FROM stock_move GROUP BY lot_id) m ON m.lot_id = lot.id "
            "WHERE m.oh <> lot.on_hand OR m.rs <> lot.reserved OR lot.reserved > lot.on_hand")).scalar()
    engine.dispose()
    return "ledger ok" if bad == 0 else f"{bad} lots differ from the ledger"


def main() -> None:
    print(f"orders: {BUYERS} buyers placing cash-on-delivery orders for {SECONDS:g} s, "
          f"gunicorn {WORKERS} workers x {THREADS} threads")
    with _databases() as urls:
        for name, url in urls:
            _migrate(url)
            _seed(url)
            with _gunicorn(url) as port:
                orders = _orders(port)
                listing = load(port, "/en/products", seconds=SECONDS, clients=BUYERS)
            ledger = _check_ledger(url)
            report(f"orders/{name}: orders placed per second ({BUYERS} buyers)", f"{orders['orders_per_s']:.1f}",
                   f"{orders['orders']} orders, {orders['failures']} failed; {ledger}")
            report(f"orders/{name}: place-order p50 / p95 ms",
                   f"{orders['p50_ms']:.0f} / {orders['p95_ms']:.0f}", "POST /en/checkout, 303 to the order")
            report(f"orders/{name}: listing page requests per second (reference)", f"{listing['rps']:.1f}",
                   f"p50 {listing['p50_ms']:.0f} ms, p95 {listing['p95_ms']:.0f} ms, {listing['errors']} errors")
            report(f"orders/{name}: orders per listing page served", f"{orders['orders_per_s'] / listing['rps']:.3f}",
                   "an order is three requests and one write transaction")


if __name__ == "__main__":
    main()

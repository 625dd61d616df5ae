"""SQLite under load: gunicorn with three workers on one SQLite file, 60 concurrent merchant API
writes and 20 concurrent checkouts. No "database is locked", no worker dies, and the stock
ledger still adds up to what every lot holds."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from tests.checkout.conftest import PASSWORD
from tests.security import live

pytestmark = pytest.mark.slow
ENTRY = "650820260350231436"


def _merchant_write(base: str, token: str, n: int) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if n % 2:
        body = {"names": {"en": f"Load test tea {n}"}, "category": "goods", "origin_country": "CN",
                "hs_code": "0902.10", "price": {"amount": f"{10 + n}.00", "currency": "CNY"}, "weight_g": 200,
                "dimensions_mm": [100, 80, 60]}
        response = requests.put(f"{base}/api/v1/merchant/products/LOAD-{n}", json=body, headers=headers, timeout=60)
    else:
        body = {"sku": "HN-MOUNTAIN", "lot_number": f"LOAD-LOT-{n}", "quantity": 5, "expiry": "2099-05-01",
                "bin": "A-04-01", "customs_entry": ENTRY, "customs_status": "bonded"}
        response = requests.post(f"{base}/api/v1/merchant/lots", json=body, headers=headers, timeout=60)
    return response.status_code, response.text[:300]


def _checkout(base: str, email: str) -> tuple[int, str]:
    session = requests.Session()
    page = session.get(f"{base}/en/login", timeout=60).text
    signed_in = session.post(f"{base}/en/login", data={"email": email, "password": PASSWORD,
                                                        "csrf_token": live.csrf_of(page)},
                             allow_redirects=False, timeout=60)
    if signed_in.status_code != 302:
        return signed_in.status_code, "sign-in: " + signed_in.text[:300]
    page = session.get(f"{base}/en/checkout", timeout=60).text
    from tests.checkout.conftest import hidden
    response = session.post(f"{base}/en/checkout", allow_redirects=False, timeout=60, data={
        "name": "Ivan Petrov", "phone": "+7 912 345-67-89", "country": "RU", "city": "Moscow",
        "address": "ул. Тверская, д. 7, кв. 12", "postcode": "125009", "line": "auto", "payment_method": "cod",
        "csrf_token": live.csrf_of(page), "idempotency_key": hidden(page, "idempotency_key")})
    return response.status_code, response.headers.get("Location", "") or response.text[:300]


def test_concurrent_merchant_writes_and_checkouts_on_sqlite_under_three_workers(tmp_path):
    world = live.build(tmp_path / "shop.db", buyers=20)
    with live.gunicorn(world.url, tmp_path, env={"RATELIMIT_ENABLED": "0"}, workers=3, threads=1) as server:
        with ThreadPoolExecutor(max_workers=24) as pool:
            writes = [pool.submit(_merchant_write, server.base, world.token, n) for n in range(60)]
            checkouts = [pool.submit(_checkout, server.base, email) for email in world.buyers]
            write_results = [f.result() for f in writes]
            checkout_results = [f.result() for f in checkouts]
        crashes = server.crashes()
    failed_writes = [r for r in write_results if r[0] not in (200, 201)]
    assert failed_writes == [], failed_writes
    failed_checkouts = [r for r in checkout_results if not (r[0] in (302, 303) and "/orders/" in r[1])]
    assert failed_checkouts == [], failed_checkouts
    assert crashes == [], crashes

    engine = sa.create_engine(world.url)
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM product WHERE sku LIKE 'LOAD-%'")) == 30
        assert conn.scalar(sa.text("SELECT count(*) FROM lot WHERE lot_number LIKE 'LOAD-LOT-%'")) == 30
        assert conn.scalar(sa.text('SELECT count(*) FROM "order"')) == 20
        unbalanced = conn.execute(sa.text(
            "SELECT l.lot_number, l.on_hand, l.reserved, coalesce(sum(m.on_hand_delta), 0),"
            " coalesce(sum(m.reserved_delta), 0) FROM lot l LEFT JOIN stock_move m ON m.lot_id = l.id"
            " GROUP BY l.id HAVING l.on_hand != coalesce(sum(m.on_hand_delta), 0)"
            " OR l.reserved != coalesce(sum(m.reserved_delta), 0)")).all()
        assert unbalanced == []
        # Every checkout holds one jar of honey: reserved (or taken) once per order, no more.
        held = conn.scalar(sa.text(
            "SELECT sum(l.reserved) FROM lot l JOIN product p ON p.id = l.product_id WHERE p.sku = 'HN-MOUNTAIN'"))
        assert held == 20
    engine.dispose()

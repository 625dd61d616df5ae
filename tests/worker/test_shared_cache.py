"""With REDIS_URL the page and JSON caches are shared by every worker, and a merchant's change
shows on the very next request to any of them."""
from __future__ import annotations

import http.client
import json
import os
import secrets
import subprocess
import sys

import pytest
import sqlalchemy as sa

from shop import create_app
from shop.extensions import db
from tests.conftest import ROOT, _base_config, _migrate, free_port
from tests.worker.conftest import redis_url


def _get(port: int, path: str, headers: dict | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, body


@pytest.fixture
def two_workers(tmp_path):
    """gunicorn with two workers on a demo SQLite file, caching for a minute in Redis."""
    import redis

    from bench.harness import wait_for_port
    from shop.models import Product, ProductTranslation, User
    from shop.services import merchant as merchant_service
    from shop.services.demo import load_demo
    url = redis_url()
    database = f"sqlite:///{tmp_path / 'shop.db'}"
    _migrate(database)
    app = create_app({**_base_config(), "SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        load_demo()
        product = db.session.scalar(sa.select(Product).where(Product.sku == "KZ-0001"))
        slug = db.session.scalar(sa.select(ProductTranslation.slug).where(
            ProductTranslation.product_id == product.id, ProductTranslation.lang == "en"))
        owner = db.session.scalar(sa.select(User).where(User.merchant_id == product.merchant_id))
        _, token = merchant_service.create_token(owner, "cache test")
        db.session.remove()
        db.engine.dispose()
    prefix = f"test-cache-{secrets.token_hex(4)}"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database, "REDIS_URL": url, "REDIS_PREFIX": prefix,
           "STOREFRONT_PAGE_CACHE_SECONDS": "60", "SHOP_ENV": "development"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "2",
                             "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
                            cwd=ROOT, env=env)
    try:
        wait_for_port(port, "gunicorn")
        yield port, slug, token
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        client.close()


def test_a_price_change_shows_at_once_on_every_worker(two_workers):
    port, slug, token = two_workers
    page = f"/en/products/{slug}"
    cny = {"Cookie": "currency=CNY"}
    before = json.loads(_get(port, "/api/v1/products/KZ-0001")[1])["price"]["amount"]
    assert before != "99.00"
    for _ in range(12):  # both workers render or read the cached page and JSON
        assert _get(port, page, cny)[0] == 200
        assert json.loads(_get(port, "/api/v1/products/KZ-0001")[1])["price"]["amount"] == before

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("PUT", "/api/v1/merchant/products/KZ-0001",
                 body=json.dumps({"price": {"amount": "99.00", "currency": "CNY"}}),
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    changed = conn.getresponse()
    assert changed.status == 200, changed.read()
    conn.close()

    for _ in range(12):
        assert json.loads(_get(port, "/api/v1/products/KZ-0001")[1])["price"]["amount"] == "99.00"
        status, html = _get(port, page, cny)
        assert status == 200 and "99.00" in html

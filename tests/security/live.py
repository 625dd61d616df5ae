"""A shop served by gunicorn with three workers on a SQLite file, for the tests that need real
processes (rate limits across workers, concurrent writes, crashes). Built on the checkout world:
one merchant with a bearer token, buyers with carts."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from shop import create_app
from shop.extensions import db
from tests.checkout.conftest import PASSWORD, base_config, make_buyer, put_in_cart, seed_world
from tests.conftest import _migrate, free_port

ROOT = Path(__file__).resolve().parent.parent.parent
MERCHANT_EMAIL = "merchant@kashgar-goods.example"


@dataclass
class World:
    url: str
    token: str
    buyers: list[str]
    products: dict[str, int]


def build(path: Path, buyers: int = 0) -> World:
    """A migrated SQLite file with the checkout world, a merchant token and `buyers` buyers with carts."""
    from shop.models import Merchant, User
    from shop.services import merchant as merchant_service
    url = f"sqlite:///{path}"
    _migrate(url)
    app = create_app({**base_config(), "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        products = seed_world()
        merchant = db.session.query(Merchant).one()
        user = User(email=MERCHANT_EMAIL, name="Merchant", role="merchant", merchant=merchant)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        _token, secret = merchant_service.create_token(user, "load")
        emails = []
        for n in range(buyers):
            email = f"buyer{n}@example.com"
            put_in_cart(make_buyer(email), {products["HN-MOUNTAIN"]: 1})
            emails.append(email)
        db.session.remove()
        db.engine.dispose()
    return World(url, secret, emails, products)


@dataclass
class Server:
    base: str
    proc: subprocess.Popen
    log: Path

    def crashes(self) -> list[str]:
        """Lines of gunicorn's log telling of a worker that died (signal, timeout, boot failure)."""
        text = self.log.read_text(errors="replace")
        return [line for line in text.splitlines()
                if re.search(r"SIGSEGV|SIGABRT|was sent|WORKER TIMEOUT|Worker failed|exited with code", line)]


@contextmanager
def gunicorn(database_url: str, log_dir: Path, env: dict | None = None, workers: int = 3,
             threads: int = 4) -> Iterator[Server]:
    """`gunicorn wsgi:app` from the project root (so it reads gunicorn.conf.py) on a free port."""
    port = free_port()
    log = log_dir / f"gunicorn-{port}.log"
    settings = {**os.environ, "DATABASE_URL": database_url, "SHOP_ENV": "development", "SECRET_KEY": "live-test",
                "STOREFRONT_PAGE_CACHE_SECONDS": "0", **(env or {})}
    for key in ("REDIS_URL", "RATELIMIT_STORAGE_URI"):
        if env is None or key not in env:
            settings.pop(key, None)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
             "--bind", f"127.0.0.1:{port}", "--log-level", "info", "--timeout", "60", "wsgi:app"],
            cwd=ROOT, env=settings, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                requests.get(f"{base}/healthz", timeout=5)
                break
            except requests.RequestException:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{log.read_text(errors='replace')[-3000:]}") from None
                time.sleep(0.2)
        yield Server(base, proc, log)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no csrf_token on the page"
    return match.group(1)

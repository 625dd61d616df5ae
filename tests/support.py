"""What every test folder builds with: the test configuration and databases, a transaction per
test that is rolled back at its end, and the builders for users, merchants, categories,
products, lots, orders and sign-ins (each folder's conftest.py composes its own small world
from these)."""
from __future__ import annotations

import datetime as dt
import os
import re
import socket
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from flask_sqlalchemy.session import Session as FlaskSession

from config import TestingConfig
from shop import create_app
from shop.database import configure_engine
from shop.extensions import db

ROOT = Path(__file__).resolve().parent.parent
# SQLite always; PostgreSQL too when TEST_DATABASE_URL is set.
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
LANGS = ("en", "zh", "ru", "ur")
_CONNECTION = "tests.connection"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_config() -> dict[str, Any]:
    return {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}


def migrate(url: str) -> None:
    """Bring the database at `url` to the newest migration."""
    from flask_migrate import upgrade

    app = create_app({**base_config(), "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()


@contextmanager
def live_shop(db_path: Path, seed: Any, **config: Any) -> Iterator[tuple[str, Flask]]:
    """The shop on a migrated SQLite file, seeded by `seed()`, served on a free port in a thread
    as in production (CSRF on, not TESTING); yields its base URL and the app."""
    import threading

    from werkzeug.serving import make_server
    url = f"sqlite:///{db_path}"
    migrate(url)
    app = create_app({**base_config(), "SQLALCHEMY_DATABASE_URI": url, "TESTING": False, "WTF_CSRF_ENABLED": True,
                      **config})
    with app.app_context():
        seed()
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.shutdown()


# ---- a transaction per test ------------------------------------------------------------------

class TestSession(FlaskSession):
    """The app's session; inside a test that runs in a transaction every session of that app
    (the test's own, each request's) works on the test's one connection, each in a SAVEPOINT:
    `commit()` releases it, `rollback()` returns to it, and nothing reaches the database."""

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None,
                 **kwargs: Any) -> sa.Engine | sa.Connection:
        if bind is None and has_app_context():
            connection = current_app.extensions.get(_CONNECTION)
            if connection is not None:
                return connection
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def install_test_session() -> None:
    factory = db.session.session_factory
    factory.class_ = TestSession
    # SQLAlchemy 2's "join a session into an external transaction" recipe.
    factory.configure(join_transaction_mode="create_savepoint")


_engines: dict[str, sa.Engine] = {}


def engine_for(url: str) -> sa.Engine:
    """One engine per test database for the run, set up as the shop sets up its own."""
    if url not in _engines:
        engine = sa.create_engine(url)
        configure_engine(engine)
        _engines[url] = engine
    return _engines[url]


def dispose_engines() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


@contextmanager
def rolled_back(app: Flask) -> Iterator[Flask]:
    """Run `app` on one connection inside a transaction that is rolled back afterwards."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    connection = engine_for(url).connect()
    outer = connection.begin()
    if connection.dialect.name == "postgresql":
        _restart_sequences(url, connection)
    app.extensions[_CONNECTION] = connection
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
        app.extensions.pop(_CONNECTION, None)
        if outer.is_active:
            outer.rollback()
        connection.close()


_sequences: dict[str, str] = {}


def _restart_sequences(url: str, connection: sa.Connection) -> None:
    """Put PostgreSQL's sequences back where the run's database left them: a rollback does not
    (nextval is outside transactions), and the ids a test sees should not depend on which tests
    ran before it."""
    if url not in _sequences:
        names = connection.exec_driver_sql(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'S' AND n.nspname = current_schema() ORDER BY c.relname").scalars().all()
        states = [connection.exec_driver_sql(f'SELECT last_value, is_called FROM "{name}"').one() for name in names]
        _sequences[url] = "SELECT " + ", ".join(
            f"setval('\"{name}\"', {last}, {'true' if called else 'false'})"
            for name, (last, called) in zip(names, states, strict=True)) if names else ""
    if _sequences[url]:
        connection.exec_driver_sql(_sequences[url])


def in_transaction(app: Flask) -> bool:
    """Whether `app` runs inside a test's rolled-back transaction (rather than committing)."""
    return _CONNECTION in app.extensions


def committed(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("committed") is not None


def app_for(request: pytest.FixtureRequest, backend: str, **config) -> Iterator[Flask]:
    """An app on the run's database for `backend` (the demo one when the test asks for `demo`),
    inside a rolled-back transaction, or committing when the test is marked `committed`.
    Folders with apps of their own (Stripe configured, say) yield from this too."""
    real_commits = committed(request)
    wants_demo = "demo" in request.fixturenames and not real_commits
    urls = request.getfixturevalue("demo_database_urls" if wants_demo else "database_urls")
    app = create_app({**base_config(), "SQLALCHEMY_DATABASE_URI": urls[backend], **config})
    try:
        if real_commits:
            with app.app_context():
                empty_tables()
            yield app
            with app.app_context():
                db.session.remove()
                empty_tables()
        else:
            with rolled_back(app):
                yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def empty_tables() -> None:
    """Delete every row of every table, committed (for tests that need real commits)."""
    tables = list(db.metadata.sorted_tables)
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        # TRUNCATE takes exclusive locks table by table; should it meet autovacuum or a
        # connection a previous test left behind, PostgreSQL picks a deadlock victim: try again.
        for attempt in range(5):
            try:
                db.session.execute(sa.text("SET LOCAL lock_timeout = '20s'"))
                db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                db.session.commit()
                return
            except sa.exc.OperationalError:
                db.session.rollback()
                if attempt == 4:
                    raise
                time.sleep(0.5 * (attempt + 1))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
        if db.session.execute(sa.text(
                "SELECT 1 FROM sqlite_master WHERE name='search_fts'")).first():
            db.session.execute(sa.text("DELETE FROM search_fts"))
    db.session.commit()


# ---- pages and sign-ins ----------------------------------------------------------------------

def hidden(html: str, name: str) -> str:
    """The value of the form field `name` in a page (attributes in either order)."""
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html)
    assert match, f"no {name} in the page"
    return match.group(1)


def csrf_from(html: str) -> str:
    """The CSRF token of a page's form."""
    token = hidden(html, "csrf_token")
    assert token, "an empty csrf_token in the page"
    return token


def csrf_token(client: Any, path: str) -> str:
    """The CSRF token of the form at `path`."""
    return csrf_from(client.get(path).get_data(as_text=True))


def sign_in(client: Any, email: str, password: str, lang: str = "en") -> Any:
    """Sign in through the login form; the response must be the redirect a person follows."""
    response = client.post(f"/{lang}/login", data={"email": email, "password": password,
                                                   "csrf_token": csrf_token(client, f"/{lang}/login")})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    return response


class AuthActions:
    """Sign in and out through the forms, as a person does (flaskr's `auth` fixture)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def csrf(self, path: str) -> str:
        return csrf_token(self._client, path)

    def login(self, email: str, password: str, lang: str = "en") -> Any:
        token = self.csrf(f"/{lang}/login")
        return self._client.post(f"/{lang}/login", data={"email": email, "password": password, "csrf_token": token})

    def logout(self, lang: str = "en") -> Any:
        token = self.csrf(f"/{lang}/logout")
        return self._client.post(f"/{lang}/logout", data={"csrf_token": token})


# ---- rows ------------------------------------------------------------------------------------

def add_user(email: str, password: str, *, role: str = "buyer", name: str | None = None, lang: str | None = None,
             merchant: Any = None) -> Any:
    """An account that signs in with `password` (flushed, not committed)."""
    from shop.models import User
    user = User(email=email, name=name if name is not None else email.split("@")[0], role=role, merchant=merchant)
    if lang is not None:
        user.preferred_lang = lang
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def add_merchant(slug: str, name: str, display_names: Mapping[str, str] | None = None) -> Any:
    from shop.models import Merchant
    merchant = Merchant(slug=slug, name=name, display_names=dict(display_names or {}))
    db.session.add(merchant)
    return merchant


def add_category(slug: str, names: Mapping[str, str] | Iterable[str], *, parent: Any = None,
                 position: int | None = None, described: bool = False) -> Any:
    """A category named in each language given (`names` by language, or in LANGS order)."""
    from shop.models import Category, CategoryTranslation
    by_lang = dict(names) if isinstance(names, Mapping) else dict(zip(LANGS, names, strict=False))
    category = Category(slug=slug, parent=parent)
    if position is not None:
        category.position = position
    for lang, name in by_lang.items():
        extra = {"description": f"{name}."} if described else {}
        category.translations.append(CategoryTranslation(lang=lang, name=name, **extra))
    db.session.add(category)
    return category


def add_product(*, sku: str, merchant: Any, category: Any, names: Mapping[str, str] | Iterable[str],
                price: str | Decimal = "10.00", slug: str | Mapping[str, str] | None = None,
                descriptions: Mapping[str, str] | None = None, **fields: Any) -> Any:
    """A product named in each language given; `fields` are the Product's own columns."""
    from shop.models import Product, ProductTranslation
    by_lang = dict(names) if isinstance(names, Mapping) else dict(zip(LANGS, names, strict=False))
    product = Product(sku=sku, merchant=merchant, category=category, price_cny=Decimal(price), **fields)
    for lang, name in by_lang.items():
        lang_slug = slug.get(lang, sku.lower()) if isinstance(slug, Mapping) else (slug or sku.lower())
        extra = {"description": descriptions.get(lang, "")} if descriptions is not None else {}
        product.translations.append(ProductTranslation(lang=lang, name=name, slug=lang_slug, **extra))
    db.session.add(product)
    return product


def add_lot(product: Any, lot_number: str, quantity: int, *, reserved: int = 0, customs_entry: str = "CE-2026-0001",
            bin: str = "A-01-01", expiry: dt.date | None = None, intake_note: str | None = "intake",
            **fields: Any) -> Any:
    """A lot of `quantity` units in a bin; its intake (and any reservation) in the stock ledger
    unless `intake_note` is None."""
    from shop.models import Lot, StockMove
    lot = Lot(product=product, lot_number=lot_number, customs_entry=customs_entry, on_hand=quantity,
              reserved=reserved, bin=bin, expiry=expiry, **fields)
    db.session.add(lot)
    if intake_note is not None:
        db.session.add(StockMove(lot=lot, kind="intake", on_hand_delta=quantity, note=intake_note))
        if reserved:
            db.session.add(StockMove(lot=lot, kind="reserve", reserved_delta=reserved, note=intake_note))
    return lot


def add_order(number: str, *, lines: Iterable[tuple[Any, int]] = (), shipping: str = "20.00",
              tax: str = "0", **fields: Any) -> Any:
    """An order in CNY of (product, quantity) lines at the products' prices; totals add up.
    `fields` are the Order's own columns (status, address, payment method...)."""
    from shop.models import Order, OrderLine
    defaults: dict[str, Any] = dict(status="paid", flow="export", payment_method="cod", currency="CNY",
                                    exchange_rate=Decimal(1))
    order = Order(number=number, **{**defaults, **fields})
    goods = Decimal(0)
    for product, quantity in lines:
        order.lines.append(OrderLine(product=product, sku=product.sku, name=product.text("en").name,
                                     quantity=quantity, unit_price_cny=product.price_cny))
        goods += product.price_cny * quantity
    order.goods_cny, order.shipping_cny, order.tax_cny = goods, Decimal(shipping), Decimal(tax)
    order.total_cny = goods + order.shipping_cny + order.tax_cny
    db.session.add(order)
    return order


def count(model: Any, *where: Any) -> int:
    """How many rows of `model` match `where`."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

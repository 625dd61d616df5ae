"""Fixtures in the flaskr style: app, client, runner, auth; every database test runs on
SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL too (a fresh schema per run)."""
from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from config import TestingConfig
from shop import create_app
from shop.extensions import db

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _migrate(url: str) -> None:
    from flask_migrate import upgrade
    app = create_app({**_base_config(), "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()


def _base_config() -> dict:
    return {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory):
    """One migrated database per backend for the whole run; PostgreSQL in its own schema."""
    urls = {}
    sqlite_file = tmp_path_factory.mktemp("db") / "shop.db"
    urls["sqlite"] = f"sqlite:///{sqlite_file}"
    schema = None
    if "postgresql" in BACKENDS:
        base = sa.engine.make_url(os.environ["TEST_DATABASE_URL"])
        schema = f"test_{os.getpid()}_{secrets.token_hex(3)}"
        admin = sa.create_engine(base)
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        admin.dispose()
        urls["postgresql"] = base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    for url in urls.values():
        _migrate(url)
    yield urls
    if schema:
        admin = sa.create_engine(sa.engine.make_url(os.environ["TEST_DATABASE_URL"]))
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def _empty_tables() -> None:
    tables = [t for t in db.metadata.sorted_tables]
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


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app(backend, database_urls):
    """An app on an empty, migrated database (SQLite, then PostgreSQL when configured)."""
    app = create_app({**_base_config(), "SQLALCHEMY_DATABASE_URI": database_urls[backend]})
    try:
        with app.app_context():
            _empty_tables()
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def demo(app):
    """The app with the demo data loaded."""
    from shop.services.demo import load_demo
    with app.app_context():
        load_demo()
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def csrf(self, path: str) -> str:
        import re
        page = self._client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', page)
        assert match, f"no csrf_token on {path}"
        return match.group(1)

    def login(self, email: str, password: str, lang: str = "en"):
        token = self.csrf(f"/{lang}/login")
        return self._client.post(f"/{lang}/login", data={"email": email, "password": password, "csrf_token": token})

    def logout(self, lang: str = "en"):
        token = self.csrf(f"/{lang}/logout")
        return self._client.post(f"/{lang}/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    return AuthActions(client)


# ---- browser ---------------------------------------------------------------------------

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (skipped, or failed with REQUIRE_BROWSER=1)."""
    path = chromium_path()
    if not path:
        message = "Chromium not found (install Debian's chromium or set CHROMIUM_PATH)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + " and REQUIRE_BROWSER=1")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The shop with its demo data, served on a free port in a thread (SQLite file)."""
    from werkzeug.serving import make_server

    path = tmp_path_factory.mktemp("live") / "live.db"
    url = f"sqlite:///{path}"
    _migrate(url)
    app = create_app({**_base_config(), "SQLALCHEMY_DATABASE_URI": url, "TESTING": False,
                      "WTF_CSRF_ENABLED": True})
    with app.app_context():
        from shop.services.demo import load_demo
        load_demo()
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def artefacts() -> Path:
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    return out


@pytest.fixture(scope="session")
def localstripe_url():
    """localstripe on 127.0.0.1 and a free port, in a thread with its own event loop, saving nothing
    (once per run: its aiohttp app can be bound to one event loop only)."""
    import localstripe.resources
    localstripe.resources.Store.dump_to_disk = lambda self: None
    from aiohttp import web
    from localstripe.server import app as stripe_app
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(stripe_app, access_log=None)
    ready = threading.Event()

    def serve():
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(15), "localstripe did not start"
    yield f"http://127.0.0.1:{port}"
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()

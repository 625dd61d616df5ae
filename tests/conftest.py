"""Fixtures in the flaskr style: app, client, runner, auth. Every database test runs on SQLite
and, when TEST_DATABASE_URL is set, on PostgreSQL too (a fresh schema per run and per worker).

Each test runs inside a transaction rolled back at its end, on a database migrated once per
run: an empty one, or one holding the demo (loaded once per database per run) when the test
asks for `demo`. Tests marked `committed` (threads racing on several connections, another
engine editing rows) get real commits on the empty database instead, emptied before and after."""
from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import settings

from shop import create_app
from shop.extensions import db
from tests.support import (
    BACKENDS,
    ROOT,
    AuthActions,
    app_for,
    base_config,
    dispose_engines,
    empty_tables,
    free_port,
    in_transaction,
    install_test_session,
    live_shop,
    migrate,
)

# Property tests check behaviour, not speed: on a busy machine an example may take longer than
# Hypothesis's 200 ms default without anything being wrong (speed is measured in bench/). They
# draw the same examples on every run (derandomize), so a run on CI tells what a run here told;
# `HYPOTHESIS_EXPLORE=1` draws new ones, to look for more.
settings.register_profile("shop", deadline=None, derandomize=os.environ.get("HYPOTHESIS_EXPLORE") != "1")
settings.load_profile("shop")

# Names the test folders import from here.
__all__ = ["AuthActions", "ROOT", "free_port", "_empty_tables", "_migrate", "_base_config"]
_empty_tables, _migrate, _base_config = empty_tables, migrate, base_config

install_test_session()


class _Schemas:
    """PostgreSQL schemas made for this run (this worker), dropped at its end."""

    def __init__(self) -> None:
        self.base = sa.engine.make_url(os.environ["TEST_DATABASE_URL"]) if "postgresql" in BACKENDS else None
        self.prefix = f"test_{os.getpid()}_{secrets.token_hex(3)}"
        self.made: list[str] = []

    def new(self, name: str) -> str:
        assert self.base is not None
        schema = f"{self.prefix}_{name}"
        admin = sa.create_engine(self.base)
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        admin.dispose()
        self.made.append(schema)
        return self.base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)

    def drop(self) -> None:
        if not self.made:
            return
        admin = sa.create_engine(self.base)
        with admin.begin() as conn:
            for schema in self.made:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(scope="session")
def _schemas() -> Iterator[_Schemas]:
    schemas = _Schemas()
    yield schemas
    dispose_engines()
    schemas.drop()


def _new_databases(name: str, tmp_path_factory: pytest.TempPathFactory, schemas: _Schemas) -> dict[str, str]:
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp(name) / 'shop.db'}"}
    if "postgresql" in BACKENDS:
        urls["postgresql"] = schemas.new(name)
    for url in urls.values():
        migrate(url)
    return urls


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory, _schemas) -> dict[str, str]:
    """One empty, migrated database per backend for the whole run."""
    return _new_databases("db", tmp_path_factory, _schemas)


@pytest.fixture(scope="session")
def demo_database_urls(tmp_path_factory, _schemas) -> dict[str, str]:
    """One migrated database per backend holding the demo data, committed once for the run."""
    from shop.services.demo import load_demo
    urls = _new_databases("demo", tmp_path_factory, _schemas)
    for url in urls.values():
        app = create_app({**base_config(), "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            load_demo()
            db.session.remove()
            db.engine.dispose()
    return urls


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app(request, backend) -> Iterator[Flask]:
    """An app on an empty, migrated database (SQLite, then PostgreSQL when configured)."""
    yield from app_for(request, backend)


@pytest.fixture
def demo(app) -> Flask:
    """The app with the demo data loaded."""
    if not in_transaction(app):  # a committed test: its database starts empty
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


@pytest.fixture
def auth(client) -> AuthActions:
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
    from shop.services.demo import load_demo
    with live_shop(tmp_path_factory.mktemp("live") / "live.db", load_demo) as (base, _app):
        yield base


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

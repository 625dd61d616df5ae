"""The daily exchange-rate refresh against a feed served over real HTTP on this machine."""
from __future__ import annotations

import datetime as dt
import http.server
import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa

from shop.extensions import db
from tests.unit.test_exchange import FEED


@pytest.fixture
def feed_server():
    """Serves FEED at /daily.xml and answers 500 elsewhere; yields the base address."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path == "/daily.xml":
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.end_headers()
                self.wfile.write(FEED)
            else:
                self.send_error(500)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _rates(app):
    from shop.models import ExchangeRate
    with app.app_context():
        return {(r.currency, r.as_of): r.rate for r in db.session.scalars(sa.select(ExchangeRate))}


def test_the_feed_fills_in_the_days_rates_and_keeps_what_the_admin_set(app, runner, feed_server):
    from shop.services import admin
    with app.app_context():
        admin.set_rate("KZT", Decimal("70.5"), dt.date(2026, 12, 2), None)
    app.config["EXCHANGE_RATES_URL"] = f"{feed_server}/daily.xml"
    result = runner.invoke(args=["shop", "refresh-rates"])
    assert result.exit_code == 0, result.output
    assert "written EUR, USD" in result.output and "kept the admin's KZT" in result.output
    rates = _rates(app)
    assert rates[("USD", dt.date(2026, 12, 2))] == Decimal("0.14")
    assert rates[("KZT", dt.date(2026, 12, 2))] == Decimal("70.5")
    assert ("JPY", dt.date(2026, 12, 2)) not in rates  # not a currency the shop trades in
    again = runner.invoke(args=["shop", "refresh-rates"])
    assert again.exit_code == 0 and "written none" in again.output
    assert _rates(app) == rates


def test_a_broken_feed_changes_nothing_and_says_so(app, runner, feed_server):
    app.config["EXCHANGE_RATES_URL"] = f"{feed_server}/broken.xml"
    result = runner.invoke(args=["shop", "refresh-rates"])
    assert result.exit_code == 1 and "nothing changed" in result.output
    assert _rates(app) == {}


def test_without_a_feed_the_admins_rates_stay(app, runner):
    result = runner.invoke(args=["shop", "refresh-rates"])
    assert result.exit_code == 1 and "EXCHANGE_RATES_URL is not set" in result.output

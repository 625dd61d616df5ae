"""An operator's token has a budget of calls (OPERATOR_API_RATE_LIMIT): past it, 429 and nothing recorded."""
from __future__ import annotations

import datetime as dt
import secrets

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import ShipmentEvent
from tests.support import app_for
from tests.tracking.conftest import bearer, now


@pytest.fixture
def app(request, backend):
    yield from app_for(request, backend, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                       RATELIMIT_KEY_PREFIX=f"tracking-{secrets.token_hex(4)}", OPERATOR_API_RATE_LIMIT="3 per minute")


def test_a_token_past_its_budget_is_told_to_wait(app, client, moscow, operators):
    statuses = [client.post(f"/api/v1/shipments/{moscow.waybill}/events", headers=bearer(operators["KHG-MOW-TRUCK"]),
                            json={"status": "in_transit", "at": (now() - dt.timedelta(minutes=n)).isoformat()}
                            ).status_code for n in range(1, 6)]
    assert statuses == [201, 201, 201, 429, 429]
    # Another line's operator has a budget of its own.
    other = client.post(f"/api/v1/shipments/{moscow.waybill}/events", headers=bearer(operators["KHG-PK-TRUCK"]),
                        json={"status": "in_transit", "at": now().isoformat()})
    assert other.status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ShipmentEvent.id))) == 3

"""An operator's system that sends the same report several times at once (a retry racing the first
try) records one event, answers 201 once and 200 for the others, and delivers the order once."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from shop.extensions import db
from shop.models import AuditLog, OutboxMessage, ShipmentEvent
from shop.services import tracking
from tests.tracking.conftest import ship

pytestmark = pytest.mark.committed
COPIES = 6


def test_the_same_report_sent_at_once_is_one_event(app, world):
    with app.app_context():
        shipped = ship(world)
        _view, secret = tracking.create_operator_token("KHG-MOW-TRUCK", "racer", None)
        operator = tracking.authenticate(secret)[0]
    at = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)).isoformat()
    barrier = threading.Barrier(COPIES)
    created: list[bool] = []
    errors: list[BaseException] = []

    def send():
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                created.append(tracking.record_event(shipped.waybill, {"status": "delivered", "at": at},
                                                     operator=operator).created)
            except BaseException as error:  # noqa: B036  every failure is reported
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(created) == [False] * (COPIES - 1) + [True]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ShipmentEvent.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.action == "order.deliver")) == 1
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.template == "order_delivered")) == 1

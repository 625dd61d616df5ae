"""The background worker: its schedule, /healthz's view of it, and a real consumer that expires
an unpaid order and delivers the mail with no HTTP request in between."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from shop import create_app, worker
from shop.extensions import db
from tests.checkout.conftest import base_config, make_buyer, seed_world, stripe_config
from tests.conftest import _migrate


def test_the_schedule_runs_the_heartbeat_expiry_and_the_outbox_every_minute():
    for minute in (dt.datetime(2026, 12, 3, 10, 17), dt.datetime(2026, 12, 3, 23, 59)):
        due = {task.name for task in worker.huey.read_periodic(minute)}
        assert {"heartbeat", "expire-reservations", "deliver-outbox", "roll-over-departures"} <= due
    every_five = {task.name for task in worker.huey.read_periodic(dt.datetime(2026, 12, 3, 10, 15))}
    assert {"reconcile-payments", "retry-failed-refunds"} <= every_five
    daily = {task.name for task in worker.huey.read_periodic(dt.datetime(2026, 12, 3, 0, 0))}
    assert "merchant-alerts" in daily


def test_health_says_the_worker_is_down_until_it_beats_and_counts_the_queue(client, queue):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["worker"] == {"last_seen": None, "ok": False}
    assert body["queue"] == {"pending": 0}

    worker.beat()
    worker.deliver_outbox_now()  # waits in the queue: no consumer runs in this test
    body = client.get("/healthz").get_json()
    assert body["worker"]["ok"] is True
    assert dt.datetime.fromisoformat(body["worker"]["last_seen"]) > dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    assert body["queue"] == {"pending": 1}


def test_a_heartbeat_older_than_two_minutes_is_not_ok(client, queue):
    old = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3)
    queue.put(worker.HEARTBEAT_KEY, old.isoformat())
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["worker"] == {"last_seen": old.isoformat(), "ok": False}


def test_health_answers_503_when_the_database_does_not(queue):
    app = create_app({**base_config(), "SQLALCHEMY_DATABASE_URI":
                      "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error" and body["database"] == "unavailable"


@pytest.fixture
def consumer_app(tmp_path, smtp_server):
    """An app on its own SQLite file (the consumer's threads use their own connections), with
    mail going to the real SMTP server and a card payment nobody makes."""
    host, port, mailbox = smtp_server
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    _migrate(url)
    app = create_app({**base_config(), **stripe_config("http://127.0.0.1:9"), "SQLALCHEMY_DATABASE_URI": url,
                      "MAIL_SERVER": host, "MAIL_PORT": port, "MAIL_FROM": "shop@kashgar.example"})
    yield app, mailbox
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_real_consumer_expires_an_unpaid_order_and_mails_the_buyer(consumer_app, queue):
    from shop.models import Lot, Order
    from shop.services import ordering
    app, mailbox = consumer_app
    with app.app_context():
        world = seed_world()
        buyer = make_buyer("late@example.com", lang="ru")
        placed = ordering.place_order(
            user_id=buyer, email="late@example.com", lang="ru", items=[(world["CR-ROSE"], 3)],
            address=ordering.ShippingAddress("Анна", "+79123456789", "RU", "Moscow", "Tverskaya 7", "125009"),
            line="auto", payment_method="stripe", currency="RUB", idempotency_key="k-worker",
            now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
        assert db.session.scalar(sa.select(Lot.reserved).where(Lot.lot_number == "LOT-CR-1")) == 3
        db.session.remove()
    received_before = len(mailbox.messages)

    worker.bind_app(app)
    consumer = queue.create_consumer(workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        result = worker.expire_reservations_now()
        assert result.get(blocking=True, timeout=30) == [placed.number]
        messages = mailbox.wait_for(received_before + 1)
    finally:
        consumer.stop(graceful=True)
        worker.bind_app(None)

    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.number == placed.number))
        assert order.status == "cancelled"
        assert db.session.scalar(sa.select(Lot.reserved).where(Lot.lot_number == "LOT-CR-1")) == 0
    mails = [m for m in messages if m["To"] == "late@example.com"]
    assert mails and placed.number in mails[-1]["Subject"]


@pytest.mark.committed  # the consumer's thread works on a connection of its own
def test_tasks_travel_through_redis_to_a_consumer(redis_queue, demo):
    worker.bind_app(demo)
    consumer = redis_queue.create_consumer(workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        assert worker.deliver_outbox_now().get(blocking=True, timeout=30) == 0
    finally:
        consumer.stop(graceful=True)
        worker.bind_app(None)
    assert redis_queue.pending_count() == 0

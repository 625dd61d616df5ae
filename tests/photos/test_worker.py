"""Renditions are the worker's job: with a real Huey consumer (not inline), an uploaded photo first
has none, then the consumer makes them with no HTTP request in between; the sweep catches up on any
photo whose task was lost."""
from __future__ import annotations

import time

import pytest
from huey.storage import SqliteStorage

from shop import worker
from tests.photos.conftest import bearer, picture
from tests.photos.test_api import upload


@pytest.fixture
def queue(tmp_path, monkeypatch):
    storage = SqliteStorage(name=worker.huey.name, filename=str(tmp_path / "huey.db"))
    monkeypatch.setattr(worker.huey, "storage", storage)
    return worker.huey


def images_json(client):
    return client.get("/api/v1/products/A-BREAD-1").get_json()["images"]


@pytest.mark.committed  # the consumer's thread reads and writes on a connection of its own
def test_a_real_consumer_makes_the_renditions_of_an_uploaded_photo(shop, alpha_token, queue):
    shop.config["HUEY_IMMEDIATE"] = False
    client = shop.test_client()
    created = upload(client, alpha_token, picture("JPEG", (1500, 1000)))
    assert created.status_code == 201 and created.get_json()["renditions"] == []
    assert queue.pending_count() == 1
    worker.bind_app(shop)
    consumer = queue.create_consumer(workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        deadline = time.monotonic() + 60
        while not images_json(client)[0]["renditions"] and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        consumer.stop(graceful=True)
        worker.bind_app(None)
    assert [r["width"] for r in images_json(client)[0]["renditions"]] == [320, 640, 1280]
    assert queue.pending_count() == 0


@pytest.mark.committed
def test_the_sweep_makes_renditions_whose_task_was_lost(shop, alpha_token, queue):
    shop.config["HUEY_IMMEDIATE"] = False
    client = shop.test_client()
    upload(client, alpha_token, picture("PNG", (700, 500)))
    queue.flush()  # the queued task is lost
    with shop.app_context():
        made = worker.make_missing_renditions_every_ten_minutes.call_local()
    assert len(made) == 1
    assert [r["width"] for r in images_json(client)[0]["renditions"]] == [320, 640, 700]
    with shop.app_context():
        assert worker.make_missing_renditions_every_ten_minutes.call_local() == []
    assert client.delete(f"/api/v1/merchant/products/A-BREAD-1/images/{made[0]}",
                         headers=bearer(alpha_token)).status_code == 204

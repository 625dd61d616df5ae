"""The background worker: one Huey instance, its tasks and their schedule.

Each task opens an app context and calls a use case; every use case it calls is safe to run
twice (expiring an order already expired, or delivering an outbox already empty, changes
nothing). The queue is a SQLite file under `instance/` by default (nothing to install) and
Redis when `REDIS_URL` is set, so web workers and the consumer share it.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from huey import Huey, RedisHuey, SqliteHuey, crontab

log = logging.getLogger("shop.worker")

HEARTBEAT_KEY = "worker-heartbeat"
# The worker counts as alive while its last heartbeat is younger than this.
HEARTBEAT_MAX_AGE = dt.timedelta(minutes=2)

T = TypeVar("T")


def make_huey(*, redis_url: str | None = None, filename: str | None = None, name: str = "kashgar-shop",
              immediate: bool = False) -> Huey:
    """RedisHuey when `redis_url` is given, else SqliteHuey on `filename` (instance/huey.db)."""
    if redis_url:
        return RedisHuey(name=name, url=redis_url, immediate=immediate, utc=True)
    path = Path(filename or Path(__file__).resolve().parent.parent / "instance" / "huey.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name=name, filename=str(path), immediate=immediate, utc=True)


def _from_environment() -> Huey:
    return make_huey(redis_url=os.environ.get("REDIS_URL") or None,
                     filename=os.environ.get("HUEY_FILE") or None,
                     name=os.environ.get("HUEY_NAME") or "kashgar-shop")


huey = _from_environment()

_app: Any = None


def _flask_app() -> Any:
    """The app the tasks run in: the one the web process bound (tests, immediate mode) or one
    built from the environment in the consumer process."""
    global _app
    if _app is None:
        from config import config_for_env
        from shop import create_app
        _app = create_app(config_for_env())
    return _app


def bind_app(app: Any) -> None:
    """Run tasks inside `app` (create_app calls this, so web and worker share one config)."""
    global _app
    _app = app


def in_app(job: Callable[[], T]) -> T:
    """Run `job` in the current app context (immediate mode, inside a request or a test),
    else in the worker's own app."""
    from flask import has_app_context
    if has_app_context():
        return job()
    with _flask_app().app_context():
        return job()


# ---- the use cases the worker runs ------------------------------------------------------

def beat() -> str:
    """Write the heartbeat /healthz reads; returns the time written."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    huey.put(HEARTBEAT_KEY, now)
    return now


def last_heartbeat() -> dt.datetime | None:
    """When the worker last beat (None if it never did), without consuming the value."""
    raw = huey.get(HEARTBEAT_KEY, peek=True)
    if not raw:
        return None
    try:
        return dt.datetime.fromisoformat(str(raw))
    except ValueError:
        return None


def worker_health(now: dt.datetime | None = None) -> dict[str, Any]:
    """`{"last_seen": ISO time or None, "ok": bool}` and the queue's length, for /healthz."""
    now = now or dt.datetime.now(dt.UTC)
    seen = last_heartbeat()
    try:
        pending: int | None = huey.pending_count()
    except Exception:  # noqa: BLE001  a queue that cannot be read is reported, not raised
        log.exception("could not read the queue")
        pending = None
    return {
        "worker": {"last_seen": seen.isoformat() if seen else None,
                   "ok": bool(seen and now - seen <= HEARTBEAT_MAX_AGE)},
        "queue": {"pending": pending},
    }


def _expire() -> list[str]:
    from shop.services import outbox, payments
    numbers = payments.expire_reservations()
    outbox.deliver_quietly()
    if numbers:
        log.info("expired %d unpaid order(s): %s", len(numbers), ", ".join(numbers))
    return list(numbers)


def _deliver() -> int:
    from shop.services import outbox
    return outbox.deliver_pending()


def _refresh_rates() -> dict[str, Any]:
    from flask import current_app

    from shop.adapters.feeds import fetch
    from shop.services.exchange_rates import refresh_exchange_rates
    result = refresh_exchange_rates(current_app.config.get("EXCHANGE_RATES_URL"), fetch)
    return {"as_of": result.as_of, "written": result.written, "kept": result.kept, "error": result.error}


def _merchant_alerts() -> list[str]:
    from shop.domain.routing import SHANGHAI
    from shop.services import alerts, outbox
    sent = alerts.send_merchant_alerts(dt.datetime.now(dt.UTC).astimezone(SHANGHAI).date())
    outbox.deliver_quietly()
    return sent


def _rollover() -> list[str]:
    from shop.services import outbox, rollover
    moved = rollover.roll_over_missed_departures()
    outbox.deliver_quietly()
    if moved:
        log.info("moved %d shipment(s) to a later departure: %s", len(moved), ", ".join(m.order for m in moved))
    return [m.order for m in moved]


def _reconcile() -> dict[str, str]:
    from shop.services import outbox, reconciliation
    settled = reconciliation.reconcile_payments()
    outbox.deliver_quietly()
    return settled


def _retry_refunds() -> list[int]:
    from shop.services import outbox, payments, refunds
    done = payments.retry_failed_refunds()
    refunds.retry_failed_refund_rows()
    outbox.deliver_quietly()
    return done


def _renditions(image_id: int) -> list[int]:
    from shop.services import photos
    return photos.make_renditions(image_id)


def _missing_renditions() -> list[int]:
    from shop.services import photos
    made = []
    for image_id in photos.pending_renditions():
        try:
            if photos.make_renditions(image_id):
                made.append(image_id)
        except Exception:  # noqa: BLE001  one photo the store cannot give back must not stop the rest
            log.exception("could not make the renditions of photo %s", image_id)
    return made


# ---- tasks and the schedule ------------------------------------------------------------

@huey.periodic_task(crontab(minute="*"), name="heartbeat")
def heartbeat() -> str:
    return beat()


@huey.periodic_task(crontab(minute="*"), name="expire-reservations")
def expire_reservations_every_minute() -> list[str]:
    return in_app(_expire)


@huey.task(name="expire-reservations-now")
def expire_reservations_now() -> list[str]:
    return in_app(_expire)


@huey.periodic_task(crontab(minute="*"), name="deliver-outbox")
def deliver_outbox_every_minute() -> int:
    return in_app(_deliver)


@huey.task(name="deliver-outbox-now", retries=3, retry_delay=30)
def deliver_outbox_now() -> int:
    return in_app(_deliver)


# The ECB publishes around 16:00 CET; an hour later is safe, and a retry an hour after that.
@huey.periodic_task(crontab(hour="16,17", minute="5"), name="refresh-exchange-rates")
def refresh_exchange_rates_daily() -> dict[str, Any]:
    return in_app(_refresh_rates)


# 08:00 in Kashgar's business time (Asia/Shanghai), before the merchants' day starts.
@huey.periodic_task(crontab(hour="0", minute="0"), name="merchant-alerts")
def merchant_alerts_daily() -> list[str]:
    return in_app(_merchant_alerts)


@huey.periodic_task(crontab(minute="*"), name="roll-over-departures")
def roll_over_departures_every_minute() -> list[str]:
    return in_app(_rollover)


@huey.periodic_task(crontab(minute="*/5"), name="reconcile-payments")
def reconcile_payments_every_five_minutes() -> dict[str, str]:
    return in_app(_reconcile)


@huey.periodic_task(crontab(minute="*/5"), name="retry-failed-refunds")
def retry_failed_refunds_every_five_minutes() -> list[int]:
    return in_app(_retry_refunds)


@huey.task(name="make-renditions", retries=3, retry_delay=60)
def make_renditions(image_id: int) -> list[int]:
    """The WebP renditions of one photo (queued by the portal, the API and import-images)."""
    return in_app(lambda: _renditions(image_id))


@huey.periodic_task(crontab(minute="*/10"), name="make-missing-renditions")
def make_missing_renditions_every_ten_minutes() -> list[int]:
    """Photos whose renditions were never made (the worker was down, the store failed)."""
    return in_app(_missing_renditions)

"""gunicorn settings read by `make run`, bench/harness.py and any `gunicorn wsgi:app` started in
the project root: no database connection crosses a fork (SQLite or PostgreSQL connections used by
two processes corrupt each other; workers crashed with SIGSEGV under load)."""
from __future__ import annotations

import os
import sys

# Threads per worker: one on SQLite (Python 3.11's sqlite3 was seen to crash a worker with SIGSEGV
# when several threads of one process fetched rows at once), four on PostgreSQL. GUNICORN_THREADS
# overrides; more SQLite throughput comes from more workers (WORKERS), each its own process.
_SQLITE = (os.environ.get("DATABASE_URL") or "sqlite").startswith("sqlite")
threads = int(os.environ.get("GUNICORN_THREADS") or (1 if _SQLITE else 4))
workers = int(os.environ.get("WORKERS") or 3)
# Threaded workers even with one thread: the worker's main loop keeps telling the master it is alive
# while a request runs, so a long streamed download (the order desk's CSV of 100,000 orders takes
# minutes) is not killed at `timeout` as a sync worker would be; one thread still serves one request.
worker_class = "gthread"


def _dispose_loaded_engines() -> None:
    """Forget (without closing: the parent still owns them) connections this process inherited."""
    module = sys.modules.get("wsgi")
    app = getattr(module, "app", None)
    if app is None or not hasattr(app, "app_context"):
        return
    from shop.extensions import db
    with app.app_context():
        db.engine.dispose(close=False)


def post_fork(server, worker) -> None:
    """In the new worker, right after the fork (the app is there already under --preload)."""
    _dispose_loaded_engines()


def post_worker_init(worker) -> None:
    """Once the worker has loaded the app: start from an empty pool whatever loading opened."""
    _dispose_loaded_engines()

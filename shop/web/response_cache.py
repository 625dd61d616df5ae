"""Short-lived in-process caches for public responses (catalogue pages and catalogue JSON):
each worker keeps what it rendered for a few seconds, so a burst of the same request costs one
render; stock and prices shown are at most that old, and every write re-checks them."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict

from flask import current_app

MAX_ENTRIES = 256
DEFAULT_SECONDS = 10


class PageCache:
    """A small, thread-safe, least-recently-used store of rendered pages with an expiry;
    a page is kept as the UTF-8 pieces around its CSRF placeholders."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[tuple, tuple[float, list[bytes]]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def get(self, key: tuple) -> list[bytes] | None:
        now = time.monotonic()
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if found[0] <= now:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: tuple, pieces: list[bytes], seconds: float) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + seconds, pieces)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def seconds() -> float:
    """How long a public response may be kept (STOREFRONT_PAGE_CACHE_SECONDS; 0 = off, the
    default under TESTING)."""
    configured = current_app.config.get("STOREFRONT_PAGE_CACHE_SECONDS")
    if configured is None:
        return 0 if current_app.testing else DEFAULT_SECONDS
    return float(configured)


def cached_json(view):
    """Keep a public GET endpoint's JSON body for a few seconds per worker, by full path."""
    import functools

    from flask import Response, request

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        keep = seconds()
        if keep <= 0 or request.method != "GET":
            return view(*args, **kwargs)
        cache = current_app.extensions.setdefault("json_response_cache", PageCache())
        key = (request.full_path,)
        found = cache.get(key)
        if found is not None:
            status, body = found
            return Response(body, status=int(status), mimetype="application/json")
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code in (200, 404):
            cache.put(key, [str(response.status_code).encode(), response.get_data()], keep)
        return response

    return wrapper

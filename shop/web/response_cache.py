"""Short-lived caches for public responses (catalogue pages and catalogue JSON), so a burst of
the same request costs one render.

Without REDIS_URL each worker keeps what it rendered in its own memory. With REDIS_URL every
worker shares one cache in Redis. Either way a committed write to what these pages show
(listings, their texts, lots, rates, lines) starts a new cache generation: in Redis for every
worker at once, in memory for the worker that wrote. So the very next request after a merchant
changes a price shows the new one, on any worker when Redis is there.
"""
from __future__ import annotations

import hashlib
import logging
import struct
import threading
import time
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

log = logging.getLogger("shop.cache")

MAX_ENTRIES = 256
MAX_BYTES = 8 * 1024 * 1024  # per cache and worker
DEFAULT_SECONDS = 10


class PageCache:
    """A small, thread-safe, least-recently-used store of rendered pages with an expiry;
    a page is kept as the UTF-8 pieces around its CSRF placeholders. Bounded by count and by
    bytes, so a worker's memory stops growing once the cache is full."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self._entries: OrderedDict[tuple, tuple[float, list[bytes]]] = OrderedDict()
        self._sizes: dict[tuple, int] = {}
        self._bytes = 0
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.max_bytes = max_bytes

    def get(self, key: tuple) -> list[bytes] | None:
        now = time.monotonic()
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if found[0] <= now:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: tuple, pieces: list[bytes], seconds: float) -> None:
        size = sum(len(piece) for piece in pieces)
        if size > self.max_bytes // 4:
            return  # one huge page would push out everything else
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (time.monotonic() + seconds, pieces)
            self._sizes[key] = size
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: tuple) -> None:
        del self._entries[key]
        self._bytes -= self._sizes.pop(key, 0)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._sizes.clear()
            self._bytes = 0

    def new_generation(self) -> None:
        self.clear()


def _pack(pieces: list[bytes]) -> bytes:
    return b"".join(struct.pack(">I", len(piece)) + piece for piece in pieces)


def _unpack(data: bytes) -> list[bytes]:
    pieces, at = [], 0
    while at < len(data):
        (size,) = struct.unpack_from(">I", data, at)
        pieces.append(data[at + 4:at + 4 + size])
        at += 4 + size
    return pieces


class RedisPageCache:
    """The same interface over Redis, shared by every worker: entries expire by Redis TTL and
    live under the current generation, which a write moves on (old entries then simply age out).
    A Redis that does not answer makes every lookup a miss, never an error page."""

    def __init__(self, client: Any, prefix: str, kind: str) -> None:
        self.client = client
        self.prefix = prefix
        self.kind = kind

    def _generation(self) -> int:
        return int(self.client.get(f"{self.prefix}:cache-generation") or 0)

    def _key(self, key: tuple) -> str:
        digest = hashlib.sha256(repr(key).encode()).hexdigest()
        return f"{self.prefix}:{self.kind}:{self._generation()}:{digest}"

    def get(self, key: tuple) -> list[bytes] | None:
        try:
            found = self.client.get(self._key(key))
        except Exception:  # noqa: BLE001  a cache that cannot be read is a miss
            log.warning("Redis cache unavailable", exc_info=True)
            return None
        return _unpack(found) if found is not None else None

    def put(self, key: tuple, pieces: list[bytes], seconds: float) -> None:
        try:
            self.client.set(self._key(key), _pack(pieces), px=max(1, int(seconds * 1000)))
        except Exception:  # noqa: BLE001
            log.warning("Redis cache unavailable", exc_info=True)

    def new_generation(self) -> None:
        try:
            self.client.incr(f"{self.prefix}:cache-generation")
        except Exception:  # noqa: BLE001
            log.warning("Redis cache unavailable: entries age out by their TTL", exc_info=True)

    def clear(self) -> None:
        self.new_generation()


def response_cache(kind: str) -> PageCache | RedisPageCache:
    """The app's cache of `kind` ("page" or "json"): in Redis when REDIS_URL is set."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return _caches(app)[kind]


def _caches(app: Flask) -> dict[str, PageCache | RedisPageCache]:
    caches = app.extensions.get("response_caches")
    if caches is None:
        url = app.config.get("REDIS_URL")
        if url:
            import redis
            client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
            prefix = app.config.get("REDIS_PREFIX") or "kashgar-shop"
            caches = {kind: RedisPageCache(client, prefix, kind) for kind in ("page", "json")}
        else:
            caches = {kind: PageCache() for kind in ("page", "json")}
        app.extensions["response_caches"] = caches
    return caches


# What the cached pages show: a committed change to any of these starts a new generation.
_SHOWN_TABLES = frozenset({"product", "product_translation", "lot", "category", "category_translation",
                           "exchange_rate", "express_line", "line_closure", "departure", "duty_rule",
                           "merchant", "product_image"})
_CHANGED = "response_cache_changed"


def _note_flush(session: sa.orm.Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(getattr(obj, "__table__", None), "name", None)
        if table in _SHOWN_TABLES:
            session.info[_CHANGED] = True
            return


def _note_bulk(execute_state: sa.orm.ORMExecuteState) -> None:
    if execute_state.is_update or execute_state.is_delete or execute_state.is_insert:
        mapper = execute_state.bind_mapper
        table = mapper.local_table if mapper is not None else None
        if isinstance(table, sa.TableClause) and table.name in _SHOWN_TABLES:
            execute_state.session.info[_CHANGED] = True


def _after_commit(session: sa.orm.Session) -> None:
    if not session.info.pop(_CHANGED, False):
        return
    from flask import has_app_context
    if has_app_context():
        for cache in _caches(current_app._get_current_object()).values():  # type: ignore[attr-defined]
            cache.new_generation()


def _after_rollback(session: sa.orm.Session) -> None:
    session.info.pop(_CHANGED, None)


_listening = False


def invalidate_on_writes() -> None:
    """Start a new cache generation after every commit that changed what the pages show."""
    global _listening
    if _listening:
        return
    sa.event.listen(sa.orm.Session, "before_flush", _note_flush)
    sa.event.listen(sa.orm.Session, "do_orm_execute", _note_bulk)
    sa.event.listen(sa.orm.Session, "after_commit", _after_commit)
    sa.event.listen(sa.orm.Session, "after_rollback", _after_rollback)
    _listening = True


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
        cache = response_cache("json")
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

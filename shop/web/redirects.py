"""Where to send people after a form or a language switch: paths on this site only.

Every redirect target that comes from the request (a `next` field or argument, the Referer)
goes through `local_path`; a target it refuses becomes the view's default.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import abort, current_app, redirect, request

from shop.i18n import LANG_COOKIE, LANGUAGES

MAX_TARGET_LENGTH = 2000
# Browsers drop tabs and newlines inside a URL and read a backslash as a slash, so "/\t/evil" and
# "/\\evil" both lead to another host; a target is refused if any layer of its encoding has them.
_DECODING_ROUNDS = 3


def _unsafe_character(c: str) -> bool:
    """A control, format or separator character, or whitespace of any script."""
    return c.isspace() or unicodedata.category(c)[0] in ("C", "Z")


def _layers(target: str) -> list[str]:
    """The target and what it decodes to, round after round (double encoding included)."""
    layers = [target]
    for _ in range(_DECODING_ROUNDS):
        decoded = unquote(layers[-1], errors="strict") if "%" in layers[-1] else layers[-1]
        if decoded == layers[-1]:
            break
        layers.append(decoded)
    return layers


def is_local_path(target: str | None) -> bool:
    """Whether `target` can only mean a path on this site, however a browser reads it."""
    if not target or len(target) > MAX_TARGET_LENGTH:
        return False
    try:
        layers = _layers(target)
    except UnicodeDecodeError:
        return False
    if any(_unsafe_character(c) for c in target):
        return False
    for layer in layers:
        path, _, query = layer.partition("?")
        if not path.startswith("/") or path.startswith("//") or "//" in path or "\\" in layer:
            return False
        if any(_unsafe_character(c) for c in path):
            return False
        # A decoded query may hold a searched-for space; nothing else invisible.
        if any(_unsafe_character(c) and c != " " for c in query):
            return False
    return True


def local_path(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default`: never an open redirect."""
    return target if target is not None and is_local_path(target) else default


def _site_origins() -> set[tuple[str, str]]:
    origins = {(request.scheme, request.host.lower())}
    base = urlsplit(current_app.config.get("SHOP_BASE_URL") or "")
    if base.scheme and base.netloc:
        origins.add((base.scheme.lower(), base.netloc.lower()))
    return origins


def referrer_path(default: str) -> str:
    """The path and query of the page the request came from, when that page is on this site."""
    referrer = request.headers.get("Referer") or ""
    try:
        parts = urlsplit(referrer)
    except ValueError:
        return default
    if (parts.scheme.lower(), parts.netloc.lower()) not in _site_origins():
        return default
    return local_path(parts.path + (f"?{parts.query}" if parts.query else ""), default)


def switch_language(code: str, target: str | None, default: str, *, cookie: str = LANG_COOKIE):
    """Remember `code` in a language cookie (the storefront's, or the back office's own
    OFFICE_LANG_COOKIE) and go back to `target` (pages without a language prefix)."""
    if code not in LANGUAGES:
        abort(404)
    response = redirect(local_path(target, default), 303)
    response.set_cookie(cookie, code, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response

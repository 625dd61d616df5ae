"""Whole storefront pages kept for a few seconds (per worker, or in Redis), for guests and for
each signed-in account.

A catalogue page is the same for every guest who asks for it with the same address (host
included: the page links to itself), currency, delivery destination and number of items in
the cart; only the CSRF token differs. A signed-in buyer's page also carries their own header
(account links, their cart), so it is kept under their account's session id and cart count:
one account never gets another's page, and a new sign-in or sign-out everywhere (a new
session id) starts afresh.
Pages are therefore rendered once with a placeholder where the token goes, and each response
puts the visitor's own token in its place. Stock, prices and delivery promises on a page are
at most STOREFRONT_PAGE_CACHE_SECONDS old (10 by default, 0 turns the cache off and is the
default under TESTING); the cart checks stock again on every change.
"""
from __future__ import annotations

import functools
from collections import OrderedDict

from flask import Response, current_app, g, request, session
from flask_login import current_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE
from flask_wtf.csrf import generate_csrf

from shop.services import cart, pricing
from shop.web.context import CURRENCY_COOKIE, DESTINATION_COOKIE, buyer_context, guessed_destination_value, guest_lines
from shop.web.response_cache import PageCache, RedisPageCache, response_cache
from shop.web.response_cache import seconds as _seconds

PLACEHOLDER = "csrf-token-placeholder-7d0c4e"
_PLACEHOLDER_BYTES = PLACEHOLDER.encode()


def _cache() -> PageCache | RedisPageCache:
    return response_cache("page")


def _visitor_csrf_token(app) -> str:
    """The visitor's signed CSRF token. When signed tokens never expire (WTF_CSRF_TIME_LIMIT
    None), one signature per session serves every page, so it is kept instead of re-signed."""
    if app.config.get("WTF_CSRF_TIME_LIMIT", 3600) is not None:
        return generate_csrf()
    field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    signed: OrderedDict = app.extensions.setdefault("storefront_signed_csrf", OrderedDict())
    raw = session.get(field)
    token = signed.get(raw) if isinstance(raw, str) else None
    if token is None:
        token = generate_csrf()
        signed[session[field]] = token
        while len(signed) > 4096:
            signed.popitem(last=False)
    return token


def rendering_for_cache() -> bool:
    """Whether the page being rendered is for the cache (forms then carry the placeholder)."""
    return bool(g.get("rendering_for_cache"))


def cached_page(view):
    """Serve the view's page from the cache, unless there are messages to show."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        app = current_app._get_current_object()  # type: ignore[attr-defined]  # LocalProxy, typed as Flask
        seconds = _seconds()
        req = request._get_current_object()  # type: ignore[attr-defined]  # LocalProxy, typed as Request
        cookies = req.cookies
        visitor = session._get_current_object()  # type: ignore[attr-defined]  # LocalProxy, typed as SessionMixin
        # Signed in (Flask-Login keeps the user in the session or a remember-me cookie), or
        # with messages to show: render as usual.
        remember = app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE)
        if seconds <= 0 or req.method != "GET" or visitor.get("_flashes"):
            return view(*args, **kwargs)
        if "_user_id" in visitor or remember in cookies:
            if not current_user.is_authenticated:  # a cookie that no longer signs anyone in
                return view(*args, **kwargs)
            ctx = buyer_context()
            who: tuple[object, ...] = ("account", current_user.get_id(), cart.cart_count(ctx), ctx.currency,
                                       ctx.destination)
        else:
            who = ("guest", cart.guest_item_count(guest_lines()))
        currency = cookies.get(CURRENCY_COOKIE)
        key = (req.host_url, req.full_path, currency if currency in pricing.CURRENCIES else None,
               (cookies.get(DESTINATION_COOKIE) or "")[:80] or guessed_destination_value(), who)
        cache = _cache()
        pieces = cache.get(key)
        if pieces is None:
            g.rendering_for_cache = True
            try:
                result = view(*args, **kwargs)
            finally:
                g.rendering_for_cache = False
            if not isinstance(result, str):  # a redirect or a response built by hand: not cached
                return result
            pieces = result.encode().split(_PLACEHOLDER_BYTES)
            cache.put(key, pieces, seconds)
        body = _visitor_csrf_token(app).encode().join(pieces) if len(pieces) > 1 else pieces[0]
        return Response(body, mimetype="text/html")

    return wrapper

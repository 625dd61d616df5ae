"""Security headers on every answer: a Content-Security-Policy whose scripts need this
response's nonce, and the headers that keep the shop out of frames, sniffing and leaks."""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request

# The only page that loads Stripe.js and talks to Stripe's API from the browser.
PAYMENT_ENDPOINTS = frozenset({"checkout.pay"})
STRIPE_API_ORIGIN = "https://api.stripe.com"
STRIPE_HOOKS_ORIGIN = "https://hooks.stripe.com"  # 3-D Secure and wallet frames of real Stripe.js
HSTS = "max-age=31536000; includeSubDomains"
PERMISSIONS = "camera=(), microphone=(), geolocation=(), usb=(), serial=(), bluetooth=(), " \
              "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=()"


def csp_nonce() -> str:
    """The nonce this response's inline scripts carry (`nonce="{{ csp_nonce() }}"`).

    A page rendered for the storefront's page cache is served to many visitors: it gets the
    app's secret placeholder instead, which every response replaces with its own nonce."""
    if g.get("rendering_for_cache"):
        return current_app.extensions["csp_nonce_placeholder"]
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def _origin(url: str | None) -> str | None:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _media_origin() -> list[str]:
    """Where photos come from when they are not on this site (a bucket, a CDN)."""
    from shop.services import ports
    try:
        origin = _origin(ports.media().url(""))
    except RuntimeError:  # a registry without media (built by hand in a test)
        return []
    return [origin] if origin else []


def content_security_policy(nonce: str, payment_page: bool) -> str:
    """The policy: everything from this site; scripts only with the nonce; Stripe on the pay page."""
    scripts, connect, frames = ["'self'", f"'nonce-{nonce}'"], ["'self'"], ["'self'"]
    if payment_page:
        config = current_app.config
        js = _origin(config.get("STRIPE_JS_URL"))
        api = _origin(config.get("STRIPE_API_BASE")) or STRIPE_API_ORIGIN
        scripts += [js] if js else []
        connect += [o for o in (api, js) if o]
        frames += [o for o in (js, STRIPE_HOOKS_ORIGIN) if o]
    directives = {
        "default-src": ["'self'"],
        "script-src": scripts,
        # Style attributes and the back office's <style> blocks: styles cannot run code.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *_media_origin()],
        "font-src": ["'self'"],
        "connect-src": list(dict.fromkeys(connect)),
        "frame-src": list(dict.fromkeys(frames)),
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def _put_nonce_in_cached_page(response: Response, nonce: str) -> None:
    placeholder = current_app.extensions["csp_nonce_placeholder"].encode()
    if response.direct_passthrough or response.is_streamed or response.mimetype != "text/html":
        return
    body = response.get_data()
    if placeholder in body:
        response.set_data(body.replace(placeholder, nonce.encode()))


def add_security_headers(response: Response) -> Response:
    """after_request: the headers, unless a view set its own."""
    nonce = csp_nonce()
    _put_nonce_in_cached_page(response, nonce)
    payment_page = request.endpoint in PAYMENT_ENDPOINTS
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(nonce, payment_page))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    stripe_js = _origin(current_app.config.get("STRIPE_JS_URL")) if payment_page else None
    payment = f'payment=(self "{stripe_js}")' if stripe_js else "payment=(self)"
    headers.setdefault("Permissions-Policy", f"{PERMISSIONS}, {payment}")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("SHOP_ENV") == "production":
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def register_security_headers(app: Flask) -> None:
    """Give templates `csp_nonce()` and every response the headers."""
    # Secret to this process: a visitor who could write it into a page cannot guess it.
    app.extensions["csp_nonce_placeholder"] = f"csp-nonce-{secrets.token_hex(16)}"
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(add_security_headers)

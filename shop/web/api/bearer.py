"""Bearer tokens on the JSON API: one reading of the Authorization header and one way of refusing
it (401 with WWW-Authenticate), for merchants' tokens and express line operators' alike."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from shop.web.errors import json_error


def bearer_required(realm: str, authenticate: Callable[[str], tuple[Any, str]], store_as: str,
                    words: Callable[[str], str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view decorator: the request goes through with `g.<store_as>` set to what `authenticate(secret)`
    found, or is answered 401. `words(kind)` says, in the request's language, why: "send" (no token,
    or not a bearer one), "invalid" or "revoked"."""

    def refuse(code: str, kind: str):
        response, status = json_error(401, code, words(kind))
        response.headers["WWW-Authenticate"] = f'Bearer realm="{realm}"'
        return response, status

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            header = request.headers.get("Authorization", "")
            scheme, _sep, secret = header.partition(" ")
            if not header.strip():
                return refuse("missing_token", "send")
            if scheme.lower() != "bearer" or not secret.strip():
                return refuse("invalid_token", "send")
            found, state = authenticate(secret.strip())
            if found is None:
                return refuse("revoked_token", "revoked") if state == "revoked" else refuse("invalid_token", "invalid")
            setattr(g, store_as, found)
            return view(*args, **kwargs)

        return wrapped

    return decorator

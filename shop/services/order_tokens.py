"""The signed key an order's e-mails carry: it opens that one order without an account (a guest's
order, or a buyer's on another device). Made with the shop's SECRET_KEY; a key for one order
opens no other, and one made for another e-mail address (an order whose address changed) fails."""
from __future__ import annotations

import hashlib
import hmac

from itsdangerous import BadSignature, URLSafeTimedSerializer

from shop.services import ports

# Long enough for the last mail about an order (delivery, a return) to still open it.
MAX_AGE_SECONDS = 180 * 24 * 60 * 60
MAX_TOKEN_LENGTH = 300


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(ports.settings().secret_key, salt="order-access")


def _email_mark(email: str) -> str:
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:16]


def token_for(number: str, email: str) -> str:
    """The key for this order, as mailed to `email`."""
    return _serializer().dumps({"n": number, "e": _email_mark(email)})


def opens(token: str, number: str, email: str) -> bool:
    """Whether `token` is a valid, unexpired key for the order `number` mailed to `email`."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return False
    try:
        data = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except (BadSignature, UnicodeError, ValueError):
        return False
    if not isinstance(data, dict) or not isinstance(data.get("n"), str) or not isinstance(data.get("e"), str):
        return False
    return hmac.compare_digest(data["n"], number) and hmac.compare_digest(data["e"], _email_mark(email))

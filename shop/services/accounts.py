"""Accounts: open one, sign in, change a password, and reset a forgotten one by an e-mailed link."""
from __future__ import annotations

import hashlib

import sqlalchemy as sa
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from shop.database import write_transaction
from shop.domain import passwords
from shop.domain.passwords import WeakPassword as WeakPassword  # raised by the use cases below
from shop.extensions import db
from shop.models import User as User  # the account the use cases answer with
from shop.services import outbox, ports

RESET_MAX_AGE_SECONDS = 60 * 60
MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH


class AccountError(Exception):
    """Base of the account errors."""


class EmailTaken(AccountError):
    pass


class WrongPassword(AccountError):
    pass


class InvalidResetLink(AccountError):
    """The link is forged, expired, or was already used."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def register(*, email: str, name: str, password: str, lang: str) -> User:
    """Open a buyer account (raises EmailTaken)."""
    email = normalise_email(email)
    passwords.check(password, email)
    with write_transaction():
        if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
            raise EmailTaken(email)
        user = User(email=email, name=name.strip(), role="buyer", preferred_lang=lang)
        user.set_password(password)
        db.session.add(user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active account with this e-mail and password, else None (same work either way)."""
    user = find_by_email(email)
    if user is None:
        # Hash anyway so a missing account takes as long as a wrong password.
        User(email="", password_hash="").set_password(password)
        return None
    if not user.active or not user.check_password(password):
        return None
    return user


def change_password(user_id: int, current: str, new: str) -> User:
    """Replace the password after checking the current one (raises WrongPassword, WeakPassword);
    every session of the account ends, the caller signs this one in again."""
    with write_transaction():
        user = db.session.get(User, user_id)
        if user is None or not user.check_password(current):
            raise WrongPassword()
        passwords.check(new, user.email)
        user.set_password(new)
        _end_sessions(user)
    return user


def _end_sessions(user: User) -> None:
    # Every session cookie and remember-me cookie carries the version: an older one is refused.
    user.session_version = (user.session_version or 1) + 1


def end_all_sessions(user_id: int) -> None:
    """Sign the account out everywhere: every browser's session and remember-me cookie stops working."""
    with write_transaction():
        user = db.session.get(User, user_id)
        if user is not None:
            _end_sessions(user)


def user_for_session(user_id: str) -> User | None:
    """The active account a session's id ("<id>:<version>") is for, while that version is current."""
    number, _, version = (user_id or "").partition(":")
    if not (number.isdigit() and version.isdigit()) or len(user_id) > 40:
        return None
    user = db.session.get(User, int(number))
    if user is None or not user.active or (user.session_version or 1) != int(version):
        return None
    return user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(ports.settings().secret_key, salt="password-reset")


def _fingerprint(user: User) -> str:
    # Part of the token: once the password changes, every older link stops working.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def reset_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "p": _fingerprint(user)})


def request_password_reset(email: str, lang: str) -> bool:
    """E-mail a reset link when the account exists. Says nothing either way to the caller's
    visitor (the view shows the same message); returns whether a mail was queued."""
    user = find_by_email(email)
    if user is None or not user.active:
        return False
    with write_transaction():
        # The link is made absolute from SHOP_BASE_URL by the renderer, never from the request's Host.
        outbox.enqueue(user.email, "password_reset", lang, name=user.name or user.email,
                       link=outbox.link("account.reset_password", lang=lang, token=reset_token(user)),
                       minutes=RESET_MAX_AGE_SECONDS // 60)
    return True


def user_for_reset_token(token: str) -> User:
    """The account a valid, unused, unexpired link is for (raises InvalidResetLink)."""
    try:
        data = _serializer().loads(token, max_age=RESET_MAX_AGE_SECONDS)
    except (SignatureExpired, BadSignature):
        raise InvalidResetLink() from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("p") != _fingerprint(user):
        raise InvalidResetLink()
    return user


def reset_password(token: str, new: str) -> User:
    """Set a new password from a reset link; the link cannot be used again."""
    with write_transaction():
        user = user_for_reset_token(token)
        passwords.check(new, user.email)
        user.set_password(new)
        _end_sessions(user)
    return user

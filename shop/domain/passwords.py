"""The password rule: long enough, not the account's e-mail, not a commonly used password."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

MIN_LENGTH = 10
MAX_LENGTH = 200
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")

TOO_SHORT = "password_too_short"
TOO_LONG = "password_too_long"
IS_EMAIL = "password_is_email"
TOO_COMMON = "password_too_common"


class WeakPassword(ValueError):
    """A password the rule refuses; `code` says why (one of the constants above)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of passwords people use most (lower case; '#' starts a comment)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def refusal(password: str, email: str = "") -> str | None:
    """Why `password` may not be used for the account with `email`, as a code; None when it may."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    folded = password.strip().casefold()
    email = (email or "").strip().casefold()
    if email and (folded == email or folded == email.partition("@")[0]):
        return IS_EMAIL
    if folded in common_passwords():
        return TOO_COMMON
    return None


def check(password: str, email: str = "") -> None:
    """Raise WeakPassword when the rule refuses `password` for the account with `email`."""
    code = refusal(password, email)
    if code is not None:
        raise WeakPassword(code, min_length=MIN_LENGTH)

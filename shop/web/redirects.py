"""Where to send people after a form or a language switch: paths on this site only."""
from flask import abort, redirect

from shop.i18n import LANG_COOKIE, LANGUAGES


def local_path(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default`: never an open redirect."""
    target = target or ""
    if (target.startswith("/") and not target.startswith("//") and "\\" not in target
            and len(target) <= 2000 and not any(c in target for c in "\r\n")):
        return target
    return default


def switch_language(code: str, target: str | None, default: str):
    """Remember `code` in the language cookie and go back to `target` (back-office pages,
    which have no language prefix)."""
    if code not in LANGUAGES:
        abort(404)
    response = redirect(local_path(target, default), 303)
    response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="Lax")
    return response

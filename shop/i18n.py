"""Languages: the URL prefix picks the locale; `/` negotiates by cookie, then Accept-Language."""
from flask import g, request
from werkzeug.routing import BaseConverter

# The constants live in the domain, so services can use them without Flask.
from shop.domain.languages import (  # noqa: F401  (re-exported)
    BABEL_LOCALE,
    DEFAULT_CURRENCY,
    HTML_LANG,
    LANGUAGE_NAMES,
    LANGUAGES,
    RTL,
)

LANG_COOKIE = "lang"


class LangConverter(BaseConverter):
    """Matches only the shop's language prefixes, so /xx/ is a 404."""

    regex = "(?:" + "|".join(LANGUAGES) + ")"


def negotiated_language() -> str:
    """The buyer's language when the URL does not say: cookie, then Accept-Language, then en."""
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return request.accept_languages.best_match(LANGUAGES) or "en"


def current_language() -> str:
    """The language of this request: the URL prefix, else ?lang=, else negotiated."""
    lang = getattr(g, "lang", None)
    if lang in LANGUAGES:
        return lang
    asked = request.args.get("lang") if request else None
    if asked in LANGUAGES:
        return asked
    return negotiated_language() if request else "en"


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    return current_language()


def is_rtl(lang: str) -> bool:
    return lang in RTL

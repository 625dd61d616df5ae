"""Languages: the URL prefix picks the locale; `/` negotiates by cookie, then Accept-Language."""
from flask import g, request
from werkzeug.routing import BaseConverter

LANGUAGES = ("en", "zh", "ru", "ur")
RTL = frozenset({"ur"})
# What <html lang> carries and what Babel formats with.
HTML_LANG = {"en": "en", "zh": "zh-Hans", "ru": "ru", "ur": "ur"}
BABEL_LOCALE = {"en": "en", "zh": "zh_Hans_CN", "ru": "ru", "ur": "ur_PK"}
LANGUAGE_NAMES = {"en": "English", "zh": "中文", "ru": "Русский", "ur": "اردو"}
DEFAULT_CURRENCY = {"en": "USD", "zh": "CNY", "ru": "RUB", "ur": "PKR"}
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

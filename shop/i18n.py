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
# The back office's own choice, apart from the storefront's: a merchant who browses the shop in
# Chinese keeps the portal in the language they read it in.
OFFICE_LANG_COOKIE = "office_lang"
OFFICE_PATHS = ("/admin/", "/merchant/", "/fulfilment/")


def is_office_path(path: str | None) -> bool:
    """Whether a path is in the back office, which keeps its own language choice."""
    path = path or ""
    return any(path == prefix.rstrip("/") or path.startswith(prefix) for prefix in OFFICE_PATHS)


class LangConverter(BaseConverter):
    """Matches only the shop's language prefixes, so /xx/ is a 404."""

    regex = "(?:" + "|".join(LANGUAGES) + ")"


def negotiated_language() -> str:
    """The buyer's language when the URL does not say: cookie, then Accept-Language, then en."""
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return request.accept_languages.best_match(LANGUAGES) or "en"


def office_language() -> str:
    """The back office's language (merchant portal, fulfilment and order desks, admin): ?lang=
    (a document printed in another language), the back office's own switch, the account's
    language setting, then the browser's; never the storefront's language cookie."""
    from flask_login import current_user  # the accounts extension is bound after this module loads

    account = getattr(current_user, "preferred_lang", None) if current_user and current_user.is_authenticated else None
    for choice in (request.args.get("lang"), request.cookies.get(OFFICE_LANG_COOKIE), account):
        if choice in LANGUAGES:
            return choice
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

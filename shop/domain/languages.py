"""The shop's languages and what each one implies (pure data; shop.i18n adds the request side)."""

LANGUAGES = ("en", "zh", "ru", "ur")
RTL = frozenset({"ur"})
# What <html lang> carries and what Babel formats with.
HTML_LANG = {"en": "en", "zh": "zh-Hans", "ru": "ru", "ur": "ur"}
BABEL_LOCALE = {"en": "en", "zh": "zh_Hans_CN", "ru": "ru", "ur": "ur_PK"}
LANGUAGE_NAMES = {"en": "English", "zh": "中文", "ru": "Русский", "ur": "اردو"}
DEFAULT_CURRENCY = {"en": "USD", "zh": "CNY", "ru": "RUB", "ur": "PKR"}


def known_language(lang: object) -> str:
    """`lang` when the shop speaks it, else English."""
    return lang if isinstance(lang, str) and lang in LANGUAGES else "en"

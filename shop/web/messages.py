"""The domain's messages said in the reader's language: Flask-Babel is installed as their
translator at app start, so `str(message)` (a template's `{{ message }}`, a flash, the CLI's
output) says it in the current locale; `said()` turns a {field: message} map into text for JSON."""
from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext, ngettext

from shop.domain import messages
from shop.domain.messages import Sentence


def install_translator() -> None:
    """Say every domain message through Flask-Babel (the request's locale, else the default)."""
    messages.install_translator(gettext, ngettext)


def said(problems: Mapping[str, Sentence | str]) -> dict[str, str]:
    """Each field's message as text in the current locale."""
    return {name: str(message) for name, message in problems.items()}

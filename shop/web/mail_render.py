"""Renders the outbox's e-mails: Jinja templates in the recipient's language (Flask-Babel), links
made absolute from SHOP_BASE_URL, a plain-text part and an HTML part (right to left for Urdu)."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template
from flask_babel import force_locale, format_currency, format_date
from markupsafe import Markup, escape

from shop.i18n import BABEL_LOCALE, HTML_LANG, RTL
from shop.services import ports
from shop.services.ports import RenderedMail
from shop.web import words

_URL = re.compile(r"https?://[^\s<>\"']+")


def site_url(app: Flask, base_url: str, endpoint: str, **values: Any) -> str:
    """An absolute URL on the shop's public address, whatever host a request came in on."""
    parts = urlsplit(base_url)
    adapter = app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def shop_url(endpoint: str, **values: Any) -> str:
    """site_url for the running app, on SHOP_BASE_URL (for pages that hand a link to someone else)."""
    return site_url(current_app, ports.settings().base_url, endpoint, **values)


def _money(amount: Any, currency: str) -> str:
    return format_currency(Decimal(str(amount)), currency)


def _date(value: Any) -> str:
    return format_date(dt.date.fromisoformat(value) if isinstance(value, str) else value)


def _datetime(value: Any) -> str:
    return words.moment(dt.datetime.fromisoformat(value) if isinstance(value, str) else value)


def _linked(line: str) -> Markup:
    """A line of the text part as HTML, its addresses as links."""
    out, last = [], 0
    for match in _URL.finditer(line):
        out.append(escape(line[last:match.start()]))
        url = escape(match.group(0))
        out.append(Markup(f'<a href="{url}">{url}</a>'))
        last = match.end()
    out.append(escape(line[last:]))
    return Markup("").join(out)


class JinjaMailRenderer:
    """email/<template>.html renders the text: its first line is the subject, the rest the body."""

    def __init__(self, app: Flask, base_url: str) -> None:
        self.app, self.base_url = app, base_url

    def render(self, template: str, lang: str, params: dict[str, Any]) -> RenderedMail:
        params = dict(params)
        raw_link = params.get("link")
        if isinstance(raw_link, dict):
            params["link"] = site_url(self.app, self.base_url, raw_link["endpoint"], **raw_link.get("values", {}))
        with self.app.app_context(), force_locale(BABEL_LOCALE.get(lang, lang)):
            rendered = render_template(f"email/{template}.html", lang=lang, money=_money, format_date=_date,
                                       format_datetime=_datetime, **params)
            subject, _, body = rendered.strip().partition("\n")
            subject, text = subject.strip(), body.strip() + "\n"
            paragraphs = [Markup("<br>\n").join(_linked(line) for line in block.splitlines())
                          for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
            html = render_template(
                "email/_html.html", subject=subject, paragraphs=paragraphs, html_lang=HTML_LANG.get(lang, lang),
                direction="rtl" if lang in RTL else "ltr",
                font_family="'Noto Nastaliq Urdu', serif" if lang in RTL else "'Noto Sans', sans-serif",
                line_height="2.2" if lang in RTL else "1.5")
        return RenderedMail(subject=subject, text=text, html=html)

"""Jinja globals and filters: language, direction, switcher links, money."""
from __future__ import annotations

import re
from decimal import Decimal

from babel import Locale
from babel.numbers import format_currency
from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, format_time, get_locale

from shop.i18n import BABEL_LOCALE, HTML_LANG, LANGUAGE_NAMES, LANGUAGES, current_language, is_rtl
from shop.services import ports, pricing
from shop.web import words
from shop.web.context import buyer_context


def url_in_language(lang: str) -> str:
    """This page in another language (pages outside the prefix go to that language's home)."""
    endpoint = request.endpoint
    rule = request.url_rule
    if endpoint and rule is not None and "<lang:lang>" in rule.rule:
        args = dict(request.view_args or {})
        args["lang"] = lang
        args.update({k: v if len(v) > 1 else v[0] for k, v in request.args.lists() if k not in args})
        return url_for(endpoint, **args)
    # Pages without a language prefix (back office, errors) switch through the language cookie.
    return url_for("root.language", code=lang, next=request.full_path.rstrip("?"))


# Babel leaves out CLDR's currency spacing, so a symbol made of letters touches the digits
# ('KGS305.00', 'Rs975.00'); the no-break space goes back in, as CLDR asks.
_LETTER_THEN_DIGIT = re.compile(r"([^\W\d_])([\d\u066b-\u066c\u0660-\u0669\u06f0-\u06f9])")


def money(amount, currency: str = "CNY") -> str:
    """An amount formatted by Babel for the page's locale, e.g. '1 234,50 ₽' in Russian."""
    if amount is None:
        return ""
    text = format_currency(Decimal(amount), currency, locale=BABEL_LOCALE[current_language()])
    return _LETTER_THEN_DIGIT.sub("\\1\u00a0\\2", text)


def cash_money(amount, currency: str) -> str:
    """Cash as it is counted at the door: a whole amount without its '.00' ('Rs 12,350')."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    if amount != amount.to_integral_value():
        return money(amount, currency)
    locale = Locale.parse(BABEL_LOCALE[current_language()])
    whole = _FRACTION.sub("", locale.currency_formats["standard"].pattern)
    text = format_currency(amount, currency, format=whole, locale=locale, currency_digits=False)
    return _LETTER_THEN_DIGIT.sub("\\1\u00a0\\2", text)


_FRACTION = re.compile(r"\.0+")


def price(amount_cny) -> str:
    """A CNY price shown in the buyer's currency."""
    ctx = buyer_context()
    return money(pricing.convert(amount_cny, ctx.currency, pricing.latest_rates(ctx.memo)), ctx.currency)


def absolute(path: str) -> str:
    """A path on this site as an absolute address on SHOP_BASE_URL (never the request's Host);
    an address that is already absolute (a photo on a CDN) stays as it is."""
    return path if path.startswith(("https://", "http://")) else ports.settings().base_url + path


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def inject_language():
        lang = current_language()
        return {
            "lang": lang,
            "html_lang": HTML_LANG[lang],
            "text_dir": "rtl" if is_rtl(lang) else "ltr",
            "languages": LANGUAGES,
            "language_names": LANGUAGE_NAMES,
            "url_in_language": url_in_language,
            "get_locale": get_locale,
        }

    app.jinja_env.globals.update(money=money, cash_money=cash_money, price=price, format_date=format_date,
                                 clock=words.clock, moment=words.moment, format_datetime=format_datetime,
                                 format_time=format_time, absolute=absolute)

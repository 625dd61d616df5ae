"""Places, lines and routing's refusals in the reader's language: the one home of country
and city names, and of why a line was ruled out."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping

from babel import Locale
from babel.dates import format_interval, format_skeleton
from flask_babel import format_date, format_decimal, format_time, get_locale, get_timezone, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from shop.domain import places
from shop.domain.languages import BABEL_LOCALE
from shop.domain.places import Place
from shop.services import quotes
from shop.services.context import Memo

OPTION_NAMES = {
    "packaging": _l("Packaging"),
    "weight": _l("Weight"),
    "volume": _l("Volume"),
    "size": _l("Size"),
    "colour": _l("Colour"),
    "flavour": _l("Flavour"),
    "scent": _l("Scent"),
    "capacity": _l("Battery capacity"),
}

GOODS_NAMES = {
    "liquid": _l("liquids"),
    "aerosol": _l("aerosols"),
    "battery": _l("batteries"),
    "perfume": _l("perfume"),
    "perishable": _l("perishable goods"),
    "fragile": _l("fragile goods"),
}


@functools.cache
def _territories(lang: str) -> dict[str, str]:
    return dict(Locale.parse(BABEL_LOCALE.get(lang, "en")).territories)


def country_name(code: str, lang: str) -> str:
    """A country named in `lang`: the shop's own name for it, else CLDR's, else its code."""
    code = (code or "").upper()
    return places.COUNTRY_NAMES.get(code, {}).get(lang) or _territories(lang).get(code) or code


def city_name(city: str, lang: str) -> str:
    """A city named in `lang` (its Latin name when the shop knows no other)."""
    return places.city_names(city).get(lang) or city


def place_name(place: Place, lang: str) -> str:
    return _("%(city)s, %(country)s", city=city_name(place.city, lang), country=country_name(place.country, lang))


def option_name(kind: str) -> str:
    """What a variant option is about, in the page's language ("Packaging", "Упаковка")."""
    name = OPTION_NAMES.get(kind)
    return str(name) if name is not None else kind


def goods_name(flag: object) -> str:
    name = GOODS_NAMES.get(flag) if isinstance(flag, str) else None
    return str(name) if name is not None else str(flag)


def line_name(code: str, lang: str, memo: Memo | None = None) -> str:
    """A line's name in `lang` (else English, else its code)."""
    info = quotes.line_set(memo).info.get(code)
    return info.name(lang) if info else code


_MODE_WORDS = {"air": _l("Air"), "truck": _l("Truck"), "rail": _l("Rail"), "express": _l("Courier")}


def buyer_line_name(code: str, lang: str, memo: Memo | None = None) -> str:
    """A line as buyers understand it: how it travels and how long it takes ('Air, 3–5 days'),
    not the operator's name for it."""
    info = quotes.line_set(memo).info.get(code)
    if info is None or info.mode not in _MODE_WORDS or not info.days[1]:
        return info.name(lang) if info else code
    low, high = info.days
    if low == high:
        return ngettext("%(mode)s, %(num)d day", "%(mode)s, %(num)d days", high, mode=_MODE_WORDS[info.mode])
    return ngettext("%(mode)s, %(low)d–%(num)d day", "%(mode)s, %(low)d–%(num)d days", high,
                    mode=_MODE_WORDS[info.mode], low=low)


def line_mode(code: str, memo: Memo | None = None) -> str | None:
    info = quotes.line_set(memo).info.get(code)
    return info.mode if info else None


def day(when: dt.date, today: dt.date | None = None) -> str:
    """A day and month in the current locale, with the year when it is not near."""
    today = today or quotes.current_time().date()
    skeleton = "MMMMd" if abs((when - today).days) < 300 else "yMMMMd"
    return format_skeleton(skeleton, when, locale=get_locale())


# Languages whose own way of telling the time names the part of the day ("6:00 شام", evening)
# rather than AM/PM in Latin letters, which an Urdu sentence would otherwise carry.
_DAY_PERIOD_CLOCK = frozenset({"ur"})


def clock(moment: dt.datetime | dt.time) -> str:
    """A time of day in the page's locale and the shop's time zone: 18:00 in Russian and
    Chinese, 6:00 PM in English, 6:00 شام in Urdu."""
    locale = get_locale()
    if locale is not None and locale.language in _DAY_PERIOD_CLOCK:
        if isinstance(moment, dt.datetime):
            return format_skeleton("Bhm", moment, tzinfo=get_timezone(), locale=locale)
        return format_skeleton("Bhm", dt.datetime.combine(dt.date(2000, 1, 1), moment), locale=locale)
    return format_time(moment, "short")


def moment(when: dt.datetime) -> str:
    """A date and a time of day in the page's locale and the shop's time zone."""
    return _("%(date)s, %(time)s", date=format_date(when, "medium"), time=clock(when))


def days(earliest: dt.date, latest: dt.date) -> str:
    if earliest == latest:
        return format_skeleton("MMMd", earliest, locale=get_locale())
    return format_interval(earliest, latest, "MMMd", locale=get_locale())


def reason_text(code: str, params: Mapping | None = None, *, mode: str | None = None) -> str:
    """Why a line was ruled out, in the current locale. `mode` ('air', 'truck', ...) makes a
    refusal say how the goods cannot travel."""
    params = params or {}
    if code == "not_served_country":
        return _("Does not serve this country")
    if code == "not_served_city":
        return _("Does not serve this city")
    if code == "goods_refused":
        goods = goods_name(params.get("flag"))
        if mode == "air":
            return _("Cannot carry %(goods)s by air", goods=goods)
        if mode == "truck":
            return _("Cannot carry %(goods)s by truck", goods=goods)
        if mode == "rail":
            return _("Cannot carry %(goods)s by rail", goods=goods)
        return _("Cannot carry %(goods)s", goods=goods)
    if code == "closed_season":
        until = params.get("until")
        if isinstance(until, dt.date):
            return _("Closed for the season until %(date)s", date=day(until))
        return _("Closed for the season")
    if code == "overweight":
        return _("Over %(limit)s kg", limit=format_decimal(params.get("limit_kg", 0)))
    if code == "oversize":
        return _("Longer than %(limit)s cm", limit=format_decimal(params.get("limit_cm", 0)))
    if code == "departure_full":
        return _("Departures full")
    if code == "no_departure":
        return _("No departure scheduled")
    return code


def ruling_text(line: str, code: str, params: Mapping | None = None, memo: Memo | None = None) -> str:
    """Why the line `line` was ruled out, worded for its mode."""
    return reason_text(code, params, mode=line_mode(line, memo))


def destination_choices(lang: str, selected: Place | None = None,
                        memo: Memo | None = None) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """(country name, [(value, city name, selected)]) for a grouped select, in `lang`'s order."""
    by_country: dict[str, list[Place]] = {}
    for place in quotes.served_places(memo):
        by_country.setdefault(place.country, []).append(place)
    if selected is not None and not any(p == selected for p in by_country.get(selected.country, ())):
        by_country.setdefault(selected.country, []).append(selected)
    groups = []
    for country, found in by_country.items():
        options = sorted(((p.value, city_name(p.city, lang), p == selected) for p in found), key=lambda o: o[1])
        groups.append((country_name(country, lang), options))
    return sorted(groups, key=lambda group: group[0])

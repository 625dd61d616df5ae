"""Shipping quotes from the express lines in the database: the routing adapter behind
POST /api/v1/quote, the product page's delivery promise and the checkout's line choice."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from babel import Locale
from babel.dates import format_interval, format_skeleton
from flask import has_app_context, has_request_context, request
from flask_babel import force_locale, format_currency, format_decimal, format_time, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from shop.domain import customs, routing
from shop.extensions import db
from shop.i18n import LANGUAGES
from shop.models import DutyRule, ExchangeRate, Product
from shop.services import lines as line_service
from shop.services.addresses import routing_city
from shop.services.lines import LineSet, domain_lines, line_set  # noqa: F401  (part of this module's interface)

__all__ = [
    "DESTINATION_COOKIE", "LineSet", "Place", "Promise", "cny_per_unit", "current_destination", "current_time",
    "destination_choices", "domain_lines", "duty_rule", "is_country", "line_name", "line_set", "product_promise",
    "quote_products", "quote_to_json", "reason_text", "to_items",
]

DESTINATION_COOKIE = "destination"
DEFAULT_DESTINATIONS = {"zh": ("CN", "Shanghai"), "ru": ("RU", "Moscow"), "ur": ("PK", "Islamabad"),
                        "en": ("KG", "Bishkek")}
# Cities offered for countries a line serves everywhere ("every city of RU"), beside those
# the lines name. Names are Latin, as routing compares them.
KNOWN_CITIES = {
    "CN": ("Shanghai", "Beijing", "Guangzhou", "Shenzhen", "Chengdu", "Urumqi", "Kashgar"),
    "RU": ("Moscow", "Saint Petersburg", "Novosibirsk", "Yekaterinburg", "Kazan"),
    "KZ": ("Almaty", "Astana", "Shymkent"),
    "KG": ("Bishkek", "Osh"),
    "UZ": ("Tashkent", "Samarkand", "Bukhara"),
    "TJ": ("Dushanbe", "Khujand"),
    "PK": ("Islamabad", "Lahore", "Karachi"),
}
CITY_NAMES = {
    "Shanghai": {"zh": "上海", "ru": "Шанхай", "ur": "شنگھائی"},
    "Beijing": {"zh": "北京", "ru": "Пекин", "ur": "بیجنگ"},
    "Guangzhou": {"zh": "广州", "ru": "Гуанчжоу", "ur": "گوانگژو"},
    "Shenzhen": {"zh": "深圳", "ru": "Шэньчжэнь", "ur": "شینزین"},
    "Chengdu": {"zh": "成都", "ru": "Чэнду", "ur": "چینگدو"},
    "Urumqi": {"zh": "乌鲁木齐", "ru": "Урумчи", "ur": "ارومچی"},
    "Kashgar": {"zh": "喀什", "ru": "Кашгар", "ur": "کاشغر"},
    "Moscow": {"zh": "莫斯科", "ru": "Москва", "ur": "ماسکو"},
    "Saint Petersburg": {"zh": "圣彼得堡", "ru": "Санкт-Петербург", "ur": "سینٹ پیٹرزبرگ"},
    "Novosibirsk": {"zh": "新西伯利亚", "ru": "Новосибирск", "ur": "نووسیبرسک"},
    "Yekaterinburg": {"zh": "叶卡捷琳堡", "ru": "Екатеринбург", "ur": "یکاترینبرگ"},
    "Kazan": {"zh": "喀山", "ru": "Казань", "ur": "کازان"},
    "Almaty": {"zh": "阿拉木图", "ru": "Алматы", "ur": "الماتی"},
    "Astana": {"zh": "阿斯塔纳", "ru": "Астана", "ur": "آستانہ"},
    "Shymkent": {"zh": "奇姆肯特", "ru": "Шымкент", "ur": "شمکنت"},
    "Bishkek": {"zh": "比什凯克", "ru": "Бишкек", "ur": "بشکیک"},
    "Osh": {"zh": "奥什", "ru": "Ош", "ur": "اوش"},
    "Tashkent": {"zh": "塔什干", "ru": "Ташкент", "ur": "تاشقند"},
    "Samarkand": {"zh": "撒马尔罕", "ru": "Самарканд", "ur": "سمرقند"},
    "Bukhara": {"zh": "布哈拉", "ru": "Бухара", "ur": "بخارا"},
    "Dushanbe": {"zh": "杜尚别", "ru": "Душанбе", "ur": "دوشنبے"},
    "Khujand": {"zh": "苦盏", "ru": "Худжанд", "ur": "خجند"},
    "Islamabad": {"zh": "伊斯兰堡", "ru": "Исламабад", "ur": "اسلام آباد"},
    "Lahore": {"zh": "拉合尔", "ru": "Лахор", "ur": "لاہور"},
    "Karachi": {"zh": "卡拉奇", "ru": "Карачи", "ur": "کراچی"},
}
# Babel's territories that are regions or placeholders, not countries goods go to.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})
ISO_COUNTRIES = frozenset(code for code in Locale("en").territories
                          if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES)
_BABEL_LOCALE = {"en": "en", "zh": "zh_Hans_CN", "ru": "ru", "ur": "ur_PK"}

GOODS_NAMES = {
    "liquid": _l("liquids"),
    "aerosol": _l("aerosols"),
    "battery": _l("batteries"),
    "perfume": _l("perfume"),
    "perishable": _l("perishable goods"),
    "fragile": _l("fragile goods"),
}


def current_time() -> dt.datetime:
    """Now, in Asia/Shanghai (tests pin it)."""
    return dt.datetime.now(routing.SHANGHAI)


def is_country(code: object) -> bool:
    """Whether `code` is an ISO 3166 alpha-2 country code (any case)."""
    return isinstance(code, str) and code.upper() in ISO_COUNTRIES


# ---- the data a quote needs -------------------------------------------------------------

_RULE = sa.select(DutyRule).where(DutyRule.country == sa.bindparam("country"))
_NEWEST_RATE = (sa.select(ExchangeRate.rate).where(ExchangeRate.currency == sa.bindparam("currency"))
                .order_by(ExchangeRate.as_of.desc()).limit(1))


def duty_rule(country: str) -> customs.DutyRule | None:
    """The destination's duty rule, if it has one."""
    row = db.session.scalar(_RULE, {"country": country})
    if row is None:
        return None
    try:
        return customs.DutyRule(row.country, Decimal(row.threshold), row.currency, Decimal(row.rate), row.per)
    except customs.InvalidDutyRule:
        return None  # the table's own checks make this unreachable; never fail a quote over it


def cny_per_unit(currency: str) -> Decimal | None:
    """CNY for one unit of `currency`: the inverse of the admin's newest rate (units per CNY)."""
    if currency == "CNY":
        return Decimal(1)
    rate = db.session.scalar(_NEWEST_RATE, {"currency": currency})
    return Decimal(1) / Decimal(rate) if rate else None


def to_items(items: Iterable[tuple[Product, int]]) -> list[routing.Item]:
    """Routing items from (product, quantity) pairs, one per product (repeats are added up)."""
    merged: dict[str, tuple[Product, int]] = {}
    for product, quantity in items:
        before = merged.get(product.sku)
        merged[product.sku] = (product, quantity + (before[1] if before else 0))
    return [
        routing.Item(sku=p.sku, quantity=q, weight_g=p.weight_g, dims_mm=(p.length_mm, p.width_mm, p.height_mm),
                     unit_value_cny=Decimal(p.price_cny), goods_flags=frozenset(p.goods_flags or ()),
                     tax_class=p.tax_class)
        for p, q in merged.values()
    ]


def quote_products(items: list[tuple[Product, int]], country: str, city: str, now: dt.datetime | None = None,
                   *, with_duty: bool = True) -> routing.Quote:
    """The ranked ways the active lines carry these products to (country, city) from `now`.

    `city` may be typed in any script ("Москва", "لاہور"): it is routed by its Latin name.
    Raises routing.InvalidQuoteRequest (empty order, bad quantity, naive `now`) and
    routing.MissingExchangeRate (the destination's duty rule is in a currency without a rate).
    `with_duty=False` skips the destination's duty estimate (export options then show no taxes)."""
    now = now or current_time()
    country = country.strip().upper()
    rules, rates = None, None
    if with_duty and country != "CN":  # imports into China pay import tax, not a destination's duty
        rule = duty_rule(country)
        if rule is not None:
            rules = {country: rule}
            rate = cny_per_unit(rule.currency)
            rates = {rule.currency: rate} if rate is not None else {}
    local_day = now.astimezone(routing.SHANGHAI).date() if now.tzinfo else None
    return routing.quote(
        to_items(items), routing.Destination(country, routing_city(city)), now, line_set().lines,
        duty_rules=rules, cny_per_unit=rates,
        booked=line_service.booked(local_day) if local_day else None,
    )


# ---- words ------------------------------------------------------------------------------

def line_name(code: str, lang: str) -> str:
    """A line's name in `lang` (else English, else its code)."""
    info = line_set().info.get(code)
    return info.name(lang) if info else code


def goods_name(flag: object) -> str:
    name = GOODS_NAMES.get(flag) if isinstance(flag, str) else None
    return str(name) if name is not None else str(flag)


def _day(day: dt.date, today: dt.date | None = None) -> str:
    """A day and month in the current locale, with the year when it is not near."""
    today = today or current_time().date()
    skeleton = "MMMMd" if abs((day - today).days) < 300 else "yMMMMd"
    return format_skeleton(skeleton, day, locale=get_locale())


def _days(earliest: dt.date, latest: dt.date) -> str:
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
            return _("Closed for the season until %(date)s", date=_day(until))
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


# ---- JSON -------------------------------------------------------------------------------

def _amount(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01')):f}"


def _money(value: Decimal, currency: str = "CNY") -> dict:
    return {"amount": _amount(value), "currency": currency}


def _dates(earliest: dt.date, latest: dt.date) -> dict:
    return {"earliest": earliest.isoformat(), "latest": latest.isoformat()}


def _jsonable(params: Mapping) -> dict:
    out = {}
    for key, value in params.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        out[key] = value
    return out


def quote_to_json(quote: routing.Quote, lang: str) -> dict:
    """A quote in CONTRACT.md's shape, its words in `lang`."""
    current = get_locale() if has_request_context() or has_app_context() else None
    if current is not None and str(current) == lang:
        return _quote_json(quote, lang)
    with force_locale(lang):
        return _quote_json(quote, lang)


def _quote_json(quote: routing.Quote, lang: str) -> dict:
    info = line_set().info
    options = []
    over_limit = False
    for option in quote.options:
        over_limit = over_limit or option.over_order_limit
        shipments = [{
            "line": s.line,
            "line_name": info[s.line].name(lang) if s.line in info else s.line,
            "mode": info[s.line].mode if s.line in info else None,
            "items": [{"sku": sku, "quantity": quantity} for sku, quantity in s.items],
            "departure": s.departure.isoformat(),
            "delivery": _dates(s.delivery_earliest, s.delivery_latest),
            "chargeable_weight_g": s.chargeable_weight_g,
            "cost": _money(s.cost),
        } for s in option.shipments]
        options.append({
            "labels": list(option.labels),
            "shipments": shipments,
            "cost": _money(option.cost),
            "taxes": {**_money(option.taxes), "kind": option.tax_kind},
            "total": _money(option.cost + option.taxes),
            "delivery": _dates(option.delivery_earliest, option.delivery_latest),
            "over_order_limit": option.over_order_limit,
        })
    ruled_out = [{
        "line": r.line,
        "line_name": info[r.line].name(lang) if r.line in info else r.line,
        "code": r.code,
        "reason": reason_text(r.code, r.params, mode=info[r.line].mode if r.line in info else None),
        "params": _jsonable(r.params),
    } for r in quote.ruled_out]
    notices = []
    if over_limit:
        notices.append({"code": "over_order_limit", "message": _(
            "A cross-border import order may hold at most %(limit)s of goods: split it into several orders.",
            limit=format_currency(customs.ORDER_LIMIT_CNY, "CNY"))})
    for sku in quote.unshippable:
        notices.append({"code": "unshippable", "sku": sku,
                        "message": _("No express line can carry %(sku)s to this destination.", sku=sku)})
    return {
        "destination": {"country": quote.destination.country, "city": quote.destination.city},
        "options": options,
        "ruled_out": ruled_out,
        "unshippable": list(quote.unshippable),
        "notices": notices,
    }


# ---- destinations -----------------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    country: str  # ISO alpha-2
    city: str  # Latin, as routing compares it

    @property
    def value(self) -> str:
        """How a place travels in a form field and the cookie."""
        return f"{self.country}:{self.city}"

    @classmethod
    def parse(cls, text: object) -> Place | None:
        if not isinstance(text, str) or ":" not in text:
            return None
        country, _sep, city = text.partition(":")
        city = " ".join(city.split())
        if not is_country(country) or not city or len(city) > 80:
            return None
        return cls(country.upper(), city)


def city_name(city: str, lang: str) -> str:
    return _demo_names()[0].get(city, {}).get(lang) or CITY_NAMES.get(city, {}).get(lang) or city


def country_name(country: str, lang: str) -> str:
    return _demo_names()[1].get(country, {}).get(lang) or _territories(lang).get(country) or country


@functools.cache
def _territories(lang: str) -> dict[str, str]:
    return dict(Locale.parse(_BABEL_LOCALE.get(lang, "en")).territories)


def place_name(place: Place, lang: str) -> str:
    return _("%(city)s, %(country)s", city=city_name(place.city, lang), country=country_name(place.country, lang))


def _demo_logistics():
    try:
        from shop.demo import logistics
    except ImportError:  # the demo is data beside the shop, not something it needs
        return None
    return logistics


@functools.cache
def _demo_places() -> tuple[Place, ...]:
    """The demo's destinations (shop/demo/logistics.py DESTINATIONS: {'country', 'city', 'names'})."""
    places = []
    for entry in getattr(_demo_logistics(), "DESTINATIONS", None) or ():
        if isinstance(entry, Mapping):
            place = Place.parse(f"{entry.get('country')}:{entry.get('city')}")
            if place is not None:
                places.append(place)
    return tuple(places)


@functools.cache
def _demo_names() -> tuple[dict[str, dict], dict[str, dict]]:
    """City names by Latin name and country names by code, in each language, from the demo data."""
    logistics = _demo_logistics()
    cities = {entry["city"]: dict(entry.get("names") or {})
              for entry in getattr(logistics, "DESTINATIONS", None) or ()
              if isinstance(entry, Mapping) and isinstance(entry.get("city"), str)}
    countries = {code: dict(names) for code, names in (getattr(logistics, "COUNTRIES", None) or {}).items()
                 if isinstance(names, Mapping)}
    return cities, countries


def served_places() -> list[Place]:
    """Every place an active line serves: the cities lines name, and for countries a line
    serves everywhere, the usual cities of that country."""
    found: dict[tuple[str, str], Place] = {}
    countries_everywhere = set()
    for line in line_set().lines:
        for country, cities in line.serves.items():
            country = country.upper()
            if not cities:
                countries_everywhere.add(country)
            for city in cities:
                found.setdefault((country, city.casefold()), Place(country, city))
    for country in countries_everywhere:
        for city in KNOWN_CITIES.get(country, ()):
            found.setdefault((country, city.casefold()), Place(country, city))
    for place in _demo_places():
        if place.country in countries_everywhere or (place.country, place.city.casefold()) in found:
            found.setdefault((place.country, place.city.casefold()), place)
    return list(found.values())


def destination_choices(lang: str, selected: Place | None = None) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """(country name, [(value, city name, selected)]) for a grouped select, in `lang`'s order."""
    by_country: dict[str, list[Place]] = {}
    for place in served_places():
        by_country.setdefault(place.country, []).append(place)
    if selected is not None and not any(p == selected for p in by_country.get(selected.country, ())):
        by_country.setdefault(selected.country, []).append(selected)
    groups = []
    for country, places in by_country.items():
        options = sorted(((p.value, city_name(p.city, lang), p == selected) for p in places), key=lambda o: o[1])
        groups.append((country_name(country, lang), options))
    return sorted(groups, key=lambda group: group[0])


def default_destination(lang: str) -> Place:
    country, city = DEFAULT_DESTINATIONS.get(lang, DEFAULT_DESTINATIONS["en"])
    return Place(country, city)


def current_destination(lang: str) -> Place:
    """The buyer's chosen destination (cookie), else the default for the page's language."""
    chosen = Place.parse(request.cookies.get(DESTINATION_COOKIE)) if has_request_context() else None
    return chosen or default_destination(lang)


def offered(place: Place) -> bool:
    """Whether the destination chooser offers this place."""
    return any(p.country == place.country and p.city.casefold() == place.city.casefold()
               for p in served_places())


# ---- the product page's promise ---------------------------------------------------------

@dataclass(frozen=True)
class Promise:
    """What the product page says about delivery to the buyer's destination."""

    place: Place
    place_name: str
    available: bool
    headline: str
    notes: tuple[str, ...]
    choices: list
    option: routing.Option | None = None


def product_promise(product: Product, lang: str) -> Promise | None:
    """The delivery promise for one unit of `product` to the buyer's destination, in `lang`
    (None only when the product cannot be routed at all, e.g. it has no dimensions)."""
    if lang not in LANGUAGES:
        lang = "en"
    place = current_destination(lang)
    try:
        quote = quote_products([(product, 1)], place.country, place.city, with_duty=False)
    except routing.RoutingError:
        return None
    info = line_set().info
    name = place_name(place, lang)
    choices = destination_choices(lang, place)
    if quote.options:
        option = quote.options[0]
        shipment = option.shipments[0]
        departure = shipment.departure
        today = current_time().date()
        line = info[shipment.line].name(lang) if shipment.line in info else shipment.line
        dates = _days(option.delivery_earliest, option.delivery_latest)
        clock = format_time(departure, "short")
        if departure.date() == today:
            headline = _("Arrives %(dates)s by the %(line)s if ordered before %(time)s today",
                         dates=dates, line=line, time=clock)
        else:
            headline = _("Arrives %(dates)s by the %(line)s if ordered before %(time)s on %(day)s",
                         dates=dates, line=line, time=clock,
                         day=format_skeleton("MMMMEEEEd", departure.date(), locale=get_locale()))
        notes = []
        if option.tax_kind == "import" and option.taxes > 0:
            notes.append(_("Cross-border import tax of about %(amount)s is added at checkout.",
                           amount=format_currency(option.taxes, "CNY")))
        return Promise(place, name, True, headline, tuple(notes), choices, option)

    serving = [r for r in quote.ruled_out if r.code not in ("not_served_country", "not_served_city")]
    if not serving:
        return Promise(place, name, False, _("We do not deliver to %(place)s yet.", place=name), (), choices)
    seasons = sorted((r for r in serving if r.code == "closed_season" and r.params.get("until")),
                     key=lambda r: r.params["until"])
    notes = []
    for ruling in serving:
        if seasons and ruling is seasons[0]:
            continue
        line = info.get(ruling.line, None)
        notes.append(_("%(line)s: %(reason)s", line=line.name(lang) if line else ruling.line,
                       reason=reason_text(ruling.code, ruling.params, mode=line.mode if line else None)))
    if seasons:
        first = seasons[0]
        line = info[first.line].name(lang) if first.line in info else first.line
        headline = _("The %(line)s is closed for the season until %(date)s.", line=line,
                     date=_day(first.params["until"]))
        notes.insert(0, _("It cannot be sent to %(place)s until then.", place=name))
    else:
        headline = _("This product cannot be sent to %(place)s at the moment.", place=name)
    return Promise(place, name, False, headline, tuple(notes), choices)

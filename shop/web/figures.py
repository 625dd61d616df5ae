"""The admin home's and the merchant home's charts, built from shop.services.figures in the page's
language: titles, descriptions, labels and figures written here, drawn by templates/_charts.html."""
from __future__ import annotations

from decimal import Decimal

from babel.dates import format_skeleton, format_time
from flask_babel import format_decimal, format_percent, get_locale, ngettext
from flask_babel import gettext as _

from shop.domain.routing import SHANGHAI
from shop.i18n import current_language, is_rtl
from shop.services import figures
from shop.web.charts import Chart, Row, bars, columns
from shop.web.templating import money
from shop.web.words import country_name


def _day(day) -> str:
    return format_skeleton("MMMd", day, locale=get_locale())


def _orders(n: int) -> str:
    return ngettext("%(num)d order", "%(num)d orders", n)


def sales_chart(sales: list[figures.DayTotal], chart_id: str = "sales", *, own: bool = False) -> Chart:
    """Sales per business day over the window, oldest first."""
    total = sum((d.amount_cny for d in sales), Decimal(0))
    count = sum(d.orders for d in sales)
    best = max(sales, key=lambda d: d.amount_cny, default=None)
    top = best.amount_cny if best else Decimal(0)
    description = (_("Your goods sold on each of the last %(days)d days: %(total)s in %(orders)s.",
                     days=figures.SALES_DAYS, total=money(total), orders=_orders(count)) if own else
                   _("Paid and confirmed orders on each of the last %(days)d days: %(total)s in %(orders)s.",
                     days=figures.SALES_DAYS, total=money(total), orders=_orders(count)))
    if best and best.amount_cny > 0:
        description += " " + _("Best day: %(day)s, %(amount)s.", day=_day(best.day), amount=money(best.amount_cny))
    rows = [Row(_day(d.day), d.amount_cny, money(d.amount_cny), format_decimal(d.orders)) for d in sales]
    return columns(chart_id, _("Sales per day"), description, rows if count else [],
                   (_("Day"), _("Sales"), _("Orders")), rtl=is_rtl(current_language()),
                   scale=(money(top), money(top / 2)) if top > 0 else ())


def _count_chart(chart_id: str, title: str, rows: list[Row], description: str) -> Chart:
    total = sum(int(r.value) for r in rows)
    if rows:
        description += " " + _("Most: %(label)s (%(share)s).", label=rows[0].label,
                               share=format_percent(rows[0].value / total if total else 0))
    return bars(chart_id, title, description, rows, (title, _("Orders")), rtl=is_rtl(current_language()))


def destination_chart(counts: list[figures.Count]) -> Chart:
    lang = current_language()
    rows = [Row(country_name(c.key, lang), Decimal(c.orders), format_decimal(c.orders)) for c in counts]
    total = sum(c.orders for c in counts)
    return _count_chart("by-destination", _("Orders by destination"), rows,
                        _("%(orders)s in the last %(days)d days, by destination country.", orders=_orders(total),
                          days=figures.SALES_DAYS))


def line_chart(counts: list[figures.Count]) -> Chart:
    lang = current_language()
    rows = [Row(c.names.get(lang) or c.names.get("en") or c.key, Decimal(c.orders), format_decimal(c.orders))
            for c in counts]
    total = sum(c.orders for c in counts)
    return _count_chart("by-line", _("Orders by express line"), rows,
                        _("%(orders)s in the last %(days)d days, by express line.", orders=_orders(total),
                          days=figures.SALES_DAYS))


def departure_chart(departures: list[figures.DepartureFill]) -> Chart:
    """How full each coming departure is: weight booked against the line's capacity."""
    lang = current_language()
    rows = []
    for d in departures:
        local = d.departs_at.astimezone(SHANGHAI)
        when = f"{_day(local.date())} {format_time(local.timetz(), 'short', locale=get_locale())}"
        name = d.line_names.get(lang) or d.line_names.get("en") or d.line
        rows.append(Row(f"{name} · {when}", d.share, format_percent(d.share),
                        _("%(booked)s of %(capacity)s kg", booked=format_decimal(d.booked_kg.quantize(Decimal("0.1"))),
                          capacity=format_decimal(d.capacity_kg.normalize()))))
    full = [d for d in departures if d.share >= Decimal("0.9")]
    description = ngettext("The next %(num)d departure: weight booked against its capacity.",
                           "The next %(num)d departures: weight booked against their capacity.", len(departures))
    if full:
        description += " " + ngettext("%(num)d is 90%% full or more.", "%(num)d are 90%% full or more.", len(full))
    return bars("departures", _("Fill of the coming departures"), description, rows,
                (_("Departure"), _("Fill"), _("Booked")), rtl=is_rtl(current_language()), full=Decimal(1))


def top_listing_chart(top: list[figures.TopListing]) -> Chart:
    rows = [Row(t.name, t.amount_cny, money(t.amount_cny),
                ngettext("%(num)d unit", "%(num)d units", t.units)) for t in top]
    description = (_("Your best-selling listings of the last %(days)d days by sales; first: %(name)s.",
                     days=figures.SALES_DAYS, name=top[0].name) if top else "")
    return bars("top-listings", _("Top listings"), description, rows, (_("Listing"), _("Sales"), _("Units")),
                rtl=is_rtl(current_language()))

"""The product page's delivery promise: the quoting use case's outlook, worded for the buyer."""
from __future__ import annotations

from dataclasses import dataclass

from babel.dates import format_skeleton
from flask_babel import format_currency, get_locale
from flask_babel import gettext as _

from shop.domain import routing
from shop.domain.places import Place
from shop.services import quotes
from shop.services.context import BuyerContext
from shop.web import words


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
    asking: bool = False  # nothing tells where the buyer lives: the page asks first


def product_promise(product, ctx: BuyerContext) -> Promise | None:
    """The delivery promise for one unit of `product` to the buyer's destination, in the
    context's language (None only when the product cannot be routed at all)."""
    if not ctx.destination_known:
        return Promise(ctx.place, "", False, _("Where should we deliver? Choose your city to see when it "
                                               "arrives and what delivery costs."), (),
                       words.destination_choices(ctx.lang, None, ctx.memo), asking=True)
    outlook = quotes.delivery_outlook(product, ctx)
    if outlook is None:
        return None
    lang, memo, place = ctx.lang, ctx.memo, outlook.place
    name = words.place_name(place, lang)
    choices = words.destination_choices(lang, place, memo)
    option = outlook.option
    if option is not None:
        shipment = option.shipments[0]
        departure = shipment.departure
        line = words.line_name(shipment.line, lang, memo)
        dates = words.days(option.delivery_earliest, option.delivery_latest)
        clock = words.clock(departure)
        if departure.date() == quotes.current_time().date():
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

    if not outlook.served:
        return Promise(place, name, False, _("We do not deliver to %(place)s yet.", place=name), (), choices)
    notes = [_("%(line)s: %(reason)s", line=words.line_name(r.line, lang, memo),
               reason=words.ruling_text(r.line, r.code, r.params, memo))
             for r in outlook.ruled_out if r is not outlook.season]
    until = quotes.reopens(outlook.season) if outlook.season is not None else None
    if outlook.season is not None and until is not None:
        headline = _("The %(line)s is closed for the season until %(date)s.",
                     line=words.line_name(outlook.season.line, lang, memo), date=words.day(until))
        notes.insert(0, _("It cannot be sent to %(place)s until then.", place=name))
    else:
        headline = _("This product cannot be sent to %(place)s at the moment.", place=name)
    return Promise(place, name, False, headline, tuple(notes), choices)
